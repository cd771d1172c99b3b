# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The directory model changes nothing silently (issue 16, bug 5): MACHINE
modes are checked before they are upper-cased, so a Unicode letter that
upper-cases to ASCII (the long s, the dotless i) is refused; LOADDEV and
SHARE values with a control character at either end are refused, not
stripped.  Each error names the field and the entry is unchanged."""

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils import directory
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError

RECORDS = ['USER LINUX01 PW 1G 2G G', 'CPU 00 BASE', 'IPL 0100', 'MACHINE ESA 4', 'SHARE RELATIVE 100',
           'LOADDEV LUN 0']


def entry():
    return directory.parse(RECORDS)


@pytest.mark.parametrize('mode', ['e\u017fa', '\u017f', 'x\u0131', 'z\u0131', 'ESA\n', '\uff25SA', ''])
def test_a_machine_mode_is_ascii_before_it_is_upper_cased(mode):
    e = entry()
    with pytest.raises(InputError, match=r'^machine: .* is not a machine mode'):
        e.set_machine(mode=mode)
    assert e.records() == RECORDS


def test_a_machine_mode_in_lower_case_is_still_taken():
    e = entry()
    assert e.set_machine(mode='xc') is True and e.machine.mode == 'XC'


@pytest.mark.parametrize('value', ['5241000000000000\x1f', '\x1f5241000000000000', '0\t', '\n0', '0\x7f'])
def test_a_loaddev_value_with_a_control_character_at_an_end_is_refused(value):
    e = entry()
    with pytest.raises(InputError, match='^loaddev: the LUN value must not contain control characters'):
        e.add_loaddev('LUN', value)
    assert e.records() == RECORDS


def test_blanks_around_a_loaddev_value_are_still_taken_away():
    e = entry()
    e.add_loaddev('LUN', ' 5241000000000000 ')
    assert e.records()[-1] == 'LOADDEV LUN 5241000000000000'


@pytest.mark.parametrize('text', ['RELATIVE 200\x1f', '\x1fRELATIVE 200', 'RELATIVE 200\n', '\t', '\x0b'])
def test_a_share_with_a_control_character_at_an_end_is_refused(text):
    e = entry()
    with pytest.raises(InputError, match='^share: must not contain control characters'):
        e.set_share(text)
    assert e.records() == RECORDS


def test_blanks_around_a_share_are_still_taken_away():
    e = entry()
    assert e.set_share('  relative 200 ') is True and e.records()[4] == 'SHARE RELATIVE 200'
    assert e.set_share('   ') is True and not [r for r in e.records() if r.startswith('SHARE')]
