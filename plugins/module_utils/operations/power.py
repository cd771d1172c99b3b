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
from ansible_collections.zvm.cloud.plugins.module_utils.operations.session import outcome

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


def stop(session, userid, timeout=None, poll_interval=1):
    """Log off at once (``deactivate`` IMMED); with ``timeout``, wait up to
    that long for it to be off, else SDKGuestOperationError."""
    deactivate(session, userid, 'IMMED')
    if timeout and not wait(session, userid, OFF, timeout, poll_interval):
        raise SDKGuestOperationError("guest '%s' is still logged on %d seconds after IMMED" % (userid, timeout))


def softstop(session, userid, timeout, poll_interval):
    """Signal the guest's OS to shut down (``deactivate`` WITHIN timeout:
    CP forces it off then) and wait until it is off, else
    SDKGuestOperationError."""
    if not deactivate(session, userid, 'WITHIN %d' % max(1, timeout)):
        return
    if not wait(session, userid, OFF, timeout + poll_interval, min(poll_interval, 2.0)):
        raise SDKGuestOperationError("guest '%s' is still logged on %d seconds after the shutdown signal"
                                     % (userid, timeout + poll_interval))


def recycle(session, userid):
    """Image_Recycle (log off at once and on again); False when it was not
    logged on (200/12), and nothing was done."""
    reply = session.call('Image_Recycle', userid, ok=[(200, 12)])
    return reply.get('return_code') != 200


def pause(session, userid, paused=True):
    """Image_Pause PAUSE (stop the guest's CPUs) or BEGIN (resume)."""
    action = 'PAUSE' if paused else 'BEGIN'

    def not_on(_e):
        return SDKGuestOperationError("guest '%s' is not logged on, so it cannot be %s"
                                      % (userid, 'paused' if paused else 'unpaused'), rs=5)
    session.call('Image_Pause', userid, action=action, errors={(8, 12): not_on, (200, 12): not_on})


def cpus_stopped(session, userid):
    """Image_CPU_Query: whether a logged-on guest's CPUs are all stopped
    (paused); None when it is not logged on."""
    not_on = [(200, 12), (216, 12), (200, 4)]
    reply = session.call('Image_CPU_Query', userid, ok=not_on)
    if outcome(reply) in not_on:
        return None
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
