# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The general statements: what a record is (``Statement``), comments and
records kept verbatim, and USER/IDENTITY, PROFILE/SUBCONFIG, INCLUDE,
STORAGE, MAXSTORAGE, CLASS, MACHINE, CPU, COMMAND, IPL, LOADDEV, LOGONBY,
OPTION, SHARE and ACCOUNT.

Each class reads its record (``parse(line, keyword)``, raising ValueError
for a form it does not know), holds the operands as attributes and gives
its canonical tokens (``tokens()``); ``Statement.lines()`` writes the
record as read while the statement is unchanged.  The device statements
are in ``devices``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import re

from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.directory.tokens import (
    DEC_RE, MASK, PW_COMMENT_RE, is_keyword, mask_tokens, maybe_vdev,
)


class Statement:
    """One directory record.

    ``raw`` is the record as read (None for a new statement).  Subclasses
    model the operands and give their canonical tokens with ``tokens()``; a
    statement is *changed* when its canonical form differs from the one it had
    when parsed, and only then is it written in canonical form.
    """

    keyword = None

    def __init__(self):
        self.raw = None
        self.extra = ''
        self._orig = None
        self._raw_secret = ()

    # -- subclass interface ------------------------------------------------
    @property
    def kind(self):
        """The grouping key for ordering (the canonical keyword)."""
        return self.keyword

    def tokens(self, masked=False):
        raise NotImplementedError

    def canonical(self, masked=False):
        """Canonical records, each a list of tokens."""
        return [self.tokens(masked)]

    def describe(self):
        return self.keyword

    # -- common behaviour --------------------------------------------------
    def _tail(self, toks):
        if self.extra:
            toks.append(self.extra)
        return toks

    @property
    def changed(self):
        return self.raw is None or self._orig != self.canonical()

    def mark_clean(self):
        self._orig = copy.deepcopy(self.canonical())

    def lines(self, masked=False, canonical=False):
        if self.raw is not None and not canonical and not self.changed:
            return [mask_tokens(self.raw, self._raw_secret) if masked else self.raw]
        return [' '.join(t) for t in self.canonical(masked)]

    def __repr__(self):
        return '<%s %s>' % (type(self).__name__, ' | '.join(self.lines(masked=True)))


class Comment(Statement):
    """A comment (``*`` in column 1 after blanks) or blank record, kept as written."""

    keyword = '*'

    def __init__(self, text=''):
        Statement.__init__(self)
        self.text = text
        self.raw = text

    def tokens(self, masked=False):
        return [self.masked_text() if masked else self.text]

    def masked_text(self):
        m = PW_COMMENT_RE.match(self.text)
        return m.group(1) + MASK if m else self.text

    def lines(self, masked=False, canonical=False):
        return [self.masked_text() if masked else self.text]

    @property
    def changed(self):
        return False

    def describe(self):
        return 'comment'


class Verbatim(Statement):
    """A statement this module does not model, kept exactly as written."""

    def __init__(self, text, keyword=None):
        Statement.__init__(self)
        self.text = text
        self.raw = text
        toks = text.split()
        self.keyword = keyword or (toks[0].upper() if toks else '')
        # APPCPASS ... password: the last operand is a password.
        self._raw_secret = (len(toks) - 1,) if self.keyword == 'APPCPASS' and len(toks) >= 4 else ()

    def tokens(self, masked=False):
        return [mask_tokens(self.text.strip(), self._raw_secret) if masked else self.text.strip()]

    def lines(self, masked=False, canonical=False):
        return [mask_tokens(self.text, self._raw_secret) if masked else self.text]

    @property
    def changed(self):
        return False


class User(Statement):
    """USER or IDENTITY: userid password [storage [max_storage [privileges [more...]]]]."""

    def __init__(self, userid, password=None, storage=None, max_storage=None, privileges=None,
                 keyword='USER', extra=''):
        Statement.__init__(self)
        self.keyword = keyword
        self.userid = userid
        self.password = password
        self.storage = storage
        self.max_storage = max_storage
        self.privileges = privileges
        self.extra = extra

    @property
    def kind(self):
        return 'USER'

    @classmethod
    def parse(cls, line, keyword):
        if len(line) < 2:
            raise InputError('no user ID')
        st = cls(line.upper(1), line.tokens[2] if len(line) > 2 else None,
                 line.upper(3), line.upper(4), line.upper(5), keyword, line.rest(6))
        st._raw_secret = (2,) if len(line) > 2 else ()
        return st

    def tokens(self, masked=False):
        toks = [self.keyword, self.userid]
        values = [self.password, self.storage, self.max_storage, self.privileges]
        while values and values[-1] is None:
            values.pop()
        for i, value in enumerate(values):
            if value is None:
                raise InputError('USER %s: %s is needed before the operands after it'
                                 % (self.userid, ('password', 'storage', 'max storage')[i]))
            toks.append(MASK if masked and i == 0 else value)
        return self._tail(toks)

    def describe(self):
        return '%s %s' % (self.keyword, self.userid)


