# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validators for z/VM names and values given by users.

Each validator returns the canonical form of a good value (upper case,
zero-padded, ...) and raises InputError (a ValueError) with a message that names the field
and the problem.  Messages about passwords never contain the password.

Sources for the rules:

- user IDs: z/VM CP Commands and Utilities Reference, "Restricted User IDs"
  (the USERID_CHARACTERS and USERID_PATTERN translate-test tables in HCPTBL
  allow A-Z, 0-9, @ # $ _ and -), and CP Planning and Administration, USER
  directory statement (1 to 8 characters; LOGNxxxx, LOGLxxxx, LOGVxxxx,
  SYSTEM and SYSTEMMP are reserved for CP).  A user ID may start with a digit
  (IBM's own 5684042J, 6VMLEN20, 7VMDIR10 do).  IBM advises against 1- to
  4-digit user IDs (they look like spool IDs) but does not forbid them, so
  they are accepted.
- directory passwords: USER statement; 1 to 8 non-blank characters, or one of
  the keywords NOLOG, NOPASS, AUTOONLY, LBYONLY.
- privilege classes: A-Z and 1-6 are IBM-defined or installation-defined
  classes; CP accepts A-Z and 1-9, at most 32 of them.
- volume serials: 1 to 6 characters, letters, digits and the national
  characters @ # $ (an inference from CPFMTXA labels and DirMaint; IBM's own
  directory has the volser $$$$$$).
- virtual switch names: 1 to 8 characters of A-Z, 0-9, @ # $ _ (as
  Virtual_Network_Vswitch_Query_Extended accepts them).
- VLAN IDs: 1 to 4094 (IEEE 802.1Q).

z/VM names and numbers are ASCII.  Every value is checked character by
character *before* anything else is done with it: a character outside
printable ASCII (a control character, a Unicode look-alike such as the
dotless i, the long s or the Kelvin sign, a non-ASCII digit) is an error
that names the field, and upper-casing happens only after that check, so
Unicode case mapping can never turn ``l\u0131nux02`` into ``LINUX02``.
Numbers are read from the ASCII digits 0-9 only.  Blanks around a value
are the only thing taken away.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from collections import namedtuple

from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError

USERID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@#$_-'
RESERVED_USERIDS = ('SYSTEM', 'SYSTEMMP')
RESERVED_USERID_PREFIXES = ('LOGN', 'LOGL', 'LOGV')
PASSWORD_KEYWORDS = ('NOLOG', 'NOPASS', 'AUTOONLY', 'LBYONLY')
NAME_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@#$_'
VOLSER_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@#$'
POOL_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@#$_-'
PRIVILEGE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ123456789'

MacAddress = namedtuple('MacAddress', ['address', 'macid'])
"""``address`` is ``'02:00:00:AB:CD:EF'`` (None when only a MACID was given);
``macid`` is the 6 hex digits a NICDEF MACID takes (the last three bytes)."""

_HEX_RE = re.compile(r'[0-9A-F]+', re.ASCII)
_DIGITS_RE = re.compile(r'[0-9]+', re.ASCII)
# how many digits a number given as text may have (more is never a z/VM value,
# and Python refuses to convert very long digit strings)
MAX_DIGITS = 20


def describe_char(ch):
    """``'\\x1f' (U+001F)``: a character as a message shows it, escaped when unprintable."""
    return '%r (U+%04X)' % (ch, ord(ch))


def non_ascii(text, blanks=True):
    """The first character of ``text`` that is not printable ASCII (0x20 to
    0x7E; with ``blanks=False`` not 0x21 to 0x7E), or None."""
    low = 0x20 if blanks else 0x21
    for ch in text:
        if not low <= ord(ch) <= 0x7e:
            return ch
    return None


def ascii_text(value, field, what='a value'):
    """``value`` (a string, or an int written in decimal) with surrounding
    blanks removed, after checking that every character is printable ASCII;
    InputError naming ``field`` and the first bad character otherwise."""
    if isinstance(value, bool) or value is None:
        raise InputError('%s: a value is required' % field)
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        raise InputError('%s: expected a string, got %s' % (field, type(value).__name__))
    bad = non_ascii(value)
    if bad is not None:
        raise InputError('%s: %r is not %s: it contains %s; z/VM names and numbers are printable ASCII'
                         % (field, value, what, describe_char(bad)))
    return value.strip(' ')


def ascii_number(value, field, low, high, what='a whole number'):
    """An int from ``low`` to ``high``: an int, or a string of the ASCII
    digits 0-9 (blanks around it allowed); InputError naming ``field``."""
    text = value
    if isinstance(value, str):
        text = ascii_text(value, field, what)
        if not _DIGITS_RE.fullmatch(text) or len(text) > MAX_DIGITS:
            raise InputError('%s: %r is not %s from %d to %d (digits 0-9 only)' % (field, value, what, low, high))
        value = int(text)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InputError('%s: %r is not %s from %d to %d' % (field, text, what, low, high))
    return value


