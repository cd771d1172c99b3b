# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SDKAPI host and monitoring methods."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import shutil
import subprocess

from ansible_collections.zvm.cloud.plugins.module_utils import units
from ansible_collections.zvm.cloud.plugins.module_utils.sdk import disks as disk_specs
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.base import POWER_OFF, check_userid
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import (
    SDKFunctionNotImplementError, SDKGuestOperationError, SDKInternalError, SDKInvalidInputFormat,
)
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.errors import SmapiRequestError

GB = 1024 ** 3

# Image_Volume_Space_Query_DM query and entry types
QUERY_DEFINITION, QUERY_FREE, QUERY_USED = 1, 2, 3
ENTRY_VOLUME, ENTRY_REGION, ENTRY_GROUP = 1, 2, 3

# guest_inspect_vnics: Virtual_Network_Vswitch_Query_Byte_Stats NIC counters, in zvmsdk's names
VNIC_COUNTERS = ('nic_fr_rx', 'nic_fr_tx', 'nic_fr_rx_dsc', 'nic_fr_tx_dsc', 'nic_fr_rx_err', 'nic_fr_tx_err',
                 'nic_rx', 'nic_tx')

# guest_get_console_output: how the management node reads a reader file (the spool id is appended,
# or replaces '{spoolid}'); -H keeps the file, which is then purged over SMAPI once it was read
DEFAULT_READER_COMMAND = ('vmur', 'receive', '-H', '-t', '-O')
READER_TIMEOUT = 120


def keyword_records(records):
    """'KEY=A=1 B=2' records (System_Information_Query and friends) as
    {'KEY': {'A': '1', 'B': '2'}} (or {'KEY': 'value'} when not nested)."""
    out = {}
    for record in records or []:
        key, sep, value = record.partition('=')
        if not sep:
            continue
        if '=' in value:
            fields = {}
            for word in value.split():
                k, s, v = word.partition('=')
                if s:
                    fields[k] = v
            out.setdefault(key, fields)
        else:
            out.setdefault(key, value.strip())
    return out


def _unit_bytes(devtype):
    return units.ECKD_CYLINDER_BYTES if str(devtype).startswith('3390') else units.FBA_BLOCK_BYTES


def canonical_userids(userids, field='userid_list'):
    """A userid or a list of them as canonical userids, each once, in order."""
    if isinstance(userids, str):
        userids = [userids]
    if not isinstance(userids, (list, tuple)):
        raise SDKInvalidInputFormat('%s must be a userid or a list of userids' % field)
    out, seen = [], set()
    for u in userids:
        uid = check_userid(u, field)
        if uid not in seen:
            seen.add(uid)
            out.append(uid)
    return out


def _counter(value):
    text = str(value or '').strip()
    return int(text) if text.isdigit() else 0


def reader_argv(command, spoolid, ssh_host=None):
    """The argv that prints reader file ``spoolid``: ``command`` with the
    spool id in place of '{spoolid}' (appended when absent), run over
    ``ssh`` with host key checking when ``ssh_host`` is set."""
    spool = '%d' % int(spoolid)
    argv = [str(a) for a in command]
    if any('{spoolid}' in a for a in argv):
        argv = [a.replace('{spoolid}', spool) for a in argv]
    else:
        argv.append(spool)
    if ssh_host:
        argv = ['ssh', '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', '--', ssh_host] + argv
    return argv


