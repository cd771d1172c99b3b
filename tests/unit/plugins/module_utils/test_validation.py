# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validators: canonical forms of good values, exact messages for bad ones."""

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils import validation as v


def message(func, *args, **kwargs):
    with pytest.raises(ValueError) as err:
        func(*args, **kwargs)
    return str(err.value)


# -- user IDs ------------------------------------------------------------------------

@pytest.mark.parametrize('name, expected', [
    ('linux01', 'LINUX01'), ('GT@PONG', 'GT@PONG'), ('$ALLOC$', '$ALLOC$'), ('A#B_C-D', 'A#B_C-D'),
    ('5684042J', '5684042J'), ('X', 'X'), (' maint ', 'MAINT'),
])
def test_userid_good(name, expected):
    assert v.userid(name) == expected


def test_userid_bad():
    assert message(v.userid, 'TOOLONGID') == \
        "name: 'TOOLONGID' is not a valid z/VM user ID: it must be 1 to 8 characters long"
    assert message(v.userid, '', field='guest') == \
        "guest: '' is not a valid z/VM user ID: it must be 1 to 8 characters long"
    assert message(v.userid, 'LIN.UX') == \
        "name: 'LIN.UX' is not a valid z/VM user ID: '.' is not allowed (use A-Z, 0-9, @ # $ _ -)"
    assert message(v.userid, 'A B') == \
        "name: 'A B' is not a valid z/VM user ID: ' ' is not allowed (use A-Z, 0-9, @ # $ _ -)"
    assert message(v.userid, None) == 'name: a value is required'
    assert message(v.userid, ['X']) == 'name: expected a string, got list'


@pytest.mark.parametrize('name', ['SYSTEM', 'systemmp', 'LOGN0001', 'LOGLABCD', 'LOGVXXXX'])
def test_userid_reserved(name):
    assert message(v.userid, name) == \
        "name: %r is reserved for CP (SYSTEM, SYSTEMMP, LOGNxxxx, LOGLxxxx and LOGVxxxx are)" % name.upper()
    assert v.userid(name, allow_reserved=True) == name.upper()


def test_userid_logn_prefix_only_reserved_at_eight_chars():
    assert v.userid('LOGNX') == 'LOGNX'


# -- vdev, volser, pool ---------------------------------------------------------------

@pytest.mark.parametrize('value, expected', [('100', '0100'), ('0191', '0191'), ('a', '000A'), ('1fc0', '1FC0'),
                                             (191, '0191')])
def test_vdev_good(value, expected):
    assert v.vdev(value) == expected


@pytest.mark.parametrize('bad', ['10000', 'G100', '', '01 0'])
def test_vdev_bad(bad):
    assert message(v.vdev, bad) == \
        "vdev: %r is not a virtual device number: expected 1 to 4 hexadecimal digits, such as 0100" % bad.strip()


def test_volser():
    assert v.volser('lx3002') == 'LX3002'
    assert v.volser('$$$$$$') == '$$$$$$'
    assert message(v.volser, 'LX30021') == \
        "volser: 'LX30021' is not a valid volume serial: it must be 1 to 6 characters long"
    assert message(v.volser, 'LX_1') == \
        "volser: 'LX_1' is not a valid volume serial: '_' is not allowed (use A-Z, 0-9, @ # $)"


def test_pool_name():
    assert v.pool_name('pool-1') == 'POOL-1'
    assert message(v.pool_name, 'POOLNAME9') == \
        "pool: 'POOLNAME9' is not a valid disk pool name: it must be 1 to 8 characters long"
    assert message(v.pool_name, 'PO*L') == \
        "pool: 'PO*L' is not a valid disk pool name: '*' is not allowed (use A-Z, 0-9, @ # $ _ -)"


# -- network -----------------------------------------------------------------------------

@pytest.mark.parametrize('value, expected', [
    ('02:00:00:AB:CD:EF', v.MacAddress('02:00:00:AB:CD:EF', 'ABCDEF')),
    ('02-00-00-ab-cd-ef', v.MacAddress('02:00:00:AB:CD:EF', 'ABCDEF')),
    ('020000abcdef', v.MacAddress('02:00:00:AB:CD:EF', 'ABCDEF')),
    ('0e4e8e', v.MacAddress(None, '0E4E8E')),
])
def test_mac_address_good(value, expected):
    assert v.mac_address(value) == expected


