# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check mode is a promise: the one helper that proves it in every play.

``pair_tasks(tasks)`` puts before each task of a zvm.cloud module that can
change things, and before each inclusion of a zvm.cloud role, a copy of it
that runs in check mode with diff (its name starts with ``CHECK_PREFIX``;
a role's tasks get ``check_mode`` through ``apply``); the real task runs
with diff too.  The results callback marks each result and task start with
the task's ``check_mode``, which is how copies are told from real tasks.  After the
play, ``compare(results)`` pairs each real result with its prediction and
raises ``CheckModeMismatch`` where they differ in ``changed``, ``actions``,
``diff`` or the returned resource.  Only results of real tasks that
succeeded are compared: a failure a prediction could not foresee (a pool
that fills up between plan and apply) is the real run's to report.

What DirMaint decides only when it makes a disk (the volume and the start
of an AUTOG minidisk) cannot be predicted: a predicted pool disk says
``volser: null, start: null`` and ``pool: NAME``, and its MDISK record in
the predicted diff reads ``AUTOG``; those match any allocation.  What only
a transfer tells (an imported image's checksum and size, the transfer's
figures) is predicted as ``KNOWN_AFTER_RUN``, which matches any value.
"""

import copy
import json
import re

CHECK_PREFIX = '[check] '
# modules that never change anything: nothing to predict
READ_ONLY = ('zvm.cloud.zvm_facts',)
# result keys that are about the run, not the resource
RUN_KEYS = ('smapi_calls', 'lock_waits', 'rollback', 'invocation', 'warnings', 'deprecations', 'failed', 'msg', 'item', 'ansible_loop_var',
            'changed', 'actions', 'diff', '_ansible_no_log', '_ansible_item_label', '_ansible_verbose_always',
            '_ansible_item_result', '_ansible_ignore_errors', 'failed_when_result', 'skipped', 'skip_reason')
# planners/images.py's KNOWN_AFTER_RUN: a predicted value only the run can tell
KNOWN_AFTER_RUN = '(known after the run)'
_MDISK_RE = re.compile(r'^(\s*MDISK\s+)(\S+)(\s+\S+\s+)(\S+)(\s+\d+\s+)(\S+)(.*)$', re.I)


class CheckModeMismatch(AssertionError):
    pass


INCLUDE_ROLE = ('ansible.builtin.include_role', 'include_role')


def _module_of(task):
    return next((k for k in task if k.startswith('zvm.cloud.')), None)


def _role_of(task):
    key = next((k for k in INCLUDE_ROLE if k in task), None)
    if key and str((task[key] or {}).get('name', '')).startswith('zvm.cloud.'):
        return key
    return None


def pair_tasks(tasks):
    """The tasks with a check-mode copy before each changing zvm.cloud task
    and each zvm.cloud role."""
    out = []
    for task in tasks:
        module, role = _module_of(task), _role_of(task)
        if (module is None or module in READ_ONLY) and role is None or task.get('check_mode') is not None:
            out.append(task)
            continue
        name = task.get('name') or module or role
        check = copy.deepcopy(task)
        check['name'] = CHECK_PREFIX + name
        for key in ('register', 'notify', 'until', 'retries', 'delay'):
            check.pop(key, None)
        real = copy.deepcopy(task)
        real['name'] = name
        if role:
            check[role]['apply'] = dict(check[role].get('apply') or {}, check_mode=True, diff=True,
                                        ignore_errors=True)
            real[role]['apply'] = dict(real[role].get('apply') or {}, diff=True)
        else:
            check.update(check_mode=True, diff=True, ignore_errors=True)
            real['diff'] = True
        out.extend([check, real])
    return out


def _pool_disks(value, found=None):
    """{vdev: pool} of predicted pool disks anywhere in a result."""
    found = {} if found is None else found
    if isinstance(value, dict):
        if value.get('pool') and value.get('volser') is None and 'vdev' in value:
            found[value['vdev']] = value['pool']
        for v in value.values():
            _pool_disks(v, found)
    elif isinstance(value, list):
        for v in value:
            _pool_disks(v, found)
    return found


def _allocated_as_predicted(real, predicted, pools):
    """``real`` with what DirMaint chose for a predicted pool disk replaced
    by the prediction's unknowns (in structures and in MDISK record texts);
    a value predicted as KNOWN_AFTER_RUN is taken as predicted."""
    if predicted == KNOWN_AFTER_RUN:
        return predicted
    if isinstance(real, str) and isinstance(predicted, str):
        return _diff_text(real, pools)
    if isinstance(predicted, dict) and isinstance(real, dict):
        out = {}
        for key, value in real.items():
            if key in predicted:
                out[key] = _allocated_as_predicted(value, predicted[key], pools)
            else:
                out[key] = value
        if predicted.get('pool') and predicted.get('volser') is None and 'vdev' in predicted:
            out['volser'] = out['start'] = None
            out['pool'] = predicted['pool']
        return out
    if isinstance(predicted, list) and isinstance(real, list) and len(predicted) == len(real):
        return [_allocated_as_predicted(r, p, pools) for r, p in zip(real, predicted)]
    return real


def _diff_text(text, pools):
    """A diff text with the MDISK records of predicted pool disks as AUTOG."""
    lines = []
    for line in (text or '').splitlines():
        m = _MDISK_RE.match(line)
        if m and m.group(2).upper().zfill(4) in pools:
            line = '%s%s%sAUTOG%s%s%s' % (m.group(1), m.group(2), m.group(3), m.group(5),
                                          pools[m.group(2).upper().zfill(4)], m.group(7))
        lines.append(line)
    return '\n'.join(lines) + ('\n' if (text or '').endswith('\n') else '')


def _diffs(result):
    diff = result.get('diff')
    if isinstance(diff, dict):
        diff = [diff]
    return diff or []


def _resource(result):
    return dict((k, v) for k, v in result.items() if k not in RUN_KEYS)


def compare_results(name, predicted, real):
    """Raise CheckModeMismatch where a check-mode result differs from the real one."""
    problems = []
    if predicted.get('failed'):
        raise CheckModeMismatch('%s: check mode failed (%s) but the real run succeeded'
                                % (name, predicted.get('msg')))
    for key in ('changed', 'actions'):
        if predicted.get(key) != real.get(key):
            problems.append('%s: predicted %r, did %r' % (key, predicted.get(key), real.get(key)))
    pools = _pool_disks(predicted)
    want = [dict((k, _diff_text(v, pools) if k in ('before', 'after') else v) for k, v in d.items())
            for d in _diffs(predicted)]
    got = [dict((k, _diff_text(v, pools) if k in ('before', 'after') else v) for k, v in d.items())
           for d in _diffs(real)]
    if want != got:
        problems.append('diff: predicted %s, did %s' % (json.dumps(want), json.dumps(got)))
    want = _resource(predicted)
    got = _allocated_as_predicted(_resource(real), want, pools)
    for key in sorted(set(want) | set(got)):
        if want.get(key) != got.get(key):
            problems.append('%s: predicted %s, re-read %s' % (key, json.dumps(want.get(key), sort_keys=True),
                                                              json.dumps(got.get(key), sort_keys=True)))
    if problems:
        raise CheckModeMismatch('check mode predicted something else than %s did:\n  %s'
                                % (name, '\n  '.join(problems)))


def compare(results):
    """Compare each successful real result with its check-mode prediction;
    returns how many pairs were compared."""
    pending = {}
    compared = 0
    for r in results:
        name = r['task']
        if name.startswith(CHECK_PREFIX):
            name = name[len(CHECK_PREFIX):]
        if r.get('check_mode'):
            pending.setdefault((r['host'], name), []).append(r)
            continue
        queue = pending.get((r['host'], name))
        if not queue:
            continue
        predicted = queue.pop(0)
        if r['status'] != 'ok':
            continue
        want, got = predicted['result'], r['result']
        if isinstance(got.get('results'), list):      # a loop: item by item
            items = list(zip(want.get('results') or [], got['results']))
            if len(items) != len(got['results']):
                raise CheckModeMismatch('%s: check mode ran %d items, the real run %d'
                                        % (name, len(want.get('results') or []), len(got['results'])))
        else:
            items = [(want, got)]
        for item_want, item_got in items:
            if item_got.get('skipped') or item_got.get('failed'):
                continue
            compare_results(name, item_want, item_got)
            compared += 1
    return compared


def without_copies(records, calls):
    """The real tasks' results, and the SMAPI calls less those the
    check-mode copies made (the callback writes each task's start with the
    request log's line count)."""
    ranges = []
    starts = [r for r in records if r.get('event') == 'task_start']
    for i, start in enumerate(starts):
        if start.get('check_mode'):
            end = starts[i + 1]['log_lines'] if i + 1 < len(starts) else None
            ranges.append((start['log_lines'], end))

    def in_copy(call):
        seq = call.get('seq') or 0
        return any(seq > lo and (hi is None or seq <= hi) for lo, hi in ranges)

    results = [r for r in records if 'event' not in r and not r.get('check_mode')]
    return results, [c for c in calls if not in_copy(c)]
