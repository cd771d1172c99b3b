# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``DirectoryEntry``, the user directory entry, and ``parse(records)``.

The class puts together the layers: ``base.EntryBase`` (parse, render,
find, place), ``changes.GeneralChanges`` (the general statements),
``device_changes.DeviceChanges`` (devices and NIC ids); here are the
results for modules (``to_dict``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zvm.cloud.plugins.module_utils.directory.device_changes import DeviceChanges
from ansible_collections.zvm.cloud.plugins.module_utils.directory.devices import Console, Spool
from ansible_collections.zvm.cloud.plugins.module_utils.directory.statements import Command, Loaddev, Share


class DirectoryEntry(DeviceChanges):
    """A user directory entry: an ordered list of ``Statement`` objects,
    read with ``parse``, changed with the ``set_*``/``add_*``/``remove_*``
    methods and written with ``records``."""

    # -- results -----------------------------------------------------------------------
    def to_dict(self):
        """The entry for module results.  Never holds a password."""
        ipl, machine, account = self.ipl, self.machine, self.account
        share = self._first(Share)
        loaddev = {}
        for st in self._all(Loaddev):
            loaddev[st.key.lower()] = st.value
        return {
            'entry_type': self.entry_type,
            'userid': self.userid,
            'name': self.name,
            'profile': self.include,
            'include': self.include,
            'storage': self.storage,
            'max_storage': self.max_storage,
            'privileges': self.privileges,
            'cpus': [c.to_dict() for c in self.cpus],
            'machine': machine.to_dict() if machine else None,
            'ipl': ipl.to_dict() if ipl else None,
            'logonby': self.logonby,
            'disks': [d.to_dict() for d in self.mdisks],
            'nics': [n.to_dict() for n in self.nics],
            'dedicates': [d.to_dict() for d in self.dedicates],
            'links': [ln.to_dict() for ln in self.links],
            'consoles': [c.to_dict() for c in self._all(Console)],
            'spools': [s.to_dict() for s in self._all(Spool)],
            'commands': [c.text for c in self._all(Command)],
            'loaddev': loaddev,
            'options': self.options,
            'share': share.to_dict() if share else None,
            'account': account.to_dict() if account else None,
        }


def parse(records):
    """``DirectoryEntry.parse(records)``."""
    return DirectoryEntry.parse(records)
