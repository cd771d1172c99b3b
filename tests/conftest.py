# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pytest setup shared by the unit, simulator and integration tests.

The captured SMAPI exchanges of a real z/VM (``captures_dir()``:
$SMAPI_CAPTURES, else ``../shared/smapi/captures`` beside the project) are
part of the project's shared material and must exist.  ``captures_dir()``
only names the directory, so module-level code may call it while pytest
collects; a test that reads the captures requests the session fixture
``captures_dir``, which fails the test with a clear message when the
directory is missing (never a skip).  ``capture_files(patterns)`` lists the
files to parametrize over and, when the directory is missing, gives one
placeholder instead of an empty list, so such a test is still collected and
fails in the fixture rather than being skipped for an empty parameter set:

    from tests.conftest import capture_files

    @pytest.mark.usefixtures('captures_dir')
    @pytest.mark.parametrize('path', capture_files(['Image_Query_DM.*']), ids=os.path.basename)
    def test_replay(path): ...
"""

import glob
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from zvmsim._bootstrap import ensure_collection_importable  # noqa: E402

ensure_collection_importable()

CAPTURES_ENV = 'SMAPI_CAPTURES'
DEFAULT_CAPTURES = os.path.join(os.path.dirname(ROOT), 'shared', 'smapi', 'captures')
# the name capture_files() gives its placeholder when the directory is missing
CAPTURES_MISSING = 'captures-missing.json'


def captures_dir():
    """The directory of the captured SMAPI exchanges: $SMAPI_CAPTURES, else
    ``shared/smapi/captures`` next to the project.  Not checked here (see
    the ``captures_dir`` fixture)."""
    return os.environ.get(CAPTURES_ENV) or DEFAULT_CAPTURES


def missing_captures_message(directory=None):
    directory = directory or captures_dir()
    return ('the SMAPI captures directory %s does not exist: the captured exchanges are part of the '
            "project's shared material (../shared/smapi/captures beside the project); put them there or set "
            '%s to their directory' % (directory, CAPTURES_ENV))


def capture_files(patterns=('*',)):
    """The capture files (``<Function>.<n>.json``) whose names without
    ``.json`` match the glob ``patterns`` ('Image_Query_DM.*'), pattern by
    pattern, each pattern's sorted.  When the directory does not exist: one
    placeholder path named ``CAPTURES_MISSING``, for a test that requests
    the ``captures_dir`` fixture to fail in."""
    directory = captures_dir()
    if not os.path.isdir(directory):
        return [os.path.join(directory, CAPTURES_MISSING)]
    files = []
    for pattern in patterns:
        files += sorted(glob.glob(os.path.join(directory, pattern + '.json')))
    return files


@pytest.fixture(scope='session', name='captures_dir')
def captures_dir_fixture():
    """``captures_dir()``, failing the test that requests it when the
    directory does not exist."""
    directory = captures_dir()
    if not os.path.isdir(directory):
        pytest.fail(missing_captures_message(directory), pytrace=False)
    return directory
