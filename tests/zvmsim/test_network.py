# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""z/VM networking in the simulator: virtual switches, their access lists,
NICDEFs in the directory, active NICs, the network queries and counters,
and every captured request of these functions sent as it was captured."""

import base64
import json
import os

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils import directory
from ansible_collections.zvm.cloud.plugins.module_utils.smapi import codec, layouts

from zvmsim import cp

from .conftest import exchange
from tests.conftest import captures_dir


def send(sim, function, target='MAINT', validate=True, **params):
    """One request as MAINT; the decoded reply (checked to re-encode exactly)."""
    layout = layouts.get(function)
    data = codec.encode_request(layout, 'MAINT', 'MAINT', target, params, validate=validate)
    raw = exchange(sim, data)
    reply = codec.decode_response(layout, raw)
    assert codec.reencode_response(layout, reply) == raw
    return reply


def rc(reply):
    return reply['return_code'], reply['reason_code']


def switch(sim, name):
    with sim.store.transaction() as tx:
        return tx.vswitch(name)


def grant_of(sim, name, userid):
    with sim.store.transaction() as tx:
        return tx.grant(name, userid)


def adapter(sim, userid, vdev):
    with sim.store.transaction() as tx:
        return tx.adapter(userid, vdev)


def nics(sim, userid):
    with sim.store.transaction() as tx:
        return dict((n.vdev, n) for n in directory.parse(tx.entry(userid)).nics)


def query_ext(sim, name):
    reply = send(sim, 'Virtual_Network_Vswitch_Query_Extended', switch_name=name)
    assert rc(reply) == (0, 0)
    return reply['vswitch_array'][0]


def users_of(sim, name):
    return dict((u['grant_userid'], u) for u in query_ext(sim, name)['authorized_user_array'])


def connected(sim, name):
    return [(a['adapter_owner'], a['adapter_vdev']) for a in query_ext(sim, name)['connected_adapter_array']]


def set_ext(sim, name, **kw):
    return send(sim, 'Virtual_Network_Vswitch_Set_Extended', switch_name=name, **kw)


# -- Virtual_Network_Vswitch_Create_Extended ------------------------------------------------------------

def test_create_extended_defines_a_vlan_aware_switch(sim):
    reply = send(sim, 'Virtual_Network_Vswitch_Create_Extended', switch_name='vswnew', real_device_address='610',
                 connection_value='DISCON', transport_type='ETHERNET', vlan_id='100', port_type='TRUNK',
                 native_vlanid='200', persist='NO', queue_memory_limit='4')
    assert rc(reply) == (0, 0)
    doc = switch(sim, 'VSWNEW')
    assert doc['real_device_address'] == '0610' and doc['persist'] is False
    rec = query_ext(sim, 'VSWNEW')
    assert (rec['vlan_awareness'], rec['vlan_id'], rec['native_vlan_id'], rec['port_type']) == \
        ('AWARE', '00100', '00200', 'TRUNK')
    assert (rec['switch_status'], rec['queue_memory_limit'], rec['transport_type']) == ('3', '4', 'ETHERNET')
    assert rec['mac_address'].startswith('02-00-01-00-')
    assert rec['real_device_info_array'][0]['real_device_address'] == '0610'
    assert rec['authorized_user_array'] == [] and rec['connected_adapter_array'] == []


def test_create_extended_defaults_and_none(sim):
    assert rc(send(sim, 'Virtual_Network_Vswitch_Create_Extended', switch_name='INTERNAL',
                   real_device_address='NONE')) == (0, 0)
    rec = query_ext(sim, 'INTERNAL')
    assert (rec['vlan_awareness'], rec['port_type'], rec['switch_status'], rec['gvrp_request_attribute']) == \
        ('UNAWARE', 'NONE', '1', 'NOGVRP')
    assert rec['real_device_info_array'] == []
    assert switch(sim, 'INTERNAL')['persist'] is True


def test_create_extended_existing_switch_is_212_36(sim):
    assert rc(send(sim, 'Virtual_Network_Vswitch_Create_Extended', switch_name='vsw1')) == (212, 36)


@pytest.mark.parametrize('rdev,code', [('0700', (396, 40)), ('0501', (396, 121)), ('0600', (396, 121)),
                                       ])
def test_create_extended_rejects_real_devices(sim, rdev, code):
    """0700 is no OSA of the system; 0501 belongs to VSW1's triplet 0500-0502."""
    reply = send(sim, 'Virtual_Network_Vswitch_Create_Extended', switch_name='VSWX', real_device_address=rdev)
    assert rc(reply) == code
    assert switch(sim, 'VSWX') is None


def test_create_extended_vlan_operands_on_unaware_switch_are_396_2846(sim):
    reply = send(sim, 'Virtual_Network_Vswitch_Create_Extended', switch_name='VSWX', vlan_id='UNAWARE',
                 port_type='TRUNK')
    assert rc(reply) == (396, 2846)
    assert switch(sim, 'VSWX') is None


def test_create_extended_keyword_errors(sim):
    assert rc(send(sim, 'Virtual_Network_Vswitch_Create_Extended', validate=False, switch_name='VSWX',
                   bogus='1')) == (8, 3002)
    assert rc(send(sim, 'Virtual_Network_Vswitch_Create_Extended', switch_name='VSWX', vlan_id='FOO')) == (8, 3003)
    assert rc(send(sim, 'Virtual_Network_Vswitch_Create_Extended', switch_name='VSWX', vlan_id='5000')) == \
        (8, 3003)
    assert rc(send(sim, 'Virtual_Network_Vswitch_Create_Extended', validate=False, vlan_id='AWARE')) == (8, 3004)
    assert switch(sim, 'VSWX') is None


# -- Virtual_Network_Vswitch_Create ------------------------------------------------------------------

def _create(sim, name, **kw):
    params = dict(switch_name=name, real_device_address='', port_name='', controller_name='',
                  connection_value=0, queue_memory_limit=-1, routing_value=0, transport_type=0, vlan_id=-1,
                  port_type=0, update_system_config_indicator=1, gvrp_value=0, native_vlanid=-1)
    params.update(kw)
    return send(sim, 'Virtual_Network_Vswitch_Create', **params)


def test_create_defines_a_switch(sim):
    assert rc(_create(sim, 'VSWIP', transport_type=1, connection_value=2, real_device_address='610')) == (0, 0)
    reply = send(sim, 'Virtual_Network_Vswitch_Query', switch_name='VSWIP')
    rec = reply['vswitch_array'][0]
    assert (rec['transport_type'], rec['switch_status'], rec['port_type'], rec['vlan_id']) == (1, 3, 0, 0)
    assert rec['real_device_array'][0]['real_device_address'] == 0x610


def test_create_errors(sim):
    assert rc(_create(sim, 'VSW1')) == (212, 36)
    layout = layouts.get('Virtual_Network_Vswitch_Create')
    assert rc(_create(sim, 'VSWX', real_device_address='NO')) == \
        (24, layout.parameter_number('real_device_address') * 100 + 19)
    assert rc(_create(sim, 'VSWX', vlan_id=0, port_type=2)) == (396, 2846)
    assert switch(sim, 'VSWX') is None


def test_create_for_system_config_only_defines_nothing_active(sim):
    assert rc(_create(sim, 'VSWCFG', update_system_config_indicator=3)) == (0, 0)
    assert switch(sim, 'VSWCFG') is None


# -- Virtual_Network_Vswitch_Delete(_Extended) -------------------------------------------------------

