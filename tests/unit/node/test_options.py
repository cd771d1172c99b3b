# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The access node options: one table behind the argument spec, the
``zvm.cloud.node`` doc fragment, the AWX credential's variables and
``node_kwargs``."""

import os

import pytest
import yaml

from ansible_collections.zvm.cloud.plugins.doc_fragments.node import ModuleDocFragment
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.node import options
from ansible_collections.zvm.cloud.plugins.module_utils.node.access import AccessNode
from ansible_collections.zvm.cloud.plugins.module_utils.node.runner import LocalRunner, SshRunner

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def test_doc_fragment_is_the_options_table():
    assert ModuleDocFragment.DOCUMENTATION.strip() == options.doc_options().strip()


def test_every_option_is_documented_with_type_default_and_env():
    doc = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']
    spec = options.argument_spec()
    assert set(doc) == set(spec) == set(options.NAMES)
    for name, entry in spec.items():
        assert name.startswith('node_')
        assert doc[name]['type'] == entry['type'], name
        assert doc[name].get('default') == entry.get('default'), name
        env = entry['fallback'][1][0]
        assert env == 'ZVM_' + name.upper(), name
        assert 'E(%s)' % env in doc[name]['description'][0], name
    assert [n for n, e in spec.items() if e.get('no_log')] == ['node_password']
    assert doc['node_known_hosts_file']['default'] == '~/.ssh/known_hosts'
    assert spec['node_host_key_checking']['default'] is True


def test_the_awx_credential_sets_the_options_variables():
    with open(os.path.join(ROOT, 'extensions', 'awx', 'credential_types', 'access_node.yml')) as fh:
        credential = yaml.safe_load(fh)
    envs = set(e[3] for e in options.OPTIONS)
    injected = set(credential['injectors']['env'])
    assert injected and injected <= envs, injected - envs


def test_local_when_no_host():
    kw = options.node_kwargs({})
    assert kw == {'host': None, 'repository': '/var/lib/zvmsdk/images', 'device_dir': '/dev/disk/by-path',
                  'timeout': 3600.0}
    node = AccessNode.from_options(**kw)
    assert isinstance(node.runner, LocalRunner) and node.runner.timeout == 3600.0
    assert node.describe() == 'the access node (local)'


def test_ssh_settings():
    params = dict((name, None) for name in options.NAMES)
    params.update(node_host='node1.example.com', node_user='zvmadm', node_password='s3cret!',
                  node_private_key_file='/keys/id', node_timeout='600', node_device_dir='/test/dev/',
                  node_host_key_checking=False)
    kw = options.node_kwargs(params)
    assert kw == {'host': 'node1.example.com', 'port': 22, 'user': 'zvmadm', 'password': 's3cret!',
                  'key_file': '/keys/id', 'known_hosts': '~/.ssh/known_hosts', 'host_key_checking': False,
                  'repository': '/var/lib/zvmsdk/images', 'device_dir': '/test/dev', 'timeout': 600.0}
    node = AccessNode.from_options(**kw)
    runner = node.runner
    assert isinstance(runner, SshRunner)
    assert (runner.host, runner.port, runner.user) == ('node1.example.com', 22, 'zvmadm')
    assert runner.host_key_checking is False
    assert runner.known_hosts == os.path.expanduser('~/.ssh/known_hosts')
    assert 's3cret' not in repr(runner) and 's3cret' not in repr(node.ssh)
    assert node.device_dir == '/test/dev' and node.repository == '/var/lib/zvmsdk/images'


@pytest.mark.parametrize('params, message', [
    ({'node_host': 'n1'}, 'node_user: required with node_host'),
    ({'node_host': 'n1', 'node_user': 'a b'}, "node_user: 'a b' is not a user name"),
    ({'node_host': 'n 1', 'node_user': 'u'}, "node_host: 'n 1' is not a host name"),
    ({'node_host': '-oProxyCommand=x', 'node_user': 'u'}, 'node_host: '),
    ({'node_host': 'n1', 'node_user': 'u', 'node_port': 70000}, 'node_port: 70000 is not a TCP port'),
    ({'node_timeout': 0}, 'node_timeout: 0 is not a number of seconds'),
    ({'node_image_repository': 'images'}, "node_image_repository: 'images' is not an absolute path"),
    ({'node_device_dir': 'd\u0131r'}, 'node_device_dir: '),
    ({'node_host': 'n1', 'node_user': 'u', 'node_password': 'a\nb'}, 'node_password: must not contain control'),
])
def test_bad_settings_name_the_field(params, message):
    with pytest.raises(InputError) as e:
        options.node_kwargs(params)
    assert message in str(e.value)
    assert 'a\nb' not in str(e.value)
