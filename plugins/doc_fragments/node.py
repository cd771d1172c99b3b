# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """The access node options (``zvm.cloud.node``), for the modules that
    link disks or punch reader files through the access node.

    The options must match the table in plugins/module_utils/node/options.py
    (the modules' argument spec); tests/unit/node/test_options.py checks.
    """

    DOCUMENTATION = r'''
options:
  node_host:
    description:
      - "Host name or IP address of the access node: the Linux guest on the same z/VM that links other
        guests' minidisks and punches files to their readers, reached over SSH. When not set, the node's
        commands run on the host the module runs on, which must then be the access node itself, for example
        with C(delegate_to). If not set, the environment variable E(ZVM_NODE_HOST) is used."
    type: str
  node_port:
    description:
      - "SSH port of the access node. If not set, the environment variable E(ZVM_NODE_PORT) is used."
    type: int
    default: 22
  node_user:
    description:
      - "The Linux user on the access node that may run C(vmcp), C(vmur), C(chccwdev) and C(cio_ignore) and
        write the linked disks and the image repository; its login shell must be a POSIX shell. Required
        with O(node_host). If not set, the environment variable E(ZVM_NODE_USER) is used."
    type: str
  node_password:
    description:
      - "The password of O(node_user), when the node does not take O(node_private_key_file). It never appears
        in results, errors or logs. If not set, the environment variable E(ZVM_NODE_PASSWORD) is used."
    type: str
  node_private_key_file:
    description:
      - "A private key file (unencrypted, OpenSSH or PEM format) to log in to the access node with. Without
        it and without O(node_password), the keys of an SSH agent and the default keys in C(~/.ssh) are
        tried. If not set, the environment variable E(ZVM_NODE_PRIVATE_KEY_FILE) is used."
    type: path
  node_known_hosts_file:
    description:
      - "The known hosts file the access node's host key is verified against (OpenSSH format, hashed names
        allowed, C([host]:port) for a port other than 22). It is only read, never written. If not set, the
        environment variable E(ZVM_NODE_KNOWN_HOSTS_FILE) is used."
    type: path
    default: ~/.ssh/known_hosts
  node_host_key_checking:
    description:
      - "Verify the access node's host key against O(node_known_hosts_file): an unknown or changed key fails
        the task. Turning this off accepts any key, so a man in the middle would go unnoticed: only for test
        systems. If not set, the environment variable E(ZVM_NODE_HOST_KEY_CHECKING) is used."
    type: bool
    default: true
  node_image_repository:
    description:
      - "Absolute path, on the access node, of the image repository (the z/VM Cloud Connector's layout,
        C(netboot/<os>/<image>/<vdev>), so an existing connector's repository can be used as it is). If not
        set, the environment variable E(ZVM_NODE_IMAGE_REPOSITORY) is used."
    type: str
    default: /var/lib/zvmsdk/images
  node_device_dir:
    description:
      - "Absolute path, on the access node, of the directory where udev names CCW devices
        (C(ccw-0.0.<device>)). Changed only for a test node. If not set, the environment variable
        E(ZVM_NODE_DEVICE_DIR) is used."
    type: str
    default: /dev/disk/by-path
  node_timeout:
    description:
      - "Seconds one command on the access node may take (writing or reading a whole disk is one command). A
        command that takes longer is killed, and the disk it used is detached. If not set, the environment
        variable E(ZVM_NODE_TIMEOUT) is used."
    type: int
    default: 3600
'''
