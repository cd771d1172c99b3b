# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SMAPI wire codec: the compiled decode functions.

A field's ``decoder()``, ``into()`` and ``attempt()`` (see ``Field`` in
``fields.py``) are built once per field and process by the factories
below, from the field's settings and the readers of the fields inside it,
bound in closures.  The functions they return work on ``bytes``, check
bounds inline and raise the same ``DecodeError`` as the plain checks of
``primitives.py`` (they call them when a check fails, so the message is
the same).

* ``read(data, pos, end) -> (value, pos)`` (a decoder);
* ``into(data, pos, end, out) -> pos`` (stores in the enclosing dict);
* ``attempt(data, pos, end, out) -> pos or None`` (``into`` without raising);
* ``fast(strict, data, pos, end, out=None)``: the whole-array fast paths
  (an array of plain strings decodes its text once and slices it, a list
  of ASCIIZ strings is one split); raises as the items would when
  ``strict``, else answers None.

This module knows no field class: the field modules pick the factory and
pass what it needs.  It imports only ``primitives.py``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zvm.cloud.plugins.module_utils.smapi.primitives import (
    DecodeError, RS_UNRECOGNIZED, _DECODE_TEXT, _need, _prefixed, _unpack_i4, _unpack_ii,
)


# ---------------------------------------------------------------------------
# Any field: into() and attempt() from its decoder
# ---------------------------------------------------------------------------

def flat_into(dec):
    """``into`` of a field whose value is a dict merged into the enclosing one."""
    def into(data, pos, end, out):
        value, pos = dec(data, pos, end)
        out.update(value)
        return pos
    return into


def named_into(dec, name):
    """``into`` of a field stored under its ``name``."""
    def into_named(data, pos, end, out):
        out[name], pos = dec(data, pos, end)
        return pos
    return into_named


def flat_attempt(into):
    """``attempt`` of a flattened field: its ``into`` answering None for a
    DecodeError."""
    def attempt(data, pos, end, out):
        try:
            return into(data, pos, end, out)
        except DecodeError:
            return None
    return attempt


def named_attempt(dec, name):
    """``attempt`` of a field stored under its ``name``."""
    def attempt_named(data, pos, end, out):
        try:
            out[name], pos = dec(data, pos, end)
        except DecodeError:
            return None
        return pos
    return attempt_named


# ---------------------------------------------------------------------------
# Integers and strings
# ---------------------------------------------------------------------------

def int_read(size, unpack, what):
    """A big-endian integer of ``size`` bytes."""
    def read(data, pos, end):
        if pos + size > end:
            _need(data, pos, size, end, what)
        return unpack(data, pos)[0], pos + size
    return read


def int_into(size, unpack, what, name):
    def into(data, pos, end, out):
        if pos + size > end:
            _need(data, pos, size, end, what)
        out[name] = unpack(data, pos)[0]
        return pos + size
    return into


def str_read(what, parse):
    """An int4 length and the text; ``parse`` (a ``Text`` parser) or None."""
    unpack = _unpack_i4

    def read(data, pos, end):
        start = pos + 4
        if start > end:
            _prefixed(data, pos, end, what)
        stop = start + unpack(data, pos)[0]
        if stop < start or stop > end:
            _prefixed(data, pos, end, what)
        raw = data[start:stop]
        text = raw.decode('ascii') if raw.isascii() else _DECODE_TEXT(raw)[0]
        return (text if parse is None else parse(text)), stop
    return read


def str_into(what, name):
    """``into`` of a plain (unparsed) int4-length string."""
    unpack = _unpack_i4

    def into(data, pos, end, out):
        start = pos + 4
        if start > end:
            _prefixed(data, pos, end, what)
        stop = start + unpack(data, pos)[0]
        if stop < start or stop > end:
            _prefixed(data, pos, end, what)
        raw = data[start:stop]
        out[name] = raw.decode('ascii') if raw.isascii() else _DECODE_TEXT(raw)[0]
        return stop
    return into


