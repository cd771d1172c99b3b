# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Changes to the general statements: USER operands (storage, max storage,
privileges, password), CPU and MACHINE, IPL, LOGONBY, INCLUDE, ACCOUNT,
LOADDEV, SHARE and comments.

``GeneralChanges`` holds the ``set_*``/``add_*`` methods; each checks its
value (ValueError naming the field), touches no unrelated statement and
returns True when it changed something (``add_*`` return the statement).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import re

from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils import validation
from ansible_collections.zvm.cloud.plugins.module_utils.directory.base import EntryBase
from ansible_collections.zvm.cloud.plugins.module_utils.directory.statements import (
    Account, Class, Comment, Cpu, Include, Ipl, Loaddev, Logonby, Machine, MaxStorage, Share, Storage,
)
from ansible_collections.zvm.cloud.plugins.module_utils.directory.tokens import (
    HEX_RE, RECORD_LENGTH, Line, same_memory, storage_text,
)

_LOADDEV_KEY_RE = re.compile(r'^[A-Z][A-Z0-9_]{0,15}$')


def _same_canonical(old, new):
    return old.canonical() == new.canonical()


class GeneralChanges(EntryBase):
    """The changes to an entry's general statements (see the module docstring)."""

    # -- changes: USER -----------------------------------------------------------
    def _set_on_user(self, attr, stmts, value, same, field):
        """Update the USER operand ``attr`` when it states the value (or nothing else does)."""
        u = self.user
        if u is None:
            if not stmts:
                raise InputError('%s: this directory entry has no USER or IDENTITY statement' % field)
            return False
        current = getattr(u, attr)
        if not (current not in (None, '*') or not stmts) or same(current, value):
            return False
        needed = {'storage': 'password', 'max_storage': 'storage', 'privileges': 'max_storage'}[attr]
        if getattr(u, needed) is None:
            raise InputError('%s: the USER statement has no %s operand to put it after; set that first'
                             % (field, needed.replace('_', ' ')))
        setattr(u, attr, value)
        return True

    def _set_value(self, attr, stmt_cls, value, same, field):
        stmts = self._all(stmt_cls)
        changed = self._set_on_user(attr, stmts, value, same, field)
        for st in stmts:
            if not same(st.value, value):
                st.value, changed = value, True
        return changed

    def set_storage(self, value):
        """Logon storage ('4G', '512M', 4096 meaning MB), on the USER statement and any STORAGE
        statement; an equal size in another unit ('4096M' for '4G') is no change."""
        return self._set_value('storage', Storage, storage_text(value, 'storage'), same_memory, 'storage')

    def set_max_storage(self, value):
        """Maximum storage, on the USER statement and any MAXSTORAGE statement."""
        return self._set_value('max_storage', MaxStorage, storage_text(value, 'max_storage'), same_memory,
                               'max_storage')

    def set_privileges(self, classes):
        """Privilege classes, on the USER statement and any CLASS statement."""
        return self._set_value('privileges', Class, validation.privilege_classes(classes),
                               lambda a, b: a == b, 'privileges')

    def set_password(self, password):
        password = validation.password(password)
        u = self._require_user()
        if u.password == password:
            return False
        u.password = password
        return True

    # -- changes: CPUs and MACHINE ----------------------------------------------
    def set_machine(self, mode=None, max_cpus=None):
        """Set MACHINE mode and/or max cpus (a new MACHINE defaults to ESA)."""
        if mode is not None:
            if not re.fullmatch(r'[A-Za-z]{1,8}', str(mode)):      # ASCII letters, checked before upper-casing
                raise InputError('machine: %r is not a machine mode such as ESA, XA, XC or Z' % (mode,))
            mode = str(mode).upper()
        if max_cpus is not None:
            if isinstance(max_cpus, bool) or not isinstance(max_cpus, int) or not 1 <= max_cpus <= 64:
                raise InputError('max_cpus: %r is not a number of CPUs from 1 to 64' % (max_cpus,))
        m = self.machine
        if m is None:
            if mode is None and max_cpus is None:
                return False
            self._replace_kind('MACHINE', Machine(mode or 'ESA', max_cpus))
            return True
        changed = False
        if mode is not None and m.mode != mode:
            m.mode, changed = mode, True
        if max_cpus is not None and m.max_cpus != max_cpus:
            m.max_cpus, changed = max_cpus, True
        return changed

    def set_cpus(self, count, max_cpus=None):
        """CPU statements 00..count-1, BASE on 00 unless a kept CPU already has it.

        Kept CPU statements keep their options; CPUs at count or above go.
        ``max_cpus`` sets MACHINE max cpus too.  A count above the MACHINE
        maximum raises InputError.
        """
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 64:
            raise InputError('cpus: %r is not a number of CPUs from 1 to 64' % (count,))
        m = self.machine
        limit = max_cpus if max_cpus is not None else (m.max_cpus if m is not None else None)
        if limit is not None and count > limit:
            raise InputError('cpus: %d is more than the %d CPUs MACHINE allows; raise max_cpus too' % (count, limit))
        changed = self.set_machine(max_cpus=max_cpus) if max_cpus is not None else False
        cpus = self.cpus
        gone = [c for c in cpus if int(c.address, 16) >= count]
        if gone:
            self.remove_statements(gone)
            changed = True
        kept = dict((int(c.address, 16), c) for c in cpus if int(c.address, 16) < count)
        missing = [a for a in range(count) if a not in kept]
        if missing:
            index = self.insert_index('CPU')
            for offset, address in enumerate(missing):
                cpu = Cpu('%02X' % address)
                kept[address] = cpu
                self.statements.insert(index + offset, cpu)
            changed = True
        if not any(c.base for c in kept.values()):
            kept[0].base = True
            changed = True
        return changed

    # -- changes: IPL, LOGONBY, INCLUDE, ACCOUNT ---------------------------------
    def _set_only(self, kind, new, same=_same_canonical):
        """Make ``new`` the one statement of ``kind`` (None: no statement of
        it), where those were; True if the entry changed.  A lone statement
        of new's class that is ``same(old, new)`` is kept as it is."""
        current = self._of_kind(kind)
        if new is None:
            if not current:
                return False
        elif len(current) == 1 and isinstance(current[0], type(new)) and same(current[0], new):
            return False
        self._replace_kind(kind, new)
        return True

    def set_ipl(self, device, parm=None, loadparm=None):
        """IPL ``device`` (a vdev or a system name such as CMS) exactly; None removes IPL."""
        if device is None:
            return self._set_only('IPL', None)
        dev = str(device).strip().upper()
        if HEX_RE.match(dev):
            dev = dev.zfill(4)
        elif not re.match(r'^[A-Z0-9@#$_-]{1,8}$', dev):
            raise InputError('ipl: %r is neither a vdev (1 to 4 hex digits) nor a system name (1 to 8 characters)'
                             % dev)
        if loadparm is not None:
            loadparm = validation.no_blanks_or_controls(str(loadparm), 'loadparm').upper()
            if len(loadparm) > 8:
                raise InputError('loadparm: %r is longer than 8 characters' % loadparm)
        if parm is not None:
            parm = str(parm).strip()
            if any(ord(ch) < 0x20 for ch in parm):
                raise InputError('parm: must not contain control characters')
        return self._set_only('IPL', Ipl(dev, loadparm, parm))

    def set_logonby(self, userids):
        """LOGONBY exactly these user IDs (at most 8; order does not count); [] removes LOGONBY."""
        wanted = []
        for u in userids or []:
            u = validation.userid(u, 'logonby')
            if u not in wanted:
                wanted.append(u)
        if len(wanted) > 8:
            raise InputError('logonby: %d user IDs given; a directory entry allows at most 8' % len(wanted))
        current = self.logonby
        if sorted(wanted) == sorted(current) and all(isinstance(s, Logonby) for s in self._of_kind('LOGONBY')):
            return False
        new, current = [], []
        for u in wanted:
            if current and len(' '.join(['LOGONBY'] + current + [u])) > RECORD_LENGTH:
                new.append(Logonby(current))
                current = []
            current.append(u)
        if current:
            new.append(Logonby(current))
        self._replace_kind('LOGONBY', new)
        return True

    def set_include(self, profile):
        """INCLUDE ``profile`` (right after USER); None removes INCLUDE."""
        if profile is None:
            return self._set_only('INCLUDE', None)
        name = validation.userid(profile, 'profile', allow_reserved=True)
        return self._set_only('INCLUDE', Include(name), lambda old, new: old.value == new.value)

    def set_account(self, number, distribution=None):
        """ACCOUNT number [distribution]; a None number removes ACCOUNT."""
        if number is None:
            return self._set_only('ACCOUNT', None)
        number = validation.no_blanks_or_controls(str(number), 'account').upper()
        if not 1 <= len(number) <= 8:
            raise InputError('account: %r must be 1 to 8 characters' % number)
        if distribution is not None:
            distribution = validation.no_blanks_or_controls(str(distribution), 'distribution').upper()
            if not 1 <= len(distribution) <= 8:
                raise InputError('distribution: %r must be 1 to 8 characters' % distribution)
        return self._set_only('ACCOUNT', Account(number, distribution),
                              lambda old, new: (old.number, old.distribution) == (new.number, new.distribution))

    # -- changes: LOADDEV, SHARE, comments ------------------------------------------
    def add_loaddev(self, key, value):
        """``LOADDEV key value`` (PORTNAME, LUN, BOOTPROG, ALTERDEV...; the
        value kept as given), in the place of a LOADDEV with the same key
        or after the other LOADDEV statements.  Returns the statement."""
        key = validation.no_blanks_or_controls(str(key), 'loaddev').upper()
        if not _LOADDEV_KEY_RE.match(key):
            raise InputError('loaddev: %r is not a LOADDEV operand such as PORTNAME, LUN or BOOTPROG' % key)
        value = '' if value is None else str(value)
        if any(ord(ch) < 0x20 or ord(ch) == 0x7f for ch in value):      # at the ends too: never stripped
            raise InputError('loaddev: the %s value must not contain control characters' % key)
        value = value.strip(' ')
        return self.put_statement(Loaddev(key, value), lambda s: isinstance(s, Loaddev) and s.key == key)

    def set_share(self, text):
        """``SHARE text`` (such as ``RELATIVE 200`` or ``ABSOLUTE 10% LIMITSOFT``)
        in the place of the SHARE statements; None or '' removes SHARE.  True
        if the entry changed."""
        if text is not None and any(ord(ch) < 0x20 or ord(ch) == 0x7f for ch in str(text)):
            raise InputError('share: must not contain control characters')      # at the ends too
        if text is None or not str(text).strip(' '):
            return self._set_only('SHARE', None)
        text = str(text).strip(' ')
        try:
            new = Share.parse(Line('SHARE ' + text), 'SHARE')
        except ValueError as exc:
            raise InputError('share: %r is not a SHARE setting: %s' % (text, exc))
        if new.extra:
            new.extra = new.extra.upper()
        return self._set_only('SHARE', new)

    def restore_statements(self, before, kinds):
        """Put the statements of ``kinds`` (USER, CPU, IPL, ...: the first
        words of ``diff``'s statement names) back as they are in ``before``,
        in their place: undoes a change of those settings and nothing else.
        Returns whether anything changed."""
        old = self.records()
        for kind in sorted(set(k.upper() for k in kinds)):
            self._replace_kind(kind, copy.deepcopy(before._of_kind(kind)))  # pylint: disable=protected-access
        return self.records() != old

    def add_comment(self, text):
        """A ``* text`` comment record at the end of the entry; returns it."""
        if not isinstance(text, str):
            raise InputError('comment: expected a string, got %s' % type(text).__name__)
        if any(ord(ch) < 0x20 or ord(ch) == 0x7f for ch in text):
            raise InputError('comment: must not contain control characters')
        record = ('* %s' % text).rstrip()
        if len(record) > RECORD_LENGTH:
            raise InputError('comment: %r is %d characters; a comment record holds at most %d after its "* "'
                             % (text, len(text), RECORD_LENGTH - 2))
        comment = Comment(record)
        self.statements.append(comment)
        return comment
