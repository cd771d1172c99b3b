# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Layouts of group d (Virtual_Channel_Connection_* and Virtual_Network_*).
# Every expected byte string is built by hand from the documented layout, so
# these tests check the tables, not the codec against itself.  They cover the
# function without a capture (Virtual_Network_Adapter_Query_Extended), the
# shapes the captures do not show (non-empty arrays, VLAN ids, keyword
# parameters in another order) and the validation of each family.

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.smapi import codec, layouts

from .wire import arr, bad, check_request, check_response, i1, i4, i8, response_bytes, s, struct_, z


GROUP_D = '''
Virtual_Channel_Connection_Create Virtual_Channel_Connection_Create_DM Virtual_Channel_Connection_Delete
Virtual_Channel_Connection_Delete_DM Virtual_Network_Adapter_Connect_LAN Virtual_Network_Adapter_Connect_LAN_DM
Virtual_Network_Adapter_Connect_Vswitch Virtual_Network_Adapter_Connect_Vswitch_DM
Virtual_Network_Adapter_Connect_Vswitch_Extended Virtual_Network_Adapter_Create Virtual_Network_Adapter_Create_DM
Virtual_Network_Adapter_Create_Extended Virtual_Network_Adapter_Create_Extended_DM Virtual_Network_Adapter_Delete
Virtual_Network_Adapter_Delete_DM Virtual_Network_Adapter_Disconnect Virtual_Network_Adapter_Disconnect_DM
Virtual_Network_Adapter_Query Virtual_Network_Adapter_Query_Extended Virtual_Network_LAN_Access
Virtual_Network_LAN_Access_Query Virtual_Network_LAN_Create Virtual_Network_LAN_Delete Virtual_Network_LAN_Query
Virtual_Network_OSA_Query Virtual_Network_VLAN_Query_Stats Virtual_Network_Vswitch_Create
Virtual_Network_Vswitch_Create_Extended Virtual_Network_Vswitch_Delete Virtual_Network_Vswitch_Delete_Extended
Virtual_Network_Vswitch_Query Virtual_Network_Vswitch_Query_Byte_Stats Virtual_Network_Vswitch_Query_Extended
Virtual_Network_Vswitch_Query_Stats Virtual_Network_Vswitch_Set Virtual_Network_Vswitch_Set_Extended
'''.split()


def test_every_function_of_the_group_has_a_layout():
    missing = [name for name in GROUP_D if layouts.get(name) is None]
    assert missing == []


# Virtual channel connections and adapters ----------------------------------------

def test_channel_connection_create():
    check_request('Virtual_Channel_Connection_Create', 'LINUX01',
                  {'image_device_number': '0F10', 'coupled_image_name': 'LINUX02',
                   'coupled_image_device_number': '0F20'},
                  s('0F10') + s('LINUX02') + s('0F20'))


def test_channel_connection_validation():
    name = 'Virtual_Channel_Connection_Create'
    good = {'image_device_number': '0F10', 'coupled_image_name': 'LINUX02', 'coupled_image_device_number': '0F20'}
    bad(name, dict(good, image_device_number='0F100'), 'image_device_number', codec.RS_TOO_LONG)
    bad(name, dict(good, coupled_image_device_number='0G20'), 'coupled_image_device_number', codec.RS_NOT_HEX)
    bad(name, dict(good, coupled_image_name='LINUX.02'), 'coupled_image_name', codec.RS_UNRECOGNIZED)
    bad('Virtual_Channel_Connection_Delete_DM', {}, 'image_device_number', codec.RS_MISSING)


def test_adapter_create_dm_defaults():
    # adapter_type 2 (QDIO); network_adapter_devices defaults to 3
    check_request('Virtual_Network_Adapter_Create_DM', 'LINUX01',
                  {'image_device_number': '1000', 'adapter_type': 2, 'channel_path_id': '', 'mac_id': '0E4E8E'},
                  s('1000') + i1(2) + i4(3) + s('') + s('0E4E8E'),
                  {'image_device_number': '1000', 'adapter_type': 2, 'network_adapter_devices': 3,
                   'channel_path_id': '', 'mac_id': '0E4E8E'})