def cstr_read(term, parse, missing_terminator):
    """Text up to the ``term`` byte; ``missing_terminator()`` is the error
    when there is none."""
    def read(data, pos, end):
        nul = data.find(term, pos, end)
        if nul < 0:
            raise missing_terminator()
        raw = data[pos:nul]
        text = raw.decode('ascii') if raw.isascii() else _DECODE_TEXT(raw)[0]
        return (text if parse is None else parse(text)), nul + 1
    return read


# ---------------------------------------------------------------------------
# Structures
# ---------------------------------------------------------------------------

def struct_read(intos):
    """The fields' ``into``s in turn, into a new dict."""
    def read(data, pos, end):
        out = {}
        for into in intos:
            pos = into(data, pos, end, out)
        return out, pos
    return read


def prefixed_struct_read(intos):
    """A structure with its own int4 length: bytes left after its fields are
    kept in ``_extra``."""
    unpack = _unpack_i4

    def read_prefixed(data, pos, end):
        start = pos + 4
        if start > end:
            _prefixed(data, pos, end, 'structure')
        stop = start + unpack(data, pos)[0]
        if stop < start or stop > end:
            _prefixed(data, pos, end, 'structure')
        out = {}
        for into in intos:
            start = into(data, start, stop, out)
        if start < stop:
            out['_extra'] = data[start:stop]
        return out, stop
    return read_prefixed


# ---------------------------------------------------------------------------
# Arrays
# ---------------------------------------------------------------------------

def items_read(dec, prefixed, name):
    """Items read with ``dec`` to the end of the array (an int4 byte length
    first when ``prefixed``, else to the end of the enclosing data)."""
    def read(data, pos, end):
        if prefixed:
            pos, end = _prefixed(data, pos, end, name)
        items = []
        append = items.append
        while pos < end:
            value, pos = dec(data, pos, end)
            append(value)
        return items, pos
    return read


def structs_read(prefixed, name, lead_name, lead_into, intos):
    """Items that are prefixed structures, read in the array's loop (what
    ``prefixed_struct_read`` does for one, without a call per item); with a
    ``lead_into``, the structure's leading int4 field ``lead_name`` is
    unpacked with its length and ``intos`` are the other fields'."""
    unpack = _unpack_i4

    def read_structs(data, pos, end):
        if prefixed:
            pos, end = _prefixed(data, pos, end, name)
        items = []
        while pos < end:
            start = pos + 4
            if start > end:
                _prefixed(data, pos, end, 'structure')
            if lead_into is not None and start + 4 <= end:
                size, first = _unpack_ii(data, pos)
            else:
                size, first = unpack(data, pos)[0], None
            stop = start + size
            if stop < start or stop > end:
                _prefixed(data, pos, end, 'structure')
            out = {}
            if lead_into is not None:
                if start + 4 <= stop:
                    out[lead_name] = first
                    start += 4
                else:
                    lead_into(data, start, stop, out)      # raises: the structure ends before it
            for into in intos:
                start = into(data, start, stop, out)
            if start < stop:
                out['_extra'] = data[start:stop]
            items.append(out)
            pos = stop
        return items, pos
    return read_structs


def counted_read(dec, count, name):
    """A number of items read with ``dec``: the number is an int4, or an
    ASCIIZ decimal string read with ``count`` when that is given."""
    unpack = _unpack_i4

    def read_counted(data, pos, end):
        if count is not None:
            text, pos = count(data, pos, end)
            if not text.isdigit():
                raise DecodeError('%s: element count %r is not a number' % (name, text),
                                  RS_UNRECOGNIZED)
            n = int(text)
        else:
            _need(data, pos, 4, end, '%s count' % name)
            n = unpack(data, pos)[0]
            pos += 4
        items = []
        for _i in range(n):
            value, pos = dec(data, pos, end)
            items.append(value)
        return items, pos
    return read_counted


def _region(strict, data, pos, end, what):
    """(start, stop) of the int4-length-prefixed data at ``pos``, or None
    when it runs past ``end`` (strict: the DecodeError instead)."""
    start = pos + 4
    stop = start + _unpack_i4(data, pos)[0] if start <= end else -1
    if stop < start or stop > end:
        if strict:
            _prefixed(data, pos, end, what)
        return None
    return start, stop


