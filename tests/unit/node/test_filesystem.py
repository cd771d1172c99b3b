# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AccessNode.make_filesystem against a fake node: the argument lists it
runs for a CKD and an FBA disk, a failure that still detaches the disk, and
an unknown file system refused before anything runs
(tests/integration/test_filesystems_sdk.py makes real file systems on
zvmsim's node)."""

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.node.access import AccessNode
from ansible_collections.zvm.cloud.plugins.module_utils.node.errors import NodeError
from tests.unit.node.fake import FakeRunner
from tests.unit.node.test_access import Picks

FS_COMMANDS = ('dasdfmt', 'fdasd', 'mkfs.ext2', 'mkfs.ext3', 'mkfs.ext4', 'mkfs.xfs', 'mkswap')


class FsRunner(FakeRunner):
    """The fake node, with dasdfmt, fdasd and mkfs that succeed on an online
    disk, and agent wait that knows partitions."""

    def run(self, argv, stdin=None, stdout=None, timeout=None):
        words = self.words(argv)
        if words[0] in FS_COMMANDS or words[:2] == ['agent', 'wait'] and words[2].endswith('-part1'):
            self.calls.append(words)
            for rule in self.failures:
                if words[:len(rule[0])] == rule[0] and rule[1] > 0:
                    rule[1] -= 1
                    return rule[2]
            device = words[2] if words[0] == 'agent' else words[-1]
            ldev = device.split('ccw-0.0.', 1)[1][:4].upper()
            assert ldev in self.online, words
            return self.ok('{"bytes": 1}\n' if words[0] == 'agent' else '')
        return FakeRunner.run(self, argv, stdin, stdout, timeout)


def make(runner):
    return AccessNode(runner, device_dir='/dev/disk/by-path', repository='/r', sleep=lambda s: None,
                      rng=Picks(0x1A2B))


def test_a_ckd_disk_is_formatted_and_partitioned_first():
    runner = FsRunner()
    made = make(runner).make_filesystem('linux01', '100', 'ext4')
    assert made == {'fstype': 'ext4', 'partition': '/dev/disk/by-path/ccw-0.0.1a2b-part1'}
    dev = '/dev/disk/by-path/ccw-0.0.1a2b'
    assert [c for c in runner.calls if c[0] in FS_COMMANDS or c[:2] == ['agent', 'wait']] == [
        ['agent', 'wait', dev, '60'],
        ['dasdfmt', '-b', '4096', '-d', 'cdl', '-y', dev],
        ['fdasd', '-a', '-s', dev],
        ['agent', 'wait', dev + '-part1', '60'],
        ['mkfs.ext4', '-F', '-q', dev + '-part1'],
    ]
    assert runner.calls[-2:] == [['chccwdev', '-d', '0.0.1a2b'], ['vmcp', 'detach', '1A2B']]
    assert runner.defined == {}


@pytest.mark.parametrize('fstype, argv', [('xfs', ['mkfs.xfs', '-f', '-q']), ('swap', ['mkswap']),
                                          ('ext3', ['mkfs.ext3', '-F', '-q'])])
def test_an_fba_disk_uses_its_implicit_partition(fstype, argv):
    runner = FsRunner(disks={('LINUX01', '0101'): ('BLK', 2048)})
    make(runner).make_filesystem('LINUX01', '0101', fstype)
    assert runner.commands('dasdfmt') == [] and runner.commands('fdasd') == []
    assert runner.commands(argv[0]) == [argv + ['/dev/disk/by-path/ccw-0.0.1a2b-part1']]


def test_a_failure_names_the_disk_and_still_detaches():
    runner = FsRunner()
    runner.fail_next('mkfs.ext4', err='mkfs.ext4: Device size reported to be zero\n')
    with pytest.raises(NodeError, match=r'^mkfs.ext4 of LINUX01 0100 on the access node \(fake\) failed: mkfs.ext4: '
                                        r'Device size reported to be zero$'):
        make(runner).make_filesystem('LINUX01', '0100', 'ext4')
    assert runner.defined == {} and runner.online == set()


def test_an_unknown_file_system_runs_nothing():
    runner = FsRunner()
    with pytest.raises(InputError, match="format: 'btrfs' is not a file system the node makes"):
        make(runner).make_filesystem('LINUX01', '0100', 'btrfs')
    assert runner.calls == []
