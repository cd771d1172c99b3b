# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zvm.cloud.zvm_vswitch against zvmsim, through ansible-playbook.

The session's simulator has the default system's OSA devices; 0610-0612 is
the only triplet no switch holds, so only one test uses it, and gives it back.
"""

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.smapi.client import SmapiClient


def vswitch_task(name, **options):
    options = dict(options)
    return {'name': options.pop('task_name', 'vswitch'), 'zvm.cloud.zvm_vswitch': dict(name=name, **options),
            'register': 'out'}


def switch(zvmsim, name):
    return next((v for v in zvmsim.dump()['vswitches'] if v['name'] == name), None)


def grants(zvmsim, name):
    sw = switch(zvmsim, name)
    return dict((g['userid'], g) for g in sw['grants']) if sw else None


def functions(run):
    return [c['function'] for c in run.writes]


def test_create_modify_delete(play, zvmsim):
    spec = dict(real_device_address='0610', vlan_id='100', port_type='ACCESS', queue_memory_limit=8)
    run = play([vswitch_task('TVSWA', **spec)])
    assert run.rc == 0, run
    res = run.result()
    assert res['changed'] and res['actions'] == ['create vswitch TVSWA (ETHERNET, VLAN 100, real devices 0610)']
    assert functions(run) == ['Virtual_Network_Vswitch_Create_Extended']
    sw = switch(zvmsim, 'TVSWA')
    assert sw['real_device_address'] == '0610' and sw['vlan_aware'] and sw['vlan_id'] == 100
    v = res['vswitch']
    assert (v['vlan_id'], v['port_type'], v['connection'], v['controller']) == (100, 'ACCESS', 'CONNECT', 'DTCVSW1')

    again = play([vswitch_task('TVSWA', **spec)])
    assert again.rc == 0 and again.result()['changed'] is False, again
    assert again.writes == [] and len(again.reads) == 1
    assert again.result()['smapi_calls'] == {'reads': 1, 'writes': 0}

    changed = {**spec, 'queue_memory_limit': 4, 'gvrp': False, 'port_type': 'TRUNK', 'connection': 'DISCONNECT'}
    run = play([vswitch_task('TVSWA', **changed)])
    assert run.rc == 0, run
    res = run.result()
    assert functions(run) == ['Virtual_Network_Vswitch_Set_Extended']
    assert sorted(c['attribute'] for c in res['changes']) == ['connection', 'gvrp', 'port_type', 'queue_memory_limit']
    sw = switch(zvmsim, 'TVSWA')
    assert (sw['queue_memory_limit'], sw['gvrp']) == (4, False)
    assert (sw['port_type'], sw['connection']) == ('TRUNK', 'DISCONNECT')
    assert play([vswitch_task('TVSWA', **changed)]).writes == []

    # the uplink moves off 0610 (no real device), then comes back
    run = play([vswitch_task('TVSWA', real_device_address='NONE')])
    assert run.rc == 0 and switch(zvmsim, 'TVSWA')['real_device_address'] == '', run
    assert play([vswitch_task('TVSWA', real_device_address='0610', connection='CONNECT')]).rc == 0
    assert switch(zvmsim, 'TVSWA')['real_device_address'] == '0610'

    run = play([vswitch_task('TVSWA', state='absent')])
    assert run.rc == 0 and run.result()['actions'] == ['delete vswitch TVSWA'], run
    assert functions(run) == ['Virtual_Network_Vswitch_Delete_Extended']
    assert switch(zvmsim, 'TVSWA') is None
    again = play([vswitch_task('TVSWA', state='absent')])
    assert again.rc == 0 and again.result()['changed'] is False and again.writes == []


def test_what_cannot_change_in_place_is_an_error(play, zvmsim):
    assert play([vswitch_task('TVSWI', vlan_id='UNAWARE')]).rc == 0
    before = switch(zvmsim, 'TVSWI')
    run = play([vswitch_task('TVSWI', network_type='IP', vlan_id='200', queue_memory_limit=2)])
    assert run.rc != 0
    msg = run.result()['msg']
    assert 'cannot change network_type ETHERNET -> IP; vlan_id UNAWARE -> 200 in place' in msg, msg
    assert 'state: absent' in msg and '\n' not in msg
    assert run.writes == [] and switch(zvmsim, 'TVSWI') == before


def test_grants_made_changed_and_purged(play, zvmsim):
    name = 'TVSWG'
    declared = [{'userid': 'GRNT01', 'vlan_ids': ['100']},
                {'userid': 'GRNT02', 'port_type': 'TRUNK', 'vlan_ids': ['100', '200-202']},
                {'userid': 'GRNT03', 'promiscuous': True}]
    run = play([vswitch_task(name, vlan_id='10', port_type='ACCESS', grants=declared)])
    assert run.rc == 0, run
    assert functions(run) == ['Virtual_Network_Vswitch_Create_Extended'] + ['Virtual_Network_Vswitch_Set_Extended'] * 3
    g = grants(zvmsim, name)
    assert sorted(g) == ['GRNT01', 'GRNT02', 'GRNT03']
    assert g['GRNT01']['vlans'] == ['100'] and g['GRNT02']['vlans'] == ['100', '200-202']
    assert g['GRNT02']['port_type'] == 'TRUNK' and g['GRNT03']['promiscuous'] is True
    assert run.result()['grants'][1] == {'userid': 'GRNT02', 'vlan_ids': [100, 200, 201, 202],
                                         'promiscuous': False, 'port_type': 'TRUNK'}

    again = play([vswitch_task(name, grants=declared)])
    assert again.rc == 0 and again.result()['changed'] is False and again.writes == [], again

    # another VLAN for the trunk and no promiscuity: granted in place; a new
    # VLAN for the access port: revoke and grant (a VLAN cannot be taken away)
    new = [{'userid': 'GRNT01', 'vlan_ids': ['101']},
           {'userid': 'GRNT02', 'vlan_ids': ['100', '200-202', '300']},
           {'userid': 'GRNT03', 'promiscuous': False}]
    run = play([vswitch_task(name, grants=new)])
    assert run.rc == 0, run
    assert run.result()['actions'] == [
        'grant GRNT01 on TVSWG again VLAN 101 (revoke, then grant: VLAN IDs cannot be taken away in place)',
        'grant GRNT02 on TVSWG VLAN 100 200-202 300', 'grant GRNT03 on TVSWG NOPROMISCUOUS']
    g = grants(zvmsim, name)
    assert g['GRNT01']['vlans'] == ['101'] and g['GRNT02']['vlans'] == ['100', '200-202', '300']
    assert g['GRNT03']['promiscuous'] is False
    assert play([vswitch_task(name, grants=new)]).writes == []

    run = play([vswitch_task(name, grants=[{'userid': 'GRNT02'}], purge_grants=True)])
    assert run.rc == 0, run
    assert run.result()['actions'] == ['revoke GRNT01 from TVSWG', 'revoke GRNT03 from TVSWG']
    assert sorted(grants(zvmsim, name)) == ['GRNT02']
    assert play([vswitch_task(name, state='absent')]).rc == 0


def test_regrant_couples_running_nics_again(play, zvmsim):
    """Taking a VLAN away revokes the grant, which uncouples the guest's
    running NICs; the module couples them again."""
    tasks = [vswitch_task('TVSWR', vlan_id='1', grants=[{'userid': 'GREGRNT1', 'vlan_ids': ['5']}]),
             {'name': 'guest', 'zvm.cloud.zvm_guest': {'name': 'GREGRNT1', 'memory': '512M', 'state': 'started',
                                                       'nics': [{'vdev': '0600', 'vswitch': 'TVSWR'}]}}]
    assert play(tasks).rc == 0
    client = SmapiClient('127.0.0.1', 'MAINT', 'MAINT', port=zvmsim.port)

    def coupled():
        reply = client.call('Virtual_Network_Adapter_Query_Extended', 'GREGRNT1', image_device_number='0600')
        return reply['adapter_array'][0].get('lan_name')
    assert coupled() == 'TVSWR'
    run = play([vswitch_task('TVSWR', grants=[{'userid': 'GREGRNT1', 'vlan_ids': ['6']}])])
    assert run.rc == 0, run
    assert run.result()['actions'][0].endswith('couple its running NIC(s) 0600 again')
    assert functions(run) == ['Virtual_Network_Vswitch_Set_Extended', 'Virtual_Network_Vswitch_Set_Extended',
                              'Virtual_Network_Adapter_Connect_Vswitch']
    assert coupled() == 'TVSWR'
    assert grants(zvmsim, 'TVSWR')['GREGRNT1']['vlans'] == ['6']


def test_check_mode_and_diff(play, zvmsim):
    run = play([vswitch_task('TVSWC', vlan_id='AWARE', grants=[{'userid': 'CHKU1', 'vlan_ids': ['7']}])],
               check=True, diff=True)
    assert run.rc == 0, run
    res = run.result()
    assert res['changed'] and run.writes == [] and switch(zvmsim, 'TVSWC') is None
    assert res['diff']['before'] == ''
    assert 'vlan_id: 1\n' in res['diff']['after'] and '  CHKU1 VLAN 7\n' in res['diff']['after']

    assert play([vswitch_task('TVSWC', vlan_id='AWARE', grants=[{'userid': 'CHKU1', 'vlan_ids': ['7']}])]).rc == 0
    run = play([vswitch_task('TVSWC', queue_memory_limit=3, grants=[{'userid': 'CHKU2'}])], check=True, diff=True)
    res = run.result()
    assert res['changed'] and run.writes == []
    assert res['actions'] == ['set vswitch TVSWC: queue_memory_limit 8 -> 3', 'grant CHKU2 on TVSWC']
    assert 'queue_memory_limit: 8\n' in res['diff']['before'] and 'queue_memory_limit: 3\n' in res['diff']['after']
    assert 'CHKU2' not in res['diff']['before'] and '  CHKU2\n' in res['diff']['after']
    assert switch(zvmsim, 'TVSWC')['queue_memory_limit'] == 8 and 'CHKU2' not in grants(zvmsim, 'TVSWC')


@pytest.mark.parametrize('options,message', [
    (dict(name='TOOLONGVSW'), 'name'),
    (dict(name='TVSWBAD', vlan_id='100', grants=[{'userid': 'U1', 'vlan_ids': ['5000']}]),
     'grants[1].vlan_ids: 5000 is not a VLAN ID'),
    (dict(name='TVSWBAD', vlan_id='4095'), 'vlan_id: 4095 is not a VLAN ID'),
    (dict(name='TVSWBAD', grants=[{'userid': 'U1', 'vlan_ids': ['100']}]),
     'grants[1].vlan_ids: the switch is VLAN UNAWARE'),
    (dict(name='TVSWBAD', vlan_id='100', grants=[{'userid': 'U1', 'vlan_ids': ['100', '101']}]),
     'an ACCESS port has one VLAN'),
    (dict(name='TVSWBAD', real_device_address='XYZ'), "real_device_address: 'XYZ' is not a real device number"),
    (dict(name='TVSWBAD', router='PRIROUTER', network_type='ETHERNET'), 'router: only an IP switch routes'),
    (dict(name='TVSWBAD', real_device_address='0999'), 'RC 396 RS 40'),
    (dict(name='TVSWBAD', port_type='TRUNK', vlan_id='UNAWARE'), 'port_type: a VLAN UNAWARE switch'),
])
def test_bad_input_fails_clearly_and_changes_nothing(play, zvmsim, options, message):
    before = zvmsim.dump()['vswitches']
    name = options.pop('name')
    run = play([vswitch_task(name, **options)])
    assert run.rc != 0
    msg = run.result()['msg']
    assert message in msg, msg
    assert '\n' not in msg and 'Traceback' not in msg
    assert zvmsim.dump()['vswitches'] == before
