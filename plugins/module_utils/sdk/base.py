# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the SDK method groups share: the session the operations run in
(``operations.session.Session``), input checks and call counting.  The SDK
is a facade: every SMAPI interaction is an operation in ``operations/``."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.zvm.cloud.plugins.module_utils import validation
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.operations import power
from ansible_collections.zvm.cloud.plugins.module_utils.operations.session import Session
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import SDKInvalidInputFormat
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
                 sleep=time.sleep, clock=time.monotonic, reader_command=None, reader_ssh_host=None, **client_kwargs):
        if client is None:
            client = SmapiClient(host, userid, password, port=port, tls=tls, verify=verify, ca_path=ca_path,
                                 timeout=timeout, connect_timeout=connect_timeout, sleep=sleep, clock=clock,
                                 **client_kwargs)
        self.client = client
        self.session = Session(client, lock_timeout=lock_timeout, sleep=sleep, clock=clock)
        self.default_disk_pool = default_disk_pool
        self.lock_timeout = lock_timeout
        # guest_get_console_output: the argv that prints a reader file, and where to run it (see host.py)
        self.reader_command = reader_command
        self.reader_ssh_host = reader_ssh_host

    def call_counts(self):
        """SMAPI requests made so far, split into reads and writes."""
        return self.session.call_counts()

    def lock_waits(self):
        """How many requests of this SDK object found a directory entry or
        device locked by someone else (400/12, 404/12) and were retried."""
        return self.session.lock_waits()
