# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zvm_guest's first-boot options, planned with no I/O: the declaration
checked (each error names its option), its digest, the NICs it declares,
the decision to punch, and the reader files it makes.

    decl = declaration(params, where, images_declared)   # None: nothing declared
    decl.nic_specs()                     # the NICs of ``networks``, for planners.nics
    punch, note = decide(decl, recorded, deploying, reconfigure, userid)
    files = reader_files(decl, distro, userid, nic_vdevs, vdisks)

The options are those of the SDK's first-boot methods (``firstboot/``):
``networks`` (guest_networks, with ``vdev`` for ``nic_vdev``), ``hostname``,
``ssh_authorized_keys``, ``user_data``, ``config_drive``, ``os_version``,
and ``disks[].mount``.  What gets punched (class X, read by the image's
zvmguestconfigure at boot), in this order:

- ``network.doscript``: the distribution's network files for ``networks``
  (and the host name), unless ``config_drive`` is true;
- ``diskVVVV.doscript``: one per disk with a ``mount`` (mounted there) or
  with ``format: swap`` (enabled as swap);
- ``cfgdrive.iso``: a cloud-init config drive, with ``config_drive: true``
  (then with ``network_data.json`` for ``networks``), or when there are SSH
  keys or user data, or a host name without ``networks``.

