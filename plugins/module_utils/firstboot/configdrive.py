# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A config drive for cloud-init: an ISO 9660 image labelled ``config-2``
in the OpenStack layout, which the guest's ``zvmguestconfigure`` attaches
(as a loop device) when it finds a class X reader file ``cfgdrive.iso``.

``files(...)`` gives the drive's files, ``build(...)`` the ISO:

- ``openstack/latest/meta_data.json``: ``uuid`` (cloud-init's instance id),
  ``hostname`` and ``name``, ``public_keys`` ({'key-0': 'ssh-ed25519 ...'}),
  ``launch_index`` 0;
- ``openstack/latest/network_data.json``: ``links`` (one per NIC, named as the
  distribution names the device: ``enc1000``; no MAC address, which CP
  assigns), ``networks`` (``ipv4`` / ``ipv6`` with netmask, default routes and
  the NIC's DNS servers as ``dns_nameservers``; ``ipv4_dhcp``,
  ``ipv6_dhcpv6-stateful``, ``ipv6_slaac``) and no global ``services`` (cloud-init
  would add those to every interface, twice where they are the NIC's too);
- ``openstack/latest/user_data``: as given (a ``#cloud-config`` document,
  a script...), when given.

The uuid defaults to a UUID derived from the guest and the drive's
contents, so the same settings give the same instance id and changed ones
a new one (cloud-init then runs its once-per-instance modules again).

The ISO is written with pycdlib (pure Python, imported when a drive is
built: nothing is needed on the controller otherwise), with Rock Ridge and
Joliet names as genisoimage -R -J writes them.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import hashlib
import io
import json
import sys
import uuid as uuid_module

from ansible_collections.zvm.cloud.plugins.module_utils import validation
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.firstboot import networks

LABEL = 'config-2'
SPOOL_NAME = 'cfgdrive.iso'
META_DATA = 'openstack/latest/meta_data.json'
NETWORK_DATA = 'openstack/latest/network_data.json'
USER_DATA = 'openstack/latest/user_data'
MAX_USER_DATA = 16 * 1024 * 1024
KEY_TYPES = ('ssh-ed25519', 'ssh-rsa', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521',
             'sk-ssh-ed25519@openssh.com', 'sk-ecdsa-sha2-nistp256@openssh.com', 'ssh-dss')
UUID_NAMESPACE = uuid_module.UUID('0d9b4f5e-6c1a-5b7e-8f2d-3a4c5e6f7a8b')
_ISO_NAMES = {'openstack': 'OPENSTACK', 'latest': 'LATEST', 'meta_data.json': 'META_DATA.JSON;1',
              'network_data.json': 'NETWORK_DATA.JSON;1', 'user_data': 'USER_DATA.;1'}


class PycdlibMissing(InputError):
    """pycdlib is not installed where the SDK runs."""


def _import_pycdlib():
    try:
        import pycdlib  # pylint: disable=import-outside-toplevel
    except ImportError:
        raise PycdlibMissing('a config drive is built with the Python package pycdlib, which is not installed for %s: '
                             'pip install pycdlib' % (sys.executable or 'this Python'))
    return pycdlib


def check_public_keys(keys, field='public_keys'):
    """SSH public keys (a list of 'type base64 [comment]' lines, or one
    string) -> list of str.  A private key is refused without being shown."""
    if keys is None:
        return []
    if isinstance(keys, str):
        keys = [keys]
    if not isinstance(keys, (list, tuple)):
        raise InputError('%s: expected a list of SSH public keys, got %s' % (field, type(keys).__name__))
    out = []
    for i, key in enumerate(keys):
        where = '%s[%d]' % (field, i)
        if not isinstance(key, str):
            raise InputError('%s: expected an SSH public key (a string), got %s' % (where, type(key).__name__))
        if 'PRIVATE KEY' in key:
            raise InputError('%s: this is a private key; give the public key (the .pub file) instead' % where)
        text = key.strip()
        bad = validation.non_ascii(text)
        if bad is not None or '\n' in text or '\r' in text:
            raise InputError('%s: an SSH public key is one line of printable ASCII' % where)
        parts = text.split(None, 2)
        if len(parts) < 2 or parts[0] not in KEY_TYPES:
            raise InputError('%s: %r... is not an SSH public key: expected "TYPE BASE64 [comment]" with TYPE one of '
                             '%s' % (where, text[:24], ', '.join(KEY_TYPES)))
        try:
            blob = base64.b64decode(parts[1].encode('ascii'), validate=True)
        except (binascii.Error, ValueError):
            raise InputError('%s: the key data of %r... is not base64' % (where, text[:24]))
        name = parts[0].encode('ascii')
        if blob[4:4 + len(name)] != name:
            raise InputError('%s: the key data does not hold a %s key' % (where, parts[0]))
        if text not in out:
            out.append(text)
    return out


def check_user_data(user_data, field='user_data'):
    """User data as bytes (text is encoded as UTF-8), or None."""
    if user_data is None or user_data == '':
        return None
    if isinstance(user_data, str):
        user_data = user_data.encode('utf-8')
    if not isinstance(user_data, (bytes, bytearray)):
        raise InputError('%s: expected text or bytes, got %s' % (field, type(user_data).__name__))
    if len(user_data) > MAX_USER_DATA:
        raise InputError('%s: %d bytes is more than a config drive takes here (%d)'
                         % (field, len(user_data), MAX_USER_DATA))
    return bytes(user_data)


def network_data(distro, config):
    """network_data.json (a dict) for a ``networks.NetworkConfig`` whose vdevs are set."""
    links, nets = [], []
    for nic in config.nics:
        if nic.vdev is None:
            raise InputError('%snic_vdev: the NIC has no vdev yet' % nic.where)
        dev = distro.device_name(nic.vdev)
        link = {'id': dev, 'name': dev, 'type': 'phy'}
        if nic.mtu is not None:
            link['mtu'] = nic.mtu
        links.append(link)

        first = len(nets)

        def add(kind, extra=None):
            item = {'id': 'network%d' % len(nets), 'link': dev, 'type': kind}
            item.update(extra or {})
            if nic.dns and len(nets) == first:      # once per NIC: cloud-init joins its networks' lists
                item['dns_nameservers'] = list(nic.dns)
            nets.append(item)
        if nic.dhcp4:
            add('ipv4_dhcp')
        elif nic.ipv4 is not None:
            extra = {'ip_address': str(nic.ipv4.ip), 'netmask': str(nic.ipv4.netmask), 'routes': []}
            if nic.default4:
                extra['routes'].append({'network': '0.0.0.0', 'netmask': '0.0.0.0', 'gateway': str(nic.gateway4)})
            add('ipv4', extra)
        if nic.ipv6 is not None:
            extra = {'ip_address': str(nic.ipv6.ip), 'netmask': str(nic.ipv6.netmask), 'routes': []}
            if nic.default6:
                extra['routes'].append({'network': '::', 'netmask': '::', 'gateway': str(nic.gateway6)})
            add('ipv6', extra)
        elif nic.ipv6_method == 'dhcp':
            add('ipv6_dhcpv6-stateful')
        elif nic.ipv6_method == 'auto':
            add('ipv6_slaac')
    return {'links': links, 'networks': nets, 'services': []}


def _dumps(data):
    return (json.dumps(data, indent=2, sort_keys=True) + '\n').encode('utf-8')


def files(distro=None, config=None, hostname=None, public_keys=None, user_data=None, uuid=None, userid=None):
    """{path on the drive: bytes}.  ``config`` (a ``NetworkConfig``, vdevs
    set, with ``distro`` for the device names) may be None: no
    network_data.json (cloud-init then configures the network its own
    way).  ``hostname`` defaults to the one in ``config``."""
    keys = check_public_keys(public_keys)
    data = check_user_data(user_data)
    if hostname in (None, '') and config is not None:
        hostname = config.hostname
    if hostname not in (None, ''):
        hostname = networks.check_hostname(hostname)
    out = {}
    if config is not None:
        if distro is None:
            raise InputError('os_version: needed to name the devices in network_data.json')
        out[NETWORK_DATA] = _dumps(network_data(distro, config))
    if data is not None:
        out[USER_DATA] = data
    meta = {'launch_index': 0, 'public_keys': dict(('key-%d' % i, k) for i, k in enumerate(keys))}
    if hostname:
        meta['hostname'] = meta['name'] = hostname
    if uuid in (None, ''):
        digest = hashlib.sha256(_dumps(meta))
        for path in sorted(out):
            digest.update(path.encode('ascii') + b'\0' + out[path])
        uuid = str(uuid_module.uuid5(UUID_NAMESPACE, '%s/%s' % ((userid or '').upper(), digest.hexdigest())))
    else:
        try:
            uuid = str(uuid_module.UUID(str(uuid)))
        except ValueError:
            raise InputError('uuid: %r is not a UUID' % (uuid,))
    meta['uuid'] = uuid
    out[META_DATA] = _dumps(meta)
    return dict(sorted(out.items()))


def preview(drive_files):
    """{path: text} of a drive's files for a diff, user_data shown only by
    its size and SHA-256 (it may hold passwords)."""
    out = {}
    for path, data in drive_files.items():
        if path == USER_DATA:
            out[path] = '(user data: %d bytes, sha256 %s)\n' % (len(data), hashlib.sha256(data).hexdigest())
        else:
            out[path] = data.decode('utf-8')
    return out


def build_iso(drive_files, label=LABEL):
    """The ISO 9660 image (bytes) of {path: bytes}; Rock Ridge and Joliet
    carry the real names, ISO 9660 level 3 names are upper case."""
    pycdlib = _import_pycdlib()
    iso = pycdlib.PyCdlib()
    iso.new(interchange_level=3, vol_ident=label, sys_ident='LINUX', joliet=3, rock_ridge='1.09',
            app_ident_str='zvm.cloud')
    made = set()
    for path in sorted(drive_files):
        parts = path.split('/')
        for depth in range(1, len(parts)):
            dir_path = '/'.join(parts[:depth])
            if dir_path in made:
                continue
            iso.add_directory(iso_path='/' + '/'.join(_iso_name(p) for p in parts[:depth]), rr_name=parts[depth - 1],
                              joliet_path='/' + dir_path)
            made.add(dir_path)
        data = drive_files[path]
        iso.add_fp(io.BytesIO(data), len(data), iso_path='/' + '/'.join(_iso_name(p) for p in parts),
                   rr_name=parts[-1], joliet_path='/' + path)
    out = io.BytesIO()
    iso.write_fp(out)
    iso.close()
    return out.getvalue()


def _iso_name(name):
    if name not in _ISO_NAMES:
        raise ValueError('no ISO 9660 name for %r' % name)
    return _ISO_NAMES[name]


def build(distro=None, config=None, hostname=None, public_keys=None, user_data=None, uuid=None, userid=None):
    """The config drive's ISO image (bytes); see ``files``."""
    return build_iso(files(distro, config, hostname, public_keys, user_data, uuid, userid))
