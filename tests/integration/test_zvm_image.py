# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zvm.cloud.zvm_image and zvm_guest's image through ansible-playbook,
against a zvmsim of this module's own with its access node (``node
setup`` adds the node's guest, which would change the guest lists other
tests assert): an image imported and a guest deployed from it in one task,
each task paired with its check-mode prediction by the play fixture; a
rerun that writes nothing; the node reached over a real SSH server
(NodeSshd) under Ansible's ``async``.  Options, planning and errors are
tested in-process in tests/unit/plugins/modules/test_zvm_image.py and
test_zvm_guest_image.py."""

import gzip
import hashlib
import os

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.images import format as fmt
from tests.integration.conftest import TEST_SYSTEM
from zvmsim import requestlog
from zvmsim.node.sshd import NodeSshd, skip_unless_available
from zvmsim.testing import SimServer

CYL = 737280


@pytest.fixture(scope='module')
def image_sim():
    with SimServer(config=TEST_SYSTEM) as server:
        server.node_dir = server.node()
        server.repository = os.path.join(server.state_dir, 'images')
        os.makedirs(server.repository)
        yield server


def node_env(sim):
    """The play's environment: SMAPI and the access node of ``image_sim``
    (the module_defaults of the play fixture point at the session's
    simulator, so the settings come from the environment instead)."""
    env = sim.env()
    env.update(sim.node_env(sim.node_dir))
    env.update({'ZVM_NODE_DEVICE_DIR': os.path.join(sim.node_dir, 'dev', 'disk', 'by-path'),
                'ZVM_NODE_IMAGE_REPOSITORY': sim.repository,
                'ZVM_TEST_REQUEST_LOG': os.path.join(sim.state_dir, requestlog.LOG_NAME)})
    return env


def image_file(tmp_path, name, seed, cylinders=10):
    payload = (hashlib.sha256(b'%d' % seed).digest() * 128 + bytes(4096)) * (2 * CYL // 8192)
    content = fmt.build_header(fmt.CKD_BLOCKS, cylinders, 'CYL', 6) + gzip.compress(payload, 6)
    path = tmp_path / name
    path.write_bytes(content)
    return str(path), payload, hashlib.md5(content).hexdigest()


def test_an_image_and_a_guest_booting_from_it_then_nothing_to_do(play, image_sim, tmp_path):
    path, payload, md5 = image_file(tmp_path, 'play.img', 1)
    tasks = [
        {'name': 'image', 'zvm.cloud.zvm_image': {'name': 'play-rhel9', 'os_version': 'rhel9.4',
                                                  'url': 'file://' + path, 'checksum': 'md5:' + md5},
         'register': 'img'},
        {'name': 'guest', 'zvm.cloud.zvm_guest': {
            'name': 'PLAYIMG1', 'memory': '1G', 'state': 'started', 'image': 'play-rhel9',
            'disks': [{'vdev': '0100', 'size': '10', 'disk_pool': 'ECKD:POOL1', 'is_boot_disk': True}]},
         'register': 'guest'},
    ]
    mark = image_sim.mark()
    run = play(tasks, defaults=False, env=node_env(image_sim))
    assert run.rc == 0, run
    assert run.checked == 2
    img, guest = run.task('image'), run.task('guest')
    assert img['changed'] and img['image']['md5sum'] == md5 and img['transfer']['bytes'] == os.path.getsize(path)
    assert guest['actions'] == ['create guest PLAYIMG1', 'create disk 0100 (10 in ECKD:POOL1)',
                                'deploy image play-rhel9 to disk 0100', 'start']
    assert guest['transfer']['bytes'] == len(payload) and guest['power_state'] == 'on'
    assert image_sim.disk_bytes('PLAYIMG1', '0100')[:len(payload)] == payload
    assert image_sim.node_links() == []
    assert image_sim.calls(since=mark, writes=True)

    mark = image_sim.mark()
    again = play(tasks, defaults=False, env=node_env(image_sim))
    assert again.rc == 0, again
    assert [r['result']['changed'] for r in again.results] == [False, False]
    assert image_sim.calls(since=mark, writes=True) == []


def test_an_import_over_ssh_under_async(play, image_sim, tmp_path):
    skip_unless_available()
    path, _payload, md5 = image_file(tmp_path, 'async.img', 2)
    with NodeSshd(image_sim.node_dir, image_sim.state_dir) as sshd:
        options = {'name': 'async-img', 'os_version': 'sles15', 'url': 'file://' + path, 'checksum': md5,
                   'node_host': sshd.host, 'node_port': sshd.port, 'node_user': sshd.user,
                   'node_private_key_file': sshd.client_key, 'node_known_hosts_file': sshd.known_hosts}
        tasks = [
            {'name': 'predict', 'zvm.cloud.zvm_image': options, 'check_mode': True, 'async': 60, 'poll': 1},
            {'name': 'import', 'zvm.cloud.zvm_image': options, 'async': 60, 'poll': 1},
            {'name': 'import again', 'zvm.cloud.zvm_image': options, 'async': 60, 'poll': 0, 'register': 'job'},
            {'name': 'wait', 'ansible.builtin.async_status': {'jid': '{{ job.ansible_job_id }}'}, 'register': 'done',
             'until': 'done.finished', 'retries': 30, 'delay': 1},
        ]
        env = node_env(image_sim)
        for key in ('ZVM_NODE_DEVICE_DIR', 'PATH'):
            env.pop(key)
        # under async each result has its own job id, so the play's pairing is off: 'predict' is compared here
        run = play(tasks, defaults=False, env=env, pair_check=False)
    assert run.rc == 0, run
    predicted, real, again = run.task('predict'), run.task('import'), run.task('wait')
    assert predicted['changed'] and real['changed'] and real['finished'] == 1
    assert predicted['actions'] == real['actions'] == ['import image async-img from file://' + path]
    assert predicted['image']['imagename'] == real['image']['imagename'] == 'async-img'
    assert real['image']['md5sum'] == md5 and real['transfer']['bytes'] == os.path.getsize(path)
    assert again['finished'] == 1 and again['changed'] is False and again['actions'] == []
