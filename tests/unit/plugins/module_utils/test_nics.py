# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""NIC declarations: checking them, nic_id records, and the plans that
make the directory NICDEF and the running guest's NIC match."""

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils import directory
from ansible_collections.zvm.cloud.plugins.module_utils.operations.session import Session
from ansible_collections.zvm.cloud.plugins.module_utils.planners import nics
from ansible_collections.zvm.cloud.plugins.module_utils.planners.nics import KEEP
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import (
    SDKConflictError, SDKInvalidInputFormat, SDKObjectNotExistError,
)

ENTRY = [
    'USER LINUX01 LBYONLY 4G 8G G',
    'INCLUDE IBMDFLT',
    'NICDEF 1000 TYPE QDIO LAN SYSTEM VSW1 MACID 0E4E8E',
    'NICDEF 2000 TYPE QDIO LAN SYSTEM VSWV VLAN 100',
    'NICDEF 2000 PORTTYPE ACCESS',
    '*NICID 2000 PORT-2000',
    'NICDEF 3000 TYPE HIPERSOCKETS',
    'MDISK 0100 3390 0001 1457 LX0100 MR',
]


def entry():
    return directory.parse(ENTRY)


def spec(**kw):
    kw.setdefault('vdev', '1000')
    return nics.normalize(kw)


def adapter(vdev, vswitch=None, nic_type='QDIO', mac=None):
    return {'vdev': vdev, 'type': nic_type, 'devices': 3, 'coupled': bool(vswitch),
            'lan_owner': 'SYSTEM' if vswitch else None, 'lan_name': vswitch, 'vswitch': vswitch,
            'mac_address': mac, 'port_type': None}


# -- declarations -------------------------------------------------------------------------------

def test_normalize_canonical_forms():
    s = nics.normalize({'vdev': 'a00', 'vswitch': 'vsw1', 'vlan_id': '100', 'port_type': 'trunk',
                        'mac_address': '02-00-00-ab-cd-ef', 'nic_id': 'port-1'})
    assert (s['vdev'], s['vswitch'], s['vlan_id'], s['port_type']) == ('0A00', 'VSW1', 100, 'TRUNK')
    assert (s['macid'], s['mac_address']) == ('ABCDEF', '02:00:00:AB:CD:EF')
    assert (s['nic_id'], s['state']) == ('port-1', 'present')
    assert nics.normalize({'vdev': '1000', 'mac_address': 'abcdef'})['macid'] == 'ABCDEF'


@pytest.mark.parametrize('declaration,message', [
    ({'vdev': '10000'}, "nics[1].vdev: '10000' is not a virtual device number"),
    ({'vdev': 'FFFE'}, 'nics[1].vdev: FFFE leaves no room'),
    ({'vdev': '1000', 'mac_address': '02:00:00:AB:CD'}, "nics[1].mac_address: '02:00:00:AB:CD' is not a MAC"),
    ({'vdev': '1000', 'vswitch': 'V', 'vlan_id': 4095}, 'nics[1].vlan_id: 4095 is not a VLAN ID'),
    ({'vdev': '1000', 'port_type': 'ACCESS'}, 'nics[1].port_type: a NIC that is not coupled'),
    ({'vdev': '1000', 'vswitch': 'V', 'port_type': 'HYBRID'}, "nics[1].port_type: 'HYBRID' is not ACCESS or TRUNK"),
    ({'vdev': '1000', 'nic_id': 'a b'}, "nics[1].nic_id: 'a b' is not a valid nic_id"),
    ({'vdev': '1000', 'colour': 'red'}, 'nics[1].unknown key(s) colour'),
    ({'vdev': '1000', 'vswitch': 'TOOLONGNAME'}, "nics[1].vswitch: 'TOOLONGNAME' is not a valid virtual switch"),
])
def test_normalize_names_the_field(declaration, message):
    with pytest.raises(SDKInvalidInputFormat) as e:
        nics.normalize(declaration, 'nics[1].')
    assert message in str(e.value)


def test_check_unique():
    specs = [nics.normalize({'vdev': '1000'}, 'nics[1].'), nics.normalize({'vdev': '1002'}, 'nics[2].')]
    with pytest.raises(SDKInvalidInputFormat, match=r'nics\[2\]\.vdev: NIC 1002 overlaps NIC 1000'):
        nics.check_unique(specs)
    nics.check_unique([nics.normalize({'vdev': '1000'}), nics.normalize({'vdev': '1003'})])


# -- option spec -------------------------------------------------------------------------------------

def test_option_spec_covers_the_declaration():
    spec = nics.option_spec()
    assert sorted(spec) == sorted(k for k in nics.SPEC_KEYS if k != 'state')
    assert spec['vdev']['required'] and spec['port_type']['choices'] == ['ACCESS', 'TRUNK']
    assert nics.option_spec() is not spec       # each caller gets its own copy


