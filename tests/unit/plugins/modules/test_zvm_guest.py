# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zvm.cloud.zvm_guest in-process against zvmsim: bad input, planning,
check-mode predictions and power transitions (each real run paired with
its check-mode prediction)."""

import pytest

from ansible_collections.zvm.cloud.plugins.modules import zvm_guest

BASIC = dict(memory='1G', max_memory='2G', vcpus=2, profile='IBMDFLT',
             disks=[{'vdev': '0100', 'size': '1G', 'disk_pool': 'ECKD:POOL1', 'is_boot_disk': True},
                    {'vdev': '0101', 'size': '512M', 'disk_pool': 'FBA:FBAPOOL'}])


def records(sim, name):
    return sim.dump()['directory'].get(name)


@pytest.mark.parametrize('options,message', [
    (dict(name='TOOLONG99', memory='1G'), "name: 'TOOLONG99' is not a valid"),
    (dict(name='GBAD1', memory='1G', disks=[{'vdev': '10000', 'size': '1G', 'disk_pool': 'ECKD:POOL1'}]),
     "disks[1] vdev: '10000'"),
    (dict(name='GBAD2', memory='1G', disks=[{'vdev': '0100', 'size': '1G', 'disk_pool': 'ECKD:NOPOOL'}]),
     'disk pool NOPOOL is not defined'),
    (dict(name='GBAD3', memory='1G', disks=[{'vdev': '0100', 'size': '12Q', 'disk_pool': 'ECKD:POOL1'}]),
     "disks[1] size: '12Q'"),
    (dict(name='GBAD4', memory='1G', profile='NOSUCHPR'), 'profile: NOSUCHPR is not a profile in the z/VM directory'),
    (dict(name='GBAD5', memory='lots'), "memory: 'lots'"),
    (dict(name='GBAD6'), 'memory is required to create guest GBAD6'),
    (dict(name='GBAD7', memory='1G', nics=[{'vdev': '1000'}, {'vdev': '1000'}]), '1000'),
    (dict(name='GBAD8', memory='1G', disks=[{'vdev': '0100', 'size': '1G', 'disk_pool': 'ECKD:POOL1'}],
          nics=[{'vdev': '00FF'}]), 'nics[1].vdev: a NIC at 00FF uses 00FF-0101, which overlaps disk 0100'),
])
@pytest.mark.parametrize('check', [True, False], ids=['check', 'real'])
def test_bad_input_fails_clearly_and_changes_nothing(run_module, sim, options, message, check):
    before = sim.dump()
    res = run_module(zvm_guest, check=check, **options)
    assert res.failed, res
    assert message in res['msg'], res['msg']
    assert '\n' not in res['msg'] and 'Traceback' not in res['msg'] and 'exception' not in res
    assert res.writes == [] or res['msg'].startswith('Image_Create_DM')
    after = sim.dump()
    assert after['directory'] == before['directory'] and after['extents'] == before['extents']


def test_disk_of_another_size_is_an_error_not_a_change(run_module, sim):
    assert not run_module.paired(zvm_guest, name='GSIZE1', **BASIC).failed
    before = records(sim, 'GSIZE1')
    bigger = {**BASIC, 'disks': [{**BASIC['disks'][0], 'size': '2G'}, BASIC['disks'][1]]}
    res = run_module(zvm_guest, name='GSIZE1', **bigger)
    assert res.failed and 'disk 0100 has 1457 cylinders, not 2913 (2G)' in res['msg']
    assert res.writes == [] and records(sim, 'GSIZE1') == before


def test_check_mode_and_diff_predict_without_writing(run_module, sim):
    res = run_module(zvm_guest, check=True, diff=True, name='GCHECK1', **BASIC)
    assert res['changed'] is True and res['actions'][0] == 'create guest GCHECK1'
    assert res.writes == [] and records(sim, 'GCHECK1') is None
    assert res['diff']['before'] == '# power: absent\n'
    assert 'USER GCHECK1 ******** 1G 2G G' in res['diff']['after']
    assert 'MDISK 0100 3390 AUTOG 1457 POOL1 MR' in res['diff']['after']

    assert not run_module(zvm_guest, name='GCHECK1', password='SECRET1', **BASIC).failed
    res = run_module(zvm_guest, check=True, diff=True, name='GCHECK1', **{**BASIC, 'memory': '2G'})
    assert res['changed'] and res.writes == []
    assert records(sim, 'GCHECK1')[0].split()[3] == '1G'
    assert 'USER GCHECK1 ******** 1G 2G G' in res['diff']['before']
    assert 'USER GCHECK1 ******** 2G 2G G' in res['diff']['after']
    assert 'SECRET1' not in repr(dict(res))


def test_check_mode_keeps_pool_disks(run_module, sim):
    """Regression: with a pool disk and one more disk, check mode listed
    only the second disk, and the pool disk's MDISK read AUTOG."""
    spec = dict(memory='1G', disks=[{'vdev': '0100', 'size': '100', 'disk_pool': 'ECKD:POOL1'},
                                    {'vdev': '0101', 'size': '256M', 'format': 'swap'}])
    predicted = run_module(zvm_guest, check=True, name='GPOOLCK', **spec)
    disks = dict((d['vdev'], d) for d in predicted['guest']['disks'])
    assert sorted(disks) == ['0100', '0101']
    assert disks['0100']['pool'] == 'POOL1' and disks['0100']['volser'] is None and disks['0100']['size'] == 100
    assert disks['0101']['type'] == 'vdisk'
    real = run_module.paired(zvm_guest, name='GPOOLCK', **spec)
    disks = dict((d['vdev'], d) for d in real['guest']['disks'])
    assert sorted(disks) == ['0100', '0101'] and disks['0100']['volser'].startswith('LX010')


