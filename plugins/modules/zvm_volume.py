#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: zvm_volume
short_description: Attach a SAN volume (an FCP LUN) to a z/VM guest, or detach it
version_added: 0.2.0
description:
  - Declare that a guest has a LUN of SAN storage, reached through FCP devices dedicated to the guest and the
    storage's target ports (WWPNs).
  - V(present) dedicates each FCP device the guest lacks, in its directory entry and, with O(active=true),
    on the running guest; puts a script in the guest's reader (class X, through the access node) that adds
    the LUN on every path, enables multipath and names the device after O(mount_point); and records the
    volume in the guest's directory entry.
  - V(absent) puts the reverse script in the reader, undedicates the FCP devices that no other volume of the
    guest uses, and removes the records.
  - There is no database. Which volumes a guest has, through which FCP devices, WWPNs and LUN, is kept in its
    directory entry (comment records next to the DEDICATE statements), so every controller sees the same.
  - A converged volume costs one SMAPI read (the directory entry) and no write. The running guest is changed
    together with the directory, as IBM's cloud connector does.
  - When a step fails, the earlier ones are undone in reverse order and the result's RV(rollback) says what was
    undone and what could not be.
author:
  - zvm.cloud maintainers (@zvm-cloud)
extends_documentation_fragment:
  - zvm.cloud.smapi
  - zvm.cloud.node
  - zvm.cloud.attributes
attributes:
  diff_mode:
    support: full
    description: Shows the guest's DEDICATE statements and volume records for the volume before and after,
      and the FCP devices of the running guest with O(active=true).
options:
  guest:
    description:
      - The userid of the guest. It must have a directory entry.
    type: str
    required: true
    aliases: [userid]
  lun:
    description:
      - The logical unit number, 16 hexadecimal digits (C(0x) in front is allowed).
    type: str
    required: true
  wwpns:
    description:
      - The storage's target port WWPNs through which the LUN is reached, 16 hexadecimal digits each.
    type: list
    elements: str
    required: true
  fcp_devices:
    description:
      - The FCP devices (device numbers) the guest reaches the LUN through; each is dedicated to the guest at the
        same device number. Devices on different CHPIDs make separate paths; two on one CHPID are refused.
      - With O(fcp_count), the candidates to take that many free devices from, spread over different CHPIDs
        (the guest's own devices first).
      - Not needed with O(state=absent) (the records say which they are).
    type: list
    elements: str
  fcp_count:
    description:
      - Take this many devices from the candidates in O(fcp_devices), one per CHPID.
    type: int
  mount_point:
    description:
      - The device name the guest's udev gives the volume, such as V(/dev/data01) (the symlink C(data01)).
        An absolute path of letters, digits, C(.), C(_), C(-) and C(/). Required for O(state=present) unless
        O(is_root_volume=true).
    type: str
  os_version:
    description:
      - The guest's operating system, such as V(rhel9), V(sles15) or V(ubuntu22.04); recorded with the volume.
    type: str
  multipath:
    description:
      - Configure the volume through multipathd (a C(mpath-<WWID>) device map).
    type: bool
    default: true
  is_root_volume:
    description:
      - The guest boots from the volume; no script is put in its reader.
    type: bool
    default: false
  state:
    description:
      - V(present) attaches the volume; V(absent) detaches it.
    type: str
    choices: [present, absent]
    default: present
  active:
    description:
      - Also dedicate (or undedicate) the FCP devices on the running guest when it is logged on. Without it only
        the directory changes, and a running guest gets the devices at its next logon.
    type: bool
    default: true
notes:
  - The guest-side script runs when the guest's configuration service reads its reader (at once when it watches
    the reader, else at the next boot); this module does not wait for it.
  - SMAPI functions this module uses, so that the SMAPI user can be authorized for exactly these (the guide
    C(docs/before-you-start.md) in the collection says which option needs which). Directory functions, authorized
    in DirMaint too - Image_Query_DM, Image_Device_Dedicate_DM, Image_Device_Undedicate_DM,
    Directory_Manager_Search_DM, Image_Lock_DM, Image_Lock_Query_DM, Image_Replace_DM, Image_Unlock_DM,
    Query_Asynchronous_Operation_DM (DirMaint work that answers RC 592). CP and system functions -
    System_WWPN_Query, Image_Status_Query, Image_Device_Dedicate, Image_Device_Undedicate. Check mode makes only
    the queries among them.
