#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: zvm_vswitch
short_description: Manage z/VM virtual switches and who may use them
version_added: 0.1.0
description:
  - Declare a z/VM virtual switch (vswitch), its OSA uplinks and VLAN settings, and the guests
    authorized to couple to it (grants), over SMAPI.
  - The module reads the switch, its access list and its coupled NICs with one SMAPI query and changes
    only the attributes that differ, with one SET VSWITCH request. A converged switch costs one SMAPI
    read and no writes.
  - Attributes that SET VSWITCH cannot change in place (O(network_type), O(vlan_id), O(native_vlan_id),
    a change to or from O(connection=NOUPLINK)) are reported as an error that names them; nothing is
    changed then. Delete the switch (O(state=absent)) and declare it again to change them.
  - Grants are per user. A grant that already exists as declared is never issued again (that would
    disturb the guest's connection). More VLAN IDs or another promiscuous mode are granted in place;
    fewer VLAN IDs need a revoke and a new grant, after which the guest's running NICs that were coupled
    to the switch are coupled again.
  - Several tasks (or forks) may change the grants of one switch at the same time, each for its own users.
author:
  - zvm.cloud maintainers (@zvm-cloud)
extends_documentation_fragment:
  - zvm.cloud.smapi
  - zvm.cloud.attributes
attributes:
  diff_mode:
    support: full
    description: Shows the switch's attributes and its access list before and after.
options:
  name:
    description:
      - The name of the virtual switch, 1 to 8 characters of A-Z, 0-9, @ # $ _.
    type: str
    required: true
  state:
    description:
      - V(present) creates the switch if needed and makes it as declared; V(absent) deletes it
        (CP uncouples its NICs and forgets its access list).
    type: str
    choices: [present, absent]
    default: present
  real_device_address:
    description:
      - Up to three real OSA device numbers the switch uses as uplinks, separated by blanks or commas,
        such as V(0600) or V(0600 0610). A port may follow, as in V(0600.P1). V(NONE) or an empty
        string means no uplink.
      - Quote device numbers in YAML, as in V("0600"); unquoted, C(0600) is read as an octal number.
    type: str
  controller:
    description:
      - The TCP/IP controller user that runs the uplink, or V(*) for any. Compared only while the switch
        is connected to a real device (SMAPI shows no controller otherwise).
    type: str
  connection:
    description:
      - V(CONNECT) to activate the uplink, V(DISCONNECT) to keep it inactive. V(NOUPLINK) makes a switch
        that never has an uplink; it cannot be set or unset in place.
    type: str
    choices: [CONNECT, DISCONNECT, NOUPLINK]
  network_type:
    description:
      - V(ETHERNET) (layer 2, the default when the switch is created) or V(IP) (layer 3). Cannot change
        in place.
    type: str
    choices: [ETHERNET, IP]
  router:
    description:
      - For an V(IP) switch, whether the OSA is a primary router (V(PRIROUTER)) or not (V(NONROUTER)).
    type: str
    choices: [NONROUTER, PRIROUTER]
  vlan_id:
    description:
      - V(UNAWARE) (the default when the switch is created), V(AWARE), or the switch's default VLAN ID
        (1 to 4094), which makes it VLAN aware. Cannot change in place.
    type: str
    aliases: [vid]
  port_type:
    description:
      - The default port type of a VLAN-aware switch's users.
    type: str
    choices: [ACCESS, TRUNK]
  native_vlan_id:
    description:
      - The native VLAN ID of a VLAN-aware switch (1 to 4094). Cannot change in place.
    type: int
  gvrp:
    description:
      - Whether a VLAN-aware switch uses GVRP to register its VLANs with the physical switch.
    type: bool
  queue_memory_limit:
    description:
      - Megabytes of storage (1 to 8) for each NIC's data buffers.
    type: int
  persist:
    description:
      - Also make each change in the system configuration file, so it survives an IPL of z/VM.
    type: bool
    default: true
  grants:
    description:
      - Users authorized to couple to the switch. Users not listed are left as they are unless
        O(purge_grants=true).
    type: list
    elements: dict
    suboptions:
      userid:
        description:
          - The guest's userid.
        type: str
        required: true
      vlan_ids:
        description:
          - VLAN IDs (1 to 4094) or ranges such as V(200-210) the user may use, on a VLAN-aware switch.
            Left as they are when not given.
        type: list
        elements: str
      port_type:
        description:
          - V(ACCESS) (one VLAN, untagged) or V(TRUNK) (tagged). SMAPI does not show a grant's port type,
            so it is set when the grant is made (or made again because VLAN IDs are taken away) and never
            compared. An ACCESS grant has at most one VLAN ID.
        type: str
        choices: [ACCESS, TRUNK]
      promiscuous:
        description:
          - Whether the user's NICs see all traffic on the switch. Left as it is when not given.
        type: bool
  purge_grants:
    description:
      - Revoke the users that are authorized but not listed in O(grants). Do not use it from several
        tasks that each list only some users of the same switch.
    type: bool
    default: false
notes:
  - SMAPI functions this module uses, so that the SMAPI user can be authorized for exactly these (the guide
    C(docs/before-you-start.md) in the collection says which option needs which). CP and system functions -
    Virtual_Network_Adapter_Connect_Vswitch, Virtual_Network_Vswitch_Create_Extended,
    Virtual_Network_Vswitch_Delete_Extended, Virtual_Network_Vswitch_Query_Extended,
    Virtual_Network_Vswitch_Set_Extended. Check mode makes only the queries among them.
seealso:
  - module: zvm.cloud.zvm_nic
  - module: zvm.cloud.zvm_guest
'''

EXAMPLES = r'''
- name: A VLAN-aware switch on OSA 0610 with two guests on VLAN 100 and a trunk user
  zvm.cloud.zvm_vswitch:
    name: VSWPROD
    real_device_address: "0610"
    vlan_id: "100"
    port_type: ACCESS
    grants:
      - userid: LINUX01
        vlan_ids: ["100"]
      - userid: LINUX02
        vlan_ids: ["100"]
      - userid: ROUTER1
        port_type: TRUNK
        vlan_ids: ["100", "200-210"]

- name: Let only the declared guests use it
  zvm.cloud.zvm_vswitch:
    name: VSWPROD
    grants:
      - userid: LINUX01
    purge_grants: true

- name: Take the uplink down for maintenance (not saved in SYSTEM CONFIG)
  zvm.cloud.zvm_vswitch:
    name: VSWPROD
    connection: DISCONNECT
    persist: false

- name: Delete the switch
  zvm.cloud.zvm_vswitch:
    name: VSWPROD
    state: absent
'''

RETURN = r'''
vswitch:
  description: The switch's attributes after the run (predicted in check mode); null when absent.
    An attribute SMAPI does not show (the controller of a disconnected switch) is null.
  returned: always
  type: dict
  sample:
    name: VSWPROD
    real_device_address: ['0610']
    controller: DTCVSW1
    connection: CONNECT
    network_type: ETHERNET
    router: null
    vlan_id: 100
    port_type: ACCESS
    native_vlan_id: 100
    gvrp: true
    queue_memory_limit: 8
grants:
  description: The access list after the run. O(grants[].port_type) is null where SMAPI does not show it.
  returned: always
  type: list
  elements: dict
  sample: [{userid: LINUX01, vlan_ids: [100], promiscuous: false, port_type: null}]
actions:
  description:
    - The changes to the switch and its access list, in order; in check mode, the changes a real run would
      make. When a run fails, the changes made before the failure.
  returned: always
  type: list
  elements: str
  sample: ['set vswitch VSWPROD: queue_memory_limit 8 -> 4', 'grant LINUX02 on VSWPROD VLAN 100']
rollback:
  description: What was undone after a failure (in failed results only), such as a switch this run
    created and deleted again because a grant failed.
  returned: failure
  type: list
  elements: str
changes:
  description: The attributes that changed, each with its value before and after.
  returned: always
  type: list
  elements: dict
  sample: [{attribute: queue_memory_limit, before: 8, after: 4}]
smapi_calls:
  description: How many SMAPI requests the run made; a converged switch, grants included, costs one read.
  returned: always
  type: dict
  sample: {reads: 1, writes: 0}
failed_actions:
  description: The changes of the step that failed; creating or changing the switch is one step, each grant,
    revoke or coupling one more.
  returned: failure
  type: list
  elements: str
  sample: ['grant LINUX02 on VSWPROD VLAN 100']
'''

from ansible_collections.zvm.cloud.plugins.module_utils import validation
from ansible_collections.zvm.cloud.plugins.module_utils.base import Plan, Run, State, run_module
from ansible_collections.zvm.cloud.plugins.module_utils.operations import adapters
from ansible_collections.zvm.cloud.plugins.module_utils.operations import vswitches as vswitch_ops
from ansible_collections.zvm.cloud.plugins.module_utils.planners import vswitches
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import SDKConflictError, SDKInvalidInputFormat
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.network import create_params


def argument_spec():
    return dict(
        name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        real_device_address=dict(type='str'),
        controller=dict(type='str'),
        connection=dict(type='str', choices=['CONNECT', 'DISCONNECT', 'NOUPLINK']),
        network_type=dict(type='str', choices=['ETHERNET', 'IP']),
        router=dict(type='str', choices=['NONROUTER', 'PRIROUTER']),
        vlan_id=dict(type='str', aliases=['vid']),
        port_type=dict(type='str', choices=['ACCESS', 'TRUNK']),
        native_vlan_id=dict(type='int'),
        gvrp=dict(type='bool'),
        queue_memory_limit=dict(type='int'),
        persist=dict(type='bool', default=True),
        grants=dict(type='list', elements='dict', options=dict(
            userid=dict(type='str', required=True),
            vlan_ids=dict(type='list', elements='str'),
            port_type=dict(type='str', choices=['ACCESS', 'TRUNK']),
            promiscuous=dict(type='bool'),
        )),
        purge_grants=dict(type='bool', default=False),
    )


class VswitchRun(Run):
    """read -> plan -> apply -> re-read -> report for one switch."""

    # -- read ---------------------------------------------------------------------------
    def observe(self, name):
        record = vswitch_ops.query(self.session, name)
        return vswitches.observe(record) if record is not None else None

    def read(self):
        name = validation.vswitch_name(self.p['name'], 'name')
        declared = vswitches.normalize(self.p)
        grants = vswitches.normalize_grants(self.p['grants'])
        return State(name=name, declared=declared, grants=grants, switch=self.observe(name))

    def reread(self, state, plan):
        return state.having(switch=self.observe(state.name))

    # -- plan ---------------------------------------------------------------------------
    def plan(self, state):
        if self.p['state'] == 'absent':
            plan = Plan(predicted=state.having(switch=None))
            if state.switch is not None:
                plan.add('delete vswitch %s' % state.name,
                         lambda: vswitch_ops.delete(self.session, state.name, self.p['persist']))
        elif state.switch is None:
            plan = self.plan_create(state)
        else:
            plan = self.plan_update(state)
        plan.result.setdefault('changes', [])
        return plan

    def plan_create(self, state):
        name, declared = state.name, state.declared
        attrs = vswitches.creation_attributes(declared)
        vswitches.check_grants(state.grants, attrs)
        ops, after_grants = vswitches.plan_grants(state.grants, {}, {}, False)
        params = create_params(name, **vswitches.create_arguments(declared, self.p['persist']))
        action = 'create vswitch %s (%s, VLAN %s, %s)' % (
            name, attrs['network_type'], attrs['vlan_id'],
            'real devices %s' % ' '.join(attrs['real_device_address']) if attrs['real_device_address']
            else 'no real devices')

        def create():
            if not vswitch_ops.create(self.session, params, exists_ok=True):
                self.converge(name)     # another task created it in the meantime
                return
            try:
                for op in ops:
                    self.apply_grant(name, op)
            except Exception:
                try:
                    vswitch_ops.delete(self.session, name, self.p['persist'])
                    self.rollback.append('deleted vswitch %s again, since a grant failed' % name)
                except Exception as e:  # pylint: disable=broad-except
                    self.rollback.append('could not delete vswitch %s again after a grant failed: %s' % (name, e))
                raise

        plan = Plan(predicted=state.having(switch={'name': name, 'attributes': attrs, 'grants': after_grants,
                                                   'coupled': {}}))
        plan.add_step(create, [action] + [vswitches.describe_op(name, op) for op in ops])
        return plan

    def converge(self, name):
        """Make a switch another task created as declared (its update plan's steps)."""
        state = self.read()
        if state.switch is None:
            raise SDKConflictError('vswitch %s: SMAPI says it exists already, but it cannot be read' % name, rs=36)
        for step, _actions, _undo in self.plan_update(state).steps:
            step()

    def plan_update(self, state):
        name, before = state.name, state.switch
        changes, params, problems, unverified = vswitches.compare(state.declared, before['attributes'])
        if problems:
            raise SDKInvalidInputFormat(
                'vswitch %s: SET VSWITCH cannot change %s in place; nothing was changed. Delete the vswitch '
                '(state: absent) and declare it again to change that' % (name, '; '.join(problems)))
        attrs = vswitches.updated_attributes(before['attributes'], changes, state.declared, params)
        vswitches.check_grants(state.grants, attrs, before['grants'])
        ops, after_grants = vswitches.plan_grants(state.grants, before['grants'], before['coupled'],
                                                  self.p['purge_grants'])
        plan = Plan(predicted=state.having(switch={'name': name, 'attributes': attrs, 'grants': after_grants,
                                                   'coupled': before['coupled']}))
        for item in unverified:
            plan.note('vswitch %s: the declared %s is not compared' % (name, item))
        plan.result['changes'] = [{'attribute': a, 'before': b, 'after': n} for a, b, n in changes]
        if params:
            plan.add('set vswitch %s: %s' % (name, ', '.join(
                '%s %s -> %s' % (a, '-' if b is None else b, '-' if n is None else n) for a, b, n in changes)),
                lambda: vswitch_ops.change(self.session, name, params, self.p['persist']))
        for op in ops:
            plan.add(vswitches.describe_op(name, op), lambda op=op: self.apply_grant(name, op))
        return plan

    def apply_grant(self, name, op):
        """One grant change: revoke and/or grant, then couple the user's
        running NICs again when a revoke uncoupled them."""
        persist = self.p['persist']
        if op['op'] in ('revoke', 'regrant'):
            vswitch_ops.revoke(self.session, name, op['userid'], persist)
        if op['op'] in ('grant', 'regrant'):
            vswitch_ops.grant(self.session, name, op['userid'], vlan_ids=op['vlans'], port_type=op['port_type'],
                              promiscuous=op['promiscuous'], persist=persist)
        for vdev in op['recouple']:
            adapters.connect(self.session, op['userid'], vdev, name)

    # -- report -------------------------------------------------------------------------
    def report(self, state, plan, after):
        name, before, switch = state.name, state.switch, after.switch
        out = {
            'vswitch': dict(switch['attributes'], name=name) if switch else None,
            'grants': vswitches.grants_list(switch['grants']) if switch else [],
        }
        if self.module._diff:
            out['diff'] = {
                'before': vswitches.render(name, before['attributes'], before['grants']) if before else '',
                'after': vswitches.render(name, switch['attributes'], switch['grants']) if switch else '',
                'before_header': 'vswitch %s' % name, 'after_header': 'vswitch %s' % name}
        return out


def main():
    run_module(argument_spec(), VswitchRun)


if __name__ == '__main__':
    main()
