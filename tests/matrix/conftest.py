# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The matrix's end-to-end play uses the integration tests' fixtures: a
zvmsim for the session and ``play(tasks, ...)``, which runs ansible-playbook
from the interpreter's own environment and pairs each changing task with its
check-mode prediction (tests/integration/conftest.py)."""

from tests.integration.conftest import collections_path, play, zvmsim  # noqa: F401  pylint: disable=unused-import
