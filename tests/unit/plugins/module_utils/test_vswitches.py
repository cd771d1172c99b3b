# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Virtual switch declarations: checking them, reading a switch out of its
Virtual_Network_Vswitch_Query_Extended record, what changes in place and
what cannot, and the grant plans."""

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.operations import vswitches as vswitch_ops
from ansible_collections.zvm.cloud.plugins.module_utils.planners import vswitches
from ansible_collections.zvm.cloud.plugins.module_utils.sdk import network
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import SDKInvalidInputFormat

# As zvmsim answers (the captured format) for a VLAN-aware, connected switch
RECORD = {
    'switch_name': 'VSWV', 'transport_type': 'ETHERNET', 'port_type': 'ACCESS', 'queue_memory_limit': '8',
    'routing_value': 'NA', 'vlan_awareness': 'AWARE', 'vlan_id': '00100', 'native_vlan_id': '00100',
    'mac_address': '02-00-01-00-00-01', 'gvrp_request_attribute': 'GVRP', 'gvrp_enabled_attribute': 'NOGVRP',
    'switch_status': '8',
    'real_device_info_array': [{'real_device_address': '0610', 'virtual_device_address': '0600',
                                'controller_name': 'DTCVSW1', 'port_name': '(NONE)', 'device_status': '1',
                                'device_error_status': '0'}],
    'authorized_user_array': [
        {'port_num': '0000', 'grant_userid': 'LINUX01', 'promiscuous_mode': 'NOPROM', 'osd_sim': 'NOOSDSIM',
         'vlan_count': '1', 'vlan_ids': ['0100']},
        {'port_num': '0000', 'grant_userid': 'ROUTER1', 'promiscuous_mode': 'PROM', 'osd_sim': 'NOOSDSIM',
         'vlan_count': '2', 'vlan_ids': ['0100', '0200-0202']}],
    'connected_adapter_array': [{'adapter_owner': 'LINUX01', 'adapter_vdev': '1000',
                                 'adapter_macaddr': '02-00-00-00-01-01', 'adapter_type': 'QDIO'}],
}


def observed():
    return vswitches.observe(RECORD)


def test_observe():
    obs = observed()
    assert obs['attributes'] == {
        'real_device_address': ['0610'], 'controller': 'DTCVSW1', 'connection': 'CONNECT',
        'network_type': 'ETHERNET', 'router': None, 'vlan_id': 100, 'port_type': 'ACCESS', 'native_vlan_id': 100,
        'gvrp': True, 'queue_memory_limit': 8}
    assert obs['grants']['ROUTER1'] == {'vlans': {100, 200, 201, 202}, 'promiscuous': True, 'port_num': 0,
                                        'port_type': 'TRUNK'}
    assert obs['grants']['LINUX01']['port_type'] is None
    assert obs['coupled'] == {'LINUX01': ['1000']}


@pytest.mark.parametrize('status,rdevs,connection', [
    ('3', ['0610'], 'DISCONNECT'), ('8', ['0610'], 'CONNECT'), ('1', ['0610'], 'NOUPLINK'), ('1', [], None)])
def test_connection_from_the_switch_status(status, rdevs, connection):
    rec = dict(RECORD, switch_status=status,
               real_device_info_array=[dict(RECORD['real_device_info_array'][0], real_device_address=r,
                                            device_status='0', controller_name='(NONE)') for r in rdevs])
    attrs = vswitches.observe(rec)['attributes']
    assert attrs['connection'] == connection and attrs['controller'] is None


def test_normalize():
    d = vswitches.normalize({'real_device_address': '600, 0610.P1', 'controller': 'dtcvsw2', 'vid': 'aware',
                             'gvrp': False, 'queue_memory_limit': 4, 'connection': 'connect'})
    assert d == {'real_device_address': ['0600', '0610.P1'], 'controller': 'DTCVSW2', 'vlan_id': 'AWARE',
                 'gvrp': False, 'queue_memory_limit': 4, 'connection': 'CONNECT'}
    assert vswitches.normalize({'real_device_address': 'NONE'}) == {'real_device_address': []}


@pytest.mark.parametrize('params,message', [
    ({'real_device_address': '0600 0601 0602 0603'}, 'at most 3 real devices'),
    ({'real_device_address': 'OSA1'}, "'OSA1' is not a real device number"),
    ({'vlan_id': '0'}, 'vlan_id: 0 is not a VLAN ID'),
    ({'native_vlan_id': 5000}, 'native_vlan_id: 5000 is not a VLAN ID'),
    ({'queue_memory_limit': 9}, 'queue_memory_limit: 9 is not a number of megabytes from 1 to 8'),
    ({'router': 'PRIROUTER', 'network_type': 'ETHERNET'}, 'router: only an IP switch routes'),
    ({'vlan_id': 'UNAWARE', 'gvrp': True}, 'gvrp: a VLAN UNAWARE switch'),
    ({'controller': 'TOOLONGUSER'}, 'controller'),
])
def test_normalize_errors(params, message):
    with pytest.raises(SDKInvalidInputFormat, match=message):
        vswitches.normalize(params)


def test_compare_in_place_changes():
    declared = vswitches.normalize({'real_device_address': '0610', 'queue_memory_limit': 2, 'port_type': 'TRUNK',
                                    'gvrp': False, 'connection': 'DISCONNECT', 'controller': 'DTCVSW2',
                                    'vlan_id': 'AWARE'})
    changes, params, problems, unverified = vswitches.compare(declared, observed()['attributes'])
    assert params == {'queue_memory_limit': '2', 'port_type': 'TRUNK', 'gvrp_value': 'NOGVRP',
                      'connection_value': 'DISCONNECT', 'controller_name': 'DTCVSW2'}
    assert [c[0] for c in changes] == ['controller', 'connection', 'port_type', 'gvrp', 'queue_memory_limit']
    assert problems == [] and unverified == []
    assert vswitches.compare(vswitches.normalize({'vlan_id': '100', 'controller': '*'}),
                             observed()['attributes']) == ([], {}, [], [])


def test_compare_what_cannot_change_in_place():
    declared = vswitches.normalize({'network_type': 'IP', 'vlan_id': '200', 'native_vlan_id': 7,
                                    'connection': 'NOUPLINK'})
    _changes, params, problems, _unverified = vswitches.compare(declared, observed()['attributes'])
    assert params == {}
    assert problems == ['connection CONNECT -> NOUPLINK', 'network_type ETHERNET -> IP', 'vlan_id 100 -> 200',
                        'native_vlan_id 100 -> 7']
    unaware = vswitches.creation_attributes({})
    _c, _p, problems, _u = vswitches.compare(vswitches.normalize({'port_type': 'TRUNK', 'router': 'PRIROUTER'}),
                                             dict(unaware, controller='X', connection='CONNECT'))
    assert problems == ['router PRIROUTER on an ETHERNET switch (only IP switches route)',
                        'port_type TRUNK on a VLAN UNAWARE switch']


def test_compare_reports_what_smapi_does_not_show():
    attrs = dict(observed()['attributes'], controller=None, connection=None)
    _c, params, _p, unverified = vswitches.compare(vswitches.normalize({'controller': 'DTCVSW2',
                                                                        'connection': 'CONNECT'}), attrs)
    assert params == {} and len(unverified) == 2


def test_real_devices_compare_without_ports():
    _c, params, _p, _u = vswitches.compare({'real_device_address': ['0610.P1']}, observed()['attributes'])
    assert params == {}
    _c, params, _p, _u = vswitches.compare({'real_device_address': []}, observed()['attributes'])
    assert params == {'real_device_address': 'NONE'}


def test_creation_attributes_and_arguments():
    attrs = vswitches.creation_attributes(vswitches.normalize({'vlan_id': 'AWARE'}))
    assert (attrs['vlan_id'], attrs['native_vlan_id'], attrs['port_type'], attrs['gvrp']) == (1, 1, 'ACCESS', True)
    args = vswitches.create_arguments(vswitches.normalize({'real_device_address': '0610 0611'}), False)
    assert (args['rdev'], args['vid'], args['persist'], args['gvrp']) == ('0610 0611', 'UNAWARE', False, 'GVRP')


def test_what_a_switch_shows_after_a_change():
    unaware = vswitches.creation_attributes({})
    assert (unaware['connection'], unaware['controller']) == (None, None)        # no real device: no status
    attrs = vswitches.creation_attributes(vswitches.normalize({'real_device_address': '0610.P1',
                                                               'controller': 'dtcvsw2'}))
    assert (attrs['real_device_address'], attrs['connection'], attrs['controller']) == (['0610'], 'CONNECT', 'DTCVSW2')
    attrs = vswitches.creation_attributes(vswitches.normalize({'connection': 'DISCONNECT'}))
    assert (attrs['connection'], attrs['controller']) == ('DISCONNECT', None)
    before = observed()['attributes']
    declared = vswitches.normalize({'real_device_address': 'NONE'})
    changes, params, _p, _u = vswitches.compare(declared, before)
    after = vswitches.updated_attributes(before, changes, declared, params)
    assert (after['real_device_address'], after['connection'], after['controller']) == ([], None, None)
    back = vswitches.normalize({'real_device_address': '0610'})
    changes, params, _p, _u = vswitches.compare(back, after)
    again = vswitches.updated_attributes(after, changes, back, params)
    assert (again['connection'], again['controller']) == ('CONNECT', None)    # CP picks a controller
    declared = vswitches.normalize({'queue_memory_limit': 2})
    changes, params, _p, _u = vswitches.compare(declared, before)
    assert vswitches.updated_attributes(before, changes, declared, params) == dict(before, queue_memory_limit=2)


def grants(*declared):
    return vswitches.normalize_grants(list(declared))


def test_plan_grants():
    obs = observed()
    # as they are: nothing to do, whatever the port type (SMAPI does not show it)
    ops, _after = vswitches.plan_grants(grants({'userid': 'linux01', 'vlan_ids': ['100'], 'port_type': 'ACCESS'},
                                               {'userid': 'ROUTER1', 'promiscuous': True}),
                                        obs['grants'], obs['coupled'], False)
    assert ops == []
    ops, after = vswitches.plan_grants(grants({'userid': 'NEW1', 'vlan_ids': ['100']},
                                              {'userid': 'ROUTER1', 'vlan_ids': ['100', '200-203']},
                                              {'userid': 'LINUX01', 'vlan_ids': ['101']}),
                                       obs['grants'], obs['coupled'], True)
    assert [(o['op'], o['userid']) for o in ops] == [
        ('grant', 'NEW1'), ('grant', 'ROUTER1'), ('regrant', 'LINUX01')]
    assert ops[1]['vlans'] == {100, 200, 201, 202, 203} and ops[1]['promiscuous'] is None
    assert ops[2]['recouple'] == ['1000']
    assert sorted(after) == ['LINUX01', 'NEW1', 'ROUTER1']
    ops, after = vswitches.plan_grants(grants({'userid': 'LINUX01'}), obs['grants'], obs['coupled'], True)
    assert ops == [{'op': 'revoke', 'userid': 'ROUTER1', 'recouple': []}] and sorted(after) == ['LINUX01']
    ops, _after = vswitches.plan_grants(grants({'userid': 'ROUTER1', 'promiscuous': False}), obs['grants'],
                                        obs['coupled'], False)
    assert ops[0]['op'] == 'grant' and ops[0]['promiscuous'] is False and ops[0]['vlans'] == set()


def test_planned_grants_show_the_port_type_as_smapi_does():
    _ops, after = vswitches.plan_grants(grants({'userid': 'A1', 'vlan_ids': ['5'], 'port_type': 'ACCESS'},
                                               {'userid': 'T1', 'vlan_ids': ['5-6'], 'port_type': 'TRUNK'}),
                                        {}, {}, False)
    assert (after['A1']['port_type'], after['T1']['port_type']) == (None, 'TRUNK')


def test_describe_op():
    op = {'op': 'regrant', 'userid': 'LINUX01', 'vlans': {101}, 'port_type': None, 'promiscuous': None,
          'recouple': ['1000']}
    assert vswitches.describe_op('VSWV', op) == (
        'grant LINUX01 on VSWV again VLAN 101 (revoke, then grant: VLAN IDs cannot be taken away in place); '
        'couple its running NIC(s) 1000 again')


def test_check_grants():
    aware = observed()['attributes']
    vswitches.check_grants(grants({'userid': 'ROUTER1', 'vlan_ids': ['100', '300']}), aware,
                           observed()['grants'])
    with pytest.raises(SDKInvalidInputFormat, match=r'grants\[1\]\.vlan_ids: an ACCESS port has one VLAN'):
        vswitches.check_grants(grants({'userid': 'LINUX01', 'vlan_ids': ['100', '300']}), aware)
    with pytest.raises(SDKInvalidInputFormat, match=r'grants\[1\]\.port_type: the switch is VLAN UNAWARE'):
        vswitches.check_grants(grants({'userid': 'U', 'port_type': 'TRUNK'}), vswitches.creation_attributes({}))


@pytest.mark.parametrize('declared,message', [
    ({'userid': 'U', 'vlan_ids': ['5000']}, r'grants\[1\]\.vlan_ids: 5000 is not a VLAN ID'),
    ({'userid': 'U', 'vlan_ids': ['20-10']}, r"grants\[1\]\.vlan_ids: '20-10' is not a VLAN ID or a range"),
    ({'userid': 'TOOLONGUSER'}, r'grants\[1\]\.userid'),
    ({'userid': 'U', 'colour': 'red'}, r'grants\[1\]: unknown key\(s\) colour'),
])
def test_normalize_grants_errors(declared, message):
    with pytest.raises(SDKInvalidInputFormat, match=message):
        vswitches.normalize_grants([declared])
    with pytest.raises(SDKInvalidInputFormat, match=r'grants\[2\]\.userid: U is declared twice'):
        vswitches.normalize_grants([{'userid': 'U'}, {'userid': 'u'}])


def test_render():
    obs = observed()
    text = vswitches.render('VSWV', obs['attributes'], obs['grants'])
    assert 'real_device_address: 0610\n' in text and 'gvrp: yes\n' in text
    assert text.endswith('grants:\n  LINUX01 VLAN 100\n  ROUTER1 VLAN 100 200-202 PROMISCUOUS\n')


# -- helpers of the operations and the SDK network methods ------------------------------------------

def test_vlan_tokens_and_chunks():
    assert vswitch_ops.vlan_tokens({1, 2, 3, 7, 9, 10}) == ['1-3', '7', '9-10']
    assert vswitches.vlan_id_set(['0100', '0200-0202', 'x']) == {100, 200, 201, 202}
    chunks = vswitch_ops.vlan_chunks({1, 3, 5, 7, 9, 11, 1000, 1001, 2000, 3000, 4000})
    assert chunks == ['1 3 5 7', '9 11 1000-1001 2000', '3000 4000']
    assert all(len(c) <= 19 and len(c.split()) <= 4 for c in chunks)


def test_parse_rdev_and_yes_no():
    assert vswitches.parse_rdev('600,0610 611.P1') == ['0600', '0610', '0611.P1']
    assert vswitches.parse_rdev('NONE') == [] and vswitches.parse_rdev(None) == []
    assert vswitch_ops.yes_no(True) == 'YES' and vswitch_ops.yes_no('no') == 'NO'
    with pytest.raises(SDKInvalidInputFormat):
        vswitch_ops.yes_no('maybe')


def test_vswitch_create_parameters():
    create = network.create_params
    params = create('vsw9', '600', '*', 'discon', 'ethernet', 'PRIROUTER', 200, 'TRUNK', 'NOGVRP', 4, 7, False)
    assert params == {'switch_name': 'VSW9', 'real_device_address': '0600', 'connection_value': 'DISCONNECT',
                      'transport_type': 'ETHERNET', 'vlan_id': '200', 'port_type': 'TRUNK', 'gvrp_value': 'NOGVRP',
                      'native_vlanid': '7', 'queue_memory_limit': '4', 'persist': 'NO'}
    params = create('VSW9', None, 'TCPIP', 'CONNECT', 'IP', 'PRI', 'UNAWARE', 'ACCESS', 'GVRP', 8, 1, True)
    assert params['routing_value'] == 'PRIROUTER' and params['controller_name'] == 'TCPIP'
    assert 'port_type' not in params and 'native_vlanid' not in params
    with pytest.raises(SDKInvalidInputFormat, match='queue_mem'):
        create('VSW9', None, '*', 'CONNECT', 'IP', None, 'UNAWARE', 'ACCESS', 'GVRP', 9, 1, True)
    with pytest.raises(SDKInvalidInputFormat, match="router: 'PR' is not NONROUTER or PRIROUTER"):
        create('VSW9', None, '*', 'CONNECT', 'IP', 'PR', 'UNAWARE', 'ACCESS', 'GVRP', 8, 1, True)
    with pytest.raises(SDKInvalidInputFormat, match='name'):
        create('TOOLONGNAME')
