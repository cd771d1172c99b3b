# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Minidisks (in the directory and on the running guest) and DirMaint's
disk pools (groups, regions, volumes).

What the codes mean, once:

    Image_Disk_Create_DM         400/12, 408/12 locked                 -> waits
                                 408/24 no space in the pool           -> raised (the caller rolls back)
    Image_Disk_Delete_DM         408/8  no such disk                   -> False
                                 400/4  no such guest                  -> SDKObjectNotExistError
    Image_Disk_Copy_DM           400/4  no such guest (target or source) -> SDKObjectNotExistError
                                 408/8  the source has no such MDISK   -> SDKObjectNotExistError
                                 408/4  the target vdev is in use      -> SDKConflictError
                                 400/12, 408/12 locked                 -> waits
                                 408/24 no space; 404/24, 404/28 the area's device type or
                                        size differs from the source   -> raised
    Image_Disk_Create            (a running guest links its new disk)  -> raised; reply lost after the
                                                                          request was accepted: it may be
                                                                          attached (maybe_done)
    Image_Disk_Delete            204/8, 408/8 no such device           -> False
    Image_Disk_Query             200/x  the guest is not logged on     -> SDKGuestOperationError
    Image_Volume_Space_Query_DM  420/8, 428/8 no such group/region     -> [] (no records)
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import (
    SDKConflictError, SDKGuestOperationError, SDKObjectNotExistError,
)
from ansible_collections.zvm.cloud.plugins.module_utils.operations.session import outcome
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.errors import SmapiConnectionError, SmapiProtocolError

# Image_Volume_Space_Query_DM query and entry types
QUERY_DEFINITION, QUERY_FREE, QUERY_USED = 1, 2, 3
ENTRY_VOLUME, ENTRY_REGION, ENTRY_GROUP = 1, 2, 3


def create_dm(session, userid, params):
    """Image_Disk_Create_DM with ``params`` (from ``planners.disks.create_params``),
    under the host lock, waiting while the entry is locked."""
    with session.guest_lock(userid):
        session.dm_write('Image_Disk_Create_DM', userid, **params)


def delete_dm(session, userid, vdev):
    """Image_Disk_Delete_DM; False when the disk was not defined (408/8)."""
    no_guest = {(400, 4): lambda e: SDKObjectNotExistError("Guest '%s' does not exist in the z/VM directory"
                                                           % userid, rs=2)}
    with session.guest_lock(userid):
        reply = session.dm_write('Image_Disk_Delete_DM', userid, image_disk_number=vdev, data_security_erase=0,
                                 ok=[(408, 8)], errors=no_guest)
    return outcome(reply) != (408, 8)


def copy_dm(session, userid, vdev, source_userid, source_vdev, allocation_type='', area='', mode=''):
    """Image_Disk_Copy_DM: a new minidisk ``vdev`` of ``userid`` defined
    like ``source_userid``'s ``source_vdev`` (same device type and size)
    and holding a copy of its contents (DirMaint copies them), placed by
    ``allocation_type`` ('AUTOG' with a group name in ``area``, 'AUTOV'
    with a volser; '' wherever DirMaint finds room).  Under the host lock,
    waiting while the entry is locked."""
    def not_found(e):
        return SDKObjectNotExistError("Guest '%s' or '%s' does not exist in the z/VM directory"
                                      % (userid, source_userid), rs=2)

    errors = {
        (400, 4): not_found,
        (408, 8): lambda e: SDKObjectNotExistError("Guest '%s' has no minidisk %s to copy"
                                                   % (source_userid, source_vdev), rs=2),
        (408, 4): lambda e: SDKConflictError("Guest '%s' already has a device %s" % (userid, vdev), rs=409),
    }
    with session.guest_lock(userid):
        session.dm_write('Image_Disk_Copy_DM', userid, image_disk_number=vdev, source_image_name=source_userid,
                         source_image_disk_number=source_vdev, image_disk_allocation_type=allocation_type,
                         allocation_area_name_or_volser=area, image_disk_mode=mode, read_password='',
                         write_password='', multi_password='', errors=errors)


def attach(session, userid, vdev, mode):
    """Image_Disk_Create: give the running guest its (new) directory disk.
    When it fails with ``maybe_done(error)``, the disk may be attached."""
    session.call('Image_Disk_Create', userid, image_disk_number=vdev, image_disk_mode=mode)


def maybe_done(error):
    """Whether the write that failed with ``error`` may still have been
    carried out: the server had accepted the request when the connection
    failed, and a write is never sent again."""
    return isinstance(error, (SmapiConnectionError, SmapiProtocolError)) and getattr(error, 'accepted', True)


def detach(session, userid, vdev):
    """Image_Disk_Delete on the running guest; False when it had no such
    device (204/8, 408/8)."""
    reply = session.call('Image_Disk_Delete', userid, image_disk_number=vdev, ok=[(204, 8), (408, 8)])
    return not reply.get('return_code')


def query_active(session, userid):
    """Image_Disk_Query ALL: the running guest's disks (the reply's
    vdasd_array); SDKGuestOperationError when it is not logged on."""
    reply = session.call('Image_Disk_Query', userid, vdasd_id='ALL', errors={
        200: lambda e: SDKGuestOperationError("guest '%s' is not logged on" % userid, rs=1)})
    return reply.get('vdasd_array') or []


def space_records(session, query_type, entry_type, names):
    """Image_Volume_Space_Query_DM: the reply's records split into words;
    [] when the group, region or volume is not defined (420/8, 428/8)."""
    reply = session.call('Image_Volume_Space_Query_DM', session.userid, query_type=query_type,
                         entry_type=entry_type, entry_names=names, ok=[(420, 8), (428, 8)])
    if reply.get('return_code'):
        return []
    return [r.split() for r in reply.get('record_array') or [] if r.strip()]


def pool_exists(session, pool):
    """Whether DirMaint has the group (pool) ``pool``."""
    return bool(space_records(session, QUERY_DEFINITION, ENTRY_GROUP, pool))


def pool_names(session):
    """The names of every DirMaint group, upper case, in DirMaint's order."""
    return [words[0].upper() for words in space_records(session, QUERY_DEFINITION, ENTRY_GROUP, '*')]
