# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Changes to the device statements: MDISK (on a volume, T-DISK, V-DISK and
the AUTOG pool form), NICDEF and the ``*NICID vdev id`` comment that keeps
a NIC's nic_id, DEDICATE; and the devices an entry defines
(``device_ranges``, ``device_conflict``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils import units
from ansible_collections.zvm.cloud.plugins.module_utils import validation
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import SDKObjectNotExistError
from ansible_collections.zvm.cloud.plugins.module_utils.directory.changes import GeneralChanges
from ansible_collections.zvm.cloud.plugins.module_utils.directory.devices import (
    NIC_ID_RE, Dedicate, Mdisk, Nicdef, NicPart, device_ranges,
)
from ansible_collections.zvm.cloud.plugins.module_utils.directory.statements import Comment
from ansible_collections.zvm.cloud.plugins.module_utils.directory.tokens import (
    check_password, is_keyword, mdisk_mode, vlan_tokens,
)

# ``* ZVMCLOUD IMAGE|CLONE vdev ...``: what a minidisk was deployed from (images/records.py); they go with the MDISK
DEPLOYED_RE = re.compile(r'^\s*\*\s*ZVMCLOUD\s+(?:IMAGE|CLONE)\s+([0-9A-Fa-f]{1,4})(?:\s|$)', re.IGNORECASE)


class DeviceChanges(GeneralChanges):
    """The changes to an entry's device statements (see the module docstring)."""

    # -- devices -----------------------------------------------------------------------
    def device_ranges(self):
        """``[(first, count, description)]`` of every device the entry defines
        itself: MDISK, DEDICATE, LINK (its own vdev), CONSOLE, SPOOL (1 each)
        and NICDEF (its DEVICES, 3 by default).  An INCLUDEd profile's
        devices are not seen."""
        return device_ranges(self.statements)

    def device_conflict(self, vdev, count=1):
        """The description (such as ``'NIC 1000-1002'``) of the first device
        that vdev .. vdev+count-1 overlaps, or None."""
        first = int(validation.vdev(vdev), 16)
        for start, size, description in self.device_ranges():
            if start < first + count and first < start + size:
                return description
        return None

    # -- changes: MDISK --------------------------------------------------------------
    def add_mdisk(self, vdev, devtype, size, start=None, volser=None, mode='MR', disk_type='perm',
                  read_password=None, write_password=None, multi_password=None):
        """Add ``MDISK vdev devtype ...``; returns the new Mdisk.

        ``disk_type``: ``perm`` (needs ``start`` and ``volser``), ``tdisk`` or
        ``vdisk`` (FB-512, at most 4,194,296 blocks).  ``size`` is a count of
        cylinders or blocks, ``'END'`` (perm only), or a byte size such as
        ``'1G'`` (rounded up with ``units.disk_size_units``).
        """
        vdev = validation.vdev(vdev)
        if self.find_mdisk(vdev) is not None:
            raise InputError('vdev: MDISK %s already exists in %s' % (vdev, self.name))
        devtype = validation.no_blanks_or_controls(str(devtype), 'devtype').upper()
        if disk_type not in ('perm', 'tdisk', 'vdisk'):
            raise InputError('disk_type: %r is not one of perm, tdisk, vdisk' % (disk_type,))
        if disk_type == 'vdisk' and devtype != 'FB-512':
            raise InputError('devtype: a V-DISK must be FB-512, not %s' % devtype)
        if isinstance(size, str) and size.strip().upper() == 'END':
            if disk_type != 'perm':
                raise InputError('size: END is only for a minidisk on a volume')
            count = 'END'
        else:
            count = units.disk_size_units(size, devtype, vdisk=disk_type == 'vdisk')[0]
        if disk_type == 'perm':
            if isinstance(start, bool) or not isinstance(start, int) or start < 0:
                raise InputError('start: a minidisk on a volume needs a start cylinder or block (0 or more)')
            volser = validation.volser(volser)
        else:
            start, volser = None, None
        mode = mdisk_mode(mode)
        passwords = [read_password, write_password, multi_password]
        for field, pw in zip(('read_password', 'write_password', 'multi_password'), passwords):
            if pw is not None:
                check_password(pw, field)
        st = Mdisk(vdev, devtype, count, start, volser, mode, disk_type, None, *passwords)
        return self._insert(st)

    def add_autog_mdisk(self, vdev, devtype, count, pool, mode='MR'):
        """Add ``MDISK vdev devtype AUTOG count pool mode``: a disk DirMaint is
        to allocate from the group ``pool`` (to predict or request one).
        ``count`` is cylinders or blocks.  Returns the new Mdisk (disk_type
        ``autog``, no start or volser; its ``to_dict()`` has ``pool``)."""
        vdev = validation.vdev(vdev)
        if self.find_mdisk(vdev) is not None:
            raise InputError('vdev: MDISK %s already exists in %s' % (vdev, self.name))
        devtype = validation.no_blanks_or_controls(str(devtype), 'devtype').upper()
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise InputError('count: %r is not a number of cylinders or blocks (1 or more)' % (count,))
        pool = validation.pool_name(pool)
        mode = mdisk_mode(mode)
        return self._insert(Mdisk(vdev, devtype, count, None, None, mode, 'autog', pool=pool))

    def _remove_found(self, st):
        """Remove ``st`` (a statement a find_* method gave); False when that was None."""
        if st is None:
            return False
        self.remove_statements([st])
        return True

    def remove_mdisk(self, vdev):
        """Remove MDISK ``vdev`` and, in the same change, the ``* ZVMCLOUD
        IMAGE|CLONE`` records of that vdev (what the disk was deployed
        from, ``images/records.py``): a disk made again at the vdev holds
        nothing.  False when there is no such MDISK."""
        mdisk = self.find_mdisk(vdev)
        if mdisk is None:
            return False
        self.remove_statements([mdisk] + self._deployed_records(mdisk.vdev))
        return True

    def remove_mdisk_statement(self, vdev):
        """Remove only the MDISK statement of ``vdev``, as DirMaint's DMDISK
        (Image_Disk_Delete_DM) does: comment records stay (the simulator's
        DirMaint uses it).  False when there is no such MDISK."""
        return self._remove_found(self.find_mdisk(vdev))

    def _deployed_records(self, vdev):
        vdev = str(vdev).upper().zfill(4)
        out = []
        for st in self.statements:
            found = DEPLOYED_RE.match(st.text) if isinstance(st, Comment) else None
            if found and found.group(1).upper().zfill(4) == vdev:
                out.append(st)
        return out

    # -- changes: NICDEF -------------------------------------------------------------
    def _nic_fields(self, fields):
        out = {}
        for key, value in fields.items():
            if key == 'vswitch':
                if value is None:
                    out['lan_owner'] = out['lan_name'] = None
                else:
                    out['lan_owner'], out['lan_name'] = 'SYSTEM', validation.vswitch_name(value)
                continue
            if key in ('nic_type', 'type'):
                key = 'type'
            if key not in Nicdef.FIELDS:
                raise InputError('%s: not a NICDEF attribute (use one of %s)'
                                 % (key, ', '.join(('vswitch', 'nic_type') + Nicdef.FIELDS)))
            if value is None:
                out[key] = None
            elif key == 'type':
                value = str(value).upper()
                value = next((full for full, m in Nicdef.TYPES if is_keyword(value, full, m)), None)
                if value is None:
                    raise InputError('nic_type: expected QDIO, HIPERSOCKETS, IEDN or INMN')
                out[key] = value
            elif key == 'devices':
                if isinstance(value, bool) or not isinstance(value, int) or not 3 <= value <= 3072:
                    raise InputError('devices: %r is not a device count from 3 to 3072' % (value,))
                out[key] = value
            elif key == 'lan_owner':
                out[key] = 'SYSTEM' if str(value).upper() == 'SYSTEM' else (
                    '*' if value == '*' else validation.userid(value, 'lan_owner'))
            elif key == 'lan_name':
                out[key] = validation.vswitch_name(value, 'lan_name')
            elif key == 'macid':
                out[key] = validation.mac_address(value, 'macid').macid
            elif key == 'vlan':
                out[key] = vlan_tokens(value)
            elif key == 'port_type':
                value = str(value).upper()
                if value not in ('ACCESS', 'TRUNK'):
                    raise InputError('port_type: %r is not ACCESS or TRUNK' % value)
                out[key] = value
            elif key == 'promiscuous':
                out[key] = bool(value)
            elif key == 'chpid':
                value = str(value).upper()
                if not re.match(r'^[0-9A-F]{2}$', value):
                    raise InputError('chpid: %r is not 2 hexadecimal digits' % value)
                out[key] = value
            else:
                out[key] = validation.no_blanks_or_controls(str(value), key).upper()
        return out

    def add_nic(self, vdev, nic_type='QDIO', **fields):
        """Add a NIC; fields: devices, vswitch (or lan_owner and lan_name), vlan, port_type,
        port_number, macid (any form ``validation.mac_address`` takes), chpid, promiscuous,
        pquplinktx.  Returns the new Nicdef."""
        vdev = validation.vdev(vdev)
        if self.find_nic(vdev) is not None:
            raise InputError('vdev: NICDEF %s already exists in %s' % (vdev, self.name))
        fields['type'] = nic_type
        nic = Nicdef(vdev)
        for key, value in self._nic_fields(fields).items():
            setattr(nic, key, value)
        if bool(nic.lan_owner) != bool(nic.lan_name):
            raise InputError('lan_owner and lan_name go together')
        return self._insert(nic)

    def update_nic(self, vdev, **fields):
        """Set the given NIC attributes (None clears one); returns True if anything changed."""
        nic = self.find_nic(vdev)
        if nic is None:
            raise InputError('vdev: there is no NICDEF %s in %s' % (validation.vdev(vdev), self.name))
        changed = False
        for key, value in self._nic_fields(fields).items():
            if getattr(nic, key) != value:
                setattr(nic, key, value)
                changed = True
        if bool(nic.lan_owner) != bool(nic.lan_name):
            raise InputError('lan_owner and lan_name go together')
        return changed

    def _nic_statements(self, nic):
        return [s for s in self.statements if s is nic or (isinstance(s, NicPart) and s.nic is nic)]

    def remove_nic(self, vdev):
        """Remove NIC ``vdev``: its NICDEF records and its ``*NICID`` comment; True if the entry changed."""
        changed = self.set_nic_id(vdev, None)
        nic = self.find_nic(vdev)
        if nic is None:
            return changed
        self.remove_statements(self._nic_statements(nic))
        return True

    # -- NIC ids: ``*NICID vdev id`` comments -----------------------------------------
    def _nic_id_comments(self, vdev):
        vdev = validation.vdev(vdev)
        out = []
        for st in self.statements:
            if isinstance(st, Comment):
                m = NIC_ID_RE.match(st.text)
                if m and m.group(1).upper().zfill(4) == vdev:
                    out.append(st)
        return out

    def nic_id(self, vdev):
        """The nic_id recorded with NIC ``vdev`` (``*NICID vdev id``), or None."""
        found = self._nic_id_comments(vdev)
        return NIC_ID_RE.match(found[-1].text).group(2) if found else None

    def set_nic_id(self, vdev, value):
        """Record ``value`` as NIC ``vdev``'s nic_id right after its NICDEF
        records, in upper case as the directory is (None removes it); True if
        the entry changed.  SDKObjectNotExistError if there is no such NIC."""
        vdev = validation.vdev(vdev)
        old = self._nic_id_comments(vdev)
        if value is not None and len(old) == 1 and (self.nic_id(vdev) or '').upper() == value.upper():
            return False
        self.remove_statements(old)
        if value is None:
            return bool(old)
        nic = self.find_nic(vdev)
        if nic is None:
            raise SDKObjectNotExistError('there is no NICDEF %s to record a nic_id for' % vdev)
        mine = self._nic_statements(nic)
        last = max(i for i, s in enumerate(self.statements) if any(s is t for t in mine))
        self.statements.insert(last + 1, Comment('*NICID %s %s' % (vdev, value.upper())))
        return True

    def nic_snapshot(self, vdev):
        """What ``restore_nic`` needs to put NIC ``vdev`` back; None if there is none."""
        nic = self.find_nic(vdev)
        if nic is None:
            return None
        fields = dict((name, getattr(nic, name)) for name in Nicdef.FIELDS
                      if name != 'type' and getattr(nic, name) is not None)
        return {'type': nic.type or 'QDIO', 'fields': fields, 'nic_id': self.nic_id(vdev)}

    def restore_nic(self, vdev, snapshot):
        """Add NIC ``vdev`` back as ``nic_snapshot`` saw it, with its nic_id."""
        self.add_nic(vdev, snapshot['type'], **dict(snapshot['fields']))
        if snapshot.get('nic_id'):
            self.set_nic_id(vdev, snapshot['nic_id'])

    def nic_records(self, vdev):
        """The records of NIC ``vdev``: its NICDEF statement(s), then its nic_id comment."""
        nic = self.find_nic(vdev)
        statements = self._nic_statements(nic) if nic is not None else []
        out = [line for s in statements for line in s.lines()]
        return out + [c.text for c in self._nic_id_comments(vdev)]

    # -- changes: DEDICATE -----------------------------------------------------------
    def add_dedicate(self, vdev, rdev, options=None):
        vdev = validation.vdev(vdev)
        if self.find_dedicate(vdev) is not None:
            raise InputError('vdev: DEDICATE %s already exists in %s' % (vdev, self.name))
        rdev = validation.vdev(rdev, 'rdev')
        extra = ' '.join(validation.no_blanks_or_controls(str(o), 'options').upper() for o in options or [])
        return self._insert(Dedicate(vdev, rdev, extra))

    def remove_dedicate(self, vdev):
        return self._remove_found(self.find_dedicate(vdev))
