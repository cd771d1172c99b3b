# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zvm.cloud.zvm_guest with ``guests`` (a fleet in one run) in-process
against zvmsim: bad declarations named before any call, shared defaults,
converged, changing and failing guests side by side, each guest's
check-mode prediction against its real run, the same messages as a single
run, SMAPI calls that do not grow with the guests, bounded concurrency, and
the per-guest reads when the server refuses Query_All_DM."""

import pytest

from ansible_collections.zvm.cloud.plugins.modules import zvm_guest
from tests.integration import checkmode
from tests.integration.conftest import TEST_SYSTEM
from zvmsim.testing import SimServer

POOL_DISK = [{'vdev': '0100', 'size': '50', 'disk_pool': 'ECKD:POOL1'}]
SHARED = dict(memory='1G', profile='IBMDFLT', disks=POOL_DISK)


def functions(res):
    return sorted(c['function'] for c in res.calls)


def storage(sim, name):
    records = sim.dump()['directory'].get(name)
    return records[0].split()[3] if records else None


def paired_members(run_module, **args):
    """Check mode with diff, then the real run with diff; each guest that
    did not fail for real is compared with its prediction (as the plays
    compare a loop's items).  Returns (predicted, real)."""
    predicted = run_module(zvm_guest, check=True, diff=True, **args)
    real = run_module(zvm_guest, diff=True, **args)
    assert predicted.writes == []
    assert [r['name'] for r in predicted['results']] == [r['name'] for r in real['results']]
    for want, got in zip(predicted['results'], real['results']):
        if not got.get('failed'):
            checkmode.compare_results('zvm_guest %s' % got['name'], want, got)
    return predicted, real


# -- input --------------------------------------------------------------------------------------

@pytest.mark.parametrize('options, message', [
    (dict(guests=[{'name': 'FBAD1'}, {'name': 'FBAD2', 'memory': 'lots'}]), "guests[2].memory: 'lots'"),
    (dict(guests=[{'name': 'FBAD1', 'max_memory': '3Q'}]), "guests[1].max_memory: '3Q'"),
    (dict(guests=[{'name': 'FBAD1', 'vcpus': 'many'}]), "guests[1]: argument 'vcpus' is of type"),
    (dict(guests=[{'name': 'FBAD1', 'vcpus': 99}]), 'guests[1].vcpus: 99 is not a number from 1 to 64'),
    (dict(guests=[{'name': 'FBAD1', 'colour': 'red'}]), 'guests[1]: unsupported option colour'),
    (dict(guests=[{'name': 'FBAD1', 'state': 'asleep'}]), 'guests[1]: value of state must be one of'),
    (dict(guests=[{'name': 'FBAD1'}, {'memory': '1G'}]), 'guests[2]: missing required arguments: name'),
    (dict(guests=[{'name': 'TOOLONG99'}]), "guests[1].name: 'TOOLONG99' is not a valid"),
    (dict(guests=[{'name': 'FBAD1'}, {'name': 'FBAD2'}, {'userid': 'fbad1'}]),
     'guests[3].name: guest FBAD1 is declared twice (first as guests[1].name)'),
    (dict(guests=[{'name': 'FBAD1', 'disks': [{'vdev': '0100', 'size': '12Q', 'disk_pool': 'ECKD:POOL1'}]}]),
     "guests[1].disks[1] size: '12Q'"),
    (dict(guests=[{'name': 'FBAD1', 'disks': [{'vdev': '0100'}]}]),
     'guests[1]: missing required arguments: size found in disks'),
    (dict(guests=[{'name': 'FBAD1'},
                  {'name': 'FBAD2', 'nics': [{'vdev': '1000', 'vswitch': 'VSW1'}, {'vdev': '1001', 'vswitch': 'VSW1'}]}]),
     'guests[2].nics[2].vdev: NIC 1001 overlaps NIC 1000'),
    (dict(disks=[{'vdev': '0100', 'size': '1G'}], guests=[{'name': 'FBAD1'}]),
     'guests[1].disks[1]: disk_pool is required'),
    (dict(guests=[{'name': 'FBAD1'}], max_connections=0), 'max_connections: 0 is not a number of connections'),
    (dict(name='FBAD1', guests=[{'name': 'FBAD2'}]), 'parameters are mutually exclusive: name|guests'),
    (dict(memory='1G'), 'one of the following is required: name, guests'),
])
@pytest.mark.parametrize('check', [True, False], ids=['check', 'real'])
def test_a_bad_declaration_is_named_before_any_call(run_module, options, message, check):
    res = run_module(zvm_guest, check=check, **options)
    assert res.failed, res
    assert res['msg'].startswith(message), res['msg']
    assert '\n' not in res['msg'] and 'exception' not in res
    assert res.calls == []


def test_passwords_of_declarations_are_masked(run_module, sim):
    res = run_module(zvm_guest, check=True, memory='1G', guests=[{'name': 'FPW1', 'password': 'S3CRET9'}])
    assert not res.failed and res['results'][0]['actions'] == ['create guest FPW1']
    assert 'S3CRET9' not in repr(dict(res))


# -- planning and applying ------------------------------------------------------------------------

def test_shared_defaults_declarations_override_and_check_mode_predicts(run_module, sim):
    args = dict(SHARED, state='stopped', guests=[
        {'name': 'FDEF1'},
        {'name': 'FDEF2', 'memory': '2G', 'vcpus': 2, 'state': 'started'},
        {'name': 'FDEF3', 'disks': [POOL_DISK[0], {'vdev': '0101', 'size': '256M', 'format': 'swap'}]},
    ])
    real = run_module.paired(zvm_guest, **args)     # the whole result, each guest's included
    assert not real.failed, real['msg']
    assert [r['name'] for r in real['results']] == ['FDEF1', 'FDEF2', 'FDEF3']
    assert real['summary'] == {'total': 3, 'changed': 3, 'unchanged': 0, 'failed': 0}
    assert real['directory_read'] == 'query_all'
    assert real['results'][1]['actions'] == ['create guest FDEF2', 'create disk 0100 (50 in ECKD:POOL1)', 'start']
    assert real['actions'][:2] == ['FDEF1: create guest FDEF1', 'FDEF1: create disk 0100 (50 in ECKD:POOL1)']
    assert [d['after_header'] for d in real['diff']] == ['directory entry FDEF%d' % n for n in (1, 2, 3)]
    assert [storage(sim, 'FDEF%d' % n) for n in (1, 2, 3)] == ['1G', '2G', '1G']
    assert sorted(d['vdev'] for d in real['results'][2]['guest']['disks']) == ['0100', '0101']
    assert real['results'][1]['power_state'] == 'on' and real['results'][0]['power_state'] == 'off'
    # pools and the profile are checked once for all the guests
    assert sum(1 for c in real.calls if c['function'] == 'Profile_Query_DM') == 1
    assert sum(1 for c in real.calls if c['function'] == 'Image_Volume_Space_Query_DM') == 1

    again = run_module(zvm_guest, diff=True, **args)
    assert not again.failed and again['changed'] is False and again.writes == []
    assert again['summary'] == {'total': 3, 'changed': 0, 'unchanged': 3, 'failed': 0}
    # the entries and power states in bulk; started guests that run: whether they are paused
    assert functions(again) == ['Image_CPU_Query', 'Image_Status_Query', 'Query_All_DM']
    # unchanged guests are brief unless their entries are asked for
    assert [sorted(r) for r in again['results']] == [
        ['actions', 'changed', 'changes', 'name', 'paused', 'power_state', 'restart_required']] * 3
    assert 'diff' not in again
    full = run_module(zvm_guest, diff=True, unchanged_entries=True, **args)
    assert [r['guest'] for r in full['results']] == [r['guest'] for r in real['results']]
    assert full['results'][0]['diff']['before'] == full['results'][0]['diff']['after']


def test_converged_changing_and_failing_guests_side_by_side(run_module, sim):
    assert not run_module(zvm_guest, guests=[{'name': 'FMIX1'}, {'name': 'FMIX2'}, {'name': 'FMIX5'}],
                          **SHARED).failed
    declared = [
        {'name': 'FMIX1'},                                                          # converged
        {'name': 'FMIX2', 'memory': '3G'},                                          # a change
        {'name': 'FMIX3', 'memory': None, 'profile': None},                         # nothing to plan with
        {'name': 'FMIX4', 'memory': '1G',
         'disks': [{'vdev': '0100', 'size': '4000', 'disk_pool': 'ECKD:SMALL'}]},  # no room in the pool
        {'name': 'FMIX5', 'disks': [{'vdev': '0100', 'size': '60', 'disk_pool': 'ECKD:POOL1'}]},    # differs
    ]
    single = run_module(zvm_guest, name='FMIX3', disks=POOL_DISK)
    assert single.failed
    predicted, real = paired_members(run_module, profile='IBMDFLT', disks=POOL_DISK, guests=declared,
                                     memory=None)
    assert predicted.failed and predicted['summary']['failed'] == 2
    assert real.failed and real['summary'] == {'total': 5, 'changed': 1, 'unchanged': 1, 'failed': 3}
    by_name = dict((r['name'], r) for r in real['results'])
    assert by_name['FMIX1']['changed'] is False and by_name['FMIX1']['actions'] == []
    assert by_name['FMIX2']['actions'] == ['update directory entry: USER storage']
    assert by_name['FMIX3']['msg'] == single['msg'] == 'memory is required to create guest FMIX3'
    assert by_name['FMIX4']['msg'].startswith('Image_Disk_Create_DM on FMIX4 failed: RC 408 RS 24')
    assert by_name['FMIX4']['failed_actions'] == ['create guest FMIX4', 'create disk 0100 (4000 in ECKD:SMALL)']
    assert by_name['FMIX4']['rollback'] == ['guest FMIX4: the new directory entry was deleted again']
    assert by_name['FMIX4']['smapi']['rc'] == 408
    assert 'disk 0100 has 50 cylinders, not 60' in by_name['FMIX5']['msg']
    assert real['msg'].startswith('3 of 5 guests failed: FMIX3: memory is required to create guest FMIX3; '
                                  'FMIX4: Image_Disk_Create_DM on FMIX4 failed: RC 408 RS 24')
    assert '\n' not in real['msg']
    # check mode foresaw the planning failures, with the same messages
    predicted_by_name = dict((r['name'], r) for r in predicted['results'])
    assert [n for n, r in sorted(predicted_by_name.items()) if r.get('failed')] == ['FMIX3', 'FMIX5']
    assert predicted_by_name['FMIX5']['msg'] == by_name['FMIX5']['msg']
    dump = sim.dump()['directory']
    assert 'FMIX3' not in dump and 'FMIX4' not in dump and storage(sim, 'FMIX2') == '3G'


def test_smapi_calls_do_not_grow_with_the_guests(run_module, sim):
    seen = []
    for count in (3, 12):
        declared = [{'name': 'FCNT%02d' % n} for n in range(1, count + 1)]
        assert not run_module(zvm_guest, guests=declared, **SHARED).failed
        for check in (True, False):
            res = run_module(zvm_guest, check=check, guests=declared, **SHARED)
            assert not res.failed and res['changed'] is False and res.writes == []
            assert len(res['results']) == count
            seen.append(functions(res))
            assert res['smapi_calls'] == {'reads': 2, 'writes': 0}
    assert seen == [['Image_Status_Query', 'Query_All_DM']] * 4


def test_changes_run_concurrently_on_a_bounded_number_of_connections(run_module, sim):
    declared = [{'name': 'FCON%d' % n} for n in range(1, 6)]
    sim.fault(function='Image_Create_DM', action='slow', delay=0.3)
    try:
        res = run_module(zvm_guest, guests=declared, max_connections=2, memory='1G')
    finally:
        sim.clear_faults()
    assert not res.failed and res['summary']['changed'] == 5
    spans = [(c['time'] - c['ms'] / 1000.0, c['time']) for c in res.calls if c['function'] == 'Image_Create_DM']
    most = max(sum(1 for lo, hi in spans if lo < t <= hi) for _lo, t in spans)
    assert len(spans) == 5 and most == 2


# -- when the server refuses Query_All_DM ----------------------------------------------------------

@pytest.fixture(scope='module')
def refusing():
    """A simulator whose DirMaint does not let the SMAPI user run Query_All_DM (100/12)."""
    config = dict(TEST_SYSTEM, directory={'query_all_authorized': False})
    with SimServer(config=config) as server:
        yield server


def test_a_refused_query_all_reads_each_guest(run_module, refusing):
    declared = [{'name': 'FREF%d' % n} for n in range(1, 5)]
    args = dict(SHARED, guests=declared, smapi_port=refusing.port)
    predicted, real = paired_members(run_module, **args)
    assert not real.failed and real['directory_read'] == 'per_guest' == predicted['directory_read']
    assert real['summary']['changed'] == 4
    mark = refusing.mark()
    again = run_module(zvm_guest, **args)
    calls = refusing.calls(since=mark)
    assert not again.failed and again['changed'] is False and again['directory_read'] == 'per_guest'
    assert sorted(c['function'] for c in calls) == ['Image_Query_DM'] * 4 + ['Image_Status_Query', 'Query_All_DM']
    assert [(c['rc'], c['rs']) for c in calls if c['function'] == 'Query_All_DM'] == [(100, 12)]
    assert not any(c['write'] for c in calls)
