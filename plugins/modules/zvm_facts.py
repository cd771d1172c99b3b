#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: zvm_facts
short_description: Gather facts about a z/VM system, its disk pools, guests and virtual switches
version_added: 0.1.0
description:
  - Reads what is on a z/VM system over SMAPI and returns it as the C(zvm) fact
    (C(ansible_facts.zvm)) - the host, each disk pool, each guest, each virtual switch
    and per-guest statistics.
  - Every guest in the z/VM directory is reported, whoever created it.
  - Bulk SMAPI queries serve all guests at once, so the cost does not grow with the
    number of guests. The V(definitions) subset reads the whole directory with one
    Query_All_DM; when the server refuses that (the SMAPI user is not authorized for it,
    or the server does not have it), it reads each guest's directory entry instead, on up
    to O(max_connections) connections at once, and says so in RV(ansible_facts.zvm.directory_read).
  - Read-only; it never reports a change. Its result is only facts (and C(changed)).
  - With V(preflight), it tries each capability the collection needs, read-only, and reports which ones the
    SMAPI user is not authorized for, or the server does not have, and what to set up (RV(ansible_facts.zvm.preflight)).
author:
  - zvm.cloud maintainers (@zvm-cloud)
extends_documentation_fragment:
  - zvm.cloud.smapi
  - zvm.cloud.node
  - zvm.cloud.attributes.facts
options:
  gather_subset:
    description:
      - What to gather. V(host) is the z/VM level, storage and CPUs (2 SMAPI calls);
        V(diskpools) each DirMaint group with its total, used and free space per volume
        (1 call, plus 2 per pool); V(guests) each guest's name and power state (2 calls);
        V(definitions) adds what each guest's directory entry says (profile, memory,
        CPUs, IPL, disks, NICs; 1 call, or 1 per guest when Query_All_DM is refused) and the files waiting in
        its reader (1 call per guest, see O(reader_files)); V(vswitches) each virtual switch with
        its grants and connected NICs (1 call); V(nics) adds each running guest's NICs
        coupled now, with MAC addresses and traffic counters (2 calls); V(stats) adds the
        CPU and memory statistics of each running guest (1 call); V(all) is everything above.
      - V(preflight) tries each capability the collection uses with a read-only request (18 calls) and
        reports what is missing; it is gathered only when named, never as part of V(all).
      - V(images) lists the images of the repository on the access node (the O(node_host) options; no SMAPI
        call); it is gathered only when named, never as part of V(all).
      - V(volumes) lists the FCP devices (free or not, owner, WWPNs, CHPID) and the FCP volumes recorded in
        the directory entries of the guests that dedicate one (3 calls, or 2 plus 1 per such guest when
        Query_All_DM is refused); it is gathered only when named, never as part of V(all).
      - Prefix a subset with C(!) to leave it out, for example V([all, "!definitions"]).
        Only exclusions mean everything but those (V(preflight) excepted).
      - V(definitions), V(nics) and V(stats) add to the guests, so naming one of them
        gathers V(guests) too.
    type: list
    elements: str
    default: [all]
  guests:
    description:
      - Limit the guests to these userids or patterns (C(*), C(?) and C([...]) as
        wildcards, case-insensitive), for example V([LINUX*, WEB01]). Default all guests.
    type: list
    elements: str
  max_connections:
    description:
      - How many SMAPI requests may run at once while reading the guests' directory
        entries one by one (V(definitions) when Query_All_DM is refused) and their readers
        (O(reader_files)). V(1) reads them one after the other; the result is the same either way.
    type: int
    default: 8
  reader_files:
    description:
      - With V(definitions), also the files waiting in each guest's reader (RV(ansible_facts.zvm.guests)), such as
        the first-boot files M(zvm.cloud.zvm_guest) punched for a guest that has not booted yet. One
        System_RDR_File_Query per guest, on up to O(max_connections) connections at once; V(false) saves them.
    type: bool
    default: true
