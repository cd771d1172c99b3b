# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The zvm.cloud.guests role against zvmsim."""

GUESTS = [{'name': 'RGUEST1', 'memory': '1G', 'disks': [{'vdev': '0100', 'size': '100', 'disk_pool': 'ECKD:POOL2'}]},
          {'name': 'RGUEST2', 'memory': '2G', 'vcpus': 2}]


def role_task(**role_vars):
    return {'name': 'guests role', 'ansible.builtin.include_role': {'name': 'zvm.cloud.guests'}, 'vars': role_vars}


def test_role_declares_every_guest_and_converges(play, zvmsim):
    run = play([role_task(guests_list=GUESTS, guests_state='started',
                          guests_defaults={'profile': 'IBMDFLT', 'max_memory': '4G'})])
    assert run.rc == 0, run
    assert run.checked >= len(GUESTS)      # each guest's check-mode prediction was compared (and the checks)
    results = [r for r in run.results if r['task'].endswith('Declare the guests')]
    assert results and results[-1]['result']['changed'] is True
    dump = zvmsim.dump()
    for name, storage in (('RGUEST1', '1G'), ('RGUEST2', '2G')):
        user = dump['directory'][name][0].split()
        assert user[:2] == ['USER', name] and user[3:5] == [storage, '4G']
        assert 'INCLUDE IBMDFLT' in dump['directory'][name]
        assert name in dump['cp']
    again = play([role_task(guests_list=GUESTS, guests_state='started',
                            guests_defaults={'profile': 'IBMDFLT', 'max_memory': '4G'})])
    assert again.rc == 0, again
    assert again.writes == []
    assert [r['result']['changed'] for r in again.results if r['task'].endswith('Declare the guests')] == [False]


def test_role_rejects_a_bad_state_before_anything_runs(play, zvmsim):
    before = zvmsim.dump()['directory']
    run = play([role_task(guests_list=[{'name': 'RGUEST9', 'memory': '1G'}], guests_state='sleeping')])
    assert run.rc != 0
    assert 'sleeping' in run.stdout and 'guests_state' in run.stdout
    assert run.calls == []
    assert zvmsim.dump()['directory'] == before
