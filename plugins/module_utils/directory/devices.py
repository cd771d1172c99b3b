# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The device statements: MDISK, NICDEF (and ``NicPart``, a further record
of a split NIC), DEDICATE, LINK, CONSOLE and SPOOL, and the device numbers
they use.

Every device statement has ``device_range()``: ``(first, count,
description)``, such as ``(0x1000, 3, 'NIC 1000-1002')``;
``device_ranges(statements)`` lists them, and is the one place that knows
how many device numbers a statement takes (a NICDEF its DEVICES, 3 by
default; every other device statement 1).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils import units
from ansible_collections.zvm.cloud.plugins.module_utils.directory.statements import Statement
from ansible_collections.zvm.cloud.plugins.module_utils.directory.tokens import (
    DEC_RE, MASK, RECORD_LENGTH, decimal, hex_vdev, is_keyword, maybe_vdev,
)

# Device numbers a NICDEF without DEVICES uses (CP's default).
NIC_DEVICES = 3
# ``*NICID vdev id``: the comment record that keeps a NIC's nic_id, right after its NICDEF.
NIC_ID_RE = re.compile(r'^\s*\*NICID\s+([0-9A-Fa-f]{1,4})\s+(\S+)\s*$')


class Mdisk(Statement):
    """MDISK vdev devtype start size volser [mode [read [write [multi]]]] and the
    T-DISK, V-DISK (``MDISK vdev devtype V-DISK size [mode...]``), DEVNO and
    DirMaint AUTOG (``MDISK vdev devtype AUTOG size pool [mode...]``) forms.

    ``disk_type`` is ``perm``, ``tdisk``, ``vdisk``, ``devno`` or ``autog``
    (a disk DirMaint is to allocate from the group ``pool``: no start and no
    volser yet); ``size`` is an int or ``'END'``.
    """

    keyword = 'MDISK'
    ARGS = ('vdev', 'devtype', 'size', 'start', 'volser', 'mode', 'disk_type', 'rdev', 'read_password',
            'write_password', 'multi_password', 'extra', 'pool')
    REQUIRED, DEFAULTS = 2, {'disk_type': 'perm'}
    MIN_OPERANDS = 3
    DESCRIBED_BY = 'vdev'
    _SPECIAL = {'T-DISK': 'tdisk', 'V-DISK': 'vdisk'}

    @classmethod
    def _parse(cls, line, keyword):
        st = cls(hex_vdev(line.tokens[1]), line.upper(2))
        where = line.upper(3)
        if where in cls._SPECIAL:
            st.disk_type = cls._SPECIAL[where]
            st.size = decimal(line.upper(4), 'size')
            i = 5
        elif where == 'DEVNO':
            st.disk_type = 'devno'
            st.rdev = hex_vdev(line.upper(4), 'real device')
            i = 5
        elif where in ('AUTOR', 'AUTOV'):
            raise InputError('%s (DirMaint allocation from a region or volume) is not modelled' % where)
        elif where == 'AUTOG':
            st.disk_type = 'autog'
            st.size = decimal(line.upper(4), 'size')
            if len(line) < 6:
                raise InputError('no group name')
            st.pool = line.upper(5)
            i = 6
        else:
            st.start = decimal(where, 'start')
            size = line.upper(4)
            st.size = 'END' if size == 'END' else decimal(size, 'size')
            if len(line) < 6:
                raise InputError('no volume serial')
            st.volser = line.upper(5)
            i = 6
        if i < len(line) and line.tokens[i] != '*':
            st.mode = line.upper(i)
            i += 1
            secret = []
            for attr in ('read_password', 'write_password', 'multi_password'):
                if i < len(line) and line.tokens[i] != '*':
                    setattr(st, attr, line.tokens[i])
                    secret.append(i)
                    i += 1
            st._raw_secret = tuple(secret)
        st.extra = line.rest(i)
        return st

    def tokens(self, masked=False):
        toks = [self.keyword, self.vdev, self.devtype]
        if self.disk_type == 'perm':
            if self.start is None or self.size is None or not self.volser:
                raise InputError('MDISK %s: a minidisk needs a start, a size and a volume serial' % self.vdev)
            toks += [str(self.start), str(self.size), self.volser]
        elif self.disk_type == 'devno':
            toks += ['DEVNO', self.rdev]
        elif self.disk_type == 'autog':
            toks += ['AUTOG', str(self.size), self.pool]
        else:
            toks += [{'tdisk': 'T-DISK', 'vdisk': 'V-DISK'}[self.disk_type], str(self.size)]
        passwords = [self.read_password, self.write_password, self.multi_password]
        while passwords and passwords[-1] is None:
            passwords.pop()
        if None in passwords:
            raise InputError('MDISK %s: a write or multi password needs the passwords before it' % self.vdev)
        if passwords and not self.mode:
            raise InputError('MDISK %s: passwords need a mode before them' % self.vdev)
        if self.mode:
            toks.append(self.mode)
        toks += [MASK if masked else pw for pw in passwords]
        return self._tail(toks)

    def size_bytes(self):
        """Bytes, when the size is a count on a known device type; else None."""
        if not isinstance(self.size, int):
            return None
        try:
            return units.units_to_bytes(self.size, self.devtype)
        except ValueError:
            return None

    def device_range(self):
        return int(self.vdev, 16), 1, 'disk %s' % self.vdev

    def to_dict(self):
        """The disk for results.  A disk still to be allocated from a pool
        (AUTOG) is a permanent minidisk to be: ``type`` perm, ``start`` and
        ``volser`` null, and ``pool`` set."""
        out = {'vdev': self.vdev, 'devtype': self.devtype,
               'type': 'perm' if self.disk_type == 'autog' else self.disk_type, 'start': self.start,
               'size': self.size, 'size_bytes': self.size_bytes(), 'volser': self.volser, 'rdev': self.rdev,
               'mode': self.mode}
        if self.disk_type == 'autog':
            out['pool'] = self.pool
        return out


