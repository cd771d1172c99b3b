# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Disk specifications: the zvmsdk ``disk_list`` format checked and turned
into what Image_Disk_Create_DM needs.

A disk is a dict with ``size`` ('512M', '1g', or a bare number of cylinders
or blocks), and optionally ``disk_pool`` ('ECKD:POOL1' or 'FBA:POOL2'),
``vdev``, ``format`` (none, cms, swap, ext2, ext3, ext4, xfs), ``mode``
(default MR) and ``is_boot_disk``.  A swap disk without a pool becomes a
V-DISK, as in zvmsdk.  A file system (or swap on a pool disk) is made by
the access node right after DirMaint made the disk (``needs_node``):
SMAPI can only leave a disk unformatted or CMS-format it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zvm.cloud.plugins.module_utils import units, validation
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import SDKInvalidInputFormat

POOL_TYPES = {'ECKD': '3390', 'FBA': 'FB-512'}
SMAPI_DEVTYPE = {'3390': '3390', 'FB-512': '9336'}
LINUX_FORMATS = ('ext2', 'ext3', 'ext4', 'xfs')
FORMATS = ('none', 'cms', 'swap') + LINUX_FORMATS
# what the access node makes on a pool disk once DirMaint has made it (AccessNode.make_filesystem)
NODE_FORMATS = LINUX_FORMATS + ('swap',)
# Image_Disk_Create_DM formatting codes: 0 unspecified, 1 NONE, 6 CMS with
# the device's default block size
FORMAT_CODES = {'none': 1, 'swap': 1, 'cms': 6, 'ext2': 1, 'ext3': 1, 'ext4': 1, 'xfs': 1}
MODES = ('R', 'RR', 'W', 'WR', 'M', 'MR', 'MW', 'MWV', 'MRV', 'RV', 'WV')
KEYS = ('size', 'disk_pool', 'vdev', 'format', 'mode', 'is_boot_disk')


def parse_pool(value, field='disk_pool'):
    """'ECKD:POOL1' -> ('ECKD', 'POOL1')."""
    try:
        text = validation.ascii_text(value, field, 'a disk pool') if isinstance(value, str) else value
    except InputError as e:
        raise SDKInvalidInputFormat(str(e))
    if not isinstance(text, str) or ':' not in text:
        raise SDKInvalidInputFormat('%s: %r is not of the form TYPE:NAME, e.g. ECKD:POOL1 or FBA:POOL2'
                                    % (field, value))
    kind, name = text.split(':', 1)
    kind = kind.strip(' ').upper()      # ASCII only (checked above): no Unicode case mapping
    if kind not in POOL_TYPES:
        raise SDKInvalidInputFormat('%s: pool type %r must be ECKD or FBA' % (field, kind))
    try:
        name = validation.pool_name(name, field)
    except InputError as e:
        raise SDKInvalidInputFormat(str(e))
    return kind, name


def _word(value, field, where):
    """An ASCII option word (format, mode) as given; SDKInvalidInputFormat otherwise."""
    try:
        return validation.no_blanks_or_controls(str(value), '%s %s' % (where, field))
    except InputError as e:
        raise SDKInvalidInputFormat(str(e))


