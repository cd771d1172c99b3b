# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator's state, kept in SQLite in the state directory.

Every request's handler runs in one transaction (``Store.transaction``): a
write takes SQLite's write lock at the start (``BEGIN IMMEDIATE``), so
directory writes are serialized as DirMaint serializes them, and a request's
changes land completely or not at all, even if the process is killed
mid-request.  (Counting fault rules and finishing soft stops that came due
use short transactions of their own before the handler's.)

Tables:
  meta       key/value (request id counter, seed marker)
  entries    directory entries: users, profiles and prototypes, as records
  cp         guests that are logged on (CP state), one JSON document each
  volumes    DASD volumes and their DirMaint region/groups
  extents    allocated minidisk extents (volid, start, size, owner, vdev)
  locks      Image_Lock_DM locks
  async_ops  asynchronous DirMaint operations
  vswitches  virtual switches; grants: their access lists
  adapters   active (CP) network adapters of logged-on guests
  spool      reader/punch/console spool files
  faults     fault injection rules
  objects    small named documents of any other kind (name lists, tags...)
"""

import json
import os
import sqlite3
import threading
import time

SCHEMA = '''
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS entries (name TEXT NOT NULL, kind TEXT NOT NULL, records TEXT NOT NULL,
                                    PRIMARY KEY (name, kind));
CREATE TABLE IF NOT EXISTS cp (userid TEXT PRIMARY KEY, due REAL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS cp_due ON cp (due);
CREATE TABLE IF NOT EXISTS volumes (volid TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS extents (volid TEXT NOT NULL, start INTEGER NOT NULL, size INTEGER NOT NULL,
                                    owner TEXT NOT NULL, vdev TEXT NOT NULL, PRIMARY KEY (volid, start));
CREATE INDEX IF NOT EXISTS extents_owner ON extents (owner, vdev);
CREATE TABLE IF NOT EXISTS locks (userid TEXT NOT NULL, device TEXT NOT NULL, owner TEXT NOT NULL,
                                  PRIMARY KEY (userid, device));
CREATE TABLE IF NOT EXISTS async_ops (id INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS vswitches (name TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS grants (switch TEXT NOT NULL, userid TEXT NOT NULL, data TEXT NOT NULL,
                                   PRIMARY KEY (switch, userid));
CREATE TABLE IF NOT EXISTS adapters (userid TEXT NOT NULL, vdev TEXT NOT NULL, data TEXT NOT NULL,
                                     PRIMARY KEY (userid, vdev));
CREATE TABLE IF NOT EXISTS spool (id INTEGER PRIMARY KEY AUTOINCREMENT, userid TEXT NOT NULL, data TEXT NOT NULL,
                                  content BLOB);
CREATE TABLE IF NOT EXISTS faults (id INTEGER PRIMARY KEY AUTOINCREMENT, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS objects (kind TEXT NOT NULL, name TEXT NOT NULL, data TEXT NOT NULL,
                                    PRIMARY KEY (kind, name));
'''

RECORD_WIDTH = 72


def normalize_record(record):
    """A directory record as DirMaint stores it: upper case, 72 columns."""
    text = record.rstrip()
    if len(text) > RECORD_WIDTH:
        raise ValueError('record longer than %d columns: %r' % (RECORD_WIDTH, text))
    return text.upper().ljust(RECORD_WIDTH)


class Tx:
    """One transaction: typed accessors over the tables."""

    def __init__(self, conn, store, write):
        self.conn = conn
        self.store = store
        self.write = write
        self.now = store.clock()

    def _one(self, sql, args=()):
        row = self.conn.execute(sql, args).fetchone()
        return row[0] if row else None

    # -- meta ------------------------------------------------------------------
    def meta(self, key, default=None):
        value = self._one('SELECT value FROM meta WHERE key = ?', (key,))
        return json.loads(value) if value is not None else default

    def set_meta(self, key, value):
        self.conn.execute('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)', (key, json.dumps(value)))

    # -- directory ---------------------------------------------------------------
    def entry(self, name, kind='user'):
        """The records of a directory entry (72-column strings), or None."""
        raw = self._one('SELECT records FROM entries WHERE name = ? AND kind = ?', (name.upper(), kind))
        return json.loads(raw) if raw is not None else None

    def entry_kind(self, name):
        """'user' or 'profile' when a directory entry has this name (they
        share one namespace), else 'prototype' or None."""
        kinds = [r[0] for r in self.conn.execute('SELECT kind FROM entries WHERE name = ?', (name.upper(),))]
        for kind in ('user', 'profile', 'prototype'):
            if kind in kinds:
                return kind
        return None

    def names(self, kind='user'):
        return [r[0] for r in self.conn.execute('SELECT name FROM entries WHERE kind = ? ORDER BY name', (kind,))]

    def entries(self, kind='user'):
        for name, raw in self.conn.execute('SELECT name, records FROM entries WHERE kind = ? ORDER BY name',
                                           (kind,)):
            yield name, json.loads(raw)

    def put_entry(self, name, records, kind='user'):
        records = [normalize_record(r) for r in records]
        self.conn.execute('INSERT OR REPLACE INTO entries (name, kind, records) VALUES (?, ?, ?)',
                          (name.upper(), kind, json.dumps(records)))
        return records

    def delete_entry(self, name, kind='user'):
        self.conn.execute('DELETE FROM entries WHERE name = ? AND kind = ?', (name.upper(), kind))

    # -- CP (logged-on guests) -------------------------------------------------------
    def cp(self, userid):
        raw = self._one('SELECT data FROM cp WHERE userid = ?', (userid.upper(),))
        return json.loads(raw) if raw is not None else None

    def cp_all(self):
        return dict((u, json.loads(d)) for u, d in self.conn.execute('SELECT userid, data FROM cp ORDER BY userid'))

    def put_cp(self, userid, data):
        self.conn.execute('INSERT OR REPLACE INTO cp (userid, due, data) VALUES (?, ?, ?)',
                          (userid.upper(), data.get('due'), json.dumps(data)))

    def delete_cp(self, userid):
        self.conn.execute('DELETE FROM cp WHERE userid = ?', (userid.upper(),))
        self.conn.execute('DELETE FROM adapters WHERE userid = ?', (userid.upper(),))

    def due_cp(self, now):
        return [(u, json.loads(d)) for u, d in
                self.conn.execute('SELECT userid, data FROM cp WHERE due IS NOT NULL AND due <= ?', (now,))]

    # -- DASD --------------------------------------------------------------------------
    def volume(self, volid):
        raw = self._one('SELECT data FROM volumes WHERE volid = ?', (volid.upper(),))
        return json.loads(raw) if raw is not None else None

    def volumes(self):
        return [json.loads(d) for (d,) in self.conn.execute('SELECT data FROM volumes ORDER BY volid')]

    def put_volume(self, data):
        self.conn.execute('INSERT OR REPLACE INTO volumes (volid, data) VALUES (?, ?)',
                          (data['volid'].upper(), json.dumps(data)))

    def delete_volume(self, volid):
        self.conn.execute('DELETE FROM volumes WHERE volid = ?', (volid.upper(),))

    def extents(self, volid=None, owner=None):
        sql, args = 'SELECT volid, start, size, owner, vdev FROM extents', []
        where = []
        if volid is not None:
            where.append('volid = ?')
            args.append(volid.upper())
        if owner is not None:
            where.append('owner = ?')
            args.append(owner.upper())
        if where:
            sql += ' WHERE ' + ' AND '.join(where)
        sql += ' ORDER BY volid, start'
        return [dict(zip(('volid', 'start', 'size', 'owner', 'vdev'), row)) for row in self.conn.execute(sql, args)]

    def add_extent(self, volid, start, size, owner, vdev):
        self.conn.execute('INSERT INTO extents (volid, start, size, owner, vdev) VALUES (?, ?, ?, ?, ?)',
                          (volid.upper(), start, size, owner.upper(), vdev.upper()))

    def delete_extents(self, owner, vdev=None):
        if vdev is None:
            self.conn.execute('DELETE FROM extents WHERE owner = ?', (owner.upper(),))
        else:
            self.conn.execute('DELETE FROM extents WHERE owner = ? AND vdev = ?', (owner.upper(), vdev.upper()))

    # -- locks, async operations ------------------------------------------------------------
    def locks(self, userid):
        return [dict(device=d, owner=o) for d, o in
                self.conn.execute('SELECT device, owner FROM locks WHERE userid = ? ORDER BY device',
                                  (userid.upper(),))]

    def add_lock(self, userid, device, owner):
        self.conn.execute('INSERT OR REPLACE INTO locks (userid, device, owner) VALUES (?, ?, ?)',
                          (userid.upper(), device.upper(), owner.upper()))

    def delete_lock(self, userid, device=None):
        if device is None:
            self.conn.execute('DELETE FROM locks WHERE userid = ?', (userid.upper(),))
        else:
            self.conn.execute('DELETE FROM locks WHERE userid = ? AND device = ?', (userid.upper(), device.upper()))

    def new_async_op(self, data):
        cur = self.conn.execute('INSERT INTO async_ops (data) VALUES (?)', (json.dumps(data),))
        return cur.lastrowid

    def async_op(self, op_id):
        raw = self._one('SELECT data FROM async_ops WHERE id = ?', (op_id,))
        return json.loads(raw) if raw is not None else None

    # -- network ---------------------------------------------------------------------------------
    def vswitch(self, name):
        raw = self._one('SELECT data FROM vswitches WHERE name = ?', (name.upper(),))
        return json.loads(raw) if raw is not None else None

    def vswitches(self):
        return [json.loads(d) for (d,) in self.conn.execute('SELECT data FROM vswitches ORDER BY name')]

    def put_vswitch(self, data):
        self.conn.execute('INSERT OR REPLACE INTO vswitches (name, data) VALUES (?, ?)',
                          (data['name'].upper(), json.dumps(data)))

    def delete_vswitch(self, name):
        self.conn.execute('DELETE FROM vswitches WHERE name = ?', (name.upper(),))
        self.conn.execute('DELETE FROM grants WHERE switch = ?', (name.upper(),))

    def grants(self, switch):
        return [json.loads(d) for (d,) in
                self.conn.execute('SELECT data FROM grants WHERE switch = ? ORDER BY userid', (switch.upper(),))]

    def grant(self, switch, userid):
        raw = self._one('SELECT data FROM grants WHERE switch = ? AND userid = ?', (switch.upper(), userid.upper()))
        return json.loads(raw) if raw is not None else None

    def put_grant(self, switch, data):
        self.conn.execute('INSERT OR REPLACE INTO grants (switch, userid, data) VALUES (?, ?, ?)',
                          (switch.upper(), data['userid'].upper(), json.dumps(data)))

    def delete_grant(self, switch, userid):
        self.conn.execute('DELETE FROM grants WHERE switch = ? AND userid = ?', (switch.upper(), userid.upper()))

    def adapters(self, userid=None):
        if userid is None:
            rows = self.conn.execute('SELECT data FROM adapters ORDER BY userid, vdev')
        else:
            rows = self.conn.execute('SELECT data FROM adapters WHERE userid = ? ORDER BY vdev', (userid.upper(),))
        return [json.loads(d) for (d,) in rows]

    def adapter(self, userid, vdev):
        raw = self._one('SELECT data FROM adapters WHERE userid = ? AND vdev = ?', (userid.upper(), vdev.upper()))
        return json.loads(raw) if raw is not None else None

    def put_adapter(self, data):
        self.conn.execute('INSERT OR REPLACE INTO adapters (userid, vdev, data) VALUES (?, ?, ?)',
                          (data['userid'].upper(), data['vdev'].upper(), json.dumps(data)))

    def delete_adapter(self, userid, vdev):
        self.conn.execute('DELETE FROM adapters WHERE userid = ? AND vdev = ?', (userid.upper(), vdev.upper()))

    # -- spool -------------------------------------------------------------------------------------
    def add_spool(self, userid, data, content=b''):
        cur = self.conn.execute('INSERT INTO spool (userid, data, content) VALUES (?, ?, ?)',
                                (userid.upper(), json.dumps(data), content))
        return cur.lastrowid

    def spool_files(self, userid=None):
        if userid is None:
            rows = self.conn.execute('SELECT id, userid, data FROM spool ORDER BY id')
        else:
            rows = self.conn.execute('SELECT id, userid, data FROM spool WHERE userid = ? ORDER BY id',
                                     (userid.upper(),))
        out = []
        for spid, owner, data in rows:
            doc = json.loads(data)
            doc.update(spoolid=spid, userid=owner)
            out.append(doc)
        return out

    def spool_content(self, spoolid):
        return self._one('SELECT content FROM spool WHERE id = ?', (spoolid,))

    def delete_spool(self, spoolid):
        self.conn.execute('DELETE FROM spool WHERE id = ?', (spoolid,))

    # -- generic documents ----------------------------------------------------------------------------
    def obj(self, kind, name, default=None):
        raw = self._one('SELECT data FROM objects WHERE kind = ? AND name = ?', (kind, name))
        return json.loads(raw) if raw is not None else default

    def objs(self, kind):
        return dict((n, json.loads(d)) for n, d in
                    self.conn.execute('SELECT name, data FROM objects WHERE kind = ? ORDER BY name', (kind,)))

    def put_obj(self, kind, name, data):
        self.conn.execute('INSERT OR REPLACE INTO objects (kind, name, data) VALUES (?, ?, ?)',
                          (kind, name, json.dumps(data)))

    def delete_obj(self, kind, name):
        self.conn.execute('DELETE FROM objects WHERE kind = ? AND name = ?', (kind, name))

    # -- faults ------------------------------------------------------------------------------------------
    def faults(self):
        return [dict(json.loads(d), id=i) for i, d in self.conn.execute('SELECT id, data FROM faults ORDER BY id')]

    def add_fault(self, data):
        return self.conn.execute('INSERT INTO faults (data) VALUES (?)', (json.dumps(data),)).lastrowid

    def update_fault(self, fault_id, data):
        data = dict((k, v) for k, v in data.items() if k != 'id')
        self.conn.execute('UPDATE faults SET data = ? WHERE id = ?', (json.dumps(data), fault_id))

    def clear_faults(self):
        self.conn.execute('DELETE FROM faults')


class Store:
    """Opens the state database; one SQLite connection per thread."""

    def __init__(self, state_dir, clock=time.time):
        self.state_dir = state_dir
        os.makedirs(state_dir, exist_ok=True)
        self.path = os.path.join(state_dir, 'state.db')
        self.clock = clock
        self._local = threading.local()
        self._conn().executescript(SCHEMA)

    def _conn(self):
        conn = getattr(self._local, 'conn', None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
            conn.execute('PRAGMA journal_mode=WAL')
            conn.execute('PRAGMA synchronous=NORMAL')
            conn.execute('PRAGMA busy_timeout=60000')
            self._local.conn = conn
        return conn

    def transaction(self, write=False):
        return _Transaction(self, write)

    @property
    def seeded(self):
        with self.transaction() as tx:
            return bool(tx.meta('seeded'))

    def close(self):
        conn = getattr(self._local, 'conn', None)
        if conn is not None:
            conn.close()
            self._local.conn = None


class _Transaction:
    def __init__(self, store, write):
        self.store = store
        self.write = write

    def __enter__(self):
        conn = self.store._conn()
        conn.execute('BEGIN IMMEDIATE' if self.write else 'BEGIN')
        self.tx = Tx(conn, self.store, self.write)
        return self.tx

    def __exit__(self, exc_type, exc, tb):
        conn = self.tx.conn
        if exc_type is None:
            conn.execute('COMMIT')
        else:
            conn.execute('ROLLBACK')
        return False


def reset(state_dir):
    """Remove the state files (the request log stays unless asked)."""
    for name in ('state.db', 'state.db-wal', 'state.db-shm'):
        path = os.path.join(state_dir, name)
        if os.path.exists(path):
            os.remove(path)
