# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only callback: writes every task result as a JSON line to the file
named by ZVM_TEST_RESULTS, so the integration tests can assert on them.
When ZVM_TEST_REQUEST_LOG names the simulator's request log, each task's
start is written too (``{"event": "task_start", "log_lines": n}``), so the
tests can tell which SMAPI requests each task made."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: zvm_test_results
type: aggregate
short_description: Write task results as JSON lines for the integration tests
description:
  - Appends one JSON object per task result to the file named by E(ZVM_TEST_RESULTS),
    and one per task start with the line count of the request log named by E(ZVM_TEST_REQUEST_LOG).
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

    @staticmethod
    def _append(entry):
        path = os.environ.get('ZVM_TEST_RESULTS')
        if path:
            with open(path, 'a') as fh:
                fh.write(json.dumps(entry, default=str) + '\n')

    def _write(self, result, status):
        data = dict(result._result)
        data.pop('invocation', None)
        self._append({'task': result._task.get_name(), 'host': result._host.get_name(), 'status': status,
                      'check_mode': bool(result._task.check_mode), 'result': data})

    def v2_playbook_on_task_start(self, task, is_conditional):
        log = os.environ.get('ZVM_TEST_REQUEST_LOG')
        if not log:
            return
        lines = 0
        if os.path.exists(log):
            with open(log) as fh:
                lines = sum(1 for _line in fh)
        self._append({'event': 'task_start', 'task': task.get_name(), 'check_mode': bool(task.check_mode),
                      'log_lines': lines})

    def v2_runner_on_ok(self, result):
        self._write(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._write(result, 'failed')

    def v2_runner_on_skipped(self, result):
        self._write(result, 'skipped')