@pytest.mark.parametrize('bad', ['02:00:00:AB:CD', '02:00-00:AB:CD:EF', 'ABCDEG', '0200.00AB.CDEF', '12345'])
def test_mac_address_bad(bad):
    assert message(v.mac_address, bad) == \
        ("mac_address: %r is not a MAC address: expected 6 bytes such as 02:00:00:AB:CD:EF, 02-00-00-AB-CD-EF "
         "or 020000ABCDEF, or a 6-hex-digit MACID such as ABCDEF" % bad.upper())


def test_mac_address_multicast_and_zero():
    assert message(v.mac_address, '01:00:5E:00:00:01') == \
        ("mac_address: '01:00:5E:00:00:01' is a multicast address; a NIC needs a unicast MAC address "
         "(the first byte must be even)")
    assert message(v.mac_address, '000000000000') == \
        'mac_address: 00:00:00:00:00:00 is not a usable MAC address'


@pytest.mark.parametrize('value, expected', [(1, 1), (4094, 4094), ('100', 100), (' 7 ', 7)])
def test_vlan_id_good(value, expected):
    assert v.vlan_id(value) == expected


@pytest.mark.parametrize('bad', [0, 4095, -1, 'ten', True, None, '1.5'])
def test_vlan_id_bad(bad):
    assert message(v.vlan_id, bad) == \
        'vlan: %r is not a VLAN ID: expected a whole number from 1 to 4094' % (bad,)


def test_vswitch_name():
    assert v.vswitch_name('vsw1') == 'VSW1'
    assert v.vswitch_name('A@#$_Z') == 'A@#$_Z'
    assert message(v.vswitch_name, 'VSW-1') == \
        "vswitch: 'VSW-1' is not a valid virtual switch name: '-' is not allowed (use A-Z, 0-9, @ # $ _)"
    assert message(v.vswitch_name, 'VSWITCH01') == \
        "vswitch: 'VSWITCH01' is not a valid virtual switch name: it must be 1 to 8 characters long"


# -- text, privileges, passwords ------------------------------------------------------------

def test_no_blanks_or_controls():
    assert v.no_blanks_or_controls('ABC', 'field') == 'ABC'
    assert message(v.no_blanks_or_controls, 'A B', 'comment') == 'comment: must not contain blanks'
    assert message(v.no_blanks_or_controls, 'A\x01B', 'comment') == \
        'comment: must not contain control characters (found 0x01)'
    assert message(v.no_blanks_or_controls, 5, 'x') == 'x: expected a string, got int'


def test_privilege_classes():
    assert v.privilege_classes('abcdefg') == 'ABCDEFG'
    assert v.privilege_classes('G19') == 'G19'
    assert message(v.privilege_classes, 'G0') == \
        "privileges: 'G0' is not a valid set of privilege classes: '0' is not allowed (use A-Z and 1-9)"
    assert message(v.privilege_classes, 'A' * 33) == \
        ("privileges: %r is not a valid set of privilege classes: it must be 1 to 32 characters long" % ('A' * 33))


def test_password_good():
    assert v.password('s3cr3t') == 's3cr3t'
    assert v.password('@SM8PI@') == '@SM8PI@'
    for keyword in ('lbyonly', 'NOLOG', 'AutoOnly', 'NOPASS'):
        assert v.password(keyword) == keyword.upper()


@pytest.mark.parametrize('bad, text', [
    ('TOOLONGPW', 'password: the password is 9 characters long; a z/VM directory password is 1 to 8 characters '
                  '(or NOLOG, NOPASS, AUTOONLY, LBYONLY)'),
    ('PA SS', 'password: the password must not contain blanks'),
    ('PA\tSS', 'password: the password must not contain blanks'),
    ('PA\x00S', 'password: the password must not contain control characters'),
    ('', 'password: a password of 1 to 8 characters (or NOLOG, NOPASS, AUTOONLY, LBYONLY) is required'),
    (None, 'password: a password of 1 to 8 characters (or NOLOG, NOPASS, AUTOONLY, LBYONLY) is required'),
])
def test_password_bad_never_echoes(bad, text):
    got = message(v.password, bad)
    assert got == text
    if bad:
        assert bad not in got


# -- ASCII only, nothing silently changed (issue 16, bug 5) -----------------------------------------

