# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An FCP volume of a guest, declared against what the directory, CP and
the records say (no I/O).

``request(connection_info, guest=None, volume=None)`` reads a volume
request in any of the shapes the reference SDK takes (see ``KEYS``) and
checks every value.  ``attach_plan`` and ``detach_plan`` compare it with

- ``entry``: the guest's directory entry (its DEDICATE statements and its
  ``* ZVMCLOUD VOLUME`` records, ``directory.records``);
- ``devices``: the system's FCP devices (``operations.fcp.wwpn_query``);
- ``claims``: every DEDICATE in the directory (``operations.fcp.directory_claims``);
- ``logged_on``: whether the guest runs;

and list the steps: FCP devices to dedicate in the directory
(``dedicate_dm``) and on the running guest (``dedicate``), the script to
punch, the records to write; for a detach the reverse, where an FCP device
is undedicated only when no other volume of the guest uses it.

Rules
    - The FCP devices are dedicated at the same device number (vdev = rdev),
      as the reference does.
    - A device must exist, be online and belong to nobody else: neither
      attached to another running guest nor named by a DEDICATE of another
      entry; its device number must be free in the guest's entry.
    - Given several devices, no two may share a CHPID (they would not be
      separate paths).  With ``fcp_candidates`` and ``fcp_count``, the
      devices are taken from the candidates: the guest's own first, then
      free ones, one per CHPID, in the order given.
    - An attach never removes a path of a recorded volume; it adds the
      missing ones.  Its mount point cannot change (detach it first).
    - ``is_root_volume``: the devices are dedicated and the volume recorded,
      but no script is punched (the guest boots from the volume).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zvm.cloud.plugins.module_utils import validation
from ansible_collections.zvm.cloud.plugins.module_utils.directory import records
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.volumes import values

# connection_info keys: ours first, then the reference implementation's, then its documented ones
KEYS = {
    'userid': ('userid', 'assigner_id'),
    'fcps': ('fcp_devices', 'zvm_fcp', 'fcps', 'dedicate'),
    'wwpns': ('wwpns', 'target_wwpn'),
    'lun': ('lun', 'target_lun'),
    'mount_point': ('mount_point', 'alias'),
    'os_version': ('os_version',),
    'multipath': ('multipath',),
    'is_root_volume': ('is_root_volume',),
    'do_rollback': ('do_rollback', 'is_rollback_in_failure'),
    'candidates': ('fcp_candidates',),
    'count': ('fcp_count',),
    'active': ('active',),
}


def _pick(info, names):
    for name in names:
        if info.get(name) not in (None, '', []):
            return info[name]
    return None


def request(connection_info, guest=None, volume=None, detach=False):
    """The checked request: ``{userid, fcps, candidates, count, wwpns, lun,
    mount_point, os_version, multipath, is_root_volume, do_rollback,
    active}`` (``active`` False: leave the running guest alone).

    ``connection_info`` holds the keys of ``KEYS``; the documented older
    shape splits them: ``guest`` ``{'name', 'os_type'}``, ``volume``
    ``{'lun', 'type', 'size'}`` and ``connection_info`` ``{'alias',
    'protocol', 'fcps', 'wwpns', 'dedicate'}``.  A detach needs neither the
    FCP devices nor the mount point (the records have them)."""
    if not isinstance(connection_info, dict):
        raise InputError('connection_info: expected a dict, got %s' % type(connection_info).__name__)
    info = dict(connection_info)
    for source, names in ((guest, (('name', 'userid'), ('os_type', 'os_version'))),
                          (volume, (('lun', 'lun'),))):
        if source is None:
            continue
        if not isinstance(source, dict):
            raise InputError('expected a dict for guest and volume, got %s' % type(source).__name__)
        for key, target in names:
            if source.get(key) not in (None, '') and info.get(target) in (None, ''):
                info[target] = source[key]
    for field in ('protocol', 'type'):
        for source in (info, volume or {}):
            if source.get(field) not in (None, '') and str(source[field]).lower() not in ('fc', 'fcp'):
                raise InputError('%s: %r is not supported: only fc (FCP) volumes are' % (field, source[field]))
    out = {}
    userid = _pick(info, KEYS['userid'])
    if userid is None:
        raise InputError('assigner_id: the guest is required')
    out['userid'] = validation.userid(userid, 'assigner_id')
    fcps = _pick(info, KEYS['fcps'])
    out['fcps'] = values.listed(fcps, 'zvm_fcp', values.fcp_device) if fcps is not None else None
    candidates = _pick(info, KEYS['candidates'])
    out['candidates'] = (values.listed(candidates, 'fcp_candidates', values.fcp_device)
                         if candidates is not None else None)
    count = _pick(info, KEYS['count'])
    out['count'] = validation.ascii_number(count, 'fcp_count', 1, 8, 'a number of paths') if count is not None else None
    if out['fcps'] is not None and (out['candidates'] is not None):
        raise InputError('zvm_fcp and fcp_candidates are mutually exclusive: name the devices, or let them be '
                         'taken from candidates')
    if out['candidates'] is not None and out['count'] is None:
        out['count'] = min(2, len(out['candidates']))
    if out['count'] is not None and out['candidates'] is None:
        raise InputError('fcp_count needs fcp_candidates: the devices to take them from')
    if out['fcps'] is None and out['candidates'] is None and not detach:
        raise InputError('zvm_fcp: the FCP devices are required (or fcp_candidates and fcp_count)')
    wwpns = _pick(info, KEYS['wwpns'])
    if wwpns is None:
        raise InputError('target_wwpn: the target WWPNs are required')
    out['wwpns'] = values.listed(wwpns, 'target_wwpn', values.wwpn)
    lun = _pick(info, KEYS['lun'])
    if lun is None:
        raise InputError('target_lun: the LUN is required')
    out['lun'] = values.lun(lun, 'target_lun')
    out['is_root_volume'] = values.flag(info.get('is_root_volume', False), 'is_root_volume')
    mount = _pick(info, KEYS['mount_point'])
    if mount is None and not (detach or out['is_root_volume']):
        raise InputError('mount_point: required for a volume the guest mounts (such as /dev/data01)')
    out['mount_point'] = values.mount_point(mount) if mount is not None else None
    os_version = _pick(info, KEYS['os_version'])
    out['os_version'] = values.os_version(os_version) if os_version is not None else None
    multipath = info.get('multipath')
    out['multipath'] = values.flag(multipath, 'multipath') if multipath is not None else None
    rollback = _pick(info, KEYS['do_rollback'])
    out['do_rollback'] = values.flag(rollback, 'do_rollback') if rollback is not None else True
    active = info.get('active')
    out['active'] = values.flag(active, 'active') if active is not None else True
    return out


