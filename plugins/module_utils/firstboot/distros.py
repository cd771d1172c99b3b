# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Linux distributions a guest's first-boot files are written for.

``parse(os_version)`` reads zvmsdk's ``os_version`` ('rhel8.6', 'RHEL9',
'red hat 9', 'sles15sp4', 'suse12', 'ubuntu22.04') into a ``Distro``: the
family, the major release and the network configuration style:

=========  ===========  ==========================================================
family     releases     network files
=========  ===========  ==========================================================
rhel       7, 8         ``/etc/sysconfig/network-scripts/ifcfg-<device>``
rhel       9 and later  NetworkManager keyfiles (RHEL 10 has no ifcfg support)
sles       12, 15       ``/etc/sysconfig/network/ifcfg-eth<vdev>``, ``routes``,
                        udev rules ``51-qeth-0.0.<vdev>.rules``
ubuntu     20 and later one netplan file
=========  ===========  ==========================================================

Device names are the ones the guest's kernel and udev give a QDIO NIC at
``vdev``: RHEL 7 (systemd 219) ``enccw0.0.1000``; RHEL 8 and later and
Ubuntu, systemd's later ccw naming ``enc`` + the bus id without
``0.0.`` and leading zeros (``enc1000``, ``enc800`` for 0800); SLES
``eth<vdev>`` (``eth1000``), a name its udev rules set.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError

FAMILIES = (
    ('rhel', ('red hat', 'redhat', 'rhel')),
    ('sles', ('suse', 'sles')),
    ('ubuntu', ('ubuntu',)),
)
SUPPORTED = 'rhel7, rhel8, rhel9 and later, sles12, sles15, ubuntu20 and later'
_RELEASE_RE = re.compile(r'[ _-]?([0-9]{1,3})(?![0-9])', re.ASCII)

IFCFG = 'ifcfg'          # RHEL 7 and 8
KEYFILE = 'keyfile'      # RHEL 9 and later
SLES = 'sles'            # SLES 12 and 15 (wicked)
NETPLAN = 'netplan'      # Ubuntu 20.04 and later


class Distro:
    """One distribution release (see ``parse``)."""

    def __init__(self, family, release):
        self.family = family
        self.release = release
        if family == 'rhel':
            self.style = IFCFG if release < 9 else KEYFILE
        elif family == 'sles':
            self.style = SLES
        else:
            self.style = NETPLAN

    @property
    def name(self):
        return '%s%d' % (self.family, self.release)

    def __repr__(self):
        return 'Distro(%r)' % self.name

    def __eq__(self, other):
        return isinstance(other, Distro) and (self.family, self.release) == (other.family, other.release)

    def __hash__(self):
        return hash((self.family, self.release))

    def device_name(self, vdev):
        """The Linux name of the QDIO NIC at ``vdev`` (4 hex digits)."""
        bus = vdev.lower().zfill(4)
        if self.family == 'rhel' and self.release == 7:
            return 'enccw0.0.%s' % bus
        if self.family == 'sles':
            return 'eth%s' % bus
        return 'enc%s' % (bus.lstrip('0') or '0')


def parse(os_version, field='os_version'):
    """The ``Distro`` of zvmsdk's ``os_version``; InputError naming ``field``
    for one that is unknown or not supported."""
    if not isinstance(os_version, str) or not os_version.strip():
        raise InputError('%s: a distribution and release is required, such as rhel9 or ubuntu22.04 (supported: %s)'
                         % (field, SUPPORTED))
    text = os_version.strip(' ')       # blanks only: str.strip() also takes control characters away
    if not text.isascii() or not text.isprintable():
        raise InputError('%s: %r is not a distribution and release: only printable ASCII is (supported: %s)'
                         % (field, os_version, SUPPORTED))
    text = text.lower()
    for family, prefixes in FAMILIES:
        prefix = next((p for p in prefixes if text.startswith(p)), None)
        if prefix is None:
            continue
        found = _RELEASE_RE.match(text[len(prefix):])
        if found is None:
            raise InputError('%s: %r names no release: write it as %s9, for example (supported: %s)'
                             % (field, os_version, family, SUPPORTED))
        release = int(found.group(1))
        if (family == 'rhel' and release < 7) or (family == 'sles' and release not in (12, 15)) or \
                (family == 'ubuntu' and release < 20):
            raise InputError('%s: %r is not supported: the first-boot files are written for %s'
                             % (field, os_version, SUPPORTED))
        return Distro(family, release)
    raise InputError('%s: %r is not a distribution zvm.cloud writes first-boot files for (supported: %s)'
                     % (field, os_version, SUPPORTED))


def subchannels(vdev):
    """The three subchannels of a QDIO NIC at ``vdev``: read, write, data,
    as Linux bus ids ('0.0.1000', '0.0.1001', '0.0.1002')."""
    first = int(vdev, 16)
    return tuple('0.0.%04x' % (first + i) for i in range(3))
