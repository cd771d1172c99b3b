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
  - A converged guest costs two SMAPI reads and no writes; three when it runs and O(nics) or O(networks) is set
    (one more for its active NICs).
  - Changes to the directory entry are made under DirMaint's lock of the entry (lock, fresh read, replace,
    unlock), so concurrent changes by others are not lost.
  - Creation is all or nothing. If a disk cannot be made, for example because
    the pool is full, the new guest is deleted again and the error names the
    SMAPI function, return code, reason code and their meaning.
  - Guests made by other tools are managed like any other.
  - With O(guests) instead of O(name), one task declares many guests (a fleet). The directory entries of
    all of them are read with one Query_All_DM and their power states with one Image_Status_Query, so a
    converged fleet of any size costs two SMAPI reads. Each guest is then planned and reported exactly as a
    run with O(name) would do it, and the changes are made for up to O(max_connections) guests at once; a
    guest that fails does not stop the others, and the task fails when any guest failed (C(docs/fleet.md)
    in the collection tells more).
author:
  - zvm.cloud maintainers (@zvm-cloud)
extends_documentation_fragment:
  - zvm.cloud.smapi
  - zvm.cloud.node
  - zvm.cloud.attributes
  - zvm.cloud.nic.guest
  - zvm.cloud.deploy
  - zvm.cloud.fleet
attributes:
  diff_mode:
    support: full
    description: Shows the directory entry before and after, as records, with passwords masked, and the power state.
