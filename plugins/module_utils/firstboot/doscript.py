# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""DOSCRIPT reader files: a tar the guest's ``zvmguestconfigure`` unpacks
into a temporary directory, where it runs ``invokeScript.sh`` with bash.

As in the z/VM Cloud Connector, the tar holds numbered payload files
``0000``, ``0001``... and ``invokeScript.sh``, which removes stale
configuration, copies each payload to its target path with ``cat`` (so
an existing file keeps its SELinux label), sets modes, runs the payloads
that are scripts, and removes itself and the payloads.  The configuration
script runs in place; nothing is written to /tmp.

Every path and value in a script comes from checked input (``networks``,
``disks``) and is quoted with ``shlex.quote`` besides; the tar is made the
same way every time (fixed owner, modes and times), so the same settings
give the same bytes.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import io
import posixpath
import shlex
import tarfile

from ansible_collections.zvm.cloud.plugins.module_utils.firstboot import distros, netfiles

INVOKE = 'invokeScript.sh'
CLOUD_INIT_CFG = '/etc/cloud/cloud.cfg.d/99-zvmcloud-network.cfg'
SLES_NETCONFIG = '/etc/sysconfig/network/config'
TAR_MTIME = 0


def q(text):
    return shlex.quote(str(text))


class Doscript:
    """The contents of one DOSCRIPT: ``add_file`` (a payload copied to a
    target), ``add_script`` (a payload run in place, in order, after the
    copies), ``remove_stale`` (patterns whose matches are removed unless
    listed in ``keep``); ``build()`` -> the tar's bytes."""

    def __init__(self, title):
        self.title = title
        self.entries = []       # (name, target or None, text, mode, description)
        self.stale = []
        self.keep = []

    def _name(self):
        return '%04d' % len(self.entries)

    def add_file(self, target, text, mode=None):
        if not posixpath.isabs(target) or posixpath.normpath(target) != target:
            raise ValueError('payload target %r is not a normalized absolute path' % target)
        self.entries.append((self._name(), target, text, mode, None))

    def add_payload(self, payload):
        self.add_file(payload.target, payload.text, payload.mode)

    def add_script(self, text, description):
        self.entries.append((self._name(), None, text, None, description))

    def remove_stale(self, patterns, keep):
        self.stale.extend(patterns)
        self.keep.extend(keep)

    def files(self):
        """{name in the tar: text}, invokeScript.sh included."""
        out = dict((name, text) for name, _target, text, _mode, _d in self.entries)
        out[INVOKE] = self.invoke_script()
        return out

    def manifest(self):
        """[(payload name, target path or None, mode, description)]."""
        return [(name, target, mode, desc) for name, target, _text, mode, desc in self.entries]

    def invoke_script(self):
        lines = ['#!/bin/bash', '# %s, written by zvm.cloud' % self.title]
        for name, target, _text, mode, desc in self.entries:
            lines.append('# %s %s' % (name, ('-> %s%s' % (target, ' (mode %s)' % mode if mode else ''))
                                      if target else 'is run: %s' % desc))
        lines.append('cd "$(dirname "$0")" || exit 1')
        if self.stale:
            lines.append('# configuration files of devices the guest does not have (left in the image): removed')
            lines.append('for f in %s; do' % ' '.join(self.stale))
            lines.append('    case "$f" in')
            if self.keep:
                lines.append('        %s) ;;' % '|'.join(q(k) for k in self.keep))
            lines.append('        *) if [ -e "$f" ]; then rm -f -- "$f"; fi ;;')
            lines.append('    esac')
            lines.append('done')
        dirs = []
        for _name, target, _text, _mode, _d in self.entries:
            if target and posixpath.dirname(target) not in dirs:
                dirs.append(posixpath.dirname(target))
        if dirs:
            lines.append('mkdir -p -- %s' % ' '.join(q(d) for d in dirs))
        for name, target, _text, mode, _d in self.entries:
            if target:
                lines.append('cat %s > %s' % (name, q(target)))
                if mode:
                    lines.append('chmod %s %s' % (mode, q(target)))
        lines.append('rc=0')
        for name, target, _text, _mode, _d in self.entries:
            if not target:
                lines.append('/bin/bash ./%s || rc=$?' % name)
        lines.append('rm -f -- %s' % ' '.join([name for name, _t, _x, _m, _d in self.entries] + [INVOKE]))
        lines.append('exit "$rc"')
        return '\n'.join(lines) + '\n'

    def build(self):
        """The tar (bytes): the payloads, then invokeScript.sh."""
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode='w', format=tarfile.USTAR_FORMAT) as tar:
            for name, text in self.files().items():
                data = text.encode('utf-8') if not isinstance(text, bytes) else text
                info = tarfile.TarInfo(name)
                info.size = len(data)
                info.mode = 0o755 if name == INVOKE else 0o644
                info.mtime = TAR_MTIME
                info.uname = info.gname = 'root'
                tar.addfile(info, io.BytesIO(data))
        return buf.getvalue()