The digest is of the content as declared (``os_version`` as given, not
the image's), so that deciding needs no read beyond the directory entry.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json

from ansible_collections.zvm.cloud.plugins.module_utils import validation
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.firstboot import configdrive, disks, distros, doscript, networks
from ansible_collections.zvm.cloud.plugins.module_utils.planners import disks as disk_specs

NETWORK_KEYS = ('nic_vdev', 'vswitch', 'vlan_id', 'nic_id', 'mac_addr', 'method', 'ip_addr', 'cidr', 'gateway_addr',
                'dns_addr', 'mtu', 'ipv6_method', 'ipv6_addr', 'ipv6_cidr', 'ipv6_gateway_addr')
CONTENT_OPTIONS = ('networks', 'hostname', 'ssh_authorized_keys', 'user_data')
CLASS = 'X'


def network_option_spec():
    """The suboptions of zvm_guest's ``networks`` (guest_networks' keys)."""
    return dict(
        nic_vdev=dict(type='str', required=True, aliases=['vdev']),
        vswitch=dict(type='str'),
        vlan_id=dict(type='int'),
        nic_id=dict(type='str'),
        mac_addr=dict(type='str'),
        method=dict(type='str', choices=['static', 'dhcp']),
        ip_addr=dict(type='str'),
        cidr=dict(type='str'),
        gateway_addr=dict(type='str'),
        dns_addr=dict(type='list', elements='str'),
        mtu=dict(type='int'),
        ipv6_method=dict(type='str', choices=['static', 'dhcp', 'auto']),
        ipv6_addr=dict(type='str'),
        ipv6_cidr=dict(type='str'),
        ipv6_gateway_addr=dict(type='str'),
    )


class ReaderFile:
    """One file to punch: ``name`` (network.doscript), ``data`` (bytes),
    ``shown`` ({member: text}, secrets masked)."""

    def __init__(self, name, data, shown):
        self.name, self.data, self.shown = name, data, shown

    def view(self):
        return {'name': self.name, 'bytes': len(self.data), 'class': CLASS}


class Declaration:
    """The first-boot content of one guest, checked (see ``declaration``)."""

    def __init__(self, where):
        self.where = where
        self.networks = None        # the guest_networks list (zvmsdk's keys), or None
        self.config = None          # its networks.NetworkConfig
        self.hostname = None
        self.keys = []
        self.user_data = None       # bytes
        self.config_drive = False
        self.distro = None          # distros.Distro of os_version as declared, or None
        self.disks = []             # firstboot.disks.Disk: those with a mount point, and swap

    def nic_specs(self):
        """planners.nics declarations of the NICs of ``networks``."""
        out = []
        for nic in (self.config.nics if self.config is not None else []):
            spec = {'vdev': nic.vdev, 'vswitch': nic.vswitch, 'vlan_id': nic.vlan_id, 'nic_id': nic.nic_id,
                    'mac_address': nic.mac_addr}
            if nic.vlan_id is not None:
                spec['port_type'] = 'ACCESS'
            out.append(dict((k, v) for k, v in spec.items() if v is not None))
        return out

    def canonical(self):
        """What the guest would read, as a structure (no secret: user data by its SHA-256)."""
        nics = []
        for nic in (self.config.nics if self.config is not None else []):
            nics.append({'vdev': nic.vdev, 'dhcp4': nic.dhcp4, 'ipv4': str(nic.ipv4) if nic.ipv4 else None,
                         'gateway4': str(nic.gateway4) if nic.gateway4 else None, 'default4': nic.default4,
                         'ipv6_method': nic.ipv6_method, 'ipv6': str(nic.ipv6) if nic.ipv6 else None,
                         'gateway6': str(nic.gateway6) if nic.gateway6 else None, 'default6': nic.default6,
                         'dns': nic.dns, 'mtu': nic.mtu})
        return {'format': 1, 'os_version': self.distro.name if self.distro else None,
                'config_drive': self.config_drive, 'hostname': self.hostname, 'networks': nics,
                'ssh_authorized_keys': self.keys,
                'user_data': hashlib.sha256(self.user_data).hexdigest() if self.user_data is not None else None,
                'disks': [[d.vdev, d.format, d.mntdir] for d in self.disks]}

    def digest(self):
        """32 hex digits of the SHA-256 of ``canonical()``."""
        text = json.dumps(self.canonical(), sort_keys=True, separators=(',', ':'))
        return hashlib.sha256(text.encode('utf-8')).hexdigest()[:32]

    @property
    def needs_distro(self):
        return self.config is not None

    @property
    def drive(self):
        """Whether a config drive is punched."""
        return self.config_drive or bool(self.keys) or self.user_data is not None or \
            (self.hostname is not None and self.config is None)


def _networks(items):
    """``networks`` (module items) as guest_networks (zvmsdk's keys), None values left out."""
    out = []
    for item in items:
        out.append(dict((k, v) for k, v in (item or {}).items() if v is not None and k in NETWORK_KEYS))
    return out


def _disks(disk_items, where):
    """The firstboot ``Disk`` s of ``disks`` items with a ``mount`` (a file
    system, not the boot disk), and of those with format swap."""
    out = []
    for i, item in enumerate(disk_items or []):
        field = '%sdisks[%d].' % (where, i + 1)
        mount, fmt = item.get('mount'), str(item.get('format') or 'none').lower()
        if mount in (None, '') and fmt != 'swap':
            continue
        vdev = validation.vdev(item.get('vdev'), field + 'vdev')
        if fmt == 'swap':
            if mount not in (None, ''):
                raise InputError('%smount: disk %s is swap, which is not mounted; leave mount out' % (field, vdev))
            out.append(disks.Disk(vdev, 'swap', None, field))
            continue
        if fmt not in disk_specs.LINUX_FORMATS:
            raise InputError('%smount: disk %s has format %s: a mount point needs a file system, made when the disk '
                             'is created (format: %s)' % (field, vdev, fmt, ', '.join(disk_specs.LINUX_FORMATS)))
        if item.get('is_boot_disk'):
            raise InputError('%smount: disk %s is the boot disk; mount points are for data disks' % (field, vdev))
        mntdir = disks.check_mntdir(mount, field + 'mount')
        for other in out:
            if other.mntdir == mntdir:
                raise InputError('%smount: %s is also the mount point of disk %s' % (field, mntdir, other.vdev))
        out.append(disks.Disk(vdev, fmt, mntdir, field))
    return out


def declaration(params, where='', images_declared=False):
    """The ``Declaration`` of zvm_guest's first-boot options in ``params``,
    or None when none is set; InputError naming the option (``where``
    prefixes it: ``guests[2].``).  ``images_declared``: image or clone_from
    is set (first-boot content is for a guest this task deploys)."""
    decl = Declaration(where)
    given = [k for k in CONTENT_OPTIONS if params.get(k) not in (None, '', [])]
    mounts = [d for d in params.get('disks') or [] if d and d.get('mount') not in (None, '')]
    if not given and not mounts:
        for key in ('config_drive', 'os_version', 'reconfigure'):
            if params.get(key):
                raise InputError('%s%s: only with first-boot content (networks, hostname, ssh_authorized_keys, '
                                 'user_data or a disk\'s mount)' % (where, key))
        return None
    if not images_declared:
        first = given[0] if given else 'disks'
        raise InputError('%s%s: first-boot content is punched for a guest this task deploys: set image or '
                         'clone_from too' % (where, first))
    if params.get('networks') not in (None, []):
        decl.networks = _networks(params['networks'])
        decl.config = networks.normalize(decl.networks, where + 'networks', first=1)
        for nic in decl.config.nics:
            if nic.vdev is None:
                raise InputError('%snic_vdev: required' % nic.where)
    if params.get('hostname') not in (None, ''):
        decl.hostname = networks.check_hostname(params['hostname'], where + 'hostname')
    elif decl.config is not None and decl.config.hostname:
        decl.hostname = decl.config.hostname
    decl.keys = configdrive.check_public_keys(params.get('ssh_authorized_keys') or None,
                                              where + 'ssh_authorized_keys')
    decl.user_data = configdrive.check_user_data(params.get('user_data'), where + 'user_data')
    decl.config_drive = bool(params.get('config_drive'))
    if params.get('os_version') not in (None, ''):
        decl.distro = distros.parse(params['os_version'], where + 'os_version')
    elif decl.needs_distro and params.get('image') is None:
        raise InputError('%sos_version: required for networks with clone_from: the network files are written for '
                         'a distribution (with image, the image\'s metadata names it)' % where)
    decl.disks = _disks(params.get('disks'), where)
    if decl.config is not None:
        decl.config.hostname = decl.hostname
    return decl


def decide(decl, recorded, deploying, reconfigure, userid):
    """(punch, note): whether this run punches the content, and a warning.
    ``recorded``: the digest in the entry (None: none); ``deploying``: this
    run writes the guest's system (a new disk from the image or a copy)."""
    digest = decl.digest()
    if deploying:
        return True, None
    if recorded == digest:
        return False, None
    if reconfigure:
        return True, None
    if recorded is None:
        return False, ('%s has no record of first-boot content punched to it (this task does not deploy it); set '
                       'reconfigure: true to punch it (the guest reads it at its next boot)' % userid)
    return False, ('the first-boot content of %s differs from what was punched at its deployment (%s); set '
                   'reconfigure: true to punch it again (the guest reads it at its next boot)' % (userid, recorded))


def reader_files(decl, distro, userid, nic_vdevs=(), vdisks=()):
    """The ``ReaderFile`` s of ``decl`` for guest ``userid`` whose system is
    ``distro`` (a Distro; needed with networks), whose NICs (all, after the
    run) are ``nic_vdevs`` and whose V-DISKs are ``vdisks``."""
    out = []
    if decl.config is not None and not decl.config_drive:
        script = doscript.network_doscript(distro, decl.config, userid, nic_vdevs)
        out.append(ReaderFile('network.doscript', script.build(), script.files()))
    for disk in decl.disks:
        disk.vdisk = disk.vdev in vdisks
        script = disks.disk_doscript(disk, userid)
        out.append(ReaderFile(disks.spool_name(disk), script.build(), script.files()))
    if decl.drive:
        config = decl.config if decl.config_drive else None
        drive = configdrive.files(distro if config is not None else None, config, decl.hostname, decl.keys,
                                  decl.user_data, None, userid)
        out.append(ReaderFile(configdrive.SPOOL_NAME, configdrive.build_iso(drive), configdrive.preview(drive)))
    return out


def diff_text(userid, files):
    """The reader files, as lines for diff mode's ``after``."""
    lines = []
    for f in files:
        lines.append('# first boot: %s (%d bytes) to the reader of %s, class %s'
                     % (f.name, len(f.data), userid, CLASS))
        for member in sorted(f.shown):
            lines.append('## %s %s' % (f.name, member))
            lines.extend(f.shown[member].rstrip('\n').split('\n'))
    return ''.join(line + '\n' for line in lines)
