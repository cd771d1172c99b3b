# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An execution environment with zvm.cloud in it gets exactly the
collection's requirements (issue 15).

``ansible-builder create`` writes the build context of the definition in
docs/automation-platform.md (no container engine, nothing fetched).  The image
build would install the collection into /usr/share/ansible/collections and run
the context's introspect.py over it; the test does the same with the collection
tarball ``ansible-galaxy collection build`` makes of the staged copy (so what
build_ignore leaves out is left out here too), and compares what introspection
collects with requirements.txt and bindep.txt (through
meta/execution-environment.yml).  Then it adds a probe line to the installed
copy's files and checks introspection picks it up, so an empty list cannot
pass by not finding the collection.
"""

import os
import re
import shlex
import subprocess
import sys

import pytest

from tests.integration.conftest import ansible_bin
from tests.integration.test_ansible_runner import doc_block
from zvmsim.testing import ROOT

PROBE_PIP = 'zvm-probe-package>=1.0'
PROBE_BINDEP = 'zvm-probe-package [platform:rpm]'


def requirement_lines(path):
    with open(path) as fh:
        return [line.strip() for line in fh if line.strip() and not line.strip().startswith('#')]


def run(cmd, **kwargs):
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False, **kwargs)
    assert proc.returncode == 0, '%s\n%s%s' % (' '.join(cmd), proc.stdout, proc.stderr)
    return proc


@pytest.fixture(scope='module')
def context(tmp_path_factory):
    """The build context of the guide's execution environment definition."""
    work = tmp_path_factory.mktemp('ee')
    (work / 'execution-environment.yml').write_text(doc_block('ee-definition'))
    env = dict(os.environ, HOME=str(work))       # nothing of the user's configuration
    run([ansible_bin('ansible-builder'), 'create', '-f', str(work / 'execution-environment.yml'),
         '-c', str(work / 'context')], cwd=str(work), env=env)
    return work / 'context'


@pytest.fixture(scope='module')
def installed(collections_path, tmp_path_factory):
    """zvm.cloud installed from its built tarball, where the image build puts collections."""
    work = tmp_path_factory.mktemp('collection')
    source = os.path.join(collections_path, 'ansible_collections', 'zvm', 'cloud')
    # only the target on the collections path: a zvm.cloud found elsewhere (tools/test stages one)
    # would make ansible-galaxy install nothing
    env = dict(os.environ, ANSIBLE_HOME=str(work / '.ansible'), ANSIBLE_COLLECTIONS_PATH=str(work / 'collections'))
    run([ansible_bin('ansible-galaxy'), 'collection', 'build', '--output-path', str(work / 'dist'), source], env=env)
    tarballs = os.listdir(str(work / 'dist'))
    assert len(tarballs) == 1 and tarballs[0].startswith('zvm-cloud-'), tarballs
    run([ansible_bin('ansible-galaxy'), 'collection', 'install', '--offline', '--force', '-p', str(work / 'collections'),
         str(work / 'dist' / tarballs[0])], env=env)
    return work / 'collections'


def introspect(context, collections, out):
    """The introspection step of the context's Containerfile, run here over ``collections``."""
    with open(str(context / 'Dockerfile')) as fh:
        steps = [line for line in fh if 'introspect.py introspect' in line]
    assert len(steps) == 1, steps
    args = shlex.split(steps[0].split('introspect.py introspect', 1)[1])
    args = [a.replace('/tmp/src/', str(out) + os.sep) for a in args]
    assert '--write-pip=%s' % (out / 'requirements.txt') in args, args
    out.mkdir(exist_ok=True)
    run([sys.executable, str(context / '_build' / 'scripts' / 'introspect.py'), 'introspect'] + args +
        [str(collections)])
    found = {}
    for kind in ('requirements.txt', 'bindep.txt'):
        lines = requirement_lines(str(out / kind)) if (out / kind).exists() else []
        for line in lines:
            assert line.endswith('# from collection zvm.cloud'), line
        found[kind] = [re.sub(r'\s+# from collection zvm\.cloud$', '', line) for line in lines]
    return found


def test_builder_context_installs_the_collection(context):
    with open(str(context / '_build' / 'requirements.yml')) as fh:
        assert 'zvm.cloud' in fh.read()
    assert (context / '_build' / 'scripts' / 'introspect.py').exists()


def test_introspected_requirements_are_exactly_the_collections(context, installed, tmp_path):
    cloud = installed / 'ansible_collections' / 'zvm' / 'cloud'
    for name in ('requirements.txt', 'bindep.txt', os.path.join('meta', 'execution-environment.yml')):
        assert (cloud / name).exists(), '%s is not in the built collection' % name
    found = introspect(context, installed, tmp_path / 'as-built')
    assert found == {'requirements.txt': requirement_lines(os.path.join(ROOT, 'requirements.txt')),
                     'bindep.txt': requirement_lines(os.path.join(ROOT, 'bindep.txt'))}

    # a requirement added to either file reaches the image
    with open(str(cloud / 'requirements.txt'), 'a') as fh:
        fh.write('\n%s\n' % PROBE_PIP)
    with open(str(cloud / 'bindep.txt'), 'a') as fh:
        fh.write('\n%s\n' % PROBE_BINDEP)
    probed = introspect(context, installed, tmp_path / 'probed')
    assert probed['requirements.txt'] == found['requirements.txt'] + [PROBE_PIP]
    assert probed['bindep.txt'] == found['bindep.txt'] + [PROBE_BINDEP]