def test_delete_extended_removes_switch_grants_and_couplings(sim):
    assert adapter(sim, 'LINUX01', '1000')['coupled']
    assert rc(send(sim, 'Virtual_Network_Vswitch_Delete_Extended', switch_name='vsw1', persist='NO')) == (0, 0)
    assert switch(sim, 'VSW1') is None and grant_of(sim, 'VSW1', 'LINUX01') is None
    assert not adapter(sim, 'LINUX01', '1000')['coupled']
    assert rc(send(sim, 'Virtual_Network_Vswitch_Delete_Extended', switch_name='vsw1')) == (212, 40)


def test_delete_extended_keyword_errors(sim):
    assert rc(send(sim, 'Virtual_Network_Vswitch_Delete_Extended', validate=False)) == (8, 3004)
    assert rc(send(sim, 'Virtual_Network_Vswitch_Delete_Extended', validate=False, switch_name='VSW1',
                   persist='MAYBE')) == (8, 3003)
    assert switch(sim, 'VSW1') is not None


def _delete(sim, name, indicator=1):
    return send(sim, 'Virtual_Network_Vswitch_Delete', switch_name=name, update_system_config_indicator=indicator,
                system_config_name='', system_config_type='', parm_disk_owner='', parm_disk_number='',
                parm_disk_password='', alt_system_config_name='', alt_system_config_type='',
                alt_parm_disk_owner='', alt_parm_disk_number='', alt_parm_disk_password='')


def test_delete(sim):
    assert rc(_delete(sim, 'VSWTRUNK', indicator=3)) == (0, 0)
    assert switch(sim, 'VSWTRUNK') is not None
    assert rc(_delete(sim, 'VSWTRUNK')) == (0, 0)
    assert switch(sim, 'VSWTRUNK') is None
    assert rc(_delete(sim, 'VSWTRUNK')) == (212, 40)
    assert rc(_delete(sim, 'NOSUCH', indicator=3)) == (212, 40)


# -- Virtual_Network_Vswitch_Set_Extended: grants ------------------------------------------------------

def test_grant_adds_user_and_regrant_alike_is_212_44(sim):
    assert rc(set_ext(sim, 'VSW1', grant_userid='linux03')) == (0, 0)
    assert grant_of(sim, 'VSW1', 'LINUX03')['vlans'] == []
    assert 'LINUX03' in users_of(sim, 'VSW1')
    assert rc(set_ext(sim, 'VSW1', grant_userid='LINUX03')) == (212, 44)
    assert rc(set_ext(sim, 'VSW1', grant_userid='LINUX01')) == (212, 44)


def test_grant_changes_vlans_port_type_and_promiscuity(sim):
    assert rc(set_ext(sim, 'VSWTRUNK', grant_userid='LINUX01', user_vlan_id='100', port_type='ACCESS')) == (0, 0)
    user = users_of(sim, 'VSWTRUNK')['LINUX01']
    assert (user['vlan_count'], user['vlan_ids'], user['promiscuous_mode']) == ('1', ['0100'], 'NOPROM')
    assert rc(set_ext(sim, 'VSWTRUNK', grant_userid='LINUX01', user_vlan_id='100', port_type='ACCESS')) == \
        (212, 44)
    # an ACCESS port carries one VLAN
    assert rc(set_ext(sim, 'VSWTRUNK', grant_userid='LINUX01', user_vlan_id='200')) == (8, 24)
    # a TRUNK port takes more: the VLANs are added to the user's set
    assert rc(set_ext(sim, 'VSWTRUNK', grant_userid='LINUX01', user_vlan_id='200-202', port_type='TRUNK')) == \
        (0, 0)
    doc = grant_of(sim, 'VSWTRUNK', 'LINUX01')
    assert doc['vlans'] == ['100', '200-202'] and doc['port_type'] == 'TRUNK'
    user = users_of(sim, 'VSWTRUNK')['LINUX01']
    assert (user['vlan_count'], user['vlan_ids']) == ('2', ['0100', '0200-0202'])
    assert rc(set_ext(sim, 'VSWTRUNK', grant_userid='LINUX01', promiscuous='YES')) == (0, 0)
    assert users_of(sim, 'VSWTRUNK')['LINUX01']['promiscuous_mode'] == 'PROM'
    reply = send(sim, 'Virtual_Network_Vswitch_Query', switch_name='VSWTRUNK')
    users = reply['vswitch_array'][0]['authorized_user_array']
    assert users[0]['grant_userid'] == 'LINUX01 '
    assert [v['user_vlan_id'] for v in users[0]['vlan_array']] == [100, 200, 201, 202]


def test_vlan_settings_on_an_unaware_switch_are_396_2846(sim):
    assert rc(set_ext(sim, 'VSW1', grant_userid='LINUX03', user_vlan_id='100')) == (396, 2846)
    assert rc(set_ext(sim, 'VSW1', port_type='TRUNK')) == (396, 2846)
    assert rc(set_ext(sim, 'VSW1', gvrp_value='GVRP')) == (396, 2846)
    assert rc(set_ext(sim, 'VSW1', vlan_delete='100')) == (396, 2846)
    assert grant_of(sim, 'VSW1', 'LINUX03') is None


def test_revoke_removes_user_and_uncouples_its_nics(sim):
    assert ('LINUX01', '1000') in connected(sim, 'VSW1')
    assert rc(set_ext(sim, 'VSW1', revoke_userid='linux01')) == (0, 0)
    assert grant_of(sim, 'VSW1', 'LINUX01') is None
    assert 'LINUX01' not in users_of(sim, 'VSW1')
    assert ('LINUX01', '1000') not in connected(sim, 'VSW1')
    assert not adapter(sim, 'LINUX01', '1000')['coupled']
    assert ('TCPIP', '1000') in connected(sim, 'VSW1')


def test_revoke_of_a_user_not_authorized_is_0_0(sim):
    """The captures revoke GT@PING twice in a row; both answer 0/0."""
    assert rc(set_ext(sim, 'VSW1', revoke_userid='LINUX03')) == (0, 0)
    assert rc(set_ext(sim, 'VSW1', revoke_userid='LINUX03')) == (0, 0)


def test_set_extended_errors(sim):
    assert rc(set_ext(sim, 'NOSUCH', grant_userid='LINUX03')) == (212, 40)
    assert rc(set_ext(sim, 'VSW1', grant_userid='LINUX03', revoke_userid='LINUX01')) == (8, 24)
    assert rc(set_ext(sim, 'VSWTRUNK', user_vlan_id='100')) == (8, 24)
    assert rc(set_ext(sim, 'VSW1', validate=False, bogus='x')) == (8, 3002)
    assert rc(set_ext(sim, 'VSW1', validate=False, port_isolation='MAYBE')) == (8, 3003)
    assert rc(send(sim, 'Virtual_Network_Vswitch_Set_Extended', validate=False, grant_userid='X')) == (8, 3004)
    assert rc(set_ext(sim, 'VSWTRUNK', grant_userid='LINUX03', user_vlan_id='5000')) == (8, 3003)
    assert grant_of(sim, 'VSW1', 'LINUX03') is None and grant_of(sim, 'VSWTRUNK', 'LINUX03') is None


