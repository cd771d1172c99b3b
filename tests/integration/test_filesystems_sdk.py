# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""File systems made when a disk is created (``format: ext4`` and friends),
through the access node, against a zvmsim of their own: a CKD disk is
formatted (dasdfmt), partitioned (fdasd -a) and gets the file system in its
partition; an FBA disk in its implicit partition.  The bytes are read back
from the simulated disk and handed to e2fsck (the real one) as a guest's
fsck would see the partition; a failure on the node takes the new disk
away again."""

import os
import shutil
import subprocess

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.node.access import AccessNode
from ansible_collections.zvm.cloud.plugins.module_utils.node.errors import NodeError
from ansible_collections.zvm.cloud.plugins.module_utils.node.runner import LocalRunner
from ansible_collections.zvm.cloud.plugins.module_utils.operations import entries
from tests.integration.conftest import make_sdk
from zvmsim.node import fs

CKD_PARTITION = 2 * 12 * 4096       # fdasd -a: from track 2
EXT_MAGIC = 1080                    # s_magic: 1024 (the superblock) + 56
BOOT = {'vdev': '0100', 'size': '10', 'disk_pool': 'ECKD:POOL1', 'is_boot_disk': True}


# ``sim`` (this module's own, with its access node) and ``local_node``: tests/integration/conftest.py

@pytest.fixture
def sdk(sim, local_node):
    made = make_sdk(sim, local_node)
    yield made
    for userid in ('FSCKD01', 'FSFBA01', 'FSRUN01', 'FSBAD01', 'FSXFS01'):
        made.guest_delete(userid)


def fsck(sim, userid, vdev, offset, tmp_path):
    """e2fsck -n of the partition's bytes (a copy): the real checker accepts the file system."""
    program = shutil.which('e2fsck') or '/sbin/e2fsck'
    assert os.access(program, os.X_OK), 'e2fsck is not installed (apt-get install e2fsprogs)'
    image = tmp_path / ('%s.%s' % (userid, vdev))
    image.write_bytes(sim.disk_bytes(userid, vdev, offset=offset))
    result = subprocess.run([program, '-f', '-n', str(image)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_ckd_and_fba_disks_get_their_file_systems_when_created(sim, sdk, tmp_path):
    sdk.guest_create('FSCKD01', 1, 512, disk_list=[BOOT, {'vdev': '0101', 'size': '10', 'disk_pool': 'ECKD:POOL1',
                                                          'format': 'ext4'},
                                                   {'vdev': '0102', 'size': '20000', 'disk_pool': 'FBA:FBAPOOL',
                                                    'format': 'ext3'},
                                                   {'vdev': '0103', 'size': '20000', 'disk_pool': 'FBA:FBAPOOL',
                                                    'format': 'swap'}])
    ckd = sim.disk_bytes('FSCKD01', '0101')
    assert ckd[8192:8202].decode('cp037') == 'VOL10X' + ckd[8198:8202].decode('cp037')     # dasdfmt's label
    assert ckd[CKD_PARTITION + EXT_MAGIC:CKD_PARTITION + EXT_MAGIC + 2] == b'\x53\xef'      # 0xEF53
    assert ckd[EXT_MAGIC:EXT_MAGIC + 2] == b'\0\0'          # not at the start of the disk: in the partition
    path = os.path.join(sim.state_dir, 'mdisks', 'FSCKD01.0101')
    assert fs.partition(path, 'CYL') == (CKD_PARTITION, 10 * 737280 - CKD_PARTITION)
    assert 'Pass 5' in fsck(sim, 'FSCKD01', '0101', CKD_PARTITION, tmp_path)
    fba = sim.disk_bytes('FSCKD01', '0102', length=4096)
    assert fba[EXT_MAGIC:EXT_MAGIC + 2] == b'\x53\xef'
    assert 'Pass 5' in fsck(sim, 'FSCKD01', '0102', 0, tmp_path)
    assert sim.disk_bytes('FSCKD01', '0103', offset=4086, length=10) == b'SWAPSPACE2'
    assert sim.disk_bytes('FSCKD01', '0100', length=16384) == bytes(16384)     # format none: untouched
    assert sim.node_links() == []


def test_a_running_guest_gets_the_formatted_disk(sim, sdk):
    sdk.guest_create('FSRUN01', 1, 512, disk_list=[BOOT])
    sdk.guest_start('FSRUN01')
    new = {'vdev': '0201', 'size': '5', 'disk_pool': 'ECKD:POOL2', 'format': 'ext4'}
    made = sdk.guest_create_disks('FSRUN01', [new])
    assert [d['vdev'] for d in made] == ['0201']
    assert sim.disk_bytes('FSRUN01', '0201', offset=CKD_PARTITION + EXT_MAGIC, length=2) == b'\x53\xef'
    assert '0201' in sim.dump()['cp']['FSRUN01']['disks']        # then given to the running guest
    assert sim.node_links() == []


def test_a_failure_on_the_node_takes_the_new_disk_away(sim, sdk):
    sdk.guest_create('FSBAD01', 1, 512, disk_list=[BOOT])
    before = entries.require(sdk.session, 'FSBAD01').records()
    sim.node_fault('mkfs.ext4')
    with pytest.raises(NodeError, match='mkfs.ext4 of FSBAD01 0101 .* failed: mkfs.ext4: injected failure'):
        sdk.guest_create_disks('FSBAD01', [{'vdev': '0101', 'size': '5', 'disk_pool': 'ECKD:POOL1',
                                            'format': 'ext4'}])
    assert entries.require(sdk.session, 'FSBAD01').records() == before
    assert sim.node_links() == []


def test_xfs_needs_xfsprogs_where_the_simulated_node_runs(sim, sdk):
    disk = {'vdev': '0101', 'size': '600', 'disk_pool': 'ECKD:POOL1', 'format': 'xfs'}
    if shutil.which('mkfs.xfs', path=os.environ.get('PATH', '') + ':/usr/sbin:/sbin') is None:
        with pytest.raises(NodeError, match=r'mkfs.xfs: not installed .* \(apt-get install xfsprogs\)'):
            sdk.guest_create('FSXFS01', 1, 512, disk_list=[BOOT, disk])
        assert entries.query(sdk.session, 'FSXFS01') is None        # all or nothing
    else:
        sdk.guest_create('FSXFS01', 1, 512, disk_list=[BOOT, disk])
        assert sim.disk_bytes('FSXFS01', '0101', offset=CKD_PARTITION, length=4) == b'XFSB'
    assert sim.node_links() == []


def test_without_a_node_a_swap_disk_is_made_as_before_and_a_file_system_is_refused(sim):
    # no access node here (a local runner with no vmcp on its PATH): swap stays as DirMaint made it, ext4 is
    # refused before anything is made
    lonely = AccessNode(LocalRunner(env={'PATH': '/nonexistent'}), device_dir='/nonexistent')
    sdk = make_sdk(sim, lonely)
    nodeless = make_sdk(sim)
    try:
        for made, userid in ((sdk, 'FSNON01'), (nodeless, 'FSNON02')):
            made.guest_create(userid, 1, 512, disk_list=[BOOT, {'vdev': '0101', 'size': '5',
                                                                'disk_pool': 'ECKD:POOL1', 'format': 'swap'}])
            assert sim.disk_bytes(userid, '0101') == bytes(5 * 737280)
            before = entries.require(made.session, userid).records()
            with pytest.raises(Exception, match='needs an access node'):
                made.guest_create_disks(userid, [{'vdev': '0102', 'size': '5', 'disk_pool': 'ECKD:POOL1',
                                                  'format': 'ext4'}])
            assert entries.require(made.session, userid).records() == before
    finally:
        nodeless.guest_delete('FSNON01')
        nodeless.guest_delete('FSNON02')