# -- checks against the system ------------------------------------------------------------------------

def _owner_problem(userid, fcp, devices, claims):
    """Why ``fcp`` cannot be this guest's, or None."""
    if devices is not None:
        dev = devices.get(fcp)
        if dev is None:
            return 'FCP device %s does not exist' % fcp
        if dev['status'] == 'offline':
            return 'FCP device %s is offline' % fcp
        if dev['owner'] not in (None, userid):
            return 'FCP device %s is attached to guest %s' % (fcp, dev['owner'])
    others = sorted(set(owner for owner, _vdev in (claims or {}).get(fcp, []) if owner != userid))
    if others:
        return 'FCP device %s is dedicated to %s in the directory' % (fcp, ', '.join(others))
    return None


def _vdev_problem(entry, fcp):
    ded = entry.find_dedicate(fcp)
    if ded is not None:
        return None if (ded.rdev or '').upper() == fcp else (
            'device %s of %s is a DEDICATE of real device %s' % (fcp, entry.userid, ded.rdev))
    conflict = entry.device_conflict(fcp)
    return None if conflict is None else 'device number %s of %s is taken by %s' % (fcp, entry.userid, conflict)


def _chpid_problem(fcps, devices):
    if devices is None or len(fcps) < 2:
        return None
    seen = {}
    for fcp in fcps:
        chpid = (devices.get(fcp) or {}).get('chpid')
        if chpid is not None and chpid in seen:
            return ('FCP devices %s and %s share CHPID %s: give devices on different CHPIDs, or one device'
                    % (seen[chpid], fcp, chpid))
        seen[chpid] = fcp
    return None


def choose(req, entry, devices, claims, keep=()):
    """The FCP devices of a candidates request: ``keep`` (the volume's own)
    first, then the guest's own dedicated candidates, then free candidates,
    one per CHPID, ``req['count']`` in all."""
    userid = req['userid']
    chosen = list(keep)
    chpids = set((devices.get(f) or {}).get('chpid') for f in chosen)
    mine = [f for f in req['candidates'] if entry.find_dedicate(f) is not None]
    for fcp in mine + [f for f in req['candidates'] if f not in mine]:
        if len(chosen) >= req['count']:
            break
        if fcp in chosen or _owner_problem(userid, fcp, devices, claims) or _vdev_problem(entry, fcp):
            continue
        chpid = devices[fcp]['chpid']
        if chpid in chpids:
            continue
        chosen.append(fcp)
        chpids.add(chpid)
    if len(chosen) < req['count']:
        raise InputError('fcp_candidates: only %d of the %d FCP devices asked for are free on different CHPIDs '
                         '(%s taken)' % (len(chosen), req['count'], ', '.join(chosen) or 'none'))
    return chosen


# -- plans ---------------------------------------------------------------------------------------------

def _by_fcp(devices):
    return None if devices is None else dict((d['fcp'], d) for d in devices)


