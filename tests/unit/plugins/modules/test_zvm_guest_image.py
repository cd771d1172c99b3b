# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zvm.cloud.zvm_guest's image, image_vdev, clone_from and redeploy,
in-process against zvmsim and its access node: a guest that boots from an
image in one task, never overwriting a deployed disk unless asked, and a
copy of a golden guest's disk without a node."""

import gzip
import hashlib
import re

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.images import format as fmt
from ansible_collections.zvm.cloud.plugins.module_utils.planners.images import KNOWN_AFTER_RUN
from ansible_collections.zvm.cloud.plugins.modules import zvm_guest, zvm_image

CYL = 737280
BOOT = {'vdev': '0100', 'size': '10', 'disk_pool': 'ECKD:POOL1', 'is_boot_disk': True}
SWAP = {'vdev': '0101', 'size': '512M', 'format': 'swap'}


def data(nbytes, seed):
    block = hashlib.sha256(b'%d' % seed).digest() * 64 + bytes(2048)
    return (block * (nbytes // len(block) + 1))[:nbytes]


@pytest.fixture(scope='module')
def images():
    """{name: (payload, md5)} of images imported once for this module."""
    return {}


def make_image(run_module, images, tmp_path, name, seed, cylinders=10, payload_cyl=3):
    if name not in images:
        payload = data(payload_cyl * CYL, seed)
        content = fmt.build_header(fmt.CKD_BLOCKS, cylinders, 'CYL', 6) + gzip.compress(payload, 6)
        path = tmp_path / ('%s.img' % name)
        path.write_bytes(content)
        res = run_module(zvm_image, node=True, name=name, os_version='rhel9', url='file://%s' % path)
        assert not res.failed, res
        images[name] = (payload, res['image']['md5sum'])
    return images[name]


def warned(result, text):
    """Whether a warning of ``result`` says ``text`` (ansible-core 2.19 gives
    warnings as structures, earlier versions as strings)."""
    return any(text in str(w) for w in result.get('warnings') or [])


def guest(run_module, name, check=False, paired=False, **options):
    args = dict(name=name, memory='512M', node=True)
    args.update(options)
    if paired:
        return run_module.paired(zvm_guest, **args)
    return run_module(zvm_guest, check=check, **args)


def test_new_guest_boots_from_the_image_and_a_rerun_writes_nothing(run_module, sim, images, tmp_path):
    payload, md5 = make_image(run_module, images, tmp_path, 'gi-base', 1)
    res = guest(run_module, 'GIMG01', paired=True, image='gi-base', state='started', disks=[BOOT, SWAP])
    assert not res.failed, res
    assert res['actions'] == ['create guest GIMG01', 'create disk 0100 (10 in ECKD:POOL1)', 'create disk 0101 (512M '
                              'V-DISK)', 'deploy image gi-base to disk 0100', 'start']
    assert sim.disk_bytes('GIMG01', '0100')[:len(payload)] == payload
    assert res['deployed'] == [{'vdev': '0100', 'image_name': 'GI-BASE', 'md5sum': md5, 'clone_of': None}]
    assert res['transfer']['bytes'] == len(payload) and res['power_state'] == 'on'
    assert '* ZVMCLOUD IMAGE 0100 GI-BASE %s' % md5.upper() in res['diff']['after']
    assert sim.node_links() == []
    predicted = guest(run_module, 'GIMG09', check=True, image='gi-base', disks=[BOOT])
    assert predicted['transfer'] == KNOWN_AFTER_RUN and predicted['deployed'][0]['image_name'] == 'GI-BASE'

    again = guest(run_module, 'GIMG01', image='gi-base', state='started', disks=[BOOT, SWAP])
    assert again['changed'] is False and again.writes == [] and again['transfer'] is None
    assert not again.get('warnings')


def test_an_existing_disk_is_kept_unless_redeploy(run_module, sim, images, tmp_path):
    make_image(run_module, images, tmp_path, 'gi-base', 1)
    payload2, md5_2 = make_image(run_module, images, tmp_path, 'gi-next', 2)
    assert not guest(run_module, 'GIMG02', disks=[BOOT]).failed          # a disk with no image
    kept = guest(run_module, 'GIMG02', image='gi-base', disks=[BOOT])
    assert kept['changed'] is False and kept.writes == []
    assert warned(kept, 'disk 0100 exists and was not deployed by zvm.cloud: image gi-base is written to a new disk')
    res = guest(run_module, 'GIMG02', paired=True, image='gi-base', redeploy=True, disks=[BOOT])
    assert res['actions'] == ['deploy image gi-base to disk 0100'], res
    # another image: kept, with a warning, unless redeploy
    other = guest(run_module, 'GIMG02', image='gi-next', disks=[BOOT])
    assert other['changed'] is False and warned(other, 'disk 0100 holds GI-BASE, deployed earlier')
    redo = guest(run_module, 'GIMG02', paired=True, image='gi-next', redeploy=True, disks=[BOOT])
    assert redo['actions'] == ['deploy image gi-next to disk 0100']
    assert redo['deployed'][0]['md5sum'] == md5_2
    assert sim.disk_bytes('GIMG02', '0100')[:len(payload2)] == payload2
    same = guest(run_module, 'GIMG02', image='gi-next', redeploy=True, disks=[BOOT])
    assert same['changed'] is False and same.writes == []


def test_a_new_disk_of_an_existing_guest_gets_the_image(run_module, sim, images, tmp_path):
    payload, _md5 = make_image(run_module, images, tmp_path, 'gi-base', 1)
    assert not guest(run_module, 'GIMG03', disks=[BOOT]).failed
    data_disk = {'vdev': '0200', 'size': '10', 'disk_pool': 'ECKD:POOL2'}
    res = guest(run_module, 'GIMG03', paired=True, image='gi-base', image_vdev='200', disks=[BOOT, data_disk])
    assert res['actions'] == ['create disk 0200 (10 in ECKD:POOL2)', 'deploy image gi-base to disk 0200'], res
    assert sim.disk_bytes('GIMG03', '0200')[:len(payload)] == payload
    assert sim.disk_bytes('GIMG03', '0100')[:CYL] == bytes(CYL)


def test_refusals_come_before_any_write(run_module, images, tmp_path):
    make_image(run_module, images, tmp_path, 'gi-base', 1)
    small = dict(BOOT, size='5')
    res = guest(run_module, 'GIMG04', image='gi-base', disks=[small])
    assert res.failed and res.writes == []
    assert res['msg'] == ('image: image gi-base cannot be written to disk 0100: the image needs a disk of 10 CYL, '
                          'the target has 5 CYL')
    fba = guest(run_module, 'GIMG04', image='gi-base', disks=[{'vdev': '0100', 'size': '1G', 'disk_pool': 'FBA:FBAPOOL'}])
    assert fba.failed and 'CKD' in fba['msg'] and fba.writes == []
    missing = guest(run_module, 'GIMG04', image='no-such-image', disks=[BOOT])
    assert missing.failed and missing['msg'].startswith('image: no-such-image is not in the image repository')
    assert not guest(run_module, 'GIMG05', state='started', disks=[BOOT]).failed
    running = guest(run_module, 'GIMG05', image='gi-base', redeploy=True, disks=[BOOT])
    assert running.failed and running.writes == []
    assert running['msg'].startswith('image: guest GIMG05 is logged on; image gi-base is written to a guest that is off')


@pytest.mark.parametrize('options, message', [
    (dict(image='x', clone_from={'guest': 'GOLD'}), '^image: a guest gets its system from an image or'),
    (dict(image_vdev='0100'), '^image_vdev: only with image or clone_from'),
    (dict(redeploy=True), '^redeploy: only with image'),
    (dict(image='bad name'), '^image: '),
    (dict(image='x', image_vdev='XYZ1'), '^image_vdev: '),
    (dict(clone_from={'guest': 'SYSTEM'}), '^clone_from.guest: '),
    (dict(clone_from={'guest': 'GOLD', 'vdev': 'G'}), '^clone_from.vdev: '),
])
def test_bad_image_options_name_the_option(run_module, options, message):
    res = guest(run_module, 'GIMG06', disks=[BOOT], **options)
    assert res.failed and res.writes == [] and re.search(message, res['msg']), res['msg']


def test_a_failed_deploy_undoes_the_new_guest_and_a_rerun_deploys(run_module, sim, images, tmp_path):
    payload, _md5 = make_image(run_module, images, tmp_path, 'gi-base', 1)
    sim.node_fault('chccwdev', times=1)
    res = guest(run_module, 'GIMG07', image='gi-base', disks=[BOOT])
    assert res.failed and res['failed_actions'] == ['deploy image gi-base to disk 0100']
    assert res['rollback'] == ['undone: create guest GIMG07; create disk 0100 (10 in ECKD:POOL1)']
    assert res['actions'] == []
    assert 'GIMG07' not in sim.dump()['directory'] and sim.node_links() == []
    again = guest(run_module, 'GIMG07', image='gi-base', disks=[BOOT])
    assert not again.failed and 'deploy image gi-base to disk 0100' in again['actions']
    assert sim.disk_bytes('GIMG07', '0100')[:len(payload)] == payload


def test_clone_from_a_golden_guest_without_a_node(run_module, sim, images, tmp_path):
    payload, _md5 = make_image(run_module, images, tmp_path, 'gi-base', 1)
    assert not guest(run_module, 'GOLDEN1', image='gi-base', disks=[BOOT]).failed
    res = run_module.paired(zvm_guest, name='GCLONE1', memory='512M', clone_from={'guest': 'golden1'},
                            disk_pool='ECKD:POOL2')
    assert not res.failed, res
    assert res['actions'] == ['create guest GCLONE1', 'copy disk 0100 of GOLDEN1 as disk 0100 (in ECKD:POOL2)']
    assert [c['function'] for c in res.writes if c['function'].startswith('Image_Disk')] == ['Image_Disk_Copy_DM']
    assert res['guest']['ipl']['device'] == '0100'
    assert res['deployed'] == [{'vdev': '0100', 'image_name': None, 'md5sum': None,
                                'clone_of': {'userid': 'GOLDEN1', 'vdev': '0100'}}]
    assert sim.disk_bytes('GCLONE1', '0100')[:len(payload)] == payload
    again = run_module(zvm_guest, name='GCLONE1', memory='512M', clone_from={'guest': 'GOLDEN1'},
                       disk_pool='ECKD:POOL2')
    assert again['changed'] is False and again.writes == []
    # a declared disk must be what the copy makes
    wrong = run_module(zvm_guest, name='GCLONE2', memory='512M', clone_from={'guest': 'GOLDEN1', 'vdev': '0100'},
                       disks=[dict(BOOT, size='20')])
    assert wrong.failed and wrong.writes == []
    assert wrong['msg'].startswith('clone_from: disk 0100 of GOLDEN1, which is copied to 0100, has 10 cylinders')
    nopool = run_module(zvm_guest, name='GCLONE2', memory='512M', clone_from={'guest': 'GOLDEN1'})
    assert nopool.failed and 'needs a disk pool' in nopool['msg']
    gone = run_module(zvm_guest, name='GCLONE2', memory='512M', clone_from={'guest': 'NOGOLD'}, disk_pool='ECKD:POOL1')
    assert gone.failed and gone['msg'] == 'clone_from.guest: guest NOGOLD has no directory entry'


def test_a_fleet_deploys_through_one_node_at_once(run_module, sim, images, tmp_path):
    payload, _md5 = make_image(run_module, images, tmp_path, 'gi-base', 1)
    res = run_module(zvm_guest, node=True, memory='512M', image='gi-base', disks=[BOOT], max_connections=3,
                     guests=[{'name': 'GFLEET%d' % n} for n in range(1, 4)])
    assert not res.failed, res
    assert res['summary'] == {'total': 3, 'changed': 3, 'unchanged': 0, 'failed': 0}
    for n in range(1, 4):
        assert sim.disk_bytes('GFLEET%d' % n, '0100')[:len(payload)] == payload
    assert sim.node_links() == []
