# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How the SMAPI codec is split into modules (plugins/module_utils/smapi/):
each imports only the ones below it, ``codec.py`` re-exports every public
name of the others (layouts, the client, the simulator and the tests import
them from there), no module is over the project's size limit, and no hot
call goes through a method of an imported name (Python 3.11+ compiles
``name.method(...)`` of an imported ``name`` into an attribute load that
makes a bound method per call; tools/bench codec showed the small replies
~10% slower for it)."""

import ast
import importlib
import os

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.smapi import codec

PACKAGE = 'ansible_collections.zvm.cloud.plugins.module_utils.smapi'
SMAPI = os.path.dirname(codec.__file__)
# bottom first: a module may import only modules before it
ORDER = ['primitives', 'text', 'readers', 'fields', 'keywords', 'containers', 'codec']


def tree(name):
    with open(os.path.join(SMAPI, name + '.py')) as fh:
        return ast.parse(fh.read())


def codec_imports(name):
    """{codec module: names imported from it} of module ``name``."""
    found = {}
    for node in ast.walk(tree(name)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(PACKAGE):
            rest = node.module[len(PACKAGE):].lstrip('.')
            if rest:
                found.setdefault(rest, set()).update(a.asname or a.name for a in node.names)
            else:
                for alias in node.names:
                    found.setdefault(alias.name, set())
        elif isinstance(node, ast.Import):
            assert not any(a.name.startswith(PACKAGE) for a in node.names), name
    return found


@pytest.mark.parametrize('name', ORDER)
def test_a_codec_module_imports_only_the_modules_below_it(name):
    below = set(ORDER[:ORDER.index(name)])
    imported = set(m for m in codec_imports(name) if m in ORDER or m in ('layouts', 'client', 'transport'))
    assert imported <= below, '%s imports %s' % (name, sorted(imported - below))


def public_names(module):
    """The public classes, functions and constants a module defines itself."""
    names = set()
    for key, value in vars(module).items():
        if key.startswith('_') or key in ('absolute_import', 'division', 'print_function', 'InputError'):
            continue
        if getattr(value, '__module__', module.__name__) != module.__name__:
            continue                        # imported from elsewhere (struct, re, ...)
        if isinstance(value, type(os)):
            continue
        names.add(key)
    return names


# readers.py is left out: its factories are the field classes' business
@pytest.mark.parametrize('name', [n for n in ORDER if n not in ('readers', 'codec')])
def test_codec_re_exports_every_public_name(name):
    module = importlib.import_module('%s.%s' % (PACKAGE, name))
    missing = public_names(module) - set(codec.__all__)
    assert not missing, 'codec.__all__ lacks %s of %s.py' % (sorted(missing), name)


def test_codec_all_names_resolve_to_the_defining_module():
    assert len(set(codec.__all__)) == len(codec.__all__)
    for key in codec.__all__:
        assert hasattr(codec, key), key
        value = getattr(codec, key)
        origin = getattr(value, '__module__', None)
        if origin is not None and isinstance(value, type):
            assert getattr(importlib.import_module(origin), key) is value, key


def test_names_used_elsewhere_resolve():
    # what layouts.py, the client, the simulator and the tests use
    for key in ('Array', 'Bytes', 'CStr', 'CStrList', 'Fixed', 'Function', 'Group', 'Int1', 'Int4', 'Int8', 'KV',
                'KVList', 'KVRecords', 'KVStream', 'OneOf', 'Rest', 'Str', 'Struct', 'Text', 'C10', 'C16', 'C26',
                'C36', 'C37', 'C42', 'C43', 'CNA', 'CNB', 'EBCDIC_ENCODING', 'TEXT_ENCODING', 'CodecError',
                'DecodeError', 'ValidationError', 'RS_ABOVE_MAX', 'RS_BELOW_MIN', 'RS_EXTRANEOUS', 'RS_MISSING',
                'RS_NOT_HEX', 'RS_TOO_LONG', 'RS_TOO_SHORT', 'RS_UNRECOGNIZED', 'decode_output', 'decode_request',
                'decode_response', 'encode_request', 'encode_response', 'mask_secrets', 'read_header',
                'reencode_request', 'reencode_response'):
        assert key in codec.__all__ and hasattr(codec, key), key


@pytest.mark.parametrize('name', ORDER)
def test_a_codec_module_stays_under_the_size_limit(name):
    with open(os.path.join(SMAPI, name + '.py')) as fh:
        assert sum(1 for _line in fh) < 600, name


def method_calls_on_imports(name):
    """``name.method(...)`` calls of names imported from other codec modules,
    classes excepted (``Field.__init__(self, ...)`` makes no bound method)."""
    imported = set()
    for module, names in codec_imports(name).items():
        origin = importlib.import_module('%s.%s' % (PACKAGE, module))
        imported |= set(n for n in names if not isinstance(getattr(origin, n, None), type))
    found = []
    for node in ast.walk(tree(name)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                isinstance(node.func.value, ast.Name) and node.func.value.id in imported:
            found.append('%s.%s (line %d)' % (node.func.value.id, node.func.attr, node.lineno))
    return found


@pytest.mark.parametrize('name', ORDER)
def test_no_method_call_on_an_imported_name(name):
    assert method_calls_on_imports(name) == [], name


def test_the_method_call_check_finds_one(tmp_path, monkeypatch):
    # the check above can fail: a module calling ``_I4.pack`` of primitives is caught
    (tmp_path / 'sample.py').write_text('from %s.primitives import _I4\n\n\ndef f(n):\n    return _I4.pack(n)\n'
                                        % PACKAGE)
    monkeypatch.setattr('%s.SMAPI' % __name__, str(tmp_path))
    assert method_calls_on_imports('sample') == ['_I4.pack (line 5)']
