# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The image header (Feilong's "xCAT" disk image format and ours): reading,
writing, raw images, and which kinds can be written to a minidisk."""

import gzip

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.images import format as fmt
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import SDKInvalidInputFormat

# A header as Feilong's creatediskimage writes it (printf "%-512s" of the text)
FEILONG_FBA = ('xCAT FBA Part Image:' + '2097152 BLK'.rjust(16) + ' HLen: 0055 GZIP: 6').ljust(512).encode()
FEILONG_CKD = ('xCAT CKD Disk Image:' + '3338 CYL'.rjust(16) + ' HLen: 0055 GZIP: 9').ljust(512).encode()
OLD_FBA = b'xCAT FBA Disk Image:' + b'1000 BLK'.rjust(16)


def test_feilong_headers_are_read():
    assert fmt.parse_header(FEILONG_FBA) == fmt.Header(fmt.FBA_PART, 2097152, 'BLK', 6, 512)
    assert fmt.parse_header(FEILONG_CKD) == fmt.Header(fmt.CKD_TRACKS, 3338, 'CYL', 9, 512)


def test_an_old_36_byte_header_means_gzip_6_and_data_at_byte_36():
    data = OLD_FBA + gzip.compress(b'x' * 100)
    header = fmt.parse_header(data[:512])
    assert header == fmt.Header(fmt.FBA_DISK, 1000, 'BLK', 6, 36)
    assert gzip.decompress(data[header.header_len:]) == b'x' * 100


@pytest.mark.parametrize('kind,size,unit,level', [
    (fmt.FBA_PART, 2097152, 'BLK', 6), (fmt.FBA_DISK, 1, 'BLK', 0), (fmt.FCP, 20971520, 'BLK', 1),
    (fmt.CKD_BLOCKS, 3338, 'CYL', 9), (fmt.CKD_TRACKS, 65520, 'CYL', 6)])
def test_build_then_parse_round_trips(kind, size, unit, level):
    header = fmt.build_header(kind, size, unit, level)
    assert len(header) == 512 and header[36:55] == (' HLen: 0055 GZIP: %d' % level).encode()
    assert header[55:] == b' ' * (512 - 55)
    assert fmt.parse_header(header) == fmt.Header(kind, size, unit, level, 512)


def test_our_header_is_byte_for_byte_feilongs_layout():
    assert fmt.build_header(fmt.FBA_PART, 2097152, 'BLK', 6) == FEILONG_FBA
    assert fmt.build_header(fmt.CKD_BLOCKS, 3338, 'CYL', 6)[:20] == b'zvm.cloud CKD Image:'


def test_no_header_is_raw():
    assert fmt.parse_header(b'\x1f\x8b\x08' + b'\0' * 600) is None
    assert fmt.parse_header(b'') is None


@pytest.mark.parametrize('data,problem', [
    (b'xCAT FBA Part Image:   12', 'cut short'),
    ((b'xCAT FBA Part Image:' + b'lots of blocks'.rjust(16) + b' HLen: 0055 GZIP: 6').ljust(512), 'no disk size'),
    ((b'xCAT FBA Part Image:' + b'12 BLK'.rjust(16) + b' HLen: 0055 GZIP: x').ljust(512), 'no gzip level')])
def test_broken_headers_are_refused(data, problem):
    with pytest.raises(SDKInvalidInputFormat, match=problem):
        fmt.parse_header(data)


def test_build_header_checks_its_input():
    with pytest.raises(SDKInvalidInputFormat, match='counts its size in CYL'):
        fmt.build_header(fmt.CKD_BLOCKS, 10, 'BLK', 6)
    with pytest.raises(SDKInvalidInputFormat, match='gzip level 10'):
        fmt.build_header(fmt.FBA_DISK, 10, 'BLK', 10)
    with pytest.raises(SDKInvalidInputFormat, match='image kind'):
        fmt.build_header('QCOW2', 10, 'BLK', 1)
    with pytest.raises(SDKInvalidInputFormat, match='does not fit'):
        fmt.build_header(fmt.FBA_DISK, 10 ** 15, 'BLK', 1)


def test_sizes():
    assert fmt.data_bytes(3338, 'CYL') == 3338 * 737280
    assert fmt.data_bytes(2097152, 'BLK') == 1024 ** 3
    assert fmt.units_for(737281, 'CYL') == 2 and fmt.units_for(1024, 'BLK') == 2
    assert fmt.size_units(3338, 'CYL') == '3338:CYL'
    assert fmt.parse_size_units('2097152:blk') == (2097152, 'BLK')
    for bad in ('3338', '0:CYL', 'x:CYL', None, '10:TRK'):
        with pytest.raises(SDKInvalidInputFormat, match='disk_size_units'):
            fmt.parse_size_units(bad)
    with pytest.raises(SDKInvalidInputFormat):
        fmt.data_bytes(1, 'TRK')


def test_raw_images_take_their_kind_and_size_from_image_meta():
    assert fmt.raw_header(b'\0' * 10, 'DASD', nbytes=737281) == fmt.Header(fmt.CKD_BLOCKS, 2, 'CYL', 0, 0)
    assert fmt.raw_header(b'\0', 'fba', '100:BLK') == fmt.Header(fmt.FBA_DISK, 100, 'BLK', 0, 0)
    assert fmt.raw_header(b'\x1f\x8b', 'ECKD', '10:CYL').gzip == 6
    with pytest.raises(SDKInvalidInputFormat, match='disk_type is needed'):
        fmt.raw_header(b'\0', None, nbytes=10)
    with pytest.raises(SDKInvalidInputFormat, match='needs disk_size_units'):
        fmt.raw_header(b'\x1f\x8b', 'DASD', nbytes=10)
    with pytest.raises(SDKInvalidInputFormat, match='counts CYL, not BLK'):
        fmt.raw_header(b'\0', 'DASD', '10:BLK')


def test_ckd_track_images_are_refused_naming_the_format():
    header = fmt.parse_header(FEILONG_CKD)
    with pytest.raises(SDKInvalidInputFormat) as e:
        fmt.check_deployable(header, 'rhel7')
    assert "rhel7 is a CKD track image written by Feilong's ckdencode" in str(e.value)
    assert 'xCAT CKD Disk Image:' in str(e.value) and 'cannot decode' in str(e.value)
    with pytest.raises(SDKInvalidInputFormat, match='SCSI LUN'):
        fmt.check_deployable(fmt.Header(fmt.FCP, 1, 'BLK', 0, 512))
    assert fmt.check_deployable(fmt.parse_header(FEILONG_FBA)) is None


def test_fits():
    header = fmt.Header(fmt.CKD_BLOCKS, 100, 'CYL', 6, 512)
    assert fmt.fits(header, 'CYL', 100) is None
    assert fmt.fits(header, 'CYL', 99) == 'the image needs a disk of 100 CYL, the target has 99 CYL'
    assert 'is for a CKD disk (CYL), the target counts BLK' in fmt.fits(header, 'BLK', 10 ** 6)


@pytest.mark.parametrize('text', ['\u0663\u0663\u0663:CYL', '3338:CYL\n', '\uff13:BLK'])
def test_size_units_take_ascii_digits_only_and_nothing_after(text):
    with pytest.raises(SDKInvalidInputFormat, match='disk_size_units'):
        fmt.parse_size_units(text)