def test_adapter_binary_validation():
    name = 'Virtual_Network_Adapter_Create'
    good = {'image_device_number': '1000', 'adapter_type': 2, 'network_adapter_devices': 3}
    bad(name, dict(good, network_adapter_devices=2), 'network_adapter_devices', codec.RS_BELOW_MIN)
    bad(name, dict(good, network_adapter_devices=3073), 'network_adapter_devices', codec.RS_ABOVE_MAX)
    bad(name, dict(good, adapter_type=0), 'adapter_type', codec.RS_BELOW_MIN)
    bad('Virtual_Network_Adapter_Create_DM', dict(good, mac_id='0E4E8E0'), 'mac_id', codec.RS_TOO_LONG)
    bad('Virtual_Network_Adapter_Connect_LAN', {'image_device_number': '1000', 'lan_name': 'LAN_1',
                                                'lan_owner': 'SYSTEM'}, 'lan_name', codec.RS_UNRECOGNIZED)
    bad('Virtual_Network_Adapter_Connect_Vswitch', {'image_device_number': '1000'}, 'switch_name',
        codec.RS_MISSING)


def test_adapter_create_extended_any_order():
    # keyword parameters run to the end of the request, in the caller's order
    params = {'devices': '3', 'adapter_type': 'QDIO', 'image_device_number': '1000'}
    check_request('Virtual_Network_Adapter_Create_Extended', 'LINUX01', params,
                  z('devices=3', 'adapter_type=QDIO', 'image_device_number=1000'))


def test_adapter_create_extended_dm_has_a_length_prefix():
    params = {'image_device_number': '1000', 'adapter_type': 'hipers', 'mac_id': '0E4E8E'}
    body = z('image_device_number=1000', 'adapter_type=hipers', 'mac_id=0E4E8E')
    check_request('Virtual_Network_Adapter_Create_Extended_DM', 'LINUX01', params, i4(len(body)) + body)


def test_adapter_extended_validation():
    name = 'Virtual_Network_Adapter_Create_Extended_DM'
    bad(name, {'adapter_type': 'QDIO'}, 'image_device_number', codec.RS_MISSING)
    bad(name, {'image_device_number': '1000', 'adapter_type': 'OSA'}, 'adapter_type', codec.RS_UNRECOGNIZED)
    bad(name, {'image_device_number': '1000', 'adapter_type': 'QDIO', 'mac_id': ''}, 'mac_id',
        codec.RS_MISSING)
    bad(name, {'image_device_number': '1000', 'adapter_type': 'QDIO', 'macid': '0E4E8E'}, 'macid',
        codec.RS_EXTRANEOUS)
    bad('Virtual_Network_Adapter_Connect_Vswitch_Extended', {'image_device_number': '1000',
                                                             'switch_name': 'VSW.1'},
        'switch_name', codec.RS_UNRECOGNIZED)


def test_adapter_query_all_and_an_uncoupled_adapter():
    check_request('Virtual_Network_Adapter_Query', 'LINUX01', {'image_device_number': '*'}, s('*'))
    output = {'adapter_array': [
        {'image_device_number': '1000', 'adapter_type': 2, 'network_adapter_devices': 3, 'adapter_status': 0,
         'lan_owner': '', 'lan_name': ''},
        {'image_device_number': '2000', 'adapter_type': 2, 'network_adapter_devices': 3, 'adapter_status': 2,
         'lan_owner': 'SYSTEM  ', 'lan_name': 'VSW1    '},
    ]}
    raw = arr(struct_(s('1000'), i1(2), i4(3), i1(0), s(''), s('')),
              struct_(s('2000'), i1(2), i4(3), i1(2), s('SYSTEM  '), s('VSW1    ')))
    check_response('Virtual_Network_Adapter_Query', 0, 0, output, raw)


# Virtual_Network_Adapter_Query_Extended (no capture) ------------------------------

ADAPTERS = z(
    'adapter_count=2',
    'adapter_address=1000', 'port_type=1', 'extended_port_status=00', 'adapter_type=2',
    'network_device_count=3', 'adapter_status=00', 'device_options=00000000', 'router_status=00',
    'adapter_info_end',
    'adapter_address=2000', 'port_type=0', 'extended_port_status=00', 'adapter_type=2',
    'network_device_count=3', 'adapter_status=02', 'lan_owner=SYSTEM', 'lan_name=VSW1',
    'device_options=C1000000', 'router_status=00', 'mac_count=2',
    'mac_address=02000A000001', 'mac_address_type=00', 'mac_status=00', 'mac_ip_version=4',
    'mac_ip_address=192.0.2.10',
    'mac_address=333300000001', 'mac_address_type=01', 'mac_status=00',
    'mac_info_end',
    'adapter_info_end')

