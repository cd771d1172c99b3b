# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""DirMaint profiles (PROFILE entries that users INCLUDE) and prototypes
(the models Image_Create_DM copies).

Both are kept in the ``entries`` table, kind ``profile`` and ``prototype``,
as upper-case 72-column records.  Profiles are directory entries: they share
the user name space (400/8) and the lock rules of users (``directory.py``).
Prototypes are DirMaint files with no locks; they use the 416 return codes
and have a name space of their own (a user and a prototype may share a
name).
"""

from ansible_collections.zvm.cloud.plugins.module_utils import directory as model

from zvmsim.handlers import Fail, Result, handles
from zvmsim.handlers.directory import (
    check_not_locked_by_other, ebcdic_sorted, image_lock_owner, load_entry, lock, lock_state, save_entry,
    syntax_error, unlock)


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
    """Delete a profile: 400/4 not defined, 400/12 locked by another user,
    400/16 while a user entry still INCLUDEs it (DirMaint refuses to purge a
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
    """Replace a profile: 400/4 not defined, 400/24 the caller holds no lock
    on it, 400/12 another user does; 24/pprr without ``PROFILE <target>``.
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
    """Lock a profile: 400/4 not defined, 400/12 locked by another user;
    relocking one's own lock is 0/0."""
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


# ---------------------------------------------------------------------------
# Prototypes
# ---------------------------------------------------------------------------

def _prototype_entry(call, param):
    """The records must hold one USER (or IDENTITY) statement, first (416/0)."""
    entry = model.parse(call.param(param) or [])
    first = next((s for s in entry.statements if not isinstance(s, model.Comment)), None)
    users = [s for s in entry.statements if isinstance(s, model.User)]
    if not isinstance(first, model.User) or len(users) != 1:
        raise Fail(416, 0)
    return entry


@handles('Prototype_Create_DM')
def prototype_create_dm(call):
    """A new prototype: 416/8 it exists; 416/0 when the records do not start
    with one USER statement.  Prototypes have a namespace of their own."""
    if call.tx.entry(call.target, 'prototype') is not None:
        raise Fail(416, 8)
    entry = _prototype_entry(call, 'prototype_record_array')
    save_entry(call, call.target, entry, 'prototype', check_lock=False)
    return {}


@handles('Prototype_Delete_DM')
def prototype_delete_dm(call):
    """Delete a prototype (416/4 not found)."""
    load_entry(call, call.target, 'prototype', missing=(416, 4))
    call.tx.delete_entry(call.target, 'prototype')
    return {}


@handles('Prototype_Query_DM')
def prototype_query_dm(call):
    """The prototype's records (416/4 not found)."""
    records, _entry = load_entry(call, call.target, 'prototype', missing=(416, 4))
    return {'prototype_record_array': records}


@handles('Prototype_Replace_DM')
def prototype_replace_dm(call):
    """Replace a prototype's records: 416/4 not found, 416/0 malformed."""
    load_entry(call, call.target, 'prototype', missing=(416, 4))
    entry = _prototype_entry(call, 'prototype_record_array')
    save_entry(call, call.target, entry, 'prototype', check_lock=False)
    return {}


@handles('Prototype_Name_Query_DM')
def prototype_name_query_dm(call):
    """The names of all prototypes (EBCDIC order); 416/4 when there is none.
    The target is not used."""
    names = ebcdic_sorted(call.tx.names('prototype'))
    if not names:
        raise Fail(416, 4)
    return {'prototype_name_array': names}
