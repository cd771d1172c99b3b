# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Image_Disk_*: minidisks.

Directory side (DirMaint): Image_Disk_Create_DM, Image_Disk_Delete_DM,
Image_Disk_Copy_DM, Image_Disk_Share_DM, Image_Disk_Unshare_DM.
Active side (CP): Image_Disk_Create, Image_Disk_Delete, Image_Disk_Query.

Volumes, pools, first-fit allocation and the active minidisks of a guest
are modelled in ``zvmsim/dasd.py``.

Units (Image_Disk_Create_DM allocation_unit_size)
    3390: 1 (CYLINDERS) only.  FBA (9336, FB-512...): 2-5 (BLK0512,
    BLK1024, BLK2048, BLK4096: the size counts blocks of that many bytes and
    is converted to 512-byte blocks) and also 1, read as 512-byte blocks:
    IBM's own client (smtLayer ``changevm add9336``) sends unit 1 with a
    block count, and real SMAPI takes it.  A BLKnnnn unit on a 3390 answers
    24 with reason 23 (conflicts with another parameter).

Image_Disk_Query record fields (an inference from CP QUERY VIRTUAL DASD,
which the SMAPI server reports): a V-DISK shows devtype 9336, rdev VDSK and
volid (VDSK); a T-DISK shows rdev TDSK and volid (TDSK).  Access type 1 is
R/O and 2 R/W (as pysmapi reads the capture); unit 1 cylinders, 2 blocks.

