# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The session every operation runs in: the SMAPI client, bounded waits
while a directory entry is locked by someone else, the host lock that keeps
Ansible forks apart, and the request counts a result reports."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import os
import re
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

# a directory entry or device locked by another user
LOCKED = ((400, 12), (404, 12))


def outcome(reply):
    """A reply's (rc, rs): (0, 0) for success, or the ``ok`` pair it was."""
    return reply.get('return_code', 0), reply.get('reason_code', 0)


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
        """How many requests found a directory entry or device locked by
        someone else (400/12, 404/12) and were retried."""
        history = getattr(self.client, 'history', None) or []
        return sum(1 for h in history if (h.get('rc'), h.get('rs')) in LOCKED)

    def dm_write(self, function, userid, ok=(), errors=None, **params):
        """A directory write that waits (bounded by ``lock_timeout``) while
        the entry or device is locked by someone else (400/12, 404/12), then
        raises SDKConflictError."""
        deadline = self.clock() + self.lock_timeout
        delay = 0.2
        while True:
            try:
                return self.call(function, userid, ok=ok, errors=errors, **params)
            except SmapiRequestError as e:
                if not any(e.matches(rc, rs) for rc, rs in LOCKED):
                    raise
                if self.clock() >= deadline:
                    raise SDKConflictError("the directory entry of '%s' stayed locked by another user for %.0f "
                                           "seconds; try again later (%s)" % (userid, self.lock_timeout, e), rs=400)
            self.sleep(delay)
            delay = min(delay * 2, 5.0)

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
        this host that use the same SMAPI server (Ansible forks): DirMaint's
        Image_Lock_DM belongs to the SMAPI user and does not keep them apart.
        Every directory write holds it.  Reentrant within a process; waits at
        most ``lock_timeout`` seconds."""
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
