# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# pylint: disable=too-many-lines
"""Minidisks and DirMaint disk pools.

Directory side (DirMaint): Image_Disk_Create_DM, Image_Disk_Delete_DM,
Image_Disk_Copy_DM, Image_Disk_Share_DM, Image_Disk_Unshare_DM.
Active side (CP): Image_Disk_Create, Image_Disk_Delete, Image_Disk_Query,
Image_MDISK_Link_Query.
Pools (DirMaint EXTENT CONTROL): Image_Volume_Space_Query_DM,
Image_Volume_Space_Query_Extended_DM, Image_Volume_Space_Define_DM,
Image_Volume_Space_Define_Extended_DM, Image_Volume_Space_Remove_DM.

The pool model
    A volume document (``tx.volumes()``) holds the volume's size in its own
    unit (3390: cylinders, FBA: 512-byte blocks) and its regions::

        {'volid': 'LX0100', 'devtype': '3390', 'unit': 'CYL', 'size': 30051,
         'rdev': '0100', 'system': False,
         'regions': [{'name': 'LX0100', 'start': 1, 'size': 30050, 'groups': ['POOL1']}],
         'region': 'LX0100', 'groups': ['POOL1']}

    Volumes written by the seed have no ``regions`` list: each holds one
    region named ``region`` that spans the usable part of the volume and
    belongs to the groups in ``groups``.  When a handler changes the regions
    it writes ``regions`` and keeps ``region`` (the first region) and
    ``groups`` (the union) in step.  A group (a "disk pool") is the set of
    regions that name it; it exists while one region does.  Its allocation
    method (Image_Volume_Space_Define_Extended_DM ``alloc_method``) is kept in
    ``tx.obj('dasd_group', name)``.  A region defined on a volume the system
    does not have (DirMaint does not check) creates a volume document with
    ``defined_only: True`` and no real device.

    Allocated space is the ``extents`` table (volid, start, size, owner,
    vdev): every MDISK on a known volume, whoever wrote it.

Allocation (``allocate``)
    First fit.  Candidate regions are taken in a stable order, volume serial
    then region start (AUTOG: the group's regions; AUTOR: the region; AUTOV:
    the regions on that volume); in each, the lowest free start that fits
    wins.  Extents never overlap.  Cylinder 0 of a 3390 holds the volume
    label and VTOC and is never allocated.  On FBA volumes blocks 0-31 (the
    first 16 KiB: the label is block 1) are never allocated, so the first
    usable block is 32 (a decision of this simulator: DirMaint regions on FBA
    volumes conventionally start past the label area).  Only volumes of the
    requested device class are used: a 3390 request never lands on an FBA
    volume or the reverse; a pool with no volume of the requested class has
    no space for it (408/24; DirMaint only searches regions of the requested
    device type, so the mismatch looks the same as a full pool).

Units (Image_Disk_Create_DM allocation_unit_size)
    3390: 1 (CYLINDERS) only.  FBA (9336, FB-512...): 2-5 (BLK0512,
    BLK1024, BLK2048, BLK4096: the size counts blocks of that many bytes and
    is converted to 512-byte blocks) and also 1, read as 512-byte blocks:
    IBM's own client (smtLayer ``changevm add9336``) sends unit 1 with a
    block count, and real SMAPI takes it.  A BLKnnnn unit on a 3390 answers
    24 with reason 23 (conflicts with another parameter).

The active side
    A logged-on guest's active minidisks are the ``disks`` map of its CP
    document (``tx.cp(userid)['disks']``, keyed by vdev).  ``cp.log_on``
    fills it by calling ``attach_directory_disks(tx, userid)``: the guest's
    own MDISKs plus the LINK statements (its own and its profile's) whose
    disk exists, as CP does at logon.  A CP document without a ``disks``
    map (written before that call existed) is read as if it had been
    attached at logon from the current directory.

Image_Disk_Query record fields (an inference from CP QUERY VIRTUAL DASD,
which the SMAPI server reports): a V-DISK shows devtype 9336, rdev VDSK and
volid (VDSK); a T-DISK shows rdev TDSK and volid (TDSK).  Access type 1 is
R/O and 2 R/W (as pysmapi reads the capture); unit 1 cylinders, 2 blocks.

Image_Volume_Space_Query_DM records (one text record each; START and SIZE
count cylinders on 3390 volumes and 512-byte blocks on FBA volumes):
    definition, volume: ``VOLID DEVTYPE VOLUME_SIZE REGION`` (one per region);
    definition, region: ``REGION VOLID START SIZE DEVTYPE``;
    definition, group:  ``GROUP REGION REGION ...`` (one per group);
    free:  ``VOLID DEVTYPE START SIZE GROUP REGION``: GROUP is ``*`` unless
           groups are queried, REGION is ``*`` when volumes are queried;
    used:  ``VOLID DEVTYPE START SIZE OWNER VDEV * NAME *``: NAME is the
           region (region queries), the group (group queries) or ``*``
           (volume queries), as in the capture of
           Image_Volume_Space_Query_Extended_DM.

Directory locks and asynchronous answers come from
``zvmsim.handlers.directory`` (``load_entry``, ``save_entry``,
``check_not_locked_by_other``, ``start_async``, ``async_should_fail``):
400/12 image locked, 408/12 device locked by another SMAPI user; RC 592 in
asynchronous mode (functions without an operation id in their output carry
it in the reason code).  A logged-on guest keeps the minidisks it logged on
with: a directory change reaches it only through Image_Disk_Create/Delete.
"""