ADAPTER_1000 = {'adapter_address': '1000', 'port_type': '1', 'extended_port_status': '00', 'adapter_type': '2',
                'network_device_count': '3', 'adapter_status': '00', 'device_options': '00000000',
                'router_status': '00'}
ADAPTER_2000 = {'adapter_address': '2000', 'port_type': '0', 'extended_port_status': '00', 'adapter_type': '2',
                'network_device_count': '3', 'adapter_status': '02', 'lan_owner': 'SYSTEM', 'lan_name': 'VSW1',
                'device_options': 'C1000000', 'router_status': '00', 'mac_count': '2',
                'mac_array': [{'mac_address': '02000A000001', 'mac_address_type': '00', 'mac_status': '00',
                               'mac_ip_version': '4', 'mac_ip_address': '192.0.2.10'},
                              {'mac_address': '333300000001', 'mac_address_type': '01', 'mac_status': '00'}]}


def test_adapter_query_extended_request_has_a_length_prefix():
    body = z('image_device_number=*')
    check_request('Virtual_Network_Adapter_Query_Extended', 'LINUX01', {'image_device_number': '*'},
                  i4(len(body)) + body)
    bad('Virtual_Network_Adapter_Query_Extended', {'image_device_number': '10000'}, 'image_device_number',
        codec.RS_TOO_LONG)


def test_adapter_query_extended_response():
    output = {'adapter_count': '2', 'adapter_array': [ADAPTER_1000, ADAPTER_2000]}
    check_response('Virtual_Network_Adapter_Query_Extended', 0, 0, output, i4(len(ADAPTERS)) + ADAPTERS)


def test_adapter_query_extended_counts_are_derived_for_the_simulator():
    # a simulator may leave out adapter_count and mac_count: they come from the lists
    adapter = dict(ADAPTER_2000)
    del adapter['mac_count']
    adapter['mac_array'] = adapter.pop('mac_array')[1:]
    body = z('adapter_count=1',
             'adapter_address=2000', 'port_type=0', 'extended_port_status=00', 'adapter_type=2',
             'network_device_count=3', 'adapter_status=02', 'lan_owner=SYSTEM', 'lan_name=VSW1',
             'device_options=C1000000', 'router_status=00', 'mac_count=1',
             'mac_address=333300000001', 'mac_address_type=01', 'mac_status=00', 'mac_info_end',
             'adapter_info_end')
    decoded = dict(adapter, mac_count='1')
    decoded['mac_array'] = decoded.pop('mac_array')     # mac_count is read before the list
    check_response('Virtual_Network_Adapter_Query_Extended', 0, 0, {'adapter_array': [adapter]}, i4(len(body)) + body,
                   decoded_output={'adapter_count': '1', 'adapter_array': [decoded]})


def test_adapter_query_extended_empty_mac_list_and_no_adapters():
    body = z('adapter_count=1', 'adapter_address=3000', 'adapter_status=00', 'mac_count=0', 'mac_info_end',
             'adapter_info_end')
    output = {'adapter_count': '1', 'adapter_array': [
        {'adapter_address': '3000', 'adapter_status': '00', 'mac_count': '0', 'mac_array': []}]}
    check_response('Virtual_Network_Adapter_Query_Extended', 0, 0, output, i4(len(body)) + body)
    body = z('adapter_count=0')
    check_response('Virtual_Network_Adapter_Query_Extended', 0, 0, {'adapter_array': []}, i4(len(body)) + body,
                   decoded_output={'adapter_count': '0'})


def test_adapter_query_extended_error_has_no_output():
    check_response('Virtual_Network_Adapter_Query_Extended', 212, 8, {}, b'')


# Guest LANs ----------------------------------------------------------------------

def test_lan_access_uses_asciiz_parameters():
    params = {'lan_name': 'LAN1', 'lan_owner': 'SYSTEM', 'access_op': 'REVOKE', 'access_user': 'LINUX02',
              'promiscuity': 'PROMISCUOUS'}
    check_request('Virtual_Network_LAN_Access', 'MAINT', params,
                  z('LAN1', 'SYSTEM', 'REVOKE', 'LINUX02', 'PROMISCUOUS'))


