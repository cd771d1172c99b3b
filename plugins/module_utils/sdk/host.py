# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SDKAPI host and monitoring methods: zvmsdk's names and return shapes over
``operations.host`` (the system), ``operations.disks`` (the pools) and
``operations.vswitches`` (NIC counters)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import shutil

from ansible_collections.zvm.cloud.plugins.module_utils import units
from ansible_collections.zvm.cloud.plugins.module_utils.node.errors import NodeError
from ansible_collections.zvm.cloud.plugins.module_utils.node.runner import LocalRunner
from ansible_collections.zvm.cloud.plugins.module_utils.operations import disks, host, power, vswitches
from ansible_collections.zvm.cloud.plugins.module_utils.planners import disks as disk_specs
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.base import POWER_OFF, check_userid
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import (
    SDKFunctionNotImplementError, SDKGuestOperationError, SDKInternalError, SDKInvalidInputFormat,
    SDKObjectNotExistError,
)

GB = 1024 ** 3

# guest_inspect_vnics: Virtual_Network_Vswitch_Query_Byte_Stats NIC counters, in zvmsdk's names
VNIC_COUNTERS = ('nic_fr_rx', 'nic_fr_tx', 'nic_fr_rx_dsc', 'nic_fr_tx_dsc', 'nic_fr_rx_err', 'nic_fr_tx_err',
                 'nic_rx', 'nic_tx')

# guest_get_console_output: how a reader file is read (the spool id is appended, or replaces
# '{spoolid}'); -H keeps the file, which is then purged over SMAPI once it was read
DEFAULT_READER_COMMAND = ('vmur', 'receive', '-H', '-t', '-O')
READER_TIMEOUT = 120

NO_DISK = {'disk_total': 0, 'disk_used': 0, 'disk_available': 0}


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


def host_info(info, perf, userid, hostname, disk=None):
    """host_get_info's dict (zvmsdk's keys) from ``operations.host``'s
    ``system_information`` (``info``) and ``system_performance``
    (``perf``); ``disk`` is host_diskpool_get_info's summary (zeros when
    None)."""
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
    disk = disk or NO_DISK
    return {
        'zcc_userid': userid,
        'zvm_host': hostname,
        'vcpus': cpus,
        'vcpus_used': int(round(cpus * float(avg) / 100.0)),
        'cpu_info': {'architecture': 's390x', 'cec_model': (info.get('CPUID') or {}).get('ID', '')},
        'memory_mb': memory_mb,
        'memory_mb_used': in_use_pages * 4 / 1024.0,
        'hypervisor_type': 'zvm',
        'hypervisor_version': hv_version,
        'hypervisor_hostname': hostname,
        'ipl_time': 'IPL at %s %s %s' % (cp_level.get('IPL_DATE', ''), cp_level.get('IPL_TIME', ''),
                                         cp_level.get('IPL_TIME_ZONE', '')),
        'disk_total': disk['disk_total'],
        'disk_used': disk['disk_used'],
        'disk_available': disk['disk_available'],
    }


def stats_of(record):
    """guest_inspect_stats' figures (zvmsdk's keys) from one
    Image_Performance_Query record."""
    return {
        'guest_cpus': record['guest_cpus'],
        'used_cpu_time_us': record['used_cpu_time'],
        'elapsed_cpu_time_us': record['elapsed_cpu_time'],
        'min_cpu_count': record['min_cpu_count'],
        'max_cpu_limit': record['max_cpu_limit'],
        'samples_cpu_in_use': record['samples_cpu_in_use'],
        'samples_cpu_delay': record['samples_cpu_delay'],
        'used_mem_kb': record['used_memory'],
        'max_mem_kb': record['max_memory'],
        'min_mem_kb': record['min_memory'],
        'shared_mem_kb': record['shared_memory'],
    }


def reader_argv(command, spoolid):
    """The argv that prints reader file ``spoolid``: ``command`` with the
    spool id in place of '{spoolid}' (appended when absent)."""
    spool = '%d' % int(spoolid)
    argv = [str(a) for a in command]
    if any('{spoolid}' in a for a in argv):
        argv = [a.replace('{spoolid}', spool) for a in argv]
    else:
        argv.append(spool)
    return argv


def read_reader_file(command, spoolid, runner=None):
    """The text of reader file ``spoolid``, printed by ``command`` (see
    reader_argv), run by ``runner`` (the access node's; default: here);
    SDKInternalError when the command fails."""
    argv = reader_argv(command, spoolid)
    runner = runner or LocalRunner(READER_TIMEOUT)
    try:
        result = runner.run(argv, timeout=READER_TIMEOUT)
    except NodeError as e:
        raise SDKInternalError('reading reader file %s with %s failed: %s' % (spoolid, argv[0], e))
    if result.rc != 0:
        why = result.err.strip().splitlines()
        raise SDKInternalError('reading reader file %s with %s failed (exit %d): %s'
                               % (spoolid, ' '.join(argv[:3]), result.rc, why[-1] if why else 'no message'))
    return result.out.decode('utf-8', 'replace')