import re

from ansible_collections.zvm.cloud.plugins.module_utils import directory, validation
from ansible_collections.zvm.cloud.plugins.module_utils.smapi import layouts

from zvmsim.handlers import Fail, Result, handles

from zvmsim.handlers.directory import (
    async_should_fail, check_not_locked_by_other, load_entry, save_entry, start_async, syntax_error,
)

CKD, FBA = 'CKD', 'FBA'
CKD_TYPES = ('3390',)
FBA_TYPES = ('9336', 'FB-512', '9332', '9335', '3370')
FBA_FIRST_BLOCK = 32
CKD_FIRST_CYLINDER = 1
VDISK_MAX_BLOCKS = 4194296
UNIT_BLOCK_BYTES = {2: 512, 3: 1024, 4: 2048, 5: 4096}
FORMATS = {0: None, 1: 'NONE', 2: 'CMS0512', 3: 'CMS1024', 4: 'CMS2048', 5: 'CMS4096', 6: 'CMS'}
DEFINE_DEVICE_TYPES = {1: '3390', 2: '9336', 3: '3380', 4: 'FB-512'}
ACCESS_RO, ACCESS_RW = 1, 2
UNIT_CYL, UNIT_BLK = 1, 2

_MODE_RE = re.compile(r'^(RR|R|WR|W|MR|MW|M)[VE]?$')
_LINK_MODE_RE = re.compile(r'^(RR|R|WR|W|MR|MW|M)$')
_HEX_RE = re.compile(r'^[0-9A-F]{1,4}$')
_DIGITS_RE = re.compile(r'^[0-9]+$')

# RC 24 reasons
RS_BELOW_MIN, RS_NOT_HEX, RS_ABOVE_MAX, RS_UNRECOGNIZED, RS_CONFLICT, RS_MISSING = 15, 16, 18, 19, 23, 24
# keyword-list functions (the *_Extended_DM ones) answer 8/300x instead
RS_KW_OPERAND, RS_KW_MISSING = 3003, 3004


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------

def _text(call, name):
    value = call.param(name, '')
    return str(value).strip().upper() if value is not None else ''


def _password(call, name):
    value = call.param(name, '')
    return value if value else None


def _vdev(call, name):
    try:
        return validation.vdev(_text(call, name))
    except ValueError:
        raise syntax_error(call, name, RS_NOT_HEX) from None


def family(devtype):
    """'CKD' or 'FBA' for a device type, None when unknown."""
    dt = str(devtype or '').upper()
    if dt in CKD_TYPES or dt == '3380' or dt.startswith('3390'):
        return CKD
    if dt in FBA_TYPES or dt.startswith('9336') or dt == 'FBA':
        return FBA
    return None


def first_usable(vol):
    """The first cylinder or block of ``vol`` that may be allocated."""
    return CKD_FIRST_CYLINDER if family(vol['devtype']) == CKD else FBA_FIRST_BLOCK


def _query_devtype(devtype):
    """The device type as CP QUERY VIRTUAL (and Image_Disk_Query) shows it."""
    return '3390' if family(devtype) == CKD else '9336'


# ---------------------------------------------------------------------------
# Directory helpers (lock rules and RC 592 come from zvmsim.handlers.directory)
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
    """Before a directory change: a logged-on guest whose CP document has no
    ``disks`` map yet keeps what it logged on with, not the new directory."""
    doc = tx.cp(userid)
    if doc is not None and 'disks' not in doc:
        attach_directory_disks(tx, userid)


def _reply(call, failed=False):
    """The answer of a directory write (``start_async``: operation id -1, or
    RC 592 in asynchronous mode).  A function without an operation id in
    its output carries the operation id in the reason code of RC 592."""
    answer = start_async(call, {}, failed=failed)
    if any(f.name == 'operation_id' for f in layouts.get(call.function).response):
        return answer
    if isinstance(answer, Result):
        return Result(answer.rc, answer.output.get('operation_id', answer.rs), {})
    return {}


def _profile_entry(tx, entry):
    name = entry.include
    if not name:
        return None
    records = tx.entry(name, kind='profile')
    return directory.parse(records) if records is not None else None


def _device_vdevs(entry):
    """Every virtual device number the entry's device statements use."""
    used = set()
    for st in entry.statements:
        if isinstance(st, directory.Mdisk):
            used.add(st.vdev)
        elif isinstance(st, directory.Link):
            used.add(st.vdev2)
        elif isinstance(st, directory.Nicdef):
            base = int(st.vdev, 16)
            count = int(st.devices or 3)
            used.update('%04X' % (base + i) for i in range(count) if base + i <= 0xFFFF)
        elif isinstance(st, (directory.Dedicate, directory.Console, directory.Spool)):
            used.add(st.vdev)
    return used


