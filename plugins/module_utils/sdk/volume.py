# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SDKAPI volume methods: FCP volumes (SAN LUNs) of guests, and the FCP
devices they use.

``volume_attach`` and ``volume_detach`` take the reference SDK's
``connection_info`` (the keys its implementation reads: ``assigner_id``,
``zvm_fcp``, ``target_wwpn``, ``target_lun``, ``os_version``,
``mount_point``, ``multipath``, ``is_root_volume``, ``do_rollback``) or its
documented shapes (``volume_attach(guest, volume, connection_info)`` with
``alias``, ``protocol``, ``fcps``, ``wwpns``, ``dedicate``); see
``planners.volumes.request``.  Extensions: ``fcp_candidates`` and
``fcp_count`` take free FCP devices from a list, spread over CHPIDs;
``active`` False leaves the running guest alone (the devices come at its
next logon).

There is no database: which volumes a guest has, through which FCP devices,
WWPNs and LUN, is recorded in its directory entry (``directory.records``:
``* ZVMCLOUD VOLUME`` comments next to the DEDICATE statements), so every
controller sees the same.  An attach, in order, each step undone in reverse
order when a later one fails (``do_rollback``, the default):

1. dedicate each FCP device the entry lacks (Image_Device_Dedicate_DM),
   then check that no other entry dedicated it meanwhile;
2. when the guest is logged on, attach each device it does not have
   (Image_Device_Dedicate);
3. punch the attach script (``volumes.script``) into its reader, class X,
   through the access node (undone by punching the detach script);
4. record the volume in the entry (lock, fresh read, replace, unlock).

A detach punches the detach script, undedicates (running guest, then
directory) the FCP devices no other volume of the guest uses, and removes
the records.  The outcome of a failure is ``SDKVolumeOperationError``, which
says what was done, what was undone and what could not be.  An attach that
finds the volume recorded and its devices dedicated makes one read and
nothing else; a detach that finds no record, likewise.

Allocation from candidates holds a host lock (``FCP_LOCK``), so that the
processes of one controller never choose one device twice; against other
controllers, the check after the dedication finds a device another entry
took at the same time: this attach then gives it back and chooses again.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random

from ansible_collections.zvm.cloud.plugins.module_utils.directory import records
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.operations import entries, power
from ansible_collections.zvm.cloud.plugins.module_utils.operations import fcp as fcp_ops
from ansible_collections.zvm.cloud.plugins.module_utils.operations.disks import maybe_done
from ansible_collections.zvm.cloud.plugins.module_utils.planners import volumes as planner
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.base import check_userid
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import (
    SDKConflictError, SDKInvalidInputFormat, SDKObjectNotExistError, SDKVolumeOperationError,
)
from ansible_collections.zvm.cloud.plugins.module_utils.volumes import script, values

FCP_LOCK = '*FCP'          # the host lock around choosing and dedicating FCP devices
ALLOCATION_ATTEMPTS = 3


class _Lost(Exception):
    """Another entry dedicated a device this attach just dedicated."""


class _Steps:
    """Steps done so far, each with its undo."""

    def __init__(self):
        self.done = []

    def run(self, description, action, undo):
        try:
            result = action()
        except Exception as e:
            if maybe_done(e):
                self.done.append(('%s (its reply was lost: it may have been done)' % description, undo))
            raise
        self.done.append((description, undo))
        return result

    def rollback(self):
        undone, failed = [], []
        for description, undo in reversed(self.done):
            try:
                undo()
                undone.append(description)
            except Exception as e:      # every undo is tried; the failures are reported
                failed.append('%s: %s' % (description, e))
        self.done = []
        return undone, failed


