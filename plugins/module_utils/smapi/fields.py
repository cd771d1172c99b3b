# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SMAPI wire codec: the field base class and the scalar and string fields.

``Field`` is what every field type of a layout is: ``read``/``write`` one
value, ``read_into``/``write_from`` the enclosing dict, ``check`` before
anything is written, and the compiled readers (``decoder()``, ``into()``,
``attempt()``, built by the factories of ``readers.py``).

The fields here: ``Int`` (``Int1``/``Int4``/``Int8``), the string fields
(``Str`` int4-length, ``CStr`` ASCIIZ, ``Fixed`` columns, all validating
length and character set), ``Bytes`` and ``Rest``.  The keyword-list fields
are in ``keywords.py``, structures, arrays and ``OneOf`` in
``containers.py``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import struct

from ansible_collections.zvm.cloud.plugins.module_utils.smapi.primitives import (
    ANY, C16, CNB, DecodeError, RS_ABOVE_MAX, RS_BELOW_MIN, RS_MISSING, RS_NOT_HEX, RS_TOO_LONG, RS_TOO_SHORT,
    RS_UNRECOGNIZED, TEXT_ENCODING, ValidationError, _I1, _I4, _I8, _MISSING, _U4, _bytes, _need, _pack_i4,
    _prefixed, _text,
)
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.readers import (
    cstr_read, flat_attempt, flat_into, int_into, int_read, named_attempt, named_into, str_into, str_read,
)
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.text import Text


class Field:
    """Base class.  Subclasses implement ``_read`` (or ``_compile``) and ``write``.

    ``read(data, pos, end) -> (value, pos)`` and ``write(value, out, fn)``
    work on one value; ``read_into``/``write_from`` place it in, or take it
    from, the enclosing dict (a field may contribute several keys there).

    Reading is compiled once per field: ``decoder()`` is ``read`` and
    ``into()`` is ``read_into`` as functions of ``bytes`` data, built by
    ``_compile``/``_compile_into`` (by default from ``_read``); ``attempt()``
    is ``into()`` answering None where it would raise ``DecodeError``.
    """

    flatten = False
    _decoder = _into = _attempt = None

    def __init__(self, name, default=_MISSING, secret=False, optional=False, doc=None):
        self.name = name
        self.default = default
        self.secret = secret
        self.optional = optional   # may be left off the end of a request
        self.doc = doc

    # -- value level -------------------------------------------------------
    def read(self, data, pos, end):
        return self.decoder()(data if isinstance(data, bytes) else bytes(data), pos, end)

    def _read(self, data, pos, end):
        raise NotImplementedError

    def write(self, value, out, fn):
        raise NotImplementedError

    def check(self, value, fn):
        """Raise ValidationError if ``value`` cannot be sent."""

    # -- dict level --------------------------------------------------------
    def keys(self):
        return [self.name] if self.name else []

    def read_into(self, data, pos, end, out):
        return self.into()(data if isinstance(data, bytes) else bytes(data), pos, end, out)

    # -- compiled reading ----------------------------------------------------
    def decoder(self):
        """``(data, pos, end) -> (value, pos)`` for ``bytes`` data."""
        if self._decoder is None:
            self._decoder = self._compile()
        return self._decoder

    def into(self):
        """``(data, pos, end, out) -> pos`` for ``bytes`` data."""
        if self._into is None:
            self._into = self._compile_into()
        return self._into

    def attempt(self):
        """``into()`` that answers None instead of raising DecodeError
        (``OneOf`` tries its alternatives with it)."""
        if self._attempt is None:
            self._attempt = self._compile_attempt()
        return self._attempt

    def _compile(self):
        return self._read

    def _compile_into(self):
        if self.flatten:
            return flat_into(self.decoder())
        return named_into(self.decoder(), self.name)

    def _compile_attempt(self):
        if self.flatten:
            return flat_attempt(self.into())
        return named_attempt(self.decoder(), self.name)

    def value_from(self, src, fn):
        if self.flatten:
            return src
        value = src.get(self.name, _MISSING)
        if value is _MISSING or value is None:
            if self.default is _MISSING:
                raise ValidationError(fn, self.name, 'is required', RS_MISSING)
            value = self.default
        return value

    def write_from(self, src, out, fn, validate):
        if self.optional and not self.flatten and src.get(self.name) is None:
            return
        value = self.value_from(src, fn)
        if validate:
            self.check(value, fn)
        self.write(value, out, fn)

    def secrets(self):
        return [self.name] if self.secret and self.name else []


