# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every zvm.cloud module shares: the connection options, the SDK
and its session, one-line error reporting, and the read -> plan -> apply
-> re-read -> report frame.  A module body only states its resource logic:

    class GuestRun(Run):
        def read(self):                     # the current state
        def plan(self, state):              # a Plan: actions, steps, predicted state, notes
        def report(self, state, plan, after):   # the resource's result keys and diff

    def main():
        run_module(argument_spec(), GuestRun)

The frame skips the steps in check mode and reports the prediction instead,
so a check-mode result is exactly what the real run is expected to return.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import re
import traceback

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.zvm.cloud.plugins.module_utils import connection, validation
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import SDKBaseException
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.codec import ValidationError
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.errors import SmapiError, SmapiRequestError


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


def one_line(msg):
    """``msg`` with its control characters and line separators escaped
    (``\\r``, ``\\x85``, ``\\u2028``): a value quoted in a message, as
    AnsibleModule quotes a choice it refuses, cannot break it into lines."""
    if not isinstance(msg, str):
        return msg
    return ''.join(ascii(ch)[1:-1] if ord(ch) < 0x20 or 0x7f <= ord(ch) <= 0x9f or ch in '\u2028\u2029' else ch
                   for ch in msg)


class State:
    """What a run read, or predicts: named fields, and ``having(**changes)``
    for a copy with some of them changed."""

    def __init__(self, **fields):
        self.__dict__.update(fields)

    def having(self, **changes):
        fields = dict(self.__dict__)
        fields.update(changes)
        return State(**fields)


class Plan:
    """What a run will do, decided before anything is written.

    ``actions``   one line per change, in order (the result's ``actions``);
    ``steps``     (func, actions, undo) that ``Run.apply`` carries out in
                  order; a step's actions count as done once it returns;
                  ``undo`` (or None: the change is kept) reverses a step
                  that completed when a later one fails;
    ``predicted`` the resource as it will be afterwards (check mode's answer);
    ``notes``     warnings for the user (a MACID that applies at next logon,
                  a rollback that could not be made, ...);
    ``result``    further result keys the module reports.
    """

    def __init__(self, predicted=None):
        self.actions = []
        self.steps = []
        self.predicted = predicted
        self.notes = []
        self.result = {}

    @property
    def changed(self):
        return bool(self.actions)

    def add(self, action, step=None, undo=None):
        """One change; ``step`` (no arguments) makes it, or None when a
        later step makes it too; ``undo`` reverses it."""
        self.actions.append(action)
        if step is not None:
            self.steps.append((step, [action], undo))

    def add_step(self, step, actions, undo=None):
        """One step that makes several changes at once."""
        self.actions.extend(actions)
        self.steps.append((step, list(actions), undo))

    def note(self, text):
        if text not in self.notes:
            self.notes.append(text)


