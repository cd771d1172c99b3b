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

from ansible_collections.zvm.cloud.plugins.module_utils import directory, units, validation
from ansible_collections.zvm.cloud.plugins.module_utils.sdk import disks as disk_specs
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.base import (
    POWER_OFF, POWER_ON, check_userid,
)
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import (
    SDKGuestOperationError, SDKInvalidInputFormat, SDKObjectNotExistError,
)
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.errors import SmapiRequestError

DEFAULT_PASSWORD = 'LBYONLY'
DEFAULT_STOP_TIMEOUT = 300
DEFAULT_POLL_INTERVAL = 10
# Image_CPU_Query CPU status: 1 stopped, 3 operating (a paused guest's CPUs are all stopped)
CPU_STOPPED = 1


def memory_text(memory, field='memory'):
    """zvmsdk passes memory as an int of MB; strings with units are accepted too."""
    try:
        return units.cp_storage(units.parse_memory(memory, field), field)
    except ValueError as e:
        raise SDKInvalidInputFormat(str(e))


class GuestMixin:
    """Guest methods of SDKAPI (mixed into ``api.SDKAPI``)."""

    # -- lifecycle -------------------------------------------------------------------------
    def build_entry(self, userid, vcpus, memory, user_profile='', max_cpu=None, max_mem=None, ipl_from='',
                    ipl_param='', ipl_loadparam='', dedicate_vdevs=None, loaddev=None, account='', comment_list=None,
                    password=None, logonby=None, privileges='G'):
        """The directory entry guest_create would create (nothing is sent)."""
        userid = check_userid(userid)
        if isinstance(vcpus, bool) or not isinstance(vcpus, int) or not 1 <= vcpus <= 64:
            raise SDKInvalidInputFormat('vcpus: %r is not a number of CPUs from 1 to 64' % (vcpus,))
        if max_cpu is not None and (isinstance(max_cpu, bool) or not isinstance(max_cpu, int)
                                    or not vcpus <= max_cpu <= 64):
            raise SDKInvalidInputFormat('max_cpu: %r must be a number from vcpus (%d) to 64' % (max_cpu, vcpus))
        storage = memory_text(memory)
        max_storage = memory_text(max_mem, 'max_mem') if max_mem not in (None, '') else storage
        try:
            entry = directory.DirectoryEntry.new(userid, password or DEFAULT_PASSWORD, storage, max_storage,
                                                 privileges)
            if user_profile:
                entry.set_include(user_profile)
            entry.set_machine('ESA', max_cpu or vcpus)
            entry.set_cpus(vcpus)
            if ipl_from:
                entry.set_ipl(ipl_from, ipl_param or None, ipl_loadparam or None)
            if logonby:
                entry.set_logonby(logonby)
            if account:
                entry.set_account(account)
            for vdev in dedicate_vdevs or []:
                entry.add_dedicate(vdev, vdev)
        except ValueError as e:
            raise SDKInvalidInputFormat(str(e))
        for key, value in (loaddev or {}).items():
            if key not in ('portname', 'lun', 'alterdev'):
                raise SDKInvalidInputFormat('loaddev: unknown key %r (portname, lun, alterdev)' % key)
            if value:
                statement = {'portname': 'PORTNAME', 'lun': 'LUN', 'alterdev': 'ALTERDEV'}[key]
                entry.statements.append(directory.parse_statement('LOADDEV %s %s' % (statement, value))[0])
        for comment in comment_list or []:
            entry.statements.append(directory.parse_statement('* %s' % comment)[0])
        entry.records()     # raises if a record would be too long
        return entry

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
        entry = self.build_entry(userid, vcpus, memory, user_profile, max_cpu, max_mem, ipl_from, ipl_param,
                                 ipl_loadparam, dedicate_vdevs, loaddev, account, comment_list, password, logonby)
        if cshare:
            entry.statements.append(directory.parse_statement('SHARE %s' % cshare)[0])
        specs = disk_specs.normalize(disk_list, self.default_disk_pool,
                                     used_vdevs=[d.vdev for d in entry.dedicates])
        boot = [s for s in specs if s['is_boot_disk']]
        if boot and not ipl_from:
            entry.set_ipl(boot[0]['vdev'])
        self.create_guest_entry(entry, specs)
        return specs

    def create_guest_entry(self, entry, specs):
        """Image_Create_DM for ``entry`` (a DirectoryEntry), then its disks
        (specs from ``disks.normalize``); all or nothing."""
        userid = entry.userid
        self._call('Image_Create_DM', userid, image_record_array=entry.records())
        try:
            self.create_disk_specs(userid, specs, active=False)
        except Exception:
            self._delete_entry_quietly(userid)
            raise

    def _delete_entry_quietly(self, userid):
        """Undo a half-made guest; the original error is the one to report."""
        try:
            self._call('Image_Delete_DM', userid, data_security_erase=0, ok=[(400, 4)])
        except Exception:  # pylint: disable=broad-except
            pass

    def guest_delete(self, userid):
        """Log the guest off if needed and delete its directory entry.

        A guest that does not exist is not an error: the result says
        ``{'userid': ..., 'existed': False, 'deleted': False}``.
        """
        userid = check_userid(userid)
        if self._directory(userid) is None:
            return {'userid': userid, 'existed': False, 'deleted': False}
        if self._power_state(userid) == POWER_ON:
            self.guest_stop(userid, timeout=DEFAULT_STOP_TIMEOUT)
        self._call('Image_Delete_DM', userid, data_security_erase=0, ok=[(400, 4)])
        return {'userid': userid, 'existed': True, 'deleted': True}

    # -- disks ---------------------------------------------------------------------------------
    def guest_create_disks(self, userid, disk_list):
        """Add minidisks (zvmsdk disk_list format).  Disks made before a
        failure in the same call are deleted again.  For a logged-on guest
        each disk is also added to its active configuration.  Returns the
        processed disk list."""
        userid = check_userid(userid)
        if not disk_list:
            return []
        entry = self._require_directory(userid)
        used = [m.vdev for m in entry.mdisks] + [n.vdev for n in entry.nics] + [d.vdev for d in entry.dedicates]
        specs = disk_specs.normalize(disk_list, self.default_disk_pool, used_vdevs=used)
        self.create_disk_specs(userid, specs)
        return specs

    def create_disk_specs(self, userid, specs, active=None):
        """Create already normalized disks; on failure delete those made."""
        if active is None:
            active = self._power_state(userid) == POWER_ON
        made = []
        try:
            for spec in specs:
                with self._guest_lock(userid):
                    self._dm_write('Image_Disk_Create_DM', userid, **disk_specs.create_params(spec))
                made.append(spec['vdev'])
                if active:
                    self._call('Image_Disk_Create', userid, image_disk_number=spec['vdev'],
                               image_disk_mode=spec['mode'])
        except Exception:
            for vdev in made:
                try:
                    self._call('Image_Disk_Delete_DM', userid, image_disk_number=vdev, data_security_erase=0,
                               ok=[(408, 8)])
                except Exception:  # pylint: disable=broad-except
                    pass
            raise

    def guest_delete_disks(self, userid, disk_vdev_list):
        """Delete minidisks; one that is not defined is skipped (as zvmsdk).
        A logged-on guest's disk is detached from its active configuration
        first."""
        userid = check_userid(userid)
        vdevs = []
        for v in disk_vdev_list or []:
            try:
                vdevs.append(validation.vdev(v))
            except ValueError as e:
                raise SDKInvalidInputFormat(str(e))
        if not vdevs:
            return
        active = self._power_state(userid) == POWER_ON
        for vdev in vdevs:
            if active:
                self._call('Image_Disk_Delete', userid, image_disk_number=vdev, ok=[(204, 8), (408, 8)])
            with self._guest_lock(userid):
                self._dm_write('Image_Disk_Delete_DM', userid, image_disk_number=vdev, data_security_erase=0,
                               ok=[(408, 8)])

    # -- power -------------------------------------------------------------------------------------
    def guest_start(self, userid, timeout=0):
        """Log the guest on (Image_Activate); already on is fine.  ``timeout``
        (wait for the OS to be reachable) needs IUCV and is not used."""
        userid = check_userid(userid)
        self._call('Image_Activate', userid, ok=[(200, 8)])

    def guest_stop(self, userid, timeout=None, poll_interval=None, **kwargs):
        """Log the guest off at once (Image_Deactivate IMMED); already off is
        fine.  With ``timeout``, wait up to that many seconds for it to be
        off; raise SDKGuestOperationError if it is not."""
        userid = check_userid(userid)
        self._call('Image_Deactivate', userid, force_time='IMMED', ok=[(200, 12), (200, 16)])
        if timeout:
            if not self._wait_power(userid, POWER_OFF, timeout, poll_interval or 1):
                raise SDKGuestOperationError("guest '%s' is still logged on %d seconds after IMMED" % (userid, timeout))

    def guest_softstop(self, userid, timeout=None, poll_interval=None, **kwargs):
        """Signal the guest's OS to shut down and log it off; CP forces it
        off after ``timeout`` seconds (default 300).  Waits until it is off."""
        userid = check_userid(userid)
        timeout = DEFAULT_STOP_TIMEOUT if timeout is None else int(timeout)
        poll = poll_interval or DEFAULT_POLL_INTERVAL
        reply = self._call('Image_Deactivate', userid, force_time='WITHIN %d' % max(1, timeout),
                           ok=[(200, 12), (200, 16)])
        if reply.get('return_code') == 200 and reply.get('reason_code') == 12:
            return
        if not self._wait_power(userid, POWER_OFF, timeout + poll, min(poll, 2.0)):
            raise SDKGuestOperationError("guest '%s' is still logged on %d seconds after the shutdown signal"
                                         % (userid, timeout + poll))

    def guest_reboot(self, userid, timeout=None):
        """A graceful restart: soft stop, then start.  (zvmsdk runs
        ``shutdown -r`` in the guest over IUCV, which needs a management
        node.)"""
        self.guest_softstop(userid, timeout=timeout)
        self.guest_start(userid)

    def guest_reset(self, userid):
        """A hard restart: Image_Recycle (log off at once, log on again); a
        guest that is off is just started."""
        userid = check_userid(userid)
        try:
            self._call('Image_Recycle', userid)
        except SmapiRequestError as e:
            if not e.matches(200, 12):
                raise
            self.guest_start(userid)

    def _pause(self, userid, action):
        userid = check_userid(userid)
        try:
            self._call('Image_Pause', userid, action=action)
        except SmapiRequestError as e:
            if e.matches(8, 12) or e.matches(200, 12):
                raise SDKGuestOperationError("guest '%s' is not logged on, so it cannot be %s"
                                             % (userid, 'paused' if action == 'PAUSE' else 'unpaused'), rs=5)
            raise

    def guest_pause(self, userid):
        """Stop the guest's virtual CPUs (Image_Pause PAUSE)."""
        self._pause(userid, 'PAUSE')

    def guest_unpause(self, userid):
        """Resume the guest's virtual CPUs (Image_Pause BEGIN)."""
        self._pause(userid, 'BEGIN')

    def guest_paused(self, userid):
        """Whether a logged-on guest's CPUs are stopped (Image_CPU_Query);
        None when it is not logged on."""
        userid = check_userid(userid)
        try:
            reply = self._call('Image_CPU_Query', userid)
        except SmapiRequestError as e:
            if e.matches(200, 12) or e.matches(216, 12) or e.matches(200, 4):
                return None     # not logged on ("image not active")
            raise
        cpus = reply.get('cpu_info_array') or []
        return bool(cpus) and all(c.get('cpu_status') == CPU_STOPPED for c in cpus)

    # -- queries ---------------------------------------------------------------------------------------
    def guest_get_power_state(self, userid):
        """'on' or 'off'.  Raises SDKObjectNotExistError for a guest with no
        directory entry."""
        userid = check_userid(userid)
        if self._directory(userid) is None:
            raise SDKObjectNotExistError("Guest '%s' does not exist" % userid, rs=3)
        return self._power_state(userid)

    def guest_get_power_state_real(self, userid):
        """'on' or 'off', without checking the directory."""
        return self._power_state(check_userid(userid))

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
        entry = self._require_directory(userid)
        max_mem = entry.max_storage or entry.storage or '0M'
        return {'power_state': self._power_state(userid),
                'max_mem_kb': units.parse_memory(max_mem) // 1024, 'mem_kb': 0,
                'num_cpu': len(entry.cpus) or 1, 'cpu_time_us': 0}

    def guest_list(self):
        """Every guest in the z/VM directory (Image_Name_Query_DM), not only
        those this tool created: there is no local database."""
        reply = self._call('Image_Name_Query_DM', self.client.userid)
        return sorted(reply.get('image_name_array') or [])

    def guest_get_definition_info(self, userid, **kwargs):
        """{'user_direct': [records]}; with ``nic_coupled=vdev`` also
        ``'nic_coupled': bool``, whether that NIC is coupled to a vswitch in
        the directory."""
        userid = check_userid(userid)
        for key in kwargs:
            if key != 'nic_coupled':
                raise SDKInvalidInputFormat('invalid check option for user direct: %s' % key)
        entry = self._require_directory(userid)
        info = {'user_direct': entry.records()}
        if 'nic_coupled' in kwargs:
            nic = entry.find_nic(kwargs['nic_coupled'])
            info['nic_coupled'] = bool(nic is not None and (nic.vswitch or nic.lan_name))
        return info

    def guest_get_user_direct(self, userid):
        """{'user_direct': [records]} with passwords masked."""
        entry = self._require_directory(check_userid(userid))
        return {'user_direct': entry.records(masked=True)}

    def guest_get_disks_info(self, userid):
        """{'minidisks': [...]} of a logged-on guest (Image_Disk_Query)."""
        userid = check_userid(userid)
        try:
            reply = self._call('Image_Disk_Query', userid, vdasd_id='ALL')
        except SmapiRequestError as e:
            if e.rc == 200:
                raise SDKGuestOperationError("guest '%s' is not logged on" % userid, rs=1)
            raise
        out = []
        for d in reply.get('vdasd_array') or []:
            unit = 'Cylinders' if d.get('vdasd_unit') == 1 else 'Blocks'
            out.append({'vdev': d.get('vdasd_vdev'), 'rdev': d.get('vdasd_rdev'),
                        'access_type': 'R/W' if d.get('vdasd_access_type') == 2 else 'R/O',
                        'device_type': d.get('vdasd_devtype'), 'device_size': d.get('vdasd_size'),
                        'device_units': unit, 'volume_label': d.get('vdasd_volid')})
        return {'minidisks': out}
