# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""NIC declarations: checking them, nic_id records, and the plans that
make the directory NICDEF and the running guest's NIC match; and the SDK's
lock waits, with a scripted client."""

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils import directory, nics
from ansible_collections.zvm.cloud.plugins.module_utils.nics import KEEP
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.api import SDKAPI
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import (
    SDKConflictError, SDKInvalidInputFormat,
)
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.errors import SmapiRequestError

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


# -- nic_id records --------------------------------------------------------------------------------

def test_nic_id_is_recorded_after_all_records_of_its_nic():
    e = entry()
    assert nics.get_nic_id(e, '2000') == 'PORT-2000' and nics.get_nic_id(e, '1000') is None
    assert nics.set_nic_id(e, '1000', 'abc') is True
    records = e.records()
    assert records[records.index('NICDEF 1000 TYPE QDIO LAN SYSTEM VSW1 MACID 0E4E8E') + 1] == '*NICID 1000 ABC'
    assert nics.set_nic_id(e, '1000', 'ABC') is False       # case does not matter
    assert nics.set_nic_id(e, '2000', 'new') is True
    assert e.records()[5:8] == ['NICDEF 2000 PORTTYPE ACCESS', '*NICID 2000 NEW', 'NICDEF 3000 TYPE HIPERSOCKETS']
    assert nics.remove_from_entry(e, '2000') is True
    assert not [r for r in e.records() if '2000' in r]


def test_snapshot_and_restore():
    e = entry()
    snap = nics.snapshot(e, '2000')
    nics.remove_from_entry(e, '2000')
    nics.restore_in_entry(e, '2000', snap)
    nic = e.find_nic('2000')
    assert (nic.vswitch, nic.vlan, nic.port_type) == ('VSWV', ['100'], 'ACCESS')
    assert nics.get_nic_id(e, '2000') == 'PORT-2000'
    assert nics.snapshot(e, '4000') is None


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
    with pytest.raises(SDKInvalidInputFormat, match='vdev: a NIC at 00FF uses 00FF-0101, which overlaps MDISK 0100'):
        nics.plan(entry(), spec(vdev='00FF'))
    with pytest.raises(SDKInvalidInputFormat, match='overlaps NICDEF 1000'):
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

class FakeSDK:
    def __init__(self, records):
        self.records = records
        self.asked = []

    def _vswitch_record(self, name):
        self.asked.append(name)
        return self.records.get(name)


def record(aware=True, users=()):
    return {'vlan_awareness': 'AWARE' if aware else 'UNAWARE',
            'authorized_user_array': [{'grant_userid': u} for u in users]}


def test_check_vswitches():
    sdk = FakeSDK({'VSWV': record(users=['LINUX01']), 'VSWU': record(aware=False, users=['LINUX01']),
                   'VSWN': record(users=[])})
    plans = [nics.plan(entry(), spec(vdev='4000', vswitch='VSWV', vlan_id=5)),
             nics.plan(entry(), spec(vdev='5000', vswitch='VSWV'))]
    assert nics.check_vswitches(sdk, 'LINUX01', plans) == [] and sdk.asked == ['VSWV']
    with pytest.raises(SDKInvalidInputFormat, match='vlan_id: the vswitch VSWU is VLAN UNAWARE'):
        nics.check_vswitches(sdk, 'LINUX01', [nics.plan(entry(), spec(vdev='4000', vswitch='VSWU', vlan_id=5))])
    with pytest.raises(Exception, match='vswitch: the virtual switch NOPE does not exist'):
        nics.check_vswitches(sdk, 'LINUX01', [nics.plan(entry(), spec(vdev='4000', vswitch='NOPE'))])
    warnings = nics.check_vswitches(sdk, 'LINUX01', [nics.plan(entry(), spec(vdev='4000', vswitch='VSWN'))])
    assert 'LINUX01 is not authorized on the vswitch VSWN' in warnings[0]
    with pytest.raises(SDKConflictError, match='cannot be coupled; grant it first'):
        nics.check_vswitches(sdk, 'LINUX01', [nics.plan(entry(), spec(vdev='4000', vswitch='VSWN'), {})])


# -- the SDK waits for locks ---------------------------------------------------------------------------

class ScriptedClient:
    """Answers each call with the next (rc, rs) of a script."""

    userid = 'MAINT'
    host, port = 'test', 1

    def __init__(self, script):
        self.script = list(script)
        self.history = []

    def call(self, function, target=None, ok=(), **params):
        rc, rs = self.script.pop(0)
        self.history.append({'function': function, 'rc': rc, 'rs': rs})
        if rc and (rc, rs) not in ok:
            raise SmapiRequestError(function, target, rc, rs)
        return {'return_code': rc, 'reason_code': rs}


class Clock:
    def __init__(self):
        self.now = 0.0
        self.slept = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


def sdk_with(script, lock_timeout=10.0):
    clock = Clock()
    return SDKAPI(client=ScriptedClient(script), sleep=clock.sleep, clock=clock, lock_timeout=lock_timeout), clock


def test_dm_write_waits_for_a_lock_someone_else_holds():
    sdk, clock = sdk_with([(400, 12), (404, 12), (400, 12), (0, 0)])
    sdk._dm_write('Virtual_Network_Adapter_Delete_DM', 'LINUX01', image_device_number='1000')
    assert clock.slept == [0.2, 0.4, 0.8] and sdk.lock_waits() == 3


def test_dm_write_gives_up_after_the_lock_timeout():
    sdk, clock = sdk_with([(400, 12)] * 20, lock_timeout=3.0)
    with pytest.raises(SDKConflictError, match="stayed locked by another user for 3 seconds"):
        sdk._dm_write('Virtual_Network_Adapter_Delete_DM', 'LINUX01', image_device_number='1000')
    assert clock.now >= 3.0


def test_dm_write_does_not_retry_other_failures():
    sdk, _clock = sdk_with([(404, 8)])
    with pytest.raises(SmapiRequestError):
        sdk._dm_write('Virtual_Network_Adapter_Delete_DM', 'LINUX01', image_device_number='1000')


def test_guest_lock_is_reentrant(tmp_path, monkeypatch):
    monkeypatch.setattr('tempfile.tempdir', str(tmp_path))
    sdk, _clock = sdk_with([])
    with sdk._guest_lock('LINUX01'):
        with sdk._guest_lock('LINUX01'):
            pass
        assert sdk._guest_locks['LINUX01'][1] == 1
    assert 'LINUX01' not in sdk._guest_locks
    assert [p.name for p in tmp_path.iterdir()][0].startswith('zvm-cloud-locks-')
