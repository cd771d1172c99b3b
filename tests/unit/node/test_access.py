# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AccessNode against a fake node (tests/unit/node/fake.py): links are
always detached, device numbers are picked again when taken, punched files
are purged on failure and the staged copy always removed
(tests/integration/test_node.py does the same against zvmsim's node)."""


import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.node import access
from ansible_collections.zvm.cloud.plugins.module_utils.node.access import AccessNode, LinkedDisk, cp_code
from ansible_collections.zvm.cloud.plugins.module_utils.node.errors import NodeError, NodeTimeout
from ansible_collections.zvm.cloud.plugins.module_utils.node.runner import RunResult
from tests.unit.node.fake import FakeRunner


class Picks:
    """randint answers from a list (then 0x2000, 0x2001, ...); not a
    random.Random subclass, whose constructor takes one argument on 3.10."""

    def __init__(self, *values):
        self.values = list(values)
        self.next = 0x2000

    @staticmethod
    def random():
        return 0.0

    def randint(self, a, b):
        if self.values:
            return self.values.pop(0)
        self.next += 1
        return self.next - 1


@pytest.fixture
def runner():
    return FakeRunner()


def make(runner, *picks):
    return AccessNode(runner, device_dir='/dev/disk/by-path', repository='/r', sleep=lambda s: None, rng=Picks(*picks))


def test_link_yields_the_disk_and_detaches(runner):
    node = make(runner, 0x1A2B)
    with node.link('linux01', '100') as disk:
        assert disk == LinkedDisk('1A2B', '/dev/disk/by-path/ccw-0.0.1a2b', '/dev/disk/by-path/ccw-0.0.1a2b-part1',
                                  10 * 737280, 'CYL', 10)
        assert runner.defined == {'1A2B': ('LINUX01', '0100', 'W')} and runner.online == {'1A2B'}
    assert runner.defined == {} and runner.online == set()
    assert runner.calls == [
        ['vmcp', 'query', 'virtual', '1A2B'],
        ['vmcp', 'link', 'LINUX01', '0100', 'as', '1A2B', 'W'],
        ['vmcp', 'query', 'virtual', '1A2B'],
        ['cio_ignore', '-r', '0.0.1a2b'],
        ['chccwdev', '-e', '0.0.1a2b'],
        ['agent', 'wait', '/dev/disk/by-path/ccw-0.0.1a2b', '60'],
        ['chccwdev', '-d', '0.0.1a2b'],
        ['vmcp', 'detach', '1A2B'],
    ]


def test_read_links_are_rr(runner):
    with make(runner).link('LINUX01', '0100', write=False) as disk:
        assert runner.defined[disk.ldev][2] == 'RR'


def test_device_numbers_in_use_or_taken_meanwhile_are_picked_again(runner):
    runner.defined['1000'] = ('OTHER', '0100', 'RR')            # in use: query virtual says so
    runner.fail_next('vmcp', 'link', rc=1, err="Error: non-zero CP response for command 'LINK': #24\n")
    node = make(runner, 0x1000, 0x3000, 0x4000)
    with node.link('LINUX01', '0100') as disk:
        assert disk.ldev == '4000'
    assert [c[-1] for c in runner.commands('vmcp', 'query', 'virtual')] == ['1000', '3000', '4000', '4000']
    assert len(runner.commands('vmcp', 'link')) == 2
    assert runner.defined == {'1000': ('OTHER', '0100', 'RR')}


def test_no_free_device_number(runner):
    for n in range(access.LINK_ATTEMPTS):
        runner.defined['%04X' % (0x2000 + n)] = ('OTHER', '0100', 'RR')
    with pytest.raises(NodeError, match='no free device number found in 16 tries'):
        with make(runner).link('LINUX01', '0100'):
            pass


def test_link_refused_by_cp_is_an_error_with_cp_code(runner):
    runner.fail_next('vmcp', 'link')
    runner.failures[-1][2] = RunResult(1, b'HCPLNK104E LINUX01 0100 not linked; R/W by LINUX01\n',
                                       "Error: non-zero CP response for command 'LINK LINUX01': #104\n")
    with pytest.raises(NodeError) as e:
        with make(runner, 0x1234).link('LINUX01', '0100'):
            pass
    assert e.value.code == 104
    assert str(e.value) == ('linking LINUX01 0100 as 1234 W on the access node (fake) failed: '
                            'HCPLNK104E LINUX01 0100 not linked; R/W by LINUX01')
    assert runner.commands('vmcp', 'detach') == []


@pytest.mark.parametrize('failing, after', [(('cio_ignore',), 0), (('chccwdev', '-e'), 0), (('agent', 'wait'), 0),
                                            (('vmcp', 'query', 'virtual', '1234'), 1)])
def test_every_failure_after_the_link_detaches(runner, failing, after):
    runner.fail_next(*failing, after=after)
    with pytest.raises(NodeError):
        with make(runner, 0x1234).link('LINUX01', '0100'):
            raise AssertionError('the body must not run')
    assert runner.defined == {} and runner.online == set()
    assert runner.commands('vmcp', 'detach', '1234') and runner.commands('chccwdev', '-d', '0.0.1234')


@pytest.mark.parametrize('error', [RuntimeError('deploy failed'), NodeTimeout('write-image took too long'),
                                   KeyboardInterrupt()])
def test_an_error_in_the_body_detaches_and_is_raised_unchanged(runner, error):
    with pytest.raises(type(error)) as e:
        with make(runner).link('LINUX01', '0100'):
            raise error
    assert e.value is error
    assert runner.defined == {} and runner.online == set()


def test_a_detach_failure_is_raised_when_nothing_else_failed(runner):
    runner.fail_next('vmcp', 'detach', times=3, err='vmcp: device busy\n')
    node = make(runner, 0x1234)
    with pytest.raises(NodeError) as e:
        with node.link('LINUX01', '0100'):
            pass
    assert str(e.value) == ('LINUX01 0100 linked as 1234 on the access node (fake) was not released cleanly: '
                            'vmcp detach 1234: vmcp: device busy')
    assert len(runner.commands('vmcp', 'detach')) == 3 and node.leftovers == []


def test_a_detach_failure_does_not_hide_the_error_in_flight(runner):
    runner.fail_next('chccwdev', '-d', err='chccwdev: busy\n')
    runner.fail_next('vmcp', 'detach', times=3, raises=NodeTimeout('vmcp detach took too long'))
    node = make(runner, 0x1234)
    with pytest.raises(RuntimeError, match='the real problem'):
        with node.link('LINUX01', '0100'):
            raise RuntimeError('the real problem')
    assert node.leftovers == ['LINUX01 0100 linked as 1234 on the access node (fake) was not released cleanly: '
                              'chccwdev -d 0.0.1234: chccwdev: busy; vmcp detach 1234: vmcp detach took too long']


def test_a_detach_that_works_on_retry(runner):
    runner.fail_next('vmcp', 'detach', times=2)
    with make(runner).link('LINUX01', '0100'):
        pass
    assert runner.defined == {} and len(runner.commands('vmcp', 'detach')) == 3


def test_link_checks_its_input_before_any_command(runner):
    for userid, vdev, message in (('-X', '0100', 'starts with "-"'), ('LINUX01', '10000', 'vdev: '),
                                  ('TOOLONGID', '0100', 'userid: ')):
        with pytest.raises(InputError, match=message):
            with make(runner).link(userid, vdev):
                pass
    assert runner.calls == []


def test_cp_code_from_vmcp_or_the_message():
    assert cp_code(RunResult(0, b'', '')) == 0
    assert cp_code(RunResult(1, b'HCPCQU045E X not logged on\n', "Error: non-zero CP response for command "
                                                                 "'Q USER X': #45\n")) == 45
    assert cp_code(RunResult(45, b'HCPCQU045E X not logged on\n', '')) == 45
    assert cp_code(RunResult(1, b'', 'vmcp: Linux error\n')) == 1


def test_userid_is_read_once_and_logged_on(runner):
    node = make(runner)
    assert node.userid() == node.userid() == 'ZVMNODE'
    assert runner.commands('vmcp', 'query', 'userid') == [['vmcp', 'query', 'userid']]
    assert node.logged_on('linux01') is True
    assert node.logged_on('LINUX09') is False
    runner.fail_next('vmcp', 'query', 'user', err='vmcp: permission denied\n')
    with pytest.raises(NodeError, match='vmcp query user LINUX01 on the access node \\(fake\\) failed: '
                                        'vmcp: permission denied'):
        node.logged_on('LINUX01')


def test_punch_to_a_guest_reader(runner):
    node = make(runner)
    spoolid = node.punch('linux01', b'#!/bin/sh\necho hi\n', 'network.doscript')
    assert runner.reader == {spoolid: {'name': 'network.doscript', 'class': 'X', 'owner': 'LINUX01',
                                       'data': b'#!/bin/sh\necho hi\n'}}
    assert runner.calls == [
        ['agent', 'mktemp'],
        ['agent', 'store', '/tmp/zvmcloud-1'],
        ['vmur', 'punch', '-r', '-N', 'network.doscript', '/tmp/zvmcloud-1'],
        ['vmcp', 'change', 'rdr', '%d' % spoolid, 'class', 'X'],
        ['vmcp', 'transfer', '*', 'rdr', '%d' % spoolid, 'to', 'LINUX01', 'rdr'],
        ['agent', 'remove', '/tmp/zvmcloud-1'],
    ]
    assert runner.files == {}


def test_punch_a_local_file(runner, tmp_path):
    path = tmp_path / 'cfgdrive.iso'
    path.write_bytes(b'ISO' * 1000)
    spoolid = make(runner).punch('LINUX01', str(path), 'cfgdrive.iso', spool_class='x')
    assert runner.reader[spoolid]['data'] == b'ISO' * 1000 and runner.reader[spoolid]['class'] == 'X'


@pytest.mark.parametrize('failing', [('vmcp', 'transfer'), ('vmcp', 'change')])
def test_punch_failure_purges_the_file_and_removes_the_staged_copy(runner, failing):
    runner.fail_next(*failing, err='HCPCSU003E Invalid option\n')
    node = make(runner)
    with pytest.raises(NodeError, match='HCPCSU003E Invalid option'):
        node.punch('LINUX01', b'data', 'cfgdrive.iso')
    assert runner.reader == {} and runner.files == {}
    assert runner.commands('vmcp', 'purge', 'rdr') and node.leftovers == []


def test_punch_store_failure_punches_nothing(runner):
    runner.fail_next('agent', 'store', rc=2, err='OSError: [Errno 28] No space left on device\n')
    with pytest.raises(NodeError, match='store on the access node \\(fake\\) failed \\(exit 2\\): OSError'):
        make(runner).punch('LINUX01', b'data', 'cfgdrive.iso')
    assert runner.commands('vmur') == [] and runner.files == {}


def test_punch_waits_for_another_vmur(runner):
    runner.fail_next('vmur', 'punch', times=2, err='vmur: A concurrent instance of vmur is already active\n')
    spoolid = make(runner).punch('LINUX01', b'data', 'x.sh')
    assert len(runner.commands('vmur', 'punch')) == 3 and runner.reader[spoolid]['owner'] == 'LINUX01'


def test_punch_cleanup_failure_is_raised_only_without_another_error(runner):
    runner.fail_next('agent', 'remove', rc=2, err='PermissionError: denied\n')
    node = make(runner)
    with pytest.raises(NodeError, match='the staged file /tmp/zvmcloud-1 on the access node \\(fake\\) was not '
                                        'removed: remove on .* failed \\(exit 2\\): PermissionError: denied'):
        node.punch('LINUX01', b'data', 'x.sh')
    runner.fail_next('agent', 'remove', rc=2, err='PermissionError: denied\n')
    runner.fail_next('vmcp', 'transfer')
    with pytest.raises(NodeError, match='vmcp transfer'):
        node.punch('LINUX01', b'data', 'x.sh')
    assert len(node.leftovers) == 1 and 'was not removed' in node.leftovers[0]


@pytest.mark.parametrize('name', ['toolongname.sh', 'a.b.c', '-N.x', 'sp ace', '', 'x.'])
def test_punch_names_are_checked(runner, name):
    with pytest.raises(InputError, match='name: '):
        make(runner).punch('LINUX01', b'data', name)
    assert runner.calls == []


def test_read_reader_file(runner):
    runner.reader[7] = {'name': 'CON', 'class': 'T', 'owner': 'ZVMNODE', 'data': b'LOGON AT 10:00\n'}
    node = make(runner)
    assert node.read_reader_file('0007') == 'LOGON AT 10:00\n'
    assert runner.calls[-1] == ['vmur', 'receive', '-H', '-t', '-O', '7']
    with pytest.raises(NodeError, match=r'^reading reader file 8 on the access node \(fake\) failed \(exit 1\): '
                                        r'vmur: Reader file 8 does not exist$'):
        node.read_reader_file(8)


def test_agent_results_and_errors(runner):
    node = make(runner)
    assert node.agent('mktemp') == {'path': '/tmp/zvmcloud-1'}
    runner.fail_next('agent', 'fetch', rc=4, err='checksum mismatch: expected md5 0, got 1\n')
    with pytest.raises(NodeError) as e:
        node.agent('fetch', 'https://user:Secret-Token@example.com/x', '/r/x', '0')
    assert str(e.value) == ('fetch on the access node (fake) failed (exit 4): checksum mismatch: expected md5 0, '
                            'got 1')
    assert e.value.code == 4 and 'Secret-Token' not in str(e.value)
    runner.fail_next('agent', 'size', rc=0, err='')
    with pytest.raises(NodeError, match='size on the access node \\(fake\\) printed no result'):
        node.agent('size', '/dev/x')


def test_sftp_from_uses_the_key_settings_never_the_password():
    node = AccessNode.from_options(host='node1', user='admin', password='Node-Password', key_file='/k/id',
                                   known_hosts='/k/known', host_key_checking=True, timeout=60.0)
    other = node.sftp_from('backup@images.example.com:2222')
    assert (other.host, other.port, other.user, other.key_file, other.known_hosts) == \
        ('images.example.com', 2222, 'backup', '/k/id', '/k/known')
    assert other._password is None                  # pylint: disable=protected-access
    v6 = node.sftp_from('[fd00::1]:2200')
    assert (v6.host, v6.port, v6.user) == ('fd00::1', 2200, 'admin')
    with pytest.raises(InputError, match='remote_host'):
        node.sftp_from('user@host:99999')


class FakeSftpFile:
    def __init__(self, old=False, fail=False):
        self.old, self.fail, self.prefetched, self.closed = old, fail, [], False

    def prefetch(self, *args):
        if self.old and len(args) > 1:
            raise TypeError('prefetch() takes from 1 to 2 positional arguments but 3 were given')
        if self.fail:
            raise IOError('the server went away')
        self.prefetched.append(args)

    def close(self):
        self.closed = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class FakeSftp:
    def __init__(self, stream):
        self.stream, self.opened = stream, []

    def open(self, path, mode):
        self.opened.append((path, mode))
        return self.stream


@pytest.mark.parametrize('old', [False, True])
def test_sftp_reader_reads_ahead(old):
    stream = FakeSftpFile(old=old)
    sftp = FakeSftp(stream)
    with access.sftp_reader(sftp, '/images/a.img', 4096) as got:
        assert got is stream and sftp.opened == [('/images/a.img', 'rb')]
    # paramiko 3.3 and later: a bounded read-ahead; earlier ones: without a bound
    assert stream.prefetched == ([(4096,)] if old else [(4096, access.PREFETCH_REQUESTS)]) and stream.closed


def test_sftp_reader_closes_the_file_when_prefetch_fails():
    stream = FakeSftpFile(fail=True)
    with pytest.raises(IOError, match='went away'):
        access.sftp_reader(FakeSftp(stream), '/images/a.img')
    assert stream.closed
