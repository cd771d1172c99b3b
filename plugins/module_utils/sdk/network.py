# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SDKAPI network methods: virtual switches, their access lists, and NICs.

Names, parameters and return shapes follow zvmsdk.api.SDKAPI.  The state
comes from the z/VM directory (NICDEF statements) and CP (virtual switches,
grants, active NICs) for every guest; there is no database.  Differences:

- ``nic_id`` (zvmsdk keeps it in its database as the switch table's
  ``port``) is kept in the directory, as a comment record right after the
  NIC's NICDEF: ``*NICID 1000 <nic_id>``.  ``guests_get_nic_info`` reads it
  back as ``port``; a NIC made without one has ``port`` None.
- ``active=True`` applies a change to the running guest as well as to its
  directory entry.  The directory is changed first; if the change to the
  running guest fails, the directory change is undone and the error raised.
- Directory changes to NICs use DirMaint's per-NIC functions (each changes
  one NICDEF atomically); VLAN, port type, MACID and nic_id changes rewrite
  the NIC under Image_Lock_DM (held for one read and one Image_Replace_DM).
  A lock another user holds (400/12, 404/12) is waited on, within
  ``lock_timeout`` seconds.  DirMaint's lock belongs to the SMAPI user, so
  it does not keep apart processes that share one SMAPI user; directory
  writes to one guest therefore also hold a lock file on this host
  (``SDKBase._guest_lock``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.zvm.cloud.plugins.module_utils import directory, nics, validation
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.base import check_userid
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import (
    SDKConflictError, SDKInternalError, SDKInvalidInputFormat, SDKObjectNotExistError,
)
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.errors import SmapiRequestError

# Virtual_Network_Vswitch_Query switch_status codes, as the SMAPI manual words them
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

# The keywords vswitch_set takes (zvmsdk's SET_VSWITCH_KEYWORDS), and the
# Virtual_Network_Vswitch_Set_Extended parameter each one is sent as.
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

# Virtual_Network_Adapter_Query(_Extended) adapter types
ADAPTER_TYPES = {'1': 'HIPERSOCKETS', '2': 'QDIO'}
DEFAULT_NIC_VDEV = '1000'
_RDEV_RE = re.compile(r'^[0-9A-F]{1,4}(\.P[0-9A-F]{1,2})?$')


def yes_no(value):
    """True/False (or 'YES'/'NO' text) as the YES/NO a keyword list takes."""
    if isinstance(value, str):
        text = value.strip().upper()
        if text not in ('YES', 'NO'):
            raise SDKInvalidInputFormat('expected YES or NO, got %r' % value)
        return text
    return 'YES' if value else 'NO'


def parse_rdev(value, field='rdev', limit=3):
    """Real device numbers of a switch: '600 610', '0600,0610', ['600'],
    '600.P1'; None or 'NONE' for none.  Returns a list of '0600' or
    '0600.P01'-style tokens (at most ``limit``)."""
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple)) else str(value).replace(',', ' ').split()
    tokens = []
    for item in items:
        text = str(item).strip().upper()
        if text in ('', 'NONE'):
            continue
        if not _RDEV_RE.match(text):
            raise SDKInvalidInputFormat('%s: %r is not a real device number: expected 1 to 4 hexadecimal digits, '
                                        'optionally with a port such as 0600.P1' % (field, item))
        base, _dot, port = text.partition('.')
        tokens.append(base.zfill(4) + ('.' + port if port else ''))
    if len(tokens) > limit:
        raise SDKInvalidInputFormat('%s: at most %d real devices, got %d' % (field, limit, len(tokens)))
    return tokens


def vlan_id_set(tokens):
    """VLAN IDs from tokens such as '0100', '200-210', 300."""
    ids = set()
    for token in tokens or []:
        parts = str(token).strip().split('-')
        try:
            lo, hi = int(parts[0]), int(parts[-1])
        except ValueError:
            continue
        if len(parts) <= 2 and lo <= hi:
            ids.update(range(lo, hi + 1))
    return ids


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
    """user_vlan_id operands for a set of VLAN IDs: each at most 4 IDs or
    ranges and 19 characters (Virtual_Network_Vswitch_Set_Extended)."""
    out, current = [], []
    for token in vlan_tokens(ids):
        if current and (len(current) == 4 or len(' '.join(current + [token])) > 19):
            out.append(' '.join(current))
            current = []
        current.append(token)
    if current:
        out.append(' '.join(current))
    return out


