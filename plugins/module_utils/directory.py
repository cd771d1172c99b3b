# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The z/VM user directory entry: parse, change, render and diff.

This is the one place where directory statements are parsed.  Everything a
module needs starts from ``parse(records)``::

    entry = parse(reply['image_record_array'])     # Image_Query_DM records
    before = entry.copy()
    entry.set_storage('4G')
    entry.add_mdisk('0101', 'FB-512', 2097152, disk_type='vdisk', mode='MWV')
    if entry.records() != before.records():        # then, with the entry locked:
        client.call('Image_Replace_DM', userid, image_record_array=entry.records(pad=True))
    result = dict(directory=entry.to_dict(), changes=diff(before, entry))
    module_diff = diff_records(before, entry)        # passwords masked

Records in
    Image_Query_DM returns 72-column, blank-padded, upper-case records.  A
    record is one statement; lines starting with ``*`` are comments, including
    DirMaint's ``*DVHOPT`` option line, ``*PW00=`` (the password, hex-encoded
    EBCDIC: masked like a password), ``*PW=``, ``*AC=`` and ``*ED=``.
    Statements may be indented.  Only columns 1-72 are read (CP ignores the
    rest; anything there is dropped with a note in ``entry.warnings``).

Statements understood (full keywords; see "Not handled" for abbreviations)
    USER and IDENTITY (userid, password, storage, max storage, privilege
    classes, then any further tokens kept as written), PROFILE, SUBCONFIG,
    INCLUDE, STORAGE, MAXSTORAGE, CLASS, MACHINE, CPU, COMMAND, IPL, LOADDEV,
    LOGONBY, OPTION, SHARE, ACCOUNT, MDISK (start/size, T-DISK, V-DISK and
    DEVNO forms, mode, read/write/multi passwords), NICDEF, DEDICATE, LINK,
    CONSOLE and SPOOL.  NICDEF statements for the same vdev (IBM allows one NIC
    to be split over several, later ones modifying earlier ones) are merged
    into one ``Nicdef``; a changed NIC is written back in the canonical way:
    ``NICDEF vdev TYPE ...`` first, continued on further ``NICDEF vdev ...``
    records only when a record would pass 72 columns.  Several LOGONBY,
    LOADDEV and OPTION statements accumulate.

    Every other statement (IUCV, POSIXINFO, BUILD, AUTOLOG, SPECIAL, ...) and
    every comment is kept verbatim, in place.  A statement with an understood
    keyword that does not parse (an unexpected form) is kept verbatim too,
    with a note in ``entry.warnings``.  Operands after the ones modelled (such
    as the ``* 360 4K BLOCKS`` remark after an MDISK) are kept as ``extra``
    text and written back after them.

Records out
    ``entry.records()`` gives one record per statement.  A statement that was
    parsed and not changed is written exactly as it was read (less trailing
    blanks), so a round trip changes nothing and diffs stay small.  A new or
    changed statement is written in canonical form: single blanks, upper case,
    vdevs as 4 hex digits, full keywords (``MACH`` becomes ``MACHINE``);
    passwords, comments and free text (COMMAND text, IPL PARM, LOADDEV values,
    ``extra`` text) keep their case.  ``records(canonical=True)`` writes every
    understood statement in canonical form.  No record may pass 72 columns:
    ``records()`` raises ValueError naming the statement.  ``render_masked()``
    and ``records(masked=True)`` replace the USER password, the MDISK
    passwords, ``*PWnn=`` values and the APPCPASS password with ``********``.

Changes
    ``set_storage``, ``set_max_storage``, ``set_privileges``, ``set_password``,
    ``set_cpus``, ``set_machine``, ``set_ipl``, ``set_logonby``,
    ``set_include``, ``set_account``, ``add_mdisk``/``remove_mdisk``,
    ``add_nic``/``update_nic``/``remove_nic``, ``add_dedicate``/
    ``remove_dedicate``.  Each returns True when it changed something, touches
    no unrelated statement and keeps the order of the rest.  A new statement
    goes after the last statement of its kind, or else in the conventional
    place: USER, INCLUDE, ACCOUNT, CLASS, STORAGE, MAXSTORAGE, CPU, IPL,
    LOADDEV, LOGONBY, MACHINE, OPTION, SHARE, COMMAND, then the device
    statements CONSOLE, SPOOL, NICDEF, LINK, MDISK, DEDICATE after every
    general statement.

Not handled
    - Abbreviated statement keywords, except ``MACH`` (MACHINE) and
      ``MAXSTOR`` (MAXSTORAGE), which IBM's own directory uses; any other
      abbreviation (``DED``, ``CONS``...) is kept verbatim and not modelled.
      SHARE ``ABS``/``REL`` and NICDEF operand abbreviations documented by IBM
      (``DEV``, ``PORTT``, ``PORTNUM``, ``PRO``, ``NOPRO``, ``HIPER``) are read.
    - DirMaint-only MDISK forms (AUTOG, AUTOR, AUTOV) and other MDISK forms
      are kept verbatim.
    - A device name in IPL that is 1-4 hex digits (``IPL CAFE``) is read as a
      vdev, never as a system name.
    - Statements in an INCLUDEd profile are not merged in: ``to_dict`` shows
      this entry only.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import difflib
