# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the SDK method groups share: the session the operations run in
(``operations.session.Session``), the access node (``node/``), input
checks and call counting.  The SDK is a facade: every SMAPI interaction is
an operation in ``operations/``; every command on the access node goes
through ``node.access.AccessNode``."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
import time

from ansible_collections.zvm.cloud.plugins.module_utils import validation
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.operations import power
from ansible_collections.zvm.cloud.plugins.module_utils.operations.session import Session
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import (
    SDKFunctionNotImplementError, SDKInvalidInputFormat,
)
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.client import SmapiClient

POWER_ON = power.ON
POWER_OFF = power.OFF


def check_userid(userid, field='userid'):
    """The canonical (upper-case) userid, or SDKInvalidInputFormat."""
    try:
        return validation.userid(userid, field)
    except InputError as e:
        raise SDKInvalidInputFormat(str(e))


class SDKBase:
    """Connection and shared helpers; see ``api.SDKAPI``."""

    def __init__(self, host=None, userid=None, password=None, port=44444, tls=False, verify=True, ca_path=None,
                 timeout=300.0, connect_timeout=10.0, client=None, default_disk_pool=None, lock_timeout=120.0,
                 sleep=time.sleep, clock=time.monotonic, reader_command=None, node=None, **client_kwargs):
        if client is None:
            client = SmapiClient(host, userid, password, port=port, tls=tls, verify=verify, ca_path=ca_path,
                                 timeout=timeout, connect_timeout=connect_timeout, sleep=sleep, clock=clock,
                                 **client_kwargs)
        self.client = client
        self.session = Session(client, lock_timeout=lock_timeout, sleep=sleep, clock=clock)
        self.default_disk_pool = default_disk_pool
        self.lock_timeout = lock_timeout
        # guest_get_console_output: the argv that prints a reader file (see host.py)
        self.reader_command = reader_command
        # the access node: an AccessNode, or a function that makes one when it is first needed
        self._node = node
        self._node_made = False
        self._node_lock = threading.Lock()
        self._per_thread = threading.local()

    @property
    def node(self):
        """The access node (an ``AccessNode``), or None when there is none."""
        with self._node_lock:
            if not self._node_made:
                if self._node is not None and callable(self._node) and not hasattr(self._node, 'link'):
                    self._node = self._node()
                self._node_made = True
            return self._node

    @node.setter
    def node(self, value):
        self._node, self._node_made = value, False

    @property
    def last_transfer(self):
        """The figures of this thread's last image transfer ({bytes,
        seconds, mb_per_s}, or None): per thread, because a fleet task
        deploys several guests at once through one SDK object."""
        return getattr(self._per_thread, 'last_transfer', None)

    @last_transfer.setter
    def last_transfer(self, value):
        self._per_thread.last_transfer = value

    def require_node(self, purpose):
        """The access node, or SDKFunctionNotImplementError naming
        ``purpose`` (e.g. 'image_import') when there is none."""
        node = self.node
        if node is None:
            raise SDKFunctionNotImplementError(
                '%s needs an access node: set node_host (ZVM_NODE_HOST) or run the task on the node' % purpose)
        return node

    def close(self):
        """Close the access node's connection, if one was made."""
        if self._node_made and self._node is not None:
            self._node.close()

    def call_counts(self):
        """SMAPI requests made so far, split into reads and writes."""
        return self.session.call_counts()

    def lock_waits(self):
        """How many requests of this SDK object found a directory entry or
        device locked by someone else (400/12, 404/12) and were retried."""
        return self.session.lock_waits()
