# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The zvm.cloud.linux_guest role through ansible-playbook, against a
zvmsim of this module's own with its access node (``node setup`` adds the
node's guest, which would change the guest lists other tests assert): a
guest from an image, on its network at first boot, with a data disk that
gets its file system, added to the play's inventory; each zvm.cloud task
paired with its check-mode prediction; a rerun that writes nothing; the
wait for SSH against a real OpenSSH server (NodeSshd); a bad variable
refused by the role's argument spec before anything runs."""

import gzip
import os

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.images import format as fmt
from ansible_collections.zvm.cloud.plugins.module_utils.operations import vswitches
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.api import SDKAPI
from tests.integration.conftest import TEST_SYSTEM
from tests.unit.firstboot import consumers
from zvmsim import requestlog
from zvmsim.node.sshd import NodeSshd, skip_unless_available
from zvmsim.testing import SimServer

NETWORK = {'vdev': '1000', 'vswitch': 'VSW1', 'ip_addr': '192.168.95.30', 'cidr': '192.168.95.0/24',
           'gateway_addr': '192.168.95.1', 'dns_addr': ['192.168.95.53']}
ROLE_VARS = {'linux_guest_name': 'RLINUX1', 'linux_guest_image': 'role-ubuntu', 'linux_guest_memory': '1G',
             'linux_guest_boot_disk': {'vdev': '0100', 'size': '10', 'disk_pool': 'ECKD:POOL1'},
             'linux_guest_data_disks': [{'vdev': '0200', 'size': '20000', 'disk_pool': 'FBA:FBAPOOL',
                                         'format': 'ext4', 'mount': '/srv'}],
             'linux_guest_networks': [NETWORK], 'linux_guest_hostname': 'rlinux1.example.com',
             'linux_guest_wait_for_ssh': False}
NETPLAN = '/etc/netplan/00-zvmguestconfigure-config.yaml'


@pytest.fixture(scope='module')
def role_sim(tmp_path_factory):
    with SimServer(config=TEST_SYSTEM) as server:
        server.node_dir = server.node()
        server.repository = os.path.join(server.state_dir, 'images')
        os.makedirs(server.repository)
        path = tmp_path_factory.mktemp('image') / 'ubuntu.img'
        path.write_bytes(fmt.build_header(fmt.CKD_BLOCKS, 10, 'CYL', 6) + gzip.compress(b'ubuntu' * 8192, 6))
        server.image_url = 'file://%s' % path
        # the guest may couple to VSW1 (as zvm.cloud.zvm_vswitch grants would say)
        sdk = SDKAPI(host='127.0.0.1', port=server.port, userid='MAINT', password='MAINT')
        vswitches.grant(sdk.session, 'VSW1', 'RLINUX1')
        yield server


def node_env(sim):
    """SMAPI and the access node of ``role_sim``, for the play's environment."""
    env = sim.env()
    env.update(sim.node_env(sim.node_dir))
    env.update({'ZVM_NODE_DEVICE_DIR': os.path.join(sim.node_dir, 'dev', 'disk', 'by-path'),
                'ZVM_NODE_IMAGE_REPOSITORY': sim.repository,
                'ZVM_TEST_REQUEST_LOG': os.path.join(sim.state_dir, requestlog.LOG_NAME)})
    return env


def tasks(sim, **role_vars):
    variables = dict(ROLE_VARS, **role_vars)
    address = variables.get('linux_guest_ssh_host', NETWORK['ip_addr'])
    return [
        {'name': 'image', 'zvm.cloud.zvm_image': {'name': 'role-ubuntu', 'os_version': 'ubuntu22.04',
                                                  'url': sim.image_url}},
        {'name': 'linux guest', 'ansible.builtin.include_role': {'name': 'zvm.cloud.linux_guest'},
         'vars': variables},
        {'name': 'in the inventory', 'ansible.builtin.assert': {'that': [
            "'rlinux1.example.com' in groups['zvm_linux']",
            "hostvars['rlinux1.example.com'].ansible_host == '%s'" % address,
            "hostvars['rlinux1.example.com'].zvm_userid == 'RLINUX1'"]}},
    ]


