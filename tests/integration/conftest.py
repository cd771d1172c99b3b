# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Integration tests: real ansible-playbook runs against a real zvmsim.

``play(tasks, ...)`` runs a one-play playbook on localhost whose
``module_defaults`` point group/zvm.cloud.zvm at the session's simulator,
and returns a ``PlayRun`` with the exit code, the task results (in order)
and the SMAPI requests the simulator logged during the run.

Check mode is a promise, and every run proves it: unless the play itself
runs in check mode, each task of a zvm.cloud module that changes things is
preceded by a copy of itself in check mode (``checkmode.pair_tasks``), and
the prediction (changed, actions, diff and the returned resource) must equal
what the real task then did and re-read (``checkmode.compare``); the play
fails the test otherwise.  The copies' results and SMAPI requests are left
out of the ``PlayRun``.

A test module that needs the access node has a simulator of its own
(``node setup`` adds the node's guest, which would change the guest lists
other tests assert): the module-scoped ``sim`` fixture (``node_sim``), with
``local_node`` (an AccessNode run here) and ``sshd`` (a real OpenSSH server
in front of the node); ``make_local_node`` and ``make_sdk`` make more.  A
module that needs another simulator defines its own ``sim``.
"""

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

import pytest
import yaml

from ansible_collections.zvm.cloud.plugins.module_utils.node.access import AccessNode
from ansible_collections.zvm.cloud.plugins.module_utils.node.runner import LocalRunner
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.api import SDKAPI
from tests.integration import checkmode
from zvmsim import requestlog
from zvmsim.node.sshd import NodeSshd, skip_unless_available
from zvmsim.testing import ROOT, SimServer

HERE = os.path.dirname(os.path.abspath(__file__))

# A system for the tests: fast soft stops, and a small pool that fills up
TEST_SYSTEM = {
    'power': {'soft_stop_seconds': 0},
    'dasd': [
        {'volid': 'LX0100', 'devtype': '3390', 'cylinders': 30051, 'rdev': '0100'},
        {'volid': 'LX0101', 'devtype': '3390', 'cylinders': 30051, 'rdev': '0101'},
        {'volid': 'LX0102', 'devtype': '3390', 'cylinders': 10017, 'rdev': '0102'},
        {'volid': 'LX0103', 'devtype': '3390', 'cylinders': 10017, 'rdev': '0103'},
        {'volid': 'SM0300', 'devtype': '3390', 'cylinders': 3000, 'rdev': '0300'},
        {'volid': 'FB0200', 'devtype': '9336', 'blocks': 8388608, 'rdev': '0200'},
        {'volid': 'FB0201', 'devtype': '9336', 'blocks': 8388608, 'rdev': '0201'},
        {'volid': 'M01RES', 'devtype': '3390', 'cylinders': 10017, 'rdev': '0123', 'system': True},
    ],
    'groups': {'POOL1': ['LX0100', 'LX0101'], 'POOL2': ['LX0102', 'LX0103'], 'FBAPOOL': ['FB0200', 'FB0201'],
               'SMALL': ['SM0300']},
}


def ansible_bin(name):
    candidate = os.path.join(os.path.dirname(sys.executable), name)
    return candidate if os.path.exists(candidate) else shutil.which(name)


@pytest.fixture(scope='session')
def collections_path():
    """A collections tree holding this checkout as zvm.cloud: the one
    tools/test staged, or a symlink in a temporary directory."""
    staged = os.environ.get('ANSIBLE_COLLECTIONS_PATH')
    if staged and os.path.isdir(os.path.join(staged, 'ansible_collections', 'zvm', 'cloud')):
        yield staged
        return
    tmp = tempfile.mkdtemp(prefix='zvm-collections-')
    os.makedirs(os.path.join(tmp, 'ansible_collections', 'zvm'))
    os.symlink(ROOT, os.path.join(tmp, 'ansible_collections', 'zvm', 'cloud'))
    yield tmp
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope='session')
def zvmsim():
    with SimServer(config=TEST_SYSTEM) as sim:
        yield sim


# -- a simulator of a test module's own, with its access node ---------------------------------------------

_TEST_SYSTEM = object()       # node_sim's default: TEST_SYSTEM (None is the simulator's own default system)


@contextlib.contextmanager
def node_sim(config=_TEST_SYSTEM, **kwargs):
    """A SimServer (``config``, default TEST_SYSTEM; ``kwargs``) with its
    access node set up (``sim.node_dir``)."""
    with SimServer(config=TEST_SYSTEM if config is _TEST_SYSTEM else config, **kwargs) as server:
        server.node()
        yield server


def node_device_dir(sim):
    """Where the udev of ``sim``'s node names CCW devices."""
    return os.path.join(sim.node_dir, 'dev', 'disk', 'by-path')