class Int(Field):
    """A big-endian integer of 1, 4 or 8 bytes."""

    def __init__(self, name, size=4, lo=None, hi=None, signed=True, **kw):
        Field.__init__(self, name, **kw)
        self.size = size
        self.lo = lo
        self.hi = hi
        self.signed = signed
        self.st = {1: _I1, 4: _I4 if signed else _U4, 8: _I8}[size]

    def _compile(self):
        return int_read(self.size, self.st.unpack_from, self.name or 'integer')

    def _compile_into(self):
        return int_into(self.size, self.st.unpack_from, self.name or 'integer', self.name)

    def write(self, value, out, fn):
        try:
            out += self.st.pack(int(value))
        except (struct.error, TypeError, ValueError):
            raise ValidationError(fn, self.name, 'must be an integer that fits in %d byte(s), got %r'
                                  % (self.size, value), RS_ABOVE_MAX)

    def check(self, value, fn):
        if isinstance(value, bool) or not isinstance(value, int):
            try:
                value = int(value)
            except (TypeError, ValueError):
                raise ValidationError(fn, self.name, 'must be an integer, got %r' % (value,), RS_UNRECOGNIZED)
        if self.lo is not None and value < self.lo:
            raise ValidationError(fn, self.name, 'is %d, below the minimum %d' % (value, self.lo), RS_BELOW_MIN)
        if self.hi is not None and value > self.hi:
            raise ValidationError(fn, self.name, 'is %d, above the maximum %d' % (value, self.hi), RS_ABOVE_MAX)


def Int1(name, **kw):
    return Int(name, 1, **kw)


def Int4(name, **kw):
    return Int(name, 4, **kw)


def Int8(name, **kw):
    return Int(name, 8, **kw)


class _TextField(Field):
    """Common validation for string-like fields."""

    def __init__(self, name, lo=0, hi=None, charset=ANY, fmt=None, choices=None, upper=False, keywords=None,
                 **kw):
        if 'default' not in kw and lo == 0 and fmt is None:
            kw['default'] = ''
        Field.__init__(self, name, **kw)
        self.lo = lo
        self.hi = hi
        self.charset = charset
        self.text = Text(fmt) if isinstance(fmt, str) else fmt
        self.choices = tuple(c.upper() for c in choices) if choices else None
        # the manual's alternative values, e.g. ``(string,5,AUTOG)`` beside
        # ``(string,0-10,char10)``: accepted whatever the charset says
        self.keywords = tuple(k.upper() for k in keywords) if keywords else None
        self.flatten = self.text is not None and name is None

    def keys(self):
        if self.flatten:
            return list(self.text.names)
        return Field.keys(self)

    def _decode_text(self, raw):
        text = _text(raw)
        if self.text is not None:
            return self.text.parse(text)
        return text

    def _encode_text(self, value, fn):
        if self.text is not None and isinstance(value, dict):
            value = self.text.render(value)
        if isinstance(value, bytes):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise ValidationError(fn, self.name, 'must be a string, got %s' % type(value).__name__, RS_UNRECOGNIZED)
        try:
            return _bytes(value)
        except UnicodeEncodeError as e:
            raise ValidationError(fn, self.name, self._not_encodable(value, e.start), RS_UNRECOGNIZED)

    def _hidden(self):
        """Whether a message may not quote the value: a secret, or an
        unnamed element of a list (a directory record can hold a password)."""
        return self.secret or self.name is None

    def _not_encodable(self, value, position):
        if self._hidden():
            return 'contains a character SMAPI cannot carry (only ISO-8859-15 is; the value is not shown)'
        return 'contains %r (U+%04X) at position %d, which SMAPI cannot carry (only ISO-8859-15)' % (
            value[position], ord(value[position]), position + 1)

    def check(self, value, fn):
        if self.text is not None and isinstance(value, dict):
            value = self.text.render(value)
        if isinstance(value, bytes):
            value = _text(value)
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise ValidationError(fn, self.name, 'must be a string, got %s' % type(value).__name__, RS_UNRECOGNIZED)
        hidden = self._hidden()
        shown = '<hidden>' if hidden else repr(value)
        if self.hi is not None and len(value) > self.hi:
            raise ValidationError(fn, self.name, 'is too long: %s has %d characters, at most %d allowed'
                                  % (shown, len(value), self.hi), RS_TOO_LONG)
        if len(value) < self.lo:
            if not value:
                raise ValidationError(fn, self.name, 'is required and may not be empty', RS_MISSING)
            raise ValidationError(fn, self.name, 'is too short: %s has %d characters, at least %d needed'
                                  % (shown, len(value), self.lo), RS_TOO_SHORT)
        try:
            _bytes(value)
        except UnicodeEncodeError as e:
            raise ValidationError(fn, self.name, self._not_encodable(value, e.start), RS_UNRECOGNIZED)
        if self.keywords and value.upper() in self.keywords:
            return
        bad = self.charset.bad_char(value)
        if bad is None and self.charset is CNB and ' ' in value:
            bad = ' '
        if bad is not None:
            reason = RS_NOT_HEX if self.charset is C16 else RS_UNRECOGNIZED
            if hidden:
                problem = 'contains a character that is not allowed (%s; the value is not shown)' % self.charset.name
            else:
                problem = 'contains %r in %s, which is not allowed (%s)' % (bad, shown, self.charset.name)
            raise ValidationError(fn, self.name, problem, reason)
        if self.choices and value and value.upper() not in self.choices:
            raise ValidationError(fn, self.name, 'is %s; expected one of %s' % (shown, ', '.join(self.choices)),
                                  RS_UNRECOGNIZED)


