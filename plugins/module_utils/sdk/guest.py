# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SDKAPI guest methods: lifecycle, disks, power and queries.

Names, parameters and return shapes follow zvmsdk.api.SDKAPI.  Differences
that come from talking to SMAPI directly (no management node, no database)
are stated in each docstring.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zvm.cloud.plugins.module_utils import units, validation
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.images import records
from ansible_collections.zvm.cloud.plugins.module_utils.operations import disks, entries, power
from ansible_collections.zvm.cloud.plugins.module_utils.planners import disks as disk_specs
from ansible_collections.zvm.cloud.plugins.module_utils.planners import guests as guest_plans
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.base import POWER_ON, check_userid
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import (
    SDKInvalidInputFormat, SDKObjectNotExistError,
)

DEFAULT_STOP_TIMEOUT = 300
DEFAULT_POLL_INTERVAL = 10


class GuestMixin:
    """Guest methods of SDKAPI (mixed into ``api.SDKAPI``)."""

    # -- lifecycle -------------------------------------------------------------------------
    def guest_create(self, userid, vcpus, memory, disk_list=None, user_profile='', max_cpu=None, max_mem=None,
                     ipl_from='', ipl_param='', ipl_loadparam='', dedicate_vdevs=None, loaddev=None, account='',
                     comment_list=None, cschedule='', cshare='', rdomain='', pcif='', password=None, logonby=None):
        """Create a guest's directory entry and its disks, all or nothing.

        ``memory`` is MB (int) or a size string ('4G'); ``max_mem`` likewise.
        If any disk fails (for example 408/24, no space in the pool), the new
        entry is deleted again and the original error is raised.  Returns the
        processed disk list (each disk with its vdev), as zvmsdk does.
        ``cschedule``, ``rdomain`` and ``pcif`` need CP COMMAND statements
        zvmsdk adds through its management node and are not supported;
        ``cshare`` is written as a SHARE statement.
        """
        for name, value in (('cschedule', cschedule), ('rdomain', rdomain), ('pcif', pcif)):
            if value:
                raise SDKInvalidInputFormat('%s is not supported over a direct SMAPI connection' % name)
        entry = guest_plans.new_entry(userid, vcpus, memory, user_profile, max_cpu, max_mem, ipl_from, ipl_param,
                                      ipl_loadparam, dedicate_vdevs, loaddev, account, comment_list, password,
                                      logonby, cshare=cshare)
        specs = disk_specs.normalize(disk_list, self.default_disk_pool, entry=entry)
        boot = [s for s in specs if s['is_boot_disk']]
        if boot and not ipl_from:
            entry.set_ipl(boot[0]['vdev'])
        self.create_guest_entry(entry, specs)
        return specs

    def create_guest_entry(self, entry, specs, rollback=None):
        """Create the directory entry ``entry`` (a DirectoryEntry), then its
        disks (specs from ``planners.disks.normalize``); all or nothing: when
        a disk fails, the new entry is deleted again and the disk's error is
        raised.  ``rollback`` (a list) gets a line for what was undone, or
        could not be.  (A collection extension: ``guest_create`` with the
        entry already built.)"""
        notes = rollback if rollback is not None else []
        userid = entry.userid
        self._check_filesystem_node(specs)
        entries.create(self.session, entry)
        try:
            self.create_disk_specs(userid, specs, active=False, rollback=notes)
        except Exception:
            try:
                entries.delete(self.session, userid)
                notes.append('guest %s: the new directory entry was deleted again' % userid)
            except Exception as e:  # pylint: disable=broad-except
                notes.append('guest %s: the new directory entry could not be deleted again: %s' % (userid, e))
            raise

    def guest_delete(self, userid):
        """Log the guest off if needed and delete its directory entry.

        A guest that does not exist is not an error: the result says
        ``{'userid': ..., 'existed': False, 'deleted': False}``.
        """
        userid = check_userid(userid)
        if entries.query(self.session, userid) is None:
            return {'userid': userid, 'existed': False, 'deleted': False}
        if power.status(self.session, userid) == POWER_ON:
            power.stop(self.session, userid, DEFAULT_STOP_TIMEOUT, 1)
        deleted = entries.delete(self.session, userid)
        return {'userid': userid, 'existed': True, 'deleted': deleted}

    # -- disks ---------------------------------------------------------------------------------
    def guest_create_disks(self, userid, disk_list):
        """Add minidisks (zvmsdk disk_list format).  Disks made before a
        failure in the same call are deleted again.  For a logged-on guest
        each disk is also added to its active configuration.  Returns the
        processed disk list."""
        userid = check_userid(userid)
        if not disk_list:
            return []
        entry = entries.require(self.session, userid)
        specs = disk_specs.normalize(disk_list, self.default_disk_pool, entry=entry)
        self.create_disk_specs(userid, specs)
        return specs

    def create_disk_specs(self, userid, specs, active=None, rollback=None):
        """Create already normalized disks (``planners.disks.normalize``), in
        the directory and, for a logged-on guest (``active``; read when
        None), on the running guest.  On failure the disks made are removed
        again, running guest first, and the original error is raised;
        ``rollback`` (a list) gets a line for each disk removed again, or
        that could not be.  A disk whose ``format`` is a file system (or
        swap, in a pool) gets it from the access node (``make_filesystem``)
        before a running guest is given the disk.  (A collection extension
        behind ``guest_create_disks``.)"""
        notes = rollback if rollback is not None else []
        self._check_filesystem_node(specs)
        if active is None:
            active = power.status(self.session, userid) == POWER_ON
        made, attached = [], []
        try:
            for spec in specs:
                disks.create_dm(self.session, userid, disk_specs.create_params(spec))
                made.append(spec['vdev'])
                if self._makes_filesystem(spec):     # before the running guest has it: the node links it W
                    self.make_filesystem(userid, spec['vdev'], spec['format'])
                if active:
                    try:
                        disks.attach(self.session, userid, spec['vdev'], spec['mode'])
                    except Exception as e:
                        if disks.maybe_done(e):         # the reply was lost: it may be attached
                            attached.append(spec['vdev'])
                        raise
                    attached.append(spec['vdev'])
        except Exception:
            for vdev in reversed(made):
                try:
                    if vdev in attached:
                        disks.detach(self.session, userid, vdev)
                    disks.delete_dm(self.session, userid, vdev)
                    notes.append('disk %s of %s: removed again' % (vdev, userid))
                except Exception as e:  # pylint: disable=broad-except
                    notes.append('disk %s of %s: could not be removed again: %s' % (vdev, userid, e))
            raise

    def guest_delete_disks(self, userid, disk_vdev_list):
        """Delete minidisks; one that is not defined is skipped (as zvmsdk).
        A logged-on guest's disk is detached from its active configuration
        first.  The ``* ZVMCLOUD IMAGE|CLONE`` records of the disks (what
        they were deployed from, ``deployed_images``) are removed from the
        entry right after, so a disk made again at a vdev is not taken for
        a deployed one."""
        userid = check_userid(userid)
        vdevs = []
        for v in disk_vdev_list or []:
            try:
                vdevs.append(validation.vdev(v))
            except InputError as e:
                raise SDKInvalidInputFormat(str(e))
        if not vdevs:
            return
        recorded = records.recorded_vdevs(entries.require(self.session, userid))
        active = power.status(self.session, userid) == POWER_ON
        done = []
        try:
            for vdev in vdevs:
                if active:
                    disks.detach(self.session, userid, vdev)
                disks.delete_dm(self.session, userid, vdev)
                done.append(vdev)
        except Exception:
            try:
                self._forget_deployed(userid, [v for v in done if v in recorded])
            except Exception:  # pylint: disable=broad-except
                pass                    # the deletion's error is the one to report
            raise
        self._forget_deployed(userid, [v for v in vdevs if v in recorded])

    def _forget_deployed(self, userid, vdevs):
        """Remove the ZVMCLOUD records of ``vdevs`` (lock, fresh read, replace, unlock)."""
        def mutate(entry):
            for vdev in vdevs:
                records.replace(entry, vdev, [])
        if vdevs:
            entries.modify(self.session, userid, mutate)

    # -- power -------------------------------------------------------------------------------------
    def _existing(self, userid):
        """The canonical userid of a guest that has a directory entry, or
        SDKObjectNotExistError (as zvmsdk's check_guest_exist)."""
        userid = check_userid(userid)
        entries.require(self.session, userid)
        return userid

    def guest_start(self, userid, timeout=0):
        """Log the guest on (Image_Activate); already on is fine.  ``timeout``
        (wait for the OS to be reachable) needs IUCV and is not used."""
        power.activate(self.session, self._existing(userid))

    def guest_stop(self, userid, timeout=None, poll_interval=None, **kwargs):
        """Log the guest off at once (Image_Deactivate IMMED); already off is
        fine.  With ``timeout``, wait up to that many seconds for it to be
        off; raise SDKGuestOperationError if it is not."""
        power.stop(self.session, self._existing(userid), timeout, poll_interval or 1)

    def guest_softstop(self, userid, timeout=None, poll_interval=None, **kwargs):
        """Signal the guest's OS to shut down and log it off; CP forces it
        off after ``timeout`` seconds (default 300).  Waits until it is off."""
        timeout = DEFAULT_STOP_TIMEOUT if timeout is None else int(timeout)
        power.softstop(self.session, self._existing(userid), timeout, poll_interval or DEFAULT_POLL_INTERVAL)

    def guest_reboot(self, userid, timeout=None):
        """A graceful restart: soft stop, then start.  (zvmsdk runs
        ``shutdown -r`` in the guest over IUCV, which needs a management
        node.)"""
        userid = self._existing(userid)
        power.softstop(self.session, userid, DEFAULT_STOP_TIMEOUT if timeout is None else int(timeout),
                       DEFAULT_POLL_INTERVAL)
        power.activate(self.session, userid)

    def guest_reset(self, userid):
        """A hard restart: Image_Recycle (log off at once, log on again); a
        guest that is off is just started."""
        userid = self._existing(userid)
        if not power.recycle(self.session, userid):
            power.activate(self.session, userid)

    def guest_pause(self, userid):
        """Stop the guest's virtual CPUs (Image_Pause PAUSE)."""
        power.pause(self.session, self._existing(userid), True)

    def guest_unpause(self, userid):
        """Resume the guest's virtual CPUs (Image_Pause BEGIN)."""
        power.pause(self.session, self._existing(userid), False)

    def guest_paused(self, userid):
        """Whether a logged-on guest's CPUs are stopped (Image_CPU_Query);
        None when it is not logged on.  (A collection extension.)"""
        return power.cpus_stopped(self.session, check_userid(userid))

    # -- queries ---------------------------------------------------------------------------------------
    def guest_get_power_state(self, userid):
        """'on' or 'off'.  Raises SDKObjectNotExistError for a guest with no
        directory entry."""
        userid = check_userid(userid)
        if entries.query(self.session, userid) is None:
            raise SDKObjectNotExistError("Guest '%s' does not exist" % userid, rs=3)
        return power.status(self.session, userid)

    def guest_get_power_state_real(self, userid):
        """'on' or 'off', without checking the directory."""
        return power.status(self.session, check_userid(userid))

    def guest_get_info(self, userid):
        """{'power_state', 'max_mem_kb', 'mem_kb', 'num_cpu', 'cpu_time_us'}.

        For a running guest the figures come from Image_Performance_Query;
        for one that is off, from its directory entry (mem_kb and
        cpu_time_us 0), as zvmsdk does.
        """
        userid = check_userid(userid)
        stats = self.guest_inspect_stats([userid]).get(userid)
        if stats is not None:
            return {'power_state': POWER_ON, 'max_mem_kb': stats['max_mem_kb'], 'mem_kb': stats['used_mem_kb'],
                    'num_cpu': stats['guest_cpus'], 'cpu_time_us': stats['used_cpu_time_us']}
        entry = entries.require(self.session, userid)
        max_mem = entry.max_storage or entry.storage or '0M'
        return {'power_state': power.status(self.session, userid),
                'max_mem_kb': units.parse_memory(max_mem) // 1024, 'mem_kb': 0,
                'num_cpu': len(entry.cpus) or 1, 'cpu_time_us': 0}

    def guest_list(self):
        """Every guest in the z/VM directory (Image_Name_Query_DM), not only
        those this tool created: there is no local database."""
        return entries.names(self.session)

    def guest_get_definition_info(self, userid, **kwargs):
        """{'user_direct': [records]}; with ``nic_coupled=vdev`` also
        ``'nic_coupled': bool``, whether that NIC is coupled to a vswitch in
        the directory."""
        userid = check_userid(userid)
        for key in kwargs:
            if key != 'nic_coupled':
                raise SDKInvalidInputFormat('invalid check option for user direct: %s' % key)
        entry = entries.require(self.session, userid)
        info = {'user_direct': entry.records()}
        if 'nic_coupled' in kwargs:
            nic = entry.find_nic(kwargs['nic_coupled'])
            info['nic_coupled'] = bool(nic is not None and (nic.vswitch or nic.lan_name))
        return info

    def guest_get_user_direct(self, userid):
        """{'user_direct': [records]} with passwords masked."""
        entry = entries.require(self.session, check_userid(userid))
        return {'user_direct': entry.records(masked=True)}

    def guest_get_disks_info(self, userid):
        """{'minidisks': [...]} of a logged-on guest (Image_Disk_Query)."""
        out = []
        for d in disks.query_active(self.session, check_userid(userid)):
            unit = 'Cylinders' if d.get('vdasd_unit') == 1 else 'Blocks'
            out.append({'vdev': d.get('vdasd_vdev'), 'rdev': d.get('vdasd_rdev'),
                        'access_type': 'R/W' if d.get('vdasd_access_type') == 2 else 'R/O',
                        'device_type': d.get('vdasd_devtype'), 'device_size': d.get('vdasd_size'),
                        'device_units': unit, 'volume_label': d.get('vdasd_volid')})
        return {'minidisks': out}
