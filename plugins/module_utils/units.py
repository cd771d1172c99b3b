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

Input is ASCII: digits 0-9, a decimal point and the unit letters K M G T
(either case).  Anything else (a non-ASCII digit such as ``'\u0661'``, the
Kelvin sign for K, a control character) is an error naming the field, and
so are numbers of more than 20 digits.  Only blanks around a value are
taken away.

Limits (anything beyond is an error naming the field, before anything is written):

- guest storage (USER, STORAGE, MAXSTORAGE): at most 16E, the largest size
  CP takes, and written as 1 to 7 digits and a unit, the form of CP's
  storage operand (z/VM CP Commands and Utilities Reference, DEFINE
  STORAGE, "Maximum Input Values for Storage Units": n is a 1- to 7-digit
  decimal number, at most 9999999 for M, G and T, 16384 for P and 16 for
  E; the directory's storage operands have the same form).  So
  ``99999999G`` (8 digits, and no whole number of T) is refused;
- a minidisk: at most 2,147,483,640 cylinders or blocks (the range of
  Image_Disk_Create_DM's image_disk_size in the SMAPI manual), and for
  3390 at most 1,182,006 cylinders, the largest 3390 volume (a 3390 Model A
  extended address volume): a minidisk lies on one volume.
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
MAX_DISK_UNITS = 2147483640               # Image_Disk_Create_DM image_disk_size (int4, 1-2147483640)
ECKD_MAX_CYLINDERS = 1182006              # the largest 3390 volume (3390 Model A EAV)
MAX_STORAGE_BYTES = 16 * 1024 ** 6        # 16E: CP's largest storage size (DEFINE STORAGE: E at most 16)
MAX_STORAGE_DIGITS = 7                    # CP's storage operand: 1 to 7 digits and a unit
MAX_NUMBER_CHARS = 20                     # longer numbers are never a size

# Device types as the user directory and SMAPI spell them.
ECKD_DEVTYPES = ('3390',)
FBA_DEVTYPES = ('FB-512', 'FBA', '9336', '9332', '9335', '3370')
VDISK_DEVTYPES = ('V-DISK', 'VDISK')

CYL = 'CYL'
BLK = 'BLK'

ParsedSize = namedtuple('ParsedSize', ['value', 'native'])
"""``value`` is bytes when ``native`` is False, else a count of native units."""

_SIZE_RE = re.compile(r'([0-9]+(?:\.[0-9]+)?)([KMGT])', re.IGNORECASE | re.ASCII)
_NUMBER_RE = re.compile(r'[0-9]+', re.ASCII)

SIZE_FORMS = ('a positive number with a unit K, M, G or T (binary, e.g. 512M, 1.5G, 10G), '
              'or a bare positive whole number in the native unit')
MEMORY_FORMS = ('a positive number with a unit K, M, G or T (binary, e.g. 512M, 4G), '
                'or a bare positive whole number of megabytes')


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _ascii(value, field, forms):
    """``value`` without surrounding blanks, after checking that it is
    printable ASCII and not absurdly long."""
    for ch in value:
        if not 0x20 <= ord(ch) <= 0x7e:
            raise InputError('%s: %r is not valid: it contains %r (U+%04X); expected %s'
                             % (field, value, ch, ord(ch), forms))
    text = value.strip(' ')
    if len(text) > MAX_NUMBER_CHARS:
        raise InputError('%s: %r is not valid: more than %d characters is never a size; expected %s'
                         % (field, value, MAX_NUMBER_CHARS, forms))
    return text


def _native(text):
    """The int of a bare ASCII whole number, or None."""
    if _NUMBER_RE.fullmatch(text) and int(text) > 0:
        return int(text)
    return None


def _with_unit(text, field, forms):
    """Bytes for ``'<number><unit>'``, or None when ``text`` has no unit."""
    m = _SIZE_RE.fullmatch(text)
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
    text = _ascii(value, field, SIZE_FORMS)
    if _native(text) is not None:
        return ParsedSize(_native(text), True)
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
    if unit == CYL and count > ECKD_MAX_CYLINDERS:
        raise InputError('%s: %s is %d cylinders; a 3390 minidisk has at most %d (the largest 3390 volume)'
                         % (field, size, count, ECKD_MAX_CYLINDERS))
    if count > MAX_DISK_UNITS:
        raise InputError('%s: %s is %d blocks; a minidisk has at most %d' % (field, size, count, MAX_DISK_UNITS))
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
    text = _ascii(value, field, MEMORY_FORMS)
    if _native(text) is not None:
        return _native(text) * UNIT_BYTES['M']
    amount = _with_unit(text, field, MEMORY_FORMS)
    if amount is None:
        raise InputError('%s: %r is not valid; expected %s' % (field, value, MEMORY_FORMS))
    return amount


def cp_storage(nbytes, field='memory'):
    """The user-directory form of a byte count: ``4G``, ``512M``, ``1536M``.

    Uses the largest of T, G, M, K that divides the count exactly; a count
    that is not a positive multiple of 1K raises InputError, and so does
    one CP cannot take: above 16E, or needing more than 7 digits before
    its unit (see the module docstring).
    """
    if not _is_int(nbytes) or nbytes <= 0 or nbytes % KIB:
        raise InputError('%s: %r bytes is not a positive multiple of 1K' % (field, nbytes))
    if nbytes > MAX_STORAGE_BYTES:
        raise InputError('%s: %s is more than z/VM allows: a guest\'s storage is at most 16E'
                         % (field, _plain(nbytes)))
    for suffix, size in UNITS:
        if nbytes % size == 0:
            text = '%d%s' % (nbytes // size, suffix)
            if len(text) - 1 > MAX_STORAGE_DIGITS:
                raise InputError('%s: %s is not a storage size z/VM takes: CP writes storage as 1 to %d digits '
                                 'and a unit (K, M, G, T), so give it in a larger unit that divides it exactly'
                                 % (field, text, MAX_STORAGE_DIGITS))
            return text
    raise InputError('%s: %r bytes is not a positive multiple of 1K' % (field, nbytes))  # pragma: no cover


def _plain(nbytes):
    """A byte count in its largest exact unit, whatever its length."""
    for suffix, size in UNITS:
        if nbytes % size == 0:
            return '%d%s' % (nbytes // size, suffix)
    return '%d bytes' % nbytes


def compare_memory(a, b):
    """True when two memory sizes are equal whatever their unit (``'4096M'`` == ``'4G'``)."""
    return parse_memory(a) == parse_memory(b)


def format_bytes(nbytes):
    """A short human form for messages: ``cp_storage`` when exact, else plain bytes."""
    try:
        return cp_storage(nbytes)
    except ValueError:
        return '%d bytes' % nbytes
