# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Disk and memory sizes: the exact cylinder and block counts of the z/VM facts."""

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils import units
from ansible_collections.zvm.cloud.plugins.module_utils.units import (
    ParsedSize, compare_memory, cp_storage, disk_size_units, parse_memory, parse_size, units_to_bytes,
)

GIB = 1024 ** 3
MIB = 1024 ** 2

SIZE_FORMS = ('expected a positive number with a unit K, M, G or T (binary, e.g. 512M, 1.5G, 10G), '
              'or a bare positive whole number in the native unit')
MEMORY_FORMS = ('expected a positive number with a unit K, M, G or T (binary, e.g. 512M, 4G), '
                'or a bare positive whole number of megabytes')


# -- parse_size ------------------------------------------------------------------

@pytest.mark.parametrize('text, expected', [
    ('512M', ParsedSize(512 * MIB, False)),
    ('1g', ParsedSize(GIB, False)),
    ('10G', ParsedSize(10 * GIB, False)),
    ('2048K', ParsedSize(2 * MIB, False)),
    ('1T', ParsedSize(1024 * GIB, False)),
    (' 1.5G ', ParsedSize(1610612736, False)),
    (100, ParsedSize(100, True)),
    ('100', ParsedSize(100, True)),
])
def test_parse_size(text, expected):
    assert parse_size(text) == expected


def test_parse_size_fields():
    parsed = parse_size('512M')
    assert (parsed.value, parsed.native) == (536870912, False)


@pytest.mark.parametrize('bad', ['12Q', '-1G', '', 'G', '1 G B', '0x10', '-5'])
def test_parse_size_rejects_garbage(bad):
    with pytest.raises(ValueError) as err:
        parse_size(bad)
    assert str(err.value) == 'size: %r is not valid; %s' % (bad, SIZE_FORMS)


@pytest.mark.parametrize('bad', [0, -1, True, None, 1.5])
def test_parse_size_rejects_bad_types_and_values(bad):
    with pytest.raises(ValueError) as err:
        parse_size(bad, field='disks[0].size')
    assert str(err.value) == 'disks[0].size: %r is not valid; %s' % (bad, SIZE_FORMS)


def test_parse_size_rejects_fractional_bytes_and_zero():
    with pytest.raises(ValueError) as err:
        parse_size('0.1K')
    assert str(err.value) == "size: '0.1K' is not a whole positive number of bytes; " + SIZE_FORMS
    with pytest.raises(ValueError) as err:
        parse_size('0G')
    assert str(err.value).startswith("size: '0G' is not a whole positive number of bytes")


# -- disks -------------------------------------------------------------------------

@pytest.mark.parametrize('size, cylinders', [
    ('512M', 729), ('1G', 1457), ('10G', 14564), ('20G', 29128),
    ('720K', 1),      # exactly one cylinder
    ('721K', 2),      # a byte over rounds up
    ('1K', 1),
])
def test_eckd_cylinders_round_up(size, cylinders):
    assert disk_size_units(size, '3390') == (cylinders, 'CYL')


def test_cylinder_is_737280_bytes():
    assert units.ECKD_CYLINDER_BYTES == 737280
    assert units_to_bytes(1, '3390') == 737280
    assert units_to_bytes(1457, '3390') == 1074216960


def test_fba_blocks():
    assert disk_size_units('1G', 'FB-512') == (2097152, 'BLK')
    assert disk_size_units('1G', '9336') == (2097152, 'BLK')
    assert disk_size_units('1000', 'fb-512') == (1000, 'BLK')
    assert disk_size_units('513', 'FB-512') == (513, 'BLK')
    assert disk_size_units('1K', 'FB-512') == (2, 'BLK')
    assert units_to_bytes(2097152, 'FB-512') == GIB


def test_native_numbers_are_counts_not_bytes():
    assert disk_size_units(100, '3390') == (100, 'CYL')
    assert disk_size_units('29128', '3390') == (29128, 'CYL')


def test_vdisk_limit():
    assert units.VDISK_MAX_BLOCKS == 4194296
    assert disk_size_units(4194296, 'FB-512', vdisk=True) == (4194296, 'BLK')
    assert disk_size_units('2047M', 'V-DISK') == (4192256, 'BLK')
    with pytest.raises(ValueError) as err:
        disk_size_units('2G', 'FB-512', vdisk=True)
    assert str(err.value) == 'size: 2G is 4194304 blocks; a V-DISK holds at most 4194296 blocks (about 2G)'
    with pytest.raises(ValueError) as err:
        disk_size_units(4194297, 'V-DISK')
    assert str(err.value) == 'size: 4194297 is 4194297 blocks; a V-DISK holds at most 4194296 blocks (about 2G)'


def test_vdisk_must_be_fba():
    with pytest.raises(ValueError) as err:
        disk_size_units('1G', '3390', vdisk=True)
    assert str(err.value) == 'devtype: a V-DISK is an FBA device (FB-512), not 3390'


def test_unknown_devtype():
    with pytest.raises(ValueError) as err:
        disk_size_units('1G', '3380')
    assert str(err.value) == ("devtype: '3380' is not supported; expected one of "
                              "3390, FB-512, FBA, 9336, 9332, 9335, 3370, V-DISK, VDISK")