def test_ports_and_port_vlans(sim):
    assert rc(set_ext(sim, 'VSWTRUNK', portnum='200 linux03', port_type='TRUNK', user_vlan_id='10')) == (0, 0)
    assert users_of(sim, 'VSWTRUNK')['LINUX03']['port_num'] == '0200'
    assert rc(set_ext(sim, 'VSWTRUNK', vlan_port_add='200 20-21')) == (0, 0)
    assert grant_of(sim, 'VSWTRUNK', 'LINUX03')['vlans'] == ['10', '20-21']
    assert rc(set_ext(sim, 'VSWTRUNK', vlan_port_remove='200 21')) == (0, 0)
    assert rc(set_ext(sim, 'VSWTRUNK', vlan_delete='10')) == (0, 0)
    assert grant_of(sim, 'VSWTRUNK', 'LINUX03')['vlans'] == ['20']
    assert rc(set_ext(sim, 'VSWTRUNK', portnum_modify='200', promiscuous='YES')) == (0, 0)
    assert grant_of(sim, 'VSWTRUNK', 'LINUX03')['promiscuous'] is True
    assert rc(set_ext(sim, 'VSWTRUNK', portnum='200 linux02')) == (8, 24)
    assert rc(set_ext(sim, 'VSWTRUNK', portnum_remove='200')) == (0, 0)
    assert grant_of(sim, 'VSWTRUNK', 'LINUX03') is None
    assert rc(set_ext(sim, 'VSWTRUNK', vlan_port_remove='200 20')) == (396, 3040)
    assert rc(set_ext(sim, 'VSWTRUNK', portnum_modify='200', promiscuous='NO')) == (396, 3040)


def test_set_extended_switch_attributes(sim):
    assert rc(set_ext(sim, 'VSW1', connection_value='DISCONNECT', queue_memory_limit='2', mac_id='123456',
                      port_isolation='ON', vepa='ON', vlan_counters='ON', mac_protect='ON', iptimeout='30',
                      persist='NO')) == (0, 0)
    rec = query_ext(sim, 'VSW1')
    assert (rec['switch_status'], rec['queue_memory_limit'], rec['mac_address']) == ('3', '2', '02-00-00-12-34-56')
    assert (rec['isolation_status'], rec['vepa_status'], rec['vlan_counters'], rec['mac_protect'],
            rec['ip_timeout']) == ('ISOLATION', 'ON', 'COUNTERS', 'MACPROTECT', '30')
    assert switch(sim, 'VSW1')['persist'] is False
    osa = dict((o['osa_address'], o['osa_status']) for o in send(sim, 'Virtual_Network_OSA_Query')['osa_info_array'])
    assert osa['0500'] == 'FREE'
    assert rc(set_ext(sim, 'VSW1', connection_value='CONNECT', real_device_address='0610')) == (0, 0)
    assert query_ext(sim, 'VSW1')['real_device_info_array'][0]['real_device_address'] == '0610'
    assert rc(set_ext(sim, 'VSW1', real_device_address='0600')) == (396, 121)
    assert rc(set_ext(sim, 'VSW1', real_device_address='0999')) == (396, 40)
    assert switch(sim, 'VSW1')['real_device_address'] == '0610'


def test_set_extended_uplink_nic_and_link_aggregation(sim):
    assert rc(set_ext(sim, 'VSWTRUNK', nic_userid='linux01', nic_vdev='2000', uplink='YES')) == (0, 0)
    assert rc(set_ext(sim, 'VSWTRUNK', group_rdev='0610', lacp='ACTIVE', interval='30')) == (0, 0)
    rec = query_ext(sim, 'VSWTRUNK')
    assert rec['uplink_nic_array'] == [{'uplink_nic_userid': 'LINUX01', 'uplink_nic_vdev': '2000',
                                        'uplink_nic_error_status': '0'}]
    assert (rec['link_ag'], rec['lag_interval'], rec['lag_group']) == ('LAG:-GROUP-LACP', '30', 'VSWTRUNK')
    assert rec['real_device_info_array'][0]['real_device_address'] == '0610'
    assert rc(set_ext(sim, 'VSWTRUNK', nic_userid='linux01')) == (8, 24)


# -- Virtual_Network_Vswitch_Set ----------------------------------------------------------------------

def _set(sim, name, **kw):
    params = dict(switch_name=name, grant_userid='', user_vlan_id='', revoke_userid='', real_device_address='',
                  port_name='', controller_name='', connection_value=0, queue_memory_limit=-1, routing_value=0,
                  port_type=0, update_system_config_indicator=1, gvrp_value=0, mac_id='')
    params.update(kw)
    return send(sim, 'Virtual_Network_Vswitch_Set', **params)


def test_set_grants_and_revokes(sim):
    assert rc(_set(sim, 'VSWTRUNK', grant_userid='LINUX03', user_vlan_id='300', port_type=2)) == (0, 0)
    assert grant_of(sim, 'VSWTRUNK', 'LINUX03')['vlans'] == ['300']
    assert rc(_set(sim, 'VSWTRUNK', grant_userid='LINUX03', user_vlan_id='300', port_type=2)) == (0, 0)
    assert rc(_set(sim, 'VSWTRUNK', revoke_userid='LINUX03')) == (0, 0)
    assert grant_of(sim, 'VSWTRUNK', 'LINUX03') is None
    assert rc(_set(sim, 'VSW1', connection_value=2, queue_memory_limit=4)) == (0, 0)
    assert switch(sim, 'VSW1')['connection'] == 'DISCONNECT' and switch(sim, 'VSW1')['queue_memory_limit'] == 4


def test_set_errors(sim):
    layout = layouts.get('Virtual_Network_Vswitch_Set')
    assert rc(_set(sim, 'NOSUCH', grant_userid='LINUX03')) == (212, 40)
    assert rc(_set(sim, 'VSW1', grant_userid='LINUX03', user_vlan_id='5')) == (396, 2846)
    assert rc(_set(sim, 'VSW1', grant_userid='LINUX03', revoke_userid='LINUX01')) == \
        (24, layout.parameter_number('revoke_userid') * 100 + 25)
    assert rc(_set(sim, 'VSWTRUNK', grant_userid='LINUX03', user_vlan_id='1-')) == \
        (24, layout.parameter_number('user_vlan_id') * 100 + 19)
    assert rc(_set(sim, 'VSW1', real_device_address='0600')) == (396, 121)
    assert grant_of(sim, 'VSW1', 'LINUX03') is None


def test_set_for_system_config_only_changes_nothing_active(sim):
    assert rc(_set(sim, 'VSW1', grant_userid='LINUX03', update_system_config_indicator=3)) == (0, 0)
    assert grant_of(sim, 'VSW1', 'LINUX03') is None


# -- queries -------------------------------------------------------------------------------------------

def test_query_reports_attributes_users_and_coupled_nics(sim):
    reply = send(sim, 'Virtual_Network_Vswitch_Query', switch_name='*')
    assert rc(reply) == (0, 0)
    by_name = dict((s['switch_name'], s) for s in reply['vswitch_array'])
    vsw1 = by_name['VSW1']
    assert (vsw1['switch_status'], vsw1['transport_type'], vsw1['mac_id']) == (8, 2, 0x020000000001)
    assert vsw1['real_device_array'][0]['real_device_address'] == 0x500
    assert vsw1['real_device_array'][0]['device_status'] == 1
    assert [u['grant_userid'].strip() for u in vsw1['authorized_user_array']] == ['LINUX01', 'LINUX02', 'TCPIP']
    assert [(a['adapter_owner'].strip(), a['image_device_number']) for a in vsw1['connected_adapter_array']] == \
        [('LINUX01', '1000'), ('TCPIP', '1000')]
    assert (by_name['VSWTRUNK']['port_type'], by_name['VSWTRUNK']['vlan_id']) == (2, 1)
    assert rc(send(sim, 'Virtual_Network_Vswitch_Query', switch_name='NOSUCH')) == (212, 40)


