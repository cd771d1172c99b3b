# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A guest's NIC as declared state, shared by zvm_nic and zvm_guest's ``nics``.

A declaration (``normalize``; ``option_spec`` is its module options) names
the NIC's vdev and what it should be: coupled to a vswitch or not, its VLAN
and port type, MACID and nic_id.  ``plan(entry, spec, adapters)`` compares
it with the directory NICDEF and, when ``adapters`` (the running guest's
NICs, ``operations.adapters.query``) is given, with the live adapter, and
lists the steps that make both match, with the NIC's records before and
after for diff mode.  ``sdk.nic_apply(userid, plan)`` carries the steps out
and undoes them if one fails.  Nothing here talks to z/VM except
``check_vswitches``, which reads each vswitch a plan couples to (one
``operations.vswitches.query`` each) and hands the records to the pure
``vswitch_problems``.

Semantics of a declaration (state present)
    vswitch     the vswitch the NIC couples to; None: coupled to none.
    vlan_id     the NICDEF's VLAN (1-4094); None: no VLAN operand.  Needs vswitch.
    port_type   ACCESS or TRUNK on the NICDEF; None: no PORTTYPE.  Needs vswitch.
    mac_address the NICDEF MACID (the last 3 bytes); None: left as it is.
    nic_id      recorded as ``*NICID vdev id`` after the NICDEF; None: left as it is.
``KEEP`` for vswitch, vlan_id or port_type leaves that one as it is (the SDK
methods use it).  A new NIC is QDIO with 3 devices.

The running guest
    Its NIC must exist and be coupled to the vswitch (or to none).  CP's
    DEFINE NIC takes no MAC, so a MACID applies to the running guest from its
    next logon; the VLAN of a running NIC comes from the guest's grant.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.zvm.cloud.plugins.module_utils import validation
from ansible_collections.zvm.cloud.plugins.module_utils.operations import vswitches as vswitch_ops
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import (
    SDKConflictError, SDKInvalidInputFormat, SDKObjectNotExistError,
)


class _Keep:
    def __repr__(self):
        return 'KEEP'


KEEP = _Keep()
"""Leave this attribute of the NIC as it is."""

PORT_TYPES = ('ACCESS', 'TRUNK')
NIC_DEVICES = 3
SPEC_KEYS = ('vdev', 'state', 'vswitch', 'vlan_id', 'port_type', 'mac_address', 'nic_id')
_NIC_ID_VALUE_RE = re.compile(r'[A-Za-z0-9._:@#$-]{1,56}', re.ASCII)


# -- input ---------------------------------------------------------------------------------------

def option_spec():
    """The module options of one NIC (AnsibleModule argument_spec): zvm_nic's
    top-level options and the suboptions of zvm_guest's ``nics``."""
    return dict(
        vdev=dict(type='str', required=True),
        vswitch=dict(type='str'),
        vlan_id=dict(type='int'),
        port_type=dict(type='str', choices=list(PORT_TYPES)),
        mac_address=dict(type='str'),
        nic_id=dict(type='str'),
    )


def check_nic_id(value, field='nic_id'):
    """A nic_id: 1 to 56 of letters, digits and . _ : @ # $ - (a UUID fits)."""
    if not isinstance(value, str) or not _NIC_ID_VALUE_RE.fullmatch(value):
        raise SDKInvalidInputFormat('%s: %r is not a valid nic_id: use 1 to 56 letters, digits and . _ : @ # $ -'
                                    % (field, value))
    return value


def _fail(where, field, e):
    text = str(e)
    return SDKInvalidInputFormat(text if text.startswith(where + field) else '%s%s' % (where, text))


def _port_type(value, field):
    text = validation.ascii_text(value, field, 'ACCESS or TRUNK') if isinstance(value, str) else None
    if text is None or text.upper() not in PORT_TYPES:
        raise ValueError('%s: %r is not ACCESS or TRUNK' % (field, value))
    return text.upper()


def _checked(spec, key, where, check):
    """``spec[key]`` through ``check(value, field)``; None and KEEP pass as they are."""
    value = spec.get(key)
    if value is KEEP or value is None:
        return value
    try:
        return check(value, where + key)
    except ValueError as e:
        raise _fail(where, key, e)