def test_units_to_bytes_rejects_non_counts():
    with pytest.raises(ValueError) as err:
        units_to_bytes('10', '3390')
    assert str(err.value) == "count: '10' is not a whole number of cylinders or blocks"
    with pytest.raises(ValueError):
        units_to_bytes(-1, '3390')


# -- memory ------------------------------------------------------------------------

@pytest.mark.parametrize('value, expected', [
    ('4G', 4 * GIB), ('512M', 512 * MIB), ('4096M', 4 * GIB), (4096, 4 * GIB), ('4096', 4 * GIB),
    ('1536m', 1536 * MIB), ('64K', 64 * 1024), ('1.5G', 1536 * MIB),
])
def test_parse_memory(value, expected):
    assert parse_memory(value) == expected


@pytest.mark.parametrize('bad', ['4Q', '-4G', 'lots', '', 0, -1, None, False, 2.5])
def test_parse_memory_rejects(bad):
    with pytest.raises(ValueError) as err:
        parse_memory(bad)
    assert str(err.value) == 'memory: %r is not valid; %s' % (bad, MEMORY_FORMS)


@pytest.mark.parametrize('nbytes, text', [
    (4 * GIB, '4G'), (512 * MIB, '512M'), (1536 * MIB, '1536M'), (1024 * GIB, '1T'), (1536 * 1024, '1536K'),
    (3 * 1024 * GIB, '3T'), (2049 * MIB, '2049M'),
])
def test_cp_storage_largest_exact_unit(nbytes, text):
    assert cp_storage(nbytes) == text


@pytest.mark.parametrize('bad', [1000, 0, -1024, 1.5, '4G'])
def test_cp_storage_rejects(bad):
    with pytest.raises(ValueError) as err:
        cp_storage(bad)
    assert str(err.value) == 'memory: %r bytes is not a positive multiple of 1K' % (bad,)


def test_compare_memory():
    assert compare_memory('4096M', '4G') is True
    assert compare_memory(4096, '4G') is True
    assert compare_memory('4G', '4097M') is False
    assert compare_memory('1024K', '1M') is True


def test_format_bytes():
    assert units.format_bytes(4 * GIB) == '4G'
    assert units.format_bytes(1000) == '1000 bytes'


# -- ASCII only, and z/VM's limits (issue 16, bug 5) -------------------------------------------------

@pytest.mark.parametrize('func', [parse_size, parse_memory])
@pytest.mark.parametrize('value, shown', [
    ('\u0661G', "'\u0661' (U+0661)"),           # an Arabic-Indic one
    ('\uff11\uff10\uff10', "'\uff11' (U+FF11)"),  # fullwidth digits
    ('1\u212a', "'\u212a' (U+212A)"),            # the Kelvin sign matched K case-insensitively
    ('1G\x1f', "'\\x1f' (U+001F)"),              # was stripped
    ('\x001G', "'\\x00' (U+0000)"),
    ('1G\n', "'\\n' (U+000A)"),
])
def test_sizes_are_ascii(func, value, shown):
    with pytest.raises(ValueError) as err:
        func(value, field='f')
    assert str(err.value).startswith('f: %r is not valid: it contains %s' % (value, shown))


@pytest.mark.parametrize('func', [parse_size, parse_memory])
def test_huge_numbers_are_an_error_not_a_crash(func):
    for value in ('9' * 5000, '9' * 5000 + 'G', '1' + '0' * 40 + 'M'):
        with pytest.raises(ValueError) as err:
            func(value, field='f')
        assert str(err.value).startswith('f: ') and 'never a size' in str(err.value)


def test_storage_beyond_what_cp_takes_is_an_error_naming_the_field():
    """Regression: 99999999G of memory was written into the directory."""
    with pytest.raises(ValueError) as err:
        cp_storage(parse_memory('99999999G'), 'max_memory')
    assert str(err.value).startswith('max_memory: 99999999G is not a storage size z/VM takes: CP writes storage '
                                     'as 1 to 7 digits and a unit')
    assert cp_storage(parse_memory('9999999G')) == '9999999G'
    assert cp_storage(parse_memory('9999999T')) == '9999999T'
    with pytest.raises(ValueError, match='memory: 17825792T is more than z/VM allows: a guest.s storage is at most 16E'):
        cp_storage(17 * 1024 ** 6)


@pytest.mark.parametrize('size, devtype, text', [
    ('99999999G', '3390', 'a 3390 minidisk has at most 1182006'),
    ('1182007', '3390', 'a 3390 minidisk has at most 1182006'),
    ('2147483641', 'FB-512', 'a minidisk has at most 2147483640'),
])
def test_disks_beyond_z_vm_are_errors(size, devtype, text):
    with pytest.raises(ValueError) as err:
        disk_size_units(size, devtype, field='disks[1] size')
    assert str(err.value).startswith('disks[1] size: ') and text in str(err.value)
    assert disk_size_units('1182006', '3390') == (1182006, 'CYL')