def test_query_of_no_switches_is_212_40(make_sim):
    sim = make_sim({'network': {'vswitches': []}})
    assert rc(send(sim, 'Virtual_Network_Vswitch_Query', switch_name='*')) == (212, 40)
    assert rc(send(sim, 'Virtual_Network_Vswitch_Query_Extended', switch_name='*')) == (212, 40)


def test_query_extended(sim):
    reply = send(sim, 'Virtual_Network_Vswitch_Query_Extended', switch_name='*', vepa_status='YES')
    assert rc(reply) == (0, 0)
    vsw1 = reply['vswitch_array'][0]
    assert (vsw1['switch_name'], vsw1['switch_status'], vsw1['vlan_awareness'], vsw1['routing_value']) == \
        ('VSW1', '8', 'UNAWARE', 'NA')
    assert vsw1['real_device_info_array'] == [{'real_device_address': '0500', 'virtual_device_address': '0600',
                                               'controller_name': 'DTCVSW1', 'port_name': '(NONE)',
                                               'device_status': '1', 'device_error_status': '0'}]
    mac = adapter(sim, 'LINUX01', '1000')['mac']
    assert {'adapter_owner': 'LINUX01', 'adapter_vdev': '1000', 'adapter_macaddr': mac,
            'adapter_type': 'QDIO'} in vsw1['connected_adapter_array']
    assert rc(send(sim, 'Virtual_Network_Vswitch_Query_Extended', switch_name='NOSUCH')) == (212, 40)
    assert rc(send(sim, 'Virtual_Network_Vswitch_Query_Extended', validate=False)) == (8, 3004)
    assert rc(send(sim, 'Virtual_Network_Vswitch_Query_Extended', validate=False, switch_name='*',
                   colour='red')) == (8, 3002)


def test_query_stats(sim):
    reply = send(sim, 'Virtual_Network_Vswitch_Query_Stats', switch_name='*', fmt_version='4')
    assert rc(reply) == (0, 0)
    assert [s['switch_name'] for s in reply['vswitch_array']] == ['VSW1', 'VSWTRUNK']
    assert rc(send(sim, 'Virtual_Network_Vswitch_Query_Stats', switch_name='NOSUCH')) == (212, 40)
    assert rc(send(sim, 'Virtual_Network_Vswitch_Query_Stats', switch_name='*', fmt_version='0')) == (8, 3003)
    assert rc(send(sim, 'Virtual_Network_Vswitch_Query_Stats', validate=False, fmt_version='4')) == (8, 3004)


def test_byte_stats_grow_with_time_for_coupled_nics(sim, clock):
    def stats():
        reply = send(sim, 'Virtual_Network_Vswitch_Query_Byte_Stats', switch_name='*')
        assert rc(reply) == (0, 0)
        return dict((s['switch_name'], s) for s in reply['vswitch_array'])
    clock.advance(60)
    first = stats()['VSW1']
    nic = dict((n['nic_id'], n) for n in first['nic_array'])
    assert set(nic) == {'LINUX01 1000', 'TCPIP 1000'}
    assert int(nic['LINUX01 1000']['nic_rx']) > 0 and int(nic['LINUX01 1000']['nic_tx']) > 0
    assert first['uplink_array'][0]['uplink_conn'] == '0500' and int(first['uplink_array'][0]['uplink_rx']) > 0
    clock.advance(600)
    later = dict((n['nic_id'], n) for n in stats()['VSW1']['nic_array'])
    assert int(later['LINUX01 1000']['nic_rx']) > int(nic['LINUX01 1000']['nic_rx'])
    assert int(later['TCPIP 1000']['nic_fr_tx']) > int(nic['TCPIP 1000']['nic_fr_tx'])
    trunk = stats()['VSWTRUNK']
    assert trunk['nic_array'] == [] and trunk['uplink_array'][0]['uplink_rx'] == '0'
    one = send(sim, 'Virtual_Network_Vswitch_Query_Byte_Stats', switch_name='VSWTRUNK')
    assert [s['switch_name'] for s in one['vswitch_array']] == ['VSWTRUNK']
    assert send(sim, 'Virtual_Network_Vswitch_Query_Byte_Stats', switch_name='NOSUCH')['vswitch_array'] == []
    assert rc(send(sim, 'Virtual_Network_Vswitch_Query_Byte_Stats', validate=False, switch_name='*',
                   extra='1')) == (8, 3002)


def test_vlan_query_stats(sim, clock):
    clock.advance(120)
    reply = send(sim, 'Virtual_Network_VLAN_Query_Stats', userid='linux01', device='BOTH')
    assert rc(reply) == (0, 0)
    (nic,) = reply['port_nic_array']
    assert (nic['type'], nic['port_nic_id']) == ('NIC', '1000')
    assert nic['pseg_array'][0]['pseg_vlanid'] == '0' and int(nic['pseg_array'][0]['pseg_rx']) > 0
    assert rc(send(sim, 'Virtual_Network_VLAN_Query_Stats', userid='linux01', vlan_id='77')) == (212, 48)
    assert rc(send(sim, 'Virtual_Network_VLAN_Query_Stats', userid='linux01', vlan_id='x')) == (8, 3003)
    assert rc(send(sim, 'Virtual_Network_VLAN_Query_Stats', validate=False, device='NIC')) == (8, 3004)
    assert send(sim, 'Virtual_Network_VLAN_Query_Stats', userid='linux01', device='PORT')['port_nic_array'] == []


def test_osa_query(sim):
    reply = send(sim, 'Virtual_Network_OSA_Query')
    assert rc(reply) == (0, 0)
    osa = dict((o['osa_address'], o) for o in reply['osa_info_array'])
    assert osa['0500']['osa_status'] == 'ATTACHEDDTCVSW1' and osa['0502']['osa_status'] == 'ATTACHEDDTCVSW1'
    assert osa['0600']['osa_status'] == 'ATTACHEDDTCVSW2'
    assert osa['0610'] == {'osa_address': '0610', 'osa_status': 'FREE', 'osa_type': 'OSA', 'chpid_address': '06',
                           'agent_status': 'NO'}


def test_osa_query_without_osa_is_4_4(make_sim):
    sim = make_sim({'network': {'osa': [], 'vswitches': []}})
    assert rc(send(sim, 'Virtual_Network_OSA_Query')) == (4, 4)


# -- NICDEFs in the directory ----------------------------------------------------------------------

def test_create_dm_adds_a_nicdef(sim):
    reply = send(sim, 'Virtual_Network_Adapter_Create_DM', 'LINUX03', image_device_number='2000', adapter_type=2,
                 network_adapter_devices=3, channel_path_id='', mac_id='abcdef')
    assert rc(reply) == (0, 0)
    nic = nics(sim, 'LINUX03')['2000']
    assert (nic.type, nic.macid, nic.lan_name) == ('QDIO', 'ABCDEF', None)
    assert rc(send(sim, 'Virtual_Network_Adapter_Create_DM', 'LINUX03', image_device_number='3000',
                   adapter_type=1, network_adapter_devices=6, channel_path_id='F0', mac_id='')) == (0, 0)
    nic = nics(sim, 'LINUX03')['3000']
    assert (nic.type, nic.devices, nic.chpid) == ('HIPERSOCKETS', 6, 'F0')
    assert adapter(sim, 'LINUX03', '2000') is None


