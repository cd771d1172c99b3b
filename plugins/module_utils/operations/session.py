# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The session every operation runs in: the SMAPI client, bounded waits
while a directory entry is locked, the host lock that keeps Ansible forks
apart, the marker of a DirMaint lock this controller holds (so that a lock
left by a killed run can be told apart and released), and the request
counts a result reports.

Lock markers
    ``record_lock(userid)`` writes, next to the host lock file of the entry,
    a small JSON file naming the entry, the SMAPI server and user, this
    process and the time; ``forget_lock(userid)`` removes it.  Both only
    act under the host lock (``guest_lock``).  Every process of this
    controller holds the host lock of an entry from before it locks the
    entry in DirMaint until after it unlocks it, so a marker that
    ``stale_lock(userid)`` finds while this process holds the host lock
    was left by a process that was killed, or whose unlock failed: the
    DirMaint lock it names, if still there, is a stale lock of this
    controller.  "This controller" is the directory of the host locks: the
    system temporary directory ($TMPDIR) and the local user.  Another
    controller (another host, another $TMPDIR) has no marker and cannot
    tell a stale lock from a change in progress: it waits, then fails with
    a message that says how to release the lock.

What the lock codes mean here, once (the directory writes of the
operations go through ``dm_write``):

    any *_DM write       400/12 the entry is locked (by anyone: DirMaint  -> a stale lock of this controller is
                                refuses a change to a locked entry, and a    released (release_stale) and the
                                second lock, even to the lock's holder)      write sent again; else waits,
                         404/12 a device of it is locked                     then SDKConflictError saying how
                                                                             to release the lock
    Image_Lock_Query_DM  0/12 locked (``lock_info`` names the holder),   -> lock_owner
                         0/24 not locked
    Image_Unlock_DM      400/24 not locked                               -> fine
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import json
import os
import re
import socket
import stat
import tempfile
import time

from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import SDKConflictError, SDKInternalError
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.client import is_read_only
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.errors import SmapiRequestError

try:
    import fcntl
except ImportError:     # pragma: no cover - not on the Linux hosts that manage z/VM
    fcntl = None

# a directory entry or device that is locked (by anyone, this SMAPI user included)
IMAGE_LOCKED = (400, 12)
LOCKED = (IMAGE_LOCKED, (404, 12))
MARKER_SUFFIX = '.held'


def outcome(reply):
    """A reply's (rc, rs): (0, 0) for success, or the ``ok`` pair it was."""
    return reply.get('return_code', 0), reply.get('reason_code', 0)


def locked_message(userid, waited, error):
    """The message when a directory entry stayed locked: it may be a change
    in progress, or a lock a killed run left behind, and says how to
    release the latter."""
    return ("the directory entry of '%s' stayed locked for %.0f seconds (%s); another change of it may still be "
            "running: try again later.  If none is (a run that was killed between lock and unlock leaves its lock "
            "behind), release it with DIRMAINT FOR %s UNLOCK (or SMAPI Image_Unlock_DM on %s) and run again"
            % (userid, waited, error, userid, userid))


class Session:
    """One SMAPI connection profile and the waits around it.

    ``client`` is a ``SmapiClient`` (or a test double with ``call``,
    ``call_count`` and ``history``); ``lock_timeout`` bounds every wait on a
    lock; ``sleep`` and ``clock`` are injectable for tests."""

    def __init__(self, client, lock_timeout=120.0, sleep=time.sleep, clock=time.monotonic):
        self.client = client
        self.lock_timeout = lock_timeout
        self.sleep = sleep
        self.clock = clock
        self._held = {}
        self.released_stale_locks = []     # entries whose stale lock of this controller was released

    @property
    def userid(self):
        """The SMAPI user: the target of system-wide requests."""
        return self.client.userid

    def call(self, function, target=None, ok=(), errors=None, **params):
        """One request.  ``ok`` lists (rc, rs) pairs that are answers, not
        failures: the reply is returned (see ``outcome``).  ``errors`` maps
        an (rc, rs) pair, or an rc alone, to a function that makes the
        exception to raise instead of the SmapiRequestError.  Only
        operations call this."""
        try:
            return self.client.call(function, target, ok=ok, **params)
        except SmapiRequestError as e:
            for key, make in (errors or {}).items():
                if (e.rc == key) if isinstance(key, int) else e.matches(*key):
                    raise make(e)
            raise

    def call_counts(self):
        """SMAPI requests made so far, split into reads and writes."""
        reads = self.client.call_count(is_read_only)
        total = self.client.call_count()
        return {'reads': reads, 'writes': total - reads}

    def lock_waits(self):
        """How many requests found a directory entry or device locked
        (400/12, 404/12) and were retried."""
        history = getattr(self.client, 'history', None) or []
        return sum(1 for h in history if (h.get('rc'), h.get('rs')) in LOCKED)

    def dm_write(self, function, userid, ok=(), errors=None, **params):
        """A directory write that waits (bounded by ``lock_timeout``) while
        the entry or device is locked (400/12, 404/12), then raises
        SDKConflictError with a message that says how to release a lock
        that nobody holds any more.  When the entry's lock is a stale lock
        of this controller (``release_stale``), it is released and the
        request sent again at once."""
        deadline = self.clock() + self.lock_timeout
        delay = 0.2
        while True:
            try:
                return self.call(function, userid, ok=ok, errors=errors, **params)
            except SmapiRequestError as e:
                if not any(e.matches(rc, rs) for rc, rs in LOCKED):
                    raise
                if e.matches(*IMAGE_LOCKED) and self.release_stale(userid):
                    continue
                if self.clock() >= deadline:
                    raise SDKConflictError(locked_message(userid, self.lock_timeout, e), rs=400)
            self.sleep(delay)
            delay = min(delay * 2, 5.0)

    def lock_owner(self, userid):
        """Image_Lock_Query_DM: the SMAPI user holding the image lock of
        ``userid`` (0/12), or None (0/24 not locked, or only devices are)."""
        info = self.call('Image_Lock_Query_DM', userid).get('lock_info')
        if isinstance(info, dict):
            return str(info.get('image_locked_by') or '').upper() or None
        return None

    def release_stale(self, userid):
        """Release the DirMaint lock of ``userid`` when it is a stale lock of
        this controller: a marker says a process of this controller took it
        and never released it (``stale_lock``), and the SMAPI user that took
        it still holds it (Image_Lock_Query_DM).  Then Image_Unlock_DM
        (400/24, not locked, is fine) and True: the entry may be tried again
        at once.  False (wait) otherwise; a marker whose lock somebody else
        holds now is dropped."""
        held = self.stale_lock(userid)
        if held is None:
            return False
        owner = self.lock_owner(userid)
        if owner is not None and owner != str(held.get('smapi_user') or '').upper():
            self.forget_lock(userid)
            return False
        if owner is not None:
            self.call('Image_Unlock_DM', userid, device_address='', ok=[(400, 24)])
        self.forget_lock(userid)
        self.released_stale_locks.append(userid)
        return True

    # -- markers of the DirMaint locks this controller holds (see the module docstring) ------------
    def _marker_path(self, userid):
        if userid not in self._held:
            return None
        path = self._lock_path(userid)
        return path[:-len('.lock')] + MARKER_SUFFIX if path else None

    def record_lock(self, userid):
        """Note that this process now holds the DirMaint lock of ``userid``
        (only under the host lock of ``userid``; a no-op otherwise).  Best
        effort: a marker that cannot be written only means that a lock this
        process might leave behind is not released by itself."""
        path = self._marker_path(userid)
        if path is None:
            return
        info = {'entry': userid, 'smapi_user': self.userid, 'pid': os.getpid(), 'host': socket.gethostname(),
                'server': '%s:%s' % (getattr(self.client, 'host', None) or 'smapi', getattr(self.client, 'port', '')),
                'time': time.time()}
        tmp = '%s.%d.tmp' % (path, os.getpid())
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, 'O_NOFOLLOW', 0), 0o600)
            with os.fdopen(fd, 'w') as fh:
                json.dump(info, fh)
            os.rename(tmp, path)
        except (OSError, IOError):
            pass

    def forget_lock(self, userid):
        """Remove the marker of ``userid`` (the lock was released, or is
        not ours any more)."""
        path = self._marker_path(userid)
        if path is not None:
            try:
                os.remove(path)
            except OSError:
                pass

    def stale_lock(self, userid):
        """The marker (a dict: entry, smapi_user, pid, host, server, time)
        of a DirMaint lock of ``userid`` that a process of this controller
        took and never released, or None.  Only under the host lock of
        ``userid`` (see the module docstring)."""
        path = self._marker_path(userid)
        if path is None:
            return None
        try:
            with open(path) as fh:
                info = json.load(fh)
        except (OSError, IOError, ValueError):
            return None
        return info if isinstance(info, dict) and str(info.get('entry', '')).upper() == userid.upper() else None

    def _lock_path(self, userid):
        if fcntl is None:
            return None
        base = os.path.join(tempfile.gettempdir(), 'zvm-cloud-locks-%d' % os.getuid())
        try:
            os.mkdir(base, 0o700)
        except OSError:
            pass
        st = os.lstat(base)
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
            raise SDKInternalError('the lock directory %s is not a private directory of this user' % base)
        key = '%s_%s_%s' % (getattr(self.client, 'host', None) or 'smapi', getattr(self.client, 'port', ''), userid)
        return os.path.join(base, re.sub(r'[^A-Za-z0-9@#$_.-]', '_', key) + '.lock')

    @contextlib.contextmanager
    def guest_lock(self, userid):
        """Serialize directory writes to one guest among the processes of
        this host that use the same SMAPI server (Ansible forks), so that
        they queue here rather than in DirMaint's lock waits, and so that a
        lock marker found under it is known to be stale (see the module
        docstring).  Every directory write holds it.  Reentrant within a
        process; waits at most ``lock_timeout`` seconds."""
        held = self._held
        if userid in held:
            held[userid][1] += 1
            try:
                yield
            finally:
                held[userid][1] -= 1
            return
        path = self._lock_path(userid)
        if path is None:
            yield
            return
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, 'O_NOFOLLOW', 0), 0o600)
        try:
            deadline = self.clock() + self.lock_timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except (IOError, OSError):
                    if self.clock() >= deadline:
                        raise SDKConflictError("another process on this host kept changing the directory entry "
                                               "of '%s' for %.0f seconds" % (userid, self.lock_timeout), rs=400)
                    self.sleep(0.05)
            held[userid] = [fd, 1]
            try:
                yield
            finally:
                del held[userid]
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
