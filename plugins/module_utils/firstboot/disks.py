# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``disk_info`` of ``guest_config_minidisks`` checked, and one set-up
DOSCRIPT per minidisk.

zvmsdk's ``disk_info`` is a list of dicts: ``format`` (required: ext2,
ext3, ext4, xfs or swap), ``vdev`` (default: 0101, 0102... in list order,
the next after the root disk 0100) and ``mntdir`` (default
``/mnt/ephemeral<vdev>``; none for swap).  A mount point is an absolute,
normalized path of letters, digits and ``. _ - + @ : , =``, not ``/`` nor a
directory the system needs (``/boot``, ``/etc``, ``/usr``, ``/var``...,
anything under ``/proc``, ``/sys``, ``/dev``, ``/run``); two disks cannot
share a vdev or a mount point.

The script of one disk (``disk_script``): sets the disk online (``cio_ignore
-r``, ``chccwdev -e``), makes that persistent (``chzdev -e dasd`` where the
guest has it, else ``dasd_configure``, else ``/etc/dasd.conf``), waits for
``/dev/disk/by-path/ccw-0.0.<vdev>-part1``, then:

- a file system: an fstab line (after a line ``# zvm.cloud 0.0.<vdev>``;
  earlier lines for the same partition are replaced) with ``defaults,nofail``, ``mkdir -p`` of the
  mount point and ``mount``; when the mount fails, the line is taken out
  again.  The script never makes a file system and never removes a
  directory: the disk must carry the file system ``format`` names.
- swap: ``mkswap`` when the partition has no signature at all, an fstab swap
  line, ``swapon``; for a V-DISK (empty at every logon) a systemd unit that
  writes the swap signature at each boot before swap is enabled.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import posixpath
import re

from ansible_collections.zvm.cloud.plugins.module_utils import validation
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.firstboot.doscript import Doscript, q

FORMATS = ('ext2', 'ext3', 'ext4', 'xfs', 'swap')
KEYS = ('vdev', 'format', 'mntdir')
ROOT_VDEV = '0100'
SYSTEM_DIRS = ('/', '/bin', '/boot', '/dev', '/etc', '/lib', '/lib64', '/proc', '/root', '/run', '/sbin', '/sys',
               '/usr', '/var')
SYSTEM_TREES = ('/proc/', '/sys/', '/dev/', '/run/', '/boot/')
_MNTDIR_RE = re.compile(r'/[A-Za-z0-9._+@:,=/-]{1,254}', re.ASCII)


class Disk:
    """One disk of ``disk_info``: vdev (4 hex digits), format, mntdir
    (None for swap), where (the field prefix), vdisk (set by the SDK from
    the directory: a V-DISK)."""

    def __init__(self, vdev, fmt, mntdir, where):
        self.vdev = vdev
        self.format = fmt
        self.mntdir = mntdir
        self.where = where
        self.vdisk = False

    @property
    def bus_id(self):
        return '0.0.%s' % self.vdev.lower()

    def __repr__(self):
        return 'Disk(%s, %s, %s)' % (self.vdev, self.format, self.mntdir)


def check_mntdir(value, field):
    """A mount point: see the module docstring."""
    text = validation.ascii_text(value, field, 'a mount point')
    if text in SYSTEM_DIRS or text.startswith(SYSTEM_TREES):
        raise InputError('%s: %s is a directory the system needs; mount the disk somewhere else, such as /data'
                         % (field, text))
    if not _MNTDIR_RE.fullmatch(text) or posixpath.normpath(text) != text or text.startswith('//'):
        raise InputError('%s: %r is not a mount point: use an absolute path such as /data, without blanks, '
                         '"//", "." or ".." parts, of letters, digits and . _ - + @ : , = (255 at most)'
                         % (field, text))
    return text


def normalize(disk_info, field='disk_info'):
    """The ``Disk`` s of ``disk_info``; InputError naming the field."""
    if not isinstance(disk_info, (list, tuple)):
        raise InputError('%s: expected a list of disks, got %s' % (field, type(disk_info).__name__))
    out = []
    for i, disk in enumerate(disk_info):
        where = '%s[%d].' % (field, i)
        if not isinstance(disk, dict):
            raise InputError('%s[%d]: each disk must be a dict, got %s' % (field, i, type(disk).__name__))
        unknown = sorted(set(disk) - set(KEYS))
        if unknown:
            raise InputError('%s[%d]: unknown key(s) %s (known: %s)' % (field, i, ', '.join(unknown), ', '.join(KEYS)))
        if disk.get('format') in (None, ''):
            raise InputError('%sformat: required: one of %s' % (where, ', '.join(FORMATS)))
        fmt = validation.ascii_text(disk['format'], where + 'format', 'a format').lower()
        if fmt not in FORMATS:
            raise InputError('%sformat: %r is not one of %s' % (where, disk['format'], ', '.join(FORMATS)))
        if disk.get('vdev') in (None, ''):
            vdev = '%04X' % (int(ROOT_VDEV, 16) + i + 1)
        else:
            vdev = validation.vdev(disk['vdev'], where + 'vdev')
        mntdir = disk.get('mntdir')
        if fmt == 'swap':
            if mntdir not in (None, '', 'swap'):
                raise InputError('%smntdir: a swap disk is not mounted; leave mntdir out' % where)
            mntdir = None
        elif mntdir in (None, ''):
            mntdir = '/mnt/ephemeral%s' % vdev.lower()
        else:
            mntdir = check_mntdir(mntdir, where + 'mntdir')
        for other in out:
            if other.vdev == vdev:
                raise InputError('%svdev: %s is also %svdev' % (where, vdev, other.where))
            if mntdir is not None and other.mntdir == mntdir:
                raise InputError('%smntdir: %s is also the mount point of %svdev %s'
                                 % (where, mntdir, other.where, other.vdev))
        out.append(Disk(vdev, fmt, mntdir, where))
    return out


