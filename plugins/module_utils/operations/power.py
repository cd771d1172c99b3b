# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""CP power state: logon, logoff, recycle, pause, and the queries.

What the codes mean, once:

    Image_Status_Query   0/0 logged on, 0/12 not logged on     -> 'on' / 'off'
    Image_Activate       200/8  already logged on              -> False
    Image_Deactivate     200/12 not logged on                  -> False
                         200/16 already being logged off       -> True (it is going)
    Image_Recycle        200/12 not logged on                  -> False
    Image_Pause          8/12, 200/12 not logged on            -> SDKGuestOperationError
    Image_CPU_Query      200/12, 216/12, 200/4 not logged on   -> None
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import SDKGuestOperationError
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.errors import SmapiRequestError

ON = 'on'
OFF = 'off'
# Image_CPU_Query CPU status: 1 stopped, 3 operating (a paused guest's CPUs are all stopped)
CPU_STOPPED = 1


def status(session, userid):
    """Image_Status_Query: 'on' when the guest is logged on (connected or
    disconnected), else 'off'."""
    reply = session.call('Image_Status_Query', userid)
    return ON if reply.get('reason_code', 0) == 0 else OFF


def activate(session, userid):
    """Image_Activate; False when it was already logged on (200/8)."""
    reply = session.call('Image_Activate', userid, ok=[(200, 8)])
    return reply.get('return_code') != 200


def deactivate(session, userid, force_time='IMMED'):
    """Image_Deactivate with ``force_time`` ('IMMED' or 'WITHIN n'); False
    when it was not logged on (200/12)."""
    reply = session.call('Image_Deactivate', userid, force_time=force_time, ok=[(200, 12), (200, 16)])
    return not (reply.get('return_code') == 200 and reply.get('reason_code') == 12)


def recycle(session, userid):
    """Image_Recycle (log off at once and on again); False when it was not
    logged on (200/12), and nothing was done."""
    reply = session.call('Image_Recycle', userid, ok=[(200, 12)])
    return reply.get('return_code') != 200


def pause(session, userid, paused=True):
    """Image_Pause PAUSE (stop the guest's CPUs) or BEGIN (resume)."""
    action = 'PAUSE' if paused else 'BEGIN'
    try:
        session.call('Image_Pause', userid, action=action)
    except SmapiRequestError as e:
        if e.matches(8, 12) or e.matches(200, 12):
            raise SDKGuestOperationError("guest '%s' is not logged on, so it cannot be %s"
                                         % (userid, 'paused' if paused else 'unpaused'), rs=5)
        raise


def cpus_stopped(session, userid):
    """Image_CPU_Query: whether a logged-on guest's CPUs are all stopped
    (paused); None when it is not logged on."""
    try:
        reply = session.call('Image_CPU_Query', userid)
    except SmapiRequestError as e:
        if e.matches(200, 12) or e.matches(216, 12) or e.matches(200, 4):
            return None
        raise
    cpus = reply.get('cpu_info_array') or []
    return bool(cpus) and all(c.get('cpu_status') == CPU_STOPPED for c in cpus)


def wait(session, userid, state, timeout, poll_interval):
    """Poll Image_Status_Query until the guest is in ``state``; returns
    whether it got there within ``timeout`` seconds."""
    deadline = session.clock() + max(0, timeout)
    while True:
        if status(session, userid) == state:
            return True
        if session.clock() >= deadline:
            return False
        session.sleep(max(0.05, min(poll_interval, deadline - session.clock())))
