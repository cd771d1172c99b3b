# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# pylint: disable=too-many-lines,consider-using-f-string
"""z/VM networking: virtual switches, their access lists, and guests' NICs.

The model
    A virtual switch is one row of the ``vswitches`` table (the keys the seed
    writes plus the attributes below); its access list is the ``grants``
    table, one document per authorized user: ``{'userid', 'vlans' (VLAN
    tokens such as '100' or '200-210'), 'port_type', 'promiscuous',
    'osd_sim', 'port_num', 'seq'}``.  Active NICs are the ``adapters`` table
    (see ``zvmsim.cp``): they exist only while their guest is logged on, and
    a NIC is coupled to a switch when ``coupled`` is true and ``lan_owner`` /
    ``lan_name`` name the switch.  The directory's NICDEF statements and the
    active NICs are independent until the guest logs on, as on z/VM: the _DM
    functions change only the directory, the others only CP.

    Switch attributes: real_device_address ('0600 0610', '' for none),
    port_name, controller_name, connection (CONNECT, DISCONNECT, NOUPLINK),
    queue_memory_limit, routing_value, transport_type (IP, ETHERNET),
    vlan_aware, vlan_id, native_vlan_id, port_type, gvrp, persist,
    mac_address, switch_type, iptimeout, port_selection, isolation,
    mac_protect, vlan_counters, vepa, lag_group, lacp, lag_interval,
    uplink_nic_userid/uplink_nic_vdev, trace_size, ivl_vlanid, ivl_heartbeat.

    switch_status (manual: 1 defined, 3 operator intervention required, 8
    OSA device ready): 8 when connected to real devices, 3 when DISCONNECTed
    (the captures show 3 for every disconnected switch), else 1.  Real OSA
    devices come from the config (``network.osa``); a switch holds its
    device and the two after it (the OSA triplet).  OSA devices of a
    connected switch show ``ATTACHED`` + the controller user in
    Virtual_Network_OSA_Query (concatenated, as captured), others ``FREE``.

Return codes (besides the layout's RC 24 checks)
    Keyword-list functions answer 8/3002 for an unknown keyword, 8/3003 for
    a bad value and 8/3004 for a missing required keyword, as real SMAPI
    does (Image_Definition_*_DM captures).  212/36 switch exists, 212/40
    switch does not exist, 212/44 user already authorized with the same
    attributes, 212/8 NIC owner not authorized to couple, 204/20 NIC already
    coupled, 204/48 already uncoupled, 204/8 / 404/8 device not defined
    (active / directory), 204/4 / 404/4 device already defined, 204/28 the
    vdev is another kind of device, 200/4 / 400/4 no directory entry, 200/12
    guest not logged on, 400/12 / 404/12 entry / device locked by another
    user, 212/28 and 412/28 NIC type cannot couple to a switch, 212/32
    directory NIC not connected (IBM's own client tolerates it on
    Virtual_Network_Adapter_Disconnect_DM), 212/12 guest LAN does not exist
    (guest LANs are not modelled), 212/48 VLAN not in use, 212/8 no adapter
    (Adapter_Query of '*' on a guest without NICs).
    CP command failures are RC 396 with the CP message number as reason:
    396/2846 VLAN setting on a VLAN UNAWARE switch (IBM's client names it),
    396/3040 port number not defined (captured: vlan_port_remove on a
    revoked port).  Inferred, no source gives them: 396/40 (HCP040E device
    does not exist) for a real device that is not an OSA of the system,
    396/121 (HCP121E already attached) for an OSA another switch holds, and
    396/2797 for a NIC whose device range runs into another device (IBM's
    client treats 396/2797 as a device conflict).

Grants (Virtual_Network_Vswitch_Set_Extended)
    Reading of the manual and SET VSWITCH GRANT: granting a user who is
    already authorized changes that user's entry: the VLAN IDs given are
    added to the user's VLAN set, and a port type, promiscuous or OSDSIM
    setting given replaces the old one; a grant that changes nothing answers
    212/44 (user already authorized).  An ACCESS port ends up with at most
    one VLAN, else 8/24 (conflicting parameters).  Revoking a user who is
    not authorized answers 0/0: the captures revoke GT@PING twice in a row
    and both answer 0/0.  A revoke uncouples the user's NICs from the
    switch.  The older Virtual_Network_Vswitch_Set (whose return codes do
    not include 212/44) re-grants silently.

Counters
    Virtual_Network_Vswitch_Query_Byte_Stats and _VLAN_Query_Stats report
    traffic that grows with the time a NIC has been coupled (or its guest
    logged on), at a steady rate per NIC, so monitoring has something to
    show.  Uplink counters are the sum of the switch's NICs while the switch
    is connected.
"""

import zlib

from ansible_collections.zvm.cloud.plugins.module_utils import directory, validation
from ansible_collections.zvm.cloud.plugins.module_utils.smapi import codec, layouts

from zvmsim import cp
from zvmsim.handlers import Fail, Result, handles
from zvmsim.handlers.directory import check_not_locked_by_other, load_entry, save_entry

# CP message numbers returned as RC 396 reasons (see the module docstring)
RS_RDEV_NOT_OSA = 40
RS_RDEV_IN_USE = 121
RS_NIC_RANGE_IN_USE = 2797
RS_VLAN_UNAWARE = 2846
RS_PORT_NOT_DEFINED = 3040

NIC_TYPES = {1: 'HIPERSOCKETS', 2: 'QDIO', 3: 'IEDN', 4: 'INMN'}
NIC_TYPE_CODES = {'HIPERSOCKETS': 1, 'QDIO': 2, 'IEDN': 2, 'INMN': 2}
STATUS_DEFINED, STATUS_INTERVENTION, STATUS_READY = 1, 3, 8
BASE_CONTROLLERS = ('DTCVSW1', 'DTCVSW2')
SWITCH_MAC_PREFIX = '02-00-01-00'

DEFAULTS = {
    'real_device_address': '', 'port_name': '', 'controller_name': '*', 'connection': 'CONNECT',
    'queue_memory_limit': 8, 'routing_value': 'NONROUTER', 'transport_type': 'ETHERNET', 'vlan_aware': False,
    'vlan_id': 0, 'native_vlan_id': 0, 'port_type': None, 'gvrp': True, 'persist': True, 'switch_type': 'QDIO',
    'iptimeout': 5, 'port_selection': 'USERBASED', 'isolation': False, 'mac_protect': 'UNSPECIFIED',
    'vlan_counters': False, 'vepa': False, 'lag_group': None, 'lacp': None, 'lag_interval': 0,
    'uplink_nic_userid': None, 'uplink_nic_vdev': None, 'trace_size': None, 'ivl_vlanid': None,
    'ivl_heartbeat': None, 'osd_sim': False,
}


# -- small helpers -----------------------------------------------------------------------------------

def _up(value):
    return (value or '').strip().upper() if isinstance(value, str) else value


def _word(value, *words):
    """The full CP keyword an abbreviation stands for (words are in _d_words form: 'DISCONnect')."""
    value = _up(value)
    for word in words:
        short = ''.join(c for c in word if c.isupper())
        if value and word.upper().startswith(value) and len(value) >= len(short):
            return word.upper()
    return None


def _hex4(value):
    return '%04X' % int(value, 16)


def kv_params(call, required=()):
    """The keyword parameters of a keyword-list function, checked as SMAPI
    checks them: 8/3002 unknown keyword, 8/3003 bad value, 8/3004 missing.
    Empty values are left out (they mean "not specified")."""
    layout = layouts.get(call.function)
    kvlist = next(f for f in layout.request if isinstance(f, codec.KVList))
    by_lower = dict((name.lower(), item) for name, item in kvlist.by_name.items())
    out = {}
    for key, value in call.params.items():
        item = kvlist.by_name.get(key) or by_lower.get(str(key).lower())
        if item is None:
            raise Fail(8, 3002)
        try:
            item.check(value, call.function)
        except codec.ValidationError:
            raise Fail(8, 3003) from None
        if value != '':
            out[item.name] = value
    for name in required:
        if not out.get(name):
            raise Fail(8, 3004)
    return out


