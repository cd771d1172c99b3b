# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The network files of each distribution, read back by what reads them on
a guest: the netplan file by ``netplan generate --root-dir`` (and the
systemd-networkd units it makes are checked), ifcfg files by bash (as the
distributions' scripts source them) and as key/value pairs, keyfiles by an
INI parser, SLES routes and udev rules line by line."""

import configparser

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.firstboot import distros, netfiles, networks
from tests.unit.firstboot import consumers

NETS = [
    {'ip_addr': '192.168.95.10', 'cidr': '192.168.95.0/24', 'gateway_addr': '192.168.95.1', 'mtu': 8992,
     'dns_addr': ['9.0.2.1', 'fd00:1::53'], 'nic_vdev': '1000', 'hostname': 'web01.example.com',
     'ipv6_addr': 'fd00:1::10', 'ipv6_cidr': 'fd00:1::/64', 'ipv6_gateway_addr': 'fd00:1::1'},
    {'ip_addr': '10.10.0.5', 'cidr': '10.10.0.0/16', 'gateway_addr': '10.10.0.1', 'nic_vdev': '0800'},
    {'method': 'dhcp', 'ipv6_method': 'dhcp', 'nic_vdev': '1006', 'dns_addr': ['10.10.0.53']},
]


def config(nets=None):
    return networks.normalize(nets or NETS)


def by_target(payloads):
    return dict((p.target, p) for p in payloads)


# -- RHEL 7 and 8: ifcfg -----------------------------------------------------------------------------------------

@pytest.mark.parametrize('os_version, dev1000, dev800, dev1006', [
    ('rhel7.9', 'enccw0.0.1000', 'enccw0.0.0800', 'enccw0.0.1006'), ('rhel8.8', 'enc1000', 'enc800', 'enc1006')])
def test_rhel_ifcfg_files(tmp_path, os_version, dev1000, dev800, dev1006):
    files = by_target(netfiles.files(distros.parse(os_version), config(), 'LINUX01'))
    base = '/etc/sysconfig/network-scripts/ifcfg-'
    assert sorted(files) == sorted([base + dev1000, base + dev800, base + dev1006, '/etc/hostname'])
    first = consumers.key_values(files[base + dev1000].text)
    assert first == {
        'DEVICE': dev1000, 'NAME': dev1000, 'TYPE': 'Ethernet', 'ONBOOT': 'yes', 'NETTYPE': 'qeth',
        'SUBCHANNELS': '0.0.1000,0.0.1001,0.0.1002', 'OPTIONS': 'layer2=1', 'BOOTPROTO': 'none',
        'IPADDR': '192.168.95.10', 'NETMASK': '255.255.255.0', 'PREFIX': '24', 'BROADCAST': '192.168.95.255',
        'GATEWAY': '192.168.95.1', 'MTU': '8992', 'DNS1': '9.0.2.1', 'DNS2': 'fd00:1::53',
        'IPV6INIT': 'yes', 'IPV6_AUTOCONF': 'no', 'IPV6ADDR': 'fd00:1::10/64', 'IPV6_DEFAULTGW': 'fd00:1::1'}
    path = tmp_path / 'ifcfg'
    path.write_text(files[base + dev1000].text)
    assert consumers.bash_key_values(str(path), sorted(first)) == first      # bash reads the same
    second = consumers.key_values(files[base + dev800].text)
    assert second['SUBCHANNELS'] == '0.0.0800,0.0.0801,0.0.0802' and second['DEVICE'] == dev800
    assert 'GATEWAY' not in second and 'MTU' not in second and second['IPV6INIT'] == 'no'    # not the default route
    dhcp = consumers.key_values(files[base + dev1006].text)
    assert (dhcp['BOOTPROTO'], dhcp['DHCPV6C'], dhcp['IPV6_AUTOCONF']) == ('dhcp', 'yes', 'no')
    assert dhcp['DNS1'] == '10.10.0.53'
    assert 'IPADDR' not in dhcp
    assert files['/etc/hostname'].text == 'web01.example.com\n'


# -- RHEL 9 and later: keyfiles ------------------------------------------------------------------------------------

def keyfile(text):
    parser = configparser.ConfigParser(interpolation=None, delimiters=('=',))
    parser.optionxform = str
    parser.read_string(text)
    return dict((s, dict(parser[s])) for s in parser.sections())


def test_rhel9_keyfiles():
    files = by_target(netfiles.files(distros.parse('rhel9.4'), config(), 'LINUX01'))
    path = '/etc/NetworkManager/system-connections/enc1000.nmconnection'
    assert sorted(files) == sorted([path, '/etc/NetworkManager/system-connections/enc800.nmconnection',
                                    '/etc/NetworkManager/system-connections/enc1006.nmconnection', '/etc/hostname'])
    assert files[path].mode == '0600'
    k = keyfile(files[path].text)
    assert k['connection'] == {'id': 'enc1000', 'uuid': netfiles.connection_uuid('LINUX01', 'enc1000'),
                               'type': 'ethernet', 'interface-name': 'enc1000', 'autoconnect': 'true'}
    assert k['ethernet'] == {'mtu': '8992', 's390-nettype': 'qeth',
                             's390-subchannels': '0.0.1000;0.0.1001;0.0.1002;'}
    assert k['ethernet-s390-options'] == {'layer2': '1'}
    assert k['ipv4'] == {'method': 'manual', 'address1': '192.168.95.10/24', 'gateway': '192.168.95.1',
                         'dns': '9.0.2.1;'}
    assert k['ipv6'] == {'method': 'manual', 'address1': 'fd00:1::10/64', 'gateway': 'fd00:1::1',
                         'dns': 'fd00:1::53;'}
    second = keyfile(files['/etc/NetworkManager/system-connections/enc800.nmconnection'].text)
    assert second['ipv4'] == {'method': 'manual', 'address1': '10.10.0.5/16'} and second['ipv6'] == {
        'method': 'disabled'}
    dhcp = keyfile(files['/etc/NetworkManager/system-connections/enc1006.nmconnection'].text)
    assert dhcp['ipv4'] == {'method': 'auto', 'dns': '10.10.0.53;'} and dhcp['ipv6'] == {'method': 'dhcp'}
    assert netfiles.connection_uuid('LINUX01', 'enc1000') != netfiles.connection_uuid('LINUX02', 'enc1000')


# -- SLES 12 and 15 -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('os_version', ['sles12sp5', 'sles15sp4'])
def test_sles_files(tmp_path, os_version):
    nets = [dict(NETS[0]), NETS[1], {'method': 'dhcp', 'nic_vdev': '1006'}]
    files = by_target(netfiles.files(distros.parse(os_version), config(nets), 'LINUX01'))
    assert sorted(files) == ['/etc/hostname', '/etc/sysconfig/network/ifcfg-eth0800',
                             '/etc/sysconfig/network/ifcfg-eth1000', '/etc/sysconfig/network/ifcfg-eth1006',
                             '/etc/sysconfig/network/routes', '/etc/udev/rules.d/51-qeth-0.0.0800.rules',
                             '/etc/udev/rules.d/51-qeth-0.0.1000.rules', '/etc/udev/rules.d/51-qeth-0.0.1006.rules']
    first = consumers.key_values(files['/etc/sysconfig/network/ifcfg-eth1000'].text)
    assert first == {'BOOTPROTO': 'static', 'STARTMODE': 'auto', 'NAME': 'zvm.cloud NIC 0.0.1000',
                     'IPADDR': '192.168.95.10', 'NETMASK': '255.255.255.0', 'BROADCAST': '192.168.95.255',
                     'IPADDR_1': 'fd00:1::10/64', 'MTU': '8992'}
    path = tmp_path / 'ifcfg'
    path.write_text(files['/etc/sysconfig/network/ifcfg-eth1000'].text)
    assert consumers.bash_key_values(str(path), sorted(first)) == first
    assert consumers.key_values(files['/etc/sysconfig/network/ifcfg-eth1006'].text)['BOOTPROTO'] == 'dhcp4'
    routes = [line.split() for line in files['/etc/sysconfig/network/routes'].text.splitlines()
              if not line.startswith('#')]
    assert routes == [['default', '192.168.95.1', '-', '-'], ['default', 'fd00:1::1', '-', '-']]
    rules = [line for line in files['/etc/udev/rules.d/51-qeth-0.0.0800.rules'].text.splitlines()
             if not line.startswith('#')]
    for rule in rules:
        for token in [t.strip() for t in rule.split(', ')]:
            key, op, _value = token.partition('==') if '==' in token else token.partition(':=') \
                if ':=' in token else token.partition('=')
            assert key and op and token.endswith('"'), rule
    assert 'ACTION=="add", SUBSYSTEM=="ccw", ENV{COLLECT_0.0.0800}=="0", ' \
           'ATTR{[drivers/ccwgroup:qeth]group}="0.0.0800,0.0.0801,0.0.0802"' in rules
    assert 'ACTION=="add", SUBSYSTEM=="ccwgroup", KERNEL=="0.0.0800", ATTR{layer2}="1"' in rules
    assert 'ACTION=="add", SUBSYSTEM=="ccwgroup", KERNEL=="0.0.0800", ATTR{online}="1"' in rules
    assert rules[-1] == 'ACTION=="add", SUBSYSTEM=="net", DRIVERS=="qeth", KERNELS=="0.0.0800", ' \
                        'ATTR{type}=="1", NAME:="eth0800"'
    labels = [r for r in rules if r.startswith('LABEL=')]
    gotos = [r for r in rules if 'GOTO=' in r]
    assert labels == ['LABEL="qeth-0.0.0800-end"'] and gotos[0].endswith('GOTO="qeth-0.0.0800-end"')


@pytest.mark.parametrize('net', [
    {'method': 'dhcp', 'ipv6_addr': 'fd00::5', 'ipv6_cidr': 'fd00::/64'},
    {'ip_addr': '10.0.0.5', 'cidr': '10.0.0.0/24', 'ipv6_method': 'dhcp'},
])
def test_sles_refuses_dhcp_mixed_with_static(net):
    cfg = config([dict(net, nic_vdev='1000')])
    with pytest.raises(InputError, match=r'^guest_networks\[0\]\.method: SLES cannot mix DHCP and static'):
        netfiles.files(distros.parse('sles15'), cfg)
    assert netfiles.files(distros.parse('rhel9'), cfg)       # others can


@pytest.mark.parametrize('net, bootproto', [({'ipv6_method': 'dhcp'}, 'dhcp6'), ({'ipv6_method': 'auto'}, 'auto6'),
                                            ({'method': 'dhcp', 'ipv6_method': 'dhcp'}, 'dhcp'),
                                            ({'method': 'dhcp', 'ipv6_method': 'auto'}, 'dhcp4')])
def test_sles_bootproto(net, bootproto):
    assert netfiles.sles_bootproto(config([net]).nics[0]) == bootproto


# -- Ubuntu: netplan, read by netplan itself -------------------------------------------------------------------

def test_ubuntu_netplan_is_accepted_by_netplan(tmp_path):
    files = netfiles.files(distros.parse('ubuntu22.04'), config(), 'LINUX01')
    assert [p.target for p in files] == ['/etc/netplan/00-zvmguestconfigure-config.yaml', '/etc/hostname']
    assert files[0].mode == '0600'
    units = consumers.netplan_generate(tmp_path, {files[0].target: files[0].text})
    assert sorted(units) == ['10-netplan-enc1000.link', '10-netplan-enc1000.network', '10-netplan-enc1006.network',
                             '10-netplan-enc800.network']
    first = consumers.unit_values(units['10-netplan-enc1000.network'])
    assert first['Match'] == [('Name', 'enc1000')]
    net = first['Network']
    assert ('Address', '192.168.95.10/24') in net and ('Address', 'fd00:1::10/64') in net
    assert [v for k, v in net if k == 'DNS'] == ['9.0.2.1', 'fd00:1::53']
    assert ('IPv6AcceptRA', 'no') in net
    routes = _routes(units['10-netplan-enc1000.network'])
    assert {'Destination': '0.0.0.0/0', 'Gateway': '192.168.95.1'} in routes
    assert {'Destination': '::/0', 'Gateway': 'fd00:1::1'} in routes and len(routes) == 2
    assert 'MTUBytes=8992' in units['10-netplan-enc1000.link']
    second = consumers.unit_values(units['10-netplan-enc800.network'])['Network']
    assert ('Address', '10.10.0.5/16') in second and not [k for k, _v in second if k in ('Gateway', 'DNS')]
    assert 'Route' not in units['10-netplan-enc800.network']       # its gateway is not the default route
    dhcp = consumers.unit_values(units['10-netplan-enc1006.network'])['Network']
    assert ('DHCP', 'yes') in dhcp and ('DNS', '10.10.0.53') in dhcp


def _routes(text):
    """Each [Route] section of a unit as a dict (unit_values merges sections of one name)."""
    out, current = [], None
    for line in text.splitlines():
        if line.strip() == '[Route]':
            current = {}
            out.append(current)
        elif line.startswith('['):
            current = None
        elif current is not None and '=' in line:
            key, value = line.split('=', 1)
            current[key] = value
    return out


def test_ubuntu_dhcp_only_and_ipv6_only(tmp_path):
    cfg = config([{'method': 'dhcp', 'nic_vdev': '0600'},
                  {'ipv6_addr': '2001:db8::5', 'ipv6_cidr': '2001:db8::/64', 'ipv6_gateway_addr': 'fe80::1',
                   'nic_vdev': '0603'}])
    payload = netfiles.files(distros.parse('ubuntu20.04'), cfg)[0]
    units = consumers.netplan_generate(tmp_path, {payload.target: payload.text})
    assert ('DHCP', 'ipv4') in consumers.unit_values(units['10-netplan-enc600.network'])['Network']
    assert {'Destination': '::/0', 'Gateway': 'fe80::1'} in _routes(units['10-netplan-enc603.network'])


def test_files_need_the_vdevs():
    with pytest.raises(InputError, match=r'^guest_networks\[0\]\.nic_vdev: the NIC has no vdev yet'):
        netfiles.files(distros.parse('rhel9'), config([{'method': 'dhcp'}]))
