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
  - Changes to the directory entry are made under DirMaint's lock of the entry (lock, fresh read, replace,
    unlock), so concurrent changes by others are not lost.
  - Creation is all or nothing. If a disk cannot be made, for example because
    the pool is full, the new guest is deleted again and the error names the
    SMAPI function, return code, reason code and their meaning.
  - Guests made by other tools are managed like any other.
author:
  - zvm.cloud maintainers (@zvm-cloud)
extends_documentation_fragment:
  - zvm.cloud.smapi
  - zvm.cloud.attributes
  - zvm.cloud.nic.guest
attributes:
  diff_mode:
    support: full
    description: Shows the directory entry before and after, as records, with passwords masked, and the power state.
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
  description:
    - The changes to the guest, in order, one line each; in check mode, the changes a real run would make.
    - When a run fails, the changes made before the failure.
  returned: always
  type: list
  elements: str
  sample: ['create guest LINUX01', 'create disk 0100 (10G in ECKD:POOL1)', 'create NICDEF 1000 (QDIO)',
           'couple NICDEF 1000 to VSW1', 'start']
failed_actions:
  description: The changes of the step that failed (creating a guest with its disks is one step).
  returned: failure
  type: list
  elements: str
  sample: ['create disk 0101 (20G in ECKD:POOL1)']
rollback:
  description: What was undone after the failure, or could not be undone (then the directory keeps it).
  returned: failure
  type: list
  elements: str
  sample: ['disk 0100 of LINUX01: removed again', 'guest LINUX01: the new directory entry was deleted again']
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
  description: How many SMAPI requests the run made, reads and writes; a converged guest costs two reads
    (three when it runs and O(nics) is set) and no write.
  returned: always
  type: dict
  sample: {reads: 2, writes: 0}
