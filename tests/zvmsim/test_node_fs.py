# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The access node's file system commands (zvmsim/node/fs.py), run as
processes as the SDK runs them: dasdfmt's label and fdasd's VTOC in the
disk's bytes, mkfs of this machine on the partition at its offset, the
partition back after a new link, and what they refuse (an FBA disk for
dasdfmt, an unformatted disk for fdasd, a read-only link, a device that is
not the node's)."""

import os
import subprocess

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.smapi.client import SmapiClient
from zvmsim.node import fs
from zvmsim.testing import SimServer

CYL = 737280


@pytest.fixture(scope='module')
def sim():
    with SimServer() as server:
        server.node()
        client = SmapiClient('127.0.0.1', 'MAINT', 'MAINT', port=server.port, retries=0)
        for vdev, devtype, count, unit, pool in (('0201', '3390', 10, 1, 'POOL1'), ('0202', '9336', 20000, 2, 'FBAPOOL')):
            client.call('Image_Disk_Create_DM', 'LINUX02', image_disk_number=vdev, image_disk_device_type=devtype,
                        image_disk_allocation_type='AUTOG', allocation_area_name_or_volser=pool,
                        allocation_unit_size=unit, image_disk_size=count, image_disk_mode='MR',
                        image_disk_formatting=1)
        yield server


def run(sim, command, *args):
    proc = subprocess.run([os.path.join(sim.node_dir, 'bin', command)] + list(args), capture_output=True, timeout=60,
                          check=False)
    return proc.returncode, proc.stdout.decode('latin-1'), proc.stderr.decode()


def link(sim, vdev, ldev, mode='W'):
    assert run(sim, 'vmcp', 'link', 'LINUX02', vdev, 'as', ldev, mode)[0] == 0
    assert run(sim, 'cio_ignore', '-r', '0.0.' + ldev.lower())[0] == 0
    assert run(sim, 'chccwdev', '-e', '0.0.' + ldev.lower())[0] == 0
    return os.path.join(sim.node_dir, 'dev', 'disk', 'by-path', 'ccw-0.0.' + ldev.lower())


def unlink(sim, ldev):
    assert run(sim, 'vmcp', 'detach', ldev)[0] == 0


def test_a_ckd_disk_formatted_partitioned_and_given_a_file_system(sim):
    dev = link(sim, '0201', '2201')
    assert run(sim, 'fdasd', '-a', dev)[:2] == (1, '')             # no label yet
    code, out, err = run(sim, 'dasdfmt', '-b', '4096', '-d', 'cdl', '-y', dev)
    assert code == 0 and 'Finished formatting' in out, err
    contents = os.path.realpath(dev)
    assert fs.label(contents) == '0X2201' and fs.partition(contents, 'CYL') is None
    assert not os.path.lexists(dev + '-part1')
    code, _out, err = run(sim, 'fdasd', '-a', '-s', dev)
    assert code == 0, err
    assert fs.partition(contents, 'CYL') == (2 * 49152, 10 * CYL - 2 * 49152)
    assert os.path.realpath(dev + '-part1') == contents
    code, _out, err = run(sim, 'mkfs.ext4', '-F', '-q', '-L', 'DATA', dev + '-part1')
    assert code == 0, err
    data = sim.disk_bytes('LINUX02', '0201')
    assert data[2 * 49152 + 1080:2 * 49152 + 1082] == b'\x53\xef' and data[2 * 49152 + 1144:2 * 49152 + 1148] == b'DATA'
    assert data[8192:8196].decode('cp037') == 'VOL1'                 # the label survives the file system
    unlink(sim, '2201')
    assert not os.path.lexists(dev + '-part1')
    dev = link(sim, '0201', '2202')                                  # a new link: udev finds the partition
    assert os.path.lexists(dev + '-part1')
    unlink(sim, '2202')


@pytest.mark.parametrize('command, args, vdev, mode, message', [
    ('dasdfmt', ['-y'], '0202', 'W', 'Unsupported disk type: an FBA disk needs no low-level format'),
    ('dasdfmt', ['-y', '-b', '512'], '0201', 'W', 'only 4096-byte blocks are modelled'),
    ('dasdfmt', ['-y'], '0201', 'RR', 'Read-only file system'),
    ('mkfs.ext4', ['-F'], '0201', 'RR', 'Read-only file system'),
    ('fdasd', [], '0201', 'W', 'only "fdasd -a"'),
])
def test_refusals(sim, command, args, vdev, mode, message):
    dev = link(sim, vdev, '2300', mode)
    try:
        before = sim.disk_bytes('LINUX02', vdev, length=65536)
        code, _out, err = run(sim, command, *(args + [dev]))
        assert code == 1 and message in err, err
        assert sim.disk_bytes('LINUX02', vdev, length=65536) == before
    finally:
        unlink(sim, '2300')


def test_an_fba_disk_has_its_file_system_at_the_start(sim):
    dev = link(sim, '0202', '2401')
    try:
        code, _out, err = run(sim, 'mkfs.ext2', '-F', '-q', dev + '-part1')
        assert code == 0, err
        assert sim.disk_bytes('LINUX02', '0202', offset=1080, length=2) == b'\x53\xef'
        _code, _out, err = run(sim, 'mkfs.ext4', '-F', '/tmp/ccw-0.0.2401')
        assert err.startswith('mkfs.ext4: /tmp/ccw-0.0.2401: No such device')
    finally:
        unlink(sim, '2401')
