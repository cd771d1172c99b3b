# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``guest_networks`` checked and normalized.

zvmsdk's ``guest_create_network_interface`` takes a list of dicts, one per
NIC, with the keys

    method        'static' (the default) or 'dhcp': how the NIC gets its IPv4 address
    ip_addr       the IPv4 address ('192.168.95.10'); with cidr, for method static
    cidr          its subnet ('192.168.95.0/24'; '192.168.95.10/24' is taken the same)
    gateway_addr  the IPv4 gateway: an address in the subnet
    dns_addr      a list of DNS servers (IPv4 or, here, IPv6 addresses)
    mtu           the MTU (68-65535; 1280 at least when the NIC has IPv6)
    nic_vdev      the NIC's device number (1-4 hex digits); None: the next free one
    nic_id        an identifier recorded with the NIC (see sdk/network.py)
    mac_addr      'xx:xx:xx:xx:xx:xx' (or the 6 hex digits of a MACID): the
                  NICDEF MACID is its last 3 bytes; CP's MAC prefix comes first
    osa_device    a dedicated OSA (not supported: use a vswitch NIC)
    hostname      the guest's host name (zvmsdk uses it for RHCOS only; here it
                  is written to /etc/hostname)

and, beyond zvmsdk:

    ipv6_method        'static' (when ipv6_addr is given), 'dhcp' (DHCPv6) or
                       'auto' (router advertisements only)
    ipv6_addr          the IPv6 address, with ipv6_cidr ('fd00:1::/64')
    ipv6_cidr          its subnet
    ipv6_gateway_addr  the IPv6 gateway: in the subnet, or link-local (fe80::1)
    vswitch            the vswitch to couple the NIC to (in the directory)
    vlan_id            the NIC's VLAN (1-4094), with vswitch

Each NIC needs an address: ip_addr and cidr, method dhcp, or an IPv6
method.  The default route of each address family goes through the first
NIC in the list that has a gateway for it (zvmsdk uses the first NIC's
only); a gateway on a later NIC is checked but is not a default route, and
``NetworkConfig.notes`` says so.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re

from ansible_collections.zvm.cloud.plugins.module_utils import validation
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.planners import nics as nics_planner

ZVMSDK_KEYS = ('method', 'ip_addr', 'cidr', 'gateway_addr', 'dns_addr', 'mtu', 'nic_vdev', 'nic_id', 'mac_addr',
               'osa_device', 'hostname')
EXTENSION_KEYS = ('ipv6_method', 'ipv6_addr', 'ipv6_cidr', 'ipv6_gateway_addr', 'vswitch', 'vlan_id')
KEYS = ZVMSDK_KEYS + EXTENSION_KEYS
METHODS = ('static', 'dhcp')
IPV6_METHODS = ('static', 'dhcp', 'auto')
_V4_RE = re.compile(r'[0-9]{1,3}(\.[0-9]{1,3}){3}', re.ASCII)
_HOST_LABEL_RE = re.compile(r'[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?', re.ASCII)


def _absent(value):
    return value is None or value == ''


def ip_address(value, field, version=None):
    """An ``ipaddress`` address from text; InputError naming ``field``.
    IPv4 with leading zeros in a part (ambiguous: octal or decimal) and IPv6
    with a zone (``%eth0``) are refused."""
    text = validation.ascii_text(value, field, 'an IP address')
    if '%' in text or '/' in text:
        raise InputError('%s: %r is not an IP address (no prefix length or zone here)' % (field, text))
    if _V4_RE.fullmatch(text) and any(len(p) > 1 and p.startswith('0') for p in text.split('.')):
        raise InputError('%s: %r is not an IP address: write the parts without leading zeros' % (field, text))
    try:
        addr = ipaddress.ip_address(text)
    except ValueError:
        raise InputError('%s: %r is not an IP address' % (field, text))
    if version is not None and addr.version != version:
        hint = {4: 'ipv6_addr, ipv6_cidr and ipv6_gateway_addr take the IPv6 ones',
                6: 'ip_addr, cidr and gateway_addr take the IPv4 ones'}[version]
        raise InputError('%s: %r is an IPv%d address; an IPv%d address is needed here (%s)'
                         % (field, text, addr.version, version, hint))
    if addr.is_unspecified or addr.is_multicast:
        raise InputError('%s: %s is not a usable address (%s)'
                         % (field, text, 'unspecified' if addr.is_unspecified else 'multicast'))
    return addr