options:
  name:
    description:
      - The guest's userid, 1 to 8 characters.
      - Required unless O(guests) is given; the two exclude each other.
    type: str
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
          - V(ext2), V(ext3), V(ext4), V(xfs), and V(swap) in a pool, are made by the access node when the disk is
            created (a CKD disk is formatted with 4 KiB blocks and partitioned first).
        type: str
        choices: [none, cms, swap, ext2, ext3, ext4, xfs]
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
      mount:
        description:
          - First boot (see O(reconfigure)). Where the guest mounts this data disk (a file system C(format)), as
            C(/data); the guest's fstab gets it. A swap disk is enabled as swap at first boot without it.
        type: str
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
  - O(image), first-boot content and file systems need the access node (the O(node_host) options); O(clone_from) and
    everything else need SMAPI only.
  - Memory, CPU, IPL and profile changes to a running guest take effect at its next logon; the result
    then has RV(restart_required=true). New disks are also added to a running guest's active configuration.
  - SMAPI functions this module uses, so that the SMAPI user can be authorized for exactly these (the guide
    C(docs/before-you-start.md) in the collection says which option needs which). Directory functions, authorized
    in DirMaint too - Image_Create_DM, Image_Delete_DM, Image_Disk_Copy_DM (O(clone_from)), Image_Disk_Create_DM,
    Image_Disk_Delete_DM, Image_Lock_DM,
    Image_Lock_Query_DM, Image_Query_DM, Image_Replace_DM, Image_Unlock_DM, Image_Volume_Space_Query_DM,
    Profile_Query_DM, Query_All_DM (with O(guests)), Query_Asynchronous_Operation_DM (DirMaint work that answers
    RC 592), Virtual_Network_Adapter_Connect_Vswitch_DM, Virtual_Network_Adapter_Create_Extended_DM,
    Virtual_Network_Adapter_Delete_DM, Virtual_Network_Adapter_Disconnect_DM. CP and system functions -
    Image_Activate, Image_CPU_Query, Image_Deactivate, Image_Disk_Create, Image_Disk_Delete, Image_Pause,
    Image_Status_Query, Virtual_Network_Adapter_Connect_Vswitch, Virtual_Network_Adapter_Create_Extended,
    Virtual_Network_Adapter_Delete, Virtual_Network_Adapter_Disconnect, Virtual_Network_Adapter_Query_Extended,
    Virtual_Network_Vswitch_Query_Extended. Check mode makes only the queries among them.
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

    - name: A bootable guest in one task, deployed from an image of the repository (zvm.cloud.zvm_image)
      zvm.cloud.zvm_guest:
        name: LINUX02
        state: started
        memory: 4G
        image: rhel94-base
        disks:
          - {vdev: "0100", size: 10G, disk_pool: "ECKD:POOL1", is_boot_disk: true}
        nics:
          - {vdev: "1000", vswitch: VSW1}
        node_host: zvmnode.example.com
        node_user: root
      register: deployed

    - name: A guest on its network at first boot, with SSH keys and a data disk mounted at /data
      zvm.cloud.zvm_guest:
        name: LINUX04
        state: started
        memory: 4G
        image: rhel94-base
        disks:
          - {vdev: "0100", size: 10G, disk_pool: "ECKD:POOL1", is_boot_disk: true}
          - {vdev: "0200", size: 20G, disk_pool: "ECKD:POOL2", format: xfs, mount: /data}
        networks:
          - {vdev: "1000", vswitch: VSW1, ip_addr: 192.168.95.14, cidr: 192.168.95.0/24, gateway_addr: 192.168.95.1,
             dns_addr: [192.168.95.53]}
        hostname: linux04.example.com
        ssh_authorized_keys: ["{{ lookup('ansible.builtin.file', '~/.ssh/id_ed25519.pub') }}"]

    - name: Without an access node, a copy of a golden guest's disk (DirMaint copies it)
      zvm.cloud.zvm_guest: {name: LINUX03, memory: 4G, clone_from: {guest: GOLDEN}, disk_pool: "ECKD:POOL1"}

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

    - name: A fleet in one task; the top-level options are the guests' shared defaults
      zvm.cloud.zvm_guest:
        memory: 2G
        profile: IBMDFLT
        disks:
          - {vdev: "0100", size: 10G, disk_pool: "ECKD:POOL1", is_boot_disk: true}
        state: started
        max_connections: 8
        guests:
          - name: WEB01
          - name: WEB02
          - name: DB01
            memory: 8G
            disks:
              - {vdev: "0100", size: 10G, disk_pool: "ECKD:POOL1", is_boot_disk: true}
              - {vdev: "0200", size: 100G, disk_pool: "ECKD:POOL2"}
      register: fleet

    - name: The guests that changed
      ansible.builtin.debug:
        msg: "{{ fleet.results | selectattr('changed') | map(attribute='name') | list }}"

    # Long runs (a large fleet, soft stops that wait for the guests to shut down) can run under
    # async, so that no connection timeout ends them: Ansible polls the job every `poll` seconds
    - name: A large fleet, for up to an hour, polled every 15 seconds
      zvm.cloud.zvm_guest:
        memory: 2G
        state: started
        guests: "{{ web_guests }}"
      async: 3600
      poll: 15

    - name: Start a soft stop of WEB01 in the background (poll 0) and go on
      zvm.cloud.zvm_guest:
        name: WEB01
        state: stopped
        stop_mode: soft
        stop_timeout: 300
      async: 600
      poll: 0
      register: stopping

    - name: Wait for the stop to finish
      ansible.builtin.async_status:
        jid: "{{ stopping.ansible_job_id }}"
      register: stopped
      until: stopped.finished
      retries: 40
      delay: 10
'''

RETURN = r'''
guest:
  description: The guest's directory entry after the run, as a structure (no passwords). Null when absent.
  returned: when O(name) is given
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
  returned: when O(name) is given
  type: str
  sample: 'on'
paused:
  description: Whether the guest's virtual CPUs are stopped; null when unknown or not logged on.
  returned: when O(name) is given
  type: bool
actions:
  description:
    - The changes to the guest, in order, one line each; in check mode, the changes a real run would make.
    - When a run fails, the changes made before the failure.
    - With O(guests), every guest's actions in the order of the items, each as C(NAME) followed by a colon and the action.
  returned: always
  type: list
  elements: str
  sample: ['create guest LINUX01', 'create disk 0100 (10G in ECKD:POOL1)', 'create NICDEF 1000 (QDIO)',
           'couple NICDEF 1000 to VSW1', 'start']