def test_lan_validation():
    name = 'Virtual_Network_LAN_Access'
    good = {'lan_name': 'LAN1', 'lan_owner': 'SYSTEM', 'access_op': 'GRANT', 'access_user': 'LINUX02',
            'promiscuity': 'NONPROMISCUOUS'}
    bad(name, dict(good, access_op='ALLOW'), 'access_op', codec.RS_UNRECOGNIZED)
    bad(name, dict(good, access_user='LINUX0002'), 'access_user', codec.RS_TOO_LONG)
    bad('Virtual_Network_LAN_Create', {'lan_name': 'LAN1', 'lan_owner': 'SYSTEM', 'lan_type': 5},
        'lan_type', codec.RS_ABOVE_MAX)


def test_lan_create():
    check_request('Virtual_Network_LAN_Create', 'MAINT',
                  {'lan_name': 'LAN1', 'lan_owner': 'SYSTEM', 'lan_type': 2, 'transport_type': 2},
                  s('LAN1') + s('SYSTEM') + i1(2) + i1(2))


def test_lan_query_with_connected_adapters():
    output = {'lan_info_array': [
        {'lan_name': 'LAN1    ', 'lan_owner': 'SYSTEM  ', 'lan_type': 4, 'connected_adapter_array': [
            {'adapter_owner': 'LINUX01 ', 'image_device_number': '1000'},
            {'adapter_owner': 'LINUX02 ', 'image_device_number': '2000'}]},
        {'lan_name': 'LAN2    ', 'lan_owner': 'LINUX01 ', 'lan_type': 1, 'connected_adapter_array': []},
    ]}
    raw = arr(struct_(s('LAN1    '), s('SYSTEM  '), i1(4),
                      arr(struct_(s('LINUX01 '), s('1000')), struct_(s('LINUX02 '), s('2000')))),
              struct_(s('LAN2    '), s('LINUX01 '), i1(1), arr()))
    check_response('Virtual_Network_LAN_Query', 0, 0, output, raw)


def test_lan_access_query_records():
    output = {'authorized_user_array': [{'access_user': 'LINUX01', 'promiscuity': 'NONPROMISCUOUS'},
                                        {'access_user': 'A', 'promiscuity': 'PROMISCUOUS'}]}
    check_response('Virtual_Network_LAN_Access_Query', 0, 0, output,
                   z('LINUX01  NONPROMISCUOUS', 'A        PROMISCUOUS'))


# OSA and VLAN statistics -----------------------------------------------------------

def test_osa_query_records():
    output = {'osa_info_array': [
        {'osa_address': '0600', 'osa_status': 'FREE', 'osa_type': 'OSA', 'chpid_address': '06',
         'agent_status': 'NO'},
        {'osa_address': '0500', 'osa_status': 'ATTACHEDVSW1', 'osa_type': 'OSA', 'chpid_address': '05',
         'agent_status': 'YES'}]}
    check_response('Virtual_Network_OSA_Query', 0, 0, output,
                   z('0600 FREE OSA 06 NO', '0500 ATTACHEDVSW1 OSA 05 YES'))


def test_vlan_query_stats_port_and_nic():
    check_request('Virtual_Network_VLAN_Query_Stats', 'MAINT',
                  {'device': 'PORT', 'vlan_id': '100', 'userid': 'TCPIP'},
                  z('device=PORT', 'vlan_id=100', 'userid=TCPIP'))
    output = {'port_nic_array': [
        {'type': 'PORT', 'port_nic_id': 'PORT1', 'port_nic_num': '1', 'pseg_array': [
            {'pseg_vlanid': '100', 'pseg_rx': '5', 'pseg_rx_disc': '0', 'pseg_tx': '7', 'pseg_tx_disc': '1'},
            {'pseg_vlanid': '200', 'pseg_rx': '9', 'pseg_rx_disc': '2', 'pseg_tx': '3', 'pseg_tx_disc': '0'}]},
        {'type': 'NIC', 'port_nic_id': '1000', 'port_nic_num': '65', 'pseg_array': []},
    ]}
    raw = arr(struct_(z('PORT PORT1 1'), arr(z('100 5 0 7 1', '200 9 2 3 0'))),
              struct_(z('NIC 1000 65'), arr()))
    check_response('Virtual_Network_VLAN_Query_Stats', 0, 0, output, raw)
    bad('Virtual_Network_VLAN_Query_Stats', {'userid': 'TCPIP', 'device': 'ALL'}, 'device', codec.RS_UNRECOGNIZED)
    bad('Virtual_Network_VLAN_Query_Stats', {'device': 'NIC'}, 'userid', codec.RS_MISSING)