Directory locks and asynchronous answers come from ``zvmsim.dirmaint``
(``load_entry``, ``save_entry``, ``check_not_locked_by_other``,
``async_reply``, ``async_should_fail``): 400/12 image locked, 408/12 device
locked (by anyone: a locked entry takes no change); RC 592 in asynchronous
mode (functions without an operation id in their output carry it in the
reason code).  A
logged-on guest keeps the minidisks it logged on with: a directory change
reaches it only through Image_Disk_Create/Delete.
"""

import re

from ansible_collections.zvm.cloud.plugins.module_utils import directory, validation

from zvmsim import contents
from zvmsim.dasd import (
    CKD, FBA, active_disks, active_from_mdisk, busy_extents, candidate_regions, family, first_fit, first_usable,
    pin_active_disks, volume_by_rdev)
from zvmsim.dirmaint import (
    async_reply, async_should_fail, check_not_locked_by_other, device_conflict, load_entry, save_entry)
from zvmsim.handlers import Fail, handles
from zvmsim.params import (
    RS_ABOVE_MAX, RS_BELOW_MIN, RS_CONFLICT, RS_MISSING, RS_NOT_HEX, RS_UNRECOGNIZED, password_param, syntax_error,
    text_param, vdev_param)

VDISK_MAX_BLOCKS = 4194296
UNIT_BLOCK_BYTES = {2: 512, 3: 1024, 4: 2048, 5: 4096}
FORMATS = {0: None, 1: 'NONE', 2: 'CMS0512', 3: 'CMS1024', 4: 'CMS2048', 5: 'CMS4096', 6: 'CMS'}
ACCESS_RO, ACCESS_RW = 1, 2
UNIT_CYL, UNIT_BLK = 1, 2

_MODE_RE = re.compile(r'^(RR|R|WR|W|MR|MW|M)[VE]?$')
_LINK_MODE_RE = re.compile(r'^(RR|R|WR|W|MR|MW|M)$')
_HEX_RE = re.compile(r'^[0-9A-F]{1,4}$')
_DIGITS_RE = re.compile(r'^[0-9]+$')


# ---------------------------------------------------------------------------
# Directory helpers (lock rules and RC 592 come from zvmsim.dirmaint)
# ---------------------------------------------------------------------------

def _load_entry(call, userid, vdev=None):
    """The parsed directory entry of ``userid``: 400/4 if there is none,
    400/12 if another SMAPI user holds its image lock, 408/12 if another
    holds the lock of device ``vdev``."""
    entry = load_entry(call, userid)[1]
    check_not_locked_by_other(call, userid, vdev, device_code=(408, 12))
    _pin_active_disks(call.tx, userid)
    return entry


def _pin_active_disks(tx, userid):
    """Before a directory change: a logged-on guest keeps what it logged on
    with (``dasd.pin_active_disks``)."""
    pin_active_disks(tx, userid)


def _vdev_in_use(tx, entry, vdev):
    """True when a device statement of the entry or of its profile uses ``vdev``
    (a NICDEF uses its DEVICES, 3 by default, device numbers)."""
    return device_conflict(tx, entry, vdev) is not None


def _insert(entry, statement):
    """Put a new statement where the directory model puts one of its kind."""
    return entry.put_statement(statement, lambda _st: False)


def _format_key(userid, vdev):
    return '%s %s' % (userid.upper(), vdev)


def _overlaps(tx, volid, start, size):
    """True when [start, start+size) overlaps DirMaint's extents or space a
    running guest still has attached (``dasd.busy_extents``)."""
    for ext in busy_extents(tx, volid):
        if ext['start'] < start + size and start < ext['start'] + ext['size']:
            return True
    return False


# ---------------------------------------------------------------------------
# Image_Disk_Create_DM and friends: placing a new minidisk
# ---------------------------------------------------------------------------

class _Placement:
    """Where a new minidisk goes: kind perm/tdisk/vdisk/devno, plus the extent."""

    def __init__(self, kind, size=None, volid=None, start=None, rdev=None, extent=None):
        self.kind = kind
        self.size = size
        self.volid = volid
        self.start = start
        self.rdev = rdev
        self.extent = extent


def _place(call, alloc_type, area, size, devtype, copy=False):
    """Allocate (without recording) a minidisk of ``size`` native units."""
    tx = call.tx
    if alloc_type in ('T-DISK', 'V-DISK'):
        return _Placement('tdisk' if alloc_type == 'T-DISK' else 'vdisk', size)
    if alloc_type == 'DEVNO':
        rdev = area.zfill(4)
        vol = volume_by_rdev(tx, rdev)
        if vol is None:
            # DirMaint does not check the real device: nothing to reserve.
            return _Placement('devno', size, rdev=rdev)
        if family(vol['devtype']) != family(devtype):
            raise Fail(404, 24) if copy else syntax_error(call, 'image_disk_device_type', RS_CONFLICT)
        if copy and size is not None and int(vol['size']) != size:
            raise Fail(404, 28)
        if busy_extents(tx, vol['volid']):
            raise Fail(408, 24)
        return _Placement('devno', int(vol['size']), volid=vol['volid'], start=0, rdev=rdev,
                          extent={'volid': vol['volid'], 'start': 0, 'size': int(vol['size'])})
    if _DIGITS_RE.match(alloc_type):
        start = int(alloc_type)
        vol = tx.volume(area)
        if vol is None:
            raise Fail(420, 8)
        if family(vol['devtype']) != family(devtype):
            raise Fail(404, 24) if copy else Fail(408, 24)
        if start < first_usable(vol) or start + size > int(vol['size']) or _overlaps(tx, vol['volid'], start, size):
            raise Fail(408, 24)
        return _Placement('perm', size, vol['volid'], start,
                          extent={'volid': vol['volid'], 'start': start, 'size': size})
    candidates = candidate_regions(tx, alloc_type or '*', area)
    if candidates is None:
        raise Fail(420, 8)
    extent = first_fit(tx, candidates, size, devtype)
    if extent is None:
        raise Fail(408, 24)
    return _Placement('perm', size, extent['volid'], extent['start'], extent=extent)


def _new_mdisk(entry, vdev, devtype, placement, mode, passwords):
    """Add the MDISK statement for ``placement`` to ``entry`` (a statement
    the directory model refuses is an internal directory manager error)."""
    try:
        return _add_mdisk(entry, vdev, devtype, placement, mode, passwords)
    except ValueError as exc:
        raise Fail(596, 0) from exc


def _add_mdisk(entry, vdev, devtype, placement, mode, passwords):
    if placement.kind == 'devno':
        st = directory.Mdisk(vdev, devtype, None, None, None, mode, 'devno', placement.rdev, *passwords)
        return _insert(entry, st)
    if placement.kind == 'perm':
        return entry.add_mdisk(vdev, devtype, placement.size, placement.start, placement.volid, mode, 'perm',
                               *passwords)
    if placement.kind == 'vdisk':
        return entry.add_mdisk(vdev, 'FB-512', placement.size, None, None, mode, 'vdisk', *passwords)
    return entry.add_mdisk(vdev, devtype, placement.size, None, None, mode, 'tdisk', *passwords)


def _placement_bytes(devtype, placement):
    """The size in bytes of a placed minidisk (None: unknown)."""
    return contents.size_bytes('FB-512' if placement.kind == 'vdisk' else devtype, placement.size)


def _check_passwords(call, passwords):
    """Positional passwords: a later one needs the earlier ones."""
    names = ('read_password', 'write_password', 'multi_password')
    for i, pw in enumerate(passwords):
        if pw is None:
            continue
        if any(p is None for p in passwords[:i]):
            raise syntax_error(call, names[passwords.index(None)], RS_MISSING)
        if len(pw) > 8 or any(ch.isspace() for ch in pw):
            raise syntax_error(call, names[i], RS_UNRECOGNIZED)


def _remember_format(tx, userid, vdev, formatting, label):
    """Keep the label and CMS formatting for the minidisk-contents model
    (CMS without a block size formats with 4096-byte blocks)."""
    name = FORMATS.get(formatting)
    blocksize = None
    if name and name.startswith('CMS'):
        blocksize = int(name[3:]) if len(name) > 3 else 4096
    tx.put_obj('mdisk_format', _format_key(userid, vdev),
               {'formatting': formatting, 'format': name, 'blocksize': blocksize, 'label': label or None})


@handles('Image_Disk_Create_DM')
def image_disk_create_dm(call):
    """DirMaint AMDISK: add a minidisk to the target's directory entry.

    Allocation types AUTOG (group), AUTOR (region), AUTOV (volume), a start
    cylinder/block on the named volume, DEVNO (full-pack minidisk on a real
    device), T-DISK and V-DISK (FB-512, at most 4,194,296 blocks).  The MDISK
    statement goes after the entry's last MDISK (or where MDISKs belong), the
    extent is recorded, the label and CMS formatting are remembered
    (``tx.obj('mdisk_format', 'USERID VDEV')``).  Answers 0/0 with operation
    id -1 (or 592 in async mode); 24/pprr for bad values (unknown device
    type, a unit that does not fit the device type, size 0 or a V-DISK over
    4,194,296 blocks, bad mode, a password after a missing one, a DEVNO area
    that is not a device number); 400/4 no such image; 400/12 image locked;
    408/12 device locked; 408/4 the vdev is already used by a device
    statement (the entry's or its profile's); 420/8 group, region or volume
    not defined; 408/24 no space (full pool, overlap at an explicit start, no
    volume of the requested device type).  The contents file is created
    zeroed (``zvmsim.contents``).
    """
    tx = call.tx
    userid = call.target
    vdev = vdev_param(call, 'image_disk_number')
    devtype = text_param(call, 'image_disk_device_type')
    alloc_type = text_param(call, 'image_disk_allocation_type')
    area = text_param(call, 'allocation_area_name_or_volser')
    unit = int(call.param('allocation_unit_size', 1))
    count = int(call.param('image_disk_size', 0))
    mode = text_param(call, 'image_disk_mode')
    formatting = int(call.param('image_disk_formatting', 0) or 0)
    label = text_param(call, 'image_disk_label')
    passwords = [password_param(call, n) for n in ('read_password', 'write_password', 'multi_password')]

    fam = family(devtype)
    if fam is None:
        raise syntax_error(call, 'image_disk_device_type', RS_UNRECOGNIZED)
    if alloc_type == 'V-DISK' and fam != FBA:
        raise syntax_error(call, 'image_disk_device_type', RS_CONFLICT)
    if fam == CKD and unit != 1:
        raise syntax_error(call, 'allocation_unit_size', RS_CONFLICT)
    if count <= 0:
        raise syntax_error(call, 'image_disk_size', RS_BELOW_MIN)
    size = count if fam == CKD or unit == 1 else -(-count * UNIT_BLOCK_BYTES[unit] // 512)
    if alloc_type == 'V-DISK' and size > VDISK_MAX_BLOCKS:
        raise syntax_error(call, 'image_disk_size', RS_ABOVE_MAX)
    if not _MODE_RE.match(mode):
        raise syntax_error(call, 'image_disk_mode', RS_UNRECOGNIZED)
    if alloc_type == 'DEVNO' and not _HEX_RE.match(area):
        raise syntax_error(call, 'allocation_area_name_or_volser', RS_NOT_HEX)
    if (alloc_type == 'AUTOV' or _DIGITS_RE.match(alloc_type)) and len(area) > 6:
        raise syntax_error(call, 'allocation_area_name_or_volser', 13)
    _check_passwords(call, passwords)

    entry = _load_entry(call, userid, vdev)
    if _vdev_in_use(tx, entry, vdev):
        raise Fail(408, 4)
    placement = _place(call, alloc_type, area, size, devtype)
    if async_should_fail(call):
        return async_reply(call, failed=True)
    _new_mdisk(entry, vdev, devtype, placement, mode, passwords)
    save_entry(call, userid, entry)
    if placement.extent is not None:
        tx.add_extent(placement.extent['volid'], placement.extent['start'], placement.extent['size'], userid, vdev)
    if formatting or label:
        _remember_format(tx, userid, vdev, formatting, label)
    contents.create(call.sim.state_dir, userid, vdev, _placement_bytes(devtype, placement))
    return async_reply(call)


@handles('Image_Disk_Delete_DM')
def image_disk_delete_dm(call):
    """DirMaint DMDISK: remove an MDISK statement and free its extent (the
    active configuration of a logged-on guest keeps the disk until it is
    detached, as with CP, and the space stays busy until then: see
    ``dasd.held_extents``) and removes its contents file.
    data_security_erase is accepted (the file is gone either way).  Answers 0/0 with operation id -1 (or 592); 400/4 no such
    image; 400/12 image locked; 408/12 device locked; 408/8 no such MDISK."""
    userid = call.target
    vdev = vdev_param(call, 'image_disk_number')
    entry = _load_entry(call, userid, vdev)
    if not entry.remove_mdisk_statement(vdev):      # DMDISK keeps comment records (ZVMCLOUD IMAGE ...)
        raise Fail(408, 8)
    if async_should_fail(call):
        return async_reply(call, failed=True)
    save_entry(call, userid, entry)
    call.tx.delete_extents(userid, vdev)
    call.tx.delete_obj('mdisk_format', _format_key(userid, vdev))
    contents.remove(call.sim.state_dir, userid, vdev)
    return async_reply(call)


def _source_size(tx, mdisk):
    if isinstance(mdisk.size, int):
        return mdisk.size
    if mdisk.disk_type == 'devno':
        vol = volume_by_rdev(tx, mdisk.rdev)
        return int(vol['size']) if vol else None
    vol = tx.volume(mdisk.volser) if mdisk.volser else None
    if vol is not None and mdisk.size == 'END':
        return int(vol['size']) - int(mdisk.start)
    return None


@handles('Image_Disk_Copy_DM')
def image_disk_copy_dm(call):
    """DirMaint CMDISK: give the target a new minidisk defined like another
    image's minidisk (same device type and size), placed by the allocation
    type (empty: wherever DirMaint finds room, first fit over all regions).
    The contents are copied byte for byte (``zvmsim.contents``), and the
    source's label and formatting with them.  A V-DISK or T-DISK source
    gives a new, zeroed V-DISK or T-DISK.  Answers 0/0
    with operation id -1 (or 592); 400/4 target or source image not found;
    400/12 locked; 408/12 device locked; 408/8 the source MDISK is not
    defined; 408/4 the new vdev is in use; 404/24 device type differs from
    the source (DEVNO device, volume at an explicit start); 404/28 device
    size differs (DEVNO); 420/8 area not defined; 408/24 no space."""
    tx = call.tx
    userid = call.target
    vdev = vdev_param(call, 'image_disk_number')
    source_user = text_param(call, 'source_image_name')
    source_vdev = vdev_param(call, 'source_image_disk_number')
    alloc_type = text_param(call, 'image_disk_allocation_type')
    area = text_param(call, 'allocation_area_name_or_volser')
    mode = text_param(call, 'image_disk_mode')
    passwords = [password_param(call, n) for n in ('read_password', 'write_password', 'multi_password')]
    if mode and not _MODE_RE.match(mode):
        raise syntax_error(call, 'image_disk_mode', RS_UNRECOGNIZED)
    if alloc_type == 'DEVNO' and not _HEX_RE.match(area):
        raise syntax_error(call, 'allocation_area_name_or_volser', RS_NOT_HEX)
    _check_passwords(call, passwords)

    entry = _load_entry(call, userid, vdev)
    source_records = tx.entry(source_user)
    if source_records is None:
        raise Fail(400, 4)
    source = directory.parse(source_records)
    mdisk = source.find_mdisk(source_vdev)
    if mdisk is None:
        raise Fail(408, 8)
    if _vdev_in_use(tx, entry, vdev):
        raise Fail(408, 4)
    devtype = mdisk.devtype
    size = _source_size(tx, mdisk)
    if mdisk.disk_type in ('vdisk', 'tdisk'):
        placement = _Placement(mdisk.disk_type, size)
    else:
        if size is None:
            raise Fail(408, 24)
        placement = _place(call, alloc_type, area, size, devtype, copy=True)
    if async_should_fail(call):
        return async_reply(call, failed=True)
    _new_mdisk(entry, vdev, devtype, placement, mode or mdisk.mode or 'MR', passwords)
    save_entry(call, userid, entry)
    if placement.extent is not None:
        tx.add_extent(placement.extent['volid'], placement.extent['start'], placement.extent['size'], userid, vdev)
    fmt = tx.obj('mdisk_format', _format_key(source_user, source_vdev))
    if fmt is not None:
        tx.put_obj('mdisk_format', _format_key(userid, vdev), fmt)
    nbytes = _placement_bytes(devtype, placement)
    if placement.kind in ('vdisk', 'tdisk'):
        contents.create(call.sim.state_dir, userid, vdev, nbytes)
    else:
        contents.copy(call.sim.state_dir, source_user, source_vdev, userid, vdev, nbytes)
    return async_reply(call)


def _link_password_slot(mode):
    return {'R': 'read_password', 'W': 'write_password', 'M': 'multi_password'}[mode[0]]


@handles('Image_Disk_Share_DM')
def image_disk_share_dm(call):
    """DirMaint LINK: add ``LINK owner owner_vdev vdev mode`` to the target's
    entry, so that it links ``target_image_name``'s minidisk
    ``target_image_disk_number`` as ``image_disk_number`` at logon.  The mode
    defaults to RR.  A password, when given, must be the disk's password for
    the mode (R read, W write, M multi).  Answers 0/0 (or 592); 24/pprr bad
    mode; 400/4 target not found; 400/12 locked; 408/12 device locked;
    408/4 the vdev is in use in the target; 408/8 the owner or its MDISK is
    not defined; 408/28 the disk has no password for that mode; 408/32 wrong
    password."""
    tx = call.tx
    userid = call.target
    vdev = vdev_param(call, 'image_disk_number')
    owner = text_param(call, 'target_image_name')
    owner_vdev = vdev_param(call, 'target_image_disk_number')
    mode = text_param(call, 'read_write_mode') or 'RR'
    password = password_param(call, 'optional_password')
    if not _LINK_MODE_RE.match(mode):
        raise syntax_error(call, 'read_write_mode', RS_UNRECOGNIZED)
    entry = _load_entry(call, userid, vdev)
    owner_records = tx.entry(owner)
    mdisk = directory.parse(owner_records).find_mdisk(owner_vdev) if owner_records is not None else None
    if mdisk is None:
        raise Fail(408, 8)
    if _vdev_in_use(tx, entry, vdev):
        raise Fail(408, 4)
    if password is not None:
        expected = getattr(mdisk, _link_password_slot(mode))
        if expected is None:
            raise Fail(408, 28)
        if expected.upper() != password.upper() and expected.upper() != 'ALL':
            raise Fail(408, 32)
    if async_should_fail(call):
        return async_reply(call, failed=True)
    _insert(entry, directory.Link(owner, owner_vdev, vdev, mode))
    save_entry(call, userid, entry)
    return async_reply(call)


@handles('Image_Disk_Unshare_DM')
def image_disk_unshare_dm(call):
    """DirMaint DLINK: remove the target's LINK statement for
    ``target_image_name``'s ``target_image_disk_number`` at
    ``image_disk_number``.  Answers 0/0 (or 592); 400/4 target not found;
    400/12 locked; 408/8 no such LINK statement."""
    userid = call.target
    vdev = vdev_param(call, 'image_disk_number')
    owner = text_param(call, 'target_image_name')
    owner_vdev = vdev_param(call, 'target_image_disk_number')
    entry = _load_entry(call, userid, vdev)
    link = next((ln for ln in entry.links
                 if ln.vdev2 == vdev and ln.user == owner and ln.vdev1 == owner_vdev), None)
    if link is None:
        raise Fail(408, 8)
    if async_should_fail(call):
        return async_reply(call, failed=True)
    entry.remove_statements([link])
    save_entry(call, userid, entry)
    return async_reply(call)


# ---------------------------------------------------------------------------
# The active side (CP)
# ---------------------------------------------------------------------------

def _put_active_disks(tx, userid, disks):
    doc = tx.cp(userid)
    doc['disks'] = disks
    tx.put_cp(userid, doc)


@handles('Image_Disk_Create')
def image_disk_create(call):
    """CP LINK of the guest's own directory minidisk: add it to the active
    configuration of the logged-on guest, with ``image_disk_mode`` (empty:
    the directory's mode).  Answers 0/0; 24/pprr bad mode; 200/4 no such
    image; 200/12 not logged on; 208/4 the vdev is already in the active
    configuration; 208/36 no MDISK with that vdev in the directory (RC 208
    table); 208/12 the disk's volume is not available; 208/1157 a DEVNO
    disk's device is in use by another guest."""
    tx = call.tx
    userid = call.target
    vdev = vdev_param(call, 'image_disk_number')
    mode = text_param(call, 'image_disk_mode')
    if mode and not _MODE_RE.match(mode):
        raise syntax_error(call, 'image_disk_mode', RS_UNRECOGNIZED)
    records = tx.entry(userid)
    if records is None:
        raise Fail(200, 4)
    disks = active_disks(tx, userid)
    if disks is None:
        raise Fail(200, 12)
    if vdev in disks or tx.adapter(userid, vdev) is not None:
        raise Fail(208, 4)
    mdisk = directory.parse(records).find_mdisk(vdev)
    if mdisk is None:
        raise Fail(208, 36)
    doc = active_from_mdisk(tx, userid, mdisk, vdev, mode or mdisk.mode or 'MR')
    if doc is None:
        raise Fail(208, 12)
    if mdisk.disk_type == 'devno':
        for other, cpdoc in tx.cp_all().items():
            if other == userid:
                continue
            theirs = cpdoc.get('disks') or {}
            if any(d.get('rdev') == doc['rdev'] and d.get('type') == 'devno' for d in theirs.values()):
                raise Fail(208, 1157)
    disks = dict(disks)
    disks[vdev] = doc
    _put_active_disks(tx, userid, disks)
    return {}


@handles('Image_Disk_Delete')
def image_disk_delete(call):
    """CP DETACH of a minidisk from the logged-on guest's active
    configuration (the directory is unchanged).  Answers 0/0; 200/4 no such
    image; 200/12 not logged on; 208/28 the vdev is not a disk (a NIC);
    204/8 no such device in the active configuration."""
    tx = call.tx
    userid = call.target
    vdev = vdev_param(call, 'image_disk_number')
    if tx.entry(userid) is None:
        raise Fail(200, 4)
    disks = active_disks(tx, userid)
    if disks is None:
        raise Fail(200, 12)
    if vdev not in disks:
        if tx.adapter(userid, vdev) is not None:
            raise Fail(208, 28)
        raise Fail(204, 8)
    disks = dict(disks)
    del disks[vdev]
    _put_active_disks(tx, userid, disks)
    return {}


@handles('Image_Disk_Query')
def image_disk_query(call):
    """CP QUERY VIRTUAL DASD: the active minidisks of a logged-on guest
    (``vdasd_id=ALL`` or one vdev), sorted by vdev: vdev, real device,
    access type (1 R/O, 2 R/W), device type, size, unit (1 cylinders, 2
    blocks), volume serial.  Answers 0/0; 200/12 the guest is not logged on
    (or has no directory entry); 8/8 the vdev is not a disk of the guest."""
    tx = call.tx
    userid = call.target
    wanted = text_param(call, 'vdasd_id')
    disks = active_disks(tx, userid) if tx.entry(userid) is not None else None
    if disks is None:
        raise Fail(200, 12)
    if wanted and wanted != 'ALL':
        try:
            vdev = validation.vdev(wanted)
        except ValueError:
            raise Fail(8, 8) from None
        if vdev not in disks:
            raise Fail(8, 8)
        chosen = [disks[vdev]]
    else:
        chosen = [disks[v] for v in sorted(disks)]
    records = []
    for d in chosen:
        records.append({
            'vdasd_vdev': d['vdev'], 'vdasd_rdev': str(d.get('rdev') or '')[:4],
            'vdasd_access_type': ACCESS_RO if d.get('access') == 'RO' else ACCESS_RW,
            'vdasd_devtype': d['devtype'], 'vdasd_size': int(d.get('size') or 0),
            'vdasd_unit': UNIT_CYL if d.get('unit') == 'CYL' else UNIT_BLK, 'vdasd_volid': d.get('volid') or '',
        })
    return {'vdasd_array': records}
