# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A guest's NICs: the NICDEF in its directory entry (the _DM functions,
each of which changes one NICDEF) and the running guest's adapter (CP).

What the codes mean, once:

    Virtual_Network_Adapter_Create_Extended_DM   400/12, 404/12 locked                  -> waits
    Virtual_Network_Adapter_Connect_Vswitch_DM   400/12, 404/12 locked                  -> waits
    Virtual_Network_Adapter_Disconnect_DM        400/12, 404/12 locked                  -> waits
                                                 212/32 not connected                   -> False
    Virtual_Network_Adapter_Delete_DM            400/12, 404/12 locked                  -> waits
                                                 404/8  no such NICDEF                  -> False
    Virtual_Network_Adapter_Create_Extended      (a running guest's new NIC)            -> raised
    Virtual_Network_Adapter_Delete               204/8  no such device                  -> False
    Virtual_Network_Adapter_Connect_Vswitch      204/20 already coupled                 -> False
                                                 212/8  the guest is not authorized     -> SDKConflictError
    Virtual_Network_Adapter_Disconnect           204/48 already uncoupled               -> False
    Virtual_Network_Adapter_Query_Extended       212/8  the guest has no NIC            -> {}
                                                 200/12 the guest is not logged on      -> None
                                                 200/4  no such guest                   -> SDKObjectNotExistError
    Directory_Manager_Search_DM                  0/28   no matching records             -> []
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.zvm.cloud.plugins.module_utils import validation
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.operations.session import outcome
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import (
    SDKConflictError, SDKObjectNotExistError,
)

# Virtual_Network_Adapter_Query(_Extended) adapter types and port types
ADAPTER_TYPES = {'1': 'HIPERSOCKETS', '2': 'QDIO'}
PORT_TYPES = {'1': 'ACCESS', '2': 'TRUNK'}
DEVICES = 3


def mac_text(text):
    """'020000ABCDEF' or '02-00-00-AB-CD-EF' as '02:00:00:AB:CD:EF' (other
    text as it is, '' as None)."""
    digits = re.sub(r'[^0-9A-Fa-f]', '', text or '').upper()
    if len(digits) != 12:
        return text or None
    return ':'.join(digits[i:i + 2] for i in range(0, 12, 2))


# -- the directory (NICDEF) ------------------------------------------------------------------

def create_dm(session, userid, vdev, macid=None):
    """Virtual_Network_Adapter_Create_Extended_DM: a QDIO NICDEF (3
    devices), with MACID ``macid`` (6 hex digits) when given."""
    params = {'image_device_number': vdev, 'adapter_type': 'QDIO'}
    if macid:
        params['mac_id'] = macid
    with session.guest_lock(userid):
        session.dm_write('Virtual_Network_Adapter_Create_Extended_DM', userid, **params)


def connect_dm(session, userid, vdev, switch):
    """Virtual_Network_Adapter_Connect_Vswitch_DM: ``LAN SYSTEM switch`` on the NICDEF."""
    with session.guest_lock(userid):
        session.dm_write('Virtual_Network_Adapter_Connect_Vswitch_DM', userid, image_device_number=vdev,
                         switch_name=switch)


def disconnect_dm(session, userid, vdev):
    """Virtual_Network_Adapter_Disconnect_DM: the NICDEF's LAN goes, with
    its VLAN and port settings; False when it had none (212/32)."""
    with session.guest_lock(userid):
        reply = session.dm_write('Virtual_Network_Adapter_Disconnect_DM', userid, image_device_number=vdev,
                                 ok=[(212, 32)])
    return not reply.get('return_code')


def delete_dm(session, userid, vdev):
    """Virtual_Network_Adapter_Delete_DM: every record of the NICDEF; False
    when there was none (404/8)."""
    with session.guest_lock(userid):
        reply = session.dm_write('Virtual_Network_Adapter_Delete_DM', userid, image_device_number=vdev,
                                 ok=[(404, 8)])
    return not reply.get('return_code')


def search_dm(session, pattern):
    """Directory_Manager_Search_DM: [(userid, record)] of the records of
    every entry (and profile) that match ``pattern`` (such as 'NICDEF *');
    [] when none does (0/28)."""
    reply = session.call('Directory_Manager_Search_DM', session.userid, search_pattern=pattern, ok=[(0, 28)])
    return [((item.get('target_id') or '').upper(), item.get('statement') or '')
            for item in reply.get('statement_array') or []]


# -- the running guest -------------------------------------------------------------------------

def create(session, userid, vdev):
    """Virtual_Network_Adapter_Create_Extended: DEFINE NIC vdev QDIO on the
    running guest (CP gives it a MAC; its MACID comes at the next logon)."""
    session.call('Virtual_Network_Adapter_Create_Extended', userid, image_device_number=vdev, adapter_type='QDIO')


def delete(session, userid, vdev):
    """Virtual_Network_Adapter_Delete: DETACH NIC; False when the guest had
    no such device (204/8)."""
    reply = session.call('Virtual_Network_Adapter_Delete', userid, image_device_number=vdev, ok=[(204, 8)])
    return not reply.get('return_code')


def connect(session, userid, vdev, switch):
    """Virtual_Network_Adapter_Connect_Vswitch: COUPLE the running guest's
    NIC to ``switch``; False when it was coupled already (204/20).  A guest
    the switch does not authorize (212/8) raises SDKConflictError."""
    def not_authorized(e):
        return SDKConflictError("guest '%s' is not authorized on vswitch %s, so its NIC %s cannot be coupled (%s)"
                                % (userid, switch, vdev, e), rs=8)
    reply = session.call('Virtual_Network_Adapter_Connect_Vswitch', userid, image_device_number=vdev,
                         switch_name=switch, ok=[(204, 20)], errors={(212, 8): not_authorized})
    return not reply.get('return_code')


def disconnect(session, userid, vdev):
    """Virtual_Network_Adapter_Disconnect: UNCOUPLE the running guest's
    NIC; False when it was not coupled (204/48)."""
    reply = session.call('Virtual_Network_Adapter_Disconnect', userid, image_device_number=vdev, ok=[(204, 48)])
    return not reply.get('return_code')


def query(session, userid):
    """The running guest's NICs from one Virtual_Network_Adapter_Query_Extended
    of '*': {vdev: {'vdev', 'type', 'devices', 'coupled', 'lan_owner',
    'lan_name', 'vswitch', 'mac_address', 'port_type'}}; {} when it has none
    (212/8); None when it is not logged on (200/12).  A guest without a
    directory entry (200/4) raises SDKObjectNotExistError."""
    reply = session.call('Virtual_Network_Adapter_Query_Extended', userid, image_device_number='*',
                         ok=[(212, 8), (200, 12)], errors={
                             (200, 4): lambda e: SDKObjectNotExistError("Guest '%s' does not exist" % userid, rs=2)})
    if outcome(reply) == (200, 12):
        return None
    out = {}
    if reply.get('return_code'):
        return out
    for rec in reply.get('adapter_array') or []:
        try:
            vdev = validation.vdev(rec.get('adapter_address') or '')
        except InputError:
            continue
        coupled = str(rec.get('adapter_status') or '0').strip('0') != ''
        owner = (rec.get('lan_owner') or '').strip().upper() or None
        lan = (rec.get('lan_name') or '').strip().upper() or None
        macs = [m.get('mac_address') for m in rec.get('mac_array') or [] if m.get('mac_address')]
        out[vdev] = {
            'vdev': vdev, 'type': ADAPTER_TYPES.get(str(rec.get('adapter_type')), 'QDIO'),
            'devices': int(rec.get('network_device_count') or DEVICES), 'coupled': coupled,
            'lan_owner': owner if coupled else None, 'lan_name': lan if coupled else None,
            'vswitch': lan if coupled and owner == 'SYSTEM' else None,
            'mac_address': mac_text(macs[0]) if macs else None,
            'port_type': PORT_TYPES.get(str(rec.get('port_type'))),
        }
    return out


def running(session, userid):
    """The running guest's NICs (``query``); SDKConflictError (zvmsdk's
    rs=1) when it is not logged on, so a change cannot reach it."""
    adapters = query(session, userid)
    if adapters is None:
        raise SDKConflictError("guest '%s' is not logged on, so the change cannot be applied to it actively"
                               % userid, rs=1)
    return adapters