class Str(_TextField):
    """An int4 length followed by the characters: ``(string,lo-hi,charNN)``."""

    def _compile(self):
        return str_read(self.name or 'string', self.text.parser() if self.text is not None else None)

    def _compile_into(self):
        if self.flatten or self.text is not None:
            return Field._compile_into(self)
        return str_into(self.name or 'string', self.name)

    def write(self, value, out, fn):
        raw = self._encode_text(value, fn)
        out += _pack_i4(len(raw))
        out += raw


class Bytes(Field):
    """An int4 length followed by raw bytes (e.g. SCP data)."""

    def __init__(self, name, lo=0, hi=None, **kw):
        kw.setdefault('default', b'')
        Field.__init__(self, name, **kw)
        self.lo = lo
        self.hi = hi

    def _read(self, data, pos, end):
        start, stop = _prefixed(data, pos, end, self.name)
        return bytes(data[start:stop]), stop

    def write(self, value, out, fn):
        if isinstance(value, str):
            value = _bytes(value)
        out += _pack_i4(len(value))
        out += value

    def check(self, value, fn):
        if self.hi is not None and len(value) > self.hi:
            raise ValidationError(fn, self.name, 'is too long: %d bytes, at most %d' % (len(value), self.hi),
                                  RS_TOO_LONG)


class Fixed(_TextField):
    """A fixed-width, blank-padded text column with no length prefix."""

    def __init__(self, name, width, encoding=TEXT_ENCODING, **kw):
        kw.setdefault('default', '')
        _TextField.__init__(self, name, 0, width, **kw)
        self.width = width
        self.encoding = encoding

    def _read(self, data, pos, end):
        _need(data, pos, self.width, end, self.name)
        raw = bytes(data[pos:pos + self.width])
        if self.encoding != TEXT_ENCODING:
            value = raw.decode(self.encoding).rstrip(' ')
            return value, pos + self.width
        return self._decode_text(raw).rstrip(' ') if self.text is None else self._decode_text(raw), pos + self.width

    def write(self, value, out, fn):
        if self.text is not None and isinstance(value, dict):
            value = self.text.render(value)
        value = str(value).ljust(self.width)
        if len(value) != self.width:
            raise ValidationError(fn, self.name, 'must be at most %d characters' % self.width, RS_TOO_LONG)
        try:
            out += value.encode(self.encoding)
        except UnicodeEncodeError as e:
            raise ValidationError(fn, self.name, self._not_encodable(value, e.start), RS_UNRECOGNIZED)


class CStr(_TextField):
    """A NUL-terminated string (the manual's ASCIIZ), no length prefix.

    ``terminator=' '`` reads a word that ends with a blank instead (the
    totals at the front of System_Spool_Utilization_Query's first record).
    """

    def __init__(self, *args, **kw):
        self.terminator = _bytes(kw.pop('terminator', '\x00'))
        _TextField.__init__(self, *args, **kw)

    def missing_terminator(self):
        return DecodeError('%s: missing %r terminator' % (self.name or 'ASCIIZ string', self.terminator))

    def _compile(self):
        return cstr_read(self.terminator, self.text.parser() if self.text is not None else None,
                         self.missing_terminator)

    def write(self, value, out, fn):
        raw = self._encode_text(value, fn)
        if self.terminator in raw:
            raise ValidationError(fn, self.name, 'may not contain %r characters' % self.terminator, RS_UNRECOGNIZED)
        out += raw
        out += self.terminator


class Rest(Field):
    """Whatever bytes remain, kept as they are."""

    def __init__(self, name, **kw):
        kw.setdefault('default', b'')
        Field.__init__(self, name, **kw)

    def _read(self, data, pos, end):
        return bytes(data[pos:end]), end

    def write(self, value, out, fn):
        out += value if isinstance(value, bytes) else _bytes(value)
