# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zvm.cloud.zvm_vswitch against zvmsim, end to end through
ansible-playbook (every task paired with its check-mode prediction): a
switch created, its converged rerun, changed in place and deleted.  Bad
input, what cannot change in place, planning, grants and regrants are
tested in-process: tests/unit/plugins/modules/test_zvm_vswitch.py.

The session's simulator has the default system's OSA devices; 0610-0612 is
the only triplet no switch holds, so only one test uses it, and gives it back.
"""


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
    # the controller is declared: CP picks one otherwise, which check mode cannot predict
    spec = dict(real_device_address='0610', controller='DTCVSW1', vlan_id='100', port_type='ACCESS',
                queue_memory_limit=8)
    run = play([vswitch_task('TVSWA', **spec)])
    assert run.rc == 0 and run.checked == 1, run
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

    changed = {**spec, 'queue_memory_limit': 4, 'gvrp': False, 'port_type': 'TRUNK', 'connection': 'DISCONNECT',
               'grants': [{'userid': 'GRNTA1', 'vlan_ids': ['100', '200-202'], 'port_type': 'TRUNK'}]}
    run = play([vswitch_task('TVSWA', **changed)])
    assert run.rc == 0, run
    res = run.result()
    assert functions(run) == ['Virtual_Network_Vswitch_Set_Extended'] * 2
    assert sorted(c['attribute'] for c in res['changes']) == ['connection', 'gvrp', 'port_type', 'queue_memory_limit']
    sw = switch(zvmsim, 'TVSWA')
    assert (sw['queue_memory_limit'], sw['gvrp']) == (4, False)
    assert (sw['port_type'], sw['connection']) == ('TRUNK', 'DISCONNECT')
    assert grants(zvmsim, 'TVSWA')['GRNTA1']['vlans'] == ['100', '200-202']
    assert play([vswitch_task('TVSWA', **changed)]).writes == []

    run = play([vswitch_task('TVSWA', state='absent')])
    assert run.rc == 0 and run.result()['actions'] == ['delete vswitch TVSWA'], run
    assert functions(run) == ['Virtual_Network_Vswitch_Delete_Extended']
    assert switch(zvmsim, 'TVSWA') is None
