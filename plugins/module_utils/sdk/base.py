# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the SDK method groups share: the SMAPI client, directory reads and
locked directory updates, power state, and call counting."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import os
import re
import stat
import tempfile
import time

from ansible_collections.zvm.cloud.plugins.module_utils import directory, validation
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import (
    SDKConflictError, SDKInternalError, SDKInvalidInputFormat, SDKObjectNotExistError,
)
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.client import SmapiClient, is_read_only
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.errors import SmapiRequestError

try:
    import fcntl
except ImportError:     # pragma: no cover - not on the Linux hosts that manage z/VM
    fcntl = None

POWER_ON = 'on'
POWER_OFF = 'off'
# a directory entry or device locked by another user
LOCKED = ((400, 12), (404, 12))


def check_userid(userid, field='userid'):
    """The canonical (upper-case) userid, or SDKInvalidInputFormat."""
    try:
        return validation.userid(userid, field)
    except ValueError as e:
        raise SDKInvalidInputFormat(str(e))


class SDKBase:
    """Connection and shared helpers; see ``api.SDKAPI``."""

    def __init__(self, host=None, userid=None, password=None, port=44444, tls=False, verify=True, ca_path=None,
                 timeout=300.0, connect_timeout=10.0, client=None, default_disk_pool=None, lock_timeout=120.0,
                 sleep=time.sleep, clock=time.monotonic, reader_command=None, reader_ssh_host=None, **client_kwargs):
        if client is None:
            client = SmapiClient(host, userid, password, port=port, tls=tls, verify=verify, ca_path=ca_path,
                                 timeout=timeout, connect_timeout=connect_timeout, sleep=sleep, clock=clock,
                                 **client_kwargs)
        self.client = client
        self.default_disk_pool = default_disk_pool
        self.lock_timeout = lock_timeout
        # guest_get_console_output: the argv that prints a reader file, and where to run it (see host.py)
        self.reader_command = reader_command
        self.reader_ssh_host = reader_ssh_host
        self._sleep = sleep
        self._clock = clock

    # -- requests ------------------------------------------------------------------
    def _call(self, function, target=None, ok=(), **params):
        return self.client.call(function, target, ok=ok, **params)

    def call_counts(self):
        """SMAPI requests made so far, split into reads and writes."""
        reads = self.client.call_count(is_read_only)
        total = self.client.call_count()
        return {'reads': reads, 'writes': total - reads}

    # -- the directory -----------------------------------------------------------------
    def _directory(self, userid):
        """The guest's directory entry (DirectoryEntry), or None if it has none."""
        try:
            reply = self._call('Image_Query_DM', userid)
        except SmapiRequestError as e:
            if e.matches(400, 4):
                return None
            raise
        return directory.parse(reply.get('image_record_array') or [])

    def _require_directory(self, userid):
        entry = self._directory(userid)
        if entry is None:
            raise SDKObjectNotExistError("Guest '%s' does not exist in the z/VM directory" % userid, rs=2)
        return entry

    # -- directory writes and locks ---------------------------------------------------
    def lock_waits(self):
        """How many requests of this SDK object found a directory entry or
        device locked by someone else (400/12, 404/12) and were retried."""
        history = getattr(self.client, 'history', None) or []
        return sum(1 for h in history if (h.get('rc'), h.get('rs')) in LOCKED)

    def _dm_write(self, function, userid, ok=(), **params):
        """A directory write that waits (bounded by ``lock_timeout``) while
        the entry or device is locked by someone else, then raises
        SDKConflictError."""
        deadline = self._clock() + self.lock_timeout
        delay = 0.2
        while True:
            try:
                return self._call(function, userid, ok=ok, **params)
            except SmapiRequestError as e:
                if not any(e.matches(rc, rs) for rc, rs in LOCKED):
                    raise
                if self._clock() >= deadline:
                    raise SDKConflictError("the directory entry of '%s' stayed locked by another user for %.0f "
                                           "seconds; try again later (%s)" % (userid, self.lock_timeout, e), rs=400)
            self._sleep(delay)
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
    def _guest_lock(self, userid):
        """Serialize directory writes to one guest among the processes of
        this host that use the same SMAPI server (Ansible forks): DirMaint's
        Image_Lock_DM belongs to the SMAPI user and does not keep them apart.
        Every directory write of the SDK holds it.  Reentrant within a
        process; waits at most ``lock_timeout`` seconds."""
        held = self.__dict__.setdefault('_guest_locks', {})
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
            deadline = self._clock() + self.lock_timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except (IOError, OSError):
                    if self._clock() >= deadline:
                        raise SDKConflictError("another process on this host kept changing the directory entry "
                                               "of '%s' for %.0f seconds" % (userid, self.lock_timeout), rs=400)
                    self._sleep(0.05)
            held[userid] = [fd, 1]
            try:
                yield
            finally:
                del held[userid]
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def _modify_directory(self, userid, mutate):
        """Change a directory entry safely: with the host lock, lock it
        (Image_Lock_DM, waiting while another user holds it), read it again,
        let ``mutate(entry)`` change it (return False for no change), replace
        it and unlock.  The locks are held only for the read and the replace.
        Returns (before, after) entries; they are equal when nothing changed.
        """
        with self._guest_lock(userid):
            self._dm_write('Image_Lock_DM', userid, device_address='')
            try:
                before = self._require_directory(userid)
                after = before.copy()
                if mutate(after) is False or after.records() == before.records():
                    return before, before
                self._call('Image_Replace_DM', userid, image_record_array=after.records())
                return before, after
            finally:
                try:
                    self._call('Image_Unlock_DM', userid, device_address='', ok=[(400, 24)])
                except SmapiRequestError:
                    pass

    # -- power ----------------------------------------------------------------------------
    def _power_state(self, userid):
        """'on' when the guest is logged on (connected or disconnected)."""
        reply = self._call('Image_Status_Query', userid)
        return POWER_ON if reply.get('reason_code', 0) == 0 else POWER_OFF

    def _wait_power(self, userid, state, timeout, poll_interval):
        """Poll until the guest is in ``state``; returns whether it got there."""
        deadline = self._clock() + max(0, timeout)
        while True:
            if self._power_state(userid) == state:
                return True
            if self._clock() >= deadline:
                return False
            self._sleep(max(0.05, min(poll_interval, deadline - self._clock())))
