# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Offline stand-in for the get-pip.py script that ansible-test downloads.

Air-gapped support: ansible-test bootstraps pip into each virtual environment
it creates by running ``get-pip.py`` from its cache,
``~/.ansible/test/cache/get_pip_<pip version with _>.py``, and downloads that
script from the internet when the cache is empty.  ``tools/seed_ansible_test_cache.py``
puts this file there instead, so no download is attempted.

ansible-test runs it (through its ``quiet_pip.py`` wrapper, with the new
virtual environment's interpreter) as::

    python get_pip_X_Y.py --disable-pip-version-check pip==X.Y --no-setuptools --no-wheel

This script installs the pip bundled with Python (``python -m ensurepip``)
and then lets that pip install the requested packages, from whatever index the local pip
configuration names (PyPI or a site mirror).  The options only get-pip knows
(``--no-setuptools``, ``--no-wheel``) are dropped.
"""

from __future__ import annotations

import os
import subprocess
import sys

GET_PIP_ONLY_OPTIONS = ('--no-setuptools', '--no-wheel')


def pip_environment(original):
    """The environment for pip install, given PIP_CONFIG_FILE before ensurepip ran.

    ensurepip sets PIP_CONFIG_FILE to os.devnull (so that no configuration
    affects it) and leaves it set; pip would then ignore the index settings of
    pip.conf, which an air-gapped site relies on.  The variable is removed,
    unless the caller had pointed it at a real configuration file.
    """
    env = dict(os.environ)
    env.pop('PIP_CONFIG_FILE', None)
    if original and original != os.devnull and os.path.isfile(original):
        env['PIP_CONFIG_FILE'] = original
    return env


def main(argv):
    """Install pip with ensurepip, then the requested packages with pip."""
    args = [arg for arg in argv if arg not in GET_PIP_ONLY_OPTIONS]
    original = os.environ.get('PIP_CONFIG_FILE')

    ensure = subprocess.run([sys.executable, '-m', 'ensurepip', '--upgrade'],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    if ensure.returncode:
        sys.stdout.write(ensure.stdout.decode('utf-8', 'replace'))
        sys.stdout.write('ensurepip failed: this Python cannot bootstrap pip offline.\n')
        return ensure.returncode

    if not [arg for arg in args if not arg.startswith('-')]:
        return 0
    command = [sys.executable, '-m', 'pip', 'install', '--quiet'] + args
    return subprocess.call(command, env=pip_environment(original))


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
