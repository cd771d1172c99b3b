# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the SDK method groups share: the SMAPI client, directory reads and
locked directory updates, power state, and call counting."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.zvm.cloud.plugins.module_utils import directory, validation
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import (
    SDKConflictError, SDKInvalidInputFormat, SDKObjectNotExistError,
)
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.client import SmapiClient, is_read_only
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.errors import SmapiRequestError

POWER_ON = 'on'
POWER_OFF = 'off'


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

    def _lock(self, userid):
        """Image_Lock_DM, waiting (bounded) while someone else holds the lock."""
        deadline = self._clock() + self.lock_timeout
        delay = 0.2
        while True:
            try:
                self._call('Image_Lock_DM', userid, device_address='')
                return
            except SmapiRequestError as e:
                if not e.matches(400, 12) or self._clock() >= deadline:
                    if e.matches(400, 12):
                        raise SDKConflictError("the directory entry of '%s' stayed locked by another user for "
                                               "%.0f seconds; try again later (%s)" % (userid, self.lock_timeout, e),
                                               rs=400)
                    raise
            self._sleep(delay)
            delay = min(delay * 2, 5.0)

    def _modify_directory(self, userid, mutate):
        """Change a directory entry safely: lock it, read it again, let
        ``mutate(entry)`` change it (return False for no change), replace it
        and unlock.  The lock is held only for the read and the replace.
        Returns (before, after) entries; they are equal when nothing changed.
        """
        self._lock(userid)
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
