# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The project documents that state facts about the code stay true to it:

- docs/before-you-start.md lists every SMAPI function an operation uses
  (an administrator authorizes the SMAPI user from that table), no function
  that none uses, and a column for every module;
- the docs site build (tools/docs) tolerates only the warnings that come from
  having no internet access (tools/docsite/sphinx_warnings.py), and points a
  guide's link to a repository file outside the site at the repository
  (tools/docsite/conf.py).
"""

import importlib.util
import os
import re

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.smapi.layouts import FUNCTIONS

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GUIDE = os.path.join(ROOT, 'docs', 'before-you-start.md')
OPERATIONS = os.path.join(ROOT, 'plugins', 'module_utils', 'operations')
NAME = re.compile(r"'([A-Z][A-Za-z]+(?:_[A-Za-z0-9]+)+)'")


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def guide_tables():
    """(header cells, {function: row cells}) of the guide's function tables."""
    with open(GUIDE) as stream:
        text = stream.read()
    header, rows = None, {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip('|').split('|')] if line.startswith('|') else None
        if cells and cells[0] == 'SMAPI function':
            header = cells
        elif cells and cells[0] in FUNCTIONS:
            assert cells[0] not in rows, '%s is listed twice' % cells[0]
            rows[cells[0]] = cells
    return header, rows, text


def used_by_operations():
    """The SMAPI functions named in the operations, and in the client (RC 592 polling)."""
    paths = [os.path.join(OPERATIONS, n) for n in os.listdir(OPERATIONS) if n.endswith('.py')]
    paths.append(os.path.join(ROOT, 'plugins', 'module_utils', 'smapi', 'client.py'))
    used = set()
    for path in paths:
        with open(path) as stream:
            used.update(n for n in NAME.findall(stream.read()) if n in FUNCTIONS)
    used.discard('Check_Authentication')    # only named in the client's list of read-only functions
    return used


def test_guide_lists_every_function_the_operations_use():
    _header, rows, text = guide_tables()
    used = used_by_operations()
    assert 'Image_Query_DM' in used and 'Virtual_Network_Vswitch_Set_Extended' in used
    # a function only the SDK uses is named in the paragraph after the tables
    missing = sorted(n for n in used if n not in rows and not re.search(r'\b%s\b' % n, text))
    assert missing == [], 'docs/before-you-start.md does not say who uses %s' % ', '.join(missing)
    stale = sorted(set(rows) - used)
    assert stale == [], 'docs/before-you-start.md lists %s, which no operation uses' % ', '.join(stale)


def test_guide_has_a_column_for_every_module():
    header, rows, _text = guide_tables()
    modules = sorted(n[:-3] for n in os.listdir(os.path.join(ROOT, 'plugins', 'modules'))
                     if n.startswith('zvm_') and n.endswith('.py'))
    assert header[:2] == ['SMAPI function', 'what for']
    assert sorted(header[2:-1]) == modules and header[-1] == 'inventory'
    for function, cells in rows.items():
        assert len(cells) == len(header), function
        assert any(cells[2:]), '%s: no module uses it' % function


WARNINGS = """\
WARNING: failed to reach any of the inventories with the following issues:
intersphinx inventory 'https://docs.python.org/3/objects.inv' not fetchable due to \
<class 'requests.exceptions.ConnectionError'>: Failed to resolve 'docs.python.org'
/src/docs/fleet.md:12: WARNING: 'myst' cross-reference target not found: 'nothing.md' [myst.xref_missing]
WARNING: failed to reach any of the inventories with the following issues:
intersphinx inventory 'https://x.example/objects.inv' not fetchable due to \
<class 'requests.exceptions.HTTPError'>: 404 Client Error
"""
OFFLINE_ONLY = WARNINGS[:WARNINGS.index('/src/')]


def test_docs_build_tolerates_only_unreachable_inventories():
    warnings = load('tools/docsite/sphinx_warnings.py', 'zvm_sphinx_warnings')
    real = warnings.real_warnings(WARNINGS)
    assert 'docs.python.org' not in real
    assert "'nothing.md'" in real
    assert '404 Client Error' in real and real.count('failed to reach') == 1
    assert warnings.real_warnings(OFFLINE_ONLY) == ''
    assert warnings.real_warnings('') == ''


def test_docs_build_fails_on_a_warning(tmp_path):
    warnings = load('tools/docsite/sphinx_warnings.py', 'zvm_sphinx_warnings')
    path = tmp_path / 'warnings.txt'
    path.write_text(WARNINGS)
    assert warnings.main(['sphinx_warnings.py', str(path)]) == 1
    path.write_text(OFFLINE_ONLY)
    assert warnings.main(['sphinx_warnings.py', str(path)]) == 0


@pytest.mark.parametrize('target, document, expected', [
    ('../LICENSE', 'docs/fleet.md', '/blob/main/LICENSE'),
    ('docs/', 'README.md', '/tree/main/docs'),
    ('../roles/guests/README.md#x', 'docs/fleet.md', '/blob/main/roles/guests/README.md#x'),
    ('benchmarks.md', 'docs/fleet.md', None),          # a page of the site
    ('nothing.md', 'docs/fleet.md', None),             # no such file: Sphinx warns
    ('https://example.com/', 'README.md', None),
    ('#supported-versions', 'README.md', None),
])
def test_docsite_links_outside_the_site_go_to_the_repository(tmp_path, target, document, expected):
    conf = load('tools/docsite/conf.py', 'zvm_docsite_conf')
    (tmp_path / 'docs').mkdir()
    (tmp_path / 'docs' / 'benchmarks.md').write_text('# Benchmarks\n')
    link = conf.repository_link(target, document, str(tmp_path))
    if expected is None:
        assert link is None
    else:
        assert link == conf.GALAXY['repository'].rstrip('/') + expected
