#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: zvm_image
short_description: Manage the disk images of a z/VM image repository (import, capture, export, delete)
version_added: 0.2.0
description:
  - Declare an image of the image repository on the access node, the Linux guest on the same z/VM that writes
    and reads guests' minidisks (see O(node_host)). The repository has the z/VM Cloud Connector's layout, so
    images imported by the connector are used as they are, and the connector can use the images made here.
  - V(present) imports the image from O(url) (C(file://) on the access node or on O(remote_host), C(http://),
    C(https://)) or captures it from a guest's minidisks (O(capture_from)) when the repository does not have it.
    An image that exists with the declared O(checksum) is left as it is; one that exists with another checksum
    is deleted and imported again; O(force=true) imports or captures it again in any case.
  - The checksum is verified while the bytes stream in, not in a second pass; on a mismatch nothing is left
    behind. An import or capture that is interrupted is never listed as present.
  - Images in the Feilong (xCAT) header format are recognized and their disk size is read from the header; a
    raw image (a disk's bytes without a header) needs O(disk_type) and O(disk_size).
  - V(exported) also makes sure that O(dest_url) holds a copy of the image (the file's checksum is compared),
    importing or capturing the image first when the repository does not have it. V(absent) deletes it.
  - Transfers run on the access node as one streaming command each; the result reports their figures
    (RV(transfer)). Long transfers can run under Ansible's C(async).
author:
  - zvm.cloud maintainers (@zvm-cloud)
extends_documentation_fragment:
  - zvm.cloud.smapi
  - zvm.cloud.node
  - zvm.cloud.attributes
attributes:
  check_mode:
    support: full
    description: Predicts the actions and the image without a transfer, a repository write or a SMAPI write. What
      only the transfer can tell (the checksum of an image imported without O(checksum), its size, the transfer's
      figures) is predicted as V((known after the run\)).
  diff_mode:
    support: full
    description: Shows the image's metadata before and after (the fields known before the run).
options:
  name:
    description:
      - The image's name, 1 to 100 of A-Z, a-z, 0-9, C(.), C(_) and C(-), starting with a letter or digit. Names
        are unique without regard to case.
    type: str
    required: true
    aliases: [image_name]
  state:
    description:
      - V(present) makes sure the repository has the image; V(absent) deletes it; V(exported) makes sure it is
        present and that O(dest_url) holds a copy.
    type: str
    choices: [present, absent, exported]
    default: present
  url:
    description:
      - Where to import the image from, when the repository does not have it (or with O(force=true), or when its
        checksum differs from O(checksum)). V(file:///path) is a file on the access node, or on O(remote_host)
        when that is set; V(http://) and V(https://) are fetched by the access node (certificates verified).
      - Excludes O(capture_from).
    type: str
  checksum:
    description:
      - The image file's checksum, V(md5:<32 hex digits>), V(sha256:<64 hex digits>) or a bare md5. It is
        verified while the image is imported; an existing image with another checksum is imported again.
    type: str
  os_version:
    description:
      - The image's operating system, as the z/VM Cloud Connector names it (V(rhel9.4), V(sles15sp5),
        V(ubuntu22)). Required to import or capture; the repository keeps the image under it.
    type: str
  disk_type:
    description:
      - For a raw image (a disk's bytes without a header), the type of disk it was taken from, V(ECKD) (a 3390
        disk, 4 KiB blocks, 737,280 bytes a cylinder) or V(FBA). Goes with O(disk_size).
    type: str
  disk_size:
    description:
      - For a raw image, the size of the disk it was taken from, a number of cylinders (ECKD) or 512-byte
        blocks (FBA), or a size with a unit (V(10G)). Goes with O(disk_type).
    type: str
  remote_host:
    description:
      - V(user@host) that holds the file of a V(file://) O(url) or O(dest_url); it is reached over SSH from the
        host the module runs on, with the key and known hosts of the access node options.
    type: str
  dest_url:
    description:
      - With V(exported), the V(file://) URL to copy the image file to, on the access node or on O(remote_host).
    type: str
  capture_from:
    description:
      - Capture the image from this guest's minidisks instead of importing it. The guest is stopped for the
        capture if it runs, and always started again afterwards, also when the capture fails.
      - Excludes O(url).
    type: str
  capture_type:
    description:
      - V(rootonly) (the default with O(capture_from)) captures the root disk (the guest's IPL disk, else its
        first minidisk); V(alldisks) every minidisk, each written back to the same vdev when the image is deployed.
    type: str
    choices: [rootonly, alldisks]
  compress_level:
    description:
      - The gzip level (0 to 9; 0 stores the disk's bytes uncompressed) of a capture; 6 when not set.
    type: int
  comments:
    description:
      - A comment kept with an image imported or captured by this task.
    type: str
  force:
    description:
      - Import or capture the image again although the repository has it (the old one is deleted first); with
        V(exported), copy it to O(dest_url) again.
    type: bool
    default: false
notes:
  - Everything but the capture happens on the access node alone. The SMAPI connection options are still taken (the
    group C(zvm.cloud.zvm) of C(module_defaults) sets both), since a capture needs them.
  - SMAPI functions this module uses, so that the SMAPI user can be authorized for exactly these (the guide
    C(docs/before-you-start.md) in the collection says which option needs which). Directory functions, authorized
    in DirMaint too - Image_Query_DM. CP and system functions - Image_Activate, Image_Deactivate,
    Image_Status_Query. Check mode makes only the queries among them.
seealso:
  - module: zvm.cloud.zvm_guest
  - module: zvm.cloud.zvm_facts
'''

EXAMPLES = r'''
- name: Images through an access node, with the SMAPI and node settings once for the play
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/zvm.cloud.zvm:
      smapi_host: zvm1.example.com
      smapi_user: ZVMANSBL
      smapi_password: "{{ vault_smapi_password }}"
      smapi_tls: true
      node_host: zvmnode.example.com
      node_user: root
      node_private_key_file: ~/.ssh/zvmnode
  tasks:
    - name: Import a RHEL 9 image over HTTPS, checked against its sha256
      zvm.cloud.zvm_image:
        name: rhel94-base
        os_version: rhel9.4
        url: https://images.example.com/zvm/rhel94-base.img
        checksum: sha256:0f8a0c3b5e7d9a1c2b4d6e8f0a1b3c5d7e9f1a2b3c4d5e6f7a8b9c0d1e2f3a4b
      async: 3600
      poll: 15

    - name: A raw image (a disk's bytes, no header) from a file on another host
      zvm.cloud.zvm_image:
        name: sles15-raw
        os_version: sles15sp5
        url: file:///srv/images/sles15.raw
        remote_host: builder@build1.example.com
        disk_type: ECKD
        disk_size: "3338"

    - name: Capture the golden guest's root disk as an image
      zvm.cloud.zvm_image:
        name: golden-2025-06
        os_version: rhel9.4
        capture_from: GOLDEN
        compress_level: 6

    - name: Copy it to the backup host
      zvm.cloud.zvm_image:
        name: golden-2025-06
        state: exported
        dest_url: file:///backup/images/golden-2025-06.img
        remote_host: backup@store1.example.com

    - name: Delete an old image
      zvm.cloud.zvm_image:
        name: golden-2024-12
        state: absent
'''

RETURN = r'''
image:
  description:
    - The image after the run, with the keys of the z/VM Cloud Connector's C(image_query) (C(imagename),
      C(imageosdistro), C(md5sum), C(disk_size_units), C(image_size_in_bytes), C(type), C(comments),
      C(last_access_time), C(image_path), the root disk's file on the access node) and C(sha256sum), C(format)
      (V(FBA_PART), V(FBA_DISK), V(FCP) or V(CKD_BLOCKS)), C(root_vdev) and C(disks) (one entry per image file).
    - Null when the image is absent. In check mode, what only the transfer can tell is V((known after the run\)).
  returned: always
  type: dict
  sample:
    imagename: rhel94-base
    imageosdistro: rhel9.4
    md5sum: 2f1d3e6c0a9b8d7c6e5f4a3b2c1d0e9f
    disk_size_units: '3338:CYL'
    image_size_in_bytes: 1014327296
    type: rootonly
    format: CKD_BLOCKS
    root_vdev: '0100'
    image_path: /var/lib/zvmsdk/images/netboot/rhel9.4/rhel94-base/0100
transfer:
  description:
    - What the import, capture or export moved (C(bytes), C(seconds) and C(mb_per_s), megabytes of 10^6 bytes a
      second); several transfers of one run are added up. Null when nothing was transferred; in check mode
      V((known after the run\)) when something would be.
  returned: always
  type: dict
  sample: {bytes: 1014327296, seconds: 9.8, mb_per_s: 103.5}
actions:
  description: The changes, in order, one line each; in check mode, the changes a real run would make.
  returned: always
  type: list
  elements: str
  sample: ['import image rhel94-base from https://images.example.com/zvm/rhel94-base.img']
smapi_calls:
  description: How many SMAPI requests the run made, reads and writes; only a capture makes any.
  returned: always
  type: dict
  sample: {reads: 0, writes: 0}
'''

from ansible_collections.zvm.cloud.plugins.module_utils.base import Plan, Run, State, run_module
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.images import records
from ansible_collections.zvm.cloud.plugins.module_utils.node import options as node_options
from ansible_collections.zvm.cloud.plugins.module_utils.operations import entries, power
from ansible_collections.zvm.cloud.plugins.module_utils.planners import images
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import SDKObjectNotExistError


def argument_spec():
    spec = dict(
        name=dict(type='str', required=True, aliases=['image_name']),
        state=dict(type='str', default='present', choices=list(images.STATES)),
        url=dict(type='str'),
        checksum=dict(type='str'),
        os_version=dict(type='str'),
        disk_type=dict(type='str'),
        disk_size=dict(type='str'),
        remote_host=dict(type='str'),
        dest_url=dict(type='str'),
        capture_from=dict(type='str'),
        capture_type=dict(type='str', choices=list(images.CAPTURE_TYPES)),
        compress_level=dict(type='int'),
        comments=dict(type='str'),
        force=dict(type='bool', default=False),
    )
    spec.update(node_options.argument_spec())
    return spec


class ImageRun(Run):
    """read -> plan -> apply -> re-read -> report for one image."""

    def __init__(self, module):
        Run.__init__(self, module)
        self.transfer = None

    # -- read -----------------------------------------------------------------------------------------
    def query(self, name):
        """The image's metadata, or None when the repository lacks it."""
        try:
            found = self.sdk.image_query(name)
        except SDKObjectNotExistError:
            return None
        return found[0] if found else None

    def read(self):
        decl = images.declaration(self.p)
        existing = self.query(decl['name'])
        state = State(decl=decl, image=existing, capture_vdev=None, capture_os=None, running=None, exported=None,
                      view=False)
        if decl['capture_from'] is not None and (existing is None or decl['force']):
            guest = decl['capture_from']
            entry = entries.query(self.session, guest)
            if entry is None:
                raise SDKObjectNotExistError('capture_from: guest %s has no directory entry' % guest, rs=2)
            state.capture_vdev = images.deploy_target(entry, field='capture_from')
            state.capture_os = decl['os_version'] or self.deployed_os(entry, state.capture_vdev)
            state.running = power.status(self.session, guest) == power.ON
        if decl['state'] == 'exported' and existing is not None and not decl['force']:
            state.exported = self.sdk.image_export_matches(existing['imagename'], decl['dest_url'],
                                                           remote_host=decl['remote_host'])
        return state

    def deployed_os(self, entry, vdev):
        """The os_version of the image disk ``vdev`` of ``entry`` was
        deployed from (its record), when the repository still has it."""
        source = records.deployed(entry).get(vdev)
        meta = self.query(source['image_name']) if source and source['image_name'] else None
        if meta is None:
            raise InputError('os_version: required to capture %s: its disk %s was not deployed from an image the '
                             'repository has' % (entry.userid, vdev))
        return meta['imageosdistro']

    def reread(self, state, plan):
        return state.having(image=self.query(state.decl['name']), view=False)

    # -- plan -------------------------------------------------------------------------------------------
    def plan(self, state):
        decl = state.decl
        new_path = None
        if decl['url'] is not None:
            new_path = self.sdk.image_path(decl['name'], decl['os_version'])
        elif state.capture_vdev is not None:
            new_path = self.sdk.image_path(decl['name'], state.capture_os, state.capture_vdev)
        image_plan = images.plan_image(state.image, decl, image_path=new_path, exported=state.exported,
                                       capture_vdev=state.capture_vdev, capture_os=state.capture_os)
        plan = Plan(predicted=state.having(image=image_plan.predicted, view=True))
        steps = {'delete': self.delete, 'import': self.import_image, 'capture': self.capture, 'export': self.export}
        for kind, action in image_plan.steps:
            if kind == 'capture' and state.running:
                action += '; the guest is stopped for it and started again'
            plan.add(action, lambda kind=kind: steps[kind](state))
        for note in image_plan.notes:
            plan.note(note)
        moving = [k for k, _a in image_plan.steps if k != 'delete']
        plan.result['transfer'] = images.KNOWN_AFTER_RUN if moving else None
        return plan

    # -- steps ----------------------------------------------------------------------------------------------
    def measured(self):
        self.transfer = images.add_transfer(self.transfer, self.sdk.last_transfer)

    def delete(self, state):
        self.sdk.image_delete(state.decl['name'])

    def import_image(self, state):
        decl = state.decl
        self.sdk.image_import(decl['name'], decl['url'], images.image_meta(decl), remote_host=decl['remote_host'])
        self.measured()

    def capture(self, state):
        decl = state.decl
        self.sdk.guest_capture(decl['capture_from'], decl['name'], capture_type=decl['capture_type'],
                               compress_level=decl['compress_level'], os_version=state.capture_os,
                               comments=decl['comments'], vdev=state.capture_vdev)
        self.measured()

    def export(self, state):
        decl = state.decl
        self.sdk.image_export(decl['name'], decl['dest_url'], remote_host=decl['remote_host'])
        self.measured()

    # -- report -----------------------------------------------------------------------------------------------
    def report(self, state, plan, after):
        image = after.image if after.view else images.image_view(after.image)
        out = {'image': image,
               'transfer': self.transfer if plan.changed and not self.check else plan.result['transfer']}
        if self.module._diff:
            known = plan.predicted.image if plan.changed else None
            name = state.decl['name']
            out['diff'] = {'before': images.diff_text(images.image_view(state.image)),
                           'after': images.diff_text(image, known),
                           'before_header': 'image %s' % name, 'after_header': 'image %s' % name}
        return out


def main():
    run_module(argument_spec(), ImageRun, mutually_exclusive=[('url', 'capture_from')])


if __name__ == '__main__':
    main()