def _text(value, field, what='a value'):
    return ascii_text(value, field, what)


def _bad_char(text, allowed):
    for ch in text:
        if ch not in allowed:
            return ch
    return None


def _name(value, field, what, maxlen, allowed, describe_allowed, minlen=1):
    text = _text(value, field, 'a valid %s' % what).upper()
    if not minlen <= len(text) <= maxlen:
        raise InputError('%s: %r is not a valid %s: it must be %d to %d characters long'
                         % (field, text, what, minlen, maxlen))
    bad = _bad_char(text, allowed)
    if bad is not None:
        raise InputError('%s: %r is not a valid %s: %r is not allowed (use %s)'
                         % (field, text, what, bad, describe_allowed))
    return text


def no_blanks_or_controls(value, field):
    """``value`` unchanged if it is printable ASCII with no blank (so that
    upper-casing it afterwards changes letters a-z only)."""
    if not isinstance(value, str):
        raise InputError('%s: expected a string, got %s' % (field, type(value).__name__))
    for ch in value:
        if ch.isspace():
            raise InputError('%s: must not contain blanks' % field)
        if ord(ch) < 0x20 or 0x7f <= ord(ch) < 0xa0:
            raise InputError('%s: must not contain control characters (found 0x%02X)' % (field, ord(ch)))
        if ord(ch) > 0x7e:
            raise InputError('%s: %r contains %s; only printable ASCII characters are allowed'
                             % (field, value, describe_char(ch)))
    return value


def userid(name, field='name', allow_reserved=False):
    """A z/VM user ID, upper case: 1-8 of A-Z 0-9 @ # $ _ -."""
    text = _name(name, field, 'z/VM user ID', 8, USERID_CHARS, 'A-Z, 0-9, @ # $ _ -')
    if not allow_reserved:
        if text in RESERVED_USERIDS or (len(text) == 8 and text[:4] in RESERVED_USERID_PREFIXES):
            raise InputError('%s: %r is reserved for CP (SYSTEM, SYSTEMMP, LOGNxxxx, LOGLxxxx and LOGVxxxx are)'
                             % (field, text))
    return text


def vdev(value, field='vdev'):
    """A virtual device number: 1-4 hex digits, returned as 4 upper-case digits."""
    text = _text(value, field, 'a virtual device number').upper()
    if not 1 <= len(text) <= 4 or not _HEX_RE.fullmatch(text):
        raise InputError('%s: %r is not a virtual device number: expected 1 to 4 hexadecimal digits, '
                         'such as 0100' % (field, text))
    return text.zfill(4)


def ipl_device(value, field='ipl'):
    """What a guest IPLs: a vdev (1-4 hex digits, returned as 4) or a system
    name such as CMS (1-8 of A-Z 0-9 @ # $ _ -), upper case."""
    text = _text(value, field, 'an IPL device').upper()
    if 1 <= len(text) <= 4 and _HEX_RE.fullmatch(text):
        return text.zfill(4)
    if re.fullmatch(r'[A-Z0-9@#$_-]{1,8}', text):
        return text
    raise InputError('%s: %r is neither a vdev (1 to 4 hex digits) nor a system name (1 to 8 of A-Z, 0-9, '
                     '@ # $ _ -)' % (field, text))


def volser(value, field='volser'):
    """A volume serial: 1-6 of A-Z 0-9 @ # $, upper case."""
    return _name(value, field, 'volume serial', 6, VOLSER_CHARS, 'A-Z, 0-9, @ # $')


def pool_name(value, field='pool'):
    """A disk pool (DirMaint group or region) name: 1-8 of A-Z 0-9 @ # $ _ -."""
    return _name(value, field, 'disk pool name', 8, POOL_CHARS, 'A-Z, 0-9, @ # $ _ -')


def vswitch_name(value, field='vswitch'):
    """A virtual switch name: 1-8 of A-Z 0-9 @ # $ _, upper case."""
    return _name(value, field, 'virtual switch name', 8, NAME_CHARS, 'A-Z, 0-9, @ # $ _')


def vlan_id(value, field='vlan'):
    """A VLAN ID, 1-4094, as an int."""
    if isinstance(value, str):
        text = ascii_text(value, field, 'a VLAN ID')
        if _DIGITS_RE.fullmatch(text) and len(text) <= MAX_DIGITS:
            value = int(text)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 4094:
        raise InputError('%s: %r is not a VLAN ID: expected a whole number from 1 to 4094' % (field, value))
    return value