# Virtual switches: binary parameters ------------------------------------------------

SYSCFG_EMPTY = s('') * 10


def test_vswitch_create_defaults():
    params = {'switch_name': 'VSW1', 'real_device_address': '0600 0610', 'controller_name': '*'}
    raw = (s('VSW1') + s('0600 0610') + s('') + s('*') + i1(0) + i4(-1) + i1(0) + i1(0) + i4(-1) + i1(0) + i1(0)
           + SYSCFG_EMPTY + i1(0) + i4(-1))
    decoded = dict(params, port_name='', connection_value=0, queue_memory_limit=-1, routing_value=0,
                   transport_type=0, vlan_id=-1, port_type=0, update_system_config_indicator=0, gvrp_value=0,
                   native_vlanid=-1)
    for prefix in ('', 'alt_'):
        for key in ('system_config_name', 'system_config_type', 'parm_disk_owner', 'parm_disk_number',
                    'parm_disk_password'):
            decoded[prefix + key] = ''
    check_request('Virtual_Network_Vswitch_Create', 'MAINT', params, raw, decoded)


def test_vswitch_binary_validation():
    name = 'Virtual_Network_Vswitch_Create'
    bad(name, {'switch_name': 'VSW1', 'vlan_id': 4095}, 'vlan_id', codec.RS_ABOVE_MAX)
    bad(name, {'switch_name': 'VSW1', 'queue_memory_limit': 9}, 'queue_memory_limit', codec.RS_ABOVE_MAX)
    bad(name, {'switch_name': 'VSW1', 'transport_type': 3}, 'transport_type', codec.RS_ABOVE_MAX)
    bad(name, {'switch_name': 'VSWITCH01'}, 'switch_name', codec.RS_TOO_LONG)
    bad('Virtual_Network_Vswitch_Set', {'switch_name': 'VSW1', 'user_vlan_id': '10,20'}, 'user_vlan_id',
        codec.RS_UNRECOGNIZED)
    bad('Virtual_Network_Vswitch_Delete', {'switch_name': 'VSW1', 'parm_disk_password': 'A B'},
        'parm_disk_password', codec.RS_UNRECOGNIZED)


def test_vswitch_query_with_vlans_and_devices():
    vsw = {'switch_name': 'VSW1    ', 'transport_type': 2, 'port_type': 2, 'queue_memory_limit': 8,
           'routing_value': 1, 'vlan_id': 100, 'native_vlan_id': 1, 'mac_id': 0x020001000005,
           'gvrp_request_attribute': 1, 'gvrp_enabled_attribute': 1, 'switch_status': 8,
           'real_device_array': [{'real_device_address': 0x600, 'controller_name': 'DTCVSW1 ',
                                  'port_name': 'PORT1   ', 'device_status': 1, 'device_error_status': 0}],
           'authorized_user_array': [{'grant_userid': 'LINUX01 ',
                                      'vlan_array': [{'user_vlan_id': 100}, {'user_vlan_id': 200}]},
                                     {'grant_userid': 'LINUX02 ', 'vlan_array': []}],
           'connected_adapter_array': [{'adapter_owner': 'LINUX01 ', 'image_device_number': '1000'}]}
    raw = arr(struct_(
        s('VSW1    '), i1(2), i1(2), i4(8), i1(1), i4(100), i4(1), i8(0x020001000005), i1(1), i1(1), i1(8),
        arr(struct_(i4(0x600), s('DTCVSW1 '), s('PORT1   '), i1(1), i1(0))),
        arr(struct_(s('LINUX01 '), arr(struct_(i4(100)), struct_(i4(200)))), struct_(s('LINUX02 '), arr())),
        arr(struct_(s('LINUX01 '), s('1000')))))
    check_response('Virtual_Network_Vswitch_Query', 0, 0, {'vswitch_array': [vsw]}, raw)


