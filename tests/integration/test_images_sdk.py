# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SDK's image methods end to end against a zvmsim of their own with
its access node (zvmsim/node), run here and through a real OpenSSH server
(NodeSshd): import (file://, SFTP from a remote host, http://, https:// with
a CA of the test's own), checksums, query, export, delete; deploy and read
the disk's bytes back; capture (rootonly and alldisks) and deploy the
capture to another guest; the refusals (logged-on guest, too small a
target, a CKD track image); failures in the middle that must leave no link
and no reader file; concurrent deploys through one node; Feilong's FBA
partition image format; guest_clone_disk without a node; a repository
laid out as a z/VM Cloud Connector (Feilong) writes it, without meta.json;
the ZVMCLOUD records going with a deleted disk; SFTP reads with prefetch.

The simulator is this module's own (``node setup`` adds the node's guest,
which would change the guest lists other tests assert)."""

import functools
import gzip
import hashlib
import http.server
import os
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.images import format as fmt
from ansible_collections.zvm.cloud.plugins.module_utils.node.errors import NodeError
from ansible_collections.zvm.cloud.plugins.module_utils.node.access import AccessNode
from ansible_collections.zvm.cloud.plugins.module_utils.node.runner import SshRunner
from ansible_collections.zvm.cloud.plugins.module_utils.operations import disks
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import (
    SDKConflictError, SDKFunctionNotImplementError, SDKGuestOperationError, SDKInvalidInputFormat,
    SDKObjectNotExistError,
)
from tests.integration.conftest import make_local_node, make_sdk, node_device_dir
from tests.unit.plugins.module_utils.fake_smapi import make_ca_and_server_cert, server_tls_context

CYL = 737280
CKD10 = {'size': '10', 'disk_pool': 'ECKD:POOL1', 'is_boot_disk': True}       # 10 cylinders
FBA = {'size': '4096', 'disk_pool': 'FBA:FBAPOOL'}                             # 4096 blocks, 2 MiB


def pattern(nbytes, seed):
    """Bytes that compress but differ from any other seed's."""
    block = hashlib.sha256(b'%d' % seed).digest() * 128 + bytes(4096)
    return (block * (nbytes // len(block) + 1))[:nbytes]


def ckd_image(data, cylinders, level=6):
    return fmt.build_header(fmt.CKD_BLOCKS, cylinders, 'CYL', level) + (gzip.compress(data, level) if level else data)


# -- the simulator, its node, and SDKs on it -------------------------------------------------------------------
# ``sim`` (this module's own, with its access node), ``local_node`` and ``sshd``: tests/integration/conftest.py

def ssh_settings(sshd):
    return {'user': sshd.user, 'key_file': sshd.client_key, 'known_hosts': sshd.known_hosts}


def make_node(sim, how, sshd=None, env=None):
    ssh = ssh_settings(sshd) if sshd is not None else None
    if how != 'ssh':
        return make_local_node(sim, env, ssh=ssh)
    runner = SshRunner(sshd.host, port=sshd.port, user=sshd.user, key_file=sshd.client_key,
                       known_hosts=sshd.known_hosts)
    return AccessNode(runner, device_dir=node_device_dir(sim), repository=os.path.join(sim.state_dir, 'images'),
                      ssh=ssh)


@pytest.fixture(scope='module', params=['local', 'ssh'])
def node(request, sim):
    """The node run here, then over SSH (for the tests that take ``node`` or ``any_sdk``)."""
    if request.param == 'local':
        yield request.getfixturevalue('local_node')
        return
    with make_node(sim, 'ssh', request.getfixturevalue('sshd')) as made:
        yield made


@pytest.fixture
def sdk(sim, local_node):
    return make_sdk(sim, local_node)


@pytest.fixture
def any_sdk(sim, node):
    return make_sdk(sim, node)


@pytest.fixture
def cleanup(sim):
    """Guests and images a test makes: deleted after it."""
    made = {'guests': [], 'images': []}
    yield made
    with make_node(sim, 'local') as local:
        tidy = make_sdk(sim, local)
        for userid in made['guests']:
            tidy.guest_delete(userid)
        for name in made['images']:
            tidy.image_delete(name)


def guest(sdk, cleanup, userid, *disks):
    cleanup['guests'].append(userid)
    sdk.guest_create(userid, 1, 512, disk_list=list(disks) or [CKD10])
    return userid


def image_file(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def import_image(sdk, cleanup, tmp_path, name, content, **meta):
    cleanup['images'].append(name)
    meta.setdefault('os_version', 'rhel9.4')
    sdk.image_import(name, 'file://' + image_file(tmp_path, name + '.img', content), meta)
    return sdk.image_query(name)[0]


def repo_dir(sim, *parts):
    return os.path.join(sim.state_dir, 'images', 'netboot', *parts)


def leftovers(sim, *userids):
    """Links on the node and reader files of the node and ``userids``."""
    return sim.node_links(), [f for u in ('ZVMNODE',) + userids for f in sim.reader(u)]


# -- import, query, export, delete -----------------------------------------------------------------------------

def test_import_query_export_delete(sim, any_sdk, cleanup, tmp_path):
    sdk = any_sdk
    data = pattern(3 * CYL, 1)
    content = ckd_image(data, 5)
    md5 = hashlib.md5(content).hexdigest()
    rec = import_image(sdk, cleanup, tmp_path, 'Rhel94', content, md5sum=' %s' % md5.upper(), comments='golden')
    assert sdk.last_transfer['bytes'] == len(content) and sdk.last_transfer['seconds'] > 0
    assert (rec['imagename'], rec['imageosdistro'], rec['md5sum'], rec['disk_size_units']) == \
        ('Rhel94', 'rhel9.4', md5, '5:CYL')
    assert rec['image_size_in_bytes'] == str(len(content)) and rec['type'] == 'rootonly' and rec['comments'] == 'golden'
    assert rec['image_path'] == repo_dir(sim, 'rhel9.4', 'Rhel94', '0100') and rec['format'] == 'CKD_BLOCKS'
    assert sdk.image_path('Rhel94', 'RHEL9.4') == rec['image_path']
    with open(rec['image_path'], 'rb') as fh:
        assert fh.read() == content
    assert rec in sdk.image_query() and sdk.image_query('rhel94') == [rec]
    assert sdk.image_get_root_disk_size('RHEL94') == '5:CYL'
    with pytest.raises(SDKConflictError, match='The image name RHEL94 is taken by the image Rhel94'):
        sdk.image_import('RHEL94', 'file:///nonexistent', {'os_version': 'sles15'})

    dest = str(tmp_path / 'out' / 'export.img')
    out = sdk.image_export('rhel94', 'file://' + dest)
    assert out == {'image_name': 'Rhel94', 'image_path': 'file://' + dest, 'os_version': 'rhel9.4', 'md5sum': md5,
                   'comments': 'golden'}
    with open(dest, 'rb') as fh:
        assert fh.read() == content
    assert sdk.last_transfer['bytes'] == len(content)
    assert sdk.image_export_matches('Rhel94', 'file://' + dest) is True
    with open(dest, 'r+b') as fh:
        fh.seek(1000)
        fh.write(b'X')
    assert sdk.image_export_matches('Rhel94', 'file://' + dest) is False
    assert sdk.image_export_matches('Rhel94', 'file://' + dest + '.missing') is False

    sdk.image_delete('RHEL94')
    assert not os.path.exists(repo_dir(sim, 'rhel9.4', 'Rhel94'))
    with pytest.raises(SDKObjectNotExistError, match="Image 'Rhel94' does not exist"):
        sdk.image_query('Rhel94')
    sdk.image_delete('Rhel94')                  # a missing image is fine


@pytest.mark.parametrize('field,value', [('md5sum', 'f' * 32), ('sha256sum', '0' * 64)])
def test_a_checksum_mismatch_leaves_nothing(sim, sdk, tmp_path, field, value):
    path = image_file(tmp_path, 'bad.img', ckd_image(pattern(CYL, 2), 1))
    with pytest.raises(NodeError, match='checksum mismatch: expected %s %s' % (field[:-3], value)) as e:
        sdk.image_import('bad', 'file://' + path, {'os_version': 'rhel9', field: value})
    assert e.value.code == 4
    assert not os.path.exists(repo_dir(sim, 'rhel9', 'bad')) and sdk.image_query() == []
    assert sdk.last_transfer is None


def test_header_formats(sim, sdk, cleanup, tmp_path):
    # a CKD track image (Feilong's ckdencode) is refused, naming the format, and leaves nothing
    tracks = ('xCAT CKD Disk Image:' + '3338 CYL'.rjust(16) + ' HLen: 0055 GZIP: 6').ljust(512).encode()
    with pytest.raises(SDKInvalidInputFormat) as e:
        sdk.image_import('tracks', 'file://' + image_file(tmp_path, 't.img', tracks + gzip.compress(b'x' * 1000)),
                         {'os_version': 'rhel7'})
    assert "image tracks is a CKD track image written by Feilong's ckdencode" in str(e.value)
    assert not os.path.exists(repo_dir(sim, 'rhel7', 'tracks'))
    # a raw image takes its kind from image_meta and its size from its bytes
    rec = import_image(sdk, cleanup, tmp_path, 'raw', pattern(CYL + 1, 3), disk_type='DASD')
    assert (rec['disk_size_units'], rec['format'], rec['disks'][0]['header_len']) == ('2:CYL', 'CKD_BLOCKS', 0)
    with pytest.raises(SDKInvalidInputFormat, match='disk_type is needed'):
        sdk.image_import('raw2', 'file://' + image_file(tmp_path, 'r.img', b'\0' * 512), {'os_version': 'rhel9'})
    assert not os.path.exists(repo_dir(sim, 'rhel9', 'raw2'))


class Served:
    """A directory served over http or https on 127.0.0.1."""

    def __init__(self, directory, context=None):
        handler = functools.partial(QuietHandler, directory=directory)
        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
        if context is not None:
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.scheme = 'https' if context is not None else 'http'
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, name):
        return '%s://127.0.0.1:%d/%s' % (self.scheme, self.server.server_address[1], name)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_import_over_http_and_https(sim, cleanup, tmp_path):
    content = ckd_image(pattern(2 * CYL, 4), 2)
    sha = hashlib.sha256(content).hexdigest()
    image_file(tmp_path, 'web.img', content)
    (tmp_path / 'tls').mkdir()
    ca, cert, key = make_ca_and_server_cert(str(tmp_path / 'tls'))
    plain, secure = Served(str(tmp_path)), Served(str(tmp_path), server_tls_context(cert, key))
    cleanup['images'] += ['web', 'websecure']
    try:
        with make_node(sim, 'local') as node:
            sdk = make_sdk(sim, node)
            sdk.image_import('web', plain.url('web.img'), {'os_version': 'sles15', 'sha256sum': sha})
            assert sdk.image_query('web')[0]['sha256sum'] == sha
            with pytest.raises(NodeError, match='certificate verify failed'):     # the node does not know the CA
                sdk.image_import('websecure', secure.url('web.img'), {'os_version': 'sles15'})
            assert not os.path.exists(repo_dir(sim, 'sles15', 'websecure'))
            with pytest.raises(NodeError, match='HTTP 404'):
                sdk.image_import('websecure', plain.url('missing.img'), {'os_version': 'sles15'})
        with make_node(sim, 'local', env={'SSL_CERT_FILE': ca}) as node:
            sdk = make_sdk(sim, node)
            sdk.image_import('websecure', secure.url('web.img'), {'os_version': 'sles15', 'sha256sum': sha})
            assert sdk.image_query('websecure')[0]['md5sum'] == hashlib.md5(content).hexdigest()
    finally:
        plain.close()
        secure.close()


def spy_prefetch(monkeypatch):
    """The calls of paramiko's SFTPFile.prefetch (which still runs): an SFTP
    read without it waits a round trip for every 32 KiB."""
    import paramiko.sftp_file
    calls = []
    real = paramiko.sftp_file.SFTPFile.prefetch

    def prefetch(self, *args, **kwargs):
        calls.append(args)
        return real(self, *args, **kwargs)
    monkeypatch.setattr(paramiko.sftp_file.SFTPFile, 'prefetch', prefetch)
    return calls


@pytest.mark.parametrize('how', ['local', 'ssh'])
def test_import_and_export_over_sftp_with_a_remote_host(sim, sshd, cleanup, tmp_path, how, monkeypatch):
    prefetched = spy_prefetch(monkeypatch)
    remote = '%s@127.0.0.1:%d' % (sshd.user, sshd.port)
    node = make_node(sim, how, sshd)          # its key and known hosts are used for the remote host too
    sdk = make_sdk(sim, node)
    content = ckd_image(pattern(CYL, 5), 1)
    path = image_file(tmp_path, 'remote.img', content)
    cleanup['images'].append('remote')
    sdk.image_import('remote', 'file://' + path, {'os_version': 'rhel8', 'md5sum': hashlib.md5(content).hexdigest()},
                     remote_host=remote)
    assert sdk.image_query('remote')[0]['image_size_in_bytes'] == str(len(content))
    assert len(prefetched) == 1
    with pytest.raises(NodeError, match='checksum mismatch'):
        sdk.image_import('remote2', 'file://' + path, {'os_version': 'rhel8', 'md5sum': '0' * 32}, remote_host=remote)
    assert not os.path.exists(repo_dir(sim, 'rhel8', 'remote2'))
    dest = str(tmp_path / 'back.img')
    sdk.image_export('remote', 'file://' + dest, remote_host=remote)
    with open(dest, 'rb') as fh:
        assert fh.read() == content
    assert not os.path.exists(dest + '.part') and sdk.image_export_matches('remote', 'file://' + dest, remote)
    assert len(prefetched) == 3 and prefetched[-1][0] == len(content)      # the size is known: no stat
    node.close()


def test_deploy_punches_a_transport_file_from_a_remote_host(sim, sshd, cleanup, tmp_path, monkeypatch):
    prefetched = spy_prefetch(monkeypatch)
    node = make_node(sim, 'ssh', sshd)
    sdk = make_sdk(sim, node)
    userid = guest(sdk, cleanup, 'IMGRMT1')
    before = len(sim.reader(userid))
    drive = pattern(300 * 1024, 18)
    sdk.guest_deploy(userid, None, transportfiles=image_file(tmp_path, 'cfgdrive.iso', drive),
                     remotehost='%s@127.0.0.1:%d' % (sshd.user, sshd.port), skipdiskcopy=True)
    reader = sim.reader(userid)[before:]
    assert [(f['name'], f['type'], f['class']) for f in reader] == [('CFGDRIVE', 'ISO', 'X')]
    assert reader[0]['content'][:len(drive)] == drive and len(prefetched) == 1
    assert leftovers(sim) == ([], []) and sdk.deployed_images(userid) == {}
    node.close()


def test_without_a_node_the_image_methods_say_what_to_set(sim):
    sdk = make_sdk(sim)
    with pytest.raises(SDKFunctionNotImplementError, match='image_query needs an access node: set node_host'):
        sdk.image_query()


# -- deploy and capture ------------------------------------------------------------------------------------------

def test_deploy_then_capture_then_deploy_the_capture(sim, any_sdk, cleanup, tmp_path):
    sdk = any_sdk
    data = pattern(3 * CYL + 100, 6)
    import_image(sdk, cleanup, tmp_path, 'base', ckd_image(data, 5))
    first = guest(sdk, cleanup, 'IMGDEP1')
    transport = image_file(tmp_path, 'cfgdrive.iso', b'config drive')
    before = len(sim.reader(first))         # a deleted guest's reader files stay, as in CP
    sdk.guest_deploy(first, 'base', transportfiles=transport)
    disk = sim.disk_bytes(first, '0100')
    assert len(disk) == 10 * CYL and disk[:len(data)] == data and not disk[len(data):].strip(b'\0')
    assert sdk.last_transfer['bytes'] == len(data)
    reader = sim.reader(first)[before:]
    assert [(f['name'], f['type'], f['class']) for f in reader] == [('CFGDRIVE', 'ISO', 'X')]
    assert reader[0]['content'].startswith(b'config drive')
    deployed = sdk.deployed_images(first)['0100']
    assert deployed['image_name'].lower() == 'base' and deployed['clone_of'] is None
    assert deployed['md5sum'] == sdk.image_query('base')[0]['md5sum']
    assert leftovers(sim) == ([], [])

    sdk.guest_start(first)                      # a running guest is stopped for the capture and started again
    cleanup['images'].append('captured')
    sdk.guest_capture(first, 'captured', compress_level=1)
    assert sdk.guest_get_power_state(first) == 'on' and sdk.last_transfer['bytes'] == 10 * CYL
    rec = sdk.image_query('captured')[0]
    assert (rec['imageosdistro'], rec['disk_size_units'], rec['format']) == ('rhel9.4', '10:CYL', 'CKD_BLOCKS')
    with open(rec['image_path'], 'rb') as fh:
        header = fmt.parse_header(fh.read(512))
    assert header == fmt.Header('CKD_BLOCKS', 10, 'CYL', 1, 512)

    second = guest(sdk, cleanup, 'IMGDEP2', dict(CKD10, size='12'))
    sdk.guest_deploy(second, 'captured')
    assert sim.disk_bytes(second, '0100')[:10 * CYL] == disk
    assert leftovers(sim) == ([], [])


def test_capture_and_deploy_alldisks(sim, sdk, cleanup, tmp_path):
    ckd, part = pattern(2 * CYL, 7), pattern(3000 * 512, 8)
    import_image(sdk, cleanup, tmp_path, 'ckd7', ckd_image(ckd, 3))
    import_image(sdk, cleanup, tmp_path, 'fba8', feilong_fba_part(part, 4096))
    source = guest(sdk, cleanup, 'IMGALL1', CKD10, dict(FBA, vdev='0201'))
    sdk.guest_deploy(source, 'ckd7')
    sdk.guest_deploy(source, 'fba8', vdev='201')
    cleanup['images'].append('both')
    sdk.guest_capture(source, 'both', capture_type='alldisks', os_version='RHEL9', comments='two disks')
    rec = sdk.image_query('both')[0]
    assert (rec['type'], rec['root_vdev'], rec['comments']) == ('alldisks', '0100', 'two disks')
    assert [(d['vdev'], d['disk_size_units'], d['format']) for d in rec['disks']] == \
        [('0100', '10:CYL', 'CKD_BLOCKS'), ('0201', '4096:BLK', 'FBA_DISK')]
    target = guest(sdk, cleanup, 'IMGALL2', CKD10, dict(FBA, vdev='0201'))
    sdk.guest_deploy(target, 'both')
    for vdev in ('0100', '0201'):
        assert sim.disk_bytes(target, vdev) == sim.disk_bytes(source, vdev)
    assert sorted(sdk.deployed_images(target)) == ['0100', '0201']
    missing = guest(sdk, cleanup, 'IMGALL3')
    with pytest.raises(SDKObjectNotExistError, match="'IMGALL3' has no minidisk 0201 to deploy image both to"):
        sdk.guest_deploy(missing, 'both')
    with pytest.raises(SDKFunctionNotImplementError, match='alldisks image'):
        sdk.image_export('both', 'file://' + str(tmp_path / 'both.img'))


def feilong_fba_part(data, blocks, level=6):
    header = ('xCAT FBA Part Image:' + ('%d BLK' % blocks).rjust(16) + ' HLen: 0055 GZIP: %d' % level).ljust(512)
    return header.encode() + gzip.compress(data, level)


def test_a_feilong_fba_partition_image_deploys_byte_for_byte(sim, sdk, cleanup, tmp_path):
    part = pattern(1500 * 1024, 9)
    rec = import_image(sdk, cleanup, tmp_path, 'feilongfba', feilong_fba_part(part, 4096), os_version='SLES15')
    assert (rec['disk_size_units'], rec['format'], rec['imageosdistro']) == ('4096:BLK', 'FBA_PART', 'sles15')
    userid = guest(sdk, cleanup, 'IMGFBA1', dict(FBA, is_boot_disk=True))
    sdk.guest_deploy(userid, 'feilongfba')
    disk = sim.disk_bytes(userid, '0100')
    assert len(disk) == 4096 * 512 and disk[:len(part)] == part and not disk[len(part):].strip(b'\0')
    ckd = guest(sdk, cleanup, 'IMGFBA2')
    with pytest.raises(SDKGuestOperationError, match='FBA partition image is for an FBA disk'):
        sdk.guest_deploy(ckd, 'feilongfba')
    assert not sim.disk_bytes(ckd, '0100').strip(b'\0') and leftovers(sim) == ([], [])


def test_refusals_before_anything_is_written(sim, sdk, cleanup, tmp_path):
    import_image(sdk, cleanup, tmp_path, 'five', ckd_image(pattern(CYL, 10), 5))
    small = guest(sdk, cleanup, 'IMGSMALL', dict(CKD10, size='3'))
    with pytest.raises(SDKGuestOperationError, match='needs a disk of 5 CYL, the target has 3 CYL; nothing was'):
        sdk.guest_deploy(small, 'five')
    running = guest(sdk, cleanup, 'IMGRUN')
    sdk.guest_start(running)
    with pytest.raises(SDKGuestOperationError, match="guest 'IMGRUN' is logged on"):
        sdk.guest_deploy(running, 'five')
    for userid in (small, running):
        assert not sim.disk_bytes(userid, '0100').strip(b'\0') and sdk.deployed_images(userid) == {}
    assert leftovers(sim) == ([], [])
    with pytest.raises(SDKObjectNotExistError, match="Image 'nothere' does not exist"):
        sdk.guest_deploy(small, 'nothere')


def test_failures_in_the_middle_leave_no_link_and_no_reader_file(sim, any_sdk, cleanup, tmp_path):
    sdk = any_sdk
    good = import_image(sdk, cleanup, tmp_path, 'good', ckd_image(pattern(CYL, 11), 2))
    cut = ckd_image(pattern(2 * CYL, 12), 3)
    import_image(sdk, cleanup, tmp_path, 'cut', cut[:len(cut) // 2])           # the gzip stream ends early
    userid = guest(sdk, cleanup, 'IMGFAIL')
    with pytest.raises(NodeError, match='gzip data is truncated'):
        sdk.guest_deploy(userid, 'cut')
    assert leftovers(sim, userid) == ([], []) and sdk.deployed_images(userid) == {}
    sim.node_fault('chccwdev')                  # the disk is linked, then cannot be set online
    with pytest.raises(NodeError, match='chccwdev'):
        sdk.guest_deploy(userid, 'good')
    assert leftovers(sim, userid) == ([], [])
    sim.node_fault('vmcp transfer')             # the disk is written, the transport file cannot be transferred
    with pytest.raises(NodeError, match='transfer'):
        sdk.guest_deploy(userid, 'good', transportfiles=image_file(tmp_path, 'net.doscript', b'#!/bin/sh\n'))
    assert leftovers(sim, userid) == ([], [])
    assert sdk.deployed_images(userid)['0100']['md5sum'] == good['md5sum']
    sim.node_fault('vmcp link')                 # a capture that fails starts the guest it stopped again
    sdk.guest_start(userid)
    with pytest.raises(NodeError, match='link'):
        sdk.guest_capture(userid, 'failed', os_version='rhel9')
    assert sdk.guest_get_power_state(userid) == 'on' and leftovers(sim, userid) == ([], [])
    assert not os.path.exists(repo_dir(sim, 'rhel9', 'failed'))


def test_concurrent_deploys_through_one_node(sim, node, cleanup, tmp_path):
    setup = make_sdk(sim, node)
    data = pattern(2 * CYL, 13)
    import_image(setup, cleanup, tmp_path, 'many', ckd_image(data, 2))
    userids = [guest(setup, cleanup, 'IMGPAR%d' % i) for i in range(4)]
    with ThreadPoolExecutor(len(userids)) as pool:
        list(pool.map(lambda u: make_sdk(sim, node).guest_deploy(u, 'many'), userids))
    for userid in userids:
        assert sim.disk_bytes(userid, '0100', length=len(data)) == data
    assert leftovers(sim, *userids) == ([], [])


def test_clone_a_golden_guests_disk_without_a_node(sim, sdk, cleanup, tmp_path):
    data = pattern(CYL, 14)
    import_image(sdk, cleanup, tmp_path, 'gold', ckd_image(data, 1))
    golden = guest(sdk, cleanup, 'IMGGOLD')
    sdk.guest_deploy(golden, 'gold')
    cleanup['guests'].append('IMGCOPY')
    make_sdk(sim).guest_create('IMGCOPY', 1, 512)
    nodeless = make_sdk(sim)
    nodeless.guest_clone_disk('IMGCOPY', '100', golden, '0100', disk_pool='ECKD:POOL1')
    assert sim.disk_bytes('IMGCOPY', '0100') == sim.disk_bytes(golden, '0100')
    assert nodeless.last_transfer['bytes'] == 10 * CYL
    assert nodeless.deployed_images('IMGCOPY') == {'0100': {'vdev': '0100', 'image_name': None, 'md5sum': None,
                                                            'clone_of': {'userid': 'IMGGOLD', 'vdev': '0100'}}}
    with pytest.raises(SDKConflictError, match="'IMGCOPY' already has a device 0100"):
        nodeless.guest_clone_disk('IMGCOPY', '0100', golden, '0100')
    with pytest.raises(SDKObjectNotExistError, match="'IMGGOLD' has no minidisk 0200"):
        nodeless.guest_clone_disk('IMGCOPY', '0101', golden, '0200')


# -- a repository a z/VM Cloud Connector (Feilong) wrote: image files without meta.json ---------------------------

def connector_image(sim, os_version, name, content, filename='0100'):
    """An image file where Feilong puts it: complete (its import renames
    the download, its capture moves the file from staging), named by the
    root vdev, with no meta.json."""
    folder = repo_dir(sim, os_version, name)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, filename)
    with open(path, 'wb') as fh:
        fh.write(content)
    return path


def test_an_image_a_cloud_connector_wrote_is_listed_deployed_and_deleted(sim, any_sdk, cleanup, tmp_path):
    sdk = any_sdk
    part = pattern(1200 * 1024, 15)
    content = feilong_fba_part(part, 4096)
    md5, sha = hashlib.md5(content).hexdigest(), hashlib.sha256(content).hexdigest()
    cleanup['images'].append('90685d2b-fl')
    path = connector_image(sim, 'sles15', '90685d2b-fl', content)
    rec = sdk.image_query('90685D2B-FL')[0]
    assert rec == {'imagename': '90685d2b-fl', 'imageosdistro': 'sles15', 'md5sum': None, 'sha256sum': None,
                   'disk_size_units': '4096:BLK', 'image_size_in_bytes': str(len(content)), 'type': 'rootonly',
                   'comments': None, 'last_access_time': round(os.stat(path).st_mtime, 3), 'format': 'FBA_PART',
                   'root_vdev': '0100', 'image_path': path,
                   'disks': [{'vdev': '0100', 'file': '0100', 'disk_size_units': '4096:BLK', 'md5sum': None,
                              'image_size_in_bytes': len(content), 'format': 'FBA_PART', 'header_len': 512,
                              'gzip': 6}]}
    assert rec in sdk.image_query() and sdk.image_get_root_disk_size('90685d2b-fl') == '4096:BLK'
    assert sdk.image_export_matches('90685d2b-fl', 'file://' + path) is False       # its md5 is not known yet
    with pytest.raises(SDKConflictError, match='The image name 90685D2B-fl is taken by the image 90685d2b-fl'):
        sdk.image_import('90685D2B-fl', 'file:///nonexistent', {'os_version': 'sles15'})

    userid = guest(sdk, cleanup, 'IMGFL1', dict(FBA, is_boot_disk=True))
    sdk.guest_deploy(userid, '90685d2b-fl')
    disk = sim.disk_bytes(userid, '0100')
    assert disk[:len(part)] == part and not disk[len(part):].strip(b'\0') and sdk.last_transfer['bytes'] == len(part)
    assert sdk.deployed_images(userid)['0100']['md5sum'] == md5          # hashed as it was written
    after = sdk.image_query('90685d2b-fl')[0]                           # and its meta.json written
    assert after == dict(rec, md5sum=md5, sha256sum=sha, disks=[dict(rec['disks'][0], md5sum=md5, sha256sum=sha)])
    assert sorted(os.listdir(repo_dir(sim, 'sles15', '90685d2b-fl'))) == ['0100', 'meta.json']
    assert leftovers(sim) == ([], [])

    sdk.image_delete('90685d2b-fl')
    assert not os.path.exists(repo_dir(sim, 'sles15', '90685d2b-fl'))


@pytest.mark.parametrize('how', ['node', 'remote_host'])
def test_exporting_an_image_a_cloud_connector_wrote_learns_its_checksums(sim, sshd, cleanup, tmp_path, how):
    content = feilong_fba_part(pattern(300 * 1024, 16), 4096, level=1)
    md5, sha = hashlib.md5(content).hexdigest(), hashlib.sha256(content).hexdigest()
    name = 'flexp-' + how
    cleanup['images'].append(name)
    connector_image(sim, 'rhel7.9', name, content)
    node = make_node(sim, 'local', sshd)
    sdk = make_sdk(sim, node)
    remote = '%s@127.0.0.1:%d' % (sshd.user, sshd.port) if how == 'remote_host' else None
    dest = str(tmp_path / 'exported.img')
    out = sdk.image_export(name, 'file://' + dest, remote_host=remote)
    assert out == {'image_name': name, 'image_path': 'file://' + dest, 'os_version': 'rhel7.9', 'md5sum': md5,
                   'comments': None}
    with open(dest, 'rb') as fh:
        assert fh.read() == content
    rec = sdk.image_query(name)[0]
    assert (rec['md5sum'], rec['sha256sum'], rec['disks'][0]['md5sum']) == (md5, sha, md5)
    assert sdk.image_export_matches(name, 'file://' + dest, remote) is True
    node.close()


def test_what_a_cloud_connector_left_unlisted_is_never_removed(sim, sdk, cleanup, tmp_path):
    made = {
        'flraw': connector_image(sim, 'rhel9', 'flraw', b'\x1f\x8b no image header'),        # disk size unknown
        'flrunning': connector_image(sim, 'rhel9', 'flrunning', b'half', 'rhel9.img'),      # an import not renamed yet
        'fltwo': connector_image(sim, 'rhel9', 'fltwo', feilong_fba_part(b'x', 8)),
        'flpart': connector_image(sim, 'rhel9', 'flpart', feilong_fba_part(b'x', 8), '0100.part'),
    }
    connector_image(sim, 'rhel9', 'fltwo', feilong_fba_part(b'y', 8), '0101')
    try:
        assert not set(r['imagename'] for r in sdk.image_query()) & set(made)
        for name in ('flraw', 'flrunning', 'fltwo'):
            with pytest.raises(SDKConflictError, match='The image name %s cannot be used: .* holds files zvm.cloud '
                                                       'did not write' % name):
                sdk.image_import(name, 'file://' + image_file(tmp_path, 'i.img', ckd_image(b'z', 1)),
                                 {'os_version': 'RHEL9'})
            sdk.image_delete(name)                     # not an image: nothing to delete
        assert all(os.path.exists(p) for p in made.values()) and sdk.last_transfer is None
        assert os.listdir(repo_dir(sim, 'rhel9', 'fltwo')) and len(os.listdir(repo_dir(sim, 'rhel9', 'fltwo'))) == 2
    finally:
        for name in made:
            shutil.rmtree(repo_dir(sim, 'rhel9', name))


# -- the ZVMCLOUD records go with the disk -------------------------------------------------------------------------

def zvmcloud_records(sim, userid):
    return [r for r in sim.dump()['directory'][userid] if 'ZVMCLOUD' in r.upper()]


def test_a_disk_deleted_and_made_again_is_not_taken_for_a_deployed_one(sim, sdk, cleanup, tmp_path):
    import_image(sdk, cleanup, tmp_path, 'stale', ckd_image(pattern(CYL, 17), 1))
    plain = dict(CKD10, is_boot_disk=False)
    userid = guest(sdk, cleanup, 'IMGSTALE', CKD10, dict(plain, vdev='0101'))
    sdk.guest_deploy(userid, 'stale')
    sdk.guest_deploy(userid, 'stale', vdev='0101')
    sdk.guest_clone_disk(userid, '0102', userid, '0101', disk_pool='ECKD:POOL1')
    assert sorted(sdk.deployed_images(userid)) == ['0100', '0101', '0102']
    disks.delete_dm(sdk.session, userid, '0101')           # DirMaint's DMDISK alone leaves the comment records
    assert len(zvmcloud_records(sim, userid)) == 3 and sorted(sdk.deployed_images(userid)) == ['0100', '0102']
    sdk.guest_delete_disks(userid, ['0101', '102'])         # 0101 is gone already: skipped, its records dropped
    assert len(zvmcloud_records(sim, userid)) == 1          # 0100's
    sdk.guest_create_disks(userid, [dict(plain, vdev='0101'), dict(plain, vdev='0102')])
    assert sorted(sdk.deployed_images(userid)) == ['0100']
    assert not sim.disk_bytes(userid, '0101').strip(b'\0')
    mark = sim.mark()
    sdk.guest_delete_disks(userid, ['0101'])               # a disk without records: no replace for them
    assert len(zvmcloud_records(sim, userid)) == 1
    assert [c['function'] for c in sim.calls(since=mark, writes=True)] == ['Image_Disk_Delete_DM']
