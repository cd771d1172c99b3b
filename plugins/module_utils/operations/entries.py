# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Directory entries: read, create, delete, lock, replace, unlock.

What the codes mean, once:

    Image_Query_DM     400/4  no such entry                  -> None
    Profile_Query_DM   400/4  no such profile                -> False
    Image_Create_DM    400/8  the name is taken              -> SDKConflictError
    Image_Delete_DM    400/4  already gone                   -> False
    Image_Lock_DM      400/12 already locked, by anyone      -> a stale lock of this controller is
                              (the SMAPI user holding it too)    released first; else waits, then
                                                                 SDKConflictError saying how to
                                                                 release it (Session.dm_write)
                       reply lost, the request accepted      -> noted as a lock of this controller
                              (the lock may be taken)           (the next change releases it)
    Image_Replace_DM   400/24 not locked: our lock was       -> nothing was written; ``modify`` runs
                              released meanwhile                 its cycle again
                       (success releases the lock in DirMaint: the unlock that follows answers 400/24)
    Image_Unlock_DM    400/24 not locked                     -> fine; other failures are retried,
                                                                then SDKConflictError naming the entry
    Query_All_DM       100/any not authorized (by the external security manager, DirMaint or the
                               SMAPI server), 900/12 the server has no such function, 8/28 DirMaint
                               returned nothing                  -> None: read the entries one by one
                                                                    (query_all_refusal: that (rc, rs))
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zvm.cloud.plugins.module_utils import directory
from ansible_collections.zvm.cloud.plugins.module_utils.operations.session import outcome
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import (
    SDKConflictError, SDKObjectNotExistError,
)
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.errors import (
    SmapiConnectionError, SmapiError, SmapiProtocolError, SmapiRequestError,
)

UNLOCK_ATTEMPTS = 3
MODIFY_ATTEMPTS = 3
NOT_DEFINED = (400, 4)
NOT_LOCKED = (400, 24)


def query(session, userid):
    """Image_Query_DM: the entry (a DirectoryEntry), or None if there is none."""
    reply = session.call('Image_Query_DM', userid, ok=[NOT_DEFINED])
    if outcome(reply) == NOT_DEFINED:
        return None
    return directory.parse(reply.get('image_record_array') or [])


def require(session, userid):
    """The entry, or SDKObjectNotExistError naming the guest."""
    entry = query(session, userid)
    if entry is None:
        raise SDKObjectNotExistError("Guest '%s' does not exist in the z/VM directory" % userid, rs=2)
    return entry


def profile_exists(session, name):
    """Profile_Query_DM: whether the directory has the profile ``name``."""
    return outcome(session.call('Profile_Query_DM', name, ok=[NOT_DEFINED])) != NOT_DEFINED


def names(session):
    """Image_Name_Query_DM: every entry's name, sorted."""
    reply = session.call('Image_Name_Query_DM', session.userid)
    return sorted(reply.get('image_name_array') or [])


# Query_All_DM answers that mean "not for you, or not here": read the entries one by one instead
ALL_REFUSED = (100, (900, 12), (8, 28))
# Query_All_DM directory_entry_type of the entries that are guests
ALL_GUEST_TYPES = (0, 6)    # USER, IDENTITY


def query_all(session, only=None):
    """Query_All_DM (FORMAT=NO): every guest's entry in one request, as
    {USERID: DirectoryEntry}, USER and IDENTITY entries (profiles, SUBCONFIG
    and the other kinds are left out).  ``only`` (a set of userids) parses
    just those.  None when the server refuses the request (see the module
    docstring): the caller then reads the entries it needs one by one."""
    reply = session.call('Query_All_DM', session.userid, query_keyword_parameter_list='FORMAT=NO', ok=ALL_REFUSED)
    if reply.get('return_code', 0) != 0:
        return None
    out = {}
    for item in reply.get('directory_entries_array') or []:
        if item.get('directory_entry_type') not in ALL_GUEST_TYPES:
            continue
        userid = str(item.get('directory_entry_id') or '').strip().upper()
        if userid and (only is None or userid in only):
            out[userid] = directory.parse(item.get('directory_entry_records') or [])
    return out


def query_all_refusal(session):
    """Whether the server answers Query_All_DM for the SMAPI user: None when
    it does, else the (rc, rs) of its refusal (ALL_REFUSED), when
    ``query_all`` returns None and its callers read entry by entry."""
    reply = session.call('Query_All_DM', session.userid, query_keyword_parameter_list='FORMAT=NO', ok=ALL_REFUSED)
    return None if reply.get('return_code', 0) == 0 else outcome(reply)


