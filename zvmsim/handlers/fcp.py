# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""FCP devices: System_FCP_Free_Query, System_WWPN_Query and the dedicated
devices, Image_Device_Dedicate(_DM) and Image_Device_Undedicate(_DM).

The devices, their CHPIDs and WWPNs and the storage they reach are the
config's ``fcp`` section; who has a device attached is CP state
(``zvmsim/fcp.py``).  The directory side writes ``DEDICATE vdev rdev
[R/O]`` statements through the directory model, under DirMaint's lock
rules; it does not check the real device (DirMaint does not: a DEDICATE of
a device another entry names, or of one the system lacks, is written, and
CP sorts it out at logon).  The CP side attaches a real device to a
logged-on guest, as CP ATTACH does.
"""

from zvmsim import fcp
from zvmsim.dasd import active_disks
from zvmsim.dirmaint import async_reply, check_not_locked_by_other, device_conflict, load_entry, save_entry
from zvmsim.handlers import Fail, Result, handles
from zvmsim.params import kv_params, vdev_param


# -- queries ---------------------------------------------------------------------------------------

@handles('System_WWPN_Query')
def system_wwpn_query(call):
    """One record per FCP device: device, NPIV WWPN (NONE without NPIV),
    CHPID, physical WWPN, status (1 active: attached to a logged-on guest,
    2 free, 3 offline) and, with ``owner=YES``, the guest that has it
    attached (NONE).  4/28 (return buffer is empty) when the system has no
    FCP device; 8/3002 unknown keyword, 8/3003 bad value."""
    keys = kv_params(call)
    records = fcp.wwpn_records(call.tx, str(keys.get('owner', '')).upper() == 'YES')
    if not records:
        return Result(4, 28, {'wwpn_array': []})
    return {'wwpn_array': records}


@handles('System_FCP_Free_Query')
def system_fcp_free_query(call):
    """The free SCSI LUNs that FCP device ``fcp_dev`` reaches (``fcp.free_luns``);
    8/8 when the system has no such FCP device (as the capture of a real
    system answers for one it lacks); 8/3004 no ``fcp_dev``."""
    keys = kv_params(call, required=('fcp_dev',))
    dev = '%04X' % int(keys['fcp_dev'], 16)
    if dev not in fcp.devices(call.tx):
        raise Fail(8, 8)
    return {'fcp_array': fcp.free_luns(call.tx, dev)}


# -- the directory -----------------------------------------------------------------------------------

@handles('Image_Device_Dedicate_DM')
def image_device_dedicate_dm(call):
    """``DEDICATE vdev rdev`` (``R/O`` with readonly 1) in the directory
    entry.  400/4 no entry, 400/12 entry locked, 404/12 the device is
    locked, 404/4 the vdev is already defined (the entry or its profile
    has a device there); RC 592 in asynchronous mode."""
    vdev = vdev_param(call, 'image_device_number')
    rdev = vdev_param(call, 'real_device_number')
    _records, entry = load_entry(call, call.target)
    check_not_locked_by_other(call, call.target, vdev)
    if device_conflict(call.tx, entry, vdev) is not None:
        raise Fail(404, 4)
    entry.add_dedicate(vdev, rdev, ['R/O'] if call.param('readonly', 0) == 1 else None)
    save_entry(call, call.target, entry)
    return async_reply(call)


@handles('Image_Device_Undedicate_DM')
def image_device_undedicate_dm(call):
    """Remove the ``DEDICATE vdev`` statement.  400/4 no entry, 400/12
    locked, 404/12 the device is locked, 404/8 no DEDICATE at vdev; RC 592
    in asynchronous mode."""
    vdev = vdev_param(call, 'image_device_number')
    _records, entry = load_entry(call, call.target)
    check_not_locked_by_other(call, call.target, vdev)
    if not entry.remove_dedicate(vdev):
        raise Fail(404, 8)
    save_entry(call, call.target, entry)
    return async_reply(call)


# -- the running guest (CP) ------------------------------------------------------------------------------

def _logged_on(call):
    if call.tx.entry(call.target) is None and call.tx.cp(call.target) is None:
        raise Fail(200, 4)
    fcps = fcp.guest_fcps(call.tx, call.target)
    if fcps is None:
        raise Fail(200, 12)
    return fcps


@handles('Image_Device_Dedicate')
def image_device_dedicate(call):
    """CP ATTACH of real device ``real_device_number`` to the logged-on
    guest as ``image_device_number``.  200/4 no such guest, 200/12 not
    logged on, 204/4 the guest already has a device at that vdev, 204/8
    the system has no such FCP device, 204/16 the device is not available
    (attached to a guest, the caller included, or offline)."""
    vdev = vdev_param(call, 'image_device_number')
    rdev = vdev_param(call, 'real_device_number')
    fcps = _logged_on(call)
    disks = active_disks(call.tx, call.target) or {}
    if vdev in fcps or vdev in disks or call.tx.adapter(call.target, vdev) is not None:
        raise Fail(204, 4)
    info = fcp.devices(call.tx).get(rdev)
    if info is None:
        raise Fail(204, 8)
    if info['offline'] or rdev in fcp.attachments(call.tx):
        raise Fail(204, 16)
    fcp.attach(call.tx, call.target, vdev, rdev)
    return {}


@handles('Image_Device_Undedicate')
def image_device_undedicate(call):
    """CP DETACH of a dedicated device from the logged-on guest.  200/4 no
    such guest, 200/12 not logged on, 204/40 the vdev is a NIC, 204/44 a
    minidisk, 204/8 no device there."""
    vdev = vdev_param(call, 'image_device_number')
    fcps = _logged_on(call)
    if vdev not in fcps:
        if call.tx.adapter(call.target, vdev) is not None:
            raise Fail(204, 40)
        if vdev in (active_disks(call.tx, call.target) or {}):
            raise Fail(204, 44)
        raise Fail(204, 8)
    fcp.detach(call.tx, call.target, vdev)
    return {}