class HostMixin:
    """Host and monitoring methods of SDKAPI."""

    def host_get_guest_list(self):
        """Every userid in the z/VM directory."""
        return self.guest_list()

    def _host_records(self):
        """(System_Information_Query, System_Performance_Information_Query)
        records as keyword dicts: two SMAPI calls."""
        info = keyword_records(self._call('System_Information_Query', self.client.userid)
                               .get('system_information_data'))
        perf = keyword_records(self._call('System_Performance_Information_Query', self.client.userid,
                                          system_performance_information_list=[])
                               .get('system_performance_information_data'))
        return info, perf

    def host_get_info(self):
        """The z/VM host: level, storage, CPUs and the default disk pool's
        space (the zvmsdk keys)."""
        info, perf = self._host_records()
        return self._host_info(info, perf)

    def _host_info(self, info, perf):
        """host_get_info's dict from ``_host_records()``."""
        cp_level = info.get('CP_LEVEL') or {}
        storage = info.get('STORAGE') or {}
        version = cp_level.get('VERSION', '0.0.0')
        try:
            hv_version = int(version.replace('.', ''))
        except ValueError:
            hv_version = 0
        online = storage.get('ONLINE') or storage.get('CONFIGURED') or '0M'
        memory_mb = units.parse_memory(online) / (1024.0 * 1024.0)
        in_use_pages = int(perf.get('MEMORY_IN_USE') or 0)
        cpus = int(perf.get('CPU_COUNT') or 0)
        avg = str(perf.get('CPU_AVERAGE_USE') or '0%').rstrip('%') or '0'
        disk = self.host_diskpool_get_info() if self.default_disk_pool else \
            {'disk_total': 0, 'disk_used': 0, 'disk_available': 0}
        return {
            'zcc_userid': self.client.userid,
            'zvm_host': self.client.host,
            'vcpus': cpus,
            'vcpus_used': int(round(cpus * float(avg) / 100.0)),
            'cpu_info': {'architecture': 's390x', 'cec_model': (info.get('CPUID') or {}).get('ID', '')},
            'memory_mb': memory_mb,
            'memory_mb_used': in_use_pages * 4 / 1024.0,
            'hypervisor_type': 'zvm',
            'hypervisor_version': hv_version,
            'hypervisor_hostname': self.client.host,
            'ipl_time': 'IPL at %s %s %s' % (cp_level.get('IPL_DATE', ''), cp_level.get('IPL_TIME', ''),
                                             cp_level.get('IPL_TIME_ZONE', '')),
            'disk_total': disk['disk_total'],
            'disk_used': disk['disk_used'],
            'disk_available': disk['disk_available'],
        }

    def _pool_records(self, query_type, pool):
        reply = self._call('Image_Volume_Space_Query_DM', self.client.userid, query_type=query_type,
                           entry_type=ENTRY_GROUP, entry_names=pool)
        return [r.split() for r in reply.get('record_array') or [] if r.strip()]

    def host_diskpool_get_info(self, disk_pool=None, details=False):
        """Space of one or more pools ('ECKD:POOL1', or several separated by
        commas; default: the SDK's default pool).

        details=False: {'disk_total', 'disk_used', 'disk_available'} in GB,
        summed over the pools.  details=True: {pool: [{'volume_name',
        'device_type', 'start_cylinder', 'free_size', 'dasd_group',
        'region_name'}]} from the pools' free extents.
        """
        pools = disk_pool if disk_pool is not None else self.default_disk_pool
        if isinstance(pools, str):
            pools = [p.strip() for p in pools.split(',') if p.strip()]
        if not pools:
            return {} if details else {'disk_total': 0, 'disk_used': 0, 'disk_available': 0}
        total = used = free = 0
        detail = {}
        for pool in pools:
            _kind, name = disk_specs.parse_pool(pool)
            free_records = self._pool_records(QUERY_FREE, name)
            used_records = self._pool_records(QUERY_USED, name)
            if details:
                detail[name] = [{'volume_name': r[0], 'device_type': r[1], 'start_cylinder': int(r[2]),
                                 'free_size': int(r[3]), 'dasd_group': name,
                                 'region_name': r[4] if len(r) > 4 else r[0]} for r in free_records if len(r) >= 4]
                continue
            f = sum(int(r[3]) * _unit_bytes(r[1]) for r in free_records if len(r) >= 4)
            u = sum(int(r[3]) * _unit_bytes(r[1]) for r in used_records if len(r) >= 4)
            free += f
            used += u
            total += f + u
        if details:
            return detail
        return {'disk_total': int(round(total / float(GB))), 'disk_used': int(round(used / float(GB))),
                'disk_available': int(round(free / float(GB)))}

    def guest_inspect_stats(self, userid_list):
        """CPU and memory statistics of running guests, from one
        Image_Performance_Query for all of them.  Guests that are logged
        off or missing have no entry, as in zvmsdk.  (zvmsdk raises for
        guests it did not create; here every guest of the directory counts.)"""
        userids = canonical_userids(userid_list)
        if not userids:
            return {}
        reply = self._call('Image_Performance_Query', self.client.userid, userid_list=userids, ok=[(4, 4)])
        out = {}
        for rec in reply.get('performance_records') or []:
            name = (rec.get('guest_name') or '').strip().upper()
            out[name] = {
                'guest_cpus': rec['guest_cpus'],
                'used_cpu_time_us': rec['used_cpu_time'],
                'elapsed_cpu_time_us': rec['elapsed_cpu_time'],
                'min_cpu_count': rec['min_cpu_count'],
                'max_cpu_limit': rec['max_cpu_limit'],
                'samples_cpu_in_use': rec['samples_cpu_in_use'],
                'samples_cpu_delay': rec['samples_cpu_delay'],
                'used_mem_kb': rec['used_memory'],
                'max_mem_kb': rec['max_memory'],
                'min_mem_kb': rec['min_memory'],
                'shared_mem_kb': rec['shared_memory'],
            }
        return out

    def guest_inspect_vnics(self, userid_list):
        """Traffic counters of the guests' NICs that are coupled to a virtual
        switch, from one Virtual_Network_Vswitch_Query_Byte_Stats of every
        switch: {USERID: [{'vswitch_name', 'nic_vdev', 'nic_fr_rx',
        'nic_fr_tx', 'nic_fr_rx_dsc', 'nic_fr_tx_dsc', 'nic_fr_rx_err',
        'nic_fr_tx_err', 'nic_rx', 'nic_tx'}]} (counters are ints).  Only
        logged-on guests have coupled NICs; guests that are off, missing or
        without a coupled NIC have no entry."""
        wanted = canonical_userids(userid_list)
        if not wanted:
            return {}
        out = dict((u, []) for u in wanted)
        for sw in self._vswitch_byte_stats():
            for nic in sw.get('nic_array') or []:
                owner, _sep, vdev = str(nic.get('nic_id') or '').strip().partition(' ')
                owner = owner.upper()
                if owner not in out:
                    continue
                entry = {'vswitch_name': str(sw.get('switch_name') or '').strip().upper(),
                         'nic_vdev': vdev.strip().upper().zfill(4)}
                for key in VNIC_COUNTERS:
                    entry[key] = _counter(nic.get(key))
                out[owner].append(entry)
        return dict((u, nics) for u, nics in out.items() if nics)

    def _vswitch_byte_stats(self):
        """Virtual_Network_Vswitch_Query_Byte_Stats records of every switch
        (none when the system has no switch)."""
        reply = self._call('Virtual_Network_Vswitch_Query_Byte_Stats', self.client.userid, switch_name='*',
                           ok=[(212, 40)])
        return reply.get('vswitch_array') or []

    def _vswitch_details(self, name='*'):
        """Virtual_Network_Vswitch_Query_Extended records (attributes, real
        devices, access list, coupled NICs with their MAC addresses) of one
        switch or, for '*', of every switch, in one call; [] when none."""
        reply = self._call('Virtual_Network_Vswitch_Query_Extended', self.client.userid, switch_name=name,
                           ok=[(212, 40)])
        return reply.get('vswitch_array') or []

    def _logged_on_guests(self):
        """Every logged-on guest, from one Image_Status_Query of '*'."""
        reply = self._call('Image_Status_Query', '*')
        return [str(n).strip().upper() for n in reply.get('image_name_array') or [] if str(n).strip()]

    # -- console output ------------------------------------------------------------------------
    def guest_get_console_output(self, userid):
        """The guest's console output since the previous call, as text.

        Image_Console_Get closes the guest's console spool file and sends it
        to the SMAPI user's reader; no SMAPI function returns the file's
        contents, so, as zvmsdk does on its management node, the file is
        read with the reader command (``reader_command``, default ``vmur
        receive -H -t -O <spoolid>``, run where Ansible runs, or on
        ``reader_ssh_host`` over SSH with host key checking) and then
        purged with System_RDR_File_Manage.  The reader command must run on
        the Linux guest whose userid is the SMAPI user (its reader is where
        the file goes).  Console files of this guest left in that reader by
        an earlier failed read are read (oldest first) and purged too.

        Returns '' when the guest wrote nothing since the last call; raises
        SDKGuestOperationError when it is not logged on and
        SDKFunctionNotImplementError when no reader command is available.
        (zvmsdk also keeps a log of earlier output on its management node;
        this SDK keeps no local state.)
        """
        userid = check_userid(userid)
        command = self._reader_command()
        try:
            self._call('Image_Console_Get', userid)
        except SmapiRequestError as e:
            if not e.matches(8, 8):
                raise
            if self._power_state(userid) == POWER_OFF:
                raise SDKGuestOperationError("guest '%s' is not logged on, so it has no console output" % userid,
                                             rs=1)
            return ''
        spoolids = self._console_files(userid)
        parts = [self._read_reader_file(command, spoolid) for spoolid in spoolids]
        if spoolids:
            self._call('System_RDR_File_Manage', self.client.userid, spoolids=' '.join(spoolids), action='PURGE',
                       ok=[(8, 3003)])
        return ''.join(parts)

    def _reader_command(self):
        command = getattr(self, 'reader_command', None)
        if command:
            if isinstance(command, str):
                command = command.split()
            return list(command)
        if getattr(self, 'reader_ssh_host', None):
            return list(DEFAULT_READER_COMMAND)
        if shutil.which(DEFAULT_READER_COMMAND[0]) is None:
            raise SDKFunctionNotImplementError(
                'guest_get_console_output needs a reader command to read the spool file Image_Console_Get sends '
                "to %s's reader, and vmur is not on PATH here: run it on the Linux guest %s (with vmur from "
                's390-tools and its reader online), or set reader_ssh_host or reader_command'
                % (self.client.userid, self.client.userid))
        return list(DEFAULT_READER_COMMAND)

    def _console_files(self, userid):
        """Spool ids (as CP shows them) of the console files of ``userid`` in
        the SMAPI user's reader, in reader order."""
        try:
            reply = self._call('System_RDR_File_Query', self.client.userid)
        except SmapiRequestError as e:
            if e.matches(8, 4):     # no reader files
                return []
            raise
        out = []
        for f in reply.get('rdr_file_info') or []:
            if (str(f.get('originid') or '').strip().upper() == userid
                    and str(f.get('type') or '').strip().upper() == 'CONSOLE'
                    and str(f.get('file') or '').strip().isdigit()):
                out.append('%d' % int(f['file']))
        return out

    def _read_reader_file(self, command, spoolid):
        argv = reader_argv(command, spoolid, getattr(self, 'reader_ssh_host', None))
        try:
            proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=READER_TIMEOUT,
                                  check=False)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise SDKInternalError('reading reader file %s with %s failed: %s' % (spoolid, argv[0], e))
        if proc.returncode != 0:
            why = proc.stderr.decode('utf-8', 'replace').strip().splitlines()
            raise SDKInternalError('reading reader file %s with %s failed (exit %d): %s'
                                   % (spoolid, ' '.join(argv[:3]), proc.returncode,
                                      why[-1] if why else 'no message'))
        return proc.stdout.decode('utf-8', 'replace')
