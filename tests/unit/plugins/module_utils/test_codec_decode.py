# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The codec's compiled decoding (codec.py): the whole-array fast paths give
what reading item by item gives, errors included; fixed-column ``Text``
formats cut by position exactly as the regular expression parses; ``OneOf``
keeps its rule (the first alternative that reads without a ``_raw``
fallback, else the first fallback, else the first alternative's error).
The captures are checked byte for byte by the conformance harness; these
tests cover the shapes and failures the captures do not show."""

import random
import struct

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.smapi import codec, layouts


def i4(n):
    return struct.pack('>i', n)


def s(text):
    raw = text.encode('iso8859_15') if isinstance(text, str) else text
    return i4(len(raw)) + raw


def one_by_one(item, data, pos, end):
    """The reference: an array's items read with the item's own decoder."""
    items = []
    while pos < end:
        value, pos = item.read(data, pos, end)
        items.append(value)
    return items, pos


def outcome(fn, *args):
    try:
        return 'ok', fn(*args)
    except codec.DecodeError as e:
        return 'error', str(e)


# -- text --------------------------------------------------------------------------------

def test_text_is_iso8859_15_whether_ascii_or_not():
    field = codec.Str('x')
    assert field.read(s(b'abc'), 0, 7) == ('abc', 7)
    # 0xA4 is the euro sign in ISO-8859-15 (latin-1 would give the currency sign)
    assert field.read(s(b'\xa4 \xbd'), 0, 7) == (u'\u20ac \u0153', 7)
    strings = codec.Array('a', codec.Str(None))
    raw = s(b'x\xa4') + s(b'plain') + s(b'\xbe')
    assert strings.read(i4(len(raw)) + raw, 0, 4 + len(raw))[0] == [u'x\u20ac', 'plain', u'\u0178']
    words = codec.CStrList('w', prefix=False)
    assert words.read(b'\xa4\x00ok\x00', 0, 6)[0] == [u'\u20ac', 'ok']
    keywords = codec.KVList([codec.KV('name')])
    assert keywords.read(b'name=\xa4\x00', 0, 7)[0] == {'name': u'\u20ac'}


def test_read_takes_any_bytes_like_data():
    field = codec.Array('a', codec.Str(None))
    raw = i4(10) + s('ab') + s('')
    for data in (raw, bytearray(raw), memoryview(raw)):
        assert field.read(data, 0, len(raw)) == (['ab', ''], len(raw))
        out = {}
        assert field.read_into(data, 0, len(raw), out) == len(raw) and out == {'a': ['ab', '']}


# -- arrays of strings -------------------------------------------------------------------

STRING_ARRAYS = [
    b'',
    s('one'),
    s('one') + s('') + s('three'),
    s('one') + i4(50) + b'short',             # an item longer than the array
    s('one') + i4(-1),                        # a negative length
    s('one') + b'\x00\x00',                   # a length cut short
]


@pytest.mark.parametrize('body', STRING_ARRAYS)
@pytest.mark.parametrize('count', ['bytes', 'rest'])
def test_string_array_reads_as_its_items_would(body, count):
    field = codec.Array('names', codec.Str(None, 1, 8), count=count)
    data = (i4(len(body)) if count == 'bytes' else b'') + body + b'after'
    end = len(data) - len('after') if count == 'bytes' else len(data) - 5
    start = 4 if count == 'bytes' else 0
    expected = outcome(one_by_one, codec.Str(None, 1, 8), data, start, end)
    assert outcome(field.read, data, 0, end) == expected


def test_string_array_whose_prefix_runs_past_the_end():
    field = codec.Array('names', codec.Str(None))
    with pytest.raises(codec.DecodeError, match='names: length 99 runs past the end'):
        field.read(i4(99) + s('x'), 0, 9)
    with pytest.raises(codec.DecodeError, match='unexpected end of data reading names length'):
        field.read(b'\x00\x00', 0, 2)


# -- lists of ASCIIZ strings ---------------------------------------------------------------

@pytest.mark.parametrize('body', [b'', b'a\x00', b'a\x00\x00b\x00', b'a\x00b', b'\x00', b'no terminator'])
def test_cstr_list_reads_as_its_items_would(body):
    field = codec.CStrList('items', prefix=True)
    data = i4(len(body)) + body
    expected = outcome(one_by_one, codec.CStr(None), data, 4, len(data))
    assert outcome(field.read, data, 0, len(data)) == expected


def test_cstr_list_with_a_blank_terminator_and_a_text_format():
    words = codec.Array('w', codec.CStr(None, terminator=' '), count='rest')
    assert words.read(b'a b  ', 0, 5) == (['a', 'b', ''], 5)
    with pytest.raises(codec.DecodeError, match="missing b' ' terminator"):
        words.read(b'a b', 0, 3)
    rows = codec.CStrList('rows', prefix=False, item=codec.CStr(None, fmt='{a:3} {b*}'))
    data = b'x   rest of it\x00too short\x00'
    assert rows.read(data, 0, len(data))[0] == [{'a': 'x', 'b': 'rest of it'}, {'a': 'too', 'b': 'short'}]


# -- Text formats of fixed columns -----------------------------------------------------------

FORMATS = [
    '{originid:8} {file:4} {class:1} {device_type:3} {records:8} {cpy:3} {hold:4} {date:5} {time:8} '
    '{name:8}  {type:8} {dist*}',                         # System_RDR_File_Query's
    '{a:2}-{b:3}',
    '{a:4}',
    'LIT {a:2} END',
    '{a:2}{b*}',
]


def _samples(fmt, rnd):
    text = codec.Text(fmt)
    base = text.render(dict((name, 'VAL'[:width] if width else 'rest  here ') for name, width, _kind in text.slots))
    out = [base, base + ' ', base[:-1], '', base.replace(' ', 'x'), base.replace('-', ' '), base + '\n', base.upper()]
    for _i in range(300):
        chars = list(base)
        for _j in range(rnd.randrange(1, 4)):
            op = rnd.randrange(3)
            where = rnd.randrange(len(chars) + 1)
            if op == 0 and chars:
                del chars[min(where, len(chars) - 1)]
            elif op == 1:
                chars.insert(where, rnd.choice(' xZ-\n\u20ac'))
            elif chars:
                chars[min(where, len(chars) - 1)] = rnd.choice(' xZ-E')
        out.append(''.join(chars))
    return out


@pytest.mark.parametrize('fmt', FORMATS)
def test_columns_are_cut_as_the_regular_expression_parses(fmt):
    text = codec.Text(fmt)
    parse = text.parser()
    assert parse != text._parse_match     # pylint: disable=protected-access; the column parser is in use
    rnd = random.Random(fmt)
    for sample in _samples(fmt, rnd):
        assert parse(sample) == text._parse_match(sample), sample   # pylint: disable=protected-access


@pytest.mark.parametrize('fmt', ['{a} {b:2}', '{a:2} {b[]}', '{a*} {b:2}', '{a:2*}'])
def test_other_formats_use_the_regular_expression(fmt):
    text = codec.Text(fmt)
    assert text.parser() == text._parse_match      # pylint: disable=protected-access


def test_a_words_slot_is_still_checked_by_rendering():
    text = codec.Text('{a:2} {b[]}')
    assert text.parse('ab c d') == {'a': 'ab', 'b': ['c', 'd']}
    assert text.parse('ab c  d') == {'a': 'ab', 'b': ['c', 'd'], '_raw': 'ab c  d'}


# -- structures in arrays --------------------------------------------------------------------

ENTRY = codec.Struct([codec.Int4('kind'), codec.Str('id')])


@pytest.mark.parametrize('body', [
    s(i4(1) + s('A')) + s(i4(2) + s('BB')),
    s(i4(1) + s('A') + b'xyz'),              # bytes after the known fields: kept in _extra
    s(b'\x00\x00'),                          # a structure shorter than its leading int4
    s(i4(7)),                                # a structure that ends after its leading int4
    i4(40) + i4(1),                          # a structure longer than the array
    s(i4(1) + s('A')) + b'\x00',             # a length cut short
])
def test_array_of_structures_reads_as_its_items_would(body):
    field = codec.Array('entries', ENTRY)
    data = i4(len(body)) + body
    expected = outcome(one_by_one, ENTRY, data, 4, len(data))
    assert outcome(field.read, data, 0, len(data)) == expected


def test_a_structure_of_one_int4():
    field = codec.Array('numbers', codec.Struct([codec.Int4('n')]))
    body = s(i4(5)) + s(i4(6))
    assert field.read(i4(len(body)) + body, 0, 4 + len(body))[0] == [{'n': 5}, {'n': 6}]


# -- OneOf -----------------------------------------------------------------------------------

QUERY_ALL = layouts.get('Query_All_DM')


def entry_bytes(kind, name, data):
    body = i4(kind) + s(name) + i4(len(data)) + data
    return i4(len(body)) + body


def query_all_output(*entries):
    body = b''.join(entries)
    return i4(len(body)) + body


def test_query_all_records_and_keywords():
    out = codec.decode_output(QUERY_ALL, 0, query_all_output(
        entry_bytes(0, 'LINUX01', s('USER LINUX01 PW 1G 2G G') + s('IPL CMS')),
        entry_bytes(1, 'IBMDFLT', b'CONSOLE=VDEV=0009\x00INCLUDE=\x00'),
        entry_bytes(0, 'EMPTY', b'')))
    assert out['directory_entries_array'] == [
        {'directory_entry_type': 0, 'directory_entry_id': 'LINUX01',
         'directory_entry_records': ['USER LINUX01 PW 1G 2G G', 'IPL CMS']},
        {'directory_entry_type': 1, 'directory_entry_id': 'IBMDFLT',
         'directory_entry_data': ['CONSOLE=VDEV=0009', 'INCLUDE=']},
        {'directory_entry_type': 0, 'directory_entry_id': 'EMPTY', 'directory_entry_records': []}]


def test_query_all_data_neither_alternative_reads_raises_the_first_ones_error():
    data = query_all_output(entry_bytes(0, 'BAD', i4(3) + b'ab'))
    with pytest.raises(codec.DecodeError) as caught:
        codec.decode_output(QUERY_ALL, 0, data)
    assert str(caught.value) == 'string: length 3 runs past the end of the data'


def test_one_of_prefers_an_alternative_without_a_raw_fallback():
    field = codec.OneOf([codec.CStr(None, fmt='{a:2} {b:2}'), codec.CStr(None, fmt='{a*}'),
                         codec.Array('never', codec.Str(None), count='rest')])
    assert field.read(b'ab cd\x00', 0, 6) == ({'a': 'ab', 'b': 'cd'}, 6)
    assert field.read(b'abcd\x00', 0, 5) == ({'a': 'abcd'}, 5)
    out = {'before': 1}
    assert field.read_into(b'abcd\x00', 0, 5, out) == 5 and out == {'before': 1, 'a': 'abcd'}
    only_raw = codec.OneOf([codec.CStr(None, fmt='{a:2} {b:2}'), codec.CStr(None, fmt='{c:1}')])
    assert only_raw.read(b'abcd\x00', 0, 5) == ({'_raw': 'abcd'}, 5)
    out = {}
    assert only_raw.read_into(b'abcd\x00', 0, 5, out) == 5 and out == {'_raw': 'abcd'}


def test_one_of_tries_a_fast_array_without_leaving_a_trace():
    field = codec.Struct([codec.OneOf([codec.Array('records', codec.Str(None)),
                                       codec.CStrList('keywords')])], prefix=False)
    keywords = i4(8) + b'A=1\x00B=2\x00'
    assert field.read(keywords, 0, len(keywords)) == ({'keywords': ['A=1', 'B=2']}, len(keywords))
    records = i4(5) + s('x')
    assert field.read(records, 0, len(records)) == ({'records': ['x']}, len(records))


# -- compiled once ---------------------------------------------------------------------------

def test_a_field_compiles_its_reader_once():
    field = layouts.get('Query_All_DM').response[0]
    assert field.decoder() is field.decoder() and field.into() is field.into()
    assert field.attempt() is field.attempt()
