# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zvm_guest under Ansible's ``async``, as docs/fleet.md and the module's
EXAMPLES show it: a fleet run that Ansible polls (``async`` with ``poll``),
in check mode and for real, and a soft stop left running in the background
(``poll: 0``) and collected with ``ansible.builtin.async_status`` (the
guest has no operating system that shuts down on the signal, so CP logs it
off when the stop's few seconds have passed, and the job runs that long)."""

from ansible_collections.zvm.cloud.plugins.module_utils.operations import entries
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.api import SDKAPI

NAMES = ['ASYNC01', 'ASYNC02']


def fleet_task(name, **extra):
    task = {'name': name, 'zvm.cloud.zvm_guest': {
        'memory': '512M', 'state': 'started', 'guests': [{'name': n} for n in NAMES]},
        'async': 60, 'poll': 1, 'register': name.replace(' ', '_')}
    task.update(extra)
    return task


def test_fleet_and_soft_stop_run_under_async(play, zvmsim):
    tasks = [
        fleet_task('predict', check_mode=True),
        fleet_task('fleet'),
        {'name': 'stop in the background', 'zvm.cloud.zvm_guest': {'name': NAMES[0], 'state': 'stopped',
                                                                   'stop_mode': 'soft', 'stop_timeout': 3},
         'async': 60, 'poll': 0, 'register': 'stopping'},
        {'name': 'wait for the stop', 'ansible.builtin.async_status': {'jid': '{{ stopping.ansible_job_id }}'},
         'register': 'stopped', 'until': 'stopped.finished', 'retries': 30, 'delay': 1},
        {'name': 'clean up', 'zvm.cloud.zvm_guest': {'stop_mode': 'immediate', 'state': 'absent',
                                                     'guests': [{'name': n} for n in NAMES]}},
    ]
    # The play pairs each changing task with a check-mode copy and compares the two results;
    # under async every result has its own ansible_job_id and results_file, so the pairing is
    # off and the check-mode run is a task of the play ('predict'), compared here.
    run = play(tasks, pair_check=False)
    assert run.rc == 0, run
    predicted, fleet = run.task('predict'), run.task('fleet')
    assert predicted['changed'] and fleet['changed'] and fleet['finished'] == 1
    assert predicted['actions'] == fleet['actions'] == [
        'ASYNC01: create guest ASYNC01', 'ASYNC01: start', 'ASYNC02: create guest ASYNC02', 'ASYNC02: start']
    assert fleet['summary'] == {'total': 2, 'changed': 2, 'unchanged': 0, 'failed': 0}
    assert 'ansible_job_id' in fleet

    started = [r for r in run.results if r['task'] == 'stop in the background'][0]['result']
    assert started['started'] == 1 and started['finished'] == 0
    stopped = run.task('wait for the stop')
    assert stopped['finished'] == 1 and stopped['changed'] is True
    assert stopped['power_state'] == 'off' and stopped['actions'] == ['stop (soft, within 3s)']

    session = SDKAPI(host='127.0.0.1', port=zvmsim.port, userid='MAINT', password='MAINT').session
    assert [entries.query(session, n) for n in NAMES] == [None, None]
