# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""option_table.py: one option table behind an argument spec and the doc
fragment YAML (the SMAPI options of connection.py and the access node's of
node/options.py are checked against their fragments in test_doc_fragments.py
and tests/unit/node/test_options.py)."""

import yaml

from ansible.module_utils.basic import env_fallback

from ansible_collections.zvm.cloud.plugins.module_utils import option_table

OPTIONS = [
    ('a_host', 'str', None, 'ZVM_A_HOST', False, 'The "host" with a back\\slash.'),
    ('a_secret', 'str', None, 'ZVM_A_SECRET', True, 'A secret. ' + 'Long words here. ' * 10),
    ('a_flag', 'bool', False, 'ZVM_A_FLAG', False, 'A flag.'),
    ('a_port', 'int', 22, 'ZVM_A_PORT', False, 'A port.'),
]


def test_argument_spec_has_fallbacks_defaults_and_no_log():
    spec = option_table.argument_spec(OPTIONS)
    assert spec['a_host'] == {'type': 'str', 'fallback': (env_fallback, ['ZVM_A_HOST'])}
    assert spec['a_secret']['no_log'] is True and 'no_log' not in spec['a_port']
    assert spec['a_flag']['default'] is False and spec['a_port']['default'] == 22


def test_doc_options_for_modules_name_the_variable_and_what_is_required():
    text = option_table.doc_options(OPTIONS, required=('a_host',))
    doc = yaml.safe_load(text)['options']
    assert doc['a_host'] == {'description': ['The "host" with a back\\slash. If not set, the environment variable '
                                             'E(ZVM_A_HOST) is used. Required, here or in the environment.'],
                             'type': 'str'}
    assert doc['a_flag']['default'] is False and doc['a_port']['default'] == 22
    assert 'env' not in doc['a_port'] and 'Required' not in doc['a_port']['description'][0]
    assert all(len(line) <= 110 for line in text.splitlines())      # long descriptions are wrapped


def test_doc_options_for_plugins_list_the_variables():
    doc = yaml.safe_load(option_table.doc_options(OPTIONS, plugin=True))['options']
    assert doc['a_port']['env'] == [{'name': 'ZVM_A_PORT'}]
    assert doc['a_host']['description'] == ['The "host" with a back\\slash.']