class Nicdef(Statement):
    """A NIC: one NICDEF statement, or several for the same vdev merged.

    Fields: vdev, type (QDIO, HIPERSOCKETS, IEDN, INMN), devices, lan_owner,
    lan_name, chpid, macid, vlan (list of tokens: IDs or ranges), port_type,
    port_number, promiscuous (True, False or None), pquplinktx, extra.
    """

    keyword = 'NICDEF'
    FIELDS = ('type', 'devices', 'lan_owner', 'lan_name', 'chpid', 'macid', 'vlan', 'port_type', 'port_number',
              'promiscuous', 'pquplinktx')
    TYPES = (('HIPERSOCKETS', 5), ('QDIO', 4), ('IEDN', 4), ('INMN', 4))
    _OPTION_WORDS = (('TYPE', 4), ('DEVICES', 3), ('LAN', 3), ('CHPID', 5), ('MACID', 5), ('VLAN', 4),
                     ('PORTTYPE', 5), ('PORTNUMBER', 7), ('PROMISCUOUS', 3), ('NOPROMISCUOUS', 5),
                     ('PQUPLINKTX', 10))
    # The constructor takes the vdev, then the FIELDS (``type`` as ``nic_type``), then extra.
    ARGS = ('vdev', 'nic_type') + FIELDS[1:] + ('extra',)
    RENAMED = {'nic_type': 'type'}
    MIN_OPERANDS, MISSING = 1, 'no vdev'
    DESCRIBED_BY = 'vdev'

    @classmethod
    def _word(cls, token):
        for full, minimum in cls._OPTION_WORDS:
            if is_keyword(token, full, minimum):
                return full
        return None

    @classmethod
    def _parse(cls, line, keyword):
        st = cls(hex_vdev(line.tokens[1]))
        i, n = 2, len(line)
        while i < n:
            word = cls._word(line.tokens[i])
            arg = line.upper(i + 1)
            if word == 'TYPE' and arg:
                st.type = next((full for full, m in cls.TYPES if is_keyword(arg, full, m)), arg)
                i += 2
            elif word == 'DEVICES' and arg and DEC_RE.match(arg):
                st.devices = int(arg)
                i += 2
            elif word == 'LAN' and arg and i + 2 < n:
                st.lan_owner, st.lan_name = arg, line.upper(i + 2)
                i += 3
            elif word in ('CHPID', 'MACID', 'PORTTYPE', 'PQUPLINKTX') and arg:
                setattr(st, {'PORTTYPE': 'port_type'}.get(word, word.lower()), arg)
                i += 2
            elif word == 'PORTNUMBER' and arg:
                st.port_number = arg
                i += 2
            elif word in ('PROMISCUOUS', 'NOPROMISCUOUS'):
                st.promiscuous = word == 'PROMISCUOUS'
                i += 1
            elif word == 'VLAN' and arg:
                j = i + 1
                while j < n and cls._word(line.tokens[j]) is None:
                    j += 1
                st.vlan = [t.upper() for t in line.tokens[i + 1:j]]
                i = j
            else:
                st.extra = line.rest(i)
                break
        return st

    def merge(self, other):
        """Apply a later NICDEF statement for the same vdev (it modifies this one)."""
        for name in self.FIELDS:
            value = getattr(other, name)
            if value is not None:
                setattr(self, name, value)
        if other.extra:
            self.extra = (self.extra + ' ' + other.extra).strip()

    def groups(self):
        groups = []
        if self.type:
            groups.append(['TYPE', self.type])
        if self.devices is not None:
            groups.append(['DEVICES', str(self.devices)])
        if self.lan_owner and self.lan_name:
            groups.append(['LAN', self.lan_owner, self.lan_name])
        if self.chpid:
            groups.append(['CHPID', self.chpid])
        if self.macid:
            groups.append(['MACID', self.macid])
        if self.vlan:
            groups.append(['VLAN'] + list(self.vlan))
        if self.port_type:
            groups.append(['PORTTYPE', self.port_type])
        if self.port_number:
            groups.append(['PORTNUMBER', self.port_number])
        if self.promiscuous is not None:
            groups.append(['PROMISCUOUS' if self.promiscuous else 'NOPROMISCUOUS'])
        if self.pquplinktx:
            groups.append(['PQUPLINKTX', self.pquplinktx])
        if self.extra:
            groups.append([self.extra])
        return groups

    def canonical(self, masked=False):
        """``NICDEF vdev TYPE ...``, continued on more records only past 72 columns."""
        lines, current = [], [self.keyword, self.vdev]
        for group in self.groups():
            if len(current) > 2 and len(' '.join(current + group)) > RECORD_LENGTH:
                lines.append(current)
                current = [self.keyword, self.vdev]
            current = current + group
        lines.append(current)
        return lines

    def tokens(self, masked=False):
        return [tok for line in self.canonical() for tok in line]

    @property
    def vswitch(self):
        return self.lan_name if self.lan_owner == 'SYSTEM' else None

    def device_range(self):
        """(first, count, description): the NIC takes DEVICES device numbers, 3 by default."""
        first, count = int(self.vdev, 16), int(self.devices or NIC_DEVICES)
        name = 'NIC %s-%04X' % (self.vdev, first + count - 1) if count > 1 else 'NIC %s' % self.vdev
        return first, count, name

    def to_dict(self):
        return {'vdev': self.vdev, 'type': self.type, 'devices': self.devices, 'lan_owner': self.lan_owner,
                'lan_name': self.lan_name, 'vswitch': self.vswitch,
                'vlan': ' '.join(self.vlan) if self.vlan else None, 'port_type': self.port_type,
                'port_number': self.port_number, 'macid': self.macid, 'chpid': self.chpid,
                'promiscuous': self.promiscuous}