def subnet(value, field, version):
    """An ``ipaddress`` network from 'a.b.c.d/n' or 'x::/n' (host bits allowed)."""
    text = validation.ascii_text(value, field, 'a subnet')
    if '/' not in text:
        raise InputError('%s: %r is not a subnet: write it as address/prefix length, such as %s'
                         % (field, text, '192.168.95.0/24' if version == 4 else 'fd00:1::/64'))
    addr_text, prefix = text.split('/', 1)
    ip_address(addr_text, field, version)
    low = 1
    high = 32 if version == 4 else 128
    if not re.fullmatch(r'[0-9]{1,3}', prefix, re.ASCII) or not low <= int(prefix) <= high:
        raise InputError('%s: %r has no valid prefix length: it must be %d to %d' % (field, text, low, high))
    return ipaddress.ip_network(text, strict=False)


def check_hostname(value, field='hostname'):
    """A host name (RFC 1123: labels of letters, digits and '-', 1-63 each,
    253 in all); returned as given."""
    text = validation.ascii_text(value, field, 'a host name')
    if not text or len(text) > 253 or not all(_HOST_LABEL_RE.fullmatch(p) for p in text.split('.')):
        raise InputError('%s: %r is not a host name: use labels of letters, digits and "-" (not first or last), '
                         '1 to 63 each, joined by dots, 253 characters in all' % (field, text))
    return text


class Nic:
    """One NIC of ``guest_networks`` (see ``normalize``)."""

    def __init__(self, index, where):
        self.index = index
        self.where = where              # 'guest_networks[0].'
        self.vdev = None                # '1000', or None: chosen when the NIC is created
        self.nic_id = None
        self.mac_addr = None            # 'AA:BB:CC:DD:EE:FF', a MACID 'DDEEFF', or None
        self.vswitch = None
        self.vlan_id = None
        self.dhcp4 = False
        self.ipv4 = None                # ipaddress.IPv4Interface
        self.gateway4 = None
        self.ipv6_method = None         # None, 'static', 'dhcp' or 'auto'
        self.ipv6 = None                # ipaddress.IPv6Interface
        self.gateway6 = None
        self.dns = []                   # addresses, as text, in order
        self.mtu = None
        self.default4 = False           # the IPv4 default route goes through this NIC
        self.default6 = False

    @property
    def static4(self):
        return self.ipv4 is not None

    @property
    def static6(self):
        return self.ipv6 is not None

    def dns_of(self, version):
        return [a for a in self.dns if ipaddress.ip_address(a).version == version]

    def __repr__(self):
        return 'Nic(%s%s)' % (self.where, self.vdev)


class NetworkConfig:
    """The NICs of one ``guest_networks`` list, its host name and notes."""

    def __init__(self, nics, hostname=None, notes=None):
        self.nics = nics
        self.hostname = hostname
        self.notes = notes or []

    def dns(self):
        """Every NIC's DNS servers, in order, each once."""
        out = []
        for nic in self.nics:
            out.extend(a for a in nic.dns if a not in out)
        return out


def _method(value, field, allowed, default):
    if _absent(value):
        return default
    text = validation.ascii_text(value, field, 'a method').lower()
    if text not in allowed:
        raise InputError('%s: %r is not %s' % (field, value, ' or '.join(allowed)))
    return text


