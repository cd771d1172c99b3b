# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zvm.cloud.zvm_facts in-process against zvmsim: bad options, every
subset with the SMAPI calls it makes, exclusions and name filters,
logged-on versus logged-off guests, concurrency, one-line connection
errors, a result of facts only, and the preflight (all allowed, some
refused, bad credentials, no server).  (tests/integration/test_zvm_facts.py runs it through Ansible.)"""

import json

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils import gather, preflight
from ansible_collections.zvm.cloud.plugins.module_utils.operations import entries, vswitches
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.api import SDKAPI
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.client import SmapiClient
from ansible_collections.zvm.cloud.plugins.modules import zvm_facts
from tests.integration.conftest import TEST_SYSTEM
from zvmsim.testing import SimServer

ON, OFF = 'FCTON1', 'FCTOFF1'
STATS_KEYS = set(['guest_cpus', 'used_cpu_time_us', 'elapsed_cpu_time_us', 'min_cpu_count', 'max_cpu_limit',
                  'samples_cpu_in_use', 'samples_cpu_delay', 'used_mem_kb', 'max_mem_kb', 'min_mem_kb',
                  'shared_mem_kb'])


@pytest.fixture(scope='module')
def guests(sim):
    """FCTON1 logged on with a NIC coupled to VSW1; FCTOFF1 logged off."""
    sdk = SDKAPI(host='127.0.0.1', port=sim.port, userid='MAINT', password='MAINT')
    for name, vcpus, memory in ((ON, 2, 2048), (OFF, 1, 1024)):
        sdk.guest_create(name, vcpus, memory, max_cpu=4, max_mem='4G', user_profile='IBMDFLT',
                         disk_list=[{'vdev': '0100', 'size': '100', 'disk_pool': 'ECKD:POOL1'}],
                         comment_list=['ANSIBLE_HOST=10.9.8.%d' % vcpus])
        entries.modify(sdk.session, name, lambda e: e.add_nic('1000', vswitch='VSW1'))
    vswitches.grant(sdk.session, 'VSW1', ON)
    sdk.guest_start(ON)
    return ON, OFF


@pytest.fixture
def facts(run_module, guests):
    """``facts(**options)``: run zvm_facts (with a password that masks no
    guest name) and return (the zvm fact, the sorted SMAPI functions it
    called, the result)."""
    def run(**options):
        options.setdefault('smapi_password', 'maint')    # z/VM compares passwords without case
        res = run_module(zvm_facts, **options)
        assert not res.failed, res
        assert res['changed'] is False and res.writes == []
        # only facts: the run's call counts are in the zvm fact, and there are no actions
        assert set(res) - set(['invocation', 'warnings']) == set(['changed', 'ansible_facts']), sorted(res)
        return res['ansible_facts']['zvm'], sorted(c['function'] for c in res.calls), res
    return run


# -- bad options ----------------------------------------------------------------------------------

@pytest.mark.parametrize('options, message', [
    (dict(gather_subset=['guests', 'disks']), "gather_subset: 'disks' is not a subset; choose from all, host, "),
    (dict(gather_subset=['!hosts']), "gather_subset: '!hosts' is not a subset"),
    (dict(guests=['LINUX.*']), "guests: 'LINUX.*' is not a guest name or pattern"),
    (dict(guests=['']), "guests: '' is not a guest name or pattern"),
    (dict(max_connections=0), 'max_connections: 0 is not a number of connections from 1 to 64'),
    (dict(max_connections=65), 'max_connections: 65 is not a number of connections from 1 to 64'),
])
@pytest.mark.parametrize('check', [False, True], ids=['real', 'check'])
def test_bad_options_fail_in_one_line_without_calls(run_module, options, message, check):
    res = run_module(zvm_facts, check=check, **options)
    assert res.failed
    assert res['msg'].startswith(message) and '\n' not in res['msg'], res['msg']
    assert 'exception' not in res and res.calls == []
    assert res['smapi_calls'] == {'reads': 0, 'writes': 0}


def test_bad_credentials_and_unreachable_host_fail_in_one_line(run_module, monkeypatch):
    monkeypatch.setattr(SmapiClient, '_delay', lambda self, attempt: 0)     # the retries, without their backoff
    res = run_module(zvm_facts, gather_subset='guests', smapi_password='WRONG')
    assert res.failed and 'exception' not in res
    assert 'RC 120' in res['msg'] and 'userid or password not valid' in res['msg'] and '\n' not in res['msg']
    assert res['smapi']['rc'] == 120

    res = run_module(zvm_facts, gather_subset='guests', smapi_host='127.0.0.1', smapi_port=1, smapi_timeout=5)
    assert res.failed and 'exception' not in res
    assert res['msg'].startswith('cannot connect to the SMAPI server') and '127.0.0.1:1' in res['msg']
    assert '\n' not in res['msg']


# -- subsets and the calls they make ----------------------------------------------------------------

def test_guests_subset_is_two_bulk_calls(facts):
    zvm, functions, _res = facts(gather_subset='guests', guests=['FCT*'])
    assert zvm['smapi_calls'] == {'reads': 2, 'writes': 0}
    del zvm['smapi_calls']
    assert zvm == {'gather_subset': ['guests'],
                   'guests': {OFF: {'userid': OFF, 'power_state': 'off'}, ON: {'userid': ON, 'power_state': 'on'}}}
    assert functions == ['Image_Name_Query_DM', 'Image_Status_Query']


def test_definitions_subset_reads_only_the_selected_guests(facts, run_module):
    zvm, functions, res = facts(gather_subset='definitions', guests=['fct*'])
    assert zvm['gather_subset'] == ['guests', 'definitions']
    on, off = zvm['guests'][ON], zvm['guests'][OFF]
    assert (on['memory'], on['memory_mb'], on['max_memory'], on['vcpus'], on['max_vcpus'], on['profile']) == \
        ('2G', 2048, '4G', 2, 4, 'IBMDFLT')
    assert (off['memory'], off['vcpus'], off['power_state']) == ('1G', 1, 'off')
    assert [(d['vdev'], d['devtype'], d['size']) for d in on['disks']] == [('0100', '3390', 100)]
    assert [(n['vdev'], n['vswitch']) for n in on['nics']] == [('1000', 'VSW1')]
    assert on['comments'] == ['ANSIBLE_HOST=10.9.8.2']
    assert on['reader_files'] == off['reader_files'] == {'count': 0, 'files': []}
    # one directory read, and each guest's reader
    assert functions == ['Image_Name_Query_DM', 'Image_Status_Query', 'Query_All_DM'] + ['System_RDR_File_Query'] * 2
    assert zvm['directory_read'] == 'query_all'
    without, functions, _res = facts(gather_subset='definitions', guests=['fct*'], reader_files=False)
    assert 'reader_files' not in without['guests'][ON]
    assert functions == ['Image_Name_Query_DM', 'Image_Status_Query', 'Query_All_DM']


def test_definitions_show_the_files_waiting_in_each_reader(facts, sim):
    from zvmsim.node import spool
    with sim.store().transaction(write=True) as tx:
        spool.punch(tx, OFF, 'ZVMNODE', 'NETWORK', 'DOSCRIPT', 'X', b'x' * 200, 0)
        spool.punch(tx, OFF, 'ZVMNODE', 'CFGDRIVE', 'ISO', 'X', b'y' * 81, 0)
    try:
        zvm, _functions, _res = facts(gather_subset='definitions', guests=[OFF])
        files = zvm['guests'][OFF]['reader_files']
        assert files['count'] == 2
        assert [(f['name'], f['type'], f['class'], f['origin'], f['records']) for f in files['files']] == \
            [('NETWORK', 'DOSCRIPT', 'X', 'ZVMNODE', 3), ('CFGDRIVE', 'ISO', 'X', 'ZVMNODE', 2)]
        assert all(isinstance(f['spoolid'], int) for f in files['files'])
    finally:
        with sim.store().transaction(write=True) as tx:
            for f in spool.files(tx, OFF):
                spool.purge(tx, f)


def test_reader_files_are_null_where_the_smapi_user_may_not_read_readers(run_module):
    config = dict(TEST_SYSTEM, smapi={'authorizations': [{'user': 'MAINT', 'function': 'ALL', 'target': 'ALL'}] + [
        {'user': 'OPERATOR', 'function': f, 'target': 'ALL'} for f in ('Image_*', 'Query_All_DM')]})
    with SimServer(config=config) as other:
        mark = other.mark()
        res = run_module(zvm_facts, gather_subset='definitions', guests=['LINUX0*'], smapi_port=other.port,
                         smapi_user='OPERATOR', smapi_password='operator')
        calls = other.calls(since=mark)
    assert not res.failed, res
    guests = res['ansible_facts']['zvm']['guests']
    assert len(guests) > 1 and all(g['reader_files'] is None for g in guests.values())
    # one refusal, not one per guest
    assert [(c['rc'], c['rs']) for c in calls if c['function'] == 'System_RDR_File_Query'] == [(100, 16)]


def test_stats_only_for_the_running_guest(facts):
    zvm, functions, _res = facts(gather_subset='stats', guests=['FCT*'])
    assert zvm['gather_subset'] == ['guests', 'stats']
    on, off = zvm['guests'][ON], zvm['guests'][OFF]
    assert 'stats' not in off
    assert set(on['stats']) == STATS_KEYS
    assert (on['stats']['guest_cpus'], on['stats']['used_mem_kb']) == (2, 2 * 1024 * 1024)
    assert functions == ['Image_Name_Query_DM', 'Image_Performance_Query', 'Image_Status_Query']


def test_nics_coupled_now(facts, sim):
    zvm, functions, _res = facts(gather_subset='nics', guests=['FCT*'])
    assert zvm['guests'][OFF]['active_nics'] == []
    [nic] = zvm['guests'][ON]['active_nics']
    adapter = [a for a in sim.dump()['adapters'] if a['userid'] == ON][0]
    assert (nic['vdev'], nic['vswitch'], nic['type']) == ('1000', 'VSW1', 'QDIO')
    assert nic['mac_address'] == adapter['mac'].replace('-', ':')
    assert isinstance(nic['rx_bytes'], int) and isinstance(nic['tx_frames'], int)
    assert functions == ['Image_Name_Query_DM', 'Image_Status_Query', 'Virtual_Network_Vswitch_Query_Byte_Stats',
                         'Virtual_Network_Vswitch_Query_Extended']


def test_vswitches_with_grants_and_connected_nics(facts, sim):
    zvm, functions, _res = facts(gather_subset='vswitches')
    assert sorted(zvm['vswitches']) == sorted(v['name'] for v in sim.dump()['vswitches'])
    vsw1 = zvm['vswitches']['VSW1']
    assert ON in [g['userid'] for g in vsw1['grants']]
    assert (ON, '1000') in [(n['userid'], n['vdev']) for n in vsw1['connected_nics']]
    assert OFF not in [n['userid'] for n in vsw1['connected_nics']]
    assert (vsw1['vlan_aware'], vsw1['status']) == (False, 'OSA device ready')
    assert zvm['vswitches']['VSWTRUNK']['vlan_aware'] is True
    assert functions == ['Virtual_Network_Vswitch_Query_Extended']


def test_host_subset(facts):
    zvm, functions, _res = facts(gather_subset='host')
    host = zvm['host']
    assert (host['level'], host['storage'], host['cpus'], host['hypervisor_version']) == ('7.3.0', '64G', 4, 730)
    assert host['memory_mb'] == 65536 and host['memory_mb_used'] > 0
    assert host['ipl_time'].startswith('IPL at ') and host['zcc_userid'] == 'MAINT'
    assert functions == ['System_Information_Query', 'System_Performance_Information_Query']


def test_diskpools_match_the_allocations(facts, guests, sim):
    zvm, functions, _res = facts(gather_subset='diskpools')
    pools = zvm['diskpools']
    assert sorted(pools) == ['FBAPOOL', 'POOL1', 'POOL2', 'SMALL']
    extents = sim.dump()['extents']
    for name, pool in pools.items():
        for vol in pool['volumes']:
            assert vol['used'] == sum(e['size'] for e in extents if e['volid'] == vol['volume']), (name, vol)
            assert vol['total'] == vol['used'] + vol['free']
        assert pool['used'] == sum(v['used'] for v in pool['volumes'])
    assert (pools['POOL1']['type'], pools['POOL1']['unit']) == ('ECKD', 'cylinders')
    assert pools['POOL1']['free_bytes'] == pools['POOL1']['free'] * 737280
    assert (pools['FBAPOOL']['type'], pools['FBAPOOL']['unit']) == ('FBA', 'blocks')
    assert [v['volume'] for v in pools['POOL1']['volumes']] == ['LX0100', 'LX0101']
    assert functions == ['Image_Volume_Space_Query_DM'] * (1 + 2 * 4)


# -- subsets and filters ------------------------------------------------------------------------------

@pytest.mark.parametrize('subsets, gathered', [
    (['all', '!definitions', '!host', '!diskpools', '!vswitches', '!nics'], ['guests', 'stats']),
    (['!definitions', '!stats', '!nics', '!diskpools'], ['host', 'guests', 'vswitches']),
    (['all', '!guests'], ['host', 'diskpools', 'vswitches']),
    (['!all', 'HOST'], ['host']),
    (['definitions', '!guests'], ['guests', 'definitions']),
])
def test_exclusions(facts, subsets, gathered):
    zvm, _functions, _res = facts(gather_subset=subsets, guests=['FCT*'])
    assert zvm['gather_subset'] == gathered
    assert set(zvm) == set(['gather_subset', 'smapi_calls']) | (set(gathered) - set(['definitions', 'stats', 'nics'])) | \
        (set(['directory_read']) if 'definitions' in gathered else set())
    if 'guests' in zvm:
        on = zvm['guests'][ON]
        assert ('memory' in on, 'stats' in on, 'active_nics' in on) == \
            ('definitions' in gathered, 'stats' in gathered, 'nics' in gathered)


def test_guest_patterns_and_names(facts):
    zvm, _functions, _res = facts(gather_subset='guests', guests=['fcto?1', 'NOSUCH*'])
    assert list(zvm['guests']) == [ON]
    zvm, _functions, _res = facts(gather_subset='guests', guests=['FCT[O]FF1', ON.lower()])
    assert list(zvm['guests']) == [OFF, ON]
    zvm, _functions, _res = facts(gather_subset='guests')
    assert len(zvm['guests']) > 5 and list(zvm['guests']) == sorted(zvm['guests'])


def test_concurrent_reads_equal_serial_ones(facts):
    serial, _functions, _res = facts(gather_subset='definitions', max_connections=1)
    concurrent, _functions, _res = facts(gather_subset='definitions', max_connections=16)
    assert len(serial['guests']) > 5
    assert json.dumps(serial, sort_keys=False) == json.dumps(concurrent, sort_keys=False)


def test_check_mode_reads_the_same(facts, run_module):
    zvm, _functions, _res = facts(gather_subset=['guests', 'host'], guests=['FCT*'])
    res = run_module(zvm_facts, check=True, gather_subset=['guests', 'host'], guests=['FCT*'], smapi_password='maint')
    assert not res.failed and res['changed'] is False and res.writes == []
    checked = res['ansible_facts']['zvm']
    assert checked['guests'] == zvm['guests'] and checked['host']['level'] == zvm['host']['level']


# -- preflight ------------------------------------------------------------------------------------------

CHECK_KEYS = set(['capability', 'functions', 'ok', 'rc', 'rs', 'meaning', 'hint'])


@pytest.mark.parametrize('requested, resolved', [
    (['preflight'], ['preflight']),
    (['all'], list(gather.SUBSETS)),
    (['!stats'], [s for s in gather.SUBSETS if s != 'stats']),
    (['guests', 'PREFLIGHT'], ['guests', 'preflight']),
    (['all', 'preflight', '!host'], [s for s in gather.SUBSETS if s != 'host'] + ['preflight']),
])
def test_preflight_only_when_named(requested, resolved):
    assert gather.resolve_subsets(requested) == resolved


def test_preflight_tries_each_capability_with_reads_only(facts):
    zvm, functions, _res = facts(gather_subset='preflight')
    assert zvm['gather_subset'] == ['preflight'] and set(zvm) == set(['gather_subset', 'preflight', 'smapi_calls'])
    checks = zvm['preflight']
    assert all(set(c) == CHECK_KEYS for c in checks)
    assert [c['capability'] for c in checks] == [preflight.CONNECT] + [p[0] for p in preflight.PROBES] + \
        [w[0] for w in preflight.WRITES]
    assert [c['ok'] for c in checks] == [True] * (1 + len(preflight.PROBES)) + [None] * len(preflight.WRITES)
    # each check makes exactly the requests it names, once, and none writes
    tried = sorted(f for c in checks if c['ok'] for f in c['functions'])
    assert functions == tried and zvm['smapi_calls'] == {'reads': len(tried), 'writes': 0}
    assert all((c['rc'], c['rs'], c['hint']) == (0, 0, None) for c in checks if c['ok'])
    assert checks[0]['meaning'] == 'MAINT authenticated'
    by_name = dict((c['capability'], c) for c in checks)
    assert by_name['disk pools']['meaning'] == '4 disk pools: FBAPOOL, POOL1, POOL2, SMALL'
    writes = by_name['directory changes']
    assert writes['meaning'].startswith('not checked: it needs a write') and 'Image_Lock_DM' in writes['functions']
    assert 'DIRM FOR ALL AUTHFOR MAINT' in writes['hint'] and (writes['rc'], writes['rs']) == (None, None)


# OPERATOR may call the Image_*, System_* and Profile_* functions and Query_All_DM on any
# target, but no Virtual_Network_* function, nor Check_Authentication; DirMaint refuses it
# Query_All_DM
REFUSING = dict(TEST_SYSTEM, directory={'query_all_authorized': ['MAINT']}, smapi={'authorizations': [
    {'user': 'MAINT', 'function': 'ALL', 'target': 'ALL'}] + [
    {'user': 'OPERATOR', 'function': f, 'target': 'ALL'} for f in ('Image_*', 'System_*', 'Profile_*', 'Query_All_DM')]})


def test_preflight_says_what_is_refused_and_what_to_set_up(run_module):
    with SimServer(config=REFUSING) as other:
        mark = other.mark()
        res = run_module(zvm_facts, gather_subset='preflight', smapi_port=other.port, smapi_user='OPERATOR',
                         smapi_password='operator')
        calls = other.calls(since=mark)
    assert not res.failed and res['changed'] is False, res
    checks = dict((c['capability'], c) for c in res['ansible_facts']['zvm']['preflight'])
    refused = sorted(name for name, c in checks.items() if c['ok'] is False)
    assert refused == ['NIC traffic counters', "a running guest's NICs", 'read the whole directory',
                       'search the directory', 'virtual switches']
    # authenticated (a wrong password is 120): not being authorized for Check_Authentication itself does not matter
    connect = checks['connect and authenticate']
    assert (connect['ok'], connect['rc'], connect['rs'], connect['hint']) == (True, 100, 16, None)
    whole = checks['read the whole directory']
    assert (whole['rc'], whole['rs'], whole['meaning']) == (100, 12, 'Request not authorized by directory manager')
    assert whole['hint'].startswith("optional: without it, each guest's entry is read by itself")
    assert 'DIRM FOR ALL AUTHFOR OPERATOR CMDL 140A CMDS ADGHOPS' in whole['hint']
    switches = checks['virtual switches']
    assert (switches['rc'], switches['rs'], switches['meaning']) == (100, 16, 'Request not authorized by server')
    assert ('function Virtual_Network_Vswitch_Query_Extended (or ALL) to SMAPI\'s authorization list (VSMWORK1 '
            'AUTHLIST)') in switches['hint'] and 'record for OPERATOR' in switches['hint']
    assert checks['power states']['ok'] is True and checks['host information']['ok'] is True
    # OPERATOR has no directory entry here: DirMaint's "not defined" is an answer all the same
    assert (checks['directory locks']['ok'], checks['directory locks']['rc']) == (True, 400)
    assert checks['directory locks']['meaning'] == 'answered (OPERATOR has no directory entry)'
    assert [c for c in calls if c['write']] == []
    assert [(c['rc'], c['rs']) for c in calls if c['function'] == 'Query_All_DM'] == [(100, 12)]


def test_preflight_reports_bad_credentials_and_an_unreachable_server(run_module, monkeypatch):
    monkeypatch.setattr(SmapiClient, '_delay', lambda self, attempt: 0)
    res = run_module(zvm_facts, gather_subset='preflight', smapi_password='WRONG')
    assert not res.failed, res
    first, rest = res['ansible_facts']['zvm']['preflight'][0], res['ansible_facts']['zvm']['preflight'][1:]
    assert (first['ok'], first['rc'], first['rs']) == (False, 120, 0)
    assert first['hint'].startswith('check smapi_user and smapi_password')
    assert all(c['ok'] is None and c['meaning'].startswith('not checked') for c in rest)
    assert [c['function'] for c in res.calls] == ['Check_Authentication']

    res = run_module(zvm_facts, gather_subset='preflight', smapi_port=1, smapi_timeout=5)
    first = res['ansible_facts']['zvm']['preflight'][0]
    assert not res.failed and first['ok'] is False and first['rc'] is None
    assert first['meaning'].startswith('cannot connect to the SMAPI server') and 'VSMREQIN' in first['hint']