def normalize(disk_list, default_pool=None, entry=None, first_vdev='0100', where='disk %d'):
    """Check ``disk_list`` and return one spec per disk (dicts with vdev,
    devtype, count, unit, kind ('perm' or 'vdisk'), pool, mode, format,
    is_boot_disk, size).  A vdev that a device of ``entry`` (a
    DirectoryEntry, or None) already uses, a NIC's range included, is an
    error naming both; vdevs not given are the lowest free ones from
    ``first_vdev``.  Raises SDKInvalidInputFormat naming the disk and field.
    """
    if disk_list is None:
        return []
    if not isinstance(disk_list, list):
        raise SDKInvalidInputFormat('disk_list must be a list of dicts')
    if default_pool is not None:
        parse_pool(default_pool)        # checked even when every disk names its own
    taken = {}
    specs = []
    label = where
    for i, disk in enumerate(disk_list):
        where = label % (i + 1) if '%d' in label else '%s[%d]' % (label, i + 1)
        if not isinstance(disk, dict):
            raise SDKInvalidInputFormat('%s: each disk must be a dict, got %s' % (where, type(disk).__name__))
        unknown = sorted(set(disk) - set(KEYS))
        if unknown:
            raise SDKInvalidInputFormat('%s: unknown key(s) %s (known: %s)' % (where, ', '.join(unknown),
                                                                               ', '.join(KEYS)))
        if disk.get('size') in (None, ''):
            raise SDKInvalidInputFormat('%s: size is required' % where)
        fmt = _word('none' if disk.get('format') is None else disk['format'], 'format', where).lower()
        if fmt not in FORMATS:
            raise SDKInvalidInputFormat('%s: format %r is not one of %s' % (where, fmt, ', '.join(FORMATS)))
        pool = disk.get('disk_pool') or default_pool
        mode = _word('MR' if disk.get('mode') is None else disk['mode'], 'mode', where).upper()
        if mode not in MODES:
            raise SDKInvalidInputFormat('%s: mode %r is not one of %s' % (where, mode, ', '.join(MODES)))
        if fmt == 'swap' and not disk.get('disk_pool'):
            kind, devtype, pool_kind, pool_name = 'vdisk', 'FB-512', None, None
        else:
            if not pool:
                raise SDKInvalidInputFormat('%s: disk_pool is required (no default pool is set)' % where)
            pool_kind, pool_name = parse_pool(pool, '%s disk_pool' % where)
            kind, devtype = 'perm', POOL_TYPES[pool_kind]
        try:
            count, unit = units.disk_size_units(disk['size'], devtype, vdisk=(kind == 'vdisk'),
                                                field='%s size' % where)
        except InputError as e:
            raise SDKInvalidInputFormat(str(e))
        if count <= 0:
            raise SDKInvalidInputFormat('%s: size %r must be greater than 0' % (where, disk['size']))
        if disk.get('vdev') is not None:       # '' is an error, not "pick one"
            try:
                vdev = validation.vdev(disk['vdev'], '%s vdev' % where)
            except InputError as e:
                raise SDKInvalidInputFormat(str(e))
            clash = taken.get(vdev) or (entry.device_conflict(vdev) if entry is not None else None)
            if clash:
                raise SDKInvalidInputFormat('%s: vdev %s is already in use by %s' % (where, vdev, clash))
        else:
            vdev = _next_vdev(first_vdev, taken, entry)
        taken[vdev] = 'disk %s' % vdev
        specs.append({
            'vdev': vdev, 'size': disk['size'], 'count': count, 'unit': unit, 'devtype': devtype, 'kind': kind,
            'pool': pool_name, 'pool_type': pool_kind,
            'disk_pool': '%s:%s' % (pool_kind, pool_name) if pool_name else None,
            'mode': mode, 'format': fmt, 'is_boot_disk': bool(disk.get('is_boot_disk')),
        })
    return specs


def needs_node(spec):
    """Whether the access node makes a file system (or swap) on the disk
    of ``spec`` once it exists: a pool disk whose format is one of
    NODE_FORMATS (a V-DISK is empty at every logon: the guest makes its swap)."""
    return spec['kind'] == 'perm' and spec['format'] in NODE_FORMATS


def _next_vdev(first, taken, entry):
    n = int(first, 16)
    while '%04X' % n in taken or (entry is not None and entry.device_conflict('%04X' % n)):
        n += 1
        if n > 0xFFFF:
            raise SDKInvalidInputFormat('no free virtual device number left for a disk')
    return '%04X' % n


def create_params(spec):
    """Image_Disk_Create_DM parameters for a spec from ``normalize``."""
    if spec['kind'] == 'vdisk':
        return {'image_disk_number': spec['vdev'], 'image_disk_device_type': '9336',
                'image_disk_allocation_type': 'V-DISK', 'allocation_area_name_or_volser': 'V-DISK',
                'allocation_unit_size': 2, 'image_disk_size': spec['count'], 'image_disk_mode': spec['mode'],
                'image_disk_formatting': FORMAT_CODES[spec['format']]}
    return {'image_disk_number': spec['vdev'], 'image_disk_device_type': SMAPI_DEVTYPE[spec['devtype']],
            'image_disk_allocation_type': 'AUTOG', 'allocation_area_name_or_volser': spec['pool'],
            'allocation_unit_size': 1 if spec['unit'] == units.CYL else 2, 'image_disk_size': spec['count'],
            'image_disk_mode': spec['mode'], 'image_disk_formatting': FORMAT_CODES[spec['format']]}


def matches(spec, mdisk):
    """Whether an existing MDISK (Mdisk.to_dict()) satisfies a spec, and
    why not: returns (ok, problem)."""
    if spec['kind'] == 'vdisk':
        if mdisk.get('type') != 'vdisk':
            return False, 'is a %s minidisk, not a V-DISK' % (mdisk.get('type') or 'permanent')
    elif mdisk.get('type') == 'vdisk':
        return False, 'is a V-DISK, not a minidisk in pool %s' % spec['disk_pool']
    have_type = 'FB-512' if str(mdisk.get('devtype', '')).upper() in ('FB-512', '9336', 'FBA') else \
        str(mdisk.get('devtype', '')).upper()
    if have_type != spec['devtype']:
        return False, 'has device type %s, not %s' % (mdisk.get('devtype'), spec['devtype'])
    if int(mdisk.get('size') or 0) != spec['count']:
        return False, 'has %s %s, not %d (%s)' % (mdisk.get('size'), 'cylinders' if spec['unit'] == units.CYL
                                                  else 'blocks', spec['count'], spec['size'])
    return True, None
