# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SDK's FCP volume methods against a zvmsim of their own, with its
access node: attach and detach on a logged-off and a logged-on guest, two
volumes sharing FCP devices, the rollback after a failure at each step
(the directory and CP state afterwards equal to before), bad input, the
punched scripts read back from the reader (bash -n, shellcheck, their
values), 8 guests attaching at once from one candidate list, the call
counts of a converged attach, and the FCP queries.

The simulator is this module's own: the node's guest and the FCP devices
would change what other tests see."""

import re
import shutil
import subprocess
import threading

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.directory import records
from ansible_collections.zvm.cloud.plugins.module_utils import directory
from ansible_collections.zvm.cloud.plugins.module_utils.operations import fcp as fcp_ops
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import (
    SDKFunctionNotImplementError, SDKInvalidInputFormat, SDKObjectNotExistError, SDKVolumeOperationError,
)
from tests.integration import conftest
from tests.integration.conftest import TEST_SYSTEM, make_local_node, node_sim
from zvmsim import config as simconfig

W1, W2 = '500507680b21ac40', '500507680b22ac40'
LUN0, LUN1 = '4001400000000000', '4001400100000000'
FLEET = ['VOLG%02d' % n for n in range(1, 9)]


def _fcp_config():
    devices = []
    for chpid, base in (('50', 0x1A00), ('51', 0x1B00)):
        for n in range(10):
            dev = '%04X' % (base + n)
            devices.append({'dev': dev, 'chpid': chpid, 'npiv_wwpn': 'C05076FFFF00%s' % dev,
                            'physical_wwpn': 'C05076FFFF00%s00' % chpid})
    devices.append({'dev': '1C00', 'chpid': '52', 'offline': True})
    return {'devices': devices, 'targets': [{'wwpn': W1.upper(), 'luns': [LUN0, LUN1], 'lun_size': '10G'},
                                            {'wwpn': W2.upper(), 'luns': [LUN0, LUN1], 'lun_size': '10G'}]}


def _guests():
    guests = list(simconfig.load()['guests'])
    for userid in FLEET:
        guests.append({'userid': userid, 'state': 'off', 'os': 'linux',
                       'records': ['USER %s LBYONLY 1G 2G G' % userid, 'INCLUDE IBMDFLT', 'MACHINE ESA 2']})
    return guests


SYSTEM = dict(TEST_SYSTEM, fcp=_fcp_config(), guests=_guests())


@pytest.fixture(scope='module')
def sim():
    with node_sim(SYSTEM) as server:
        yield server


def make_sdk(sim, node=True):
    return conftest.make_sdk(sim, make_local_node(sim) if node else None)


@pytest.fixture
def sdk(sim):
    made = make_sdk(sim)
    yield made
    made.close()


@pytest.fixture(autouse=True)
def clean(sim):
    """Every test starts and ends with no faults, no volume and no dedicated device."""
    sim.clear_faults()
    yield
    sim.clear_faults()
    tidy = make_sdk(sim)
    state = sim.dump()
    for userid, recs in state['directory'].items():
        entry = directory.parse(recs)
        for vol in records.volumes(entry):
            tidy.volume_detach({'assigner_id': userid, 'target_wwpn': vol.wwpns, 'target_lun': vol.lun})
        if entry.dedicates:
            client = tidy.session
            for ded in entry.dedicates:
                client.call('Image_Device_Undedicate_DM', userid, image_device_number=ded.vdev, ok=[(404, 8)])
    for userid, doc in sim.dump()['cp'].items():
        for vdev in (doc.get('fcp') or {}):
            tidy.session.call('Image_Device_Undedicate', userid, image_device_number=vdev)
    tidy.close()


def info(userid, fcps=('1A00', '1B00'), wwpns=(W1, W2), lun=LUN0, mount='/dev/data01', **kw):
    out = {'assigner_id': userid, 'zvm_fcp': list(fcps), 'target_wwpn': list(wwpns), 'target_lun': '0x' + lun,
           'os_version': 'rhel8', 'mount_point': mount, 'multipath': True}
    out.update(kw)
    return out


def state(sim, userid):
    """What a volume operation changes: the entry's records (the DEDICATE
    statements and the volume records as sets: a rollback that dedicates a
    device again puts its DEDICATE after the others) and CP's FCP devices."""
    dump = sim.dump()
    recs = dump['directory'][userid]
    kept = [r for r in recs if not r.startswith('DEDICATE ') and 'ZVMCLOUD VOLUME' not in r]
    return {'records': kept, 'dedicates': sorted(r for r in recs if r.startswith('DEDICATE ')),
            'volumes': sorted(r for r in recs if 'ZVMCLOUD VOLUME' in r),
            'fcp': dict((u, d.get('fcp') or {}) for u, d in dump['cp'].items() if d.get('fcp'))}


