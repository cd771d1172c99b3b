# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Images through an access node get the bad values of test_inputs.py (a
Unicode look-alike, a control or invisible character, non-ASCII digits, a
number of thousands of digits, an empty value): zvm_image's options,
zvm_guest's ``image``, ``image_vdev`` and ``clone_from``, and the access
node options (``node_host``, ``node_port``, ``node_user``,
``node_timeout``, through a real sshd, NodeSshd).

Each run is real (not check mode) and must end with a failure whose
message is one line and starts with the option's name, no traceback, no
SMAPI write, and nothing done on the node: no link left, the simulator's
CP state (links), spool (every reader) and locks as they were, no file
added to or changed in the image repository or the node's device
directory, and (through SSH) no connection to the node at all.  The good
values are accepted (in check mode).  ``ZVM_RELIABILITY_EXAMPLES`` sets
the draws per property as in test_inputs.py.
"""

import gzip
import hashlib
import json
import os

import pytest
from hypothesis import given, strategies as st

from ansible_collections.zvm.cloud.plugins.module_utils.images import format as fmt
from ansible_collections.zvm.cloud.plugins.modules import zvm_facts, zvm_guest, zvm_image
from tests.reliability.test_inputs import _set, options, property_settings, spoiled
from tests.unit.plugins.modules import conftest as _module_tests
from zvmsim.node.sshd import NodeSshd, skip_unless_available

# the module tests' access node fixture, reused as it is (run_module(..., node=True) asks for it)
sim_node = _module_tests.sim_node

CYL = 737280
BASE_IMAGE = 'rel-base'             # in the repository (the ``world`` fixture imports it)
GOLDEN = 'RELGOLD'                  # a guest with a minidisk 0100 (capture_from, clone_from)
DISK = {'vdev': '0100', 'size': '10', 'disk_pool': 'ECKD:POOL1'}
MD5 = '0123456789abcdef0123456789abcdef'
SHA256 = 'ab' * 32

# zvm_image, one declaration per way an image comes: an import, a capture, an export
IMPORT = dict(name='rel-img1', os_version='rhel9.4', url='file:///srv/images/rel-img1.img', checksum='md5:' + MD5,
              disk_type='ECKD', disk_size='3338', remote_host='builder@build1.example.com')
CAPTURE = dict(name='rel-cap1', os_version='sles15sp5', capture_from=GOLDEN, capture_type='rootonly',
               compress_level=6)
EXPORT = dict(name='rel-exp1', state='exported', os_version='ubuntu22', url='https://images.example.com/u22.img',
              dest_url='file:///backup/images/rel-exp1.img')
# (declaration, path, good value, the name the message must start with, empty means something, a number)
IMAGE_OPTIONS = [
    (IMPORT, ('name',), 'rel-img1', 'name', False, False),
    (IMPORT, ('name',), 'RHEL9.4_base-2', 'name', False, False),
    (IMPORT, ('state',), 'present', 'state', False, False),
    (IMPORT, ('os_version',), 'rhel9.4', 'os_version', False, False),
    (IMPORT, ('url',), 'file:///srv/images/rel-img1.img', 'url', False, False),
    (EXPORT, ('url',), 'https://images.example.com/u22.img', 'url', False, False),
    (EXPORT, ('url',), 'http://[fd00::1]:8080/zvm/u22.img?v=1', 'url', False, False),
    (IMPORT, ('checksum',), 'md5:' + MD5, 'checksum', False, False),
    (IMPORT, ('checksum',), MD5.upper(), 'checksum', False, False),
    (IMPORT, ('checksum',), 'sha256:' + SHA256, 'checksum', False, False),
    (IMPORT, ('disk_type',), 'ECKD', 'disk_type', False, False),
    (IMPORT, ('disk_type',), 'FBA', 'disk_type', False, False),
    (IMPORT, ('disk_size',), '3338', 'disk_size', False, True),
    (IMPORT, ('disk_size',), '2G', 'disk_size', False, True),
    (IMPORT, ('remote_host',), 'builder@build1.example.com', 'remote_host', False, False),
    (IMPORT, ('remote_host',), '192.168.10.20', 'remote_host', False, False),
    (EXPORT, ('dest_url',), 'file:///backup/images/rel-exp1.img', 'dest_url', False, False),
    (CAPTURE, ('capture_from',), GOLDEN, 'capture_from', False, False),
    (CAPTURE, ('capture_type',), 'rootonly', 'capture_type', False, False),
    (CAPTURE, ('capture_type',), 'alldisks', 'capture_type', False, False),
    (CAPTURE, ('compress_level',), '6', 'compress_level', False, True),
    (CAPTURE, ('compress_level',), '0', 'compress_level', False, True),
]
# zvm_guest: a new guest from an image, and one from a copy of the golden guest's disk
GUEST_IMAGE = dict(name='RELIMG1', memory='512M', image=BASE_IMAGE, image_vdev='0100', disks=[DISK])
GUEST_CLONE = dict(name='RELCLN1', memory='512M', clone_from={'guest': GOLDEN, 'vdev': '0100'},
                   disk_pool='ECKD:POOL1')
GUEST_OPTIONS = [
    (GUEST_IMAGE, ('image',), BASE_IMAGE, 'image', False, False),
    (GUEST_IMAGE, ('image_vdev',), '0100', 'image_vdev', False, True),
    (GUEST_IMAGE, ('image_vdev',), '100', 'image_vdev', False, True),
    (GUEST_CLONE, ('clone_from', 'guest'), GOLDEN, 'clone_from.guest', False, False),
    (GUEST_CLONE, ('clone_from', 'vdev'), '0100', 'clone_from.vdev', False, True),
]


def node_options(sshd):
    """The node options' table: good values that reach ``sshd``."""
    return [
        (('node_host',), sshd.host, 'node_host', True, False),
        (('node_port',), str(sshd.port), 'node_port', False, True),
        (('node_user',), sshd.user, 'node_user', False, False),
        (('node_timeout',), '3600', 'node_timeout', False, True),
        (('node_timeout',), '45', 'node_timeout', False, True),
    ]