def _vdev_in_use(tx, entry, vdev):
    if vdev in _device_vdevs(entry):
        return True
    profile = _profile_entry(tx, entry)
    return profile is not None and vdev in _device_vdevs(profile)


def _insert(entry, statement):
    """Put a new statement where the directory model puts one of its kind."""
    return entry._insert(statement)  # pylint: disable=protected-access


def _remove(entry, statement):
    entry._remove([statement])  # pylint: disable=protected-access


def _format_key(userid, vdev):
    return '%s %s' % (userid.upper(), vdev)


# ---------------------------------------------------------------------------
# Volumes, regions, groups
# ---------------------------------------------------------------------------

def regions_of(vol):
    """The regions of a volume document (see the module docstring)."""
    if 'regions' in vol:
        return [dict(r, groups=list(r.get('groups') or [])) for r in vol['regions']]
    if not vol.get('region'):
        return []
    lo = first_usable(vol)
    return [{'name': vol['region'].upper(), 'start': lo, 'size': max(0, int(vol['size']) - lo),
             'groups': list(vol.get('groups') or [])}]


def _put_regions(tx, vol, regions):
    doc = dict(vol)
    doc['regions'] = sorted(regions, key=lambda r: (r['start'], r['name']))
    doc['region'] = doc['regions'][0]['name'] if doc['regions'] else None
    doc['groups'] = sorted(set(g for r in regions for g in r['groups']))
    tx.put_volume(doc)
    return doc


def all_regions(tx):
    """(volume, region) pairs in the stable order: volume serial, then start."""
    out = []
    for vol in tx.volumes():
        for region in sorted(regions_of(vol), key=lambda r: (r['start'], r['name'])):
            out.append((vol, region))
    return out


def find_region(tx, name):
    """(volume, region) of the region called ``name``, or None."""
    name = name.upper()
    for vol, region in all_regions(tx):
        if region['name'] == name:
            return vol, region
    return None


def group_regions(tx, name):
    """(volume, region) pairs of group ``name``, in first-fit order."""
    name = name.upper()
    return [(vol, region) for vol, region in all_regions(tx) if name in region['groups']]


def group_names(tx):
    """The names of the groups ("disk pools") that have a region."""
    return sorted(set(g for _vol, region in all_regions(tx) for g in region['groups']))


def _span(vol, region):
    """The allocatable [lo, hi) of a region on its volume."""
    lo = max(int(region['start']), first_usable(vol))
    hi = min(int(region['start']) + int(region['size']), int(vol['size']))
    return lo, hi


def free_gaps(extents, lo, hi):
    """The free [start, end) gaps of [lo, hi) given extents sorted by start."""
    gaps = []
    cursor = lo
    for ext in extents:
        start, end = ext['start'], ext['start'] + ext['size']
        if end <= cursor:
            continue
        if start >= hi:
            break
        if start > cursor:
            gaps.append((cursor, min(start, hi)))
        cursor = max(cursor, end)
        if cursor >= hi:
            break
    if cursor < hi:
        gaps.append((cursor, hi))
    return gaps


def candidate_regions(tx, alloc_type, area):
    """The (volume, region) pairs an allocation may use, in first-fit order;
    None when the group, region or volume is not defined."""
    alloc_type = alloc_type.upper()
    area = (area or '').upper()
    if alloc_type == 'AUTOG':
        found = group_regions(tx, area)
        return found or None
    if alloc_type == 'AUTOR':
        found = find_region(tx, area)
        return [found] if found else None
    if alloc_type == 'AUTOV':
        vol = tx.volume(area) if area else None
        if vol is None:
            return None
        regions = sorted(regions_of(vol), key=lambda r: (r['start'], r['name']))
        return [(vol, r) for r in regions] or None
    if alloc_type == '*':
        return all_regions(tx)
    return None


def first_fit(tx, candidates, size, devtype):
    """The first extent of ``size`` units that fits, or None."""
    want = family(devtype)
    cache = {}
    for vol, region in candidates:
        if family(vol['devtype']) != want:
            continue
        lo, hi = _span(vol, region)
        if hi - lo < size:
            continue
        if vol['volid'] not in cache:
            cache[vol['volid']] = tx.extents(volid=vol['volid'])
        for start, end in free_gaps(cache[vol['volid']], lo, hi):
            if end - start >= size:
                return {'volid': vol['volid'], 'start': start, 'size': size}
    return None


def allocate(tx, alloc_type, area, size, devtype):
    """First-fit allocation of ``size`` cylinders (3390) or 512-byte blocks
    (FBA) of ``devtype`` from a group (AUTOG), a region (AUTOR) or a volume
    (AUTOV) named ``area``.  Returns ``{'volid', 'start', 'size'}`` or None
    when nothing fits (or the area is not defined).  Records nothing: the
    caller adds the extent (``tx.add_extent``) with the MDISK statement."""
    if size is None or int(size) <= 0 or family(devtype) is None:
        return None
    candidates = candidate_regions(tx, alloc_type, area)
    if not candidates:
        return None
    return first_fit(tx, candidates, int(size), devtype)