def dedicated(sim, userid):
    return [(d.vdev, d.rdev) for d in directory.parse(sim.dump()['directory'][userid]).dedicates]


def attached(sim, userid):
    return sorted((sim.dump()['cp'].get(userid) or {}).get('fcp', {}).values())


def check_script(tmp_path, content, name):
    path = tmp_path / name
    path.write_bytes(content)
    subprocess.run(['bash', '-n', str(path)], check=True)
    assert shutil.which('shellcheck'), 'shellcheck is not installed'
    found = subprocess.run(['shellcheck', '-s', 'bash', str(path)], capture_output=True, text=True, check=False)
    assert found.returncode == 0, found.stdout
    return dict(re.findall(r'^([A-Z_]+)=(.*)$', content.decode('ascii'), re.M))


def functions(calls):
    return [c['function'] for c in calls]


# -- attach and detach ------------------------------------------------------------------------------------------

def test_attach_and_detach_on_a_logged_off_guest(sim, sdk, tmp_path):
    reader_before = len(sim.reader('LINUX02'))
    result = sdk.volume_attach(info('linux02', mount='/dev/Data01'))
    assert (result['changed'], result['dedicated'], result['dedicated_active'], result['recorded']) == (
        True, ['1A00', '1B00'], [], True)
    assert dedicated(sim, 'LINUX02') == [('1A00', '1A00'), ('1B00', '1B00')] and attached(sim, 'LINUX02') == []
    assert sdk.guest_volumes('LINUX02') == [dict(result['volume'], dedicated={'1A00': True, '1B00': True})]
    # the punched script, read back from the guest's reader
    files = sim.reader('LINUX02')[reader_before:]
    assert [(f['name'], f['type'], f['class'], f['spoolid']) for f in files] == [
        ('ATVOL', 'SH', 'X', result['spoolid'])]
    found = check_script(tmp_path, files[0]['content'], 'atvol.sh')
    assert (found['LUN'], found['NAME'], found['FCPS'], found['WWPNS']) == (
        '0x' + LUN0, "'Data01'", "('1a00' '1b00')", "('0x%s' '0x%s')" % (W1, W2))
    # converged: one read, no write
    mark = sim.mark()
    again = sdk.volume_attach(info('linux02', mount='/dev/Data01'))
    calls = sim.calls(since=mark)
    assert again['changed'] is False and functions(calls) == ['Image_Query_DM']
    assert len([c for c in calls if not c['write']]) <= 2 and not [c for c in calls if c['write']]
    # detach
    gone = sdk.volume_detach({'assigner_id': 'LINUX02', 'target_wwpn': [W2], 'target_lun': LUN0})
    assert (gone['changed'], gone['undedicated'], gone['undedicated_active']) == (True, ['1A00', '1B00'], [])
    assert dedicated(sim, 'LINUX02') == [] and sdk.guest_volumes('LINUX02') == []
    last = sim.reader('LINUX02')[-1]
    assert (last['name'], last['type'], last['class']) == ('DEVOL', 'SH', 'X')
    found = check_script(tmp_path, last['content'], 'devol.sh')
    assert (found['OFFLINE_FCPS'], found['NAME']) == ("('1a00' '1b00')", "'Data01'")
    mark = sim.mark()
    assert sdk.volume_detach(info('LINUX02'))['changed'] is False
    assert functions(sim.calls(since=mark)) == ['Image_Query_DM']


def test_attach_and_detach_on_a_logged_on_guest(sim, sdk):
    result = sdk.volume_attach(info('LINUX01'))
    assert (result['dedicated'], result['dedicated_active']) == (['1A00', '1B00'], ['1A00', '1B00'])
    assert attached(sim, 'LINUX01') == ['1A00', '1B00']
    assert [(d['fcp'], d['status'], d['attached_to'], d['dedicated_to'], d['free'])
            for d in sdk.fcp_list(fcp='1a00')] == [('1A00', 'active', 'LINUX01', ['LINUX01'], False)]
    mark = sim.mark()
    assert sdk.volume_attach(info('LINUX01'))['changed'] is False
    calls = sim.calls(since=mark)
    assert len(calls) <= 2 and not [c for c in calls if c['write']]
    gone = sdk.volume_detach(info('LINUX01'))
    assert gone['undedicated_active'] == ['1A00', '1B00']
    assert attached(sim, 'LINUX01') == [] and dedicated(sim, 'LINUX01') == []


