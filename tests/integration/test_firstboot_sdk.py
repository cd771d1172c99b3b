# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SDK's first-boot methods against a zvmsim of their own with its
access node: guest_create_network_interface (NICs made or reused in the
directory, network.doscript in the guest's reader), guest_config_minidisks
(one doscript per disk) and guest_punch_config_drive (cfgdrive.iso).  The
files are read back from the simulated reader (class X, the right names,
sent by the node) and handed to the programs a guest would use: netplan,
bash and shellcheck, xorriso and cloud-init.  Bad input, a missing node,
a logged-off guest for ``active`` and a failing punch change nothing: no
NIC stays behind and nothing reaches the reader.

The simulator is this module's own (``node setup`` adds the node's guest,
which would change the guest lists other tests assert)."""

import copy
import re

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.firstboot import networks
from ansible_collections.zvm.cloud.plugins.module_utils.node.errors import NodeError
from ansible_collections.zvm.cloud.plugins.module_utils.operations import adapters, entries
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import (
    SDKConflictError, SDKFunctionNotImplementError, SDKInvalidInputFormat, SDKObjectNotExistError,
)
from tests.integration.conftest import make_sdk
from tests.unit.firstboot import consumers

BOOT = {'size': '10', 'disk_pool': 'ECKD:POOL1', 'is_boot_disk': True}     # 0100
DATA = {'size': '4096', 'disk_pool': 'FBA:FBAPOOL'}                         # 0101
SWAP = {'size': '64M', 'format': 'swap'}                                    # 0102, a V-DISK
NETS = [
    {'ip_addr': '192.168.95.10', 'cidr': '192.168.95.0/24', 'gateway_addr': '192.168.95.1', 'nic_vdev': '1000',
     'dns_addr': ['9.0.2.1'], 'hostname': 'web01', 'ipv6_addr': 'fd00::10', 'ipv6_cidr': 'fd00::/64',
     'ipv6_gateway_addr': 'fd00::1', 'mtu': 1500},
    {'method': 'dhcp'},
]


# ``sim`` (this module's own, with its access node) and ``local_node``: tests/integration/conftest.py

@pytest.fixture
def sdk(sim, local_node):
    return make_sdk(sim, local_node)


@pytest.fixture
def guest(sim, local_node):
    """A new guest (0100 boot, 0101 FBA, 0102 V-DISK swap), deleted after the test."""
    made = []

    def make(userid):
        make_sdk(sim, local_node).guest_create(userid, 1, 512, disk_list=[BOOT, DATA, SWAP])
        made.append(userid)
        return userid
    yield make
    for userid in made:
        make_sdk(sim, local_node).guest_delete(userid)


def reader(sim, userid):
    return [(f['name'], f['type'], f['class'], f['originid']) for f in sim.reader(userid)]


def nics_of(sdk, userid):
    return sdk.guest_get_nic_vswitch_info(userid)


# -- guest_create_network_interface ----------------------------------------------------------------------

def test_network_interface_for_ubuntu(sim, sdk, guest, tmp_path):
    userid = guest('FBNET01')
    given = copy.deepcopy(NETS)
    result = sdk.guest_create_network_interface(userid, 'ubuntu22.04', given)
    assert [n['nic_vdev'] for n in result] == ['1000', '1003']
    assert given == NETS and [dict(n, nic_vdev=None) for n in result][1] == dict(NETS[1], nic_vdev=None)
    assert nics_of(sdk, userid) == {'1000': None, '1003': None}
    assert reader(sim, userid) == [('NETWORK', 'DOSCRIPT', 'X', sim.node_userid)]
    assert sdk.last_punched == [{'name': 'network.doscript', 'spoolid': sim.reader(userid)[0]['spoolid'],
                                 'bytes': len(sim.reader(userid)[0]['content'])}]
    files = consumers.untar(sim.reader(userid)[0]['content'], str(tmp_path / 'doscript'))
    assert sorted(files) == ['0000', '0001', '0002', 'invokeScript.sh']
    consumers.check_shell(str(tmp_path / 'doscript' / 'invokeScript.sh'))
    consumers.check_shell(str(tmp_path / 'doscript' / '0002'))
    invoke = files['invokeScript.sh'].decode()
    assert 'cat 0000 > /etc/netplan/00-zvmguestconfigure-config.yaml' in invoke
    units = consumers.netplan_generate(tmp_path / 'root', {'/etc/netplan/00-zvmguestconfigure-config.yaml':
                                                           files['0000'].decode()})
    assert sorted(units) == ['10-netplan-enc1000.link', '10-netplan-enc1000.network', '10-netplan-enc1003.network']
    assert 'Address=192.168.95.10/24' in units['10-netplan-enc1000.network']
    assert 'DHCP=ipv4' in units['10-netplan-enc1003.network']
    assert files['0001'] == b'web01\n'
    assert sdk.last_firstboot['network.doscript']['0000'] == files['0000'].decode()


def test_nics_are_reused_and_coupled_and_the_next_punch_adds_a_file(sim, sdk, guest):
    userid = guest('FBNET02')
    sdk.guest_create_nic(userid, vdev='1000')
    sdk.vswitch_create('FBVSW1')
    try:
        result = sdk.guest_create_network_interface(
            userid, 'rhel9', [dict(NETS[0], vswitch='fbvsw1', nic_id='port-a'), dict(NETS[1], nic_vdev='2000')])
        assert [n['nic_vdev'] for n in result] == ['1000', '2000']
        assert nics_of(sdk, userid) == {'1000': 'FBVSW1', '2000': None}
        assert [r['port'] for r in sdk.guests_get_nic_info(userid=userid)] == ['PORT-A', None]
        assert any('not authorized on the vswitch FBVSW1' in n for n in sdk.last_notes)
        text = sdk.last_firstboot['network.doscript']['0000']
        assert 'interface-name=enc1000' in text and 'address1=192.168.95.10/24' in text
        sdk.guest_create_network_interface(userid, 'rhel9', [{'method': 'dhcp', 'nic_vdev': '2000'}])
        assert nics_of(sdk, userid) == {'1000': 'FBVSW1', '2000': None}
        assert reader(sim, userid) == [('NETWORK', 'DOSCRIPT', 'X', sim.node_userid)] * 2
        # the second keeps the first NIC's keyfile: it is a NIC of the guest
        assert '/etc/NetworkManager/system-connections/enc1000.nmconnection|' in \
            sdk.last_firstboot['network.doscript']['invokeScript.sh']
    finally:
        sdk.guest_delete(userid)
        sdk.vswitch_delete('FBVSW1')


@pytest.mark.parametrize('os_version, target', [
    ('rhel7.9', '/etc/sysconfig/network-scripts/ifcfg-enccw0.0.1000'),
    ('rhel8.8', '/etc/sysconfig/network-scripts/ifcfg-enc1000'),
    ('sles15sp5', '/etc/sysconfig/network/ifcfg-eth1000'),
])
def test_other_distributions(sim, sdk, guest, tmp_path, os_version, target):
    userid = guest('FB' + os_version.replace('.', '')[:6].upper())
    sdk.guest_create_network_interface(userid, os_version, [NETS[0]])
    assert len(sim.reader(userid)) == 1
    files = consumers.untar(sim.reader(userid)[0]['content'], str(tmp_path))
    invoke = files['invokeScript.sh'].decode()
    consumers.check_shell(str(tmp_path / 'invokeScript.sh'))
    name = re.search(r'^cat (\d{4}) > %s$' % re.escape(target), invoke, re.M).group(1)
    values = consumers.key_values(files[name].decode())
    assert values['IPADDR'] == '192.168.95.10' and values['NETMASK'] == '255.255.255.0'
    assert values['MTU'] == '1500'


BAD = [
    ('ubuntu22', [dict(NETS[0], gateway_addr='10.0.0.1')], "guest_networks[0].gateway_addr: 10.0.0.1 is not in"),
    ('ubuntu22', [dict(NETS[0], cidr='192.168.95.0/40')], 'guest_networks[0].cidr:'),
    ('ubuntu22', [NETS[0], {'nic_vdev': '1001', 'method': 'dhcp'}], 'guest_networks[1].nic_vdev: 1001 overlaps'),
    ('ubuntu22', [{'nic_vdev': '0100', 'method': 'dhcp'}], 'guest_networks[0].nic_vdev: a NIC at 0100'),
    ('ubuntu22', [dict(NETS[0], vswitch='NOSUCH')], 'guest_networks[0].vswitch: the virtual switch NOSUCH'),
    ('windows', [NETS[0]], 'os_version:'),
    ('sles15', [{'method': 'dhcp', 'ipv6_addr': 'fd00::5', 'ipv6_cidr': 'fd00::/64'}],
     'guest_networks[0].method: SLES cannot mix'),
]


@pytest.mark.parametrize('os_version, nets, message', BAD, ids=[b[2].split(':')[0] for b in BAD])
def test_bad_input_changes_nothing(sim, sdk, guest, os_version, nets, message):
    userid = guest('FBNET04')
    with pytest.raises((SDKInvalidInputFormat, SDKObjectNotExistError)) as e:
        sdk.guest_create_network_interface(userid, os_version, nets)
    assert str(e.value).startswith(message), str(e.value)
    assert nics_of(sdk, userid) == {} and reader(sim, userid) == []


def test_a_failed_punch_takes_the_new_nics_back(sim, sdk, guest):
    userid = guest('FBNET05')
    sdk.guest_create_nic(userid, vdev='1000', nic_id='kept')
    before = entries.require(sdk.session, userid).records()
    sim.node_fault('vmcp transfer')
    with pytest.raises(NodeError):
        sdk.guest_create_network_interface(userid, 'ubuntu22', [dict(NETS[0], vswitch=None, nic_id='changed'),
                                                                NETS[1]])
    assert entries.require(sdk.session, userid).records() == before
    assert reader(sim, userid) == [] and reader(sim, sim.node_userid) == []


def test_active_needs_a_running_guest_and_a_node_is_needed(sim, sim_sdk_without_node, sdk, guest):
    userid = guest('FBNET06')
    with pytest.raises(SDKConflictError):
        sdk.guest_create_network_interface(userid, 'ubuntu22', NETS, active=True)
    with pytest.raises(SDKFunctionNotImplementError, match='guest_create_network_interface needs an access node'):
        sim_sdk_without_node.guest_create_network_interface(userid, 'ubuntu22', NETS)
    with pytest.raises(SDKObjectNotExistError):
        sdk.guest_create_network_interface('FBNONE', 'ubuntu22', NETS)
    assert nics_of(sdk, userid) == {} and reader(sim, userid) == []


@pytest.fixture
def sim_sdk_without_node(sim):
    return make_sdk(sim)


def test_active_on_a_running_guest(sim, sdk, guest):
    userid = guest('FBNET07')
    sdk.guest_start(userid)
    result = sdk.guest_create_network_interface(userid, 'rhel9', [NETS[1]], active=True)
    assert result[0]['nic_vdev'] == '1000'
    assert '1000' in adapters.query(sdk.session, userid)        # defined on the running guest too
    assert nics_of(sdk, userid) == {'1000': None}
    assert reader(sim, userid) == [('NETWORK', 'DOSCRIPT', 'X', sim.node_userid)]


def test_network_plans_predict_the_vdevs_without_changing_anything(sdk, guest):
    userid = guest('FBNET08')
    sdk.guest_create_nic(userid, vdev='1000')
    entry = entries.require(sdk.session, userid)
    config = networks.normalize([{'method': 'dhcp'}, {'method': 'dhcp', 'nic_vdev': '1003'}, {'method': 'dhcp'}])
    plans, after = sdk.network_plans(entry, config)
    assert [n.vdev for n in config.nics] == ['1006', '1003', '1009']
    assert [p.changed for p in plans] == [True, True, True]
    assert sorted(n.vdev for n in after.nics) == ['1000', '1003', '1006', '1009']
    assert nics_of(sdk, userid) == {'1000': None}


# -- guest_config_minidisks ------------------------------------------------------------------------------------------

def test_config_minidisks(sim, sdk, guest, tmp_path):
    userid = guest('FBDSK01')
    assert sdk.guest_config_minidisks(userid, [{'vdev': '0101', 'format': 'ext4', 'mntdir': '/data'},
                                               {'vdev': '0102', 'format': 'swap'}]) is None
    assert reader(sim, userid) == [('DISK0101', 'DOSCRIPT', 'X', sim.node_userid),
                                   ('DISK0102', 'DOSCRIPT', 'X', sim.node_userid)]
    data, swap = sim.reader(userid)
    files = consumers.untar(data['content'], str(tmp_path / 'a'))
    consumers.check_shell(str(tmp_path / 'a' / '0000'))
    assert 'mntdir=/data\n' in files['0000'].decode() and 'fstype=ext4\n' in files['0000'].decode()
    files = consumers.untar(swap['content'], str(tmp_path / 'b'))
    assert 'zvmcloud-mkswap-0.0.0102.service' in files['0000'].decode()      # 0102 is a V-DISK
    assert [p['name'] for p in sdk.last_punched] == ['disk0101.doscript', 'disk0102.doscript']
    assert sdk.guest_config_minidisks(userid, []) is None and len(sim.reader(userid)) == 2


def test_config_minidisks_defaults_as_zvmsdk(sim, sdk, guest, tmp_path):
    userid = guest('FBDSK02')
    sdk.guest_config_minidisks(userid, [{'format': 'ext4'}])
    assert reader(sim, userid) == [('DISK0101', 'DOSCRIPT', 'X', sim.node_userid)]
    files = consumers.untar(sim.reader(userid)[0]['content'], str(tmp_path))
    assert 'mntdir=/mnt/ephemeral0101\n' in files['0000'].decode()


@pytest.mark.parametrize('disk_info, message', [
    ([{'vdev': '0105', 'format': 'ext4'}], 'disk_info[0].vdev: guest FBDSK03 has no minidisk 0105'),
    ([{'vdev': '0101', 'format': 'ext4'}, {'vdev': '0102', 'format': 'xfs'}],
     'disk_info[1].format: minidisk 0102 is a V-DISK'),
    ([{'vdev': '0101', 'format': 'ext4', 'mntdir': '/etc'}], 'disk_info[0].mntdir: /etc is a directory'),
])
def test_config_minidisks_bad_input_punches_nothing(sim, sdk, guest, disk_info, message):
    userid = guest('FBDSK03')
    with pytest.raises(SDKInvalidInputFormat) as e:
        sdk.guest_config_minidisks(userid, disk_info)
    assert str(e.value).startswith(message), str(e.value)
    assert reader(sim, userid) == []


# -- the config drive --------------------------------------------------------------------------------------------------

def test_config_drive(sim, sdk, guest, tmp_path):
    userid = guest('FBCFG01')
    made = sdk.guest_create_network_interface(userid, 'ubuntu22', NETS)
    sim.reader(userid)   # the doscript is there too; the drive comes next
    key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFoGcXr0f0l2n8kYpQ7mCkH6G3Bv9ORJ6m6yLzY3nQ9x admin@example'
    result = sdk.guest_punch_config_drive(userid, 'ubuntu22', made, public_keys=[key],
                                          user_data='#cloud-config\nruncmd: [touch, /ok]\n')
    files = sim.reader(userid)
    assert reader(sim, userid)[-1] == ('CFGDRIVE', 'ISO', 'X', sim.node_userid)
    assert result['spoolid'] == files[-1]['spoolid'] and result['bytes'] == len(files[-1]['content'])
    assert 'runcmd' not in str(result['files'])
    label = consumers.xorriso_extract(files[-1]['content'], tmp_path / 'drive')
    assert label == 'config-2'
    found = consumers.cloud_init_read(tmp_path / 'drive', tmp_path / 'out')
    assert found['metadata']['uuid'] == result['uuid'] and found['metadata']['hostname'] == 'web01'
    assert list(found['metadata']['public_keys'].values()) == [key]
    assert found['userdata'] == '#cloud-config\nruncmd: [touch, /ok]\n'
    names = [c['name'] for c in found['network_config']['config'] if c['type'] == 'physical']
    assert names == ['enc1000', 'enc1003']


def test_config_drive_needs_existing_nics(sim, sdk, guest):
    userid = guest('FBCFG02')
    with pytest.raises(SDKInvalidInputFormat, match=r'^guest_networks\[0\]\.nic_vdev: guest FBCFG02 has no NIC 1000'):
        sdk.guest_punch_config_drive(userid, 'rhel9', [NETS[0]])
    with pytest.raises(SDKInvalidInputFormat, match=r'^guest_networks\[0\]\.nic_vdev: required'):
        sdk.guest_punch_config_drive(userid, 'rhel9', [NETS[1]])
    with pytest.raises(SDKInvalidInputFormat, match=r'^public_keys\[0\]: '):
        sdk.guest_punch_config_drive(userid, public_keys=['not a key'])
    assert reader(sim, userid) == []
    result = sdk.guest_punch_config_drive(userid, hostname='bare')
    assert 'openstack/latest/network_data.json' not in result['files']
    assert reader(sim, userid) == [('CFGDRIVE', 'ISO', 'X', sim.node_userid)]


# -- files built elsewhere (zvm_guest's first boot) -------------------------------------------------------------------

def test_punch_firstboot_punches_in_order_and_records_the_digest(sim, sdk, guest, sim_sdk_without_node):
    from ansible_collections.zvm.cloud.plugins.module_utils.firstboot import records
    userid = guest('FBPUN01')
    digest = '0123456789abcdef' * 2
    punched = []
    result = sdk.guest_punch_firstboot(userid, [('network.doscript', b'a' * 100), ('cfgdrive.iso', b'b' * 2048)],
                                       digest, punched=punched)
    assert result == punched and [(p['name'], p['bytes']) for p in result] == [('network.doscript', 100),
                                                                               ('cfgdrive.iso', 2048)]
    assert reader(sim, userid) == [('NETWORK', 'DOSCRIPT', 'X', sim.node_userid),
                                   ('CFGDRIVE', 'ISO', 'X', sim.node_userid)]
    assert [p['spoolid'] for p in result] == [f['spoolid'] for f in sim.reader(userid)]
    entry = entries.require(sdk.session, userid)
    assert records.punched(entry) == digest and '* ZVMCLOUD FIRSTBOOT %s' % digest.upper() in entry.records()
    # a failed punch records nothing; what was punched before it is listed
    sim.node_fault('vmcp transfer', times=1)
    punched = []
    with pytest.raises(NodeError):
        sdk.guest_punch_firstboot(userid, [('disk0101.doscript', b'c'), ('cfgdrive.iso', b'd')], 'f' * 32,
                                  punched=punched)
    assert punched == [] and records.punched(entries.require(sdk.session, userid)) == digest
    with pytest.raises(SDKFunctionNotImplementError, match='needs an access node'):
        sim_sdk_without_node.guest_punch_firstboot(userid, [('network.doscript', b'a')])
    assert len(sim.reader(userid)) == 2
