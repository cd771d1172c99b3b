# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Image_Volume_Space_*: DirMaint's disk pools (EXTENT CONTROL):
Image_Volume_Space_Query_DM, Image_Volume_Space_Query_Extended_DM,
Image_Volume_Space_Define_DM, Image_Volume_Space_Define_Extended_DM,
Image_Volume_Space_Remove_DM.

The pool model (volumes, regions, groups, extents) is in ``zvmsim/dasd.py``.

Image_Volume_Space_Query_DM records (one text record each; START and SIZE
count cylinders on 3390 volumes and 512-byte blocks on FBA volumes):
    definition, volume: ``VOLID DEVTYPE VOLUME_SIZE REGION`` (one per region);
    definition, region: ``REGION VOLID START SIZE DEVTYPE``;
    definition, group:  ``GROUP REGION REGION ...`` (one per group);
    free:  ``VOLID DEVTYPE START SIZE GROUP REGION``: GROUP is ``*`` unless
           groups are queried, REGION is ``*`` when volumes are queried;
           space a running guest still has attached after its MDISK went
           (``dasd.busy_extents``) is not free: DirMaint would not hand it out;
    used:  ``VOLID DEVTYPE START SIZE OWNER VDEV * NAME *``: NAME is the
           region (region queries), the group (group queries) or ``*``
           (volume queries), as in the capture of
           Image_Volume_Space_Query_Extended_DM.

A pool change answers as a directory write (``dirmaint.async_reply``: RC
592 in asynchronous mode); when the config makes it fail
(``dirmaint.async_should_fail``) the change is checked but not kept.
"""

from zvmsim.dasd import (
    CKD, all_regions, busy_extents, family, find_region, first_usable, free_gaps, group_names, group_regions,
    regions_of, span)
from zvmsim.dirmaint import async_reply, async_should_fail
from zvmsim.handlers import Fail, handles
from zvmsim.params import (
    RS_ABOVE_MAX, RS_BELOW_MIN, RS_CONFLICT, RS_KW_MISSING, RS_KW_OPERAND, RS_MISSING, RS_UNRECOGNIZED,
    syntax_error, text_param)

DEFINE_DEVICE_TYPES = {1: '3390', 2: '9336', 3: '3380', 4: 'FB-512'}


def _put_regions(tx, vol, regions):
    doc = dict(vol)
    doc['regions'] = sorted(regions, key=lambda r: (r['start'], r['name']))
    doc['region'] = doc['regions'][0]['name'] if doc['regions'] else None
    doc['groups'] = sorted(set(g for r in regions for g in r['groups']))
    tx.put_volume(doc)
    return doc


def _names(value):
    names = [n.upper() for n in str(value or '').split()]
    return None if not names or '*' in names else names


def _definition_records(tx, entry_type, names):
    out = []
    if entry_type == 1:
        vols = _volume_list(tx, names)
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


def _volume_list(tx, names):
    vols = [v for v in tx.volumes() if regions_of(v)]
    if names is None:
        return vols
    known = dict((v['volid'], v) for v in vols)
    if any(n not in known for n in names):
        raise Fail(420, 8)
    return [known[n] for n in names]


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
        vols = _volume_list(tx, names)
        for vol in vols:
            spans = sorted(span(vol, r) for r in regions_of(vol))
            for lo, hi in _merge(spans):
                scopes.append((vol, lo, hi, '*', '*', '*'))
    elif entry_type == 2:
        for vol, region in _region_pairs(tx, names):
            lo, hi = span(vol, region)
            scopes.append((vol, lo, hi, '*', region['name'], region['name']))
    else:
        for group in _group_list(tx, names):
            for vol, region in group_regions(tx, group):
                lo, hi = span(vol, region)
                scopes.append((vol, lo, hi, group, region['name'], group))
    out = []
    cache, busy = {}, {}
    for vol, lo, hi, group_word, region_word, used_word in scopes:
        if vol['volid'] not in cache:
            cache[vol['volid']] = tx.extents(volid=vol['volid'])
        extents = cache[vol['volid']]
        if query_type == 2:
            # space a running guest still has attached is not free (dasd.busy_extents)
            if vol['volid'] not in busy:
                busy[vol['volid']] = busy_extents(tx, vol['volid'])
            for start, end in free_gaps(busy[vol['volid']], lo, hi):
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
        self.region = text_param(call, 'region_name')
        self.volid = text_param(call, 'image_vol_id')
        self.start = self._int('start_cylinder', -1)
        self.size = self._int('size', -1)
        self.group = text_param(call, 'group_name')
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
    return async_reply(call, failed=failing)


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
    region_name = text_param(call, 'region_name')
    volid = text_param(call, 'image_vol_id')
    group = text_param(call, 'group_name')
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