def test_two_volumes_share_the_fcp_devices_until_the_last_is_detached(sim, sdk, tmp_path):
    sdk.volume_attach(info('LINUX01', lun=LUN0, mount='/dev/data01'))
    second = sdk.volume_attach(info('LINUX01', lun=LUN1, mount='/dev/data02'))
    assert (second['changed'], second['dedicated'], second['dedicated_active']) == (True, [], [])
    assert [v['lun'] for v in sdk.guest_volumes('LINUX01')] == [LUN0, LUN1]
    assert sdk.get_fcp_usage('1A00') == ['LINUX01', 1, 2, None]
    first_gone = sdk.volume_detach(info('LINUX01', lun=LUN0))
    assert (first_gone['undedicated'], first_gone['undedicated_active']) == ([], [])
    assert dedicated(sim, 'LINUX01') == [('1A00', '1A00'), ('1B00', '1B00')]
    assert attached(sim, 'LINUX01') == ['1A00', '1B00']
    found = check_script(tmp_path, sim.reader('LINUX01')[-1]['content'], 'devol.sh')
    assert (found['OFFLINE_FCPS'], found['LUN']) == ('()', '0x' + LUN0)     # the devices stay online
    assert sdk.get_fcp_usage('1A00') == ['LINUX01', 1, 1, None]
    last_gone = sdk.volume_detach(info('LINUX01', lun=LUN1))
    assert last_gone['undedicated'] == ['1A00', '1B00'] and dedicated(sim, 'LINUX01') == []
    assert sdk.get_fcp_usage('1A00') == ['', 0, 0, None]


def test_an_attach_adds_missing_paths_to_a_recorded_volume(sim, sdk):
    sdk.volume_attach(info('LINUX02', fcps=['1A00']))
    more = sdk.volume_attach(info('LINUX02', fcps=['1B00']))
    assert more['dedicated'] == ['1B00'] and more['volume']['fcps'] == ['1A00', '1B00']


def test_a_root_volume_is_dedicated_and_recorded_without_a_script_or_node(sim):
    sdk = make_sdk(sim, node=False)
    before = len(sim.reader('LINUX02'))
    result = sdk.volume_attach(info('LINUX02', mount=None, is_root_volume=True))
    assert result['spoolid'] is None and result['volume']['is_root_volume'] is True
    assert len(sim.reader('LINUX02')) == before
    assert sdk.volume_detach(info('LINUX02'))['spoolid'] is None


def test_without_a_node_an_attach_changes_nothing(sim):
    sdk = make_sdk(sim, node=False)
    mark = sim.mark()
    with pytest.raises(SDKFunctionNotImplementError, match='volume_attach needs an access node'):
        sdk.volume_attach(info('LINUX02'))
    assert not sim.calls(since=mark, writes=True)


def test_the_documented_argument_shapes(sim, sdk):
    result = sdk.volume_attach({'alias': '/dev/vdb', 'protocol': 'fc', 'fcps': ['1a00'], 'wwpns': [W1]},
                               guest={'name': 'linux02', 'os_type': 'sles15'}, volume={'lun': LUN0, 'type': 'fc'})
    assert (result['volume']['mount_point'], result['volume']['os_version']) == ('/dev/vdb', 'sles15')
    old = sdk.volume_detach({'name': 'linux02'}, {'lun': LUN0}, {'wwpns': [W1], 'fcps': ['1a00']}, True)
    assert old['changed'] is True and dedicated(sim, 'LINUX02') == []


# -- bad input: a clear error, nothing written ---------------------------------------------------------------------

@pytest.mark.parametrize('change,error,message', [
    ({'target_wwpn': ['0x5005076'], }, SDKInvalidInputFormat, 'target_wwpn'),
    ({'target_lun': '4001400000000000\u0660'}, SDKInvalidInputFormat, 'target_lun'),
    ({'zvm_fcp': ['1A00', '9999']}, Exception, 'FCP device 9999 does not exist'),
    ({'zvm_fcp': ['1A00', '1A01']}, Exception, 'share CHPID 50'),
    ({'zvm_fcp': ['1C00']}, Exception, 'offline'),
    ({'mount_point': '/dev/x;reboot'}, SDKInvalidInputFormat, 'mount_point'),
    ({'assigner_id': 'NOSUCH'}, SDKObjectNotExistError, 'NOSUCH'),
])
def test_bad_input_gets_a_clear_error_and_changes_nothing(sim, sdk, change, error, message):
    mark = sim.mark()
    with pytest.raises(error, match=message):
        sdk.volume_attach(dict(info('LINUX02'), **change))
    assert not sim.calls(since=mark, writes=True)


