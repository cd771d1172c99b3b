# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zvm_volume in process against a zvmsim of its own with FCP devices and
the access node: attach and detach (check mode and diff proven by
run_module.paired), a converged run's requests, candidates spread over
CHPIDs, bad input changing nothing, and a failure rolled back."""

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils import directory
from ansible_collections.zvm.cloud.plugins.modules import zvm_facts, zvm_volume
from tests.integration.conftest import TEST_SYSTEM
from zvmsim.testing import SimServer

W1, W2 = '500507680b21ac40', '500507680b22ac40'
LUN = '4001400000000000'


@pytest.fixture(scope='module')
def sim():
    with SimServer(config=TEST_SYSTEM) as server:      # the default system's FCP devices 1A00-1A03, 1B00-1B03, 1C00
        yield server


@pytest.fixture(autouse=True)
def clean(sim, run_module):
    sim.clear_faults()
    yield
    sim.clear_faults()
    for guest in ('LINUX01', 'LINUX02'):
        for lun in (LUN, '4001400100000000'):
            run_module(zvm_volume, node=True, guest=guest, lun=lun, wwpns=[W1, W2], state='absent')


def args(**kw):
    out = {'guest': 'LINUX02', 'lun': '0x' + LUN, 'wwpns': [W1, '0x' + W2], 'fcp_devices': ['1a00', '1b00'],
           'mount_point': '/dev/data01', 'os_version': 'rhel9', 'node': True}
    out.update(kw)
    return out


def dedicated(sim, userid):
    return [d.vdev for d in directory.parse(sim.dump()['directory'][userid]).dedicates]


def test_attach_and_detach_with_check_mode_and_diff(sim, run_module):
    res = run_module.paired(zvm_volume, **args())
    assert not res.failed, res.get('msg')
    assert res['changed'] and res['actions'] == [
        'dedicate FCP device 1A00 to LINUX02 in the directory', 'dedicate FCP device 1B00 to LINUX02 in the directory',
        'punch the attach script (ATVOL SH, class X) to LINUX02', 'record volume %s (LUN %s)'
        % (res['volume']['id'], LUN)]
    assert res['dedicated'] == ['1A00', '1B00'] and res['running'] is False
    assert res['volume']['mount_point'] == '/dev/data01' and res['volume']['fcps'] == ['1A00', '1B00']
    assert 'DEDICATE 1A00 1A00' in res['diff']['after'] and 'ZVMCLOUD VOLUME' in res['diff']['after']
    assert res['diff']['before'] == ''
    assert dedicated(sim, 'LINUX02') == ['1A00', '1B00']
    assert [f['name'] for f in sim.reader('LINUX02')][-1] == 'ATVOL'
    again = run_module(zvm_volume, **args())
    assert not again['changed'] and again['actions'] == [] and again['volume'] == res['volume']
    assert len(again.reads) <= 2 and again.writes == []
    assert again['smapi_calls'] == {'reads': 1, 'writes': 0}
    gone = run_module.paired(zvm_volume, **args(state='absent', fcp_devices=None, mount_point=None))
    assert gone['changed'] and gone['volume'] is None and gone['dedicated'] == []
    assert gone['actions'][-1].startswith('remove the record of volume')
    assert dedicated(sim, 'LINUX02') == []
    still = run_module(zvm_volume, **args(state='absent'))
    assert not still['changed'] and still['smapi_calls'] == {'reads': 1, 'writes': 0}


def test_a_running_guest_gets_devices_from_candidates_on_two_chpids(sim, run_module):
    res = run_module.paired(zvm_volume, **args(guest='LINUX01', fcp_devices=['1a00', '1a01', '1b00'], fcp_count=2))
    assert not res.failed, res.get('msg')
    assert res['running'] is True and res['volume']['fcps'] == ['1A00', '1B00']
    assert 'attach FCP device 1B00 to the running guest' in res['actions']
    assert '# running guest: FCP devices 1A00 1B00' in res['diff']['after']
    assert sorted((sim.dump()['cp']['LINUX01'].get('fcp') or {}).values()) == ['1A00', '1B00']
    second = run_module.paired(zvm_volume, **args(guest='LINUX01', lun='4001400100000000', mount_point='/dev/d2',
                                                  fcp_devices=['1a00', '1a01', '1b00'], fcp_count=2))
    assert second['volume']['fcps'] == ['1A00', '1B00'] and second['actions'] == [
        'punch the attach script (ATVOL SH, class X) to LINUX01',
        'record volume %s (LUN 4001400100000000)' % second['volume']['id']]
    first_gone = run_module.paired(zvm_volume, guest='LINUX01', lun=LUN, wwpns=[W1], state='absent', node=True)
    assert not [a for a in first_gone['actions'] if 'FCP device' in a]          # the second volume uses them


@pytest.mark.parametrize('change,message', [
    ({'wwpns': ['5005']}, 'wwpns: '),
    ({'lun': 'zz01400000000000'}, 'lun: '),
    ({'fcp_devices': ['1a00x']}, 'fcp_devices: '),
    ({'os_version': 'rhel 9'}, 'os_version: '),
    ({'fcp_devices': ['1a00', '1b00'], 'fcp_count': 0}, 'fcp_count: '),
    ({'fcp_devices': ['1a00', '9999']}, 'FCP device 9999 does not exist'),
    ({'fcp_devices': ['1a00', '1a01']}, 'share CHPID 50'),
    ({'mount_point': 'data01'}, 'mount_point'),
    ({'mount_point': None}, 'mount_point: required'),
    ({'fcp_devices': None, 'fcp_count': 2}, 'fcp_count: needs fcp_devices'),
    ({'fcp_devices': ['1a00', '1a01'], 'fcp_count': 2}, 'only 1 of the 2'),
    ({'guest': 'NOSUCH'}, 'NOSUCH has no directory entry'),
])
def test_bad_input_fails_clearly_and_changes_nothing(run_module, change, message):
    for check in (True, False):
        res = run_module(zvm_volume, check=check, **args(**change))
        assert res.failed and message in res['msg'] and res.writes == []


def test_a_device_of_another_guest_is_refused(run_module):
    assert not run_module(zvm_volume, **args(guest='LINUX01', fcp_devices=['1a00'])).failed
    res = run_module(zvm_volume, **args(fcp_devices=['1a00']))
    assert res.failed and 'attached to guest LINUX01' in res['msg'] and res.writes == []


def test_a_failure_is_rolled_back_and_reported(sim, run_module):
    before = sim.dump()['directory']['LINUX02']
    sim.fault(function='Image_Replace_DM', rc=596, rs=1, times=1)
    res = run_module(zvm_volume, **args())
    assert res.failed and 'failed' in res['msg']
    assert res['rollback'][0] == 'undone: punch the attach script to LINUX02'
    assert 'undone: dedicate FCP device 1A00 to LINUX02 in the directory' in res['rollback']
    assert sim.dump()['directory']['LINUX02'] == before


def test_zvm_facts_volumes_subset(run_module):
    assert not run_module(zvm_volume, **args(guest='LINUX01', fcp_devices=['1a00'])).failed
    res = run_module(zvm_facts, gather_subset='volumes')
    found = res['ansible_facts']['zvm']['volumes']
    assert (found['fcp_devices']['1A00']['attached_to'], found['fcp_devices']['1A00']['dedicated_to']) == (
        'LINUX01', ['LINUX01'])
    assert found['fcp_devices']['1A01']['free'] is True and found['fcp_devices']['1C00']['status'] == 'offline'
    assert [(v['lun'], v['fcps'], v['mount_point']) for v in found['guests']['LINUX01']] == [
        (LUN, ['1A00'], '/dev/data01')]
    assert res.writes == [] and [c['function'] for c in res.reads] == [
        'Directory_Manager_Search_DM', 'System_WWPN_Query', 'Query_All_DM']
    assert 'volumes' not in run_module(zvm_facts, gather_subset='all')['ansible_facts']['zvm']
