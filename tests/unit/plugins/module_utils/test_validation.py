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