def _mac(text):
    digits = re.sub(r'[^0-9A-Fa-f]', '', text or '').upper()
    if len(digits) != 12:
        return text or None
    return ':'.join(digits[i:i + 2] for i in range(0, 12, 2))


class NetworkMixin:
    """Network methods of SDKAPI (mixed into ``api.SDKAPI``)."""

    # -- shared helpers ------------------------------------------------------------------
    # -- virtual switches ----------------------------------------------------------------
    def _vswitch_record(self, name):
        """The Virtual_Network_Vswitch_Query_Extended record of one switch, or None."""
        try:
            reply = self._call('Virtual_Network_Vswitch_Query_Extended', self.client.userid, switch_name=name)
        except SmapiRequestError as e:
            if e.matches(212, 40):
                return None
            raise
        for rec in reply.get('vswitch_array') or []:
            if (rec.get('switch_name') or '').upper() == name.upper():
                return rec
        return None

    def vswitch_get_list(self):
        """The names of all virtual switches (Virtual_Network_Vswitch_Query
        of '*'); [] when there are none."""
        try:
            reply = self._call('Virtual_Network_Vswitch_Query', self.client.userid, switch_name='*')
        except SmapiRequestError as e:
            if e.matches(212, 40):
                return []
            raise
        return [s['switch_name'] for s in reply.get('vswitch_array') or [] if s.get('switch_name')]

    def vswitch_create(self, name, rdev=None, controller='*', connection='CONNECT', network_type='ETHERNET',
                       router='NONROUTER', vid='UNAWARE', port_type='ACCESS', gvrp='GVRP', queue_mem=8,
                       native_vid=1, persist=True):
        """DEFINE VSWITCH (Virtual_Network_Vswitch_Create_Extended), with
        zvmsdk's parameters and defaults: ``rdev`` up to 3 real devices
        (blanks or commas between them) or 'NONE'; ``controller`` a userid or
        '*' (any, not sent); ``connection`` CONnect, DISCONnect or NOUPLINK;
        ``network_type`` IP or ETHERNET; ``router`` NONrouter or PRIrouter
        (IP only: not sent for ETHERNET); ``vid`` UNAWARE, AWARE or the
        default VLAN ID 1-4094; ``port_type`` ACCESS or TRUNK, ``gvrp`` GVRP
        or NOGVRP and ``native_vid`` 1-4094 (sent for a VLAN-aware switch
        only); ``queue_mem`` 1-8 (MB); ``persist`` also writes SYSTEM CONFIG."""
        params = self._vswitch_create_params(name, rdev, controller, connection, network_type, router, vid,
                                             port_type, gvrp, queue_mem, native_vid, persist)
        self._call('Virtual_Network_Vswitch_Create_Extended', self.client.userid, **params)

    @staticmethod
    def _vswitch_create_params(name, rdev, controller, connection, network_type, router, vid, port_type, gvrp,
                               queue_mem, native_vid, persist):
        try:
            name = validation.vswitch_name(name, 'name')
        except ValueError as e:
            raise SDKInvalidInputFormat(str(e))
        params = {'switch_name': name}
        if rdev is not None:
            tokens = parse_rdev(rdev)
            params['real_device_address'] = ' '.join(tokens) if tokens else 'NONE'
        if controller and controller != '*':
            try:
                params['controller_name'] = validation.userid(controller, 'controller')
            except ValueError as e:
                raise SDKInvalidInputFormat(str(e))
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
            value = str(router).upper()
            value = 'NONROUTER' if 'NONROUTER'.startswith(value) and len(value) >= 3 else (
                'PRIROUTER' if 'PRIROUTER'.startswith(value) and len(value) >= 3 else None)
            if value is None:
                raise SDKInvalidInputFormat('router: %r is not NONROUTER or PRIROUTER' % router)
            params['routing_value'] = value
        vid_text = str(vid if vid is not None else 'UNAWARE').upper()
        if vid_text not in ('UNAWARE', 'AWARE'):
            try:
                vid_text = str(validation.vlan_id(vid, 'vid'))
            except ValueError as e:
                raise SDKInvalidInputFormat(str(e))
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
                try:
                    params['native_vlanid'] = str(validation.vlan_id(native_vid, 'native_vid'))
                except ValueError as e:
                    raise SDKInvalidInputFormat(str(e))
        if isinstance(queue_mem, bool) or not isinstance(queue_mem, int) or not 1 <= queue_mem <= 8:
            raise SDKInvalidInputFormat('queue_mem: %r is not a number of megabytes from 1 to 8' % (queue_mem,))
        params['queue_memory_limit'] = str(queue_mem)
        params['persist'] = yes_no(persist)
        return params

    def vswitch_delete(self, vswitch_name, persist=True):
        """DETACH VSWITCH (Virtual_Network_Vswitch_Delete_Extended); one that
        does not exist is not an error (zvmsdk only logs it)."""
        name = self._switch_name(vswitch_name)
        self._call('Virtual_Network_Vswitch_Delete_Extended', self.client.userid, switch_name=name,
                   persist=yes_no(persist), ok=[(212, 40)])

    @staticmethod
    def _switch_name(name, field='vswitch_name'):
        try:
            return validation.vswitch_name(name, field)
        except ValueError as e:
            raise SDKInvalidInputFormat(str(e))

    def vswitch_set(self, vswitch_name, **kwargs):
        """SET VSWITCH with keyword operands (Virtual_Network_Vswitch_Set_Extended),
        each key one of zvmsdk's SET_VSWITCH_KEYWORDS.  A switch that does not
        exist raises SDKObjectNotExistError; a VLAN setting on a VLAN UNAWARE
        switch (396/2846) and other CP refusals (396/x) SDKConflictError."""
        name = self._switch_name(vswitch_name)
        params = {}
        for key, value in kwargs.items():
            if key not in SET_VSWITCH_KEYWORDS:
                raise SDKInvalidInputFormat('vswitch_set: unknown keyword %r (known: %s)'
                                            % (key, ', '.join(sorted(SET_VSWITCH_KEYWORDS))))
            if value is None:
                continue
            params[SET_VSWITCH_KEYWORDS[key]] = yes_no(value) if isinstance(value, bool) else str(value)
        try:
            self._call('Virtual_Network_Vswitch_Set_Extended', self.client.userid, switch_name=name, **params)
        except SmapiRequestError as e:
            if e.matches(212, 40):
                raise SDKObjectNotExistError("vswitch '%s' does not exist" % name, rs=40)
            if e.rc == 396:
                raise SDKConflictError('vswitch %s: CP refused the change (%s)' % (name, e), rs=5)
            raise

    def vswitch_query(self, vswitch_name):
        """QUERY VSWITCH DETAILS as zvmsdk's dict: the switch attributes (text,
        switch_status as words), 'real_devices' {rdev: {vdev, controller,
        port_name, dev_status, dev_err}}, 'authorized_users' {USERID:
        {port_num, prom_mode, osd_sim, vlan_count, vlan_ids}} and 'adapters'
        {'OWNER_VDEV': {mac, type}}.  SDKObjectNotExistError if it does not exist."""
        name = self._switch_name(vswitch_name)
        rec = self._vswitch_record(name)
        if rec is None:
            raise SDKObjectNotExistError("vswitch '%s' does not exist" % name, rs=40)
        return self._vswitch_info(rec)

    @staticmethod
    def _vswitch_info(rec):
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
                'dev_status': DEVICE_STATUS.get(str(d.get('device_status')), d.get('device_status')),
                'dev_err': DEVICE_ERROR.get(str(d.get('device_error_status')), d.get('device_error_status'))})
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

    def _vswitch_grant(self, name, userid, vlan_ids=None, port_type=None, promiscuous=None, persist=True):
        """SET VSWITCH GRANT: one request, or more when the VLAN IDs do not
        fit in one user_vlan_id operand (each request adds its IDs)."""
        chunks = vlan_chunks(vlan_ids) if vlan_ids else [None]
        for i, chunk in enumerate(chunks):
            params = {'switch_name': name, 'grant_userid': userid, 'persist': yes_no(persist)}
            if chunk:
                params['user_vlan_id'] = chunk
            if i == 0 and port_type:
                params['port_type'] = port_type
            if i == 0 and promiscuous is not None:
                params['promiscuous'] = yes_no(promiscuous)
            self._call('Virtual_Network_Vswitch_Set_Extended', self.client.userid, **params)

    def _vswitch_revoke(self, name, userid, persist=True):
        self._call('Virtual_Network_Vswitch_Set_Extended', self.client.userid, switch_name=name,
                   revoke_userid=userid, persist=yes_no(persist))

    def vswitch_grant_user(self, vswitch_name, userid):
        """Authorize ``userid`` on the switch, unless it already is: a grant
        is never issued again (re-granting disturbs a guest's connection)."""
        name = self._switch_name(vswitch_name)
        userid = check_userid(userid)
        rec = self._vswitch_record(name)
        if rec is None:
            raise SDKObjectNotExistError("vswitch '%s' does not exist" % name, rs=40)
        if any((u.get('grant_userid') or '').upper() == userid for u in rec.get('authorized_user_array') or []):
            return
        self._vswitch_grant(name, userid)

    def vswitch_revoke_user(self, vswitch_name, userid):
        """Remove ``userid`` from the switch's access list (its NICs are
        uncoupled by CP); one that is not authorized is not an error."""
        name = self._switch_name(vswitch_name)
        self._vswitch_revoke(name, check_userid(userid))

    def vswitch_set_vlan_id_for_user(self, vswitch_name, userid, vlan_id):
        """SET VSWITCH GRANT userid VLAN vlan_id: ``vlan_id`` is an ID, a
        range 'a-b', or up to 4 of them separated by blanks.  CP adds the IDs
        to those the user already has."""
        name = self._switch_name(vswitch_name)
        userid = check_userid(userid)
        ids = set()
        for token in str(vlan_id).split():
            parts = token.split('-')
            try:
                bounds = [validation.vlan_id(p, 'vlan_id') for p in parts]
            except ValueError as e:
                raise SDKInvalidInputFormat(str(e))
            if len(bounds) > 2 or bounds[0] > bounds[-1]:
                raise SDKInvalidInputFormat('vlan_id: %r is not a VLAN ID or a range of them' % token)
            ids.update(range(bounds[0], bounds[-1] + 1))
        if not ids:
            raise SDKInvalidInputFormat('vlan_id: at least one VLAN ID is needed')
        self._vswitch_grant(name, userid, vlan_ids=ids)

    # -- NICs: reading ----------------------------------------------------------------------
    def _nic_adapters(self, userid):
        """The running guest's NICs {vdev: {'vdev', 'type', 'devices',
        'coupled', 'lan_owner', 'lan_name', 'vswitch', 'mac_address',
        'port_type'}} from one Virtual_Network_Adapter_Query_Extended; None
        when the guest is not logged on."""
        try:
            reply = self._call('Virtual_Network_Adapter_Query_Extended', userid, image_device_number='*',
                               ok=[(212, 8)])
        except SmapiRequestError as e:
            if e.matches(200, 12):
                return None
            if e.matches(200, 4):
                raise SDKObjectNotExistError("Guest '%s' does not exist" % userid, rs=2)
            raise
        out = {}
        if reply.get('return_code'):
            return out
        for rec in reply.get('adapter_array') or []:
            try:
                vdev = validation.vdev(rec.get('adapter_address') or '')
            except ValueError:
                continue
            coupled = str(rec.get('adapter_status') or '0').strip('0') != ''
            owner = (rec.get('lan_owner') or '').strip().upper() or None
            lan = (rec.get('lan_name') or '').strip().upper() or None
            macs = [m.get('mac_address') for m in rec.get('mac_array') or [] if m.get('mac_address')]
            out[vdev] = {
                'vdev': vdev, 'type': ADAPTER_TYPES.get(str(rec.get('adapter_type')), 'QDIO'),
                'devices': int(rec.get('network_device_count') or 3), 'coupled': coupled,
                'lan_owner': owner if coupled else None, 'lan_name': lan if coupled else None,
                'vswitch': lan if coupled and owner == 'SYSTEM' else None,
                'mac_address': _mac(macs[0]) if macs else None,
                'port_type': {'1': 'ACCESS', '2': 'TRUNK'}.get(str(rec.get('port_type'))),
            }
        return out

    def guest_get_nic_vswitch_info(self, userid):
        """{nic vdev: vswitch name (None when not coupled)} from the guest's
        directory NICDEFs (the older zvmsdk method)."""
        entry = self._require_directory(check_userid(userid))
        return dict((nic.vdev, nic.vswitch) for nic in entry.nics)

    def guests_get_nic_info(self, userid=None, nic_id=None, vswitch=None):
        """NICs as zvmsdk's switch table: a list of {'userid', 'interface'
        (the vdev), 'switch', 'port', 'comments'}, filtered by all the
        arguments given.

        From the directory NICDEFs of every guest (one
        Directory_Manager_Search_DM, or Image_Query_DM for one guest) and CP:
        ``switch`` is the vswitch the NICDEF couples to (None if it couples to
        none); ``port`` is the nic_id recorded with the NIC (``*NICID``
        comment), None if there is none; ``comments`` is None, or says how
        CP differs: 'active: coupled to X' when the running NIC is coupled to
        another switch than its NICDEF names, 'active only' for a running NIC
        coupled to a switch without a NICDEF.  NICDEFs in directory profiles
        are listed under the profile's name."""
        rows = {}
        if userid is not None:
            uid = check_userid(userid)
            entry = self._directory(uid)
            per_guest = {uid: entry} if entry is not None else {}
        else:
            per_guest = self._nic_entries()
        for uid, entry in per_guest.items():
            for nic in entry.nics:
                rows[(uid, nic.vdev)] = {'userid': uid, 'interface': nic.vdev, 'switch': nic.vswitch,
                                         'port': nics.get_nic_id(entry, nic.vdev), 'comments': None}
        for (owner, vdev), switch in self._coupled_adapters(userid).items():
            row = rows.get((owner, vdev))
            if row is None:
                rows[(owner, vdev)] = {'userid': owner, 'interface': vdev, 'switch': switch, 'port': None,
                                       'comments': 'active only'}
            elif row['switch'] != switch:
                row['comments'] = 'active: coupled to %s' % switch
        out = []
        for key in sorted(rows):
            row = rows[key]
            if userid is not None and row['userid'] != check_userid(userid):
                continue
            if nic_id is not None and (row['port'] or '').upper() != str(nic_id).upper():
                continue
            if vswitch is not None and (row['switch'] or '') != str(vswitch).upper():
                continue
            out.append(row)
        return out

    def _nic_entries(self):
        """{userid: DirectoryEntry holding only its NICDEF and *NICID records}
        for every directory entry with a NIC (two Directory_Manager_Search_DM)."""
        records = {}
        for pattern in ('NICDEF *', '*NICID *'):
            reply = self._call('Directory_Manager_Search_DM', self.client.userid, search_pattern=pattern,
                               ok=[(0, 28)])
            for item in reply.get('statement_array') or []:
                text = item.get('statement') or ''
                if pattern.startswith('*') and not nics.NIC_ID_RE.match(text):
                    continue
                records.setdefault((item.get('target_id') or '').upper(), []).append(text)
        out = {}
        for uid, recs in records.items():
            nicdefs = [r for r in recs if not r.lstrip().startswith('*')]
            if nicdefs:
                out[uid] = directory.parse(nicdefs + [r for r in recs if r.lstrip().startswith('*')])
        return out

    def _coupled_adapters(self, userid=None):
        """{(owner, vdev): vswitch} of running NICs coupled to a switch."""
        out = {}
        if userid is not None:
            adapters = self._nic_adapters(check_userid(userid)) or {}
            for vdev, ad in adapters.items():
                if ad['vswitch']:
                    out[(check_userid(userid), vdev)] = ad['vswitch']
            return out
        try:
            reply = self._call('Virtual_Network_Vswitch_Query_Extended', self.client.userid, switch_name='*')
        except SmapiRequestError as e:
            if e.matches(212, 40):
                return out
            raise
        for rec in reply.get('vswitch_array') or []:
            for a in rec.get('connected_adapter_array') or []:
                out[((a.get('adapter_owner') or '').upper(), (a.get('adapter_vdev') or '').upper())] = \
                    rec.get('switch_name')
        return out

    # -- NICs: zvmsdk methods ---------------------------------------------------------------
    def _running(self, userid, active):
        """The running guest's adapters when ``active``; SDKConflictError if
        it is not logged on (zvmsdk's rs=1)."""
        if not active:
            return None
        adapters = self._nic_adapters(userid)
        if adapters is None:
            raise SDKConflictError("guest '%s' is not logged on, so the change cannot be applied to it actively"
                                   % userid, rs=1)
        return adapters

    def guest_create_nic(self, userid, vdev=None, nic_id=None, mac_addr=None, active=False):
        """Add a QDIO NIC (Virtual_Network_Adapter_Create_Extended_DM, and
        Virtual_Network_Adapter_Create_Extended when ``active``) and return
        its vdev.

        Without ``vdev``: 1000 for a guest without NICs, else 3 past the
        highest NIC, as zvmsdk.  A ``vdev`` within 2 of another NIC raises
        SDKConflictError (rs=6).  ``mac_addr`` gives the NICDEF MACID (its
        last 3 bytes); ``nic_id`` is recorded with the NIC (see the module
        docstring)."""
        userid = check_userid(userid)
        entry = self._require_directory(userid)
        existing = sorted(int(n.vdev, 16) for n in entry.nics)
        if vdev is None:
            vdev = '%04X' % (existing[-1] + 3) if existing else DEFAULT_NIC_VDEV
        spec = nics.normalize({'vdev': vdev, 'nic_id': nic_id, 'mac_address': mac_addr})
        first = int(spec['vdev'], 16)
        if any(abs(first - n) <= 2 for n in existing):
            raise SDKConflictError("vdev %s of guest '%s' is within 2 of another NIC's" % (spec['vdev'], userid),
                                   rs=6)
        adapters = self._running(userid, active)
        plan = nics.plan(entry, spec, adapters)
        self.nic_apply(userid, plan)
        return spec['vdev']

    def guest_delete_nic(self, userid, vdev, active=False):
        """Remove a NIC from the directory (Virtual_Network_Adapter_Delete_DM;
        one that is not defined is skipped) and, when ``active``, from the
        running guest (Virtual_Network_Adapter_Delete)."""
        userid = check_userid(userid)
        entry = self._require_directory(userid)
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
        entry = self._require_directory(userid)
        name = self._switch_name(vswitch_name)
        changes = {'vswitch': name}
        if vlan_id is not None and vlan_id != -1:
            changes.update(vlan_id=vlan_id, port_type='ACCESS')
        spec = self._existing_nic_spec(entry, validation.vdev(nic_vdev), **changes)
        adapters = self._running(userid, active)
        plan = nics.plan(entry, spec, adapters)
        if plan.couples and self._vswitch_record(name) is None:
            raise SDKObjectNotExistError("vswitch '%s' does not exist" % name, rs=40)
        self.nic_apply(userid, plan)

    def guest_nic_uncouple_from_vswitch(self, userid, nic_vdev, active=False):
        """Take the NIC off its vswitch in the directory (with its VLAN and
        port type) and, when ``active``, UNCOUPLE it on the running guest."""
        userid = check_userid(userid)
        entry = self._require_directory(userid)
        spec = self._existing_nic_spec(entry, validation.vdev(nic_vdev), vswitch=None, vlan_id=None, port_type=None)
        plan = nics.plan(entry, spec, self._running(userid, active))
        self.nic_apply(userid, plan)

    # -- NICs: applying a plan ------------------------------------------------------------
    def nic_apply(self, userid, plan):
        """Carry out a ``nics.plan``: the directory steps (holding the host
        lock of the guest), then the running guest's.  If a step fails, what
        was done is undone (running guest first, then the directory NIC is put
        back as it was) and the error is raised."""
        done = []
        rollback_notes = self.__dict__.setdefault('rollback_notes', [])
        try:
            with self._guest_lock(userid):
                for step in plan.directory_steps:
                    self._nic_step(userid, plan.vdev, step)
                    done.append(step)
            for step in plan.active_steps:
                self._nic_step(userid, plan.vdev, step)
                done.append(step)
        except Exception:
            for step in reversed([s for s in done if s[0].startswith('active_')]):
                try:
                    self._nic_undo_active(userid, plan, step)
                except Exception as e:  # pylint: disable=broad-except
                    rollback_notes.append('could not undo %s of NIC %s: %s' % (step[0], plan.vdev, e))
            if any(s[0].startswith('dm_') for s in done):
                try:
                    self._nic_restore(userid, plan.vdev, plan.snapshot)
                    rollback_notes.append('NIC %s of %s: the directory change was undone' % (plan.vdev, userid))
                except Exception as e:  # pylint: disable=broad-except
                    rollback_notes.append('could not undo the directory change of NIC %s: %s' % (plan.vdev, e))
            raise

    def _nic_step(self, userid, vdev, step):
        kind = step[0]
        if kind == 'dm_create':
            params = {'image_device_number': vdev, 'adapter_type': 'QDIO'}
            if step[1]:
                params['mac_id'] = step[1]
            self._dm_write('Virtual_Network_Adapter_Create_Extended_DM', userid, **params)
        elif kind == 'dm_connect':
            self._dm_write('Virtual_Network_Adapter_Connect_Vswitch_DM', userid, image_device_number=vdev,
                           switch_name=step[1])
        elif kind == 'dm_disconnect':
            self._dm_write('Virtual_Network_Adapter_Disconnect_DM', userid, image_device_number=vdev,
                           ok=[(212, 32)])
        elif kind == 'dm_delete':
            self._dm_write('Virtual_Network_Adapter_Delete_DM', userid, image_device_number=vdev, ok=[(404, 8)])
        elif kind == 'dm_rewrite':
            self._nic_rewrite(userid, vdev, step[1], step[2])
        elif kind == 'dm_remove':
            self._nic_rewrite(userid, vdev, None, None)
        elif kind == 'active_create':
            self._call('Virtual_Network_Adapter_Create_Extended', userid, image_device_number=vdev,
                       adapter_type='QDIO')
        elif kind == 'active_delete':
            self._call('Virtual_Network_Adapter_Delete', userid, image_device_number=vdev, ok=[(204, 8)])
        elif kind == 'active_couple':
            try:
                self._call('Virtual_Network_Adapter_Connect_Vswitch', userid, image_device_number=vdev,
                           switch_name=step[1])
            except SmapiRequestError as e:
                if e.matches(212, 8):
                    raise SDKConflictError("guest '%s' is not authorized on vswitch %s, so its NIC %s cannot be "
                                           "coupled (%s)" % (userid, step[1], vdev, e), rs=8)
                raise
        elif kind == 'active_uncouple':
            self._call('Virtual_Network_Adapter_Disconnect', userid, image_device_number=vdev, ok=[(204, 48)])
        else:
            raise SDKInternalError('unknown NIC step %r' % (kind,))

    def _nic_undo_active(self, userid, plan, step):
        kind = step[0]
        before = plan.before_active or {}
        if kind == 'active_create':
            self._nic_step(userid, plan.vdev, ('active_delete',))
        elif kind == 'active_couple':
            self._nic_step(userid, plan.vdev, ('active_uncouple',))
        elif kind == 'active_uncouple' and before.get('vswitch'):
            self._nic_step(userid, plan.vdev, ('active_couple', before['vswitch']))
        elif kind == 'active_delete' and before:
            self._nic_step(userid, plan.vdev, ('active_create',))
            if before.get('vswitch'):
                self._nic_step(userid, plan.vdev, ('active_couple', before['vswitch']))

    def _nic_rewrite(self, userid, vdev, fields, nic_id):
        """Set a NIC's NICDEF fields and nic_id under Image_Lock_DM (one read,
        one Image_Replace_DM); ``fields`` None removes the NIC and its nic_id."""
        def mutate(entry):
            if fields is None:
                return nics.remove_from_entry(entry, vdev)
            if entry.find_nic(vdev) is None:
                raise SDKObjectNotExistError("NIC %s of guest '%s' disappeared while it was being changed"
                                             % (vdev, userid), rs=2)
            changed = entry.update_nic(vdev, **fields)
            if nic_id is not nics.KEEP:
                changed = nics.set_nic_id(entry, vdev, nic_id) or changed
            return changed
        self._modify_directory(userid, mutate)

    def _nic_restore(self, userid, vdev, snapshot):
        """Put a NIC's directory definition back as ``snapshot`` (from
        ``nics.snapshot``; None: no NIC)."""
        def mutate(entry):
            nics.remove_from_entry(entry, vdev)
            if snapshot is not None:
                nics.restore_in_entry(entry, vdev, snapshot)
        self._modify_directory(userid, mutate)
