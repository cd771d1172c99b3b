# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SDKAPI first-boot methods: what a guest reads from its reader when it
boots (``firstboot/``), punched class X through the access node.

- ``guest_create_network_interface(userid, os_version, guest_networks,
  active=False)`` (zvmsdk): creates or reuses the NICs with the NIC code of
  ``network.py`` and punches ``network.doscript``; returns ``guest_networks``
  (copies) with each ``nic_vdev`` filled in.
- ``guest_config_minidisks(userid, disk_info)`` (zvmsdk): one set-up
  doscript per minidisk (``diskVVVV.doscript``).
- ``guest_punch_config_drive(userid, ...)`` (an extension): a cloud-init
  config drive, ``cfgdrive.iso``.
- ``make_filesystem(userid, vdev, fstype)`` (an extension): the file
  system a disk's ``format`` asks for, made by the node when the disk is
  created (``guest.py``'s ``create_disk_specs``), so that the guest's
  set-up script only mounts it.

Everything is checked before anything changes: the input (each error names
its field, such as ``guest_networks[1].gateway_addr``), the guest, its
NICs and minidisks, the vswitches, the access node.  A NIC made or changed
by ``guest_create_network_interface`` is put back as it was when a later
NIC or the punch fails.  Each method records the reader files it punched
in ``self.last_punched`` ([{'name', 'spoolid', 'bytes'}]), the
files inside them in ``self.last_firstboot`` ({spool name: {path: text}}),
for the modules' results and diffs, and warnings in ``self.last_notes`` (a
gateway that is not the default route, a vswitch that does not grant the
guest).  Unlike zvmsdk, nothing is started in
the running guest (zvmsdk asks its IUCV agent to run zvmguestconfigure):
the guest reads its reader at its next boot.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json

from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.firstboot import configdrive, disks, distros, doscript
from ansible_collections.zvm.cloud.plugins.module_utils.firstboot import networks, records
from ansible_collections.zvm.cloud.plugins.module_utils.operations import entries
from ansible_collections.zvm.cloud.plugins.module_utils.planners import disks as disk_specs
from ansible_collections.zvm.cloud.plugins.module_utils.planners import nics
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.base import check_userid
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import SDKFunctionNotImplementError, SDKInvalidInputFormat

NETWORK_SPOOL_NAME = 'network.doscript'
FIRST_NIC_VDEV = 0x1000


def _checked(func, *args, **kwargs):
    """``func(...)``, its InputError raised as SDKInvalidInputFormat (zvmsdk's class)."""
    try:
        return func(*args, **kwargs)
    except SDKInvalidInputFormat:
        raise
    except InputError as e:
        raise SDKInvalidInputFormat(str(e))


def _nic_spec(nic, vdev):
    spec = {'vdev': vdev, 'nic_id': nic.nic_id, 'mac_address': nic.mac_addr,
            'vswitch': nic.vswitch if nic.vswitch else nics.KEEP, 'vlan_id': nics.KEEP, 'port_type': nics.KEEP}
    if nic.vlan_id is not None:
        spec.update(vlan_id=nic.vlan_id, port_type='ACCESS')
    return nics.normalize(spec, nic.where)


def _renamed(error, where):
    """The NIC planner's error with zvmsdk's key names (nic_vdev, mac_addr)."""
    text = str(error)
    for ours, theirs in (('vdev', 'nic_vdev'), ('mac_address', 'mac_addr')):
        if text.startswith(where + ours + ':'):
            return SDKInvalidInputFormat(where + theirs + text[len(where + ours):], rs=error.rs)
    return error


def _free_vdev(entry, declared):
    """zvmsdk's choice for a new NIC: 1000 on a guest without NICs, else 3
    past the highest; then on, 3 at a time, past any device in the way and
    the NICs ``declared`` (ints) elsewhere in the same list."""
    existing = sorted(int(n.vdev, 16) for n in entry.nics)
    vdev = existing[-1] + 3 if existing else FIRST_NIC_VDEV
    while vdev + nics.NIC_DEVICES - 1 <= 0xFFFF:
        text = '%04X' % vdev
        if entry.device_conflict(text, nics.NIC_DEVICES) is None and all(abs(vdev - d) >= nics.NIC_DEVICES
                                                                         for d in declared):
            return text
        vdev += nics.NIC_DEVICES
    raise SDKInvalidInputFormat('nic_vdev: no free device numbers left for a NIC')