def normalize(spec, where=''):
    """Check a NIC declaration (a dict with SPEC_KEYS; ``where`` prefixes
    field names in messages, such as 'nics[2].') and return it normalized:
    vdev '1000', vswitch upper case, vlan_id int, port_type upper case, macid
    (6 hex digits) and mac_address, nic_id, state, where."""
    unknown = sorted(set(spec) - set(SPEC_KEYS))
    if unknown:
        raise SDKInvalidInputFormat('%sunknown key(s) %s (known: %s)'
                                    % (where, ', '.join(unknown), ', '.join(SPEC_KEYS)))
    out = {'where': where, 'state': spec.get('state') or 'present'}
    if out['state'] not in ('present', 'absent'):
        raise SDKInvalidInputFormat('%sstate: %r is not present or absent' % (where, out['state']))
    try:
        out['vdev'] = validation.vdev(spec.get('vdev'), where + 'vdev')
    except ValueError as e:
        raise _fail(where, 'vdev', e)
    if int(out['vdev'], 16) + NIC_DEVICES - 1 > 0xFFFF:
        raise SDKInvalidInputFormat('%svdev: %s leaves no room for the %d devices of a NIC (the last is FFFF)'
                                    % (where, out['vdev'], NIC_DEVICES))
    out['vswitch'] = _checked(spec, 'vswitch', where, validation.vswitch_name)
    out['vlan_id'] = _checked(spec, 'vlan_id', where, validation.vlan_id)
    out['port_type'] = _checked(spec, 'port_type', where, _port_type)
    out['macid'] = out['mac_address'] = None
    if spec.get('mac_address') not in (None, ''):
        try:
            mac = validation.mac_address(spec['mac_address'], where + 'mac_address')
        except ValueError as e:
            raise _fail(where, 'mac_address', e)
        out['macid'], out['mac_address'] = mac.macid, mac.address
    out['nic_id'] = None if spec.get('nic_id') in (None, '') else check_nic_id(spec['nic_id'], where + 'nic_id')
    if out['state'] == 'present' and out['vswitch'] is None:
        for key in ('vlan_id', 'port_type'):
            if out[key] not in (None, KEEP):
                raise SDKInvalidInputFormat('%s%s: a NIC that is not coupled to a vswitch has no %s; set vswitch '
                                            'too' % (where, key, key))
    return out


# -- the directory side ------------------------------------------------------------------------------

def check_room(entry, spec, more=()):
    """Fail when the devices of a new NIC (vdev to vdev+2) would overlap a
    device of the entry (``DirectoryEntry.device_conflict``), or one of
    ``more`` ((first, count, name) tuples, such as disks about to be
    created)."""
    first = int(spec['vdev'], 16)
    clash = entry.device_conflict(spec['vdev'], NIC_DEVICES)
    if clash is None:
        clash = next((name for start, count, name in more if start < first + NIC_DEVICES and first < start + count),
                     None)
    if clash is not None:
        raise SDKInvalidInputFormat('%svdev: a NIC at %s uses %s-%04X, which overlaps %s; choose another vdev'
                                    % (spec['where'], spec['vdev'], spec['vdev'], first + NIC_DEVICES - 1, clash))


def _vlan_set(tokens):
    ids = set()
    for token in tokens or []:
        parts = str(token).split('-')
        if all(re.fullmatch(r'[0-9]{1,4}', p, re.ASCII) for p in parts) and len(parts) <= 2:
            ids.update(range(int(parts[0]), int(parts[-1]) + 1))
    return ids


def _current(nic):
    if nic is None:
        return {'lan': (None, None), 'vlan': set(), 'port_type': None, 'macid': None, 'port_number': None}
    return {'lan': (nic.lan_owner, nic.lan_name), 'vlan': _vlan_set(nic.vlan), 'port_type': nic.port_type,
            'macid': nic.macid, 'port_number': nic.port_number}


def desired_fields(spec, nic):
    """The NICDEF fields (for ``DirectoryEntry.update_nic``) that differ
    between NIC ``nic`` (None: a new NIC) and the declaration."""
    cur = _current(nic)
    fields = {}
    if spec['vswitch'] is KEEP:
        lan = cur['lan']
    else:
        lan = ('SYSTEM', spec['vswitch']) if spec['vswitch'] else (None, None)
    if lan != cur['lan']:
        fields['lan_owner'], fields['lan_name'] = lan
    coupled = lan[1] is not None
    if spec['vlan_id'] is not KEEP:
        want = set([spec['vlan_id']]) if spec['vlan_id'] and coupled else set()
        if want != cur['vlan']:
            fields['vlan'] = [str(v) for v in sorted(want)] or None
    elif not coupled and cur['vlan']:
        fields['vlan'] = None
    if spec['port_type'] is not KEEP:
        want = spec['port_type'] if coupled else None
        if want != cur['port_type']:
            fields['port_type'] = want
    elif not coupled and cur['port_type']:
        fields['port_type'] = None
    if not coupled and cur['port_number']:
        fields['port_number'] = None
    if spec['macid'] and spec['macid'] != cur['macid']:
        fields['macid'] = spec['macid']
    return fields