def strings_fast(prefixed, name, what):
    """The fast path of an array of plain int4-length strings: walk the
    lengths, decode the text of the whole array once and slice it (one
    character per byte).  ``what`` names an item in errors."""
    unpack = _unpack_i4

    def read_strings(strict, data, pos, end, out=None):
        if prefixed:
            span = _region(strict, data, pos, end, name)
            if span is None:
                return None
            pos, end = span
        items = []
        base, text = pos, None
        while pos < end:
            start = pos + 4
            stop = start + unpack(data, pos)[0] if start <= end else -1
            if stop < start or stop > end:
                if strict:
                    _prefixed(data, pos, end, what)
                return None
            if text is None:
                raw = data[base:end]
                text = raw.decode('ascii') if raw.isascii() else _DECODE_TEXT(raw)[0]
            items.append(text[start - base:stop - base])
            pos = stop
        if out is None:
            return items, pos
        out[name] = items
        return pos
    return read_strings


def split_fast(prefixed, name, term, sep, parse, missing_terminator):
    """The fast path of a list of strings each ending with the one byte
    ``term`` (``sep`` as text): one decode and one split; ``parse`` (a
    ``Text`` parser) or None."""

    def read_split(strict, data, pos, end, out=None):
        if prefixed:
            span = _region(strict, data, pos, end, name)
            if span is None:
                return None
            pos, end = span
        if pos >= end:
            items = []
        else:
            raw = data[pos:end]
            if not raw.endswith(term):
                if strict:
                    raise missing_terminator()
                return None
            items = (raw.decode('ascii') if raw.isascii() else _DECODE_TEXT(raw)[0]).split(sep)
            items.pop()
            if parse is not None:
                items = [parse(text) for text in items]
            pos = end
        if out is None:
            return items, pos
        out[name] = items
        return pos
    return read_split


def separated_read(inner, prefix, name):
    """Strings with a separator between them and none after the last
    (``CStrList(separated=True)``): ``inner`` reads them once the last one
    is given the separator it goes without."""
    def read_separated(data, pos, end):
        if prefix:
            pos, end = _prefixed(data, pos, end, name)
        if pos < end:
            # give the last string the NUL it goes without
            items, _pos = inner(data[pos:end] + b'\x00', 0, end - pos + 1)
            return items, end
        return [], end
    return read_separated


# ---------------------------------------------------------------------------
# Alternatives (OneOf)
# ---------------------------------------------------------------------------

def one_of_read(attempts, first):
    """The first alternative that reads without a ``_raw`` fallback, else
    the first fallback, else the error of the first alternative (``first``
    is its ``into``)."""
    def read(data, pos, end):
        fallback = None
        for attempt in attempts:
            out = {}
            after = attempt(data, pos, end, out)
            if after is None:
                continue
            if '_raw' not in out:
                return out, after
            if fallback is None:
                fallback = (out, after)
        if fallback is not None:
            return fallback
        first(data, pos, end, {})       # every alternative failed: raise the first one's error
        raise DecodeError('no alternative reads the data at offset %d' % pos)
    return read


def alternative_by_attempt(attempt):
    """An alternative of ``one_of_into`` as ``(strict, data, pos, end, out)
    -> pos``, None when it does not read, -1 when it reads with a ``_raw``
    fallback; it reads through a dict of its own."""
    def alternative(_strict, data, pos, end, out):
        got = {}
        after = attempt(data, pos, end, got)
        if after is None or '_raw' in got:
            return after if after is None else -1
        out.update(got)
        return after
    return alternative


def one_of_into(tries, read):
    """``into`` of a ``OneOf``: ``tries`` are its alternatives as
    ``alternative_by_attempt`` gives them (or an array's fast reader, which
    writes its one key only when it reads); when none reads cleanly,
    ``read`` (``one_of_read``) decides."""
    def into(data, pos, end, out):
        for alternative in tries:
            after = alternative(False, data, pos, end, out)
            if after is not None:
                if after >= 0:
                    return after
                break
        got, pos = read(data, pos, end)     # the first to read, a fallback, or the first error
        out.update(got)
        return pos
    return into
