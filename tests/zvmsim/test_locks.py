# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""DirMaint's locks as the simulator keeps them (a lock that is already
held is refused, whoever holds it, and locks outlive the server), and space
a running guest still has attached, which is never handed out again until
it is detached or the guest logs off (zvmsim/dirmaint.py, zvmsim/dasd.py)."""

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils import directory as model

from tests.zvmsim.conftest import smapi_for
from tests.zvmsim.test_disks import create_dm, delete_dm, extents, pool_config, records, share_dm, where

OP = {'userid': 'OPERATOR', 'password': 'OPERATOR'}


def rcrs(reply):
    return reply['return_code'], reply['reason_code']


def lock(smapi, target, device='', **kw):
    return rcrs(smapi('Image_Lock_DM', target, device_address=device, **kw))


def unlock(smapi, target, device='', **kw):
    return rcrs(smapi('Image_Unlock_DM', target, device_address=device, **kw))


# ---------------------------------------------------------------------------
# Locks
# ---------------------------------------------------------------------------

def test_a_held_image_lock_is_refused_to_everyone_its_holder_included(smapi):
    assert lock(smapi, 'LINUX01') == (0, 0)
    assert lock(smapi, 'LINUX01') == (400, 12)              # the same SMAPI user: "already locked"
    assert lock(smapi, 'LINUX01', **OP) == (400, 12)
    assert lock(smapi, 'LINUX01', '0100') == (400, 12)      # a device of a locked image
    assert unlock(smapi, 'LINUX01') == (0, 0)
    assert lock(smapi, 'LINUX01', **OP) == (0, 0)           # free again: the first to ask gets it
    assert lock(smapi, 'LINUX01') == (400, 12)
    assert unlock(smapi, 'LINUX01') == (0, 0)               # anyone may release it (DIRMAINT UNLOCK)
    assert unlock(smapi, 'LINUX01') == (400, 24)


def test_a_held_device_lock_is_refused_to_everyone(smapi):
    assert lock(smapi, 'LINUX02', '0100') == (0, 0)
    assert lock(smapi, 'LINUX02', '100') == (404, 12)
    assert lock(smapi, 'LINUX02', '0100', **OP) == (404, 12)
    assert lock(smapi, 'LINUX02') == (404, 12)              # the image, while one of its devices is locked
    assert lock(smapi, 'LINUX02', '1000') == (0, 0)         # another device is free
    assert unlock(smapi, 'LINUX02', '0100') == (0, 0) and unlock(smapi, 'LINUX02', '1000') == (0, 0)
    assert lock(smapi, 'LINUX02') == (0, 0)


def test_a_held_profile_lock_is_refused(smapi):
    assert rcrs(smapi('Profile_Lock_DM', 'IBMDFLT')) == (0, 0)
    assert rcrs(smapi('Profile_Lock_DM', 'IBMDFLT')) == (400, 12)
    assert rcrs(smapi('Profile_Unlock_DM', 'IBMDFLT')) == (0, 0)


def test_a_locked_entry_takes_no_change_but_its_holders_replace_which_releases_it(sim, smapi):
    recs = [r.rstrip() for r in smapi('Image_Query_DM', 'LINUX02')['image_record_array']]
    assert lock(smapi, 'LINUX02') == (0, 0)
    for who in ({}, OP):                                     # the holder included
        assert rcrs(smapi('Image_Password_Set_DM', 'LINUX02', image_password='NEWPW', **who)) == (400, 12)
        assert rcrs(smapi('Image_Disk_Create_DM', 'LINUX02', image_disk_number='0200', image_disk_device_type='3390',
                          image_disk_allocation_type='AUTOG', allocation_area_name_or_volser='POOL1',
                          allocation_unit_size=1, image_disk_size=1, image_disk_mode='MR', image_disk_formatting=0,
                          **who)) == (400, 12)
    assert rcrs(smapi('Image_Replace_DM', 'LINUX02', image_record_array=recs, **OP)) == (400, 12)
    bad = ['USER LINUX09 X 1G 1G G']                         # names another user: refused, the lock stays
    assert rcrs(smapi('Image_Replace_DM', 'LINUX02', image_record_array=bad))[0] == 24
    assert rcrs(smapi('Image_Lock_Query_DM', 'LINUX02')) == (0, 12)
    assert rcrs(smapi('Image_Replace_DM', 'LINUX02', image_record_array=recs)) == (0, 0)
    assert rcrs(smapi('Image_Lock_Query_DM', 'LINUX02')) == (0, 24)                  # released
    assert unlock(smapi, 'LINUX02') == (400, 24)           # what a client's unlock afterwards meets
    assert rcrs(smapi('Image_Password_Set_DM', 'LINUX02', image_password='NEWPW', **OP)) == (0, 0)


def test_locks_outlive_the_server(make_sim, tmp_path):
    state = tmp_path / 'kept'
    first = make_sim(state_dir=state)
    assert lock(smapi_for(first), 'LINUX01') == (0, 0)
    first.store.close()
    again = smapi_for(make_sim(state_dir=state))           # a restarted server on the same state
    assert lock(again, 'LINUX01') == (400, 12)
    query = again('Image_Lock_Query_DM', 'LINUX01')
    assert rcrs(query) == (0, 12) and query['lock_info']['image_locked_by'] == 'MAINT'
    assert unlock(again, 'LINUX01') == (0, 0) and lock(again, 'LINUX01') == (0, 0)


# ---------------------------------------------------------------------------
# Space a running guest still has attached
# ---------------------------------------------------------------------------

@pytest.fixture
def psim(make_sim):
    return make_sim(pool_config())


@pytest.fixture
def psmapi(psim):
    return smapi_for(psim)


def attach(smapi, userid, vdev):
    return rcrs(smapi('Image_Disk_Create', userid, image_disk_number=vdev, image_disk_mode=''))


def detach(smapi, userid, vdev):
    return rcrs(smapi('Image_Disk_Delete', userid, image_disk_number=vdev))


def test_a_deleted_disk_still_attached_to_a_running_guest_is_not_handed_out(psim, psmapi):
    assert rcrs(create_dm(psmapi, 'LINUX01', '0200', 5)) == (0, 0)          # TP0001 1-5
    assert attach(psmapi, 'LINUX01', '0200') == (0, 0)
    assert rcrs(delete_dm(psmapi, 'LINUX01', '0200')) == (0, 0)
    assert ('TP0001', 1, 5, 'LINUX01', '0200') not in extents(psim)      # gone from DirMaint's extents...
    assert rcrs(create_dm(psmapi, 'GUEST1', '0201', 5)) == (0, 0)
    assert where(psim, 'GUEST1', '0201') == ('TP0001', 6, 5)             # ...but still busy
    assert rcrs(create_dm(psmapi, 'GUEST1', '0202', 2, alloc='1', area='TP0001')) == (408, 24)
    assert detach(psmapi, 'LINUX01', '0200') == (0, 0)
    assert rcrs(create_dm(psmapi, 'GUEST1', '0203', 5)) == (0, 0)
    assert where(psim, 'GUEST1', '0203') == ('TP0001', 1, 5)             # free once detached


def test_a_link_of_a_running_guest_keeps_the_space_busy(psim, psmapi):
    assert rcrs(create_dm(psmapi, 'GUEST1', '0201', 10)) == (0, 0)          # TP0001 1-10
    assert rcrs(share_dm(psmapi, 'LINUX03', '0300', 'GUEST1', '0201', mode='RR')) == (0, 0)
    assert rcrs(psmapi('Image_Activate', 'LINUX03')) == (0, 0)              # links GUEST1 0201 at logon
    assert rcrs(delete_dm(psmapi, 'GUEST1', '0201')) == (0, 0)
    assert rcrs(create_dm(psmapi, 'GUEST1', '0202', 10)) == (0, 0)
    assert where(psim, 'GUEST1', '0202') == ('TP0001', 11, 10)
    assert rcrs(psmapi('Image_Deactivate', 'LINUX03', force_time='IMMED')) == (0, 0)
    assert rcrs(create_dm(psmapi, 'GUEST1', '0203', 10)) == (0, 0)
    assert where(psim, 'GUEST1', '0203') == ('TP0001', 1, 10)            # free once the linker logged off


def test_a_deleted_running_guest_keeps_its_space_until_it_logs_off(psim, psmapi):
    assert rcrs(create_dm(psmapi, 'LINUX01', '0200', 20)) == (0, 0)
    assert attach(psmapi, 'LINUX01', '0200') == (0, 0)
    assert rcrs(psmapi('Image_Delete_DM', 'LINUX01', data_security_erase=0)) == (0, 0)
    assert extents(psim, 'LINUX01') == []
    assert rcrs(create_dm(psmapi, 'GUEST1', '0201', 20)) == (0, 0)
    assert where(psim, 'GUEST1', '0201') == ('TP0001', 21, 20)
    with psim.store.transaction(write=True) as tx:
        tx.delete_cp('LINUX01')                                           # it logs off
    assert rcrs(create_dm(psmapi, 'GUEST1', '0202', 20)) == (0, 0)
    assert where(psim, 'GUEST1', '0202') == ('TP0001', 1, 20)


def test_a_replace_that_drops_an_attached_disk_keeps_its_space_busy(psim, psmapi):
    assert rcrs(create_dm(psmapi, 'LINUX01', '0200', 5)) == (0, 0)
    assert attach(psmapi, 'LINUX01', '0200') == (0, 0)
    kept = records(psim, 'LINUX01')
    without = [r for r in kept if not r.startswith('MDISK 0200')]
    assert lock(psmapi, 'LINUX01') == (0, 0)
    assert rcrs(psmapi('Image_Replace_DM', 'LINUX01', image_record_array=without)) == (0, 0)
    assert rcrs(psmapi('Image_Disk_Query', 'LINUX01', vdasd_id='0200')) == (0, 0)   # still attached
    # nobody else may put a disk there, by first fit or at an explicit place...
    assert rcrs(create_dm(psmapi, 'GUEST1', '0201', 5)) == (0, 0)
    assert where(psim, 'GUEST1', '0201') == ('TP0001', 6, 5)
    other = records(psim, 'GUEST2') + ['MDISK 0300 3390 1 5 TP0001 MR']
    assert lock(psmapi, 'GUEST2') == (0, 0)
    assert rcrs(psmapi('Image_Replace_DM', 'GUEST2', image_record_array=other)) == (408, 24)
    # ...but the owner may put its own disk back (an undo)
    assert lock(psmapi, 'LINUX01') == (0, 0)
    assert rcrs(psmapi('Image_Replace_DM', 'LINUX01', image_record_array=kept)) == (0, 0)
    assert ('TP0001', 1, 5, 'LINUX01', '0200') in extents(psim)
    assert [m.vdev for m in model.parse(records(psim, 'LINUX01')).mdisks].count('0200') == 1


def test_a_full_pack_minidisk_needs_a_volume_nobody_uses(psim, psmapi):
    assert rcrs(create_dm(psmapi, 'LINUX01', '0200', 5, alloc='AUTOV', area='TD0001')) == (0, 0)
    assert attach(psmapi, 'LINUX01', '0200') == (0, 0)
    assert rcrs(delete_dm(psmapi, 'LINUX01', '0200')) == (0, 0)
    assert rcrs(create_dm(psmapi, 'GUEST1', '0500', 1, area='0A03', alloc='DEVNO')) == (408, 24)
    assert detach(psmapi, 'LINUX01', '0200') == (0, 0)
    assert rcrs(create_dm(psmapi, 'GUEST1', '0500', 1, area='0A03', alloc='DEVNO')) == (0, 0)