# Virtual switches: keyword parameters --------------------------------------------------

def test_vswitch_set_extended_keeps_the_callers_order():
    params = {'persist': 'YES', 'mac_protect': 'UNSPEC', 'grant_userid': 'LINUX01', 'switch_name': 'VSW1',
              'vlan_counters': 'ON', 'user_vlan_id': '10-12 20-22', 'port_type': 'TRUNK'}
    check_request('Virtual_Network_Vswitch_Set_Extended', 'MAINT', params,
                  z('persist=YES', 'MAC_protect=UNSPEC', 'grant_userid=LINUX01', 'switch_name=VSW1',
                    'VLAN_counters=ON', 'user_vlan_id=10-12 20-22', 'port_type=TRUNK'))


def test_vswitch_set_extended_uplink_and_ports():
    params = {'switch_name': 'VSW1', 'nic_userid': '*', 'connection_value': 'DISCON',
              'real_device_address': '0600.P1 0610', 'portnum': '0010 LINUX01', 'vlan_port_add': '100 1-10 20'}
    check_request('Virtual_Network_Vswitch_Set_Extended', 'MAINT', params,
                  z('switch_name=VSW1', 'nic_userid=*', 'connection_value=DISCON',
                    'real_device_address=0600.P1 0610', 'portnum=0010 LINUX01', 'vlan_port_add=100 1-10 20'))


def test_vswitch_set_extended_validation():
    name = 'Virtual_Network_Vswitch_Set_Extended'
    bad(name, {'grant_userid': 'LINUX01'}, 'switch_name', codec.RS_MISSING)
    bad(name, {'switch_name': 'VSW1', 'connection_value': 'NOUPLINK'}, 'connection_value', codec.RS_UNRECOGNIZED)
    bad(name, {'switch_name': 'VSW1', 'connection_value': 'CO'}, 'connection_value', codec.RS_UNRECOGNIZED)
    bad(name, {'switch_name': 'VSW1', 'port_type': 'HYBRID'}, 'port_type', codec.RS_UNRECOGNIZED)
    bad(name, {'switch_name': 'VSW1', 'persist': 'MAYBE'}, 'persist', codec.RS_TOO_LONG)
    bad(name, {'switch_name': 'VSW1', 'persist': 'Y'}, 'persist', codec.RS_UNRECOGNIZED)
    bad(name, {'switch_name': 'VSW1', 'mac_protect': 'YES'}, 'mac_protect', codec.RS_UNRECOGNIZED)
    bad(name, {'switch_name': 'VSW1', 'user_vlan_id': '1010 2020 3030 4040 5'}, 'user_vlan_id',
        codec.RS_TOO_LONG)
    bad(name, {'switch_name': 'VSW1', 'queue_memory_limit': '9'}, 'queue_memory_limit', codec.RS_UNRECOGNIZED)
    bad(name, {'switch_name': 'VSW1', 'MAC_protect': 'ON'}, 'MAC_protect', codec.RS_EXTRANEOUS)


def test_vswitch_create_extended_any_order():
    params = {'transport_type': 'ETH', 'switch_name': 'VSW3', 'connection_value': 'NOUPLINK',
              'vlan_id': 'AWARE', 'port_type': 'ACCESS', 'native_vlanid': '1', 'persist': 'YES',
              'group_name': 'GRP1', 'routing_value': 'NONROUTER', 'gvrp_value': 'NOGVRP'}
    check_request('Virtual_Network_Vswitch_Create_Extended', 'MAINT', params,
                  z('transport_type=ETH', 'switch_name=VSW3', 'connection_value=NOUPLINK', 'vlan_id=AWARE',
                    'port_type=ACCESS', 'native_vlanid=1', 'persist=YES', 'group_name=GRP1',
                    'routing_value=NONROUTER', 'gvrp_value=NOGVRP'))


