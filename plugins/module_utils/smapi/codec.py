# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SMAPI wire codec: the field types that layout tables are written in.

A layout (see ``layouts.py``) lists a function's request parameters and its
response output as instances of the classes below, in wire order.  The same
objects drive all four directions:

* client side: ``encode_request`` and ``decode_response``;
* server side (zvmsim): ``decode_request`` and ``encode_response``.

Every field can ``read`` its value from a buffer and ``write`` it back, and
string-like fields validate length and character set before anything is
written, so a bad parameter never reaches the wire.

Decoded values are plain ``dict``/``list``/``str``/``int``/``bytes``; text is
ISO-8859-15 (z/VM's SMAPI server speaks ASCII), EBCDIC only where a layout
says so.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import struct

from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError

TEXT_ENCODING = 'iso8859_15'
EBCDIC_ENCODING = 'cp037'

_I1 = struct.Struct('>B')
_I4 = struct.Struct('>i')
_U4 = struct.Struct('>I')
_I8 = struct.Struct('>q')

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
        CodecError.__init__(self, '%s: parameter %r %s' % (function, parameter, problem))


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


def _text(raw):
    return raw.decode(TEXT_ENCODING)


def _bytes(text):
    return text.encode(TEXT_ENCODING)


# ---------------------------------------------------------------------------
# Text records: the blank-separated fields inside some string outputs
# ---------------------------------------------------------------------------

_SLOT = re.compile(r'\{([A-Za-z_][A-Za-z0-9_]*)(?::(\d+))?(\*|\[\])?\}')


class Text:
    """Layout of a text record, written like a format string.

    ``{name}`` is one word (no blanks), ``{name:8}`` a blank-padded column of
    width 8, ``{name*}`` the rest of the record (blanks allowed),
    ``{name[]}`` the rest of the record as a list of words.  Everything else
    is literal.  Example: ``'{system_name:8} {user} {vaddr} {access_mode}'``.

    Parsing is checked by rendering the result again; a record that does not
    render back byte for byte keeps its original text in ``_raw`` so that it
    still round-trips.
    """

    def __init__(self, fmt, pattern=None):
        # ``pattern``: optional regular expression the record must match at
        # its start (e.g. ``r'(?!PROC )'``), else it is kept in ``_raw``;
        # lets ``OneOf`` tell apart records of the same shape
        self._pattern = pattern
        self.fmt = fmt
        self.slots = []
        for m in _SLOT.finditer(fmt):
            name, width, kind = m.group(1), m.group(2), m.group(3) or ''
            self.slots.append((name, int(width) if width else 0, kind))
        self.names = [s[0] for s in self.slots]
        self._regex = None

    def _compile(self):
        """Regular expressions are built on first use: most of the 188
        layouts are never used by a given module run."""
        pattern = []
        pos = 0
        for m in _SLOT.finditer(self.fmt):
            pattern.append(re.escape(self.fmt[pos:m.start()]))
            name, width, kind = m.group(1), m.group(2), m.group(3) or ''
            if width:
                pattern.append('(?P<%s>.{%d})' % (name, int(width)))
            elif kind:
                pattern.append('(?P<%s>.*)' % name)
            else:
                pattern.append('(?P<%s>[^ ]*)' % name)
            pos = m.end()
        pattern.append(re.escape(self.fmt[pos:]))
        self._regex = re.compile(''.join(pattern), re.S)
        if isinstance(self._pattern, str):
            self._pattern = re.compile(self._pattern, re.S)

    @property
    def regex(self):
        if self._regex is None:
            self._compile()
        return self._regex

    @property
    def pattern(self):
        if self._regex is None:
            self._compile()
        return self._pattern

    def parse(self, text):
        if self.pattern is not None and not self.pattern.match(text):
            return {'_raw': text}
        m = self.regex.match(text)
        if m is None or m.end() != len(text):
            return {'_raw': text}
        out = {}
        for name, width, kind in self.slots:
            value = m.group(name)
            if width:
                value = value.rstrip(' ')
            elif kind == '[]':
                value = value.split()
            out[name] = value
        if self.render(out) != text:
            out['_raw'] = text
        return out

    def render(self, values):
        raw = values.get('_raw')
        if raw is not None:
            return raw

        def repl(m):
            name, width, kind = m.group(1), m.group(2), m.group(3) or ''
            value = values.get(name, '')
            if kind == '[]':
                value = ' '.join(str(v) for v in value)
            value = '' if value is None else str(value)
            if width:
                value = value.ljust(int(width))
            return value
        return _SLOT.sub(repl, self.fmt)


# ---------------------------------------------------------------------------
# Fields
# ---------------------------------------------------------------------------

class Field:
    """Base class.  Subclasses implement ``read`` and ``write``.

    ``read(data, pos, end) -> (value, pos)`` and ``write(value, out, fn)``
    work on one value; ``read_into``/``write_from`` place it in, or take it
    from, the enclosing dict (a field may contribute several keys there).
    """

    flatten = False

    def __init__(self, name, default=_MISSING, secret=False, optional=False, doc=None):
        self.name = name
        self.default = default
        self.secret = secret
        self.optional = optional   # may be left off the end of a request
        self.doc = doc

    # -- value level -------------------------------------------------------
    def read(self, data, pos, end):
        raise NotImplementedError

    def write(self, value, out, fn):
        raise NotImplementedError

    def check(self, value, fn):
        """Raise ValidationError if ``value`` cannot be sent."""

    # -- dict level --------------------------------------------------------
    def keys(self):
        return [self.name] if self.name else []

    def read_into(self, data, pos, end, out):
        value, pos = self.read(data, pos, end)
        if self.flatten:
            out.update(value)
        else:
            out[self.name] = value
        return pos

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


class Int(Field):
    """A big-endian integer of 1, 4 or 8 bytes."""

    def __init__(self, name, size=4, lo=None, hi=None, signed=True, **kw):
        Field.__init__(self, name, **kw)
        self.size = size
        self.lo = lo
        self.hi = hi
        self.signed = signed
        self.st = {1: _I1, 4: _I4 if signed else _U4, 8: _I8}[size]

    def read(self, data, pos, end):
        _need(data, pos, self.size, end, self.name or 'integer')
        return self.st.unpack_from(data, pos)[0], pos + self.size

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
        except UnicodeEncodeError:
            raise ValidationError(fn, self.name, 'contains characters outside ISO-8859-15: %r' % (value,),
                                  RS_UNRECOGNIZED)

    def check(self, value, fn):
        if self.text is not None and isinstance(value, dict):
            value = self.text.render(value)
        if isinstance(value, bytes):
            value = _text(value)
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise ValidationError(fn, self.name, 'must be a string, got %s' % type(value).__name__, RS_UNRECOGNIZED)
        shown = '<hidden>' if self.secret else repr(value)
        if self.hi is not None and len(value) > self.hi:
            raise ValidationError(fn, self.name, 'is too long: %s has %d characters, at most %d allowed'
                                  % (shown, len(value), self.hi), RS_TOO_LONG)
        if len(value) < self.lo:
            if not value:
                raise ValidationError(fn, self.name, 'is required and may not be empty', RS_MISSING)
            raise ValidationError(fn, self.name, 'is too short: %s has %d characters, at least %d needed'
                                  % (shown, len(value), self.lo), RS_TOO_SHORT)
        if self.keywords and value.upper() in self.keywords:
            return
        bad = self.charset.bad_char(value)
        if bad is None and self.charset is CNB and ' ' in value:
            bad = ' '
        if bad is not None:
            reason = RS_NOT_HEX if self.charset is C16 else RS_UNRECOGNIZED
            where = '' if self.secret else ' in %s' % shown
            raise ValidationError(fn, self.name, 'contains %r%s, which is not allowed (%s)'
                                  % (bad, where, self.charset.name), reason)
        if self.choices and value and value.upper() not in self.choices:
            raise ValidationError(fn, self.name, 'is %s; expected one of %s' % (shown, ', '.join(self.choices)),
                                  RS_UNRECOGNIZED)


class Str(_TextField):
    """An int4 length followed by the characters: ``(string,lo-hi,charNN)``."""

    def read(self, data, pos, end):
        start, stop = _prefixed(data, pos, end, self.name or 'string')
        return self._decode_text(bytes(data[start:stop])), stop

    def write(self, value, out, fn):
        raw = self._encode_text(value, fn)
        out += _I4.pack(len(raw))
        out += raw


class Bytes(Field):
    """An int4 length followed by raw bytes (e.g. SCP data)."""

    def __init__(self, name, lo=0, hi=None, **kw):
        kw.setdefault('default', b'')
        Field.__init__(self, name, **kw)
        self.lo = lo
        self.hi = hi

    def read(self, data, pos, end):
        start, stop = _prefixed(data, pos, end, self.name)
        return bytes(data[start:stop]), stop

    def write(self, value, out, fn):
        if isinstance(value, str):
            value = _bytes(value)
        out += _I4.pack(len(value))
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

    def read(self, data, pos, end):
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
        out += value.encode(self.encoding)


class CStr(_TextField):
    """A NUL-terminated string (the manual's ASCIIZ), no length prefix.

    ``terminator=' '`` reads a word that ends with a blank instead (the
    totals at the front of System_Spool_Utilization_Query's first record).
    """

    def __init__(self, *args, **kw):
        self.terminator = _bytes(kw.pop('terminator', '\x00'))
        _TextField.__init__(self, *args, **kw)

    def read(self, data, pos, end):
        nul = bytes(data[pos:end]).find(self.terminator)
        if nul < 0:
            raise DecodeError('%s: missing %r terminator' % (self.name or 'ASCIIZ string', self.terminator))
        return self._decode_text(bytes(data[pos:pos + nul])), pos + nul + 1

    def write(self, value, out, fn):
        raw = self._encode_text(value, fn)
        if self.terminator in raw:
            raise ValidationError(fn, self.name, 'may not contain %r characters' % self.terminator, RS_UNRECOGNIZED)
        out += raw
        out += self.terminator


class KV(_TextField):
    """One ``key=value`` item of a keyword list (see ``KVList``)."""

    def __init__(self, name, lo=0, hi=None, charset=ANY, key=None, **kw):
        kw.setdefault('default', None)
        _TextField.__init__(self, name, lo, hi, charset, **kw)
        self.key = key or name


class KVList(Field):
    """``key=value\\0`` items, in any order, flattened into the parameters.

    ``prefix=True``: an int4 byte length comes first; otherwise the list
    runs to the end of the enclosing data.  Items whose value is None are
    not sent.  Unknown keys met while decoding are kept under their own name
    so that they are sent back unchanged.
    """

    flatten = True

    def __init__(self, items, prefix=False, name=None, **kw):
        Field.__init__(self, name, **kw)
        self.items = list(items)
        self.prefix = prefix
        self.by_key = dict((i.key, i) for i in self.items)
        self.by_name = dict((i.name, i) for i in self.items)

    def keys(self):
        return [i.name for i in self.items]

    def secrets(self):
        return [i.name for i in self.items if i.secret]

    def read(self, data, pos, end):
        if self.prefix:
            pos, end = _prefixed(data, pos, end, 'keyword list')
        out = {}
        chunk = bytes(data[pos:end])
        if chunk:
            if not chunk.endswith(b'\x00'):
                raise DecodeError('keyword list does not end with NUL', RS_END_OF_DATA)
            for raw in chunk[:-1].split(b'\x00'):
                text = _text(raw)
                key, sep, value = text.partition('=')
                if not sep:
                    raise DecodeError('keyword item %r has no "="' % text, RS_UNRECOGNIZED)
                item = self.by_key.get(key)
                out[item.name if item else key] = value
        return out, end

    def write(self, value, out, fn):
        body = bytearray()
        for name, item_value in value.items():
            if item_value is None:
                continue
            item = self.by_name.get(name)
            key = item.key if item else name
            raw = (item or KV(name))._encode_text(item_value, fn)
            if b'\x00' in raw:
                raise ValidationError(fn, name, 'may not contain NUL characters', RS_UNRECOGNIZED)
            body += _bytes(key) + b'=' + raw + b'\x00'
        if self.prefix:
            out += _I4.pack(len(body))
        out += body

    def value_from(self, src, fn):
        return src

    def write_from(self, src, out, fn, validate):
        claimed = set(src.get('__claimed__', ()))
        values = {}
        for name, value in src.items():
            if name in claimed or name == '__claimed__':
                continue
            if name not in self.by_name and validate:
                raise ValidationError(fn, name, 'is not a parameter of this function (known: %s)'
                                      % ', '.join(sorted(self.by_name)), RS_EXTRANEOUS)
            values[name] = value
        if validate:
            for item in self.items:
                value = values.get(item.name)
                if value is None:
                    if item.lo > 0 and item.default is None and not item.optional:
                        raise ValidationError(fn, item.name, 'is required', RS_MISSING)
                    continue
                item.check(value, fn)
        self.write(values, out, fn)


def _check_item(container, item, fn):
    """Check one element of a list; an element without a name of its own is
    reported under the list's name."""
    try:
        container.item.check(item, fn)
    except ValidationError as e:
        if e.parameter is None and container.name:
            e.parameter = container.name
            e.args = ('%s: parameter %r %s' % (fn, container.name, e.problem),)
        raise


class Struct(Field):
    """A group of fields decoded into a dict.

    ``prefix=True`` (the default): the structure starts with its own int4
    length, as array elements do.  Bytes left inside a prefixed structure
    after its known fields are kept in ``_extra`` so they survive a
    round trip.
    """

    def __init__(self, fields, prefix=True, name=None, **kw):
        Field.__init__(self, name, **kw)
        self.fields = list(fields)
        self.prefix = prefix

    def read(self, data, pos, end):
        if self.prefix:
            pos, end = _prefixed(data, pos, end, 'structure')
        out = {}
        for f in self.fields:
            pos = f.read_into(data, pos, end, out)
        if self.prefix and pos < end:
            out['_extra'] = bytes(data[pos:end])
            pos = end
        return out, pos

    def write(self, value, out, fn):
        body = bytearray()
        for f in self.fields:
            f.write_from(value, body, fn, False)
        if self.prefix:
            body += value.get('_extra', b'')
            out += _I4.pack(len(body))
        out += body

    def check(self, value, fn):
        for f in self.fields:
            f.check(f.value_from(value, fn), fn)


class Group(Struct):
    """Like ``Struct`` but its fields go straight into the enclosing dict."""

    flatten = True

    def keys(self):
        names = []
        for f in self.fields:
            names.extend(f.keys())
        return names

    def value_from(self, src, fn):
        return src


class Array(Field):
    """A list of items.

    ``count`` says how its extent is given on the wire:
    ``'bytes'``: an int4 byte length of the whole array (the usual case);
    ``'items'``: an int4 number of elements;
    ``'rest'``: no prefix, the array runs to the end of the enclosing data;
    ``'cstr'``: the number of elements as an ASCIIZ decimal string
    (Virtual_Network_Vswitch_Query_Byte_Stats).
    """

    def __init__(self, name, item, count='bytes', **kw):
        kw.setdefault('default', [])
        Field.__init__(self, name, **kw)
        self.item = item
        self.count = count

    def read(self, data, pos, end):
        items = []
        if self.count in ('items', 'cstr'):
            if self.count == 'cstr':
                text, pos = CStr(self.name).read(data, pos, end)
                if not text.isdigit():
                    raise DecodeError('%s: element count %r is not a number' % (self.name, text),
                                      RS_UNRECOGNIZED)
                n = int(text)
            else:
                _need(data, pos, 4, end, '%s count' % self.name)
                n = _I4.unpack_from(data, pos)[0]
                pos += 4
            for _i in range(n):
                value, pos = self.item.read(data, pos, end)
                items.append(value)
            return items, pos
        if self.count == 'bytes':
            pos, end = _prefixed(data, pos, end, self.name)
        while pos < end:
            value, pos = self.item.read(data, pos, end)
            items.append(value)
        return items, pos

    def write(self, value, out, fn):
        body = bytearray()
        for item in value:
            self.item.write(item, body, fn)
        if self.count == 'items':
            out += _I4.pack(len(value))
        elif self.count == 'cstr':
            out += _bytes(str(len(value))) + b'\x00'
        elif self.count == 'bytes':
            out += _I4.pack(len(body))
        out += body

    def check(self, value, fn):
        if not isinstance(value, (list, tuple)):
            raise ValidationError(fn, self.name, 'must be a list', RS_UNRECOGNIZED)
        for item in value:
            _check_item(self, item, fn)


class CStrList(Array):
    """A list of NUL-terminated strings, with an int4 byte-length prefix or
    running to the end of the enclosing data.  Used for the directory
    keyword lists (``MDISK=VDEV=0100 ...``) and many text outputs.

    ``separated=True``: the NULs go between the strings and the last one
    has none (System_SCSI_Disk_Query, the VMRM configuration file); data
    that does end with a NUL then decodes with a last item ''."""

    def __init__(self, name, prefix=True, item=None, separated=False, **kw):
        Array.__init__(self, name, item or CStr(None), 'bytes' if prefix else 'rest', **kw)
        self.prefix = prefix
        self.separated = separated

    def read(self, data, pos, end):
        if not self.separated:
            return Array.read(self, data, pos, end)
        if self.prefix:
            pos, end = _prefixed(data, pos, end, self.name)
        if pos < end:
            # give the last string the NUL it goes without
            items, _pos = Array(self.name, self.item, 'rest').read(bytes(data[pos:end]) + b'\x00', 0,
                                                                   end - pos + 1)
            return items, end
        return [], end

    def write(self, value, out, fn):
        if not self.separated:
            return Array.write(self, value, out, fn)
        body = bytearray()
        Array(self.name, self.item, 'rest').write(value, body, fn)
        if body:
            del body[-1:]   # the last item's NUL
        if self.prefix:
            out += _I4.pack(len(body))
        out += body
        return None


class KVRecords:
    """How a list of records is marked inside a ``KVStream`` (a spec, not a field).

    ``name``: the key holding the list of record dicts;
    ``start``: the key whose ``key=value`` item opens each record;
    ``end``: the bare word closing each record (or None);
    ``list_end``: the bare word closing the whole list (or None);
    ``count``: the key of the ``count=n`` item written before the list in the
    enclosing record (derived from the list when the caller leaves it out);
    ``lists``: the KVRecords nested in each record.
    """

    def __init__(self, name, start, end=None, list_end=None, count=None, lists=()):
        self.name = name
        self.start = start
        self.end = end
        self.list_end = list_end
        self.count = count
        self.lists = list(lists)


class KVStream(Field):
    """``key=value\\0`` items that describe lists of records as one flat
    stream, in order (Virtual_Network_Adapter_Query_Extended)::

        adapter_count=1 adapter_address=1000 ... mac_count=1
        mac_address=02000... mac_status=00 mac_info_end adapter_info_end

    ``lists`` are the KVRecords at the top level; the top-level items are
    flattened into the enclosing dict, in wire order (``trailing`` is never
    written).  A bare word that marks nothing is kept as ``word: True``.
    ``prefix=True``: an int4 byte length comes first.
    """

    flatten = True

    def __init__(self, lists, prefix=True, name=None, **kw):
        Field.__init__(self, name, **kw)
        self.lists = list(lists)
        self.prefix = prefix

    def keys(self):
        names = []
        for spec in self.lists:
            names.extend(k for k in (spec.count, spec.name) if k)
        return names

    def _body(self, tokens, i, lists, stops, start=None):
        rec = {}
        by_start = dict((s.start, s) for s in lists)
        by_list_end = dict((s.list_end, s) for s in lists if s.list_end)
        while i < len(tokens):
            key, sep, value = tokens[i].partition('=')
            if not sep:
                spec = by_list_end.get(key)
                if spec is not None and spec.name not in rec:
                    rec[spec.name] = []     # an empty list that still has its terminator
                elif key in stops:
                    break
                else:
                    rec[key] = True
                i += 1
                continue
            if start is not None and rec and (key == start or key in rec):
                break                       # the next record of the same list begins
            spec = by_start.get(key)
            if spec is not None and spec.name not in rec:
                rec[spec.name], i = self._list(tokens, i, spec, stops)
                continue
            if key in rec:
                raise DecodeError('keyword %r occurs twice' % key, RS_UNRECOGNIZED)
            rec[key] = value
            i += 1
        return rec, i

    def _list(self, tokens, i, spec, stops):
        inner = set(stops) | set(w for w in (spec.end, spec.list_end) if w)
        items = []
        while i < len(tokens) and tokens[i].partition('=')[0] == spec.start and '=' in tokens[i]:
            rec, i = self._body(tokens, i, spec.lists, inner, spec.start)
            if spec.end and i < len(tokens) and tokens[i] == spec.end:
                i += 1
            items.append(rec)
        if spec.list_end and i < len(tokens) and tokens[i] == spec.list_end:
            i += 1
        return items, i

    def read(self, data, pos, end):
        if self.prefix:
            pos, end = _prefixed(data, pos, end, 'keyword stream')
        chunk = bytes(data[pos:end])
        if not chunk:
            return {}, end
        if not chunk.endswith(b'\x00'):
            raise DecodeError('keyword stream does not end with NUL', RS_END_OF_DATA)
        tokens = [_text(raw) for raw in chunk[:-1].split(b'\x00')]
        rec, _i = self._body(tokens, 0, self.lists, frozenset())
        return rec, end

    def _write(self, rec, lists, out, fn):
        by_name = dict((s.name, s) for s in lists)
        for key, value in rec.items():
            spec = by_name.get(key)
            if spec is not None:
                if spec.count and rec.get(spec.count) is None:
                    out += _bytes('%s=%d' % (spec.count, len(value))) + b'\x00'
                for item in value:
                    self._write(item, spec.lists, out, fn)
                    if spec.end:
                        out += _bytes(spec.end) + b'\x00'
                if spec.list_end:
                    out += _bytes(spec.list_end) + b'\x00'
            elif value is True:
                out += _bytes(key) + b'\x00'
            elif value is not None and value is not False:
                raw = KV(key)._encode_text(value, fn)
                if b'\x00' in raw:
                    raise ValidationError(fn, key, 'may not contain NUL characters', RS_UNRECOGNIZED)
                out += _bytes(key) + b'=' + raw + b'\x00'

    def value_from(self, src, fn):
        return src

    def write(self, value, out, fn):
        body = bytearray()
        self._write(dict((k, v) for k, v in value.items() if k != 'trailing'), self.lists, body, fn)
        if self.prefix:
            out += _I4.pack(len(body))
        out += body


class Rest(Field):
    """Whatever bytes remain, kept as they are."""

    def __init__(self, name, **kw):
        kw.setdefault('default', b'')
        Field.__init__(self, name, **kw)

    def read(self, data, pos, end):
        return bytes(data[pos:end]), end

    def write(self, value, out, fn):
        out += value if isinstance(value, bytes) else _bytes(value)


class OneOf(Field):
    """Alternative layouts of the same bytes, their keys flattened into the
    enclosing dict (e.g. Query_All_DM, whose entry data is records with
    ``format=no`` and ASCIIZ keywords with ``format=yes``).

    Decoding takes the first alternative that reads without error and
    without a ``_raw`` text fallback (else the first that reads at all);
    encoding takes the first alternative whose keys are all given (else the
    first with any of its keys given, else the first).
    """

    flatten = True

    def __init__(self, alternatives, name=None, **kw):
        Field.__init__(self, name, **kw)
        self.alternatives = list(alternatives)

    def keys(self):
        names = []
        for alt in self.alternatives:
            names.extend(k for k in alt.keys() if k not in names)
        return names

    def secrets(self):
        names = []
        for alt in self.alternatives:
            names.extend(k for k in alt.secrets() if k not in names)
        return names

    def read(self, data, pos, end):
        fallback = error = None
        for alt in self.alternatives:
            out = {}
            try:
                after = alt.read_into(data, pos, end, out)
            except DecodeError as e:
                error = error or e
                continue
            if '_raw' not in out:
                return out, after
            fallback = fallback or (out, after)
        if fallback is not None:
            return fallback
        raise error

    def pick(self, src):
        """The alternative that encodes ``src``."""
        for alt in self.alternatives:
            keys = alt.keys()
            if keys and all(src.get(k) is not None for k in keys):
                return alt
        for alt in self.alternatives:
            if any(src.get(k) is not None for k in alt.keys()):
                return alt
        return self.alternatives[0]

    def value_from(self, src, fn):
        return src

    def write(self, value, out, fn):
        self.pick(value).write_from(value, out, fn, False)

    def write_from(self, src, out, fn, validate):
        self.pick(src).write_from(src, out, fn, validate)

    def check(self, value, fn):
        alt = self.pick(value)
        alt.check(alt.value_from(value, fn), fn)


# ---------------------------------------------------------------------------
# Functions
# ---------------------------------------------------------------------------

class Function:
    """The layout of one SMAPI function.

    ``request``: the parameters after the target, in wire order.
    ``response``: the output after the reason code, in wire order.
    ``error_response``: the output layout when rc is not 0 (defaults to
    ``response``).
    ``target``: False for functions with no target field (Check_Authentication).
    ``streaming``: the server answers with the request id only and then
    keeps the connection for events (Event_Subscribe).
    ``rc_response``: output layouts for particular return codes (e.g.
    ``{592: [...]}`` when an asynchronous start returns other data than a
    failure); they take precedence over ``response``/``error_response``.
    """

    def __init__(self, name, request=(), response=(), error_response=None, target=True, streaming=False,
                 doc=None, rc_response=None):
        self.name = name
        self.request = list(request)
        self.response = list(response)
        self.error_response = list(error_response) if error_response is not None else None
        self.rc_response = dict((rc, list(layout)) for rc, layout in (rc_response or {}).items())
        self.target = target
        self.streaming = streaming
        self.doc = doc
        self.request_keys = []
        for f in self.request:
            self.request_keys.extend(f.keys())
        self.secret_keys = set(['password'])
        for f in self.request:
            self.secret_keys.update(f.secrets())

    def parameter_number(self, name):
        """The manual's parameter number ``pp`` of RC 24: the function name,
        the authenticated userid, the password and the target are 1 to 4,
        the function's own parameters follow in wire order."""
        for i, key in enumerate(self.request_keys):
            if key == name:
                return 5 + i
        return None

    def parameter_name(self, number):
        names = ['function_name', 'authenticated_userid', 'password', 'target_identifier'] + self.request_keys
        if number and 1 <= number <= len(names):
            return names[number - 1]
        return None

    def output_layout(self, rc):
        if rc in self.rc_response:
            return self.rc_response[rc]
        if rc != 0 and self.error_response is not None:
            return self.error_response
        return self.response


def _check_known(function, params):
    known = set(function.request_keys)
    if any(isinstance(f, KVList) for f in function.request):
        return
    for key in params:
        if key not in known:
            raise ValidationError(function.name, key, 'is not a parameter of this function%s'
                                  % (' (known: %s)' % ', '.join(function.request_keys) if known else
                                     ' (it takes none)'), RS_EXTRANEOUS)


def encode_params(function, params, validate=True):
    """Encode the function-specific parameters (after the target)."""
    out = bytearray()
    fn = function.name
    params = dict(params or {})
    if validate:
        _check_known(function, params)
    kvlists = [f for f in function.request if isinstance(f, KVList)]
    if kvlists:
        claimed = set()
        for f in function.request:
            if not isinstance(f, KVList):
                claimed.update(f.keys())
        params['__claimed__'] = claimed
    for f in function.request:
        try:
            f.write_from(params, out, fn, validate)
        except ValidationError as e:
            if e.index is None:
                e.index = function.parameter_number(e.parameter)
            raise
    return bytes(out)


def encode_request(function, userid, password, target, params=None, validate=True):
    """Build the request bytes, starting with the int4 total length."""
    body = bytearray()
    for label, value in (('function_name', function.name), ('authenticated_userid', userid),
                         ('password', password)):
        raw = _bytes(value or '')
        body += _I4.pack(len(raw)) + raw
    if function.target or target is not None:
        raw = _bytes(target or '')
        body += _I4.pack(len(raw)) + raw
    body += encode_params(function, params, validate)
    return _I4.pack(len(body)) + bytes(body)


def read_header(data):
    """Split a request into (function_name, userid, password, rest_offset).

    Raises DecodeError when the framing is wrong.
    """
    if len(data) < 4:
        raise DecodeError('request shorter than its length field')
    total = _I4.unpack_from(data, 0)[0]
    if total != len(data) - 4:
        raise DecodeError('total length %d does not match the %d bytes received' % (total, len(data) - 4),
                          reason=20)
    pos = 4
    values = []
    for what in ('function name', 'authenticated userid', 'password'):
        _need(data, pos, 4, len(data), what)
        n = _I4.unpack_from(data, pos)[0]
        pos += 4
        if n < 0 or pos + n > len(data):
            raise DecodeError('%s length %d runs past the end of the request' % (what, n), reason=20)
        values.append(_text(bytes(data[pos:pos + n])))
        pos += n
    return values[0], values[1], values[2], pos


def decode_request(data, functions):
    """Decode a whole request (as the server sees it) into a dict:
    ``function``, ``userid``, ``password``, ``target`` and ``params``.

    ``functions`` maps names to ``Function``.  An unknown function decodes
    with ``params`` None and the undecoded bytes in ``raw_params``.
    """
    name, userid, password, pos = read_header(data)
    end = len(data)
    out = {'function': name, 'userid': userid, 'password': password, 'target': None, 'params': None}
    function = functions.get(name)
    if function is None or function.target or pos < end:
        if pos + 4 <= end:
            n = _I4.unpack_from(data, pos)[0]
            if n < 0 or pos + 4 + n > end:
                raise DecodeError('target length %d runs past the end of the request' % n, parameter='target',
                                  index=4)
            out['target'] = _text(bytes(data[pos + 4:pos + 4 + n]))
            pos += 4 + n
        elif function is not None and function.target:
            raise DecodeError('the request has no target identifier', reason=RS_MISSING, parameter='target',
                              index=4)
    if function is None:
        out['raw_params'] = bytes(data[pos:])
        return out
    params = {}
    for f in function.request:
        if f.optional and pos >= end:
            break
        try:
            pos = f.read_into(data, pos, end, params)
        except DecodeError as e:
            if e.parameter is None:
                keys = f.keys()
                e.parameter = keys[0] if keys else f.name
                e.index = function.parameter_number(e.parameter)
            raise
    if pos < end:
        raise DecodeError('%d unexpected bytes after the last parameter' % (end - pos), reason=RS_EXTRANEOUS,
                          parameter='(end)', index=5 + len(function.request_keys))
    out['params'] = params
    return out


def encode_response(function, request_id, rc, rs, output=None):
    """Build response bytes as the server sends them: the request id, then
    the framed reply (length, request id, rc, rs, output)."""
    body = bytearray()
    output = output or {}
    if function is not None:
        for f in function.output_layout(rc):
            if not f.flatten and f.name not in output:
                break   # outputs end early (e.g. on errors)
            if f.flatten and not any(k in output for k in f.keys()):
                break
            f.write_from(output, body, function.name, False)
    tail = output.get('trailing')
    if tail:
        body += tail
    framed = _I4.pack(request_id) + _I4.pack(rc) + _I4.pack(rs) + bytes(body)
    return _I4.pack(request_id) + _I4.pack(len(framed)) + framed


def decode_output(function, rc, data):
    """Decode a function's output bytes; fields the data stops before are
    absent; bytes after the last field are kept in ``trailing``."""
    out = {}
    pos, end = 0, len(data)
    layout = function.output_layout(rc) if function is not None else []
    for f in layout:
        if pos >= end:
            break
        try:
            pos = f.read_into(data, pos, end, out)
        except DecodeError:
            if rc == 0:
                raise
            # error outputs vary; keep them whole rather than guess
            return {'trailing': bytes(data)}
    if pos < end:
        out['trailing'] = bytes(data[pos:end])
    return out


def decode_response(function, data):
    """Decode response bytes as the client receives them (request id first).

    Returns a dict with ``request_id``, ``return_code``, ``reason_code`` and
    the output fields.  A response of only the request id (event streams)
    decodes to ``{'request_id': n}``.
    """
    if len(data) < 4:
        raise DecodeError('response shorter than the request id')
    out = {'request_id': _I4.unpack_from(data, 0)[0]}
    if len(data) == 4:
        return out
    if len(data) < 20:
        raise DecodeError('response of %d bytes is too short for its header' % len(data))
    length, rid, rc, rs = struct.unpack_from('>iiii', data, 4)
    if length != len(data) - 8:
        raise DecodeError('output length %d does not match the %d bytes received' % (length, len(data) - 8))
    out['framed_request_id'] = rid
    out['return_code'] = rc
    out['reason_code'] = rs
    out.update(decode_output(function, rc, memoryview(data)[20:]))
    return out


def reencode_response(function, decoded):
    """Inverse of decode_response (used by tests and the simulator)."""
    if set(decoded) == set(['request_id']):
        return _I4.pack(decoded['request_id'])
    output = dict((k, v) for k, v in decoded.items()
                  if k not in ('request_id', 'framed_request_id', 'return_code', 'reason_code'))
    raw = encode_response(function, decoded.get('framed_request_id', decoded['request_id']),
                          decoded['return_code'], decoded['reason_code'], output)
    return _I4.pack(decoded['request_id']) + raw[4:]


def reencode_request(function, decoded):
    """Inverse of decode_request."""
    if function is None:
        body = bytearray()
        for value in (decoded['function'], decoded['userid'], decoded['password']):
            raw = _bytes(value)
            body += _I4.pack(len(raw)) + raw
        if decoded.get('target') is not None:
            raw = _bytes(decoded['target'])
            body += _I4.pack(len(raw)) + raw
        body += decoded.get('raw_params', b'')
        return _I4.pack(len(body)) + bytes(body)
    return encode_request(function, decoded['userid'], decoded['password'], decoded['target'],
                          decoded['params'], validate=False)


def mask_secrets(function, params):
    """A copy of ``params`` with passwords replaced by '***' (for logs)."""
    if not params:
        return params
    keys = function.secret_keys if function is not None else set(['password'])
    return dict((k, '***' if k in keys and v else v) for k, v in params.items())
