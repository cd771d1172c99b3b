# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Minidisk contents (zvmsim/contents.py): a sparse file per minidisk that
Image_Disk_Create_DM and Image_Create_DM create zeroed, Image_Disk_Copy_DM
copies and Image_Disk_Delete_DM and Image_Delete_DM remove."""

import os

import pytest

from zvmsim import contents

CYL = 737280


def rcrs(reply):
    return reply['return_code'], reply['reason_code']


def create_dm(smapi, target, vdev, size, area='POOL1', alloc='AUTOG', devtype='3390', unit=1):
    return smapi('Image_Disk_Create_DM', target, image_disk_number=vdev, image_disk_device_type=devtype,
                 image_disk_allocation_type=alloc, allocation_area_name_or_volser=area, allocation_unit_size=unit,
                 image_disk_size=size, image_disk_mode='MR', image_disk_formatting=0, image_disk_label='')


def copy_dm(smapi, target, vdev, source, source_vdev, alloc='AUTOG', area='POOL1'):
    return smapi('Image_Disk_Copy_DM', target, image_disk_number=vdev, source_image_name=source,
                 source_image_disk_number=source_vdev, image_disk_allocation_type=alloc,
                 allocation_area_name_or_volser=area, image_disk_mode='', read_password='', write_password='',
                 multi_password='')


def delete_dm(smapi, target, vdev):
    return smapi('Image_Disk_Delete_DM', target, image_disk_number=vdev, data_security_erase=0)


def size_of(sim, owner, vdev):
    return os.path.getsize(contents.path(sim.state_dir, owner, vdev))


def write_at(sim, owner, vdev, offset, data):
    with open(contents.path(sim.state_dir, owner, vdev), 'r+b') as handle:
        handle.seek(offset)
        handle.write(data)


def test_the_path_names_owner_and_vdev_in_upper_case(tmp_path):
    assert contents.path(str(tmp_path), 'linux01', '1a') == str(tmp_path / 'mdisks' / 'LINUX01.001A')


@pytest.mark.parametrize('devtype, units, expected', [
    ('3390', 10, 10 * CYL), ('3380', 2, 2 * CYL), ('9336', 2048, 2048 * 512), ('FB-512', 8, 4096),
    ('FBA', 1, 512), ('2305', 1, None), ('3390', None, None)])
def test_sizes_per_device_type(devtype, units, expected):
    assert contents.size_bytes(devtype, units) == expected


def test_create_dm_makes_a_zeroed_sparse_file_of_the_disk_size(sim, smapi):
    assert rcrs(create_dm(smapi, 'LINUX02', '0201', 100)) == (0, 0)
    path = contents.path(sim.state_dir, 'LINUX02', '0201')
    assert os.path.getsize(path) == 100 * CYL
    assert os.stat(path).st_blocks * 512 < 1024 * 1024           # sparse: nothing written
    assert contents.read(sim.state_dir, 'LINUX02', '0201', offset=50 * CYL, length=16) == bytes(16)


def test_fba_sizes_count_512_byte_blocks_whatever_the_unit(sim, smapi):
    assert rcrs(create_dm(smapi, 'LINUX02', '0202', 1000, area='FBAPOOL', devtype='9336', unit=1)) == (0, 0)
    assert rcrs(create_dm(smapi, 'LINUX02', '0203', 16, area='FBAPOOL', devtype='9336', unit=5)) == (0, 0)
    assert rcrs(create_dm(smapi, 'LINUX02', '0204', 64, alloc='V-DISK', area='NONE', devtype='FB-512')) == (0, 0)
    assert [size_of(sim, 'LINUX02', v) for v in ('0202', '0203', '0204')] == [1000 * 512, 16 * 4096, 64 * 512]


def test_a_refused_create_leaves_no_file(sim, smapi):
    assert rcrs(create_dm(smapi, 'LINUX02', '0205', 10 ** 6)) == (408, 24)
    assert not os.path.exists(contents.path(sim.state_dir, 'LINUX02', '0205'))


def test_create_over_a_stale_file_starts_zeroed(sim, smapi):
    os.makedirs(os.path.join(sim.state_dir, 'mdisks'))
    with open(contents.path(sim.state_dir, 'LINUX02', '0206'), 'wb') as handle:
        handle.write(b'old data')
    assert rcrs(create_dm(smapi, 'LINUX02', '0206', 1)) == (0, 0)
    assert contents.read(sim.state_dir, 'LINUX02', '0206', length=8) == bytes(8)


def test_delete_dm_removes_the_file(sim, smapi):
    create_dm(smapi, 'LINUX02', '0207', 1)
    assert os.path.exists(contents.path(sim.state_dir, 'LINUX02', '0207'))
    assert rcrs(delete_dm(smapi, 'LINUX02', '0207')) == (0, 0)
    assert not os.path.exists(contents.path(sim.state_dir, 'LINUX02', '0207'))


def test_copy_dm_copies_the_bytes_and_stays_sparse(sim, smapi):
    create_dm(smapi, 'LINUX02', '0208', 20)
    write_at(sim, 'LINUX02', '0208', 0, b'\x01boot record')
    write_at(sim, 'LINUX02', '0208', 7 * CYL + 3, b'middle')
    write_at(sim, 'LINUX02', '0208', 20 * CYL - 4, b'end!')
    assert rcrs(copy_dm(smapi, 'LINUX03', '0208', 'LINUX02', '0208')) == (0, 0)
    source = contents.read(sim.state_dir, 'LINUX02', '0208')
    copied = contents.read(sim.state_dir, 'LINUX03', '0208')
    assert len(copied) == 20 * CYL and copied == source
    assert copied[7 * CYL + 3:7 * CYL + 9] == b'middle'
    assert os.stat(contents.path(sim.state_dir, 'LINUX03', '0208')).st_blocks * 512 <= 4 * 1024 * 1024
    write_at(sim, 'LINUX02', '0208', 0, b'\x02')                 # a copy, not a link
    assert contents.read(sim.state_dir, 'LINUX03', '0208', length=1) == b'\x01'


def test_copy_of_a_disk_that_has_no_file_is_zeroed(sim, smapi):
    # LINUX03 0100 was seeded: it has no contents file, and reads as zeroes
    assert not os.path.exists(contents.path(sim.state_dir, 'LINUX03', '0100'))
    assert rcrs(copy_dm(smapi, 'LINUX02', '0209', 'LINUX03', '0100')) == (0, 0)
    assert size_of(sim, 'LINUX02', '0209') == 2000 * CYL
    assert contents.read(sim.state_dir, 'LINUX02', '0209', offset=1999 * CYL, length=CYL) == bytes(CYL)


def test_copy_of_a_vdisk_is_a_new_zeroed_vdisk(sim, smapi):
    write_at_path = contents.create(sim.state_dir, 'LINUX01', '0101', 2097152 * 512)
    with open(write_at_path, 'r+b') as handle:
        handle.write(b'volatile')
    assert rcrs(copy_dm(smapi, 'LINUX02', '0101', 'LINUX01', '0101', alloc='', area='')) == (0, 0)
    assert size_of(sim, 'LINUX02', '0101') == 2097152 * 512
    assert contents.read(sim.state_dir, 'LINUX02', '0101', length=8) == bytes(8)


def test_image_create_dm_gives_every_mdisk_a_file_and_delete_removes_them(sim, smapi):
    records = ['USER NEWGUEST LBYONLY 1G 2G G', 'MDISK 0100 3390 AUTOG 10 POOL1 MR',
               'MDISK 0200 9336 AUTOG 4096 FBAPOOL MR', 'MDISK 0300 FB-512 V-DISK 128 MWV']
    assert rcrs(smapi('Image_Create_DM', 'NEWGUEST', image_record_array=records, prototype_name='',
                      initial_password='', initial_account_number='')) == (0, 0)
    assert [size_of(sim, 'NEWGUEST', v) for v in ('0100', '0200', '0300')] == [10 * CYL, 4096 * 512, 128 * 512]
    # a guest whose name starts like this one keeps its files
    contents.create(sim.state_dir, 'NEWGUESTX', '0100', 512)
    assert rcrs(smapi('Image_Delete_DM', 'NEWGUEST', data_security_erase=0)) == (0, 0)
    assert sorted(os.listdir(os.path.join(sim.state_dir, 'mdisks'))) == ['NEWGUESTX.0100']


def test_disk_size_comes_from_the_directory(sim):
    with sim.store.transaction() as tx:
        assert contents.disk_size(tx, 'LINUX01', '0100') == 1457 * CYL
        assert contents.disk_size(tx, 'LINUX01', '0101') == 2097152 * 512       # V-DISK
        assert contents.disk_size(tx, 'LINUX01', '0999') is None
        assert contents.disk_size(tx, 'NOSUCH', '0100') is None


def test_read_pads_with_zeroes_and_ensure_resizes(tmp_path):
    state = str(tmp_path)
    assert contents.read(state, 'A', '0100', 4096, offset=4000, length=200) == bytes(96)
    path = contents.ensure(state, 'A', '0100', 1024)
    with open(path, 'r+b') as handle:
        handle.write(b'abc')
    assert contents.ensure(state, 'A', '0100', 2048) == path
    assert os.path.getsize(path) == 2048
    assert contents.read(state, 'A', '0100', 2048, length=4) == b'abc\x00'
    assert contents.read(state, 'A', '0100', 2048, offset=2046, length=10) == bytes(2)


def test_data_ranges_skip_holes(tmp_path):
    path = str(tmp_path / 'f')
    with open(path, 'wb') as handle:
        handle.truncate(64 * 1024 * 1024)
        handle.seek(32 * 1024 * 1024)
        handle.write(b'x' * 10)
    fd = os.open(path, os.O_RDONLY)
    try:
        ranges = contents.data_ranges(fd, 64 * 1024 * 1024)
    finally:
        os.close(fd)
    assert ranges and all(s <= 32 * 1024 * 1024 < e for s, e in ranges)
    assert sum(e - s for s, e in ranges) < 8 * 1024 * 1024