seealso:
  - module: zvm.cloud.zvm_guest
  - module: zvm.cloud.zvm_facts
'''

EXAMPLES = r'''
- name: A LUN through two FCP devices on different CHPIDs, named /dev/data01 in the guest
  zvm.cloud.zvm_volume:
    guest: LINUX01
    lun: "0x4001400000000000"
    wwpns: ["0x500507680b21ac40", "0x500507680b22ac40"]
    fcp_devices: ["1a00", "1b00"]
    mount_point: /dev/data01
    os_version: rhel9
    node_host: zvmnode.example.com
    node_user: root

- name: Two free devices from a pool of candidates, spread over CHPIDs
  zvm.cloud.zvm_volume:
    guest: LINUX02
    lun: "4001400100000000"
    wwpns: ["500507680b21ac40"]
    fcp_devices: ["1a00", "1a01", "1a02", "1b00", "1b01", "1b02"]
    fcp_count: 2
    mount_point: /dev/data02

- name: Detach it
  zvm.cloud.zvm_volume:
    guest: LINUX02
    lun: "4001400100000000"
    wwpns: ["500507680b21ac40"]
    state: absent
'''

RETURN = r'''
volume:
  description: The volume as the guest's directory entry records it after the run (predicted in check mode);
    null when absent.
  returned: always
  type: dict
  sample:
    id: 1FAFCDE0
    lun: '4001400000000000'
    fcps: ['1A00', '1B00']
    wwpns: ['500507680b21ac40', '500507680b22ac40']
    paths: [{fcp: '1A00', wwpn: '500507680b21ac40'}, {fcp: '1B00', wwpn: '500507680b21ac40'}]
    os_version: rhel9
    multipath: true
    is_root_volume: false
    mount_point: /dev/data01
dedicated:
  description: The volume's FCP devices that the guest's directory entry dedicates (DEDICATE statements).
  returned: always
  type: list
  elements: str
  sample: ['1A00', '1B00']
running:
  description: Whether the guest is logged on; null when it was not needed (a converged run, or O(active=false)).
  returned: always
  type: bool
actions:
  description: The changes, in order; in check mode, the changes a real run would make.
  returned: always
  type: list
  elements: str
  sample: ['dedicate FCP device 1A00 to LINUX01 in the directory', 'attach FCP device 1A00 to the running guest',
           'punch the attach script (ATVOL SH, class X) to LINUX01', 'record volume 1FAFCDE0 (LUN 4001400000000000)']
rollback:
  description: What was undone after a failure, and what could not be (in failed results only).
  returned: failure
  type: list
  elements: str
smapi_calls:
  description: How many SMAPI requests the run made; a converged volume costs one read.
  returned: always
  type: dict
  sample: {reads: 1, writes: 0}
