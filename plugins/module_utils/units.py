# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sizes: disk sizes in cylinders and blocks, guest memory in CP storage form.

All unit suffixes are binary (K = 1024, M = 1024**2, G = 1024**3, T = 1024**4)
and case-insensitive, as in CP.

Disks (see the "Sizes" section of the project's z/VM facts):

- an ECKD (3390) cylinder counts as 737,280 bytes: 15 tracks of 12 blocks of
  4 KiB.  Byte sizes round *up* to whole cylinders, so 512M is 729 cylinders,
  1G is 1457, 10G is 14564 and 20G is 29128;
- FBA devices (FB-512, 9336, 9332, 9335, 3370) count 512-byte blocks, so 1G
  is 2,097,152 blocks;
- a V-DISK holds at most 4,194,296 blocks.

A bare number (``100`` or ``'100'``) is a count in the device's native unit
(cylinders or blocks), never bytes; ``parse_size`` says which with its
``native`` flag.

Memory: a bare number is megabytes (``4096`` is 4 GiB); ``cp_storage``
writes a byte count the way the user directory does (``4G``, ``512M``,
``1536M``), in the largest unit that divides it exactly.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from collections import namedtuple
from fractions import Fraction

from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError

KIB = 1024
UNITS = (('T', 1024 ** 4), ('G', 1024 ** 3), ('M', 1024 ** 2), ('K', 1024))
UNIT_BYTES = dict(UNITS)

ECKD_CYLINDER_BYTES = 15 * 12 * 4096      # 737,280
FBA_BLOCK_BYTES = 512
VDISK_MAX_BLOCKS = 4194296

# Device types as the user directory and SMAPI spell them.
ECKD_DEVTYPES = ('3390',)
FBA_DEVTYPES = ('FB-512', 'FBA', '9336', '9332', '9335', '3370')
VDISK_DEVTYPES = ('V-DISK', 'VDISK')

CYL = 'CYL'
BLK = 'BLK'

ParsedSize = namedtuple('ParsedSize', ['value', 'native'])
"""``value`` is bytes when ``native`` is False, else a count of native units."""

_SIZE_RE = re.compile(r'^(\d+(?:\.\d+)?)([KMGT])$', re.IGNORECASE)
_NUMBER_RE = re.compile(r'^\d+$')

SIZE_FORMS = ('a positive number with a unit K, M, G or T (binary, e.g. 512M, 1.5G, 10G), '
              'or a bare positive whole number in the native unit')
MEMORY_FORMS = ('a positive number with a unit K, M, G or T (binary, e.g. 512M, 4G), '
                'or a bare positive whole number of megabytes')


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _with_unit(text, field, forms):
    """Bytes for ``'<number><unit>'``, or None when ``text`` has no unit."""
    m = _SIZE_RE.match(text)
    if not m:
        return None
    amount = Fraction(m.group(1)) * UNIT_BYTES[m.group(2).upper()]
    if amount.denominator != 1 or amount <= 0:
        raise InputError('%s: %r is not a whole positive number of bytes; expected %s' % (field, text, forms))
    return int(amount)


def parse_size(value, field='size'):
    """Parse a disk size.

    ``'512M'``, ``'1g'``, ``'10G'``, ``'2048K'``, ``'1T'``, ``'1.5G'`` give
    ``ParsedSize(bytes, native=False)``; ``100`` or ``'100'`` gives
    ``ParsedSize(100, native=True)`` (cylinders or blocks, by device type).
    Anything else raises InputError naming ``field`` and the accepted forms.
    """
    if _is_int(value):
        if value <= 0:
            raise InputError('%s: %r is not valid; expected %s' % (field, value, SIZE_FORMS))
        return ParsedSize(value, True)
    if not isinstance(value, str):
        raise InputError('%s: %r is not valid; expected %s' % (field, value, SIZE_FORMS))
    text = value.strip()
    if _NUMBER_RE.match(text) and int(text) > 0:
        return ParsedSize(int(text), True)
    amount = _with_unit(text, field, SIZE_FORMS)
    if amount is None:
        raise InputError('%s: %r is not valid; expected %s' % (field, value, SIZE_FORMS))
    return ParsedSize(amount, False)


def _devtype_unit(devtype):
    """(unit, is_vdisk) for a device type, or InputError."""
    dt = str(devtype).strip().upper()
    if dt in ECKD_DEVTYPES:
        return CYL, False
    if dt in FBA_DEVTYPES:
        return BLK, False
    if dt in VDISK_DEVTYPES:
        return BLK, True
    raise InputError('devtype: %r is not supported; expected one of %s'
                     % (devtype, ', '.join(ECKD_DEVTYPES + FBA_DEVTYPES + VDISK_DEVTYPES)))


def _ceil_div(a, b):
    return -(-a // b)


def disk_size_units(size, devtype, vdisk=False, field='size'):
    """``(count, unit)`` for a disk ``size`` on ``devtype``.

    ``unit`` is ``'CYL'`` for 3390 and ``'BLK'`` for FBA devices.  Byte sizes
    round up to whole units; a bare number is already a count.  ``vdisk``
    (or devtype ``'V-DISK'``) applies the V-DISK limit of 4,194,296 blocks.
    """
    unit, is_vdisk = _devtype_unit(devtype)
    vdisk = vdisk or is_vdisk
    if vdisk and unit != BLK:
        raise InputError('devtype: a V-DISK is an FBA device (FB-512), not %s' % devtype)
    parsed = parse_size(size, field)
    if parsed.native:
        count = parsed.value
    elif unit == CYL:
        count = _ceil_div(parsed.value, ECKD_CYLINDER_BYTES)
    else:
        count = _ceil_div(parsed.value, FBA_BLOCK_BYTES)
    if vdisk and count > VDISK_MAX_BLOCKS:
        raise InputError('%s: %s is %d blocks; a V-DISK holds at most %d blocks (about 2G)'
                         % (field, size, count, VDISK_MAX_BLOCKS))
    return count, unit


def units_to_bytes(count, devtype):
    """Bytes in ``count`` cylinders (3390) or blocks (FBA, V-DISK)."""
    if not _is_int(count) or count < 0:
        raise InputError('count: %r is not a whole number of cylinders or blocks' % (count,))
    unit = _devtype_unit(devtype)[0]
    return count * (ECKD_CYLINDER_BYTES if unit == CYL else FBA_BLOCK_BYTES)


def parse_memory(value, field='memory'):
    """Bytes for a memory size: ``'4G'``, ``'512M'``, ``'4096M'``; bare numbers are MB."""
    if _is_int(value):
        if value <= 0:
            raise InputError('%s: %r is not valid; expected %s' % (field, value, MEMORY_FORMS))
        return value * UNIT_BYTES['M']
    if not isinstance(value, str):
        raise InputError('%s: %r is not valid; expected %s' % (field, value, MEMORY_FORMS))
    text = value.strip()
    if _NUMBER_RE.match(text) and int(text) > 0:
        return int(text) * UNIT_BYTES['M']
    amount = _with_unit(text, field, MEMORY_FORMS)
    if amount is None:
        raise InputError('%s: %r is not valid; expected %s' % (field, value, MEMORY_FORMS))
    return amount


def cp_storage(nbytes, field='memory'):
    """The user-directory form of a byte count: ``4G``, ``512M``, ``1536M``.

    Uses the largest of T, G, M, K that divides the count exactly; a count
    that is not a positive multiple of 1K raises InputError.
    """
    if not _is_int(nbytes) or nbytes <= 0 or nbytes % KIB:
        raise InputError('%s: %r bytes is not a positive multiple of 1K' % (field, nbytes))
    for suffix, size in UNITS:
        if nbytes % size == 0:
            return '%d%s' % (nbytes // size, suffix)
    raise InputError('%s: %r bytes is not a positive multiple of 1K' % (field, nbytes))  # pragma: no cover


def compare_memory(a, b):
    """True when two memory sizes are equal whatever their unit (``'4096M'`` == ``'4G'``)."""
    return parse_memory(a) == parse_memory(b)


def format_bytes(nbytes):
    """A short human form for messages: ``cp_storage`` when exact, else plain bytes."""
    try:
        return cp_storage(nbytes)
    except ValueError:
        return '%d bytes' % nbytes
