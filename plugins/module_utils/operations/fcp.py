# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""FCP devices: the system's devices (System_WWPN_Query), the LUNs one
reaches (System_FCP_Free_Query), who claims a device in the directory
(DEDICATE statements, Directory_Manager_Search_DM), and dedicating a device
to a guest, in its directory entry and on the running guest.

What the codes mean, once:

    System_WWPN_Query            4/28   the system has no FCP device          -> []
    System_FCP_Free_Query        8/8    no such FCP device                    -> SDKObjectNotExistError
    Directory_Manager_Search_DM  0/28   no DEDICATE statement anywhere        -> {}
    Image_Device_Dedicate_DM     400/12, 404/12 locked                        -> waits (Session.dm_write)
                                 404/4  the vdev is already defined           -> SDKConflictError
                                 400/4  no such guest                         -> SDKObjectNotExistError
    Image_Device_Undedicate_DM   400/12, 404/12 locked                        -> waits
                                 404/8  not dedicated (already undone)        -> False
    Image_Device_Dedicate        204/4  the guest already has a device there  -> False
                                 200/12 the guest is not logged on            -> None (the directory is enough)
                                 204/16 the device is attached to another
                                        guest, or offline                     -> SDKConflictError
                                 204/8  the system has no such device         -> SDKObjectNotExistError
    Image_Device_Undedicate      204/8  not dedicated (already undone)        -> False
                                 200/12 the guest is not logged on            -> None (nothing to undo)

A write whose reply was lost after the server accepted it may have been
carried out (``disks.maybe_done``): callers that roll back undo it too,
and the undo tolerates "not dedicated".
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zvm.cloud.plugins.module_utils.operations.session import outcome
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import (
    SDKConflictError, SDKObjectNotExistError,
)

# System_WWPN_Query dev_status
STATUS = {'1': 'active', '2': 'free', '3': 'offline'}
NOT_ACTIVE = (200, 12)


def _hex(text):
    text = str(text or '').strip().lower()
    return None if text in ('', 'none') else text


def wwpn_query(session):
    """System_WWPN_Query (owner=YES): every FCP device of the system as
    ``{fcp, chpid, npiv_wwpn, physical_wwpn, status, owner}``, sorted by
    device; ``status`` 'active' (attached to the logged-on guest ``owner``),
    'free' or 'offline' (another code as it is); WWPNs in lower case, None
    without NPIV; [] when the system has none (4/28)."""
    reply = session.call('System_WWPN_Query', session.userid, owner='YES', ok=[(4, 28)])
    out = []
    for item in reply.get('wwpn_array') or []:
        owner = str(item.get('owner') or '').strip().upper()
        out.append({
            'fcp': str(item.get('fcp_dev_id') or '').strip().upper().zfill(4),
            'chpid': str(item.get('chpid') or '').strip().upper(),
            'npiv_wwpn': _hex(item.get('npiv_wwpn')),
            'physical_wwpn': _hex(item.get('perm_wwpn')),
            'status': STATUS.get(str(item.get('dev_status') or '').strip(), str(item.get('dev_status') or '')),
            'owner': None if owner in ('', 'NONE') else owner,
        })
    return sorted(out, key=lambda d: d['fcp'])


def free_luns(session, fcp):
    """System_FCP_Free_Query: the free LUNs FCP device ``fcp`` reaches, as
    ``{fcp, wwpn, lun, size}`` (WWPN and LUN lower case, size in bytes or
    None); SDKObjectNotExistError when the system has no such device (8/8)."""
    reply = session.call('System_FCP_Free_Query', session.userid, fcp_dev=fcp, errors={
        (8, 8): lambda e: SDKObjectNotExistError('the system has no FCP device %s' % fcp, rs=8)})
    out = []
    for item in reply.get('fcp_array') or []:
        size = str(item.get('lun_size') or '').strip()
        out.append({'fcp': str(item.get('fcp_dev') or fcp).upper(), 'wwpn': _hex(item.get('wwpn')),
                    'lun': _hex(item.get('lun')), 'size': int(size) if size.isdigit() else None})
    return out


def directory_claims(session):
    """Directory_Manager_Search_DM 'DEDICATE *': ``{rdev: [(userid, vdev)]}``
    of every DEDICATE statement in the directory (an entry or a profile that
    names a real device); {} when there is none (0/28)."""
    reply = session.call('Directory_Manager_Search_DM', session.userid, search_pattern='DEDICATE *', ok=[(0, 28)])
    out = {}
    for item in reply.get('statement_array') or []:
        words = str(item.get('statement') or '').split()
        if len(words) < 3 or words[0].upper() != 'DEDICATE':
            continue
        try:
            vdev, rdev = '%04X' % int(words[1], 16), '%04X' % int(words[2], 16)
        except ValueError:
            continue
        owner = str(item.get('target_id') or '').strip().upper()
        out.setdefault(rdev, [])
        if (owner, vdev) not in out[rdev]:
            out[rdev].append((owner, vdev))
    return out


# -- the directory ------------------------------------------------------------------------------------

def dedicate_dm(session, userid, vdev, rdev, readonly=False):
    """Image_Device_Dedicate_DM: ``DEDICATE vdev rdev`` in the entry."""
    with session.guest_lock(userid):
        session.dm_write('Image_Device_Dedicate_DM', userid, image_device_number=vdev, real_device_number=rdev,
                         readonly=1 if readonly else 0, errors={
                             (404, 4): lambda e: SDKConflictError(
                                 "device %s of '%s' is already defined in its directory entry" % (vdev, userid),
                                 rs=404),
                             (400, 4): lambda e: SDKObjectNotExistError(
                                 "Guest '%s' does not exist in the z/VM directory" % userid, rs=2)})


def undedicate_dm(session, userid, vdev):
    """Image_Device_Undedicate_DM; False when it was not dedicated (404/8)."""
    with session.guest_lock(userid):
        reply = session.dm_write('Image_Device_Undedicate_DM', userid, image_device_number=vdev, ok=[(404, 8)])
    return outcome(reply) != (404, 8)


# -- the running guest ----------------------------------------------------------------------------------

def dedicate(session, userid, vdev, rdev, readonly=False):
    """Image_Device_Dedicate: attach real device ``rdev`` to the running
    guest as ``vdev``.  True when done, False when the guest already has a
    device there (204/4), None when it is not logged on (200/12)."""
    reply = session.call('Image_Device_Dedicate', userid, image_device_number=vdev, real_device_number=rdev,
                         readonly=1 if readonly else 0, ok=[(204, 4), NOT_ACTIVE], errors={
                             (204, 16): lambda e: SDKConflictError(
                                 'FCP device %s is not available: another guest has it attached, or it is '
                                 'offline' % rdev, rs=204),
                             (204, 8): lambda e: SDKObjectNotExistError('the system has no device %s' % rdev,
                                                                        rs=204)})
    if outcome(reply) == NOT_ACTIVE:
        return None
    return outcome(reply) == (0, 0)


def undedicate(session, userid, vdev):
    """Image_Device_Undedicate: detach ``vdev`` from the running guest.
    True when done, False when it had no such device (204/8), None when
    the guest is not logged on (200/12)."""
    reply = session.call('Image_Device_Undedicate', userid, image_device_number=vdev, ok=[(204, 8), NOT_ACTIVE])
    if outcome(reply) == NOT_ACTIVE:
        return None
    return outcome(reply) == (0, 0)
