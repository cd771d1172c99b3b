# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fill a new state database from the system config, and generate guests
in bulk for scale tests (``python -m zvmsim seed --guests 1000``)."""

from ansible_collections.zvm.cloud.plugins.module_utils import directory

from zvmsim import cp
from zvmsim.dasd import allocate


def volume_doc(vol, groups):
    volid = str(vol['volid']).upper()
    devtype = str(vol['devtype'])
    return {
        'volid': volid,
        'devtype': devtype,
        'unit': 'CYL' if devtype == '3390' else 'BLK',
        'size': int(vol['cylinders'] if devtype == '3390' else vol['blocks']),
        'rdev': str(vol.get('rdev') or '').upper(),
        'region': str(vol.get('region') or volid).upper(),
        'groups': sorted(g.upper() for g, members in groups.items() if volid in [str(m).upper() for m in members]),
        'system': bool(vol.get('system')),
    }


def register_extents(tx, userid, entry):
    """Record the extents of an entry's MDISKs that sit on known volumes."""
    for mdisk in entry.mdisks:
        d = mdisk.to_dict()
        if d.get('type') != 'perm' or not d.get('volser') or d.get('start') is None:
            continue
        if tx.volume(d['volser']) is None:
            continue
        tx.add_extent(d['volser'], int(d['start']), int(d['size']), userid, d['vdev'])


def seed(tx, config):
    groups = config.get('groups') or {}
    for vol in config.get('dasd') or []:
        tx.put_volume(volume_doc(vol, groups))
    for name, records in (config.get('profiles') or {}).items():
        tx.put_entry(name, records, kind='profile')
    for name, records in (config.get('prototypes') or {}).items():
        tx.put_entry(name, records, kind='prototype')
    for name, members in (config.get('name_lists') or {}).items():
        tx.put_obj('namelist', name.upper(), [m.upper() for m in members])
    net = config.get('network') or {}
    tx.put_obj('system', 'osa', [str(d).upper() for d in net.get('osa') or []])
    for n, sw in enumerate(net.get('vswitches') or []):
        doc = dict(sw)
        doc['name'] = sw['name'].upper()
        grants = doc.pop('grants', []) or []
        doc.setdefault('mac_address', '02-00-00-00-00-%02X' % (n + 1))
        tx.put_vswitch(doc)
        for userid in grants:
            tx.put_grant(doc['name'], {'userid': str(userid).upper(), 'vlans': [], 'port_type': None,
                                       'promiscuous': False})
    fcp = config.get('fcp') or {}
    tx.put_obj('system', 'fcp', fcp)
    for guest in config.get('guests') or []:
        userid = str(guest['userid']).upper()
        records = tx.put_entry(userid, guest['records'])
        tx.put_obj('guest', userid, {'os': guest.get('os', 'cms')})
        register_extents(tx, userid, directory.parse(records))
        if str(guest.get('state', 'off')).lower() in ('on', 'true', 'logged_on'):
            cp.log_on(tx, userid)
    if tx.meta('ipl_time') is None:
        tx.set_meta('ipl_time', tx.now)     # the simulated system's IPL: its first start
    tx.set_meta('seeded', True)


def generate_guests(tx, count, prefix='LNX', logged_on=0.5):
    """Add ``count`` Linux guests PREFIX0001... with a NIC and, while the
    pools have room, a small minidisk.  Returns how many were added."""
    made = 0
    width = max(4, len(str(count)))
    every = int(round(1 / logged_on)) if logged_on > 0 else 0
    for n in range(1, count + 1):
        userid = ('%s%0*d' % (prefix, width, n))[:8].upper()
        if tx.entry(userid) is not None:
            continue
        records = ['USER %s LBYONLY 2G 4G G' % userid, 'INCLUDE IBMDFLT', 'CPU 00 BASE', 'IPL 0100',
                   'MACHINE ESA 2', 'NICDEF 1000 TYPE QDIO LAN SYSTEM VSW1']
        extent = allocate(tx, 'AUTOG', 'POOL1', 20, '3390')
        if extent is not None:
            records.append('MDISK 0100 3390 %04d %04d %s MR' % (extent['start'], extent['size'], extent['volid']))
        tx.put_entry(userid, records)
        tx.put_obj('guest', userid, {'os': 'linux'})
        if extent is not None:
            tx.add_extent(extent['volid'], extent['start'], extent['size'], userid, '0100')
        if every and n % every == 0:
            cp.log_on(tx, userid)
        made += 1
    return made
