# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""guest_networks and os_version checked before anything is built: every
bad value is refused with a message naming its field; good ones come out
normalized (zvmsdk's keys, plus IPv6, DHCP, MTU)."""

import ipaddress

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.firstboot import distros, networks

STATIC = {'ip_addr': '192.168.95.10', 'cidr': '192.168.95.0/24', 'gateway_addr': '192.168.95.1',
          'dns_addr': ['9.0.2.1', '9.0.3.1'], 'nic_vdev': '1000'}
V6 = {'ipv6_addr': 'fd00:1::10', 'ipv6_cidr': 'fd00:1::/64', 'ipv6_gateway_addr': 'fd00:1::1'}


def one(**changes):
    net = dict(STATIC)
    for key, value in changes.items():
        if value is None:
            net.pop(key, None)
        else:
            net[key] = value
    return net


# -- distributions -------------------------------------------------------------------------------------------

@pytest.mark.parametrize('text, family, release, style, device', [
    ('rhel7.9', 'rhel', 7, distros.IFCFG, 'enccw0.0.0800'),
    ('RHEL8', 'rhel', 8, distros.IFCFG, 'enc800'),
    ('red hat 9.2', 'rhel', 9, distros.KEYFILE, 'enc800'),
    ('redhat10', 'rhel', 10, distros.KEYFILE, 'enc800'),
    ('sles12sp5', 'sles', 12, distros.SLES, 'eth0800'),
    ('SUSE15', 'sles', 15, distros.SLES, 'eth0800'),
    ('ubuntu20.04', 'ubuntu', 20, distros.NETPLAN, 'enc800'),
    ('Ubuntu 24.04', 'ubuntu', 24, distros.NETPLAN, 'enc800'),
])
def test_os_versions(text, family, release, style, device):
    d = distros.parse(text)
    assert (d.family, d.release, d.style, d.device_name('0800')) == (family, release, style, device)
    assert d == distros.parse(d.name)


def test_device_names_of_a_vdev_with_letters():
    assert distros.parse('rhel9').device_name('0A0F') == 'enca0f'
    assert distros.parse('rhel7').device_name('0A0F') == 'enccw0.0.0a0f'
    assert distros.parse('sles15').device_name('0A0F') == 'eth0a0f'
    assert distros.subchannels('0AFE') == ('0.0.0afe', '0.0.0aff', '0.0.0b00')


@pytest.mark.parametrize('text, fragment', [
    (None, 'a distribution and release is required'),
    ('', 'a distribution and release is required'),
    ('windows11', 'not a distribution'),
    ('rhel', 'names no release'),
    ('rhel6.10', 'not supported'),
    ('sles11sp4', 'not supported'),
    ('sles16', 'not supported'),
    ('ubuntu18.04', 'not supported'),
    ('rhcos4', 'not a distribution'),
    ('rhel123456', 'names no release'),
])
def test_bad_os_versions_name_the_field(text, fragment):
    with pytest.raises(InputError) as e:
        distros.parse(text)
    assert str(e.value).startswith('os_version: ') and fragment in str(e.value)


# -- good input ------------------------------------------------------------------------------------------------

def test_zvmsdk_example_with_two_gateways():
    cfg = networks.normalize([
        STATIC, {'ip_addr': '192.168.96.10', 'cidr': '192.168.96.0/24', 'gateway_addr': '192.168.96.1',
                 'dns_addr': ['9.0.2.1'], 'nic_vdev': '1003'},
        {'method': 'dhcp', 'nic_vdev': '1006', 'mac_addr': '02:00:00:ab:cd:ef'}])
    first, second, third = cfg.nics
    assert (first.vdev, str(first.ipv4), str(first.gateway4), first.dns) == \
        ('1000', '192.168.95.10/24', '192.168.95.1', ['9.0.2.1', '9.0.3.1'])
    assert first.default4 and not second.default4 and not third.default4
    assert str(second.gateway4) == '192.168.96.1'
    assert cfg.notes == ['guest_networks[1].gateway_addr: 192.168.96.1 is not a default route; the IPv4 default '
                         'route goes through the NIC of guest_networks[0]']
    assert third.dhcp4 and third.ipv4 is None and third.mac_addr == '02:00:00:AB:CD:EF'
    assert cfg.dns() == ['9.0.2.1', '9.0.3.1']


def test_the_default_route_is_the_first_nic_that_has_a_gateway():
    cfg = networks.normalize([{'method': 'dhcp'}, one(nic_vdev=None, gateway_addr='192.168.95.254', **V6)])
    dhcp, static = cfg.nics
    assert not dhcp.default4 and static.default4 and static.default6 and cfg.notes == []
    assert (str(static.ipv6), str(static.gateway6), static.ipv6_method) == ('fd00:1::10/64', 'fd00:1::1', 'static')


def test_host_bits_in_cidr_and_ipv6_only_and_link_local_gateway():
    cfg = networks.normalize([{'ip_addr': '10.1.2.3', 'cidr': '10.1.2.3/16', 'mtu': '9000', 'hostname': 'db1'},
                              {'ipv6_addr': '2001:db8::5', 'ipv6_cidr': '2001:db8::/64',
                               'ipv6_gateway_addr': 'fe80::1', 'dns_addr': ['2001:db8::53'], 'mtu': 1280},
                              {'ipv6_method': 'AUTO'}, {'ipv6_method': 'dhcp', 'method': 'DHCP'}])
    a, b, c, d = cfg.nics
    assert a.ipv4 == ipaddress.ip_interface('10.1.2.3/16') and a.mtu == 9000 and a.ipv6_method is None
    assert b.ipv4 is None and not b.dhcp4 and str(b.gateway6) == 'fe80::1' and b.dns_of(6) == ['2001:db8::53']
    assert c.ipv6_method == 'auto' and d.dhcp4 and d.ipv6_method == 'dhcp'
    assert cfg.hostname == 'db1'
    assert [n.vdev for n in cfg.nics] == [None] * 4
    networks.assign_vdevs(cfg, ['1000', '1003', '1006', '1009'])
    assert [n.vdev for n in cfg.nics] == ['1000', '1003', '1006', '1009']


def test_extension_keys_for_the_directory():
    nic = networks.normalize([one(vswitch='vsw1', vlan_id='100', nic_id='port-1', mac_addr='abcdef')]).nics[0]
    assert (nic.vswitch, nic.vlan_id, nic.nic_id, nic.mac_addr) == ('VSW1', 100, 'port-1', 'ABCDEF')


def test_a_31_bit_point_to_point_subnet_has_no_network_or_broadcast_address():
    nic = networks.normalize([{'ip_addr': '10.0.0.0', 'cidr': '10.0.0.0/31', 'gateway_addr': '10.0.0.1'}]).nics[0]
    assert str(nic.ipv4) == '10.0.0.0/31' and nic.default4


# -- bad input: each error names its field ---------------------------------------------------------------------

BAD = [
    (one(ip_addr='192.168.96.10'), 'guest_networks[0].ip_addr', 'not in the subnet 192.168.95.0/24'),
    (one(ip_addr='192.168.95.256'), 'guest_networks[0].ip_addr', 'not an IP address'),
    (one(ip_addr='192.168.095.10'), 'guest_networks[0].ip_addr', 'leading zeros'),
    (one(ip_addr='fd00::1'), 'guest_networks[0].ip_addr', 'is an IPv6 address'),
    (one(ip_addr='192.168.95.0'), 'guest_networks[0].ip_addr', 'the network address'),
    (one(ip_addr='192.168.95.255'), 'guest_networks[0].ip_addr', 'the broadcast address'),
    (one(ip_addr='0.0.0.0', cidr='0.0.0.0/8'), 'guest_networks[0].ip_addr', 'unspecified'),
    (one(ip_addr='127.0.0.5', cidr='127.0.0.0/8', gateway_addr=None), 'guest_networks[0].ip_addr', 'loopback'),
    (one(ip_addr='192.168.95.10/24'), 'guest_networks[0].ip_addr', 'no prefix length'),
    (one(ip_addr=None), 'guest_networks[0].ip_addr', 'needs ip_addr and cidr'),
    (one(cidr=None), 'guest_networks[0].cidr', 'needs ip_addr and cidr'),
    (one(cidr='192.168.95.0'), 'guest_networks[0].cidr', 'address/prefix length'),
    (one(cidr='192.168.95.0/33'), 'guest_networks[0].cidr', 'prefix length: it must be 1 to 32'),
    (one(cidr='192.168.95.0/0'), 'guest_networks[0].cidr', 'prefix length'),
    (one(cidr='192.168.95.0/abc'), 'guest_networks[0].cidr', 'prefix length'),
    (one(gateway_addr='10.0.0.1'), 'guest_networks[0].gateway_addr', 'not in the subnet'),
    (one(gateway_addr='192.168.95.10'), 'guest_networks[0].gateway_addr', "the NIC's own address"),
    (one(gateway_addr='192.168.95.255'), 'guest_networks[0].gateway_addr', 'broadcast address'),
    (one(gateway_addr='224.0.0.1'), 'guest_networks[0].gateway_addr', 'multicast'),
    (one(dns_addr='9.0.2.1'), 'guest_networks[0].dns_addr', 'expected a list'),
    (one(dns_addr=['9.0.2.1', 'dns.example.com']), 'guest_networks[0].dns_addr[1]', 'not an IP address'),
    (one(mtu=67), 'guest_networks[0].mtu', 'from 68 to 65535'),
    (one(mtu='1500x'), 'guest_networks[0].mtu', 'digits 0-9 only'),
    (one(mtu=1000, **V6), 'guest_networks[0].mtu', 'IPv6 needs 1280'),
    (one(nic_vdev='10000'), 'guest_networks[0].nic_vdev', 'not a virtual device number'),
    (one(nic_vdev='FFFE'), 'guest_networks[0].nic_vdev', 'no room for the 3 devices'),
    (one(mac_addr='01:00:00:00:00:01'), 'guest_networks[0].mac_addr', 'multicast'),
    (one(nic_id='has blank'), 'guest_networks[0].nic_id', 'not a valid nic_id'),
    (one(method='bootp'), 'guest_networks[0].method', 'static or dhcp'),
    (one(method='dhcp'), 'guest_networks[0].ip_addr', 'gets its IPv4 settings from DHCP'),
    (one(osa_device='0800'), 'guest_networks[0].osa_device', 'not supported'),
    (one(hostname='-bad-'), 'guest_networks[0].hostname', 'not a host name'),
    (one(hostname='a' * 64), 'guest_networks[0].hostname', 'not a host name'),
    (one(vlan_id=100), 'guest_networks[0].vlan_id', 'needs a vswitch'),
    (one(vswitch='VSWITCH-TOO-LONG'), 'guest_networks[0].vswitch', ''),
    (one(vswitch='VSW1', vlan_id=5000), 'guest_networks[0].vlan_id', ''),
    (one(ipv6_addr='fd00:2::10', ipv6_cidr='fd00:1::/64'), 'guest_networks[0].ipv6_addr', 'not in the subnet'),
    (one(ipv6_addr='192.168.95.11', ipv6_cidr='fd00:1::/64'), 'guest_networks[0].ipv6_addr', 'IPv4 address'),
    (one(ipv6_addr='fd00:1::10%eth0', ipv6_cidr='fd00:1::/64'), 'guest_networks[0].ipv6_addr', 'zone'),
    (one(ipv6_addr='fd00:1::10', ipv6_cidr='fd00:1::/129'), 'guest_networks[0].ipv6_cidr', '1 to 128'),
    (one(ipv6_addr='fd00:1::10'), 'guest_networks[0].ipv6_cidr', 'needs ipv6_addr and ipv6_cidr'),
    (one(ipv6_gateway_addr='fd00:9::1', ipv6_addr='fd00:1::10', ipv6_cidr='fd00:1::/64'),
     'guest_networks[0].ipv6_gateway_addr', 'not in the subnet'),
    (one(ipv6_method='dhcp', ipv6_addr='fd00:1::10'), 'guest_networks[0].ipv6_addr', 'ipv6_method dhcp'),
    (one(ipv6_method='slaac'), 'guest_networks[0].ipv6_method', 'static or dhcp or auto'),
    (one(ip_addr=None, cidr=None, gateway_addr=None), 'guest_networks[0]', 'the NIC has no address'),
    (dict(STATIC, colour='red'), 'guest_networks[0]', 'unknown key(s) colour'),
]


@pytest.mark.parametrize('net, field, fragment', BAD, ids=['%s-%d' % (b[1], i) for i, b in enumerate(BAD)])
def test_bad_values_name_the_field(net, field, fragment):
    with pytest.raises(InputError) as e:
        networks.normalize([net])
    text = str(e.value)
    assert text.startswith(field + ':') or text.startswith(field + ' '), text
    assert fragment in text


@pytest.mark.parametrize('value, fragment', [
    ([], 'network information is required'),
    ({'ip_addr': '1.2.3.4'}, 'expected a list'),
    (['eth0'], 'each network must be a dict'),
])
def test_bad_lists(value, fragment):
    with pytest.raises(InputError) as e:
        networks.normalize(value)
    assert str(e.value).startswith('guest_networks') and fragment in str(e.value)


def test_overlapping_vdevs_and_two_host_names_are_refused():
    with pytest.raises(InputError, match=r'^guest_networks\[1\]\.nic_vdev: 1002 overlaps the NIC at 1000'):
        networks.normalize([STATIC, {'method': 'dhcp', 'nic_vdev': '1002'}])
    with pytest.raises(InputError, match=r'^guest_networks\[1\]\.hostname: .* differs'):
        networks.normalize([one(hostname='a'), {'method': 'dhcp', 'hostname': 'b'}])
    cfg = networks.normalize([one(hostname='Web'), {'method': 'dhcp', 'hostname': 'web'}])
    assert cfg.hostname == 'Web'


def test_duplicate_dns_servers_are_listed_once():
    nic = networks.normalize([one(dns_addr=['9.0.2.1', '9.0.2.1', 'fd00::53'])]).nics[0]
    assert nic.dns == ['9.0.2.1', 'fd00::53'] and nic.dns_of(4) == ['9.0.2.1'] and nic.dns_of(6) == ['fd00::53']


@pytest.mark.parametrize('os_version', ['rhel9\u200b', 'sles15\x1f', 'ubuntu\uff12\uff12'])
def test_an_os_version_outside_printable_ascii_is_refused(os_version):
    with pytest.raises(InputError, match='os_version'):
        distros.parse(os_version)