def _interface(net, where, version):
    """The address and gateway of one family: (interface or None, gateway or None)."""
    keys = ('ip_addr', 'cidr', 'gateway_addr') if version == 4 else ('ipv6_addr', 'ipv6_cidr', 'ipv6_gateway_addr')
    addr_key, cidr_key, gw_key = keys
    missing = [k for k in (addr_key, cidr_key) if _absent(net.get(k))]
    if missing:
        raise InputError('%s%s: a static IPv%d address needs %s and %s' % (where, missing[0], version, addr_key,
                                                                           cidr_key))
    addr = ip_address(net[addr_key], where + addr_key, version)
    net_ = subnet(net[cidr_key], where + cidr_key, version)
    if addr not in net_:
        raise InputError('%s%s: %s is not in the subnet %s given in %s' % (where, addr_key, addr, net_, cidr_key))
    iface = ipaddress.ip_interface('%s/%d' % (addr, net_.prefixlen))
    if version == 4 and net_.prefixlen < 31 and addr in (net_.network_address, net_.broadcast_address):
        raise InputError('%s%s: %s is the %s address of %s, not a host address'
                         % (where, addr_key, addr, 'network' if addr == net_.network_address else 'broadcast', net_))
    if addr.is_loopback:
        raise InputError('%s%s: %s is a loopback address' % (where, addr_key, addr))
    gateway = None
    if not _absent(net.get(gw_key)):
        gateway = ip_address(net[gw_key], where + gw_key, version)
        link_local = version == 6 and gateway.is_link_local
        if not link_local and gateway not in net_:
            raise InputError('%s%s: %s is not in the subnet %s of %s' % (where, gw_key, gateway, net_, addr_key))
        if gateway == addr:
            raise InputError('%s%s: %s is the NIC\'s own address' % (where, gw_key, gateway))
        if version == 4 and net_.prefixlen < 31 and gateway in (net_.network_address, net_.broadcast_address):
            raise InputError('%s%s: %s is the %s address of %s' % (
                where, gw_key, gateway, 'network' if gateway == net_.network_address else 'broadcast', net_))
    return iface, gateway


def _no_static(net, where, keys, why):
    for key in keys:
        if not _absent(net.get(key)):
            raise InputError('%s%s: %s' % (where, key, why))


def _nic(net, index, field):
    where = '%s[%d].' % (field, index)
    if not isinstance(net, dict):
        raise InputError('%s[%d]: each network must be a dict, got %s' % (field, index, type(net).__name__))
    unknown = sorted(set(net) - set(KEYS))
    if unknown:
        raise InputError('%s[%d]: unknown key(s) %s (known: %s)'
                         % (field, index, ', '.join(unknown), ', '.join(KEYS)))
    if not _absent(net.get('osa_device')):
        raise InputError('%sosa_device: dedicated OSA devices are not supported; couple a NIC to a vswitch '
                         '(vswitch) instead' % where)
    nic = Nic(index, where)
    if not _absent(net.get('nic_vdev')):
        nic.vdev = validation.vdev(net['nic_vdev'], where + 'nic_vdev')
        if int(nic.vdev, 16) + 2 > 0xFFFF:
            raise InputError('%snic_vdev: %s leaves no room for the 3 devices of a NIC' % (where, nic.vdev))
    if not _absent(net.get('mac_addr')):
        mac = validation.mac_address(net['mac_addr'], where + 'mac_addr')
        nic.mac_addr = mac.address or mac.macid
    if not _absent(net.get('nic_id')):
        nic.nic_id = nics_planner.check_nic_id(net['nic_id'], where + 'nic_id')
    if not _absent(net.get('vswitch')):
        nic.vswitch = validation.vswitch_name(net['vswitch'], where + 'vswitch')
    if not _absent(net.get('vlan_id')):
        if nic.vswitch is None:
            raise InputError('%svlan_id: a VLAN needs a vswitch to couple the NIC to (vswitch)' % where)
        nic.vlan_id = validation.vlan_id(net['vlan_id'], where + 'vlan_id')
    method = _method(net.get('method'), where + 'method', METHODS, 'static')
    if method == 'dhcp':
        _no_static(net, where, ('ip_addr', 'cidr', 'gateway_addr'),
                   'a NIC with method dhcp gets its IPv4 settings from DHCP; remove it or set method static')
        nic.dhcp4 = True
    elif any(not _absent(net.get(k)) for k in ('ip_addr', 'cidr', 'gateway_addr')):
        nic.ipv4, nic.gateway4 = _interface(net, where, 4)
    v6_given = any(not _absent(net.get(k)) for k in ('ipv6_addr', 'ipv6_cidr', 'ipv6_gateway_addr'))
    nic.ipv6_method = _method(net.get('ipv6_method'), where + 'ipv6_method', IPV6_METHODS,
                              'static' if v6_given else None)
    if nic.ipv6_method == 'static':
        nic.ipv6, nic.gateway6 = _interface(net, where, 6)
    elif nic.ipv6_method is not None:
        _no_static(net, where, ('ipv6_addr', 'ipv6_cidr', 'ipv6_gateway_addr'),
                   'a NIC with ipv6_method %s gets its IPv6 settings from the network; remove it or set '
                   'ipv6_method static' % nic.ipv6_method)
    if not (nic.dhcp4 or nic.ipv4 or nic.ipv6_method):
        raise InputError('%s%s: the NIC has no address: give ip_addr and cidr, method dhcp, or an IPv6 address '
                         '(ipv6_addr and ipv6_cidr) or ipv6_method' % (field, '[%d]' % index))
    dns = net.get('dns_addr')
    if not _absent(dns):
        if not isinstance(dns, (list, tuple)):
            raise InputError('%sdns_addr: expected a list of addresses, got %s' % (where, type(dns).__name__))
        for i, item in enumerate(dns):
            text = str(ip_address(item, '%sdns_addr[%d]' % (where, i)))
            if text not in nic.dns:
                nic.dns.append(text)
    if not _absent(net.get('mtu')):
        low = 1280 if nic.ipv6_method else 68
        nic.mtu = validation.ascii_number(net['mtu'], where + 'mtu', low, 65535,
                                          'an MTU' + (' (IPv6 needs 1280 at least)' if low == 1280 else ''))
    return nic


