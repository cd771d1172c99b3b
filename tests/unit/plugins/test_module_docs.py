# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each module's documentation names exactly the SMAPI functions it uses,
so that an administrator can authorize the SMAPI user for those (its
``notes`` entry starting "SMAPI functions"; the inventory plugin's too).

Which functions a module uses is derived from the code, not listed here: a
static call graph (``ast``) from everything in the module's file, following
what the code refers to through the collection's imports (``entries.query``,
``gather.read_directory``), the SDK methods it calls (``self.sdk.nic_apply``,
``sdk.guest_inspect_stats``), the session's methods (``session.dm_write``),
``self.method`` within a class and its bases (the SDK mixins reach each
other through ``self``), and objects made from a class (``reader =
SystemReader(...)``, then ``reader.guests``).  The SMAPI functions are the
first arguments of the ``call(...)`` and ``dm_write(...)`` requests in the
reached functions; a DirMaint write brings in Query_Asynchronous_Operation_DM,
with which the client waits for DirMaint's asynchronous work (RC 592).

The preflight (``zvm_facts`` with ``gather_subset: preflight``) must cover
every function a module uses: tried read-only, or listed as a write it does
not try.
"""

import ast
import os
import re

import pytest
import yaml

from ansible_collections.zvm.cloud.plugins.module_utils import preflight
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.client import is_read_only
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.layouts import FUNCTIONS

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
PLUGINS = os.path.join(ROOT, 'plugins')
PACKAGE = 'ansible_collections.zvm.cloud.plugins'
SDK_DIR = os.path.join(PLUGINS, 'module_utils', 'sdk')
SESSION = os.path.join(PLUGINS, 'module_utils', 'operations', 'session.py')
MODULES = sorted(n[:-3] for n in os.listdir(os.path.join(PLUGINS, 'modules')) if n.startswith('zvm_') and n.endswith('.py'))
DOCUMENTED = [os.path.join('modules', m + '.py') for m in MODULES] + [os.path.join('inventory', 'zvm.py')]
REQUESTS = ('call', 'dm_write')
ASYNC_POLL = 'Query_Asynchronous_Operation_DM'
# what the call graph reaches but no run calls, and why (the integration tests check the
# requests each run makes in the simulator's log)
NOT_CALLED = {
    os.path.join('inventory', 'zvm.py'): {
        'Virtual_Network_Vswitch_Query_Byte_Stats': 'SystemReader.guests(nic_counters=False) reads no NIC counters',
        'System_RDR_File_Query': 'SystemReader.guests(reader_files=False) reads no reader'},
}


def module_path(dotted):
    """The file of a module of the collection, or None."""
    if not dotted.startswith(PACKAGE):
        return None
    base = os.path.join(PLUGINS, *dotted[len(PACKAGE) + 1:].split('.'))
    for path in (base + '.py', os.path.join(base, '__init__.py')):
        if os.path.exists(path):
            return path
    return None


class Source:
    """One file: its imports of the collection, its functions, classes and methods."""

    def __init__(self, path):
        self.path = path
        with open(path) as stream:
            self.tree = ast.parse(stream.read(), path)
        self.modules = {}       # alias -> file
        self.objects = {}       # alias -> (file, name)
        for node in ast.walk(self.tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(PACKAGE):
                for alias in node.names:
                    sub = module_path('%s.%s' % (node.module, alias.name))
                    if sub:
                        self.modules[alias.asname or alias.name] = sub
                    else:
                        self.objects[alias.asname or alias.name] = (module_path(node.module), alias.name)
        self.defs = {}          # 'func', 'Class', 'Class.method', a module-level 'NAME = ...' -> node
        self.bases = {}         # 'Class' -> [base expressions]
        for node in self.tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                self.defs[node.name] = node
            if isinstance(node, ast.Assign):     # a table of functions (preflight.PROBES)
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        self.defs[target.id] = node
            if isinstance(node, ast.ClassDef):
                self.bases[node.name] = node.bases
                for item in node.body:
                    if isinstance(item, ast.FunctionDef):
                        self.defs['%s.%s' % (node.name, item.name)] = item


class CallGraph:
    def __init__(self):
        self.sources = {}

    def source(self, path):
        if path not in self.sources:
            self.sources[path] = Source(path)
        return self.sources[path]

    def sdk_classes(self):
        out = []
        for name in sorted(os.listdir(SDK_DIR)):
            if name.endswith('.py'):
                src = self.source(os.path.join(SDK_DIR, name))
                out.extend((src.path, cls) for cls in src.bases)
        return out

    def resolve(self, src, name):
        """(file, name) of a name used in ``src``: its own def or an import."""
        if name in src.defs:
            return src.path, name
        if name in src.objects and src.objects[name][0]:
            return src.objects[name]
        return None

    def method(self, path, cls, name, seen=None):
        """(file, 'Class.method') of ``name`` in ``cls`` or its bases, or None."""
        seen = seen if seen is not None else set()
        if (path, cls) in seen:
            return None
        seen.add((path, cls))
        src = self.source(path)
        if '%s.%s' % (cls, name) in src.defs:
            return path, '%s.%s' % (cls, name)
        for base in src.bases.get(cls, []):
            if isinstance(base, ast.Name):
                found = self.resolve(src, base.id)
                if found and found[1] in self.source(found[0]).bases:
                    hit = self.method(found[0], found[1], name, seen)
                    if hit:
                        return hit
        return None

    def class_of(self, src, expr):
        """(file, Class) that ``expr`` (a name or alias.name) names, or None."""
        found = None
        if isinstance(expr, ast.Name):
            found = self.resolve(src, expr.id)
        elif isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and expr.value.id in src.modules:
            found = (src.modules[expr.value.id], expr.attr)
        if found and found[1] in self.source(found[0]).bases:
            return found
        return None

    def targets(self, path, qualname, node):
        """The (file, name) defs that the code of ``node`` refers to."""
        src = self.source(path)
        cls = qualname.split('.')[0] if '.' in qualname else None
        instances = {}      # local name or self attribute -> (file, Class) it was made from
        for sub in ast.walk(node):
            if isinstance(sub, ast.Assign) and isinstance(sub.value, ast.Call):
                made = self.class_of(src, sub.value.func)
                for target in sub.targets if made else []:
                    key = target.id if isinstance(target, ast.Name) else \
                        'self.' + target.attr if isinstance(target, ast.Attribute) else None
                    instances[key] = made
        out = []
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name):
                found = self.resolve(src, sub.id)
                if found:
                    out.append(found)
            elif isinstance(sub, ast.Attribute):
                out.extend(self.attribute(src, cls, sub, instances))
        return out

    def attribute(self, src, cls, sub, instances):
        value, name = sub.value, sub.attr
        if isinstance(value, ast.Name) and value.id in src.modules:
            return [(src.modules[value.id], name)]
        owner = value.attr if isinstance(value, ast.Attribute) else value.id if isinstance(value, ast.Name) else None
        key = 'self.' + value.attr if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) \
            and value.value.id == 'self' else owner
        if key in instances:
            hit = self.method(instances[key][0], instances[key][1], name)
            return [hit] if hit else []
        if owner == 'sdk':
            return [hit for hit in (self.method(p, c, name) for p, c in self.sdk_classes()) if hit]
        if owner == 'session':
            hit = self.method(SESSION, 'Session', name)
            return [hit] if hit else []
        if owner == 'self' and cls:
            hit = self.method(src.path, cls, name)
            if hit is None and os.path.dirname(src.path) == SDK_DIR:
                hits = [self.method(p, c, name) for p, c in self.sdk_classes()]
                return [h for h in hits if h]
            return [hit] if hit else []
        return []

    def expand(self, path, name):
        """The nodes a reference to ``name`` in ``path`` stands for: a
        function, a method, or a class's construction (its __init__)."""
        src = self.source(path)
        node = src.defs.get(name)
        if node is None:
            return []
        if isinstance(node, ast.ClassDef):
            init = self.method(path, name, '__init__')
            return [(path, name, ast.Module(body=[s for s in node.body if not isinstance(s, ast.FunctionDef)],
                                            type_ignores=[]))] + ([(init[0], init[1], self.source(init[0]).defs[init[1]])]
                                                                  if init else [])
        return [(path, name, node)]

    def smapi_functions(self, path):
        """The SMAPI functions the code of file ``path`` requests, directly or not."""
        src = self.source(path)
        todo = [(path, '<module>', src.tree)]
        seen = set()
        used = set()
        while todo:
            where, qualname, node = todo.pop()
            if (where, qualname) in seen:
                continue
            seen.add((where, qualname))
            for sub in ast.walk(node):
                if (isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and sub.func.attr in REQUESTS
                        and sub.args and isinstance(sub.args[0], ast.Constant) and sub.args[0].value in FUNCTIONS):
                    used.add(sub.args[0].value)
            if qualname == '<module>':
                for name, item in src.defs.items():
                    todo.append((path, name, item))
                continue
            for target_path, name in self.targets(where, qualname, node):
                todo.extend(self.expand(target_path, name))
        if any(f.endswith('_DM') and not is_read_only(f) for f in used):
            used.add(ASYNC_POLL)
        return used