@pytest.mark.parametrize('vdev,target,code', [
    ('2000', 'NOSUCH', (400, 4)),
    ('1000', 'LINUX01', (404, 4)),     # the NIC itself
    ('0FFE', 'LINUX01', (404, 4)),     # 0FFE-1000 runs into NIC 1000
    ('1002', 'LINUX01', (404, 4)),     # NIC 1000 holds 1000-1002
    ('00FF', 'LINUX01', (404, 4)),     # 00FF-0101 runs into MDISK 0100
    ('000B', 'LINUX01', (404, 4)),     # the profile's SPOOL 000C
])
def test_create_dm_errors(sim, vdev, target, code):
    reply = send(sim, 'Virtual_Network_Adapter_Create_DM', target, image_device_number=vdev, adapter_type=2,
                 network_adapter_devices=3, channel_path_id='', mac_id='')
    assert rc(reply) == code


def test_dm_writes_honour_locks(sim):
    with sim.store.transaction(write=True) as tx:
        tx.add_lock('LINUX03', '', 'OPERATOR')
        tx.add_lock('LINUX01', '1000', 'OPERATOR')
    assert rc(send(sim, 'Virtual_Network_Adapter_Create_DM', 'LINUX03', image_device_number='2000',
                   adapter_type=2, network_adapter_devices=3, channel_path_id='', mac_id='')) == (400, 12)
    assert rc(send(sim, 'Virtual_Network_Adapter_Delete_DM', 'LINUX01', image_device_number='1000')) == (404, 12)
    assert rc(send(sim, 'Virtual_Network_Adapter_Disconnect_DM', 'LINUX01', image_device_number='1000')) == \
        (404, 12)
    assert '2000' not in nics(sim, 'LINUX03') and '1000' in nics(sim, 'LINUX01')


def test_create_extended_dm(sim):
    reply = send(sim, 'Virtual_Network_Adapter_Create_Extended_DM', 'LINUX03', image_device_number='2000',
                 adapter_type='QDIO', devices='9', mac_id='12AB')
    assert rc(reply) == (0, 0)
    nic = nics(sim, 'LINUX03')['2000']
    assert (nic.devices, nic.macid) == (9, '0012AB')
    assert rc(send(sim, 'Virtual_Network_Adapter_Create_Extended_DM', 'LINUX03', image_device_number='2008',
                   adapter_type='QDIO')) == (404, 4)
    assert rc(send(sim, 'Virtual_Network_Adapter_Create_Extended_DM', 'LINUX03', image_device_number='3000',
                   adapter_type='QDIO', devices='2')) == (8, 3003)
    assert rc(send(sim, 'Virtual_Network_Adapter_Create_Extended_DM', 'LINUX03', validate=False,
                   image_device_number='3000')) == (8, 3004)
    assert rc(send(sim, 'Virtual_Network_Adapter_Create_Extended_DM', 'NOSUCH', image_device_number='3000',
                   adapter_type='QDIO')) == (400, 4)


def test_delete_dm(sim):
    assert rc(send(sim, 'Virtual_Network_Adapter_Delete_DM', 'LINUX02', image_device_number='1000')) == (0, 0)
    assert nics(sim, 'LINUX02') == {}
    assert rc(send(sim, 'Virtual_Network_Adapter_Delete_DM', 'LINUX02', image_device_number='1000')) == (404, 8)
    assert rc(send(sim, 'Virtual_Network_Adapter_Delete_DM', 'LINUX01', image_device_number='0100')) == (404, 8)
    assert rc(send(sim, 'Virtual_Network_Adapter_Delete_DM', 'NOSUCH', image_device_number='1000')) == (400, 4)


def test_connect_vswitch_dm_and_disconnect_dm(sim):
    assert rc(send(sim, 'Virtual_Network_Adapter_Create_DM', 'LINUX03', image_device_number='2000',
                   adapter_type=2, network_adapter_devices=3, channel_path_id='', mac_id='')) == (0, 0)
    assert rc(send(sim, 'Virtual_Network_Adapter_Connect_Vswitch_DM', 'LINUX03', image_device_number='2000',
                   switch_name='vswtrunk')) == (0, 0)
    nic = nics(sim, 'LINUX03')['2000']
    assert (nic.lan_owner, nic.lan_name) == ('SYSTEM', 'VSWTRUNK')
    with sim.store.transaction() as tx:
        assert any(r.startswith('NICDEF 2000 TYPE QDIO LAN SYSTEM VSWTRUNK') for r in tx.entry('LINUX03'))
    assert rc(send(sim, 'Virtual_Network_Adapter_Disconnect_DM', 'LINUX03', image_device_number='2000')) == (0, 0)
    nic = nics(sim, 'LINUX03')['2000']
    assert (nic.lan_owner, nic.lan_name) == (None, None)
    assert rc(send(sim, 'Virtual_Network_Adapter_Disconnect_DM', 'LINUX03', image_device_number='2000')) == \
        (212, 32)
    assert rc(send(sim, 'Virtual_Network_Adapter_Disconnect_DM', 'LINUX03', image_device_number='2100')) == (404, 8)
    assert rc(send(sim, 'Virtual_Network_Adapter_Disconnect_DM', 'NOSUCH', image_device_number='2100')) == (400, 4)


def test_connect_vswitch_dm_errors(sim):
    assert rc(send(sim, 'Virtual_Network_Adapter_Connect_Vswitch_DM', 'LINUX02', image_device_number='1000',
                   switch_name='NOSUCH')) == (212, 40)
    assert rc(send(sim, 'Virtual_Network_Adapter_Connect_Vswitch_DM', 'LINUX02', image_device_number='2000',
                   switch_name='VSW1')) == (404, 8)
    assert rc(send(sim, 'Virtual_Network_Adapter_Connect_Vswitch_DM', 'NOSUCH', image_device_number='2000',
                   switch_name='VSW1')) == (400, 4)
    assert rc(send(sim, 'Virtual_Network_Adapter_Create_DM', 'LINUX03', image_device_number='3000',
                   adapter_type=1, network_adapter_devices=3, channel_path_id='', mac_id='')) == (0, 0)
    assert rc(send(sim, 'Virtual_Network_Adapter_Connect_Vswitch_DM', 'LINUX03', image_device_number='3000',
                   switch_name='VSW1')) == (412, 28)


def test_connect_lan_dm(sim):
    assert rc(send(sim, 'Virtual_Network_Adapter_Connect_LAN_DM', 'LINUX02', image_device_number='1000',
                   lan_name='GLAN1', lan_owner='TCPIP')) == (0, 0)
    nic = nics(sim, 'LINUX02')['1000']
    assert (nic.lan_owner, nic.lan_name) == ('TCPIP', 'GLAN1')
    assert rc(send(sim, 'Virtual_Network_Adapter_Connect_LAN_DM', 'LINUX02', image_device_number='2000',
                   lan_name='GLAN1', lan_owner='TCPIP')) == (404, 8)


def test_directory_and_active_nic_stay_independent_until_logon(sim):
    """A NICDEF change does not touch the running NIC; the next logon makes the NICDEF the NIC."""
    assert rc(send(sim, 'Virtual_Network_Adapter_Create_DM', 'LINUX01', image_device_number='2000',
                   adapter_type=2, network_adapter_devices=3, channel_path_id='', mac_id='')) == (0, 0)
    assert rc(send(sim, 'Virtual_Network_Adapter_Connect_Vswitch_DM', 'LINUX01', image_device_number='2000',
                   switch_name='VSW1')) == (0, 0)
    assert adapter(sim, 'LINUX01', '2000') is None
    with sim.store.transaction(write=True) as tx:
        cp.log_off(tx, 'LINUX01')
        cp.log_on(tx, 'LINUX01')
    new = adapter(sim, 'LINUX01', '2000')
    assert new['coupled'] and new['lan_name'] == 'VSW1'
    assert ('LINUX01', '2000') in connected(sim, 'VSW1')


