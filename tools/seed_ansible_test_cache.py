# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Seed ansible-test's pip bootstrap cache for offline use (air-gapped support).

Run with the interpreter that has ansible-test installed.  It asks the
installed ansible-test which pip version(s) it bootstraps into its virtual
environments, the same way ansible-test does, and writes
``tools/ansible_test_get_pip.py`` to each cache file ansible-test looks for:
``~/.ansible/test/cache/get_pip_<version, dots as underscores>.py``
(``get_pip_24_2.py`` for ansible-core 2.19).  ansible-test then finds the
script in its cache and never tries to download get-pip.py.
"""

from __future__ import annotations

import os
import sys
import types

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, 'ansible_test_get_pip.py')


def pip_versions():
    """The pip versions the installed ansible-test bootstraps, over all Python versions it supports."""
    # pylint: disable=import-outside-toplevel
    from ansible_test._internal.python_requirements import get_venv_packages
    from ansible_test._util.target.common.constants import CONTROLLER_PYTHON_VERSIONS, REMOTE_ONLY_PYTHON_VERSIONS

    versions = set()
    for python_version in REMOTE_ONLY_PYTHON_VERSIONS + CONTROLLER_PYTHON_VERSIONS:
        versions.add(get_venv_packages(types.SimpleNamespace(version=python_version))['pip'])
    return sorted(versions)


def cache_path(pip_version):
    """The cache file ansible-test reads for ``pip_version`` (as in ansible_test/_util/target/setup/requirements.py)."""
    return os.path.expanduser('~/.ansible/test/cache/get_pip_%s.py' % pip_version.replace('.', '_'))


def main():
    """Write the offline bootstrap to every cache file; print the paths."""
    with open(SOURCE, 'rb') as source:
        content = source.read()
    for version in pip_versions():
        path = cache_path(version)
        current = None
        if os.path.exists(path):
            with open(path, 'rb') as existing:
                current = existing.read()
        if current != content:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path + '.tmp', 'wb') as target:
                target.write(content)
            os.replace(path + '.tmp', path)
        print(path)
    return 0


if __name__ == '__main__':
    sys.exit(main())