def test_vswitch_create_extended_validation():
    name = 'Virtual_Network_Vswitch_Create_Extended'
    bad(name, {'persist': 'NO'}, 'switch_name', codec.RS_MISSING)
    bad(name, {'switch_name': 'VSW3', 'transport_type': 'ETHER_NET'}, 'transport_type', codec.RS_TOO_LONG)
    bad(name, {'switch_name': 'VSW3', 'transport_type': 'ETHERNETX'}, 'transport_type', codec.RS_TOO_LONG)
    bad(name, {'switch_name': 'VSW3', 'transport_type': 'ET'}, 'transport_type', codec.RS_UNRECOGNIZED)
    bad(name, {'switch_name': 'VSW3', 'connection_value': 'OFF'}, 'connection_value', codec.RS_UNRECOGNIZED)
    bad(name, {'switch_name': 'VSW3', 'group_name': ''}, 'group_name', codec.RS_MISSING)
    bad(name, {'switch_name': 'VSW3', 'vswitch_global': 'GL'}, 'vswitch_global', codec.RS_TOO_SHORT)
    bad(name, {'switch_name': 'VSW3', 'vswitch_domain': 'I'}, 'vswitch_domain', codec.RS_UNRECOGNIZED)
    bad(name, {'switch_name': 'VSW3', 'iptimeout': '5m'}, 'iptimeout', codec.RS_UNRECOGNIZED)


def test_vswitch_delete_extended():
    check_request('Virtual_Network_Vswitch_Delete_Extended', 'MAINT', {'persist': 'YES', 'switch_name': 'VSW1'},
                  z('persist=YES', 'switch_name=VSW1'))
    bad('Virtual_Network_Vswitch_Delete_Extended', {'switch_name': 'VSW1', 'persist': 'SOMETIMES'}, 'persist',
        codec.RS_TOO_LONG)


# Virtual switch queries ------------------------------------------------------------------

ATTRS = ('VSW2 ETHERNET TRUNK 8 NA AWARE 00100 00001 02-00-01-00-00-0B GVRP NOGVRP 3 LAG: 0 (NOGRP) 5 QDIO '
         'NOISOLATION NOMACPROTECT USERBASED NOCOUNTERS OFF (NONE)')


def test_vswitch_query_extended_switch_name_alone():
    check_request('Virtual_Network_Vswitch_Query_Extended', 'MAINT', {'switch_name': 'VSW2'},
                  z('switch_name=VSW2'))
    bad('Virtual_Network_Vswitch_Query_Extended', {'switch_name': 'VSW2', 'vepa_status': 'ON'}, 'vepa_status',
        codec.RS_UNRECOGNIZED)


def test_vswitch_query_extended_vlan_ids_uplinks_and_members():
    attrs = z(ATTRS)
    users = z('0000 LINUX01 NOPROM NOOSDSIM 2 0100 0200', '0000 LINUX02 PROM OSDSIM 0 ')
    raw = i4(1) + struct_(
        i4(len(attrs)) + attrs,
        arr(z('0600 0601 DTCVSW1 (NONE) 1 0')),
        arr(users),
        arr(z('LINUX01 1000 02-00-01-00-00-0C QDIO')),
        arr(z('LINUX03 2000 0')),
        arr(z('SYSA JOINED', 'SYSB ISOLATED')))
    vsw = {'switch_name': 'VSW2', 'transport_type': 'ETHERNET', 'port_type': 'TRUNK', 'queue_memory_limit': '8',
           'routing_value': 'NA', 'vlan_awareness': 'AWARE', 'vlan_id': '00100', 'native_vlan_id': '00001',
           'mac_address': '02-00-01-00-00-0B', 'gvrp_request_attribute': 'GVRP',
           'gvrp_enabled_attribute': 'NOGVRP', 'switch_status': '3', 'link_ag': 'LAG:', 'lag_interval': '0',
           'lag_group': '(NOGRP)', 'ip_timeout': '5', 'switch_type': 'QDIO', 'isolation_status': 'NOISOLATION',
           'mac_protect': 'NOMACPROTECT', 'user_port_based': 'USERBASED', 'vlan_counters': 'NOCOUNTERS',
           'vepa_status': 'OFF', 'spg_scope': '(NONE)',
           'real_device_info_array': [{'real_device_address': '0600', 'virtual_device_address': '0601',
                                       'controller_name': 'DTCVSW1', 'port_name': '(NONE)', 'device_status': '1',
                                       'device_error_status': '0'}],
           'authorized_user_array': [{'port_num': '0000', 'grant_userid': 'LINUX01', 'promiscuous_mode': 'NOPROM',
                                      'osd_sim': 'NOOSDSIM', 'vlan_count': '2', 'vlan_ids': ['0100', '0200']},
                                     {'port_num': '0000', 'grant_userid': 'LINUX02', 'promiscuous_mode': 'PROM',
                                      'osd_sim': 'OSDSIM', 'vlan_count': '0', 'vlan_ids': []}],
           'connected_adapter_array': [{'adapter_owner': 'LINUX01', 'adapter_vdev': '1000',
                                        'adapter_macaddr': '02-00-01-00-00-0C', 'adapter_type': 'QDIO'}],
           'uplink_nic_array': [{'uplink_nic_userid': 'LINUX03', 'uplink_nic_vdev': '2000',
                                 'uplink_nic_error_status': '0'}],
           'global_member_array': [{'member_name': 'SYSA', 'member_state': 'JOINED'},
                                   {'member_name': 'SYSB', 'member_state': 'ISOLATED'}]}
    check_response('Virtual_Network_Vswitch_Query_Extended', 0, 0, {'vswitch_array': [vsw]}, raw)