def _overlaps(tx, volid, start, size):
    for ext in tx.extents(volid=volid):
        if ext['start'] < start + size and start < ext['start'] + ext['size']:
            return True
    return False


def _volume_by_rdev(tx, rdev):
    for vol in tx.volumes():
        if vol.get('rdev') and vol['rdev'].upper().zfill(4) == rdev:
            return vol
    return None


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
        vol = _volume_by_rdev(tx, rdev)
        if vol is None:
            # DirMaint does not check the real device: nothing to reserve.
            return _Placement('devno', size, rdev=rdev)
        if family(vol['devtype']) != family(devtype):
            raise Fail(404, 24) if copy else syntax_error(call, 'image_disk_device_type', RS_CONFLICT)
        if copy and size is not None and int(vol['size']) != size:
            raise Fail(404, 28)
        if tx.extents(volid=vol['volid']):
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
    volume of the requested device type).
    """
    tx = call.tx
    userid = call.target
    vdev = _vdev(call, 'image_disk_number')
    devtype = _text(call, 'image_disk_device_type')
    alloc_type = _text(call, 'image_disk_allocation_type')
    area = _text(call, 'allocation_area_name_or_volser')
    unit = int(call.param('allocation_unit_size', 1))
    count = int(call.param('image_disk_size', 0))
    mode = _text(call, 'image_disk_mode')
    formatting = int(call.param('image_disk_formatting', 0) or 0)
    label = _text(call, 'image_disk_label')
    passwords = [_password(call, n) for n in ('read_password', 'write_password', 'multi_password')]

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
        return _reply(call, failed=True)
    _new_mdisk(entry, vdev, devtype, placement, mode, passwords)
    save_entry(call, userid, entry)
    if placement.extent is not None:
        tx.add_extent(placement.extent['volid'], placement.extent['start'], placement.extent['size'], userid, vdev)
    if formatting or label:
        _remember_format(tx, userid, vdev, formatting, label)
    return _reply(call)


@handles('Image_Disk_Delete_DM')
def image_disk_delete_dm(call):
    """DirMaint DMDISK: remove an MDISK statement and free its extent (the
    active configuration of a logged-on guest keeps the disk until it is
    detached, as with CP).  data_security_erase is accepted and not
    modelled.  Answers 0/0 with operation id -1 (or 592); 400/4 no such
    image; 400/12 image locked; 408/12 device locked; 408/8 no such MDISK."""
    userid = call.target
    vdev = _vdev(call, 'image_disk_number')
    entry = _load_entry(call, userid, vdev)
    if not entry.remove_mdisk(vdev):
        raise Fail(408, 8)
    if async_should_fail(call):
        return _reply(call, failed=True)
    save_entry(call, userid, entry)
    call.tx.delete_extents(userid, vdev)
    call.tx.delete_obj('mdisk_format', _format_key(userid, vdev))
    return _reply(call)


def _source_size(tx, mdisk):
    if isinstance(mdisk.size, int):
        return mdisk.size
    if mdisk.disk_type == 'devno':
        vol = _volume_by_rdev(tx, mdisk.rdev)
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
    The contents are not modelled; the source's label and formatting are
    copied.  A V-DISK or T-DISK source gives a V-DISK or T-DISK.  Answers 0/0
    with operation id -1 (or 592); 400/4 target or source image not found;
    400/12 locked; 408/12 device locked; 408/8 the source MDISK is not
    defined; 408/4 the new vdev is in use; 404/24 device type differs from
    the source (DEVNO device, volume at an explicit start); 404/28 device
    size differs (DEVNO); 420/8 area not defined; 408/24 no space."""
    tx = call.tx
    userid = call.target
    vdev = _vdev(call, 'image_disk_number')
    source_user = _text(call, 'source_image_name')
    source_vdev = _vdev(call, 'source_image_disk_number')
    alloc_type = _text(call, 'image_disk_allocation_type')
    area = _text(call, 'allocation_area_name_or_volser')
    mode = _text(call, 'image_disk_mode')
    passwords = [_password(call, n) for n in ('read_password', 'write_password', 'multi_password')]
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
        return _reply(call, failed=True)
    _new_mdisk(entry, vdev, devtype, placement, mode or mdisk.mode or 'MR', passwords)
    save_entry(call, userid, entry)
    if placement.extent is not None:
        tx.add_extent(placement.extent['volid'], placement.extent['start'], placement.extent['size'], userid, vdev)
    fmt = tx.obj('mdisk_format', _format_key(source_user, source_vdev))
    if fmt is not None:
        tx.put_obj('mdisk_format', _format_key(userid, vdev), fmt)
    return _reply(call)


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
    vdev = _vdev(call, 'image_disk_number')
    owner = _text(call, 'target_image_name')
    owner_vdev = _vdev(call, 'target_image_disk_number')
    mode = _text(call, 'read_write_mode') or 'RR'
    password = _password(call, 'optional_password')
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
        return _reply(call, failed=True)
    _insert(entry, directory.Link(owner, owner_vdev, vdev, mode))
    save_entry(call, userid, entry)
    return _reply(call)