GRAPH = CallGraph()


def documentation(relative):
    with open(os.path.join(PLUGINS, relative)) as stream:
        text = stream.read()
    return yaml.safe_load(re.search(r"DOCUMENTATION = r'''(.*?)'''", text, re.S).group(1))


def named_functions(doc):
    """The SMAPI functions in the notes entry that starts "SMAPI functions"."""
    notes = [n for n in doc.get('notes') or [] if n.startswith('SMAPI functions')]
    assert len(notes) == 1, 'one notes entry must start with "SMAPI functions"'
    return set(w for w in re.findall(r'[A-Za-z_]+', notes[0]) if w in FUNCTIONS)


@pytest.mark.parametrize('relative', DOCUMENTED)
def test_docs_name_exactly_the_smapi_functions_the_code_uses(relative):
    reached = GRAPH.smapi_functions(os.path.join(PLUGINS, relative))
    not_called = set(NOT_CALLED.get(relative, {}))
    assert not_called <= reached, 'NOT_CALLED lists what the call graph no longer reaches'
    used = reached - not_called
    named = named_functions(documentation(relative))
    assert used, 'the call graph found no SMAPI function for %s' % relative
    assert sorted(used - named) == [], '%s uses these but its docs do not name them' % relative
    assert sorted(named - used) == [], '%s names these but does not use them' % relative


