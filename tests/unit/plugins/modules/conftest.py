# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Modules run in-process against zvmsim: ``main()`` of a module with its
arguments, the result it would return to Ansible, and the SMAPI requests
the simulator logged while it ran.

    def test_bad_vdev(run_module):
        res = run_module(zvm_nic, guest='LINUX01', vdev='XYZ', check=True)
        assert res.failed and res['msg'] == "vdev: 'XYZ' is not ..."

These cover bad input and planning cases at a fraction of the cost of an
``ansible-playbook`` run (tests/integration), which stays the place for
end-to-end behaviour.  ``run_module.paired(module, **args)`` keeps the
promise the integration plays keep: it runs the module in check mode with
diff first, then for real with diff, and fails the test when the prediction
differs from what the real run did and re-read (``checkmode.compare_results``).

``run_module(module, node=True, ...)`` also points the module's access
node options at the simulator's node (``sim_node``: ``node setup``, which
adds the node's guest, so only the test files that ask for it get one),
run here with its commands on PATH.
"""

import contextlib
import io
import json
import os
import sys

import pytest

from ansible.module_utils import basic

from tests.integration import checkmode
from tests.integration.conftest import TEST_SYSTEM
from zvmsim.testing import SimServer

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:     # ansible-core before 2.19
    from unittest import mock

    @contextlib.contextmanager
    def patch_module_args(args):
        data = json.dumps({'ANSIBLE_MODULE_ARGS': args}).encode()
        with mock.patch.object(basic, '_ANSIBLE_ARGS', data):
            yield


def _clear_module_warnings():
    """AnsibleModule keeps warnings in module globals; one module process
    per run clears them, in-process runs must."""
    try:
        from ansible.module_utils.common import warnings
    except ImportError:     # pragma: no cover
        return
    for name in ('_global_warnings', '_global_deprecations'):
        store = getattr(warnings, name, None)
        if store is not None:
            store.clear()


class ModuleResult(dict):
    """The module's result dict, plus the simulator's requests during the run."""

    def __init__(self, result, calls):
        dict.__init__(self, result)
        self.calls = calls

    @property
    def failed(self):
        return bool(self.get('failed'))

    @property
    def writes(self):
        return [c for c in self.calls if c['write']]

    @property
    def reads(self):
        return [c for c in self.calls if not c['write']]


@pytest.fixture(scope='module')
def sim():
    with SimServer(config=TEST_SYSTEM) as server:
        yield server


@pytest.fixture(scope='module')
def sim_node(sim):
    """The simulator's access node: {'dir', 'device_dir', 'repository' (an
    empty image repository of this test module), 'path' (PATH with the
    node's commands first)}."""
    node_dir = sim.node()
    repository = os.path.join(sim.state_dir, 'images')
    os.makedirs(repository, exist_ok=True)
    return {'dir': node_dir, 'device_dir': os.path.join(node_dir, 'dev', 'disk', 'by-path'),
            'repository': repository, 'path': sim.node_env(node_dir)['PATH']}


@pytest.fixture
def run_module(sim, monkeypatch, tmp_path, request):
    """``run_module(module, check=False, diff=False, **args)``: run the
    module's main() against the simulator and return a ModuleResult."""
    monkeypatch.setattr('tempfile.tempdir', str(tmp_path))
    for key in ('ZVM_SMAPI_HOST', 'ZVM_SMAPI_PORT', 'ZVM_SMAPI_USER', 'ZVM_SMAPI_PASSWORD', 'ZVM_SMAPI_TLS'):
        monkeypatch.delenv(key, raising=False)
    for key in [k for k in os.environ if k.startswith('ZVM_NODE_')]:
        monkeypatch.delenv(key)

    def run(module, check=False, diff=False, smapi=True, node=False, **args):
        """``smapi=False`` leaves the connection options out; ``node=True``
        adds the simulator's access node (run here)."""
        params = dict(args)
        _clear_module_warnings()
        if node:
            found = request.getfixturevalue('sim_node')
            monkeypatch.setenv('PATH', found['path'])
            params.setdefault('node_device_dir', found['device_dir'])
            params.setdefault('node_image_repository', found['repository'])
        if smapi:
            params.setdefault('smapi_host', '127.0.0.1')
            params.setdefault('smapi_port', sim.port)
            params.setdefault('smapi_user', 'MAINT')
            params.setdefault('smapi_password', 'MAINT')
        params['_ansible_check_mode'] = check
        params['_ansible_diff'] = diff
        out = io.StringIO()
        mark = sim.mark()
        with patch_module_args(params), contextlib.redirect_stdout(out):
            with pytest.raises(SystemExit):
                module.main()
        text = out.getvalue()
        try:
            result = json.loads(text)
        except ValueError:
            sys.stderr.write(text)
            raise
        return ModuleResult(result, sim.calls(since=mark))

    def paired(module, **args):
        predicted = run(module, check=True, diff=True, **args)
        real = run(module, diff=True, **args)
        if not real.failed:
            checkmode.compare_results(module.__name__.rsplit('.', 1)[-1], dict(predicted), dict(real))
        return real

    run.paired = paired
    return run