def converged_attach(req, entry):
    """The recorded volume when ``entry`` already has the volume as
    requested (records and DEDICATE statements), else None: the one-read
    check before anything else is read."""
    recorded = records.volumes(entry)
    found = records.find(recorded, req['lun'], req['wwpns'])
    if found is None or set(req['wwpns']) - set(found.wwpns):
        return None
    if req['fcps'] is not None and set(req['fcps']) - set(found.fcps):
        return None
    if req['candidates'] is not None and len(found.fcps) < req['count']:
        return None
    if any(entry.find_dedicate(f) is None for f in found.fcps):
        return None
    for key in ('mount_point', 'os_version', 'multipath'):
        if req[key] is not None and req[key] != getattr(found, key):
            return None
    if req['is_root_volume'] != found.is_root_volume:
        return None
    return found


def attach_plan(req, entry, devices=None, claims=None, logged_on=False):
    """What makes ``entry`` (and the running guest) have the volume:
    ``{volume, existing, dedicate_dm, dedicate, script, record, changed}``.
    InputError when the request cannot be met (nothing has been done)."""
    userid = req['userid']
    by_fcp = _by_fcp(devices)
    recorded = records.volumes(entry)
    existing = records.find(recorded, req['lun'], req['wwpns'])
    if existing is not None and req['mount_point'] is not None and existing.mount_point != req['mount_point']:
        raise InputError('mount_point: LUN %s is attached to %s as %s; detach it first to change that'
                         % (req['lun'], userid, existing.mount_point))
    for other in recorded:
        if other is not existing and req['mount_point'] and other.mount_point == req['mount_point']:
            raise InputError('mount_point: %s of %s already names LUN %s' % (req['mount_point'], userid, other.lun))
    keep = existing.fcps if existing is not None else []
    if req['candidates'] is not None:
        if by_fcp is None:
            raise InputError('fcp_candidates needs the system\'s FCP devices')      # pragma: no cover - caller bug
        fcps = choose(req, entry, by_fcp, claims, keep=keep[:req['count']])
    else:
        fcps = keep + [f for f in req['fcps'] if f not in keep]
    new = [f for f in fcps if f not in keep]
    problems = [p for p in (_owner_problem(userid, f, by_fcp, claims) or _vdev_problem(entry, f) for f in new) if p]
    chpid = _chpid_problem(fcps, by_fcp)
    if chpid and new:
        problems.append(chpid)
    if problems:
        raise InputError('%s; nothing was changed' % '; '.join(problems))
    wwpns = (existing.wwpns if existing is not None else []) + [
        w for w in req['wwpns'] if existing is None or w not in existing.wwpns]
    volume = records.Volume(
        existing.id if existing is not None else records.volume_id(req['lun'], wwpns, [v.id for v in recorded]),
        req['lun'], [(f, w) for f in fcps for w in wwpns],
        os_version=req['os_version'] if req['os_version'] is not None else getattr(existing, 'os_version', None),
        multipath=req['multipath'] if req['multipath'] is not None else getattr(existing, 'multipath', False),
        is_root_volume=req['is_root_volume'],
        mount_point=req['mount_point'] if req['mount_point'] is not None else getattr(existing, 'mount_point', None))
    dedicate_dm = [f for f in fcps if entry.find_dedicate(f) is None]
    dedicate = []
    if logged_on:
        dedicate = [f for f in fcps if by_fcp is None or (by_fcp.get(f) or {}).get('owner') != userid]
    record = existing is None or not existing.same_as(volume)
    script = not volume.is_root_volume and (record or bool(dedicate_dm))
    return {'volume': volume, 'existing': existing, 'dedicate_dm': dedicate_dm, 'dedicate': dedicate,
            'script': script, 'record': record, 'changed': bool(dedicate_dm or dedicate or record)}


def detach_plan(req, entry, devices=None, logged_on=False):
    """What removes the volume: ``{volume, undedicate_dm, undedicate,
    script, offline_fcps, record, changed}``; ``volume`` None (nothing to
    do) when the entry has no record of it."""
    recorded = records.volumes(entry)
    volume = records.find(recorded, req['lun'], req['wwpns'])
    if volume is None:
        return {'volume': None, 'undedicate_dm': [], 'undedicate': [], 'script': False, 'offline_fcps': [],
                'record': False, 'changed': False}
    in_use = records.fcps_in_use(recorded, but=volume.id)
    release = [f for f in volume.fcps if f not in in_use]
    by_fcp = _by_fcp(devices)
    undedicate_dm = [f for f in release if entry.find_dedicate(f) is not None]
    undedicate = []
    if logged_on:
        undedicate = [f for f in release if by_fcp is None or (by_fcp.get(f) or {}).get('owner') == req['userid']]
    return {'volume': volume, 'undedicate_dm': undedicate_dm, 'undedicate': undedicate,
            'script': not volume.is_root_volume, 'offline_fcps': release, 'record': True, 'changed': True}
