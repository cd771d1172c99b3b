# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""network.doscript: a tar of numbered payloads and invokeScript.sh, as the
guest's zvmguestconfigure unpacks it; the scripts pass ``bash -n`` and
shellcheck, each payload is copied to the file the distribution reads, and
stale configuration is removed only for devices the guest does not have."""

import re

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.firstboot import distros, doscript, netfiles, networks
from tests.unit.firstboot import consumers

NETS = [
    {'ip_addr': '192.168.95.10', 'cidr': '192.168.95.0/24', 'gateway_addr': '192.168.95.1', 'nic_vdev': '1000',
     'dns_addr': ['9.0.2.1'], 'hostname': 'web01', 'ipv6_addr': 'fd00::10', 'ipv6_cidr': 'fd00::/64'},
    {'method': 'dhcp', 'nic_vdev': '1003'},
]
OS_VERSIONS = ['rhel7', 'rhel8', 'rhel9', 'rhel10', 'sles12', 'sles15', 'ubuntu20', 'ubuntu24']


def build(os_version, nets=None, keep=('1000', '1003', '2000'), active=False):
    cfg = networks.normalize(nets or NETS)
    return doscript.network_doscript(distros.parse(os_version), cfg, 'LINUX01', keep_vdevs=list(keep), active=active)


def copies(invoke):
    """{payload name: target} from the invokeScript's ``cat NNNN > target`` lines."""
    return dict(re.findall(r'^cat (\d{4}) > (\S+)$', invoke, re.M))


@pytest.mark.parametrize('os_version', OS_VERSIONS)
def test_the_tar_unpacks_and_its_scripts_pass_bash_and_shellcheck(tmp_path, os_version):
    script = build(os_version)
    files = consumers.untar(script.build(), str(tmp_path))
    names = sorted(files)
    assert names[-1] == 'invokeScript.sh' and names[:-1] == ['%04d' % i for i in range(len(names) - 1)]
    invoke = files['invokeScript.sh'].decode()
    assert invoke.startswith('#!/bin/bash\n')
    consumers.check_shell(str(tmp_path / 'invokeScript.sh'))
    expected = netfiles.files(distros.parse(os_version), networks.normalize(NETS), 'LINUX01')
    assert copies(invoke) == dict(('%04d' % i, p.target) for i, p in enumerate(expected))
    for i, payload in enumerate(expected):
        assert files['%04d' % i].decode() == payload.text
        if payload.mode:
            assert 'chmod %s %s\n' % (payload.mode, payload.target) in invoke
    run = re.findall(r'^/bin/bash \./(\d{4}) \|\| rc=\$\?$', invoke, re.M)
    assert run == ['%04d' % len(expected)]
    consumers.check_shell(str(tmp_path / run[0]))
    assert invoke.rstrip().endswith('rm -f -- %s invokeScript.sh\nexit "$rc"' % ' '.join(names[:-1]))


def test_the_same_settings_give_the_same_bytes():
    assert build('rhel9').build() == build('rhel9').build()
    assert build('rhel9').build() != build('rhel9', keep=('1000', '1003')).build()


@pytest.mark.parametrize('os_version, patterns, kept', [
    ('rhel8', ['/etc/sysconfig/network-scripts/ifcfg-enc*'],
     ['/etc/sysconfig/network-scripts/ifcfg-enc1000', '/etc/sysconfig/network-scripts/ifcfg-enc1003',
      '/etc/sysconfig/network-scripts/ifcfg-enc2000']),
    ('rhel7', ['/etc/sysconfig/network-scripts/ifcfg-enccw0.0.*'],
     ['/etc/sysconfig/network-scripts/ifcfg-enccw0.0.1000', '/etc/sysconfig/network-scripts/ifcfg-enccw0.0.1003',
      '/etc/sysconfig/network-scripts/ifcfg-enccw0.0.2000']),
    ('rhel9', ['/etc/NetworkManager/system-connections/enc*.nmconnection',
               '/etc/sysconfig/network-scripts/ifcfg-enc*'],
     ['/etc/NetworkManager/system-connections/enc1000.nmconnection',
      '/etc/NetworkManager/system-connections/enc1003.nmconnection',
      '/etc/NetworkManager/system-connections/enc2000.nmconnection']),
    ('sles15', ['/etc/sysconfig/network/ifcfg-eth*', '/etc/udev/rules.d/51-qeth-0.0.*.rules'],
     ['/etc/sysconfig/network/ifcfg-eth1000', '/etc/udev/rules.d/51-qeth-0.0.1000.rules',
      '/etc/sysconfig/network/ifcfg-eth1003', '/etc/udev/rules.d/51-qeth-0.0.1003.rules',
      '/etc/sysconfig/network/ifcfg-eth2000', '/etc/udev/rules.d/51-qeth-0.0.2000.rules']),
])
def test_stale_files_are_removed_except_those_of_the_guests_nics(os_version, patterns, kept):
    invoke = build(os_version).invoke_script()
    assert 'for f in %s; do' % ' '.join(patterns) in invoke
    assert '        %s) ;;' % '|'.join(kept) in invoke


def test_ubuntu_replaces_its_one_file_and_removes_nothing_else():
    invoke = build('ubuntu22').invoke_script()
    assert 'for f in' not in invoke and 'rm -f -- /' not in invoke
    assert copies(invoke) == {'0000': '/etc/netplan/00-zvmguestconfigure-config.yaml', '0001': '/etc/hostname'}
    assert 'chmod 0600 /etc/netplan/00-zvmguestconfigure-config.yaml' in invoke


@pytest.mark.parametrize('os_version, tool', [('rhel9', 'nmcli connection reload'), ('sles15', 'wicked ifreload all'),
                                              ('ubuntu22', 'netplan apply'), ('rhel7', 'nmcli connection up')])
def test_the_apply_script(os_version, tool):
    apply = build(os_version).entries[-1][2]
    assert tool in apply
    for vdev, read, data in (('1000', '0.0.1000', '0.0.1002'), ('1003', '0.0.1003', '0.0.1005')):
        assert 'cio_ignore -r %s-%s' % (read, data) in apply
        assert 'chzdev -e -y qeth %s:' % read in apply
        assert 'znetconf -a %s -o layer2=1' % vdev in apply
    assert 'hostnamectl set-hostname web01' in apply
    assert 'network: {config: disabled}' in apply            # cloud-init does not configure it over again


def test_sles_dns_goes_to_netconfig():
    apply = build('sles15').entries[-1][2]
    assert "echo 'NETCONFIG_DNS_STATIC_SERVERS=\"9.0.2.1\"' >> /etc/sysconfig/network/config" in apply
    assert 'NETCONFIG' not in build('sles15', nets=[NETS[1]]).entries[-1][2]


def test_targets_must_be_normalized_absolute_paths():
    script = doscript.Doscript('x')
    for bad in ('etc/hostname', '/etc/../root/x', '/etc//x'):
        with pytest.raises(ValueError):
            script.add_file(bad, 'x')
    assert script.entries == []


def test_manifest_lists_each_payload():
    script = build('rhel9')
    assert script.manifest()[0] == ('0000', '/etc/NetworkManager/system-connections/enc1000.nmconnection', '0600',
                                    None)
    assert script.manifest()[-1][1] is None and 'apply the configuration' in script.manifest()[-1][3]
