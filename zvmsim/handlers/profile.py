# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Profile_*_DM: DirMaint profiles (PROFILE entries that users INCLUDE).

They are kept in the ``entries`` table, kind ``profile``, as upper-case
72-column records.  Profiles are directory entries: they share the user
name space (400/8) and the lock rules of users (``zvmsim/dirmaint.py``).
"""

from ansible_collections.zvm.cloud.plugins.module_utils import directory as model

from zvmsim.dirmaint import (
    check_not_locked_by_other, image_lock_owner, load_entry, lock, lock_state, save_entry, unlock)
from zvmsim.handlers import Fail, Result, handles
from zvmsim.params import syntax_error


def _check_profile_line(call, entry, param):
    """The records must start with ``PROFILE <target>`` (24/pprr otherwise)."""
    first = next((s for s in entry.statements if not isinstance(s, model.Comment)), None)
    headers = [s for s in entry.statements if isinstance(s, (model.Header, model.User))]
    if not isinstance(first, model.Header) or first.keyword != 'PROFILE' or first.name != call.target \
            or len(headers) != 1:
        raise syntax_error(call, param)


def _includers(tx, profile):
    """The users whose entry INCLUDEs ``profile``."""
    out = []
    for name, records in tx.entries('user'):
        if any(isinstance(s, model.Include) and s.value == profile for s in model.parse(records).statements):
            out.append(name)
    return out


@handles('Profile_Create_DM')
def profile_create_dm(call):
    """A new PROFILE entry: 400/8 the name is taken; 24/pprr when the records
    do not start with ``PROFILE <target>``."""
    if call.tx.entry_kind(call.target) in ('user', 'profile'):
        raise Fail(400, 8)
    entry = model.parse(call.param('profile_record_array') or [])
    _check_profile_line(call, entry, 'profile_record_array')
    save_entry(call, call.target, entry, 'profile', check_lock=False)
    return {}


@handles('Profile_Delete_DM')
def profile_delete_dm(call):
    """Delete a profile: 400/4 not defined, 400/12 locked (by anyone, the
    caller included: ``dirmaint.check_not_locked_by_other``), 400/16 while a
    user entry still INCLUDEs it (DirMaint refuses to purge a
    profile in use).  Its locks go with it."""
    load_entry(call, call.target, 'profile')
    check_not_locked_by_other(call, call.target)
    if _includers(call.tx, call.target):
        raise Fail(400, 16)
    call.tx.delete_entry(call.target, 'profile')
    call.tx.delete_lock(call.target)
    return {}


@handles('Profile_Query_DM')
def profile_query_dm(call):
    """The profile's records (400/4 not defined)."""
    records, _entry = load_entry(call, call.target, 'profile')
    return {'profile_record_array': records}


@handles('Profile_Replace_DM')
def profile_replace_dm(call):
    """Replace a profile: 400/4 not defined, 400/24 nobody holds a lock on
    it, 400/12 another SMAPI user does (the one write a locked profile takes
    is its holder's replace); 24/pprr without ``PROFILE <target>``.
    The lock is kept."""
    load_entry(call, call.target, 'profile')
    owner = image_lock_owner(call.tx, call.target)
    if owner is None:
        raise Fail(400, 24)
    if owner != call.userid:
        raise Fail(400, 12)
    entry = model.parse(call.param('profile_record_array') or [])
    _check_profile_line(call, entry, 'profile_record_array')
    save_entry(call, call.target, entry, 'profile')
    return {}


@handles('Profile_Lock_DM')
def profile_lock_dm(call):
    """Lock a profile: 400/4 not defined, 400/12 already locked, by anyone:
    a second lock is refused to the SMAPI user holding the lock too (the
    lock rules of ``zvmsim/dirmaint.py``), 404/12 a device of it is locked."""
    _records, entry = load_entry(call, call.target, 'profile')
    return lock(call, call.target, entry, '')


@handles('Profile_Unlock_DM')
def profile_unlock_dm(call):
    """Unlock a profile: 400/4 not defined, 400/24 not locked."""
    load_entry(call, call.target, 'profile')
    return unlock(call, call.target, '')


@handles('Profile_Lock_Query_DM')
def profile_lock_query_dm(call):
    """0/12 with ``IMAGE <owner>`` and the locked devices, 0/24 (empty lock
    text) when unlocked; 400/4 not defined."""
    load_entry(call, call.target, 'profile')
    owner, devices = lock_state(call.tx, call.target)
    if owner is None and not devices:
        return Result(0, 24, {'locked_type': '', 'locked_dev_array': []})
    out = {'locked_type': 'IMAGE', 'profile_locked_by': owner} if owner else {'locked_type': 'DEVICE'}
    out['locked_dev_array'] = devices
    return Result(0, 12, out)
