# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SDKAPI host and monitoring methods."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zvm.cloud.plugins.module_utils import units
from ansible_collections.zvm.cloud.plugins.module_utils.sdk import disks as disk_specs
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.base import check_userid
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import SDKInvalidInputFormat

GB = 1024 ** 3

# Image_Volume_Space_Query_DM query and entry types
QUERY_DEFINITION, QUERY_FREE, QUERY_USED = 1, 2, 3
ENTRY_VOLUME, ENTRY_REGION, ENTRY_GROUP = 1, 2, 3


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


class HostMixin:
    """Host and monitoring methods of SDKAPI."""

    def host_get_guest_list(self):
        """Every userid in the z/VM directory."""
        return self.guest_list()

    def host_get_info(self):
        """The z/VM host: level, storage, CPUs and the default disk pool's
        space (the zvmsdk keys)."""
        info = keyword_records(self._call('System_Information_Query', self.client.userid)
                               .get('system_information_data'))
        perf = keyword_records(self._call('System_Performance_Information_Query', self.client.userid,
                                          system_performance_information_list=[])
                               .get('system_performance_information_data'))
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
        off or missing have no entry, as in zvmsdk."""
        if isinstance(userid_list, str):
            userid_list = [userid_list]
        if not isinstance(userid_list, (list, tuple)):
            raise SDKInvalidInputFormat('userid_list must be a userid or a list of userids')
        userids = [check_userid(u, 'userid_list') for u in userid_list]
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