def console_reader(command, node, smapi_user):
    """How guest_get_console_output reads a reader file (a function of the
    spool id): ``command`` (a list, or a string split on blanks) when set,
    run on the access node when there is one; else the access node's vmur,
    when the node is the SMAPI user's guest (Image_Console_Get sends the
    file to the SMAPI user's reader); else vmur here, when it is on PATH.
    SDKFunctionNotImplementError when there is no way."""
    if command:
        argv = command.split() if isinstance(command, str) else list(command)
        runner = node.runner if node is not None else None
        return lambda spoolid: read_reader_file(argv, spoolid, runner)
    if node is not None:
        if node.userid() != smapi_user.upper():
            raise SDKFunctionNotImplementError(
                "guest_get_console_output: Image_Console_Get sends the console file to %s's reader, and the access "
                "node is %s, which cannot read it: use the SMAPI user's own guest as the node, or set "
                'reader_command' % (smapi_user, node.userid()))
        return node.read_reader_file
    if shutil.which(DEFAULT_READER_COMMAND[0]) is None:
        raise SDKFunctionNotImplementError(
            'guest_get_console_output needs a reader command to read the spool file Image_Console_Get sends '
            "to %s's reader, and vmur is not on PATH here: run it on the Linux guest %s (with vmur from "
            's390-tools and its reader online), make that guest the access node (node_host), or set '
            'reader_command' % (smapi_user, smapi_user))
    return lambda spoolid: read_reader_file(DEFAULT_READER_COMMAND, spoolid)


class HostMixin:
    """Host and monitoring methods of SDKAPI."""

    def host_get_guest_list(self):
        """Every userid in the z/VM directory."""
        return self.guest_list()

    def host_get_info(self):
        """The z/VM host: level, storage, CPUs and the default disk pool's
        space (the zvmsdk keys)."""
        info = host.system_information(self.session)
        perf = host.system_performance(self.session)
        return host_info(info, perf, self.client.userid, self.client.host, self.host_diskpool_get_info())

    def host_diskpool_get_info(self, disk_pool=None, details=False):
        """Space of one or more pools ('ECKD:POOL1', or several separated by
        commas; default: the SDK's default pool).

        details=False: {'disk_total', 'disk_used', 'disk_available'} in GB,
        summed over the pools.  details=True: {pool: [{'volume_name',
        'device_type', 'start_cylinder', 'free_size', 'dasd_group',
        'region_name'}]} from the pools' free extents.  A pool DirMaint does
        not have raises SDKObjectNotExistError.
        """
        pools = disk_pool if disk_pool is not None else self.default_disk_pool
        if isinstance(pools, str):
            pools = [p.strip() for p in pools.split(',') if p.strip()]
        if not pools:
            return {} if details else dict(NO_DISK)
        total = used = free = 0
        detail = {}
        for pool in pools:
            _kind, name = disk_specs.parse_pool(pool)
            free_records = disks.space_records(self.session, disks.QUERY_FREE, disks.ENTRY_GROUP, name)
            used_records = disks.space_records(self.session, disks.QUERY_USED, disks.ENTRY_GROUP, name)
            if not free_records and not used_records and not disks.pool_exists(self.session, name):
                raise SDKObjectNotExistError("disk pool '%s' is not a DirMaint group" % name, rs=2)
            if details:
                detail[name] = [{'volume_name': r[0], 'device_type': r[1], 'start_cylinder': int(r[2]),
                                 'free_size': int(r[3]), 'dasd_group': name,
                                 'region_name': r[5] if len(r) > 5 else r[0]} for r in free_records if len(r) >= 4]
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
        out = {}
        for rec in host.performance_records(self.session, userids):
            out[(rec.get('guest_name') or '').strip().upper()] = stats_of(rec)
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
        for sw in vswitches.byte_stats(self.session):
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

    # -- console output ------------------------------------------------------------------------
    def guest_get_console_output(self, userid):
        """The guest's console output since the previous call, as text.

        Image_Console_Get closes the guest's console spool file and sends it
        to the SMAPI user's reader; no SMAPI function returns the file's
        contents, so, as zvmsdk does on its management node, the file is
        read with ``vmur receive -H -t -O <spoolid>`` on the access node
        (``node``), which must then be the SMAPI user's own Linux guest (its
        reader is where the file goes), or here when there is no node and
        vmur is on PATH; ``reader_command`` replaces that command (run on
        the node when there is one).  The file is then purged with
        System_RDR_File_Manage.  Console files of this guest left in that
        reader by an earlier failed read are read (oldest first) and purged
        too.

        Returns '' when the guest wrote nothing since the last call; raises
        SDKGuestOperationError when it is not logged on and
        SDKFunctionNotImplementError (before any SMAPI call) when the file
        cannot be read.  (zvmsdk also keeps a log of earlier output on its
        management node; this SDK keeps no local state.)
        """
        userid = check_userid(userid)
        read = console_reader(getattr(self, 'reader_command', None), self.node, self.client.userid)
        if not host.console_to_reader(self.session, userid):
            if power.status(self.session, userid) == POWER_OFF:
                raise SDKGuestOperationError("guest '%s' is not logged on, so it has no console output" % userid,
                                             rs=1)
            return ''
        spoolids = host.console_files(self.session, userid)
        parts = [read(spoolid) for spoolid in spoolids]
        host.purge_reader_files(self.session, spoolids)
        return ''.join(parts)
