# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets: every password these tests set is searched for everywhere it
could leak to.

The passwords: guest passwords (good ones with symbols, and bad ones with
an unusual character: a zero-width space, a control character, a no-break
space, an accented letter, one character too many) and the SMAPI password
(a good one of a SMAPI user of this simulator, a wrong one, one with a
control character).  Each is distinctive, so that a hit is a leak and not
other text (Ansible masks the value of a ``no_log`` option wherever it
appears in its output: a password such as MAINT would mask unrelated text
and hide nothing).  A password is searched for as it is, upper and lower
case, escaped the ways Python and JSON escape it (``repr``, ``ascii``,
``json.dumps``, twice escaped), and without its unusual character.

Where: module results (in check mode, for real, in diff mode, failed ones,
failures injected at the directory write), the ``-vvvv`` output and the
task results of a real ansible-playbook run, the codec's errors, the
simulator's request log (``sim.calls()`` and every file of its state
directory but its database and the configuration we wrote), and every file
the collection writes on the controller (the host lock directory
``zvm-cloud-locks-UID`` in $TMPDIR, its lock files and lock markers).

The access node's secrets too: ``node_password`` (an SSH password, a good
one sent to a real sshd, NodeSshd, which takes keys only, and one with a
control character) and the private key files ``node_private_key_file``
names (the node's key, and a wrong one), searched for as every line of the
key's base64 body (but the lines every such key has), the body in one
piece, the file as JSON and ``repr`` escape it, and the private key itself
in hex and base64; in the results of imports and a deploy over SSH (check,
real, diff) and of failures (a wrong password, a wrong key, an unknown and a
changed host key, an unreachable node; a password in a URL), the ``-vvvv --diff`` output of a
playbook doing the same, and the files the runs wrote (also the image
repository and the node's directory).
"""

import base64
import glob
import gzip
import json
import os
import subprocess

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.smapi.client import SmapiClient
from ansible_collections.zvm.cloud.plugins.module_utils.images import format as image_format
from ansible_collections.zvm.cloud.plugins.modules import zvm_guest, zvm_image

from tests.integration import conftest as _integration
from tests.integration.conftest import TEST_SYSTEM
from tests.unit.plugins.modules import conftest as _module_tests
from zvmsim.node.sshd import NodeSshd, free_port, skip_unless_available
from zvmsim.testing import SimServer

# the integration tests' playbook fixtures, reused as they are
collections_path = _integration.collections_path
play = _integration.play
# the module tests' access node fixture (run_module(..., node=True) asks for it)
sim_node = _module_tests.sim_node

SMAPI_USER = 'SECADM'
SMAPI_PASSWORD = 'Qx-S3cr3t-9zW!'
WRONG_SMAPI_PASSWORD = 'Wr0ng-K3y-7qZ?'
BAD_SMAPI_PASSWORDS = ['Ct1\x1fSm4p-Zq8']
GOOD = ['Q7%zK!x9', 'h#4Tq$8w', 'Z9@mP=3v']
BAD = ['Wq\u200b7Kz9', 'Wq\x1f7Kz', 'Wq\u00a07Kz', 'Wq\u00e97Kz', 'Wq7Kz9Xy3', 'Wq\ufeff7Kz', 'Wq\u20287Kz']
NODE_PASSWORD = 'Nq7-Ss#h-4vXw'
BAD_NODE_PASSWORDS = ['Nq7\x1bSs#h-4v']
URL_PASSWORDS = ['Ur1-Pw-5kQz', 'Ur1-Pw\u00e95kQ']     # in a URL (user:password@host), which zvm_image refuses
SECRETS = GOOD + BAD + [SMAPI_PASSWORD, WRONG_SMAPI_PASSWORD] + BAD_SMAPI_PASSWORDS + [NODE_PASSWORD] + \
    BAD_NODE_PASSWORDS + URL_PASSWORDS
KEY_FORMS = []      # (label, forms) of the private keys of the access node tests (the node_sshd fixture's)
CONNECTION = {'smapi_user': SMAPI_USER, 'smapi_password': SMAPI_PASSWORD}


def variants(secret):
    """The forms a leaked ``secret`` could take in text."""
    forms = {secret, secret.upper(), secret.lower(), repr(secret)[1:-1], ascii(secret)[1:-1],
             json.dumps(secret)[1:-1], json.dumps(json.dumps(secret)[1:-1])[1:-1]}
    plain = ''.join(c for c in secret if c.isprintable() and not c.isspace() and ord(c) < 0x7f)
    if len(plain) >= 5:
        forms.add(plain)
        forms.add(plain.upper())
    return sorted(forms)


def leaks(text, where):
    """``[(secret, form, where)]`` of every secret found in ``text``."""
    found = []
    for secret in SECRETS:
        for form in variants(secret):
            if form in text:
                at = text.index(form)
                found.append((secret, form, where, text[max(0, at - 80):at + 80]))
    for label, forms in KEY_FORMS:
        for form in forms:
            if form in text:
                at = text.index(form)
                found.append((label, form, where, text[max(0, at - 80):at + 80]))
    return found


def key_body(path):
    """The base64 lines of a private key file (OpenSSH or PEM)."""
    with open(path) as fh:
        return [line.strip() for line in fh if line.strip() and not line.startswith('-----')]


def key_forms(path, common=()):
    """The forms a leaked private key (the file at ``path``) could take:
    each line of its base64 body but those every such key has (``common``),
    the body in one piece, the file as JSON and repr escape it, and the
    private key itself (raw) in hex and base64."""
    from cryptography.hazmat.primitives import serialization
    with open(path) as fh:
        text = fh.read()
    body = key_body(path)
    forms = set(line for line in body if line not in common and len(line) >= 16)
    forms.update([''.join(body), json.dumps(text)[1:-1], repr(text)[1:-1]])
    key = serialization.load_ssh_private_key(text.encode(), password=None)
    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                            serialization.NoEncryption())
    forms.update([raw.hex(), raw.hex().upper(), base64.b64encode(raw).decode()])
    return sorted(forms)


def files_text(paths):
    for path in paths:
        if os.path.isfile(path):
            with open(path, 'rb') as fh:
                yield path, fh.read().decode('utf-8', 'backslashreplace')


@pytest.fixture(scope='session')
def zvmsim(tmp_path_factory):
    """The test system, with a SMAPI user whose password is a secret (the
    ``play`` fixture and, through ``sim``, ``run_module`` use it)."""
    config = dict(TEST_SYSTEM, smapi={
        'users': [{'userid': 'MAINT', 'password': 'MAINT'}, {'userid': SMAPI_USER, 'password': SMAPI_PASSWORD}],
        'authorizations': [{'user': 'MAINT', 'function': 'ALL', 'target': 'ALL'},
                           {'user': SMAPI_USER, 'function': 'ALL', 'target': 'ALL'}]})
    with SimServer(config=config, state_dir=str(tmp_path_factory.mktemp('secrets-sim'))) as server:
        yield server


@pytest.fixture(scope='module')
def sim(zvmsim):
    return zvmsim


def search_everywhere(sim, results, controller_dirs):
    """Leaks in ``results`` (dicts or text), the simulator's request log and
    state directory, and the files under ``controller_dirs``."""
    found = []
    for i, res in enumerate(results):
        found += leaks(res if isinstance(res, str) else json.dumps(res, ensure_ascii=False), 'result %d' % i)
        if not isinstance(res, str):
            found += leaks(json.dumps(res), 'result %d (ASCII JSON)' % i)
    found += leaks(json.dumps(sim.calls(), ensure_ascii=False), 'sim.calls()')
    skip = ('state.db', 'state.db-wal', 'state.db-shm', 'system.yml')
    state_files = [p for p in glob.glob(os.path.join(sim.state_dir, '*')) if os.path.basename(p) not in skip]
    assert any(p.endswith('requests.jsonl') for p in state_files)
    for path, text in files_text(state_files):
        found += leaks(text, path)
    written = []
    for top in controller_dirs:
        if os.path.isfile(str(top)):
            written.append(str(top))
        for root, _dirs, names in os.walk(str(top)):
            written += [os.path.join(root, n) for n in names]
    for path, text in files_text(written):
        found += leaks(text, path)
    return found, written


def test_passwords_leak_nowhere_in_process(run_module, sim, tmp_path):
    """Module runs in process (results, diffs, failures) and what they leave."""
    results = []

    def run(*args, **kw):
        res = run_module(*args, **dict(CONNECTION, **kw))
        results.append(dict(res))
        return res

    good = dict(name='SECG1', memory='512M', password=GOOD[0], stop_mode='immediate')

    def good_but(**changes):
        out = dict(good)
        out.update(changes)
        return out
    res = run_module.paired(zvm_guest, **dict(CONNECTION, **good))
    results.append(dict(res))
    assert not res.failed and 'diff' in res, res.get('msg')
    stored = sim.dump()['directory']['SECG1'][0].split()
    assert stored[2].upper() == GOOD[0].upper()         # the password did reach the directory
    for password in GOOD[1:]:
        changed = run(zvm_guest, diff=True, **good_but(password=password))
        assert changed['changed'] and 'diff' in changed, changed.get('msg')
        results.append(dict(run(zvm_guest, check=True, diff=True, **good_but(password=GOOD[0]))))
    for action in ('rc', 'close_after_id'):                 # a failure at the directory write
        sim.fault(function='Image_Replace_DM', action=action, rc=596, rs=3210, times=1)
        try:
            failed = run(zvm_guest, diff=True, **good_but(password=GOOD[0]))
        finally:
            sim.clear_faults()
        assert failed.failed and 'Image_Replace_DM' in failed['msg']
    for password in BAD:
        for name in ('SECG1', 'SECG2'):                     # a change and a creation
            bad = run(zvm_guest, diff=True, **good_but(name=name, password=password))
            assert bad.failed and bad['msg'].startswith('password:') and not bad.writes, bad['msg']
    wrong = run_module(zvm_guest, name='SECG1', smapi_user=SMAPI_USER, smapi_password=WRONG_SMAPI_PASSWORD)
    results.append(dict(wrong))
    assert wrong.failed and (wrong['smapi']['rc'], wrong['smapi']['rs']) == (120, 0), wrong['msg']
    for password in BAD_SMAPI_PASSWORDS:
        bad = run_module(zvm_guest, name='SECG1', smapi_user=SMAPI_USER, smapi_password=password)
        results.append(dict(bad))
        assert bad.failed and bad['msg'].startswith('smapi_password:') and not bad.calls, bad['msg']
    client = SmapiClient('127.0.0.1', SMAPI_USER, SMAPI_PASSWORD, port=sim.port)
    refused = []
    for password in BAD:                                    # the codec's own errors, below the modules
        try:
            client.call('Image_Create_DM', 'SECG3', image_record_array=['USER SECG3 %s 512M 1G G' % password])
        except Exception as e:  # pylint: disable=broad-except
            refused.append(password)
            results.append('%s: %s' % (type(e).__name__, e))
        else:                                               # SMAPI can carry it; the directory has it
            client.call('Image_Delete_DM', 'SECG3', data_security_erase=0)
    assert BAD[0] in refused and BAD[1] in refused          # a zero-width space, a control character
    results.append(dict(run(zvm_guest, name='SECG1', state='absent', stop_mode='immediate')))
    found, written = search_everywhere(sim, results, [tmp_path])
    assert any('zvm-cloud-locks-' in p for p in written)     # the host lock directory was searched
    assert found == []


def test_passwords_leak_nowhere_in_a_verbose_playbook_run(play, zvmsim, tmp_path, tmp_path_factory):
    """ansible-playbook -vvvv --diff: the output, the task results and the
    files the collection wrote in its $TMPDIR."""
    controller = tmp_path / 'controller'
    controller.mkdir()
    secrets = tmp_path / 'secrets.json'         # as a vault would give them: not in the playbook's text
    secrets.write_text(json.dumps({'good0': GOOD[0], 'good1': GOOD[1], 'bad0': BAD[0], 'bad1': BAD[1],
                                   'wrong': WRONG_SMAPI_PASSWORD}))
    guest = {'name': 'SECP1', 'memory': '512M', 'stop_mode': 'immediate'}
    tasks = [
        {'name': 'create', 'zvm.cloud.zvm_guest': dict(guest, password='{{ good0 }}')},
        {'name': 'new password', 'zvm.cloud.zvm_guest': dict(guest, password='{{ good1 }}')},
        {'name': 'bad password', 'zvm.cloud.zvm_guest': dict(guest, password='{{ bad0 }}'), 'ignore_errors': True},
        {'name': 'bad password 2', 'zvm.cloud.zvm_guest': dict(guest, password='{{ bad1 }}'), 'ignore_errors': True},
        {'name': 'wrong SMAPI password', 'ignore_errors': True,
         'zvm.cloud.zvm_guest': dict(guest, smapi_password='{{ wrong }}')},
        {'name': 'delete', 'zvm.cloud.zvm_guest': {'name': 'SECP1', 'state': 'absent', 'stop_mode': 'immediate'}},
    ]
    run = play(tasks, diff=True, defaults=False, extra_args=['-vvvv', '-e', '@%s' % secrets],
               env=dict(zvmsim.env(user=SMAPI_USER, password=SMAPI_PASSWORD), TMPDIR=str(controller)))
    assert run.rc == 0, run
    statuses = [(r['task'], r['status'], r['result'].get('changed')) for r in run.results]
    assert statuses == [('create', 'ok', True), ('new password', 'ok', True), ('bad password', 'failed', False),
                        ('bad password 2', 'failed', False), ('wrong SMAPI password', 'failed', False),
                        ('delete', 'ok', True)], statuses
    assert '-vvvv' not in run.stdout and 'ESTABLISH LOCAL CONNECTION' in run.stdout    # verbose indeed
    assert '********' in run.stdout                         # Ansible masked something (no_log)
    plays_dirs = glob.glob(os.path.join(str(tmp_path_factory.getbasetemp()), 'plays*'))
    outputs = [p for d in plays_dirs for p in glob.glob(os.path.join(d, '*')) if not p.endswith('.yml')]
    found, written = search_everywhere(zvmsim, [run.stdout] + [r['result'] for r in run.results],
                                       [controller] + outputs)
    assert any('zvm-cloud-locks-' in p for p in written)
    assert found == []


# -- the access node's password and private key ------------------------------------------------------

@pytest.fixture(scope='module')
def node_sshd(sim_node, zvmsim, tmp_path_factory):
    """A real sshd in front of the simulator's access node (keys only), its
    client key and a wrong key (``wrong_key``) among the secrets searched."""
    skip_unless_available()
    keys = tmp_path_factory.mktemp('node-keys')
    wrong = str(keys / 'wrong_ed25519')
    subprocess.run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'wrong', '-f', wrong], check=True)
    with NodeSshd(sim_node['dir'], zvmsim.state_dir) as server:
        common = set(key_body(server.client_key)) & set(key_body(wrong))
        KEY_FORMS[:] = [('the node key', key_forms(server.client_key, common)),
                        ('a wrong key', key_forms(wrong, common))]
        with open(wrong + '.pub') as fh:
            changed = keys / 'changed_known_hosts'          # another key for the node's address
            changed.write_text('[%s]:%d %s\n' % (server.host, server.port, ' '.join(fh.read().split()[:2])))
        unknown = keys / 'empty_known_hosts'
        unknown.write_text('')
        server.wrong_key, server.changed_hosts, server.unknown_hosts = wrong, str(changed), str(unknown)
        try:
            yield server
        finally:
            KEY_FORMS[:] = []


def node_options(sshd, **changes):
    out = {'node_host': sshd.host, 'node_port': sshd.port, 'node_user': sshd.user, 'node_password': NODE_PASSWORD,
           'node_private_key_file': sshd.client_key, 'node_known_hosts_file': sshd.known_hosts}
    out.update(changes)
    return dict((k, v) for k, v in out.items() if v is not None)


def image_url(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(image_format.build_header(image_format.CKD_BLOCKS, 10, 'CYL', 6) +
                     gzip.compress(os.urandom(4096) * 64, 6))
    return 'file://%s' % path


# what each failure over SSH says (NodeError, one line)
NODE_FAILURES = [
    (dict(node_private_key_file=None), 'authentication as'),                             # a wrong password
    (lambda s: dict(node_private_key_file=s.wrong_key), 'authentication as'),           # a wrong key
    (lambda s: dict(node_known_hosts_file=s.unknown_hosts), 'is not in the known hosts file'),
    (lambda s: dict(node_known_hosts_file=s.changed_hosts), 'which is not the one'),
    (lambda s: dict(node_port=free_port()), 'cannot connect'),                          # unreachable
]
PLAY_FAILURES = (0, 2, 4)       # those the playbook run makes too


def test_node_secrets_leak_nowhere_in_process(run_module, sim, sim_node, node_sshd, tmp_path):
    """Imports and a deploy over SSH (check, real, diff), the failures of
    NODE_FAILURES, a bad password, and what they leave."""
    results = []

    def run(module, check=False, diff=False, **args):
        res = run_module(module, node=True, check=check, diff=diff, **dict(CONNECTION, **args))
        results.append(dict(res))
        return res
    source = dict(name='sec-img1', os_version='rhel9', url=image_url(tmp_path, 'secret.img'))
    image = dict(source, **node_options(node_sshd))
    res = run_module.paired(zvm_image, node=True, **dict(CONNECTION, **image))
    results.append(dict(res))
    assert not res.failed and res['changed'] and 'diff' in res, res.get('msg')
    assert not run(zvm_image, diff=True, **image)['changed']
    guest = dict(name='SECN1', memory='512M', image='sec-img1', stop_mode='immediate',
                 disks=[{'vdev': '0100', 'size': '10', 'disk_pool': 'ECKD:POOL1'}], **node_options(node_sshd))
    res = run_module.paired(zvm_guest, node=True, **dict(CONNECTION, **guest))
    results.append(dict(res))
    assert not res.failed and res['actions'][-1] == 'deploy image sec-img1 to disk 0100', res.get('msg')
    for changes, says in NODE_FAILURES:
        changes = changes(node_sshd) if callable(changes) else changes
        failed = run(zvm_image, diff=True, **dict(source, name='sec-img2', **node_options(node_sshd, **changes)))
        assert failed.failed and says in failed['msg'] and 'access node 127.0.0.1:' in failed['msg'], failed['msg']
    for password in BAD_NODE_PASSWORDS:
        bad = run(zvm_image, **dict(image, name='sec-img2', node_password=password))
        assert bad.failed and bad['msg'].startswith('node_password:') and not bad.calls, bad['msg']
    for password in URL_PASSWORDS:
        in_url = 'https://zvm:%s@images.example.com/x.img' % password
        bad = run(zvm_image, diff=True, **dict(image, name='sec-img2', url=in_url))
        assert bad.failed and bad['msg'].startswith('url: a URL with a user name or password'), bad['msg']
        bad = run(zvm_image, **dict(image, name='sec-img1', state='exported', dest_url='file://u:%s@/x' % password))
        assert bad.failed and bad['msg'].startswith('dest_url: a URL with a user name or password'), bad['msg']
    assert not run(zvm_guest, name='SECN1', state='absent', stop_mode='immediate', **node_options(node_sshd)).failed
    with open(node_sshd.unknown_hosts) as fh:
        assert fh.read() == ''          # the known hosts files are only read: no key was added
    found, written = search_everywhere(sim, results, [tmp_path, sim_node['repository'], sim_node['dir']])
    assert any('zvm-cloud-locks-' in p for p in written) and any(p.endswith('/sec-img1/meta.json') for p in written)
    assert KEY_FORMS
    assert found == []
    assert run(zvm_image, name='sec-img1', state='absent', **node_options(node_sshd))['changed']


def test_node_secrets_leak_nowhere_in_a_verbose_playbook_run(play, zvmsim, sim_node, node_sshd, tmp_path,
                                                             tmp_path_factory):
    """ansible-playbook -vvvv --diff with the node's password and key: an
    import (with its check-mode copy), a wrong password, an unknown host
    key, an unreachable node, a bad password, the import again (nothing to
    do); the other failures of NODE_FAILURES run in process."""
    controller = tmp_path / 'controller'
    controller.mkdir()
    secrets = tmp_path / 'secrets.json'         # as a vault would give them: not in the playbook's text
    secrets.write_text(json.dumps({'node_pw': NODE_PASSWORD, 'bad_node_pw': BAD_NODE_PASSWORDS[0]}))
    image = {'name': 'sec-play1', 'os_version': 'rhel9', 'url': image_url(tmp_path, 'play.img')}
    node = node_options(node_sshd, node_password='{{ node_pw }}')
    tasks = [{'name': 'import', 'zvm.cloud.zvm_image': dict(image, **node)}]
    for i in PLAY_FAILURES:
        changes = NODE_FAILURES[i][0](node_sshd) if callable(NODE_FAILURES[i][0]) else NODE_FAILURES[i][0]
        tasks.append({'name': 'failure %d' % i, 'ignore_errors': True, 'check_mode': False,     # no check copy
                      'zvm.cloud.zvm_image': dict(image, name='sec-play2', **node_options(
                          node_sshd, **dict(changes, node_password='{{ node_pw }}')))})
    tasks += [{'name': 'bad password', 'ignore_errors': True, 'check_mode': False,
               'zvm.cloud.zvm_image': dict(image, name='sec-play2', **dict(node, node_password='{{ bad_node_pw }}'))},
              {'name': 'import again', 'zvm.cloud.zvm_image': dict(image, **node)}]
    env = dict(zvmsim.env(user=SMAPI_USER, password=SMAPI_PASSWORD), TMPDIR=str(controller),
               ZVM_NODE_IMAGE_REPOSITORY=sim_node['repository'], ZVM_NODE_DEVICE_DIR=sim_node['device_dir'])
    run = play(tasks, diff=True, defaults=False, extra_args=['-vvvv', '-e', '@%s' % secrets], env=env)
    assert run.rc == 0, run
    statuses = [(r['task'], r['status']) for r in run.results]
    assert statuses == [('import', 'ok')] + [('failure %d' % i, 'failed') for i in PLAY_FAILURES] + \
        [('bad password', 'failed'), ('import again', 'ok')], statuses
    assert run.results[0]['result']['changed'] and not run.results[-1]['result']['changed']
    assert 'ESTABLISH LOCAL CONNECTION' in run.stdout and '********' in run.stdout
    plays_dirs = glob.glob(os.path.join(str(tmp_path_factory.getbasetemp()), 'plays*'))
    outputs = [p for d in plays_dirs for p in glob.glob(os.path.join(d, '*')) if not p.endswith('.yml')]
    found, written = search_everywhere(zvmsim, [run.stdout] + [r['result'] for r in run.results],
                                       [controller, sim_node['repository'], sim_node['dir']] + outputs)
    assert any(p.endswith('/sec-play1/0100') for p in written)     # the repository was searched (with the image)
    assert KEY_FORMS
    assert found == []
