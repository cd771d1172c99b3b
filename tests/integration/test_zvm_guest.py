# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zvm.cloud.zvm_guest against zvmsim, through ansible-playbook: end-to-end
runs (each paired with its check-mode prediction by the play fixture).
Bad input, planning and power transitions are tested in-process in
tests/unit/plugins/modules/test_zvm_guest.py."""


def guest_task(name, **options):
    options = dict(options)
    register = options.pop('register', 'out')
    task = {'name': options.pop('task_name', 'guest'), 'zvm.cloud.zvm_guest': dict(name=name, **options),
            'register': register}
    return task


BASIC = dict(memory='1G', max_memory='2G', vcpus=2, profile='IBMDFLT',
             disks=[{'vdev': '0100', 'size': '1G', 'disk_pool': 'ECKD:POOL1', 'is_boot_disk': True},
                    {'vdev': '0101', 'size': '512M', 'disk_pool': 'FBA:FBAPOOL'}])


def directory(zvmsim, name):
    return zvmsim.dump()['directory'].get(name)


def test_create_then_converged_rerun(play, zvmsim):
    first = play([guest_task('GCREATE1', **BASIC)])
    assert first.rc == 0, first
    assert first.checked == 1
    res = first.result()
    assert res['changed'] is True
    assert res['actions'][:3] == ['create guest GCREATE1', 'create disk 0100 (1G in ECKD:POOL1)',
                                  'create disk 0101 (512M in FBA:FBAPOOL)']
    guest = res['guest']
    assert (guest['storage'], guest['max_storage'], len(guest['cpus']), guest['profile']) == ('1G', '2G', 2, 'IBMDFLT')
    assert guest['ipl']['device'] == '0100'
    disks = dict((d['vdev'], d) for d in guest['disks'])
    assert disks['0100']['devtype'] == '3390' and disks['0100']['size'] == 1457
    assert disks['0101']['size'] == 1048576
    assert res['power_state'] == 'off'
    records = directory(zvmsim, 'GCREATE1')
    assert records[0].split() == ['USER', 'GCREATE1', 'LBYONLY', '1G', '2G', 'G']
    extents = [e for e in zvmsim.dump()['extents'] if e['owner'] == 'GCREATE1']
    assert sorted((e['vdev'], e['size']) for e in extents) == [('0100', 1457), ('0101', 1048576)]

    again = play([guest_task('GCREATE1', **BASIC)])
    assert again.rc == 0, again
    assert again.result()['changed'] is False
    assert again.result()['actions'] == []
    assert again.writes == []
    assert len(again.reads) <= 2, again.reads
    assert again.result()['smapi_calls'] == {'reads': len(again.reads), 'writes': 0}


def test_change_memory_add_and_purge_disks(play, zvmsim):
    assert play([guest_task('GCHANGE1', **BASIC)]).rc == 0
    more = {**BASIC, 'memory': '1536M'}
    run = play([guest_task('GCHANGE1', **more)])
    assert run.rc == 0, run
    res = run.result()
    assert res['changed'] and res['guest']['storage'] == '1536M'
    assert res['changes'] == [{'statement': 'USER', 'field': 'storage', 'before': '1G', 'after': '1536M'}]
    assert [c['function'] for c in run.writes] == ['Image_Lock_DM', 'Image_Replace_DM', 'Image_Unlock_DM']
    assert res['restart_required'] is False     # the guest is off

    added = {**more, 'disks': BASIC['disks'] + [{'vdev': '0102', 'size': '100', 'disk_pool': 'ECKD:POOL2'}]}
    run = play([guest_task('GCHANGE1', **added)])
    assert run.rc == 0, run
    assert run.result()['actions'] == ['create disk 0102 (100 in ECKD:POOL2)']
    assert [d['size'] for d in run.result()['guest']['disks'] if d['vdev'] == '0102'] == [100]

    kept_without_purge = play([guest_task('GCHANGE1', **more)])
    assert kept_without_purge.result()['changed'] is False
    assert kept_without_purge.writes == []

    purged = play([guest_task('GCHANGE1', purge_disks=True, **more)])
    assert purged.rc == 0, purged
    assert purged.result()['actions'] == ['delete disk 0102']
    assert '0102' not in [d['vdev'] for d in purged.result()['guest']['disks']]
    assert not [e for e in zvmsim.dump()['extents'] if e['owner'] == 'GCHANGE1' and e['vdev'] == '0102']


def test_delete_and_delete_again(play, zvmsim):
    assert play([guest_task('GDELETE1', state='started', **BASIC)]).rc == 0
    run = play([guest_task('GDELETE1', state='absent', stop_mode='immediate')])
    assert run.rc == 0, run
    assert run.result()['actions'] == ['stop (immediate)', 'delete guest GDELETE1']
    assert directory(zvmsim, 'GDELETE1') is None
    assert not [e for e in zvmsim.dump()['extents'] if e['owner'] == 'GDELETE1']
    again = play([guest_task('GDELETE1', state='absent')])
    assert again.rc == 0 and again.result()['changed'] is False and again.writes == []


def test_create_failing_halfway_leaves_no_orphan(play, zvmsim):
    """The second disk does not fit in pool SMALL (3000 cylinders)."""
    before = zvmsim.dump()
    spec = dict(memory='1G', disks=[{'vdev': '0100', 'size': '1500', 'disk_pool': 'ECKD:SMALL'},
                                    {'vdev': '0101', 'size': '2000', 'disk_pool': 'ECKD:SMALL'}])
    run = play([guest_task('GORPHAN1', **spec)])
    assert run.rc != 0
    res = run.result()
    assert 'Image_Disk_Create_DM on GORPHAN1 failed: RC 408 RS 24' in res['msg']
    assert res['smapi']['rc'] == 408 and res['smapi']['rs'] == 24
    assert res['smapi']['meaning']
    after = zvmsim.dump()
    assert 'GORPHAN1' not in after['directory']
    assert after['extents'] == before['extents']
    assert [c['function'] for c in run.writes][-1] == 'Image_Delete_DM'
