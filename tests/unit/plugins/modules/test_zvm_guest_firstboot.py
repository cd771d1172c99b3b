# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zvm.cloud.zvm_guest's first-boot options (networks, hostname,
ssh_authorized_keys, user_data, config_drive, os_version, reconfigure,
disks[].mount) and file systems made when a disk is created, in-process
against zvmsim and its access node.  The punched files are read back from
the simulated reader and handed to the programs a guest would use (netplan,
bash and shellcheck, xorriso and cloud-init); the disk's bytes hold the
file system.  A rerun punches nothing and writes nothing; changed content
is punched again only with reconfigure; check mode and diff mode show the
files, never the user data."""

import gzip
import hashlib
import json

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.images import format as fmt
from ansible_collections.zvm.cloud.plugins.module_utils.planners.images import KNOWN_AFTER_RUN
from ansible_collections.zvm.cloud.plugins.modules import zvm_guest, zvm_image
from tests.unit.firstboot import consumers

CYL = 737280
CKD_PARTITION = 2 * 12 * 4096
BOOT = {'vdev': '0100', 'size': '10', 'disk_pool': 'ECKD:POOL1', 'is_boot_disk': True}
DATA = {'vdev': '0101', 'size': '10', 'disk_pool': 'ECKD:POOL2', 'format': 'ext4', 'mount': '/data'}
SWAP = {'vdev': '0102', 'size': '256M', 'format': 'swap'}
NET = {'vdev': '1000', 'ip_addr': '192.168.95.10', 'cidr': '192.168.95.0/24', 'gateway_addr': '192.168.95.1',
       'dns_addr': ['192.168.95.53'], 'mtu': 1500}
KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFoGcXr0f0l2n8kYpQ7mCkH6G3Bv9ORJ6m6yLzY3nQ9x admin@example'
SECRET = '#cloud-config\nchpasswd: {list: "root:S3cr3tFirstBoot"}\n'
NETPLAN = '/etc/netplan/00-zvmguestconfigure-config.yaml'


@pytest.fixture(scope='module')
def image():
    """The name of an Ubuntu image, imported once for this module."""
    return {}


def ubuntu(run_module, image, tmp_path):
    if 'name' not in image:
        content = fmt.build_header(fmt.CKD_BLOCKS, 10, 'CYL', 6) + gzip.compress(b'ubuntu' * 4096, 6)
        path = tmp_path / 'ubuntu.img'
        path.write_bytes(content)
        res = run_module(zvm_image, node=True, name='fb-ubuntu', os_version='ubuntu22.04', url='file://%s' % path)
        assert not res.failed, res
        image['name'] = 'fb-ubuntu'
    return image['name']


def guest(run_module, name, check=False, paired=False, diff=False, **options):
    args = dict(name=name, memory='512M', node=True)
    args.update(options)
    if paired:
        return run_module.paired(zvm_guest, **args)
    return run_module(zvm_guest, check=check, diff=diff, **args)


def reader(sim, userid):
    return [(f['name'], f['type'], f['class'], f['originid']) for f in sim.reader(userid)]


def warned(result, text):
    return any(text in str(w) for w in result.get('warnings') or [])


def test_a_deployed_guest_gets_its_first_boot_once(run_module, sim, image, tmp_path):
    name = ubuntu(run_module, image, tmp_path)
    options = dict(image=name, state='started', disks=[BOOT, DATA, SWAP], networks=[NET],
                   hostname='web01.example.com', ssh_authorized_keys=[KEY], user_data=SECRET)
    res = guest(run_module, 'FBMOD01', paired=True, **options)
    assert not res.failed, res
    assert res['actions'] == [
        'create guest FBMOD01', 'create disk 0100 (10 in ECKD:POOL1)', 'create disk 0101 (10 in ECKD:POOL2, ext4)',
        'create disk 0102 (256M V-DISK)', 'create NICDEF 1000 (QDIO)',
        'deploy image fb-ubuntu to disk 0100', 'punch network.doscript to the reader of FBMOD01',
        'punch disk0101.doscript to the reader of FBMOD01', 'punch disk0102.doscript to the reader of FBMOD01',
        'punch cfgdrive.iso to the reader of FBMOD01', 'start']
    node = sim.node_userid
    assert reader(sim, 'FBMOD01') == [('NETWORK', 'DOSCRIPT', 'X', node), ('DISK0101', 'DOSCRIPT', 'X', node),
                                      ('DISK0102', 'DOSCRIPT', 'X', node), ('CFGDRIVE', 'ISO', 'X', node)]
    files = sim.reader('FBMOD01')
    # the network files: netplan accepts them and makes the expected unit
    net = consumers.untar(files[0]['content'], str(tmp_path / 'net'))
    consumers.check_shell(str(tmp_path / 'net' / 'invokeScript.sh'))
    target = [line.split()[1] for line in net['invokeScript.sh'].decode().splitlines()
              if line.startswith('cat ') and line.endswith(NETPLAN)]
    units = consumers.netplan_generate(tmp_path / 'root', {NETPLAN: net[target[0]].decode()})
    assert 'Address=192.168.95.10/24' in units['10-netplan-enc1000.network']
    assert 'Gateway=192.168.95.1' in units['10-netplan-enc1000.network']
    assert 'web01.example.com\n' in [v.decode() for v in net.values()]
    # the data disk: mounted at /data, and it holds the ext4 file system made when it was created
    data = consumers.untar(files[1]['content'], str(tmp_path / 'data'))
    consumers.check_shell(str(tmp_path / 'data' / '0000'))
    assert 'mntdir=/data\n' in data['0000'].decode() and 'fstype=ext4\n' in data['0000'].decode()
    assert sim.disk_bytes('FBMOD01', '0101', offset=CKD_PARTITION + 1080, length=2) == b'\x53\xef'
    assert 'zvmcloud-mkswap-0.0.0102.service' in consumers.untar(files[2]['content'], str(tmp_path / 's'))['0000'].decode()
    # the config drive (cloud-init reads one in test_config_drive_carries_the_network): host name, key, user data
    assert consumers.xorriso_extract(files[3]['content'], tmp_path / 'drive') == 'config-2'
    meta = json.loads((tmp_path / 'drive' / 'openstack' / 'latest' / 'meta_data.json').read_text())
    assert meta['hostname'] == 'web01.example.com' and list(meta['public_keys'].values()) == [KEY]
    assert (tmp_path / 'drive' / 'openstack' / 'latest' / 'user_data').read_text() == SECRET
    assert not (tmp_path / 'drive' / 'openstack' / 'latest' / 'network_data.json').exists()
    # the result: the digest recorded, what was punched; the user data never shown
    first = res['firstboot']
    assert first['recorded'] == first['digest'] and len(first['digest']) == 32
    assert [(p['name'], p['bytes'], p['class']) for p in first['punched']] == \
        [(f['name'].lower() + '.' + f['type'].lower(), len(f['content']), 'X') for f in files]
    assert [p['spoolid'] for p in first['punched']] == [f['spoolid'] for f in files]
    digest = hashlib.sha256(SECRET.encode()).hexdigest()
    shown = first['files']['cfgdrive.iso']['openstack/latest/user_data']
    assert shown == '(user data: %d bytes, sha256 %s)\n' % (len(SECRET), digest)
    assert '* ZVMCLOUD FIRSTBOOT %s' % first['digest'].upper() in res['diff']['after']
    assert '## network.doscript %s' % target[0] in res['diff']['after']
    assert 'S3cr3tFirstBoot' not in json.dumps(dict(res))
    shown_files = res['diff']['after'][res['diff']['after'].index('# first boot:'):]
    assert '********' not in json.dumps(first) + shown_files       # nothing Ansible had to mask
    assert sim.node_links() == []

    again = guest(run_module, 'FBMOD01', **options)
    assert not again.failed, again['msg']
    assert again['changed'] is False and again.writes == [] and not again.get('warnings'), again
    assert again['firstboot']['punched'] == [] and again['firstboot']['recorded'] == first['digest']
    assert len(sim.reader('FBMOD01')) == 4

    # other content: a warning and no change, unless reconfigure
    moved = dict(options)
    moved['networks'] = [dict(NET, ip_addr='192.168.95.11')]
    kept = guest(run_module, 'FBMOD01', **moved)
    assert kept['changed'] is False and kept.writes == [] and len(sim.reader('FBMOD01')) == 4
    assert warned(kept, 'the first-boot content of FBMOD01 differs from what was punched at its deployment (%s); '
                        'set reconfigure: true' % first['digest'])
    redone = guest(run_module, 'FBMOD01', paired=True, reconfigure=True, **moved)
    assert redone['actions'] == ['punch network.doscript to the reader of FBMOD01',
                                 'punch disk0101.doscript to the reader of FBMOD01',
                                 'punch disk0102.doscript to the reader of FBMOD01',
                                 'punch cfgdrive.iso to the reader of FBMOD01'], redone
    assert warned(redone, 'FBMOD01 is running: it reads the new first-boot content at its next boot')
    assert len(sim.reader('FBMOD01')) == 8
    assert redone['firstboot']['recorded'] == redone['firstboot']['digest'] != first['digest']
    assert 'Address=192.168.95.11/24' in consumers.netplan_generate(
        tmp_path / 'root2', {NETPLAN: redone['firstboot']['files']['network.doscript'][target[0]]}
    )['10-netplan-enc1000.network']
    same = guest(run_module, 'FBMOD01', reconfigure=True, **moved)
    assert same['changed'] is False and same.writes == []


def test_check_mode_shows_the_files_and_changes_nothing(run_module, sim, image, tmp_path):
    name = ubuntu(run_module, image, tmp_path)
    res = guest(run_module, 'FBMOD02', check=True, diff=True, image=name, disks=[BOOT], networks=[NET],
                user_data=SECRET, config_drive=True)
    assert not res.failed and res.writes == [], res
    assert res['actions'][-1] == 'punch cfgdrive.iso to the reader of FBMOD02'
    [punched] = res['firstboot']['punched']
    assert punched['spoolid'] == KNOWN_AFTER_RUN and punched['bytes'] > 0
    drive = res['firstboot']['files']['cfgdrive.iso']
    assert json.loads(drive['openstack/latest/network_data.json'])['links'][0]['id'] == 'enc1000'
    assert '# first boot: cfgdrive.iso (%d bytes) to the reader of FBMOD02, class X' % punched['bytes'] \
        in res['diff']['after']
    assert 'S3cr3tFirstBoot' not in json.dumps(dict(res))
    assert sim.reader('FBMOD02') == [] and sim.node_links() == []


def test_config_drive_carries_the_network(run_module, sim, image, tmp_path):
    name = ubuntu(run_module, image, tmp_path)
    res = guest(run_module, 'FBMOD03', paired=True, image=name, disks=[BOOT], config_drive=True,
                networks=[dict(NET, vswitch='VSW1'), {'vdev': '1003', 'method': 'dhcp'}])
    assert not res.failed, res['msg']
    assert reader(sim, 'FBMOD03') == [('CFGDRIVE', 'ISO', 'X', sim.node_userid)]
    consumers.xorriso_extract(sim.reader('FBMOD03')[0]['content'], tmp_path / 'drive')
    found = consumers.cloud_init_read(tmp_path / 'drive', tmp_path / 'out')
    names = [c['name'] for c in found['network_config']['config'] if c['type'] == 'physical']
    assert names == ['enc1000', 'enc1003']
    assert [(n['vdev'], n['vswitch']) for n in res['guest']['nics']] == [('1000', 'VSW1'), ('1003', None)]
    assert 'couple NICDEF 1000 to VSW1' in ' '.join(res['actions'])


def test_clone_from_needs_os_version_and_then_punches(run_module, sim):
    assert not guest(run_module, 'FBGOLD1', disks=[BOOT]).failed
    missing = guest(run_module, 'FBMOD04', clone_from={'guest': 'FBGOLD1'}, disk_pool='ECKD:POOL1', networks=[NET])
    assert missing.failed and missing.calls == []
    assert missing['msg'].startswith('os_version: required for networks with clone_from')
    res = guest(run_module, 'FBMOD04', paired=True, clone_from={'guest': 'FBGOLD1'}, disk_pool='ECKD:POOL1',
                networks=[NET], os_version='rhel9.4')
    assert not res.failed, res
    assert reader(sim, 'FBMOD04') == [('NETWORK', 'DOSCRIPT', 'X', sim.node_userid)]
    assert 'address1=192.168.95.10/24' in '\n'.join(res['firstboot']['files']['network.doscript'].values())


@pytest.mark.parametrize('options, message', [
    (dict(networks=[NET]), 'networks: first-boot content is punched for a guest this task deploys: set image or '
                           'clone_from too'),
    (dict(image='x', networks=[dict(NET, ip_addr='10.0.0.5')]), 'networks[1].ip_addr: 10.0.0.5 is not in the subnet'),
    (dict(image='x', networks=[NET, dict(NET, vdev='1001')]), 'networks[2].nic_vdev: 1001 overlaps the NIC at 1000'),
    (dict(image='x', disks=[BOOT, dict(DATA, format='none')]), 'disks[2].mount: disk 0101 has format none: a mount '
                                                               'point needs a file system'),
    (dict(image='x', disks=[BOOT, dict(DATA, mount='/etc')]), 'disks[2].mount: /etc is a directory the system needs'),
    (dict(image='x', ssh_authorized_keys=['-----BEGIN OPENSSH PRIVATE KEY----- abc']),
     'ssh_authorized_keys[0]: this is a private key'),
    (dict(image='x', os_version='rhel9'), 'os_version: only with first-boot content'),
    (dict(image='x', hostname='bad_name'), "hostname: 'bad_name' is not a host name"),
    (dict(image='x', networks=[dict(NET, vswitch='VSW1')], nics=[{'vdev': '1000', 'vswitch': 'VSW2'}]),
     'networks[1].vswitch: NIC 1000 is declared in nics too: set its vswitch there'),
])
def test_bad_first_boot_input_fails_before_any_call(run_module, options, message):
    res = guest(run_module, 'FBMOD05', disks=options.pop('disks', [BOOT]), **options)
    assert res.failed and res['msg'].startswith(message), res['msg']
    assert res.calls == []


def test_a_failed_punch_takes_the_new_guest_away(run_module, sim, image, tmp_path):
    name = ubuntu(run_module, image, tmp_path)
    sim.node_fault('vmcp transfer')
    res = guest(run_module, 'FBMOD06', image=name, disks=[BOOT], networks=[NET])
    assert res.failed and 'injected failure' in res['msg'], res
    assert res['failed_actions'] == ['punch network.doscript to the reader of FBMOD06']
    assert 'undone: create guest FBMOD06' in ' '.join(res['rollback'])
    assert 'FBMOD06' not in sim.dump()['directory'] and sim.reader('FBMOD06') == []
    assert sim.node_links() == []


def test_a_fleet_punches_each_guest_its_own_files(run_module, sim, image, tmp_path):
    name = ubuntu(run_module, image, tmp_path)
    res = run_module(zvm_guest, node=True, memory='512M', image=name, disks=[BOOT], guests=[
        {'name': 'FBFLT01', 'networks': [NET], 'hostname': 'one'},
        {'name': 'FBFLT02', 'networks': [dict(NET, ip_addr='192.168.95.12')], 'hostname': 'two'}])
    assert not res.failed and res['summary']['changed'] == 2, res
    for userid, address in (('FBFLT01', '192.168.95.10'), ('FBFLT02', '192.168.95.12')):
        [spool] = sim.reader(userid)
        files = consumers.untar(spool['content'], str(tmp_path / userid))
        assert any(('"%s/24"' % address).encode() in v for v in files.values())
    again = run_module(zvm_guest, node=True, memory='512M', image=name, disks=[BOOT], guests=[
        {'name': 'FBFLT01', 'networks': [NET], 'hostname': 'one'},
        {'name': 'FBFLT02', 'networks': [dict(NET, ip_addr='192.168.95.12')], 'hostname': 'two'}])
    assert again['changed'] is False and again.writes == []
