# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shape of zvmsim/: no import cycle, no handler module importing
another, no oversized file, and every SMAPI function simulated by exactly
one handler module, the one zvmsim/README.md names for its family
("Where a SMAPI function is simulated")."""

import ast
import fnmatch
import os
import re

from zvmsim import handlers
from zvmsim.testing import ROOT

PACKAGE = 'zvmsim'
SIM_DIR = os.path.join(ROOT, PACKAGE)
MAX_LINES = 900
TABLE_HEADING = '## Where a SMAPI function is simulated'


def _modules():
    """{dotted module name: path} of every .py file under zvmsim/."""
    out = {}
    for folder, dirs, files in os.walk(SIM_DIR):
        dirs[:] = sorted(d for d in dirs if d != '__pycache__')
        for name in sorted(files):
            if not name.endswith('.py'):
                continue
            path = os.path.join(folder, name)
            parts = os.path.relpath(path, ROOT)[:-len('.py')].split(os.sep)
            if parts[-1] == '__init__':
                parts.pop()
            out['.'.join(parts)] = path
    return out


def _with_parents(name, modules):
    """``name`` (or its longest prefix that is a module) and the packages
    above it, which Python imports first."""
    parts = name.split('.')
    while parts and '.'.join(parts) not in modules:
        parts.pop()
    return ['.'.join(parts[:i]) for i in range(len(parts), 0, -1)]


def import_graph():
    """{module: set of zvmsim modules it imports}, counting every import
    statement wherever it is (a function-level import too)."""
    modules = _modules()
    graph = {}
    for module, path in modules.items():
        with open(path, encoding='utf-8') as handle:
            tree = ast.parse(handle.read(), path)
        package = module if path.endswith('__init__.py') else module.rpartition('.')[0]
        targets = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ''
                if node.level:
                    anchor = package.split('.')
                    anchor = anchor[:len(anchor) - node.level + 1]
                    base = '.'.join(anchor + ([base] if base else []))
                names = [base + '.' + alias.name for alias in node.names]
            else:
                continue
            for name in names:
                if name == PACKAGE or name.startswith(PACKAGE + '.'):
                    targets.update(_with_parents(name, modules))
        targets.discard(module)
        graph[module] = targets
    return graph


def find_cycle(graph):
    """One import cycle as a list of modules (first == last), or None."""
    state = {}
    stack = []

    def visit(node):
        state[node] = 'open'
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 'open':
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 'done'
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def handled_functions():
    """{SMAPI function name: [handler modules registering it]} from the
    ``@handles(...)`` decorators in the source."""
    out = {}
    for module, path in _modules().items():
        if not module.startswith(PACKAGE + '.handlers.'):
            continue
        with open(path, encoding='utf-8') as handle:
            tree = ast.parse(handle.read(), path)
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for deco in node.decorator_list:
                if isinstance(deco, ast.Call) and getattr(deco.func, 'id', None) == 'handles':
                    for arg in deco.args:
                        out.setdefault(arg.value, []).append(module)
    return out


def families():
    """``[(patterns, module)]``: the rows of the README's table, in order."""
    with open(os.path.join(SIM_DIR, 'README.md'), encoding='utf-8') as handle:
        text = handle.read()
    assert TABLE_HEADING in text, 'zvmsim/README.md has no section %r' % TABLE_HEADING
    section = text.split(TABLE_HEADING, 1)[1].split('\n## ', 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip('|').split('|')]
        if len(cells) < 2 or not line.startswith('|'):
            continue
        module = re.findall(r'`handlers/(\w+)\.py`', cells[1])
        if module:
            rows.append((re.findall(r'`([A-Za-z_*]+)`', cells[0]), PACKAGE + '.handlers.' + module[0]))
    assert rows, 'the table under %r has no rows' % TABLE_HEADING
    return rows


def family_row(function, rows):
    """The index of the first row with a pattern that matches ``function``, or None."""
    for index, (patterns, _module) in enumerate(rows):
        if any(fnmatch.fnmatchcase(function, pattern) for pattern in patterns):
            return index
    return None


def family_module(function, rows):
    """The handler module the README names for ``function``, or None."""
    index = family_row(function, rows)
    return rows[index][1] if index is not None else None


def test_there_is_no_import_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, 'import cycle: ' + ' -> '.join(cycle)


def test_the_cycle_check_finds_a_cycle():
    assert find_cycle({'a': {'b'}, 'b': {'c'}, 'c': {'a'}, 'd': set()}) == ['a', 'b', 'c', 'a']
    assert find_cycle({'a': {'b'}, 'b': set()}) is None


def test_handler_modules_import_shared_modules_not_each_other():
    prefix = PACKAGE + '.handlers.'
    wrong = sorted('%s imports %s' % (module, target) for module, targets in import_graph().items()
                   if module.startswith(prefix) for target in targets if target.startswith(prefix))
    assert not wrong


def test_no_file_is_over_the_line_limit():
    long_files = {}
    for path in _modules().values():
        with open(path, encoding='utf-8') as handle:
            count = sum(1 for _line in handle)
        if count > MAX_LINES:
            long_files[os.path.relpath(path, ROOT)] = count
    assert not long_files, 'over %d lines: %r' % (MAX_LINES, long_files)


def test_each_function_is_handled_by_one_module_of_its_family():
    rows = families()
    found = handled_functions()
    twice = dict((name, mods) for name, mods in found.items() if len(mods) > 1)
    assert not twice, 'handled by several modules: %r' % twice
    misplaced = dict((name, (mods[0], family_module(name, rows))) for name, mods in found.items()
                     if family_module(name, rows) != mods[0])
    assert not misplaced, 'function: (module, module of its family in README.md): %r' % misplaced
    matched = set(family_row(name, rows) for name in found)
    unused = [row for index, row in enumerate(rows) if index not in matched]
    assert not unused, 'README.md rows that no function matches: %r' % unused


def test_load_all_registers_what_the_modules_declare():
    registered = handlers.load_all()
    found = handled_functions()
    assert sorted(registered) == sorted(found)
    for name, handler in registered.items():
        assert handler.func.__module__ == found[name][0], name