@handles('Image_Disk_Unshare_DM')
def image_disk_unshare_dm(call):
    """DirMaint DLINK: remove the target's LINK statement for
    ``target_image_name``'s ``target_image_disk_number`` at
    ``image_disk_number``.  Answers 0/0 (or 592); 400/4 target not found;
    400/12 locked; 408/8 no such LINK statement."""
    userid = call.target
    vdev = _vdev(call, 'image_disk_number')
    owner = _text(call, 'target_image_name')
    owner_vdev = _vdev(call, 'target_image_disk_number')
    entry = _load_entry(call, userid, vdev)
    link = next((ln for ln in entry.links
                 if ln.vdev2 == vdev and ln.user == owner and ln.vdev1 == owner_vdev), None)
    if link is None:
        raise Fail(408, 8)
    if async_should_fail(call):
        return _reply(call, failed=True)
    _remove(entry, link)
    save_entry(call, userid, entry)
    return _reply(call)


# ---------------------------------------------------------------------------
# The active side (CP)
# ---------------------------------------------------------------------------

def _active_from_mdisk(tx, owner, mdisk, vdev, mode):
    """The active-disk document for ``owner``'s ``mdisk`` seen as ``vdev``
    with link ``mode``; None when CP could not link it (volume unknown)."""
    kind = mdisk.disk_type
    doc = {'vdev': vdev, 'owner': owner, 'owner_vdev': mdisk.vdev, 'devtype': _query_devtype(mdisk.devtype),
           'type': kind, 'mode': mode, 'unit': 'CYL' if family(mdisk.devtype) == CKD else 'BLK',
           'access': 'RO' if (mode or 'R')[0] == 'R' else 'RW'}
    if kind == 'vdisk':
        doc.update(rdev='VDSK', volid='(VDSK)', size=mdisk.size, start=None, unit='BLK')
    elif kind == 'tdisk':
        doc.update(rdev='TDSK', volid='(TDSK)', size=mdisk.size, start=None)
    elif kind == 'devno':
        vol = _volume_by_rdev(tx, mdisk.rdev)
        if vol is None:
            return None
        doc.update(rdev=mdisk.rdev, volid=vol['volid'], size=int(vol['size']), start=0)
    else:
        vol = tx.volume(mdisk.volser) if mdisk.volser else None
        if vol is None or vol.get('defined_only'):
            return None
        size = mdisk.size if isinstance(mdisk.size, int) else int(vol['size']) - int(mdisk.start)
        doc.update(rdev=(vol.get('rdev') or '0000').upper().zfill(4), volid=vol['volid'], size=size,
                   start=mdisk.start)
    return doc


def directory_disks(tx, userid):
    """The minidisks CP gives ``userid`` at logon: its MDISKs, then the LINK
    statements (its own, then its profile's) whose target disk exists."""
    records = tx.entry(userid)
    if records is None:
        return {}
    entry = directory.parse(records)
    disks = {}
    for mdisk in entry.mdisks:
        doc = _active_from_mdisk(tx, userid.upper(), mdisk, mdisk.vdev, mdisk.mode or 'MR')
        if doc is not None:
            disks[mdisk.vdev] = doc
    links = list(entry.links)
    profile = _profile_entry(tx, entry)
    if profile is not None:
        links += profile.links
    for link in links:
        if link.vdev2 in disks:
            continue
        owner_records = tx.entry(link.user)
        if owner_records is None:
            continue
        target = directory.parse(owner_records).find_mdisk(link.vdev1)
        if target is None:
            continue
        doc = _active_from_mdisk(tx, link.user, target, link.vdev2, link.mode or 'RR')
        if doc is not None:
            doc['type'] = 'link'
            disks[link.vdev2] = doc
    return disks


def attach_directory_disks(tx, userid):
    """For ``cp.log_on``: give a guest that just logged on the minidisks of
    its directory entry (stored in its CP document as ``disks``)."""
    doc = tx.cp(userid)
    if doc is None:
        return {}
    doc['disks'] = directory_disks(tx, userid)
    tx.put_cp(userid, doc)
    return doc['disks']


def active_disks(tx, userid):
    """The active minidisks of a logged-on guest (None if not logged on)."""
    doc = tx.cp(userid)
    if doc is None:
        return None
    if 'disks' not in doc:
        return directory_disks(tx, userid)
    return doc['disks']


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
    vdev = _vdev(call, 'image_disk_number')
    mode = _text(call, 'image_disk_mode')
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
    doc = _active_from_mdisk(tx, userid, mdisk, vdev, mode or mdisk.mode or 'MR')
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
    vdev = _vdev(call, 'image_disk_number')
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
    wanted = _text(call, 'vdasd_id')
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


