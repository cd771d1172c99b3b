# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Virtual switches: define, delete, SET VSWITCH, the access list, and the
queries.  System-wide requests: the target is the SMAPI user.

What the codes mean, once:

    Virtual_Network_Vswitch_Query               212/40 no switch (of that name)    -> [] / None
    Virtual_Network_Vswitch_Query_Extended      212/40 no switch (of that name)    -> [] / None
    Virtual_Network_Vswitch_Query_Byte_Stats    212/40 no switch                   -> []
    Virtual_Network_Vswitch_Create_Extended     212/36 it exists already           -> False with exists_ok
                                                       (another task made it), else raised
    Virtual_Network_Vswitch_Delete_Extended     212/40 it does not exist           -> False
    Virtual_Network_Vswitch_Set_Extended        212/40 it does not exist           -> SDKObjectNotExistError
      (attributes, grants, revokes)             396/x  CP refused the change
                                                       (a VLAN setting on a VLAN
                                                       UNAWARE switch is 396/2846,
                                                       a real device in use 396/121) -> SDKConflictError
                                                212/44 a grant that changes nothing
                                                       (already authorized so)      -> False
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import (
    SDKConflictError, SDKInvalidInputFormat, SDKObjectNotExistError,
)

NO_SWITCH = (212, 40)
EXISTS = (212, 36)
ALREADY_AUTHORIZED = (212, 44)

# Virtual_Network_Vswitch_Query(_Extended) switch_status codes, as the SMAPI manual words them
SWITCH_STATUS = {
    '1': 'Virtual switch defined.',
    '2': 'Controller not available.',
    '3': 'Operator intervention required.',
    '4': 'Disconnected.',
    '5': 'Virtual devices attached to controller. Normally a transient state.',
    '6': 'OSA initialization in progress. Normally a transient state.',
    '7': 'OSA device not ready.',
    '8': 'OSA device ready.',
    '9': 'OSA devices being detached. Normally a transient state.',
    '10': 'Virtual switch delete pending. Normally a transient state.',
    '11': 'Virtual switch failover recovering. Normally a transient state.',
    '12': 'Autorestart in progress. Normally a transient state.',
}
DEVICE_STATUS = {'0': 'Device is not active.', '1': 'Device is active.', '2': 'Device is a backup device.'}
DEVICE_ERROR = {'0': 'No error.'}

# user_vlan_id of one Virtual_Network_Vswitch_Set_Extended: at most 4 IDs or ranges, 19 characters
VLAN_OPERAND_ITEMS = 4
VLAN_OPERAND_LENGTH = 19


def yes_no(value):
    """True/False (or 'YES'/'NO' text) as the YES/NO a keyword list takes."""
    if isinstance(value, str):
        text = value.strip().upper()
        if text not in ('YES', 'NO'):
            raise SDKInvalidInputFormat('expected YES or NO, got %r' % value)
        return text
    return 'YES' if value else 'NO'


def vlan_tokens(ids):
    """Sorted, compressed VLAN tokens: {1, 2, 3, 7} -> ['1-3', '7']."""
    runs = []
    for vid in sorted(ids):
        if runs and runs[-1][1] == vid - 1:
            runs[-1][1] = vid
        else:
            runs.append([vid, vid])
    return ['%d' % lo if lo == hi else '%d-%d' % (lo, hi) for lo, hi in runs]


def vlan_chunks(ids):
    """user_vlan_id operands for a set of VLAN IDs, each at most 4 IDs or
    ranges and 19 characters."""
    out, current = [], []
    for token in vlan_tokens(ids):
        if current and (len(current) == VLAN_OPERAND_ITEMS
                        or len(' '.join(current + [token])) > VLAN_OPERAND_LENGTH):
            out.append(' '.join(current))
            current = []
        current.append(token)
    if current:
        out.append(' '.join(current))
    return out


# -- queries ---------------------------------------------------------------------------------

def names(session):
    """Virtual_Network_Vswitch_Query of '*': every switch's name; [] when
    there is none (212/40)."""
    reply = session.call('Virtual_Network_Vswitch_Query', session.userid, switch_name='*', ok=[NO_SWITCH])
    return [s['switch_name'] for s in reply.get('vswitch_array') or [] if s.get('switch_name')]


