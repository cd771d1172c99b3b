# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Disk image files: the 512-byte header of the z/VM Cloud Connector
("xCAT") image format and the kinds of data behind it.

A header is text: bytes 0-19 the magic of the kind, 20-35 the source
disk's size right-justified (``        3338 CYL``; blocks of 512 bytes are
``BLK``), 36-46 `` HLen: 0055``, 47-54 `` GZIP: N`` (the gzip level of the
data; 0: the data is not compressed), blanks to byte 511; the data starts
at byte 512.  An old header has only the first 36 bytes: its data starts
at byte 36 and is gzipped at level 6 (as Feilong's unpackdiskimage reads
it).

Kinds (``Header.kind``):

    FBA_PART    ``xCAT FBA Part Image:``  the first partition of an FBA disk
    FBA_DISK    ``xCAT FBA Disk Image:``  a whole FBA disk
    FCP         ``xCAT FCP Disk Image:``  a whole SCSI LUN (not a minidisk)
    CKD_TRACKS  ``xCAT CKD Disk Image:``  Feilong's ckdencode track stream:
                                          recognized and refused
    CKD_BLOCKS  ``zvm.cloud CKD Image:``  this collection's CKD image: the
                                          bytes of a disk formatted with
                                          4 KiB blocks (737,280 a cylinder)

