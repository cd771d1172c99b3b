# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zvm.cloud.zvm_facts against zvmsim: every subset, the SMAPI calls each
makes, logged-on versus logged-off guests, concurrency, check mode, ad hoc
use and one-line errors."""

import json
import os
import subprocess
import sys

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.sdk.api import SDKAPI
from tests.integration.conftest import ansible_bin

ON, OFF = 'FCTON1', 'FCTOFF1'


def facts_task(**options):
    return {'name': 'facts', 'zvm.cloud.zvm_facts': options, 'register': 'out'}


def facts_of(run):
    assert run.rc == 0, run
    result = run.result()
    assert result['changed'] is False
    return result['ansible_facts']['zvm']


def functions(run):
    return sorted(c['function'] for c in run.calls)


@pytest.fixture(scope='module')
def sdk(zvmsim):
    return SDKAPI(host='127.0.0.1', port=zvmsim.port, userid='MAINT', password='MAINT')


@pytest.fixture(scope='module')
def guests(sdk):
    """FCTON1 logged on with a NIC coupled to VSW1; FCTOFF1 logged off."""
    for name, vcpus, memory in ((ON, 2, 2048), (OFF, 1, 1024)):
        if sdk._directory(name) is None:
            sdk.guest_create(name, vcpus, memory, max_cpu=4, max_mem='4G', user_profile='IBMDFLT',
                             disk_list=[{'vdev': '0100', 'size': '100', 'disk_pool': 'ECKD:POOL1'}],
                             comment_list=['ANSIBLE_HOST=10.9.8.%d' % vcpus])
            sdk._modify_directory(name, lambda e: e.add_nic('1000', vswitch='VSW1'))
    sdk._call('Virtual_Network_Vswitch_Set_Extended', 'MAINT', switch_name='VSW1', grant_userid=ON,
              ok=[(212, 44)])
    sdk.guest_start(ON)
    return ON, OFF


def test_guests_subset_is_two_bulk_calls(play, guests):
    run = play([facts_task(gather_subset='guests', guests=['FCT*'])])
    facts = facts_of(run)
    assert facts['gather_subset'] == ['guests']
    assert facts['guests'] == {OFF: {'userid': OFF, 'power_state': 'off'},
                               ON: {'userid': ON, 'power_state': 'on'}}
    assert set(facts) == set(['gather_subset', 'guests'])
    assert functions(run) == ['Image_Name_Query_DM', 'Image_Status_Query']
    assert run.result()['smapi_calls'] == {'reads': 2, 'writes': 0}


def test_definitions_subset(play, guests):
    run = play([facts_task(gather_subset='definitions', guests=['fct*'])])
    facts = facts_of(run)
    assert facts['gather_subset'] == ['guests', 'definitions']
    on, off = facts['guests'][ON], facts['guests'][OFF]
    assert (on['memory'], on['memory_mb'], on['max_memory'], on['vcpus'], on['max_vcpus'], on['profile']) == \
        ('2G', 2048, '4G', 2, 4, 'IBMDFLT')
    assert (off['memory'], off['vcpus'], off['power_state']) == ('1G', 1, 'off')
    assert [(d['vdev'], d['devtype'], d['size']) for d in on['disks']] == [('0100', '3390', 100)]
    assert [(n['vdev'], n['vswitch']) for n in on['nics']] == [('1000', 'VSW1')]
    assert on['comments'] == ['ANSIBLE_HOST=10.9.8.2']
    assert functions(run) == ['Image_Name_Query_DM', 'Image_Query_DM', 'Image_Query_DM', 'Image_Status_Query']
    assert sorted(c['target'] for c in run.calls if c['function'] == 'Image_Query_DM') == [OFF, ON]


def test_stats_only_for_the_running_guest(play, guests):
    run = play([facts_task(gather_subset='stats', guests=['FCT*'])])
    facts = facts_of(run)
    on, off = facts['guests'][ON], facts['guests'][OFF]
    assert 'stats' not in off
    assert on['stats']['guest_cpus'] == 2
    assert on['stats']['used_mem_kb'] == 2 * 1024 * 1024
    assert set(on['stats']) == set(['guest_cpus', 'used_cpu_time_us', 'elapsed_cpu_time_us', 'min_cpu_count',
                                    'max_cpu_limit', 'samples_cpu_in_use', 'samples_cpu_delay', 'used_mem_kb',
                                    'max_mem_kb', 'min_mem_kb', 'shared_mem_kb'])
    assert functions(run) == ['Image_Name_Query_DM', 'Image_Performance_Query', 'Image_Status_Query']


def test_nics_coupled_now(play, guests, zvmsim):
    run = play([facts_task(gather_subset='nics', guests=['FCT*'])])
    facts = facts_of(run)
    assert facts['guests'][OFF]['active_nics'] == []
    [nic] = facts['guests'][ON]['active_nics']
    adapter = [a for a in zvmsim.dump()['adapters'] if a['userid'] == ON][0]
    assert (nic['vdev'], nic['vswitch'], nic['type']) == ('1000', 'VSW1', 'QDIO')
    assert nic['mac_address'] == adapter['mac'].replace('-', ':')
    assert isinstance(nic['rx_bytes'], int) and isinstance(nic['tx_frames'], int)
    assert functions(run) == ['Image_Name_Query_DM', 'Image_Status_Query', 'Virtual_Network_Vswitch_Query_Byte_Stats',
                              'Virtual_Network_Vswitch_Query_Extended']


def test_vswitches_with_grants_and_connected_nics(play, guests, zvmsim):
    run = play([facts_task(gather_subset='vswitches')])
    facts = facts_of(run)
    assert sorted(facts['vswitches']) == sorted(v['name'] for v in zvmsim.dump()['vswitches'])
    vsw1 = facts['vswitches']['VSW1']
    assert ON in [g['userid'] for g in vsw1['grants']]
    assert (ON, '1000') in [(n['userid'], n['vdev']) for n in vsw1['connected_nics']]
    assert OFF not in [n['userid'] for n in vsw1['connected_nics']]
    assert (vsw1['vlan_aware'], vsw1['status']) == (False, 'OSA device ready')
    assert facts['vswitches']['VSWTRUNK']['vlan_aware'] is True
    assert functions(run) == ['Virtual_Network_Vswitch_Query_Extended']


def test_host_subset(play):
    facts = facts_of(play([facts_task(gather_subset='host')]))
    host = facts['host']
    assert (host['level'], host['storage'], host['cpus'], host['hypervisor_version']) == ('7.3.0', '64G', 4, 730)
    assert host['memory_mb'] == 65536 and host['memory_mb_used'] > 0
    assert host['ipl_time'].startswith('IPL at ')


def test_diskpools_match_the_allocations(play, guests, zvmsim):
    run = play([facts_task(gather_subset='diskpools')])
    pools = facts_of(run)['diskpools']
    assert sorted(pools) == ['FBAPOOL', 'POOL1', 'POOL2', 'SMALL']
    extents = zvmsim.dump()['extents']
    for name, pool in pools.items():
        for vol in pool['volumes']:
            used = sum(e['size'] for e in extents if e['volid'] == vol['volume'])
            assert vol['used'] == used, (name, vol)
            assert vol['total'] == vol['used'] + vol['free']
        assert pool['used'] == sum(v['used'] for v in pool['volumes'])
    assert (pools['POOL1']['type'], pools['POOL1']['unit']) == ('ECKD', 'cylinders')
    assert pools['POOL1']['free_bytes'] == pools['POOL1']['free'] * 737280
    assert (pools['FBAPOOL']['type'], pools['FBAPOOL']['unit']) == ('FBA', 'blocks')
    assert [v['volume'] for v in pools['POOL1']['volumes']] == ['LX0100', 'LX0101']
    assert functions(run) == ['Image_Volume_Space_Query_DM'] * (1 + 2 * 4)


def test_all_in_check_mode_changes_nothing(play, guests):
    run = play([facts_task(guests=['FCT*'])], check=True)
    facts = facts_of(run)
    assert facts['gather_subset'] == ['host', 'diskpools', 'guests', 'definitions', 'vswitches', 'nics', 'stats']
    assert set(facts) == set(['gather_subset', 'host', 'diskpools', 'guests', 'vswitches'])
    assert run.writes == []
    assert set(facts['guests'][ON]) >= set(['memory', 'stats', 'active_nics', 'disks'])


def test_facts_become_host_variables(play, guests):
    checks = ["zvm.guests.%s.power_state == 'on'" % ON, 'ansible_facts.zvm.guests | length == 1']
    run = play([facts_task(gather_subset=['guests'], guests=[ON]),
                {'name': 'use', 'ansible.builtin.assert': {'that': checks}}])
    assert run.rc == 0, run


def test_exclusions(play, guests):
    facts = facts_of(play([facts_task(gather_subset=['all', '!definitions', '!host', '!diskpools',
                                                     '!vswitches', '!nics'], guests=['FCT*'])]))
    assert facts['gather_subset'] == ['guests', 'stats']
    assert 'memory' not in facts['guests'][ON] and 'stats' in facts['guests'][ON]


def test_concurrent_reads_equal_serial_ones(play, guests):
    serial = facts_of(play([facts_task(gather_subset='definitions', max_connections=1)]))
    concurrent = facts_of(play([facts_task(gather_subset='definitions', max_connections=16)]))
    assert len(serial['guests']) > 5
    assert json.dumps(serial, sort_keys=False) == json.dumps(concurrent, sort_keys=False)


@pytest.mark.parametrize('options, message', [
    (dict(gather_subset=['guests', 'disks']), "gather_subset: 'disks' is not a subset"),
    (dict(guests=['LINUX.*']), "guests: 'LINUX.*' is not a guest name or pattern"),
    (dict(max_connections=0), 'max_connections: 0 is not a number of connections from 1 to 64'),
])
def test_bad_options_fail_in_one_line_without_calls(play, options, message):
    run = play([facts_task(**options)])
    assert run.rc != 0
    msg = run.result()['msg']
    assert msg.startswith(message) and '\n' not in msg
    assert run.calls == []


def test_bad_credentials_and_unreachable_host_fail_in_one_line(play):
    run = play([facts_task(gather_subset='guests', smapi_password='WRONG')])
    assert run.rc != 0
    result = run.result()
    assert 'RC 120' in result['msg'] and 'userid or password not valid' in result['msg']
    assert '\n' not in result['msg'] and 'Traceback' not in result.get('exception', '') + run.stdout
    assert result['smapi']['rc'] == 120

    run = play([facts_task(gather_subset='guests', smapi_host='127.0.0.1', smapi_port=1, smapi_timeout=5)])
    assert run.rc != 0
    result = run.result()
    assert result['msg'].startswith('cannot connect to the SMAPI server') and '127.0.0.1:1' in result['msg']
    assert '\n' not in result['msg'] and 'Traceback' not in result.get('exception', '') + run.stdout


def test_ad_hoc_gives_a_readable_result(zvmsim, collections_path, guests, tmp_path):
    env = dict(os.environ)
    env.update({'ANSIBLE_COLLECTIONS_PATH': collections_path, 'ANSIBLE_LOCALHOST_WARNING': 'false',
                'ANSIBLE_INVENTORY_UNPARSED_WARNING': 'false', 'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
                'ANSIBLE_HOME': str(tmp_path / '.ansible'), 'ANSIBLE_NOCOLOR': '1'})
    # z/VM (and zvmsim) compare passwords without case: a password spelled unlike any
    # guest name keeps Ansible's no_log masking out of the facts
    env.update(zvmsim.env(password='maint'))
    proc = subprocess.run([ansible_bin('ansible'), 'localhost', '-m', 'zvm.cloud.zvm_facts',
                           '-a', 'gather_subset=guests guests=FCT*'], env=env, cwd=str(tmp_path),
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith('localhost | SUCCESS => {')
    result = json.loads(proc.stdout.split('=>', 1)[1])
    assert result['ansible_facts']['zvm']['guests'][ON] == {'userid': ON, 'power_state': 'on'}
    assert result['changed'] is False