class Run:
    """One run of a module: read, plan, apply (not in check mode), re-read,
    report.  Subclasses implement:

        read()                    -> the current state (any object)
        plan(state)               -> a Plan
        reread(state, plan)       -> the state after apply (default: read())
        report(state, plan, after) -> the resource's result keys (and diff)

    ``execute`` runs them in that order; in check mode, and when nothing is
    to change, ``after`` is ``plan.predicted`` (or the state as read), so a
    check-mode result is exactly the prediction.  The frame adds
    ``changed``, ``actions`` and ``smapi_calls``; a facts module (``FACTS``
    names its fact) returns only facts: ``smapi_calls`` goes into
    ``ansible_facts[FACTS]`` and there are no ``actions``.  A failure reports the
    actions done before it (``actions``), the one that failed
    (``failed_actions``) and what was undone (``rollback``: steps append
    their undo notes to ``self.rollback``)."""

    # a facts module's fact (e.g. 'zvm'): the result is only ``changed`` and ``ansible_facts``
    FACTS = None

    def __init__(self, module):
        self.module = module
        self.p = module.params
        self.check = module.check_mode
        self.done = []
        self.failed_actions = []
        self.rollback = []

    @property
    def sdk(self):
        return self.module.sdk

    @property
    def session(self):
        return self.module.sdk.session

    def error_context(self):
        """Result keys a failure reports besides the message."""
        out = {'actions': self.done, 'rollback': self.rollback}
        if self.failed_actions:
            out['failed_actions'] = self.failed_actions
        return out

    def read(self):
        raise NotImplementedError

    def plan(self, state):
        raise NotImplementedError

    def apply(self, plan):
        """Run the steps in order.  When one fails, the steps that completed
        are undone in reverse order where they can be (``undo``); ``actions``
        then lists only what was done and kept, ``rollback`` what was undone
        and what could not be, and ``failed_actions`` the failed step."""
        completed = []
        for step, actions, undo in plan.steps:
            self.failed_actions = actions
            try:
                step()
            except Exception:
                self._undo(completed)
                raise
            self.failed_actions = []
            self.done.extend(actions)
            completed.append((actions, undo))

    def _undo(self, completed):
        for actions, undo in reversed(completed):
            if undo is None:
                continue        # kept, and still listed in actions
            try:
                undo()
            except Exception as e:  # pylint: disable=broad-except
                self.rollback.append('could not undo %s: %s' % ('; '.join(actions), str(e).replace('\n', ' ')))
                continue
            self.rollback.append('undone: %s' % '; '.join(actions))
            for action in actions:
                self.done.remove(action)

    def reread(self, state, plan):
        return self.read()

    def report(self, state, plan, after):
        raise NotImplementedError

    def execute(self):
        state = self.read()
        plan = self.plan(state)
        for note in plan.notes:
            self.module.warn(note)
        if not plan.changed:
            after = state if plan.predicted is None else plan.predicted
        elif self.check:
            after = plan.predicted
            self.done = list(plan.actions)
        else:
            self.apply(plan)
            after = self.reread(state, plan)
        result = {'changed': plan.changed}
        result.update(plan.result)
        result.update(self.report(state, plan, after))
        if self.FACTS:
            result.setdefault('ansible_facts', {}).setdefault(self.FACTS, {})['smapi_calls'] = self.module.smapi_calls()
            return result
        result['actions'] = plan.actions
        result['smapi_calls'] = self.module.smapi_calls()
        return result


def run_module(argument_spec, run_class, **kwargs):
    """The whole of a module's main(): options, the run, one-line errors."""
    module = ZvmModule(argument_spec=argument_spec, **kwargs)
    run = run_class(module)
    with module.errors(run.error_context):
        result = run.execute()
    module.exit_json(**result)


def _raw_arguments():
    """The module's arguments as Ansible passed them, before type conversion
    (AnsibleModule keeps them loaded); {} when they cannot be read again."""
    try:
        from ansible.module_utils import basic
        return basic._load_params()     # pylint: disable=protected-access
    except Exception:  # pylint: disable=broad-except
        return {}


_URL_USERINFO_RE = re.compile(r'://([^/?#]*)@')


def url_passwords(value):
    """The passwords written in URLs (``scheme://user:password@host``)
    anywhere in ``value`` (an option value, a list, a dict)."""
    found = set()
    if isinstance(value, str):
        for userinfo in _URL_USERINFO_RE.findall(value):
            if ':' in userinfo and userinfo.split(':', 1)[1]:
                found.add(userinfo.split(':', 1)[1])
    elif isinstance(value, dict):
        for item in value.values():
            found.update(url_passwords(item))
    elif isinstance(value, (list, tuple)):
        for item in value:
            found.update(url_passwords(item))
    return found


