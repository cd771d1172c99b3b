# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zvm.cloud.zvm_volume through ansible-playbook, against a zvmsim of this
module's own with its access node (``node setup`` adds the node's guest,
which would change the guest lists other tests assert): a volume attached
to a running guest and to a logged-off one, each task paired with its
check-mode prediction by the play fixture; a rerun that makes one read per
task and no write; the detach.  Options, planning, errors and rollback are
tested in-process in tests/unit/plugins/modules/test_zvm_volume.py and the
SDK in test_sdk_volumes.py."""

import os

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils import directory
from tests.integration.conftest import node_device_dir, node_sim
from zvmsim import requestlog

W1, W2 = '500507680b21ac40', '500507680b22ac40'


@pytest.fixture(scope='module')
def volume_sim():
    with node_sim() as server:
        yield server


def node_env(sim):
    env = sim.env()
    env.update(sim.node_env(sim.node_dir))
    env.update({'ZVM_NODE_DEVICE_DIR': node_device_dir(sim),
                'ZVM_TEST_REQUEST_LOG': os.path.join(sim.state_dir, requestlog.LOG_NAME)})
    return env


def task(name, **args):
    params = {'lun': '4001400000000000', 'wwpns': [W1, W2], 'mount_point': '/dev/data01', 'os_version': 'rhel9'}
    params.update(args)
    return {'name': name, 'zvm.cloud.zvm_volume': params}


def test_attach_rerun_and_detach(play, volume_sim):
    attach = [task('running', guest='LINUX01', fcp_devices=['1a00', '1a01', '1b00', '1b01'], fcp_count=2),
              task('logged off', guest='LINUX02', fcp_devices=['1a02', '1b02'])]
    run = play(attach, defaults=False, env=node_env(volume_sim))
    assert run.rc == 0, run
    assert run.checked == 2
    running, off = run.task('running'), run.task('logged off')
    assert running['volume']['fcps'] == ['1A00', '1B00'] and running['running'] is True
    assert off['dedicated'] == ['1A02', '1B02'] and off['running'] is False
    dump = volume_sim.dump()
    assert sorted(dump['cp']['LINUX01']['fcp'].values()) == ['1A00', '1B00']
    assert [d.vdev for d in directory.parse(dump['directory']['LINUX02']).dedicates] == ['1A02', '1B02']
    assert [(f['name'], f['class']) for f in volume_sim.reader('LINUX02')] == [('ATVOL', 'X')]

    again = play(attach, defaults=False, env=node_env(volume_sim))
    assert again.rc == 0 and [r['result']['changed'] for r in again.results] == [False, False]
    assert [r['result']['smapi_calls'] for r in again.results] == [{'reads': 1, 'writes': 0}] * 2

    detach = [task('detach %s' % guest, guest=guest, state='absent') for guest in ('LINUX01', 'LINUX02')]
    gone = play(detach, defaults=False, env=node_env(volume_sim))
    assert gone.rc == 0 and gone.checked == 2
    dump = volume_sim.dump()
    assert not dump['cp']['LINUX01'].get('fcp')
    assert not directory.parse(dump['directory']['LINUX02']).dedicates
