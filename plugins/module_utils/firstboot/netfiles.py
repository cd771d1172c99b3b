# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The network configuration files of each distribution.

``files(distro, config, userid)`` returns the ``Payload`` s (target path,
text, mode) that configure the NICs of a ``networks.NetworkConfig`` whose
vdevs are known; ``layout(distro)`` says which files a style writes, so that
the doscript can remove stale ones (left in an image by the system it was
captured from) and keep those of the guest's other NICs.

What each style writes for a NIC at vdev 1000 (subchannels 0.0.1000-0.0.1002):

- RHEL 7 and 8: ``ifcfg-<device>`` with DEVICE, NAME, TYPE, ONBOOT, NETTYPE
  "qeth", SUBCHANNELS, OPTIONS "layer2=1", BOOTPROTO ("none" or "dhcp"),
  IPADDR, NETMASK, PREFIX, BROADCAST, GATEWAY (the default route's NIC only),
  MTU (only when given, unlike zvmsdk), DNS1..., and IPV6INIT, IPV6ADDR,
  IPV6_DEFAULTGW, IPV6_AUTOCONF, DHCPV6C for IPv6.
- RHEL 9 and later: a NetworkManager keyfile
  ``/etc/NetworkManager/system-connections/<device>.nmconnection`` (mode
  0600, as NetworkManager requires), with the s390 subchannels and options.
- SLES 12 and 15: ``ifcfg-eth<vdev>`` (BOOTPROTO, STARTMODE, IPADDR,
  NETMASK, BROADCAST, IPADDR_1 for IPv6, MTU), the udev rules that group
  the qeth device, set layer 2, put it online and name it ``eth<vdev>``,
  and, when this call has the default route, ``/etc/sysconfig/network/routes``
  (``default GW - -``).  DNS servers go to NETCONFIG_DNS_STATIC_SERVERS
  (see ``doscript``).  SLES cannot mix DHCP and static addresses on one
  NIC in these files: that is refused.
- Ubuntu 20.04 and later: one netplan file,
  ``/etc/netplan/00-zvmguestconfigure-config.yaml`` (mode 0600), holding
  every NIC of the call; default routes as ``to: 0.0.0.0/0`` / ``to: ::/0``
  (every netplan release reads those).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import uuid

from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.firstboot import distros

IFCFG_DIR = '/etc/sysconfig/network-scripts'
KEYFILE_DIR = '/etc/NetworkManager/system-connections'
SLES_DIR = '/etc/sysconfig/network'
UDEV_DIR = '/etc/udev/rules.d'
NETPLAN_FILE = '/etc/netplan/00-zvmguestconfigure-config.yaml'
SLES_ROUTES = SLES_DIR + '/routes'
HOSTNAME_FILE = '/etc/hostname'
UUID_NAMESPACE = uuid.UUID('6a1f5e0c-2f0b-5d1e-9b6e-7a6d0c1e2b3f')


class Payload:
    """A file the doscript puts on the guest: ``target`` (absolute path),
    ``text`` and ``mode`` (None: as ``cat`` leaves it)."""

    def __init__(self, target, text, mode=None):
        self.target = target
        self.text = text
        self.mode = mode

    def __repr__(self):
        return 'Payload(%r)' % self.target


class Layout:
    """The files a style writes per NIC: ``device_files(vdev)``, and the
    shell patterns (``stale``) that match any of them."""

    def __init__(self, distro):
        self.distro = distro

    def device_files(self, vdev):
        d = self.distro
        dev = d.device_name(vdev)
        if d.style == distros.IFCFG:
            return ['%s/ifcfg-%s' % (IFCFG_DIR, dev)]
        if d.style == distros.KEYFILE:
            return ['%s/%s.nmconnection' % (KEYFILE_DIR, dev)]
        if d.style == distros.SLES:
            return ['%s/ifcfg-%s' % (SLES_DIR, dev), '%s/51-qeth-%s.rules' % (UDEV_DIR, distros.subchannels(vdev)[0])]
        return []

    @property
    def stale(self):
        """Patterns of files this style writes (and of older-style files
        for the same devices) that are removed unless a NIC of the guest
        owns them."""
        d = self.distro
        if d.style == distros.IFCFG:
            return ['%s/ifcfg-%s*' % (IFCFG_DIR, 'enccw0.0.' if d.release == 7 else 'enc')]
        if d.style == distros.KEYFILE:
            return ['%s/enc*.nmconnection' % KEYFILE_DIR, '%s/ifcfg-enc*' % IFCFG_DIR]
        if d.style == distros.SLES:
            return ['%s/ifcfg-eth*' % SLES_DIR, '%s/51-qeth-0.0.*.rules' % UDEV_DIR]
        return []


def layout(distro):
    return Layout(distro)


def _quoted(lines):
    return ''.join('%s="%s"\n' % (k, v) for k, v in lines)


def _header(userid, what):
    return '# %s written by zvm.cloud%s\n' % (what, ' for %s' % userid if userid else '')


# -- RHEL 7 and 8: ifcfg ------------------------------------------------------------------------------

def ifcfg_rhel(distro, nic, userid=None):
    dev = distro.device_name(nic.vdev)
    lines = [('DEVICE', dev), ('NAME', dev), ('TYPE', 'Ethernet'), ('ONBOOT', 'yes'), ('NETTYPE', 'qeth'),
             ('SUBCHANNELS', ','.join(distros.subchannels(nic.vdev))), ('OPTIONS', 'layer2=1'),
             ('BOOTPROTO', 'dhcp' if nic.dhcp4 else 'none')]
    if nic.ipv4 is not None:
        net = nic.ipv4.network
        lines += [('IPADDR', str(nic.ipv4.ip)), ('NETMASK', str(net.netmask)), ('PREFIX', str(net.prefixlen))]
        if net.prefixlen < 31:
            lines.append(('BROADCAST', str(net.broadcast_address)))
        if nic.default4:
            lines.append(('GATEWAY', str(nic.gateway4)))
    if nic.mtu is not None:
        lines.append(('MTU', str(nic.mtu)))
    lines += [('DNS%d' % (i + 1), addr) for i, addr in enumerate(nic.dns)]
    if nic.ipv6_method is None:
        lines.append(('IPV6INIT', 'no'))
    else:
        lines.append(('IPV6INIT', 'yes'))
        lines.append(('IPV6_AUTOCONF', 'yes' if nic.ipv6_method == 'auto' else 'no'))
        if nic.ipv6_method == 'dhcp':
            lines.append(('DHCPV6C', 'yes'))
        if nic.ipv6 is not None:
            lines.append(('IPV6ADDR', str(nic.ipv6)))
            if nic.default6:
                lines.append(('IPV6_DEFAULTGW', str(nic.gateway6)))
    return Payload(Layout(distro).device_files(nic.vdev)[0],
                   _header(userid, 'NIC %s' % nic.vdev) + _quoted(lines))


# -- RHEL 9 and later: NetworkManager keyfiles ----------------------------------------------------------

def connection_uuid(userid, device):
    """The keyfile's connection UUID: the same for the same guest and device."""
    return str(uuid.uuid5(UUID_NAMESPACE, '%s/%s' % ((userid or '').upper(), device)))


def keyfile(distro, nic, userid=None):
    dev = distro.device_name(nic.vdev)
    out = [_header(userid, 'NIC %s' % nic.vdev).rstrip('\n'),
           '[connection]', 'id=%s' % dev, 'uuid=%s' % connection_uuid(userid, dev), 'type=ethernet',
           'interface-name=%s' % dev, 'autoconnect=true', '',
           '[ethernet]']
    if nic.mtu is not None:
        out.append('mtu=%d' % nic.mtu)
    out += ['s390-nettype=qeth', 's390-subchannels=%s;' % ';'.join(distros.subchannels(nic.vdev)), '',
            '[ethernet-s390-options]', 'layer2=1', '', '[ipv4]']
    if nic.ipv4 is not None:
        out += ['method=manual', 'address1=%s' % nic.ipv4]
        if nic.default4:
            out.append('gateway=%s' % nic.gateway4)
    else:
        out.append('method=%s' % ('auto' if nic.dhcp4 else 'disabled'))
    if nic.dns_of(4):
        out.append('dns=%s;' % ';'.join(nic.dns_of(4)))
    out += ['', '[ipv6]']
    method = {None: 'disabled', 'static': 'manual', 'dhcp': 'dhcp', 'auto': 'auto'}[nic.ipv6_method]
    out.append('method=%s' % method)
    if nic.ipv6 is not None:
        out.append('address1=%s' % nic.ipv6)
        if nic.default6:
            out.append('gateway=%s' % nic.gateway6)
    if nic.dns_of(6):
        out.append('dns=%s;' % ';'.join(nic.dns_of(6)))
    return Payload(Layout(distro).device_files(nic.vdev)[0], '\n'.join(out) + '\n', mode='0600')


# -- SLES 12 and 15: ifcfg, routes, udev rules ------------------------------------------------------------

def sles_bootproto(nic):
    """BOOTPROTO for a NIC (InputError for a mix SLES's files cannot say)."""
    v4 = 'dhcp' if nic.dhcp4 else ('static' if nic.ipv4 is not None else None)
    v6 = nic.ipv6_method
    if 'dhcp' in (v4, v6) and 'static' in (v4, v6):
        raise InputError('%smethod: SLES cannot mix DHCP and static addresses on one NIC (here IPv4 %s, IPv6 %s); '
                         'use one method, or a config drive for cloud-init' % (nic.where, v4, v6))
    if v4 == 'dhcp':
        return 'dhcp' if v6 == 'dhcp' else 'dhcp4'
    if v4 is None and v6 == 'dhcp':
        return 'dhcp6'
    if v4 is None and v6 == 'auto':
        return 'auto6'
    return 'static'


def ifcfg_sles(distro, nic, userid=None):
    lines = [('BOOTPROTO', sles_bootproto(nic)), ('STARTMODE', 'auto'),
             ('NAME', 'zvm.cloud NIC %s' % distros.subchannels(nic.vdev)[0])]
    if nic.ipv4 is not None:
        net = nic.ipv4.network
        lines += [('IPADDR', str(nic.ipv4.ip)), ('NETMASK', str(net.netmask))]
        if net.prefixlen < 31:
            lines.append(('BROADCAST', str(net.broadcast_address)))
    if nic.ipv6 is not None:
        lines.append(('IPADDR_1', str(nic.ipv6)))
    if nic.mtu is not None:
        lines.append(('MTU', str(nic.mtu)))
    text = _header(userid, 'NIC %s' % nic.vdev) + ''.join("%s='%s'\n" % (k, v) for k, v in lines)
    return Payload(Layout(distro).device_files(nic.vdev)[0], text)


def udev_rules(distro, nic, userid=None):
    """Group the qeth device, layer 2, online, and name it eth<vdev>."""
    read, write, data = distros.subchannels(nic.vdev)
    group = '%s,%s,%s' % (read, write, data)
    collect = 'collect %s %%k %s %s %s qeth' % (read, read, write, data)
    end = 'qeth-%s-end' % read
    rules = [_header(userid, 'qeth group device %s (%s), layer 2' % (read, group)).rstrip('\n'),
             'ACTION=="add", SUBSYSTEM=="drivers", KERNEL=="qeth", IMPORT{program}="%s"' % collect]
    rules += ['ACTION=="add", SUBSYSTEM=="ccw", KERNEL=="%s", IMPORT{program}="%s"' % (ch, collect)
              for ch in (read, write, data)]
    rules.append('ACTION=="remove", SUBSYSTEM=="drivers", KERNEL=="qeth", IMPORT{program}="collect --remove %s"'
                 % collect[len('collect '):])
    rules += ['ACTION=="remove", SUBSYSTEM=="ccw", KERNEL=="%s", IMPORT{program}="collect --remove %s"'
              % (ch, collect[len('collect '):]) for ch in (read, write, data)]
    rules += ['TEST=="[ccwgroup/%s]", GOTO="%s"' % (read, end),
              'ACTION=="add", SUBSYSTEM=="ccw", ENV{COLLECT_%s}=="0", ATTR{[drivers/ccwgroup:qeth]group}="%s"'
              % (read, group),
              'ACTION=="add", SUBSYSTEM=="drivers", KERNEL=="qeth", ENV{COLLECT_%s}=="0", '
              'ATTR{[drivers/ccwgroup:qeth]group}="%s"' % (read, group),
              'LABEL="%s"' % end,
              'ACTION=="add", SUBSYSTEM=="ccwgroup", KERNEL=="%s", ATTR{layer2}="1"' % read,
              'ACTION=="add", SUBSYSTEM=="ccwgroup", KERNEL=="%s", ATTR{online}="1"' % read,
              'ACTION=="add", SUBSYSTEM=="net", DRIVERS=="qeth", KERNELS=="%s", ATTR{type}=="1", '
              'NAME:="%s"' % (read, distro.device_name(nic.vdev))]
    return Payload(Layout(distro).device_files(nic.vdev)[1], '\n'.join(rules) + '\n')


def sles_routes(config, userid=None):
    lines = ['default %s - -' % gw for gw in
             [n.gateway4 for n in config.nics if n.default4] + [n.gateway6 for n in config.nics if n.default6]]
    if not lines:
        return None
    return Payload(SLES_ROUTES, _header(userid, 'default routes') + '\n'.join(lines) + '\n')


# -- Ubuntu: netplan ---------------------------------------------------------------------------------

def _yaml(value, indent):
    """Block-style YAML of dicts, lists and scalars (strings double-quoted as JSON, which YAML reads)."""
    pad = '  ' * indent
    out = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                out.append('%s%s:' % (pad, key))
                out.extend(_yaml(item, indent + 1))
            else:
                out.append('%s%s: %s' % (pad, key, _scalar(item)))
    else:
        for item in value:
            if isinstance(item, dict):
                lines = _yaml(item, indent + 1)
                out.append('%s- %s' % (pad, lines[0].lstrip(' ')))
                out.extend(lines[1:])
            else:
                out.append('%s- %s' % (pad, _scalar(item)))
    return out


def _scalar(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (dict, list)):
        return '{}' if isinstance(value, dict) else '[]'
    return json.dumps(str(value))


def netplan_nic(nic):
    cfg = {}
    addresses = [str(a) for a in (nic.ipv4, nic.ipv6) if a is not None]
    if addresses:
        cfg['addresses'] = addresses
    cfg['dhcp4'] = nic.dhcp4
    cfg['dhcp6'] = nic.ipv6_method == 'dhcp'
    if nic.ipv6_method is not None:
        cfg['accept-ra'] = nic.ipv6_method != 'static'
    if nic.mtu is not None:
        cfg['mtu'] = nic.mtu
    routes = []
    if nic.default4:
        routes.append({'to': '0.0.0.0/0', 'via': str(nic.gateway4)})
    if nic.default6:
        routes.append({'to': '::/0', 'via': str(nic.gateway6)})
    if routes:
        cfg['routes'] = routes
    if nic.dns:
        cfg['nameservers'] = {'addresses': list(nic.dns)}
    return cfg


def netplan(distro, config, userid=None):
    ethernets = dict((distro.device_name(n.vdev), netplan_nic(n)) for n in config.nics)
    doc = {'network': {'version': 2, 'ethernets': ethernets}}
    return Payload(NETPLAN_FILE, _header(userid, 'network configuration') + '\n'.join(_yaml(doc, 0)) + '\n',
                   mode='0600')


# -- all of them ---------------------------------------------------------------------------------------

def files(distro, config, userid=None):
    """The ``Payload`` s that configure ``config`` 's NICs (their vdevs set)
    on ``distro``, and /etc/hostname when a host name is given."""
    missing = [n.where for n in config.nics if n.vdev is None]
    if missing:
        raise InputError('%snic_vdev: the NIC has no vdev yet' % missing[0])
    out = []
    if distro.style == distros.NETPLAN:
        out.append(netplan(distro, config, userid))
    else:
        for nic in config.nics:
            if distro.style == distros.IFCFG:
                out.append(ifcfg_rhel(distro, nic, userid))
            elif distro.style == distros.KEYFILE:
                out.append(keyfile(distro, nic, userid))
            else:
                out += [ifcfg_sles(distro, nic, userid), udev_rules(distro, nic, userid)]
        if distro.style == distros.SLES:
            routes = sles_routes(config, userid)
            if routes is not None:
                out.append(routes)
    if config.hostname:
        out.append(Payload(HOSTNAME_FILE, config.hostname + '\n'))
    return out