def _int(value, lo, hi, fail=(8, 3003)):
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Fail(*fail) from None
    if not lo <= number <= hi:
        raise Fail(*fail)
    return number


# -- VLAN sets -------------------------------------------------------------------------------------

def vlan_set(tokens, fail=(8, 3003)):
    """VLAN IDs from tokens such as ['100', '200-210'] (or one blank-separated string)."""
    if isinstance(tokens, str):
        tokens = tokens.split()
    ids = set()
    for token in tokens or []:
        parts = str(token).split('-')
        if len(parts) > 2 or not all(p.isdigit() for p in parts):
            raise Fail(*fail)
        lo, hi = int(parts[0]), int(parts[-1])
        if not 1 <= lo <= hi <= 4094:
            raise Fail(*fail)
        ids.update(range(lo, hi + 1))
    return ids


def vlan_tokens(ids):
    """Sorted, compressed tokens for a set of VLAN IDs: [1, 2, 3, 7] -> ['1-3', '7']."""
    out = []
    for vid in sorted(ids):
        if out and out[-1][1] == vid - 1:
            out[-1][1] = vid
        else:
            out.append([vid, vid])
    return ['%d' % lo if lo == hi else '%d-%d' % (lo, hi) for lo, hi in out]


def _vlan_text(token):
    return '-'.join('%04d' % int(p) for p in str(token).split('-'))


# -- switches ----------------------------------------------------------------------------------------

def load_switch(tx, name):
    """The switch document with every attribute filled in, or None."""
    doc = tx.vswitch(name)
    if doc is None:
        return None
    out = dict(DEFAULTS)
    out.update(dict((k, v) for k, v in doc.items() if v is not None or k not in DEFAULTS))
    rdev = out.get('real_device_address') or ''
    out['real_device_address'] = '' if str(rdev).upper() == 'NONE' else str(rdev).upper()
    out['transport_type'] = _up(out['transport_type']) or 'ETHERNET'
    if out['vlan_aware']:
        out['vlan_id'] = int(out.get('vlan_id') or 1)
        out['native_vlan_id'] = int(out.get('native_vlan_id') or out['vlan_id'])
        out['port_type'] = _up(out.get('port_type')) or 'ACCESS'
    else:
        out['vlan_id'] = out['native_vlan_id'] = 0
        out['port_type'] = None
    return out


def require_switch(tx, name):
    """The switch document, or Fail(212, 40)."""
    sw = load_switch(tx, name)
    if sw is None:
        raise Fail(212, 40)
    return sw


def rdevs(sw):
    """The real device tokens of a switch ('0600', '0610.P1')."""
    return [t for t in (sw.get('real_device_address') or '').split() if t]


def _rdev_base(token):
    return token.split('.')[0]


def _triplet(token):
    base = int(_rdev_base(token), 16)
    return set('%04X' % (base + i) for i in range(3))


def osa_devices(tx):
    """The system's OSA device numbers (config ``network.osa``)."""
    return [_hex4(d) for d in tx.obj('system', 'osa', []) or []]


def parse_rdevs(tx, text, name, fail_syntax=(8, 3003), limit=3):
    """Normalize a real_device_address operand ('600 610', '600.P1', 'NONE')
    and check it: at most ``limit`` devices (3; 8 in a link aggregation
    group), each an OSA of the system (396/40) that no other switch holds
    (396/121)."""
    text = _up(text)
    if text in ('', 'NONE'):
        return ''
    tokens = []
    for token in text.split():
        base, dot, port = token.partition('.')
        if not base or len(base) > 4 or any(c not in '0123456789ABCDEF' for c in base):
            raise Fail(*fail_syntax)
        if dot and (len(port) != 2 or port[0] != 'P' or not port[1].isdigit()):
            raise Fail(*fail_syntax)
        tokens.append(_hex4(base) + (dot + port if dot else ''))
    if len(tokens) > limit:
        raise Fail(*fail_syntax)
    osa = set(osa_devices(tx))
    for token in tokens:
        if _rdev_base(token) not in osa:
            raise Fail(396, RS_RDEV_NOT_OSA)
    mine = set()
    for token in tokens:
        mine |= _triplet(token) & osa
    for other in tx.vswitches():
        if other['name'] == name:
            continue
        held = set()
        for token in rdevs(load_switch(tx, other['name'])):
            held |= _triplet(token)
        if mine & held:
            raise Fail(396, RS_RDEV_IN_USE)
    return ' '.join(tokens)


def switch_status(sw):
    """The manual's switch status code (see the module docstring)."""
    if sw['connection'] == 'DISCONNECT':
        return STATUS_INTERVENTION
    if not rdevs(sw) or sw['connection'] == 'NOUPLINK':
        return STATUS_DEFINED
    return STATUS_READY


def controllers(tx):
    """{switch name: controller user} for the switches connected to real devices."""
    out = {}
    n = 0
    for doc in tx.vswitches():
        sw = load_switch(tx, doc['name'])
        if switch_status(sw) != STATUS_READY:
            continue
        named = _up(sw.get('controller_name'))
        if named and named != '*':
            out[sw['name']] = named
        else:
            out[sw['name']] = BASE_CONTROLLERS[n % len(BASE_CONTROLLERS)]
            n += 1
    return out


def new_switch_mac(tx):
    """A MAC address for a new switch, unique on the system."""
    n = tx.meta('vswitch_mac_counter', 0) + 1
    tx.set_meta('vswitch_mac_counter', n)
    return '%s-%02X-%02X' % (SWITCH_MAC_PREFIX, (n >> 8) & 0xff, n & 0xff)


def grants(tx, name):
    """The access list in the order users were granted."""
    return sorted(tx.grants(name), key=lambda g: g.get('seq', 0))


def coupled_adapters(tx, name):
    """Active NICs coupled to switch ``name`` (their guests are logged on)."""
    return [a for a in tx.adapters() if a.get('coupled') and _up(a.get('lan_owner')) == 'SYSTEM'
            and _up(a.get('lan_name')) == name.upper()]


def uncouple(tx, adapter):
    """Take an active NIC off its switch."""
    adapter = dict(adapter, coupled=False, lan_owner=None, lan_name=None, coupled_at=None)
    tx.put_adapter(adapter)
    return adapter


def _selected(tx, pattern):
    """The switches a query names ('*' for all); 212/40 when there are none."""
    pattern = _up(pattern) or '*'
    if pattern == '*':
        found = [load_switch(tx, d['name']) for d in tx.vswitches()]
    else:
        sw = load_switch(tx, pattern)
        found = [sw] if sw is not None else []
    if not found:
        raise Fail(212, 40)
    return found


# -- grants ------------------------------------------------------------------------------------------

def grant(call, sw, userid, opts, strict=True):
    """Authorize ``userid`` (or change its authorization); ``opts`` may hold
    vlans, port_type, promiscuous, osd_sim and port_num (None: unchanged).
    See the module docstring."""
    tx = call.tx
    userid = _up(userid)
    if (opts.get('vlans') or opts.get('port_type')) and not sw['vlan_aware']:
        raise Fail(396, RS_VLAN_UNAWARE)
    existing = tx.grant(sw['name'], userid)
    if existing is None:
        seq = tx.meta('grant_seq', 0) + 1
        tx.set_meta('grant_seq', seq)
        doc = {'userid': userid, 'vlans': [], 'port_type': None, 'promiscuous': False, 'osd_sim': False,
               'port_num': None, 'seq': seq}
    else:
        doc = dict(existing)
        doc.setdefault('seq', 0)
    new = dict(doc)
    ids = vlan_set(doc.get('vlans') or []) | vlan_set(opts.get('vlans') or [])
    new['vlans'] = vlan_tokens(ids)
    for key in ('port_type', 'promiscuous', 'osd_sim', 'port_num'):
        if opts.get(key) is not None:
            new[key] = opts[key]
    effective_type = new.get('port_type') or sw.get('port_type')
    if effective_type == 'ACCESS' and len(ids) > 1:
        raise Fail(8, 24)
    if existing is not None and new == doc:
        if strict:
            raise Fail(212, 44)
        return new
    if opts.get('port_num') is not None:
        for other in tx.grants(sw['name']):
            if other['userid'] != userid and other.get('port_num') == opts['port_num']:
                raise Fail(8, 24)
    tx.put_grant(sw['name'], new)
    return new


