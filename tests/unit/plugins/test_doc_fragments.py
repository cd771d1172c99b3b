# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection doc fragment must describe exactly the options of the
table in module_utils/connection.py (the modules' argument spec)."""

import yaml

from ansible_collections.zvm.cloud.plugins.doc_fragments.smapi import ModuleDocFragment
from ansible_collections.zvm.cloud.plugins.module_utils import connection


def test_doc_fragment_is_the_connection_table():
    assert ModuleDocFragment.DOCUMENTATION.strip() == connection.doc_options(plugin=False).strip()
    assert ModuleDocFragment.PLUGINS.strip() == connection.doc_options(plugin=True).strip()


def test_every_option_is_documented_with_type_default_and_env():
    module_doc = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']
    plugin_doc = yaml.safe_load(ModuleDocFragment.PLUGINS)['options']
    spec = connection.argument_spec()
    assert set(module_doc) == set(plugin_doc) == set(spec)
    for name, entry in spec.items():
        assert module_doc[name]['type'] == entry['type']
        assert module_doc[name].get('default') == entry.get('default')
        env = entry['fallback'][1][0]
        assert plugin_doc[name]['env'] == [{'name': env}]
        assert env in module_doc[name]['description'][0]
    assert spec['smapi_password']['no_log'] is True
