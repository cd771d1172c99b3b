# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only callback: writes every task result as a JSON line to the file
named by ZVM_TEST_RESULTS, so the integration tests can assert on them."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: zvm_test_results
type: aggregate
short_description: Write task results as JSON lines for the integration tests
description:
  - Appends one JSON object per task result to the file named by E(ZVM_TEST_RESULTS).
options: {}
'''

import json
import os

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'zvm_test_results'
    CALLBACK_NEEDS_ENABLED = True

    def _write(self, result, status):
        path = os.environ.get('ZVM_TEST_RESULTS')
        if not path:
            return
        data = dict(result._result)
        data.pop('invocation', None)
        entry = {'task': result._task.get_name(), 'host': result._host.get_name(), 'status': status,
                 'result': data}
        with open(path, 'a') as fh:
            fh.write(json.dumps(entry, default=str) + '\n')

    def v2_runner_on_ok(self, result):
        self._write(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._write(result, 'failed')

    def v2_runner_on_skipped(self, result):
        self._write(result, 'skipped')
