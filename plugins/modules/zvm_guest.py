#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: zvm_guest
short_description: Manage z/VM guests (virtual machines), their disks and power state
version_added: 0.1.0
description:
  - Declare a z/VM guest, its CPUs, memory, minidisks and NICs, and whether it runs.
    The module reads the guest's directory entry and CP state, then applies only
    the changes needed, over SMAPI.
  - A converged guest costs two SMAPI reads and no writes; three when it runs and O(nics) is set
    (one more for its active NICs).
  - Changes to the directory entry are made under Image_Lock_DM, with
    Image_Replace_DM, so concurrent changes by others are not lost.
  - Creation is all or nothing. If a disk cannot be made, for example because
    the pool is full, the new guest is deleted again and the error names the
    SMAPI function, return code, reason code and their meaning.
  - Guests made by other tools are managed like any other.
author:
  - zvm.cloud maintainers (@zvm-cloud)
extends_documentation_fragment:
  - zvm.cloud.smapi
attributes:
  check_mode:
    support: full
    description: Predicts exactly what would change and makes no SMAPI write.
  diff_mode:
    support: full
    description: Shows the directory entry before and after, as records, with passwords masked.
options:
  name:
    description:
      - The guest's userid, 1 to 8 characters.
    type: str
    required: true
    aliases: [userid]
  state:
    description:
      - V(present) makes sure the guest exists as declared and leaves its power state alone.
      - V(started) and V(stopped) also log it on or off; V(restarted) always restarts it
        (logging it on if it is off); V(paused) logs it on if needed and stops its virtual CPUs.
      - V(absent) logs the guest off and deletes its directory entry and minidisks.
    type: str
    choices: [present, absent, started, stopped, restarted, paused]
    default: present
  vcpus:
    description:
      - Number of virtual CPUs (CPU statements 00 to n-1). Defaults to 1 when the guest is created.
    type: int
  max_vcpus:
    description:
      - Maximum number of CPUs the guest may define (MACHINE statement). Defaults to O(vcpus) on creation.
    type: int
  memory:
    description:
      - Logon storage, with a unit (V(512M), V(4G)) or a number of megabytes. Required to create a guest.
    type: str
  max_memory:
    description:
      - Maximum storage, in the same form as O(memory). Defaults to O(memory) on creation.
    type: str
  profile:
    description:
      - The directory profile to INCLUDE, for example V(IBMDFLT). An empty string removes the INCLUDE.
    type: str
  password:
    description:
      - The logon password, or V(LBYONLY), V(NOLOG), V(AUTOONLY).
      - Used when the guest is created (default V(LBYONLY)); an existing guest's password is changed
        only when this option is set.
    type: str
  logonby:
    description:
      - Userids that may log on to this guest with their own password (LOGONBY). An empty list removes LOGONBY.
    type: list
    elements: str
  ipl:
    description:
      - What the guest IPLs at logon, a virtual device such as V(0100) or a system name such as V(CMS).
        An empty string removes the IPL statement. Defaults to the boot disk on creation.
    type: str
  account:
    description:
      - The ACCOUNT number. An empty string removes it.
    type: str
  disk_pool:
    description:
      - Default pool for O(disks) that name none, as V(ECKD:POOL1) or V(FBA:POOL2).
    type: str
  disks:
    description:
      - The guest's minidisks. Missing ones are created; existing ones must have the declared size.
      - A disk whose size or type differs is reported as an error that says what differs. The
        module never shrinks, grows or recreates a disk.
      - Disks that exist but are not listed are removed only with O(purge_disks=true).
    type: list
    elements: dict
    suboptions:
      vdev:
        description:
          - Virtual device number, 1 to 4 hex digits.
        type: str
        required: true
      size:
        description:
          - Size with a unit (V(512M), V(1G), V(20g)), rounded up to whole 3390 cylinders
            (737,280 bytes) or 512-byte FBA blocks; or a bare number of cylinders or blocks.
        type: str
        required: true
      disk_pool:
        description:
          - The DirMaint group to allocate from, as V(ECKD:NAME) or V(FBA:NAME). Defaults to O(disk_pool).
        type: str
      format:
        description:
          - V(none) leaves the disk unformatted, V(cms) has DirMaint CMS-format it.
          - V(swap) without a pool makes a V-DISK (virtual disk in storage) for swap, as zvmsdk does.
        type: str
        choices: [none, cms, swap]
        default: none
      mode:
        description:
          - Link mode of the minidisk.
        type: str
        default: MR
      is_boot_disk:
        description:
          - Make this the IPL device when the guest is created and O(ipl) is not set.
        type: bool
        default: false
  purge_disks:
    description:
      - Remove minidisks that exist but are not listed in O(disks).
    type: bool
    default: false
  nics:
    description:
      - The guest's QDIO NICs (NICDEF statements), each as M(zvm.cloud.zvm_nic) declares one; the same code
        does the work. Missing NICs are created, existing ones are made as declared.
      - A running guest's NICs are changed too (defined, coupled, uncoupled), as with
        M(zvm.cloud.zvm_nic) O(zvm.cloud.zvm_nic#module:active=true); for a guest that is off, the directory only.
      - NICs that exist but are not listed are removed only with O(purge_nics=true).
    type: list
    elements: dict
    suboptions:
      vdev:
        description:
          - Virtual device number of the NIC, 1 to 4 hex digits; it uses the next two as well.
        type: str
        required: true
      vswitch:
        description:
          - The virtual switch the NIC couples to; not set means coupled to none.
        type: str
      vlan_id:
        description:
          - The VLAN ID (1 to 4094) on the NICDEF, for a VLAN-aware switch; not set means none.
        type: int
      port_type:
        description:
          - The port type on the NICDEF, for a VLAN-aware switch; not set means none.
        type: str
        choices: [ACCESS, TRUNK]
      mac_address:
        description:
          - The MAC address (z/VM uses its last three bytes as the NICDEF MACID), or just the 6 hex
            digits of the MACID. Not set means left as it is.
        type: str
      nic_id:
        description:
          - An identifier of the NIC for other tools, kept with it in the directory (see
            M(zvm.cloud.zvm_nic) O(zvm.cloud.zvm_nic#module:nic_id)). Not set means left as it is.
        type: str
  purge_nics:
    description:
      - Remove NICs that exist but are not listed in O(nics) (from the running guest too).
    type: bool
    default: false
  stop_mode:
    description:
      - How V(stopped), V(restarted) and V(absent) stop a running guest. V(soft) signals its operating
        system to shut down and forces it off after O(stop_timeout) seconds; V(immediate) logs it off at once.
    type: str
    choices: [soft, immediate]
    default: soft
  stop_timeout:
    description:
      - Seconds a soft stop waits before CP forces the guest off.
    type: int
    default: 300
notes:
  - Memory, CPU, IPL and profile changes to a running guest take effect at its next logon; the result
    then has RV(restart_required=true). New disks are also added to a running guest's active configuration.
  - All modules of this collection share the action group C(zvm.cloud.zvm), so the connection options
    can be set once per play with C(module_defaults).
seealso:
  - module: zvm.cloud.zvm_facts
  - module: zvm.cloud.zvm_nic
  - module: zvm.cloud.zvm_vswitch
'''

EXAMPLES = r'''
- name: Set the SMAPI connection once for the play
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/zvm.cloud.zvm:
      smapi_host: zvm1.example.com
      smapi_user: MAINT
      smapi_password: "{{ vault_smapi_password }}"
      smapi_tls: true
  tasks:
    - name: A Linux guest with a 10G boot disk and a swap V-DISK, running
      zvm.cloud.zvm_guest:
        name: LINUX01
        state: started
        vcpus: 2
        memory: 4G
        max_memory: 8G
        profile: IBMDFLT
        disks:
          - vdev: "0100"
            size: 10G
            disk_pool: ECKD:POOL1
            is_boot_disk: true
          - vdev: "0101"
            size: 1G
            format: swap
        nics:
          - vdev: "1000"
            vswitch: VSW1

    - name: Give it more memory (applies at the next logon)
      zvm.cloud.zvm_guest:
        name: LINUX01
        memory: 6G
      register: guest

    - name: Restart it if the change needs it
      zvm.cloud.zvm_guest:
        name: LINUX01
        state: restarted
      when: guest.restart_required

    - name: Delete it with its minidisks
      zvm.cloud.zvm_guest:
        name: LINUX01
        state: absent
'''

RETURN = r'''
guest:
  description: The guest's directory entry after the run, as a structure (no passwords). Null when absent.
  returned: always
  type: dict
  sample:
    userid: LINUX01
    profile: IBMDFLT
    storage: 4G
    max_storage: 8G
    cpus: [{address: '00', base: true}, {address: '01', base: false}]
    disks: [{vdev: '0100', devtype: '3390', type: perm, start: 1, size: 14564, volser: LX0100, mode: MR}]
power_state:
  description: V(on) when the guest is logged on, V(off) when not, null when it does not exist.
  returned: always
  type: str
  sample: 'on'
paused:
  description: Whether the guest's virtual CPUs are stopped; null when unknown or not logged on.
  returned: always
  type: bool
actions:
  description: What was done (or, in check mode, would be done), in order.
  returned: always
  type: list
  elements: str
  sample: ['create guest LINUX01', 'create disk 0100 (10G in ECKD:POOL1)', 'create NICDEF 1000 (QDIO)',
           'couple NICDEF 1000 to VSW1', 'start']
restart_required:
  description: True when a change takes effect only at the next logon of the running guest.
  returned: always
  type: bool
changes:
  description: The directory changes, field by field (passwords masked).
  returned: always
  type: list
  elements: dict
  sample: [{statement: USER, field: storage, before: 4G, after: 6G}]
smapi_calls:
  description: Number of SMAPI requests this run made, split into reads and writes.
  returned: always
  type: dict
  sample: {reads: 2, writes: 0}
'''

from ansible_collections.zvm.cloud.plugins.module_utils import directory, nics, validation
from ansible_collections.zvm.cloud.plugins.module_utils.base import Run, run_module
from ansible_collections.zvm.cloud.plugins.module_utils.sdk import disks as disk_specs
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.base import POWER_OFF, POWER_ON
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import SDKInvalidInputFormat

# directory changes a running guest only sees at its next logon
NO_RESTART_STATEMENTS = ('LOGONBY', 'ACCOUNT')


def argument_spec():
    return dict(
        name=dict(type='str', required=True, aliases=['userid']),
        state=dict(type='str', default='present', choices=['present', 'absent', 'started', 'stopped', 'restarted',
                                                           'paused']),
        vcpus=dict(type='int'),
        max_vcpus=dict(type='int'),
        memory=dict(type='str'),
        max_memory=dict(type='str'),
        profile=dict(type='str'),
        password=dict(type='str', no_log=True),
        logonby=dict(type='list', elements='str'),
        ipl=dict(type='str'),
        account=dict(type='str'),
        disk_pool=dict(type='str'),
        disks=dict(type='list', elements='dict', options=dict(
            vdev=dict(type='str', required=True),
            size=dict(type='str', required=True),
            disk_pool=dict(type='str'),
            format=dict(type='str', default='none', choices=['none', 'cms', 'swap']),
            mode=dict(type='str', default='MR'),
            is_boot_disk=dict(type='bool', default=False),
        )),
        purge_disks=dict(type='bool', default=False),
        nics=dict(type='list', elements='dict', options=dict(
            vdev=dict(type='str', required=True),
            vswitch=dict(type='str'),
            vlan_id=dict(type='int'),
            port_type=dict(type='str', choices=['ACCESS', 'TRUNK']),
            mac_address=dict(type='str'),
            nic_id=dict(type='str'),
        )),
        purge_nics=dict(type='bool', default=False),
        stop_mode=dict(type='str', default='soft', choices=['soft', 'immediate']),
        stop_timeout=dict(type='int', default=300),
    )


class GuestRun(Run):
    """One run of the module: read, plan, apply, report."""

    def __init__(self, module):
        Run.__init__(self, module)
        self.restart_required = False
        self.before_power = None

    # -- input ------------------------------------------------------------------------
    def disk_specs(self):
        disks = self.p['disks']
        if disks is None:
            return None
        clean = []
        for d in disks:
            clean.append(dict((k, v) for k, v in d.items() if v is not None))
        return disk_specs.normalize(clean, self.p['disk_pool'], used_vdevs=())

    def nic_specs(self):
        if self.p['nics'] is None:
            return None
        specs = [nics.normalize(dict(n), 'nics[%d].' % (i + 1)) for i, n in enumerate(self.p['nics'])]
        nics.check_unique(specs)
        return specs

    def plan_nics(self, name, entry, specs, adapters, disks):
        """The NIC plans (zvm.cloud.zvm_nic's code), checked against the
        disks to be created and the vswitches, before anything changes."""
        more = [(int(d['vdev'], 16), 1, 'disk %s' % d['vdev']) for d in disks]
        plans = []
        for spec in specs:
            if entry.find_nic(spec['vdev']) is None:
                nics.check_room(entry, spec, more)
            plans.append(nics.plan(entry, spec, adapters))
        if self.p['purge_nics']:
            declared = set(s['vdev'] for s in specs)
            for nic in entry.nics:
                if nic.vdev not in declared:
                    plans.append(nics.plan(entry, nics.normalize({'vdev': nic.vdev, 'state': 'absent'}), adapters))
        for warning in nics.check_vswitches(self.sdk, name, [p for p in plans if p.changed]):
            self.module.warn(warning)
        for p in plans:
            for note in p.notes:
                self.module.warn(note)
        return plans

    # -- the directory entry --------------------------------------------------------------
    def apply_settings(self, entry, creating=False):
        """Apply the declared settings to ``entry`` (a copy); True if changed."""
        p = self.p
        changed = False
        if p['memory'] is not None:
            changed |= entry.set_storage(p['memory'])
        if p['max_memory'] is not None:
            changed |= entry.set_max_storage(p['max_memory'])
        if p['vcpus'] is not None or p['max_vcpus'] is not None:
            count = p['vcpus'] if p['vcpus'] is not None else max(len(entry.cpus), 1)
            changed |= entry.set_cpus(count, max_cpus=p['max_vcpus'])
        if p['ipl'] is not None:
            changed |= entry.set_ipl(p['ipl'] or None)
        if p['logonby'] is not None:
            changed |= entry.set_logonby(p['logonby'])
        if p['account'] is not None:
            changed |= entry.set_account(p['account'] or None)
        if p['profile'] is not None:
            changed |= entry.set_include(p['profile'] or None)
        if p['password'] is not None and not creating:
            changed |= entry.set_password(p['password'])
        return changed

    def plan_disks(self, entry, specs):
        """(to_create, to_delete) after checking that declared disks that
        exist match; a mismatch is an error before anything is changed."""
        to_create, problems = [], []
        declared = set()
        for spec in specs or []:
            declared.add(spec['vdev'])
            have = entry.find_mdisk(spec['vdev'])
            if have is None:
                if any(n.vdev == spec['vdev'] for n in entry.nics) or entry.find_dedicate(spec['vdev']):
                    problems.append('disk %s: the guest already uses vdev %s for another device'
                                    % (spec['vdev'], spec['vdev']))
                to_create.append(spec)
                continue
            ok, why = disk_specs.matches(spec, have.to_dict())
            if not ok:
                problems.append('disk %s %s; it is left as it is: change the declaration, or remove the disk '
                                'first' % (spec['vdev'], why))
        if problems:
            raise SDKInvalidInputFormat('; '.join(problems))
        to_delete = []
        if self.p['purge_disks'] and specs is not None:
            to_delete = [m.vdev for m in entry.mdisks if m.vdev not in declared]
        return to_create, to_delete

    @staticmethod
    def predict_disk(entry, spec):
        """Show a disk to be created in a predicted entry (check mode)."""
        if spec['kind'] == 'vdisk':
            entry.add_mdisk(spec['vdev'], 'FB-512', spec['count'], disk_type='vdisk', mode=spec['mode'])
        else:
            entry.statements.append(directory.parse_statement('MDISK %s %s AUTOG %d %s %s' % (
                spec['vdev'], spec['devtype'], spec['count'], spec['pool'], spec['mode']))[0])

    def check_pools(self, specs):
        """Fail before any write when a pool does not exist."""
        for pool in sorted(set(s['pool'] for s in specs if s['pool'])):
            reply = self.sdk._call('Image_Volume_Space_Query_DM', self.sdk.client.userid, query_type=1,
                                   entry_type=3, entry_names=pool, ok=[(420, 8), (428, 8)])
            if reply.get('return_code') or not reply.get('record_array'):
                raise SDKInvalidInputFormat('disk pool %s is not defined to DirMaint (no such group)' % pool)

    # -- power ------------------------------------------------------------------------------
    def stop(self, name):
        if self.p['stop_mode'] == 'immediate':
            self.actions.append('stop (immediate)')
            if not self.check:
                self.sdk.guest_stop(name, timeout=max(self.p['stop_timeout'], 10))
        else:
            self.actions.append('stop (soft, within %ds)' % self.p['stop_timeout'])
            if not self.check:
                self.sdk.guest_softstop(name, timeout=self.p['stop_timeout'])

    def start(self, name):
        self.actions.append('start')
        if not self.check:
            self.sdk.guest_start(name)

    def converge_power(self, name, power, paused):
        state = self.p['state']
        if state == 'started':
            if power == POWER_OFF:
                self.start(name)
                power = POWER_ON
            elif paused:
                self.actions.append('unpause')
                if not self.check:
                    self.sdk.guest_unpause(name)
            paused = False
        elif state == 'stopped':
            if power == POWER_ON:
                self.stop(name)
                power, paused = POWER_OFF, None
        elif state == 'restarted':
            if power == POWER_ON:
                self.stop(name)
            self.start(name)
            power, paused = POWER_ON, False
            self.restart_required = False
        elif state == 'paused':
            if power == POWER_OFF:
                self.start(name)
                power = POWER_ON
            if not paused:
                self.actions.append('pause')
                if not self.check:
                    self.sdk.guest_pause(name)
            paused = True
        return power, paused

    def read_power(self, name):
        """(power, paused) with one read: Image_CPU_Query when pausing
        matters, Image_Status_Query otherwise."""
        if self.p['state'] in ('started', 'paused'):
            paused = self.sdk.guest_paused(name)
            return (POWER_OFF, None) if paused is None else (POWER_ON, paused)
        return self.sdk._power_state(name), None

    # -- the run ---------------------------------------------------------------------------------
    def run(self):
        p = self.p
        try:
            name = validation.userid(p['name'], 'name')
        except ValueError as e:
            self.module.fail_json(msg=str(e))
        before = self.sdk._directory(name)
        if p['state'] == 'absent':
            return self.absent(name, before)
        if before is None:
            return self.create(name)
        return self.update(name, before)

    def absent(self, name, before):
        if before is None:
            return self.result(False, None, None, None, None)
        power = self.sdk._power_state(name)
        self.before_power = power
        if power == POWER_ON:
            self.stop(name)
        self.actions.append('delete guest %s' % name)
        if not self.check:
            self.sdk._call('Image_Delete_DM', name, data_security_erase=0, ok=[(400, 4)])
        return self.result(True, before, None, None, None)

    def create(self, name):
        p = self.p
        if p['memory'] is None:
            raise SDKInvalidInputFormat('memory is required to create guest %s' % name)
        specs = self.disk_specs() or []
        vcpus = p['vcpus'] or 1
        boot = [s['vdev'] for s in specs if s['is_boot_disk']]
        ipl = p['ipl'] if p['ipl'] else (boot[0] if boot else '')
        entry = self.sdk.build_entry(name, vcpus, p['memory'], user_profile=p['profile'] or '',
                                     max_cpu=p['max_vcpus'] or vcpus, max_mem=p['max_memory'], ipl_from=ipl,
                                     account=p['account'] or '', password=p['password'], logonby=p['logonby'])
        self.check_pools(specs)
        nic_plans = self.plan_nics(name, entry, self.nic_specs() or [], None, specs)
        self.actions.append('create guest %s' % name)
        for spec in specs:
            self.actions.append('create disk %s (%s%s)' % (spec['vdev'], spec['size'],
                                                           ' in %s' % spec['disk_pool'] if spec['pool']
                                                           else ' V-DISK'))
        for plan in nic_plans:
            self.actions.extend(plan.actions)
            nics.apply_to_entry(entry, plan.spec)
        after = entry.copy()
        for spec in specs:
            self.predict_disk(after, spec)
        if not self.check:
            self.sdk.create_guest_entry(entry, specs)
            after = self.sdk._require_directory(name)
        power, paused = self.converge_power(name, POWER_OFF, None)
        return self.result(True, None, after, power, paused)

    def update(self, name, before):
        after = before.copy()
        try:
            settings_changed = self.apply_settings(after)
        except ValueError as e:
            raise SDKInvalidInputFormat(str(e))
        specs = self.disk_specs()
        to_create, to_delete = self.plan_disks(before, specs)
        power, paused = self.read_power(name)
        self.before_power = power
        nic_plans = []
        nic_specs = self.nic_specs()
        if nic_specs is not None:
            adapters = self.sdk._nic_adapters(name) if power == POWER_ON else None
            nic_plans = [p for p in self.plan_nics(name, before, nic_specs, adapters, to_create) if p.changed]
        changes = directory.diff(before, after)
        if settings_changed:
            self.actions.append('update directory entry: %s' % ', '.join(
                sorted(set(('%s %s' % (c['statement'], c['field'] or '')).strip() for c in changes))))
            if power == POWER_ON and any(c['statement'] not in NO_RESTART_STATEMENTS and c['field'] != 'password'
                                         for c in changes):
                self.restart_required = True
        if to_create:
            self.check_pools(to_create)
        for spec in to_create:
            self.actions.append('create disk %s (%s%s)' % (spec['vdev'], spec['size'],
                                                           ' in %s' % spec['disk_pool'] if spec['pool']
                                                           else ' V-DISK'))
            self.predict_disk(after, spec)
        for vdev in to_delete:
            self.actions.append('delete disk %s' % vdev)
            after.remove_mdisk(vdev)
        for plan in nic_plans:
            self.actions.extend(plan.actions)
            nics.apply_to_entry(after, plan.spec)
        if not self.check:
            if settings_changed:
                self.sdk._modify_directory(name, self.apply_settings)
            if to_create:
                self.sdk.create_disk_specs(name, to_create, active=(power == POWER_ON))
            if to_delete:
                self.sdk.guest_delete_disks(name, to_delete)
            for plan in nic_plans:
                self.sdk.nic_apply(name, plan)
        power, paused = self.converge_power(name, power, paused)
        changed = bool(self.actions)
        if changed and not self.check and (settings_changed or to_create or to_delete or nic_plans):
            after = self.sdk._require_directory(name)
        return self.result(changed, before, after, power, paused)

    def result(self, changed, before, after, power, paused):
        out = {
            'changed': changed,
            'actions': self.actions,
            'guest': after.to_dict() if after is not None else None,
            'power_state': power if after is not None else None,
            'paused': paused,
            'restart_required': self.restart_required,
            'changes': directory.diff(before, after) if before is not None and after is not None else [],
            'smapi_calls': self.module.smapi_calls(),
        }
        if self.module._diff:
            d = directory.diff_records(before, after, self.p['name'].upper())
            d['before'] += '# power: %s\n' % (self.before_power if before is not None else 'absent')
            d['after'] += '# power: %s\n' % (power if after is not None else 'absent')
            out['diff'] = d
        return out


def main():
    run_module(argument_spec(), GuestRun)


if __name__ == '__main__':
    main()