class Header(Statement):
    """PROFILE name or SUBCONFIG name (the first statement of those entries)."""

    def __init__(self, keyword, name, extra=''):
        Statement.__init__(self)
        self.keyword = keyword
        self.name = name
        self.extra = extra

    @property
    def kind(self):
        return 'USER'

    @classmethod
    def parse(cls, line, keyword):
        if len(line) < 2:
            raise InputError('no name')
        return cls(keyword, line.upper(1), line.rest(2))

    def tokens(self, masked=False):
        return self._tail([self.keyword, self.name])

    def describe(self):
        return '%s %s' % (self.keyword, self.name)


class _OneValue(Statement):
    """A statement with one operand: INCLUDE, STORAGE, MAXSTORAGE, CLASS."""

    def __init__(self, value, extra=''):
        Statement.__init__(self)
        self.value = value
        self.extra = extra

    @classmethod
    def parse(cls, line, keyword):
        if len(line) < 2:
            raise InputError('no operand')
        return cls(line.upper(1), line.rest(2))

    def tokens(self, masked=False):
        return self._tail([self.keyword, self.value])


class Include(_OneValue):
    keyword = 'INCLUDE'


class Storage(_OneValue):
    keyword = 'STORAGE'


class MaxStorage(_OneValue):
    keyword = 'MAXSTORAGE'


class Class(_OneValue):
    keyword = 'CLASS'


class Machine(Statement):
    """MACHINE mode [max_cpus]."""

    keyword = 'MACHINE'

    def __init__(self, mode, max_cpus=None, extra=''):
        Statement.__init__(self)
        self.mode = mode
        self.max_cpus = max_cpus
        self.extra = extra

    @classmethod
    def parse(cls, line, keyword):
        if len(line) < 2:
            raise InputError('no mode')
        if len(line) > 2 and DEC_RE.match(line.tokens[2]):
            return cls(line.upper(1), int(line.tokens[2]), line.rest(3))
        return cls(line.upper(1), None, line.rest(2))

    def tokens(self, masked=False):
        toks = [self.keyword, self.mode]
        if self.max_cpus is not None:
            toks.append(str(self.max_cpus))
        return self._tail(toks)

    def to_dict(self):
        return {'mode': self.mode, 'max_cpus': self.max_cpus}


class Cpu(Statement):
    """CPU address [BASE] [CPUID id] [DEDICATE|NODEDICATE] [CRYPTO|NOCRYPTO] [TYPE type]."""

    keyword = 'CPU'

    def __init__(self, address, base=False, cpuid=None, dedicate=None, crypto=None, cpu_type=None, extra=''):
        Statement.__init__(self)
        self.address = address
        self.base = base
        self.cpuid = cpuid
        self.dedicate = dedicate
        self.crypto = crypto
        self.type = cpu_type
        self.extra = extra

    @staticmethod
    def norm_address(token):
        if not re.match(r'^[0-9A-Fa-f]{1,2}$', str(token)) or int(str(token), 16) > 0x3F:
            raise InputError('CPU address %r is not 00 to 3F' % (token,))
        return str(token).upper().zfill(2)

    @classmethod
    def parse(cls, line, keyword):
        if len(line) < 2:
            raise InputError('no CPU address')
        st = cls(cls.norm_address(line.tokens[1]))
        i = 2
        while i < len(line):
            tok = line.upper(i)
            if tok == 'BASE':
                st.base = True
            elif tok in ('DEDICATE', 'NODEDICATE'):
                st.dedicate = tok
            elif tok in ('CRYPTO', 'NOCRYPTO'):
                st.crypto = tok
            elif tok in ('CPUID', 'TYPE') and i + 1 < len(line):
                setattr(st, 'cpuid' if tok == 'CPUID' else 'type', line.upper(i + 1))
                i += 1
            else:
                st.extra = line.rest(i)
                break
            i += 1
        return st

    def tokens(self, masked=False):
        toks = [self.keyword, self.address]
        if self.base:
            toks.append('BASE')
        if self.cpuid:
            toks += ['CPUID', self.cpuid]
        for flag in (self.dedicate, self.crypto):
            if flag:
                toks.append(flag)
        if self.type:
            toks += ['TYPE', self.type]
        return self._tail(toks)

    def describe(self):
        return 'CPU %s' % self.address

    def to_dict(self):
        return {'address': self.address, 'base': self.base, 'type': self.type, 'cpuid': self.cpuid,
                'dedicate': self.dedicate, 'crypto': self.crypto}


