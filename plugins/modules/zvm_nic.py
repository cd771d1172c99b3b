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
    MACID and O(nic_id) changes rewrite the NIC's statements with Image_Replace_DM under Image_Lock_DM,
    held for one read and one write. A directory entry someone else has locked is waited on (within
    about two minutes), then reported.
  - With O(active=true) the directory is changed first, then the running guest. If the running guest
    cannot be changed, the directory change is undone and the error names the SMAPI failure.
  - Several tasks (or forks) may change different NICs of the same guest at the same time.
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
    description: Shows the NIC's directory records (NICDEF and nic_id) before and after, and the running
      guest's NIC when O(active=true).
options:
  guest:
    description:
      - The userid of the guest the NIC belongs to. It must have a directory entry.
    type: str
    required: true
    aliases: [userid]
  vdev:
    description:
      - The NIC's virtual device number, 1 to 4 hex digits. A QDIO NIC uses it and the next two.
      - Quote it in YAML, as in V("1000"); unquoted, a number with a leading zero is read as octal.
    type: str
    required: true
  state:
    description:
      - V(present) makes sure the NIC exists as declared; V(absent) removes it (from the running guest too
        with O(active=true)).
    type: str
    choices: [present, absent]
    default: present
  vswitch:
    description:
      - The virtual switch the NIC couples to. When not set, the NIC is not coupled to any (an existing
        coupling is removed).
      - The switch must exist. To couple a running guest's NIC, the guest must be authorized on it
        (M(zvm.cloud.zvm_vswitch) O(zvm.cloud.zvm_vswitch#module:grants)); for the directory only, a
        guest that is not authorized only gets a warning (it couples at logon once granted).
    type: str
  vlan_id:
    description:
      - The VLAN ID (1 to 4094) on the NICDEF, for a VLAN-aware switch. When not set, the NICDEF has none.
    type: int
  port_type:
    description:
      - The port type on the NICDEF, for a VLAN-aware switch. When not set, the NICDEF has none (the
        guest's grant decides).
    type: str
    choices: [ACCESS, TRUNK]
  mac_address:
    description:
      - The NIC's MAC address, as V(02:00:00:AB:CD:EF), V(02-00-00-AB-CD-EF) or V(020000ABCDEF), or
        just the 6 hex digits of the NICDEF MACID. z/VM takes the last three bytes (MACID); the first
        three are the system's MAC prefix. When not set, the MACID is left as it is.
      - A running guest gets a new MACID at its next logon.
    type: str
  nic_id:
    description:
      - An identifier of the NIC for other tools (zvmsdk's nic_id, such as a port UUID), 1 to 56
        letters, digits and the characters C(._:@#$-). It is kept in the directory entry as the comment
        record C(*NICID vdev nic_id) after the NICDEF (in upper case, as the directory is), and compared
        without regard to case. When not set, it is left as it is.
    type: str
  active:
    description:
      - Also make the running guest's NIC as declared (define, couple, uncouple or detach it). A guest
        that is not logged on gets the directory change only; it takes effect at its next logon.
      - Without it only the directory changes, and a running guest sees the change at its next logon.
    type: bool
    default: false
notes:
  - All modules of this collection share the action group C(zvm.cloud.zvm), so the connection options
    can be set once per play with C(module_defaults).
  - The VLAN of a running guest's NIC comes from its grant on the switch (M(zvm.cloud.zvm_vswitch)).
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
  description: What was done (or, in check mode, would be done), in order.
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
  description: Number of SMAPI requests this run made, split into reads and writes.
  returned: always
  type: dict
  sample: {reads: 2, writes: 0}
'''

from ansible_collections.zvm.cloud.plugins.module_utils import nics, validation
from ansible_collections.zvm.cloud.plugins.module_utils.base import Run, run_module
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import (
    SDKInvalidInputFormat, SDKObjectNotExistError,
)


def argument_spec():
    return dict(
        guest=dict(type='str', required=True, aliases=['userid']),
        vdev=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        vswitch=dict(type='str'),
        vlan_id=dict(type='int'),
        port_type=dict(type='str', choices=['ACCESS', 'TRUNK']),
        mac_address=dict(type='str'),
        nic_id=dict(type='str'),
        active=dict(type='bool', default=False),
    )


class NicRun(Run):
    """One run of the module: read, plan, apply, report."""

    def __init__(self, module):
        Run.__init__(self, module)
        self.sdk.rollback_notes = []

    def error_context(self):
        return {'actions': self.actions, 'rollback': self.sdk.rollback_notes}

    def run(self):
        p = self.p
        try:
            guest = validation.userid(p['guest'], 'guest')
        except ValueError as e:
            raise SDKInvalidInputFormat(str(e))
        spec = nics.normalize(dict((k, p[k]) for k in nics.SPEC_KEYS))
        entry = self.sdk._directory(guest)
        if entry is None:
            raise SDKObjectNotExistError('guest: %s has no directory entry' % guest, rs=2)
        adapters = self.sdk._nic_adapters(guest) if p['active'] else None
        plan = nics.plan(entry, spec, adapters)
        if plan.changed:
            for warning in nics.check_vswitches(self.sdk, guest, [plan]):
                self.module.warn(warning)
        for note in plan.notes:
            self.module.warn(note)
        self.actions.extend(plan.actions)
        nic = plan.nic()
        if plan.changed and not self.check:
            self.sdk.nic_apply(guest, plan)
            after = self.sdk._require_directory(guest)
            nic = nics.plan(after, spec).nic()
        out = {
            'changed': plan.changed,
            'actions': self.actions,
            'nic': nic,
            'active_nic': plan.after_active if plan.running else None,
            'running': plan.running if p['active'] else None,
            'lock_waits': self.sdk.lock_waits(),
            'smapi_calls': self.module.smapi_calls(),
        }
        if self.module._diff:
            out['diff'] = plan.diff(guest)
        return out


def main():
    run_module(argument_spec(), NicRun)


if __name__ == '__main__':
    main()