class FirstBootMixin:
    """First-boot methods of SDKAPI (mixed into ``api.SDKAPI``)."""

    last_punched = None
    last_firstboot = None
    last_notes = None

    def _forget(self):
        self.last_punched, self.last_firstboot, self.last_notes = [], {}, []

    def _punch(self, node, userid, data, name):
        spoolid = node.punch(userid, data, name, spool_class='X')
        self.last_punched.append({'name': name, 'spoolid': spoolid, 'bytes': len(data)})
        return spoolid

    # -- files built elsewhere ---------------------------------------------------------------------
    def guest_punch_firstboot(self, userid, files, digest=None, punched=None):
        """Punch ``files`` ([(name, bytes)], such as zvm_guest's
        ``planners.firstboot.reader_files``) to the reader of ``userid``,
        class X, in order; then, with ``digest``, record in the guest's
        directory entry that its first-boot content was punched (``* ZVMCLOUD
        FIRSTBOOT digest``, ``firstboot/records.py``: lock, fresh read,
        replace, unlock).  Returns the files punched ([{'name', 'spoolid',
        'bytes'}]), also appended to ``punched`` (a list of the caller's:
        several threads may share this SDK) as each is punched.  When a punch
        fails, the files punched before it stay in the reader and nothing is
        recorded.  (An extension: zvm_guest punches a deployed guest's
        first-boot content with it.)"""
        userid = check_userid(userid)
        node = self.require_node('punching first-boot content')
        punched = punched if punched is not None else []
        for name, data in files:
            spoolid = node.punch(userid, data, name, spool_class='X')
            punched.append({'name': name, 'spoolid': spoolid, 'bytes': len(data)})
        if digest is not None:
            entries.modify(self.session, userid,
                           lambda entry: records.replace(entry, digest, as_written=lambda text: text.upper()))
        return list(punched)

    # -- file systems --------------------------------------------------------------------------
    def _check_filesystem_node(self, specs):
        """Before anything is made: the access node, when a disk of
        ``specs`` (``planners.disks.normalize``) gets a file system from it;
        SDKFunctionNotImplementError naming the disk when there is none."""
        needing = [s for s in specs or [] if self._makes_filesystem(s)]
        if needing:
            purpose = ('format %s of disk %s (a file system is made by the access node)'
                       % (needing[0]['format'], needing[0]['vdev']))
            if not self.require_node(purpose).usable():
                raise SDKFunctionNotImplementError(
                    '%s needs an access node: set node_host (ZVM_NODE_HOST) or run the task on the node '
                    '(vmcp is not on PATH here)' % purpose)

    def _makes_filesystem(self, spec):
        """Whether the access node formats the disk of ``spec`` when it is
        made: always for a file system (no node is an error); for swap only
        when there is a node, since without one the disk is left as DirMaint
        made it, as before nodes existed (the guest makes its swap)."""
        if not disk_specs.needs_node(spec):
            return False
        if spec['format'] != 'swap':
            return True
        node = self.node
        return node is not None and node.usable()

    def make_filesystem(self, userid, vdev, fstype):
        """Make a file system (ext2, ext3, ext4, xfs) or swap on minidisk
        ``vdev`` of ``userid`` through the access node: a CKD disk is
        low-level formatted (dasdfmt, 4 KiB blocks) and partitioned (fdasd
        -a), an FBA disk uses its implicit partition; then mkfs or mkswap on
        the partition.  What the disk held is lost; the guest must not have
        the disk linked R/W (a running guest that has it is refused by CP).
        (An extension: zvmsdk makes file systems on its management node.)"""
        userid = check_userid(userid)
        node = self.require_node('make_filesystem')
        return node.make_filesystem(userid, vdev, fstype)

    # -- networks ---------------------------------------------------------------------------------
    @staticmethod
    def network_plans(entry, config, running=None):
        """The NIC plans (``planners.nics``) that make each NIC of ``config``
        (a ``firstboot.networks.NetworkConfig``) exist as declared, in order,
        and the directory entry after them; NICs with no vdev get zvmsdk's
        next one, written into ``config``.  ``running``: the running guest's
        NICs, to change them too.  No I/O (check mode can use it)."""
        work = entry
        plans = []
        declared = [int(n.vdev, 16) for n in config.nics if n.vdev is not None]
        for nic in config.nics:
            vdev = nic.vdev
            if vdev is None:
                vdev = _checked(_free_vdev, work, declared)
            try:
                spec = _nic_spec(nic, vdev)
                plan = nics.plan(work, spec, running)
            except SDKInvalidInputFormat as e:
                raise _renamed(e, nic.where)
            plans.append(plan)
            nic.vdev = vdev
            work = plan.entry_after
        return plans, work

    def guest_create_network_interface(self, userid, os_version, guest_networks, active=False):
        """Create (or reuse) a NIC for each of ``guest_networks`` and punch
        ``network.doscript`` (class X) that configures them in a guest of
        ``os_version`` (see ``firstboot/networks.py`` for the keys, beyond
        zvmsdk's: IPv6, DHCP for IPv4 and IPv6, vswitch and vlan_id).

        A NIC whose ``nic_vdev`` exists is reused (its nic_id, MACID and
        vswitch set as given); one without ``nic_vdev`` gets zvmsdk's next
        vdev.  ``active``: the NICs are also defined on the running guest
        (SDKConflictError when it is not logged on).  Returns copies of
        ``guest_networks`` with ``nic_vdev`` filled in."""
        self._forget()
        userid = check_userid(userid)
        distro = _checked(distros.parse, os_version)
        config = _checked(networks.normalize, guest_networks)
        node = self.require_node('guest_create_network_interface')
        entry = entries.require(self.session, userid)
        running = self._running(userid, active)
        plans, after = self.network_plans(entry, config, running)
        warnings = nics.check_vswitches(self.session, userid, plans)
        script = _checked(doscript.network_doscript, distro, config, userid, [n.vdev for n in after.nics], active)
        data = script.build()
        self.last_firstboot = {NETWORK_SPOOL_NAME: script.files()}
        self.last_notes = config.notes + warnings + [n for p in plans for n in p.notes]
        done = []
        try:
            for plan in plans:
                if plan.changed:
                    self.nic_apply(userid, plan)
                    done.append(plan)
            self._punch(node, userid, data, NETWORK_SPOOL_NAME)
        except Exception:
            for plan in reversed(done):
                self.nic_revert(userid, plan)
            raise
        out = []
        for net, nic in zip(guest_networks, config.nics):
            item = copy.deepcopy(net)
            item['nic_vdev'] = nic.vdev
            out.append(item)
        return out

    # -- minidisks ---------------------------------------------------------------------------------
    def guest_config_minidisks(self, userid, disk_info):
        """Punch one set-up doscript per disk of ``disk_info`` ([{'vdev',
        'format', 'mntdir'}], see ``firstboot/disks.py``): the guest sets the
        disk online, makes that persistent and mounts it at ``mntdir`` (or
        enables it as swap) at its next boot.  Each vdev must be a minidisk
        of the guest; only swap may be on a V-DISK or T-DISK.  Returns None,
        as zvmsdk."""
        self._forget()
        userid = check_userid(userid)
        wanted = _checked(disks.normalize, disk_info)
        entry = entries.require(self.session, userid)
        for disk in wanted:
            mdisk = entry.find_mdisk(disk.vdev)
            if mdisk is None:
                raise SDKInvalidInputFormat('%svdev: guest %s has no minidisk %s' % (disk.where, userid, disk.vdev))
            temporary = {'vdisk': 'V-DISK', 'tdisk': 'T-DISK'}.get(mdisk.disk_type)
            if temporary and disk.format != 'swap':
                raise SDKInvalidInputFormat('%sformat: minidisk %s is a %s, empty at every logon: only swap can be '
                                            'on it' % (disk.where, disk.vdev, temporary))
            disk.vdisk = bool(temporary)
        if not wanted:
            return None
        node = self.require_node('guest_config_minidisks')
        built = []
        for disk in wanted:
            script = disks.disk_doscript(disk, userid)
            self.last_firstboot[disks.spool_name(disk)] = script.files()
            built.append((disk, script.build()))
        for disk, data in built:
            self._punch(node, userid, data, disks.spool_name(disk))
        return None

    # -- config drive ------------------------------------------------------------------------------
    def guest_punch_config_drive(self, userid, os_version=None, guest_networks=None, hostname=None,
                                 public_keys=None, user_data=None, uuid=None):
        """Build a cloud-init config drive (``firstboot/configdrive.py``) and
        punch it as ``cfgdrive.iso`` (class X).  ``guest_networks`` (keys
        as for guest_create_network_interface) describes NICs the guest has
        already: each needs ``nic_vdev``; ``os_version`` names the devices.
        Without ``guest_networks`` the drive has no network_data.json.
        Returns {'spoolid', 'uuid', 'bytes', 'files' (path: text, user_data
        shown by its size and SHA-256)}.  (An extension: zvmsdk takes a
        config drive built elsewhere in guest_deploy's transportfiles.)"""
        self._forget()
        userid = check_userid(userid)
        distro = config = None
        if guest_networks is not None:
            distro = _checked(distros.parse, os_version)
            config = _checked(networks.normalize, guest_networks)
        elif os_version is not None:
            distro = _checked(distros.parse, os_version)
        entry = entries.require(self.session, userid)
        for nic in (config.nics if config is not None else []):
            if nic.vdev is None:
                raise SDKInvalidInputFormat('%snic_vdev: required for a config drive: the NIC must exist (make it '
                                            'with guest_create_nic or guest_create_network_interface)' % nic.where)
            if entry.find_nic(nic.vdev) is None:
                raise SDKInvalidInputFormat('%snic_vdev: guest %s has no NIC %s' % (nic.where, userid, nic.vdev))
        drive = _checked(configdrive.files, distro, config, hostname, public_keys, user_data, uuid, userid)
        node = self.require_node('guest_punch_config_drive')
        data = configdrive.build_iso(drive)
        shown = configdrive.preview(drive)
        self.last_firstboot = {configdrive.SPOOL_NAME: shown}
        self.last_notes = list(config.notes) if config is not None else []
        spoolid = self._punch(node, userid, data, configdrive.SPOOL_NAME)
        meta = json.loads(drive[configdrive.META_DATA].decode('utf-8'))
        return {'spoolid': spoolid, 'uuid': meta['uuid'], 'bytes': len(data), 'files': shown}