def revoke(call, sw, userid):
    """Remove ``userid`` from the access list and uncouple its NICs (0/0 when not authorized)."""
    tx = call.tx
    userid = _up(userid)
    if tx.grant(sw['name'], userid) is None:
        return
    tx.delete_grant(sw['name'], userid)
    for adapter in coupled_adapters(tx, sw['name']):
        if adapter['userid'] == userid:
            uncouple(tx, adapter)


def _grant_by_port(tx, sw, port_num):
    for g in tx.grants(sw['name']):
        if g.get('port_num') is not None and int(g['port_num']) == port_num:
            return g
    return None


# -- directory entries -------------------------------------------------------------------------------

def _entry_devices(tx, entry, with_nics=True):
    """[(first, count, kind)] of the devices an entry (and its INCLUDEd profile) defines."""
    out = []
    entries = [entry]
    if entry.include:
        records = tx.entry(entry.include, kind='profile')
        if records is not None:
            entries.append(directory.parse(records))
    for ent in entries:
        for st in ent.statements:
            if isinstance(st, directory.Nicdef):
                if with_nics:
                    out.append((int(st.vdev, 16), int(st.devices or 3), 'NIC'))
            elif isinstance(st, directory.Link):
                out.append((int(st.vdev2, 16), 1, 'LINK'))
            elif isinstance(st, (directory.Mdisk, directory.Dedicate, directory.Console, directory.Spool)):
                out.append((int(st.vdev, 16), 1, st.keyword))
    return out


def _overlaps(ranges, first, count):
    return [r for r in ranges if r[0] < first + count and first < r[0] + r[1]]


def _entry_for_write(call, vdev):
    """The target's entry, for a change to device ``vdev``: 400/4 no entry,
    400/12 entry locked by another user, 404/12 device locked by another."""
    _records, ent = load_entry(call, call.target)
    check_not_locked_by_other(call, call.target, vdev)
    return ent


def _write_nic(call, vdev):
    """``(entry, NICDEF)`` for a change to NIC ``vdev`` (404/8 when there is none)."""
    ent = _entry_for_write(call, vdev)
    nic = ent.find_nic(vdev)
    if nic is None:
        raise Fail(404, 8)
    return ent, nic


def _create_nicdef(call, vdev, nic, bad=(8, 3003)):
    """Add a NICDEF; ``nic``: type, devices, chpid and macid (404/4 overlap)."""
    devices = nic['devices']
    vdev = _hex4(vdev)
    ent = _entry_for_write(call, vdev)
    first = int(vdev, 16)
    if first + devices - 1 > 0xFFFF or _overlaps(_entry_devices(call.tx, ent), first, devices):
        raise Fail(404, 4)
    fields = {}
    if devices != 3:
        fields['devices'] = devices
    if nic.get('chpid'):
        fields['chpid'] = nic['chpid'].rjust(2, '0')
    if nic.get('macid'):
        fields['macid'] = nic['macid']
    try:
        ent.add_nic(vdev, nic_type=nic['type'], **fields)
    except ValueError:
        raise Fail(*bad) from None
    save_entry(call, call.target, ent)


# -- the active (CP) side ----------------------------------------------------------------------------

def logged_on(call, not_found=None):
    """The CP document of the target guest: 200/12 when it is not logged on
    (``not_found``, e.g. (200, 4), when it has no directory entry either)."""
    doc = call.tx.cp(call.target)
    if doc is None:
        if not_found and call.tx.entry(call.target) is None:
            raise Fail(*not_found)
        raise Fail(200, 12)
    return doc


def _active_devices(tx, userid):
    """[(first, count, kind)] of a logged-on guest's devices: its NICs and
    the other devices of its directory entry."""
    out = [(int(a['vdev'], 16), int(a.get('devices') or 3), 'NIC', a['vdev']) for a in tx.adapters(userid)]
    records = tx.entry(userid)
    if records is not None:
        out += [r + (None,) for r in _entry_devices(tx, directory.parse(records), with_nics=False)]
    return out


def _create_adapter(call, vdev, nic_type, devices):
    """Define an active NIC (204/4 exists, 204/28 another device, 396/2797 range conflict)."""
    tx = call.tx
    logged_on(call, (200, 4))
    vdev = _hex4(vdev)
    first = int(vdev, 16)
    if first + devices - 1 > 0xFFFF:
        raise Fail(204, 2)
    for start, count, kind, _base in _active_devices(tx, call.target):
        if start <= first < start + count:
            raise Fail(204, 4) if kind == 'NIC' else Fail(204, 28)
    if _overlaps([d[:2] for d in _active_devices(tx, call.target)], first, devices):
        raise Fail(396, RS_NIC_RANGE_IN_USE)
    return cp.activate_nic(tx, call.target, {'vdev': vdev, 'type': nic_type, 'devices': devices})


def _adapter(call, vdev):
    """The active NIC ``vdev`` (204/28 another kind of device, 204/8 nothing there)."""
    vdev = _hex4(vdev)
    adapter = call.tx.adapter(call.target, vdev)
    if adapter is not None:
        return adapter
    first = int(vdev, 16)
    for start, count, _kind, _base in _active_devices(call.tx, call.target):
        if start <= first < start + count:
            raise Fail(204, 28)
    raise Fail(204, 8)


def couple(call, vdev, switch_name, missing=(212, 40)):
    """Couple an active NIC to a switch: 200/12, 204/8, 204/28, ``missing``
    (212/40), 212/28 not a QDIO NIC, 204/20 already coupled, 212/8 not
    authorized."""
    tx = call.tx
    logged_on(call)
    adapter = _adapter(call, vdev)
    sw = load_switch(tx, switch_name)
    if sw is None:
        raise Fail(*missing)
    if adapter.get('type', 'QDIO') != 'QDIO':
        raise Fail(212, 28)
    if adapter.get('coupled'):
        raise Fail(204, 20)
    if tx.grant(sw['name'], call.target) is None:
        raise Fail(212, 8)
    adapter = dict(adapter, coupled=True, lan_owner='SYSTEM', lan_name=sw['name'], coupled_at=call.now)
    tx.put_adapter(adapter)
    return adapter


def adapter_status(tx, adapter):
    """0 not coupled, 1 coupled, 2 coupled and active (a Linux guest uses its NICs)."""
    if not adapter.get('coupled'):
        return 0
    return 2 if cp.guest_os(tx, adapter['userid']) == 'linux' else 1


def _selected_adapters(call, vdev):
    """The target's NICs a query names: '*' (212/8 when it has none) or one (204/8)."""
    logged_on(call, (200, 4))
    vdev = _up(vdev)
    if vdev == '*':
        found = call.tx.adapters(call.target)
        if not found:
            raise Fail(212, 8)
        return found
    return [_adapter(call, vdev)]


# -- traffic counters ----------------------------------------------------------------------------------

def _rate(key, lo, hi):
    return lo + zlib.crc32(key.encode()) % (hi - lo)