# -- network.doscript -----------------------------------------------------------------------------

def _online_lines(nic):
    read, write, data = distros.subchannels(nic.vdev)
    dev = nic.vdev.lower()
    return [
        'cio_ignore -r %s-%s >/dev/null 2>&1 || true' % (read, data),
        'if command -v chzdev >/dev/null 2>&1; then',
        '    chzdev -e -y qeth %s:%s:%s layer2=1 >/dev/null || say "chzdev could not configure NIC %s"'
        % (read, write, data, read),
        'elif [ ! -e /sys/bus/ccwgroup/devices/%s ]; then' % read,
        '    znetconf -a %s -o layer2=1 || say "znetconf could not add NIC %s"' % (dev, read),
        'fi',
    ]


def apply_script(distro, config, active=False):
    """The script that brings the NICs online (persistently, with chzdev
    where the guest has it, else znetconf) and applies the configuration
    with the distribution's tools; it keeps cloud-init from configuring
    the network over it."""
    lines = ['#!/bin/bash', '# zvm.cloud: bring the NICs online and apply their configuration (%s)' % distro.name,
             'say() { echo "zvm.cloud network: $*" >&2; }']
    for nic in config.nics:
        lines += _online_lines(nic)
    lines.append('udevadm settle >/dev/null 2>&1 || true')
    if config.hostname:
        name = q(config.hostname)
        lines.append('hostnamectl set-hostname %s >/dev/null 2>&1 || hostname %s' % (name, name))
    lines += ['if [ -d /etc/cloud/cloud.cfg.d ]; then',
              '    echo "network: {config: disabled}" > %s' % CLOUD_INIT_CFG,
              'fi']
    devices = [distro.device_name(n.vdev) for n in config.nics]
    if distro.style in (distros.IFCFG, distros.KEYFILE):
        lines += ['if systemctl is-active --quiet NetworkManager; then',
                  '    nmcli connection reload || say "nmcli connection reload failed"']
        lines += ['    nmcli connection up %s >/dev/null || say "could not activate %s"' % (q(d), d) for d in devices]
        lines.append('fi')
    elif distro.style == distros.SLES:
        dns = config.dns()
        if dns:
            lines += ['if [ -f %s ]; then' % SLES_NETCONFIG,
                      "    sed -i '/^NETCONFIG_DNS_STATIC_SERVERS=/d' %s" % SLES_NETCONFIG,
                      '    echo %s >> %s' % (q('NETCONFIG_DNS_STATIC_SERVERS="%s"' % ' '.join(dns)), SLES_NETCONFIG),
                      '    netconfig update -f >/dev/null 2>&1 || true',
                      'fi']
        lines += ['if systemctl is-active --quiet wickedd; then',
                  '    wicked ifreload all || say "wicked ifreload failed"',
                  'fi']
    else:
        lines.append('netplan apply || say "netplan apply failed"')
    if active:
        lines.append('say "applied to the running system"')
    return '\n'.join(lines) + '\n'


def network_doscript(distro, config, userid=None, keep_vdevs=(), active=False):
    """The ``Doscript`` of ``network.doscript`` for ``config`` (vdevs set):
    the distribution's files, then the apply script.  ``keep_vdevs``: every
    NIC the guest has (its configuration files are kept, those of other
    devices removed)."""
    lay = netfiles.layout(distro)
    script = Doscript('network configuration%s for %s' % (' of %s' % userid if userid else '', distro.name))
    keep = []
    for vdev in sorted(set(keep_vdevs) | set(n.vdev for n in config.nics)):
        keep.extend(lay.device_files(vdev))
    if lay.stale:
        script.remove_stale(lay.stale, keep)
    for payload in netfiles.files(distro, config, userid):
        script.add_payload(payload)
    script.add_script(apply_script(distro, config, active), 'bring the NICs online and apply the configuration')
    return script
