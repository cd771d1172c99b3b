# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""DASD: volumes, their regions and groups (DirMaint's EXTENT CONTROL
pools), allocated extents, first-fit allocation, and the minidisks CP gives
a logged-on guest.

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

Space a running guest still uses
    CP keeps a logged-on guest's minidisks (the ones it logged on with, the
    ones Image_Disk_Create gave it and every LINK to another guest's disk)
    until they are detached or the guest logs off, whatever happens to the
    directory meanwhile.  So space whose MDISK was deleted (Image_Disk_Delete_DM,
    Image_Replace_DM without it, Image_Delete_DM of the whole entry) while a
    running guest has it attached is not free yet: DirMaint does not hand
    out space that CP still has in use (our reading: handing it out would let
    two guests write the same cylinders, which DirMaint's extent control
    exists to prevent).  ``held_extents(tx)`` lists that space, from the
    ``disks`` maps of the logged-on guests; first-fit allocation, a start at
    an explicit place and a DEVNO (full-pack) minidisk all avoid it
    (``busy_extents``), and ``sync_extents`` refuses an MDISK over it
    (408/24) unless the MDISK is the very disk that holds it (the owner puts
    its own disk back).  The space is free again once the guest detaches the
    disk (Image_Disk_Delete) or logs off.

Extents of directory entries
    ``sync_extents(call, userid, entry)`` re-registers the extents of
    ``userid`` from the entry's MDISK statements with an explicit start on a
    known volume (``END`` runs to the end of the volume).  An extent that
    overlaps another owner's extent or one of the entry's own, or that
    passes the end of its volume, raises ``Fail(408, 24)`` (DirMaint refuses
    overlapping space: "requested image disk space not available").
    Idempotent.  ``allocate_extent(call, alloc_type, name, size, devtype)``
    finds space for ``AUTOG``/``AUTOR``/``AUTOV`` allocations:
    ``Fail(420, 8)`` for an unknown group, region or volume, ``Fail(408,
    24)`` when it has no room; it returns ``{'volid', 'start', 'size',
    'devtype'}`` (not yet registered).

