# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection doc fragment must describe exactly the options of the
table in module_utils/connection.py (the modules' argument spec)."""

import yaml

from ansible_collections.zvm.cloud.plugins.doc_fragments.smapi import ModuleDocFragment
from ansible_collections.zvm.cloud.plugins.module_utils import connection


def test_doc_fragment_is_the_connection_table():
    options, attributes = ModuleDocFragment.DOCUMENTATION.split('\nattributes:\n')
    assert options.strip() == connection.doc_options(plugin=False).strip()
    attributes = yaml.safe_load('attributes:\n' + attributes)['attributes']
    assert set(attributes) == {'action_group', 'platform'}
    assert attributes['action_group']['membership'] == ['zvm.cloud.zvm']
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


def test_nic_fragment_is_the_nic_option_spec():
    from ansible_collections.zvm.cloud.plugins.doc_fragments.nic import ModuleDocFragment as NicDoc
    from ansible_collections.zvm.cloud.plugins.module_utils.planners import nics

    spec = nics.option_spec()
    top = yaml.safe_load(NicDoc.DOCUMENTATION)['options']
    guest = yaml.safe_load(NicDoc.GUEST)['options']['nics']
    assert guest['type'] == 'list' and guest['elements'] == 'dict'
    assert top == guest['suboptions']      # the same text, word for word
    for options in (top, guest['suboptions']):
        assert set(options) == set(spec)
        for name, entry in spec.items():
            assert options[name]['type'] == entry['type'], name
            assert bool(options[name].get('required')) == bool(entry.get('required')), name
            assert options[name].get('choices') == entry.get('choices'), name
            assert options[name]['description'], name


def test_every_module_uses_the_shared_attributes():
    import glob
    import os

    modules = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'plugins', 'modules', '*.py')
    for path in glob.glob(modules):
        with open(path) as fh:
            doc = yaml.safe_load(fh.read().split("DOCUMENTATION = r'''", 1)[1].split("'''", 1)[0])
        fragments = doc['extends_documentation_fragment']
        assert 'zvm.cloud.smapi' in fragments, path
        assert ('zvm.cloud.attributes' in fragments) != ('zvm.cloud.attributes.facts' in fragments), path


def test_generated_nic_suboptions_are_up_to_date():
    import os
    import subprocess
    import sys

    tool = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'tools', 'gen_doc_fragments.py')
    proc = subprocess.run([sys.executable, tool, '--check'], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