def make_local_node(sim, env=None, **kwargs):
    """An AccessNode of ``sim`` whose commands run here (the node's on PATH,
    and ``env``), its image repository in the simulator's state directory;
    ``kwargs`` go to AccessNode."""
    runner = LocalRunner(env=dict(os.environ, **dict(sim.node_env(sim.node_dir), **(env or {}))))
    return AccessNode(runner, device_dir=node_device_dir(sim), repository=os.path.join(sim.state_dir, 'images'),
                      **kwargs)


def make_sdk(sim, node=None):
    """An SDKAPI on ``sim`` as MAINT, with ``node`` (an AccessNode) or none."""
    return SDKAPI(host='127.0.0.1', port=sim.port, userid='MAINT', password='MAINT', node=node)


@pytest.fixture(scope='module')
def sim():
    """The test module's own simulator (TEST_SYSTEM) with its access node."""
    with node_sim() as server:
        yield server


@pytest.fixture(scope='module')
def local_node(sim):
    """An AccessNode of ``sim`` run here, for the whole module."""
    with make_local_node(sim) as made:
        yield made


@pytest.fixture(scope='module')
def sshd(sim):
    """A real OpenSSH server on loopback in front of ``sim``'s node (skips
    the test where sshd is not installed)."""
    skip_unless_available()
    with NodeSshd(sim.node_dir, sim.state_dir) as server:
        yield server


class PlayRun:
    def __init__(self, rc, results, stdout, calls, checked=0):
        self.rc = rc
        self.results = results
        self.stdout = stdout
        self.calls = calls
        self.checked = checked      # how many results were compared with a check-mode prediction

    def result(self, index=-1):
        return self.results[index]['result']

    def task(self, name):
        return next(r['result'] for r in self.results if r['task'] == name)

    @property
    def reads(self):
        return [c for c in self.calls if not c['write']]

    @property
    def writes(self):
        return [c for c in self.calls if c['write']]

    def __repr__(self):
        failed = [r['result'].get('msg') for r in self.results if r['status'] == 'failed']
        return 'PlayRun(rc=%d, failures=%r)\n%s' % (self.rc, failed, self.stdout[-3000:])


@pytest.fixture(scope='session')
def play(zvmsim, collections_path, tmp_path_factory):
    workdir = str(tmp_path_factory.mktemp('plays'))
    counter = [0]

    def run(tasks, check=False, diff=False, play_vars=None, defaults=True, env=None, hosts='localhost',
            inventory=None, extra_args=(), pair_check=True):
        counter[0] += 1
        base = os.path.join(workdir, 'play%03d' % counter[0])
        paired = pair_check and not check and '--check' not in extra_args
        play_doc = {'name': 'test', 'hosts': hosts, 'gather_facts': False,
                    'tasks': checkmode.pair_tasks(tasks) if paired else tasks}
        if defaults:
            play_doc['module_defaults'] = {'group/zvm.cloud.zvm': {
                'smapi_host': '127.0.0.1', 'smapi_port': zvmsim.port, 'smapi_user': 'MAINT',
                'smapi_password': 'MAINT'}}
        if play_vars:
            play_doc['vars'] = play_vars
        with open(base + '.yml', 'w') as fh:
            yaml.safe_dump([play_doc], fh, sort_keys=False)
        results_path = base + '.results'
        run_env = dict(os.environ)
        run_env.update({
            'ANSIBLE_COLLECTIONS_PATH': collections_path,
            'ANSIBLE_CALLBACK_PLUGINS': os.path.join(HERE, 'callback_plugins'),
            'ANSIBLE_CALLBACKS_ENABLED': 'zvm_test_results',
            'ZVM_TEST_RESULTS': results_path,
            'ZVM_TEST_REQUEST_LOG': os.path.join(zvmsim.state_dir, requestlog.LOG_NAME),
            'ANSIBLE_NOCOLOR': '1',
            'ANSIBLE_LOCALHOST_WARNING': 'false',
            'ANSIBLE_INVENTORY_UNPARSED_WARNING': 'false',
            'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
            'ANSIBLE_HOME': os.path.join(workdir, '.ansible'),
        })
        for key in list(run_env):
            if key.startswith('ZVM_SMAPI_'):
                del run_env[key]
        run_env.update(env or {})
        cmd = [ansible_bin('ansible-playbook'), base + '.yml', '-i', inventory or 'localhost,',
               '-c', 'local'] + list(extra_args)
        if check:
            cmd.append('--check')
        if diff:
            cmd.append('--diff')
        mark = zvmsim.mark()
        proc = subprocess.run(cmd, env=run_env, cwd=workdir, capture_output=True, text=True, timeout=600, check=False)
        records = []
        if os.path.exists(results_path):
            with open(results_path) as fh:
                records = [json.loads(line) for line in fh if line.strip()]
        calls = zvmsim.calls(since=mark)
        results = [r for r in records if 'event' not in r]
        checked = 0
        if paired:
            checked = checkmode.compare(results)
            results, calls = checkmode.without_copies(records, calls)
        return PlayRun(proc.returncode, results, proc.stdout + proc.stderr, calls, checked)
    return run