def test_a_device_another_guest_owns_is_refused(sim, sdk):
    sdk.volume_attach(info('LINUX01', fcps=['1A00']))                  # attached to the running LINUX01
    sdk.volume_attach(info('LINUX02', fcps=['1B00']))                  # a DEDICATE of the logged-off LINUX02
    mark = sim.mark()
    with pytest.raises(Exception, match='attached to guest LINUX01'):
        sdk.volume_attach(info('LINUX03', fcps=['1A00']))
    with pytest.raises(Exception, match='dedicated to LINUX02 in the directory'):
        sdk.volume_attach(info('LINUX03', fcps=['1B00']))
    assert not sim.calls(since=mark, writes=True)


# -- rollback ---------------------------------------------------------------------------------------------

ATTACH_FAILURES = {
    # step: (fault rule or node command, what the error says)
    'second directory dedication': ({'function': 'Image_Device_Dedicate_DM', 'rc': 596, 'rs': 1, 'every': 2},
                                    'dedicate FCP device 1A00'),
    'the check for other claims': ({'function': 'Directory_Manager_Search_DM', 'rc': 396, 'rs': 1, 'every': 2},
                                   'dedicate FCP device 1B00'),
    'running guest': ({'function': 'Image_Device_Dedicate', 'rc': 204, 'rs': 16, 'every': 2},
                      'attach FCP device 1A00 to the running guest'),
    'punch': ('vmcp transfer', 'attach FCP device 1B00 to the running guest'),
    'records': ({'function': 'Image_Replace_DM', 'rc': 596, 'rs': 1}, 'punch the attach script'),
}


@pytest.mark.parametrize('step', sorted(ATTACH_FAILURES))
def test_a_failed_attach_is_rolled_back_to_the_state_before(sim, sdk, step):
    sdk.volume_attach(info('LINUX01', lun=LUN1, mount='/dev/other', fcps=['1A09', '1B09']))   # another volume
    before = state(sim, 'LINUX01')
    fault, undone = ATTACH_FAILURES[step]
    if isinstance(fault, str):
        sim.node_fault(fault)
    else:
        sim.fault(times=1, **fault)
    with pytest.raises(SDKVolumeOperationError) as failed:
        sdk.volume_attach(info('LINUX01'))
    assert undone in '; '.join(failed.value.undone) and failed.value.not_undone == []
    assert 'undone: ' in str(failed.value)
    assert state(sim, 'LINUX01') == before
    if step in ('records',):
        last = sim.reader('LINUX01')[-1]
        assert (last['name'], last['type']) == ('DEVOL', 'SH')        # the attach script's undo


def test_a_dedication_whose_reply_was_lost_is_undone_too(sim, sdk):
    """The server carried out the second dedication and the connection broke
    before its reply: the write is not sent again, and the rollback undoes it
    as well (the undo tolerates "not dedicated")."""
    before = state(sim, 'LINUX02')
    sim.fault(function='Image_Device_Dedicate_DM', action='close_after_id', every=2, times=1)
    with pytest.raises(SDKVolumeOperationError) as failed:
        sdk.volume_attach(info('LINUX02'))
    assert failed.value.undone == [
        'dedicate FCP device 1B00 to LINUX02 in the directory (its reply was lost: it may have been done)',
        'dedicate FCP device 1A00 to LINUX02 in the directory']
    assert state(sim, 'LINUX02') == before


def test_a_failed_detach_is_rolled_back(sim, sdk):
    sdk.volume_attach(info('LINUX01'))
    before = state(sim, 'LINUX01')
    sim.fault(function='Image_Device_Undedicate_DM', rc=596, rs=1, times=1, every=2)
    with pytest.raises(SDKVolumeOperationError) as failed:
        sdk.volume_detach(info('LINUX01'))
    assert failed.value.undone[-1] == 'punch the detach script to LINUX01'
    assert state(sim, 'LINUX01') == before


def test_without_rollback_the_error_says_what_is_left(sim, sdk):
    sim.fault(function='Image_Replace_DM', rc=596, rs=1, times=1)
    with pytest.raises(SDKVolumeOperationError, match='not undone') as failed:
        sdk.volume_attach(info('LINUX02', do_rollback=False))
    assert failed.value.undone == [] and len(failed.value.not_undone) == 3
    assert dedicated(sim, 'LINUX02') == [('1A00', '1A00'), ('1B00', '1B00')]
    assert sdk.volume_attach(info('LINUX02'))['recorded'] is True        # a later run completes it