@pytest.mark.parametrize('func, value, field, shown', [
    (v.userid, 'l\u0131nux02', 'name', "'\u0131' (U+0131)"),          # dotless i upper-cases to I
    (v.userid, 'LINUX02\x1f', 'name', "'\\x1f' (U+001F)"),            # was stripped
    (v.userid, '\u2028LINUX02', 'name', "'\\u2028' (U+2028)"),
    (v.vswitch_name, 'v\u017fw1', 'vswitch', "'\u017f' (U+017F)"),    # long s upper-cases to S
    (v.pool_name, 'POOL\u0661', 'pool', "'\u0661' (U+0661)"),
    (v.volser, 'LX\uff10100', 'volser', "'\uff10' (U+FF10)"),
    (v.privilege_classes, 'G\u212a', 'privileges', "'\u212a' (U+212A)"),  # Kelvin sign
    (v.vdev, '01\x1f', 'vdev', "'\\x1f' (U+001F)"),
    (v.vdev, '\uff10\uff11\uff10\uff10', 'vdev', "'\uff10' (U+FF10)"),
    (v.ipl_device, '01\x1f', 'ipl', "'\\x1f' (U+001F)"),
    (v.ipl_device, 'cm\u017f', 'ipl', "'\u017f' (U+017F)"),
    (v.mac_address, '02:00:00:ab:cd:\ufb00', 'mac_address', "'\ufb00' (U+FB00)"),  # ff ligature upper-cases to FF
    (v.vlan_id, '\u0661\u0660\u0660', 'vlan', "'\u0661' (U+0661)"),   # Arabic-Indic digits read as 100
    (v.vlan_id, '100\n', 'vlan', "'\\n' (U+000A)"),
])
def test_non_ascii_and_control_characters_are_errors_naming_the_field(func, value, field, shown):
    got = message(func, value)
    assert got.startswith('%s: %r is not ' % (field, value)), got
    assert 'it contains %s' % shown in got and '\n' not in got


@pytest.mark.parametrize('value', ['\u0131', '\u017f', '\ufb00', '\u00df'])
def test_text_that_upper_cases_to_ascii_is_not_accepted(value):
    assert message(v.no_blanks_or_controls, 'ACC' + value, 'account').startswith('account: ')
    assert message(v.password, 'PW' + value) == (
        'password: the password must consist of printable ASCII characters (letters, digits and symbols such '
        'as @ # $)')


def test_a_password_with_an_invisible_character_is_refused_without_showing_it():
    got = message(v.password, 'PA\u200bSS1')
    assert 'SS1' not in got and '200b' not in got.lower() and 'PA' not in got.replace('password', '')


def test_ipl_device():
    assert v.ipl_device('100') == '0100'
    assert v.ipl_device(' cms ') == 'CMS'
    assert message(v.ipl_device, 'TOOLONGNAME') == (
        "ipl: 'TOOLONGNAME' is neither a vdev (1 to 4 hex digits) nor a system name (1 to 8 of A-Z, 0-9, "
        "@ # $ _ -)")


@pytest.mark.parametrize('value, expected', [(5, 5), ('5', 5), (' 64 ', 64)])
def test_ascii_number_good(value, expected):
    assert v.ascii_number(value, 'vcpus', 1, 64) == expected


@pytest.mark.parametrize('value, text', [
    (0, 'vcpus: 0 is not a whole number from 1 to 64'),
    ('0', "vcpus: '0' is not a whole number from 1 to 64"),
    ('\u0662', "vcpus: '\u0662' is not a whole number: it contains '\u0662' (U+0662)"),
    ('2\x1f', "vcpus: '2\\x1f' is not a whole number: it contains '\\x1f' (U+001F)"),
    ('9' * 30, "vcpus: '%s' is not a whole number from 1 to 64 (digits 0-9 only)" % ('9' * 30)),
    (True, 'vcpus: True is not a whole number from 1 to 64'),
])
def test_ascii_number_bad(value, text):
    assert message(v.ascii_number, value, 'vcpus', 1, 64).startswith(text)


def test_raw_numbers_of_module_arguments_must_be_ascii_digits():
    spec = {'vcpus': {'type': 'int'}, 'name': {'type': 'str'},
            'disks': {'type': 'list', 'elements': 'dict', 'options': {'count': {'type': 'int'}}}}
    assert v.raw_number_problem(spec, {'vcpus': '2', 'name': '\u0662', 'disks': [{'count': 3}]}) is None
    assert v.raw_number_problem(spec, {'vcpus': '\u0662'}) == \
        "vcpus: '\u0662' is not a whole number: use the digits 0-9"
    assert v.raw_number_problem(spec, {'vcpus': '2\x1f'}) == \
        "vcpus: '2\\x1f' is not a whole number: use the digits 0-9"
    assert v.raw_number_problem(spec, {'disks': [{'count': 1}, {'count': '\uff13'}]}) == \
        "disks[2].count: '\uff13' is not a whole number: use the digits 0-9"