class NicPart(Statement):
    """A further NICDEF record for a NIC already begun: written as read while
    the NIC is unchanged, dropped when the NIC is rewritten canonically."""

    keyword = 'NICDEF'

    def __init__(self, nic, raw):
        Statement.__init__(self)
        self.nic = nic
        self.raw = raw

    def tokens(self, masked=False):
        return self.raw.split()

    @property
    def changed(self):
        return False

    def lines(self, masked=False, canonical=False):
        if canonical or self.nic.changed:
            return []
        return [self.raw]

    def describe(self):
        return 'NICDEF %s' % self.nic.vdev


class Dedicate(Statement):
    """DEDICATE vdev rdev [options...]."""

    keyword = 'DEDICATE'
    OPERANDS = ('vdev', 'rdev')
    READ = {'vdev': hex_vdev, 'rdev': maybe_vdev}
    MIN_OPERANDS = 2
    DESCRIBED_BY = 'vdev'

    def device_range(self):
        return int(self.vdev, 16), 1, 'dedicated device %s' % self.vdev

    def to_dict(self):
        return {'vdev': self.vdev, 'rdev': self.rdev, 'options': self.extra.split()}


class Link(Statement):
    """LINK user vdev1 vdev2 [mode]: link ``user``'s vdev1 as this user's vdev2."""

    keyword = 'LINK'
    OPERANDS = ('user', 'vdev1', 'vdev2', 'mode')
    READ = {'vdev1': hex_vdev, 'vdev2': hex_vdev}
    MIN_OPERANDS = 3
    DESCRIBED_BY = 'vdev2'

    def device_range(self):
        return int(self.vdev2, 16), 1, 'link %s (to %s %s)' % (self.vdev2, self.user, self.vdev1)

    def to_dict(self):
        return {'user': self.user, 'vdev1': self.vdev1, 'vdev2': self.vdev2, 'mode': self.mode}


class _UnitRecord(Statement):
    """CONSOLE vdev devtype [class [...]] and SPOOL vdev devtype [class [...]]."""

    OPERANDS = ('vdev', 'devtype', 'spool_class')
    MIN_OPERANDS = 2
    DESCRIBED_BY = 'vdev'

    @classmethod
    def _parse(cls, line, keyword):
        i = 3
        devtype = line.upper(2)
        if devtype == '2540' and line.upper(3) in ('READER', 'PUNCH'):
            devtype = '2540 ' + line.upper(3)
            i = 4
        return cls(hex_vdev(line.tokens[1]), devtype, line.upper(i), line.rest(i + 1))

    def to_dict(self):
        return {'vdev': self.vdev, 'devtype': self.devtype, 'class': self.spool_class,
                'options': self.extra.split()}


class Console(_UnitRecord):
    keyword = 'CONSOLE'

    def device_range(self):
        return int(self.vdev, 16), 1, 'console %s' % self.vdev


class Spool(_UnitRecord):
    keyword = 'SPOOL'

    def device_range(self):
        return int(self.vdev, 16), 1, 'spool device %s' % self.vdev


DEVICE_CLASSES = (Mdisk, Nicdef, Dedicate, Link, Console, Spool)


def device_ranges(statements):
    """``[(first, count, description)]`` of the devices ``statements`` define, in order."""
    return [st.device_range() for st in statements if isinstance(st, DEVICE_CLASSES)]
