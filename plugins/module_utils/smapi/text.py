# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SMAPI wire codec: ``Text``, the layout of a text record.

Some SMAPI outputs are strings whose content is itself a record of
blank-separated fields or fixed columns (System_RDR_File_Query's reader
files, Image_Query_DM's directory records, ...).  A string field of
``fields.py`` given ``fmt='{name:8} {rest*}'`` parses and renders its value
with a ``Text``.  A format of fixed columns is cut by position; any other
goes through a regular expression built on first use.

This module imports nothing of the codec.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import operator
import re

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
        self._parse = None
        # rendering a parsed record gives it back unless a ``[]`` slot
        # normalized its blanks: only then is the render check needed
        self._exact = all(kind != '[]' for _name, _width, kind in self.slots)

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
        self._parse = (self._pattern is None and self._column_parser()) or self._parse_match

    def _column_parser(self):
        """For a format of fixed columns (every slot has a width, but a last
        ``{name*}``), a parser that cuts a record by position: the same
        result as the regular expression, which decides only the records
        that do not fit the columns.  None for other formats."""
        literals, columns, rest, at, pos = [], [], None, 0, 0
        for m in _SLOT.finditer(self.fmt):
            if rest is not None:
                return None                 # a slot after {name*}
            literal = self.fmt[pos:m.start()]
            literals.extend((at + i, ch) for i, ch in enumerate(literal))
            at += len(literal)
            name, width, kind = m.group(1), int(m.group(2) or 0), m.group(3) or ''
            if width and not kind:
                columns.append((name, at, at + width))
                at += width
            elif kind == '*' and not width:
                rest = name
            else:
                return None
            pos = m.end()
        tail = self.fmt[pos:]
        if tail and rest is not None:
            return None
        literals.extend((at + i, ch) for i, ch in enumerate(tail))
        return self._make_column_parser(literals, columns, rest, at + len(tail), self._parse_match)

    @staticmethod
    def _make_column_parser(literals, columns, rest, fixed, fallback):
        """The parser of ``_column_parser``: literal characters by position,
        columns without their trailing blanks, the rest as it is."""
        positions = [p for p, _ch in literals]
        expected = tuple(ch for _p, ch in literals)
        if len(expected) == 1:
            expected = expected[0]      # itemgetter of one position gives the item itself
        get = operator.itemgetter(*positions) if positions else None

        def parse(text):
            if (len(text) < fixed) if rest is not None else (len(text) != fixed):
                return fallback(text)
            if get is not None and get(text) != expected:
                return fallback(text)
            out = {}
            for name, start, stop in columns:
                out[name] = text[start:stop].rstrip(' ')
            if rest is not None:
                out[rest] = text[fixed:]
            return out
        return parse

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

    def parser(self):
        """``parse`` as the function that does the work (for loops)."""
        if self._regex is None:
            self._compile()
        return self._parse

    def parse(self, text):
        return self.parser()(text)

    def _parse_match(self, text):
        if self._pattern is not None and not self._pattern.match(text):
            return {'_raw': text}
        m = self._regex.match(text)
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
        if not self._exact and self.render(out) != text:
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