def normalize(guest_networks, field='guest_networks', first=0):
    """The ``NetworkConfig`` of ``guest_networks``; InputError naming the
    field (``guest_networks[1].cidr``) for the first problem found.
    ``first``: the index of the first item in messages (zvmsdk's lists
    count from 0; zvm_guest's ``networks`` from 1, as its other lists)."""
    if not isinstance(guest_networks, (list, tuple)):
        raise InputError('%s: expected a list of networks, got %s' % (field, type(guest_networks).__name__))
    if not guest_networks:
        raise InputError('%s: network information is required but none was given' % field)
    nics = [_nic(net, i + first, field) for i, net in enumerate(guest_networks)]
    seen = {}
    for nic in nics:
        if nic.vdev is None:
            continue
        low = int(nic.vdev, 16)
        for other_vdev, other in seen.items():
            if abs(int(other_vdev, 16) - low) <= 2:
                raise InputError('%snic_vdev: %s overlaps the NIC at %s (%snic_vdev); a NIC uses 3 devices'
                                 % (nic.where, nic.vdev, other_vdev, other.where))
        seen[nic.vdev] = nic
    hostname = None
    for nic, net in zip(nics, guest_networks):
        if _absent(net.get('hostname')):
            continue
        name = check_hostname(net['hostname'], nic.where + 'hostname')
        if hostname is not None and name.lower() != hostname.lower():
            raise InputError('%shostname: %r differs from the host name %r given before; a guest has one'
                             % (nic.where, name, hostname))
        hostname = hostname or name
    notes = []
    for version in (4, 6):
        chosen = None
        for nic in nics:
            gateway = nic.gateway4 if version == 4 else nic.gateway6
            if gateway is None:
                continue
            if chosen is None:
                chosen = nic
                setattr(nic, 'default%d' % version, True)
            else:
                notes.append('%s%s: %s is not a default route; the IPv%d default route goes through the NIC of '
                             '%s' % (nic.where, 'gateway_addr' if version == 4 else 'ipv6_gateway_addr', gateway,
                                     version, chosen.where.rstrip('.')))
    return NetworkConfig(nics, hostname, notes)


def assign_vdevs(config, vdevs):
    """Set each NIC's vdev from ``vdevs`` (one per NIC, in order)."""
    for nic, vdev in zip(config.nics, vdevs):
        nic.vdev = vdev
    return config