def query_extended(session, name='*'):
    """Virtual_Network_Vswitch_Query_Extended of one switch or, for '*', of
    every switch in one request: the records (attributes, real devices,
    access list, coupled NICs); [] when there is none (212/40)."""
    reply = session.call('Virtual_Network_Vswitch_Query_Extended', session.userid, switch_name=name,
                         ok=[NO_SWITCH])
    return reply.get('vswitch_array') or []


def query(session, name):
    """The Virtual_Network_Vswitch_Query_Extended record of switch ``name``,
    or None when it does not exist (212/40)."""
    for rec in query_extended(session, name):
        if (rec.get('switch_name') or '').upper() == name.upper():
            return rec
    return None


def byte_stats(session, name='*'):
    """Virtual_Network_Vswitch_Query_Byte_Stats of one switch or, for '*',
    every switch: the records with their NICs' counters; [] when there is
    none (212/40)."""
    reply = session.call('Virtual_Network_Vswitch_Query_Byte_Stats', session.userid, switch_name=name,
                         ok=[NO_SWITCH])
    return reply.get('vswitch_array') or []


# -- changes -------------------------------------------------------------------------------

def create(session, params, exists_ok=False):
    """Virtual_Network_Vswitch_Create_Extended with ``params`` (switch_name
    and keyword operands).  A switch of that name that exists already
    (212/36) returns False with ``exists_ok``, else raises (as zvmsdk's
    vswitch_create does); True when created."""
    reply = session.call('Virtual_Network_Vswitch_Create_Extended', session.userid,
                         ok=[EXISTS] if exists_ok else [], **params)
    return not reply.get('return_code')


def delete(session, name, persist=True):
    """Virtual_Network_Vswitch_Delete_Extended (DETACH VSWITCH; with
    ``persist`` from SYSTEM CONFIG too); False when it did not exist (212/40)."""
    reply = session.call('Virtual_Network_Vswitch_Delete_Extended', session.userid, switch_name=name,
                         persist=yes_no(persist), ok=[NO_SWITCH])
    return not reply.get('return_code')


def set_extended(session, name, params, tolerate=()):
    """Virtual_Network_Vswitch_Set_Extended of switch ``name`` with the
    keyword operands ``params``; returns the reply.  A switch that does not
    exist raises SDKObjectNotExistError, a change CP refuses (396/x)
    SDKConflictError; ``tolerate`` lists codes returned instead."""
    return session.call('Virtual_Network_Vswitch_Set_Extended', session.userid, switch_name=name,
                        ok=list(tolerate), errors={
                            NO_SWITCH: lambda e: SDKObjectNotExistError("vswitch '%s' does not exist" % name, rs=40),
                            396: lambda e: SDKConflictError('vswitch %s: CP refused the change (%s)' % (name, e), rs=5)},
                        **params)


def change(session, name, params, persist=True):
    """SET VSWITCH of switch attributes (``params``: Set_Extended operands
    such as queue_memory_limit, connection_value), in one request."""
    operands = dict(params)
    operands['persist'] = yes_no(persist)
    set_extended(session, name, operands)


def grant(session, name, userid, vlan_ids=None, port_type=None, promiscuous=None, persist=True):
    """SET VSWITCH GRANT: one request, or one per user_vlan_id operand when
    the VLAN IDs do not fit in one (each adds its IDs to the user's).
    ``port_type`` and ``promiscuous`` (None: not sent) go with the first.
    Returns whether anything changed: False when every request found the
    user already authorized so (212/44)."""
    changed = False
    for i, chunk in enumerate(vlan_chunks(vlan_ids) if vlan_ids else [None]):
        params = {'grant_userid': userid, 'persist': yes_no(persist)}
        if chunk:
            params['user_vlan_id'] = chunk
        if i == 0 and port_type:
            params['port_type'] = port_type
        if i == 0 and promiscuous is not None:
            params['promiscuous'] = yes_no(promiscuous)
        reply = set_extended(session, name, params, tolerate=[ALREADY_AUTHORIZED])
        changed = changed or not reply.get('return_code')
    return changed


def revoke(session, name, userid, persist=True):
    """SET VSWITCH REVOKE: take ``userid`` off the access list (CP uncouples
    its NICs from the switch).  A user that is not authorized answers 0/0."""
    set_extended(session, name, {'revoke_userid': userid, 'persist': yes_no(persist)})