def apply_to_entry(entry, spec):
    """Make the entry's NIC as declared (add, change or remove it, and its
    nic_id); True if the entry changed.  Used to predict the result and to
    put NICs into a new guest's entry."""
    vdev = spec['vdev']
    if spec['state'] == 'absent':
        return entry.remove_nic(vdev)
    nic = entry.find_nic(vdev)
    changed = False
    if nic is None:
        entry.add_nic(vdev, 'QDIO', **({'macid': spec['macid']} if spec['macid'] else {}))
        changed = True
    fields = desired_fields(spec, entry.find_nic(vdev))
    if fields:
        changed = entry.update_nic(vdev, **fields) or changed
    if spec['nic_id'] is not None:
        changed = entry.set_nic_id(vdev, spec['nic_id']) or changed
    return changed


def _describe_fields(fields, nic_id):
    parts = []
    if 'lan_name' in fields:
        parts.append('LAN SYSTEM %s' % fields['lan_name'] if fields['lan_name'] else 'no LAN')
    if 'vlan' in fields:
        parts.append('VLAN %s' % ' '.join(fields['vlan']) if fields['vlan'] else 'no VLAN')
    if 'port_type' in fields:
        parts.append('PORTTYPE %s' % fields['port_type'] if fields['port_type'] else 'no PORTTYPE')
    if 'port_number' in fields:
        parts.append('no PORTNUMBER')
    if 'macid' in fields:
        parts.append('MACID %s' % fields['macid'])
    if nic_id is not KEEP:
        parts.append('nic_id %s' % nic_id)
    return ', '.join(parts)


def view(entry, vdev):
    """NIC ``vdev`` of ``entry`` as a result dict (the NICDEF's fields,
    ``nic_id`` and ``vlan_id``), or None when the entry has no such NIC."""
    nic = entry.find_nic(vdev) if entry is not None else None
    if nic is None:
        return None
    out = nic.to_dict()
    out['nic_id'] = entry.nic_id(vdev)
    out['vlan_id'] = int(nic.vlan[0]) if nic.vlan and len(nic.vlan) == 1 and nic.vlan[0].isdigit() else None
    return out


def describe_adapter(adapter):
    """One line about a running guest's NIC, for diffs."""
    if adapter is None:
        return 'none'
    text = 'coupled to %s' % adapter['vswitch'] if adapter.get('vswitch') else (
        'coupled to %s %s' % (adapter.get('lan_owner'), adapter.get('lan_name')) if adapter.get('coupled')
        else 'not coupled')
    return '%s %s%s' % (adapter.get('type') or 'QDIO', text,
                        ', MAC %s' % adapter['mac_address'] if adapter.get('mac_address') else '')


# -- plans --------------------------------------------------------------------------------------------

class NicPlan:
    """What it takes to make one NIC as declared (see ``plan``)."""

    def __init__(self, spec, entry, adapters):
        self.spec = spec
        self.vdev = spec['vdev']
        self.where = spec['where']
        self.snapshot = entry.nic_snapshot(self.vdev)
        self.directory_steps = []
        self.active_steps = []
        self.actions = []
        self.notes = []
        self.running = adapters is not None
        self.before_active = adapters.get(self.vdev) if adapters is not None else None
        self.after_active = self.before_active
        self.before_records = entry.nic_records(self.vdev)
        self.entry_after = entry.copy()
        self.after_records = []
        self.vswitch = None          # the vswitch to check before changing anything
        self.active_couple = False   # the running NIC is to be coupled (needs a grant)

    @property
    def changed(self):
        return bool(self.directory_steps or self.active_steps)

    @property
    def couples(self):
        return self.vswitch is not None

    @property
    def steps(self):
        return self.directory_steps + self.active_steps

    def nic(self):
        """The NIC after the plan, as a dict (None when it is absent)."""
        return view(self.entry_after, self.vdev)

    def diff(self, userid=''):
        """Ansible diff: the NIC's directory records and its running state."""
        def text(records, adapter):
            lines = list(records)
            if self.running:
                lines.append('# running guest: NIC %s %s' % (self.vdev, describe_adapter(adapter)))
            return ''.join(line + '\n' for line in lines)
        header = 'NIC %s%s' % (self.vdev, ' of %s' % userid if userid else '')
        return {'before': text(self.before_records, self.before_active),
                'after': text(self.after_records, self.after_active),
                'before_header': header, 'after_header': header}


