# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# pylint: disable=consider-using-f-string
"""Virtual_Network_Adapter_*: guests' NICs, in the directory (the _DM
functions: NICDEF statements) and active (CP DEFINE, DETACH, COUPLE,
UNCOUPLE and QUERY NIC).

The directory's NICDEF statements and the active NICs (the ``adapters``
table, see ``zvmsim/cp.py`` and ``zvmsim/switches.py``) are independent
until the guest logs on, as on z/VM: the _DM functions change only the
directory, the others only CP.

Return codes (besides the layout's RC 24 checks)
    Keyword-list functions answer 8/3002 for an unknown keyword, 8/3003 for
    a bad value and 8/3004 for a missing required keyword.  212/40 switch
    does not exist, 212/8 NIC owner not authorized to couple, 204/20 NIC
    already coupled, 204/48 already uncoupled, 204/8 / 404/8 device not
    defined (active / directory), 204/4 / 404/4 device already defined,
    204/28 the vdev is another kind of device, 200/4 / 400/4 no directory
    entry, 200/12 guest not logged on, 400/12 / 404/12 entry / device
    locked by another user, 212/28 and 412/28 NIC type cannot couple to a
    switch, 212/32 directory NIC not connected (IBM's own client tolerates
    it on Virtual_Network_Adapter_Disconnect_DM), 212/12 guest LAN does not
    exist (guest LANs are not modelled), 212/8 no adapter (Adapter_Query of
    '*' on a guest without NICs).  396/2797 for a NIC whose device range
    runs into another device (inferred, no source gives it; IBM's client
    treats 396/2797 as a device conflict).
"""

from ansible_collections.zvm.cloud.plugins.module_utils import directory
from ansible_collections.zvm.cloud.plugins.module_utils.smapi import layouts

from zvmsim import cp
from zvmsim.dirmaint import check_not_locked_by_other, device_conflict, load_entry, profile_entry, save_entry
from zvmsim.handlers import Fail, handles
from zvmsim.params import hex4, int_in_range, kv_params, upcase
from zvmsim.switches import load_switch, require_switch, uncouple

# CP message number returned as an RC 396 reason (see the module docstring)
RS_NIC_RANGE_IN_USE = 2797

NIC_TYPES = {1: 'HIPERSOCKETS', 2: 'QDIO', 3: 'IEDN', 4: 'INMN'}
NIC_TYPE_CODES = {'HIPERSOCKETS': 1, 'QDIO': 2, 'IEDN': 2, 'INMN': 2}


# -- directory entries -------------------------------------------------------------------------------

def _entry_devices(tx, entry):
    """[(first, count, description)] of the devices other than NICs that an
    entry (and its INCLUDEd profile) defines."""
    out = []
    for ent in (entry, profile_entry(tx, entry)):
        if ent is not None:
            out += directory.device_ranges(st for st in ent.statements if not isinstance(st, directory.Nicdef))
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
    vdev = hex4(vdev)
    ent = _entry_for_write(call, vdev)
    first = int(vdev, 16)
    if first + devices - 1 > 0xFFFF or device_conflict(call.tx, ent, vdev, devices) is not None:
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
    """[(first, count, kind, base)] of a logged-on guest's devices: its NICs
    (kind 'NIC') and the other devices of its directory entry (kind: the
    directory model's description of the device)."""
    out = [(int(a['vdev'], 16), int(a.get('devices') or 3), 'NIC', a['vdev']) for a in tx.adapters(userid)]
    records = tx.entry(userid)
    if records is not None:
        out += [r + (None,) for r in _entry_devices(tx, directory.parse(records))]
    return out


def _create_adapter(call, vdev, nic_type, devices):
    """Define an active NIC (204/4 exists, 204/28 another device, 396/2797 range conflict)."""
    tx = call.tx
    logged_on(call, (200, 4))
    vdev = hex4(vdev)
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
    vdev = hex4(vdev)
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
    vdev = upcase(vdev)
    if vdev == '*':
        found = call.tx.adapters(call.target)
        if not found:
            raise Fail(212, 8)
        return found
    return [_adapter(call, vdev)]


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
           'chpid': upcase(call.param('channel_path_id')) or None,
           'macid': upcase(call.param('mac_id')).rjust(6, '0') if call.param('mac_id') else None}
    _create_nicdef(call, call.param('image_device_number'), nic,
                   bad=(24, layout.parameter_number('mac_id') * 100 + 19))
    return {}


def _kv_nic_type(value):
    value = upcase(value)
    if value.startswith('HIPER'):
        return 'HIPERSOCKETS'
    return value


@handles('Virtual_Network_Adapter_Create_Extended_DM')
def adapter_create_extended_dm(call):
    """Add a NICDEF from keyword operands (adapter_type, devices,
    channel_path_id, mac_id).  8/3002-3004, 400/4, 400/12, 404/12, 404/4."""
    p = kv_params(call, required=('image_device_number', 'adapter_type'))
    nic = {'type': _kv_nic_type(p['adapter_type']),
           'devices': int_in_range(p['devices'], 3, 3072) if p.get('devices') else 3,
           'chpid': upcase(p.get('channel_path_id')) or None,
           'macid': upcase(p.get('mac_id')).rjust(6, '0') if p.get('mac_id') else None}
    _create_nicdef(call, p['image_device_number'], nic)
    return {}


@handles('Virtual_Network_Adapter_Delete_DM')
def adapter_delete_dm(call):
    """Remove a NICDEF (all its records).  400/4, 400/12, 404/12, 404/8 not defined."""
    vdev = hex4(call.param('image_device_number'))
    ent, _nic = _write_nic(call, vdev)
    ent.remove_nic(vdev)
    save_entry(call, call.target, ent)
    return {}


def _connect_dm(call, lan_owner, lan_name):
    vdev = hex4(call.param('image_device_number'))
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
    _connect_dm(call, upcase(call.param('lan_owner')), upcase(call.param('lan_name')))
    return {}


@handles('Virtual_Network_Adapter_Disconnect_DM')
def adapter_disconnect_dm(call):
    """Take the LAN (and its VLAN and port settings) off the NICDEF.  400/4,
    400/12, 404/12, 404/8 no such NICDEF, 212/32 not connected."""
    vdev = hex4(call.param('image_device_number'))
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
    devices = int_in_range(p['devices'], 3, 3072) if p.get('devices') else 3
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
    if upcase(call.param('lan_owner')) != 'SYSTEM':
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
