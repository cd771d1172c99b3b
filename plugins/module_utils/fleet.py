# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Many runs of one module in one task: the declarations of a list option
(zvm_guest's ``guests``), each run as the module would run it alone, on a
bounded number of connections at once, and one result for them all.

    members, secrets = declarations(module.params, 'guests', guest_options())
    runs = [GuestRun(MemberModule(module, params), where=where, lookups=memo) for where, params in members]
    results = bounded_map(lambda run: run_member(name, run), runs, max_connections)
    result = report(results)

Each member is a ``base.Run`` of its own (its params, actions, rollback),
so it is planned, applied, re-read and reported by exactly the code of a
single run; ``run_member`` turns its failure into its result, as the frame
turns a single run's into the module's, and the others go on.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
import traceback

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError

from ansible_collections.zvm.cloud.plugins.module_utils.base import error_result
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import SDKBaseException
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.errors import SmapiError

# how many failing members the task's message names
MESSAGE_FAILURES = 5


class Memo:
    """Values computed once per key, shared by the members' threads (does a
    pool exist, a profile, what a vswitch looks like): ``get(key, func)``
    calls ``func()`` the first time and gives every caller its value; a
    caller that asks while another computes it waits for that.  A failure
    is not kept: the next caller tries again."""

    def __init__(self):
        self._lock = threading.Lock()
        self._values = {}
        self._pending = {}

    def get(self, key, func):
        while True:
            with self._lock:
                if key in self._values:
                    return self._values[key]
                pending = self._pending.get(key)
                if pending is None:
                    pending = self._pending[key] = threading.Event()
                    break
            pending.wait()
        try:
            value = func()
            with self._lock:
                self._values[key] = value
            return value
        finally:
            with self._lock:
                del self._pending[key]
            pending.set()


def item_spec(spec, required=('name',)):
    """The argument spec of one declaration: ``spec``'s options without
    their defaults (a declaration's None means "the shared value"), with
    ``required`` required; suboptions keep their defaults."""
    out = {}
    for key, option in spec.items():
        option = dict(option)
        option.pop('default', None)
        if key in required:
            option['required'] = True
        out[key] = option
    return out


def declarations(params, option, spec):
    """[(where, params)] of the declarations in the list option ``option``
    of the module's ``params``, and the set of their no_log values.

    Each declaration is checked against ``spec`` (one member's options:
    types, choices, suboptions, unknown keys; an InputError names it, as
    ``guests[3]: ...``, counted from 1), then merged over the module's own
    values of those options, the shared defaults: a declaration's value
    wins when it is set; lists (disks, nics) replace the shared list whole.
    ``where`` is the prefix of the member's field names in messages
    (``guests[3].``)."""
    validator = ArgumentSpecValidator(item_spec(spec))
    shared = dict((key, params.get(key)) for key in spec)
    members, secrets = [], set()
    for n, item in enumerate(params.get(option) or [], 1):
        label = '%s[%d]' % (option, n)
        checked = validator.validate(item)
        problems = []
        for error in checked.errors:    # an AnsibleValidationErrorMultiple: iterable, and always true
            text = getattr(error, 'error_message', None) or str(error)
            problems.append(('unsupported option %s' % text) if isinstance(error, UnsupportedError) else text)
        if problems:
            raise InputError('%s: %s' % (label, '; '.join(problems)))
        secrets.update(getattr(checked, '_no_log_values', None) or ())
        merged = dict(shared)
        for key, value in checked.validated_parameters.items():
            if key in spec and value is not None:
                merged[key] = value
        members.append((label + '.', merged))
    return members, secrets


class MemberModule:
    """What one member's Run sees of the module: its own params, the
    module's check mode, diff mode and SDK.  Its warnings are kept for its
    result; the calls it makes are counted for the whole task."""

    def __init__(self, module, params):
        self.module = module
        self.params = params
        self.check_mode = module.check_mode
        self._diff = module._diff
        self.warnings = []

    @property
    def sdk(self):
        return self.module.sdk

    def warn(self, text):
        self.warnings.append(text)

    def smapi_calls(self):
        return None


def run_member(name, run):
    """``run.execute()`` as the frame runs a module (``base.run_module``),
    for one member named ``name``: its result, with ``name`` first; a
    failure becomes ``failed``, its one-line ``msg`` and what the frame
    reports with it (the actions done, the failed ones, the rollback, the
    structured ``smapi`` error), and does not reach the caller."""
    out = {'name': name}
    try:
        result = run.execute()
        result.pop('smapi_calls', None)
        out.update(result)
    except (SmapiError, InputError, SDKBaseException) as e:
        msg, extra = error_result(e)
        out.update(failed=True, msg=msg, changed=bool(run.done))
        out.update(extra)
        out.update(run.error_context())
    except Exception as e:  # pylint: disable=broad-except
        out.update(failed=True, msg='unexpected error: %s: %s' % (type(e).__name__, e),
                   exception=traceback.format_exc(), changed=bool(run.done))
        out.update(run.error_context())
    if run.module.warnings:
        out['warnings'] = list(run.module.warnings)
    return out


def summary(results):
    """Counts of the members: total, changed, unchanged and failed (a
    member that failed after a change counts as failed)."""
    failed = sum(1 for r in results if r.get('failed'))
    changed = sum(1 for r in results if r.get('changed') and not r.get('failed'))
    return {'total': len(results), 'changed': changed, 'unchanged': len(results) - changed - failed,
            'failed': failed}


def failure_message(results, noun='guests'):
    """'2 of 100 guests failed: LNX0003: ...; LNX0007: ...' (the first
    MESSAGE_FAILURES of them), or None when none failed."""
    failed = [r for r in results if r.get('failed')]
    if not failed:
        return None
    shown = '; '.join('%s: %s' % (r['name'], r.get('msg')) for r in failed[:MESSAGE_FAILURES])
    more = ' (and %d more)' % (len(failed) - MESSAGE_FAILURES) if len(failed) > MESSAGE_FAILURES else ''
    return '%d of %d %s failed: %s%s' % (len(failed), len(results), noun, shown, more)


# what a member that neither changed nor failed leaves out of its result when it is brief
BRIEF_OMITS = ('guest', 'diff')


def report(results, brief_unchanged=False):
    """The task's result from its members' (in declaration order):
    ``changed``, ``results``, ``summary``, ``actions`` (each member's, as
    'NAME: action') and, when the members have one, ``diff`` (a list, one
    per member that changed).  ``brief_unchanged``: the members that neither
    changed nor failed leave out BRIEF_OMITS (their resource as it was
    read), which keeps the result of a large converged fleet small."""
    if brief_unchanged:
        for r in results:
            if not r.get('changed') and not r.get('failed'):
                for key in BRIEF_OMITS:
                    r.pop(key, None)
    out = {
        'changed': any(r.get('changed') for r in results),
        'results': results,
        'summary': summary(results),
        'actions': ['%s: %s' % (r['name'], a) for r in results for a in r.get('actions') or []],
    }
    diffs = [r['diff'] for r in results if r.get('diff') and r.get('changed')]
    if diffs:
        out['diff'] = diffs
    return out
