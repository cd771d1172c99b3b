# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Make this checkout importable as ``ansible_collections.zvm.cloud``.

The simulator and the Python tests share the collection's module_utils (the
SMAPI layout tables in particular).  Outside Ansible there is no collection
loader, so this registers the three namespace levels in ``sys.modules`` and
points the last one at the repository root.
"""

import os
import sys
import types

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def ensure_collection_importable(root=ROOT):
    name = 'ansible_collections.zvm.cloud'
    if name in sys.modules:
        return
    if 'ansible_collections' not in sys.modules:
        top = types.ModuleType('ansible_collections')
        top.__path__ = []
        sys.modules['ansible_collections'] = top
    if 'ansible_collections.zvm' not in sys.modules:
        ns = types.ModuleType('ansible_collections.zvm')
        ns.__path__ = []
        sys.modules['ansible_collections.zvm'] = ns
        sys.modules['ansible_collections'].zvm = ns
    cloud = types.ModuleType(name)
    cloud.__path__ = [root]
    sys.modules[name] = cloud
    sys.modules['ansible_collections.zvm'].cloud = cloud