import re

from ansible_collections.zvm.cloud.plugins.module_utils import units
from ansible_collections.zvm.cloud.plugins.module_utils import validation

RECORD_LENGTH = 72
MASK = '********'

# Conventional order of statements; device statements come after all others.
ORDER = ('USER', 'INCLUDE', 'ACCOUNT', 'CLASS', 'STORAGE', 'MAXSTORAGE', 'CPU', 'IPL', 'LOADDEV', 'LOGONBY',
         'MACHINE', 'OPTION', 'SHARE', 'COMMAND',
         'CONSOLE', 'SPOOL', 'NICDEF', 'LINK', 'MDISK', 'DEDICATE')
_RANK = dict((kind, i) for i, kind in enumerate(ORDER))
DEVICE_KINDS = frozenset(['CONSOLE', 'SPOOL', 'NICDEF', 'LINK', 'MDISK', 'DEDICATE', 'SPECIAL'])
KEYWORD_ALIASES = {'MACH': 'MACHINE', 'MAXSTOR': 'MAXSTORAGE'}

_TOKEN_RE = re.compile(r'\S+')
_HEX_RE = re.compile(r'^[0-9A-Fa-f]{1,4}$')
_DEC_RE = re.compile(r'^\d+$')
_PW_COMMENT_RE = re.compile(r'^(\s*\*PW\d+=\s*)(\S.*)$', re.IGNORECASE)
_MDISK_MODE_RE = re.compile(r'^(RR|R|WR|W|MR|MW|M)[VE]?$')


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------

class _Line:
    """A record split into blank-separated tokens, remembering where each is."""

    def __init__(self, text):
        self.text = text
        self.matches = list(_TOKEN_RE.finditer(text))
        self.tokens = [m.group(0) for m in self.matches]

    def __len__(self):
        return len(self.tokens)

    def upper(self, i):
        return self.tokens[i].upper() if i < len(self.tokens) else None

    def rest(self, i):
        """The text from token ``i`` to the end, as written ('' past the end)."""
        if i >= len(self.matches):
            return ''
        return self.text[self.matches[i].start():].rstrip()


def _mask_tokens(text, positions):
    """``text`` with the tokens at ``positions`` replaced by MASK, spacing kept."""
    if not positions:
        return text
    out, last = [], 0
    for i, m in enumerate(_TOKEN_RE.finditer(text)):
        if i in positions:
            out.append(text[last:m.start()])
            out.append(MASK)
            last = m.end()
    out.append(text[last:])
    return ''.join(out)


def _vdev(token, what='vdev'):
    """A vdev token as 4 upper-case hex digits (ValueError if it is not one)."""
    if not _HEX_RE.match(token or ''):
        raise ValueError('%s %r is not 1 to 4 hexadecimal digits' % (what, token))
    return token.upper().zfill(4)


def _int(token, what):
    if not _DEC_RE.match(token or ''):
        raise ValueError('%s %r is not a decimal number' % (what, token))
    return int(token)


def _maybe_vdev(token):
    """4-digit form for a hex device number, else the token upper-cased."""
    if token and _HEX_RE.match(token):
        return token.upper().zfill(4)
    return token.upper() if token else token


def _keyword(token, full, minimum):
    """True if ``token`` is ``full`` or an abbreviation of it at least ``minimum`` long."""
    t = token.upper()
    return minimum <= len(t) <= len(full) and full.startswith(t)


def _check_password(value, field):
    """1-8 non-blank characters; the message never holds the value."""
    if not isinstance(value, str) or not 1 <= len(value) <= 8:
        raise ValueError('%s: a password must be 1 to 8 characters' % field)
    for ch in value:
        if ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7f:
            raise ValueError('%s: a password must not contain blanks or control characters' % field)
    return value


def _storage_text(value, field):
    """CP directory form of a memory size given as '4G', 4096 (MB), '4096M'..."""
    return units.cp_storage(units.parse_memory(value, field), field)


def _same_memory(a, b):
    try:
        return units.compare_memory(a, b)
    except ValueError:
        return False


