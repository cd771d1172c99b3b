# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AccessNode against zvmsim's access node, run here (LocalRunner with the
node's commands on PATH) and through a real OpenSSH server (NodeSshd,
paramiko): links are always detached, concurrent links get distinct device
numbers, punched files land in the guest's reader and leave nothing
behind, host keys are verified, secrets stay out of messages."""

import gzip
import io
import os
import random
import subprocess
import threading
import time
import zlib

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.node.access import AccessNode
from ansible_collections.zvm.cloud.plugins.module_utils.node.errors import NodeError, NodeTimeout
from ansible_collections.zvm.cloud.plugins.module_utils.node.runner import LocalRunner
from tests.integration.conftest import make_sdk, node_device_dir, node_sim

CYL = 737280
OFF_GUEST, ON_GUEST = 'LINUX02', 'LINUX01'      # logged off / on, each with a 3390 MDISK 0100 of 1457 cylinders


class Recording:
    """A runner that records the commands another one runs."""

    def __init__(self, inner):
        self.inner = inner
        self.calls = []

    def run(self, argv, **kwargs):
        self.calls.append(list(argv))
        return self.inner.run(argv, **kwargs)

    def __getattr__(self, name):
        return getattr(self.inner, name)


@pytest.fixture(scope='module')
def sim(tmp_path_factory):
    """This module's own simulator (the default system) with its node; ``sshd``: tests/integration/conftest.py."""
    with node_sim(config=None, state_dir=str(tmp_path_factory.mktemp('node-sim'))) as server:
        yield server


def local_node(sim, **kwargs):
    runner = LocalRunner(timeout=60, env=dict(os.environ, **sim.node_env(sim.node_dir)))
    kwargs.setdefault('sleep', lambda seconds: None)
    return AccessNode(Recording(runner), device_dir=node_device_dir(sim), repository=sim.state_dir, **kwargs)


def ssh_node(sim, sshd, **kwargs):
    options = dict(host=sshd.host, port=sshd.port, user=sshd.user, key_file=sshd.client_key,
                   known_hosts=sshd.known_hosts, device_dir=node_device_dir(sim), repository=sim.state_dir, timeout=60.0)
    options.update(kwargs)
    node = AccessNode.from_options(sleep=lambda seconds: None, **options)
    node.runner = Recording(node.runner)
    return node


@pytest.fixture(params=['local', 'ssh'])
def node(request, sim):
    """The node, here and over SSH (a test may name which: indirect parametrization)."""
    if request.param == 'local':
        made = local_node(sim)
    else:
        made = ssh_node(sim, request.getfixturevalue('sshd'))
    yield made
    made.close()
    assert sim.node_links() == [], 'a test left a link'


def no_devices(sim):
    return os.listdir(node_device_dir(sim)) == []


def test_who_is_logged_on(node):
    assert node.userid() == 'ZVMNODE'
    assert node.logged_on(ON_GUEST) is True and node.logged_on(OFF_GUEST) is False


def test_write_an_image_through_a_link_and_read_it_back(node, sim, tmp_path):
    data = os.urandom(200000) + b'\0' * 300000 + b'boot' * 50000
    image = tmp_path / 'image'
    image.write_bytes(b'H' * 512 + gzip.compress(data))
    with node.link(OFF_GUEST.lower(), '100') as disk:
        assert (disk.unit, disk.units, disk.size_bytes) == ('CYL', 1457, 1457 * CYL)
        assert disk.path == os.path.join(node_device_dir(sim), 'ccw-0.0.%s' % disk.ldev.lower())
        assert [(k['ldev'], k['userid'], k['vdev'], k['mode']) for k in sim.node_links()] == \
            [(disk.ldev, OFF_GUEST, '0100', 'W')]
        assert node.agent('write-image', image, disk.path, 512, 1)['bytes'] == len(data)
    assert sim.node_links() == [] and no_devices(sim)
    assert sim.disk_bytes(OFF_GUEST, '0100', length=len(data)) == data
    with node.link(OFF_GUEST, '0100', write=False) as disk:
        result = node.agent('read-image', disk.path, tmp_path / 'captured', b'X'.hex(), 1, len(data))
    captured = (tmp_path / 'captured').read_bytes()
    assert captured[:1] == b'X' and zlib.decompress(captured[1:], 31) == data
    assert result['bytes_in'] == len(data) and result['bytes_out'] == len(captured)


def test_a_write_link_to_a_running_guest_is_refused(node, sim):
    with pytest.raises(NodeError) as e:
        with node.link(ON_GUEST, '0100'):
            raise AssertionError('not linked')
    assert e.value.code == 104 and 'HCPLNK104E LINUX01 0100 not linked; R/W by LINUX01' in str(e.value)


