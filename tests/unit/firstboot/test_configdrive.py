# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The config drive, read the way a guest reads it: the ISO extracted with
xorriso (volume label config-2), then cloud-init's own ConfigDrive
datasource code reads it and its network converter turns network_data.json
into netplan (accepted by ``netplan generate``) and into RHEL and SUSE
sysconfig files with the declared addresses, routes and DNS."""

import base64
import json
import os
import subprocess
import sys

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.firstboot import configdrive, distros, networks
from tests.unit.firstboot import consumers

NETS = [
    {'ip_addr': '192.168.95.10', 'cidr': '192.168.95.0/24', 'gateway_addr': '192.168.95.1', 'mtu': 8992,
     'dns_addr': ['9.0.2.1', 'fd00:1::53'], 'nic_vdev': '1000', 'hostname': 'web01.example.com',
     'ipv6_addr': 'fd00:1::10', 'ipv6_cidr': 'fd00:1::/64', 'ipv6_gateway_addr': 'fd00:1::1'},
    {'ip_addr': '10.10.0.5', 'cidr': '10.10.0.0/16', 'nic_vdev': '0800'},
    {'method': 'dhcp', 'ipv6_method': 'dhcp', 'nic_vdev': '1006'},
]
USER_DATA = '#cloud-config\npackages: [htop]\nchpasswd: {expire: false}\n'


@pytest.fixture(scope='module')
def ssh_key(tmp_path_factory):
    path = tmp_path_factory.mktemp('key') / 'id'
    keygen = consumers.require('ssh-keygen')
    subprocess.run([keygen, '-q', '-t', 'ed25519', '-N', '', '-C', 'admin@example', '-f', str(path)], check=True)
    return (path.parent / 'id.pub').read_text().strip()


@pytest.fixture(scope='module')
def drive(tmp_path_factory, ssh_key):
    """The drive built for Ubuntu, extracted and read by cloud-init."""
    base = tmp_path_factory.mktemp('drive')
    iso = configdrive.build(distros.parse('ubuntu22.04'), networks.normalize(NETS), public_keys=[ssh_key],
                            user_data=USER_DATA, userid='LINUX01')
    label = consumers.xorriso_extract(iso, base / 'drive')
    found = consumers.cloud_init_read(base / 'drive', base / 'out')
    return {'iso': iso, 'label': label, 'dir': base / 'drive', 'out': base / 'out', 'found': found}


def test_iso_label_and_layout(drive):
    assert drive['label'] == 'config-2'
    assert len(drive['iso']) % 2048 == 0
    names = sorted(os.path.relpath(os.path.join(top, f), str(drive['dir']))
                   for top, _d, files in os.walk(str(drive['dir'])) for f in files)
    assert names == ['openstack/latest/meta_data.json', 'openstack/latest/network_data.json',
                     'openstack/latest/user_data']


def test_cloud_init_reads_metadata_keys_and_user_data(drive, ssh_key):
    meta = drive['found']['metadata']
    assert meta['hostname'] == 'web01.example.com' and meta['name'] == 'web01.example.com'
    assert meta['public_keys'] == {'key-0': ssh_key}
    again = configdrive.files(distros.parse('ubuntu22.04'), networks.normalize(NETS), public_keys=[ssh_key],
                              user_data=USER_DATA, userid='LINUX01')
    assert meta['uuid'] == json.loads(again[configdrive.META_DATA])['uuid']
    assert drive['found']['userdata'] == USER_DATA


def test_the_uuid_follows_the_contents_and_the_guest(ssh_key):
    def uuid(**kw):
        args = dict(hostname='web01', public_keys=[ssh_key], user_data=USER_DATA, userid='LINUX01')
        args.update(kw)
        return json.loads(configdrive.files(**args)[configdrive.META_DATA])['uuid']
    assert uuid() == uuid()
    assert len({uuid(), uuid(hostname='web02'), uuid(user_data='#!/bin/sh\n'), uuid(userid='LINUX02')}) == 4
    given = '6f1c2a7e-1111-4222-8333-944455556666'
    assert uuid(uuid=given.upper()) == given
    with pytest.raises(InputError, match='^uuid: '):
        uuid(uuid='not-a-uuid')


def test_cloud_init_converts_network_data(drive):
    config = drive['found']['network_config']
    ifaces = dict((c['name'], c) for c in config['config'] if c['type'] == 'physical')
    assert sorted(ifaces) == ['enc1000', 'enc1006', 'enc800']
    first = ifaces['enc1000']
    assert first['mtu'] == 8992
    v4, v6 = first['subnets']
    assert (v4['type'], v4['address'], v4['netmask']) == ('static', '192.168.95.10', '255.255.255.0')
    assert v4['routes'] == [{'network': '0.0.0.0', 'netmask': '0.0.0.0', 'gateway': '192.168.95.1'}]
    assert v4['dns_nameservers'] == ['9.0.2.1', 'fd00:1::53']
    assert (v6['type'], v6['address']) == ('static6', 'fd00:1::10')
    assert v6['routes'] == [{'network': '::', 'netmask': '::', 'gateway': 'fd00:1::1'}]
    assert [s['type'] for s in ifaces['enc1006']['subnets']] == ['dhcp4', 'ipv6_dhcpv6-stateful']
    assert ifaces['enc800']['subnets'][0]['routes'] == []


def test_cloud_init_netplan_is_accepted_by_netplan(drive, tmp_path):
    text = (drive['out'] / 'netplan' / 'etc' / 'netplan' / '50-cloud-init.yaml').read_text()
    units = consumers.netplan_generate(tmp_path, {'/etc/netplan/50-cloud-init.yaml': text})
    net = consumers.unit_values(units['10-netplan-enc1000.network'])['Network']
    assert ('Address', '192.168.95.10/24') in net and ('Address', 'fd00:1::10/64') in net
    assert [v for k, v in net if k == 'DNS'] == ['9.0.2.1', 'fd00:1::53']
    assert 'Gateway=192.168.95.1' in units['10-netplan-enc1000.network']
    assert 'Gateway=fd00:1::1' in units['10-netplan-enc1000.network']
    assert 'Gateway' not in units['10-netplan-enc800.network']
    assert ('DHCP', 'yes') in consumers.unit_values(units['10-netplan-enc1006.network'])['Network']


def test_cloud_init_sysconfig_for_rhel_and_suse(drive):
    rhel = consumers.key_values((drive['out'] / 'rhel' / 'etc' / 'sysconfig' / 'network-scripts' /
                                 'ifcfg-enc1000').read_text())
    assert (rhel['IPADDR'], rhel['NETMASK'], rhel['GATEWAY']) == ('192.168.95.10', '255.255.255.0', '192.168.95.1')
    assert (rhel['IPV6ADDR'], rhel['IPV6_DEFAULTGW'], rhel['MTU']) == ('fd00:1::10/64', 'fd00:1::1', '8992')
    assert (rhel['DNS1'], rhel['DNS2']) == ('9.0.2.1', 'fd00:1::53')
    dhcp = consumers.key_values((drive['out'] / 'rhel' / 'etc' / 'sysconfig' / 'network-scripts' /
                                 'ifcfg-enc1006').read_text())
    assert dhcp['BOOTPROTO'] == 'dhcp' and dhcp['DHCPV6C'] == 'yes'
    suse = consumers.key_values((drive['out'] / 'suse' / 'etc' / 'sysconfig' / 'network' /
                                 'ifcfg-enc1000').read_text())
    assert (suse['BOOTPROTO'], suse['IPADDR'], suse['NETMASK'], suse['IPADDR6']) == (
        'static', '192.168.95.10', '255.255.255.0', 'fd00:1::10/64')


def test_a_drive_without_network_data(tmp_path, ssh_key):
    iso = configdrive.build(hostname='plain', public_keys=ssh_key)
    consumers.xorriso_extract(iso, tmp_path / 'drive')
    found = consumers.cloud_init_read(tmp_path / 'drive', tmp_path / 'out')
    assert found['networkdata'] is None and found['userdata'] in (None, '')
    assert found['metadata']['hostname'] == 'plain' and list(found['metadata']['public_keys'].values()) == [ssh_key]


def test_preview_masks_user_data():
    shown = configdrive.preview(configdrive.files(hostname='h', user_data='#cloud-config\npassword: s3cret\n'))
    assert 's3cret' not in json.dumps(shown)
    assert shown[configdrive.USER_DATA].startswith('(user data: 31 bytes, sha256 ')


@pytest.mark.parametrize('keys, fragment', [
    ('ssh-ed25519', 'not an SSH public key'),
    (['ssh-foo AAAA'], 'not an SSH public key'),
    (['ssh-ed25519 not*base64'], 'not base64'),
    (['ssh-rsa ' + base64.b64encode(b'\x00\x00\x00\x0bssh-ed25519xxxx').decode()], 'does not hold a ssh-rsa key'),
    (['ssh-ed25519 AAAA\nssh-rsa BBBB'], 'one line'),
    ({'a': 'b'}, 'expected a list'),
])
def test_bad_public_keys_name_the_field(keys, fragment):
    with pytest.raises(InputError) as e:
        configdrive.check_public_keys(keys)
    assert str(e.value).startswith('public_keys') and fragment in str(e.value)


def test_a_private_key_is_refused_and_never_shown():
    secret = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n'
    with pytest.raises(InputError) as e:
        configdrive.check_public_keys([secret])
    assert 'private key' in str(e.value) and 'b3BlbnNza' not in str(e.value)


def test_other_bad_input():
    with pytest.raises(InputError, match=r'^hostname: '):
        configdrive.files(hostname='bad_name')
    with pytest.raises(InputError, match=r'^user_data: expected text or bytes'):
        configdrive.files(user_data=42)
    with pytest.raises(InputError, match=r'^os_version: '):
        configdrive.files(config=networks.normalize(NETS))


def test_without_pycdlib_the_message_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, 'pycdlib', None)
    with pytest.raises(configdrive.PycdlibMissing, match='pip install pycdlib'):
        configdrive.build(hostname='h')
    assert configdrive.files(hostname='h')          # the files need nothing
