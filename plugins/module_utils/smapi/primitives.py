# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SMAPI wire codec, bottom layer: what every other codec module builds on.

* the codec's errors (``CodecError``, ``ValidationError``, ``DecodeError``)
  and the RC 24 reason codes (``RS_*``) they carry;
* text: ``TEXT_ENCODING`` (ISO-8859-15), ``EBCDIC_ENCODING``, ``_text``
  and ``_bytes``;
* the big-endian integer formats (``_I1``, ``_I4``, ``_II``, ``_U4``, ``_I8``);
* the manual's character sets (``Charset``, ``C10`` ... ``CNB``);
* the bounds checks of decoding (``_need``, ``_prefixed``).

Names with a leading underscore are shared by the codec modules only
(``codec.py`` re-exports the public ones).  This module imports nothing
else of the codec.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import codecs
import struct

from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError

TEXT_ENCODING = 'iso8859_15'
EBCDIC_ENCODING = 'cp037'

_I1 = struct.Struct('>B')
_I4 = struct.Struct('>i')
_II = struct.Struct('>ii')
_U4 = struct.Struct('>I')
_I8 = struct.Struct('>q')

# The formats' hot methods as plain functions, for the other codec modules
# to import: Python 3.11+ compiles ``name.method(...)`` of an imported
# ``name`` into an attribute load that makes a bound method on every call,
# which costs a small reply's decoding about a quarter more.
_pack_i4 = _I4.pack
_unpack_i4 = _I4.unpack_from
_unpack_ii = _II.unpack_from

# Reason codes SMAPI uses with RC 24 ("syntax error in parameter pp").
RS_TOO_LONG = 13
RS_TOO_SHORT = 14
RS_BELOW_MIN = 15
RS_NOT_HEX = 16
RS_ABOVE_MAX = 18
RS_UNRECOGNIZED = 19
RS_MISSING = 24
RS_EXTRANEOUS = 25
RS_END_OF_DATA = 88

_MISSING = object()


class CodecError(Exception):
    """Base class for codec problems."""


class ValidationError(CodecError, InputError):
    """A parameter cannot be encoded: nothing was sent.

    ``reason`` is the SMAPI RC 24 reason (13 too long, 14 too short, ...),
    so the simulator can answer exactly as z/VM would.
    """

    def __init__(self, function, parameter, problem, reason=RS_UNRECOGNIZED, index=None):
        self.function = function
        self.parameter = parameter
        self.problem = problem
        self.reason = reason
        self.index = index
        CodecError.__init__(self, self._text())

    def _text(self):
        # never ``parameter None``: an unnamed value is an element of a list
        # that ``in_list`` names (or the function's request itself)
        where = 'parameter %r' % self.parameter if self.parameter is not None else 'a request parameter'
        return '%s: %s %s' % (self.function, where, self.problem)

    def in_list(self, name, number):
        """Report this error of an unnamed list element under the list's
        ``name`` and the element's ``number`` (1-based)."""
        if self.parameter is None and name:
            self.parameter = name
            if number is not None:
                self.problem = '(element %d) %s' % (number, self.problem)
            self.args = (self._text(),)
        return self


class DecodeError(CodecError):
    """Bytes do not match the layout."""

    def __init__(self, message, reason=RS_END_OF_DATA, parameter=None, index=None):
        self.reason = reason
        self.parameter = parameter
        self.index = index
        CodecError.__init__(self, message)


# ---------------------------------------------------------------------------
# Character sets (the manual's charNN names)
# ---------------------------------------------------------------------------

class Charset:
    """A set of allowed characters, named as in the SMAPI manual."""

    def __init__(self, name, chars=None):
        self.name = name
        self.chars = frozenset(chars) if chars is not None else None

    def plus(self, extra, name=None):
        if self.chars is None:
            return self
        return Charset(name or '%s plus %s' % (self.name, extra), self.chars | frozenset(extra))

    def bad_char(self, text):
        """Return the first character not allowed, or None."""
        for ch in text:
            if ord(ch) < 0x20 or ord(ch) == 0x7f:
                return ch
            if self.chars is not None and ch not in self.chars:
                return ch
        return None


_DIGITS = '0123456789'
_UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
_LETTERS = _UPPER + _UPPER.lower()

C10 = Charset('char10', _DIGITS)
C16 = Charset('char16', _DIGITS + 'ABCDEFabcdef')
C17 = C16.plus('-', 'char17')
C26 = Charset('char26', _LETTERS)
C36 = Charset('char36', _DIGITS + _LETTERS)
C37 = C36.plus('-', 'char37')
C42 = C36.plus('@#$_-+:', 'char42')
C43 = C42.plus('*', 'char43')
C44 = C43.plus(' /.', 'char44')
CNA = Charset('charNA')          # any printable character, blanks included
CNB = Charset('charNB', None)    # any character but blank (checked below)
ANY = CNA


# ---------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------

_DECODE_TEXT = codecs.getdecoder(TEXT_ENCODING)


def _text(raw):
    # ISO-8859-15 is ASCII below 0x80, and SMAPI's output nearly always is
    # ASCII: the ascii codec is much faster than the charmap one.  Either
    # decodes one byte to one character, which the array fast paths rely on.
    if raw.isascii():
        return raw.decode('ascii')
    return _DECODE_TEXT(raw)[0]


def _bytes(text):
    return text.encode(TEXT_ENCODING)


# ---------------------------------------------------------------------------
# Bounds checks of decoding
# ---------------------------------------------------------------------------

def _need(data, pos, size, end, what):
    if pos + size > end:
        raise DecodeError('unexpected end of data reading %s at offset %d' % (what, pos))


def _prefixed(data, pos, end, what):
    """Read an int4 length at ``pos``: returns (start, stop) of the data it
    counts, which must lie within ``end``."""
    _need(data, pos, 4, end, '%s length' % what)
    n = _I4.unpack_from(data, pos)[0]
    pos += 4
    if n < 0 or pos + n > end:
        raise DecodeError('%s: length %d runs past the end of the data' % (what, n))
    return pos, pos + n