# -- the planner's settings: 0 CPUs is an error, not 1 ----------------------------------------------

@pytest.mark.parametrize('settings, text', [
    ({'vcpus': 0}, 'vcpus: 0 is not a number from 1 to 64'),
    ({'max_vcpus': 0}, 'max_vcpus: 0 is not a number from 1 to 64'),
    ({'vcpus': 4, 'max_vcpus': 2}, 'max_vcpus: 2 is less than vcpus (4)'),
    ({'memory': '99999999G'}, 'memory: 99999999G is not a storage size z/VM takes'),
    ({'ipl': '01\x1f'}, "ipl: '01\\x1f' is not an IPL device"),
    ({'logonby': ['l\u0131nux02']}, "logonby: 'l\u0131nux02' is not a valid z/VM user ID"),
    ({'account': 'AC\u00dfT'}, "account: 'AC\u00dfT' contains '\u00df' (U+00DF)"),
])
def test_guest_settings_are_checked_naming_the_option(settings, text):
    from ansible_collections.zvm.cloud.plugins.module_utils.planners import guests
    assert message(guests.check_settings, settings).startswith(text)
    assert message(guests.check_settings, settings, 'guests[2].').startswith('guests[2].' + text)


def test_apply_settings_refuses_zero_cpus_before_changing_the_entry():
    from ansible_collections.zvm.cloud.plugins.module_utils import directory
    from ansible_collections.zvm.cloud.plugins.module_utils.planners import guests
    entry = directory.DirectoryEntry.new('LINUX01', 'PW', '1G', '1G', 'G')
    before = entry.records()
    for bad in ({'vcpus': 0}, {'max_vcpus': 0}, {'memory': '2G', 'vcpus': 0}):
        assert message(guests.apply_settings, entry, bad).split(':', maxsplit=1)[0] in ('vcpus', 'max_vcpus')
        assert entry.records() == before


def test_new_entry_refuses_zero_cpus():
    from ansible_collections.zvm.cloud.plugins.module_utils.planners import guests
    assert message(guests.new_entry, 'LINUX01', 0, '1G') == 'vcpus: 0 is not a number from 1 to 64'
    assert message(guests.new_entry, 'LINUX01', 1, '1G', ipl_from='01\x1f').startswith("ipl_from: '01\\x1f'")


def test_an_empty_disk_vdev_is_an_error_not_the_next_free_one():
    from ansible_collections.zvm.cloud.plugins.module_utils.planners import disks
    got = message(disks.normalize, [{'vdev': '', 'size': '1G', 'disk_pool': 'ECKD:POOL1'}])
    assert got == "disk 1 vdev: '' is not a virtual device number: expected 1 to 4 hexadecimal digits, such as 0100"
    assert disks.normalize([{'size': '1G', 'disk_pool': 'ECKD:POOL1'}])[0]['vdev'] == '0100'
    assert message(disks.normalize, [{'size': '1G', 'disk_pool': 'ECKD:POOL\u0661'}]).startswith('disk 1 disk_pool')
    assert message(disks.normalize, [{'size': '1G', 'disk_pool': 'ECKD:P1', 'mode': ''}]).startswith(
        "disk 1: mode '' is not one of")
    assert message(disks.normalize, [{'size': '1G', 'disk_pool': 'ECKD:P1'}], 'ECKD:PO\x1fOL').startswith(
        "disk_pool: 'ECKD:PO\\x1fOL' is not a disk pool")


def test_nic_and_vswitch_values_are_ascii():
    from ansible_collections.zvm.cloud.plugins.module_utils.planners import nics, vswitches
    assert message(nics.normalize, {'vdev': '1000', 'vswitch': 'VSW1', 'port_type': 'ACCE\u017fS'}).startswith(
        "port_type: 'ACCE\u017fS' is not ACCESS or TRUNK")
    assert message(nics.normalize, {'vdev': '1000', 'nic_id': 'abc\n'}).startswith("nic_id: 'abc\\n'")
    assert message(vswitches.parse_rdev, '\ufb00').startswith("rdev: '\ufb00' is not a list of real device")
    assert message(vswitches.normalize, {'controller': '\x1fDTCVSW1'}).startswith("controller: '\\x1fDTCVSW1'")
    assert message(vswitches.normalize_grants, [{'userid': 'MAINT', 'vlan_ids': ['1\u0660']}]).startswith(
        "grants[1].vlan_ids: '1\u0660' is not a VLAN ID or range")
