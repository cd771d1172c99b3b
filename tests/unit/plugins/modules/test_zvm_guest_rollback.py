# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A change of several parts that fails midway is undone as a whole, the
running guest included, and the result says exactly what was done, what
was undone and what could not be (issue 16, bugs 1 and 2)."""

from ansible_collections.zvm.cloud.plugins.modules import zvm_guest

BASE = dict(memory='1G', max_memory='4G', disks=[{'vdev': '0100', 'size': '100', 'disk_pool': 'ECKD:POOL1'}])


def records(sim, name):
    return sim.dump()['directory'].get(name)


def extents(sim, name):
    return sorted((e['vdev'], e['volid'], e['start']) for e in sim.dump()['extents'] if e['owner'] == name)


def test_a_failed_disk_on_a_running_guest_is_detached_and_its_space_is_free(run_module, sim):
    """Bug 1: the first new disk was removed from the directory but stayed
    attached to the running guest, and its extent was handed out again."""
    assert not run_module(zvm_guest, name='GRBDSK1', state='started', **BASE).failed
    before_dir, before_ext = records(sim, 'GRBDSK1'), extents(sim, 'GRBDSK1')
    more = dict(BASE, disks=BASE['disks'] + [{'vdev': '0101', 'size': '200', 'disk_pool': 'ECKD:POOL2'},
                                             {'vdev': '0102', 'size': '5000', 'disk_pool': 'ECKD:SMALL'}])
    res = run_module(zvm_guest, name='GRBDSK1', state='started', **more)
    assert res.failed and (res['smapi']['rc'], res['smapi']['rs']) == (408, 24)
    assert res['actions'] == []
    assert res['failed_actions'] == ['create disk 0101 (200 in ECKD:POOL2)', 'create disk 0102 (5000 in ECKD:SMALL)']
    assert res['rollback'] == ['disk 0101 of GRBDSK1: removed again']
    assert records(sim, 'GRBDSK1') == before_dir and extents(sim, 'GRBDSK1') == before_ext
    assert sorted(sim.dump()['cp']['GRBDSK1']['disks']) == ['0100']      # not attached to the running guest
    detach = [c for c in res.calls if c['function'] == 'Image_Disk_Delete' and c['target'] == 'GRBDSK1']
    assert len(detach) == 1


def test_a_failure_after_a_settings_change_and_a_disk_undoes_both(run_module, sim):
    """Bug 2: the memory change and the new disk were kept when the NIC
    step failed, and actions listed them as done."""
    assert not run_module(zvm_guest, name='GRBALL1', **BASE).failed
    before_dir, before_ext = records(sim, 'GRBALL1'), extents(sim, 'GRBALL1')
    changed = dict(BASE, memory='2G', logonby=['MAINT'],
                   disks=BASE['disks'] + [{'vdev': '0101', 'size': '100', 'disk_pool': 'ECKD:POOL1'}],
                   nics=[{'vdev': '1000'}])
    sim.fault(function='Virtual_Network_Adapter_Create_Extended_DM', rc=596, rs=3210, times=1)
    try:
        res = run_module(zvm_guest, name='GRBALL1', **changed)
    finally:
        sim.clear_faults()
    assert res.failed and res['smapi']['function'] == 'Virtual_Network_Adapter_Create_Extended_DM'
    assert res['actions'] == []
    assert res['failed_actions'] == ['create NICDEF 1000 (QDIO)']
    assert res['rollback'] == ['undone: create disk 0101 (100 in ECKD:POOL1)',
                               'undone: update directory entry: LOGONBY userids, USER storage']
    assert records(sim, 'GRBALL1') == before_dir
    assert extents(sim, 'GRBALL1') == before_ext
    again = run_module.paired(zvm_guest, name='GRBALL1', **changed)      # and it converges on a re-run
    assert not again.failed and 'create NICDEF 1000 (QDIO)' in again['actions']


def test_what_cannot_be_undone_is_kept_and_listed(run_module, sim):
    """Deleting a disk cannot be undone (its data is gone): it runs after
    every step that can be, so a failure to start afterwards keeps it, says
    so, and undoes the rest."""
    assert not run_module(zvm_guest, name='GRBKEEP', **dict(BASE, disks=BASE['disks'] + [
        {'vdev': '0101', 'size': '100', 'disk_pool': 'ECKD:POOL1'}])).failed
    sim.fault(function='Image_Activate', rc=200, rs=28, times=1)
    try:
        res = run_module(zvm_guest, name='GRBKEEP', state='started', purge_disks=True, **dict(BASE, memory='2G'))
    finally:
        sim.clear_faults()
    assert res.failed and res['failed_actions'] == ['start']
    assert res['actions'] == ['delete disk 0101']
    assert res['rollback'] == ['undone: update directory entry: USER storage']
    user = records(sim, 'GRBKEEP')[0].split()
    assert user[3] == '1G' and [v for v, _vol, _s in extents(sim, 'GRBKEEP')] == ['0100']