def test_the_call_graph_follows_sdk_methods_sessions_and_helpers():
    guest = GRAPH.smapi_functions(os.path.join(PLUGINS, 'modules', 'zvm_guest.py'))
    # through self.sdk.create_guest_entry and create_disk_specs (sdk/guest.py), the fleet's
    # gather.read_directory, and Session.dm_write's release of a stale lock
    assert set(['Image_Create_DM', 'Image_Disk_Create_DM', 'Query_All_DM', 'Image_Lock_Query_DM',
                'Image_Unlock_DM', ASYNC_POLL]) <= guest
    facts = GRAPH.smapi_functions(os.path.join(PLUGINS, 'modules', 'zvm_facts.py'))
    # through reader = SystemReader(...) and sdk.guest_inspect_stats / guest_inspect_vnics, and the preflight
    assert set(['Image_Performance_Query', 'Virtual_Network_Vswitch_Query_Byte_Stats', 'Check_Authentication',
                'Image_Volume_Space_Query_DM']) <= facts
    assert not any(not is_read_only(f) for f in facts), 'zvm_facts only reads'
    vswitch = GRAPH.smapi_functions(os.path.join(PLUGINS, 'modules', 'zvm_vswitch.py'))
    assert 'Image_Lock_DM' not in vswitch and 'Virtual_Network_Vswitch_Set_Extended' in vswitch


def test_preflight_covers_every_function_a_module_uses():
    used = set()
    for relative in DOCUMENTED:
        used |= GRAPH.smapi_functions(os.path.join(PLUGINS, relative)) - set(NOT_CALLED.get(relative, {}))
    tried = set(f for _c, functions, _p, _n, _o in preflight.PROBES for f in functions)
    listed = set(f for _c, functions, _n in preflight.WRITES for f in functions)
    assert sorted(used - tried - listed - set(['Check_Authentication'])) == []
    assert not any(not is_read_only(f) for f in tried), 'a preflight probe would write'
    assert not (tried & listed)
    assert sorted((tried | listed) - used) == [], 'the preflight names functions no module uses'