notes:
  - Sizes of disk pools are given in the units of the volumes (3390 cylinders or 512-byte
    FBA blocks) and in bytes; a volume's total is its free plus used space in the pool, as
    DirMaint reports them.
  - Guests logged off have no statistics and no coupled NICs.
  - Statements in INCLUDEd profiles are not merged into the guests' definitions.
  - Ansible masks every occurrence of the O(smapi_password) value in module results. A password that
    equals a userid (MAINT on a test system) therefore masks that name in the facts; z/VM compares
    passwords without regard to case unless mixed-case passwords are enabled.
  - SMAPI functions this module uses, so that the SMAPI user can be authorized for exactly these (the guide
    C(docs/before-you-start.md) in the collection says which option needs which). Directory functions, authorized
    in DirMaint too - Image_Lock_Query_DM (V(preflight) only), Image_Name_Query_DM, Image_Query_DM,
    Image_Volume_Space_Query_DM, Profile_Query_DM (V(preflight) only), Query_All_DM. CP and system functions -
    Check_Authentication (V(preflight) only), Image_CPU_Query (V(preflight) only), Image_Performance_Query,
    Image_Status_Query, System_Information_Query, System_Performance_Information_Query,
    System_RDR_File_Query (V(definitions) with O(reader_files), V(preflight)),
    Virtual_Network_Adapter_Query_Extended (V(preflight) only), Virtual_Network_Vswitch_Query_Byte_Stats,
    Virtual_Network_Vswitch_Query_Extended, System_WWPN_Query (V(volumes), V(preflight)),
    Directory_Manager_Search_DM (V(volumes), V(preflight)).
seealso:
  - module: zvm.cloud.zvm_guest
'''

EXAMPLES = r'''
- name: Everything about the z/VM system
  zvm.cloud.zvm_facts:
    smapi_host: zvm1.example.com
    smapi_user: MAINT
    smapi_password: "{{ vault_smapi_password }}"

- name: Just the guests and their power states (a fixed number of SMAPI calls)
  zvm.cloud.zvm_facts:
    gather_subset: guests

- name: Definitions and statistics of the Linux guests
  zvm.cloud.zvm_facts:
    gather_subset: [definitions, stats]
    guests: ['LINUX*']

- name: Everything but the guests' directory entries
  zvm.cloud.zvm_facts:
    gather_subset: [all, "!definitions"]

- name: Guests that are off
  ansible.builtin.debug:
    msg: "{{ zvm.guests | dict2items | selectattr('value.power_state', 'eq', 'off') | map(attribute='key') | list }}"

- name: Free space in POOL1
  ansible.builtin.debug:
    msg: "{{ zvm.diskpools.POOL1.free_bytes | human_readable }}"

- name: The images of the repository on the access node
  zvm.cloud.zvm_facts:
    gather_subset: images
    node_host: zvmnode.example.com
    node_user: root

- name: Before the first run, what the SMAPI user may not do yet
  zvm.cloud.zvm_facts:
    gather_subset: preflight

- name: Stop here when a capability is refused, saying what to set up
  ansible.builtin.assert:
    that: zvm.preflight | selectattr('ok', 'sameas', false) | list | length == 0
    fail_msg: "{{ zvm.preflight | selectattr('ok', 'sameas', false) | map(attribute='hint') | list }}"