def _call_args(args, kwargs, method):
    """(connection_info, guest, volume) from ``method(connection_info)`` or
    ``method(guest, volume, connection_info[, is_rollback_in_failure])``."""
    kwargs = dict(kwargs)
    names = ('guest', 'volume', 'connection_info', 'is_rollback_in_failure')
    if len(args) == 1 and 'connection_info' not in kwargs:
        kwargs['connection_info'] = args[0]
    else:
        if len(args) > len(names):
            raise SDKInvalidInputFormat('%s takes connection_info, or guest, volume and connection_info' % method)
        kwargs.update(zip(names, args))
    unknown = sorted(set(kwargs) - set(names))
    if unknown:
        raise SDKInvalidInputFormat('%s got unexpected arguments: %s' % (method, ', '.join(unknown)))
    info = kwargs.get('connection_info')
    if not isinstance(info, dict):
        raise SDKInvalidInputFormat('%s: connection_info must be a dict' % method)
    info = dict(info)
    if kwargs.get('is_rollback_in_failure') is not None and 'do_rollback' not in info:
        info['do_rollback'] = kwargs['is_rollback_in_failure']
    return info, kwargs.get('guest'), kwargs.get('volume')


def _request(args, kwargs, method, detach=False):
    info, guest, volume = _call_args(args, kwargs, method)
    try:
        return planner.request(info, guest, volume, detach=detach)
    except InputError as e:
        if isinstance(e, SDKInvalidInputFormat):
            raise
        raise SDKInvalidInputFormat('%s: %s' % (method, e))


def _result(req, volume, changed, **extra):
    out = {'userid': req['userid'], 'lun': req['lun'], 'changed': changed,
           'volume': volume.to_dict() if volume is not None else None}
    out.update(extra)
    return out