'''

from ansible_collections.zvm.cloud.plugins.module_utils import directory, validation
from ansible_collections.zvm.cloud.plugins.module_utils.base import Plan, Run, State, run_module
from ansible_collections.zvm.cloud.plugins.module_utils.operations import adapters, disks, entries, power
from ansible_collections.zvm.cloud.plugins.module_utils.planners import disks as disk_specs
from ansible_collections.zvm.cloud.plugins.module_utils.planners import guests, nics
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import SDKConflictError, SDKInvalidInputFormat

# seconds between power-state polls while a soft stop completes
DEFAULT_POLL_INTERVAL = 10


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
        nics=dict(type='list', elements='dict', options=nics.option_spec()),
        purge_nics=dict(type='bool', default=False),
        stop_mode=dict(type='str', default='soft', choices=['soft', 'immediate']),
        stop_timeout=dict(type='int', default=300),
    )


def guest_state(name, entry, power_state=None, paused=None, adapters=None):
    """The guest as read: its directory entry (None when it has none), its
    power state, whether it is paused (read when the declared state makes
    it matter) and its running NICs (read when NICs are declared)."""
    return State(name=name, entry=entry, power=power_state, paused=paused, adapters=adapters)


class GuestRun(Run):
    """read -> plan -> apply -> re-read -> report for one guest."""

    # -- input --------------------------------------------------------------------------------
    def name(self):
        return validation.userid(self.p['name'], 'name')

    def disk_specs(self):
        if self.p['disks'] is None:
            return None
        clean = [dict((k, v) for k, v in d.items() if v is not None) for d in self.p['disks']]
        return disk_specs.normalize(clean, self.p['disk_pool'], where='disks[%d]')

    def nic_specs(self):
        if self.p['nics'] is None:
            return None
        specs = [nics.normalize(dict(n), 'nics[%d].' % (i + 1)) for i, n in enumerate(self.p['nics'])]
        nics.check_unique(specs)
        return specs

    # -- read ---------------------------------------------------------------------------------
    def read_power(self, name):
        """(power, paused) in one read: the CPUs' state when pausing matters
        (started, paused), the power state alone otherwise."""
        if self.p['state'] in ('started', 'paused'):
            paused = power.cpus_stopped(self.session, name)
            return (power.OFF, None) if paused is None else (power.ON, paused)
        return power.status(self.session, name), None

    def read(self):
        name = self.name()
        entry = entries.query(self.session, name)
        if entry is None:
            return guest_state(name, None)
        if self.p['state'] == 'absent':
            return guest_state(name, entry, power.status(self.session, name))
        power_state, paused = self.read_power(name)
        running = None
        if self.p['nics'] is not None and power_state == power.ON:
            running = adapters.query(self.session, name)
        return guest_state(name, entry, power_state, paused, running)

    def reread(self, state, plan):
        if self.p['state'] == 'absent':
            return guest_state(state.name, None)
        entry = entries.require(self.session, state.name)
        power_state, paused = self.read_power(state.name)
        return guest_state(state.name, entry, power_state, paused)

    # -- plan ------------------------------------------------------------------------------------
    def plan(self, state):
        if self.p['state'] == 'absent':
            return self.plan_absent(state)
        if state.entry is None:
            return self.plan_create(state)
        return self.plan_update(state)

    def plan_absent(self, state):
        plan = Plan(guest_state(state.name, None))
        if state.entry is None:
            return plan
        if state.power == power.ON:
            self.plan_stop(plan, state.name)
        plan.add('delete guest %s' % state.name, lambda: entries.delete(self.session, state.name))
        return plan

    def plan_stop(self, plan, name):
        timeout = self.p['stop_timeout']
        if self.p['stop_mode'] == 'immediate':
            plan.add('stop (immediate)', lambda: power.stop(self.session, name, max(timeout, 10)))
        else:
            plan.add('stop (soft, within %ds)' % timeout,
                     lambda: power.softstop(self.session, name, timeout, DEFAULT_POLL_INTERVAL))

    def plan_power(self, plan, name, power_state, paused):
        """Add the power steps; returns the (power, paused) they lead to."""
        steps, power_state, paused = guests.power_transitions(self.p['state'], power_state, paused)
        for step in steps:
            if step == 'stop':
                self.plan_stop(plan, name)
            elif step == 'start':
                plan.add('start', lambda: power.activate(self.session, name))
            else:
                plan.add(step, lambda paused=(step == 'pause'): power.pause(self.session, name, paused))
        return power_state, paused

    def plan_nics(self, plan, name, entry, predicted, running):
        """The NIC plans (zvm.cloud.zvm_nic's code), each checked against
        the devices ``predicted`` will have, before anything changes."""
        specs = self.nic_specs()
        if specs is None:
            return []
        nic_plans = []
        for spec in specs:
            nic_plans.append(nics.plan(entry, spec, running))
        if self.p['purge_nics']:
            declared = set(s['vdev'] for s in specs)
            for nic in entry.nics:
                if nic.vdev not in declared:
                    nic_plans.append(nics.plan(entry, nics.normalize({'vdev': nic.vdev, 'state': 'absent'}), running))
        nic_plans = [n for n in nic_plans if n.changed]
        for n in nic_plans:
            if predicted.find_nic(n.vdev) is None and n.spec['state'] == 'present':
                nics.check_room(predicted, n.spec)
            nics.apply_to_entry(predicted, n.spec)
            for note in n.notes:
                plan.note(note)
        for warning in nics.check_vswitches(self.session, name, nic_plans):
            plan.note(warning)
        return nic_plans

    def plan_create(self, state):
        p, name = self.p, state.name
        if p['memory'] is None:
            raise SDKInvalidInputFormat('memory is required to create guest %s' % name)
        specs = self.disk_specs() or []
        vcpus = p['vcpus'] or 1
        boot = [s['vdev'] for s in specs if s['is_boot_disk']]
        entry = guests.new_entry(name, vcpus, p['memory'], user_profile=p['profile'] or '',
                                 max_cpu=p['max_vcpus'] or vcpus, max_mem=p['max_memory'],
                                 ipl_from=p['ipl'] or (boot[0] if boot else ''), account=p['account'] or '',
                                 password=p['password'], logonby=p['logonby'])
        self.check_pools(specs)
        self.check_profile()
        predicted = entry.copy()
        for spec in specs:
            guests.add_predicted_disk(predicted, spec, 'disks: disk %s' % spec['vdev'])
        plan = Plan()
        nic_plans = self.plan_nics(plan, name, entry, predicted, None)
        nic_actions = []
        for n in nic_plans:
            nics.apply_to_entry(entry, n.spec)
            nic_actions.extend(n.actions)
        plan.add_step(lambda: self.sdk.create_guest_entry(entry, specs, rollback=self.rollback),
                      ['create guest %s' % name] + [guests.describe_disk(s) for s in specs] + nic_actions)
        power_state, paused = self.plan_power(plan, name, power.OFF, None)
        plan.predicted = guest_state(name, predicted, power_state, paused)
        return plan

    def plan_update(self, state):
        p, name, before = self.p, state.name, state.entry
        predicted = before.copy()
        settings_changed = guests.apply_settings(predicted, p)
        changes = directory.diff(before, predicted)
        to_create, to_delete = guests.plan_disks(before, self.disk_specs(), p['purge_disks'])
        for vdev in to_delete:
            predicted.remove_mdisk(vdev)
        for spec in to_create:
            guests.add_predicted_disk(predicted, spec, 'disks: disk %s' % spec['vdev'])
        if to_create:
            self.check_pools(to_create)
        if any(c['statement'] == 'INCLUDE' for c in changes):
            self.check_profile()
        plan = Plan()
        nic_plans = self.plan_nics(plan, name, before, predicted, state.adapters)
        restart = False
        # Reversible steps first, each with its undo; deleting disks (their
        # data is gone) and power changes come last and are kept.
        if settings_changed:
            kinds = set(c['statement'].split()[0] for c in changes)
            plan.add(guests.settings_summary(changes),
                     lambda: entries.modify(self.session, name, lambda e: guests.apply_settings(e, p)),
                     undo=lambda: entries.modify(self.session, name, lambda e: e.restore_statements(before, kinds)))
            restart = state.power == power.ON and guests.restart_needed(changes)
        if to_create:
            running = state.power == power.ON
            plan.add_step(lambda: self.sdk.create_disk_specs(name, to_create, active=running, rollback=self.rollback),
                          [guests.describe_disk(s) for s in to_create],
                          undo=lambda: self.sdk.guest_delete_disks(name, [s['vdev'] for s in to_create]))
        for n in nic_plans:
            plan.add_step(lambda n=n: self.sdk.nic_apply(name, n, rollback=self.rollback), n.actions,
                          undo=lambda n=n: self.revert_nic(name, n))
        if to_delete:
            plan.add_step(lambda: self.sdk.guest_delete_disks(name, to_delete),
                          ['delete disk %s' % vdev for vdev in to_delete])
        power_state, paused = self.plan_power(plan, name, state.power, state.paused)
        if p['state'] == 'restarted':
            restart = False
        plan.result['restart_required'] = restart
        plan.predicted = guest_state(name, predicted, power_state, paused)
        return plan

    def revert_nic(self, name, nic_plan):
        """Undo a NIC plan that was applied (its lines go to ``rollback``)."""
        if not self.sdk.nic_revert(name, nic_plan, rollback=self.rollback):
            raise SDKConflictError('NIC %s of %s was not undone completely (see rollback)' % (nic_plan.vdev, name))

    def check_pools(self, specs):
        """Fail before any write when a pool does not exist."""
        for pool in sorted(set(s['pool'] for s in specs if s['pool'])):
            if not disks.pool_exists(self.session, pool):
                raise SDKInvalidInputFormat('disk pool %s is not defined to DirMaint (no such group)' % pool)

    def check_profile(self):
        """Fail before any write when the declared profile does not exist."""
        profile = self.p['profile']
        if profile and not entries.profile_exists(self.session, profile.upper()):
            raise SDKInvalidInputFormat('profile: %s is not a profile in the z/VM directory' % profile.upper())

    # -- report -----------------------------------------------------------------------------------
    def report(self, state, plan, after):
        before = state.entry
        entry = after.entry
        out = {
            'guest': guest_view(entry),
            'power_state': after.power if entry is not None else None,
            'paused': after.paused if entry is not None else None,
            'restart_required': plan.result.get('restart_required', False),
            'changes': directory.diff(before, entry) if before is not None and entry is not None else [],
        }
        if self.module._diff:
            d = directory.diff_records(before, entry, state.name)
            d['before'] += '# power: %s\n' % (state.power if before is not None else 'absent')
            d['after'] += '# power: %s\n' % (after.power if entry is not None else 'absent')
            out['diff'] = d
        return out


def guest_view(entry):
    """The guest's entry as the result shows it; a disk DirMaint is still to
    allocate from a pool has ``volser`` and ``start`` null and ``pool`` set."""
    return entry.to_dict() if entry is not None else None


def main():
    run_module(argument_spec(), GuestRun)


if __name__ == '__main__':
    main()
