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
record as read while the statement is unchanged.  A class declares its
operands, constructor arguments and the operands a record needs, and
``Statement`` does the common work with them (see its docstring); the
class writes only what is its own.  The device statements are in
``devices``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import inspect
import re

from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.directory.tokens import (
    DEC_RE, MASK, PW_COMMENT_RE, is_keyword, mask_tokens, maybe_vdev, upper_token,
)


class Statement:
    """One directory record.

    ``raw`` is the record as read (None for a new statement).  Subclasses
    model the operands and give their canonical tokens with ``tokens()``; a
    statement is *changed* when its canonical form differs from the one it had
    when parsed, and only then is it written in canonical form.

    A subclass declares what it is made of, and this class does the work:

    - ``OPERANDS``: the operands after the keyword, in order.  ``tokens()``
      writes them (leaving out one that is None or '') and then ``extra``;
      ``_parse`` reads them in turn (upper-cased, or with the function
      ``READ`` gives for one), keeps the rest of the record as ``extra`` and
      passes the keyword as read to a constructor that takes ``keyword``.
    - ``ARGS``: the constructor's parameters, in order (by default the
      OPERANDS, then ``extra``).  The first ``REQUIRED`` (by default
      MIN_OPERANDS) must be given; the others default to ``DEFAULTS`` or
      else None (``extra`` to '').  Each argument is kept as the attribute
      of its name, or of the name ``RENAMED`` gives.
    - ``MIN_OPERANDS``: ``parse`` raises InputError ``MISSING`` for a record
      with fewer operands, and else reads it with the class's ``_parse``.
    - ``DESCRIBED_BY``: the attribute ``describe()`` names after the keyword.
    """

    keyword = None
    OPERANDS = ()
    READ = {}
    ARGS = None
    REQUIRED = None
    DEFAULTS = {}
    RENAMED = {}
    MIN_OPERANDS = 0
    MISSING = 'too few operands'
    DESCRIBED_BY = None
    _signature = inspect.Signature()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        names = cls.ARGS if cls.ARGS is not None else cls.OPERANDS + ('extra',)
        required = cls.REQUIRED if cls.REQUIRED is not None else cls.MIN_OPERANDS
        empty = inspect.Parameter.empty
        cls._signature = inspect.Signature([
            inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                              default=empty if i < required else cls.DEFAULTS.get(name, '' if name == 'extra' else None))
            for i, name in enumerate(names)])
        # What inspect.signature() shows: the declared one, unless the class writes its own __init__.
        cls.__signature__ = None if '__init__' in vars(cls) else cls._signature

    def __init__(self, *args, **kwargs):
        self.raw = None
        self.extra = ''
        self._orig = None
        self._raw_secret = ()
        bound = self._signature.bind(*args, **kwargs)
        bound.apply_defaults()
        for name, value in bound.arguments.items():
            setattr(self, self.RENAMED.get(name, name), value)

    # -- subclass interface ------------------------------------------------
    @property
    def kind(self):
        """The grouping key for ordering (the canonical keyword)."""
        return self.keyword

    @classmethod
    def parse(cls, line, keyword):
        """The statement a record (a ``Line``) holds; InputError for a form this class does not read."""
        if len(line) - 1 < cls.MIN_OPERANDS:
            raise InputError(cls.MISSING)
        return cls._parse(line, keyword)

    @classmethod
    def _parse(cls, line, keyword):
        values = dict((name, cls.READ.get(name, upper_token)(line.token(i)))
                      for i, name in enumerate(cls.OPERANDS, 1))
        if 'keyword' in cls._signature.parameters:
            values['keyword'] = keyword
        return cls(extra=line.rest(len(cls.OPERANDS) + 1), **values)

    def tokens(self, masked=False):
        values = [getattr(self, name) for name in self.OPERANDS]
        return self._tail([self.keyword] + [str(v) for v in values if v is not None and v != ''])

    def canonical(self, masked=False):
        """Canonical records, each a list of tokens."""
        return [self.tokens(masked)]

    def describe(self):
        if self.DESCRIBED_BY is None:
            return self.keyword
        return '%s %s' % (self.keyword, getattr(self, self.DESCRIBED_BY))

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

    OPERANDS = ('userid', 'password', 'storage', 'max_storage', 'privileges')
    READ = {'password': lambda token: token}
    ARGS = OPERANDS + ('keyword', 'extra')
    DEFAULTS = {'keyword': 'USER'}
    MIN_OPERANDS, MISSING = 1, 'no user ID'
    DESCRIBED_BY = 'userid'

    @property
    def kind(self):
        return 'USER'

    @classmethod
    def _parse(cls, line, keyword):
        st = super()._parse(line, keyword)
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


class Header(Statement):
    """PROFILE name or SUBCONFIG name (the first statement of those entries)."""

    OPERANDS = ('name',)
    ARGS = ('keyword', 'name', 'extra')
    REQUIRED, MIN_OPERANDS, MISSING = 2, 1, 'no name'
    DESCRIBED_BY = 'name'

    @property
    def kind(self):
        return 'USER'