def plan(entry, spec, adapters=None):
    """The steps that make NIC ``spec['vdev']`` of ``entry`` as declared.

    ``adapters``: the running guest's NICs (``operations.adapters.query``) to change
    them too, or None to change the directory only.  Raises
    SDKInvalidInputFormat for what cannot be done (a device in the way, a
    NIC that is not QDIO to couple to a vswitch).
    """
    p = NicPlan(spec, entry, adapters)
    vdev, where = p.vdev, p.where
    nic = entry.find_nic(vdev)
    cur_id = entry.nic_id(vdev)
    if spec['state'] == 'absent':
        if nic is not None or cur_id is not None:
            p.directory_steps.append(('dm_remove',) if cur_id is not None else ('dm_delete',))
            p.actions.append('delete NICDEF %s' % vdev)
        if adapters is not None and vdev in adapters:
            p.active_steps.append(('active_delete',))
            p.actions.append('detach NIC %s from the running guest' % vdev)
            p.after_active = None
        apply_to_entry(p.entry_after, spec)
        p.after_records = p.entry_after.nic_records(vdev)
        return p

    if nic is None:
        check_room(entry, spec)
        p.directory_steps.append(('dm_create', spec['macid']))
        p.actions.append('create NICDEF %s (QDIO%s)' % (vdev, ', MACID %s' % spec['macid'] if spec['macid'] else ''))
    elif (nic.type or 'QDIO') != 'QDIO' and spec['vswitch'] not in (None, KEEP):
        raise SDKInvalidInputFormat('%svdev: NIC %s is a %s NIC; only a QDIO NIC couples to a vswitch, and the '
                                    'type cannot change in place: delete the NIC first (state: absent)'
                                    % (where, vdev, nic.type))
    fields = desired_fields(spec, nic)
    new_id = KEEP
    if spec['nic_id'] is not None and (cur_id or '').upper() != spec['nic_id'].upper():
        new_id = spec['nic_id']
    if nic is not None and 'macid' in fields:
        p.notes.append('NIC %s: the new MACID %s reaches the running guest at its next logon'
                       % (vdev, fields['macid']))
    if nic is None:
        fields.pop('macid', None)
    lan_only = set(fields) <= set(['lan_owner', 'lan_name'])
    uncouple_only = fields.get('lan_name', 'x') is None and set(fields) <= set(
        ['lan_owner', 'lan_name', 'vlan', 'port_type', 'port_number'])
    if fields or new_id is not KEEP:
        if new_id is KEEP and fields and (uncouple_only or lan_only):
            if fields.get('lan_name'):
                p.directory_steps.append(('dm_connect', fields['lan_name']))
                p.actions.append('couple NICDEF %s to %s' % (vdev, fields['lan_name']))
            else:
                p.directory_steps.append(('dm_disconnect',))
                p.actions.append('uncouple NICDEF %s' % vdev)
        else:
            p.directory_steps.append(('dm_rewrite', fields, new_id))
            p.actions.append('set NICDEF %s: %s' % (vdev, _describe_fields(fields, new_id)))
    apply_to_entry(p.entry_after, spec)
    p.after_records = p.entry_after.nic_records(vdev)
    after_nic = p.entry_after.find_nic(vdev)
    want = after_nic.vswitch if after_nic is not None else None
    if want and set(fields) & set(['lan_name', 'vlan', 'port_type']):
        p.vswitch = want

    if adapters is not None:
        ad = adapters.get(vdev)
        if ad is None:
            p.active_steps.append(('active_create',))
            p.actions.append('define NIC %s on the running guest' % vdev)
            ad_after = {'vdev': vdev, 'type': 'QDIO', 'devices': NIC_DEVICES, 'coupled': False, 'lan_owner': None,
                        'lan_name': None, 'vswitch': None, 'mac_address': None, 'port_type': None}
        else:
            if ad.get('type') != 'QDIO' and want:
                raise SDKInvalidInputFormat('%svdev: the running guest\'s NIC %s is a %s NIC, which cannot couple '
                                            'to a vswitch' % (where, vdev, ad.get('type')))
            ad_after = dict(ad)
            if spec['macid'] and ad.get('mac_address') and \
                    ad['mac_address'].replace(':', '')[-6:] != spec['macid']:
                p.notes.append('NIC %s: the running guest has MAC %s; MACID %s applies from its next logon'
                               % (vdev, ad['mac_address'], spec['macid']))
        if ad_after['coupled'] and ad_after['vswitch'] != want:
            p.active_steps.append(('active_uncouple',))
            p.actions.append('uncouple NIC %s of the running guest from %s' % (
                vdev, ad_after['vswitch'] or '%s %s' % (ad_after['lan_owner'], ad_after['lan_name'])))
            ad_after.update(coupled=False, lan_owner=None, lan_name=None, vswitch=None)
        if want and not ad_after['coupled']:
            p.active_steps.append(('active_couple', want))
            p.actions.append('couple NIC %s of the running guest to %s' % (vdev, want))
            ad_after.update(coupled=True, lan_owner='SYSTEM', lan_name=want, vswitch=want)
            p.active_couple = True
            p.vswitch = want
        p.after_active = ad_after
    return p


