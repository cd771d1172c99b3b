# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zvm_guest's first-boot declaration (planners/firstboot.py) and its record
in the directory entry (firstboot/records.py), without I/O: the digest
changes exactly when the content does, the decision to punch, what is
punched for each combination of options, the record read back however
DirMaint cased it."""

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils import directory
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.firstboot import distros, records
from ansible_collections.zvm.cloud.plugins.module_utils.planners import firstboot

NET = {'nic_vdev': '1000', 'ip_addr': '10.1.0.5', 'cidr': '10.1.0.0/16', 'gateway_addr': '10.1.0.1'}
KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFoGcXr0f0l2n8kYpQ7mCkH6G3Bv9ORJ6m6yLzY3nQ9x admin@example'


def params(**options):
    out = {'image': 'img', 'networks': None, 'hostname': None, 'ssh_authorized_keys': None, 'user_data': None,
           'config_drive': False, 'os_version': None, 'reconfigure': False, 'disks': None}
    out.update(options)
    return out


def decl(**options):
    return firstboot.declaration(params(**options), '', images_declared=True)


def test_nothing_declared_is_none_and_lone_options_are_refused():
    assert firstboot.declaration(params(), '', True) is None
    assert firstboot.declaration(params(disks=[{'vdev': '0101', 'format': 'swap'}]), '', True) is None
    with pytest.raises(InputError, match=r'^guests\[2\]\.config_drive: only with first-boot content'):
        firstboot.declaration(params(config_drive=True), 'guests[2].', True)
    with pytest.raises(InputError, match='^hostname: first-boot content is punched for a guest this task deploys'):
        firstboot.declaration(params(hostname='a'), '', False)


def test_the_digest_follows_the_content_only():
    base = decl(networks=[NET], user_data='#cloud-config\n')
    assert base.digest() == decl(networks=[dict(NET, vswitch='VSW1')], user_data='#cloud-config\n').digest()
    assert base.digest() == decl(networks=[dict(NET, ip_addr='10.1.0.5', cidr='10.1.0.77/16')],
                                 user_data='#cloud-config\n').digest()
    assert decl(os_version='RHEL9', networks=[NET]).digest() == decl(os_version='rhel9.4', networks=[NET]).digest()
    others = [decl(networks=[NET], user_data='#cloud-config\nx: 1\n'), decl(networks=[dict(NET, mtu=9000)]),
              decl(networks=[NET], user_data='#cloud-config\n', config_drive=True),
              decl(networks=[NET], user_data='#cloud-config\n', hostname='h1'),
              decl(networks=[NET], user_data='#cloud-config\n', ssh_authorized_keys=[KEY])]
    digests = set(d.digest() for d in others)
    assert len(digests) == len(others) and base.digest() not in digests
    assert len(base.digest()) == 32 and '#cloud-config' not in str(base.canonical())


@pytest.mark.parametrize('recorded, deploying, reconfigure, punch, warns', [
    ('same', True, False, True, False),          # the run that deploys always punches
    ('same', False, False, False, False),
    ('same', False, True, False, False),         # reconfigure: only content that changed
    ('other', False, False, False, True),
    ('other', False, True, True, False),
    (None, False, False, False, True),
    (None, False, True, True, False),
])
def test_decide(recorded, deploying, reconfigure, punch, warns):
    d = decl(networks=[NET])
    found = {'same': d.digest(), 'other': '0' * 32, None: None}[recorded]
    did, note = firstboot.decide(d, found, deploying, reconfigure, 'LINUX01')
    assert did is punch and bool(note) is warns
    if warns:
        assert 'reconfigure: true' in note


def test_what_is_punched():
    rhel = distros.parse('rhel9')
    disks = [{'vdev': '0100', 'format': 'none', 'is_boot_disk': True},
             {'vdev': '101', 'format': 'ext4', 'mount': '/data'}, {'vdev': '0102', 'format': 'swap'}]
    files = firstboot.reader_files(decl(networks=[NET], disks=disks), rhel, 'LINUX01', ['1000'], ['0102'])
    assert [f.name for f in files] == ['network.doscript', 'disk0101.doscript', 'disk0102.doscript']
    assert 'zvmcloud-mkswap-0.0.0102.service' in files[2].shown['0000']
    drive = firstboot.reader_files(decl(networks=[NET], config_drive=True), rhel, 'LINUX01', ['1000'])
    assert [f.name for f in drive] == ['cfgdrive.iso'] and 'openstack/latest/network_data.json' in drive[0].shown
    both = firstboot.reader_files(decl(networks=[NET], ssh_authorized_keys=[KEY]), rhel, 'LINUX01', ['1000'])
    assert [f.name for f in both] == ['network.doscript', 'cfgdrive.iso']
    assert 'openstack/latest/network_data.json' not in both[1].shown
    named = firstboot.reader_files(decl(hostname='web01'), None, 'LINUX01')
    assert [f.name for f in named] == ['cfgdrive.iso'] and '"hostname": "web01"' in \
        named[0].shown['openstack/latest/meta_data.json']
    text = firstboot.diff_text('LINUX01', named)
    assert text.startswith('# first boot: cfgdrive.iso (%d bytes) to the reader of LINUX01, class X\n'
                           % len(named[0].data))


@pytest.mark.parametrize('options, message', [
    (dict(disks=[{'vdev': '0101', 'format': 'ext4', 'mount': '/a'}, {'vdev': '0102', 'format': 'xfs', 'mount': '/a'}]),
     'disks[2].mount: /a is also the mount point of disk 0101'),
    (dict(disks=[{'vdev': '0101', 'format': 'swap', 'mount': '/swap'}]), 'disks[1].mount: disk 0101 is swap'),
    (dict(disks=[{'vdev': '0100', 'format': 'ext4', 'mount': '/data', 'is_boot_disk': True}]),
     'disks[1].mount: disk 0100 is the boot disk'),
    (dict(networks=[{'nic_vdev': '1000'}]), 'networks[1]: the NIC has no address'),
    (dict(image=None, clone_from={'guest': 'G'}, networks=[NET]), 'os_version: required for networks with clone_from'),
])
def test_bad_declarations(options, message):
    with pytest.raises(InputError) as e:
        decl(**options)
    assert str(e.value).startswith(message), str(e.value)


def test_the_record_is_read_back_however_it_was_cased():
    entry = directory.parse(['USER LINUX01 LBYONLY 1G 1G G', '* ZVMCLOUD IMAGE 0100 IMG 0123456789abcdef0123456789abcdef'])
    assert records.punched(entry) is None
    digest = 'ab' * 16
    assert records.replace(entry, digest, as_written=lambda t: t.upper()) is True
    assert entry.records()[-1] == '* ZVMCLOUD FIRSTBOOT %s' % digest.upper()
    assert records.punched(entry) == digest
    assert records.replace(entry, digest, as_written=lambda t: t.upper()) is False
    assert records.replace(entry, 'cd' * 16) is True
    assert [r for r in entry.records() if 'FIRSTBOOT' in r] == ['* ZVMCLOUD FIRSTBOOT ' + 'cd' * 16]
    with pytest.raises(InputError):
        records.text('not a digest')
