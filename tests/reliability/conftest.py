# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the reliability suite: the in-process module runner of the
module tests (``run_module``, against a ``sim`` of the test system), reused
as it is."""

from tests.unit.plugins.modules import conftest as _module_tests

# the module tests' fixtures, reused as they are
run_module = _module_tests.run_module
sim = _module_tests.sim
