# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pytest setup for the module_utils tests: ``wire`` holds the checks the
layout tests share; pytest rewrites its asserts as it does a test module's,
so a failing check shows the bytes that differ."""

import pytest

pytest.register_assert_rewrite('tests.unit.plugins.module_utils.wire')