# -- active NICs ------------------------------------------------------------------------------------

def _create_active(sim, target, vdev, adapter_type=2, devices=3):
    return send(sim, 'Virtual_Network_Adapter_Create', target, image_device_number=vdev,
                adapter_type=adapter_type, network_adapter_devices=devices, channel_path_type_id='')


def test_adapter_create_defines_an_uncoupled_nic(sim):
    assert rc(_create_active(sim, 'LINUX01', '2000')) == (0, 0)
    new = adapter(sim, 'LINUX01', '2000')
    assert (new['type'], new['devices'], new['coupled']) == ('QDIO', 3, False)
    assert new['mac'].startswith('02-00-00-')
    assert '2000' not in nics(sim, 'LINUX01')
    reply = send(sim, 'Virtual_Network_Adapter_Query', 'LINUX01', image_device_number='2000')
    assert reply['adapter_array'] == [{'image_device_number': '2000', 'adapter_type': 2,
                                       'network_adapter_devices': 3, 'adapter_status': 0, 'lan_owner': '',
                                       'lan_name': ''}]


@pytest.mark.parametrize('target,vdev,code', [
    ('NOSUCH', '2000', (200, 4)),
    ('LINUX02', '2000', (200, 12)),
    ('LINUX01', '1000', (204, 4)),
    ('LINUX01', '1001', (204, 4)),
    ('LINUX01', '0100', (204, 28)),
    ('LINUX01', '0FFF', (396, 2797)),
])
def test_adapter_create_errors(sim, target, vdev, code):
    assert rc(_create_active(sim, target, vdev)) == code


def test_adapter_create_extended(sim):
    assert rc(send(sim, 'Virtual_Network_Adapter_Create_Extended', 'LINUX01', image_device_number='2000',
                   adapter_type='HIPER', devices='4')) == (0, 0)
    new = adapter(sim, 'LINUX01', '2000')
    assert (new['type'], new['devices']) == ('HIPERSOCKETS', 4)
    assert rc(send(sim, 'Virtual_Network_Adapter_Create_Extended', 'LINUX01', image_device_number='2000',
                   adapter_type='QDIO')) == (204, 4)
    assert rc(send(sim, 'Virtual_Network_Adapter_Create_Extended', 'LINUX01', validate=False,
                   image_device_number='3000', adapter_type='QDIO', devices='many')) == (8, 3003)
    assert rc(send(sim, 'Virtual_Network_Adapter_Create_Extended', 'LINUX01', image_device_number='3000',
                   adapter_type='QDIO', devices='2')) == (8, 3003)
    assert rc(send(sim, 'Virtual_Network_Adapter_Create_Extended', 'LINUX01', validate=False,
                   image_device_number='3000')) == (8, 3004)
    assert rc(send(sim, 'Virtual_Network_Adapter_Create_Extended', 'LINUX02', image_device_number='3000',
                   adapter_type='QDIO')) == (200, 12)
    assert rc(send(sim, 'Virtual_Network_Adapter_Create_Extended', 'LINUX01', image_device_number='FFFE',
                   adapter_type='QDIO')) == (204, 2)
    assert rc(send(sim, 'Virtual_Network_Adapter_Create_Extended', 'NOSUCH', image_device_number='3000',
                   adapter_type='QDIO')) == (200, 4)


def test_adapter_delete(sim):
    assert rc(send(sim, 'Virtual_Network_Adapter_Delete', 'LINUX01', image_device_number='1000')) == (0, 0)
    assert adapter(sim, 'LINUX01', '1000') is None
    assert ('LINUX01', '1000') not in connected(sim, 'VSW1')
    assert '1000' in nics(sim, 'LINUX01')
    assert rc(send(sim, 'Virtual_Network_Adapter_Delete', 'LINUX01', image_device_number='1000')) == (204, 8)
    assert rc(send(sim, 'Virtual_Network_Adapter_Delete', 'LINUX01', image_device_number='0101')) == (204, 28)
    assert rc(send(sim, 'Virtual_Network_Adapter_Delete', 'LINUX02', image_device_number='1000')) == (200, 12)
    assert rc(send(sim, 'Virtual_Network_Adapter_Delete', 'NOSUCH', image_device_number='1000')) == (200, 4)


def test_nic_created_and_coupled_on_a_running_guest_shows_everywhere(sim):
    assert rc(_create_active(sim, 'LINUX01', '2000')) == (0, 0)
    assert rc(send(sim, 'Virtual_Network_Adapter_Connect_Vswitch', 'LINUX01', image_device_number='2000',
                   switch_name='vsw1')) == (0, 0)
    mac = adapter(sim, 'LINUX01', '2000')['mac']
    assert {'adapter_owner': 'LINUX01', 'adapter_vdev': '2000', 'adapter_macaddr': mac, 'adapter_type': 'QDIO'} \
        in query_ext(sim, 'VSW1')['connected_adapter_array']
    reply = send(sim, 'Virtual_Network_Adapter_Query_Extended', 'LINUX01', image_device_number='2000')
    assert rc(reply) == (0, 0)
    (rec,) = reply['adapter_array']
    assert (rec['adapter_address'], rec['adapter_status'], rec['lan_owner'], rec['lan_name']) == \
        ('2000', '02', 'SYSTEM', 'VSW1')
    assert rec['mac_array'] == [{'mac_address': mac.replace('-', ''), 'mac_address_type': '00',
                                 'mac_status': '00'}]
    reply = send(sim, 'Virtual_Network_Adapter_Query', 'LINUX01', image_device_number='*')
    by_vdev = dict((a['image_device_number'], a) for a in reply['adapter_array'])
    assert (by_vdev['2000']['adapter_status'], by_vdev['2000']['lan_name']) == (2, 'VSW1    ')


def test_connect_vswitch_errors(sim):
    assert rc(_create_active(sim, 'LINUX01', '2000')) == (0, 0)
    assert rc(send(sim, 'Virtual_Network_Adapter_Connect_Vswitch', 'LINUX01', image_device_number='2000',
                   switch_name='VSWTRUNK')) == (212, 8)
    assert not adapter(sim, 'LINUX01', '2000')['coupled']
    assert rc(send(sim, 'Virtual_Network_Adapter_Connect_Vswitch', 'LINUX01', image_device_number='2000',
                   switch_name='NOSUCH')) == (212, 40)
    assert rc(send(sim, 'Virtual_Network_Adapter_Connect_Vswitch', 'LINUX01', image_device_number='1000',
                   switch_name='VSW1')) == (204, 20)
    assert rc(send(sim, 'Virtual_Network_Adapter_Connect_Vswitch', 'LINUX01', image_device_number='3000',
                   switch_name='VSW1')) == (204, 8)
    assert rc(send(sim, 'Virtual_Network_Adapter_Connect_Vswitch', 'LINUX02', image_device_number='1000',
                   switch_name='VSW1')) == (200, 12)
    assert rc(send(sim, 'Virtual_Network_Adapter_Connect_Vswitch', 'LINUX01', image_device_number='0100',
                   switch_name='VSW1')) == (204, 28)
    assert rc(_create_active(sim, 'LINUX01', '3000', adapter_type=1)) == (0, 0)
    assert rc(send(sim, 'Virtual_Network_Adapter_Connect_Vswitch', 'LINUX01', image_device_number='3000',
                   switch_name='VSW1')) == (212, 28)