@pytest.mark.parametrize('node, fault', [('local', 'chccwdev'), ('local', 'cio_ignore'), ('ssh', 'chccwdev')],
                         indirect=['node'])
def test_a_failing_step_after_the_link_still_detaches(node, sim, fault):
    sim.node_fault(fault, times=1)
    with pytest.raises(NodeError, match='injected failure'):
        with node.link(OFF_GUEST, '0100'):
            raise AssertionError('the body must not run')
    assert sim.node_links() == [] and no_devices(sim)
    assert any(c[:2] == ['vmcp', 'detach'] for c in node.runner.calls)


def test_an_error_in_the_body_detaches_and_a_failed_detach_is_retried(node, sim):
    sim.node_fault('vmcp detach', times=1)
    with pytest.raises(RuntimeError, match='deploy failed'):
        with node.link(OFF_GUEST, '0100'):
            raise RuntimeError('deploy failed')
    assert sim.node_links() == [] and no_devices(sim) and node.leftovers == []
    assert len([c for c in node.runner.calls if c[:2] == ['vmcp', 'detach']]) == 2


def test_concurrent_links_from_8_threads_get_distinct_device_numbers(sim, sshd):
    """Through one SSH connection (the local runner is plain subprocesses;
    the simulator's own tests link concurrently through it)."""
    node = ssh_node(sim, sshd)
    # the threads' nodes pick numbers in pairs of the same sequence: they collide on purpose
    nodes = [AccessNode(node.runner, device_dir=node.device_dir, repository=node.repository,
                        rng=random.Random(i // 2)) for i in range(8)]
    barrier = threading.Barrier(8, timeout=120)
    held, errors = [], []

    def deploy(n):
        try:
            with n.link(OFF_GUEST, '0100', write=False) as disk:
                held.append((disk.ldev, len(sim.node_links())))
                barrier.wait()          # all 8 links exist at once
        except Exception as e:  # pylint: disable=broad-except
            errors.append(e)
            barrier.abort()
    threads = [threading.Thread(target=deploy, args=(n,)) for n in nodes]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    assert errors == []
    assert len(set(ldev for ldev, _count in held)) == 8
    assert sim.node_links() == [] and no_devices(sim)
    assert len([c for c in node.runner.calls if c[:2] == ['vmcp', 'link']]) > 8    # collisions were retried
    node.close()


def temp_files(node):
    return [c[-1] for c in node.runner.calls if c[1:2] == ['-c'] and c[3] == 'store']


def test_punch_puts_the_file_in_the_guests_reader_and_leaves_nothing(node, sim):
    before = len(sim.reader(OFF_GUEST))
    spoolid = node.punch(OFF_GUEST, b'#!/bin/bash\necho configured\n', 'network.doscript')
    files = sim.reader(OFF_GUEST)
    assert len(files) == before + 1
    punched = files[-1]
    assert (punched['spoolid'], punched['name'], punched['type'], punched['class']) == \
        (spoolid, 'NETWORK', 'DOSCRIPT', 'X')
    assert punched['content'].rstrip(b'\0 ') == b'#!/bin/bash\necho configured\n'
    assert sim.reader('ZVMNODE') == []
    [temp] = temp_files(node)
    assert not os.path.exists(temp)


@pytest.mark.parametrize('node, fault', [('local', 'vmcp transfer'), ('local', 'vmcp change'), ('ssh', 'vmcp transfer')],
                         indirect=['node'])
def test_a_failed_punch_purges_the_spool_file_and_the_temp_file(node, sim, fault):
    before = sim.reader(OFF_GUEST)
    sim.node_fault(fault, times=1)
    with pytest.raises(NodeError, match='injected failure'):
        node.punch(OFF_GUEST, b'data', 'cfgdrive.iso')
    assert sim.reader('ZVMNODE') == [] and sim.reader(OFF_GUEST) == before
    [temp] = temp_files(node)
    assert not os.path.exists(temp) and node.leftovers == []


@pytest.mark.parametrize('node', ['local'], indirect=True)
def test_a_reader_file_of_the_node(node, sim):
    spoolid = node.punch('ZVMNODE', b'line one\nline two\n', 'notes.txt')
    assert node.read_reader_file(spoolid).splitlines()[:2] == ['line one', 'line two']
    assert [f['spoolid'] for f in sim.reader('ZVMNODE')] == [spoolid]       # -H: held
    node.vmcp('purge', 'rdr', '%d' % spoolid)
    with pytest.raises(NodeError, match='reading reader file %d on .* failed' % spoolid):
        node.read_reader_file(spoolid)


def test_streams_both_ways(node, tmp_path):
    data = os.urandom(5 << 20)
    stored = node.agent('store', tmp_path / 'big', stdin=data)
    assert stored['bytes'] == len(data)
    sink = io.BytesIO()
    assert node.agent('send', tmp_path / 'big', stdout=sink)['bytes'] == len(data)
    assert sink.getvalue() == data


# -- SSH only --------------------------------------------------------------------------------------

def test_ssh_timeout_kills_the_remote_command(sim, sshd):
    node = ssh_node(sim, sshd)
    marker = '%d.%d' % (os.getpid(), random.randint(100, 999))
    start = time.monotonic()
    with pytest.raises(NodeTimeout, match='took longer than 1 seconds and was killed'):
        node.run(['sleep', '3%s' % marker], timeout=1)
    assert time.monotonic() - start < 15
    time.sleep(0.5)
    ps = subprocess.run(['ps', '-eo', 'args'], capture_output=True, text=True, check=True).stdout
    assert 'sleep 3%s' % marker not in ps
    node.close()


def test_host_key_mismatch_is_refused(sim, sshd, tmp_path):
    other = tmp_path / 'other_key'
    subprocess.run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', str(other)], check=True)
    known = tmp_path / 'known_hosts'
    known.write_text('[%s]:%d %s\n' % (sshd.host, sshd.port, ' '.join(other.with_suffix('.pub').read_text().split()[:2])))
    node = ssh_node(sim, sshd, known_hosts=str(known))
    with pytest.raises(NodeError, match=r'presented the host key ssh-ed25519 SHA256:\S+, which is not the one %s '
                                        r'has for it: refusing to connect' % known):
        node.userid()
    known.write_text('')
    with pytest.raises(NodeError, match=r'its host key ssh-ed25519 SHA256:\S+ is not in the known hosts file'):
        node.userid()
    assert 'ssh-ed25519' not in known.read_text()       # nothing was added
    unchecked = ssh_node(sim, sshd, known_hosts=str(known), host_key_checking=False)
    with pytest.warns(UserWarning, match='Unknown ssh-ed25519 host key'):
        assert unchecked.userid() == 'ZVMNODE'           # only when turned off explicitly
    unchecked.close()


def test_secrets_never_appear_in_errors(sim, sshd, tmp_path):
    secret = 'Node-Pw-%d' % random.randint(10 ** 6, 10 ** 7)
    node = ssh_node(sim, sshd, key_file=None, password=secret)
    with pytest.raises(NodeError) as e:
        node.userid()
    assert 'authentication as %s failed' % sshd.user in str(e.value) and secret not in str(e.value)
    wrong_key = tmp_path / 'wrong'
    subprocess.run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', str(wrong_key)], check=True)
    node = ssh_node(sim, sshd, key_file=str(wrong_key))
    with pytest.raises(NodeError) as e:
        node.userid()
    assert 'authentication' in str(e.value) and wrong_key.read_text().split('\n')[1] not in str(e.value)
    node = ssh_node(sim, sshd)
    with pytest.raises(NodeError) as e:
        node.agent('fetch', 'http://user:%s@127.0.0.1:1/image' % secret, tmp_path / 'x')
    assert secret not in str(e.value) and 'cannot reach the server' in str(e.value)
    node.close()


def test_sftp_from_a_remote_host(sim, sshd, tmp_path):
    (tmp_path / 'image').write_bytes(b'image bytes')
    node = ssh_node(sim, sshd)
    remote = node.sftp_from('%s@%s:%d' % (sshd.user, sshd.host, sshd.port))
    try:
        sftp = remote.open_sftp()
        with sftp.open(str(tmp_path / 'image'), 'rb') as fh:
            assert fh.read() == b'image bytes'
        sftp.close()
    finally:
        remote.close()


def test_console_output_through_the_node_of_the_smapi_user(tmp_path):
    """When the node is the SMAPI user's guest, guest_get_console_output
    reads the console file with the node's vmur."""
    with node_sim(config={'node': {'userid': 'MAINT'}}, state_dir=str(tmp_path / 'state')) as server:
        node = local_node(server)
        sdk = make_sdk(server, node)
        sdk.guest_start(OFF_GUEST)
        text = sdk.guest_get_console_output(OFF_GUEST)
        assert 'LOGON AT' in text
        assert [c for c in node.runner.calls if c[0] == 'vmur'] == \
            [['vmur', 'receive', '-H', '-t', '-O', c[-1]] for c in node.runner.calls if c[0] == 'vmur']
        assert server.reader('MAINT') == []      # purged over SMAPI after reading