class VolumeMixin:
    """FCP volumes and devices (see the module docstring)."""

    # -- attach -------------------------------------------------------------------------------------
    def volume_attach(self, *args, **kwargs):
        """Attach a LUN to a guest through its FCP devices (see the module
        docstring).  Returns ``{userid, lun, changed, volume, dedicated,
        dedicated_active, spoolid, recorded}``; raises
        SDKVolumeOperationError when a step fails (after the rollback)."""
        req = _request(args, kwargs, 'volume_attach')
        session = self.session
        userid = req['userid']
        with session.guest_lock(userid):
            found = planner.converged_attach(req, entries.require(session, userid))
            if found is not None:
                return _result(req, found, False, dedicated=[], dedicated_active=[], spoolid=None, recorded=False)
            return self._attach(req)

    def _attach(self, req):
        session = self.session
        userid = req['userid']
        for attempt in range(ALLOCATION_ATTEMPTS):
            steps = _Steps()
            with session.guest_lock(FCP_LOCK):
                entry = entries.require(session, userid)
                devices = fcp_ops.wwpn_query(session)
                plan = planner.attach_plan(req, entry, devices, fcp_ops.directory_claims(session),
                                           req['active'] and power.status(session, userid) == power.ON)
                node = self.require_node('volume_attach') if plan['script'] else None
                try:
                    for fcp in plan['dedicate_dm']:
                        steps.run('dedicate FCP device %s to %s in the directory' % (fcp, userid),
                                  _bind(fcp_ops.dedicate_dm, session, userid, fcp, fcp),
                                  _bind(fcp_ops.undedicate_dm, session, userid, fcp))
                    self._check_claims(userid, plan['dedicate_dm'])
                except _Lost as lost:
                    undone, failed = steps.rollback()
                    if req['candidates'] is None or attempt == ALLOCATION_ATTEMPTS - 1 or failed:
                        raise SDKVolumeOperationError(
                            "volume_attach to '%s': %s; undone: %s%s" % (
                                userid, lost, '; '.join(undone) or 'nothing',
                                ('; could not undo: ' + '; '.join(failed)) if failed else ''),
                            rs=409, undone=undone, not_undone=failed)
                    session.sleep(0.1 + random.random() * 0.4)
                    continue
                except Exception as e:
                    self._failed('volume_attach', req, steps, e)
            try:
                for fcp in plan['dedicate']:
                    steps.run('attach FCP device %s to the running guest %s' % (fcp, userid),
                              _bind(fcp_ops.dedicate, session, userid, fcp, fcp),
                              _bind(fcp_ops.undedicate, session, userid, fcp))
                spoolid = None
                volume = plan['volume']
                if plan['script']:
                    spoolid = steps.run(
                        'punch the attach script to %s' % userid,
                        _bind(node.punch, userid, _attach_text(volume), script.ATTACH_NAME, 'X'),
                        _bind(node.punch, userid, _detach_text(volume, plan['dedicate_dm']), script.DETACH_NAME,
                              'X'))
                if plan['record']:
                    existing = plan['existing']
                    steps.run('record the volume in the directory entry of %s' % userid,
                              _bind(entries.modify, session, userid, lambda e: records.put(e, volume)),
                              _bind(entries.modify, session, userid,
                                    lambda e: records.put(e, existing) if existing is not None
                                    else records.remove(e, volume.id)))
            except Exception as e:
                self._failed('volume_attach', req, steps, e)
            return _result(req, volume, plan['changed'], dedicated=plan['dedicate_dm'],
                           dedicated_active=plan['dedicate'], spoolid=spoolid, recorded=plan['record'])
        raise SDKConflictError('volume_attach to %s: no attempt succeeded' % userid)     # pragma: no cover

    def _check_claims(self, userid, fcps):
        """_Lost when another entry dedicates one of ``fcps`` too."""
        if not fcps:
            return
        claims = fcp_ops.directory_claims(self.session)
        taken = ['%s (also dedicated to %s)' % (f, ', '.join(sorted(set(o for o, _v in claims.get(f, []) if o != userid))))
                 for f in fcps if any(o != userid for o, _v in claims.get(f, []))]
        if taken:
            raise _Lost('another guest took FCP device %s at the same time' % '; '.join(taken))

    def _failed(self, method, req, steps, error):
        """Roll back (when asked) and raise SDKVolumeOperationError saying what happened."""
        done = [d for d, _undo in steps.done]
        if req['do_rollback']:
            undone, not_undone = steps.rollback()
        else:
            undone, not_undone = [], ['%s: not undone (do_rollback is false)' % d for d in done]
        text = "%s of LUN %s to '%s' failed: %s" % (method, req['lun'], req['userid'], error)
        if method == 'volume_detach':
            text = "%s of LUN %s from '%s' failed: %s" % (method, req['lun'], req['userid'], error)
        text += '; undone: %s' % ('; '.join(undone) or 'nothing')
        if not_undone:
            text += '; not undone: %s' % '; '.join(not_undone)
        raise SDKVolumeOperationError(text, rs=getattr(error, 'rs', None), done=done, undone=undone,
                                      not_undone=not_undone)

    # -- detach -------------------------------------------------------------------------------------
    def volume_detach(self, *args, **kwargs):
        """Detach a LUN from a guest (see the module docstring).  Returns
        ``{userid, lun, changed, volume, undedicated, undedicated_active,
        spoolid}``; a guest that does not exist, or has no record of the
        volume, is no change."""
        req = _request(args, kwargs, 'volume_detach', detach=True)
        session = self.session
        userid = req['userid']
        nothing = dict(undedicated=[], undedicated_active=[], spoolid=None)
        with session.guest_lock(userid):
            entry = entries.query(session, userid)
            if entry is None or planner.detach_plan(req, entry)['volume'] is None:
                return _result(req, None, False, **nothing)
            logged_on = req['active'] and power.status(session, userid) == power.ON
            devices = fcp_ops.wwpn_query(session) if logged_on else None
            plan = planner.detach_plan(req, entry, devices, logged_on)
            volume = plan['volume']
            node = self.require_node('volume_detach') if plan['script'] else None
            steps = _Steps()
            try:
                spoolid = None
                if plan['script']:
                    spoolid = steps.run(
                        'punch the detach script to %s' % userid,
                        _bind(node.punch, userid, _detach_text(volume, plan['offline_fcps']), script.DETACH_NAME,
                              'X'),
                        _bind(node.punch, userid, _attach_text(volume), script.ATTACH_NAME, 'X'))
                for fcp in plan['undedicate']:
                    steps.run('detach FCP device %s from the running guest %s' % (fcp, userid),
                              _bind(fcp_ops.undedicate, session, userid, fcp),
                              _bind(fcp_ops.dedicate, session, userid, fcp, fcp))
                for fcp in plan['undedicate_dm']:
                    steps.run('undedicate FCP device %s from %s in the directory' % (fcp, userid),
                              _bind(fcp_ops.undedicate_dm, session, userid, fcp),
                              _bind(fcp_ops.dedicate_dm, session, userid, fcp, fcp))
                steps.run('remove the record of the volume from the directory entry of %s' % userid,
                          _bind(entries.modify, session, userid, lambda e: records.remove(e, volume.id)),
                          _bind(entries.modify, session, userid, lambda e: records.put(e, volume)))
            except Exception as e:
                self._failed('volume_detach', req, steps, e)
        return _result(req, volume, True, undedicated=plan['undedicate_dm'], undedicated_active=plan['undedicate'],
                       spoolid=spoolid)

    # -- queries -----------------------------------------------------------------------------------
    def fcp_list(self, fcp=None, free=None, chpid=None):
        """The system's FCP devices: ``[{fcp, chpid, npiv_wwpn,
        physical_wwpn, status, attached_to, dedicated_to, free}]``:
        ``status`` free/active/offline as CP reports it, ``attached_to`` the
        running guest that has it, ``dedicated_to`` the entries whose
        DEDICATE names it, ``free`` whether a volume may take it (online,
        attached to nobody, dedicated to nobody).  ``fcp``, ``free`` and
        ``chpid`` filter.  Two reads (System_WWPN_Query, Directory_Manager_Search_DM)."""
        wanted = values.fcp_device(fcp, 'fcp') if fcp is not None else None
        if chpid is not None:
            chpid = str(chpid).strip().upper().zfill(2)
        claims = fcp_ops.directory_claims(self.session)
        out = []
        for dev in fcp_ops.wwpn_query(self.session):
            owners = sorted(set(o for o, _v in claims.get(dev['fcp'], [])))
            item = {'fcp': dev['fcp'], 'chpid': dev['chpid'], 'npiv_wwpn': dev['npiv_wwpn'],
                    'physical_wwpn': dev['physical_wwpn'], 'status': dev['status'], 'attached_to': dev['owner'],
                    'dedicated_to': owners,
                    'free': dev['status'] == 'free' and dev['owner'] is None and not owners}
            if (wanted is None or item['fcp'] == wanted) and (free is None or item['free'] == bool(free)) and \
                    (chpid is None or item['chpid'] == chpid):
                out.append(item)
        if wanted is not None and not out and free is None and chpid is None:
            raise SDKObjectNotExistError('the system has no FCP device %s' % wanted, rs=8)
        return out

    def get_fcp_usage(self, fcp):
        """zvmsdk's ``[userid, reserved, connections, fcp_template_id]`` of
        FCP device ``fcp``, from the directory instead of a database: the
        guest it is dedicated to (else the one that has it attached, else
        ''), 1 when a DEDICATE names it, the number of that guest's recorded
        volumes that use it, and None (no templates)."""
        dev = self.fcp_list(fcp=fcp)[0]
        userid = dev['dedicated_to'][0] if dev['dedicated_to'] else (dev['attached_to'] or '')
        connections = 0
        if userid:
            entry = entries.query(self.session, userid)
            if entry is not None:
                connections = sum(1 for vol in records.volumes(entry) if dev['fcp'] in vol.fcps)
        return [userid, 1 if dev['dedicated_to'] else 0, connections, None]

    def fcp_free_luns(self, fcp):
        """The free LUNs FCP device ``fcp`` reaches (System_FCP_Free_Query):
        ``[{fcp, wwpn, lun, size}]``."""
        return fcp_ops.free_luns(self.session, values.fcp_device(fcp, 'fcp'))

    def guest_volumes(self, userid):
        """The volumes recorded for a guest: ``[{id, lun, fcps, wwpns, paths,
        os_version, multipath, is_root_volume, mount_point, dedicated}]``,
        ``dedicated`` telling for each FCP device whether the entry still
        dedicates it.  One read (Image_Query_DM)."""
        userid = check_userid(userid)
        entry = entries.require(self.session, userid)
        out = []
        for vol in records.volumes(entry):
            item = vol.to_dict()
            item['dedicated'] = dict((f, entry.find_dedicate(f) is not None) for f in vol.fcps)
            out.append(item)
        return out


def _bind(func, *args):
    return lambda: func(*args)


def _attach_text(volume):
    return script.attach_script(volume.fcps, volume.wwpns, volume.lun, volume.mount_point, volume.multipath,
                                volume.os_version)


def _detach_text(volume, offline):
    return script.detach_script(volume.fcps, volume.wwpns, volume.lun, volume.mount_point, volume.multipath,
                                volume.os_version, offline_fcps=offline)
