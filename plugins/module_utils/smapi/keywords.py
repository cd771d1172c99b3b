# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SMAPI wire codec: the keyword-list fields.

* ``KV``: one ``key=value`` item, validated like a string field;
* ``KVList``: ``key=value\\0`` items in any order, flattened into the
  parameters (the ``*_DM`` functions' keyword parameters);
* ``KVStream`` with its ``KVRecords`` specs: nested lists of records
  written as one flat stream of items (Virtual_Network_Adapter_Query_Extended).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zvm.cloud.plugins.module_utils.smapi.fields import Field, _TextField
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.primitives import (
    ANY, DecodeError, RS_END_OF_DATA, RS_EXTRANEOUS, RS_MISSING, RS_UNRECOGNIZED, ValidationError, _bytes,
    _pack_i4, _prefixed, _text,
)


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

    def _read(self, data, pos, end):
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
            out += _pack_i4(len(body))
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

    def _read(self, data, pos, end):
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
            out += _pack_i4(len(body))
        out += body
