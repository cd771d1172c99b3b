# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SDKAPI network methods: virtual switches, their access lists, and NICs.

Names, parameters and return shapes follow zvmsdk.api.SDKAPI.  The state
comes from the z/VM directory (NICDEF statements) and CP (virtual switches,
grants, active NICs) for every guest; there is no database.  Every SMAPI
request is an operation (``operations.vswitches``, ``operations.adapters``,
``operations.entries``); the NIC plans come from ``planners.nics``.
Differences from zvmsdk:

- ``nic_id`` (zvmsdk keeps it in its database as the switch table's
  ``port``) is kept in the directory, as a comment record right after the
  NIC's NICDEF: ``*NICID 1000 <nic_id>``.  ``guests_get_nic_info`` reads it
  back as ``port``; a NIC made without one has ``port`` None.
- ``active=True`` applies a change to the running guest as well as to its
  directory entry.  The directory is changed first; if the change to the
  running guest fails, the directory change is undone and the error raised.
- Directory changes to NICs use DirMaint's per-NIC functions (each changes
  one NICDEF atomically); VLAN, port type, MACID and nic_id changes rewrite
  the NIC under the entry's lock (``entries.modify``: one read and one
  replace).  A lock another user holds is waited on, within
  ``lock_timeout`` seconds; directory writes to one guest also hold the
  host lock of the session (``Session.guest_lock``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zvm.cloud.plugins.module_utils import directory, validation
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.operations import adapters, entries
from ansible_collections.zvm.cloud.plugins.module_utils.operations import vswitches as vswitch_ops
from ansible_collections.zvm.cloud.plugins.module_utils.planners import nics
from ansible_collections.zvm.cloud.plugins.module_utils.planners.vswitches import parse_rdev
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.base import check_userid
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import (
    SDKConflictError, SDKInternalError, SDKInvalidInputFormat, SDKObjectNotExistError,
)

# the switch status words (gather.py reads them from here)
SWITCH_STATUS = vswitch_ops.SWITCH_STATUS

# The keywords vswitch_set takes (zvmsdk's SET_VSWITCH_KEYWORDS), and the
# SET VSWITCH operand (``operations.vswitches.set_extended``) each one is sent as.
SET_VSWITCH_KEYWORDS = {
    'grant_userid': 'grant_userid', 'revoke_userid': 'revoke_userid', 'user_vlan_id': 'user_vlan_id',
    'real_device_address': 'real_device_address', 'port_name': 'port_name', 'controller_name': 'controller_name',
    'connection_value': 'connection_value', 'queue_memory_limit': 'queue_memory_limit',
    'routing_value': 'routing_value', 'port_type': 'port_type', 'persist': 'persist', 'gvrp_value': 'gvrp_value',
    'mac_id': 'mac_id', 'uplink': 'uplink', 'nic_userid': 'nic_userid', 'nic_vdev': 'nic_vdev', 'lacp': 'lacp',
    'interval': 'interval', 'group_rdev': 'group_rdev', 'iptimeout': 'iptimeout',
    'port_isolation': 'port_isolation', 'promiscuous': 'promiscuous', 'MAC_protect': 'mac_protect',
    'VLAN_counters': 'vlan_counters',
}

DEFAULT_NIC_VDEV = '1000'


def switch_name(name, field='vswitch_name'):
    """The canonical (upper-case) vswitch name, or SDKInvalidInputFormat."""
    try:
        return validation.vswitch_name(name, field)
    except InputError as e:
        raise SDKInvalidInputFormat(str(e))


def _checked(check, value, field):
    try:
        return check(value, field)
    except InputError as e:
        raise SDKInvalidInputFormat(str(e))


def _word(value, field, words, minimum=3):
    """``value`` as one of ``words``, which may be abbreviated to ``minimum`` letters."""
    text = str(value).upper()
    found = next((w for w in words if len(text) >= minimum and w.startswith(text)), None)
    if found is None:
        raise SDKInvalidInputFormat('%s: %r is not %s' % (field, value, ' or '.join(words)))
    return found


def create_params(name, rdev=None, controller='*', connection='CONNECT', network_type='ETHERNET',
                  router='NONROUTER', vid='UNAWARE', port_type='ACCESS', gvrp='GVRP', queue_mem=8, native_vid=1,
                  persist=True):
    """The operands of ``operations.vswitches.create`` for zvmsdk's
    vswitch_create parameters (see ``NetworkMixin.vswitch_create``)."""
    params = {'switch_name': switch_name(name, 'name')}
    if rdev is not None:
        tokens = parse_rdev(rdev)
        params['real_device_address'] = ' '.join(tokens) if tokens else 'NONE'
    if controller and controller != '*':
        params['controller_name'] = _checked(validation.userid, controller, 'controller')
    conn = str(connection or 'CONNECT').upper()
    if conn != 'NOUPLINK':
        conn = next((w for w in ('CONNECT', 'DISCONNECT') if len(conn) >= {'CONNECT': 3}.get(w, 6)
                     and w.startswith(conn)), None)
        if conn is None:
            raise SDKInvalidInputFormat('connection: %r is not CONNECT, DISCONNECT or NOUPLINK' % connection)
    params['connection_value'] = conn
    ntype = str(network_type or 'ETHERNET').upper()
    if ntype in ('ETH', 'ETHE', 'ETHER', 'ETHERN', 'ETHERNE'):
        ntype = 'ETHERNET'
    if ntype not in ('IP', 'ETHERNET'):
        raise SDKInvalidInputFormat('network_type: %r is not IP or ETHERNET' % network_type)
    params['transport_type'] = ntype
    if ntype == 'IP' and router:
        params['routing_value'] = _word(router, 'router', ('NONROUTER', 'PRIROUTER'))
    vid_text = str(vid if vid is not None else 'UNAWARE').upper()
    if vid_text not in ('UNAWARE', 'AWARE'):
        vid_text = str(_checked(validation.vlan_id, vid, 'vid'))
    params['vlan_id'] = vid_text
    if vid_text != 'UNAWARE':
        pt = str(port_type or 'ACCESS').upper()
        if pt not in ('ACCESS', 'TRUNK'):
            raise SDKInvalidInputFormat('port_type: %r is not ACCESS or TRUNK' % port_type)
        params['port_type'] = pt
        gv = str(gvrp or 'GVRP').upper()
        if gv not in ('GVRP', 'NOGVRP'):
            raise SDKInvalidInputFormat('gvrp: %r is not GVRP or NOGVRP' % gvrp)
        params['gvrp_value'] = gv
        if native_vid is not None:
            params['native_vlanid'] = str(_checked(validation.vlan_id, native_vid, 'native_vid'))
    if isinstance(queue_mem, bool) or not isinstance(queue_mem, int) or not 1 <= queue_mem <= 8:
        raise SDKInvalidInputFormat('queue_mem: %r is not a number of megabytes from 1 to 8' % (queue_mem,))
    params['queue_memory_limit'] = str(queue_mem)
    params['persist'] = vswitch_ops.yes_no(persist)
    return params


def vswitch_info(rec):
    """zvmsdk's vswitch_query dict of a Query_Extended record."""
    keys = (('switch_name', 'switch_name'), ('transport_type', 'transport_type'), ('port_type', 'port_type'),
            ('queue_memory_limit', 'queue_memory_limit'), ('routing_value', 'routing_value'),
            ('vlan_awareness', 'vlan_awareness'), ('vlan_id', 'vlan_id'), ('native_vlan_id', 'native_vlan_id'),
            ('mac_address', 'mac_address'), ('gvrp_request_attribute', 'gvrp_request_attribute'),
            ('gvrp_enabled_attribute', 'gvrp_enabled_attribute'), ('switch_status', 'switch_status'),
            ('link_ag', 'link_ag'), ('lag_interval', 'lag_interval'), ('lag_group', 'lag_group'),
            ('IP_timeout', 'ip_timeout'), ('switch_type', 'switch_type'),
            ('isolation_status', 'isolation_status'), ('MAC_protect', 'mac_protect'),
            ('user_port_based', 'user_port_based'), ('VLAN_counters', 'vlan_counters'))
    info = dict((out, rec.get(src)) for out, src in keys)
    info['switch_status'] = SWITCH_STATUS.get(str(rec.get('switch_status')), rec.get('switch_status'))
    info['real_devices'] = dict(
        (d.get('real_device_address'), {
            'vdev': d.get('virtual_device_address'), 'controller': d.get('controller_name'),
            'port_name': d.get('port_name'),
            'dev_status': vswitch_ops.DEVICE_STATUS.get(str(d.get('device_status')), d.get('device_status')),
            'dev_err': vswitch_ops.DEVICE_ERROR.get(str(d.get('device_error_status')),
                                                    d.get('device_error_status'))})
        for d in rec.get('real_device_info_array') or [])
    info['authorized_users'] = dict(
        ((u.get('grant_userid') or '').upper(), {
            'port_num': u.get('port_num'), 'prom_mode': u.get('promiscuous_mode'), 'osd_sim': u.get('osd_sim'),
            'vlan_count': int(u.get('vlan_count') or 0), 'vlan_ids': list(u.get('vlan_ids') or [])})
        for u in rec.get('authorized_user_array') or [])
    info['adapters'] = dict(
        ('%s_%s' % ((a.get('adapter_owner') or '').upper(), a.get('adapter_vdev')),
         {'mac': a.get('adapter_macaddr'), 'type': a.get('adapter_type')})
        for a in rec.get('connected_adapter_array') or [])
    return info


def _vlan_ids(vlan_id):
    """The VLAN IDs of vswitch_set_vlan_id_for_user's ``vlan_id``: an ID, a
    range 'a-b', or up to 4 of them separated by blanks."""
    ids = set()
    for token in str(vlan_id).split():
        bounds = [_checked(validation.vlan_id, p, 'vlan_id') for p in token.split('-')]
        if len(bounds) > 2 or bounds[0] > bounds[-1]:
            raise SDKInvalidInputFormat('vlan_id: %r is not a VLAN ID or a range of them' % token)
        ids.update(range(bounds[0], bounds[-1] + 1))
    if not ids:
        raise SDKInvalidInputFormat('vlan_id: at least one VLAN ID is needed')
    return ids


# -- carrying out a NIC plan --------------------------------------------------------------------

def _nic_step(session, userid, vdev, step):
    """One step of a ``nics.plan`` (see ``NicPlan.directory_steps`` and
    ``active_steps``)."""
    kind = step[0]
    if kind == 'dm_create':
        adapters.create_dm(session, userid, vdev, macid=step[1])
    elif kind == 'dm_connect':
        adapters.connect_dm(session, userid, vdev, step[1])
    elif kind == 'dm_disconnect':
        adapters.disconnect_dm(session, userid, vdev)
    elif kind == 'dm_delete':
        adapters.delete_dm(session, userid, vdev)
    elif kind == 'dm_rewrite':
        _nic_rewrite(session, userid, vdev, step[1], step[2])
    elif kind == 'dm_remove':
        _nic_rewrite(session, userid, vdev, None, None)
    elif kind == 'active_create':
        adapters.create(session, userid, vdev)
    elif kind == 'active_delete':
        adapters.delete(session, userid, vdev)
    elif kind == 'active_couple':
        adapters.connect(session, userid, vdev, step[1])
    elif kind == 'active_uncouple':
        adapters.disconnect(session, userid, vdev)
    else:
        raise SDKInternalError('unknown NIC step %r' % (kind,))


def _nic_undo(session, userid, plan, done, notes):
    """Undo the ``done`` steps of a NIC plan: the running guest's in reverse,
    then the directory NIC back to the plan's snapshot; a line in ``notes``
    for each undo or each that failed."""
    for step in reversed([s for s in done if s[0].startswith('active_')]):
        try:
            _nic_undo_active(session, userid, plan, step)
        except Exception as e:  # pylint: disable=broad-except
            notes.append('could not undo %s of NIC %s: %s' % (step[0], plan.vdev, e))
    if any(s[0].startswith('dm_') for s in done):
        try:
            _nic_restore(session, userid, plan.vdev, plan.snapshot)
            notes.append('NIC %s of %s: the directory change was undone' % (plan.vdev, userid))
        except Exception as e:  # pylint: disable=broad-except
            notes.append('could not undo the directory change of NIC %s: %s' % (plan.vdev, e))


def _nic_undo_active(session, userid, plan, step):
    kind = step[0]
    before = plan.before_active or {}
    if kind == 'active_create':
        _nic_step(session, userid, plan.vdev, ('active_delete',))
    elif kind == 'active_couple':
        _nic_step(session, userid, plan.vdev, ('active_uncouple',))
    elif kind == 'active_uncouple' and before.get('vswitch'):
        _nic_step(session, userid, plan.vdev, ('active_couple', before['vswitch']))
    elif kind == 'active_delete' and before:
        _nic_step(session, userid, plan.vdev, ('active_create',))
        if before.get('vswitch'):
            _nic_step(session, userid, plan.vdev, ('active_couple', before['vswitch']))


def _nic_rewrite(session, userid, vdev, fields, nic_id):
    """Set a NIC's NICDEF fields and nic_id with one locked read and replace
    (``entries.modify``); ``fields`` None removes the NIC and its nic_id."""
    def mutate(entry):
        if fields is None:
            return entry.remove_nic(vdev)
        if entry.find_nic(vdev) is None:
            raise SDKObjectNotExistError("NIC %s of guest '%s' disappeared while it was being changed"
                                         % (vdev, userid), rs=2)
        changed = entry.update_nic(vdev, **fields)
        if nic_id is not nics.KEEP:
            changed = entry.set_nic_id(vdev, nic_id) or changed
        return changed
    entries.modify(session, userid, mutate)


def _nic_restore(session, userid, vdev, snapshot):
    """Put a NIC's directory definition back as ``snapshot``
    (``DirectoryEntry.nic_snapshot``; None: no NIC)."""
    def mutate(entry):
        entry.remove_nic(vdev)
        if snapshot is not None:
            entry.restore_nic(vdev, snapshot)
    entries.modify(session, userid, mutate)


class NetworkMixin:
    """Network methods of SDKAPI (mixed into ``api.SDKAPI``)."""

    # -- virtual switches ----------------------------------------------------------------
    def vswitch_get_list(self):
        """The names of all virtual switches; [] when there are none."""
        return vswitch_ops.names(self.session)

    def vswitch_create(self, name, rdev=None, controller='*', connection='CONNECT', network_type='ETHERNET',
                       router='NONROUTER', vid='UNAWARE', port_type='ACCESS', gvrp='GVRP', queue_mem=8,
                       native_vid=1, persist=True):
        """DEFINE VSWITCH with zvmsdk's parameters and defaults: ``rdev`` up
        to 3 real devices (blanks or commas between them) or 'NONE';
        ``controller`` a userid or '*' (any, not sent); ``connection``
        CONnect, DISCONnect or NOUPLINK; ``network_type`` IP or ETHERNET;
        ``router`` NONrouter or PRIrouter (IP only: not sent for ETHERNET);
        ``vid`` UNAWARE, AWARE or the default VLAN ID 1-4094; ``port_type``
        ACCESS or TRUNK, ``gvrp`` GVRP or NOGVRP and ``native_vid`` 1-4094
        (sent for a VLAN-aware switch only); ``queue_mem`` 1-8 (MB);
        ``persist`` also writes SYSTEM CONFIG.  A switch of that name that
        exists already raises the SMAPI error (212/36), as zvmsdk does."""
        vswitch_ops.create(self.session, create_params(name, rdev, controller, connection, network_type, router,
                                                       vid, port_type, gvrp, queue_mem, native_vid, persist))

    def vswitch_delete(self, vswitch_name, persist=True):
        """DETACH VSWITCH; one that does not exist is not an error (zvmsdk
        only logs it)."""
        vswitch_ops.delete(self.session, switch_name(vswitch_name), persist)

    def vswitch_set(self, vswitch_name, **kwargs):
        """SET VSWITCH with keyword operands, each key one of zvmsdk's
        SET_VSWITCH_KEYWORDS.  A switch that does not exist raises
        SDKObjectNotExistError; a VLAN setting on a VLAN UNAWARE switch and
        other CP refusals SDKConflictError."""
        name = switch_name(vswitch_name)
        params = {}
        for key, value in kwargs.items():
            if key not in SET_VSWITCH_KEYWORDS:
                raise SDKInvalidInputFormat('vswitch_set: unknown keyword %r (known: %s)'
                                            % (key, ', '.join(sorted(SET_VSWITCH_KEYWORDS))))
            if value is None:
                continue
            params[SET_VSWITCH_KEYWORDS[key]] = vswitch_ops.yes_no(value) if isinstance(value, bool) else str(value)
        vswitch_ops.set_extended(self.session, name, params)

    def vswitch_query(self, vswitch_name):
        """QUERY VSWITCH DETAILS as zvmsdk's dict: the switch attributes (text,
        switch_status as words), 'real_devices' {rdev: {vdev, controller,
        port_name, dev_status, dev_err}}, 'authorized_users' {USERID:
        {port_num, prom_mode, osd_sim, vlan_count, vlan_ids}} and 'adapters'
        {'OWNER_VDEV': {mac, type}}.  SDKObjectNotExistError if it does not exist."""
        return vswitch_info(self._switch_record(switch_name(vswitch_name)))

    def _switch_record(self, name):
        rec = vswitch_ops.query(self.session, name)
        if rec is None:
            raise SDKObjectNotExistError("vswitch '%s' does not exist" % name, rs=40)
        return rec

    def vswitch_grant_user(self, vswitch_name, userid):
        """Authorize ``userid`` on the switch, unless it already is: a grant
        is never issued again (re-granting disturbs a guest's connection)."""
        name = switch_name(vswitch_name)
        userid = check_userid(userid)
        entries.require(self.session, userid)
        rec = self._switch_record(name)
        if any((u.get('grant_userid') or '').upper() == userid for u in rec.get('authorized_user_array') or []):
            return
        vswitch_ops.grant(self.session, name, userid)

    def vswitch_revoke_user(self, vswitch_name, userid):
        """Remove ``userid`` from the switch's access list (its NICs are
        uncoupled by CP); one that is not authorized is not an error."""
        vswitch_ops.revoke(self.session, switch_name(vswitch_name), check_userid(userid))

    def vswitch_set_vlan_id_for_user(self, vswitch_name, userid, vlan_id):
        """SET VSWITCH GRANT userid VLAN vlan_id: ``vlan_id`` is an ID, a
        range 'a-b', or up to 4 of them separated by blanks.  CP adds the IDs
        to those the user already has."""
        name = switch_name(vswitch_name)
        userid = check_userid(userid)
        vswitch_ops.grant(self.session, name, userid, vlan_ids=_vlan_ids(vlan_id))

    # -- NICs: reading ----------------------------------------------------------------------
    def guest_get_nic_vswitch_info(self, userid):
        """{nic vdev: vswitch name (None when not coupled)} from the guest's
        directory NICDEFs (the older zvmsdk method)."""
        entry = entries.require(self.session, check_userid(userid))
        return dict((nic.vdev, nic.vswitch) for nic in entry.nics)

    def guests_get_nic_info(self, userid=None, nic_id=None, vswitch=None):
        """NICs as zvmsdk's switch table: a list of {'userid', 'interface'
        (the vdev), 'switch', 'port', 'comments'}, filtered by all the
        arguments given.

        From the directory NICDEFs of every guest (two directory searches,
        or the entry of one guest) and CP: ``switch`` is the vswitch the
        NICDEF couples to (None if it couples to none); ``port`` is the
        nic_id recorded with the NIC (``*NICID`` comment), None if there is
        none; ``comments`` is None, or says how CP differs: 'active: coupled
        to X' when the running NIC is coupled to another switch than its
        NICDEF names, 'active only' for a running NIC coupled to a switch
        without a NICDEF.  NICDEFs in directory profiles are listed under the
        profile's name."""
        uid = check_userid(userid) if userid is not None else None
        rows = {}
        if uid is not None:
            entry = entries.query(self.session, uid)
            if entry is None:
                return []       # as zvmsdk: an unknown guest has no NICs in the switch table
            per_guest = {uid: entry}
        else:
            per_guest = self._nic_entries()
        for owner, entry in per_guest.items():
            for nic in entry.nics:
                rows[(owner, nic.vdev)] = {'userid': owner, 'interface': nic.vdev, 'switch': nic.vswitch,
                                           'port': entry.nic_id(nic.vdev), 'comments': None}
        for (owner, vdev), switch in self._coupled_adapters(uid).items():
            row = rows.get((owner, vdev))
            if row is None:
                rows[(owner, vdev)] = {'userid': owner, 'interface': vdev, 'switch': switch, 'port': None,
                                       'comments': 'active only'}
            elif row['switch'] != switch:
                row['comments'] = 'active: coupled to %s' % switch
        out = []
        for key in sorted(rows):
            row = rows[key]
            if uid is not None and row['userid'] != uid:
                continue
            if nic_id is not None and (row['port'] or '').upper() != str(nic_id).upper():
                continue
            if vswitch is not None and (row['switch'] or '') != str(vswitch).upper():
                continue
            out.append(row)
        return out

    def _nic_entries(self):
        """{userid: DirectoryEntry holding only its NICDEF and *NICID records}
        for every directory entry with a NIC."""
        records = {}
        for pattern in ('NICDEF *', '*NICID *'):
            for owner, text in adapters.search_dm(self.session, pattern):
                if pattern.startswith('*') and not directory.NIC_ID_RE.match(text):
                    continue
                records.setdefault(owner, []).append(text)
        out = {}
        for owner, recs in records.items():
            nicdefs = [r for r in recs if not r.lstrip().startswith('*')]
            if nicdefs:
                out[owner] = directory.parse(nicdefs + [r for r in recs if r.lstrip().startswith('*')])
        return out

    def _coupled_adapters(self, userid=None):
        """{(owner, vdev): vswitch} of running NICs coupled to a switch."""
        out = {}
        if userid is not None:
            for vdev, ad in (adapters.query(self.session, userid) or {}).items():
                if ad['vswitch']:
                    out[(userid, vdev)] = ad['vswitch']
            return out
        for rec in vswitch_ops.query_extended(self.session, '*'):
            for a in rec.get('connected_adapter_array') or []:
                out[((a.get('adapter_owner') or '').upper(), (a.get('adapter_vdev') or '').upper())] = \
                    rec.get('switch_name')
        return out

    # -- NICs: zvmsdk methods ---------------------------------------------------------------
    def _running(self, userid, active):
        """The running guest's NICs when ``active`` (None otherwise);
        SDKConflictError if it is not logged on (zvmsdk's rs=1)."""
        return adapters.running(self.session, userid) if active else None

    def guest_create_nic(self, userid, vdev=None, nic_id=None, mac_addr=None, active=False):
        """Add a QDIO NIC to the directory entry (and, when ``active``, to
        the running guest) and return its vdev.

        Without ``vdev``: 1000 for a guest without NICs, else 3 past the
        highest NIC, as zvmsdk.  A ``vdev`` within 2 of another NIC raises
        SDKConflictError (rs=6).  ``mac_addr`` gives the NICDEF MACID (its
        last 3 bytes); ``nic_id`` is recorded with the NIC (see the module
        docstring)."""
        userid = check_userid(userid)
        entry = entries.require(self.session, userid)
        existing = sorted(int(n.vdev, 16) for n in entry.nics)
        if vdev is None:
            vdev = '%04X' % (existing[-1] + 3) if existing else DEFAULT_NIC_VDEV
        spec = nics.normalize({'vdev': vdev, 'nic_id': nic_id, 'mac_address': mac_addr})
        first = int(spec['vdev'], 16)
        if any(abs(first - n) <= 2 for n in existing):
            raise SDKConflictError("vdev %s of guest '%s' is within 2 of another NIC's" % (spec['vdev'], userid),
                                   rs=6)
        plan = nics.plan(entry, spec, self._running(userid, active))
        self.nic_apply(userid, plan)
        return spec['vdev']

    def guest_delete_nic(self, userid, vdev, active=False):
        """Remove a NIC from the directory (one that is not defined is
        skipped) and, when ``active``, from the running guest."""
        userid = check_userid(userid)
        entry = entries.require(self.session, userid)
        spec = nics.normalize({'vdev': vdev, 'state': 'absent'})
        plan = nics.plan(entry, spec, self._running(userid, active))
        self.nic_apply(userid, plan)

    @staticmethod
    def _existing_nic_spec(entry, vdev, **changes):
        """A declaration of an existing NIC that changes only ``changes``."""
        if entry.find_nic(vdev) is None:
            raise SDKObjectNotExistError("NIC %s of guest '%s' does not exist" % (vdev, entry.userid), rs=2)
        spec = {'vdev': vdev, 'vswitch': nics.KEEP, 'vlan_id': nics.KEEP, 'port_type': nics.KEEP}
        spec.update(changes)
        return nics.normalize(spec)

    def guest_nic_couple_to_vswitch(self, userid, nic_vdev, vswitch_name, active=False, vlan_id=-1):
        """Couple the NIC to a vswitch: ``NICDEF vdev LAN SYSTEM switch`` in
        the directory (with ``VLAN vlan_id PORTTYPE ACCESS`` when vlan_id is
        1-4094) and, when ``active``, COUPLE on the running guest.  Nothing is
        done where it already is so coupled."""
        userid = check_userid(userid)
        entry = entries.require(self.session, userid)
        name = switch_name(vswitch_name)
        changes = {'vswitch': name}
        if vlan_id is not None and vlan_id != -1:
            changes.update(vlan_id=vlan_id, port_type='ACCESS')
        spec = self._existing_nic_spec(entry, _checked(validation.vdev, nic_vdev, 'nic_vdev'), **changes)
        plan = nics.plan(entry, spec, self._running(userid, active))
        if plan.couples:
            self._switch_record(name)
        self.nic_apply(userid, plan)

    def guest_nic_uncouple_from_vswitch(self, userid, nic_vdev, active=False):
        """Take the NIC off its vswitch in the directory (with its VLAN and
        port type) and, when ``active``, UNCOUPLE it on the running guest."""
        userid = check_userid(userid)
        entry = entries.require(self.session, userid)
        spec = self._existing_nic_spec(entry, _checked(validation.vdev, nic_vdev, 'nic_vdev'), vswitch=None,
                                       vlan_id=None, port_type=None)
        plan = nics.plan(entry, spec, self._running(userid, active))
        self.nic_apply(userid, plan)

    # -- NICs: applying a plan ------------------------------------------------------------
    def nic_revert(self, userid, plan, rollback=None):
        """Undo a ``nic_apply`` of ``plan`` that completed: the running
        guest's steps in reverse, then the directory NIC as it was before.
        ``rollback`` (a list) gets a line for each undo, or each that failed;
        returns whether everything was undone."""
        notes = rollback if rollback is not None else []
        before = len(notes)
        _nic_undo(self.session, userid, plan, plan.directory_steps + plan.active_steps, notes)
        return not any(n.startswith('could not') for n in notes[before:])

    def nic_apply(self, userid, plan, rollback=None):
        """Carry out a ``nics.plan``: the directory steps (holding the host
        lock of the guest), then the running guest's.  If a step fails, what
        was done is undone (running guest first, then the directory NIC is put
        back as it was) and the error is raised; ``rollback`` (a list) gets a
        line for each undo, or for each undo that failed."""
        notes = rollback if rollback is not None else []
        session = self.session
        done = []
        try:
            with session.guest_lock(userid):
                for step in plan.directory_steps:
                    _nic_step(session, userid, plan.vdev, step)
                    done.append(step)
            for step in plan.active_steps:
                _nic_step(session, userid, plan.vdev, step)
                done.append(step)
        except Exception:
            _nic_undo(session, userid, plan, done, notes)
            raise