'''

from ansible_collections.zvm.cloud.plugins.module_utils import validation
from ansible_collections.zvm.cloud.plugins.module_utils.base import Plan, Run, State, run_module
from ansible_collections.zvm.cloud.plugins.module_utils.directory import records
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.node import options as node_options
from ansible_collections.zvm.cloud.plugins.module_utils.operations import entries, power
from ansible_collections.zvm.cloud.plugins.module_utils.operations import fcp as fcp_ops
from ansible_collections.zvm.cloud.plugins.module_utils.planners import volumes
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import (
    SDKObjectNotExistError, SDKVolumeOperationError,
)
from ansible_collections.zvm.cloud.plugins.module_utils.volumes import script, values


def argument_spec():
    spec = dict(
        guest=dict(type='str', required=True, aliases=['userid']),
        lun=dict(type='str', required=True),
        wwpns=dict(type='list', elements='str', required=True),
        fcp_devices=dict(type='list', elements='str'),
        fcp_count=dict(type='int'),
        mount_point=dict(type='str'),
        os_version=dict(type='str'),
        multipath=dict(type='bool', default=True),
        is_root_volume=dict(type='bool', default=False),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        active=dict(type='bool', default=True),
    )
    spec.update(node_options.argument_spec())
    return spec


def connection_info(p, guest):
    """The SDK request the options make, each value checked first under
    its option's name."""
    info = {'assigner_id': guest, 'target_wwpn': values.listed(p['wwpns'], 'wwpns', values.wwpn),
            'target_lun': values.lun(p['lun']), 'multipath': p['multipath'],
            'is_root_volume': p['is_root_volume'], 'active': p['active']}
    if p['mount_point'] is not None:
        info['mount_point'] = values.mount_point(p['mount_point'])
    if p['os_version'] is not None:
        info['os_version'] = values.os_version(p['os_version'])
    if p['fcp_devices'] is not None:
        info['fcp_candidates' if p['fcp_count'] is not None else 'zvm_fcp'] = values.listed(
            p['fcp_devices'], 'fcp_devices', values.fcp_device)
    if p['fcp_count'] is not None:
        info['fcp_count'] = p['fcp_count']
    return dict((k, v) for k, v in info.items() if v is not None)


def _volume_lines(entry, volume):
    """The entry's DEDICATE statements of the volume's devices and its records."""
    if volume is None:
        return []
    lines = ['DEDICATE %s %s' % (d.vdev, d.rdev) for d in entry.dedicates if d.vdev in volume.fcps]
    return lines + ['* ' + text for text in records.texts(volume)]


class VolumeRun(Run):
    """read -> plan -> apply -> re-read -> report for one volume of a guest."""

    def read(self):
        p = self.p
        guest = validation.userid(p['guest'], 'guest')
        if p['fcp_count'] is not None and p['fcp_devices'] is None:
            raise InputError('fcp_count: needs fcp_devices, the candidates to take the devices from')
        if p['fcp_count'] is not None and not 1 <= p['fcp_count'] <= 8:
            raise InputError('fcp_count: %r is not a number of paths from 1 to 8' % (p['fcp_count'],))
        if p['state'] == 'present' and p['mount_point'] is None and not p['is_root_volume']:
            raise InputError('mount_point: required for a volume the guest mounts (such as /dev/data01)')
        detach = p['state'] == 'absent'
        req = volumes.request(connection_info(p, guest), detach=detach)
        entry = entries.query(self.session, guest)
        if entry is None:
            raise SDKObjectNotExistError('guest: %s has no directory entry' % guest, rs=2)
        state = State(guest=guest, req=req, entry=entry, devices=None, claims=None, running=None)
        if detach:
            if volumes.detach_plan(req, entry)['volume'] is not None:
                self._read_running(state)
        elif volumes.converged_attach(req, entry) is None:
            state.devices = fcp_ops.wwpn_query(self.session)
            state.claims = fcp_ops.directory_claims(self.session)
            self._read_running(state)
        return state

    def _read_running(self, state):
        if self.p['active']:
            state.running = power.status(self.session, state.guest) == power.ON
            if state.running and state.devices is None:
                state.devices = fcp_ops.wwpn_query(self.session)

    def plan(self, state):
        guest, req = state.guest, state.req
        logged_on = bool(state.running)
        if self.p['state'] == 'absent':
            vplan = volumes.detach_plan(req, state.entry, state.devices, logged_on)
            volume = vplan['volume']
            after_entry, after_volume = state.entry.copy(), None
            plan = Plan()
            if volume is not None:
                for fcp in vplan['undedicate_dm']:
                    after_entry.remove_dedicate(fcp)
                records.remove(after_entry, volume.id)
                detach_name = script.DETACH_NAME.replace('.', ' ')
                actions = ['punch the detach script (%s, class X) to %s' % (detach_name, guest)] if vplan['script'] else []
                actions += ['detach FCP device %s from the running guest' % f for f in vplan['undedicate']]
                actions += ['undedicate FCP device %s from %s in the directory' % (f, guest)
                            for f in vplan['undedicate_dm']]
                actions.append('remove the record of volume %s (LUN %s)' % (volume.id, volume.lun))
                plan.add_step(self._step(self.sdk.volume_detach, connection_info(self.p, guest)), actions)
            running_before = volume.fcps if volume is not None and logged_on else []
            running_after = [f for f in running_before if f not in vplan['undedicate']]
        else:
            found = volumes.converged_attach(req, state.entry)
            plan = Plan()
            if found is not None:
                volume, after_entry, after_volume = found, state.entry, found
                running_before = running_after = []
            else:
                vplan = volumes.attach_plan(req, state.entry, state.devices, state.claims, logged_on)
                volume = after_volume = vplan['volume']
                after_entry = state.entry.copy()
                for fcp in vplan['dedicate_dm']:
                    after_entry.add_dedicate(fcp, fcp)
                records.put(after_entry, volume)
                actions = ['dedicate FCP device %s to %s in the directory' % (f, guest) for f in vplan['dedicate_dm']]
                actions += ['attach FCP device %s to the running guest' % f for f in vplan['dedicate']]
                if vplan['script']:
                    actions.append('punch the attach script (%s, class X) to %s'
                                   % (script.ATTACH_NAME.replace('.', ' '), guest))
                if vplan['record']:
                    actions.append('record volume %s (LUN %s)' % (volume.id, volume.lun))
                if actions:
                    plan.add_step(self._step(self.sdk.volume_attach, connection_info(self.p, guest)), actions)
                owners = dict((d['fcp'], d['owner']) for d in state.devices or [])
                running_before = [f for f in volume.fcps if logged_on and owners.get(f) == guest]
                running_after = volume.fcps if logged_on else []
        plan.predicted = state.having(entry=after_entry)
        plan.result['running'] = state.running
        if self.module._diff:
            header = 'LUN %s of %s' % (req['lun'], guest)
            before_volume = records.find(records.volumes(state.entry), req['lun'], req['wwpns'])
            plan.result['diff'] = {
                'before': self._diff_text(_volume_lines(state.entry, before_volume), running_before, logged_on),
                'after': self._diff_text(_volume_lines(after_entry, after_volume), running_after, logged_on),
                'before_header': header, 'after_header': header}
        return plan

    @staticmethod
    def _diff_text(lines, running, logged_on):
        if logged_on:
            lines = lines + ['# running guest: FCP devices %s' % (' '.join(running) or 'none')]
        return ''.join(line + '\n' for line in lines)

    def _step(self, method, info):
        def step():
            try:
                method(info)
            except SDKVolumeOperationError as e:
                self.rollback.extend('undone: %s' % d for d in e.undone)
                self.rollback.extend('not undone: %s' % d for d in e.not_undone)
                raise
        return step

    def reread(self, state, plan):
        return state.having(entry=entries.require(self.session, state.guest))

    def report(self, state, plan, after):
        volume = records.find(records.volumes(after.entry), state.req['lun'], state.req['wwpns'])
        return {'volume': volume.to_dict() if volume is not None else None,
                'dedicated': [f for f in (volume.fcps if volume is not None else [])
                              if after.entry.find_dedicate(f) is not None]}


def main():
    run_module(argument_spec(), VolumeRun)


if __name__ == '__main__':
    main()