def unit_name(path):
    """systemd's name for ``path`` (as ``systemd-escape --path``, without a suffix)."""
    out = []
    for i, ch in enumerate(path.strip('/')):
        if ch == '/':
            out.append('-')
        elif (ch.isalnum() and ch.isascii()) or ch in ':_' or (ch == '.' and i > 0):
            out.append(ch)
        else:
            out.append('\\x%02x' % ord(ch))
    return ''.join(out)


def disk_script(disk, userid=None):
    """The bash script that sets up one disk (see the module docstring)."""
    dev = '/dev/disk/by-path/ccw-%s' % disk.bus_id
    part = dev + '-part1'
    marker = '# zvm.cloud %s' % disk.bus_id
    lines = [
        '#!/bin/bash',
        '# minidisk %s%s: %s, written by zvm.cloud' % (
            disk.bus_id, ' of %s' % userid if userid else '',
            'swap' + (' (V-DISK)' if disk.vdisk else '') if disk.format == 'swap' else
            '%s at %s' % (disk.format, disk.mntdir)),
        'bus=%s' % q(disk.bus_id),
        'part=%s' % q(part),
        'say() { echo "zvm.cloud disk $bus: $*" >&2; }',
        'cio_ignore -r "$bus" >/dev/null 2>&1 || true',
        'if ! chccwdev -e "$bus" >/dev/null; then say "could not set the disk online"; exit 1; fi',
        'udevadm settle >/dev/null 2>&1 || true',
        'if command -v chzdev >/dev/null 2>&1; then',
        '    chzdev -e -y dasd "$bus" >/dev/null || say "chzdev could not make the disk persistent"',
        'elif [ -x /sbin/dasd_configure ]; then',
        '    /sbin/dasd_configure "$bus" 1 >/dev/null || say "dasd_configure could not make the disk persistent"',
        'elif ! grep -qsi "^$bus\\b" /etc/dasd.conf; then',
        '    echo "$bus" >> /etc/dasd.conf',
        'fi',
        'for _ in $(seq 1 30); do [ -e "$part" ] && break; sleep 1; done',
        'if [ ! -e "$part" ]; then say "$part does not exist: the disk has no partition"; exit 1; fi',
        'drop_fstab() { sed -i -e %s -e %s /etc/fstab; }' % (
            q('\\|^%s[[:space:]]|d' % part.replace('.', '\\.')), q('/^%s$/d' % marker.replace('.', '\\.'))),
        'drop_fstab',
    ]
    if disk.format == 'swap':
        lines += [
            'if ! blkid -p "$part" >/dev/null 2>&1; then mkswap "$part" >/dev/null || exit 1; fi',
            'printf "%%s\\n%%s\\n" %s "$part none swap defaults,nofail 0 0" >> /etc/fstab' % q(marker),
        ]
        if disk.vdisk:
            unit = '/etc/systemd/system/zvmcloud-mkswap-%s.service' % disk.bus_id
            device = unit_name(part)
            lines += [
                "cat > %s <<'EOF'" % unit,
                '[Unit]',
                'Description=zvm.cloud: swap signature on V-DISK %s (empty at every logon)' % disk.bus_id,
                'DefaultDependencies=no',
                'Requires=%s.device' % device,
                'After=%s.device' % device,
                'Before=%s.swap swap.target' % device,
                '',
                '[Service]',
                'Type=oneshot',
                "ExecStart=/bin/sh -c 'blkid -p %s >/dev/null || mkswap %s'" % (part, part),
                '',
                '[Install]',
                'WantedBy=swap.target',
                'EOF',
                'systemctl daemon-reload >/dev/null 2>&1 || true',
                'systemctl enable %s >/dev/null 2>&1 || say "could not enable %s"'
                % (posixpath.basename(unit), posixpath.basename(unit)),
            ]
        lines += ['swapon "$part" || say "swapon failed"']
    else:
        lines += [
            'mntdir=%s' % q(disk.mntdir),
            'fstype=%s' % q(disk.format),
            'found=$(blkid -p -o value -s TYPE "$part" 2>/dev/null)',
            'if [ "$found" != "$fstype" ]; then',
            '    say "$part holds ${found:-no file system}, not $fstype: not mounted (the file system is made when '
            'the disk is created)"',
            '    exit 1',
            'fi',
            'mkdir -p -- "$mntdir"',
            'printf "%%s\\n%%s\\n" %s "$part $mntdir $fstype defaults,nofail 0 0" >> /etc/fstab' % q(marker),
            'if ! mount "$mntdir"; then',
            '    drop_fstab',
            '    say "could not mount $part at $mntdir"',
            '    exit 1',
            'fi',
        ]
    lines.append('say "ready"')
    return '\n'.join(lines) + '\n'


def disk_doscript(disk, userid=None):
    """The ``Doscript`` that sets up one disk: its script, run in place."""
    script = Doscript('set-up of minidisk %s%s' % (disk.bus_id, ' of %s' % userid if userid else ''))
    script.add_script(disk_script(disk, userid), 'set up minidisk %s' % disk.bus_id)
    return script


def spool_name(disk):
    """The reader file name of a disk's doscript: DISKvvvv.DOSCRIPT (lower case, as a file name)."""
    return 'disk%s.doscript' % disk.vdev.lower()