@pytest.mark.parametrize('check', [True, False], ids=['check', 'real'])
def test_a_disk_inside_a_nics_range_is_found_before_any_write(run_module, sim, check):
    """Regression: NIC 1000 uses 1000-1002; check mode planned 'create
    disk 1001', and the real run failed with RC 408 RS 4."""
    name = 'GNICDSK' + ('C' if check else 'R')
    assert not run_module(zvm_guest, name=name, memory='1G', nics=[{'vdev': '1000'}]).failed
    before = records(sim, name)
    res = run_module(zvm_guest, check=check, name=name, memory='1G', nics=[{'vdev': '1000'}],
                     disks=[{'vdev': '1001', 'size': '100', 'disk_pool': 'ECKD:POOL1'}])
    assert res.failed
    assert res['msg'] == 'disks: disk 1001: vdev 1001 is already in use by NIC 1000-1002', res['msg']
    assert res.writes == [] and records(sim, name) == before
    res = run_module(zvm_guest, check=check, name=name, memory='1G', nics=[{'vdev': '0FFF'}])
    assert res.failed, res
    assert res['msg'] == 'nics[1].vdev: a NIC at 0FFF uses 0FFF-1001, which overlaps NIC 1000-1002; choose another vdev'
    assert res.writes == [] and records(sim, name) == before


def test_every_state_transition(run_module, sim):
    name = 'GPOWER1'
    steps = [('present', True, 'off'), ('present', False, 'off'), ('started', True, 'on'), ('started', False, 'on'),
             ('paused', True, 'on'), ('paused', False, 'on'), ('started', True, 'on'),
             ('restarted', True, 'on'), ('stopped', True, 'off'), ('stopped', False, 'off'),
             ('restarted', True, 'on'), ('paused', True, 'on'), ('stopped', True, 'off'),
             ('paused', True, 'on'), ('absent', True, None), ('absent', False, None)]
    for state, changed, power in steps:
        res = run_module.paired(zvm_guest, name=name, state=state, **BASIC)
        assert not res.failed, (state, res)
        assert (state, res['changed']) == (state, changed), res['actions']
        assert res['power_state'] == power, (state, res)
        if not changed:
            assert res.writes == [], (state, res.writes)
        assert (name in sim.dump()['cp']) == (power == 'on'), state
    assert records(sim, name) is None


def test_restart_required_when_a_running_guest_changes(run_module):
    assert not run_module.paired(zvm_guest, name='GRESTR1', state='started', **BASIC).failed
    res = run_module.paired(zvm_guest, name='GRESTR1', **{**BASIC, 'vcpus': 3, 'max_vcpus': 4})
    assert res['changed'] and res['restart_required'] is True
    res = run_module.paired(zvm_guest, name='GRESTR1', logonby=['MAINT'], **{**BASIC, 'vcpus': 3, 'max_vcpus': 4})
    assert res['changed'] and res['restart_required'] is False


def test_a_failure_reports_what_was_done(run_module, sim):
    """The second disk does not fit in pool SMALL: the create step is the
    one that failed, nothing was done, and the guest is gone again."""
    spec = dict(memory='1G', disks=[{'vdev': '0100', 'size': '1500', 'disk_pool': 'ECKD:SMALL'},
                                    {'vdev': '0101', 'size': '2000', 'disk_pool': 'ECKD:SMALL'}])
    res = run_module(zvm_guest, name='GFAILED', **spec)
    assert res.failed and res['smapi']['rc'] == 408 and res['smapi']['rs'] == 24
    assert res['actions'] == []
    assert res['failed_actions'] == ['create guest GFAILED', 'create disk 0100 (1500 in ECKD:SMALL)',
                                     'create disk 0101 (2000 in ECKD:SMALL)']
    assert res['rollback'] == ['disk 0100 of GFAILED: removed again',
                               'guest GFAILED: the new directory entry was deleted again']
    assert records(sim, 'GFAILED') is None
