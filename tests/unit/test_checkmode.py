# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The helper that proves check mode in every integration play must itself
be able to fail."""

import pytest

from tests.integration import checkmode


def result(**kw):
    out = {'changed': True, 'actions': ['create guest A'], 'smapi_calls': {'reads': 1, 'writes': 0},
           'guest': {'userid': 'A', 'disks': [{'vdev': '0100', 'pool': 'POOL1', 'volser': None, 'start': None,
                                               'size': 100}]},
           'diff': {'before': '', 'after': 'MDISK 0100 3390 AUTOG 100 POOL1 MR\n'}}
    out.update(kw)
    return out


REAL_GUEST = {'userid': 'A', 'disks': [{'vdev': '0100', 'volser': 'LX0100', 'start': 1, 'size': 100}]}
REAL_DIFF = {'before': '', 'after': 'MDISK 0100 3390 1 100 LX0100 MR\n'}


def test_pair_tasks_adds_a_check_copy_before_changing_tasks_only():
    tasks = [{'name': 'g', 'zvm.cloud.zvm_guest': {'name': 'A'}, 'register': 'out'},
             {'zvm.cloud.zvm_facts': {}}, {'debug': {'msg': 'x'}}]
    paired = checkmode.pair_tasks(tasks)
    assert [t.get('name') for t in paired] == ['[check] g', 'g', None, None]
    assert paired[0]['check_mode'] is True and paired[0]['ignore_errors'] is True and 'register' not in paired[0]
    assert paired[1]['register'] == 'out' and paired[1]['diff'] is True


def test_a_role_gets_check_mode_through_apply():
    task = {'name': 'r', 'ansible.builtin.include_role': {'name': 'zvm.cloud.guests'}, 'vars': {'x': 1}}
    check, real = checkmode.pair_tasks([task])
    assert check['ansible.builtin.include_role']['apply'] == {'check_mode': True, 'diff': True,
                                                              'ignore_errors': True}
    assert real['ansible.builtin.include_role']['apply'] == {'diff': True} and 'apply' not in task[
        'ansible.builtin.include_role']
    other = {'ansible.builtin.include_role': {'name': 'someone.else'}}
    assert checkmode.pair_tasks([other]) == [other]


def test_an_allocation_matches_its_predicted_pool_disk():
    checkmode.compare_results('t', result(), result(guest=REAL_GUEST, diff=REAL_DIFF,
                                                    smapi_calls={'reads': 5, 'writes': 3}))


@pytest.mark.parametrize('real,what', [
    (dict(changed=False), 'changed'),
    (dict(actions=['create guest A', 'start']), 'actions'),
    (dict(guest={'userid': 'A', 'disks': [{'vdev': '0100', 'volser': 'LX0100', 'start': 1, 'size': 200}]}),
     'guest'),
    (dict(diff={'before': '', 'after': 'MDISK 0101 3390 1 100 LX0100 MR\n'}), 'diff'),
    (dict(power_state='on'), 'power_state'),
])
def test_any_difference_fails(real, what):
    base = dict(guest=REAL_GUEST, diff=REAL_DIFF)
    base.update(real)
    with pytest.raises(checkmode.CheckModeMismatch, match=what):
        checkmode.compare_results('t', result(), result(**base))


def test_a_check_that_failed_where_the_real_run_succeeded_fails():
    with pytest.raises(checkmode.CheckModeMismatch, match='check mode failed'):
        checkmode.compare_results('t', {'failed': True, 'msg': 'boom'}, result())


def test_compare_pairs_by_task_and_skips_failed_real_runs():
    records = [
        {'task': '[check] g', 'host': 'h', 'status': 'ok', 'check_mode': True, 'result': result()},
        {'task': 'g', 'host': 'h', 'status': 'ok', 'result': result(guest=REAL_GUEST, diff=REAL_DIFF)},
        {'task': '[check] g', 'host': 'h', 'status': 'ok', 'check_mode': True, 'result': result()},
        {'task': 'g', 'host': 'h', 'status': 'failed', 'result': {'failed': True, 'msg': 'no space'}},
    ]
    assert checkmode.compare(records) == 1
    records[1]['result']['changed'] = False
    with pytest.raises(checkmode.CheckModeMismatch):
        checkmode.compare(records)


def test_without_copies_drops_the_copies_results_and_calls():
    records = [{'event': 'task_start', 'task': '[check] g', 'check_mode': True, 'log_lines': 10},
               {'task': '[check] g', 'host': 'h', 'status': 'ok', 'check_mode': True, 'result': {}},
               {'event': 'task_start', 'task': 'g', 'log_lines': 12},
               {'task': 'g', 'host': 'h', 'status': 'ok', 'result': {}}]
    calls = [{'seq': n} for n in range(11, 16)]
    results, kept = checkmode.without_copies(records, calls)
    assert [r['task'] for r in results] == ['g'] and [c['seq'] for c in kept] == [13, 14, 15]
