#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: zvm_nic
short_description: Manage a z/VM guest's virtual network adapter (NIC) and its vswitch coupling
version_added: 0.1.0
description:
  - Declare one QDIO NIC of a z/VM guest, whether it is coupled to a virtual switch, and its VLAN,
    port type and MAC address, in the guest's directory entry (its NICDEF) and, with O(active=true),
    on the running guest too.
  - The module reads the directory entry (and, with O(active=true), the running guest's NICs) and makes
    only the changes needed. A converged NIC costs one SMAPI read (two with O(active=true)) and no writes.
  - Directory changes use DirMaint's NIC functions, each of which changes one NICDEF. VLAN, port type,
    MACID and O(nic_id) changes rewrite the NIC's statements under the directory entry's lock, held for
    one read and one write. A directory entry someone else has locked is waited on (within about two
    minutes), then reported.
  - With O(active=true) the directory is changed first, then the running guest. If the running guest
    cannot be changed, the directory change is undone and the error names the SMAPI failure.
  - Several tasks (or forks) may change different NICs of the same guest at the same time.
author:
  - zvm.cloud maintainers (@zvm-cloud)
extends_documentation_fragment:
  - zvm.cloud.smapi
  - zvm.cloud.attributes
  - zvm.cloud.nic
attributes:
  diff_mode:
    support: full
    description: Shows the NIC's directory records (NICDEF and nic_id) before and after, and the running
      guest's NIC when O(active=true).
options:
  guest:
    description:
      - The userid of the guest the NIC belongs to. It must have a directory entry.
    type: str
    required: true
    aliases: [userid]
  state:
    description:
      - V(present) makes sure the NIC exists as declared; V(absent) removes it (from the running guest too
        with O(active=true)).
    type: str
    choices: [present, absent]
    default: present
  active:
    description:
      - Also make the running guest's NIC as declared (define, couple, uncouple or detach it). A guest
        that is not logged on gets the directory change only; it takes effect at its next logon.
      - Without it only the directory changes, and a running guest sees the change at its next logon.
    type: bool
    default: false
notes:
  - The VLAN of a running guest's NIC comes from its grant on the switch (M(zvm.cloud.zvm_vswitch)).
  - SMAPI functions this module uses, so that the SMAPI user can be authorized for exactly these (the guide
    C(docs/before-you-start.md) in the collection says which option needs which). Directory functions, authorized
    in DirMaint too - Image_Lock_DM, Image_Lock_Query_DM, Image_Query_DM, Image_Replace_DM, Image_Unlock_DM,
    Query_Asynchronous_Operation_DM (DirMaint work that answers RC 592),
    Virtual_Network_Adapter_Connect_Vswitch_DM, Virtual_Network_Adapter_Create_Extended_DM,
    Virtual_Network_Adapter_Delete_DM, Virtual_Network_Adapter_Disconnect_DM. CP and system functions -
    Virtual_Network_Adapter_Connect_Vswitch, Virtual_Network_Adapter_Create_Extended,
    Virtual_Network_Adapter_Delete, Virtual_Network_Adapter_Disconnect, Virtual_Network_Adapter_Query_Extended,
    Virtual_Network_Vswitch_Query_Extended. Check mode makes only the queries among them.
seealso:
  - module: zvm.cloud.zvm_vswitch
  - module: zvm.cloud.zvm_guest
'''

EXAMPLES = r'''
- name: A NIC on VSW1, in the directory and on the running guest
  zvm.cloud.zvm_nic:
    guest: LINUX01
    vdev: "1000"
    vswitch: VSW1
    active: true

- name: A NIC on VLAN 100 of a VLAN-aware switch, with a fixed MAC address and an id for other tools
  zvm.cloud.zvm_nic:
    guest: LINUX01
    vdev: "2000"
    vswitch: VSWPROD
    vlan_id: 100
    port_type: ACCESS
    mac_address: "02:00:00:12:34:56"
    nic_id: 9c1e4f3a-7d51-4a84-8f0b-2f6d3a1e5c77

- name: Uncouple it, but keep the NIC
  zvm.cloud.zvm_nic:
    guest: LINUX01
    vdev: "2000"
    active: true

- name: Remove it
  zvm.cloud.zvm_nic:
    guest: LINUX01
    vdev: "2000"
    state: absent
    active: true
'''

RETURN = r'''
nic:
  description: The NIC's directory definition after the run (predicted in check mode); null when absent.
  returned: always
  type: dict
  sample:
    vdev: '1000'
    type: QDIO
    devices: null
    vswitch: VSWPROD
    lan_owner: SYSTEM
    lan_name: VSWPROD
    vlan: '100'
    vlan_id: 100
    port_type: ACCESS
    port_number: null
    macid: '123456'
    chpid: null
    promiscuous: null
    nic_id: 9c1e4f3a-7d51-4a84-8f0b-2f6d3a1e5c77
active_nic:
  description: The running guest's NIC after the run, with O(active=true) on a running guest; null otherwise.
  returned: always
  type: dict
  sample: {vdev: '1000', type: QDIO, devices: 3, coupled: true, lan_owner: SYSTEM, lan_name: VSWPROD,
           vswitch: VSWPROD, mac_address: '02:00:00:12:34:56', port_type: ACCESS}
running:
  description: Whether the guest is logged on; null when not asked (O(active=false)).
  returned: always
  type: bool
actions:
  description:
    - The changes to the NIC, in the directory and on the running guest, in order; in check mode, the changes
      a real run would make. When a run fails, the changes made (and kept) before the failure.
  returned: always
  type: list
  elements: str
  sample: ['create NICDEF 1000 (QDIO)', 'couple NICDEF 1000 to VSW1', 'define NIC 1000 on the running guest',
           'couple NIC 1000 of the running guest to VSW1']
rollback:
  description: What was undone after a failure (in failed results only).
  returned: failure
  type: list
  elements: str
lock_waits:
  description: How many SMAPI requests found the directory entry locked by someone else and were retried.
  returned: always
  type: int
  sample: 0
smapi_calls:
  description: How many SMAPI requests the run made; a converged NIC costs one read of the directory entry, and
    one more for the running guest with O(active=true).
  returned: always
  type: dict
  sample: {reads: 2, writes: 0}
failed_actions:
  description: The changes of the step that failed; the directory NIC is one step, and with O(active=true)
    each change to the running guest's NIC is one more.
  returned: failure
  type: list
  elements: str
  sample: ['couple NIC 1000 of the running guest to VSW1']
'''

from ansible_collections.zvm.cloud.plugins.module_utils import validation
from ansible_collections.zvm.cloud.plugins.module_utils.base import Plan, Run, State, run_module
from ansible_collections.zvm.cloud.plugins.module_utils.operations import adapters, entries
from ansible_collections.zvm.cloud.plugins.module_utils.planners import nics
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import SDKObjectNotExistError


def argument_spec():
    spec = dict(
        guest=dict(type='str', required=True, aliases=['userid']),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        active=dict(type='bool', default=False),
    )
    spec.update(nics.option_spec())
    return spec


class NicRun(Run):
    """read -> plan -> apply -> re-read -> report for one NIC."""

    def read(self):
        p = self.p
        guest = validation.userid(p['guest'], 'guest')
        spec = nics.normalize(dict((k, p[k]) for k in nics.SPEC_KEYS))
        entry = entries.query(self.session, guest)
        if entry is None:
            raise SDKObjectNotExistError('guest: %s has no directory entry' % guest, rs=2)
        running = adapters.query(self.session, guest) if p['active'] else None
        return State(guest=guest, spec=spec, entry=entry, running=running)    # running: None when not asked

    def plan(self, state):
        nic_plan = nics.plan(state.entry, state.spec, state.running)
        plan = Plan(predicted=state.having(entry=nic_plan.entry_after))
        if nic_plan.changed:
            for warning in nics.check_vswitches(self.session, state.guest, [nic_plan]):
                plan.note(warning)
            plan.add_step(lambda: self.sdk.nic_apply(state.guest, nic_plan, rollback=self.rollback),
                          nic_plan.actions)
        for note in nic_plan.notes:
            plan.note(note)
        plan.result['active_nic'] = nic_plan.after_active if nic_plan.running else None
        plan.result['running'] = nic_plan.running if self.p['active'] else None
        if self.module._diff:
            plan.result['diff'] = nic_plan.diff(state.guest)
        return plan

    def reread(self, state, plan):
        return state.having(entry=entries.require(self.session, state.guest))

    def report(self, state, plan, after):
        return {'nic': nics.view(after.entry, state.spec['vdev']), 'lock_waits': self.sdk.lock_waits()}


def main():
    run_module(argument_spec(), NicRun)


if __name__ == '__main__':
    main()