def _tame(value):
    """``value`` with every int too large for str() (Python refuses more
    than 4300 digits) replaced by a short text."""
    if isinstance(value, dict):
        return dict((k, _tame(v)) for k, v in value.items())
    if isinstance(value, list):
        return [_tame(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return '(a number of about %d digits)' % int(value.bit_length() * 0.30103)
    return value


class ZvmModule(AnsibleModule):
    """AnsibleModule plus the SMAPI connection options and an SDK.  A module
    whose argument spec has the access node options (``node.options``) gets
    an SDK with the node, made from them when it is first used (here, when
    ``node_host`` is not set); its connection is closed when the module
    exits.  The node options are checked when the SDK is made, before any
    SMAPI call, also in a run that does not use the node."""

    def __init__(self, argument_spec, supports_check_mode=True, **kwargs):
        spec = connection.argument_spec()
        spec.update(argument_spec)
        AnsibleModule.__init__(self, argument_spec=spec, supports_check_mode=supports_check_mode, **kwargs)
        self._sdk = None
        self._check_raw_numbers()

    def _check_raw_numbers(self):
        """Fail when an int option came as a string that is not ASCII digits
        (AnsibleModule reads Arabic-Indic digits as a number, and crashes
        logging a number of thousands of digits)."""
        problem = validation.raw_number_problem(self.argument_spec, _raw_arguments())
        if problem:
            self.params.update(_tame(self.params))     # fail_json echoes the arguments
            self.fail_json(msg=problem)

    def _log_invocation(self):
        self._check_raw_numbers()       # AnsibleModule.__init__ logs the converted values: check them first
        self._mask_url_passwords()
        AnsibleModule._log_invocation(self)

    def _mask_url_passwords(self):
        """A password written in a URL (user:password@host, which the image
        options refuse) is masked in the result as a no_log value is."""
        if getattr(self, 'no_log_values', None) is not None:
            self.no_log_values.update(url_passwords(_raw_arguments()) | url_passwords(getattr(self, 'params', None)))

    @property
    def sdk(self):
        if self._sdk is None:
            from ansible_collections.zvm.cloud.plugins.module_utils.sdk.api import SDKAPI
            try:
                kwargs = connection.client_kwargs(self.params)
                if 'node_host' in self.argument_spec:
                    # checked now, before any SMAPI call, also in a run that needs no node; the node itself is
                    # made (and connected to) when it is first used
                    from ansible_collections.zvm.cloud.plugins.module_utils.node import options as node_options
                    node_options.node_kwargs(self.params)
                    kwargs['node'] = self._make_node
                self._sdk = SDKAPI(**kwargs)
            except InputError as e:
                self.fail_json(msg=str(e))
        return self._sdk

    def _make_node(self):
        """The access node from the node options (InputError names a bad one)."""
        from ansible_collections.zvm.cloud.plugins.module_utils.node import access, options
        return access.AccessNode.from_options(**options.node_kwargs(self.params))

    def _close_node(self):
        sdk = getattr(self, '_sdk', None)      # fail_json may come from AnsibleModule.__init__
        if sdk is not None:
            try:
                sdk.close()
            except Exception:  # pylint: disable=broad-except
                pass        # the result is what counts; the connection ends with the process anyway

    def exit_json(self, **kwargs):
        self._close_node()
        self._mask_url_passwords()
        AnsibleModule.exit_json(self, **kwargs)

    def fail_json(self, msg, **kwargs):
        self._close_node()
        self._mask_url_passwords()
        AnsibleModule.fail_json(self, one_line(msg), **kwargs)

    def smapi_calls(self):
        """How many SMAPI requests this run made (reads and writes)."""
        if self._sdk is None:
            return {'reads': 0, 'writes': 0}
        return self._sdk.call_counts()

    @contextlib.contextmanager
    def errors(self, context=None):
        """Turn any SMAPI, SDK or input error into fail_json with one clear
        line; anything else is a bug, reported with its traceback.
        ``context()`` returns keys (e.g. the actions done) for the result."""
        try:
            yield
        except (SmapiError, InputError, SDKBaseException) as e:
            msg, extra = error_result(e)
            extra.update(context() if context else {})
            extra['smapi_calls'] = self.smapi_calls()
            self.fail_json(msg=msg, **extra)
        except Exception as e:  # pylint: disable=broad-except
            self.fail_json(msg='unexpected error: %s: %s' % (type(e).__name__, e),
                           exception=traceback.format_exc())