def vswitch_problems(records, userid, plans):
    """Check ``plans`` against the records of the vswitches they couple to
    (``records``: {name: Virtual_Network_Vswitch_Query_Extended record, or
    None when it does not exist}): every vswitch must exist, be VLAN aware
    when a VLAN or port type is declared, and grant the guest when its
    running NIC is to be coupled.  Returns warnings (a NICDEF coupled to a
    vswitch that does not grant the guest)."""
    warnings = []
    for p in plans:
        name = p.vswitch
        if name is None:
            continue
        rec = records.get(name)
        if rec is None:
            raise SDKObjectNotExistError('%svswitch: the virtual switch %s does not exist' % (p.where, name), rs=40)
        declared_vlan = [k for k in ('vlan_id', 'port_type') if p.spec[k] not in (None, KEEP)]
        if declared_vlan and (rec.get('vlan_awareness') or '').upper() != 'AWARE':
            raise SDKInvalidInputFormat('%s%s: the vswitch %s is VLAN UNAWARE, so a NIC on it has no VLAN or '
                                        'port type' % (p.where, declared_vlan[0], name))
        granted = any((u.get('grant_userid') or '').upper() == userid
                      for u in rec.get('authorized_user_array') or [])
        if not granted:
            if p.active_couple:
                raise SDKConflictError('%svswitch: %s is not authorized on the vswitch %s, so its running NIC %s '
                                       'cannot be coupled; grant it first (zvm.cloud.zvm_vswitch grants)'
                                       % (p.where, userid, name, p.vdev), rs=8)
            warnings.append('%s is not authorized on the vswitch %s: NIC %s couples to it at logon only once it is '
                            'granted (zvm.cloud.zvm_vswitch grants)' % (userid, name, p.vdev))
    return warnings


def check_vswitches(session, userid, plans):
    """Before anything changes: read each vswitch ``plans`` couple to (one
    ``operations.vswitches.query`` per vswitch, in a ``Session``) and check
    the plans against them (``vswitch_problems``).  Returns warnings."""
    records = {}
    for p in plans:
        if p.vswitch is not None and p.vswitch not in records:
            records[p.vswitch] = vswitch_ops.query(session, p.vswitch)
    return vswitch_problems(records, userid, plans)


def check_unique(specs):
    """Fail when two declarations name the same vdev or overlapping ones."""
    seen = []
    for spec in specs:
        first = int(spec['vdev'], 16)
        for other in seen:
            o = int(other['vdev'], 16)
            if spec['state'] == 'present' and other['state'] == 'present' and \
                    first < o + NIC_DEVICES and o < first + NIC_DEVICES:
                raise SDKInvalidInputFormat('%svdev: NIC %s overlaps NIC %s (a NIC uses 3 device numbers)'
                                            % (spec['where'], spec['vdev'], other['vdev']))
            if spec['vdev'] == other['vdev']:
                raise SDKInvalidInputFormat('%svdev: NIC %s is declared twice' % (spec['where'], spec['vdev']))
        seen.append(spec)
