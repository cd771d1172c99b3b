# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zvm.cloud.zvm_vswitch in-process against zvmsim: bad input, what
cannot change in place, planning in check mode, grants and the running
NICs a regrant couples again (each real run paired with its check-mode
prediction).  End-to-end runs through ansible-playbook are in
tests/integration/test_zvm_vswitch.py."""

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.smapi.client import SmapiClient
from ansible_collections.zvm.cloud.plugins.modules import zvm_vswitch


def client(sim):
    return SmapiClient('127.0.0.1', 'MAINT', 'MAINT', port=sim.port)


def switch(sim, name):
    return next((v for v in sim.dump()['vswitches'] if v['name'] == name), None)


def grants(sim, name):
    sw = switch(sim, name)
    return dict((g['userid'], g) for g in sw['grants']) if sw else None


def functions(res):
    return [c['function'] for c in res.writes]


def warnings(res):
    """The warning texts of a result (plain strings, or ansible-core 2.19's summaries)."""
    return [w['event']['msg'] if isinstance(w, dict) else w for w in res.get('warnings') or []]


@pytest.fixture(scope='module')
def unaware(sim):
    """TVSWU: a VLAN UNAWARE switch without real devices."""
    c = client(sim)
    c.call('Virtual_Network_Vswitch_Create_Extended', c.userid, switch_name='TVSWU', persist='NO')
    return 'TVSWU'


# -- bad input: one line naming the field, no traceback, nothing written ------------------------------

@pytest.mark.parametrize('options,message', [
    (dict(name='TOOLONGVSW'), "name: 'TOOLONGVSW' is not a valid"),
    (dict(name='TVSWBAD', vlan_id='100', grants=[{'userid': 'U1', 'vlan_ids': ['5000']}]),
     'grants[1].vlan_ids: 5000 is not a VLAN ID'),
    (dict(name='TVSWBAD', vlan_id='100', grants=[{'userid': 'U1', 'vlan_ids': ['20-10']}]),
     "grants[1].vlan_ids: '20-10' is not a VLAN ID or a range"),
    (dict(name='TVSWBAD', grants=[{'userid': 'TOOLONGUSER'}]), 'grants[1].userid'),
    (dict(name='TVSWBAD', grants=[{'userid': 'U1'}, {'userid': 'u1'}]), 'grants[2].userid: U1 is declared twice'),
    (dict(name='TVSWBAD', grants=[{'vlan_ids': ['5']}]), 'userid'),
    (dict(name='TVSWBAD', grants=[{'userid': 'U1', 'port_type': 'HYBRID'}]), 'port_type'),
    (dict(name='TVSWBAD', vlan_id='4095'), 'vlan_id: 4095 is not a VLAN ID'),
    (dict(name='TVSWBAD', vlan_id='lots'), "vlan_id: 'lots' is not a VLAN ID"),
    (dict(name='TVSWBAD', native_vlan_id=0, vlan_id='AWARE'), 'native_vlan_id: 0 is not a VLAN ID'),
    (dict(name='TVSWBAD', grants=[{'userid': 'U1', 'vlan_ids': ['100']}]),
     'grants[1].vlan_ids: the switch is VLAN UNAWARE'),
    (dict(name='TVSWBAD', grants=[{'userid': 'U1', 'port_type': 'TRUNK'}]),
     'grants[1].port_type: the switch is VLAN UNAWARE'),
    (dict(name='TVSWBAD', vlan_id='100', grants=[{'userid': 'U1', 'vlan_ids': ['100', '101']}]),
     'grants[1].vlan_ids: an ACCESS port has one VLAN, got 100-101; use port_type: TRUNK'),
    (dict(name='TVSWBAD', real_device_address='XYZ'), "real_device_address: 'XYZ' is not a real device number"),
    (dict(name='TVSWBAD', real_device_address='0600 0601 0602 0603'), 'real_device_address: at most 3 real devices'),
    (dict(name='TVSWBAD', router='PRIROUTER', network_type='ETHERNET'), 'router: only an IP switch routes'),
    (dict(name='TVSWBAD', port_type='TRUNK', vlan_id='UNAWARE'), 'port_type: a VLAN UNAWARE switch'),
    (dict(name='TVSWBAD', gvrp=True, vlan_id='UNAWARE'), 'gvrp: a VLAN UNAWARE switch'),
    (dict(name='TVSWBAD', queue_memory_limit=9), 'queue_memory_limit: 9 is not a number of megabytes from 1 to 8'),
    (dict(name='TVSWBAD', controller='TOO LONG'), "controller: 'TOO LONG' is not a valid"),
    (dict(name='TVSWBAD', network_type='TOKENRING'), 'network_type'),
    (dict(name='TVSWU', network_type='IP', vlan_id='200', queue_memory_limit=2),
     'vswitch TVSWU: SET VSWITCH cannot change network_type ETHERNET -> IP; vlan_id UNAWARE -> 200 in place; '
     'nothing was changed'),
    (dict(name='TVSWU', port_type='TRUNK'), 'cannot change port_type TRUNK on a VLAN UNAWARE switch in place'),
])
@pytest.mark.parametrize('check', [True, False], ids=['check', 'real'])
def test_bad_input_fails_clearly_and_changes_nothing(run_module, sim, unaware, options, message, check):
    before = sim.dump()['vswitches']
    res = run_module(zvm_vswitch, check=check, **options)
    assert res.failed, res
    assert message in res['msg'], res['msg']
    assert '\n' not in res['msg'] and 'Traceback' not in res['msg'] and 'exception' not in res
    assert res.writes == []
    assert sim.dump()['vswitches'] == before


def test_what_cp_refuses_is_reported_with_its_codes(run_module, sim):
    res = run_module(zvm_vswitch, name='TVSWBAD', real_device_address='0999')
    assert res.failed and 'RC 396 RS 40' in res['msg'] and res['smapi']['rc'] == 396
    assert res['actions'] == [] and res['failed_actions'] == ['create vswitch TVSWBAD (ETHERNET, VLAN UNAWARE, '
                                                              'real devices 0999)']
    assert switch(sim, 'TVSWBAD') is None


# -- planning (check mode) -----------------------------------------------------------------------------

def test_check_mode_plans_a_new_switch_and_its_grants(run_module, sim):
    declared = [{'userid': 'CHKU1', 'vlan_ids': ['7']}, {'userid': 'CHKU2', 'port_type': 'TRUNK', 'vlan_ids': ['7-9']}]
    res = run_module(zvm_vswitch, check=True, diff=True, name='TVSWC', vlan_id='AWARE', grants=declared)
    assert res['changed'] and res.writes == [] and switch(sim, 'TVSWC') is None
    assert res['actions'] == ['create vswitch TVSWC (ETHERNET, VLAN 1, no real devices)',
                              'grant CHKU1 on TVSWC VLAN 7', 'grant CHKU2 on TVSWC VLAN 7-9 PORTTYPE TRUNK']
    assert res['vswitch'] == {'name': 'TVSWC', 'real_device_address': [], 'controller': None, 'connection': None,
                              'network_type': 'ETHERNET', 'router': None, 'vlan_id': 1, 'port_type': 'ACCESS',
                              'native_vlan_id': 1, 'gvrp': True, 'queue_memory_limit': 8}
    assert res['grants'][1] == {'userid': 'CHKU2', 'vlan_ids': [7, 8, 9], 'promiscuous': False, 'port_type': 'TRUNK'}
    assert res['diff']['before'] == ''
    assert 'vlan_id: 1\n' in res['diff']['after'] and '  CHKU1 VLAN 7\n' in res['diff']['after']
    assert [c['function'] for c in res.reads] == ['Virtual_Network_Vswitch_Query_Extended']


def test_check_mode_plans_changes_of_an_existing_switch(run_module, sim):
    assert not run_module.paired(zvm_vswitch, name='TVSWP', vlan_id='AWARE',
                                 grants=[{'userid': 'PLANU1', 'vlan_ids': ['7']}]).failed
    res = run_module(zvm_vswitch, check=True, diff=True, name='TVSWP', queue_memory_limit=3, gvrp=False,
                     grants=[{'userid': 'PLANU2'}, {'userid': 'PLANU1', 'vlan_ids': ['8']}])
    assert res['changed'] and res.writes == []
    assert res['actions'] == [
        'set vswitch TVSWP: gvrp True -> False, queue_memory_limit 8 -> 3',
        'grant PLANU2 on TVSWP',
        'grant PLANU1 on TVSWP again VLAN 8 (revoke, then grant: VLAN IDs cannot be taken away in place)']
    assert res['changes'] == [{'attribute': 'gvrp', 'before': True, 'after': False},
                              {'attribute': 'queue_memory_limit', 'before': 8, 'after': 3}]
    assert 'queue_memory_limit: 8\n' in res['diff']['before'] and 'queue_memory_limit: 3\n' in res['diff']['after']
    assert 'PLANU2' not in res['diff']['before'] and '  PLANU2\n' in res['diff']['after']
    assert switch(sim, 'TVSWP')['queue_memory_limit'] == 8 and 'PLANU2' not in grants(sim, 'TVSWP')
    res = run_module(zvm_vswitch, check=True, name='TVSWP', grants=[{'userid': 'PLANU9'}], purge_grants=True)
    assert res['actions'] == ['grant PLANU9 on TVSWP', 'revoke PLANU1 from TVSWP']
    assert [g['userid'] for g in res['grants']] == ['PLANU9']
    res = run_module(zvm_vswitch, check=True, diff=True, name='TVSWP', state='absent')
    assert res['actions'] == ['delete vswitch TVSWP'] and res['vswitch'] is None and res['diff']['after'] == ''
    assert res.writes == [] and switch(sim, 'TVSWP') is not None


def test_converged_switches_cost_one_read(run_module, sim, unaware):
    as_is = dict(name='TVSWU', vlan_id='UNAWARE', queue_memory_limit=8, network_type='ETHERNET', controller='*')
    for options in (dict(name='TVSWU'), as_is, dict(name='TVSWNONE', state='absent')):
        for check in (True, False):
            res = run_module(zvm_vswitch, check=check, **options)
            assert res['changed'] is False and res['actions'] == [] and res['changes'] == [], res
            assert res.writes == [] and res['smapi_calls'] == {'reads': 1, 'writes': 0}


def test_what_smapi_does_not_show_is_warned_about(run_module, sim, unaware):
    res = run_module(zvm_vswitch, check=True, name='TVSWU', controller='DTCVSW2')
    assert res['changed'] is False
    assert 'vswitch TVSWU: the declared controller (shown only while the switch is connected to a real device) ' \
           'is not compared' in warnings(res)


# -- real runs, each paired with its prediction ---------------------------------------------------------

def test_create_change_and_delete(run_module, sim):
    res = run_module.paired(zvm_vswitch, name='TVSWX', vlan_id='100', port_type='ACCESS', queue_memory_limit=8)
    assert not res.failed, res
    assert functions(res) == ['Virtual_Network_Vswitch_Create_Extended']
    # (the run_module fixture takes connection= itself: the connection option is tested in tests/integration)
    changed = dict(queue_memory_limit=4, gvrp=False, port_type='TRUNK')
    res = run_module.paired(zvm_vswitch, name='TVSWX', **changed)
    assert functions(res) == ['Virtual_Network_Vswitch_Set_Extended']
    assert sorted(c['attribute'] for c in res['changes']) == ['gvrp', 'port_type', 'queue_memory_limit']
    sw = switch(sim, 'TVSWX')
    assert (sw['queue_memory_limit'], sw['gvrp'], sw['port_type']) == (4, False, 'TRUNK')
    assert run_module(zvm_vswitch, name='TVSWX', **changed).writes == []
    res = run_module.paired(zvm_vswitch, name='TVSWX', state='absent', persist=False)
    assert functions(res) == ['Virtual_Network_Vswitch_Delete_Extended'] and switch(sim, 'TVSWX') is None


def test_uplink_off_and_on_again_is_predicted(run_module, sim):
    """What the record shows of the connection and the controller follows
    the real devices: none without one; the controller only when declared
    (CP picks one otherwise, which check mode cannot know)."""
    res = run_module.paired(zvm_vswitch, name='TVSWL', real_device_address='0610', controller='DTCVSW2')
    assert (res['vswitch']['connection'], res['vswitch']['controller']) == ('CONNECT', 'DTCVSW2')
    res = run_module.paired(zvm_vswitch, name='TVSWL', real_device_address='NONE')
    assert res['actions'] == ['set vswitch TVSWL: real_device_address 0610 -> -']
    assert (res['vswitch']['connection'], res['vswitch']['controller']) == (None, None)
    res = run_module.paired(zvm_vswitch, name='TVSWL', real_device_address='0610', controller='DTCVSW2')
    assert (res['vswitch']['connection'], res['vswitch']['controller']) == ('CONNECT', 'DTCVSW2')
    assert run_module(zvm_vswitch, name='TVSWL', real_device_address='0610', controller='DTCVSW2').writes == []
    predicted = run_module(zvm_vswitch, check=True, name='TVSWL2', real_device_address='0611')
    assert (predicted['vswitch']['connection'], predicted['vswitch']['controller']) == ('CONNECT', None)
    assert run_module.paired(zvm_vswitch, name='TVSWL', state='absent')['vswitch'] is None


def test_grants_made_changed_and_purged(run_module, sim):
    name = 'TVSWG'
    declared = [{'userid': 'GRNT01', 'vlan_ids': ['100']},
                {'userid': 'GRNT02', 'port_type': 'TRUNK', 'vlan_ids': ['100', '200-202']},
                {'userid': 'GRNT03', 'promiscuous': True}]
    res = run_module.paired(zvm_vswitch, name=name, vlan_id='10', port_type='ACCESS', grants=declared)
    assert not res.failed, res
    assert functions(res) == ['Virtual_Network_Vswitch_Create_Extended'] + ['Virtual_Network_Vswitch_Set_Extended'] * 3
    g = grants(sim, name)
    assert g['GRNT01']['vlans'] == ['100'] and g['GRNT02']['vlans'] == ['100', '200-202']
    assert g['GRNT02']['port_type'] == 'TRUNK' and g['GRNT03']['promiscuous'] is True
    assert res['grants'][1] == {'userid': 'GRNT02', 'vlan_ids': [100, 200, 201, 202], 'promiscuous': False,
                                'port_type': 'TRUNK'}
    again = run_module(zvm_vswitch, name=name, grants=declared)
    assert again['changed'] is False and again.writes == []

    # another VLAN for the trunk and no promiscuity: granted in place; a new
    # VLAN for the access port: revoke and grant (a VLAN cannot be taken away)
    new = [{'userid': 'GRNT01', 'vlan_ids': ['101']},
           {'userid': 'GRNT02', 'vlan_ids': ['100', '200-202', '300']},
           {'userid': 'GRNT03', 'promiscuous': False}]
    res = run_module.paired(zvm_vswitch, name=name, grants=new)
    assert res['actions'] == [
        'grant GRNT01 on TVSWG again VLAN 101 (revoke, then grant: VLAN IDs cannot be taken away in place)',
        'grant GRNT02 on TVSWG VLAN 100 200-202 300', 'grant GRNT03 on TVSWG NOPROMISCUOUS']
    g = grants(sim, name)
    assert g['GRNT01']['vlans'] == ['101'] and g['GRNT02']['vlans'] == ['100', '200-202', '300']
    assert g['GRNT03']['promiscuous'] is False
    assert run_module(zvm_vswitch, name=name, grants=new).writes == []

    res = run_module.paired(zvm_vswitch, name=name, grants=[{'userid': 'GRNT02'}], purge_grants=True)
    assert res['actions'] == ['revoke GRNT01 from TVSWG', 'revoke GRNT03 from TVSWG']
    assert sorted(grants(sim, name)) == ['GRNT02']


def test_many_vlan_ids_are_granted_in_several_requests(run_module, sim):
    vlans = ['1', '3', '5', '7', '9', '11', '1000-1001', '2000', '3000', '4000']
    res = run_module.paired(zvm_vswitch, name='TVSWM', vlan_id='AWARE',
                            grants=[{'userid': 'MANYV1', 'port_type': 'TRUNK', 'vlan_ids': vlans}])
    assert functions(res) == ['Virtual_Network_Vswitch_Create_Extended'] + ['Virtual_Network_Vswitch_Set_Extended'] * 3
    assert grants(sim, 'TVSWM')['MANYV1']['vlans'] == ['1', '3', '5', '7', '9', '11', '1000-1001', '2000', '3000',
                                                       '4000']


def test_regrant_couples_running_nics_again(run_module, sim):
    """Taking a VLAN away revokes the grant, which uncouples the guest's
    running NICs; the module couples them again."""
    c = client(sim)
    assert not run_module.paired(zvm_vswitch, name='TVSWR', vlan_id='1',
                                 grants=[{'userid': 'GREGRNT1', 'vlan_ids': ['5']}]).failed
    records = ['USER GREGRNT1 LBYONLY 512M 512M G', 'NICDEF 0600 TYPE QDIO LAN SYSTEM TVSWR']
    c.call('Image_Create_DM', 'GREGRNT1', image_record_array=records)
    c.call('Image_Activate', 'GREGRNT1')

    def coupled():
        reply = c.call('Virtual_Network_Adapter_Query_Extended', 'GREGRNT1', image_device_number='0600')
        return reply['adapter_array'][0].get('lan_name')
    assert coupled() == 'TVSWR'
    res = run_module.paired(zvm_vswitch, name='TVSWR', grants=[{'userid': 'GREGRNT1', 'vlan_ids': ['6']}])
    assert not res.failed, res
    assert res['actions'][0].endswith('couple its running NIC(s) 0600 again')
    assert functions(res) == ['Virtual_Network_Vswitch_Set_Extended', 'Virtual_Network_Vswitch_Set_Extended',
                              'Virtual_Network_Adapter_Connect_Vswitch']
    assert coupled() == 'TVSWR' and grants(sim, 'TVSWR')['GREGRNT1']['vlans'] == ['6']


def test_a_switch_another_task_created_meanwhile_is_converged(run_module, sim):
    c = client(sim)
    c.call('Virtual_Network_Vswitch_Create_Extended', c.userid, switch_name='TVSWRACE', persist='NO')
    # the module reads the switch before the other task made it, and creates it after
    sim.fault(function='Virtual_Network_Vswitch_Query_Extended', rc=212, rs=40, times=1)
    try:
        res = run_module(zvm_vswitch, name='TVSWRACE', queue_memory_limit=2, grants=[{'userid': 'RACEU1'}])
    finally:
        sim.clear_faults()
    assert not res.failed, res
    assert res['actions'][0] == 'create vswitch TVSWRACE (ETHERNET, VLAN UNAWARE, no real devices)'
    assert functions(res) == ['Virtual_Network_Vswitch_Create_Extended', 'Virtual_Network_Vswitch_Set_Extended',
                              'Virtual_Network_Vswitch_Set_Extended']
    assert switch(sim, 'TVSWRACE')['queue_memory_limit'] == 2 and 'RACEU1' in grants(sim, 'TVSWRACE')
    sim.fault(function='Virtual_Network_Vswitch_Create_Extended', rc=212, rs=36, times=1)
    try:
        res = run_module(zvm_vswitch, name='TVSWGHO')
    finally:
        sim.clear_faults()
    assert res.failed and res['msg'] == 'vswitch TVSWGHO: SMAPI says it exists already, but it cannot be read'


def test_a_failed_grant_deletes_the_new_switch_again(run_module, sim):
    sim.fault(function='Virtual_Network_Vswitch_Set_Extended', rc=396, rs=2846, times=1)
    try:
        res = run_module(zvm_vswitch, name='TVSWF', vlan_id='AWARE', grants=[{'userid': 'FAILU1', 'vlan_ids': ['5']}])
    finally:
        sim.clear_faults()
    assert res.failed and 'CP refused the change' in res['msg']
    assert res['rollback'] == ['deleted vswitch TVSWF again, since a grant failed']
    assert functions(res) == ['Virtual_Network_Vswitch_Create_Extended', 'Virtual_Network_Vswitch_Set_Extended',
                              'Virtual_Network_Vswitch_Delete_Extended']
    assert switch(sim, 'TVSWF') is None