def mac_address(value, field='mac_address'):
    """A MAC address or a NICDEF MACID.

    Accepts ``02:00:00:AB:CD:EF``, ``02-00-00-ab-cd-ef``, ``020000abcdef`` and
    the 6-hex-digit MACID form ``ABCDEF``.  Returns ``MacAddress(address,
    macid)``.  A full address must be unicast (the low bit of its first byte
    clear) and not all zeros.
    """
    text = _text(value, field, 'a MAC address').upper()
    forms = ('expected 6 bytes such as 02:00:00:AB:CD:EF, 02-00-00-AB-CD-EF or 020000ABCDEF, '
             'or a 6-hex-digit MACID such as ABCDEF')
    if re.fullmatch(r'[0-9A-F]{2}([:-])[0-9A-F]{2}(\1[0-9A-F]{2}){4}', text):
        digits = re.sub(r'[:-]', '', text)
    elif re.fullmatch(r'[0-9A-F]{12}', text):
        digits = text
    elif re.fullmatch(r'[0-9A-F]{6}', text):
        return MacAddress(None, text)
    else:
        raise InputError('%s: %r is not a MAC address: %s' % (field, text, forms))
    if int(digits[:2], 16) & 1:
        raise InputError('%s: %r is a multicast address; a NIC needs a unicast MAC address '
                         '(the first byte must be even)' % (field, text))
    if int(digits, 16) == 0:
        raise InputError('%s: 00:00:00:00:00:00 is not a usable MAC address' % field)
    address = ':'.join(digits[i:i + 2] for i in range(0, 12, 2))
    return MacAddress(address, digits[6:])


def privilege_classes(value, field='privileges'):
    """CP privilege classes: 1-32 of A-Z and 1-9, upper case."""
    return _name(value, field, 'set of privilege classes', 32, PRIVILEGE_CHARS, 'A-Z and 1-9')


def password(value, field='password'):
    """A user directory password: 1-8 non-blank characters, or NOLOG, NOPASS, AUTOONLY, LBYONLY.

    The keywords are returned upper case; a password is returned unchanged.
    No message ever contains the value.
    """
    if not isinstance(value, str) or not value:
        raise InputError('%s: a password of 1 to 8 characters (or NOLOG, NOPASS, AUTOONLY, LBYONLY) is required'
                         % field)
    for ch in value:
        if ch.isspace():
            raise InputError('%s: the password must not contain blanks' % field)
        if ord(ch) < 0x20 or 0x7f <= ord(ch) < 0xa0:
            raise InputError('%s: the password must not contain control characters' % field)
        if ord(ch) > 0x7e:
            # SMAPI and the directory carry printable ASCII; the message
            # names neither the character nor where it is
            raise InputError('%s: the password must consist of printable ASCII characters (letters, digits and '
                             'symbols such as @ # $)' % field)
    if value.upper() in PASSWORD_KEYWORDS:
        return value.upper()
    if len(value) > 8:
        raise InputError('%s: the password is %d characters long; a z/VM directory password is 1 to 8 characters '
                         '(or NOLOG, NOPASS, AUTOONLY, LBYONLY)' % (field, len(value)))
    return value


def raw_number_problem(spec, raw, prefix=''):
    """A message for the first option of type ``int`` in ``raw`` (a
    module's arguments as they came, before AnsibleModule converted them)
    that is a string but not ASCII digits, or None.

    AnsibleModule reads ``'\\u0661\\u0662'`` (Arabic-Indic digits) as 12 and
    drops control characters around a number; a z/VM number is written
    with the digits 0-9 only.  Suboptions (lists of dicts) are checked too,
    named as ``disks[2].size``."""
    if not isinstance(raw, dict):
        return None
    for name, opt in spec.items():
        kind = opt.get('type', 'str')
        for key in [name] + list(opt.get('aliases') or []):
            if key not in raw or raw[key] is None:
                continue
            value = raw[key]
            values = value if kind == 'list' and isinstance(value, list) else [value]
            if kind == 'int' or (kind == 'list' and opt.get('elements') == 'int'):
                for item in values:
                    if isinstance(item, str) and not re.fullmatch(r' *-?[0-9]{1,%d} *' % MAX_DIGITS, item, re.ASCII):
                        return '%s%s: %r is not a whole number: use the digits 0-9' % (prefix, key, item)
            if opt.get('options'):
                for i, item in enumerate(values):
                    where = '%s%s[%d].' % (prefix, key, i + 1) if kind == 'list' else '%s%s.' % (prefix, key)
                    problem = raw_number_problem(opt['options'], item, where)
                    if problem:
                        return problem
    return None
