# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The node's spool: reader files as ``vmcp query rdr all``, ``vmcp change
rdr``, ``vmcp transfer``, ``vmcp purge rdr`` and ``vmur`` see them.

Reader files are rows of the ``spool`` table (queue RDR) as for SMAPI's
System_RDR_File_* (``handlers/system.py``), so a file the node punches to a
guest is what System_RDR_File_Query shows for that guest.  Spool ids are
CP's 4-digit numbers (``spool_number``).
"""

import json

from zvmsim.handlers.system import reader, spool_number
from zvmsim.sysinfo import local_time

HEADER = 'ORIGINID FILE CLASS RECORDS  CPY HOLD DATE  TIME     NAME      TYPE      DIST'
RECORD_BYTES = 80


def files(tx, userid):
    """The reader files of ``userid`` in queue order."""
    return reader(tx, userid)


def find(tx, userid, number):
    """The reader file of ``userid`` whose CP number is ``number``, or None."""
    try:
        number = int(number)
    except (TypeError, ValueError):
        return None
    return next((f for f in reader(tx, userid) if spool_number(f['spoolid']) == number), None)


def line(config, f):
    """One line of CP's QUERY RDR ALL (and vmur list)."""
    stamp = local_time(config, float(f.get('time') or 0))
    return '%-8s %04d %s %-3s %08d %03d %-4s %02d/%02d %02d:%02d:%02d %-8s  %-8s  %s' % (
        str(f.get('originid') or f['userid']), spool_number(f['spoolid']), str(f.get('class') or 'A'),
        str(f.get('device_type') or 'PUN')[:3], int(f.get('records') or 0), int(f.get('copies') or 1),
        str(f.get('hold') or 'NONE'), stamp.tm_mon, stamp.tm_mday, stamp.tm_hour, stamp.tm_min, stamp.tm_sec,
        str(f.get('name') or ''), str(f.get('type') or ''), str(f.get('dist') or f['userid']))


def listing(config, tx, userid):
    """CP's QUERY RDR ALL output for ``userid``'s reader."""
    found = reader(tx, userid)
    if not found:
        return 'NO RDR FILES\n'
    return '\n'.join([HEADER] + [line(config, f) for f in found]) + '\n'


def punch(tx, userid, origin, name, ftype, klass, content, now):
    """A new reader file for ``userid`` punched by ``origin``; returns its CP number."""
    data = {'queue': 'RDR', 'originid': origin.upper(), 'class': klass.upper(), 'device_type': 'PUN',
            'records': max(1, -(-len(content) // RECORD_BYTES)), 'copies': 1, 'hold': 'NONE', 'time': now,
            'name': name.upper(), 'type': ftype.upper(), 'dist': origin.upper()}
    return spool_number(tx.add_spool(userid, data, content))


def content(tx, f):
    """The bytes of a reader file."""
    data = tx.spool_content(f['spoolid']) or b''
    return data.encode('latin-1', 'replace') if isinstance(data, str) else bytes(data)


def _drop_from_order(tx, userid, spoolid):
    order = [s for s in tx.obj('rdr_order', userid.upper(), []) or [] if s != spoolid]
    tx.put_obj('rdr_order', userid.upper(), order)


def purge(tx, f):
    tx.delete_spool(f['spoolid'])
    _drop_from_order(tx, f['userid'], f['spoolid'])


def update(tx, f, userid=None, **changes):
    """Change a reader file's attributes (class, name...) and, with
    ``userid``, move it to that user's reader, keeping its spool id."""
    data = dict((k, v) for k, v in f.items() if k not in ('spoolid', 'userid'))
    data.update(changes)
    owner = (userid or f['userid']).upper()
    if owner != f['userid']:
        _drop_from_order(tx, f['userid'], f['spoolid'])
    tx.conn.execute('UPDATE spool SET userid = ?, data = ? WHERE id = ?', (owner, json.dumps(data), f['spoolid']))