def create(session, entry):
    """Image_Create_DM with the entry's records; AUTOG disks are allocated
    by DirMaint.  400/8 (the name is taken) raises SDKConflictError."""
    session.call('Image_Create_DM', entry.userid, image_record_array=entry.records(), errors={
        (400, 8): lambda e: SDKConflictError("guest '%s' already exists in the z/VM directory" % entry.userid, rs=409)})


def delete(session, userid):
    """Image_Delete_DM; True if deleted, False if it was already gone (400/4)."""
    with session.guest_lock(userid):
        reply = session.dm_write('Image_Delete_DM', userid, data_security_erase=0, ok=[NOT_DEFINED])
        session.forget_lock(userid)         # the entry and its locks are gone
    return outcome(reply) != NOT_DEFINED


def lock(session, userid):
    """Image_Lock_DM on the whole entry.  DirMaint refuses a lock that is
    already held, whoever holds it (400/12): this waits while it is held
    (``Session.dm_write``, bounded by the lock timeout), after releasing a
    lock that this controller took and never released (its run was killed,
    or its unlock failed: ``Session.release_stale``).  Once locked, the lock
    is recorded on this controller until ``unlock``.  So is a lock whose
    reply was lost after the server accepted the request (it may have been
    taken): the next change from this controller then releases it, if this
    SMAPI user holds it, instead of waiting for it to go away."""
    try:
        session.dm_write('Image_Lock_DM', userid, device_address='')
    except (SmapiConnectionError, SmapiProtocolError) as e:
        if getattr(e, 'accepted', True):
            session.record_lock(userid)
        raise
    session.record_lock(userid)


def unlock(session, userid):
    """Image_Unlock_DM; 400/24 (not locked) is fine.  Other failures are
    retried; when the entry still cannot be unlocked, SDKConflictError names
    it and says how to unlock it by hand (the marker stays, so the next
    change from this controller releases it by itself)."""
    last = None
    for attempt in range(UNLOCK_ATTEMPTS):
        try:
            session.call('Image_Unlock_DM', userid, device_address='', ok=[NOT_LOCKED])
            session.forget_lock(userid)
            return
        except SmapiError as e:
            last = e
            session.sleep(0.2 * (attempt + 1))
    raise SDKConflictError("the directory entry of '%s' is still locked after %d unlock attempts (%s); unlock it "
                           "with DIRMAINT FOR %s UNLOCK (or SMAPI Image_Unlock_DM) before changing it from another "
                           "controller (the next change from this one releases it first)"
                           % (userid, UNLOCK_ATTEMPTS, last, userid), rs=400)


def replace(session, userid, entry):
    """Image_Replace_DM with ``entry``'s records (the entry must be locked)."""
    session.call('Image_Replace_DM', userid, image_record_array=entry.records())


def modify(session, userid, mutate):
    """Change an entry safely: hold the host lock, lock the entry (waiting
    while it is locked), read it again, let ``mutate(entry)`` change a copy
    (return False for no change), replace it and unlock.  The locks are
    held only for the read and the replace.  Returns (before, after); they
    are the same object when nothing changed.

    Safe across controllers: DirMaint gives the lock to one of them at a
    time (a second Image_Lock_DM is 400/12 even for the same SMAPI user),
    and the mutation is applied to the entry as read under the lock, never
    to the copy a plan was made from.  If the replace finds the entry
    unlocked (400/24: someone released our lock meanwhile), nothing was
    written and the lock is not ours to release: the whole cycle runs again
    on a fresh read, up to MODIFY_ATTEMPTS times."""
    with session.guest_lock(userid):
        for _attempt in range(MODIFY_ATTEMPTS):
            done = _modify_once(session, userid, mutate)
            if done is not None:
                return done
        raise SDKConflictError("the lock on the directory entry of '%s' was released by someone else while it was "
                               "being changed, %d times; nothing was written" % (userid, MODIFY_ATTEMPTS), rs=400)


def _modify_once(session, userid, mutate):
    """One lock-read-change-replace-unlock cycle of ``modify``: (before,
    after), or None when the lock was lost before the replace."""
    lock(session, userid)
    failure = None
    lost = False
    try:
        before = require(session, userid)
        after = before.copy()
        if mutate(after) is False or after.records() == before.records():
            return before, before
        try:
            replace(session, userid, after)
        except SmapiRequestError as e:
            if not e.matches(*NOT_LOCKED):
                raise
            lost = True
            return None
        return before, after
    except Exception as e:
        failure = e
        raise
    finally:
        if lost:
            session.forget_lock(userid)
        else:
            try:
                unlock(session, userid)
            except SDKConflictError:
                if failure is None:
                    raise
