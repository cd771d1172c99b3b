# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The vswitch and NIC operations with a scripted client: what each rc/rs
means, the operands sent, and the lock waits of the NICDEF writes."""

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.operations import adapters, vswitches
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import (
    SDKConflictError, SDKObjectNotExistError,
)
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.errors import SmapiRequestError

from .scripted import session_with


@pytest.fixture(autouse=True)
def private_lock_dir(tmp_path, monkeypatch):
    monkeypatch.setattr('tempfile.tempdir', str(tmp_path))


RECORD_A = {'switch_name': 'VSWA', 'vlan_awareness': 'UNAWARE'}
RECORD_B = {'switch_name': 'VSWB', 'vlan_awareness': 'AWARE'}


# -- vswitches: queries ------------------------------------------------------------------------------

def test_queries_of_no_switch_are_empty():
    session, _clock = session_with([(212, 40)] * 4)
    assert vswitches.names(session) == []
    assert vswitches.query_extended(session) == []
    assert vswitches.query(session, 'VSWA') is None
    assert vswitches.byte_stats(session) == []
    assert [h['target'] for h in session.client.history] == ['MAINT'] * 4
    assert session.client.functions() == ['Virtual_Network_Vswitch_Query', 'Virtual_Network_Vswitch_Query_Extended',
                                          'Virtual_Network_Vswitch_Query_Extended',
                                          'Virtual_Network_Vswitch_Query_Byte_Stats']


def test_queries_return_the_records():
    both = {'vswitch_array': [RECORD_A, RECORD_B]}
    session, _clock = session_with([(0, 0, both), (0, 0, both), (0, 0, both), (0, 0, {'vswitch_array': [RECORD_A]})])
    assert vswitches.names(session) == ['VSWA', 'VSWB']
    assert vswitches.query_extended(session, '*') == [RECORD_A, RECORD_B]
    assert vswitches.query(session, 'vswb') is RECORD_B
    assert vswitches.query(session, 'VSWB') is None         # the record of another switch is no answer
    assert session.client.params()['switch_name'] == 'VSWB'


# -- vswitches: changes ------------------------------------------------------------------------------

def test_create_and_delete_say_whether_they_did_it():
    session, _clock = session_with([(0, 0), (212, 36), (212, 36), (0, 0), (212, 40)])
    assert vswitches.create(session, {'switch_name': 'VSWA', 'persist': 'NO'}) is True
    assert vswitches.create(session, {'switch_name': 'VSWA'}, exists_ok=True) is False
    with pytest.raises(SmapiRequestError, match='RC 212 RS 36'):
        vswitches.create(session, {'switch_name': 'VSWA'})
    assert vswitches.delete(session, 'VSWA', persist=False) is True
    assert session.client.params() == {'switch_name': 'VSWA', 'persist': 'NO'}
    assert vswitches.delete(session, 'VSWA') is False
    assert session.client.params()['persist'] == 'YES'


def test_set_of_a_switch_that_does_not_exist_or_that_cp_refuses():
    session, _clock = session_with([(212, 40), (396, 2846), (8, 24), (0, 0)])
    with pytest.raises(SDKObjectNotExistError, match="vswitch 'VSWA' does not exist"):
        vswitches.change(session, 'VSWA', {'queue_memory_limit': '4'})
    with pytest.raises(SDKConflictError, match='vswitch VSWA: CP refused the change'):
        vswitches.change(session, 'VSWA', {'port_type': 'TRUNK'})
    with pytest.raises(SmapiRequestError):
        vswitches.set_extended(session, 'VSWA', {'grant_userid': 'A', 'revoke_userid': 'B'})
    vswitches.change(session, 'VSWA', {'queue_memory_limit': '4'}, persist=False)
    assert session.client.params() == {'switch_name': 'VSWA', 'queue_memory_limit': '4', 'persist': 'NO'}


def test_grant_sends_the_vlan_ids_in_operands_of_at_most_four():
    session, _clock = session_with([(0, 0)] * 3)
    ids = {1, 3, 5, 7, 9, 11, 1000, 1001, 2000, 3000, 4000}
    assert vswitches.grant(session, 'VSWB', 'LINUX01', vlan_ids=ids, port_type='TRUNK', promiscuous=True) is True
    sent = [h['params'] for h in session.client.history]
    assert [p['user_vlan_id'] for p in sent] == ['1 3 5 7', '9 11 1000-1001 2000', '3000 4000']
    assert sent[0]['port_type'] == 'TRUNK' and sent[0]['promiscuous'] == 'YES'
    assert 'port_type' not in sent[1] and 'promiscuous' not in sent[2]
    assert all(p['grant_userid'] == 'LINUX01' and p['persist'] == 'YES' for p in sent)


def test_grant_that_changes_nothing_and_revoke():
    session, _clock = session_with([(212, 44), (0, 0), (212, 44), (0, 0)])
    assert vswitches.grant(session, 'VSWB', 'LINUX01') is False
    assert session.client.params() == {'switch_name': 'VSWB', 'grant_userid': 'LINUX01', 'persist': 'YES'}
    assert vswitches.grant(session, 'VSWB', 'LINUX01', vlan_ids={1, 3, 5, 7, 9}) is True     # one of two did
    vswitches.revoke(session, 'VSWB', 'LINUX01', persist=False)
    assert session.client.params() == {'switch_name': 'VSWB', 'revoke_userid': 'LINUX01', 'persist': 'NO'}


def test_vlan_chunks_respect_the_operand_length():
    chunks = vswitches.vlan_chunks({1000, 1002, 1004, 1006, 1008})
    assert chunks == ['1000 1002 1004 1006', '1008']
    assert vswitches.vlan_chunks({100, 101, 102, 2000, 2001, 3000, 3001, 3005}) == ['100-102 2000-2001', '3000-3001 3005']


# -- adapters: the directory --------------------------------------------------------------------------

def test_nicdef_writes_wait_for_the_lock_and_say_what_was_there():
    session, clock = session_with([(400, 12), (0, 0), (0, 0), (212, 32), (0, 0), (404, 8), (0, 0)])
    adapters.create_dm(session, 'LINUX01', '1000', macid='ABCDEF')
    assert clock.slept == [0.2] and session.lock_waits() == 1
    assert session.client.params() == {'image_device_number': '1000', 'adapter_type': 'QDIO', 'mac_id': 'ABCDEF'}
    adapters.connect_dm(session, 'LINUX01', '1000', 'VSW1')
    assert session.client.params() == {'image_device_number': '1000', 'switch_name': 'VSW1'}
    assert adapters.disconnect_dm(session, 'LINUX01', '1000') is False
    assert adapters.disconnect_dm(session, 'LINUX01', '1000') is True
    assert adapters.delete_dm(session, 'LINUX01', '1000') is False
    assert adapters.delete_dm(session, 'LINUX01', '1000') is True
    assert session.client.functions() == [
        'Virtual_Network_Adapter_Create_Extended_DM', 'Virtual_Network_Adapter_Create_Extended_DM',
        'Virtual_Network_Adapter_Connect_Vswitch_DM', 'Virtual_Network_Adapter_Disconnect_DM',
        'Virtual_Network_Adapter_Disconnect_DM', 'Virtual_Network_Adapter_Delete_DM',
        'Virtual_Network_Adapter_Delete_DM']
    assert not session._held        # pylint: disable=protected-access


def test_create_dm_without_a_macid_sends_none():
    session, _clock = session_with([(0, 0)])
    adapters.create_dm(session, 'LINUX01', '2000')
    assert 'mac_id' not in session.client.params()


def test_search_dm():
    found = {'statement_array': [{'target_id': 'linux01', 'statement': 'NICDEF 1000 TYPE QDIO'}]}
    session, _clock = session_with([(0, 28), (0, 0, found)])
    assert adapters.search_dm(session, 'NICDEF *') == []
    assert adapters.search_dm(session, 'NICDEF *') == [('LINUX01', 'NICDEF 1000 TYPE QDIO')]
    assert session.client.history[0]['target'] == 'MAINT'


# -- adapters: the running guest ----------------------------------------------------------------------

def test_running_guest_changes_say_what_was_there():
    session, _clock = session_with([(0, 0), (204, 8), (0, 0), (204, 20), (0, 0), (204, 48), (0, 0)])
    adapters.create(session, 'LINUX01', '1000')
    assert session.client.params() == {'image_device_number': '1000', 'adapter_type': 'QDIO'}
    assert adapters.delete(session, 'LINUX01', '1000') is False
    assert adapters.delete(session, 'LINUX01', '1000') is True
    assert adapters.connect(session, 'LINUX01', '1000', 'VSW1') is False
    assert adapters.connect(session, 'LINUX01', '1000', 'VSW1') is True
    assert adapters.disconnect(session, 'LINUX01', '1000') is False
    assert adapters.disconnect(session, 'LINUX01', '1000') is True


def test_connect_of_a_guest_the_switch_does_not_authorize():
    session, _clock = session_with([(212, 8), (212, 28)])
    with pytest.raises(SDKConflictError, match="guest 'LINUX01' is not authorized on vswitch VSW1, so its NIC 1000"):
        adapters.connect(session, 'LINUX01', '1000', 'VSW1')
    with pytest.raises(SmapiRequestError):
        adapters.connect(session, 'LINUX01', '1000', 'VSW1')


ADAPTER = {'adapter_address': '1000', 'port_type': '1', 'adapter_type': '2', 'network_device_count': '3',
           'adapter_status': '02', 'lan_owner': 'SYSTEM', 'lan_name': 'VSW1',
           'mac_array': [{'mac_address': '020000000101'}]}
UNCOUPLED = {'adapter_address': '2000', 'adapter_type': '1', 'adapter_status': '00', 'lan_owner': 'X',
             'lan_name': 'Y'}


def test_query_of_the_running_guests_nics():
    session, _clock = session_with([(0, 0, {'adapter_array': [ADAPTER, UNCOUPLED, {'adapter_address': 'junk'}]}),
                                    (212, 8), (200, 12), (200, 4)])
    nics = adapters.query(session, 'LINUX01')
    assert nics == {
        '1000': {'vdev': '1000', 'type': 'QDIO', 'devices': 3, 'coupled': True, 'lan_owner': 'SYSTEM',
                 'lan_name': 'VSW1', 'vswitch': 'VSW1', 'mac_address': '02:00:00:00:01:01', 'port_type': 'ACCESS'},
        '2000': {'vdev': '2000', 'type': 'HIPERSOCKETS', 'devices': 3, 'coupled': False, 'lan_owner': None,
                 'lan_name': None, 'vswitch': None, 'mac_address': None, 'port_type': None}}
    assert session.client.params(0) == {'image_device_number': '*'}
    assert adapters.query(session, 'LINUX01') == {}
    assert adapters.query(session, 'LINUX01') is None
    with pytest.raises(SDKObjectNotExistError, match="Guest 'LINUX01' does not exist"):
        adapters.query(session, 'LINUX01')


def test_running_needs_a_logged_on_guest():
    session, _clock = session_with([(200, 12), (212, 8)])
    with pytest.raises(SDKConflictError, match="'LINUX01' is not logged on, so the change cannot be applied") as e:
        adapters.running(session, 'LINUX01')
    assert e.value.rs == 1
    assert adapters.running(session, 'LINUX01') == {}


def test_mac_text():
    assert adapters.mac_text('02-00-00-ab-cd-ef') == '02:00:00:AB:CD:EF'
    assert adapters.mac_text('odd') == 'odd' and adapters.mac_text('') is None