A file without a header is raw data (``parse_header`` returns None); its
kind and size come from the caller (``raw_header``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import re

from ansible_collections.zvm.cloud.plugins.module_utils import units
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import SDKInvalidInputFormat

FBA_PART = 'FBA_PART'
FBA_DISK = 'FBA_DISK'
FCP = 'FCP'
CKD_TRACKS = 'CKD_TRACKS'
CKD_BLOCKS = 'CKD_BLOCKS'
KINDS = (FBA_PART, FBA_DISK, FCP, CKD_TRACKS, CKD_BLOCKS)

MAGIC = {
    FBA_PART: b'xCAT FBA Part Image:',
    FBA_DISK: b'xCAT FBA Disk Image:',
    FCP: b'xCAT FCP Disk Image:',
    CKD_TRACKS: b'xCAT CKD Disk Image:',
    CKD_BLOCKS: b'zvm.cloud CKD Image:',
}
KIND_OF_MAGIC = dict((v, k) for k, v in MAGIC.items())
UNIT = {FBA_PART: units.BLK, FBA_DISK: units.BLK, FCP: units.BLK, CKD_TRACKS: units.CYL, CKD_BLOCKS: units.CYL}
# what the kinds are called in messages
DESCRIPTION = {
    FBA_PART: 'an FBA partition image',
    FBA_DISK: 'an FBA disk image',
    FCP: 'an FCP (SCSI LUN) disk image',
    CKD_TRACKS: 'a CKD track image',
    CKD_BLOCKS: 'a CKD 4 KiB-block image',
}

HEADER_LEN = 512
OLD_HEADER_LEN = 36
MAGIC_LEN = 20
GZIP_MAGIC = b'\x1f\x8b'
DEFAULT_GZIP = 6
NO_HEADER = 0

CKD_TRACKS_REFUSED = ("%s is a CKD track image written by Feilong's ckdencode (header 'xCAT CKD Disk Image:'); "
                      "zvm.cloud cannot decode it: capture the disk again with zvm.cloud or convert it to a "
                      "4 KiB block image")

Header = collections.namedtuple('Header', 'kind size unit gzip header_len')

_SIZE_RE = re.compile(r'^\s*(\d+)\s+(CYL|BLK)\s*$', re.ASCII)
_SIZE_UNITS_RE = re.compile(r'^ *([0-9]+) *: *(CYL|BLK) *$', re.IGNORECASE)      # blanks only; fullmatch


def data_bytes(size, unit):
    """The bytes of a disk of ``size`` cylinders (CYL: 737,280 each) or
    512-byte blocks (BLK)."""
    if unit == units.CYL:
        return int(size) * units.ECKD_CYLINDER_BYTES
    if unit == units.BLK:
        return int(size) * units.FBA_BLOCK_BYTES
    raise SDKInvalidInputFormat('unit %r: expected CYL or BLK' % (unit,))


def units_for(nbytes, unit):
    """The smallest number of cylinders or blocks that hold ``nbytes``."""
    per = units.ECKD_CYLINDER_BYTES if unit == units.CYL else units.FBA_BLOCK_BYTES
    return -(-int(nbytes) // per)


def size_units(size, unit):
    """zvmsdk's ``disk_size_units`` text: ``'3338:CYL'``."""
    return '%d:%s' % (int(size), unit)


def parse_size_units(text, field='disk_size_units'):
    """``'3338:CYL'`` -> (3338, 'CYL'); SDKInvalidInputFormat naming ``field``."""
    m = _SIZE_UNITS_RE.fullmatch(str(text)) if isinstance(text, (str, int)) else None
    if not m or int(m.group(1)) <= 0:
        raise SDKInvalidInputFormat('%s: %r is not of the form SIZE:CYL or SIZE:BLK (e.g. 3338:CYL, 2097152:BLK)'
                                    % (field, text))
    return int(m.group(1)), m.group(2).upper()


def parse_header(data):
    """The Header of an image whose first bytes are ``data`` (at least 36;
    512 to read a full header), or None when it has no image header (raw
    data).  SDKInvalidInputFormat when the magic is there but the size or
    the compression level cannot be read."""
    data = bytes(data or b'')
    kind = KIND_OF_MAGIC.get(data[:MAGIC_LEN])
    if kind is None:
        return None
    if len(data) < OLD_HEADER_LEN:
        raise SDKInvalidInputFormat('the image header of %s is cut short: %d bytes' % (DESCRIPTION[kind], len(data)))
    text = data[:HEADER_LEN].decode('ascii', 'replace')
    m = _SIZE_RE.match(text[MAGIC_LEN:OLD_HEADER_LEN])
    if not m:
        raise SDKInvalidInputFormat('the image header of %s has no disk size in bytes 20-35: %r'
                                    % (DESCRIPTION[kind], text[MAGIC_LEN:OLD_HEADER_LEN]))
    size, unit = int(m.group(1)), m.group(2)
    if text[37:42] == 'HLen:':
        header_len = HEADER_LEN
        level = text[54:55]
        if not level.isdigit():
            raise SDKInvalidInputFormat('the image header of %s has no gzip level at byte 54: %r'
                                        % (DESCRIPTION[kind], text[47:55]))
        gzip = int(level)
    else:
        header_len, gzip = OLD_HEADER_LEN, DEFAULT_GZIP
    return Header(kind, size, unit, gzip, header_len)


def build_header(kind, size, unit, gzip):
    """The 512-byte header of an image of ``kind`` taken from a disk of
    ``size`` ``unit`` (CYL or BLK), its data gzipped at level ``gzip``
    (0: not compressed)."""
    if kind not in MAGIC:
        raise SDKInvalidInputFormat('image kind %r: expected one of %s' % (kind, ', '.join(KINDS)))
    if unit != UNIT[kind]:
        raise SDKInvalidInputFormat('%s counts its size in %s, not %s' % (DESCRIPTION[kind], UNIT[kind], unit))
    gzip = int(gzip)
    if not 0 <= gzip <= 9:
        raise SDKInvalidInputFormat('gzip level %d: expected 0 to 9' % gzip)
    size_text = ('%d %s' % (int(size), unit)).rjust(16)
    if len(size_text) > 16 or int(size) < 0:
        raise SDKInvalidInputFormat('disk size %r does not fit an image header' % (size,))
    text = MAGIC[kind] + size_text.encode('ascii') + b' HLen: 0055' + (' GZIP: %d' % gzip).encode('ascii')
    return text.ljust(HEADER_LEN, b' ')


def raw_header(data, disk_type, size_units=None, nbytes=None):
    """The Header that describes a raw image (no header) whose first bytes
    are ``data``, from zvmsdk's ``image_meta``: ``disk_type`` ('DASD' or
    'ECKD': CKD 4 KiB blocks; 'FBA': a whole FBA disk; 'SCSI' or 'FCP': a
    LUN) and ``size_units`` ('3338:CYL'; when None, the smallest disk that
    holds ``nbytes`` bytes, which needs uncompressed data).  A gzip stream
    is recognized by its magic."""
    kinds = {'DASD': CKD_BLOCKS, 'ECKD': CKD_BLOCKS, 'CKD': CKD_BLOCKS, 'FBA': FBA_DISK, 'SCSI': FCP, 'FCP': FCP}
    key = str(disk_type or '').strip().upper()
    if key not in kinds:
        raise SDKInvalidInputFormat("image_meta: the image has no image header, so disk_type is needed: one of "
                                    "'DASD' (ECKD), 'FBA' or 'SCSI', got %r" % (disk_type,))
    kind = kinds[key]
    compressed = bytes(data or b'')[:2] == GZIP_MAGIC
    if size_units is not None:
        size, unit = parse_size_units(size_units, 'image_meta disk_size_units')
        if unit != UNIT[kind]:
            raise SDKInvalidInputFormat('image_meta disk_size_units: a %s disk counts %s, not %s'
                                        % (key, UNIT[kind], unit))
    elif compressed or nbytes is None:
        raise SDKInvalidInputFormat('image_meta: a compressed image without an image header needs disk_size_units '
                                    '(e.g. 3338:CYL or 2097152:BLK)')
    else:
        unit = UNIT[kind]
        size = units_for(nbytes, unit)
    return Header(kind, size, unit, DEFAULT_GZIP if compressed else 0, NO_HEADER)


def check_deployable(header, name='the image'):
    """SDKInvalidInputFormat when ``header``'s kind cannot be written to a
    minidisk by this collection (CKD_TRACKS, FCP), naming the format."""
    if header.kind == CKD_TRACKS:
        raise SDKInvalidInputFormat(CKD_TRACKS_REFUSED % name)
    if header.kind == FCP:
        raise SDKInvalidInputFormat('%s is an FCP disk image (header \'xCAT FCP Disk Image:\') of a SCSI LUN; it '
                                    'cannot be written to a minidisk' % name)


def fits(header, unit, units_count):
    """None when an image with ``header`` fits a disk of ``units_count``
    ``unit``, else why not (one line)."""
    if unit != header.unit:
        return ('%s is for %s disk (%s), the target counts %s' %
                (DESCRIPTION[header.kind], 'a CKD' if header.unit == units.CYL else 'an FBA', header.unit, unit))
    if int(units_count) < int(header.size):
        return ('the image needs a disk of %d %s, the target has %d %s'
                % (header.size, header.unit, int(units_count), unit))
    return None
