# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every zvm.cloud module shares: the connection options, the SDK
object, one-line error reporting, the difference tracker that feeds both
``changed`` and ``diff``, and the read-plan-apply-report frame.  A module
body only states its resource logic:

    class GuestRun(Run):
        def run(self):
            ...                      # read, plan, apply (unless self.check)
            return {'changed': ..., 'actions': self.actions, ...}

    def main():
        run_module(argument_spec(), GuestRun)
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import traceback

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.zvm.cloud.plugins.module_utils import connection
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import SDKBaseException
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.codec import ValidationError
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.errors import SmapiError, SmapiRequestError


class DifferenceTracker:
    """Collects (what, before, after) triples; ``changed`` and the diff both
    come from it, so they cannot disagree."""

    def __init__(self):
        self._items = []

    def add(self, name, before, after):
        if before != after:
            self._items.append((name, before, after))

    def merge(self, other):
        self._items.extend(other._items)

    @property
    def has_differences(self):
        return bool(self._items)

    def names(self):
        return [name for name, _b, _a in self._items]

    def before(self):
        return dict((name, before) for name, before, _a in self._items)

    def after(self):
        return dict((name, after) for name, _b, after in self._items)

    def as_list(self):
        return [{'name': n, 'before': b, 'after': a} for n, b, a in self._items]


def error_result(exc):
    """One line for ``msg``, plus structured fields for the result."""
    extra = {}
    if isinstance(exc, SmapiRequestError):
        extra['smapi'] = {'function': exc.function, 'target': exc.target, 'rc': exc.rc, 'rs': exc.rs,
                          'meaning': exc.meaning}
        if exc.parameter:
            extra['smapi']['parameter'] = exc.parameter
    elif isinstance(exc, ValidationError):
        extra['smapi'] = {'function': exc.function, 'parameter': exc.parameter}
    return str(exc).replace('\n', ' '), extra


class Run:
    """One run of a module: read the state, plan, apply (not in check mode)
    and report.  Subclasses implement ``run()`` returning the result dict;
    ``actions`` lists what was (or would be) done, and goes into the result
    of a failure too."""

    def __init__(self, module):
        self.module = module
        self.p = module.params
        self.check = module.check_mode
        self.sdk = module.sdk
        self.actions = []

    def error_context(self):
        """Result keys a failure reports besides the message."""
        return {'actions': self.actions}

    def run(self):
        raise NotImplementedError


def run_module(argument_spec, run_class, **kwargs):
    """The whole of a module's main(): options, the run, one-line errors."""
    module = ZvmModule(argument_spec=argument_spec, **kwargs)
    run = run_class(module)
    with module.errors(**run.error_context()):
        result = run.run()
    module.exit_json(**result)


class ZvmModule(AnsibleModule):
    """AnsibleModule plus the SMAPI connection options and an SDK."""

    def __init__(self, argument_spec, supports_check_mode=True, **kwargs):
        spec = connection.argument_spec()
        spec.update(argument_spec)
        AnsibleModule.__init__(self, argument_spec=spec, supports_check_mode=supports_check_mode, **kwargs)
        self._sdk = None

    @property
    def sdk(self):
        if self._sdk is None:
            from ansible_collections.zvm.cloud.plugins.module_utils.sdk.api import SDKAPI
            try:
                self._sdk = SDKAPI(**connection.client_kwargs(self.params))
            except ValueError as e:
                self.fail_json(msg=str(e))
        return self._sdk

    def smapi_calls(self):
        """How many SMAPI requests this run made (reads and writes)."""
        if self._sdk is None:
            return {'reads': 0, 'writes': 0}
        return self._sdk.call_counts()

    @contextlib.contextmanager
    def errors(self, **context):
        """Turn any SMAPI or input error into fail_json with one clear line.
        ``context`` keys (e.g. actions taken so far) go into the result."""
        try:
            yield
        except (SmapiError, ValidationError, ValueError, SDKBaseException) as e:
            msg, extra = error_result(e)
            extra.update(context)
            extra['smapi_calls'] = self.smapi_calls()
            self.fail_json(msg=msg, **extra)
        except Exception as e:  # pylint: disable=broad-except
            self.fail_json(msg='unexpected error: %s: %s' % (type(e).__name__, e),
                           exception=traceback.format_exc())