def test_view_of_a_nic():
    e = entry()
    v = nics.view(e, '2000')
    assert (v['vswitch'], v['vlan_id'], v['port_type'], v['nic_id']) == ('VSWV', 100, 'ACCESS', 'PORT-2000')
    assert nics.view(e, '4000') is None and nics.view(None, '1000') is None


# -- plans: the directory --------------------------------------------------------------------------

def test_converged_nics_need_nothing():
    e = entry()
    assert not nics.plan(e, spec(vswitch='VSW1')).changed
    assert not nics.plan(e, spec(vswitch='VSW1', mac_address='0E4E8E')).changed
    assert not nics.plan(e, spec(vdev='2000', vswitch='VSWV', vlan_id=100, port_type='ACCESS',
                                 nic_id='port-2000')).changed
    p = nics.plan(e, spec(vswitch='VSW1'), {'1000': adapter('1000', 'VSW1')})
    assert not p.changed and p.running


def test_new_nic_uses_the_atomic_functions():
    p = nics.plan(entry(), spec(vdev='4000', vswitch='VSW1', mac_address='123456'))
    assert p.directory_steps == [('dm_create', '123456'), ('dm_connect', 'VSW1')]
    assert p.actions == ['create NICDEF 4000 (QDIO, MACID 123456)', 'couple NICDEF 4000 to VSW1']
    assert p.before_records == [] and p.after_records == ['NICDEF 4000 TYPE QDIO LAN SYSTEM VSW1 MACID 123456']
    assert p.vswitch == 'VSW1' and not p.active_couple


def test_vlan_port_type_and_nic_id_rewrite_the_nic():
    p = nics.plan(entry(), spec(vdev='4000', vswitch='VSWV', vlan_id=200, nic_id='x'))
    assert p.directory_steps == [('dm_create', None), ('dm_rewrite', {'lan_owner': 'SYSTEM', 'lan_name': 'VSWV',
                                                                      'vlan': ['200']}, 'x')]
    assert p.after_records == ['NICDEF 4000 TYPE QDIO LAN SYSTEM VSWV VLAN 200', '*NICID 4000 X']
    p = nics.plan(entry(), spec(vdev='2000', vswitch='VSWV', vlan_id=101, port_type='ACCESS'))
    assert p.directory_steps == [('dm_rewrite', {'vlan': ['101']}, KEEP)]
    assert p.actions == ['set NICDEF 2000: VLAN 101']


def test_uncoupling_drops_vlan_and_port_type_with_one_disconnect():
    p = nics.plan(entry(), spec(vdev='2000'))
    assert p.directory_steps == [('dm_disconnect',)]
    assert p.after_records == ['NICDEF 2000 TYPE QDIO', '*NICID 2000 PORT-2000']


def test_mac_change_of_an_existing_nic_is_noted():
    p = nics.plan(entry(), spec(vswitch='VSW1', mac_address='02:00:00:11:22:33'))
    assert p.directory_steps == [('dm_rewrite', {'macid': '112233'}, KEEP)]
    assert 'next logon' in p.notes[0]


def test_absent():
    assert nics.plan(entry(), spec(vdev='1000', state='absent')).directory_steps == [('dm_delete',)]
    assert nics.plan(entry(), spec(vdev='2000', state='absent')).directory_steps == [('dm_remove',)]
    p = nics.plan(entry(), spec(vdev='4000', state='absent'), {'4000': adapter('4000')})
    assert p.directory_steps == [] and p.active_steps == [('active_delete',)] and p.after_active is None
    assert not nics.plan(entry(), spec(vdev='4000', state='absent'), {}).changed


def test_device_in_the_way_or_wrong_nic_type():
    with pytest.raises(SDKInvalidInputFormat, match='vdev: a NIC at 00FF uses 00FF-0101, which overlaps disk 0100'):
        nics.plan(entry(), spec(vdev='00FF'))
    with pytest.raises(SDKInvalidInputFormat, match='overlaps NIC 1000-1002'):
        nics.plan(entry(), spec(vdev='0FFE'))
    with pytest.raises(SDKInvalidInputFormat, match='NIC 3000 is a HIPERSOCKETS NIC'):
        nics.plan(entry(), spec(vdev='3000', vswitch='VSW1'))
    with pytest.raises(SDKInvalidInputFormat, match='disk 4001'):
        nics.check_room(entry(), spec(vdev='4000'), [(0x4001, 1, 'disk 4001')])


def test_keep_leaves_attributes_alone():
    p = nics.plan(entry(), nics.normalize({'vdev': '2000', 'vswitch': 'VSW9', 'vlan_id': KEEP,
                                           'port_type': KEEP}))
    assert p.directory_steps == [('dm_connect', 'VSW9')]


