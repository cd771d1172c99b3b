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

_HEX_RE = re.compile(r'^[0-9A-F]+$')


def _text(value, field):
    if isinstance(value, bool) or value is None:
        raise InputError('%s: a value is required' % field)
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        raise InputError('%s: expected a string, got %s' % (field, type(value).__name__))
    return value.strip()


def _bad_char(text, allowed):
    for ch in text:
        if ch not in allowed:
            return ch
    return None


def _name(value, field, what, maxlen, allowed, describe_allowed, minlen=1):
    text = _text(value, field).upper()
    if not minlen <= len(text) <= maxlen:
        raise InputError('%s: %r is not a valid %s: it must be %d to %d characters long'
                         % (field, text, what, minlen, maxlen))
    bad = _bad_char(text, allowed)
    if bad is not None:
        raise InputError('%s: %r is not a valid %s: %r is not allowed (use %s)'
                         % (field, text, what, bad, describe_allowed))
    return text


def no_blanks_or_controls(value, field):
    """``value`` unchanged if it has no blank and no control character."""
    if not isinstance(value, str):
        raise InputError('%s: expected a string, got %s' % (field, type(value).__name__))
    for ch in value:
        if ch.isspace():
            raise InputError('%s: must not contain blanks' % field)
        if ord(ch) < 0x20 or 0x7f <= ord(ch) < 0xa0:
            raise InputError('%s: must not contain control characters (found 0x%02X)' % (field, ord(ch)))
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
    text = _text(value, field).upper()
    if not 1 <= len(text) <= 4 or not _HEX_RE.match(text):
        raise InputError('%s: %r is not a virtual device number: expected 1 to 4 hexadecimal digits, '
                         'such as 0100' % (field, text))
    return text.zfill(4)


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
    if isinstance(value, bool):
        raise InputError('%s: %r is not a VLAN ID: expected a whole number from 1 to 4094' % (field, value))
    if isinstance(value, str) and re.match(r'^\s*\d+\s*$', value):
        value = int(value)
    if not isinstance(value, int) or not 1 <= value <= 4094:
        raise InputError('%s: %r is not a VLAN ID: expected a whole number from 1 to 4094' % (field, value))
    return value


def mac_address(value, field='mac_address'):
    """A MAC address or a NICDEF MACID.

    Accepts ``02:00:00:AB:CD:EF``, ``02-00-00-ab-cd-ef``, ``020000abcdef`` and
    the 6-hex-digit MACID form ``ABCDEF``.  Returns ``MacAddress(address,
    macid)``.  A full address must be unicast (the low bit of its first byte
    clear) and not all zeros.
    """
    text = _text(value, field).upper()
    forms = ('expected 6 bytes such as 02:00:00:AB:CD:EF, 02-00-00-AB-CD-EF or 020000ABCDEF, '
             'or a 6-hex-digit MACID such as ABCDEF')
    if re.match(r'^[0-9A-F]{2}([:-])[0-9A-F]{2}(\1[0-9A-F]{2}){4}$', text):
        digits = re.sub(r'[:-]', '', text)
    elif re.match(r'^[0-9A-F]{12}$', text):
        digits = text
    elif re.match(r'^[0-9A-F]{6}$', text):
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
    if value.upper() in PASSWORD_KEYWORDS:
        return value.upper()
    if len(value) > 8:
        raise InputError('%s: the password is %d characters long; a z/VM directory password is 1 to 8 characters '
                         '(or NOLOG, NOPASS, AUTOONLY, LBYONLY)' % (field, len(value)))
    for ch in value:
        if ch.isspace():
            raise InputError('%s: the password must not contain blanks' % field)
        if ord(ch) < 0x20 or 0x7f <= ord(ch) < 0xa0:
            raise InputError('%s: the password must not contain control characters' % field)
    return value