class Command(Statement):
    """COMMAND text (the CP command, kept as written)."""

    keyword = 'COMMAND'

    def __init__(self, text):
        Statement.__init__(self)
        self.text = text

    @classmethod
    def parse(cls, line, keyword):
        if len(line) < 2:
            raise InputError('no command')
        return cls(line.rest(1))

    def tokens(self, masked=False):
        return [self.keyword, self.text]


class Ipl(Statement):
    """IPL device|sysname [LOADPARM loadparm] [PARM text]."""

    keyword = 'IPL'

    def __init__(self, device, loadparm=None, parm=None):
        Statement.__init__(self)
        self.device = device
        self.loadparm = loadparm
        self.parm = parm

    @classmethod
    def parse(cls, line, keyword):
        if len(line) < 2:
            raise InputError('no device or system name')
        st = cls(maybe_vdev(line.tokens[1]))
        i = 2
        while i < len(line):
            tok = line.upper(i)
            if tok == 'PARM':
                st.parm = line.rest(i + 1)
                break
            if tok == 'LOADPARM' and i + 1 < len(line):
                st.loadparm = line.upper(i + 1)
                i += 2
                continue
            raise InputError('unexpected operand %r' % line.tokens[i])
        return st

    def tokens(self, masked=False):
        toks = [self.keyword, self.device]
        if self.loadparm:
            toks += ['LOADPARM', self.loadparm]
        if self.parm is not None:
            toks += ['PARM', self.parm] if self.parm else ['PARM']
        return toks

    def to_dict(self):
        return {'device': self.device, 'loadparm': self.loadparm, 'parm': self.parm}


class Loaddev(Statement):
    """LOADDEV keyword value (PORTNAME, LUN, BOOTPROG, BR_LBA, SCPDATA...); the value is kept as written."""

    keyword = 'LOADDEV'

    def __init__(self, key, value=''):
        Statement.__init__(self)
        self.key = key
        self.value = value

    @classmethod
    def parse(cls, line, keyword):
        if len(line) < 2:
            raise InputError('no operand')
        return cls(line.upper(1), line.rest(2))

    def tokens(self, masked=False):
        return [self.keyword, self.key] + ([self.value] if self.value else [])


class Logonby(Statement):
    """LOGONBY userid... (several statements add up, at most 8 user IDs in all)."""

    keyword = 'LOGONBY'

    def __init__(self, userids, extra=''):
        Statement.__init__(self)
        self.userids = list(userids)
        self.extra = extra

    @classmethod
    def parse(cls, line, keyword):
        if len(line) < 2:
            raise InputError('no user ID')
        return cls([t.upper() for t in line.tokens[1:]])

    def tokens(self, masked=False):
        return self._tail([self.keyword] + self.userids)


class Option(Statement):
    """OPTION option... (kept as a token list; several statements add up)."""

    keyword = 'OPTION'

    def __init__(self, options):
        Statement.__init__(self)
        self.options = list(options)

    @classmethod
    def parse(cls, line, keyword):
        return cls([t.upper() for t in line.tokens[1:]])

    def tokens(self, masked=False):
        return [self.keyword] + self.options


class Share(Statement):
    """SHARE ABSOLUTE|RELATIVE value [more...] (ABS and REL are read too)."""

    keyword = 'SHARE'

    def __init__(self, share_type, value=None, extra=''):
        Statement.__init__(self)
        self.share_type = share_type
        self.value = value
        self.extra = extra

    @classmethod
    def parse(cls, line, keyword):
        tok = line.upper(1) or ''
        if is_keyword(tok, 'ABSOLUTE', 3):
            share_type = 'ABSOLUTE'
        elif is_keyword(tok, 'RELATIVE', 3):
            share_type = 'RELATIVE'
        else:
            raise InputError('expected ABSOLUTE or RELATIVE, not %r' % tok)
        return cls(share_type, line.upper(2), line.rest(3))

    def tokens(self, masked=False):
        toks = [self.keyword, self.share_type]
        if self.value:
            toks.append(self.value)
        return self._tail(toks)

    def to_dict(self):
        return {'type': self.share_type, 'value': self.value, 'more': self.extra or None}


class Account(Statement):
    """ACCOUNT number [distribution]."""

    keyword = 'ACCOUNT'

    def __init__(self, number, distribution=None, extra=''):
        Statement.__init__(self)
        self.number = number
        self.distribution = distribution
        self.extra = extra

    @classmethod
    def parse(cls, line, keyword):
        if len(line) < 2:
            raise InputError('no account number')
        return cls(line.upper(1), line.upper(2), line.rest(3))

    def tokens(self, masked=False):
        toks = [self.keyword, self.number]
        if self.distribution:
            toks.append(self.distribution)
        return self._tail(toks)

    def to_dict(self):
        return {'number': self.number, 'distribution': self.distribution}
