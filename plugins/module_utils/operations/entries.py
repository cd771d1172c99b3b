# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Directory entries: read, create, delete, lock, replace, unlock.

What the codes mean, once:

    Image_Query_DM     400/4  no such entry                  -> None
    Profile_Query_DM   400/4  no such profile                -> False
    Image_Create_DM    400/8  the name is taken              -> SDKConflictError
    Image_Delete_DM    400/4  already gone                   -> False
    Image_Lock_DM      400/12 locked by another user         -> waits, then SDKConflictError
    Image_Unlock_DM    400/24 not locked                     -> fine; other failures are retried,
                                                                then SDKConflictError naming the entry
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zvm.cloud.plugins.module_utils import directory
from ansible_collections.zvm.cloud.plugins.module_utils.operations.session import outcome
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import (
    SDKConflictError, SDKObjectNotExistError,
)
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.errors import SmapiError

UNLOCK_ATTEMPTS = 3
NOT_DEFINED = (400, 4)


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


def create(session, entry):
    """Image_Create_DM with the entry's records; AUTOG disks are allocated
    by DirMaint.  400/8 (the name is taken) raises SDKConflictError."""
    session.call('Image_Create_DM', entry.userid, image_record_array=entry.records(), errors={
        (400, 8): lambda e: SDKConflictError("guest '%s' already exists in the z/VM directory" % entry.userid, rs=409)})


def delete(session, userid):
    """Image_Delete_DM; True if deleted, False if it was already gone (400/4)."""
    with session.guest_lock(userid):
        reply = session.dm_write('Image_Delete_DM', userid, data_security_erase=0, ok=[NOT_DEFINED])
    return outcome(reply) != NOT_DEFINED


def lock(session, userid):
    """Image_Lock_DM on the whole entry, waiting while another user holds it."""
    session.dm_write('Image_Lock_DM', userid, device_address='')


def unlock(session, userid):
    """Image_Unlock_DM; 400/24 (not locked) is fine.  Other failures are
    retried; when the entry still cannot be unlocked, SDKConflictError names
    it and says how to unlock it by hand."""
    last = None
    for attempt in range(UNLOCK_ATTEMPTS):
        try:
            session.call('Image_Unlock_DM', userid, device_address='', ok=[(400, 24)])
            return
        except SmapiError as e:
            last = e
            session.sleep(0.2 * (attempt + 1))
    raise SDKConflictError("the directory entry of '%s' is still locked after %d unlock attempts (%s); unlock it "
                           "with DIRMAINT FOR %s UNLOCK (or SMAPI Image_Unlock_DM) before changing it again"
                           % (userid, UNLOCK_ATTEMPTS, last, userid), rs=400)


def replace(session, userid, entry):
    """Image_Replace_DM with ``entry``'s records (the entry must be locked)."""
    session.call('Image_Replace_DM', userid, image_record_array=entry.records())


def modify(session, userid, mutate):
    """Change an entry safely: hold the host lock, lock the entry (waiting
    while another user holds it), read it again, let ``mutate(entry)`` change
    a copy (return False for no change), replace it and unlock.  The locks
    are held only for the read and the replace.  Returns (before, after);
    they are the same object when nothing changed."""
    with session.guest_lock(userid):
        lock(session, userid)
        failure = None
        try:
            before = require(session, userid)
            after = before.copy()
            if mutate(after) is False or after.records() == before.records():
                return before, before
            replace(session, userid, after)
            return before, after
        except Exception as e:
            failure = e
            raise
        finally:
            try:
                unlock(session, userid)
            except SDKConflictError:
                if failure is None:
                    raise