'''

RETURN = r'''
ansible_facts:
  description: Facts to add to the host's variables.
  returned: always
  type: dict
  contains:
    zvm:
      description: The z/VM system, with one key per gathered subset.
      returned: always
      type: dict
      contains:
        gather_subset:
          description: The subsets gathered.
          returned: always
          type: list
          elements: str
          sample: [host, guests]
        host:
          description:
            - The host. The keys of zvmsdk's C(host_get_info) (C(zcc_userid), C(zvm_host), C(vcpus),
              C(vcpus_used), C(cpu_info), C(memory_mb), C(memory_mb_used), C(hypervisor_type),
              C(hypervisor_version), C(hypervisor_hostname), C(ipl_time), C(disk_total), C(disk_used),
              C(disk_available)) and C(level), C(service_level), C(cpuid), C(storage), C(cpus),
              C(cpu_average_use_percent), C(memory_pages_total), C(memory_pages_in_use) and C(lpar).
          returned: when V(host) is gathered
          type: dict
          sample:
            level: 7.3.0
            service_level: '2301'
            storage: 64G
            cpus: 4
            memory_mb: 65536.0
            hypervisor_version: 730
            ipl_time: IPL at 2025-01-15 03:00:00 EST
            lpar: LP1
        diskpools:
          description:
            - One entry per DirMaint group (disk pool), by name, with C(name), C(type) (V(ECKD) or V(FBA)),
              C(unit) (V(cylinders) or V(blocks)), C(total), C(used), C(free) in those units,
              C(total_bytes), C(used_bytes), C(free_bytes), and C(volumes), a list of the same figures per
              volume (with C(volume) and C(devtype)).
          returned: when V(diskpools) is gathered
          type: dict
          sample:
            POOL1:
              name: POOL1
              type: ECKD
              unit: cylinders
              total: 60100
              used: 2914
              free: 57186
              total_bytes: 44310528000
              used_bytes: 2148433920
              free_bytes: 42162094080
              volumes:
                - {volume: LX0100, devtype: '3390', total: 30050, used: 2914, free: 27136,
                   total_bytes: 22155264000, used_bytes: 2148433920, free_bytes: 20006830080}
        guests:
          description:
            - One entry per guest, by userid, in the directory's order, with C(userid) and C(power_state)
              (V(on) when logged on, V(off) when not).
            - With V(definitions) also C(profile), C(memory) (logon storage, such as V(4G)), C(memory_mb),
              C(max_memory), C(max_memory_mb), C(vcpus), C(max_vcpus), C(privileges), C(ipl), C(disks) (each
              minidisk with C(vdev), C(devtype), C(type), C(start), C(size), C(size_bytes), C(volser), C(mode)),
              C(nics) (each NICDEF with C(vdev), C(type), C(vswitch), C(lan_owner), C(lan_name), C(vlan),
              C(macid) and more) and C(comments) (the entry's comment records).
            - With V(definitions) and O(reader_files), C(reader_files), the files waiting in the guest's reader,
              C(count) and C(files) (each with C(spoolid), C(name), C(type), C(class), C(origin), C(records)), in
              reader order; null when the SMAPI user may not read that reader.
            - With V(stats), for running guests, C(stats) with zvmsdk's C(guest_inspect_stats) keys
              (C(guest_cpus), C(used_cpu_time_us), C(elapsed_cpu_time_us), C(min_cpu_count), C(max_cpu_limit),
              C(samples_cpu_in_use), C(samples_cpu_delay), C(used_mem_kb), C(max_mem_kb), C(min_mem_kb),
              C(shared_mem_kb)).
            - With V(nics), C(active_nics), the NICs coupled to a virtual switch now, each with C(vdev),
              C(vswitch), C(mac_address), C(type), C(rx_bytes), C(tx_bytes), C(rx_frames), C(tx_frames),
              C(rx_discarded), C(tx_discarded), C(rx_errors) and C(tx_errors); empty for guests that are off.
          returned: when V(guests) is gathered
          type: dict
          sample:
            LINUX01:
              userid: LINUX01
              power_state: 'on'
              profile: IBMDFLT
              memory: 4G
              memory_mb: 4096
              max_memory: 8G
              vcpus: 2
              max_vcpus: 4
              ipl: '0100'
              disks: [{vdev: '0100', devtype: '3390', type: perm, start: 1, size: 1457, volser: LX0100, mode: MR}]
              nics: [{vdev: '1000', type: QDIO, vswitch: VSW1, vlan: null}]
              stats: {guest_cpus: 2, used_cpu_time_us: 8903, used_mem_kb: 4194304, max_mem_kb: 8388608}
              reader_files: {count: 0, files: []}
            LINUX02:
              userid: LINUX02
              power_state: 'off'
        directory_read:
          description:
            - How the directory entries were read for V(definitions). V(query_all) is one Query_All_DM for
              the whole directory; V(per_guest) is one Image_Query_DM per guest, because the server refused
              Query_All_DM (not authorized, or not available). Null when no guest's entry was to be read.
          returned: when V(definitions) is gathered
          type: str
          sample: query_all
        preflight:
          description:
            - One entry per capability, in order; C(capability) (what it is, such as V(read the whole directory)),
              C(functions) (the SMAPI functions it takes), C(ok) (V(true) when the server answered, V(false)
              when it refused or failed, null when not checked), C(rc) and C(rs) (the return and reason code;
              null when no answer came), C(meaning) (what was found, or IBM's meaning of the code, or why it was
              not checked) and C(hint) (what to set up on z/VM; null when nothing is to be done).
            - The first entry, V(connect and authenticate) (Check_Authentication), says whether SMAPI answers and
              accepts the user; when it does not, the other capabilities are not checked.
            - The changes (directory, CP, virtual switch) are never tried, since that needs a write; their entries
              list the functions to authorize, with C(ok) null.
          returned: when V(preflight) is gathered
          type: list
          elements: dict
          sample:
            - {capability: connect and authenticate, functions: [Check_Authentication], ok: true, rc: 0, rs: 0,
               meaning: ANSIBLE authenticated, hint: null}
            - {capability: read the whole directory, functions: [Query_All_DM], ok: false, rc: 100, rs: 12,
               meaning: Request not authorized by directory manager,
               hint: "optional: without it, each guest's entry is read by itself (one request per guest). DirMaint
                 refused it: authorize ANSIBLE in DirMaint for all entries: ..."}
            - {capability: directory changes, functions: [Image_Create_DM, Image_Lock_DM], ok: null, rc: null,
               rs: null, meaning: 'not checked: it needs a write (used by zvm_guest and zvm_nic)',
               hint: authorize ANSIBLE for these functions ...}
        images:
          description:
            - One entry per image of the repository on the access node, by name, with the keys of
              the C(image) result of M(zvm.cloud.zvm_image) (C(imagename), C(imageosdistro),
              C(md5sum), C(sha256sum), C(disk_size_units), C(image_size_in_bytes), C(type), C(format),
              C(root_vdev), C(disks), C(comments), C(image_path), C(last_access_time)). An image whose metadata
              is incomplete or invalid (an interrupted import) is not listed.
          returned: when V(images) is gathered
          type: dict
          sample:
            rhel94-base: {imagename: rhel94-base, imageosdistro: rhel9.4, md5sum: 2f1d3e6c0a9b8d7c6e5f4a3b2c1d0e9f,
                          disk_size_units: '3338:CYL', image_size_in_bytes: 1014327296, type: rootonly}
        volumes:
          description:
            - C(fcp_devices), one entry per FCP device of the system, by device number, with C(fcp), C(chpid),
              C(npiv_wwpn), C(physical_wwpn), C(status) (V(free), V(active) or V(offline), as CP reports it),
              C(attached_to) (the running guest that has it), C(dedicated_to) (the guests whose directory entry
              dedicates it) and C(free) (a volume may take it).
            - C(guests), by userid, the volumes recorded in each guest's directory entry (see the C(volume) result
              of M(zvm.cloud.zvm_volume)).
          returned: when V(volumes) is gathered
          type: dict
          sample:
            fcp_devices:
              1A00: {fcp: 1A00, chpid: '50', npiv_wwpn: c05076ffff000100, physical_wwpn: c05076ffff005000,
                     status: active, attached_to: LINUX01, dedicated_to: [LINUX01], free: false}
            guests:
              LINUX01: [{id: 1FAFCDE0, lun: '4001400000000000', fcps: ['1A00', '1B00'],
                         wwpns: ['500507680b21ac40'], mount_point: /dev/data01, multipath: true}]
        smapi_calls:
          description: Number of SMAPI requests this run made, split into reads and writes (always no writes).
          returned: always
          type: dict
          sample: {reads: 2, writes: 0}
        vswitches:
          description:
            - One entry per virtual switch, by name, with C(name), C(transport_type), C(vlan_aware), C(vlan_id),
              C(native_vlan_id), C(port_type), C(switch_type), C(status) (text), C(status_code), C(mac_address),
              C(real_devices) (C(rdev), C(vdev), C(controller), C(port_name), C(status)), C(grants) (each
              authorized user with C(userid), C(vlan_ids), C(promiscuous), C(port_number)) and C(connected_nics)
              (each coupled NIC with C(userid), C(vdev), C(mac_address), C(type)).
          returned: when V(vswitches) is gathered
          type: dict
          sample:
            VSW1:
              name: VSW1
              vlan_aware: false
              status: OSA device ready
              grants: [{userid: LINUX01, vlan_ids: [], promiscuous: false, port_number: '0000'}]
              connected_nics: [{userid: LINUX01, vdev: '1000', mac_address: '02:00:00:0E:4E:8E', type: QDIO}]
'''

from ansible_collections.zvm.cloud.plugins.module_utils import gather
from ansible_collections.zvm.cloud.plugins.module_utils.base import Plan, Run, run_module
from ansible_collections.zvm.cloud.plugins.module_utils.node import options as node_options


def argument_spec():
    spec = dict(
        gather_subset=dict(type='list', elements='str', default=['all']),
        guests=dict(type='list', elements='str'),
        max_connections=dict(type='int', default=gather.DEFAULT_MAX_CONNECTIONS),
        reader_files=dict(type='bool', default=True),
    )
    spec.update(node_options.argument_spec())
    return spec


class FactsRun(Run):
    """Read-only: the state is the facts, the plan is always empty, and
    the result is only facts (the frame puts smapi_calls into the zvm fact)."""

    FACTS = 'zvm'

    def error_context(self):
        return {}       # nothing is ever done or undone

    def read(self):
        subsets = gather.resolve_subsets(self.p['gather_subset'])
        patterns = gather.check_patterns(self.p['guests'], 'guests')
        connections = gather.check_max_connections(self.p['max_connections'])
        return gather.gather(self.sdk, subsets, guests=patterns, max_connections=connections,
                             reader_files=self.p['reader_files'])

    def plan(self, state):
        return Plan()

    def report(self, state, plan, after):
        return {'ansible_facts': {'zvm': state}}


def main():
    run_module(argument_spec(), FactsRun)


if __name__ == '__main__':
    main()
