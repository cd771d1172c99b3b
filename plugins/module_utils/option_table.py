# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Option tables: one list of ``(name, type, default, environment variable,
no_log, description)`` rows behind both an AnsibleModule argument spec
(with environment fallbacks) and the documentation YAML of a doc fragment.
Used by the SMAPI connection options (``connection.py``) and the access
node options (``node/options.py``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import textwrap

from ansible.module_utils.basic import env_fallback


def argument_spec(options):
    """The rows of ``options`` as an AnsibleModule argument spec."""
    spec = {}
    for name, kind, default, env, no_log, _doc in options:
        entry = {'type': kind, 'fallback': (env_fallback, [env])}
        if default is not None:
            entry['default'] = default
        if no_log:
            entry['no_log'] = True
        spec[name] = entry
    return spec


def _yaml_scalar(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return str(value)


def doc_options(options, required=(), plugin=False):
    """The rows of ``options`` as documentation YAML.  Options named in
    ``required`` say they are required, here or in the environment.
    ``plugin=True`` adds the ``env`` entries that non-module plugins (the
    inventory) resolve options from, instead of naming the variable in the
    description."""
    lines = ['options:']
    for name, kind, default, env, _no_log, doc in options:
        text = doc
        if not plugin:
            text += ' If not set, the environment variable E(%s) is used.' % env
        if name in required:
            text += ' Required, here or in the environment.'
        lines.append('  %s:' % name)
        lines.append('    description:')
        wrapped = textwrap.wrap(text.replace('\\', '\\\\').replace('"', '\\"'), 100)
        lines.append('      - "%s' % wrapped[0])
        lines.extend('        %s' % w for w in wrapped[1:])
        lines[-1] += '"'
        lines.append('    type: %s' % kind)
        if default is not None:
            lines.append('    default: %s' % _yaml_scalar(default))
        if plugin:
            lines.append('    env:')
            lines.append('      - name: %s' % env)
    return '\n'.join(lines) + '\n'
