# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The zvm.cloud.guests role against zvmsim: one zvm_guest task for the
whole list, each guest's check-mode prediction compared with its real run."""

GUESTS = [{'name': 'RGUEST1', 'memory': '1G', 'disks': [{'vdev': '0100', 'size': '100', 'disk_pool': 'ECKD:POOL2'}]},
          {'name': 'RGUEST2', 'memory': '2G', 'vcpus': 2},
          {'name': 'RGUEST3', 'memory': '1G', 'state': 'stopped', 'password': 'R0LEPW1'}]
DEFAULTS = {'profile': 'IBMDFLT', 'max_memory': '4G'}


def role_task(**role_vars):
    return {'name': 'guests role', 'ansible.builtin.include_role': {'name': 'zvm.cloud.guests'}, 'vars': role_vars}


def declared(run):
    """The results of the role's one zvm_guest task."""
    return [r for r in run.results if r['task'].endswith('Declare the guests')]


def test_role_declares_every_guest_in_one_task_and_converges(play, zvmsim):
    run = play([role_task(guests_list=GUESTS, guests_state='started', guests_defaults=DEFAULTS,
                          guests_max_connections=2)])
    assert run.rc == 0, run
    # each guest's check-mode prediction was compared with its real run (and the include_role's)
    assert run.checked == len(GUESTS) + 1
    [task] = declared(run)
    result = task['result']
    assert result['changed'] is True and result['summary'] == {'total': 3, 'changed': 3, 'unchanged': 0, 'failed': 0}
    assert [r['name'] for r in result['results']] == ['RGUEST1', 'RGUEST2', 'RGUEST3']
    assert [r['power_state'] for r in result['results']] == ['on', 'on', 'off']
    assert 'R0LEPW1' not in run.stdout and 'R0LEPW1' not in repr(result)
    dump = zvmsim.dump()
    for name, storage in (('RGUEST1', '1G'), ('RGUEST2', '2G'), ('RGUEST3', '1G')):
        user = dump['directory'][name][0].split()
        assert user[:2] == ['USER', name] and user[3:5] == [storage, '4G']
        assert 'INCLUDE IBMDFLT' in dump['directory'][name]
    assert 'RGUEST1' in dump['cp'] and 'RGUEST2' in dump['cp'] and 'RGUEST3' not in dump['cp']
    assert dump['directory']['RGUEST3'][0].split()[2] == 'R0LEPW1'

    again = play([role_task(guests_list=GUESTS, guests_state='started', guests_defaults=DEFAULTS)])
    assert again.rc == 0, again
    assert again.writes == []
    [task] = declared(again)
    assert task['result']['changed'] is False and task['result']['directory_read'] == 'query_all'
    # the whole list in bulk, plus whether each running guest declared started is paused
    functions = sorted(c['function'] for c in again.calls)
    assert functions == ['Image_CPU_Query', 'Image_CPU_Query', 'Image_Status_Query', 'Query_All_DM']


def test_role_names_a_bad_item_before_anything_runs(play, zvmsim):
    before = zvmsim.dump()['directory']
    run = play([role_task(guests_list=[{'name': 'RGUEST8', 'memory': '1G'}, {'name': 'RGUEST9', 'colour': 'red'}])])
    assert run.rc != 0
    assert 'guests[2]: unsupported option colour' in run.stdout
    assert run.calls == []
    assert zvmsim.dump()['directory'] == before


def test_role_rejects_a_bad_state_before_anything_runs(play, zvmsim):
    before = zvmsim.dump()['directory']
    run = play([role_task(guests_list=[{'name': 'RGUEST9', 'memory': '1G'}], guests_state='sleeping')])
    assert run.rc != 0
    assert 'sleeping' in run.stdout and 'guests_state' in run.stdout
    assert run.calls == []
    assert zvmsim.dump()['directory'] == before
