# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Records and tokens: the directory's constants, a record split into
tokens, masking, and the checks of operand values the statements share.

``Line`` is how every statement parser sees its record; ``mask_tokens``
hides passwords in a record kept as written; ``upper_token``,
``hex_vdev``, ``decimal`` and ``maybe_vdev`` read operands (ValueError
when one is not what it must be); ``check_password``, ``mdisk_mode``,
``storage_text``, ``vlan_tokens`` check values a change brings in.
Nothing here knows a statement class.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils import units
from ansible_collections.zvm.cloud.plugins.module_utils import validation

RECORD_LENGTH = 72
MASK = '********'

# Conventional order of statements; device statements come after all others.
ORDER = ('USER', 'INCLUDE', 'ACCOUNT', 'CLASS', 'STORAGE', 'MAXSTORAGE', 'CPU', 'IPL', 'LOADDEV', 'LOGONBY',
         'MACHINE', 'OPTION', 'SHARE', 'COMMAND',
         'CONSOLE', 'SPOOL', 'NICDEF', 'LINK', 'MDISK', 'DEDICATE')
RANK = dict((kind, i) for i, kind in enumerate(ORDER))
DEVICE_KINDS = frozenset(['CONSOLE', 'SPOOL', 'NICDEF', 'LINK', 'MDISK', 'DEDICATE', 'SPECIAL'])
KEYWORD_ALIASES = {'MACH': 'MACHINE', 'MAXSTOR': 'MAXSTORAGE'}

_TOKEN_RE = re.compile(r'\S+')
# ASCII only, and \Z, not $ (which also matches before a final newline)
HEX_RE = re.compile(r'^[0-9A-Fa-f]{1,4}\Z', re.ASCII)
DEC_RE = re.compile(r'^[0-9]+\Z', re.ASCII)
PW_COMMENT_RE = re.compile(r'^(\s*\*PW\d+=\s*)(\S.*)$', re.IGNORECASE)
_MDISK_MODE_RE = re.compile(r'^(RR|R|WR|W|MR|MW|M)[VE]?\Z', re.ASCII)


class Line:
    """A record split into blank-separated tokens, remembering where each is."""

    def __init__(self, text):
        self.text = text
        self.matches = list(_TOKEN_RE.finditer(text))
        self.tokens = [m.group(0) for m in self.matches]

    def __len__(self):
        return len(self.tokens)

    def token(self, i):
        """Token ``i`` as written (None past the end)."""
        return self.tokens[i] if i < len(self.tokens) else None

    def upper(self, i):
        return upper_token(self.token(i))

    def rest(self, i):
        """The text from token ``i`` to the end, as written ('' past the end)."""
        if i >= len(self.matches):
            return ''
        return self.text[self.matches[i].start():].rstrip()


def upper_token(token):
    """``token`` in upper case (None stays None)."""
    return token.upper() if token is not None else None


def mask_tokens(text, positions):
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


def hex_vdev(token, what='vdev'):
    """A vdev token as 4 upper-case hex digits (ValueError if it is not one)."""
    if not HEX_RE.match(token or ''):
        raise InputError('%s %r is not 1 to 4 hexadecimal digits' % (what, token))
    return token.upper().zfill(4)


def decimal(token, what):
    """A decimal token as an int (ValueError naming ``what`` if it is not one)."""
    if not DEC_RE.match(token or ''):
        raise InputError('%s %r is not a decimal number' % (what, token))
    return int(token)


def maybe_vdev(token):
    """4-digit form for a hex device number, else the token upper-cased."""
    if token and HEX_RE.match(token):
        return token.upper().zfill(4)
    return token.upper() if token else token


def is_keyword(token, full, minimum):
    """True if ``token`` is ``full`` or an abbreviation of it at least ``minimum`` long."""
    t = token.upper()
    return minimum <= len(t) <= len(full) and full.startswith(t)


def check_password(value, field):
    """1-8 non-blank characters; the message never holds the value."""
    if not isinstance(value, str) or not 1 <= len(value) <= 8:
        raise InputError('%s: a password must be 1 to 8 characters' % field)
    for ch in value:
        if ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7f:
            raise InputError('%s: a password must not contain blanks or control characters' % field)
        if ord(ch) > 0x7e:
            raise InputError('%s: a password must consist of printable ASCII characters' % field)
    return value


def mdisk_mode(mode):
    """An MDISK link mode, upper case (R when None or empty)."""
    mode = str(mode or 'R')
    if validation.non_ascii(mode, blanks=False) is None:
        mode = mode.upper()     # only after the ASCII check: no Unicode case mapping
    if not _MDISK_MODE_RE.match(mode):
        raise InputError('mode: %r is not a link mode (R, RR, W, WR, M, MR or MW, optionally followed by V or E)'
                         % mode)
    return mode


def storage_text(value, field):
    """CP directory form of a memory size given as '4G', 4096 (MB), '4096M'..."""
    return units.cp_storage(units.parse_memory(value, field), field)


def same_memory(a, b):
    """True when two memory sizes are equal ('4G' and '4096M'); False when one is not a size."""
    try:
        return units.compare_memory(a, b)
    except ValueError:
        return False


def vlan_tokens(value):
    """VLAN operand tokens from 100, '100', '1-10 20', [1, '5-9']."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        items = [str(v) for v in value]
    else:
        items = str(value).split(' ')
    out = []
    for item in items:
        if not item and not isinstance(value, (list, tuple)):
            continue        # more blanks between IDs
        parts = item.split('-')
        if len(parts) > 2 or not all(DEC_RE.match(p) for p in parts):
            raise InputError('vlan: %r is not a VLAN ID or a range of them (such as 100 or 200-210)' % item)
        for p in parts:
            validation.vlan_id(int(p))
        out.append(item)
    if not out:
        raise InputError('vlan: at least one VLAN ID is needed')
    return out
