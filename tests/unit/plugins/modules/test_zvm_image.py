# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zvm.cloud.zvm_image in-process against zvmsim and its access node (run
here; tests/integration/test_zvm_image.py runs it through ansible-playbook,
over SSH and under async).  Each changing run is paired with its check-mode
prediction (``run_module.paired``)."""

import gzip
import hashlib
import os
import re

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.images import format as fmt
from ansible_collections.zvm.cloud.plugins.module_utils.planners.images import KNOWN_AFTER_RUN
from ansible_collections.zvm.cloud.plugins.modules import zvm_facts, zvm_guest, zvm_image
from zvmsim.node.sshd import NodeSshd, skip_unless_available

CYL = 737280
DISK = {'vdev': '0100', 'size': '10', 'disk_pool': 'ECKD:POOL1', 'is_boot_disk': True}


def data(nbytes, seed):
    block = hashlib.sha256(b'%d' % seed).digest() * 64 + bytes(2048)
    return (block * (nbytes // len(block) + 1))[:nbytes]


def image_file(tmp_path, name, payload, cylinders=10, level=6, header=True):
    """A CKD_BLOCKS image of ``payload`` (gzip ``level``), or the raw bytes."""
    content = fmt.build_header(fmt.CKD_BLOCKS, cylinders, 'CYL', level) + gzip.compress(payload, level) \
        if header else payload
    path = tmp_path / name
    path.write_bytes(content)
    return 'file://%s' % path, hashlib.md5(content).hexdigest(), hashlib.sha256(content).hexdigest()


def image(run_module, **args):
    return run_module(zvm_image, node=True, **args)


def paired(run_module, module=zvm_image, **args):
    return run_module.paired(module, node=True, **args)


def repository_dirs(sim_node, name):
    root = os.path.join(sim_node['repository'], 'netboot')
    return [os.path.join(d, n) for d in (os.path.join(root, o) for o in os.listdir(root)) if os.path.isdir(d)
            for n in os.listdir(d) if n.lower() == name.lower()] if os.path.isdir(root) else []


# -- import -------------------------------------------------------------------------------------------------

def test_import_then_rerun_changes_nothing(run_module, sim, tmp_path, sim_node):
    url, md5, sha = image_file(tmp_path, 'base.img', data(3 * CYL, 1))
    args = dict(name='imp-base', os_version='rhel9.4', url=url, checksum=md5, comments='first')
    res = paired(run_module, **args)
    assert not res.failed, res
    assert res['actions'] == ['import image imp-base from %s' % url]
    img = res['image']
    assert (img['imagename'], img['imageosdistro'], img['md5sum'], img['sha256sum']) == ('imp-base', 'rhel9.4', md5,
                                                                                         sha)
    assert (img['disk_size_units'], img['format'], img['type'], img['comments']) == ('10:CYL', 'CKD_BLOCKS',
                                                                                     'rootonly', 'first')
    assert img['image_path'] == os.path.join(sim_node['repository'], 'netboot/rhel9.4/imp-base/0100')
    assert res['transfer']['bytes'] == os.path.getsize(url[len('file://'):]) and res['transfer']['seconds'] >= 0
    assert res['smapi_calls'] == {'reads': 0, 'writes': 0} and res.calls == []
    assert 'md5sum: %s' % md5 in res['diff']['after'] and res['diff']['before'] == ''

    other = dict(args)
    other['name'] = 'imp-other'
    predicted = image(run_module, check=True, **other)
    assert predicted['changed'] and predicted['transfer'] == KNOWN_AFTER_RUN
    assert predicted['image']['sha256sum'] == KNOWN_AFTER_RUN and predicted['image']['md5sum'] == md5
    assert repository_dirs(sim_node, 'imp-other') == []

    again = image(run_module, diff=True, **args)
    assert again['changed'] is False and again['actions'] == [] and again['transfer'] is None
    assert again['image'] == img and again['diff']['before'] == again['diff']['after']


def test_another_checksum_imports_again_and_force_too(run_module, tmp_path):
    url, md5, _sha = image_file(tmp_path, 'v1.img', data(CYL, 2))
    assert not image(run_module, name='imp-ver', os_version='sles15', url=url, checksum=md5).failed
    url2, md5_2, sha2 = image_file(tmp_path, 'v2.img', data(CYL, 3))
    res = paired(run_module, name='imp-ver', os_version='sles15', url=url2, checksum='sha256:' + sha2)
    assert not res.failed, res
    assert res['actions'] == ['delete image imp-ver (its sha256 differs from checksum)',
                              'import image imp-ver from %s' % url2]
    assert res['image']['md5sum'] == md5_2
    forced = paired(run_module, name='imp-ver', os_version='sles15', url=url2, force=True)
    assert forced['actions'] == ['delete image imp-ver (force: it is made again)', 'import image imp-ver from %s' % url2]
    unchanged = image(run_module, name='IMP-VER', os_version='sles15', url=url2, checksum=md5_2)
    assert unchanged['changed'] is False     # names are unique without regard to case


def test_checksum_mismatch_fails_and_leaves_nothing(run_module, tmp_path, sim_node):
    url, _md5, _sha = image_file(tmp_path, 'bad.img', data(CYL, 4))
    res = image(run_module, name='imp-bad', os_version='rhel9', url=url, checksum='0' * 32)
    assert res.failed and 'checksum mismatch' in res['msg'] and res['actions'] == []
    assert res['failed_actions'] == ['import image imp-bad from %s' % url]
    assert repository_dirs(sim_node, 'imp-bad') == []
    assert image(run_module, name='imp-bad', state='absent')['changed'] is False


def test_raw_image_takes_its_disk_from_the_options(run_module, tmp_path):
    url, md5, _sha = image_file(tmp_path, 'raw.img', data(2 * CYL, 5), header=False)
    res = paired(run_module, name='imp-raw', os_version='ubuntu22', url=url, checksum=md5, disk_type='ECKD',
                 disk_size='5')
    assert not res.failed, res
    assert (res['image']['disk_size_units'], res['image']['format']) == ('5:CYL', 'CKD_BLOCKS')
    assert res['image']['disks'][0]['header_len'] == 0


def test_absent_deletes_and_then_has_nothing_to_do(run_module, tmp_path, sim_node):
    url, _md5, _sha = image_file(tmp_path, 'gone.img', data(CYL, 6))
    assert not image(run_module, name='imp-gone', os_version='rhel9', url=url).failed
    res = paired(run_module, name='imp-gone', state='absent')
    assert res['actions'] == ['delete image imp-gone'] and res['image'] is None and res['transfer'] is None
    assert res['diff']['after'] == '' and 'imagename: imp-gone' in res['diff']['before']
    assert repository_dirs(sim_node, 'imp-gone') == []
    assert image(run_module, name='imp-gone', state='absent')['changed'] is False


# -- export -------------------------------------------------------------------------------------------------

def test_export_copies_once_and_again_when_the_copy_differs(run_module, tmp_path):
    url, md5, _sha = image_file(tmp_path, 'exp.img', data(CYL, 7))
    dest = tmp_path / 'out' / 'exp-copy.img'
    dest.parent.mkdir()
    args = dict(name='exp-base', state='exported', dest_url='file://%s' % dest, os_version='rhel9', url=url,
                checksum=md5)
    res = paired(run_module, **args)
    assert not res.failed, res
    assert res['actions'] == ['import image exp-base from %s' % url, 'export image exp-base to file://%s' % dest]
    assert hashlib.md5(dest.read_bytes()).hexdigest() == md5
    assert res['transfer']['bytes'] == 2 * dest.stat().st_size         # the import and the export, added up
    again = image(run_module, **args)
    assert again['changed'] is False and again['transfer'] is None
    dest.write_bytes(b'something else')
    redo = paired(run_module, name='exp-base', state='exported', dest_url='file://%s' % dest)
    assert redo['actions'] == ['export image exp-base to file://%s' % dest]
    assert hashlib.md5(dest.read_bytes()).hexdigest() == md5


def test_export_of_a_missing_image_without_a_source_names_url(run_module, tmp_path):
    res = image(run_module, name='exp-none', state='exported', dest_url='file://%s/x.img' % tmp_path)
    assert res.failed and res['msg'].startswith('url: image exp-none is not in the repository')


# -- capture ------------------------------------------------------------------------------------------------

def test_capture_a_running_guest_stops_and_restarts_it(run_module, sim, tmp_path):
    payload = data(4 * CYL, 8)
    url, _md5, _sha = image_file(tmp_path, 'gold.img', payload)
    assert not image(run_module, name='cap-src', os_version='rhel9.4', url=url).failed
    made = run_module(zvm_guest, node=True, name='CAPGOLD', memory='512M', image='cap-src', state='started',
                      disks=[DISK])
    assert not made.failed and made['power_state'] == 'on', made
    res = paired(run_module, name='cap-gold', capture_from='capgold', compress_level=1)
    assert not res.failed, res
    assert res['actions'] == ['capture image cap-gold from CAPGOLD (disk 0100, gzip level 1); the guest is stopped '
                              'for it and started again']
    assert [c['function'] for c in res.writes] == ['Image_Deactivate', 'Image_Activate']
    img = res['image']
    # os_version comes from the image the disk was deployed from
    assert (img['imageosdistro'], img['root_vdev'], img['disk_size_units']) == ('rhel9.4', '0100', '10:CYL')
    assert res['transfer']['bytes'] == 10 * CYL
    assert run_module(zvm_guest, name='CAPGOLD', state='started')['changed'] is False       # running again
    again = image(run_module, name='cap-gold', capture_from='CAPGOLD')
    assert again['changed'] is False and again.writes == []

    # the capture deploys to another guest byte for byte
    copy = run_module(zvm_guest, node=True, name='CAPCOPY', memory='512M', image='cap-gold', disks=[DISK])
    assert not copy.failed, copy
    assert sim.disk_bytes('CAPCOPY', '0100') == sim.disk_bytes('CAPGOLD', '0100')
    assert sim.disk_bytes('CAPCOPY', '0100')[:len(payload)] == payload


def test_capture_without_os_version_of_a_disk_not_deployed_names_it(run_module):
    assert not run_module(zvm_guest, name='CAPBARE', memory='512M', disks=[DISK]).failed
    res = image(run_module, name='cap-bare', capture_from='CAPBARE')
    assert res.failed and res['msg'].startswith('os_version: required to capture CAPBARE')
    assert res.writes == []
    missing = image(run_module, name='cap-none', capture_from='NOSUCH', os_version='rhel9')
    assert missing.failed and missing['msg'].startswith('capture_from: guest NOSUCH has no directory entry')


# -- input and facts ------------------------------------------------------------------------------------------

@pytest.mark.parametrize('args, message', [
    (dict(name='bad name', url='file:///x', os_version='rhel9'), '^name: '),
    (dict(name='x', url='file:///x', os_version='rhel9', checksum='md5:xyz'), '^checksum: '),
    (dict(name='x', url='file:///x'), '^os_version: required to import'),
    (dict(name='x', state='exported'), '^dest_url: required with state: exported'),
    (dict(name='x', url='file:///x', capture_from='GOLD'), r'mutually exclusive: url\|capture_from'),
    (dict(name='x', capture_from='GOLD', compress_level=12), '^compress_level: 12 is not a gzip level'),
    (dict(name='x', node_timeout=0), '^node_timeout: '),
])
def test_bad_input_fails_naming_the_option(run_module, args, message):
    res = image(run_module, **args)
    assert res.failed and res.writes == []
    assert re.search(message, res['msg']), res['msg']


def test_facts_list_the_images(run_module, tmp_path):
    url, md5, _sha = image_file(tmp_path, 'facts.img', data(CYL, 9))
    assert not image(run_module, name='facts-img', os_version='rhel9', url=url).failed
    res = run_module(zvm_facts, node=True, gather_subset=['images'])
    zvm = res['ansible_facts']['zvm']
    assert zvm['gather_subset'] == ['images'] and zvm['smapi_calls'] == {'reads': 0, 'writes': 0}
    assert zvm['images']['facts-img']['md5sum'] == md5
    assert zvm['images']['facts-img'] == image(run_module, name='facts-img')['image']
    assert 'images' not in run_module(zvm_facts, gather_subset=['guests'])['ansible_facts']['zvm']


def test_import_through_the_node_over_ssh(run_module, sim, sim_node, tmp_path):
    skip_unless_available()
    url, md5, _sha = image_file(tmp_path, 'ssh.img', data(CYL, 10))
    with NodeSshd(sim_node['dir'], sim.state_dir) as sshd:
        res = run_module.paired(zvm_image, name='ssh-img', os_version='rhel9', url=url, checksum=md5,
                                node_host=sshd.host, node_port=sshd.port, node_user=sshd.user,
                                node_private_key_file=sshd.client_key, node_known_hosts_file=sshd.known_hosts,
                                node_device_dir=sim_node['device_dir'], node_image_repository=sim_node['repository'])
        assert not res.failed, res
        assert res['image']['md5sum'] == md5
        strange = run_module(zvm_image, name='ssh-img', node_host=sshd.host, node_port=sshd.port,
                             node_user=sshd.user, node_private_key_file=sshd.client_key,
                             node_known_hosts_file=str(tmp_path / 'empty_known_hosts'),
                             node_image_repository=sim_node['repository'])
        assert strange.failed and str(sshd.port) in strange['msg']       # an unknown host key is refused