@handles('Image_MDISK_Link_Query')
def image_mdisk_link_query(call):
    """CP QUERY LINKS: who else (logged on) has the target's minidisk
    ``vdev`` in the active configuration: system name (8 columns), user,
    the user's vdev, READ or WRITE.  Answers 0/0; 0/28 no links; 8/12 the
    target is not logged on; 8/8 the target has no such minidisk."""
    tx = call.tx
    owner = call.target
    wanted = _text(call, 'vdev')
    try:
        vdev = validation.vdev(wanted)
    except ValueError:
        raise Fail(8, 8) from None
    mine = active_disks(tx, owner)
    if mine is None:
        raise Fail(8, 12)
    records = tx.entry(owner)
    if records is None or directory.parse(records).find_mdisk(vdev) is None:
        raise Fail(8, 8)
    system = str((call.config.get('system') or {}).get('name') or 'ZVMSIM')[:8].upper()
    links = []
    for other in sorted(tx.cp_all()):
        if other == owner:
            continue
        for d in sorted((active_disks(tx, other) or {}).values(), key=lambda x: x['vdev']):
            if d.get('owner') == owner and d.get('owner_vdev') == vdev:
                links.append({'system_name': system, 'user': other, 'vaddr': d['vdev'],
                              'access_mode': 'READ' if d.get('access') == 'RO' else 'WRITE'})
    if not links:
        return Result(0, 28, {'link_array': []})
    return {'link_array': links}


# ---------------------------------------------------------------------------
# Pools: Image_Volume_Space_*
# ---------------------------------------------------------------------------

def _names(value):
    names = [n.upper() for n in str(value or '').split()]
    return None if not names or '*' in names else names


def _definition_records(tx, entry_type, names):
    out = []
    if entry_type == 1:
        vols = [v for v in tx.volumes() if regions_of(v)]
        if names is not None:
            known = dict((v['volid'], v) for v in vols)
            if any(n not in known for n in names):
                raise Fail(420, 8)
            vols = [known[n] for n in names]
        for vol in vols:
            for region in sorted(regions_of(vol), key=lambda r: (r['start'], r['name'])):
                out.append('%s %s %d %s' % (vol['volid'], vol['devtype'], int(vol['size']), region['name']))
    elif entry_type == 2:
        pairs = _region_pairs(tx, names)
        for vol, region in pairs:
            out.append('%s %s %d %d %s' % (region['name'], vol['volid'], region['start'], region['size'],
                                           vol['devtype']))
    else:
        groups = _group_list(tx, names)
        for group in groups:
            out.append(' '.join([group] + [r['name'] for _v, r in group_regions(tx, group)]))
    return out


def _region_pairs(tx, names):
    pairs = all_regions(tx)
    if names is None:
        return pairs
    by_name = dict((r['name'], (v, r)) for v, r in pairs)
    if any(n not in by_name for n in names):
        raise Fail(420, 8)
    return [by_name[n] for n in names]


def _group_list(tx, names):
    known = group_names(tx)
    if names is None:
        return known
    if any(n not in known for n in names):
        raise Fail(420, 8)
    return names


def _space_records(tx, query_type, entry_type, names):
    """FREE (2) and USED (3) records, one per extent."""
    scopes = []     # (vol, lo, hi, group_word, region_word)
    if entry_type == 1:
        vols = [v for v in tx.volumes() if regions_of(v)]
        if names is not None:
            known = dict((v['volid'], v) for v in vols)
            if any(n not in known for n in names):
                raise Fail(420, 8)
            vols = [known[n] for n in names]
        for vol in vols:
            spans = sorted(_span(vol, r) for r in regions_of(vol))
            for lo, hi in _merge(spans):
                scopes.append((vol, lo, hi, '*', '*', '*'))
    elif entry_type == 2:
        for vol, region in _region_pairs(tx, names):
            lo, hi = _span(vol, region)
            scopes.append((vol, lo, hi, '*', region['name'], region['name']))
    else:
        for group in _group_list(tx, names):
            for vol, region in group_regions(tx, group):
                lo, hi = _span(vol, region)
                scopes.append((vol, lo, hi, group, region['name'], group))
    out = []
    cache = {}
    for vol, lo, hi, group_word, region_word, used_word in scopes:
        if vol['volid'] not in cache:
            cache[vol['volid']] = tx.extents(volid=vol['volid'])
        extents = cache[vol['volid']]
        if query_type == 2:
            for start, end in free_gaps(extents, lo, hi):
                out.append('%s %s %d %d %s %s' % (vol['volid'], vol['devtype'], start, end - start, group_word,
                                                  region_word))
        else:
            for ext in extents:
                if entry_type == 1 or (ext['start'] < hi and lo < ext['start'] + ext['size']):
                    out.append('%s %s %d %d %s %s * %s *' % (vol['volid'], vol['devtype'], ext['start'],
                                                             ext['size'], ext['owner'], ext['vdev'], used_word))
    if entry_type == 1 and query_type == 3:
        # a volume's extents once, however many regions it has
        seen, unique = set(), []
        for rec in out:
            if rec not in seen:
                seen.add(rec)
                unique.append(rec)
        out = unique
    return out


def _merge(spans):
    merged = []
    for lo, hi in spans:
        if hi <= lo:
            continue
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _space_query(tx, query_type, entry_type, names):
    if query_type == 1:
        return _definition_records(tx, entry_type, names)
    return _space_records(tx, query_type, entry_type, names)