def declared(run):
    return [r for r in run.results if r['task'].endswith('Declare the guest')]


def test_the_role_makes_a_guest_on_its_network_and_adds_it_to_the_play(play, role_sim, tmp_path):
    mark = role_sim.mark()
    run = play(tasks(role_sim), defaults=False, env=node_env(role_sim))
    assert run.rc == 0, run
    # each zvm.cloud task's check-mode prediction was compared with its real run
    assert run.checked >= 2
    [task] = declared(run)
    result = task['result']
    assert result['actions'] == [
        'create guest RLINUX1', 'create disk 0100 (10 in ECKD:POOL1)', 'create disk 0200 (20000 in FBA:FBAPOOL, ext4)',
        'create NICDEF 1000 (QDIO)', 'couple NICDEF 1000 to VSW1', 'deploy image role-ubuntu to disk 0100',
        'punch network.doscript to the reader of RLINUX1', 'punch disk0200.doscript to the reader of RLINUX1',
        'start']
    assert result['power_state'] == 'on' and result['firstboot']['recorded'] == result['firstboot']['digest']
    files = role_sim.reader('RLINUX1')
    assert [(f['name'], f['type'], f['class']) for f in files] == [('NETWORK', 'DOSCRIPT', 'X'),
                                                                   ('DISK0200', 'DOSCRIPT', 'X')]
    net = consumers.untar(files[0]['content'], str(tmp_path / 'net'))
    [target] = [line.split()[1] for line in net['invokeScript.sh'].decode().splitlines()
                if line.startswith('cat ') and line.endswith(NETPLAN)]
    units = consumers.netplan_generate(tmp_path / 'root', {NETPLAN: net[target].decode()})
    assert 'Address=192.168.95.30/24' in units['10-netplan-enc1000.network']
    assert role_sim.disk_bytes('RLINUX1', '0200', offset=1080, length=2) == b'\x53\xef'     # ext4, FBA partition
    assert role_sim.node_links() == [] and role_sim.calls(since=mark, writes=True)

    mark = role_sim.mark()
    again = play(tasks(role_sim), defaults=False, env=node_env(role_sim))
    assert again.rc == 0, again
    assert declared(again)[0]['result']['changed'] is False
    assert role_sim.calls(since=mark, writes=True) == [] and len(role_sim.reader('RLINUX1')) == 2


def test_the_role_waits_until_ssh_answers(play, role_sim):
    skip_unless_available()
    with NodeSshd(role_sim.node_dir, role_sim.state_dir) as sshd:
        # the guest is there already (or made now); its "SSH server" is the node's, on 127.0.0.1
        run = play(tasks(role_sim, linux_guest_wait_for_ssh=True, linux_guest_ssh_host=sshd.host,
                         linux_guest_ssh_port=sshd.port, linux_guest_ssh_timeout=30),
                   defaults=False, env=node_env(role_sim), pair_check=False)
    assert run.rc == 0, run
    [waited] = [r for r in run.results if r['task'].endswith('Wait until the guest\'s SSH server answers')]
    # ok only once the server's banner matched OpenSSH
    assert waited['status'] == 'ok' and waited['result']['port'] == sshd.port
    assert waited['result']['search_regex'] == 'OpenSSH'


def test_a_bad_variable_fails_before_anything_runs(play, role_sim):
    mark = role_sim.mark()
    run = play([{'name': 'linux guest', 'ansible.builtin.include_role': {'name': 'zvm.cloud.linux_guest'},
                 'vars': {'linux_guest_name': 'RLINUX9', 'linux_guest_state': 'sleeping'}}],
               defaults=False, env=node_env(role_sim))
    assert run.rc != 0
    assert 'linux_guest_image' in run.stdout and 'sleeping' in run.stdout
    assert role_sim.calls(since=mark) == []
