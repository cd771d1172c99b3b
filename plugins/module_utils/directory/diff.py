# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Differences between two entries: ``diff`` (field by field, for results),
``diff_records`` (masked records for Ansible's diff mode) and
``unified_diff``.  Passwords only ever appear as ********.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib

from ansible_collections.zvm.cloud.plugins.module_utils.directory.devices import (
    Console, Dedicate, Link, Mdisk, Nicdef, NicPart, Spool,
)
from ansible_collections.zvm.cloud.plugins.module_utils.directory.entry import DirectoryEntry
from ansible_collections.zvm.cloud.plugins.module_utils.directory.statements import (
    Account, Class, Cpu, Header, Include, Ipl, Logonby, Machine, MaxStorage, Option, Storage, User,
)
from ansible_collections.zvm.cloud.plugins.module_utils.directory.tokens import MASK


def _entry(value):
    if value is None:
        return DirectoryEntry()
    if isinstance(value, DirectoryEntry):
        return value
    return DirectoryEntry.parse(value)


_SCALARS = (
    ('USER', 'userid', lambda e: e.userid),
    ('USER', 'storage', lambda e: e.storage),
    ('USER', 'max_storage', lambda e: e.max_storage),
    ('USER', 'privileges', lambda e: e.privileges),
    ('USER', 'password', lambda e: e.user.password if e.user else None),
    ('INCLUDE', 'profile', lambda e: e.include),
    ('ACCOUNT', 'number', lambda e: e.account.number if e.account else None),
    ('ACCOUNT', 'distribution', lambda e: e.account.distribution if e.account else None),
    ('MACHINE', 'mode', lambda e: e.machine.mode if e.machine else None),
    ('MACHINE', 'max_cpus', lambda e: e.machine.max_cpus if e.machine else None),
    ('IPL', 'device', lambda e: e.ipl.device if e.ipl else None),
    ('IPL', 'loadparm', lambda e: e.ipl.loadparm if e.ipl else None),
    ('IPL', 'parm', lambda e: e.ipl.parm if e.ipl else None),
    ('LOGONBY', 'userids', lambda e: e.logonby),
    ('OPTION', 'options', lambda e: e.options),
)


def _fields(*names):
    return lambda st: dict((n, getattr(st, n)) for n in names)


def _nic_fields(st):
    out = st.to_dict()
    del out['vdev'], out['vswitch']
    out['extra'] = st.extra
    return out


_SECRETS = ('read_password', 'write_password', 'multi_password')

# Keyed statements: class, key attribute, the fields compared (passwords shown masked).
_KEYED = (
    (Cpu, 'address', _fields('base', 'cpuid', 'dedicate', 'crypto', 'type', 'extra')),
    (Mdisk, 'vdev', _fields('devtype', 'disk_type', 'start', 'size', 'volser', 'rdev', 'pool', 'mode', 'extra', *_SECRETS)),
    (Nicdef, 'vdev', _nic_fields),
    (Dedicate, 'vdev', _fields('rdev', 'extra')),
    (Link, 'vdev2', _fields('user', 'vdev1', 'mode', 'extra')),
    (Console, 'vdev', _fields('devtype', 'spool_class', 'extra')),
    (Spool, 'vdev', _fields('devtype', 'spool_class', 'extra')),
)
_COVERED = (User, Header, Include, Storage, MaxStorage, Class, Account, Machine, Ipl, Logonby, Option, NicPart) + \
    tuple(k[0] for k in _KEYED)


def _keyed(entry, cls, key):
    # exactly this class: Console and Spool share a base class but are keyed apart
    return dict((getattr(s, key), s) for s in entry.statements if s.__class__ is cls)


def diff(before, after):
    """Human-readable changes from ``before`` to ``after`` (entries or record lists).

    Each change is ``{'statement': 'USER', 'field': 'storage', 'before': '1G',
    'after': '2G'}``.  An added or removed statement has ``field`` None and
    its (masked) record text on the side it exists.  Passwords appear only as
    ********.
    """
    b, a = _entry(before), _entry(after)
    changes = []
    for statement, field, get in _SCALARS:
        old, new = get(b), get(a)
        if old != new:
            if field == 'password':
                old, new = (MASK if old is not None else None), (MASK if new is not None else None)
            changes.append({'statement': statement, 'field': field, 'before': old, 'after': new})
    for cls, key, values in _KEYED:
        old_items, new_items = _keyed(b, cls, key), _keyed(a, cls, key)
        for k in old_items:
            if k not in new_items:
                changes.append({'statement': old_items[k].describe(), 'field': None,
                                'before': '\n'.join(old_items[k].lines(masked=True, canonical=True)), 'after': None})
        for k, st in new_items.items():
            old = old_items.get(k)
            if old is None:
                changes.append({'statement': st.describe(), 'field': None, 'before': None,
                                'after': '\n'.join(st.lines(masked=True, canonical=True))})
                continue
            old_values, new_values = values(old), values(st)
            for field, nv in new_values.items():
                ov = old_values[field]
                if ov != nv:
                    if field in _SECRETS:
                        ov, nv = (MASK if ov is not None else None), (MASK if nv is not None else None)
                    changes.append({'statement': st.describe(), 'field': field, 'before': ov, 'after': nv})
    # Everything else (COMMAND, LOADDEV, SHARE, comments, statements kept verbatim): record by record.
    old_rest = [t for s in b.statements if not isinstance(s, _COVERED) for t in s.lines(masked=True)]
    new_rest = [t for s in a.statements if not isinstance(s, _COVERED) for t in s.lines(masked=True)]
    pending = list(new_rest)
    for text in old_rest:
        if text in pending:
            pending.remove(text)
        else:
            changes.append({'statement': _statement_name(text), 'field': None, 'before': text.strip(),
                            'after': None})
    remaining = list(old_rest)
    for text in new_rest:
        if text in remaining:
            remaining.remove(text)
        else:
            changes.append({'statement': _statement_name(text), 'field': None, 'before': None,
                            'after': text.strip()})
    return changes


def _statement_name(text):
    stripped = text.strip()
    if not stripped or stripped.startswith('*'):
        return 'comment'
    return stripped.split()[0].upper()


def diff_records(before, after, name=None):
    """``{'before': ..., 'after': ..., 'before_header': ..., 'after_header': ...}`` for Ansible's
    diff mode: the masked records, one per line.  ``before`` or ``after`` may
    be None (an entry created or deleted)."""
    b = _entry(before).render_masked() if before is not None else ''
    a = _entry(after).render_masked() if after is not None else ''
    if name is None:
        name = (_entry(after).name if after is not None else None) or \
               (_entry(before).name if before is not None else None) or ''
    header = 'directory entry %s' % name if name else 'directory entry'
    return {'before': b, 'after': a, 'before_header': header, 'after_header': header}


def unified_diff(before, after, context=3):
    """A unified diff of the masked records, as one string ('' when equal)."""
    d = diff_records(before, after)
    return ''.join(difflib.unified_diff(d['before'].splitlines(True), d['after'].splitlines(True),
                                        'before: ' + d['before_header'], 'after: ' + d['after_header'],
                                        n=context))