def nic_counters(tx, adapter, now):
    """[fr_rx, fr_rx_dsc, fr_rx_err, fr_tx, fr_tx_dsc, fr_tx_err, rx, tx] of a coupled NIC."""
    doc = tx.cp(adapter['userid']) or {}
    since = adapter.get('coupled_at') or doc.get('logon_time') or now
    seconds = max(0.0, now - since)
    key = '%s %s' % (adapter['userid'], adapter['vdev'])
    rx = int(seconds * _rate(key + ' rx', 200, 4000))
    tx_bytes = int(seconds * _rate(key + ' tx', 100, 2500))
    fr_rx, fr_tx = rx // _rate(key + ' frx', 64, 900), tx_bytes // _rate(key + ' ftx', 64, 900)
    return [fr_rx, fr_rx // 20000, 0, fr_tx, fr_tx // 5000, 0, rx, tx_bytes]


def _counter_fields(prefix, values):
    names = ['fr_rx', 'fr_rx_dsc', 'fr_rx_err', 'fr_tx', 'fr_tx_dsc', 'fr_tx_err', 'rx', 'tx']
    return dict((prefix + n, str(v)) for n, v in zip(names, values))


# -- virtual switches: create, delete, set ------------------------------------------------------------

def create_switch(call, name, attrs):
    """Define a switch from normalized attributes (212/36 when it exists)."""
    tx = call.tx
    name = _up(name)
    if tx.vswitch(name) is not None:
        raise Fail(212, 36)
    doc = dict(DEFAULTS)
    doc.update(attrs)
    doc['name'] = name
    doc['real_device_address'] = parse_rdevs(tx, attrs.get('real_device_address'), name,
                                             attrs.pop('_syntax', (8, 3003)))
    if doc['vlan_aware']:
        doc['port_type'] = doc.get('port_type') or 'ACCESS'
        doc['vlan_id'] = doc.get('vlan_id') or 1
        doc['native_vlan_id'] = doc.get('native_vlan_id') or doc['vlan_id']
    doc['mac_address'] = new_switch_mac(tx)
    doc['created'] = call.now
    doc.pop('_syntax', None)
    tx.put_vswitch(doc)
    return doc


def delete_switch(call, name):
    """Remove a switch and its access list; its NICs are uncoupled (212/40)."""
    tx = call.tx
    sw = require_switch(tx, name)
    for adapter in coupled_adapters(tx, sw['name']):
        uncouple(tx, adapter)
    tx.delete_vswitch(sw['name'])


def _store(tx, sw):
    tx.put_vswitch(dict((k, v) for k, v in sw.items()))


def _vlan_id_operand(value):
    """vlan_id of Vswitch_Create_Extended: UNAWARE, AWARE or a default VLAN ID."""
    value = _up(value)
    if value in ('', None):
        return False, 0
    if value == 'UNAWARE':
        return False, 0
    if value == 'AWARE':
        return True, 1
    return True, _int(value, 1, 4094)


# -- handlers: virtual switches ----------------------------------------------------------------------

@handles('Virtual_Network_Vswitch_Create_Extended')
def vswitch_create_extended(call):
    """DEFINE VSWITCH with keyword operands.  8/3002-3004, 212/36 exists,
    396/40 real device not an OSA, 396/121 OSA held by another switch,
    396/2846 VLAN operands for a VLAN UNAWARE switch."""
    p = kv_params(call, required=('switch_name',))
    name = _up(p['switch_name'])
    try:
        validation.vswitch_name(name)
    except ValueError:
        raise Fail(8, 3003) from None
    aware, vid = _vlan_id_operand(p.get('vlan_id'))
    native = _int(p['native_vlanid'], 1, 4094) if p.get('native_vlanid') else None
    if not aware and (p.get('port_type') or native or p.get('gvrp_value')):
        raise Fail(396, RS_VLAN_UNAWARE)
    transport = _word(p.get('transport_type'), 'IP', 'ETHernet') or 'ETHERNET'
    routing = _word(p.get('routing_value'), 'NONrouter', 'PRIrouter') or 'NONROUTER'
    connection = _up(p.get('connection_value'))
    connection = 'NOUPLINK' if connection == 'NOUPLINK' else (
        _word(connection, 'CONnect', 'DISCONnect') or 'CONNECT')
    attrs = {
        'real_device_address': p.get('real_device_address', ''), 'port_name': _up(p.get('port_name')),
        'controller_name': _up(p.get('controller_name')) or '*', 'connection': connection,
        'queue_memory_limit': int(p.get('queue_memory_limit') or 8), 'routing_value': routing,
        'transport_type': transport, 'vlan_aware': aware, 'vlan_id': vid, 'native_vlan_id': native or vid,
        'port_type': _up(p.get('port_type')) or None, 'gvrp': _up(p.get('gvrp_value')) != 'NOGVRP',
        'persist': _up(p.get('persist')) != 'NO', 'switch_type': _up(p.get('vswitch_type')) or 'QDIO',
        'iptimeout': _int(p['iptimeout'], 1, 240) if p.get('iptimeout') else 5,
        'port_selection': _up(p.get('port_selection')) or 'USERBASED',
        'lag_group': _up(p.get('group_name')) or None,
        'vswitch_domain': _up(p.get('vswitch_domain')) or None,
        'vswitch_global': _up(p.get('vswitch_global')) or None,
    }
    create_switch(call, name, attrs)
    return {}


@handles('Virtual_Network_Vswitch_Create')
def vswitch_create(call):
    """DEFINE VSWITCH with binary operands (update indicator 3 changes only
    SYSTEM CONFIG, so no switch appears).  212/36 exists, 396/40, 396/121,
    396/2846 as for the extended form; RC 24 for a bad real device list."""
    p = call.params
    aware = p.get('vlan_id', -1) not in (-1, 0)
    if not aware and (p.get('port_type', 0) or p.get('native_vlanid', -1) not in (-1, 0)
                      or p.get('gvrp_value', 0)):
        raise Fail(396, RS_VLAN_UNAWARE)
    if p.get('update_system_config_indicator', 0) == 3:
        if call.tx.vswitch(call.param('switch_name')) is not None:
            raise Fail(212, 36)
        return {}
    layout = layouts.get(call.function)
    attrs = {
        'real_device_address': p.get('real_device_address', ''),
        '_syntax': (24, layout.parameter_number('real_device_address') * 100 + 19),
        'port_name': _up(p.get('port_name')), 'controller_name': _up(p.get('controller_name')) or '*',
        'connection': {2: 'DISCONNECT'}.get(p.get('connection_value', 0), 'CONNECT'),
        'queue_memory_limit': p.get('queue_memory_limit', -1) if p.get('queue_memory_limit', -1) > 0 else 8,
        'routing_value': 'PRIROUTER' if p.get('routing_value') == 2 else 'NONROUTER',
        'transport_type': 'IP' if p.get('transport_type') == 1 else 'ETHERNET',
        'vlan_aware': aware, 'vlan_id': p.get('vlan_id') if aware else 0,
        'native_vlan_id': p.get('native_vlanid') if aware and p.get('native_vlanid', -1) > 0 else None,
        'port_type': {1: 'ACCESS', 2: 'TRUNK'}.get(p.get('port_type', 0)),
        'gvrp': p.get('gvrp_value', 0) != 2,
        'persist': p.get('update_system_config_indicator', 0) == 2,
    }
    create_switch(call, call.param('switch_name'), attrs)
    return {}


@handles('Virtual_Network_Vswitch_Delete_Extended')
def vswitch_delete_extended(call):
    """DETACH VSWITCH: the switch, its access list and its NICs' couplings
    go.  8/3002-3004, 212/40 no such switch."""
    p = kv_params(call, required=('switch_name',))
    delete_switch(call, p['switch_name'])
    return {}


@handles('Virtual_Network_Vswitch_Delete')
def vswitch_delete(call):
    """DETACH VSWITCH (update indicator 3: SYSTEM CONFIG only, the active
    switch stays).  212/40 no such switch."""
    if call.param('update_system_config_indicator', 0) == 3:
        require_switch(call.tx, call.param('switch_name'))
        return {}
    delete_switch(call, call.param('switch_name'))
    return {}


def _set_common(call, sw, p):
    """Switch-level SET VSWITCH operands shared by both Set functions (already normalized)."""
    tx = call.tx
    if p.get('real_device_address') is not None:
        sw['real_device_address'] = parse_rdevs(tx, p['real_device_address'], sw['name'], p['_syntax'],
                                                p.get('_limit', 3))
    for key in ('port_name', 'controller_name', 'queue_memory_limit', 'routing_value', 'connection'):
        if p.get(key) is not None:
            sw[key] = p[key]
    if p.get('gvrp') is not None:
        if not sw['vlan_aware']:
            raise Fail(396, RS_VLAN_UNAWARE)
        sw['gvrp'] = p['gvrp']
    if p.get('mac_id'):
        macid = p['mac_id'].rjust(6, '0')
        sw['mac_address'] = cp.mac_from_macid(macid)
    if p.get('switch_port_type'):
        if not sw['vlan_aware']:
            raise Fail(396, RS_VLAN_UNAWARE)
        sw['port_type'] = p['switch_port_type']


@handles('Virtual_Network_Vswitch_Set_Extended')
def vswitch_set_extended(call):
    """SET VSWITCH with keyword operands: grant_userid (with user_vlan_id,
    port_type, promiscuous, osd_sim), revoke_userid, portnum / portnum_modify
    / portnum_remove, vlan_port_add / vlan_port_remove / vlan_delete, and
    the switch attributes.  8/3002-3004, 8/24 conflicting operands, 212/40,
    212/44 already authorized alike, 396/2846 VLAN operand on an UNAWARE
    switch, 396/3040 port number not defined, 396/40 and 396/121 for real
    devices.  Revoking a user who is not authorized answers 0/0."""
    tx = call.tx
    p = kv_params(call, required=('switch_name',))
    sw = require_switch(tx, p['switch_name'])
    grant_user, revoke_user = _up(p.get('grant_userid')), _up(p.get('revoke_userid'))
    port_ops = [k for k in ('portnum', 'portnum_modify', 'portnum_remove') if p.get(k)]
    user_ops = len(port_ops) + bool(grant_user) + bool(revoke_user)
    if user_ops > 1:
        raise Fail(8, 24)
    user_port_type = _up(p.get('port_type')) or None
    user_opts = {'vlans': p.get('user_vlan_id'), 'promiscuous': _yes(p.get('promiscuous')),
                 'osd_sim': _yes(p.get('osd_sim')), 'port_type': user_port_type}
    takes_user_opts = grant_user or p.get('portnum') or p.get('portnum_modify')
    if not takes_user_opts and (p.get('user_vlan_id') or p.get('promiscuous') or p.get('osd_sim')):
        raise Fail(8, 24)
    if p.get('user_vlan_id'):
        vlan_set(p['user_vlan_id'])
    common = {
        'real_device_address': p.get('real_device_address'), '_syntax': (8, 3003),
        'port_name': _up(p.get('port_name')) or None, 'controller_name': _up(p.get('controller_name')) or None,
        'connection': _word(p.get('connection_value'), 'CONnect', 'DISCONnect'),
        'queue_memory_limit': int(p['queue_memory_limit']) if p.get('queue_memory_limit') else None,
        'routing_value': _word(p.get('routing_value'), 'NONrouter', 'PRIrouter'),
        'gvrp': (_up(p['gvrp_value']) == 'GVRP') if p.get('gvrp_value') else None,
        'mac_id': _up(p.get('mac_id')),
        'switch_port_type': None if takes_user_opts else user_port_type,
    }
    if p.get('group_rdev'):
        common['real_device_address'], common['_limit'] = p['group_rdev'], 8
        sw['lag_group'] = sw.get('lag_group') or sw['name']
    _set_common(call, sw, common)
    _set_options(sw, p)
    _store(tx, sw)
    if grant_user:
        grant(call, sw, grant_user, user_opts)
    elif revoke_user:
        revoke(call, sw, revoke_user)
    elif port_ops:
        _port_operation(call, sw, p, port_ops[0], user_opts)
    _vlan_operations(call, sw, p)
    return {}


def _yes(value):
    value = _up(value)
    return None if not value else value == 'YES'


def _on(value):
    value = _up(value)
    return None if not value else value == 'ON'


def _set_options(sw, p):
    """The plain switch settings of Set_Extended (stored as given)."""
    mac_protect = {'ON': 'MACPROTECT', 'OFF': 'NOMACPROTECT'}
    convert = {
        'persist': ('persist', _yes), 'uplink': ('uplink', _yes), 'port_isolation': ('isolation', _on),
        'vlan_counters': ('vlan_counters', _on), 'vepa': ('vepa', _on),
        'mac_protect': ('mac_protect', lambda v: mac_protect.get(_up(v), 'UNSPECIFIED')),
        'iptimeout': ('iptimeout', lambda v: _int(v, 1, 240)),
        'interval': ('lag_interval', lambda v: _int(v, 0, 9999)),
        'lacp': ('lacp', _up), 'lacp_group_type': ('lacp_group_type', _up),
        'trace_size': ('trace_size', lambda v: _int(v, 1, 9999)),
        'ivl_vlanid': ('ivl_vlanid', lambda v: _int(v, 1, 4094)),
        'ivl_heartbeat': ('ivl_heartbeat', lambda v: _int(v, 1, 9999)),
    }
    for key, (attr, conv) in convert.items():
        if p.get(key):
            sw[attr] = conv(p[key])
    if p.get('nic_userid') or p.get('nic_vdev'):
        if not (p.get('nic_userid') and p.get('nic_vdev')):
            raise Fail(8, 24)
        sw['uplink_nic_userid'], sw['uplink_nic_vdev'] = _up(p['nic_userid']), _hex4(p['nic_vdev'])
        sw['nic_portselection'] = _up(p.get('nic_portselection')) or 'AUTO'


def _port_number(text):
    return _int(text, 1, 65535)


def _port_operation(call, sw, p, op, user_opts):
    """PORTNUMBER nnn USERID user / MODIFY nnn / REMOVE nnn (396/3040 no such port)."""
    tx = call.tx
    if op == 'portnum':
        words = p['portnum'].split()
        if len(words) != 2:
            raise Fail(8, 3003)
        grant(call, sw, words[1], dict(user_opts, port_num=_port_number(words[0])))
        return
    number = _port_number(p[op])
    existing = _grant_by_port(tx, sw, number)
    if existing is None:
        raise Fail(396, RS_PORT_NOT_DEFINED)
    if op == 'portnum_remove':
        revoke(call, sw, existing['userid'])
    else:
        grant(call, sw, existing['userid'], user_opts)


def _vlan_operations(call, sw, p):
    """VLAN_port_add / VLAN_port_remove 'portnum vlanset' and VLAN_delete vid."""
    tx = call.tx
    for key in ('vlan_port_add', 'vlan_port_remove'):
        if not p.get(key):
            continue
        if not sw['vlan_aware']:
            raise Fail(396, RS_VLAN_UNAWARE)
        words = p[key].split()
        if len(words) < 2:
            raise Fail(8, 3003)
        existing = _grant_by_port(tx, sw, _port_number(words[0]))
        if existing is None:
            raise Fail(396, RS_PORT_NOT_DEFINED)
        ids = vlan_set(existing.get('vlans') or [])
        change = vlan_set(words[1:])
        ids = ids | change if key == 'vlan_port_add' else ids - change
        tx.put_grant(sw['name'], dict(existing, vlans=vlan_tokens(ids)))
    if p.get('vlan_delete'):
        if not sw['vlan_aware']:
            raise Fail(396, RS_VLAN_UNAWARE)
        gone = vlan_set(p['vlan_delete'])
        for g in tx.grants(sw['name']):
            ids = vlan_set(g.get('vlans') or [])
            if ids & gone:
                tx.put_grant(sw['name'], dict(g, vlans=vlan_tokens(ids - gone)))


@handles('Virtual_Network_Vswitch_Set')
def vswitch_set(call):
    """SET VSWITCH with binary operands: grant_userid (with user_vlan_id and
    port_type), revoke_userid and the switch attributes; update indicator 3
    changes only SYSTEM CONFIG.  212/40 no such switch, 396/2846 VLAN
    operand on an UNAWARE switch, 396/40, 396/121.  Granting a user who is
    already authorized alike is accepted silently (no 212/44 in this
    function's codes)."""
    tx = call.tx
    p = call.params
    sw = require_switch(tx, p.get('switch_name'))
    if p.get('update_system_config_indicator', 0) == 3:
        return {}
    layout = layouts.get(call.function)
    grant_user, revoke_user = _up(p.get('grant_userid')), _up(p.get('revoke_userid'))
    if grant_user and revoke_user:
        raise Fail(24, layout.parameter_number('revoke_userid') * 100 + 25)
    vlan_syntax = (24, layout.parameter_number('user_vlan_id') * 100 + 19)
    if p.get('user_vlan_id'):
        vlan_set(p['user_vlan_id'], vlan_syntax)
    port_type = {1: 'ACCESS', 2: 'TRUNK'}.get(p.get('port_type', 0))
    common = {
        'real_device_address': p.get('real_device_address') or None,
        '_syntax': (24, layout.parameter_number('real_device_address') * 100 + 19),
        'port_name': _up(p.get('port_name')) or None, 'controller_name': _up(p.get('controller_name')) or None,
        'connection': {1: 'CONNECT', 2: 'DISCONNECT'}.get(p.get('connection_value', 0)),
        'queue_memory_limit': p.get('queue_memory_limit') if p.get('queue_memory_limit', -1) > 0 else None,
        'routing_value': {1: 'NONROUTER', 2: 'PRIROUTER'}.get(p.get('routing_value', 0)),
        'gvrp': {1: True, 2: False}.get(p.get('gvrp_value', 0)),
        'mac_id': _up(p.get('mac_id')),
        'switch_port_type': None if grant_user else port_type,
    }
    _set_common(call, sw, common)
    _store(tx, sw)
    if grant_user:
        grant(call, sw, grant_user, {'vlans': p.get('user_vlan_id') or None, 'port_type': port_type},
              strict=False)
    elif revoke_user:
        revoke(call, sw, revoke_user)
    return {}


# -- handlers: switch queries ------------------------------------------------------------------------

def _real_devices(sw, ctl):
    """[(rdev, vdev, controller, port name, device status)] of a switch."""
    names = (sw.get('port_name') or '').split()
    tokens = rdevs(sw)
    connected = switch_status(sw) == STATUS_READY
    out = []
    if not tokens:
        return [('0000', '0000', None, name, 0) for name in names]
    for i, token in enumerate(tokens):
        name = names[i] if i < len(names) else None
        if connected:
            out.append((_rdev_base(token), '%04X' % (0x600 + 3 * i), ctl.get(sw['name']), name, 1))
        else:
            out.append((_rdev_base(token), '0000', None, name, 0))
    return out


def _mac_int(mac):
    return int((mac or '0').replace('-', '').replace(':', ''), 16)


@handles('Virtual_Network_Vswitch_Query')
def vswitch_query(call):
    """QUERY VSWITCH in binary records: attributes, real devices, access
    list (VLAN IDs expanded) and coupled NICs.  212/40 when no switch
    matches (also for '*' on a system without switches)."""
    tx = call.tx
    ctl = controllers(tx)
    out = []
    for sw in _selected(tx, call.param('switch_name')):
        aware = sw['vlan_aware']
        out.append({
            'switch_name': sw['name'],
            'transport_type': 1 if sw['transport_type'] == 'IP' else 2,
            'port_type': {'ACCESS': 1, 'TRUNK': 2}.get(sw['port_type'], 0),
            'queue_memory_limit': int(sw['queue_memory_limit']),
            'routing_value': 2 if sw['routing_value'] == 'PRIROUTER' else 1,
            'vlan_id': sw['vlan_id'], 'native_vlan_id': sw['native_vlan_id'],
            'mac_id': _mac_int(sw.get('mac_address')),
            'gvrp_request_attribute': 1 if aware and sw['gvrp'] else 2,
            'gvrp_enabled_attribute': 2,
            'switch_status': switch_status(sw),
            'real_device_array': [
                {'real_device_address': int(rdev, 16), 'controller_name': (controller or '').ljust(8),
                 'port_name': (name or '').ljust(8), 'device_status': status, 'device_error_status': 0}
                for rdev, _vdev, controller, name, status in _real_devices(sw, ctl)],
            'authorized_user_array': [
                {'grant_userid': g['userid'].ljust(8),
                 'vlan_array': [{'user_vlan_id': v} for v in sorted(vlan_set(g.get('vlans') or []))]}
                for g in grants(tx, sw['name'])],
            'connected_adapter_array': [
                {'adapter_owner': a['userid'].ljust(8), 'image_device_number': a['vdev']}
                for a in coupled_adapters(tx, sw['name'])],
        })
    return {'vswitch_array': out}


def _lag(sw):
    if not sw.get('lag_group'):
        return 'LAG:', '0', '(NOGRP)'
    text = 'LAG:-GROUP'
    if sw.get('lacp') == 'ACTIVE':
        text += '-LACP'
    if sw.get('lacp_group_type'):
        text += '-' + sw['lacp_group_type']
    return text, str(sw.get('lag_interval') or 300), sw['lag_group']


@handles('Virtual_Network_Vswitch_Query_Extended')
def vswitch_query_extended(call):
    """QUERY VSWITCH DETAILS as text records (the captured format): the
    attribute record, real devices, authorized users with their VLAN counts
    and IDs, coupled NICs of logged-on guests with their MAC addresses, the
    uplink NIC and global members.  8/3002-3004, 212/40 no such switch."""
    tx = call.tx
    p = kv_params(call, required=('switch_name',))
    ctl = controllers(tx)
    out = []
    for sw in _selected(tx, p['switch_name']):
        aware = sw['vlan_aware']
        link_ag, interval, group = _lag(sw)
        rec = {
            'switch_name': sw['name'], 'transport_type': sw['transport_type'],
            'port_type': sw['port_type'] if aware else 'NONE',
            'queue_memory_limit': str(sw['queue_memory_limit']),
            'routing_value': sw['routing_value'] if sw['transport_type'] == 'IP' else 'NA',
            'vlan_awareness': 'AWARE' if aware else 'UNAWARE',
            'vlan_id': '%05d' % sw['vlan_id'], 'native_vlan_id': '%05d' % sw['native_vlan_id'],
            'mac_address': sw.get('mac_address') or '02-00-00-00-00-00',
            'gvrp_request_attribute': 'GVRP' if aware and sw['gvrp'] else 'NOGVRP',
            'gvrp_enabled_attribute': 'NOGVRP', 'switch_status': str(switch_status(sw)),
            'link_ag': link_ag, 'lag_interval': interval, 'lag_group': group,
            'ip_timeout': str(sw['iptimeout']), 'switch_type': sw['switch_type'],
            'isolation_status': 'ISOLATION' if sw['isolation'] else 'NOISOLATION',
            'mac_protect': sw['mac_protect'], 'user_port_based': sw['port_selection'],
            'vlan_counters': 'COUNTERS' if sw['vlan_counters'] else 'NOCOUNTERS',
            'vepa_status': 'ON' if sw['vepa'] else 'OFF', 'spg_scope': '(NONE)',
        }
        rec['real_device_info_array'] = [
            {'real_device_address': rdev, 'virtual_device_address': vdev,
             'controller_name': controller or '(NONE)', 'port_name': name or '(NONE)',
             'device_status': str(status), 'device_error_status': '0'}
            for rdev, vdev, controller, name, status in _real_devices(sw, ctl)]
        users = []
        for g in grants(tx, sw['name']):
            tokens = [_vlan_text(t) for t in g.get('vlans') or []]
            users.append({'port_num': '%04d' % int(g.get('port_num') or 0), 'grant_userid': g['userid'],
                          'promiscuous_mode': 'PROM' if g.get('promiscuous') else 'NOPROM',
                          'osd_sim': 'OSDSIM' if g.get('osd_sim') else 'NOOSDSIM',
                          'vlan_count': str(len(tokens)), 'vlan_ids': tokens})
        rec['authorized_user_array'] = users
        rec['connected_adapter_array'] = [
            {'adapter_owner': a['userid'], 'adapter_vdev': a['vdev'], 'adapter_macaddr': a['mac'],
             'adapter_type': a.get('type') or 'QDIO'}
            for a in coupled_adapters(tx, sw['name'])]
        rec['uplink_nic_array'] = []
        if sw.get('uplink_nic_userid') and sw.get('uplink') is not False:
            rec['uplink_nic_array'] = [{'uplink_nic_userid': sw['uplink_nic_userid'],
                                        'uplink_nic_vdev': sw['uplink_nic_vdev'], 'uplink_nic_error_status': '0'}]
        rec['global_member_array'] = []
        out.append(rec)
    return {'vswitch_array': out}


@handles('Virtual_Network_Vswitch_Query_Byte_Stats')
def vswitch_query_byte_stats(call):
    """Byte and frame counters per switch: one uplink per real device
    (counting while the switch is connected), the bridge port (zeros), the
    coupled NICs ("USERID VDEV"; they grow with the time coupled) and no
    VLAN rows.  8/3002 unknown keyword; a name that matches no switch gives
    an empty list."""
    tx = call.tx
    p = kv_params(call, required=('switch_name',))
    pattern = _up(p['switch_name'])
    names = [d['name'] for d in tx.vswitches() if pattern in ('*', d['name'])]
    return {'vswitch_array': [_byte_stats(tx, load_switch(tx, name), call.now) for name in names]}


def _byte_stats(tx, sw, now):
    """One switch's Byte_Stats record."""
    nics = []
    totals = [0] * 8
    for adapter in coupled_adapters(tx, sw['name']):
        values = nic_counters(tx, adapter, now)
        totals = [a + b for a, b in zip(totals, values)]
        nic = {'nic_id': '%s %s' % (adapter['userid'], adapter['vdev'])}
        nic.update(_counter_fields('nic_', values))
        nics.append(nic)
    uplinks = []
    live = switch_status(sw) == STATUS_READY
    # the uplink carries what the NICs send (its rx) and receive (its tx)
    carried = [totals[3], totals[4], totals[5], totals[0], totals[1], totals[2], totals[7], totals[6]]
    for i, token in enumerate(rdevs(sw)):
        up = {'uplink_conn': _rdev_base(token)}
        up.update(_counter_fields('uplink_', carried if live and i == 0 else [0] * 8))
        uplinks.append(up)
    rec = {'switch_name': sw['name'], 'uplink_array': uplinks}
    rec.update(_counter_fields('bridge_', [0] * 8))
    rec['nic_array'] = nics
    rec['vlan_array'] = []
    return rec


@handles('Virtual_Network_Vswitch_Query_Stats')
def vswitch_query_stats(call):
    """Per-switch VLAN segment statistics: the switches are listed with no
    segments (the capture of a disconnected switch shows none).
    8/3002-3004, 212/40 no such switch."""
    p = kv_params(call, required=('switch_name',))
    if p.get('fmt_version'):
        _int(p['fmt_version'], 1, 99)
    return {'vswitch_array': [{'switch_name': sw['name'], 'segment_array': []}
                              for sw in _selected(call.tx, p['switch_name'])]}


@handles('Virtual_Network_VLAN_Query_Stats')
def vlan_query_stats(call):
    """VLAN counters of a guest's coupled NICs: one "NIC vdev port" record
    each with one segment for the NIC's VLAN (0 when untagged).  PORT
    records (real OSA ports) are not modelled.  8/3002-3004, 8/3003 a bad
    VLAN ID, 212/48 when no NIC uses the VLAN asked for."""
    tx = call.tx
    p = kv_params(call, required=('userid',))
    wanted = _int(p['vlan_id'], 0, 4094) if p.get('vlan_id') else None
    device = _up(p.get('device')) or 'BOTH'
    out = []
    if device in ('NIC', 'BOTH'):
        for adapter in tx.adapters(_up(p['userid'])):
            if not adapter.get('coupled'):
                continue
            vid = int(str(adapter.get('vlan') or '0').split()[0].split('-')[0])
            if wanted is not None and vid != wanted:
                continue
            values = nic_counters(tx, adapter, call.now)
            port = 0x800 + zlib.crc32(('%s %s' % (adapter['userid'], adapter['vdev'])).encode()) % 0x800
            out.append({'type': 'NIC', 'port_nic_id': adapter['vdev'], 'port_nic_num': str(port),
                        'pseg_array': [{'pseg_vlanid': str(vid), 'pseg_rx': str(values[0]),
                                        'pseg_rx_disc': str(values[1]), 'pseg_tx': str(values[3]),
                                        'pseg_tx_disc': str(values[4])}]})
    if wanted is not None and not out:
        raise Fail(212, 48)
    return {'port_nic_array': out}


@handles('Virtual_Network_OSA_Query')
def osa_query(call):
    """The system's OSA devices (config ``network.osa``): "ATTACHED" + the
    controller user for devices of a connected switch (the captured,
    unblanked form), else FREE.  4/4 when the system has no OSA."""
    tx = call.tx
    devices = osa_devices(tx)
    if not devices:
        return Result(4, 4)
    ctl = controllers(tx)
    attached = {}
    for name, controller in ctl.items():
        for token in rdevs(load_switch(tx, name)):
            for dev in _triplet(token):
                attached[dev] = controller
    out = []
    for dev in sorted(devices, key=lambda d: int(d, 16)):
        status = 'ATTACHED' + attached[dev] if dev in attached else 'FREE'
        out.append({'osa_address': dev, 'osa_status': status, 'osa_type': 'OSA', 'chpid_address': dev[:2],
                    'agent_status': 'NO'})
    return {'osa_info_array': out}


# -- handlers: NICs in the directory -------------------------------------------------------------------

@handles('Virtual_Network_Adapter_Create_DM')
def adapter_create_dm(call):
    """Add ``NICDEF vdev TYPE QDIO|HIPERSOCKETS [DEVICES n] [CHPID xx]
    [MACID xxxxxx]``.  400/4 no entry, 400/12 entry locked, 404/12 device
    locked, 404/4 vdev..vdev+n-1 overlaps a device of the entry (or its
    profile).  (The layout's own checks give RC 24 for an adapter type or
    device count out of range.)"""
    layout = layouts.get(call.function)
    nic = {'type': NIC_TYPES[call.param('adapter_type')], 'devices': int(call.param('network_adapter_devices', 3)),
           'chpid': _up(call.param('channel_path_id')) or None,
           'macid': _up(call.param('mac_id')).rjust(6, '0') if call.param('mac_id') else None}
    _create_nicdef(call, call.param('image_device_number'), nic,
                   bad=(24, layout.parameter_number('mac_id') * 100 + 19))
    return {}


def _kv_nic_type(value):
    value = _up(value)
    if value.startswith('HIPER'):
        return 'HIPERSOCKETS'
    return value


@handles('Virtual_Network_Adapter_Create_Extended_DM')
def adapter_create_extended_dm(call):
    """Add a NICDEF from keyword operands (adapter_type, devices,
    channel_path_id, mac_id).  8/3002-3004, 400/4, 400/12, 404/12, 404/4."""
    p = kv_params(call, required=('image_device_number', 'adapter_type'))
    nic = {'type': _kv_nic_type(p['adapter_type']),
           'devices': _int(p['devices'], 3, 3072) if p.get('devices') else 3,
           'chpid': _up(p.get('channel_path_id')) or None,
           'macid': _up(p.get('mac_id')).rjust(6, '0') if p.get('mac_id') else None}
    _create_nicdef(call, p['image_device_number'], nic)
    return {}


@handles('Virtual_Network_Adapter_Delete_DM')
def adapter_delete_dm(call):
    """Remove a NICDEF (all its records).  400/4, 400/12, 404/12, 404/8 not defined."""
    vdev = _hex4(call.param('image_device_number'))
    ent, _nic = _write_nic(call, vdev)
    ent.remove_nic(vdev)
    save_entry(call, call.target, ent)
    return {}


def _connect_dm(call, lan_owner, lan_name):
    vdev = _hex4(call.param('image_device_number'))
    ent, nic = _write_nic(call, vdev)
    if lan_owner == 'SYSTEM' and (nic.type or 'QDIO') != 'QDIO':
        raise Fail(412, 28)
    if nic.lan_owner != lan_owner or nic.lan_name != lan_name:
        ent.update_nic(vdev, lan_owner=lan_owner, lan_name=lan_name)
        save_entry(call, call.target, ent)


@handles('Virtual_Network_Adapter_Connect_Vswitch_DM')
def adapter_connect_vswitch_dm(call):
    """Put ``LAN SYSTEM switch`` on the NICDEF.  400/4, 400/12, 404/12,
    404/8 no such NICDEF, 412/28 not a QDIO NIC, 212/40 no such switch (the
    simulator checks the switch so the directory stays consistent)."""
    sw = require_switch(call.tx, call.param('switch_name'))
    _connect_dm(call, 'SYSTEM', sw['name'])
    return {}


@handles('Virtual_Network_Adapter_Connect_LAN_DM')
def adapter_connect_lan_dm(call):
    """Put ``LAN owner name`` on the NICDEF (DirMaint does not check that
    the LAN exists).  400/4, 400/12, 404/12, 404/8, 412/28."""
    _connect_dm(call, _up(call.param('lan_owner')), _up(call.param('lan_name')))
    return {}


@handles('Virtual_Network_Adapter_Disconnect_DM')
def adapter_disconnect_dm(call):
    """Take the LAN (and its VLAN and port settings) off the NICDEF.  400/4,
    400/12, 404/12, 404/8 no such NICDEF, 212/32 not connected."""
    vdev = _hex4(call.param('image_device_number'))
    ent, nic = _write_nic(call, vdev)
    if not nic.lan_name:
        raise Fail(212, 32)
    ent.update_nic(vdev, lan_owner=None, lan_name=None, vlan=None, port_type=None, port_number=None)
    save_entry(call, call.target, ent)
    return {}


# -- handlers: active NICs -----------------------------------------------------------------------------

@handles('Virtual_Network_Adapter_Create')
def adapter_create(call):
    """DEFINE NIC on a logged-on guest (MAC generated).  200/4 no such
    guest, 200/12 not logged on, 204/4 NIC exists, 204/28 the vdev is
    another device, 396/2797 the device range runs into another device."""
    _create_adapter(call, call.param('image_device_number'), NIC_TYPES[call.param('adapter_type')],
                    int(call.param('network_adapter_devices', 3)))
    return {}


@handles('Virtual_Network_Adapter_Create_Extended')
def adapter_create_extended(call):
    """DEFINE NIC from keyword operands.  8/3002-3004, 200/4, 200/12, 204/4,
    204/28, 204/2 range past FFFF, 396/2797."""
    p = kv_params(call, required=('image_device_number', 'adapter_type'))
    devices = _int(p['devices'], 3, 3072) if p.get('devices') else 3
    _create_adapter(call, p['image_device_number'], _kv_nic_type(p['adapter_type']), devices)
    return {}


@handles('Virtual_Network_Adapter_Delete')
def adapter_delete(call):
    """DETACH NIC (uncoupling it).  200/4, 200/12, 204/8 no such device,
    204/28 the vdev is not a NIC."""
    logged_on(call, (200, 4))
    adapter = _adapter(call, call.param('image_device_number'))
    call.tx.delete_adapter(call.target, adapter['vdev'])
    return {}


@handles('Virtual_Network_Adapter_Connect_Vswitch')
def adapter_connect_vswitch(call):
    """COUPLE vdev TO SYSTEM switch.  200/12 not logged on, 204/8, 204/28,
    212/40 no such switch, 212/28 not a QDIO NIC, 204/20 already coupled,
    212/8 guest not authorized."""
    couple(call, call.param('image_device_number'), call.param('switch_name'))
    return {}


@handles('Virtual_Network_Adapter_Connect_Vswitch_Extended')
def adapter_connect_vswitch_extended(call):
    """COUPLE from keyword operands (port_selection is accepted).
    8/3002-3004 and the codes of Virtual_Network_Adapter_Connect_Vswitch."""
    p = kv_params(call, required=('image_device_number', 'switch_name'))
    couple(call, p['image_device_number'], p['switch_name'])
    return {}


@handles('Virtual_Network_Adapter_Connect_LAN')
def adapter_connect_lan(call):
    """COUPLE vdev TO owner name: owner SYSTEM couples to a virtual switch;
    guest LANs are not modelled.  200/12, 204/8, 204/28, 212/12 LAN does not
    exist, 212/28, 212/8 not authorized; 204/20 when already coupled."""
    if _up(call.param('lan_owner')) != 'SYSTEM':
        logged_on(call)
        _adapter(call, call.param('image_device_number'))
        raise Fail(212, 12)
    couple(call, call.param('image_device_number'), call.param('lan_name'), missing=(212, 12))
    return {}


@handles('Virtual_Network_Adapter_Disconnect')
def adapter_disconnect(call):
    """UNCOUPLE vdev.  200/12, 204/8, 204/28, 204/48 already uncoupled."""
    logged_on(call)
    adapter = _adapter(call, call.param('image_device_number'))
    if not adapter.get('coupled'):
        raise Fail(204, 48)
    uncouple(call.tx, adapter)
    return {}


@handles('Virtual_Network_Adapter_Query')
def adapter_query(call):
    """QUERY NIC in binary records: type (1 HiperSockets, 2 QDIO), device
    count, status (0 not coupled, 1 coupled, 2 coupled and active) and the
    LAN, blank-padded to 8 when coupled.  200/4, 200/12, 204/8 no such NIC,
    212/8 the guest has no NIC ('*')."""
    tx = call.tx
    out = []
    for adapter in _selected_adapters(call, call.param('image_device_number')):
        status = adapter_status(tx, adapter)
        out.append({'image_device_number': adapter['vdev'],
                    'adapter_type': NIC_TYPE_CODES.get(adapter.get('type') or 'QDIO', 2),
                    'network_adapter_devices': int(adapter.get('devices') or 3),
                    'adapter_status': status,
                    'lan_owner': (adapter.get('lan_owner') or '').ljust(8) if status else '',
                    'lan_name': (adapter.get('lan_name') or '').ljust(8) if status else ''})
    return {'adapter_array': out}


@handles('Virtual_Network_Adapter_Query_Extended')
def adapter_query_extended(call):
    """QUERY NIC DETAILS as keyword records (adapter_address, port_type,
    adapter_type, network_device_count, adapter_status 00/01/02, lan_owner
    and lan_name when coupled, device_options, router_status, and the MAC
    records of a coupled NIC).  8/3004 no device number, 200/4, 200/12,
    204/8, 212/8 as for Virtual_Network_Adapter_Query."""
    tx = call.tx
    p = kv_params(call, required=('image_device_number',))
    out = []
    for adapter in _selected_adapters(call, p['image_device_number']):
        status = adapter_status(tx, adapter)
        rec = {'adapter_address': adapter['vdev']}
        port_type = '0'
        if status:
            sw = load_switch(tx, adapter.get('lan_name') or '')
            g = tx.grant(adapter['lan_name'], adapter['userid']) if sw else None
            effective = ((g or {}).get('port_type') or (sw or {}).get('port_type')) if sw and sw['vlan_aware'] \
                else None
            port_type = {'ACCESS': '1', 'TRUNK': '2'}.get(effective, '0')
        rec.update({'port_type': port_type, 'extended_port_status': '00',
                    'adapter_type': '%d' % NIC_TYPE_CODES.get(adapter.get('type') or 'QDIO', 2),
                    'network_device_count': str(int(adapter.get('devices') or 3)),
                    'adapter_status': '%02d' % status})
        if status:
            rec['lan_owner'] = adapter.get('lan_owner') or ''
            rec['lan_name'] = adapter.get('lan_name') or ''
        rec['device_options'] = 'C1000000' if status else '00000000'
        rec['router_status'] = '00'
        if status:
            rec['mac_array'] = [{'mac_address': adapter['mac'].replace('-', ''), 'mac_address_type': '00',
                                 'mac_status': '00'}]
        out.append(rec)
    return {'adapter_array': out}
