# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The CP side of a guest: logging on and off, and its active devices.

A logged-on guest has a ``cp`` document::

    {'state': 'disconnected', 'logon_time': 1700000000.0, 'paused': False,
     'cpus': 2, 'storage_kb': 4194304, 'cpu_used_us': 0,
     'stopping': None or {'signalled': t, 'deadline': t, 'os_down': t},
     'due': None or the next time something happens by itself}

When it logs on, its NICDEFs become active adapters (coupled to their
vswitch when the vswitch exists and grants the guest), its minidisks
become active devices and the FCP devices of its DEDICATE statements are
attached when free (``fcp.attach_directory_fcps``), as CP does from the
directory.
"""

from ansible_collections.zvm.cloud.plugins.module_utils import directory, units

from zvmsim.dasd import attach_directory_disks
from zvmsim.fcp import attach_directory_fcps

MAC_PREFIX = '02-00-00'
# share of one CPU a running guest is simulated to use (for performance data)
CPU_SHARE = 0.05


def entry(tx, userid):
    records = tx.entry(userid)
    return directory.parse(records) if records is not None else None


def guest_os(tx, userid):
    return (tx.obj('guest', userid.upper(), {}) or {}).get('os', 'cms')


def _next_mac(tx):
    n = tx.meta('mac_counter', 0x100) + 1
    tx.set_meta('mac_counter', n)
    return '%s-%02X-%02X-%02X' % (MAC_PREFIX, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff)


def mac_from_macid(macid):
    macid = macid.upper().rjust(6, '0')
    return '%s-%s-%s-%s' % (MAC_PREFIX, macid[0:2], macid[2:4], macid[4:6])


def may_couple(tx, userid, switch):
    """CP couples a NIC to a vswitch only if the switch exists and grants
    the guest access."""
    if not switch or tx.vswitch(switch) is None:
        return False
    return tx.grant(switch, userid) is not None


def activate_nic(tx, userid, nic):
    """Create the active adapter for a NICDEF (a dict from Nicdef.to_dict())."""
    vdev = nic['vdev']
    switch = nic.get('vswitch')
    mac = mac_from_macid(nic['macid']) if nic.get('macid') else _next_mac(tx)
    adapter = {
        'userid': userid.upper(), 'vdev': vdev, 'type': nic.get('type') or 'QDIO',
        'devices': int(nic.get('devices') or 3), 'mac': mac,
        'lan_owner': 'SYSTEM' if switch else nic.get('lan_owner'),
        'lan_name': switch or nic.get('lan_name'),
        'vlan': nic.get('vlan'), 'port_type': nic.get('port_type'),
        'coupled': may_couple(tx, userid, switch) if switch else False,
    }
    tx.put_adapter(adapter)
    return adapter


def log_on(tx, userid, now=None):
    """Log a guest on (disconnected), as Image_Activate does."""
    now = tx.now if now is None else now
    userid = userid.upper()
    ent = entry(tx, userid)
    cpus = len(ent.cpus) or 1 if ent is not None else 1
    storage_kb = 0
    if ent is not None and ent.storage:
        try:
            storage_kb = units.parse_memory(ent.storage) // 1024
        except ValueError:
            storage_kb = 0
    tx.put_cp(userid, {'state': 'disconnected', 'logon_time': now, 'paused': False, 'cpus': cpus,
                       'storage_kb': storage_kb, 'cpu_used_us': 0, 'stopping': None, 'due': None})
    if ent is not None:
        for nic in ent.nics:
            activate_nic(tx, userid, nic.to_dict())
    attach_directory_disks(tx, userid)
    attach_directory_fcps(tx, userid, ent)
    return tx.cp(userid)


def log_off(tx, userid):
    tx.delete_cp(userid)


def cpu_used_us(doc, now):
    """CPU time grows while the guest runs and is not paused."""
    used = doc.get('cpu_used_us', 0)
    if not doc.get('paused'):
        used += int(max(0.0, now - doc.get('running_since', doc['logon_time'])) * 1e6 * CPU_SHARE * doc.get('cpus', 1))
    return used


def settle(tx, now, userid, doc):
    """Finish a soft stop whose time has come: the OS went down, or the
    force time ran out."""
    stopping = doc.get('stopping')
    if not stopping:
        return
    if now >= min(stopping.get('os_down', stopping['deadline']), stopping['deadline']):
        log_off(tx, userid)