# -- plans: the running guest ------------------------------------------------------------------------

def test_running_nic_is_defined_and_coupled():
    p = nics.plan(entry(), spec(vdev='4000', vswitch='VSW1'), {})
    assert p.active_steps == [('active_create',), ('active_couple', 'VSW1')]
    assert p.active_couple and p.after_active['vswitch'] == 'VSW1'
    assert p.diff('LINUX01')['after'] == ('NICDEF 4000 TYPE QDIO LAN SYSTEM VSW1\n'
                                          '# running guest: NIC 4000 QDIO coupled to VSW1\n')
    assert p.diff()['before'] == '# running guest: NIC 4000 none\n'


def test_running_nic_coupled_elsewhere_is_moved():
    p = nics.plan(entry(), spec(vswitch='VSW1'), {'1000': adapter('1000', 'OTHER')})
    assert p.directory_steps == [] and p.active_steps == [('active_uncouple',), ('active_couple', 'VSW1')]
    p = nics.plan(entry(), spec(), {'1000': adapter('1000', 'VSW1')})
    assert p.active_steps == [('active_uncouple',)] and not p.active_couple


def test_running_nic_of_another_type_and_its_mac():
    with pytest.raises(SDKInvalidInputFormat, match="running guest's NIC 4000 is a HIPERSOCKETS NIC"):
        nics.plan(entry(), spec(vdev='4000', vswitch='VSW1'), {'4000': adapter('4000', nic_type='HIPERSOCKETS')})
    p = nics.plan(entry(), spec(vswitch='VSW1', mac_address='0E4E8E'),
                  {'1000': adapter('1000', 'VSW1', mac='02:00:00:00:01:01')})
    assert not p.changed and 'MACID 0E4E8E applies from its next logon' in p.notes[0]


# -- vswitch checks ----------------------------------------------------------------------------------

class ScriptedClient:
    """Answers each Virtual_Network_Vswitch_Query_Extended with its switch's record, or 212/40."""

    userid = 'MAINT'
    host, port = 'test', 1

    def __init__(self, records):
        self.records = records
        self.history = []

    def call(self, function, target=None, ok=(), **params):
        name = params['switch_name']
        self.history.append((function, name))
        rec = self.records.get(name)
        if rec is None:
            assert (212, 40) in ok
            return {'return_code': 212, 'reason_code': 40}
        return {'return_code': 0, 'reason_code': 0, 'vswitch_array': [dict(rec, switch_name=name)]}


def record(aware=True, users=()):
    return {'vlan_awareness': 'AWARE' if aware else 'UNAWARE',
            'authorized_user_array': [{'grant_userid': u} for u in users]}


def test_check_vswitches():
    client = ScriptedClient({'VSWV': record(users=['LINUX01']), 'VSWU': record(aware=False, users=['LINUX01']),
                             'VSWN': record(users=[])})
    session = Session(client)
    plans = [nics.plan(entry(), spec(vdev='4000', vswitch='VSWV', vlan_id=5)),
             nics.plan(entry(), spec(vdev='5000', vswitch='VSWV'))]
    assert nics.check_vswitches(session, 'LINUX01', plans) == []
    assert client.history == [('Virtual_Network_Vswitch_Query_Extended', 'VSWV')]      # one query per vswitch
    with pytest.raises(SDKInvalidInputFormat, match='vlan_id: the vswitch VSWU is VLAN UNAWARE'):
        nics.check_vswitches(session, 'LINUX01', [nics.plan(entry(), spec(vdev='4000', vswitch='VSWU', vlan_id=5))])
    with pytest.raises(SDKObjectNotExistError, match='vswitch: the virtual switch NOPE does not exist'):
        nics.check_vswitches(session, 'LINUX01', [nics.plan(entry(), spec(vdev='4000', vswitch='NOPE'))])
    warnings = nics.check_vswitches(session, 'LINUX01', [nics.plan(entry(), spec(vdev='4000', vswitch='VSWN'))])
    assert 'LINUX01 is not authorized on the vswitch VSWN' in warnings[0]
    with pytest.raises(SDKConflictError, match='cannot be coupled; grant it first'):
        nics.check_vswitches(session, 'LINUX01', [nics.plan(entry(), spec(vdev='4000', vswitch='VSWN'), {})])


def test_vswitch_problems_of_plans_that_couple_to_nothing():
    plans = [nics.plan(entry(), spec(vdev='4000')), nics.plan(entry(), spec(vdev='1000', vswitch='VSW1'))]
    assert [p.vswitch for p in plans] == [None, None]       # VSW1 is there already: nothing to check
    assert nics.vswitch_problems({}, 'LINUX01', plans) == []
