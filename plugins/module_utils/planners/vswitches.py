# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A virtual switch as declared state: its attributes and its access list.

``normalize`` checks a declaration; ``observe`` reads the attributes and
grants out of a switch's record (``operations.vswitches.query``);
``compare`` finds the attributes that differ and splits them into those
SET VSWITCH changes in place (``operations.vswitches.change`` operands)
and those that cannot change in place; ``plan_grants`` finds the grants to
make, change or revoke; ``shown`` predicts what the record will show
after a change.  Nothing here talks to z/VM.

What SMAPI shows, and so what is compared
    network_type, vlan_id (UNAWARE or the default VLAN ID), native_vlan_id,
    port_type, gvrp, queue_memory_limit, router (IP switches), the real
    devices, the controller (only while the switch is connected to a real
    device) and the connection (from the switch status: 3/4 disconnected,
    1 with real devices NOUPLINK, the others connected; unknown for a switch
    without real devices in status 1).  ``persist`` cannot be read: it is
    only used for the changes made.  Of a grant, the VLAN IDs and whether it
    is promiscuous show; its port type does not (a grant with more than one
    VLAN is TRUNK), so a grant's port type is set when the grant is made or
    made again, and never compared.

Grant changes (SET VSWITCH GRANT adds the VLAN IDs given to the user's)
    new user: GRANT with the VLAN IDs, port type and promiscuous mode;
    more VLAN IDs or another promiscuous mode: GRANT again with the new set;
    fewer VLAN IDs: REVOKE and GRANT (CP uncouples the user's NICs on a
    revoke, so the running NICs coupled to the switch are coupled again);
    users not declared are revoked only with purge.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.zvm.cloud.plugins.module_utils import validation
from ansible_collections.zvm.cloud.plugins.module_utils.operations.vswitches import vlan_tokens
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import SDKInvalidInputFormat

ATTRIBUTES = ('real_device_address', 'controller', 'connection', 'network_type', 'router', 'vlan_id', 'port_type',
              'native_vlan_id', 'gvrp', 'queue_memory_limit')
CONNECTIONS = ('CONNECT', 'DISCONNECT', 'NOUPLINK')
# What a switch gets when the declaration does not say (zvmsdk's vswitch_create defaults)
DEFAULTS = {'real_device_address': [], 'controller': '*', 'connection': 'CONNECT', 'network_type': 'ETHERNET',
            'router': 'NONROUTER', 'vlan_id': 'UNAWARE', 'port_type': 'ACCESS', 'native_vlan_id': None,
            'gvrp': True, 'queue_memory_limit': 8}
_VLAN_ONLY = ('port_type', 'native_vlan_id', 'gvrp')
_STATUS_CONNECTED = ('2', '5', '6', '7', '8', '9', '11', '12')
_STATUS_DISCONNECTED = ('3', '4')
_RDEV_RE = re.compile(r'[0-9A-F]{1,4}(\.P[0-9A-F]{1,2})?', re.ASCII)


def _ascii(value, field, what):
    """``value`` as text, printable ASCII (so upper() maps a-z only), without surrounding blanks."""
    try:
        return validation.ascii_text(value, field, what)
    except ValueError as e:
        raise SDKInvalidInputFormat(str(e))


def parse_rdev(value, field='rdev', limit=3):
    """Real device numbers of a switch: '600 610', '0600,0610', ['600'],
    '600.P1'; None or 'NONE' for none.  Returns a list of '0600' or
    '0600.P01'-style tokens (at most ``limit``)."""
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        value = _ascii(value, field, 'a list of real device numbers').replace(',', ' ').split(' ')
    tokens = []
    for item in value:
        text = _ascii(item, field, 'a real device number').upper()
        if text in ('', 'NONE'):
            continue
        if not _RDEV_RE.fullmatch(text):
            raise SDKInvalidInputFormat('%s: %r is not a real device number: expected 1 to 4 hexadecimal digits, '
                                        'optionally with a port such as 0600.P1' % (field, item))
        base, _dot, port = text.partition('.')
        tokens.append(base.zfill(4) + ('.' + port if port else ''))
    if len(tokens) > limit:
        raise SDKInvalidInputFormat('%s: at most %d real devices, got %d' % (field, limit, len(tokens)))
    return tokens


def vlan_id_set(tokens):
    """VLAN IDs from record tokens such as '0100', '200-210', 300."""
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


def _choice(value, field, choices):
    text = _ascii(value, field, 'one of %s' % ', '.join(choices)).upper()
    if text not in choices:
        raise SDKInvalidInputFormat('%s: %r is not one of %s' % (field, value, ', '.join(choices)))
    return text


def normalize(params):
    """The declared attributes (only those given), checked and in canonical
    form.  ``params``: the module options of the same names (``vid`` is
    taken as ``vlan_id``)."""
    out = {}
    value = params.get('real_device_address')
    if value is not None:
        out['real_device_address'] = parse_rdev(value, 'real_device_address')
    if params.get('controller') is not None:
        text = _ascii(params['controller'], 'controller', 'a user ID or *')
        try:
            out['controller'] = '*' if text == '*' else validation.userid(text, 'controller')
        except ValueError as e:
            raise SDKInvalidInputFormat(str(e))
    for key, choices in (('connection', CONNECTIONS), ('network_type', ('IP', 'ETHERNET')),
                         ('router', ('NONROUTER', 'PRIROUTER')), ('port_type', ('ACCESS', 'TRUNK'))):
        if params.get(key) is not None:
            out[key] = _choice(params[key], key, choices)
    vid = params.get('vlan_id')
    if vid is None:
        vid = params.get('vid')
    if vid is not None:
        text = _ascii(vid, 'vlan_id', 'a VLAN ID, UNAWARE or AWARE').upper()
        if text in ('UNAWARE', 'AWARE'):
            out['vlan_id'] = text
        else:
            try:
                out['vlan_id'] = validation.vlan_id(vid, 'vlan_id')
            except ValueError as e:
                raise SDKInvalidInputFormat(str(e))
    if params.get('native_vlan_id') is not None:
        try:
            out['native_vlan_id'] = validation.vlan_id(params['native_vlan_id'], 'native_vlan_id')
        except ValueError as e:
            raise SDKInvalidInputFormat(str(e))
    if params.get('gvrp') is not None:
        out['gvrp'] = bool(params['gvrp'])
    q = params.get('queue_memory_limit')
    if q is not None:
        if isinstance(q, bool) or not isinstance(q, int) or not 1 <= q <= 8:
            raise SDKInvalidInputFormat('queue_memory_limit: %r is not a number of megabytes from 1 to 8' % (q,))
        out['queue_memory_limit'] = q
    if out.get('router') and out.get('network_type') == 'ETHERNET':
        raise SDKInvalidInputFormat('router: only an IP switch routes; network_type is ETHERNET')
    if out.get('vlan_id') == 'UNAWARE':
        for key in _VLAN_ONLY:
            if key in out:
                raise SDKInvalidInputFormat('%s: a VLAN UNAWARE switch (vlan_id: UNAWARE) has no %s' % (key, key))
    return out


def _vlan_ids(value, field):
    """VLAN IDs from [100, '200-210'] or '100 200-210'."""
    if value is None:
        return None
    if not isinstance(value, (list, tuple)):
        value = [v for v in _ascii(value, field, 'a list of VLAN IDs').replace(',', ' ').split(' ') if v]
    ids = set()
    for item in value:
        parts = _ascii(item, field, 'a VLAN ID or range').split('-') if not isinstance(item, int) else [item]
        try:
            bounds = [validation.vlan_id(p, field) for p in parts]
        except ValueError as e:
            raise SDKInvalidInputFormat(str(e))
        if len(bounds) > 2 or bounds[0] > bounds[-1]:
            raise SDKInvalidInputFormat('%s: %r is not a VLAN ID or a range of them such as 200-210' % (field, item))
        ids.update(range(bounds[0], bounds[-1] + 1))
    return ids


def normalize_grants(grants):
    """[{'userid', 'vlans' (set or None: not managed), 'port_type',
    'promiscuous' (None: not managed)}] from the ``grants`` option."""
    out = []
    seen = set()
    for i, g in enumerate(grants or []):
        where = 'grants[%d]' % (i + 1)
        if not isinstance(g, dict):
            raise SDKInvalidInputFormat('%s: expected a dict with userid, vlan_ids, port_type, promiscuous' % where)
        unknown = sorted(set(k for k, v in g.items() if v is not None) -
                         set(['userid', 'vlan_ids', 'port_type', 'promiscuous']))
        if unknown:
            raise SDKInvalidInputFormat('%s: unknown key(s) %s' % (where, ', '.join(unknown)))
        try:
            userid = validation.userid(g.get('userid'), where + '.userid')
        except ValueError as e:
            raise SDKInvalidInputFormat(str(e))
        if userid in seen:
            raise SDKInvalidInputFormat('%s.userid: %s is declared twice' % (where, userid))
        seen.add(userid)
        port_type = _choice(g['port_type'], where + '.port_type', ('ACCESS', 'TRUNK')) \
            if g.get('port_type') is not None else None
        out.append({'userid': userid, 'vlans': _vlan_ids(g.get('vlan_ids'), where + '.vlan_ids'),
                    'port_type': port_type, 'promiscuous': g.get('promiscuous'), 'where': where})
    return out


def shown_port_type(vlans):
    """A grant's port type as far as SMAPI shows it: TRUNK with more than
    one VLAN ID, else unknown (None)."""
    return 'TRUNK' if len(vlans) > 1 else None


def _int(text):
    try:
        return int(str(text).strip())
    except (TypeError, ValueError):
        return None


def observe(rec):
    """The attributes, grants and coupled NICs of a switch from its
    Virtual_Network_Vswitch_Query_Extended record."""
    aware = (rec.get('vlan_awareness') or '').upper() == 'AWARE'
    devices = [d for d in rec.get('real_device_info_array') or []
               if (d.get('real_device_address') or '0000').strip('0')]
    rdevs = [d['real_device_address'].upper().zfill(4) for d in devices]
    active = [d for d in devices if str(d.get('device_status')) == '1'
              and (d.get('controller_name') or '(NONE)') not in ('(NONE)', '')]
    status = str(rec.get('switch_status') or '').strip()
    if status in _STATUS_DISCONNECTED:
        connection = 'DISCONNECT'
    elif status in _STATUS_CONNECTED:
        connection = 'CONNECT'
    elif status == '1' and rdevs:
        connection = 'NOUPLINK'
    else:
        connection = None
    network_type = (rec.get('transport_type') or 'ETHERNET').upper()
    routing = (rec.get('routing_value') or '').upper()
    attrs = {
        'real_device_address': rdevs,
        'controller': active[0]['controller_name'].upper() if active else None,
        'connection': connection,
        'network_type': network_type,
        'router': routing if network_type == 'IP' and routing in ('NONROUTER', 'PRIROUTER') else None,
        'vlan_id': (_int(rec.get('vlan_id')) or 1) if aware else 'UNAWARE',
        'port_type': (rec.get('port_type') or '').upper() if aware else None,
        'native_vlan_id': _int(rec.get('native_vlan_id')) if aware else None,
        'gvrp': (rec.get('gvrp_request_attribute') or '').upper() == 'GVRP' if aware else None,
        'queue_memory_limit': _int(rec.get('queue_memory_limit')),
    }
    grants = {}
    for u in rec.get('authorized_user_array') or []:
        userid = (u.get('grant_userid') or '').strip().upper()
        if not userid:
            continue
        vlans = vlan_id_set(u.get('vlan_ids'))
        grants[userid] = {'vlans': vlans, 'promiscuous': (u.get('promiscuous_mode') or '').upper() == 'PROM',
                          'port_num': _int(u.get('port_num')) or 0, 'port_type': shown_port_type(vlans)}
    coupled = {}
    for a in rec.get('connected_adapter_array') or []:
        coupled.setdefault((a.get('adapter_owner') or '').upper(), []).append((a.get('adapter_vdev') or '').upper())
    return {'name': (rec.get('switch_name') or '').upper(), 'attributes': attrs, 'grants': grants,
            'coupled': coupled}


def shown(attrs, connection, controller):
    """Set ``attrs``' connection and controller to what the switch's record
    will show (see ``observe``) once it has its real devices and is
    ``connection`` (CONNECT, DISCONNECT or NOUPLINK), run by ``controller``
    (None: CP picks one, which cannot be known beforehand)."""
    if connection == 'DISCONNECT':
        shows = 'DISCONNECT'
    elif not attrs['real_device_address']:
        shows = None
    else:
        shows = connection
    attrs['connection'] = shows
    attrs['controller'] = controller if shows == 'CONNECT' else None
    return attrs


def creation_attributes(declared):
    """The attributes a switch created from ``declared`` shows."""
    attrs = dict(DEFAULTS)
    attrs.update(declared)
    attrs['real_device_address'] = [t.split('.')[0] for t in attrs['real_device_address']]
    aware = attrs['vlan_id'] != 'UNAWARE'
    if attrs['vlan_id'] == 'AWARE':
        attrs['vlan_id'] = 1
    if aware:
        attrs['native_vlan_id'] = attrs['native_vlan_id'] or attrs['vlan_id']
    else:
        attrs['port_type'] = attrs['native_vlan_id'] = attrs['gvrp'] = None
    if attrs['network_type'] != 'IP':
        attrs['router'] = None
    controller = attrs['controller'] if attrs['controller'] != '*' else None
    return shown(attrs, attrs['connection'], controller)


def updated_attributes(before, changes, declared, params):
    """The attributes a switch that showed ``before`` shows after the
    ``changes`` and ``params`` of ``compare``.  A new uplink or connection
    shows the declared controller, else the one it showed; none when there
    is neither (CP picks one, which cannot be known beforehand)."""
    attrs = dict(before)
    changed = set()
    for attr, _old, new in changes:
        attrs[attr] = [t.split('.')[0] for t in (new or '').split()] if attr == 'real_device_address' else new
        changed.add(attr)
    if changed & set(['real_device_address', 'connection', 'controller']):
        connection = declared.get('connection') or before['connection'] or DEFAULTS['connection']
        controller = params.get('controller_name') or declared.get('controller')
        if controller in (None, '*'):
            controller = before['controller'] if 'real_device_address' not in changed else None
        shown(attrs, connection, controller)
    return attrs


def create_arguments(declared, persist):
    """Keyword arguments of ``sdk.vswitch_create`` for a declaration."""
    attrs = dict(DEFAULTS)
    attrs.update(declared)
    return {'rdev': ' '.join(attrs['real_device_address']) or None, 'controller': attrs['controller'],
            'connection': attrs['connection'], 'network_type': attrs['network_type'], 'router': attrs['router'],
            'vid': attrs['vlan_id'], 'port_type': attrs['port_type'], 'gvrp': 'GVRP' if attrs['gvrp'] else 'NOGVRP',
            'queue_mem': attrs['queue_memory_limit'], 'native_vid': attrs['native_vlan_id'], 'persist': persist}


def compare(declared, observed):
    """(changes, set_params, problems, unverified): the attributes that
    differ as (name, before, after); the Virtual_Network_Vswitch_Set_Extended
    parameters that change those that can change in place; a line for each
    that cannot; and the declared attributes SMAPI does not show now."""
    changes, params, problems, unverified = [], {}, [], []
    aware = observed['vlan_id'] != 'UNAWARE'
    network_type = observed['network_type']
    for attr in ATTRIBUTES:
        if attr not in declared:
            continue
        want, have = declared[attr], observed[attr]
        if attr == 'real_device_address':
            if [t.split('.')[0] for t in want] != have:
                changes.append((attr, ' '.join(have) or None, ' '.join(want) or None))
                params['real_device_address'] = ' '.join(want) or 'NONE'
        elif attr == 'controller':
            if want == '*':
                continue
            if have is None:
                unverified.append('controller (shown only while the switch is connected to a real device)')
            elif want != have:
                changes.append((attr, have, want))
                params['controller_name'] = want
        elif attr == 'connection':
            if have is None:
                unverified.append('connection (a switch without real devices shows none)')
            elif want != have:
                changes.append((attr, have, want))
                if 'NOUPLINK' in (want, have):
                    problems.append('connection %s -> %s' % (have, want))
                else:
                    params['connection_value'] = want
        elif attr in ('network_type', 'native_vlan_id') or (attr == 'vlan_id' and not (want == 'AWARE' and aware)):
            if attr == 'native_vlan_id' and not aware:
                problems.append('native_vlan_id %s on a VLAN UNAWARE switch' % want)
            elif want != have:
                changes.append((attr, have, want))
                problems.append('%s %s -> %s' % (attr, have, want))
        elif attr == 'router':
            if network_type != 'IP':
                problems.append('router %s on an %s switch (only IP switches route)' % (want, network_type))
            elif want != have:
                changes.append((attr, have, want))
                params['routing_value'] = want
        elif attr in ('port_type', 'gvrp'):
            if not aware:
                problems.append('%s %s on a VLAN UNAWARE switch' % (attr, want))
            elif want != have:
                changes.append((attr, have, want))
                if attr == 'port_type':
                    params['port_type'] = want
                else:
                    params['gvrp_value'] = 'GVRP' if want else 'NOGVRP'
        elif attr == 'queue_memory_limit' and want != have:
            changes.append((attr, have, want))
            params['queue_memory_limit'] = str(want)
    return changes, params, problems, unverified


def check_grants(grants, attrs, observed=None):
    """Fail for grants the switch (with attributes ``attrs`` and the
    ``observed`` grants) cannot take."""
    aware = attrs['vlan_id'] != 'UNAWARE'
    observed = observed or {}
    for g in grants:
        if not aware and (g['vlans'] or g['port_type']):
            key = 'vlan_ids' if g['vlans'] else 'port_type'
            raise SDKInvalidInputFormat('%s.%s: the switch is VLAN UNAWARE, so a grant has no VLAN IDs or port type'
                                        % (g['where'], key))
        port_type = g['port_type'] or (observed.get(g['userid']) or {}).get('port_type') or attrs.get('port_type')
        if g['vlans'] and port_type == 'ACCESS' and len(g['vlans']) > 1:
            raise SDKInvalidInputFormat('%s.vlan_ids: an ACCESS port has one VLAN, got %s; use port_type: TRUNK'
                                        % (g['where'], ' '.join(vlan_tokens(g['vlans']))))


def plan_grants(grants, observed_grants, coupled, purge):
    """[{'op': 'grant' | 'regrant' | 'revoke', 'userid', 'vlans', 'port_type',
    'promiscuous', 'recouple'}] that make the access list as declared
    (see the module docstring), and the access list after them."""
    ops = []
    after = dict((u, dict(g)) for u, g in observed_grants.items())
    declared = set()
    for g in grants:
        userid = g['userid']
        declared.add(userid)
        cur = observed_grants.get(userid)
        if cur is None:
            ops.append({'op': 'grant', 'userid': userid, 'vlans': g['vlans'] or set(), 'port_type': g['port_type'],
                        'promiscuous': True if g['promiscuous'] else None, 'recouple': []})
            after[userid] = {'vlans': set(g['vlans'] or ()), 'promiscuous': bool(g['promiscuous']),
                             'port_type': shown_port_type(g['vlans'] or ()), 'port_num': 0}
            continue
        want_vlans = g['vlans'] if g['vlans'] is not None else cur['vlans']
        want_prom = g['promiscuous'] if g['promiscuous'] is not None else cur['promiscuous']
        if want_vlans == cur['vlans'] and bool(want_prom) == cur['promiscuous']:
            continue
        after[userid] = dict(cur, vlans=set(want_vlans), promiscuous=bool(want_prom),
                             port_type=shown_port_type(want_vlans))
        if want_vlans >= cur['vlans']:
            ops.append({'op': 'grant', 'userid': userid,
                        'vlans': want_vlans if want_vlans != cur['vlans'] else set(),
                        'port_type': g['port_type'],
                        'promiscuous': bool(want_prom) if bool(want_prom) != cur['promiscuous'] else None,
                        'recouple': []})
        else:
            ops.append({'op': 'regrant', 'userid': userid, 'vlans': want_vlans, 'port_type': g['port_type'],
                        'promiscuous': True if want_prom else None, 'recouple': sorted(coupled.get(userid, []))})
    if purge:
        for userid in sorted(observed_grants):
            if userid not in declared:
                ops.append({'op': 'revoke', 'userid': userid, 'recouple': []})
                del after[userid]
    return ops, after


def describe_op(name, op):
    vlans = ' '.join(vlan_tokens(op.get('vlans') or ()))
    extra = ''.join([' VLAN %s' % vlans if vlans else '',
                     ' PORTTYPE %s' % op['port_type'] if op.get('port_type') else '',
                     {True: ' PROMISCUOUS', False: ' NOPROMISCUOUS'}.get(op.get('promiscuous'), '')])
    if op['op'] == 'grant':
        return 'grant %s on %s%s' % (op['userid'], name, extra)
    if op['op'] == 'revoke':
        return 'revoke %s from %s' % (op['userid'], name)
    text = 'grant %s on %s again%s (revoke, then grant: VLAN IDs cannot be taken away in place)' % (
        op['userid'], name, extra)
    if op['recouple']:
        text += '; couple its running NIC(s) %s again' % ', '.join(op['recouple'])
    return text


def grant_view(userid, g):
    return {'userid': userid, 'vlan_ids': sorted(g['vlans']), 'promiscuous': bool(g['promiscuous']),
            'port_type': g.get('port_type')}


def grants_list(grants):
    return [grant_view(u, grants[u]) for u in sorted(grants)]


def render(name, attrs, grants):
    """Diff text of a switch (attributes, then the access list)."""
    if attrs is None:
        return ''
    lines = ['vswitch %s' % name]
    for attr in ATTRIBUTES:
        value = attrs.get(attr)
        if isinstance(value, list):
            value = ' '.join(value) or 'none'
        if isinstance(value, bool):
            value = 'yes' if value else 'no'
        lines.append('%s: %s' % (attr, '-' if value is None else value))
    lines.append('grants:')
    for userid in sorted(grants or {}):
        g = grants[userid]
        lines.append('  %s%s%s' % (userid, ' VLAN %s' % ' '.join(vlan_tokens(g['vlans'])) if g['vlans'] else '',
                                   ' PROMISCUOUS' if g['promiscuous'] else ''))
    return ''.join(line + '\n' for line in lines)
