# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Property-based input testing: every module option that takes a name, a
vdev, a size, an address, a MAC, a VLAN or a number gets generated bad
values, and the module must refuse each one cleanly.

A bad value is a good one spoiled: a character swapped for a Unicode
look-alike (the dotless i, the long s, the Kelvin sign, Cyrillic and
Greek capitals, ligatures, fullwidth letters), a control or invisible
character put in (U+0000-U+001F, DEL, NEL, the line separators, a
zero-width space, a no-break space), its digits written with non-ASCII
digits (Arabic-Indic, Devanagari, fullwidth, superscripts), a number too
large for any z/VM value, or an empty string where empty means nothing.
Each run must end with:

- a failure, not a traceback (no ``exception`` in the result);
- a message of one line that names the option;
- no SMAPI write and an unchanged simulator (directory and extents);
- for a password, the value nowhere in the result.

The short form (the test suite) draws ``ZVM_RELIABILITY_EXAMPLES`` (default
60) values per module, derandomized so that every run tries the same ones;
``ZVM_RELIABILITY_EXAMPLES=10000`` (``tools/bench reliability``) is the long
form, random each time.  See docs/reliability.md.
"""

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from ansible_collections.zvm.cloud.plugins.modules import zvm_facts, zvm_guest, zvm_nic, zvm_vswitch

EXAMPLES = int(os.environ.get('ZVM_RELIABILITY_EXAMPLES') or 60)
LONG_FORM = 'ZVM_RELIABILITY_EXAMPLES' in os.environ

# Characters that look like (or upper-case to) ASCII letters and digits.
LOOKALIKES = {
    'I': ['\u0131', '\u0399', '\u0406', '\uff29'], 'S': ['\u017f', '\u0405', '\uff33'], 'K': ['\u212a', '\u039a'],
    'A': ['\u0410', '\u0391'], 'O': ['\u039f', '\u041e'], 'E': ['\u0415', '\u0395'], 'B': ['\u0392', '\u0412'],
    'C': ['\u0421', '\u216d'], 'H': ['\u041d'], 'M': ['\u041c', '\u039c'], 'N': ['\u039d'], 'P': ['\u0420'],
    'T': ['\u0422', '\u03a4'], 'X': ['\u0425', '\u03a7'], 'L': ['\u216c'], 'V': ['\u2164'], 'W': ['\u051c'],
    'F': ['\ufb00', '\ufb01'], 'D': ['\u216e'],
}
# Non-ASCII digits: Arabic-Indic, Devanagari, fullwidth, mathematical bold, and superscripts.
DIGIT_BLOCKS = (0x0660, 0x0966, 0xff10, 0x1d7ce)
SUPERSCRIPTS = {'1': '\u00b9', '2': '\u00b2', '3': '\u00b3'}
CONTROLS = [chr(c) for c in range(0x20)] + ['\x7f', '\x85', '\u2028', '\u2029', '\u200b', '\ufeff', '\u00a0',
                                            '\u3000']
OTHER = ['\u00e9', '\u00df', '\u20ac', '\U0001f600', '\ufffd']


def _lookalikes(ch):
    if ch.isdigit():
        out = [chr(block + int(ch)) for block in DIGIT_BLOCKS]
        return out + ([SUPERSCRIPTS[ch]] if ch in SUPERSCRIPTS else [])
    return LOOKALIKES.get(ch.upper(), OTHER)


@st.composite
def spoiled(draw, good, empty_ok=False, numeric=False):
    """A bad variant of the good value ``good``: see the module docstring."""
    kinds = ['lookalike', 'control', 'other']
    if any(c.isdigit() for c in good):
        kinds.append('digits')
    if numeric:
        kinds.append('huge')
    if not empty_ok:
        kinds.append('empty')
    kind = draw(st.sampled_from(kinds))
    if kind == 'empty':
        return ''
    if kind == 'huge':
        digits = draw(st.integers(min_value=21, max_value=5000))
        return '9' * digits + draw(st.sampled_from(['', 'G', 'M', 'T', 'K']))
    if kind == 'digits':
        block = draw(st.sampled_from(DIGIT_BLOCKS))
        return ''.join(chr(block + int(c)) if c.isdigit() else c for c in good)
    i = draw(st.integers(min_value=0, max_value=len(good) - 1))
    if kind == 'lookalike':
        return good[:i] + draw(st.sampled_from(_lookalikes(good[i]))) + good[i + 1:]
    char = draw(st.sampled_from(CONTROLS if kind == 'control' else OTHER))
    where = draw(st.sampled_from([0, i, len(good)]))
    return good[:where] + char + good[where:]


def _set(args, path, value):
    """A deep copy of ``args`` with ``path`` (keys and list indexes) set to ``value``."""
    args = json.loads(json.dumps(args))
    target = args
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return args


# (module, valid arguments, path of the option, its good value, the name the message must give,
#  an empty value means something for it, it is a number)
GUEST = dict(name='RELIN01', memory='1G', max_memory='2G', vcpus=1, profile='IBMDFLT', ipl='0100',
             account='ACCT01', logonby=['MAINT'], password='PASS01',
             disks=[{'vdev': '0100', 'size': '100', 'disk_pool': 'ECKD:POOL1'}],
             nics=[{'vdev': '1000', 'vswitch': 'VSWTRUNK', 'vlan_id': 10, 'mac_address': '02:00:00:AB:CD:EF',
                    'nic_id': 'nic-1'}])
GUEST_OPTIONS = [
    (('name',), 'RELIN01', 'name', False, False),
    (('memory',), '1G', 'memory', False, True),
    (('memory',), '1024', 'memory', False, True),
    (('max_memory',), '2G', 'max_memory', False, True),
    (('vcpus',), '1', 'vcpus', False, True),
    (('max_vcpus',), '2', 'max_vcpus', False, True),
    (('profile',), 'IBMDFLT', 'profile', True, False),
    (('ipl',), '0100', 'ipl', True, False),
    (('ipl',), 'CMS', 'ipl', True, False),
    (('account',), 'ACCT01', 'account', True, False),
    (('logonby', 0), 'MAINT', 'logonby', False, False),
    (('password',), 'PASS01', 'password', False, False),
    (('disk_pool',), 'ECKD:POOL1', 'disk_pool', False, False),
    (('disks', 0, 'vdev'), '0100', 'vdev', False, True),
    (('disks', 0, 'size'), '100', 'size', False, True),
    (('disks', 0, 'size'), '1G', 'size', False, True),
    (('disks', 0, 'disk_pool'), 'ECKD:POOL1', 'disk_pool', False, False),
    (('disks', 0, 'mode'), 'MR', 'mode', False, False),
    (('nics', 0, 'vdev'), '1000', 'vdev', False, True),
    (('nics', 0, 'vswitch'), 'VSWTRUNK', 'vswitch', False, False),
    (('nics', 0, 'vlan_id'), '10', 'vlan_id', False, True),
    (('nics', 0, 'mac_address'), '02:00:00:AB:CD:EF', 'mac_address', True, False),
    (('nics', 0, 'nic_id'), 'nic-1', 'nic_id', True, False),
]
NIC = dict(guest='RELNIC1', vdev='1000', vswitch='VSWTRUNK', vlan_id=10, mac_address='02:00:00:AB:CD:EF', nic_id='nic-1')
NIC_OPTIONS = [
    (('guest',), 'RELNIC1', 'guest', False, False),
    (('vdev',), '1000', 'vdev', False, True),
    (('vswitch',), 'VSWTRUNK', 'vswitch', False, False),
    (('vlan_id',), '10', 'vlan_id', False, True),
    (('mac_address',), '02:00:00:AB:CD:EF', 'mac_address', True, False),
    (('mac_address',), 'ABCDEF', 'mac_address', True, False),
    (('nic_id',), 'nic-1', 'nic_id', True, False),
]
VSWITCH = dict(name='RELVSW1', real_device_address='0600', controller='DTCVSW1', vlan_id='100', native_vlan_id=1,
               queue_memory_limit=8, grants=[{'userid': 'MAINT', 'vlan_ids': ['100', '200-210'], 'port_type': 'TRUNK'}])
VSWITCH_OPTIONS = [
    (('name',), 'RELVSW1', 'name', False, False),
    (('real_device_address',), '0600', 'real_device_address', True, True),
    (('controller',), 'DTCVSW1', 'controller', False, False),
    (('vlan_id',), '100', 'vlan_id', False, True),
    (('vlan_id',), 'AWARE', 'vlan_id', False, False),
    (('native_vlan_id',), '1', 'native_vlan_id', False, True),
    (('queue_memory_limit',), '8', 'queue_memory_limit', False, True),
    (('grants', 0, 'userid'), 'MAINT', 'userid', False, False),
    (('grants', 0, 'vlan_ids', 0), '100', 'vlan_ids', False, True),
    (('grants', 0, 'vlan_ids', 1), '200-210', 'vlan_ids', False, True),
]
FACTS = dict(gather_subset=['guests'], guests=['MAINT'], max_connections=4)
FACTS_OPTIONS = [
    (('guests', 0), 'MAINT', 'guests', False, False),
    (('guests', 0), 'LIN*', 'guests', False, False),
    (('max_connections',), '4', 'max_connections', False, True),
]


@pytest.fixture
def nic_guest(run_module):
    """The guest the NIC properties spoil the options of a NIC of."""
    res = run_module(zvm_guest, name=NIC['guest'], memory='1G')
    assert not res.failed, res.get('msg')
    return NIC['guest']


def options(table):
    """(path, bad value, field, good value) drawn from a table of options."""
    return st.sampled_from(table).flatmap(
        lambda o: spoiled(o[1], empty_ok=o[3], numeric=o[4]).map(lambda bad: (o[0], bad, o[2], o[1])))


def property_settings():
    return settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=not LONG_FORM,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def refused(run_module, sim, module, args, field, secret=None):
    """Run ``module`` with ``args`` for real and check that it refused
    them: one line naming ``field``, no traceback, no write, no change."""
    before = sim.dump()
    res = run_module(module, **args)
    shown = json.dumps(dict(res), ensure_ascii=False)
    assert res.failed, 'accepted %r: %s' % (args, shown)
    msg = res['msg']
    assert 'exception' not in res and 'Traceback' not in msg and not msg.startswith('unexpected error'), shown
    assert '\n' not in msg and '\r' not in msg, msg
    assert field in msg, 'the message does not name %s: %s' % (field, msg)
    assert res.writes == [], 'writes after a rejected input: %s' % [c['function'] for c in res.writes]
    after = sim.dump()
    assert after['directory'] == before['directory'] and after['extents'] == before['extents']
    if secret:
        assert secret not in shown and secret not in repr(res.calls), 'the password shows in the result'
    return res


@given(options(GUEST_OPTIONS))
@property_settings()
def test_guest_options_refuse_bad_input(run_module, sim, case):
    path, bad, field, _good = case
    refused(run_module, sim, zvm_guest, _set(GUEST, path, bad), field,
            secret=bad if path == ('password',) and len(bad) > 2 else None)


@given(options(NIC_OPTIONS))
@property_settings()
def test_nic_options_refuse_bad_input(run_module, sim, nic_guest, case):
    path, bad, field, _good = case
    refused(run_module, sim, zvm_nic, _set(NIC, path, bad), field)


@given(options(VSWITCH_OPTIONS))
@property_settings()
def test_vswitch_options_refuse_bad_input(run_module, sim, case):
    path, bad, field, _good = case
    refused(run_module, sim, zvm_vswitch, _set(VSWITCH, path, bad), field)


@given(options(FACTS_OPTIONS))
@property_settings()
def test_facts_options_refuse_bad_input(run_module, sim, case):
    path, bad, field, _good = case
    refused(run_module, sim, zvm_facts, _set(FACTS, path, bad), field)


# -- the good values are good: a property that refuses everything proves nothing ------------------

def test_the_declarations_spoiled_above_are_accepted(run_module, sim, nic_guest):
    for module, args in ((zvm_guest, GUEST), (zvm_nic, NIC), (zvm_vswitch, VSWITCH), (zvm_facts, FACTS)):
        res = run_module(module, check=True, **args)
        assert not res.failed, res.get('msg')
    for table, base in ((GUEST_OPTIONS, GUEST), (NIC_OPTIONS, NIC), (VSWITCH_OPTIONS, VSWITCH)):
        module = {id(GUEST): zvm_guest, id(NIC): zvm_nic, id(VSWITCH): zvm_vswitch}[id(base)]
        for path, good, _field, _empty_ok, _numeric in table:
            res = run_module(module, check=True, **_set(base, path, good))
            assert not res.failed, (path, good, res.get('msg'))


# -- the bugs of issue 16 that led here, one by one -----------------------------------------------

def test_unicode_case_mapping_and_control_characters_are_refused(run_module, sim):
    """Regression: 'l\u0131nux02' (dotless i) was created as LINUX02, 'v\u017fw1' (long s) as VSW1, a
    LOGONBY or grant user ID likewise, 'LINUX02\\x1f' as LINUX02 and IPL '01\\x1f' as 0001."""
    refused(run_module, sim, zvm_guest, dict(name='l\u0131nuxq2', memory='1G'), 'name')
    refused(run_module, sim, zvm_guest, dict(name='LINUXQ2\x1f', memory='1G'), 'name')
    refused(run_module, sim, zvm_guest, dict(name='RELBUG1', memory='1G', ipl='01\x1f'), 'ipl')
    refused(run_module, sim, zvm_guest, dict(name='RELBUG1', memory='1G', logonby=['l\u0131nux02']), 'logonby')
    refused(run_module, sim, zvm_vswitch, dict(name='v\u017fw1'), 'name')
    refused(run_module, sim, zvm_vswitch, dict(name='RELVSW2', grants=[{'userid': 'l\u0131nux02'}]), 'userid')
    assert 'LINUXQ2' not in sim.dump()['directory'] and 'RELBUG1' not in sim.dump()['directory']


def test_zero_cpus_and_non_ascii_digits_are_refused(run_module, sim):
    """Regression: vcpus 0 and max_vcpus 0 became 1; '\u0662' (Arabic-Indic two) was read as 2."""
    refused(run_module, sim, zvm_guest, dict(name='RELBUG2', memory='1G', vcpus=0), 'vcpus')
    refused(run_module, sim, zvm_guest, dict(name='RELBUG2', memory='1G', max_vcpus=0), 'max_vcpus')
    refused(run_module, sim, zvm_guest, dict(name='RELBUG2', memory='1G', vcpus='\u0662'), 'vcpus')
    refused(run_module, sim, zvm_vswitch, dict(name='RELVSW3', vlan_id='\u0661\u0660\u0660'), 'vlan_id')


def test_empty_vdev_and_storage_beyond_z_vm_are_refused(run_module, sim):
    """Regression: an empty disk vdev was given the next free one; 99999999G of memory was written."""
    disk = {'vdev': '', 'size': '1G', 'disk_pool': 'ECKD:POOL1'}
    refused(run_module, sim, zvm_guest, dict(name='RELBUG3', memory='1G', disks=[disk]), 'vdev')
    refused(run_module, sim, zvm_guest, dict(name='RELBUG3', memory='99999999G'), 'memory')
    refused(run_module, sim, zvm_guest, dict(name='RELBUG3', memory='1G', max_memory='99999999G'), 'max_memory')
    refused(run_module, sim, zvm_guest, dict(name='RELBUG3', memory='1G', disks=[dict(disk, vdev='0100',
                                                                                      size='99999999G')]), 'size')


def test_a_password_with_an_invisible_character_is_refused_without_showing_it(run_module, sim):
    """Regression: a zero-width space in a password made the codec quote the USER record, password and all."""
    secret = 'PA\u200bSS1'
    res = refused(run_module, sim, zvm_guest, dict(name='RELBUG4', memory='1G', password=secret), 'password',
                  secret=secret)
    assert 'SS1' not in res['msg'] and '200b' not in res['msg'].lower()
