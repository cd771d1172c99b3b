# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""FCP devices: the system's FCP subchannels and who has them attached.

The config's ``fcp`` section (seeded into the ``objects`` table as
``('system', 'fcp')``) lists the devices and the storage they reach::

    fcp:
      devices:
        - {dev: '1A00', npiv_wwpn: C05076FFFF000100, physical_wwpn: C05076FFFF005000, chpid: '50'}
        - {dev: '1C00', ..., offline: true}
      targets:
        - {wwpn: 500507680B21AC40, luns: ['4001400000000000'], lun_size: 20G}

A device is attached to at most one logged-on guest, as CP attaches a
real device: the guest's CP document keeps ``fcp: {vdev: rdev}``.  A guest
gets its DEDICATE statements of known, online, unattached FCP devices when
it logs on (``attach_directory_fcps``, called by ``cp.log_on``) and loses
them when it logs off (its CP document goes).  DEDICATE statements of
devices that are not FCP devices of the config are left alone (not
modelled).  A directory DEDICATE of a logged-off guest does not make a
device busy: System_WWPN_Query shows only CP's view (inferred: the query
reports CP's state; IBM's cloud connector keeps its own database of
directory dedications for that reason).
"""

import hashlib
import re

from ansible_collections.zvm.cloud.plugins.module_utils import units

# System_WWPN_Query dev_status (as pysmapi reads it): 1 active (attached), 2 free, 3 offline
ACTIVE, FREE, OFFLINE = '1', '2', '3'
_HEX16 = re.compile(r'^[0-9A-F]{16}$')


def _dev(value):
    return '%04X' % int(str(value), 16)


def devices(tx):
    """``{DEV: {dev, npiv_wwpn, physical_wwpn, chpid, offline}}`` of the
    system's FCP devices (``npiv_wwpn`` None without NPIV)."""
    section = tx.obj('system', 'fcp', {}) or {}
    out = {}
    for item in section.get('devices') or []:
        dev = _dev(item['dev'])
        npiv = str(item.get('npiv_wwpn') or item.get('wwpn') or '').upper() or None
        chpid = str(item.get('chpid') or '00').upper().zfill(2)
        physical = str(item.get('physical_wwpn') or ('C05076FFFF00%s00' % chpid)).upper()
        out[dev] = {'dev': dev, 'npiv_wwpn': npiv, 'physical_wwpn': physical, 'chpid': chpid,
                    'offline': bool(item.get('offline'))}
    return out


def check_config(section):
    """Problems of a config's ``fcp`` section (a list of messages)."""
    problems = []
    seen = set()
    for item in (section or {}).get('devices') or []:
        try:
            dev = _dev(item['dev'])
        except (KeyError, TypeError, ValueError):
            problems.append('fcp device %r: dev must be 1-4 hex digits' % (item,))
            continue
        if dev in seen:
            problems.append('fcp device %s is listed twice' % dev)
        seen.add(dev)
        for key in ('npiv_wwpn', 'wwpn', 'physical_wwpn'):
            if item.get(key) and not _HEX16.match(str(item[key]).upper()):
                problems.append('fcp device %s: %s must be 16 hex digits' % (dev, key))
        if not re.match(r'^[0-9A-Fa-f]{1,2}$', str(item.get('chpid') or '')):
            problems.append('fcp device %s: chpid must be 2 hex digits' % dev)
    for target in (section or {}).get('targets') or []:
        if not _HEX16.match(str(target.get('wwpn') or '').upper()):
            problems.append('fcp target %r: wwpn must be 16 hex digits' % (target.get('wwpn'),))
        for lun in target.get('luns') or []:
            if not _HEX16.match(str(lun).upper()):
                problems.append('fcp target %s: lun %r must be 16 hex digits' % (target.get('wwpn'), lun))
    return problems


def attachments(tx):
    """``{RDEV: (userid, vdev)}``: the FCP devices attached to logged-on guests."""
    out = {}
    for userid, doc in tx.cp_all().items():
        for vdev, rdev in (doc.get('fcp') or {}).items():
            out[rdev] = (userid, vdev)
    return out


def guest_fcps(tx, userid):
    """``{vdev: rdev}`` of a logged-on guest (None when it is not logged on)."""
    doc = tx.cp(userid)
    if doc is None:
        return None
    return dict(doc.get('fcp') or {})


def attach(tx, userid, vdev, rdev):
    doc = tx.cp(userid)
    fcps = dict(doc.get('fcp') or {})
    fcps[vdev] = rdev
    doc['fcp'] = fcps
    tx.put_cp(userid, doc)


def detach(tx, userid, vdev):
    doc = tx.cp(userid)
    fcps = dict(doc.get('fcp') or {})
    fcps.pop(vdev, None)
    doc['fcp'] = fcps
    tx.put_cp(userid, doc)


def attach_directory_fcps(tx, userid, entry):
    """For ``cp.log_on``: attach the FCP devices the entry's DEDICATE
    statements name, when they exist, are online and nobody has them
    (CP's logon attaches what it can and reports the rest)."""
    if entry is None or tx.cp(userid) is None:
        return
    known = devices(tx)
    busy = attachments(tx)
    for ded in entry.dedicates:
        rdev = str(ded.rdev or '').upper()
        dev = known.get(rdev)
        if dev is None or dev['offline'] or rdev in busy:
            continue
        attach(tx, userid, ded.vdev, rdev)
        busy[rdev] = (userid, ded.vdev)


def wwpn_records(tx, with_owner):
    """System_WWPN_Query records, in device order."""
    busy = attachments(tx)
    out = []
    for dev, info in sorted(devices(tx).items()):
        owner = busy.get(dev, (None, None))[0]
        status = OFFLINE if info['offline'] else (ACTIVE if owner else FREE)
        record = {'fcp_dev_id': dev, 'npiv_wwpn': info['npiv_wwpn'] or 'NONE', 'chpid': info['chpid'],
                  'perm_wwpn': info['physical_wwpn'], 'dev_status': status}
        if with_owner:
            record['owner'] = owner or 'NONE'
        out.append(record)
    return out


def _lun_size_bytes(text):
    try:
        return units.parse_memory(str(text or '10G'))
    except ValueError:
        return 10 << 30


def free_luns(tx, dev):
    """System_FCP_Free_Query records of ``dev``: every LUN of every target
    the device reaches (a target's ``chpids``, if given, limit that), as
    ``fcp_dev;wwpn;lun;uuid;vendor;prod;model;serial;code;blk_size;diskblks;lun_size``
    fields.  No LUN is ever an EDEVICE of the simulated system, so all are free."""
    info = devices(tx)[dev]
    section = tx.obj('system', 'fcp', {}) or {}
    out = []
    for target in section.get('targets') or []:
        chpids = [str(c).upper().zfill(2) for c in target.get('chpids') or []]
        if chpids and info['chpid'] not in chpids:
            continue
        wwpn = str(target['wwpn']).upper()
        size = _lun_size_bytes(target.get('lun_size'))
        for lun in target.get('luns') or []:
            lun = str(lun).upper()
            digest = hashlib.sha256(('%s:%s' % (wwpn, lun)).encode('ascii')).hexdigest().upper()
            out.append({'fcp_dev': dev, 'wwpn': wwpn, 'lun': lun, 'uuid': '6005076' + digest[:25],
                        'vendor': 'IBM', 'prod': '2145', 'model': '0000', 'serial': str(int(digest[:6], 16) % 10 ** 8),
                        'code': '0000', 'blk_size': '512', 'diskblks': str(size // 512), 'lun_size': str(size)})
    return out