def test_coupling_after_grant_and_unauthorized_user(sim):
    assert rc(_create_active(sim, 'LINUX01', '2000')) == (0, 0)
    assert rc(send(sim, 'Virtual_Network_Adapter_Connect_Vswitch_Extended', 'LINUX01',
                   image_device_number='2000', switch_name='VSWTRUNK')) == (212, 8)
    assert rc(set_ext(sim, 'VSWTRUNK', grant_userid='LINUX01', user_vlan_id='5')) == (0, 0)
    assert rc(send(sim, 'Virtual_Network_Adapter_Connect_Vswitch_Extended', 'LINUX01',
                   image_device_number='2000', switch_name='VSWTRUNK')) == (0, 0)
    assert connected(sim, 'VSWTRUNK') == [('LINUX01', '2000')]
    assert rc(send(sim, 'Virtual_Network_Adapter_Connect_Vswitch_Extended', 'LINUX01',
                   image_device_number='2000', switch_name='NOSUCH')) == (212, 40)
    assert rc(send(sim, 'Virtual_Network_Adapter_Connect_Vswitch_Extended', 'LINUX01', validate=False,
                   image_device_number='2000')) == (8, 3004)


def test_connect_lan(sim):
    assert rc(_create_active(sim, 'LINUX01', '2000')) == (0, 0)
    assert rc(send(sim, 'Virtual_Network_Adapter_Connect_LAN', 'LINUX01', image_device_number='2000',
                   lan_name='GLAN1', lan_owner='TCPIP')) == (212, 12)
    assert rc(send(sim, 'Virtual_Network_Adapter_Connect_LAN', 'LINUX01', image_device_number='2000',
                   lan_name='NOSUCH', lan_owner='SYSTEM')) == (212, 12)
    assert rc(send(sim, 'Virtual_Network_Adapter_Connect_LAN', 'LINUX01', image_device_number='2000',
                   lan_name='VSW1', lan_owner='SYSTEM')) == (0, 0)
    assert ('LINUX01', '2000') in connected(sim, 'VSW1')


def test_disconnect(sim):
    assert rc(send(sim, 'Virtual_Network_Adapter_Disconnect', 'LINUX01', image_device_number='1000')) == (0, 0)
    assert not adapter(sim, 'LINUX01', '1000')['coupled']
    assert ('LINUX01', '1000') not in connected(sim, 'VSW1')
    nic = nics(sim, 'LINUX01')['1000']
    assert nic.lan_name == 'VSW1'
    assert rc(send(sim, 'Virtual_Network_Adapter_Disconnect', 'LINUX01', image_device_number='1000')) == (204, 48)
    assert rc(send(sim, 'Virtual_Network_Adapter_Disconnect', 'LINUX01', image_device_number='2000')) == (204, 8)
    assert rc(send(sim, 'Virtual_Network_Adapter_Disconnect', 'LINUX01', image_device_number='0100')) == (204, 28)
    assert rc(send(sim, 'Virtual_Network_Adapter_Disconnect', 'LINUX02', image_device_number='1000')) == (200, 12)


def test_adapter_query_errors(sim):
    assert rc(send(sim, 'Virtual_Network_Adapter_Query', 'MAINT', image_device_number='*')) == (212, 8)
    assert rc(send(sim, 'Virtual_Network_Adapter_Query', 'LINUX01', image_device_number='2000')) == (204, 8)
    assert rc(send(sim, 'Virtual_Network_Adapter_Query', 'LINUX02', image_device_number='*')) == (200, 12)
    assert rc(send(sim, 'Virtual_Network_Adapter_Query', 'NOSUCH', image_device_number='*')) == (200, 4)


def test_adapter_query_extended(sim):
    assert rc(_create_active(sim, 'LINUX01', '2000')) == (0, 0)
    reply = send(sim, 'Virtual_Network_Adapter_Query_Extended', 'LINUX01', image_device_number='*')
    assert rc(reply) == (0, 0)
    by_vdev = dict((a['adapter_address'], a) for a in reply['adapter_array'])
    assert set(by_vdev) == {'1000', '2000'}
    assert by_vdev['2000'] == {'adapter_address': '2000', 'port_type': '0', 'extended_port_status': '00',
                               'adapter_type': '2', 'network_device_count': '3', 'adapter_status': '00',
                               'device_options': '00000000', 'router_status': '00'}
    assert by_vdev['1000']['mac_array'][0]['mac_address'] == '0200000E4E8E'
    assert rc(send(sim, 'Virtual_Network_Adapter_Query_Extended', 'LINUX01', validate=False)) == (8, 3004)
    assert rc(send(sim, 'Virtual_Network_Adapter_Query_Extended', 'LINUX01', image_device_number='3000')) == \
        (204, 8)
    assert rc(send(sim, 'Virtual_Network_Adapter_Query_Extended', 'MAINT', image_device_number='*')) == (212, 8)
    assert rc(send(sim, 'Virtual_Network_Adapter_Query_Extended', 'LINUX02', image_device_number='*')) == \
        (200, 12)


def test_adapter_query_status_of_a_cms_guest_is_coupled(sim):
    reply = send(sim, 'Virtual_Network_Adapter_Query', 'TCPIP', image_device_number='1000')
    assert reply['adapter_array'][0]['adapter_status'] == 1


# -- captures --------------------------------------------------------------------------------------

def _guest(userid, *records):
    return {'userid': userid, 'state': 'on',
            'records': ['USER %s LBYONLY 1G 1G ABCDEFG' % userid, 'IPL CMS', 'CONSOLE 0009 3215'] + list(records)}


CAPTURE_SYSTEM = {
    'network': {
        'osa': ['%04X' % d for d in range(0x0500, 0x0503)] + ['%04X' % d for d in range(0x0600, 0x0680)],
        'vswitches': [
            {'name': 'GT@VSW1', 'real_device_address': 'NONE', 'port_name': 'NAME1 NAME2 NAME3',
             'transport_type': 'IP', 'connection': 'DISCONNECT', 'grants': ['MAINT', 'TCPIP']},
            {'name': 'EXTERN', 'real_device_address': '0500', 'grants': ['TCPIP']},
        ],
    },
    'guests': [
        _guest('MAINT'),
        _guest('TCPIP', 'NICDEF F000 TYPE QDIO LAN SYSTEM GT@VSW1'),
        _guest('GT@PONG'),
        _guest('GT@PING'),
    ],
}


def _capture(name):
    path = os.path.join(captures_dir(), name + '.json')
    if not os.path.exists(path):
        pytest.fail('capture %s is not in %s' % (name, captures_dir()), pytrace=False)
    with open(path, encoding='utf-8') as fh:
        return json.load(fh)


def replay(sim, name):
    """Send a captured request byte for byte; check the reply decodes with
    the layout and re-encodes exactly; return (decoded reply, captured reply)."""
    cap = _capture(name)
    layout = layouts.get(cap['function'])
    raw = exchange(sim, base64.b64decode(cap['request_b64']))
    reply = codec.decode_response(layout, raw)
    assert codec.reencode_response(layout, reply) == raw
    captured = codec.decode_response(layout, base64.b64decode(cap['response_b64']))
    return reply, captured


def _output(reply):
    return dict((k, v) for k, v in reply.items()
                if k not in ('request_id', 'framed_request_id', 'return_code', 'reason_code'))