The active side
    A logged-on guest's active minidisks are the ``disks`` map of its CP
    document (``tx.cp(userid)['disks']``, keyed by vdev).  ``cp.log_on``
    fills it by calling ``attach_directory_disks(tx, userid)``: the guest's
    own MDISKs plus the LINK statements (its own and its profile's) whose
    disk exists, as CP does at logon.  A CP document without a ``disks``
    map (written before that call existed) is read as if it had been
    attached at logon from the current directory.
"""

from ansible_collections.zvm.cloud.plugins.module_utils import directory

from zvmsim.dirmaint import profile_entry
from zvmsim.handlers import Fail

CKD, FBA = 'CKD', 'FBA'
CKD_TYPES = ('3390',)
FBA_TYPES = ('9336', 'FB-512', '9332', '9335', '3370')
FBA_FIRST_BLOCK = 32
CKD_FIRST_CYLINDER = 1
AUTO_TYPES = ('AUTOG', 'AUTOR', 'AUTOV')


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


def span(vol, region):
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


def volume_by_rdev(tx, rdev):
    """The volume on real device ``rdev`` (4 hex digits), or None."""
    for vol in tx.volumes():
        if vol.get('rdev') and vol['rdev'].upper().zfill(4) == rdev:
            return vol
    return None


# ---------------------------------------------------------------------------
# Allocation and extents
# ---------------------------------------------------------------------------

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


def held_extents(tx, volid=None):
    """The space the logged-on guests have attached as minidisks or links
    (see "Space a running guest still uses"): ``[{'volid', 'start', 'size',
    'owner', 'vdev', 'holder'}]`` sorted by volume and start, where
    ``owner``/``vdev`` name the MDISK the space belonged to and ``holder``
    the guest that has it attached.  V-DISKs and T-DISKs hold no space."""
    held = []
    for holder, doc in tx.cp_all().items():
        for disk in (doc.get('disks') or {}).values():
            if disk.get('start') is None or not disk.get('volid') or disk.get('rdev') in ('VDSK', 'TDSK'):
                continue
            if volid is not None and disk['volid'] != volid.upper():
                continue
            held.append({'volid': disk['volid'], 'start': int(disk['start']), 'size': int(disk['size']),
                         'owner': disk.get('owner') or holder, 'vdev': disk.get('owner_vdev') or disk.get('vdev'),
                         'holder': holder})
    return sorted(held, key=lambda e: (e['volid'], e['start']))


def busy_extents(tx, volid):
    """Space of ``volid`` that may not be handed out: DirMaint's extents and
    the space running guests still have attached, sorted by start."""
    return sorted(tx.extents(volid=volid) + held_extents(tx, volid), key=lambda e: e['start'])


def first_fit(tx, candidates, size, devtype):
    """The first extent of ``size`` units that fits, or None (space a
    running guest still has attached is not free: ``busy_extents``)."""
    want = family(devtype)
    cache = {}
    for vol, region in candidates:
        if family(vol['devtype']) != want:
            continue
        lo, hi = span(vol, region)
        if hi - lo < size:
            continue
        if vol['volid'] not in cache:
            cache[vol['volid']] = busy_extents(tx, vol['volid'])
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


def entry_extents(tx, entry):
    """``[(volume doc, start, size, vdev)]`` of the entry's MDISKs with an
    explicit start on a known volume."""
    out = []
    for md in entry.mdisks:
        if md.disk_type != 'perm' or not md.volser or md.start is None:
            continue
        vol = tx.volume(md.volser)
        if vol is None:
            continue
        size = vol['size'] - md.start if md.size == 'END' else md.size
        out.append((vol, md.start, size, md.vdev))
    return out


def _same_disk(held, volid, userid, vdev):
    """True when ``held`` is space of this very MDISK (the owner's vdev on
    the same volume): the owner may put its own disk back, or change it."""
    return (held['owner'], held['vdev'], held['volid']) == (userid.upper(), vdev, volid)


def sync_extents(call, userid, entry):
    """Register ``userid``'s extents from its MDISKs (see the module docstring)."""
    tx = call.tx
    tx.delete_extents(userid)
    for vol, start, size, vdev in entry_extents(tx, entry):
        if size <= 0 or start < 0 or start + size > vol['size']:
            raise Fail(408, 24)
        for ext in tx.extents(volid=vol['volid']):
            if start < ext['start'] + ext['size'] and ext['start'] < start + size:
                raise Fail(408, 24)
        for held in held_extents(tx, vol['volid']):
            if start < held['start'] + held['size'] and held['start'] < start + size and \
                    not _same_disk(held, vol['volid'], userid, vdev):
                raise Fail(408, 24)
        tx.add_extent(vol['volid'], start, size, userid, vdev)


def allocate_extent(call, alloc_type, name, size, devtype):
    """Space for an AUTOG/AUTOR/AUTOV minidisk: 420/8 when the group, region
    or volume is not defined, 408/24 when nothing fits (first fit, see
    ``allocate``)."""
    alloc_type, name = alloc_type.upper(), name.upper()
    candidates = candidate_regions(call.tx, alloc_type, name)
    if not candidates:
        raise Fail(420, 8)
    devtype = devtype.upper()
    if devtype not in ('3390', '9336', 'FB-512'):
        devtype = candidates[0][0]['devtype']
    extent = allocate(call.tx, alloc_type, name, size, devtype)
    if extent is None:
        raise Fail(408, 24)
    extent = dict(extent)
    extent.setdefault('devtype', devtype)
    return extent


# ---------------------------------------------------------------------------
# The active side (CP)
# ---------------------------------------------------------------------------

def active_from_mdisk(tx, owner, mdisk, vdev, mode):
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
        vol = volume_by_rdev(tx, mdisk.rdev)
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
        doc = active_from_mdisk(tx, userid.upper(), mdisk, mdisk.vdev, mdisk.mode or 'MR')
        if doc is not None:
            disks[mdisk.vdev] = doc
    links = list(entry.links)
    profile = profile_entry(tx, entry)
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
        doc = active_from_mdisk(tx, link.user, target, link.vdev2, link.mode or 'RR')
        if doc is not None:
            doc['type'] = 'link'
            disks[link.vdev2] = doc
    return disks


def pin_active_disks(tx, userid):
    """Before a directory change: a logged-on guest whose CP document has no
    ``disks`` map yet keeps what it logged on with, not the new directory."""
    doc = tx.cp(userid)
    if doc is not None and 'disks' not in doc:
        attach_directory_disks(tx, userid)


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