def test_vswitch_query_stats_segments():
    seg = {'seg_vlanid': '100', 'seg_rx': '10', 'seg_rx_disc': '0', 'seg_tx': '12', 'seg_tx_disc': '1',
           'seg_activated_tod': '*', 'seg_config_update_tod': '*', 'seg_vlan_interfaces': '2',
           'seg_vlan_deletes': '0', 'seg_device_type': 'OSA', 'seg_device_addr': '0600', 'seg_device_status': '1'}
    output = {'vswitch_array': [{'switch_name': 'VSW1', 'segment_array': [seg]},
                                {'switch_name': 'VSW2', 'segment_array': []}]}
    raw = arr(s('VSW1') + arr(z('100 10 0 12 1 * * 2 0 OSA 0600 1')), s('VSW2') + arr())
    check_response('Virtual_Network_Vswitch_Query_Stats', 0, 0, output, raw)
    check_request('Virtual_Network_Vswitch_Query_Stats', 'MAINT', {'fmt_version': '4', 'switch_name': '*'},
                  z('fmt_version=4', 'switch_name=*'))
    bad('Virtual_Network_Vswitch_Query_Stats', {'switch_name': 'VSW1', 'fmt_version': 'four'}, 'fmt_version',
        codec.RS_UNRECOGNIZED)


def test_vswitch_query_byte_stats_counts_are_asciiz_numbers():
    counters = ['fr_rx', 'fr_rx_dsc', 'fr_rx_err', 'fr_tx', 'fr_tx_dsc', 'fr_tx_err', 'rx', 'tx']
    uplink = dict(('uplink_' + c, str(i)) for i, c in enumerate(counters))
    uplink['uplink_conn'] = '0600'
    nic = dict(('nic_' + c, str(10 + i)) for i, c in enumerate(counters))
    nic['nic_id'] = 'LINUX01 1000'
    vsw = dict(('bridge_' + c, '0') for c in counters)
    vsw.update(switch_name='VSW1', uplink_array=[uplink], nic_array=[nic],
               vlan_array=[{'vlan_id': '100', 'vlan_rx': '5', 'vlan_tx': '6'},
                           {'vlan_id': '200', 'vlan_rx': '7', 'vlan_tx': '8'}])
    raw = z('1', 'VSW1', '1', '0600', *[str(i) for i in range(8)])
    raw += z(*['0'] * 8) + z('1', 'LINUX01 1000', *[str(10 + i) for i in range(8)])
    raw += z('2', '100', '5', '6', '200', '7', '8')
    check_response('Virtual_Network_Vswitch_Query_Byte_Stats', 0, 0, {'vswitch_array': [vsw]}, raw)
    check_request('Virtual_Network_Vswitch_Query_Byte_Stats', 'MAINT', {'switch_name': '*'}, z('switch_name=*'))
    bad('Virtual_Network_Vswitch_Query_Byte_Stats', {}, 'switch_name', codec.RS_MISSING)


def test_byte_stats_count_must_be_a_number():
    function = layouts.get('Virtual_Network_Vswitch_Query_Byte_Stats')
    with pytest.raises(codec.DecodeError):
        codec.decode_response(function, response_bytes(0, 0, z('x', 'VSW1')))
