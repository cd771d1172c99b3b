# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The operations layer with a scripted client: what each rc/rs means,
lock waits, the host lock, and the lock-read-replace-unlock cycle."""

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils import directory
from ansible_collections.zvm.cloud.plugins.module_utils.operations import disks, entries, power
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import (
    SDKConflictError, SDKGuestOperationError, SDKObjectNotExistError,
)
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.errors import SmapiRequestError

from .scripted import session_with

RECORDS = ['USER LINUX01 PASSW0RD 1G 2G G', 'CPU 00 BASE', 'MDISK 0100 3390 1 1000 LX0100 MR']


@pytest.fixture(autouse=True)
def private_lock_dir(tmp_path, monkeypatch):
    monkeypatch.setattr('tempfile.tempdir', str(tmp_path))


# -- the session ------------------------------------------------------------------------

def test_dm_write_waits_for_a_lock_someone_else_holds():
    session, clock = session_with([(400, 12), (404, 12), (400, 12), (0, 0)])
    session.dm_write('Virtual_Network_Adapter_Delete_DM', 'LINUX01', image_device_number='1000')
    assert clock.slept == [0.2, 0.4, 0.8] and session.lock_waits() == 3


def test_dm_write_gives_up_after_the_lock_timeout():
    session, clock = session_with([(400, 12)] * 20, lock_timeout=3.0)
    with pytest.raises(SDKConflictError, match="stayed locked for 3 seconds .*another change of it may still be "
                                               "running.*release it with DIRMAINT FOR LINUX01 UNLOCK"):
        session.dm_write('Virtual_Network_Adapter_Delete_DM', 'LINUX01', image_device_number='1000')
    assert clock.now >= 3.0


def test_dm_write_does_not_retry_other_failures():
    session, _clock = session_with([(404, 8)])
    with pytest.raises(SmapiRequestError):
        session.dm_write('Virtual_Network_Adapter_Delete_DM', 'LINUX01', image_device_number='1000')
    assert len(session.client.history) == 1


def test_guest_lock_is_reentrant(tmp_path):
    session, _clock = session_with([])
    with session.guest_lock('LINUX01'):
        with session.guest_lock('LINUX01'):
            pass
        assert session._held['LINUX01'][1] == 1
    assert 'LINUX01' not in session._held
    assert [p.name for p in tmp_path.iterdir()][0].startswith('zvm-cloud-locks-')


# -- entries ---------------------------------------------------------------------------------

def test_query_returns_none_for_no_entry_and_parses_one():
    session, _clock = session_with([(400, 4), (0, 0, {'image_record_array': RECORDS})])
    assert entries.query(session, 'NOSUCH') is None
    entry = entries.query(session, 'LINUX01')
    assert entry.userid == 'LINUX01' and [m.vdev for m in entry.mdisks] == ['0100']


def test_require_names_the_guest():
    session, _clock = session_with([(400, 4)])
    with pytest.raises(SDKObjectNotExistError, match="Guest 'NOSUCH' does not exist"):
        entries.require(session, 'NOSUCH')


def test_delete_says_whether_it_deleted():
    session, _clock = session_with([(0, 0), (400, 4)])
    assert entries.delete(session, 'LINUX01') is True
    assert entries.delete(session, 'LINUX01') is False


def test_create_of_a_taken_name_is_a_conflict():
    session, _clock = session_with([(400, 8)])
    with pytest.raises(SDKConflictError, match="'LINUX01' already exists"):
        entries.create(session, directory.parse(RECORDS))


def test_modify_locks_reads_replaces_unlocks_in_that_order():
    session, _clock = session_with([(0, 0), (0, 0, {'image_record_array': RECORDS}), (0, 0), (0, 0)])
    before, after = entries.modify(session, 'LINUX01', lambda e: e.set_storage('2G'))
    assert session.client.functions() == ['Image_Lock_DM', 'Image_Query_DM', 'Image_Replace_DM', 'Image_Unlock_DM']
    assert before.storage == '1G' and after.storage == '2G'
    assert session.client.history[2]['params']['image_record_array'][0].split()[3] == '2G'


def test_modify_without_a_change_writes_nothing_but_unlocks():
    session, _clock = session_with([(0, 0), (0, 0, {'image_record_array': RECORDS}), (0, 0)])
    before, after = entries.modify(session, 'LINUX01', lambda e: False)
    assert before is after
    assert session.client.functions() == ['Image_Lock_DM', 'Image_Query_DM', 'Image_Unlock_DM']


def test_modify_unlocks_after_a_failed_replace_and_reports_the_replace_error():
    session, _clock = session_with([(0, 0), (0, 0, {'image_record_array': RECORDS}), (596, 3210), (0, 0)])
    with pytest.raises(SmapiRequestError) as info:
        entries.modify(session, 'LINUX01', lambda e: e.set_storage('2G'))
    assert info.value.function == 'Image_Replace_DM'
    assert session.client.functions()[-1] == 'Image_Unlock_DM'


def test_unlock_is_retried_and_a_lasting_failure_names_the_entry():
    session, _clock = session_with([(500, 8), (0, 0)])
    entries.unlock(session, 'LINUX01')
    assert session.client.functions() == ['Image_Unlock_DM', 'Image_Unlock_DM']
    session, _clock = session_with([(500, 8)] * entries.UNLOCK_ATTEMPTS)
    with pytest.raises(SDKConflictError, match="'LINUX01' is still locked .*DIRMAINT FOR LINUX01 UNLOCK"):
        entries.unlock(session, 'LINUX01')


def test_unlock_of_an_unlocked_entry_is_fine():
    session, _clock = session_with([(400, 24)])
    entries.unlock(session, 'LINUX01')
    assert len(session.client.history) == 1


def test_a_failed_unlock_after_a_good_change_fails_the_change():
    script = [(0, 0), (0, 0, {'image_record_array': RECORDS}), (0, 0)] + [(500, 8)] * entries.UNLOCK_ATTEMPTS
    session, _clock = session_with(script)
    with pytest.raises(SDKConflictError, match='still locked'):
        entries.modify(session, 'LINUX01', lambda e: e.set_storage('2G'))


def markers(tmp_path):
    return sorted(p.name for p in tmp_path.glob('zvm-cloud-locks-*/*.held'))


def test_modify_records_its_lock_on_the_controller_until_it_unlocks(tmp_path):
    seen = []
    session, _clock = session_with([(0, 0), (0, 0, {'image_record_array': RECORDS}), (0, 0), (0, 0)])
    before, after = entries.modify(session, 'LINUX01', lambda e: seen.append(markers(tmp_path)) or e.set_storage('2G'))
    assert seen == [['test_1_LINUX01.held']] and markers(tmp_path) == []
    assert after.storage == '2G'


def test_a_failed_unlock_leaves_the_marker_and_the_next_change_releases_the_stale_lock(tmp_path):
    script = [(0, 0), (0, 0, {'image_record_array': RECORDS}), (0, 0)] + [(500, 8)] * entries.UNLOCK_ATTEMPTS
    session, _clock = session_with(script)
    with pytest.raises(SDKConflictError, match='still locked'):
        entries.modify(session, 'LINUX01', lambda e: e.set_storage('2G'))
    assert markers(tmp_path) == ['test_1_LINUX01.held']
    # a later run of this controller: DirMaint refuses the lock (still ours), the marker says so
    locked_by_us = (0, 12, {'lock_info': {'locked_type': 'IMAGE', 'image_locked_by': 'MAINT'}})
    session, clock = session_with([(400, 12), locked_by_us, (0, 0), (0, 0), (0, 0, {'image_record_array': RECORDS}),
                                   (0, 0), (0, 0)])
    entries.modify(session, 'LINUX01', lambda e: e.set_storage('4G'))
    assert session.client.functions() == ['Image_Lock_DM', 'Image_Lock_Query_DM', 'Image_Unlock_DM', 'Image_Lock_DM',
                                          'Image_Query_DM', 'Image_Replace_DM', 'Image_Unlock_DM']
    assert clock.slept == [] and session.released_stale_locks == ['LINUX01'] and markers(tmp_path) == []


def test_a_lock_without_a_marker_is_waited_for_never_released():
    session, _clock = session_with([(400, 12)] * 30, lock_timeout=2.0)
    with pytest.raises(SDKConflictError, match="stayed locked .*DIRMAINT FOR LINUX01 UNLOCK"):
        entries.modify(session, 'LINUX01', lambda e: e.set_storage('2G'))
    assert set(session.client.functions()) == {'Image_Lock_DM'}


def test_a_marker_whose_lock_another_user_now_holds_is_dropped_not_released(tmp_path):
    session, _clock = session_with([(0, 0)])
    with session.guest_lock('LINUX01'):
        session.record_lock('LINUX01')
    other = (0, 12, {'lock_info': {'locked_type': 'IMAGE', 'image_locked_by': 'OPERATOR'}})
    session, _clock = session_with([(400, 12), other] + [(400, 12)] * 30, lock_timeout=1.0)
    with pytest.raises(SDKConflictError, match='stayed locked'):
        entries.modify(session, 'LINUX01', lambda e: e.set_storage('2G'))
    assert 'Image_Unlock_DM' not in session.client.functions() and markers(tmp_path) == []


def test_any_directory_write_releases_a_stale_lock_of_this_controller_but_waits_on_a_device_lock(tmp_path):
    session, clock = session_with([])
    with session.guest_lock('LINUX01'):
        session.record_lock('LINUX01')                  # a process that was killed holding the lock
    locked_by_us = (0, 12, {'lock_info': {'locked_type': 'IMAGE', 'image_locked_by': 'MAINT'}})
    session, clock = session_with([(404, 12), (400, 12), locked_by_us, (0, 0), (0, 0)])
    assert entries.delete(session, 'LINUX01') is True
    assert session.client.functions() == ['Image_Delete_DM', 'Image_Delete_DM', 'Image_Lock_Query_DM',
                                          'Image_Unlock_DM', 'Image_Delete_DM']
    assert clock.slept == [0.2] and markers(tmp_path) == []     # waited on the device lock only


def test_modify_runs_again_when_its_lock_was_released_before_the_replace(tmp_path):
    read = (0, 0, {'image_record_array': RECORDS})
    session, _clock = session_with([(0, 0), read, (400, 24), (0, 0), read, (0, 0), (0, 0)])
    before, after = entries.modify(session, 'LINUX01', lambda e: e.set_storage('2G'))
    assert session.client.functions() == ['Image_Lock_DM', 'Image_Query_DM', 'Image_Replace_DM',   # lost: no unlock
                                          'Image_Lock_DM', 'Image_Query_DM', 'Image_Replace_DM', 'Image_Unlock_DM']
    assert after.storage == '2G' and markers(tmp_path) == []
    session, _clock = session_with([(0, 0), read, (400, 24)] * entries.MODIFY_ATTEMPTS)
    with pytest.raises(SDKConflictError, match='released by someone else .* nothing was written'):
        entries.modify(session, 'LINUX01', lambda e: e.set_storage('2G'))
    assert 'Image_Unlock_DM' not in session.client.functions()


# -- power -------------------------------------------------------------------------------------

def test_power_codes():
    session, _clock = session_with([(0, 0), (0, 12), (200, 8), (0, 0), (200, 12), (200, 16), (200, 12), (0, 0)])
    assert power.status(session, 'A') == 'on'
    assert power.status(session, 'A') == 'off'
    assert power.activate(session, 'A') is False
    assert power.activate(session, 'A') is True
    assert power.deactivate(session, 'A') is False
    assert power.deactivate(session, 'A') is True
    assert power.recycle(session, 'A') is False
    assert power.recycle(session, 'A') is True


def test_pause_of_a_guest_that_is_off():
    session, _clock = session_with([(8, 12)])
    with pytest.raises(SDKGuestOperationError, match="'A' is not logged on, so it cannot be paused"):
        power.pause(session, 'A')


def test_cpus_stopped():
    stopped = {'cpu_info_array': [{'cpu_status': 1}, {'cpu_status': 1}]}
    running = {'cpu_info_array': [{'cpu_status': 1}, {'cpu_status': 3}]}
    session, _clock = session_with([(200, 12), (0, 0, stopped), (0, 0, running)])
    assert power.cpus_stopped(session, 'A') is None
    assert power.cpus_stopped(session, 'A') is True
    assert power.cpus_stopped(session, 'A') is False


def test_wait_polls_until_the_state_or_the_timeout():
    session, clock = session_with([(0, 0), (0, 0), (0, 12)])
    assert power.wait(session, 'A', 'off', 10, 1) is True
    assert clock.slept == [1, 1]
    session, clock = session_with([(0, 0)] * 10)
    assert power.wait(session, 'A', 'off', 2, 1) is False


# -- disks -------------------------------------------------------------------------------------

def test_disk_codes():
    session, _clock = session_with([(0, 0), (408, 8), (204, 8), (0, 0)])
    assert disks.delete_dm(session, 'A', '0100') is True
    assert disks.delete_dm(session, 'A', '0100') is False
    assert disks.detach(session, 'A', '0100') is False
    assert disks.detach(session, 'A', '0100') is True


def test_query_active_of_a_guest_that_is_off():
    session, _clock = session_with([(200, 12)])
    with pytest.raises(SDKGuestOperationError, match="'A' is not logged on"):
        disks.query_active(session, 'A')


def test_pools():
    groups = {'record_array': ['POOL1', 'POOL2']}
    session, _clock = session_with([(0, 0, groups), (420, 8), (0, 0, {'record_array': ['POOL1 LX0100']})])
    assert disks.pool_names(session) == ['POOL1', 'POOL2']
    assert disks.pool_exists(session, 'NOPE') is False
    assert disks.pool_exists(session, 'POOL1') is True


def test_profile_exists():
    session, _clock = session_with([(400, 4), (0, 0, {'profile_record_array': ['PROFILE IBMDFLT']})])
    assert entries.profile_exists(session, 'NOPE') is False
    assert entries.profile_exists(session, 'IBMDFLT') is True
    assert [h['function'] for h in session.client.history] == ['Profile_Query_DM'] * 2