failed_actions:
  description: The changes of the step that failed (creating a guest with its disks is one step).
  returned: failure, when O(name) is given (with O(guests), in each guest's entry of RV(results))
  type: list
  elements: str
  sample: ['create disk 0101 (20G in ECKD:POOL1)']
rollback:
  description: What was undone after the failure, or could not be undone (then the directory keeps it).
  returned: failure, when O(name) is given (with O(guests), in each guest's entry of RV(results))
  type: list
  elements: str
  sample: ['disk 0100 of LINUX01: removed again', 'guest LINUX01: the new directory entry was deleted again']
restart_required:
  description: True when a change takes effect only at the next logon of the running guest.
  returned: when O(name) is given
  type: bool
changes:
  description: The directory changes, field by field (passwords masked).
  returned: when O(name) is given
  type: list
  elements: dict
  sample: [{statement: USER, field: storage, before: 4G, after: 6G}]
transfer:
  description: What O(image) or O(clone_from) wrote (C(bytes), C(seconds), C(mb_per_s) in 10^6 bytes); null when
    nothing; in check mode V((known after the run\)) when something would be.
  returned: when O(image) or O(clone_from) is given
  type: dict
  sample: {bytes: 2461007872, seconds: 21.4, mb_per_s: 115.0}
deployed:
  description: What the disks hold by the entry's records, per disk C(vdev), C(image_name) and C(md5sum), or
    C(clone_of) (C(userid), C(vdev)).
  returned: when O(image) or O(clone_from) is given
  type: list
  elements: dict
  sample: [{vdev: '0100', image_name: rhel94-base, md5sum: 2f1d3e6c0a9b8d7c6e5f4a3b2c1d0e9f, clone_of: null}]
firstboot:
  description:
    - The first-boot content - C(digest) (of the declared content), C(recorded) (the digest the entry records as
      punched, null when none), C(punched) (the reader files this run punched, or in check mode would punch - C(name),
      C(bytes), C(class), C(spoolid)) and C(files) (what they hold, user data masked).
  returned: when first-boot options are given
  type: dict
  sample: {digest: 9f0c3a1e5b7d2c4e6f8a0b1c2d3e4f50, recorded: 9f0c3a1e5b7d2c4e6f8a0b1c2d3e4f50,
           punched: [{name: network.doscript, bytes: 10240, class: X, spoolid: 12}],
           files: {network.doscript: {'0000': "network: ..."}}}
smapi_calls:
  description: How many SMAPI requests the run made, reads and writes; a converged guest costs two reads
    (three when it runs and O(nics) or O(networks) is set) and no write, and so does a converged fleet (O(guests)) of any size
    declared V(present) or V(stopped).
  returned: always
  type: dict
  sample: {reads: 2, writes: 0}
results:
  description:
    - With O(guests), one entry per guest in the order of the items, with what a run with O(name) returns for
      it (RV(guest), RV(power_state), RV(paused), RV(restart_required), RV(changes), RV(actions), C(changed) and,
      in diff mode, C(diff)) and its C(name).
    - A guest that did not change has no C(guest) and no C(diff) unless O(unchanged_entries=true).
    - A guest that failed has C(failed=true), C(msg) (the message a run with O(name) would give), the C(actions)
      done before the failure, C(failed_actions), C(rollback) and, for a SMAPI error, C(smapi); the other
      guests go on, and the task fails after them.
    - Warnings of a guest are in its C(warnings), and among the task's warnings after C(NAME) and a colon.
  returned: when O(guests) is given
  type: list
  elements: dict
  sample:
    - {name: WEB01, changed: false, actions: [], power_state: 'on', paused: false, restart_required: false,
       changes: []}
    - {name: DB01, changed: true, actions: ['create guest DB01', 'create disk 0100 (10G in ECKD:POOL1)', 'start'],
       power_state: 'on', paused: false, restart_required: false, changes: [], guest: {userid: DB01, storage: 8G}}
summary:
  description: With O(guests), how many guests there were (C(total)), changed, were left as they were
    (C(unchanged)) and failed (a guest that failed after some change counts as failed).
  returned: when O(guests) is given
  type: dict
  sample: {total: 3, changed: 1, unchanged: 2, failed: 0}
directory_read:
  description:
    - With O(guests), how the guests' directory entries were read. V(query_all) is one Query_All_DM for the
      whole directory; V(per_guest) is one Image_Query_DM per guest, because the server refused Query_All_DM
      (the SMAPI user is not authorized for it, or the server does not have it). Null for an empty list.
  returned: when O(guests) is given
  type: str
  sample: query_all
diff:
  description: With O(guests) in diff mode, one entry per guest that changed, headed with its name.
  returned: when O(guests) is given, in diff mode, and a guest changed
  type: list
  elements: dict
'''

from ansible_collections.zvm.cloud.plugins.module_utils import directory, fleet, gather, validation
from ansible_collections.zvm.cloud.plugins.module_utils.base import Plan, Run, State, run_module
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.guest_firstboot import GuestFirstbootMixin
from ansible_collections.zvm.cloud.plugins.module_utils.guest_firstboot import option_spec as firstboot_options
from ansible_collections.zvm.cloud.plugins.module_utils.guest_images import GuestImagesMixin, option_spec as image_options
from ansible_collections.zvm.cloud.plugins.module_utils.node import options as node_options
from ansible_collections.zvm.cloud.plugins.module_utils.operations import adapters, disks, entries, host, power, vswitches
from ansible_collections.zvm.cloud.plugins.module_utils.planners import disks as disk_specs
from ansible_collections.zvm.cloud.plugins.module_utils.planners import guests, nics
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import SDKConflictError, SDKInvalidInputFormat

# seconds between power-state polls while a soft stop completes
DEFAULT_POLL_INTERVAL = 10


def guest_options():
    """The options of one guest: the module's own, and each item of ``guests``."""
    spec = dict(
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
            format=dict(type='str', default='none', choices=list(disk_specs.FORMATS)),
            mode=dict(type='str', default='MR'),
            is_boot_disk=dict(type='bool', default=False),
            mount=dict(type='str'),
        )),
        purge_disks=dict(type='bool', default=False),
        nics=dict(type='list', elements='dict', options=nics.option_spec()),
        purge_nics=dict(type='bool', default=False),
        stop_mode=dict(type='str', default='soft', choices=['soft', 'immediate']),
        stop_timeout=dict(type='int', default=300),
    )
    spec.update(image_options())
    spec.update(firstboot_options())
    return spec


def argument_spec():
    """One guest's options, ``name`` or ``guests`` (a fleet, whose items
    take one guest's options with the top-level ones as defaults) and
    ``max_connections``."""
    spec = guest_options()
    spec['name'] = dict(type='str', aliases=['userid'])
    spec.update(guests=dict(type='list', elements='dict'),
                max_connections=dict(type='int', default=gather.DEFAULT_MAX_CONNECTIONS),
                unchanged_entries=dict(type='bool', default=False))
    spec.update(node_options.argument_spec())
    return spec


def guest_state(name, entry, power_state=None, paused=None, adapters=None):
    """The guest as read: its directory entry (None when it has none), its
    power state, whether it is paused (read when the declared state makes
    it matter) and its running NICs (read when NICs are declared)."""
    return State(name=name, entry=entry, power=power_state, paused=paused, adapters=adapters)


class GuestRun(GuestFirstbootMixin, GuestImagesMixin, Run):
    """read -> plan -> apply -> re-read -> report for one guest.

    In a fleet (``guests``) each guest is a GuestRun of its own, given its
    params (a ``fleet.MemberModule``), ``where`` its declaration is
    (``guests[3].``, for messages), the ``lookups`` the guests share (pools,
    profiles, vswitches, each read once per task) and ``known``, its entry
    and logged-on state read in bulk; the rest is a single run's code."""

    def __init__(self, module, where='', lookups=None, known=None):
        Run.__init__(self, module)
        self.where = where
        self.lookups = lookups if lookups is not None else fleet.Memo()
        self.known = known      # (entry or None, logged on) read for the whole fleet, or None: read it

    # -- input --------------------------------------------------------------------------------
    def name(self):
        return validation.userid(self.p['name'], self.where + 'name')

    def check_input(self):
        """What the declaration alone can get wrong (name, memory, CPUs,
        disks, NICs), before anything is read; a fleet checks every guest
        so first.  Returns the userid."""
        name = self.name()
        for key in ('memory', 'max_memory'):
            if self.p[key] not in (None, ''):
                guests.memory_text(self.p[key], self.where + key)
        for key in ('vcpus', 'max_vcpus'):
            if self.p[key] is not None and not 1 <= self.p[key] <= 64:
                raise SDKInvalidInputFormat('%s%s: %r is not a number from 1 to 64' % (self.where, key, self.p[key]))
        self.check_image_input()
        self.check_firstboot_input()
        self.disk_specs()
        self.nic_specs()
        return name

    def disk_specs(self):
        if self.p['disks'] is None:
            return None
        clean = [dict((k, v) for k, v in d.items() if v is not None and k != 'mount') for d in self.p['disks']]
        return disk_specs.normalize(clean, self.p['disk_pool'], where=self.where + 'disks[%d]')

    def nic_specs(self):
        """The declared NICs: ``nics``, and those ``networks`` declares; None when neither is set."""
        specs = None
        if self.p['nics'] is not None:
            specs = [nics.normalize(dict(n), '%snics[%d].' % (self.where, i + 1)) for i, n in enumerate(self.p['nics'])]
        specs = self.network_nic_specs(specs)
        if specs is not None:
            nics.check_unique(specs)
        return specs

    # -- read ---------------------------------------------------------------------------------
    def read_power(self, name, logged_on=None):
        """(power, paused) in one read: the CPUs' state when pausing matters
        (started, paused), the power state alone otherwise; none when
        ``logged_on`` (read in bulk) tells the power state already."""
        if self.p['state'] in ('started', 'paused'):
            if logged_on is False:
                return power.OFF, None
            paused = power.cpus_stopped(self.session, name)
            return (power.OFF, None) if paused is None else (power.ON, paused)
        if logged_on is not None:
            return (power.ON if logged_on else power.OFF), None
        return power.status(self.session, name), None

    def read(self):
        name = self.name()
        self.check_image_input()
        self.check_firstboot_input()
        self.nic_specs()
        if self.known is not None:
            entry, logged_on = self.known
        else:
            entry, logged_on = entries.query(self.session, name), None
        if entry is None:
            return guest_state(name, None)
        if self.p['state'] == 'absent':
            return guest_state(name, entry, self.read_power(name, logged_on)[0])
        power_state, paused = self.read_power(name, logged_on)
        running = None
        if self.nic_specs() is not None and power_state == power.ON:
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
        for warning in self.vswitch_warnings(name, nic_plans):
            plan.note(warning)
        return nic_plans

    def vswitch_warnings(self, name, nic_plans):
        """``nics.check_vswitches``, each vswitch read once per task."""
        records = {}
        for n in nic_plans:
            if n.vswitch is not None and n.vswitch not in records:
                records[n.vswitch] = self.lookups.get(('vswitch', n.vswitch),
                                                      lambda switch=n.vswitch: vswitches.query(self.session, switch))
        return nics.vswitch_problems(records, name, nic_plans)

    def plan_create(self, state):
        p, name = self.p, state.name
        guests.check_settings(p, self.where)        # 0 CPUs is an error, not 1
        if p['memory'] is None:
            raise SDKInvalidInputFormat('memory is required to create guest %s' % name)
        specs = self.disk_specs() or []
        vcpus = 1 if p['vcpus'] is None else p['vcpus']
        boot = [s['vdev'] for s in specs if s['is_boot_disk']]
        specs, clone = self.take_clone(specs, None, p['ipl'])
        entry = guests.new_entry(name, vcpus, p['memory'], user_profile=p['profile'] or '',
                                 max_cpu=vcpus if p['max_vcpus'] is None else p['max_vcpus'], max_mem=p['max_memory'],
                                 ipl_from=p['ipl'] or (boot[0] if boot else '') or (clone['vdev'] if clone else ''),
                                 account=p['account'] or '', password=p['password'], logonby=p['logonby'])
        self.check_pools(specs + ([clone] if clone else []))
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
                      ['create guest %s' % name] + [guests.describe_disk(s) for s in specs] + nic_actions,
                      undo=(lambda: entries.delete(self.session, name)) if self.images_declared else None)
        self.plan_images(plan, name, None, predicted, [s['vdev'] for s in specs], power.OFF, clone)
        self.plan_firstboot(plan, name, None, predicted, power.OFF)
        power_state, paused = self.plan_power(plan, name, power.OFF, None)
        plan.predicted = guest_state(name, predicted, power_state, paused)
        return plan

    def plan_update(self, state):
        p, name, before = self.p, state.name, state.entry
        predicted = before.copy()
        settings_changed = guests.apply_settings(predicted, p)
        changes = directory.diff(before, predicted)
        to_create, to_delete = guests.plan_disks(before, self.disk_specs(), p['purge_disks'])
        to_create, clone = self.take_clone(to_create, before, p['ipl'])
        if clone:
            to_delete = [vdev for vdev in to_delete if vdev != clone['vdev']]
        for vdev in to_delete:
            predicted.remove_mdisk(vdev)
        for spec in to_create:
            guests.add_predicted_disk(predicted, spec, 'disks: disk %s' % spec['vdev'])
        if to_create or clone:
            self.check_pools(to_create + ([clone] if clone else []))
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
        self.plan_images(plan, name, before, predicted, [s['vdev'] for s in to_create], state.power, clone)
        for n in nic_plans:
            plan.add_step(lambda n=n: self.sdk.nic_apply(name, n, rollback=self.rollback), n.actions,
                          undo=lambda n=n: self.revert_nic(name, n))
        if to_delete:
            plan.add_step(lambda: self.sdk.guest_delete_disks(name, to_delete),
                          ['delete disk %s' % vdev for vdev in to_delete])
        self.plan_firstboot(plan, name, before, predicted, state.power)
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
            if not self.lookups.get(('pool', pool), lambda: disks.pool_exists(self.session, pool)):
                raise SDKInvalidInputFormat('disk pool %s is not defined to DirMaint (no such group)' % pool)

    def check_profile(self):
        """Fail before any write when the declared profile does not exist."""
        profile = self.p['profile']
        if profile and not self.lookups.get(('profile', profile.upper()),
                                            lambda: entries.profile_exists(self.session, profile.upper())):
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
        out.update(self.image_report(plan, entry))
        out.update(self.firstboot_report(plan, entry))
        if self.module._diff:
            d = directory.diff_records(before, entry, state.name)
            d['before'] += '# power: %s\n' % (state.power if before is not None else 'absent')
            d['after'] += '# power: %s\n' % (after.power if entry is not None else 'absent')
            d['after'] += self.firstboot_diff(state.name)
            out['diff'] = d
        return out


def guest_view(entry):
    """The guest's entry as the result shows it; a disk DirMaint is still to
    allocate from a pool has ``volser`` and ``start`` null and ``pool`` set."""
    return entry.to_dict() if entry is not None else None


class FleetRun:
    """``guests``: every declared guest in one run.  Checks each
    declaration, reads the directory (one Query_All_DM, or one read per
    guest when it is refused) and the logged-on guests (one Image_Status_Query
    of '*') for all of them, then runs each guest as a GuestRun of its own
    given what was read, on up to ``max_connections`` connections at once;
    one guest's failure does not stop the others (``fleet.run_member``)."""

    def __init__(self, module):
        self.module = module

    def error_context(self):
        return {}

    def members(self):
        """[(userid, GuestRun)] in declaration order; InputError naming the
        declaration (``guests[3].memory: ...``) before anything is read."""
        module = self.module
        declared, secrets = fleet.declarations(module.params, 'guests', guest_options())
        module.no_log_values.update(secrets)
        lookups = fleet.Memo()
        runs, seen = [], {}
        for where, params in declared:
            run = GuestRun(fleet.MemberModule(module, params), where=where, lookups=lookups)
            name = run.check_input()
            if name in seen:
                raise InputError('%sname: guest %s is declared twice (first as %sname)' % (where, name, seen[name]))
            seen[name] = where
            runs.append((name, run))
        return runs

    def execute(self):
        module = self.module
        connections = gather.check_max_connections(module.params['max_connections'])
        runs = self.members()
        session = module.sdk.session
        found, path = gather.read_directory(session, [name for name, _run in runs], connections)
        active = frozenset(host.logged_on(session)) if any(e is not None for e in found) else frozenset()
        for (name, run), entry in zip(runs, found):
            run.known = (entry, name in active)
        results = gather.bounded_map(lambda member: fleet.run_member(*member), runs, connections)
        for r in results:
            for warning in r.get('warnings') or []:
                module.warn('%s: %s' % (r['name'], warning))
        out = fleet.report(results, brief_unchanged=not module.params['unchanged_entries'])
        out['directory_read'] = path
        out['smapi_calls'] = module.smapi_calls()
        failed = fleet.failure_message(results)
        if failed:
            module.fail_json(msg=failed, **out)
        return out


def make_run(module):
    """The run for the module's options: one guest, or a fleet."""
    return FleetRun(module) if module.params['guests'] is not None else GuestRun(module)


def main():
    run_module(argument_spec(), make_run, mutually_exclusive=[('name', 'guests')],
               required_one_of=[('name', 'guests')])


if __name__ == '__main__':
    main()
