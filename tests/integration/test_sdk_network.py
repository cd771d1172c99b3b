# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SDK's network methods against the session's zvmsim: virtual
switches (create, set, query, delete, grants and VLANs) and NICs (create,
delete, couple, uncouple, the NIC tables and ``nic_apply``), each checked
for zvmsdk's return shape, its effect in the simulator (vswitch documents,
grants, NICDEF records, active adapters) and the errors zvmsdk documents.

The switches made here (SDKVS...) hold no OSA device, so they never take
one another test needs, and are deleted again; so are the guests.
"""

import re

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils import directory
from ansible_collections.zvm.cloud.plugins.module_utils.planners import nics
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.api import SDKAPI
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import (
    SDKConflictError, SDKInvalidInputFormat, SDKObjectNotExistError,
)
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.errors import SmapiRequestError


@pytest.fixture(scope='module')
def sdk(zvmsim):
    return SDKAPI(host='127.0.0.1', port=zvmsim.port, userid='MAINT', password='MAINT')


@pytest.fixture
def guests(sdk):
    made = []
    yield made
    for userid in made:
        sdk.guest_delete(userid)


@pytest.fixture
def switches(sdk):
    made = []
    yield made
    for name in made:
        sdk.vswitch_delete(name)


def create_guest(sdk, guests, userid):
    guests.append(userid)
    sdk.guest_create(userid, 1, 512)


def switch(zvmsim, name):
    return next((v for v in zvmsim.dump()['vswitches'] if v['name'] == name), None)


def grants(zvmsim, name):
    return dict((g['userid'], g['vlans']) for g in switch(zvmsim, name)['grants'])


def records(zvmsim, userid):
    return zvmsim.dump()['directory'].get(userid)


def nic_records(zvmsim, userid):
    return [r for r in records(zvmsim, userid) if r.startswith(('NICDEF', '*NICID'))]


def adapters(zvmsim, userid):
    return dict((a['vdev'], a) for a in zvmsim.dump()['adapters'] if a['userid'] == userid)


def functions(zvmsim, mark):
    return [c['function'] for c in zvmsim.calls(since=mark)]


def writes(zvmsim, mark):
    return [c['function'] for c in zvmsim.calls(since=mark, writes=True)]


# -- virtual switches -----------------------------------------------------------------------------------

def test_vswitch_create_get_list_and_delete(sdk, zvmsim, switches):
    assert sdk.vswitch_get_list() == [v['name'] for v in zvmsim.dump()['vswitches']]
    switches.append('SDKVS1')
    assert sdk.vswitch_create('sdkvs1') is None
    sw = switch(zvmsim, 'SDKVS1')
    assert (sw['real_device_address'], sw['transport_type'], sw['vlan_aware'], sw['queue_memory_limit'],
            sw['connection'], sw['persist']) == ('', 'ETHERNET', False, 8, 'CONNECT', True)
    assert 'SDKVS1' in sdk.vswitch_get_list()
    with pytest.raises(SmapiRequestError) as e:
        sdk.vswitch_create('SDKVS1')
    assert (e.value.rc, e.value.rs) == (212, 36)
    assert sdk.vswitch_delete('SDKVS1', persist=False) is None
    assert switch(zvmsim, 'SDKVS1') is None and 'SDKVS1' not in sdk.vswitch_get_list()
    sdk.vswitch_delete('SDKVS1')           # one that does not exist is not an error (zvmsdk only logs it)


def test_vswitch_create_with_zvmsdk_parameters(sdk, zvmsim, switches):
    switches.extend(['SDKVS2', 'SDKVS3'])
    sdk.vswitch_create('SDKVS2', rdev='NONE', controller='TCPIP', connection='DISCON', network_type='IP',
                       router='PRI', queue_mem=2, persist=False)
    sw = switch(zvmsim, 'SDKVS2')
    assert (sw['controller_name'], sw['connection'], sw['transport_type'], sw['routing_value'],
            sw['queue_memory_limit'], sw['persist'], sw['vlan_aware']) == \
        ('TCPIP', 'DISCONNECT', 'IP', 'PRIROUTER', 2, False, False)
    sdk.vswitch_create('SDKVS3', vid=100, port_type='TRUNK', gvrp='NOGVRP', native_vid=5)
    sw = switch(zvmsim, 'SDKVS3')
    assert (sw['vlan_aware'], sw['vlan_id'], sw['native_vlan_id'], sw['port_type'], sw['gvrp']) == \
        (True, 100, 5, 'TRUNK', False)


@pytest.mark.parametrize('kwargs,message', [
    ({'name': 'TOOLONGNAME'}, "name: 'TOOLONGNAME'"),
    ({'rdev': 'XYZ'}, "rdev: 'XYZ' is not a real device number"),
    ({'rdev': '600 610 620 630'}, 'rdev: at most 3 real devices'),
    ({'controller': 'TOO LONG'}, "controller: 'TOO LONG'"),
    ({'connection': 'UP'}, "connection: 'UP'"),
    ({'network_type': 'TOKENRING'}, "network_type: 'TOKENRING'"),
    ({'network_type': 'IP', 'router': 'SECONDARY'}, "router: 'SECONDARY'"),
    ({'vid': 5000}, 'vid: 5000'),
    ({'vid': 'AWARE', 'port_type': 'HYBRID'}, "port_type: 'HYBRID'"),
    ({'vid': 'AWARE', 'gvrp': 'MAYBE'}, "gvrp: 'MAYBE'"),
    ({'vid': 'AWARE', 'native_vid': 0}, 'native_vid: 0'),
    ({'queue_mem': 9}, 'queue_mem: 9'),
])
def test_vswitch_create_refuses_bad_input_before_sending_anything(sdk, zvmsim, kwargs, message):
    mark = zvmsim.mark()
    kwargs = dict({'name': 'SDKVSBAD'}, **kwargs)
    with pytest.raises(SDKInvalidInputFormat, match=re.escape(message)):
        sdk.vswitch_create(**kwargs)
    assert functions(zvmsim, mark) == [] and switch(zvmsim, 'SDKVSBAD') is None


def test_vswitch_create_on_a_device_that_is_not_an_osa(sdk, zvmsim):
    with pytest.raises(SmapiRequestError) as e:
        sdk.vswitch_create('SDKVS4', rdev='999')
    assert (e.value.rc, e.value.rs) == (396, 40) and switch(zvmsim, 'SDKVS4') is None


def test_vswitch_query(sdk, zvmsim, guests):
    create_guest(sdk, guests, 'SDKNQ1')
    sdk.guest_create_nic('SDKNQ1', vdev='1000')
    sdk.vswitch_grant_user('VSW1', 'SDKNQ1')
    sdk.guest_start('SDKNQ1')
    sdk.guest_nic_couple_to_vswitch('SDKNQ1', '1000', 'VSW1', active=True)
    info = sdk.vswitch_query('vsw1')
    vsw1 = switch(zvmsim, 'VSW1')
    assert (info['switch_name'], info['transport_type'], info['vlan_awareness'], info['switch_status'],
            info['mac_address']) == ('VSW1', 'ETHERNET', 'UNAWARE', 'OSA device ready.', vsw1['mac_address'])
    assert list(info['real_devices']) == ['0500']
    assert set(info['real_devices']['0500']) == set(['vdev', 'controller', 'port_name', 'dev_status', 'dev_err'])
    assert sorted(info['authorized_users']) == sorted(g['userid'] for g in vsw1['grants'])
    assert info['authorized_users']['SDKNQ1']['vlan_count'] == 0
    mac = adapters(zvmsim, 'SDKNQ1')['1000']['mac']
    assert info['adapters']['SDKNQ1_1000'] == {'mac': mac, 'type': 'QDIO'}
    with pytest.raises(SDKObjectNotExistError, match="vswitch 'SDKNOSW' does not exist") as e:
        sdk.vswitch_query('SDKNOSW')
    assert e.value.rs == 40
    sdk.vswitch_revoke_user('VSW1', 'SDKNQ1')


def test_vswitch_set(sdk, zvmsim, switches):
    switches.append('SDKVS5')
    sdk.vswitch_create('SDKVS5')
    assert sdk.vswitch_set('SDKVS5', port_isolation='ON', grant_userid='LINUX03', queue_memory_limit=4) is None
    sw = switch(zvmsim, 'SDKVS5')
    assert (sw['isolation'], sw['queue_memory_limit'], list(grants(zvmsim, 'SDKVS5'))) == (True, 4, ['LINUX03'])
    mark = zvmsim.mark()
    with pytest.raises(SDKInvalidInputFormat, match="vswitch_set: unknown keyword 'colour'"):
        sdk.vswitch_set('SDKVS5', colour='blue')
    assert functions(zvmsim, mark) == []
    with pytest.raises(SDKObjectNotExistError, match="vswitch 'SDKNOSW' does not exist"):
        sdk.vswitch_set('SDKNOSW', port_isolation='ON')
    # a VLAN on a VLAN UNAWARE switch: CP refuses (396/2846), zvmsdk's SDKConflictError rs=5
    with pytest.raises(SDKConflictError, match='vswitch SDKVS5: CP refused the change') as e:
        sdk.vswitch_set('SDKVS5', grant_userid='LINUX02', user_vlan_id='10')
    assert e.value.rs == 5 and list(grants(zvmsim, 'SDKVS5')) == ['LINUX03']


def test_vswitch_grant_and_revoke(sdk, zvmsim, switches, guests):
    switches.append('SDKVS6')
    sdk.vswitch_create('SDKVS6')
    create_guest(sdk, guests, 'SDKGR1')
    assert sdk.vswitch_grant_user('SDKVS6', 'sdkgr1') is None
    assert grants(zvmsim, 'SDKVS6') == {'SDKGR1': []}
    mark = zvmsim.mark()
    sdk.vswitch_grant_user('SDKVS6', 'SDKGR1')         # granted already: not issued again
    assert functions(zvmsim, mark) == ['Image_Query_DM', 'Virtual_Network_Vswitch_Query_Extended']
    assert writes(zvmsim, mark) == []
    with pytest.raises(SDKObjectNotExistError, match="vswitch 'SDKNOSW' does not exist"):
        sdk.vswitch_grant_user('SDKNOSW', 'SDKGR1')
    assert sdk.vswitch_revoke_user('SDKVS6', 'SDKGR1') is None
    assert grants(zvmsim, 'SDKVS6') == {}
    sdk.vswitch_revoke_user('SDKVS6', 'SDKGR1')         # not authorized: not an error


def test_vswitch_set_vlan_id_for_user(sdk, zvmsim, switches, guests):
    switches.append('SDKVS7')
    sdk.vswitch_create('SDKVS7', vid='AWARE', port_type='TRUNK')
    create_guest(sdk, guests, 'SDKVL1')
    assert sdk.vswitch_set_vlan_id_for_user('SDKVS7', 'SDKVL1', '10-12 20') is None
    assert grants(zvmsim, 'SDKVS7') == {'SDKVL1': ['10-12', '20']}
    sdk.vswitch_set_vlan_id_for_user('SDKVS7', 'SDKVL1', 30)      # CP adds to the IDs the user has
    assert grants(zvmsim, 'SDKVS7') == {'SDKVL1': ['10-12', '20', '30']}
    user = sdk.vswitch_query('SDKVS7')['authorized_users']['SDKVL1']
    assert (user['vlan_count'], user['vlan_ids']) == (3, ['0010-0012', '0020', '0030'])
    for bad in (5000, '12-10', 'ten', ''):
        with pytest.raises(SDKInvalidInputFormat, match='vlan_id'):
            sdk.vswitch_set_vlan_id_for_user('SDKVS7', 'SDKVL1', bad)
    # an ACCESS port carries one VLAN: CP refuses a second
    switches.append('SDKVS8')
    sdk.vswitch_create('SDKVS8', vid='AWARE')
    sdk.vswitch_set_vlan_id_for_user('SDKVS8', 'SDKVL1', 10)
    with pytest.raises(SmapiRequestError) as e:
        sdk.vswitch_set_vlan_id_for_user('SDKVS8', 'SDKVL1', 20)
    assert (e.value.rc, e.value.rs) == (8, 24) and grants(zvmsim, 'SDKVS8') == {'SDKVL1': ['10']}


@pytest.mark.parametrize('call,error', [
    (lambda sdk: sdk.vswitch_revoke_user('SDKNOSW', 'LINUX01'), SDKObjectNotExistError),
    (lambda sdk: sdk.vswitch_set_vlan_id_for_user('SDKNOSW', 'LINUX01', 10), SDKObjectNotExistError),
    (lambda sdk: sdk.vswitch_set_vlan_id_for_user('VSW1', 'LINUX01', 10), SDKConflictError),
], ids=['revoke-no-switch', 'vlan-no-switch', 'vlan-unaware-switch'])
def test_vswitch_errors_as_zvmsdk_maps_them(sdk, zvmsim, call, error):
    """212/40 (no such switch) is SDKObjectNotExistError and 396/2846 (a VLAN
    on a VLAN UNAWARE switch) SDKConflictError, as zvmsdk's
    smtclient._set_vswitch_exception maps them."""
    before = grants(zvmsim, 'VSW1')
    with pytest.raises(error):
        call(sdk)
    assert grants(zvmsim, 'VSW1') == before


def test_vswitch_grant_to_a_guest_that_does_not_exist(sdk, zvmsim):
    try:
        with pytest.raises(SDKObjectNotExistError):
            sdk.vswitch_grant_user('VSW1', 'SDKNONE1')
    finally:
        sdk.vswitch_revoke_user('VSW1', 'SDKNONE1')


# -- NICs -------------------------------------------------------------------------------------------------

def test_create_nic(sdk, zvmsim, guests):
    create_guest(sdk, guests, 'SDKNIC1')
    assert sdk.guest_create_nic('SDKNIC1', nic_id='port-1', mac_addr='02:00:00:12:34:56') == '1000'
    assert sdk.guest_create_nic('sdknic1') == '1003'         # 3 past the highest NIC, as zvmsdk
    assert nic_records(zvmsim, 'SDKNIC1') == ['NICDEF 1000 TYPE QDIO MACID 123456', 'NICDEF 1003 TYPE QDIO',
                                              '*NICID 1000 PORT-1']
    assert adapters(zvmsim, 'SDKNIC1') == {}                 # logged off: the directory only
    with pytest.raises(SDKConflictError, match="vdev 1004 of guest 'SDKNIC1' is within 2") as e:
        sdk.guest_create_nic('SDKNIC1', vdev='1004')
    assert e.value.rs == 6
    with pytest.raises(SDKInvalidInputFormat, match="mac_address: 'ZZ'"):
        sdk.guest_create_nic('SDKNIC1', vdev='2000', mac_addr='zz')
    with pytest.raises(SDKConflictError, match="guest 'SDKNIC1' is not logged on") as e:
        sdk.guest_create_nic('SDKNIC1', vdev='2000', active=True)
    assert e.value.rs == 1                                    # zvmsdk's rs for an inactive guest
    with pytest.raises(SDKObjectNotExistError, match="Guest 'SDKNONE1' does not exist"):
        sdk.guest_create_nic('SDKNONE1')
    assert len(nic_records(zvmsim, 'SDKNIC1')) == 3


def test_create_and_delete_nic_of_a_running_guest(sdk, zvmsim, guests):
    create_guest(sdk, guests, 'SDKNIC2')
    sdk.guest_start('SDKNIC2')
    assert sdk.guest_create_nic('SDKNIC2', vdev='2000', active=True) == '2000'
    assert nic_records(zvmsim, 'SDKNIC2') == ['NICDEF 2000 TYPE QDIO']
    ad = adapters(zvmsim, 'SDKNIC2')['2000']
    assert (ad['type'], ad['devices'], ad['coupled']) == ('QDIO', 3, False)
    assert sdk.guest_delete_nic('SDKNIC2', '2000', active=True) is None
    assert (nic_records(zvmsim, 'SDKNIC2'), adapters(zvmsim, 'SDKNIC2')) == ([], {})
    mark = zvmsim.mark()
    sdk.guest_delete_nic('SDKNIC2', '2000')                  # not defined: skipped
    assert writes(zvmsim, mark) == []
    with pytest.raises(SDKObjectNotExistError, match="Guest 'SDKNONE1' does not exist"):
        sdk.guest_delete_nic('SDKNONE1', '2000')


def test_delete_nic_removes_its_nic_id(sdk, zvmsim, guests):
    create_guest(sdk, guests, 'SDKNIC3')
    sdk.guest_create_nic('SDKNIC3', vdev='1000', nic_id='abc')
    sdk.guest_create_nic('SDKNIC3', vdev='1100', nic_id='def')
    sdk.guest_delete_nic('SDKNIC3', '1000')
    assert nic_records(zvmsim, 'SDKNIC3') == ['NICDEF 1100 TYPE QDIO', '*NICID 1100 DEF']


def test_couple_and_uncouple_in_the_directory(sdk, zvmsim, guests):
    create_guest(sdk, guests, 'SDKCPL1')
    sdk.guest_create_nic('SDKCPL1', vdev='1000')
    sdk.guest_create_nic('SDKCPL1', vdev='1100')
    assert sdk.guest_nic_couple_to_vswitch('SDKCPL1', '1000', 'vsw1') is None
    sdk.guest_nic_couple_to_vswitch('SDKCPL1', '1100', 'VSWTRUNK', vlan_id=10)
    assert nic_records(zvmsim, 'SDKCPL1') == ['NICDEF 1000 TYPE QDIO LAN SYSTEM VSW1',
                                              'NICDEF 1100 TYPE QDIO LAN SYSTEM VSWTRUNK VLAN 10 PORTTYPE ACCESS']
    mark = zvmsim.mark()
    sdk.guest_nic_couple_to_vswitch('SDKCPL1', '1000', 'VSW1')          # coupled so already
    assert writes(zvmsim, mark) == []
    assert sdk.guest_get_nic_vswitch_info('SDKCPL1') == {'1000': 'VSW1', '1100': 'VSWTRUNK'}
    with pytest.raises(SDKObjectNotExistError, match="vswitch 'SDKNOSW' does not exist") as e:
        sdk.guest_nic_couple_to_vswitch('SDKCPL1', '1000', 'SDKNOSW')
    assert e.value.rs == 40
    with pytest.raises(SDKObjectNotExistError, match="NIC 3000 of guest 'SDKCPL1' does not exist"):
        sdk.guest_nic_couple_to_vswitch('SDKCPL1', '3000', 'VSW1')
    with pytest.raises(SDKConflictError, match="guest 'SDKCPL1' is not logged on"):
        sdk.guest_nic_couple_to_vswitch('SDKCPL1', '1000', 'VSWTRUNK', active=True)
    assert sdk.guest_nic_uncouple_from_vswitch('SDKCPL1', '1100') is None
    assert nic_records(zvmsim, 'SDKCPL1') == ['NICDEF 1000 TYPE QDIO LAN SYSTEM VSW1', 'NICDEF 1100 TYPE QDIO']
    sdk.guest_nic_uncouple_from_vswitch('SDKCPL1', '1100')                # not coupled: fine
    with pytest.raises(SDKObjectNotExistError, match="NIC 3000 of guest 'SDKCPL1' does not exist"):
        sdk.guest_nic_uncouple_from_vswitch('SDKCPL1', '3000')
    assert sdk.guest_get_nic_vswitch_info('SDKCPL1') == {'1000': 'VSW1', '1100': None}
    with pytest.raises(SDKObjectNotExistError, match="Guest 'SDKNONE1' does not exist"):
        sdk.guest_get_nic_vswitch_info('SDKNONE1')


def test_couple_and_uncouple_a_running_guest(sdk, zvmsim, guests):
    create_guest(sdk, guests, 'SDKCPL2')
    sdk.guest_create_nic('SDKCPL2', vdev='1000')
    sdk.guest_start('SDKCPL2')
    # not authorized on the switch: CP refuses, and the directory change is undone
    with pytest.raises(SDKConflictError, match="guest 'SDKCPL2' is not authorized on vswitch VSW1") as e:
        sdk.guest_nic_couple_to_vswitch('SDKCPL2', '1000', 'VSW1', active=True)
    assert e.value.rs == 8
    assert nic_records(zvmsim, 'SDKCPL2') == ['NICDEF 1000 TYPE QDIO']
    assert adapters(zvmsim, 'SDKCPL2')['1000']['coupled'] is False
    sdk.vswitch_grant_user('VSW1', 'SDKCPL2')
    try:
        sdk.guest_nic_couple_to_vswitch('SDKCPL2', '1000', 'VSW1', active=True)
        assert nic_records(zvmsim, 'SDKCPL2') == ['NICDEF 1000 TYPE QDIO LAN SYSTEM VSW1']
        ad = adapters(zvmsim, 'SDKCPL2')['1000']
        assert (ad['coupled'], ad['lan_owner'], ad['lan_name']) == (True, 'SYSTEM', 'VSW1')
        sdk.guest_nic_uncouple_from_vswitch('SDKCPL2', '1000', active=True)
        assert nic_records(zvmsim, 'SDKCPL2') == ['NICDEF 1000 TYPE QDIO']
        assert adapters(zvmsim, 'SDKCPL2')['1000']['coupled'] is False
    finally:
        sdk.vswitch_revoke_user('VSW1', 'SDKCPL2')


def test_guests_get_nic_info(sdk, zvmsim, guests):
    create_guest(sdk, guests, 'SDKNI1')
    sdk.guest_create_nic('SDKNI1', vdev='1000', nic_id='port-a')
    sdk.guest_create_nic('SDKNI1', vdev='1100')
    sdk.guest_create_nic('SDKNI1', vdev='1200')
    sdk.guest_nic_couple_to_vswitch('SDKNI1', '1000', 'VSW1')
    sdk.guest_nic_couple_to_vswitch('SDKNI1', '1100', 'VSWTRUNK')
    sdk.vswitch_grant_user('VSW1', 'SDKNI1')
    try:
        sdk.guest_start('SDKNI1')        # the NICDEFs couple at logon
        sdk.guest_nic_couple_to_vswitch('SDKNI1', '1200', 'VSW1', active=True)
        sdk.guest_nic_couple_to_vswitch('SDKNI1', '1000', 'VSWTRUNK')          # the directory only
        sdk.guest_delete_nic('SDKNI1', '1200')                                   # the directory only
        rows = sdk.guests_get_nic_info(userid='sdkni1')
        assert rows == [
            {'userid': 'SDKNI1', 'interface': '1000', 'switch': 'VSWTRUNK', 'port': 'PORT-A',
             'comments': 'active: coupled to VSW1'},
            {'userid': 'SDKNI1', 'interface': '1100', 'switch': 'VSWTRUNK', 'port': None, 'comments': None},
            {'userid': 'SDKNI1', 'interface': '1200', 'switch': 'VSW1', 'port': None, 'comments': 'active only'}]
        assert sdk.guests_get_nic_info(nic_id='PORT-A') == rows[:1]
        assert [r for r in sdk.guests_get_nic_info(vswitch='VSWTRUNK') if r['userid'] == 'SDKNI1'] == rows[:2]
        assert sdk.guests_get_nic_info(userid='SDKNI1', vswitch='VSW1') == rows[2:]
        everyone = sdk.guests_get_nic_info()
        assert [r for r in everyone if r['userid'] == 'SDKNI1'] == rows
        assert {'userid': 'LINUX01', 'interface': '1000', 'switch': 'VSW1', 'port': None, 'comments': None} \
            in everyone
    finally:
        sdk.vswitch_revoke_user('VSW1', 'SDKNI1')


def test_guests_get_nic_info_of_a_guest_that_does_not_exist(sdk):
    assert sdk.guests_get_nic_info(userid='SDKNONE1') == []


def test_nic_apply_carries_out_a_plan(sdk, zvmsim, guests):
    create_guest(sdk, guests, 'SDKNAP1')
    entry = directory.parse(sdk.guest_get_definition_info('SDKNAP1')['user_direct'])
    plan = nics.plan(entry, nics.normalize({'vdev': '2000', 'vswitch': 'VSW1', 'nic_id': 'planned'}))
    assert sdk.nic_apply('SDKNAP1', plan) is None
    assert nic_records(zvmsim, 'SDKNAP1') == ['NICDEF 2000 TYPE QDIO LAN SYSTEM VSW1', '*NICID 2000 PLANNED']
    # a plan for the running guest that CP refuses is undone in the directory too
    sdk.guest_start('SDKNAP1')
    entry = directory.parse(sdk.guest_get_definition_info('SDKNAP1')['user_direct'])
    plan = nics.plan(entry, nics.normalize({'vdev': '3000', 'vswitch': 'VSW1'}),
                     {'2000': {'vdev': '2000', 'type': 'QDIO', 'devices': 3, 'coupled': False, 'lan_owner': None,
                               'lan_name': None, 'vswitch': None, 'mac_address': None, 'port_type': None}})
    notes = []
    with pytest.raises(SDKConflictError, match="guest 'SDKNAP1' is not authorized on vswitch VSW1"):
        sdk.nic_apply('SDKNAP1', plan, rollback=notes)
    assert notes == ['NIC 3000 of SDKNAP1: the directory change was undone']
    assert nic_records(zvmsim, 'SDKNAP1') == ['NICDEF 2000 TYPE QDIO LAN SYSTEM VSW1', '*NICID 2000 PLANNED']
    assert '3000' not in adapters(zvmsim, 'SDKNAP1')


def test_nic_revert_undoes_an_applied_plan(sdk, zvmsim, guests):
    create_guest(sdk, guests, 'SDKNRV1')
    sdk.vswitch_grant_user('VSW1', 'SDKNRV1')
    try:
        sdk.guest_start('SDKNRV1')
        entry = directory.parse(sdk.guest_get_definition_info('SDKNRV1')['user_direct'])
        plan = nics.plan(entry, nics.normalize({'vdev': '4000', 'vswitch': 'VSW1'}), {})
        sdk.nic_apply('SDKNRV1', plan)
        assert nic_records(zvmsim, 'SDKNRV1') == ['NICDEF 4000 TYPE QDIO LAN SYSTEM VSW1']
        assert '4000' in adapters(zvmsim, 'SDKNRV1')
        notes = []
        assert sdk.nic_revert('SDKNRV1', plan, rollback=notes) is True
        assert notes == ['NIC 4000 of SDKNRV1: the directory change was undone']
        assert nic_records(zvmsim, 'SDKNRV1') == [] and '4000' not in adapters(zvmsim, 'SDKNRV1')
    finally:
        sdk.vswitch_revoke_user('VSW1', 'SDKNRV1')