@handles('Image_Volume_Space_Query_DM')
def image_volume_space_query_dm(call):
    """DirMaint DASD/FREE/USED queries of the EXTENT CONTROL pools:
    query_type 1 definition, 2 free, 3 used; entry_type 1 volume, 2 region,
    3 group; entry_names blank-separated or '*'.  Record formats are in the
    module docstring.  Answers 0/0 (an empty list when nothing is defined);
    420/8 a named volume, region or group is not defined."""
    records = _space_query(call.tx, int(call.param('query_type')), int(call.param('entry_type')),
                           _names(call.param('entry_names', '*')))
    return {'record_array': records}


@handles('Image_Volume_Space_Query_Extended_DM')
def image_volume_space_query_extended_dm(call):
    """The keyword-list form of Image_Volume_Space_Query_DM (the same
    records, NUL-terminated).  Answers 0/0; 8/3004 query_type or entry_type
    missing; 420/8 a named entry is not defined."""
    query_type = call.param('query_type')
    entry_type = call.param('entry_type')
    if not query_type or not entry_type:
        raise Fail(8, RS_KW_MISSING)
    records = _space_query(call.tx, int(query_type), int(entry_type), _names(call.param('entry_names', '*')))
    return {'record_array': records}


class _DefineRequest:
    """Image_Volume_Space_Define(_Extended)_DM parameters, checked."""

    def __init__(self, call, extended):
        self.call = call
        self.extended = extended
        self.function_type = self._int('function_type', None)
        self.region = _text(call, 'region_name')
        self.volid = _text(call, 'image_vol_id')
        self.start = self._int('start_cylinder', -1)
        self.size = self._int('size', -1)
        self.group = _text(call, 'group_name')
        self.device_type = self._int('device_type', 0)
        self.alloc_method = self._int('alloc_method', None) if extended else None

    def bad(self, name, reason):
        """The syntax error for parameter ``name``: 24/pprr, or 8/300x for
        the keyword-list form."""
        if self.extended:
            return Fail(8, RS_KW_MISSING if reason == RS_MISSING else RS_KW_OPERAND)
        return syntax_error(self.call, name, reason)

    def _int(self, name, default):
        value = self.call.param(name)
        if value is None or value == '':
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise self.bad(name, RS_UNRECOGNIZED) from None


def _define(call, extended):
    req = _DefineRequest(call, extended)
    tx = call.tx
    ftype = req.function_type
    if ftype is None:
        raise req.bad('function_type', RS_MISSING)
    if not req.region:
        raise req.bad('region_name', RS_MISSING)
    if ftype in (2, 4, 5) and not req.group:
        raise req.bad('group_name', RS_MISSING)
    if ftype == 5:
        found = find_region(tx, req.region)
        if found is None:
            raise Fail(420, 8)
        vol, region = found
        if req.group in region['groups']:
            raise Fail(420, 4)
        regions = regions_of(vol)
        for r in regions:
            if r['name'] == region['name']:
                r['groups'].append(req.group)
        _put_regions(tx, vol, regions)
        _group_method(tx, req)
        return
    if not req.volid:
        raise req.bad('image_vol_id', RS_MISSING)
    if find_region(tx, req.region) is not None:
        raise Fail(420, 4)
    vol = tx.volume(req.volid)
    devtype = DEFINE_DEVICE_TYPES.get(req.device_type)
    if vol is not None and devtype is not None and family(devtype) != family(vol['devtype']):
        raise req.bad('device_type', RS_CONFLICT)
    if ftype in (3, 4):
        if vol is None or vol.get('defined_only'):
            raise Fail(420, 36)
        start = first_usable(vol)
        size = int(vol['size']) - start
    else:
        if req.start < 0:
            raise req.bad('start_cylinder', RS_BELOW_MIN)
        if req.size <= 0:
            raise req.bad('size', RS_BELOW_MIN)
        start, size = req.start, req.size
        if vol is None:
            if devtype is None:
                raise Fail(420, 36)
            vol = {'volid': req.volid, 'devtype': devtype if devtype != 'FB-512' else '9336',
                   'unit': 'CYL' if family(devtype) == CKD else 'BLK', 'size': start + size, 'rdev': '',
                   'system': False, 'defined_only': True, 'regions': []}
        elif start + size > int(vol['size']):
            if not vol.get('defined_only'):
                raise req.bad('size', RS_ABOVE_MAX)
            vol = dict(vol, size=start + size)
    regions = regions_of(vol)
    regions.append({'name': req.region, 'start': start, 'size': size,
                    'groups': [req.group] if ftype in (2, 4) else []})
    _put_regions(tx, vol, regions)
    if ftype in (2, 4):
        _group_method(tx, req)


def _group_method(tx, req):
    if req.alloc_method is not None:
        tx.put_obj('dasd_group', req.group, {'alloc_method': req.alloc_method})


