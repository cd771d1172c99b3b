# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The generic ``* ZVMCLOUD ...`` comment record helpers of
directory/records.py that the volume, image and first-boot records share:
splitting a long value over records, joining it back, scanning an entry's
comments and replacing a kind's records."""

import re

from ansible_collections.zvm.cloud.plugins.module_utils import directory
from ansible_collections.zvm.cloud.plugins.module_utils.directory import records

PREFIX = 'ZVMCLOUD TEST 0100 '          # 19 characters: 51 columns left after "* "


def test_a_short_value_is_one_record_with_its_words():
    assert records.comment_texts(PREFIX, 'name', ['abc']) == ['ZVMCLOUD TEST 0100 name abc']


def test_a_long_value_continues_and_every_record_fits():
    value = 'n' * 120
    texts = records.comment_texts(PREFIX, value, ['x' * 32])
    assert all(len('* ' + t) <= 72 for t in texts)
    assert [t.endswith('+') for t in texts] == [True, True, True, False]
    assert texts[0] == PREFIX + 'n' * 50 + '+'           # a continued record is full to column 72
    assert texts[-1].endswith(' ' + 'x' * 32)
    joined = records.Continuations()
    parts = [t[len(PREFIX):].split()[0] for t in texts]
    assert [joined.add('k', p) for p in parts] == [True, True, True, False]
    assert joined.end('k', parts[-1]) == value


def test_the_last_record_keeps_a_part_of_the_value():
    # 50 characters and the 32 of the words do not fit one record: the last record still has a character
    texts = records.comment_texts(PREFIX, 'n' * 19, ['x' * 32])
    assert texts == [PREFIX + 'n' * 18 + '+', PREFIX + 'n ' + 'x' * 32]


def test_tokens_are_never_split_and_spare_columns_stay_free():
    tokens = ['^a'] * 30                                 # 60 characters, in pieces of two
    texts = records.comment_texts(PREFIX, tokens, spare=1)
    assert texts == [PREFIX + '^a' * 25 + '+', PREFIX + '^a' * 5]
    assert records.comment_texts(PREFIX, 'n' * 51) == [PREFIX + 'n' * 51]
    assert records.comment_texts(PREFIX, 'n' * 51, spare=1) == [PREFIX + 'n' * 50 + '+', PREFIX + 'n']


def test_continuations_are_per_key_and_forgotten_at_the_end():
    joined = records.Continuations()
    assert joined.add('a', 'ab+') and joined.add('b', 'x+')
    assert joined.end('a', 'c') == 'abc'
    assert joined.end('a', 'd') == 'd'                    # the parts were forgotten
    assert joined.end('b') == 'x' and joined.end('b') == ''


RE = re.compile(r'^\s*\*\s*ZVMCLOUD\s+TEST\s+(\S+)\s*$', re.IGNORECASE)


def test_matching_finds_the_kind_in_order_regardless_of_case():
    entry = directory.parse(['USER LINUX01 PW 1G 2G G', '* ZVMCLOUD TEST one', '* OTHER', 'IPL CMS',
                             '*  zvmcloud test TWO  '])
    assert [m.group(1) for _st, m in records.matching(entry, RE)] == ['one', 'TWO']


def test_replace_changes_only_what_differs():
    entry = directory.parse(['USER LINUX01 PW 1G 2G G', '* ZVMCLOUD TEST one', 'IPL CMS'])
    old = [st for st, _m in records.matching(entry, RE)]
    assert records.replace(entry, old, ['ZVMCLOUD TEST one']) is False
    assert records.replace(entry, old, ['zvmcloud  test ONE'], key=lambda t: ' '.join(t.upper().split())) is False
    assert records.replace(entry, old, ['ZVMCLOUD TEST two', 'ZVMCLOUD TEST three']) is True
    assert [m.group(1) for _st, m in records.matching(entry, RE)] == ['two', 'three']
    assert records.replace(entry, [st for st, _m in records.matching(entry, RE)], []) is True
    assert records.matching(entry, RE) == [] and 'IPL CMS' in entry.records()
