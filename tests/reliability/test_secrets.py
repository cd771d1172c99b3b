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
``zvm-cloud-locks-UID`` in $TMPDIR, its lock files and lock markers).  The
modules take no SSH keys yet; they join the list when one does.
"""

import glob
import json
import os

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.smapi.client import SmapiClient
from ansible_collections.zvm.cloud.plugins.modules import zvm_guest

from tests.integration import conftest as _integration
from tests.integration.conftest import TEST_SYSTEM
from zvmsim.testing import SimServer

# the integration tests' playbook fixtures, reused as they are
collections_path = _integration.collections_path
play = _integration.play

SMAPI_USER = 'SECADM'
SMAPI_PASSWORD = 'Qx-S3cr3t-9zW!'
WRONG_SMAPI_PASSWORD = 'Wr0ng-K3y-7qZ?'
BAD_SMAPI_PASSWORDS = ['Ct1\x1fSm4p-Zq8']
GOOD = ['Q7%zK!x9', 'h#4Tq$8w', 'Z9@mP=3v']
BAD = ['Wq\u200b7Kz9', 'Wq\x1f7Kz', 'Wq\u00a07Kz', 'Wq\u00e97Kz', 'Wq7Kz9Xy3', 'Wq\ufeff7Kz', 'Wq\u20287Kz']
SECRETS = GOOD + BAD + [SMAPI_PASSWORD, WRONG_SMAPI_PASSWORD] + BAD_SMAPI_PASSWORDS
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
    return found


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