class _OneValue(Statement):
    """A statement with one operand: INCLUDE, STORAGE, MAXSTORAGE, CLASS."""

    OPERANDS = ('value',)
    MIN_OPERANDS, MISSING = 1, 'no operand'


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
    OPERANDS = ('mode', 'max_cpus')
    MIN_OPERANDS, MISSING = 1, 'no mode'

    @classmethod
    def _parse(cls, line, keyword):
        if len(line) > 2 and DEC_RE.match(line.tokens[2]):
            return cls(line.upper(1), int(line.tokens[2]), line.rest(3))
        return cls(line.upper(1), None, line.rest(2))

    def to_dict(self):
        return {'mode': self.mode, 'max_cpus': self.max_cpus}


class Cpu(Statement):
    """CPU address [BASE] [CPUID id] [DEDICATE|NODEDICATE] [CRYPTO|NOCRYPTO] [TYPE type]."""

    keyword = 'CPU'
    ARGS = ('address', 'base', 'cpuid', 'dedicate', 'crypto', 'cpu_type', 'extra')
    DEFAULTS, RENAMED = {'base': False}, {'cpu_type': 'type'}
    MIN_OPERANDS, MISSING = 1, 'no CPU address'
    DESCRIBED_BY = 'address'

    @staticmethod
    def norm_address(token):
        if not re.match(r'^[0-9A-Fa-f]{1,2}$', str(token)) or int(str(token), 16) > 0x3F:
            raise InputError('CPU address %r is not 00 to 3F' % (token,))
        return str(token).upper().zfill(2)

    @classmethod
    def _parse(cls, line, keyword):
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

    def to_dict(self):
        return {'address': self.address, 'base': self.base, 'type': self.type, 'cpuid': self.cpuid,
                'dedicate': self.dedicate, 'crypto': self.crypto}


class Command(Statement):
    """COMMAND text (the CP command, kept as written)."""

    keyword = 'COMMAND'
    ARGS = ('text',)
    MIN_OPERANDS, MISSING = 1, 'no command'

    @classmethod
    def _parse(cls, line, keyword):
        return cls(line.rest(1))

    def tokens(self, masked=False):
        return [self.keyword, self.text]


class Ipl(Statement):
    """IPL device|sysname [LOADPARM loadparm] [PARM text]."""

    keyword = 'IPL'
    ARGS = ('device', 'loadparm', 'parm')
    MIN_OPERANDS, MISSING = 1, 'no device or system name'

    @classmethod
    def _parse(cls, line, keyword):
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
    OPERANDS = ARGS = ('key', 'value')
    DEFAULTS = {'value': ''}
    MIN_OPERANDS, MISSING = 1, 'no operand'

    @classmethod
    def _parse(cls, line, keyword):
        return cls(line.upper(1), line.rest(2))


class Logonby(Statement):
    """LOGONBY userid... (several statements add up, at most 8 user IDs in all)."""

    keyword = 'LOGONBY'
    ARGS = ('userids', 'extra')
    MIN_OPERANDS, MISSING = 1, 'no user ID'

    def __init__(self, userids, extra=''):
        Statement.__init__(self, list(userids), extra)

    @classmethod
    def _parse(cls, line, keyword):
        return cls([t.upper() for t in line.tokens[1:]])

    def tokens(self, masked=False):
        return self._tail([self.keyword] + self.userids)


class Option(Statement):
    """OPTION option... (kept as a token list; several statements add up)."""

    keyword = 'OPTION'
    ARGS = ('options',)
    REQUIRED = 1

    def __init__(self, options):
        Statement.__init__(self, list(options))

    @classmethod
    def _parse(cls, line, keyword):
        return cls([t.upper() for t in line.tokens[1:]])

    def tokens(self, masked=False):
        return [self.keyword] + self.options


class Share(Statement):
    """SHARE ABSOLUTE|RELATIVE value [more...] (ABS and REL are read too)."""

    keyword = 'SHARE'
    OPERANDS = ('share_type', 'value')
    REQUIRED = 1

    @classmethod
    def _parse(cls, line, keyword):
        tok = line.upper(1) or ''
        if is_keyword(tok, 'ABSOLUTE', 3):
            share_type = 'ABSOLUTE'
        elif is_keyword(tok, 'RELATIVE', 3):
            share_type = 'RELATIVE'
        else:
            raise InputError('expected ABSOLUTE or RELATIVE, not %r' % tok)
        return cls(share_type, line.upper(2), line.rest(3))

    def to_dict(self):
        return {'type': self.share_type, 'value': self.value, 'more': self.extra or None}


class Account(Statement):
    """ACCOUNT number [distribution]."""

    keyword = 'ACCOUNT'
    OPERANDS = ('number', 'distribution')
    MIN_OPERANDS, MISSING = 1, 'no account number'

    def to_dict(self):
        return {'number': self.number, 'distribution': self.distribution}
