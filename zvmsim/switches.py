# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# pylint: disable=consider-using-f-string
"""Virtual switches as the network handler families share them: the switch
documents, their real devices, defining and deleting them, their access
lists (grants), the NICs coupled to them and their traffic counters.

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
    device and the two after it (the OSA triplet).

    Real devices are checked when they are set: 396/40 (HCP040E device does
    not exist) for a real device that is not an OSA of the system, 396/121
    (HCP121E already attached) for an OSA another switch holds (inferred, no
    source gives them).  VLAN settings on a VLAN UNAWARE switch answer
    396/2846 (IBM's client names it).

Grants (``grant``, ``revoke``)
    Reading of the manual and SET VSWITCH GRANT: granting a user who is
    already authorized changes that user's entry: the VLAN IDs given are
    added to the user's VLAN set, and a port type, promiscuous or OSDSIM
    setting given replaces the old one; a grant that changes nothing answers
    212/44 (user already authorized).  An ACCESS port ends up with at most
    one VLAN, else 8/24 (conflicting parameters).  Revoking a user who is
    not authorized answers 0/0: the captures revoke GT@PING twice in a row
    and both answer 0/0.  A revoke uncouples the user's NICs from the
    switch.  The older Virtual_Network_Vswitch_Set (whose return codes do
    not include 212/44) re-grants silently (``strict=False``).

Counters (``nic_counters``)
    A coupled NIC's traffic grows with the time it has been coupled (or its
    guest logged on), at a steady rate per NIC, so monitoring has something
    to show.
"""

import zlib

from zvmsim.handlers import Fail
from zvmsim.params import hex4, upcase

# CP message numbers returned as RC 396 reasons (see the module docstring)
RS_RDEV_NOT_OSA = 40
RS_RDEV_IN_USE = 121
RS_VLAN_UNAWARE = 2846

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


# -- switches --------------------------------------------------------------------------------------

def load_switch(tx, name):
    """The switch document with every attribute filled in, or None."""
    doc = tx.vswitch(name)
    if doc is None:
        return None
    out = dict(DEFAULTS)
    out.update(dict((k, v) for k, v in doc.items() if v is not None or k not in DEFAULTS))
    rdev = out.get('real_device_address') or ''
    out['real_device_address'] = '' if str(rdev).upper() == 'NONE' else str(rdev).upper()
    out['transport_type'] = upcase(out['transport_type']) or 'ETHERNET'
    if out['vlan_aware']:
        out['vlan_id'] = int(out.get('vlan_id') or 1)
        out['native_vlan_id'] = int(out.get('native_vlan_id') or out['vlan_id'])
        out['port_type'] = upcase(out.get('port_type')) or 'ACCESS'
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


def rdev_base(token):
    """The device number of a real device token ('0610.P1' -> '0610')."""
    return token.split('.')[0]


def triplet(token):
    """The three device numbers an OSA token holds (its device and the two after it)."""
    base = int(rdev_base(token), 16)
    return set('%04X' % (base + i) for i in range(3))


def osa_devices(tx):
    """The system's OSA device numbers (config ``network.osa``)."""
    return [hex4(d) for d in tx.obj('system', 'osa', []) or []]


def parse_rdevs(tx, text, name, fail_syntax=(8, 3003), limit=3):
    """Normalize a real_device_address operand ('600 610', '600.P1', 'NONE')
    and check it: at most ``limit`` devices (3; 8 in a link aggregation
    group), each an OSA of the system (396/40) that no other switch holds
    (396/121)."""
    text = upcase(text)
    if text in ('', 'NONE'):
        return ''
    tokens = []
    for token in text.split():
        base, dot, port = token.partition('.')
        if not base or len(base) > 4 or any(c not in '0123456789ABCDEF' for c in base):
            raise Fail(*fail_syntax)
        if dot and (len(port) != 2 or port[0] != 'P' or not port[1].isdigit()):
            raise Fail(*fail_syntax)
        tokens.append(hex4(base) + (dot + port if dot else ''))
    if len(tokens) > limit:
        raise Fail(*fail_syntax)
    osa = set(osa_devices(tx))
    for token in tokens:
        if rdev_base(token) not in osa:
            raise Fail(396, RS_RDEV_NOT_OSA)
    mine = set()
    for token in tokens:
        mine |= triplet(token) & osa
    for other in tx.vswitches():
        if other['name'] == name:
            continue
        held = set()
        for token in rdevs(load_switch(tx, other['name'])):
            held |= triplet(token)
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
        named = upcase(sw.get('controller_name'))
        if named and named != '*':
            out[sw['name']] = named
        else:
            out[sw['name']] = BASE_CONTROLLERS[n % len(BASE_CONTROLLERS)]
            n += 1
    return out


def grants(tx, name):
    """The access list in the order users were granted."""
    return sorted(tx.grants(name), key=lambda g: g.get('seq', 0))


def coupled_adapters(tx, name):
    """Active NICs coupled to switch ``name`` (their guests are logged on)."""
    return [a for a in tx.adapters() if a.get('coupled') and upcase(a.get('lan_owner')) == 'SYSTEM'
            and upcase(a.get('lan_name')) == name.upper()]


def uncouple(tx, adapter):
    """Take an active NIC off its switch."""
    adapter = dict(adapter, coupled=False, lan_owner=None, lan_name=None, coupled_at=None)
    tx.put_adapter(adapter)
    return adapter


# -- defining and deleting switches ----------------------------------------------------------------

def new_switch_mac(tx):
    """A MAC address for a new switch, unique on the system."""
    n = tx.meta('vswitch_mac_counter', 0) + 1
    tx.set_meta('vswitch_mac_counter', n)
    return '%s-%02X-%02X' % (SWITCH_MAC_PREFIX, (n >> 8) & 0xff, n & 0xff)


def create_switch(call, name, attrs):
    """Define a switch from normalized attributes (212/36 when it exists)."""
    tx = call.tx
    name = upcase(name)
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


# -- grants ----------------------------------------------------------------------------------------

def grant(call, sw, userid, opts, strict=True):
    """Authorize ``userid`` (or change its authorization); ``opts`` may hold
    vlans, port_type, promiscuous, osd_sim and port_num (None: unchanged).
    See the module docstring."""
    tx = call.tx
    userid = upcase(userid)
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
    userid = upcase(userid)
    if tx.grant(sw['name'], userid) is None:
        return
    tx.delete_grant(sw['name'], userid)
    for adapter in coupled_adapters(tx, sw['name']):
        if adapter['userid'] == userid:
            uncouple(tx, adapter)


# -- traffic counters ------------------------------------------------------------------------------

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