@handles('Image_Volume_Space_Define_DM')
def image_volume_space_define_dm(call):
    """DirMaint DASD ADD: function_type 1 define a region (volume, start,
    size, device type), 2 the same and add it to group_name, 3 a region
    spanning the whole volume, 4 the same and add it to group_name, 5 add an
    existing region to group_name (the group is created with its first
    region).  A region on a volume the system does not have creates a
    defined-only volume.  Answers 0/0; 24/pprr a required name missing, bad
    start/size, device type conflicting with the volume, a region past the
    end of the volume; 420/4 region already defined (or already in the
    group); 420/8 region not defined (type 5); 420/36 the volume is not a
    DASD the system has (types 3, 4, or an unknown volume without a device
    type)."""
    return _pool_change(call, lambda: _define(call, extended=False))


@handles('Image_Volume_Space_Define_Extended_DM')
def image_volume_space_define_extended_dm(call):
    """The keyword-list form of Image_Volume_Space_Define_DM, plus
    alloc_method, kept for the group.  Answers as that function, except
    that a missing keyword is 8/3004 and a bad operand 8/3003."""
    return _pool_change(call, lambda: _define(call, extended=True))


def _pool_change(call, change):
    """Apply a pool change and answer; when the config makes this
    asynchronous operation fail, the change is checked but not kept."""
    tx = call.tx
    failing = async_should_fail(call)
    if failing:
        volumes, groups = tx.volumes(), tx.objs('dasd_group')
    change()
    if failing:
        for vol in tx.volumes():
            tx.delete_volume(vol['volid'])
        for vol in volumes:
            tx.put_volume(vol)
        for name in tx.objs('dasd_group'):
            tx.delete_obj('dasd_group', name)
        for name, doc in groups.items():
            tx.put_obj('dasd_group', name, doc)
    return _reply(call, failed=failing)


@handles('Image_Volume_Space_Remove_DM')
def image_volume_space_remove_dm(call):
    """DirMaint DASD DELETE: function_type 1 remove a region, 2 remove a
    region from group_name, 3 remove a region from every group, 4 remove the
    regions of a volume, 5 remove a volume's regions from group_name, 6 from
    every group, 7 remove a group.  Allocated minidisks stay where they are.
    Answers 0/0; 24/pprr a required name missing; 420/8 region, volume or
    group not defined; 420/12 the region (or none of the volume's regions)
    is not in the group."""

    return _pool_change(call, lambda: _remove_space(call))


def _remove_space(call):
    """The change of Image_Volume_Space_Remove_DM."""
    tx = call.tx
    ftype = int(call.param('function_type'))
    region_name = _text(call, 'region_name')
    volid = _text(call, 'image_vol_id')
    group = _text(call, 'group_name')
    if ftype in (1, 2, 3) and not region_name:
        raise syntax_error(call, 'region_name', RS_MISSING)
    if ftype in (4, 5, 6) and not volid:
        raise syntax_error(call, 'image_vol_id', RS_MISSING)
    if ftype in (2, 5, 7) and not group:
        raise syntax_error(call, 'group_name', RS_MISSING)
    if ftype in (2, 5, 7) and group not in group_names(tx):
        raise Fail(420, 8)
    if ftype in (1, 2, 3):
        _remove_region(tx, ftype, region_name, group)
    elif ftype in (4, 5, 6):
        _remove_volume_regions(tx, ftype, volid, group)
    else:
        for vol, _region in group_regions(tx, group):
            vol = tx.volume(vol['volid'])
            regions = regions_of(vol)
            for r in regions:
                if group in r['groups']:
                    r['groups'].remove(group)
            _save_volume(tx, vol, regions)
    for name in tx.objs('dasd_group'):
        if name not in group_names(tx):
            tx.delete_obj('dasd_group', name)


def _remove_region(tx, ftype, region_name, group):
    """Function types 1 (the region), 2 (from a group), 3 (from all groups)."""
    found = find_region(tx, region_name)
    if found is None:
        raise Fail(420, 8)
    vol, region = found
    regions = regions_of(vol)
    target = next(r for r in regions if r['name'] == region['name'])
    if ftype == 1:
        regions.remove(target)
    elif ftype == 2:
        if group not in target['groups']:
            raise Fail(420, 12)
        target['groups'].remove(group)
    else:
        target['groups'] = []
    _save_volume(tx, vol, regions)


def _remove_volume_regions(tx, ftype, volid, group):
    """Function types 4 (a volume's regions), 5 (from a group), 6 (from all)."""
    vol = tx.volume(volid)
    if vol is None or not regions_of(vol):
        raise Fail(420, 8)
    regions = regions_of(vol)
    if ftype == 4:
        regions = []
    elif ftype == 5:
        if not any(group in r['groups'] for r in regions):
            raise Fail(420, 12)
        for r in regions:
            if group in r['groups']:
                r['groups'].remove(group)
    else:
        for r in regions:
            r['groups'] = []
    _save_volume(tx, vol, regions)


def _save_volume(tx, vol, regions):
    """Write back a volume's regions; a defined-only volume with no region
    and nothing allocated on it is forgotten."""
    if not regions and vol.get('defined_only') and not tx.extents(volid=vol['volid']):
        tx.delete_volume(vol['volid'])
        return
    _put_regions(tx, vol, regions)