def over_ssh(sshd):
    return dict(node_host=sshd.host, node_port=sshd.port, node_user=sshd.user, node_private_key_file=sshd.client_key,
                node_known_hosts_file=sshd.known_hosts, node_timeout=600)


@pytest.fixture(scope='module')
def made():
    return {}


@pytest.fixture
def world(run_module, sim, sim_node, made, tmp_path_factory):
    """An image in the repository (BASE_IMAGE, a file URL of its file) and
    the golden guest, made once for this test module."""
    if not made:
        payload = hashlib.sha256(b'rel').digest() * (CYL // 32)
        path = tmp_path_factory.mktemp('rel-images') / 'base.img'
        path.write_bytes(fmt.build_header(fmt.CKD_BLOCKS, 10, 'CYL', 6) + gzip.compress(payload, 6))
        made['url'] = 'file://%s' % path
        res = run_module(zvm_image, node=True, name=BASE_IMAGE, os_version='rhel9', url=made['url'])
        assert not res.failed, res.get('msg')
        res = run_module(zvm_guest, name=GOLDEN, memory='512M', disks=[DISK])
        assert not res.failed, res.get('msg')
    return made


@pytest.fixture(scope='module')
def sshd(sim, sim_node):
    """A real sshd in front of the simulator's access node."""
    skip_unless_available()
    with NodeSshd(sim_node['dir'], sim.state_dir) as server:
        yield server


def ssh_logins(sshd):
    """The lines of sshd's log about a client that came as far as naming a
    user (accepted or not); the log's other lines (the fixture's own probe
    of the port) may come at any time."""
    return [line for line in sshd.log().splitlines() if 'Accepted ' in line or ' user ' in line]


def files_under(top):
    """{relative path: (size, md5)} of the files under ``top``, symbolic links as their target."""
    found = {}
    for root, dirs, names in os.walk(top):
        for name in names + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
            path = os.path.join(root, name)
            if os.path.islink(path):
                found[os.path.relpath(path, top)] = ('->', os.readlink(path))
                continue
            with open(path, 'rb') as fh:
                found[os.path.relpath(path, top)] = (os.path.getsize(path), hashlib.md5(fh.read()).hexdigest())
    return found


def node_state(sim, sim_node):
    """What a node command that changes anything would change."""
    dump = sim.dump()
    return {'directory': dump['directory'], 'extents': dump['extents'], 'cp': dump['cp'], 'spool': dump['spool'],
            'locks': dump['locks'], 'links': sim.node_links(), 'repository': files_under(sim_node['repository']),
            'devices': files_under(sim_node['device_dir'])}


# AnsibleModule's own messages (a choice, a number it cannot convert) name the option so
ANSIBLE_SAYS = ("value of %(field)s must be", "argument '%(field)s' is of type")


def refused(run_module, sim, sim_node, module, args, field, sshd=None):
    """Run ``module`` with ``args`` for real (with the simulator's access
    node) and check that it refused them: one line starting with
    ``field``, no traceback, no SMAPI write, nothing done on the node."""
    before = node_state(sim, sim_node)
    logins = ssh_logins(sshd) if sshd is not None else None
    res = run_module(module, node=True, **args)
    shown = json.dumps(dict(res), ensure_ascii=False)
    assert res.failed, 'accepted %r: %s' % (args, shown)
    msg = res['msg']
    assert 'exception' not in res and 'Traceback' not in msg and not msg.startswith('unexpected error'), shown
    assert '\n' not in msg and '\r' not in msg, msg
    assert msg.startswith(field + ':') or any(msg.startswith(s % {'field': field}) for s in ANSIBLE_SAYS), \
        'the message does not start with %s: %s' % (field, msg)
    assert res.writes == [], 'writes after a rejected input: %s' % [c['function'] for c in res.writes]
    assert node_state(sim, sim_node) == before, 'the node or the simulator changed after a rejected input'
    if sshd is not None:
        assert ssh_logins(sshd) == logins, 'the node was reached over SSH: %s' % ssh_logins(sshd)[len(logins):]
    return res


def table_options(table):
    """(base, path, bad value, field) drawn from a table of (base, path, good, field, empty_ok, numeric)."""
    return st.sampled_from(table).flatmap(
        lambda o: spoiled(o[2], empty_ok=o[4], numeric=o[5]).map(lambda bad: (o[0], o[1], bad, o[3])))


@given(table_options(IMAGE_OPTIONS))
@property_settings()
def test_image_options_refuse_bad_input(run_module, sim, sim_node, world, case):
    base, path, bad, field = case
    refused(run_module, sim, sim_node, zvm_image, _set(base, path, bad), field)


@given(table_options(GUEST_OPTIONS))
@property_settings()
def test_guest_image_options_refuse_bad_input(run_module, sim, sim_node, world, case):
    base, path, bad, field = case
    refused(run_module, sim, sim_node, zvm_guest, _set(base, path, bad), field)


@given(st.data())
@property_settings()
def test_node_options_refuse_bad_input(run_module, sim, sim_node, world, sshd, data):
    """Through a real sshd: a value that got through would reach it (and
    import the image, or create the guest)."""
    path, bad, field, _good = data.draw(options(node_options(sshd)))
    module, base = data.draw(st.sampled_from([
        (zvm_image, dict(name='rel-node1', os_version='rhel9', url=world['url'])),
        (zvm_guest, dict(GUEST_IMAGE, name='RELNODE1')),
        (zvm_guest, dict(name='RELNODE2', memory='512M'))]))     # a run that needs no node
    refused(run_module, sim, sim_node, module, _set(dict(base, **over_ssh(sshd)), path, bad), field, sshd=sshd)


# -- the good values are good: a property that refuses everything proves nothing ------------------

def rounds(table, base_of=lambda row: row[0], rest=lambda row: row[1:]):
    """Declarations that hold every good value of ``table``: round k of a
    base takes the k-th good value of each of its options (fewer runs than
    one a value; the node's commands are the slow part)."""
    bases = []
    for row in table:
        if all(base_of(row) is not b for b in bases):
            bases.append(base_of(row))
    out = []
    for base in bases:
        values = {}
        for row in table:
            if base_of(row) is base:
                values.setdefault(rest(row)[0], []).append(rest(row)[1])
        for k in range(max(len(v) for v in values.values())):
            args = base
            for path, goods in values.items():
                if k < len(goods):
                    args = _set(args, path, goods[k])
            out.append((base, args))
    return out


def test_rounds_hold_every_good_value():
    done = rounds(IMAGE_OPTIONS)
    assert len(done) == 7 and len(done) < len(IMAGE_OPTIONS)
    for base, path, good, _field, _empty_ok, _numeric in IMAGE_OPTIONS:
        held = [args for b, args in done if b is base]
        assert any(_get(args, path) == good for args in held), (path, good)


def _get(args, path):
    for key in path:
        args = args[key]
    return args


def test_the_image_declarations_spoiled_above_are_accepted(run_module, world):
    for module, table in ((zvm_image, IMAGE_OPTIONS), (zvm_guest, GUEST_OPTIONS)):
        for _base, args in rounds(table):
            res = run_module(module, node=True, check=True, **args)
            assert not res.failed and res['changed'], (args, res.get('msg'))
            assert res['transfer'] == '(known after the run)', res


def test_the_node_options_spoiled_above_are_accepted(run_module, world, sshd):
    for module, base in ((zvm_image, dict(name='rel-node1', os_version='rhel9', url=world['url'])),
                         (zvm_guest, dict(GUEST_IMAGE, name='RELNODE1'))):
        base = dict(base, **over_ssh(sshd))
        for _base, args in rounds(node_options(sshd), base_of=lambda row: base, rest=lambda row: row):
            before = len(ssh_logins(sshd))
            res = run_module(module, node=True, check=True, **args)
            assert not res.failed and res['changed'], (args, res.get('msg'))
            assert any('Accepted publickey' in line for line in ssh_logins(sshd)[before:]), 'the node was not reached'


# -- what the properties found ------------------------------------------------------------------------

def test_node_options_are_checked_in_a_run_that_needs_no_node(run_module, sim, sim_node):
    """Regression: zvm_guest without image took node_host '127.0.0.1\u200b' (or node_host without
    node_user, or a relative node_image_repository), ignored it and created the guest; the node
    options are now checked before the first SMAPI call of any module that takes them."""
    guest = dict(name='RELNON1', memory='512M')
    refused(run_module, sim, sim_node, zvm_guest, dict(guest, node_host='127.0.0.1\u200b', node_user='root'),
            'node_host')
    refused(run_module, sim, sim_node, zvm_guest, dict(guest, node_host='zvmnode', node_user='r\u0131'), 'node_user')
    refused(run_module, sim, sim_node, zvm_guest, dict(guest, node_host='zvmnode'), 'node_user')
    refused(run_module, sim, sim_node, zvm_guest, dict(guest, node_image_repository='images'), 'node_image_repository')
    refused(run_module, sim, sim_node, zvm_guest, dict(guest, state='absent', node_host='zvm\x00node',
                                                       node_user='root'), 'node_host')
    refused(run_module, sim, sim_node, zvm_facts, dict(gather_subset=['guests'], node_timeout='\u0663'), 'node_timeout')
    refused(run_module, sim, sim_node, zvm_facts, dict(gather_subset=['guests'], node_host='zvmnode', node_user='r\u0131'),
            'node_user')
    assert 'RELNON1' not in sim.dump()['directory']


def test_an_empty_clone_from_guest_is_named(run_module, sim, sim_node):
    """Regression: clone_from {guest: ''} failed with 'clone_from: expected {guest: GOLDEN, ...}',
    not naming clone_from.guest."""
    res = refused(run_module, sim, sim_node, zvm_guest, _set(GUEST_CLONE, ('clone_from', 'guest'), ''),
                  'clone_from.guest')
    assert 'user ID' in res['msg'], res['msg']


def test_a_refused_choice_with_a_line_break_is_one_line(run_module, sim, sim_node):
    """Regression: AnsibleModule quotes a value it refuses for a choice as it is, so capture_type
    '\\rrootonly' or state 'present\\n' made a message of two lines; a module's message now has
    its control characters escaped."""
    res = refused(run_module, sim, sim_node, zvm_image, dict(CAPTURE, capture_type='\rrootonly'), 'capture_type')
    assert res['msg'].endswith("got: \\rrootonly"), res['msg']
    res = refused(run_module, sim, sim_node, zvm_image, dict(IMPORT, state='present\n'), 'state')
    assert '\\n' in res['msg'], res['msg']
    res = refused(run_module, sim, sim_node, zvm_guest, dict(name='RELNON2', memory='512M', stop_mode='soft\u2028'),
                  'stop_mode')
    assert '\\u2028' in res['msg'], res['msg']


def test_a_url_with_a_password_is_refused_without_quoting_it(run_module, sim, sim_node):
    """Regression: url 'https://user:password@host/...' was taken (the node's fetch cannot use it) and
    shown with its password in the actions; dest_url likewise."""
    for url in ('https://zvm:S3cr-et@images.example.com/u22.img', 'file://zvm:S3cr-et@/srv/x.img',
                'https://zvm:S3cr\u00e9t@images.example.com/u22.img', '\x00http://zvm:S3cr-et@host/x'):
        res = refused(run_module, sim, sim_node, zvm_image, dict(EXPORT, url=url), 'url')
        assert 'S3cr' not in json.dumps(dict(res), ensure_ascii=False), res['msg']
    res = refused(run_module, sim, sim_node, zvm_image, dict(EXPORT, dest_url='file://u:S3cr-et@/x.img'), 'dest_url')
    assert 'S3cr' not in json.dumps(dict(res), ensure_ascii=False), res['msg']