def test_an_undo_that_fails_is_reported(sim, sdk):
    sim.fault(function='Image_Replace_DM', rc=596, rs=1, times=1)
    sim.fault(function='Image_Device_Undedicate_DM', rc=596, rs=1, times=1)
    with pytest.raises(SDKVolumeOperationError, match='not undone: dedicate FCP device 1B00') as failed:
        sdk.volume_attach(info('LINUX02'))
    assert 'dedicate FCP device 1A00 to LINUX02 in the directory' in failed.value.undone
    assert dedicated(sim, 'LINUX02') == [('1B00', '1B00')]


# -- concurrency --------------------------------------------------------------------------------------------

def test_eight_guests_attach_at_once_from_one_candidate_list(sim):
    candidates = ['%04X' % (0x1A00 + n) for n in range(10)] + ['%04X' % (0x1B00 + n) for n in range(10)]
    results, errors = {}, []

    def attach(userid):
        sdk = make_sdk(sim)
        try:
            results[userid] = sdk.volume_attach({
                'assigner_id': userid, 'fcp_candidates': candidates, 'fcp_count': 2, 'target_wwpn': [W1],
                'target_lun': LUN0, 'mount_point': '/dev/shared'})
        except Exception as e:      # noqa: BLE001 - collected and asserted below
            errors.append('%s: %s' % (userid, e))
        finally:
            sdk.close()
    threads = [threading.Thread(target=attach, args=(u,)) for u in FLEET]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    owners = {}
    for userid in FLEET:
        mine = dedicated(sim, userid)
        assert len(mine) == 2 and {m[0][:2] for m in mine} == {'1A', '1B'}, (userid, mine)     # two CHPIDs
        assert sorted(results[userid]['volume']['fcps']) == sorted(v for v, _r in mine)
        for _vdev, rdev in mine:
            assert rdev not in owners, '%s dedicated to %s and %s' % (rdev, owners.get(rdev), userid)
            owners[rdev] = userid
    assert len(owners) == 16


def racing_claims(monkeypatch, sim, steal):
    """Make the check after the dedication find that another controller
    dedicated ``steal`` to LINUX03 meanwhile (a real DEDICATE, written then)."""
    real = fcp_ops.directory_claims
    seen = []

    def claims(session):
        seen.append(1)
        if len(seen) == 2:
            thief = make_sdk(sim, node=False)
            thief.session.call('Image_Device_Dedicate_DM', 'LINUX03', image_device_number=steal,
                               real_device_number=steal, readonly=0)
        return real(session)
    monkeypatch.setattr(fcp_ops, 'directory_claims', claims)


def test_a_device_another_controller_takes_at_the_same_time_is_given_back(sim, sdk, monkeypatch):
    racing_claims(monkeypatch, sim, '1A00')
    with pytest.raises(SDKVolumeOperationError, match='another guest took FCP device 1A00') as failed:
        sdk.volume_attach(info('LINUX02'))
    assert len(failed.value.undone) == 2 and failed.value.rs == 409
    assert dedicated(sim, 'LINUX02') == [] and dedicated(sim, 'LINUX03') == [('1A00', '1A00')]


def test_from_candidates_a_device_taken_meanwhile_is_replaced(sim, sdk, monkeypatch):
    racing_claims(monkeypatch, sim, '1A00')
    result = sdk.volume_attach(dict(info('LINUX02'), zvm_fcp=None, fcp_candidates=['1A00', '1A01', '1B00'],
                                    fcp_count=2))
    assert result['volume']['fcps'] == ['1A01', '1B00'] and dedicated(sim, 'LINUX03') == [('1A00', '1A00')]


# -- queries ------------------------------------------------------------------------------------------------

def test_fcp_queries(sim, sdk):
    sdk.volume_attach(info('LINUX01', fcps=['1A00']))
    every = sdk.fcp_list()
    assert len(every) == 21 and every[0]['npiv_wwpn'] == 'c05076ffff001a00'
    assert [d['fcp'] for d in sdk.fcp_list(free=False)] == ['1A00', '1C00']
    assert len(sdk.fcp_list(free=True, chpid='51')) == 10
    with pytest.raises(SDKObjectNotExistError):
        sdk.fcp_list(fcp='5000')
    assert sdk.get_fcp_usage('1B00') == ['', 0, 0, None]
    luns = sdk.fcp_free_luns('1a00')
    assert [(x['wwpn'], x['lun'], x['size']) for x in luns][:2] == [(W1, LUN0, 10 << 30), (W1, LUN1, 10 << 30)]
    with pytest.raises(SDKObjectNotExistError):
        sdk.fcp_free_luns('5000')
    with pytest.raises(SDKObjectNotExistError):
        sdk.guest_volumes('NOSUCH')
