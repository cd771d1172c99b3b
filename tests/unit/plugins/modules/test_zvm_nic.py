# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zvm.cloud.zvm_nic in-process against zvmsim: bad input, planning in
check mode, converged runs, the NICDEF rewrite and the rollback of a
running guest's change (each real run paired with its check-mode
prediction).  End-to-end runs through ansible-playbook are in
tests/integration/test_zvm_nic.py."""

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.smapi.client import SmapiClient
from ansible_collections.zvm.cloud.plugins.modules import zvm_nic

GRANTED = ('NICBAD1', 'NICPLAN1', 'NICRUN1', 'NICVLAN1', 'NICRB1')


def client(sim):
    return SmapiClient('127.0.0.1', 'MAINT', 'MAINT', port=sim.port)


def make_guest(sim, userid, records=(), on=False):
    c = client(sim)
    c.call('Image_Create_DM', userid, image_record_array=['USER %s LBYONLY 512M 512M G' % userid] + list(records))
    if on:
        c.call('Image_Activate', userid)


@pytest.fixture(scope='module')
def setup(sim):
    """TNICN (VLAN unaware) and TNICV (VLAN aware) granting the guests of
    these tests, and the guests: NICBAD1 (running, a disk at 0101),
    NICPLAN1 (off, two NICs), NICRUN1 (running, a coupled NIC)."""
    c = client(sim)
    c.call('Virtual_Network_Vswitch_Create_Extended', c.userid, switch_name='TNICN', persist='NO')
    c.call('Virtual_Network_Vswitch_Create_Extended', c.userid, switch_name='TNICV', vlan_id='1',
           port_type='ACCESS', persist='NO')
    for userid in GRANTED:
        c.call('Virtual_Network_Vswitch_Set_Extended', c.userid, switch_name='TNICN', grant_userid=userid)
        c.call('Virtual_Network_Vswitch_Set_Extended', c.userid, switch_name='TNICV', grant_userid=userid,
               user_vlan_id='100')
    make_guest(sim, 'NICBAD1', ['MDISK 0101 3390 T-DISK 10 MR'], on=True)
    make_guest(sim, 'NICPLAN1', ['NICDEF 1000 TYPE QDIO LAN SYSTEM TNICN MACID 0E4E8E',
                                 'NICDEF 2000 TYPE QDIO LAN SYSTEM TNICV VLAN 100', 'NICDEF 2000 PORTTYPE ACCESS',
                                 '*NICID 2000 PORT-2000'])
    make_guest(sim, 'NICRUN1', ['NICDEF 1000 TYPE QDIO LAN SYSTEM TNICN'], on=True)
    make_guest(sim, 'NICNOGR1', on=True)
    return 'TNICN', 'TNICV'


def nicdefs(sim, guest):
    return [r for r in sim.dump()['directory'][guest] if r.startswith(('NICDEF', '*NICID'))]


def adapters(sim, guest):
    reply = client(sim).call('Virtual_Network_Adapter_Query_Extended', guest, image_device_number='*',
                             ok=[(212, 8)])
    return dict((a['adapter_address'], a) for a in reply.get('adapter_array') or [])


def functions(res):
    return [c['function'] for c in res.writes]


def warnings(res):
    """The warning texts of a result (plain strings, or ansible-core 2.19's summaries)."""
    return [w['event']['msg'] if isinstance(w, dict) else w for w in res.get('warnings') or []]


# -- bad input: one line naming the field, no traceback, nothing written ------------------------------

@pytest.mark.parametrize('options,message', [
    (dict(vdev='12345', vswitch='TNICN'), "vdev: '12345' is not a virtual device number"),
    (dict(vdev='XYZ', vswitch='TNICN'), "vdev: 'XYZ' is not a virtual device number"),
    (dict(vdev='FFFE', vswitch='TNICN'), 'vdev: FFFE leaves no room for the 3 devices of a NIC'),
    (dict(vdev='0100'), 'vdev: a NIC at 0100 uses 0100-0102, which overlaps disk 0101'),
    (dict(vdev='1000', mac_address='02:00:00:AB:CD'), "mac_address: '02:00:00:AB:CD' is not a MAC address"),
    (dict(vdev='1000', mac_address='01:00:00:AB:CD:EF'), 'mac_address: ' + "'01:00:00:AB:CD:EF' is a multicast"),
    (dict(vdev='1000', vswitch='TNICV', vlan_id=4095), 'vlan_id: 4095 is not a VLAN ID'),
    (dict(vdev='1000', vswitch='TNICV', vlan_id=0), 'vlan_id: 0 is not a VLAN ID'),
    (dict(vdev='1000', vswitch='TNICV', vlan_id='many'), 'vlan_id'),
    (dict(vdev='1000', vlan_id=100), 'vlan_id: a NIC that is not coupled to a vswitch has no vlan_id'),
    (dict(vdev='1000', port_type='ACCESS'), 'port_type: a NIC that is not coupled to a vswitch has no port_type'),
    (dict(vdev='1000', vswitch='TNICV', port_type='HYBRID'), 'port_type'),
    (dict(vdev='1000', vswitch='NOSUCHVS'), 'vswitch: the virtual switch NOSUCHVS does not exist'),
    (dict(vdev='1000', vswitch='TNICN', vlan_id=100), 'vlan_id: the vswitch TNICN is VLAN UNAWARE'),
    (dict(vdev='1000', vswitch='TNICN', port_type='TRUNK'), 'port_type: the vswitch TNICN is VLAN UNAWARE'),
    (dict(vdev='1000', vswitch='BAD NAME'), "vswitch: 'BAD NAME' is not a valid virtual switch name"),
    (dict(vdev='1000', nic_id='has blanks'), "nic_id: 'has blanks' is not a valid nic_id"),
    (dict(vdev='1000', nic_id='x' * 57), 'nic_id: '),
    (dict(vdev='1000', guest='NOSUCHG1'), 'guest: NOSUCHG1 has no directory entry'),
    (dict(vdev='1000', guest='TOO LONG'), "guest: 'TOO LONG' is not a valid"),
    (dict(vdev='1000', state='gone'), 'state'),
])
@pytest.mark.parametrize('check', [True, False], ids=['check', 'real'])
def test_bad_input_fails_clearly_and_changes_nothing(run_module, sim, setup, options, message, check):
    before = sim.dump()
    options = dict(options)
    res = run_module(zvm_nic, check=check, guest=options.pop('guest', 'NICBAD1'), active=True, **options)
    assert res.failed, res
    assert message in res['msg'], res['msg']
    assert '\n' not in res['msg'] and 'Traceback' not in res['msg'] and 'exception' not in res
    assert res.writes == []
    after = sim.dump()
    assert (after['directory'], after['adapters']) == (before['directory'], before['adapters'])


def test_a_running_nic_without_a_grant_is_refused_and_a_nicdef_warned_about(run_module, sim, setup):
    res = run_module(zvm_nic, guest='NICNOGR1', vdev='1000', vswitch='TNICN', active=True)
    assert res.failed and res.writes == []
    assert res['msg'] == ('vswitch: NICNOGR1 is not authorized on the vswitch TNICN, so its running NIC 1000 '
                          'cannot be coupled; grant it first (zvm.cloud.zvm_vswitch grants)')
    # for the directory alone it is a warning: the NIC couples at logon once granted
    res = run_module(zvm_nic, check=True, guest='NICNOGR1', vdev='1000', vswitch='TNICN')
    assert not res.failed and res['changed'] and res.writes == []
    assert any('NICNOGR1 is not authorized on the vswitch TNICN' in w for w in warnings(res))


# -- planning (check mode) -----------------------------------------------------------------------------

def test_check_mode_plans_a_new_nic_in_the_directory(run_module, sim, setup):
    res = run_module(zvm_nic, check=True, diff=True, guest='NICPLAN1', vdev='3000', vswitch='TNICN')
    assert res['changed'] and res.writes == []
    assert res['actions'] == ['create NICDEF 3000 (QDIO)', 'couple NICDEF 3000 to TNICN']
    assert res['nic']['vswitch'] == 'TNICN' and res['running'] is None and res['active_nic'] is None
    assert res['diff']['before'] == '' and res['diff']['after'] == 'NICDEF 3000 TYPE QDIO LAN SYSTEM TNICN\n'
    assert [c['function'] for c in res.reads] == ['Image_Query_DM', 'Virtual_Network_Vswitch_Query_Extended']


def test_check_mode_plans_a_vlan_and_nic_id_as_one_rewrite(run_module, sim, setup):
    res = run_module(zvm_nic, check=True, guest='NICPLAN1', vdev='3000', vswitch='TNICV', vlan_id=100,
                     port_type='ACCESS', mac_address='02:00:00:AB:CD:EF', nic_id='x-1')
    assert res['actions'] == ['create NICDEF 3000 (QDIO, MACID ABCDEF)',
                              'set NICDEF 3000: LAN SYSTEM TNICV, VLAN 100, PORTTYPE ACCESS, nic_id x-1']
    nic = res['nic']
    assert (nic['vlan_id'], nic['port_type'], nic['macid'], nic['nic_id']) == (100, 'ACCESS', 'ABCDEF', 'X-1')
    res = run_module(zvm_nic, check=True, guest='NICPLAN1', vdev='2000', vswitch='TNICV', vlan_id=101,
                     port_type='ACCESS')
    assert res['actions'] == ['set NICDEF 2000: VLAN 101'] and res['nic']['nic_id'] == 'PORT-2000'


@pytest.mark.parametrize('options,actions', [
    (dict(vdev='1000'), ['uncouple NICDEF 1000']),
    (dict(vdev='1000', vswitch='TNICV'), ['couple NICDEF 1000 to TNICV']),
    (dict(vdev='2000'), ['uncouple NICDEF 2000']),
    (dict(vdev='1000', state='absent'), ['delete NICDEF 1000']),
    (dict(vdev='2000', state='absent'), ['delete NICDEF 2000']),
    (dict(vdev='1000', vswitch='TNICN', mac_address='112233'), ['set NICDEF 1000: MACID 112233']),
])
def test_check_mode_plans_changes_of_existing_nics(run_module, sim, setup, options, actions):
    res = run_module(zvm_nic, check=True, guest='NICPLAN1', **options)
    assert res['actions'] == actions and res['changed'] and res.writes == []


def test_converged_nics_cost_one_read(run_module, sim, setup):
    for options in (dict(vdev='1000', vswitch='TNICN'), dict(vdev='1000', vswitch='TNICN', mac_address='0E4E8E'),
                    dict(vdev='2000', vswitch='TNICV', vlan_id=100, port_type='ACCESS', nic_id='port-2000'),
                    dict(vdev='4000', state='absent')):
        for check in (True, False):
            res = run_module(zvm_nic, check=check, guest='NICPLAN1', **options)
            assert res['changed'] is False and res['actions'] == [], (options, res)
            assert res.writes == [] and [c['function'] for c in res.reads] == ['Image_Query_DM']
            assert res['smapi_calls'] == {'reads': 1, 'writes': 0}


def test_mac_change_of_an_existing_nic_warns_about_the_next_logon(run_module, sim, setup):
    res = run_module(zvm_nic, check=True, guest='NICPLAN1', vdev='1000', vswitch='TNICN', mac_address='112233')
    assert 'NIC 1000: the new MACID 112233 reaches the running guest at its next logon' in warnings(res)


def test_check_mode_plans_the_running_guest_too(run_module, sim, setup):
    res = run_module(zvm_nic, check=True, diff=True, guest='NICRUN1', vdev='1000', vswitch='TNICV', active=True)
    assert res['actions'] == ['couple NICDEF 1000 to TNICV', 'uncouple NIC 1000 of the running guest from TNICN',
                              'couple NIC 1000 of the running guest to TNICV']
    assert res['running'] is True and res['active_nic']['vswitch'] == 'TNICV' and res.writes == []
    assert res['diff']['before'] == ('NICDEF 1000 TYPE QDIO LAN SYSTEM TNICN\n'
                                     '# running guest: NIC 1000 QDIO coupled to TNICN, MAC %s\n'
                                     % res['active_nic']['mac_address'])
    res = run_module(zvm_nic, check=True, guest='NICRUN1', vdev='1000', vswitch='TNICN', active=True)
    assert res['changed'] is False and res.writes == []
    assert [c['function'] for c in res.reads] == ['Image_Query_DM', 'Virtual_Network_Adapter_Query_Extended']
    # a guest that is not logged on gets the directory change only
    res = run_module(zvm_nic, check=True, guest='NICPLAN1', vdev='3000', active=True)
    assert res['running'] is False and res['active_nic'] is None and res['actions'] == ['create NICDEF 3000 (QDIO)']


# -- real runs, each paired with its prediction ---------------------------------------------------------

def test_vlan_port_type_mac_and_nic_id_rewrite_the_nic(run_module, sim, setup):
    make_guest(sim, 'NICVLAN1')
    spec = dict(guest='NICVLAN1', vdev='2000', vswitch='TNICV', vlan_id=100, port_type='ACCESS',
                mac_address='02:00:00:AB:CD:EF', nic_id='9c1e4f3a-7d51')
    res = run_module.paired(zvm_nic, **spec)
    assert not res.failed, res
    assert functions(res) == ['Virtual_Network_Adapter_Create_Extended_DM', 'Image_Lock_DM', 'Image_Replace_DM',
                              'Image_Unlock_DM']
    records = nicdefs(sim, 'NICVLAN1')
    assert ' '.join(records[:-1]).split() == [
        'NICDEF', '2000', 'TYPE', 'QDIO', 'LAN', 'SYSTEM', 'TNICV', 'MACID', 'ABCDEF', 'VLAN', '100', 'NICDEF',
        '2000', 'PORTTYPE', 'ACCESS']
    assert records[-1] == '*NICID 2000 9C1E4F3A-7D51'
    assert res['nic']['nic_id'] == '9C1E4F3A-7D51' and res['lock_waits'] == 0
    assert run_module(zvm_nic, **spec).writes == []

    res = run_module.paired(zvm_nic, **{**spec, 'vlan_id': 101, 'mac_address': 'ABCDE0'})
    assert res['actions'] == ['set NICDEF 2000: VLAN 101, MACID ABCDE0']
    assert functions(res) == ['Image_Lock_DM', 'Image_Replace_DM', 'Image_Unlock_DM']
    res = run_module.paired(zvm_nic, guest='NICVLAN1', vdev='2000', state='absent')
    assert functions(res) == ['Image_Lock_DM', 'Image_Replace_DM', 'Image_Unlock_DM']      # the *NICID goes too
    assert nicdefs(sim, 'NICVLAN1') == []


def test_failing_running_guest_change_rolls_the_directory_back(run_module, sim, setup):
    make_guest(sim, 'NICRB1', on=True)
    before = sim.dump()['directory']['NICRB1']
    sim.fault(function='Virtual_Network_Adapter_Connect_Vswitch', rc=204, rs=28, times=1)
    try:
        res = run_module(zvm_nic, guest='NICRB1', vdev='1000', vswitch='TNICN', nic_id='rb', active=True)
    finally:
        sim.clear_faults()
    assert res.failed
    assert 'Virtual_Network_Adapter_Connect_Vswitch on NICRB1 failed: RC 204 RS 28' in res['msg'], res['msg']
    assert res['rollback'] == ['NIC 1000 of NICRB1: the directory change was undone']
    assert res['actions'] == [] and res['failed_actions'][-1] == 'couple NIC 1000 of the running guest to TNICN'
    assert sim.dump()['directory']['NICRB1'] == before
    assert '1000' not in adapters(sim, 'NICRB1')     # the NIC defined on the running guest went too
    assert functions(res)[-4:] == ['Virtual_Network_Adapter_Delete', 'Image_Lock_DM', 'Image_Replace_DM',
                                   'Image_Unlock_DM']
