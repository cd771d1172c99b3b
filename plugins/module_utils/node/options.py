# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The access node options: one table behind the argument spec of the
modules that need the node (with environment fallbacks) and the doc
fragment ``zvm.cloud.node``, like the SMAPI options in ``connection.py``.

``node_kwargs(params)`` turns option values into the keyword arguments of
``AccessNode.from_options``, raising InputError naming the field.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zvm.cloud.plugins.module_utils import option_table, validation
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError

DEFAULT_KNOWN_HOSTS = '~/.ssh/known_hosts'
DEFAULT_REPOSITORY = '/var/lib/zvmsdk/images'
DEFAULT_DEVICE_DIR = '/dev/disk/by-path'
DEFAULT_TIMEOUT = 3600
MAX_TIMEOUT = 7 * 86400

# name: (type, default, environment variable, no_log, description)
OPTIONS = [
    ('node_host', 'str', None, 'ZVM_NODE_HOST', False,
     'Host name or IP address of the access node: the Linux guest on the same z/VM that links other guests\' '
     'minidisks and punches files to their readers, reached over SSH. When not set, the node\'s commands run on '
     'the host the module runs on, which must then be the access node itself, for example with C(delegate_to).'),
    ('node_port', 'int', 22, 'ZVM_NODE_PORT', False,
     'SSH port of the access node.'),
    ('node_user', 'str', None, 'ZVM_NODE_USER', False,
     'The Linux user on the access node that may run C(vmcp), C(vmur), C(chccwdev) and C(cio_ignore) and '
     'write the linked disks and the image repository; its login shell must be a POSIX shell. Required with '
     'O(node_host).'),
    ('node_password', 'str', None, 'ZVM_NODE_PASSWORD', True,
     'The password of O(node_user), when the node does not take O(node_private_key_file). It never appears in '
     'results, errors or logs.'),
    ('node_private_key_file', 'path', None, 'ZVM_NODE_PRIVATE_KEY_FILE', False,
     'A private key file (unencrypted, OpenSSH or PEM format) to log in to the access node with. Without it '
     'and without O(node_password), the keys of an SSH agent and the default keys in C(~/.ssh) are tried.'),
    ('node_known_hosts_file', 'path', DEFAULT_KNOWN_HOSTS, 'ZVM_NODE_KNOWN_HOSTS_FILE', False,
     'The known hosts file the access node\'s host key is verified against (OpenSSH format, hashed names '
     'allowed, C([host]:port) for a port other than 22). It is only read, never written.'),
    ('node_host_key_checking', 'bool', True, 'ZVM_NODE_HOST_KEY_CHECKING', False,
     'Verify the access node\'s host key against O(node_known_hosts_file): an unknown or changed key fails the '
     'task. Turning this off accepts any key, so a man in the middle would go unnoticed: only for test systems.'),
    ('node_image_repository', 'str', DEFAULT_REPOSITORY, 'ZVM_NODE_IMAGE_REPOSITORY', False,
     'Absolute path, on the access node, of the image repository (the z/VM Cloud Connector\'s layout, '
     'C(netboot/<os>/<image>/<vdev>), so an existing connector\'s repository can be used as it is).'),
    ('node_device_dir', 'str', DEFAULT_DEVICE_DIR, 'ZVM_NODE_DEVICE_DIR', False,
     'Absolute path, on the access node, of the directory where udev names CCW devices (C(ccw-0.0.<device>)). '
     'Changed only for a test node.'),
    ('node_timeout', 'int', DEFAULT_TIMEOUT, 'ZVM_NODE_TIMEOUT', False,
     'Seconds one command on the access node may take (writing or reading a whole disk is one command). A '
     'command that takes longer is killed, and the disk it used is detached.'),
]

NAMES = tuple(o[0] for o in OPTIONS)


def argument_spec():
    """The node options as an AnsibleModule argument spec."""
    return option_table.argument_spec(OPTIONS)


def doc_options():
    """The options as documentation YAML (the ``zvm.cloud.node`` fragment)."""
    return option_table.doc_options(OPTIONS)


def _default(params, name):
    value = params.get(name)
    if value is None:
        return dict((o[0], o[2]) for o in OPTIONS)[name]
    return value


def host_text(value, field):
    """A host name or address: printable ASCII without blanks."""
    text = validation.ascii_text(value, field, 'a host name or IP address')
    if not text or ' ' in text or text.startswith('-'):
        raise InputError('%s: %r is not a host name or IP address' % (field, value))
    return text


def node_path(value, field):
    """An absolute path on the node, without control characters."""
    text = validation.ascii_text(value, field, 'an absolute path')
    if not text.startswith('/') or '\x00' in text:
        raise InputError('%s: %r is not an absolute path' % (field, value))
    return text.rstrip('/') or '/'


def node_kwargs(params):
    """Module option values -> keyword arguments of
    ``AccessNode.from_options``; InputError names the field."""
    host = params.get('node_host')
    timeout = validation.ascii_number(_default(params, 'node_timeout'), 'node_timeout', 1, MAX_TIMEOUT,
                                      'a number of seconds')
    kwargs = {
        'host': None,
        'repository': node_path(_default(params, 'node_image_repository'), 'node_image_repository'),
        'device_dir': node_path(_default(params, 'node_device_dir'), 'node_device_dir'),
        'timeout': float(timeout),
    }
    if host in (None, ''):
        return kwargs       # local: the commands run where the module runs
    user = params.get('node_user')
    if not user:
        raise InputError('node_user: required with node_host (set it as an option or in ZVM_NODE_USER)')
    user = validation.ascii_text(user, 'node_user', 'a user name')
    if not user or ' ' in user or user.startswith('-'):
        raise InputError('node_user: %r is not a user name' % (user,))
    password = params.get('node_password')
    if password is not None and not isinstance(password, str):
        raise InputError('node_password: expected a string')
    if password is not None and any(ord(c) < 0x20 for c in password):
        raise InputError('node_password: must not contain control characters')
    hosts_file = _default(params, 'node_known_hosts_file')
    kwargs.update({
        'host': host_text(host, 'node_host'),
        'port': validation.ascii_number(_default(params, 'node_port'), 'node_port', 1, 65535, 'a TCP port'),
        'user': user,
        'password': password or None,
        'key_file': params.get('node_private_key_file') or None,
        'known_hosts': hosts_file or None,
        'host_key_checking': params.get('node_host_key_checking') is not False,
    })
    return kwargs
