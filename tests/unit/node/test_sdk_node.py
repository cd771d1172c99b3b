# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SDK's access node (``SDKBase(node=...)``, ``require_node``), the
module frame building it from the node options, and how
guest_get_console_output reads a reader file with or without a node."""

import contextlib
import json

import pytest

from ansible.module_utils import basic

from ansible_collections.zvm.cloud.plugins.module_utils import base, connection
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.node import options
from ansible_collections.zvm.cloud.plugins.module_utils.node.access import AccessNode
from ansible_collections.zvm.cloud.plugins.module_utils.node.runner import LocalRunner, SshRunner
from ansible_collections.zvm.cloud.plugins.module_utils.sdk import host as sdk_host
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.api import SDKAPI
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import (
    SDKFunctionNotImplementError, SDKInternalError,
)
from tests.unit.node.fake import FakeRunner
from tests.unit.plugins.modules.conftest import patch_module_args

SMAPI = {'smapi_host': '127.0.0.1', 'smapi_user': 'MAINT', 'smapi_password': 'Smapi-Pw'}


def sdk_with(node):
    return SDKAPI(host='127.0.0.1', userid='MAINT', password='x', node=node)


def test_no_node_and_require_node():
    sdk = sdk_with(None)
    assert sdk.node is None
    with pytest.raises(SDKFunctionNotImplementError) as e:
        sdk.require_node('image_import')
    assert str(e.value) == ('image_import needs an access node: set node_host (ZVM_NODE_HOST) or run the task on '
                            'the node')


def test_a_node_factory_runs_once_when_first_needed():
    made = []

    def factory():
        made.append(1)
        return AccessNode(FakeRunner())
    sdk = sdk_with(factory)
    assert made == []
    assert sdk.require_node('guest_deploy') is sdk.node and made == [1]
    sdk.close()
    assert sdk.node.runner.closed


def test_a_factory_error_is_raised_each_time_and_nothing_is_kept():
    def factory():
        raise InputError('node_user: required with node_host')
    sdk = sdk_with(factory)
    for _attempt in range(2):
        with pytest.raises(InputError, match='node_user'):
            sdk.node   # pylint: disable=pointless-statement
    sdk.close()         # nothing was made: nothing to close


@contextlib.contextmanager
def running(args, node_options=True):
    """A ZvmModule with these arguments, as while its main() runs."""
    spec = dict(options.argument_spec()) if node_options else {}
    with patch_module_args(dict(SMAPI, **args)):
        yield base.ZvmModule(argument_spec=spec)


def module_with(args, node_options=True):
    with running(args, node_options) as module:
        return module


def test_the_module_builds_a_local_node_without_node_host(monkeypatch):
    for name in ('ZVM_NODE_HOST', 'ZVM_NODE_DEVICE_DIR'):
        monkeypatch.delenv(name, raising=False)
    module = module_with({})
    node = module.sdk.node
    assert isinstance(node.runner, LocalRunner) and node.device_dir == '/dev/disk/by-path'
    assert module_with({}, node_options=False).sdk.node is None


def test_the_module_builds_an_ssh_node_from_options_and_the_environment(monkeypatch):
    monkeypatch.setenv('ZVM_NODE_HOST', 'node1.example.com')
    monkeypatch.setenv('ZVM_NODE_USER', 'zvmadm')
    monkeypatch.setenv('ZVM_NODE_PRIVATE_KEY_FILE', '/keys/id')
    module = module_with({'node_port': 2222, 'node_image_repository': '/srv/images'})
    node = module.sdk.node
    assert isinstance(node.runner, SshRunner)
    assert (node.runner.host, node.runner.port, node.runner.user, node.runner.key_file) == \
        ('node1.example.com', 2222, 'zvmadm', '/keys/id')
    assert node.repository == '/srv/images'


def test_a_bad_node_option_fails_the_task_in_one_line(monkeypatch, capsys):
    monkeypatch.setenv('ZVM_NODE_HOST', 'node1.example.com')
    monkeypatch.delenv('ZVM_NODE_USER', raising=False)
    with running({'node_password': 'Node-Secret-1'}) as module:
        with pytest.raises(SystemExit):
            with module.errors():
                module.sdk.require_node('guest_deploy')
    result = json.loads(capsys.readouterr().out)
    assert result['failed'] and result['msg'] == ('node_user: required with node_host (set it as an option or in '
                                                  'ZVM_NODE_USER)')
    assert 'Node-Secret-1' not in json.dumps(result)


def test_exit_closes_the_node_connection(monkeypatch, capsys):
    monkeypatch.delenv('ZVM_NODE_HOST', raising=False)
    runner = FakeRunner()
    with running({}) as module:
        module.sdk.node = AccessNode(runner)
        assert module.sdk.node is not None
        with pytest.raises(SystemExit):
            module.exit_json(changed=False)
    assert runner.closed and json.loads(capsys.readouterr().out)['changed'] is False


def test_the_node_options_are_not_connection_options():
    assert not set(options.argument_spec()) & set(connection.argument_spec())
    assert basic.AnsibleModule      # the module frame above is the real AnsibleModule


# -- guest_get_console_output's reader ------------------------------------------------------------

def test_console_reader_on_the_node_when_it_is_the_smapi_users_guest():
    runner = FakeRunner(userid='MAINT')
    runner.reader[5] = {'name': 'CON', 'class': 'T', 'owner': 'MAINT', 'data': b'IPL done\n'}
    read = sdk_host.console_reader(None, AccessNode(runner), 'maint')
    assert read(5) == 'IPL done\n'
    assert runner.calls[-1] == ['vmur', 'receive', '-H', '-t', '-O', '5']


def test_console_reader_refuses_a_node_that_cannot_see_the_file():
    with pytest.raises(SDKFunctionNotImplementError, match="sends the console file to MAINT's reader, and the "
                                                           'access node is ZVMNODE, which cannot read it'):
        sdk_host.console_reader(None, AccessNode(FakeRunner()), 'MAINT')


def test_reader_command_runs_on_the_node_when_there_is_one():
    runner = FakeRunner()
    runner.reader[9] = {'name': 'CON', 'class': 'T', 'owner': 'ZVMNODE', 'data': b'text\n'}
    read = sdk_host.console_reader('vmur receive -t -O {spoolid}', AccessNode(runner), 'MAINT')
    assert read(9) == 'text\n' and runner.calls == [['vmur', 'receive', '-t', '-O', '9']]
    with pytest.raises(SDKInternalError, match=r'^reading reader file 10 with vmur receive -t failed \(exit 1\): '
                                               r'vmur: Reader file 10 does not exist$'):
        read(10)


def test_console_reader_without_node_needs_vmur_here(monkeypatch, tmp_path):
    monkeypatch.setenv('PATH', str(tmp_path))
    with pytest.raises(SDKFunctionNotImplementError, match='vmur is not on PATH here'):
        sdk_host.console_reader(None, None, 'MAINT')
    vmur = tmp_path / 'vmur'
    vmur.write_text('#!/bin/sh\necho "file $5"\n')
    vmur.chmod(0o755)
    assert sdk_host.console_reader(None, None, 'MAINT')(12) == 'file 12\n'


def test_reader_argv():
    assert sdk_host.reader_argv(sdk_host.DEFAULT_READER_COMMAND, '0042') == ['vmur', 'receive', '-H', '-t', '-O', '42']
    assert sdk_host.reader_argv(['vmur', 're', '-O', '{spoolid}', '-t'], 7) == ['vmur', 're', '-O', '7', '-t']


def test_last_transfer_is_per_thread():
    # a fleet task deploys several guests at once through one SDK object: each thread sees its own figures
    import threading
    sdk = SDKAPI(client=object())
    sdk.last_transfer = {'bytes': 1, 'seconds': 1.0, 'mb_per_s': 0.0}
    seen = []

    def other():
        seen.append(sdk.last_transfer)
        sdk.last_transfer = {'bytes': 2, 'seconds': 1.0, 'mb_per_s': 0.0}

    t = threading.Thread(target=other)
    t.start()
    t.join()
    assert seen == [None] and sdk.last_transfer['bytes'] == 1