# in the order the capturing script sent them; every one answers what it answered on z/VM
SWITCH_CAPTURES = [
    'Virtual_Network_Vswitch_Create.1',            # GT@VSW1 exists: 212/36
    'Virtual_Network_Vswitch_Set.1',               # grant GT@PONG
    'Virtual_Network_Vswitch_Create_Extended.1',   # GT@VSW2 without devices...
    'Virtual_Network_Vswitch_Delete_Extended.1',   # ...gone again
    'Virtual_Network_Vswitch_Create_Extended.2',   # GT@VSW2 on 600 610
    'Virtual_Network_Vswitch_Create_Extended.3',   # GT@VSWI (IVL) on 620 630
    'Virtual_Network_Vswitch_Set_Extended.2', 'Virtual_Network_Vswitch_Set_Extended.5',
    'Virtual_Network_Vswitch_Set_Extended.8',      # port 200 for GT@PING
    'Virtual_Network_Vswitch_Set_Extended.9', 'Virtual_Network_Vswitch_Set_Extended.11',
    'Virtual_Network_Vswitch_Set_Extended.12',     # group 640 650
    'Virtual_Network_Vswitch_Set_Extended.14', 'Virtual_Network_Vswitch_Set_Extended.15',
    'Virtual_Network_Vswitch_Set_Extended.17', 'Virtual_Network_Vswitch_Set_Extended.18',
    'Virtual_Network_Vswitch_Set_Extended.20',
    'Virtual_Network_Vswitch_Set_Extended.21',     # GT@PING: VLANs 1-256, TRUNK, promiscuous
    'Virtual_Network_Vswitch_Set_Extended.23',     # revoke GT@PING
    'Virtual_Network_Vswitch_Query.1', 'Virtual_Network_Vswitch_Query_Byte_Stats.1',
    'Virtual_Network_Vswitch_Query_Extended.1', 'Virtual_Network_Vswitch_Query_Stats.1',
    'Virtual_Network_Vswitch_Set_Extended.3',      # VLANs of port 200, which went with GT@PING: 396/3040
    'Virtual_Network_Vswitch_Set_Extended.6',      # revoke GT@PING again: 0/0
    'Virtual_Network_Vswitch_Delete.1',
    'Virtual_Network_Vswitch_Delete_Extended.1',
]


@pytest.mark.usefixtures('captures_dir')
def test_switch_captures_replay_with_the_captured_return_codes(make_sim):
    sim = make_sim(CAPTURE_SYSTEM)
    for name in SWITCH_CAPTURES:
        reply, captured = replay(sim, name)
        assert rc(reply) == rc(captured), name
        if name == 'Virtual_Network_Vswitch_Query_Stats.1':
            assert _output(reply) == _output(captured)
        if name == 'Virtual_Network_Vswitch_Query_Extended.1':
            recs = dict((s['switch_name'], s) for s in reply['vswitch_array'])
            assert set(recs) == {'EXTERN', 'GT@VSW1', 'GT@VSW2', 'GT@VSWI'}
            vsw2 = recs['GT@VSW2']
            assert (vsw2['vlan_id'], vsw2['native_vlan_id'], vsw2['port_type'], vsw2['user_port_based'],
                    vsw2['vepa_status'], vsw2['mac_protect'], vsw2['switch_status'], vsw2['lag_group']) == \
                ('01024', '02049', 'TRUNK', 'PORTBASED', 'ON', 'MACPROTECT', '3', 'GT@VSW2')
            assert vsw2['authorized_user_array'] == []
            assert [d['real_device_address'] for d in vsw2['real_device_info_array']] == ['0640', '0650']
            assert [u['grant_userid'] for u in recs['GT@VSW1']['authorized_user_array']] == \
                ['MAINT', 'TCPIP', 'GT@PONG']
            assert [d['port_name'] for d in recs['GT@VSW1']['real_device_info_array']] == \
                ['NAME1', 'NAME2', 'NAME3']
            assert recs['GT@VSW1']['switch_status'] == '3' and recs['GT@VSW1']['transport_type'] == 'IP'
        if name == 'Virtual_Network_Vswitch_Query.1':
            recs = dict((s['switch_name'], s) for s in reply['vswitch_array'])
            assert [d['real_device_address'] for d in recs['GT@VSW2']['real_device_array']] == [0x640, 0x650]
            assert (recs['GT@VSW2']['port_type'], recs['GT@VSWI']['port_type'], recs['GT@VSW1']['port_type']) == \
                (2, 1, 0)
    assert switch(sim, 'GT@VSW1') is None and switch(sim, 'GT@VSW2') is None
    assert switch(sim, 'GT@VSWI') is not None


ADAPTER_CAPTURES = [
    'Virtual_Network_Adapter_Create.1',            # 9000, active
    'Virtual_Network_Adapter_Create_DM.1',         # 9000 in the directory
    'Virtual_Network_Adapter_Create_Extended.1',   # 9100, active
    'Virtual_Network_Adapter_Create_Extended_DM.1',
    'Virtual_Network_Adapter_Connect_LAN.1',       # 9000 to SYSTEM GT@VSW1
    'Virtual_Network_Adapter_Connect_LAN_DM.1',
    'Virtual_Network_Adapter_Connect_Vswitch.1',   # 9100
    'Virtual_Network_Adapter_Connect_Vswitch_DM.1',
    None,                                          # (9200 is created here, uncaptured)
    'Virtual_Network_Adapter_Connect_Vswitch_Extended.1',
    'Virtual_Network_Adapter_Query.1',
    'Virtual_Network_Adapter_Disconnect.1',
    'Virtual_Network_Adapter_Disconnect_DM.1',
    'Virtual_Network_Adapter_Delete.1',
    'Virtual_Network_Adapter_Delete_DM.1',
    'Virtual_Network_VLAN_Query_Stats.1',
    'Virtual_Network_OSA_Query.1',
]


@pytest.mark.usefixtures('captures_dir')
def test_adapter_captures_replay_with_the_captured_return_codes(make_sim, clock):
    system = dict(CAPTURE_SYSTEM)
    system['network'] = dict(CAPTURE_SYSTEM['network'])
    system['network']['vswitches'] = [dict(CAPTURE_SYSTEM['network']['vswitches'][0],
                                           grants=['MAINT', 'TCPIP', 'GT@PONG']),
                                      CAPTURE_SYSTEM['network']['vswitches'][1]]
    sim = make_sim(system)
    clock.advance(300)
    for name in ADAPTER_CAPTURES:
        if name is None:
            assert rc(send(sim, 'Virtual_Network_Adapter_Create_Extended', 'GT@PONG', image_device_number='9200',
                           adapter_type='QDIO', devices='3', channel_path_id='31')) == (0, 0)
            continue
        reply, captured = replay(sim, name)
        assert rc(reply) == rc(captured), name
        if name == 'Virtual_Network_Adapter_Query.1':
            assert _output(reply) == _output(captured)
        if name == 'Virtual_Network_VLAN_Query_Stats.1':
            (nic,) = reply['port_nic_array']
            assert nic['port_nic_id'] == 'F000' and int(nic['pseg_array'][0]['pseg_rx']) > 0
        if name == 'Virtual_Network_OSA_Query.1':
            osa = dict((o['osa_address'], o['osa_status']) for o in reply['osa_info_array'])
            assert osa['0500'].startswith('ATTACHED') and osa['0600'] == 'FREE'
    assert adapter(sim, 'GT@PONG', '9000') is None
    assert adapter(sim, 'GT@PONG', '9100')['coupled']
    pong = nics(sim, 'GT@PONG')
    assert set(pong) == {'9100'} and pong['9100'].lan_name == 'GT@VSW1'
