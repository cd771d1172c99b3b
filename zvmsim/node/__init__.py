# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The access node: a Linux guest of the simulated z/VM (``ZVMNODE``) with
s390-tools' ``vmcp``, ``vmur``, ``chccwdev`` and ``cio_ignore``.

``python -m zvmsim node setup --state-dir S --dir D`` makes a node in the
directory D (``setup`` in ``cli.py``):

    D/node.json              the state directory, the node's userid, the system section
    D/bin/vmcp ...           wrappers: ``exec PYTHON -I -c ... ROOT D vmcp "$@"``
    D/dev/disk/by-path/      where an online disk appears (``ccw-0.0.xxxx``)

The commands act on the simulator's SQLite state in S, each in one
transaction, so several may run at once (as several deploys on one node
do).  The CP side of the node is its CP document, as for any logged-on
guest: a ``vmcp link`` adds the disk to its active disks (``disks``,
type ``link``, what Image_Disk_Query ZVMNODE shows), which keeps the
disk's extent from being handed out again (``dasd.held_extents``);
``vmcp detach`` removes it.  ``cio_ignore -r`` frees a device from the
node's ignore list (``cio_unignored`` in the CP document: every device is
ignored after logon, as with ``cio_ignore=all``); ``chccwdev -e`` puts a
linked, freed device online: a symlink in D/dev/disk/by-path to the
disk's contents file (``zvmsim.contents``).

Modules: ``cli`` (setup, the wrappers' entry point, faults, chccwdev,
cio_ignore), ``vmcp`` (CP commands), ``spool`` (the reader, shared by
vmcp and vmur), ``vmur``, ``fs`` (``dasdfmt``, ``fdasd`` and the ``mkfs``
commands, which run this machine's real mke2fs, mkfs.xfs and mkswap on a
disk's partition), ``sshd`` (a real OpenSSH server for tests).
"""

import json
import os

NODE_FILE = 'node.json'
COMMANDS = ('vmcp', 'vmur', 'chccwdev', 'cio_ignore', 'dasdfmt', 'fdasd', 'mkfs.ext2', 'mkfs.ext3', 'mkfs.ext4',
            'mkfs.xfs', 'mkswap')
DEVICE_DIR = os.path.join('dev', 'disk', 'by-path')
DEFAULT_USERID = 'ZVMNODE'
FAULT_KIND = 'node_faults'


class Node:
    """One node directory: where its state is and who it is."""

    def __init__(self, node_dir):
        self.node_dir = os.path.abspath(node_dir)
        with open(os.path.join(self.node_dir, NODE_FILE), encoding='utf-8') as handle:
            doc = json.load(handle)
        self.state_dir = doc['state_dir']
        self.userid = str(doc.get('userid') or DEFAULT_USERID).upper()
        self.system = doc.get('system') or {}
        self.config = {'system': self.system}
        self.device_dir = os.path.join(self.node_dir, DEVICE_DIR)
        self._store = None

    @property
    def system_name(self):
        return str(self.system.get('name') or 'ZVMSIM1').upper()

    def store(self):
        if self._store is None:
            from zvmsim.state import Store
            self._store = Store(self.state_dir)
        return self._store

    def close(self):
        if self._store is not None:
            self._store.close()
            self._store = None


def bus_id(ldev):
    """Linux's name of a CCW device: ``0.0.`` and 4 lower-case hex digits."""
    return '0.0.%s' % ldev.lower()


def parse_bus_id(text):
    """The device number (4 upper-case hex digits) of ``0.0.xxxx`` or
    ``xxxx``; None when it is neither."""
    text = str(text).strip().lower()
    if text.startswith('0.0.'):
        text = text[4:]
    if not text or len(text) > 4 or any(ch not in '0123456789abcdef' for ch in text):
        return None
    return text.upper().zfill(4)


def device_links(node, ldev):
    """The by-path names of a device: ``ccw-0.0.xxxx`` and ``...-part1``."""
    name = 'ccw-' + bus_id(ldev)
    return os.path.join(node.device_dir, name), os.path.join(node.device_dir, name + '-part1')


def remove_device_links(node, ldev):
    """Take a device's by-path names away (it went offline, or was detached)."""
    for link in device_links(node, ldev):
        try:
            os.remove(link)
        except FileNotFoundError:
            pass