# ---------------------------------------------------------------------------
# Statements
# ---------------------------------------------------------------------------

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
            return [_mask_tokens(self.raw, self._raw_secret) if masked else self.raw]
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
        m = _PW_COMMENT_RE.match(self.text)
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
        return [_mask_tokens(self.text.strip(), self._raw_secret) if masked else self.text.strip()]

    def lines(self, masked=False, canonical=False):
        return [_mask_tokens(self.text, self._raw_secret) if masked else self.text]

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
            raise ValueError('no user ID')
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
                raise ValueError('USER %s: %s is needed before the operands after it'
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
            raise ValueError('no name')
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
            raise ValueError('no operand')
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
            raise ValueError('no mode')
        if len(line) > 2 and _DEC_RE.match(line.tokens[2]):
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
            raise ValueError('CPU address %r is not 00 to 3F' % (token,))
        return str(token).upper().zfill(2)

    @classmethod
    def parse(cls, line, keyword):
        if len(line) < 2:
            raise ValueError('no CPU address')
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
            raise ValueError('no command')
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
            raise ValueError('no device or system name')
        st = cls(_maybe_vdev(line.tokens[1]))
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
            raise ValueError('unexpected operand %r' % line.tokens[i])
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
            raise ValueError('no operand')
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
            raise ValueError('no user ID')
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
        if _keyword(tok, 'ABSOLUTE', 3):
            share_type = 'ABSOLUTE'
        elif _keyword(tok, 'RELATIVE', 3):
            share_type = 'RELATIVE'
        else:
            raise ValueError('expected ABSOLUTE or RELATIVE, not %r' % tok)
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
            raise ValueError('no account number')
        return cls(line.upper(1), line.upper(2), line.rest(3))

    def tokens(self, masked=False):
        toks = [self.keyword, self.number]
        if self.distribution:
            toks.append(self.distribution)
        return self._tail(toks)

    def to_dict(self):
        return {'number': self.number, 'distribution': self.distribution}


class Mdisk(Statement):
    """MDISK vdev devtype start size volser [mode [read [write [multi]]]] and the
    T-DISK, V-DISK (``MDISK vdev devtype V-DISK size [mode...]``) and DEVNO forms.

    ``disk_type`` is ``perm``, ``tdisk``, ``vdisk`` or ``devno``; ``size`` is
    an int or ``'END'``.
    """

    keyword = 'MDISK'
    _SPECIAL = {'T-DISK': 'tdisk', 'V-DISK': 'vdisk'}

    def __init__(self, vdev, devtype, size=None, start=None, volser=None, mode=None, disk_type='perm',
                 rdev=None, read_password=None, write_password=None, multi_password=None, extra=''):
        Statement.__init__(self)
        self.vdev = vdev
        self.devtype = devtype
        self.disk_type = disk_type
        self.start = start
        self.size = size
        self.rdev = rdev
        self.volser = volser
        self.mode = mode
        self.read_password = read_password
        self.write_password = write_password
        self.multi_password = multi_password
        self.extra = extra

    @classmethod
    def parse(cls, line, keyword):
        if len(line) < 4:
            raise ValueError('too few operands')
        st = cls(_vdev(line.tokens[1]), line.upper(2))
        where = line.upper(3)
        if where in cls._SPECIAL:
            st.disk_type = cls._SPECIAL[where]
            st.size = _int(line.upper(4), 'size')
            i = 5
        elif where == 'DEVNO':
            st.disk_type = 'devno'
            st.rdev = _vdev(line.upper(4), 'real device')
            i = 5
        else:
            st.start = _int(where, 'start')
            size = line.upper(4)
            st.size = 'END' if size == 'END' else _int(size, 'size')
            if len(line) < 6:
                raise ValueError('no volume serial')
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
                raise ValueError('MDISK %s: a minidisk needs a start, a size and a volume serial' % self.vdev)
            toks += [str(self.start), str(self.size), self.volser]
        elif self.disk_type == 'devno':
            toks += ['DEVNO', self.rdev]
        else:
            toks += [{'tdisk': 'T-DISK', 'vdisk': 'V-DISK'}[self.disk_type], str(self.size)]
        passwords = [self.read_password, self.write_password, self.multi_password]
        while passwords and passwords[-1] is None:
            passwords.pop()
        if None in passwords:
            raise ValueError('MDISK %s: a write or multi password needs the passwords before it' % self.vdev)
        if passwords and not self.mode:
            raise ValueError('MDISK %s: passwords need a mode before them' % self.vdev)
        if self.mode:
            toks.append(self.mode)
        toks += [MASK if masked else pw for pw in passwords]
        return self._tail(toks)

    def describe(self):
        return 'MDISK %s' % self.vdev

    def size_bytes(self):
        """Bytes, when the size is a count on a known device type; else None."""
        if not isinstance(self.size, int):
            return None
        try:
            return units.units_to_bytes(self.size, self.devtype)
        except ValueError:
            return None

    def to_dict(self):
        return {'vdev': self.vdev, 'devtype': self.devtype, 'type': self.disk_type, 'start': self.start,
                'size': self.size, 'size_bytes': self.size_bytes(), 'volser': self.volser, 'rdev': self.rdev,
                'mode': self.mode}


def _vlan_tokens(value):
    """VLAN operand tokens from 100, '100', '1-10 20', [1, '5-9']."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        items = [str(v) for v in value]
    else:
        items = str(value).split()
    out = []
    for item in items:
        parts = item.split('-')
        if len(parts) > 2 or not all(_DEC_RE.match(p) for p in parts):
            raise ValueError('vlan: %r is not a VLAN ID or a range of them (such as 100 or 200-210)' % item)
        for p in parts:
            validation.vlan_id(int(p))
        out.append(item)
    if not out:
        raise ValueError('vlan: at least one VLAN ID is needed')
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

    def __init__(self, vdev, nic_type=None, devices=None, lan_owner=None, lan_name=None, chpid=None, macid=None,
                 vlan=None, port_type=None, port_number=None, promiscuous=None, pquplinktx=None, extra=''):
        Statement.__init__(self)
        self.vdev = vdev
        self.type = nic_type
        self.devices = devices
        self.lan_owner = lan_owner
        self.lan_name = lan_name
        self.chpid = chpid
        self.macid = macid
        self.vlan = vlan
        self.port_type = port_type
        self.port_number = port_number
        self.promiscuous = promiscuous
        self.pquplinktx = pquplinktx
        self.extra = extra

    @classmethod
    def _word(cls, token):
        for full, minimum in cls._OPTION_WORDS:
            if _keyword(token, full, minimum):
                return full
        return None

    @classmethod
    def parse(cls, line, keyword):
        if len(line) < 2:
            raise ValueError('no vdev')
        st = cls(_vdev(line.tokens[1]))
        i, n = 2, len(line)
        while i < n:
            word = cls._word(line.tokens[i])
            arg = line.upper(i + 1)
            if word == 'TYPE' and arg:
                st.type = next((full for full, m in cls.TYPES if _keyword(arg, full, m)), arg)
                i += 2
            elif word == 'DEVICES' and arg and _DEC_RE.match(arg):
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

    def describe(self):
        return 'NICDEF %s' % self.vdev

    @property
    def vswitch(self):
        return self.lan_name if self.lan_owner == 'SYSTEM' else None

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

    def __init__(self, vdev, rdev, extra=''):
        Statement.__init__(self)
        self.vdev = vdev
        self.rdev = rdev
        self.extra = extra

    @classmethod
    def parse(cls, line, keyword):
        if len(line) < 3:
            raise ValueError('too few operands')
        return cls(_vdev(line.tokens[1]), _maybe_vdev(line.tokens[2]), line.rest(3))

    def tokens(self, masked=False):
        return self._tail([self.keyword, self.vdev, self.rdev])

    def describe(self):
        return 'DEDICATE %s' % self.vdev

    def to_dict(self):
        return {'vdev': self.vdev, 'rdev': self.rdev, 'options': self.extra.split()}


class Link(Statement):
    """LINK user vdev1 vdev2 [mode]: link ``user``'s vdev1 as this user's vdev2."""

    keyword = 'LINK'

    def __init__(self, user, vdev1, vdev2, mode=None, extra=''):
        Statement.__init__(self)
        self.user = user
        self.vdev1 = vdev1
        self.vdev2 = vdev2
        self.mode = mode
        self.extra = extra

    @classmethod
    def parse(cls, line, keyword):
        if len(line) < 4:
            raise ValueError('too few operands')
        return cls(line.upper(1), _vdev(line.tokens[2]), _vdev(line.tokens[3]), line.upper(4), line.rest(5))

    def tokens(self, masked=False):
        toks = [self.keyword, self.user, self.vdev1, self.vdev2]
        if self.mode:
            toks.append(self.mode)
        return self._tail(toks)

    def describe(self):
        return 'LINK %s' % self.vdev2

    def to_dict(self):
        return {'user': self.user, 'vdev1': self.vdev1, 'vdev2': self.vdev2, 'mode': self.mode}


class _UnitRecord(Statement):
    """CONSOLE vdev devtype [class [...]] and SPOOL vdev devtype [class [...]]."""

    def __init__(self, vdev, devtype, spool_class=None, extra=''):
        Statement.__init__(self)
        self.vdev = vdev
        self.devtype = devtype
        self.spool_class = spool_class
        self.extra = extra

    @classmethod
    def parse(cls, line, keyword):
        if len(line) < 3:
            raise ValueError('too few operands')
        i = 3
        devtype = line.upper(2)
        if devtype == '2540' and line.upper(3) in ('READER', 'PUNCH'):
            devtype = '2540 ' + line.upper(3)
            i = 4
        return cls(_vdev(line.tokens[1]), devtype, line.upper(i), line.rest(i + 1))

    def tokens(self, masked=False):
        toks = [self.keyword, self.vdev, self.devtype]
        if self.spool_class:
            toks.append(self.spool_class)
        return self._tail(toks)

    def describe(self):
        return '%s %s' % (self.keyword, self.vdev)

    def to_dict(self):
        return {'vdev': self.vdev, 'devtype': self.devtype, 'class': self.spool_class,
                'options': self.extra.split()}


class Console(_UnitRecord):
    keyword = 'CONSOLE'


class Spool(_UnitRecord):
    keyword = 'SPOOL'


_PARSERS = {
    'USER': User, 'IDENTITY': User, 'PROFILE': Header, 'SUBCONFIG': Header,
    'INCLUDE': Include, 'STORAGE': Storage, 'MAXSTORAGE': MaxStorage, 'CLASS': Class,
    'MACHINE': Machine, 'CPU': Cpu, 'COMMAND': Command, 'IPL': Ipl, 'LOADDEV': Loaddev, 'LOGONBY': Logonby,
    'OPTION': Option, 'SHARE': Share, 'ACCOUNT': Account, 'MDISK': Mdisk, 'NICDEF': Nicdef,
    'DEDICATE': Dedicate, 'LINK': Link, 'CONSOLE': Console, 'SPOOL': Spool,
}


def parse_statement(text):
    """One record as a Statement (a Verbatim one if it cannot be understood).

    Returns ``(statement, warning)``; ``warning`` is None or says why an
    understood keyword was kept verbatim.
    """
    stripped = text.strip()
    if not stripped or stripped.startswith('*'):
        return Comment(text), None
    line = _Line(text)
    keyword = line.tokens[0].upper()
    keyword = KEYWORD_ALIASES.get(keyword, keyword)
    parser = _PARSERS.get(keyword)
    if parser is None:
        return Verbatim(text, keyword), None
    try:
        st = parser.parse(line, keyword)
    except ValueError as exc:
        st = Verbatim(text, keyword)
        return st, '%s statement kept as written: %s' % (keyword, exc)
    st.raw = text
    return st, None


# ---------------------------------------------------------------------------
# The entry
# ---------------------------------------------------------------------------

class DirectoryEntry:
    """A user directory entry: an ordered list of ``Statement`` objects."""

    def __init__(self, statements=None):
        self.statements = list(statements or [])
        self.warnings = []

    # -- parsing and rendering -----------------------------------------------
    @classmethod
    def parse(cls, records):
        """An entry from Image_Query_DM records (a list of strings, or one string of lines)."""
        if isinstance(records, str):
            records = records.splitlines()
        entry = cls()
        nics = {}
        for number, record in enumerate(records, 1):
            if not isinstance(record, str):
                raise ValueError('directory record %d is %s, not text' % (number, type(record).__name__))
            text = record.rstrip('\r\n').rstrip()
            if len(text) > RECORD_LENGTH:
                entry.warnings.append('record %d: columns %d-%d ignored: %r'
                                      % (number, RECORD_LENGTH + 1, len(text), text[RECORD_LENGTH:]))
                text = text[:RECORD_LENGTH].rstrip()
            st, warning = parse_statement(text)
            if warning:
                entry.warnings.append('record %d: %s' % (number, warning))
            if isinstance(st, Nicdef):
                first = nics.get(st.vdev)
                if first is not None:
                    first.merge(st)
                    st = NicPart(first, text)
                else:
                    nics[st.vdev] = st
            entry.statements.append(st)
        for st in entry.statements:
            st.mark_clean()
        return entry

    @classmethod
    def new(cls, userid, password, storage, max_storage=None, privileges='G'):
        """A new entry holding ``USER userid password storage max_storage privileges``.

        ``max_storage`` defaults to ``storage`` and may not be smaller.
        """
        uid = validation.userid(userid, 'userid')
        pw = validation.password(password)
        stor = _storage_text(storage, 'storage')
        mstor = _storage_text(max_storage, 'max_storage') if max_storage is not None else stor
        if units.parse_memory(mstor) < units.parse_memory(stor):
            raise ValueError('max_storage: %s is smaller than storage %s' % (mstor, stor))
        entry = cls([User(uid, pw, stor, mstor, validation.privilege_classes(privileges))])
        return entry

    def copy(self):
        return copy.deepcopy(self)

    def records(self, pad=False, masked=False, canonical=False):
        """The entry as directory records.

        ``pad`` blank-pads each to 72 columns; ``masked`` hides passwords (for
        logs and diffs only); ``canonical`` rewrites every understood
        statement in canonical form.  Raises ValueError naming the statement
        when a record would be longer than 72 columns (not when ``masked``).
        """
        out = []
        for st in self.statements:
            for text in st.lines(masked=masked, canonical=canonical):
                if not masked and len(text) > RECORD_LENGTH:
                    shown = [t for t in st.lines(masked=True, canonical=canonical) if len(t) > RECORD_LENGTH]
                    raise ValueError('%s statement would be %d columns long; a directory record holds at most %d: %s'
                                     % (st.describe(), len(text), RECORD_LENGTH, shown[0] if shown else ''))
                out.append(text.ljust(RECORD_LENGTH) if pad else text)
        return out

    def render(self, masked=False, canonical=False):
        """The records as one string, one per line, ending with a newline."""
        return ''.join(r + '\n' for r in self.records(masked=masked, canonical=canonical))

    def render_masked(self):
        """``render()`` with passwords replaced by ********, for diffs and logs."""
        return self.render(masked=True)

    # -- finding statements ----------------------------------------------------
    def _all(self, cls):
        return [s for s in self.statements if isinstance(s, cls)]

    def _first(self, cls):
        found = self._all(cls)
        return found[0] if found else None

    def _of_kind(self, kind):
        return [s for s in self.statements if s.kind == kind and not isinstance(s, Comment)]

    @property
    def header(self):
        for s in self.statements:
            if isinstance(s, (User, Header)):
                return s
        return None

    @property
    def user(self):
        """The USER or IDENTITY statement, or None."""
        return self._first(User)

    @property
    def entry_type(self):
        h = self.header
        return h.keyword if h is not None else None

    @property
    def userid(self):
        u = self.user
        return u.userid if u is not None else None

    @property
    def name(self):
        h = self.header
        if h is None:
            return None
        return h.userid if isinstance(h, User) else h.name

    @property
    def include(self):
        st = self._first(Include)
        return st.value if st is not None else None

    profile = include

    @property
    def storage(self):
        """Logon storage: a STORAGE statement's value, else the USER operand (None if absent or ``*``)."""
        st = self._first(Storage)
        if st is not None:
            return st.value
        u = self.user
        return u.storage if u is not None and u.storage != '*' else None

    @property
    def max_storage(self):
        st = self._first(MaxStorage)
        if st is not None:
            return st.value
        u = self.user
        return u.max_storage if u is not None and u.max_storage != '*' else None

    @property
    def privileges(self):
        st = self._first(Class)
        if st is not None:
            return st.value
        u = self.user
        return u.privileges if u is not None and u.privileges != '*' else None

    @property
    def cpus(self):
        return self._all(Cpu)

    @property
    def machine(self):
        return self._first(Machine)

    @property
    def ipl(self):
        return self._first(Ipl)

    @property
    def logonby(self):
        return [u for st in self._all(Logonby) for u in st.userids]

    @property
    def mdisks(self):
        return self._all(Mdisk)

    @property
    def nics(self):
        return self._all(Nicdef)

    @property
    def dedicates(self):
        return self._all(Dedicate)

    @property
    def links(self):
        return self._all(Link)

    @property
    def options(self):
        return [o for st in self._all(Option) for o in st.options]

    @property
    def account(self):
        return self._first(Account)

    def find_mdisk(self, vdev):
        v = validation.vdev(vdev)
        return next((s for s in self.mdisks if s.vdev == v), None)

    def find_nic(self, vdev):
        v = validation.vdev(vdev)
        return next((s for s in self.nics if s.vdev == v), None)

    def find_dedicate(self, vdev):
        v = validation.vdev(vdev)
        return next((s for s in self.dedicates if s.vdev == v), None)

    # -- placing statements ------------------------------------------------------
    def _insert_index(self, kind):
        """Where a new statement of ``kind`` goes (see the module docstring)."""
        stmts = self.statements
        same = [i for i, s in enumerate(stmts) if s.kind == kind and not isinstance(s, Comment)]
        if same:
            return same[-1] + 1
        rank = _RANK[kind]
        header = next((i for i, s in enumerate(stmts) if isinstance(s, (User, Header))), None)
        before = [i for i, s in enumerate(stmts)
                  if not isinstance(s, Comment) and s.kind in _RANK and _RANK[s.kind] < rank]
        if kind in DEVICE_KINDS:
            before += [i for i, s in enumerate(stmts)
                       if not isinstance(s, Comment) and s.kind not in _RANK and s.kind not in DEVICE_KINDS]
        pos = max(before) + 1 if before else (header + 1 if header is not None else len(stmts))
        if kind not in DEVICE_KINDS:
            devices = [i for i, s in enumerate(stmts) if s.kind in DEVICE_KINDS and not isinstance(s, Comment)]
            if devices and pos > devices[0]:
                pos = devices[0]
            if header is not None and pos <= header:
                pos = header + 1
        return pos

    def _insert(self, statement, index=None):
        if index is None:
            index = self._insert_index(statement.kind)
        self.statements.insert(index, statement)
        return statement

    def _remove(self, statements):
        ids = set(id(s) for s in statements)
        index = next((i for i, s in enumerate(self.statements) if id(s) in ids), None)
        self.statements = [s for s in self.statements if id(s) not in ids]
        return index

    def _replace_kind(self, kind, new):
        """Put ``new`` (a statement or list) where the statements of ``kind`` were, or where it belongs."""
        new = new if isinstance(new, list) else ([new] if new is not None else [])
        index = self._remove(self._of_kind(kind))
        if index is None and new:
            index = self._insert_index(kind)
        for offset, st in enumerate(new):
            self.statements.insert(index + offset, st)

    def _require_user(self):
        u = self.user
        if u is None:
            raise ValueError('this directory entry has no USER or IDENTITY statement')
        return u

    # -- changes: USER -----------------------------------------------------------
    def _set_on_user(self, attr, stmts, value, same, field):
        """Update the USER operand ``attr`` when it states the value (or nothing else does)."""
        u = self.user
        if u is None:
            if not stmts:
                raise ValueError('%s: this directory entry has no USER or IDENTITY statement' % field)
            return False
        current = getattr(u, attr)
        if not (current not in (None, '*') or not stmts) or same(current, value):
            return False
        needed = {'storage': 'password', 'max_storage': 'storage', 'privileges': 'max_storage'}[attr]
        if getattr(u, needed) is None:
            raise ValueError('%s: the USER statement has no %s operand to put it after; set that first'
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
        return self._set_value('storage', Storage, _storage_text(value, 'storage'), _same_memory, 'storage')

    def set_max_storage(self, value):
        """Maximum storage, on the USER statement and any MAXSTORAGE statement."""
        return self._set_value('max_storage', MaxStorage, _storage_text(value, 'max_storage'), _same_memory,
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
            mode = str(mode).upper()
            if not re.match(r'^[A-Z]{1,8}$', mode):
                raise ValueError('machine: %r is not a machine mode such as ESA, XA, XC or Z' % mode)
        if max_cpus is not None:
            if isinstance(max_cpus, bool) or not isinstance(max_cpus, int) or not 1 <= max_cpus <= 64:
                raise ValueError('max_cpus: %r is not a number of CPUs from 1 to 64' % (max_cpus,))
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
        maximum raises ValueError.
        """
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 64:
            raise ValueError('cpus: %r is not a number of CPUs from 1 to 64' % (count,))
        m = self.machine
        limit = max_cpus if max_cpus is not None else (m.max_cpus if m is not None else None)
        if limit is not None and count > limit:
            raise ValueError('cpus: %d is more than the %d CPUs MACHINE allows; raise max_cpus too' % (count, limit))
        changed = self.set_machine(max_cpus=max_cpus) if max_cpus is not None else False
        cpus = self.cpus
        gone = [c for c in cpus if int(c.address, 16) >= count]
        if gone:
            self._remove(gone)
            changed = True
        kept = dict((int(c.address, 16), c) for c in cpus if int(c.address, 16) < count)
        missing = [a for a in range(count) if a not in kept]
        if missing:
            index = self._insert_index('CPU')
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
    def set_ipl(self, device, parm=None, loadparm=None):
        """IPL ``device`` (a vdev or a system name such as CMS) exactly; None removes IPL."""
        if device is None:
            if not self._of_kind('IPL'):
                return False
            self._replace_kind('IPL', None)
            return True
        dev = str(device).strip().upper()
        if _HEX_RE.match(dev):
            dev = dev.zfill(4)
        elif not re.match(r'^[A-Z0-9@#$_-]{1,8}$', dev):
            raise ValueError('ipl: %r is neither a vdev (1 to 4 hex digits) nor a system name (1 to 8 characters)'
                             % dev)
        if loadparm is not None:
            loadparm = validation.no_blanks_or_controls(str(loadparm), 'loadparm').upper()
            if len(loadparm) > 8:
                raise ValueError('loadparm: %r is longer than 8 characters' % loadparm)
        if parm is not None:
            parm = str(parm).strip()
            if any(ord(ch) < 0x20 for ch in parm):
                raise ValueError('parm: must not contain control characters')
        new = Ipl(dev, loadparm, parm)
        current = self._of_kind('IPL')
        if len(current) == 1 and isinstance(current[0], Ipl) and current[0].canonical() == new.canonical():
            return False
        self._replace_kind('IPL', new)
        return True

    def set_logonby(self, userids):
        """LOGONBY exactly these user IDs (at most 8; order does not count); [] removes LOGONBY."""
        wanted = []
        for u in userids or []:
            u = validation.userid(u, 'logonby')
            if u not in wanted:
                wanted.append(u)
        if len(wanted) > 8:
            raise ValueError('logonby: %d user IDs given; a directory entry allows at most 8' % len(wanted))
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
            if not self._of_kind('INCLUDE'):
                return False
            self._replace_kind('INCLUDE', None)
            return True
        name = validation.userid(profile, 'profile', allow_reserved=True)
        current = self._of_kind('INCLUDE')
        if len(current) == 1 and isinstance(current[0], Include) and current[0].value == name:
            return False
        self._replace_kind('INCLUDE', Include(name))
        return True

    def set_account(self, number, distribution=None):
        """ACCOUNT number [distribution]; a None number removes ACCOUNT."""
        if number is None:
            if not self._of_kind('ACCOUNT'):
                return False
            self._replace_kind('ACCOUNT', None)
            return True
        number = validation.no_blanks_or_controls(str(number), 'account').upper()
        if not 1 <= len(number) <= 8:
            raise ValueError('account: %r must be 1 to 8 characters' % number)
        if distribution is not None:
            distribution = validation.no_blanks_or_controls(str(distribution), 'distribution').upper()
            if not 1 <= len(distribution) <= 8:
                raise ValueError('distribution: %r must be 1 to 8 characters' % distribution)
        current = self._of_kind('ACCOUNT')
        if len(current) == 1 and isinstance(current[0], Account) and \
                (current[0].number, current[0].distribution) == (number, distribution):
            return False
        self._replace_kind('ACCOUNT', Account(number, distribution))
        return True

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
            raise ValueError('vdev: MDISK %s already exists in %s' % (vdev, self.name))
        devtype = validation.no_blanks_or_controls(str(devtype), 'devtype').upper()
        if disk_type not in ('perm', 'tdisk', 'vdisk'):
            raise ValueError('disk_type: %r is not one of perm, tdisk, vdisk' % (disk_type,))
        if disk_type == 'vdisk' and devtype != 'FB-512':
            raise ValueError('devtype: a V-DISK must be FB-512, not %s' % devtype)
        if isinstance(size, str) and size.strip().upper() == 'END':
            if disk_type != 'perm':
                raise ValueError('size: END is only for a minidisk on a volume')
            count = 'END'
        else:
            count = units.disk_size_units(size, devtype, vdisk=disk_type == 'vdisk')[0]
        if disk_type == 'perm':
            if isinstance(start, bool) or not isinstance(start, int) or start < 0:
                raise ValueError('start: a minidisk on a volume needs a start cylinder or block (0 or more)')
            volser = validation.volser(volser)
        else:
            start, volser = None, None
        mode = str(mode or 'R').upper()
        if not _MDISK_MODE_RE.match(mode):
            raise ValueError('mode: %r is not a link mode (R, RR, W, WR, M, MR or MW, optionally followed by V or E)'
                             % mode)
        passwords = [read_password, write_password, multi_password]
        for field, pw in zip(('read_password', 'write_password', 'multi_password'), passwords):
            if pw is not None:
                _check_password(pw, field)
        st = Mdisk(vdev, devtype, count, start, volser, mode, disk_type, None, *passwords)
        return self._insert(st)

    def remove_mdisk(self, vdev):
        st = self.find_mdisk(vdev)
        if st is None:
            return False
        self._remove([st])
        return True

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
                raise ValueError('%s: not a NICDEF attribute (use one of %s)'
                                 % (key, ', '.join(('vswitch', 'nic_type') + Nicdef.FIELDS)))
            if value is None:
                out[key] = None
            elif key == 'type':
                value = str(value).upper()
                value = next((full for full, m in Nicdef.TYPES if _keyword(value, full, m)), None)
                if value is None:
                    raise ValueError('nic_type: expected QDIO, HIPERSOCKETS, IEDN or INMN')
                out[key] = value
            elif key == 'devices':
                if isinstance(value, bool) or not isinstance(value, int) or not 3 <= value <= 3072:
                    raise ValueError('devices: %r is not a device count from 3 to 3072' % (value,))
                out[key] = value
            elif key == 'lan_owner':
                out[key] = 'SYSTEM' if str(value).upper() == 'SYSTEM' else (
                    '*' if value == '*' else validation.userid(value, 'lan_owner'))
            elif key == 'lan_name':
                out[key] = validation.vswitch_name(value, 'lan_name')
            elif key == 'macid':
                out[key] = validation.mac_address(value, 'macid').macid
            elif key == 'vlan':
                out[key] = _vlan_tokens(value)
            elif key == 'port_type':
                value = str(value).upper()
                if value not in ('ACCESS', 'TRUNK'):
                    raise ValueError('port_type: %r is not ACCESS or TRUNK' % value)
                out[key] = value
            elif key == 'promiscuous':
                out[key] = bool(value)
            elif key == 'chpid':
                value = str(value).upper()
                if not re.match(r'^[0-9A-F]{2}$', value):
                    raise ValueError('chpid: %r is not 2 hexadecimal digits' % value)
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
            raise ValueError('vdev: NICDEF %s already exists in %s' % (vdev, self.name))
        fields['type'] = nic_type
        nic = Nicdef(vdev)
        for key, value in self._nic_fields(fields).items():
            setattr(nic, key, value)
        if bool(nic.lan_owner) != bool(nic.lan_name):
            raise ValueError('lan_owner and lan_name go together')
        return self._insert(nic)

    def update_nic(self, vdev, **fields):
        """Set the given NIC attributes (None clears one); returns True if anything changed."""
        nic = self.find_nic(vdev)
        if nic is None:
            raise ValueError('vdev: there is no NICDEF %s in %s' % (validation.vdev(vdev), self.name))
        changed = False
        for key, value in self._nic_fields(fields).items():
            if getattr(nic, key) != value:
                setattr(nic, key, value)
                changed = True
        if bool(nic.lan_owner) != bool(nic.lan_name):
            raise ValueError('lan_owner and lan_name go together')
        return changed

    def remove_nic(self, vdev):
        nic = self.find_nic(vdev)
        if nic is None:
            return False
        self._remove([nic] + [s for s in self.statements if isinstance(s, NicPart) and s.nic is nic])
        return True

    # -- changes: DEDICATE -----------------------------------------------------------
    def add_dedicate(self, vdev, rdev, options=None):
        vdev = validation.vdev(vdev)
        if self.find_dedicate(vdev) is not None:
            raise ValueError('vdev: DEDICATE %s already exists in %s' % (vdev, self.name))
        rdev = validation.vdev(rdev, 'rdev')
        extra = ' '.join(validation.no_blanks_or_controls(str(o), 'options').upper() for o in options or [])
        return self._insert(Dedicate(vdev, rdev, extra))

    def remove_dedicate(self, vdev):
        st = self.find_dedicate(vdev)
        if st is None:
            return False
        self._remove([st])
        return True

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


# ---------------------------------------------------------------------------
# Diffs
# ---------------------------------------------------------------------------

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
    (Mdisk, 'vdev', _fields('devtype', 'disk_type', 'start', 'size', 'volser', 'rdev', 'mode', 'extra', *_SECRETS)),
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
