# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SMAPI wire codec: the fields made of other fields.

* ``Struct`` (a dict of fields, with or without its own int4 length) and
  ``Group`` (its fields flattened into the enclosing dict);
* ``Array`` (with a byte length, an item count or running to the end) and
  ``CStrList`` (ASCIIZ strings), which take the whole-array fast paths of
  ``readers.py`` where their items allow;
* ``OneOf``: alternative layouts of the same bytes.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools

from ansible_collections.zvm.cloud.plugins.module_utils.smapi.fields import CStr, Field, Int, Str
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.primitives import (
    RS_UNRECOGNIZED, ValidationError, _I4, _bytes, _pack_i4, _text,
)
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.readers import (
    alternative_by_attempt, counted_read, items_read, one_of_into, one_of_read, prefixed_struct_read,
    separated_read, split_fast, strings_fast, struct_read, structs_read,
)


def _check_item(container, item, fn, number=None):
    """Check one element of a list; an element without a name of its own is
    reported under the list's name."""
    try:
        container.item.check(item, fn)
    except ValidationError as e:
        raise e.in_list(container.name, number)


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

    def _compile(self):
        intos = [f.into() for f in self.fields]
        return prefixed_struct_read(intos) if self.prefix else struct_read(intos)

    def write(self, value, out, fn):
        body = bytearray()
        for f in self.fields:
            f.write_from(value, body, fn, False)
        if self.prefix:
            body += value.get('_extra', b'')
            out += _pack_i4(len(body))
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

    def _compile(self):
        fast = self.fast_reader()
        if fast is not None:
            return functools.partial(fast, True)
        if self.count in ('items', 'cstr'):
            return self._compile_counted()
        if isinstance(self.item, Struct) and self.item.prefix and not self.item.flatten:
            return self._compile_structs()
        return items_read(self.item.decoder(), self.count == 'bytes', self.name)

    def _compile_into(self):
        fast = self.fast_reader()
        return functools.partial(fast, True) if fast is not None else Field._compile_into(self)

    def _compile_attempt(self):
        fast = self.fast_reader()
        return functools.partial(fast, False) if fast is not None else Field._compile_attempt(self)

    def _compile_structs(self):
        """Items that are prefixed ``Struct``s, read in the array's loop
        (what ``Struct`` does for one, without a call per item); a leading
        int4 field is unpacked with the structure's length."""
        fields = self.item.fields
        lead = fields[0] if fields and isinstance(fields[0], Int) and fields[0].st is _I4 and fields[0].name else None
        intos = [f.into() for f in (fields[1:] if lead else fields)]
        lead_name, lead_into = (lead.name, lead.into()) if lead else (None, None)
        return structs_read(self.count == 'bytes', self.name, lead_name, lead_into, intos)

    def _compile_counted(self):
        count = CStr(self.name).decoder() if self.count == 'cstr' else None
        return counted_read(self.item.decoder(), count, self.name)

    def fast_reader(self):
        """A whole-array reader ``fast(strict, data, pos, end, out=None)``
        for items that are plain ``Str`` (walk the lengths, decode the text
        of the whole array once and slice it: one character per byte) or
        ``CStr`` (one decode, one split), else None.  With ``out`` it stores
        the list there and returns the position, else returns ``(list,
        position)``; when the bytes do not read it raises as the items
        would when ``strict``, else answers None."""
        item = self.item
        if self.count not in ('bytes', 'rest'):
            return None
        prefixed = self.count == 'bytes'
        if isinstance(item, Str) and item.text is None:
            return strings_fast(prefixed, self.name, item.name or 'string')
        if not isinstance(item, CStr) or len(item.terminator) != 1 or getattr(self, 'separated', False):
            return None
        return split_fast(prefixed, self.name, item.terminator, _text(item.terminator),
                          item.text.parser() if item.text is not None else None, item.missing_terminator)

    def write(self, value, out, fn):
        body = bytearray()
        for number, item in enumerate(value, 1):
            try:
                self.item.write(item, body, fn)
            except ValidationError as e:
                raise e.in_list(self.name, number)
        if self.count == 'items':
            out += _pack_i4(len(value))
        elif self.count == 'cstr':
            out += _bytes(str(len(value))) + b'\x00'
        elif self.count == 'bytes':
            out += _pack_i4(len(body))
        out += body

    def check(self, value, fn):
        if not isinstance(value, (list, tuple)):
            raise ValidationError(fn, self.name, 'must be a list', RS_UNRECOGNIZED)
        for number, item in enumerate(value, 1):
            _check_item(self, item, fn, number)


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

    def _compile(self):
        if not self.separated:
            return Array._compile(self)
        return separated_read(Array(self.name, self.item, 'rest').decoder(), self.prefix, self.name)

    def write(self, value, out, fn):
        if not self.separated:
            return Array.write(self, value, out, fn)
        body = bytearray()
        Array(self.name, self.item, 'rest').write(value, body, fn)
        if body:
            del body[-1:]   # the last item's NUL
        if self.prefix:
            out += _pack_i4(len(body))
        out += body
        return None


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

    def _compile(self):
        return one_of_read([alt.attempt() for alt in self.alternatives], self.alternatives[0].into())

    def _compile_into(self):
        # each alternative as ``(strict, data, pos, end, out) -> pos``, None
        # when it does not read, -1 when it reads with a ``_raw`` fallback:
        # an array's fast reader as it is (it writes its one key only when
        # it reads), another alternative through a dict of its own
        tries = [(isinstance(alt, Array) and alt.fast_reader()) or alternative_by_attempt(alt.attempt())
                 for alt in self.alternatives]
        return one_of_into(tries, self.decoder())

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
