# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The DirMaint family: directory entries, locks, CPUs, IPL, the keyword
interface, profiles, prototypes, name lists, asynchronous operations and
directory manager queries (zvmsim/handlers/directory.py, profiles.py,
namelists.py)."""

import copy
import struct

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils import directory as model
from ansible_collections.zvm.cloud.plugins.module_utils.smapi import layouts

from tests.zvmsim.conftest import capture_names, send_capture, smapi_for
from zvmsim import config as simconfig
from zvmsim import dirmaint as dm
from zvmsim.handlers import Result
from zvmsim.handlers.name_list import name_list_members

OP = {'userid': 'OPERATOR', 'password': 'OPERATOR'}


def rcrs(reply):
    return reply['return_code'], reply['reason_code']


def stored(sim, name, kind='user'):
    with sim.store.transaction() as tx:
        records = tx.entry(name, kind)
    return [r.rstrip() for r in records] if records is not None else None


def extents(sim, owner):
    with sim.store.transaction() as tx:
        return [(e['volid'], e['start'], e['size'], e['vdev']) for e in tx.extents(owner=owner)]


def locks(sim, name):
    with sim.store.transaction() as tx:
        return [(lk['device'], lk['owner']) for lk in tx.locks(name)]


def create(smapi, target, records, **kw):
    params = {'prototype_name': '', 'initial_password': '', 'initial_account_number': '',
              'image_record_array': records}
    params.update(kw)
    return smapi('Image_Create_DM', target, **params)


NEW_GUEST = ['USER LNXNEW pass1 2G 4G G', 'INCLUDE IBMDFLT', 'CPU 00 BASE', 'IPL 0100', 'MACHINE ESA 2',
             'MDISK 0100 3390 5000 100 LX0101 MR']


# ---------------------------------------------------------------------------
# Image_Create_DM
# ---------------------------------------------------------------------------

def test_create_stores_upper_case_72_columns_and_registers_extents(sim, smapi):
    reply = create(smapi, 'lnxnew', NEW_GUEST)
    assert rcrs(reply) == (0, 0)
    assert reply['operation_id'] == -1
    with sim.store.transaction() as tx:
        raw = tx.entry('LNXNEW')
        assert tx.obj('guest', 'LNXNEW') == {'os': 'linux'}
    assert raw[0] == 'USER LNXNEW PASS1 2G 4G G'.ljust(72)
    assert all(len(r) == 72 for r in raw)
    assert extents(sim, 'LNXNEW') == [('LX0101', 5000, 100, '0100')]
    query = smapi('Image_Query_DM', 'LNXNEW')
    assert query['image_record_array'] == raw


def test_create_from_prototype_renames_user_and_sets_password_and_account(sim, smapi):
    reply = create(smapi, 'LNXP1', [], prototype_name='linux', initial_password='secret1',
                   initial_account_number='ACCT42')
    assert rcrs(reply) == (0, 0)
    records = stored(sim, 'LNXP1')
    assert records[0] == 'USER LNXP1 SECRET1 2G 8G G'
    assert 'INCLUDE LNXDFLT' in records
    assert 'ACCOUNT ACCT42' in records
    assert stored(sim, 'LINUX', 'prototype')[0] == 'USER LINUX LBYONLY 2G 8G G'


def test_create_existing_is_400_8(smapi):
    assert rcrs(create(smapi, 'LINUX01', ['USER LINUX01 X 1G 1G G'])) == (400, 8)


def test_create_unknown_prototype_is_400_20(smapi):
    assert rcrs(create(smapi, 'LNXP2', [], prototype_name='NOPROTO')) == (400, 20)


def test_create_user_line_must_name_the_target(sim, smapi):
    pp = layouts.get('Image_Create_DM').parameter_number('image_record_array')
    assert rcrs(create(smapi, 'LNXNEW', ['USER OTHER PW 1G 1G G'])) == (24, pp * 100 + 19)
    assert rcrs(create(smapi, 'LNXNEW', ['INCLUDE IBMDFLT', 'USER LNXNEW PW 1G 1G G'])) == (24, pp * 100 + 19)
    assert rcrs(create(smapi, 'LNXNEW', [])) == (24, pp * 100 + 24)
    assert rcrs(create(smapi, 'LNXNEW', ['USER LNXNEW PW 1G 1G G', 'USER LNXNEW PW 1G 1G G'])) == (400, 40)
    assert stored(sim, 'LNXNEW') is None


def test_create_identity_entry(sim, smapi):
    assert rcrs(create(smapi, 'IDNEW', ['IDENTITY IDNEW PW 1G 1G G'])) == (0, 0)
    assert stored(sim, 'IDNEW') == ['IDENTITY IDNEW PW 1G 1G G']


def test_create_include_checks(sim, smapi):
    assert rcrs(create(smapi, 'LNXNEW', ['USER LNXNEW PW 1G 1G G', 'INCLUDE NOPROF'])) == (436, 4)
    assert rcrs(create(smapi, 'LNXNEW', ['USER LNXNEW PW 1G 1G G', 'INCLUDE IBMDFLT', 'INCLUDE LNXDFLT'])) \
        == (436, 40)
    assert stored(sim, 'LNXNEW') is None


def test_create_bad_initial_password_is_500_20(smapi):
    assert rcrs(create(smapi, 'LNXNEW', NEW_GUEST, initial_password='muchtoolong')) == (500, 20)


def test_create_overlapping_extent_is_408_24_and_changes_nothing(sim, smapi):
    before = extents(sim, 'LINUX01')
    records = ['USER LNXNEW PW 1G 1G G', 'MDISK 0100 3390 1000 100 LX0100 MR']
    assert rcrs(create(smapi, 'LNXNEW', records)) == (408, 24)
    assert stored(sim, 'LNXNEW') is None
    assert extents(sim, 'LNXNEW') == []
    assert extents(sim, 'LINUX01') == before


def test_create_overlap_within_the_entry_and_past_the_volume_end(sim, smapi):
    own = ['USER LNXNEW PW 1G 1G G', 'MDISK 0100 3390 5000 100 LX0101 MR', 'MDISK 0101 3390 5050 10 LX0101 MR']
    assert rcrs(create(smapi, 'LNXNEW', own)) == (408, 24)
    past = ['USER LNXNEW PW 1G 1G G', 'MDISK 0100 3390 30000 100 LX0101 MR']
    assert rcrs(create(smapi, 'LNXNEW', past)) == (408, 24)
    assert stored(sim, 'LNXNEW') is None


def test_create_end_size_and_unknown_volume(sim, smapi):
    records = ['USER LNXNEW PW 1G 1G G', 'MDISK 0100 3390 30000 END LX0101 MR', 'MDISK 0200 3390 1 10 NOVOL MR']
    assert rcrs(create(smapi, 'LNXNEW', records)) == (0, 0)
    assert extents(sim, 'LNXNEW') == [('LX0101', 30000, 51, '0100')]


def test_create_allocates_autog_disks(sim, smapi):
    records = ['USER LNXNEW PW 1G 1G G', 'MDISK 0100 3390 AUTOG 100 POOL2 MR', 'MDISK 0101 3390 AUTOG 100 POOL2 MR']
    assert rcrs(create(smapi, 'LNXNEW', records)) == (0, 0)
    entry = model.parse(stored(sim, 'LNXNEW'))
    disks = dict((m.vdev, m) for m in entry.mdisks)
    assert disks['0100'].volser in ('LX0102', 'LX0103') and disks['0100'].size == 100
    assert disks['0100'].mode == 'MR'
    registered = extents(sim, 'LNXNEW')
    assert sorted(e[3] for e in registered) == ['0100', '0101']
    spans = sorted((e[0], e[1], e[1] + e[2]) for e in registered)
    assert spans[0][0] != spans[1][0] or spans[0][2] <= spans[1][1]
    with sim.store.transaction() as tx:
        for volid, start, end in spans:
            others = [e for e in tx.extents(volid=volid) if e['owner'] != 'LNXNEW']
            assert all(end <= o['start'] or o['start'] + o['size'] <= start for o in others)


def test_create_auto_disk_errors(sim, smapi):
    assert rcrs(create(smapi, 'LNXNEW', ['USER LNXNEW PW 1G 1G G', 'MDISK 0100 3390 AUTOG 10 NOPOOL MR'])) \
        == (420, 8)
    assert rcrs(create(smapi, 'LNXNEW', ['USER LNXNEW PW 1G 1G G', 'MDISK 0100 3390 AUTOG 99999 POOL2 MR'])) \
        == (408, 24)
    assert stored(sim, 'LNXNEW') is None


def test_create_with_auto_allocated_disks(sim, smapi):
    records = ['USER LNXNEW PW 1G 1G G', 'MDISK 0100 3390 AUTOV 100 LX0100 MR',
               'MDISK 0101 3390 AUTOR 50 LX0103 MR', 'MDISK 0102 XXXX AUTOG 10 POOL2 MR']
    assert rcrs(create(smapi, 'LNXNEW', records)) == (0, 0)
    disks = dict((m.vdev, m) for m in model.parse(stored(sim, 'LNXNEW')).mdisks)
    assert (disks['0100'].volser, disks['0100'].start) == ('LX0100', 2915)    # after LINUX01 and LINUX02
    assert (disks['0101'].volser, disks['0101'].start) == ('LX0103', 1)
    assert (disks['0102'].volser, disks['0102'].start, disks['0102'].devtype) == ('LX0102', 2001, '3390')
    assert len(extents(sim, 'LNXNEW')) == 3
    assert rcrs(create(smapi, 'LNXNEW2', ['USER LNXNEW2 PW 1G 1G G', 'MDISK 0100 3390 AUTOR 10 NOREG MR'])) \
        == (420, 8)
    assert rcrs(create(smapi, 'LNXNEW2', ['USER LNXNEW2 PW 1G 1G G', 'MDISK 0100 3390 AUTOV 99999 LX0100 MR'])) \
        == (408, 24)


def test_create_cms_guest_is_marked_cms(sim, smapi):
    assert rcrs(create(smapi, 'CMSNEW', ['USER CMSNEW PW 32M 32M G', 'IPL CMS'])) == (0, 0)
    with sim.store.transaction() as tx:
        assert tx.obj('guest', 'CMSNEW') == {'os': 'cms'}


def test_users_and_prototypes_have_separate_namespaces(smapi):
    # the default system has a prototype named LINUX; a user may share the name
    assert rcrs(create(smapi, 'LINUX', ['USER LINUX PW 1G 1G G'])) == (0, 0)
    assert rcrs(smapi('Prototype_Query_DM', 'LINUX')) == (0, 0)
    assert rcrs(create(smapi, 'LINUX', ['USER LINUX PW 1G 1G G'])) == (400, 8)


# ---------------------------------------------------------------------------
# Image_Delete_DM, Image_Query_DM
# ---------------------------------------------------------------------------

def test_delete_frees_extents_and_locks_but_keeps_grants(sim, smapi):
    assert rcrs(smapi('Image_Lock_DM', 'LINUX02', device_address='0100')) == (0, 0)   # (a locked image: 400/12)
    reply = smapi('Image_Delete_DM', 'LINUX02', data_security_erase=1)
    assert rcrs(reply) == (0, 0) and reply['operation_id'] == -1
    assert stored(sim, 'LINUX02') is None
    assert extents(sim, 'LINUX02') == []
    assert locks(sim, 'LINUX02') == []
    with sim.store.transaction() as tx:
        assert tx.grant('VSW1', 'LINUX02') is not None
        assert tx.obj('guest', 'LINUX02') is None
    assert rcrs(smapi('Image_Query_DM', 'LINUX02')) == (400, 4)
    # the space is free again
    assert rcrs(create(smapi, 'LNXNEW', ['USER LNXNEW PW 1G 1G G', 'MDISK 0100 3390 1458 1457 LX0100 MR'])) \
        == (0, 0)


def test_delete_of_logged_on_guest_keeps_it_running(sim, smapi):
    assert rcrs(smapi('Image_Delete_DM', 'LINUX01', data_security_erase=0)) == (0, 0)
    assert stored(sim, 'LINUX01') is None
    with sim.store.transaction() as tx:
        assert tx.cp('LINUX01') is not None
        assert tx.obj('guest', 'LINUX01') == {'os': 'linux'}


def test_delete_errors(sim, smapi):
    assert rcrs(smapi('Image_Delete_DM', 'NOSUCH', data_security_erase=0)) == (400, 4)
    assert rcrs(smapi('Image_Lock_DM', 'LINUX03', device_address='', **OP)) == (0, 0)
    assert rcrs(smapi('Image_Delete_DM', 'LINUX03', data_security_erase=0)) == (400, 12)
    assert stored(sim, 'LINUX03') is not None


def test_query_dm(smapi):
    reply = smapi('Image_Query_DM', 'linux02')
    assert rcrs(reply) == (0, 0)
    assert reply['image_record_array'][0] == 'USER LINUX02 LBYONLY 2G 4G G'.ljust(72)
    assert rcrs(smapi('Image_Query_DM', 'NOSUCH')) == (400, 4)


# ---------------------------------------------------------------------------
# Image_Replace_DM and locks
# ---------------------------------------------------------------------------

def replace(smapi, target, records, **kw):
    return smapi('Image_Replace_DM', target, image_record_array=records, **kw)


REPLACED = ['USER LINUX02 LBYONLY 2G 4G G', 'INCLUDE IBMDFLT', 'CPU 00 BASE', 'IPL 0100', 'MACHINE ESA 2',
            'NICDEF 1000 TYPE QDIO LAN SYSTEM VSW1', 'MDISK 0100 3390 3000 500 LX0100 MR',
            'MDISK 0200 3390 1 100 LX0101 MR']


def test_replace_needs_the_callers_lock_and_releases_it(sim, smapi):
    assert rcrs(replace(smapi, 'LINUX02', REPLACED)) == (400, 24)
    assert rcrs(smapi('Image_Lock_DM', 'LINUX02', device_address='')) == (0, 0)
    assert rcrs(replace(smapi, 'LINUX02', REPLACED)) == (0, 0)
    assert stored(sim, 'LINUX02') == REPLACED
    assert extents(sim, 'LINUX02') == [('LX0100', 3000, 500, '0100'), ('LX0101', 1, 100, '0200')]
    assert locks(sim, 'LINUX02') == []


def test_replace_locked_by_another_user_is_400_12(sim, smapi):
    assert rcrs(smapi('Image_Lock_DM', 'LINUX02', device_address='', **OP)) == (0, 0)
    assert rcrs(replace(smapi, 'LINUX02', REPLACED)) == (400, 12)
    assert stored(sim, 'LINUX02')[6] == 'MDISK 0100 3390 1458 1457 LX0100 MR'


def test_replace_errors(sim, smapi):
    pp = layouts.get('Image_Replace_DM').parameter_number('image_record_array')
    assert rcrs(replace(smapi, 'NOSUCH', REPLACED)) == (400, 4)
    smapi('Image_Lock_DM', 'LINUX02', device_address='')
    assert rcrs(replace(smapi, 'LINUX02', ['USER LINUX09 X 1G 1G G'])) == (24, pp * 100 + 19)
    assert rcrs(replace(smapi, 'LINUX02', ['USER LINUX02 X 1G 1G G', 'USER LINUX02 X 1G 1G G'])) == (400, 40)
    assert rcrs(replace(smapi, 'LINUX02', ['USER LINUX02 X 1G 1G G', 'INCLUDE NOPE'])) == (436, 4)
    overlap = ['USER LINUX02 X 1G 1G G', 'MDISK 0100 3390 100 10 LX0100 MR']
    assert rcrs(replace(smapi, 'LINUX02', overlap)) == (408, 24)
    assert stored(sim, 'LINUX02')[0] == 'USER LINUX02 LBYONLY 2G 4G G'
    assert extents(sim, 'LINUX02') == [('LX0100', 1458, 1457, '0100')]


def test_image_lock_and_unlock_between_two_users(sim, smapi):
    assert rcrs(smapi('Image_Lock_DM', 'LINUX01', device_address='')) == (0, 0)
    assert rcrs(smapi('Image_Lock_DM', 'LINUX01', device_address='')) == (400, 12)   # own lock again
    assert rcrs(smapi('Image_Lock_DM', 'LINUX01', device_address='', **OP)) == (400, 12)
    assert rcrs(smapi('Image_Lock_DM', 'LINUX01', device_address='0100', **OP)) == (400, 12)
    # any directory write by the other user is refused
    assert rcrs(smapi('Image_Password_Set_DM', 'LINUX01', image_password='NEWPW', **OP)) == (400, 12)
    assert rcrs(smapi('Image_IPL_Set_DM', 'LINUX01', saved_system='CMS', load_parameter='',
                      parameter_string='', **OP)) == (400, 12)
    # so is the holder's (a locked entry takes no change but its holder's replace)
    assert rcrs(smapi('Image_Password_Set_DM', 'LINUX01', image_password='NEWPW')) == (400, 12)
    query = smapi('Image_Lock_Query_DM', 'LINUX01', **OP)
    assert rcrs(query) == (0, 12)
    assert query['lock_info'] == {'locked_type': 'IMAGE', 'image_locked_by': 'MAINT'}
    assert query['locked_dev_array'] == []
    assert rcrs(smapi('Image_Unlock_DM', 'LINUX01', device_address='', **OP)) == (0, 0)
    assert locks(sim, 'LINUX01') == []
    assert rcrs(smapi('Image_Unlock_DM', 'LINUX01', device_address='')) == (400, 24)
    query = smapi('Image_Lock_Query_DM', 'LINUX01')
    assert rcrs(query) == (0, 24)
    assert query['locked_dev_array'] == []
    assert rcrs(smapi('Image_Password_Set_DM', 'LINUX01', image_password='OTHERPW', **OP)) == (0, 0)


def test_device_locks(sim, smapi):
    assert rcrs(smapi('Image_Lock_DM', 'LINUX02', device_address='300', **OP)) == (404, 8)
    assert rcrs(smapi('Image_Lock_DM', 'LINUX02', device_address='100', **OP)) == (0, 0)
    assert locks(sim, 'LINUX02') == [('0100', 'OPERATOR')]
    assert rcrs(smapi('Image_Lock_DM', 'LINUX02', device_address='0100')) == (404, 12)
    assert rcrs(smapi('Image_Lock_DM', 'LINUX02', device_address='')) == (404, 12)
    assert rcrs(smapi('Image_Lock_DM', 'LINUX02', device_address='1000')) == (0, 0)   # a NIC
    query = smapi('Image_Lock_Query_DM', 'LINUX02')
    assert rcrs(query) == (0, 12)
    assert query['lock_info'] == {'_raw': 'DEVICE'}
    assert query['locked_dev_array'] == [{'dev_address': '0100', 'dev_locked_by': 'OPERATOR'},
                                         {'dev_address': '1000', 'dev_locked_by': 'MAINT'}]
    assert rcrs(smapi('Image_Unlock_DM', 'LINUX02', device_address='100')) == (0, 0)
    assert rcrs(smapi('Image_Unlock_DM', 'LINUX02', device_address='100')) == (404, 24)
    assert locks(sim, 'LINUX02') == [('1000', 'MAINT')]


def test_lock_functions_on_missing_entry(smapi):
    assert rcrs(smapi('Image_Lock_DM', 'NOSUCH', device_address='')) == (400, 4)
    assert rcrs(smapi('Image_Unlock_DM', 'NOSUCH', device_address='')) == (400, 4)
    assert rcrs(smapi('Image_Lock_Query_DM', 'NOSUCH')) == (400, 4)


# ---------------------------------------------------------------------------
# Names, password, IPL
# ---------------------------------------------------------------------------

def test_name_query_is_users_in_ebcdic_order(smapi):
    for name in ('A1', 'AB', '$X', '@Y'):
        assert rcrs(create(smapi, name, ['USER %s PW 1G 1G G' % name])) == (0, 0)
    reply = smapi('Image_Name_Query_DM', 'MAINT')
    assert rcrs(reply) == (0, 0)
    names = reply['image_name_array']
    assert names[:4] == ['$X', '@Y', 'AB', 'A1']
    assert 'IBMDFLT' not in names and 'LINUX' not in names
    assert names[4:] == ['DIRMAINT', 'LINUX01', 'LINUX02', 'LINUX03', 'MAINT', 'TCPIP']


def test_name_query_empty_is_0_28(make_sim):
    sim = make_sim({'guests': []})
    reply = smapi_for(sim)('Image_Name_Query_DM', 'MAINT')
    assert rcrs(reply) == (0, 28)
    assert reply['image_name_array'] == []


def test_password_set(sim, smapi):
    assert rcrs(smapi('Image_Password_Set_DM', 'LINUX03', image_password='newpw')) == (0, 0)
    assert stored(sim, 'LINUX03')[0] == 'USER LINUX03 NEWPW 1G 2G G'
    assert rcrs(smapi('Image_Password_Set_DM', 'LINUX03', image_password='muchtoolong')) == (500, 20)
    assert rcrs(smapi('Image_Password_Set_DM', 'NOSUCH', image_password='pw')) == (400, 4)


def test_ipl_set_query_delete(sim, smapi):
    assert rcrs(smapi('Image_IPL_Set_DM', 'LINUX03', saved_system='888', load_parameter='LOAD',
                      parameter_string='PARM')) == (0, 0)
    assert 'IPL 888 LOADPARM LOAD PARM PARM' in stored(sim, 'LINUX03')
    assert 'IPL 0100' not in stored(sim, 'LINUX03')
    reply = smapi('Image_IPL_Query_DM', 'LINUX03')
    assert rcrs(reply) == (0, 0)
    assert (reply['saved_system'], reply['load_parameter'], reply['parameter_string']) == ('888', 'LOAD', 'PARM')
    assert rcrs(smapi('Image_IPL_Delete_DM', 'LINUX03')) == (0, 0)
    assert not [r for r in stored(sim, 'LINUX03') if r.startswith('IPL')]
    reply = smapi('Image_IPL_Query_DM', 'LINUX03')
    assert rcrs(reply) == (0, 28) and 'saved_system' not in reply
    assert rcrs(smapi('Image_IPL_Delete_DM', 'LINUX03')) == (460, 4)


def test_ipl_errors(smapi):
    pp = layouts.get('Image_IPL_Set_DM').parameter_number('parameter_string')
    assert rcrs(smapi('Image_IPL_Set_DM', 'LINUX03', saved_system='ZLINUXSY', load_parameter='L' * 10,
                      parameter_string='P' * 64)) == (24, pp * 100 + 13)
    assert rcrs(smapi('Image_IPL_Set_DM', 'NOSUCH', saved_system='CMS', load_parameter='',
                      parameter_string='')) == (400, 4)
    assert rcrs(smapi('Image_IPL_Query_DM', 'NOSUCH')) == (400, 4)
    assert rcrs(smapi('Image_IPL_Delete_DM', 'NOSUCH')) == (400, 4)


# ---------------------------------------------------------------------------
# Virtual CPUs
# ---------------------------------------------------------------------------

def cpu_define(smapi, target, address, **kw):
    params = {'cpu_address': address, 'base_cpu': 0, 'cpuid': '', 'dedicate_cpu': 0, 'crypto': 0}
    params.update(kw)
    return smapi('Image_CPU_Define_DM', target, **params)


def test_cpu_define_query_delete(sim, smapi):
    assert rcrs(cpu_define(smapi, 'LINUX02', '1', cpuid='abcdef', dedicate_cpu=2)) == (0, 0)
    assert 'CPU 01 CPUID ABCDEF DEDICATE' in stored(sim, 'LINUX02')
    reply = smapi('Image_CPU_Query_DM', 'LINUX02', cpu_address='01')
    assert rcrs(reply) == (0, 0)
    assert (reply['cpu_address'], reply['base_cpu'], reply['cpuid'], reply['dedicate_cpu'], reply['crypto']) == \
        ('01', 0, 'ABCDEF', 2, 0)
    reply = smapi('Image_CPU_Query_DM', 'LINUX02', cpu_address='0')
    assert (reply['base_cpu'], reply['dedicate_cpu'], reply['cpuid']) == (1, 0, '')
    # redefining an address replaces its statement
    assert rcrs(cpu_define(smapi, 'LINUX02', '01', dedicate_cpu=1, crypto=1)) == (0, 0)
    assert [r for r in stored(sim, 'LINUX02') if r.startswith('CPU 01')] == ['CPU 01 NODEDICATE CRYPTO']
    reply = smapi('Image_CPU_Query_DM', 'LINUX02', cpu_address='01')
    assert (reply['dedicate_cpu'], reply['crypto']) == (1, 1)
    assert rcrs(smapi('Image_CPU_Delete_DM', 'LINUX02', cpu_address='01')) == (0, 0)
    assert not [r for r in stored(sim, 'LINUX02') if r.startswith('CPU 01')]
    assert rcrs(smapi('Image_CPU_Delete_DM', 'LINUX02', cpu_address='01')) == (520, 30)
    assert rcrs(smapi('Image_CPU_Query_DM', 'LINUX02', cpu_address='01')) == (520, 30)


def test_cpu_errors(smapi):
    assert rcrs(cpu_define(smapi, 'LINUX02', '40')) == (520, 28)
    assert rcrs(smapi('Image_CPU_Query_DM', 'LINUX02', cpu_address='FF')) == (520, 28)
    assert rcrs(smapi('Image_CPU_Delete_DM', 'LINUX02', cpu_address='40')) == (520, 28)
    assert rcrs(cpu_define(smapi, 'LINUX02', '01', base_cpu=1)) == (520, 24)
    assert rcrs(cpu_define(smapi, 'LINUX02', '01')) == (0, 0)          # MACHINE ESA 2
    assert rcrs(cpu_define(smapi, 'LINUX02', '02')) == (520, 32)
    assert rcrs(cpu_define(smapi, 'NOSUCH', '01')) == (400, 4)
    assert rcrs(smapi('Image_CPU_Delete_DM', 'NOSUCH', cpu_address='01')) == (400, 4)
    assert rcrs(smapi('Image_CPU_Query_DM', 'NOSUCH', cpu_address='01')) == (400, 4)


def test_cpu_set_maximum(sim, smapi):
    assert rcrs(smapi('Image_CPU_Set_Maximum_DM', 'LINUX02', max_cpu=8)) == (0, 0)
    assert 'MACHINE ESA 8' in stored(sim, 'LINUX02')
    assert rcrs(cpu_define(smapi, 'LINUX02', '02')) == (0, 0)
    assert rcrs(create(smapi, 'NOMACH', ['USER NOMACH PW 1G 1G G'])) == (0, 0)
    assert rcrs(smapi('Image_CPU_Set_Maximum_DM', 'NOMACH', max_cpu=2)) == (0, 0)
    assert 'MACHINE ESA 2' in stored(sim, 'NOMACH')
    assert rcrs(smapi('Image_CPU_Set_Maximum_DM', 'NOSUCH', max_cpu=2)) == (400, 4)


# ---------------------------------------------------------------------------
# Image_Definition_*_DM
# ---------------------------------------------------------------------------

def dq(smapi, target, *items, **kw):
    return smapi('Image_Definition_Query_DM', target, definition_query_directory_keyword_parameter_list=list(items),
                 **kw)


def dc(smapi, target, *items, **kw):
    return smapi('Image_Definition_Create_DM', target,
                 definition_create_directory_keyword_parameter_list=list(items), **kw)


def du(smapi, target, *items, **kw):
    return smapi('Image_Definition_Update_DM', target,
                 definition_update_directory_keyword_parameter_list=list(items), **kw)


def dd(smapi, target, *items, **kw):
    return smapi('Image_Definition_Delete_DM', target,
                 definition_delete_directory_keyword_parameter_list=list(items), **kw)


def test_definition_query_all(smapi):
    reply = dq(smapi, 'LINUX01', '*')
    assert rcrs(reply) == (0, 0)
    assert reply['directory_information_data'] == [
        'CPU=CPUADDR=00 BASE=YES DEDICATE=NO', 'CPU=CPUADDR=01 BASE=NO DEDICATE=NO', 'CPU_MAXIMUM=COUNT=4 TYPE=ESA',
        'INCLUDE=IBMDFLT', 'IPL=VDEV=0100',
        'MDISK=VDEV=0100 DEVTYPE=3390 DISKTYPE=PERM START=1 COUNT=1457 VOLID=LX0100 MODE=MR',
        'MDISK=VDEV=0101 DEVTYPE=FB-512 DISKTYPE=V-DISK COUNT=2097152 MODE=MWV',
        'NICDEF=VDEV=1000 TYPE=QDIO LAN=SYSTEM VSW1 MACID=0E4E8E', 'LBYONLY', 'PRIVILEGE_CLASSES=G',
        'STORAGE_INITIAL=4G', 'STORAGE_MAXIMUM=8G', 'COMMAND_DEFINE_CPU=', 'COMMAND_SET_CPUAFFINITY=',
        'COMMAND_SET_SHARE=', 'COMMAND_SET_VCONFIG=', 'CONSOLE=', 'DEDICATE=', 'LINK=', 'OPTION=', 'SHARE=',
        'SPOOL=', 'VMRELOCATE=']


def test_definition_query_keywords(smapi):
    reply = dq(smapi, 'LINUX03', 'STORAGE_MAXIMUM ipl', 'NICDEF')
    assert rcrs(reply) == (0, 0)
    assert reply['directory_information_data'] == ['STORAGE_MAXIMUM=2G', 'IPL=VDEV=0100', 'NICDEF=']


def test_definition_query_errors(smapi):
    reply = dq(smapi, 'LINUX03', 'IPL', 'LOGONBY')
    assert rcrs(reply) == (8, 3002)
    assert reply['error_data'] == ['UNKNOWN_DIRECTORY_KEYWORD_PARAMETER=LOGONBY']
    assert rcrs(dq(smapi, 'NOSUCH', 'IPL')) == (400, 4)
    assert rcrs(dq(smapi, 'LINUX03', ' ')) == (8, 3032)


def test_definition_create_and_query_back(sim, smapi):
    reply = dc(smapi, 'DEFNEW', 'PASSWORD=pw1', 'STORAGE_INITIAL=1G', 'STORAGE_MAXIMUM=2G',
               'PRIVILEGE_CLASSES=BG', 'CPU=CPUADDR=00 BASE=YES', 'CPU=CPUADDR=01 CPUID=123456 DEDICATE=YES',
               'CPU_MAXIMUM=COUNT=4 TYPE=ESA', 'IPL=VDEV=100 LOADPARM=AB PARM=A B', 'INCLUDE=IBMDFLT',
               'CONSOLE=VDEV=0009 DEVTYPE=3215 CLASS=T', 'SPOOL=VDEV=000C DEVTYPE=2540_READER CLASS=*',
               'LINK=USERID=MAINT VDEV1=190 VDEV2=0190 MODE=RR', 'DEDICATE=VDEV=1FC0 RDEV=1FC0',
               'NICDEF=VDEV=1000 TYPE=QDIO LAN=SYSTEM VSW1 MACID=0E4E8F',
               'MDISK=VDEV=100 DEVTYPE=3390 DISKTYPE=PERM START=6000 COUNT=100 VOLID=LX0101 MODE=MR',
               'MDISK=VDEV=101 DEVTYPE=XXXX DISKTYPE=AUTOG COUNT=50 NAME=POOL2',
               'MDISK=VDEV=102 DEVTYPE=FB-512 DISKTYPE=V-DISK COUNT=2048 MODE=MWV', 'OPTION=LNKNOPAS APPLMON',
               'SHARE=TYPE=RELATIVE VALUE=200', 'COMMAND_DEFINE_CPU=CPUADDR=02 TYPE=IFL',
               'COMMAND_SET_VCONFIG=MODE=LINUX', 'COMMAND_SET_SHARE=RELATIVE 300', 'COMMAND_SET_CPUAFFINITY=ON',
               'VMRELOCATE=ON')
    assert rcrs(reply) == (0, 0)
    records = stored(sim, 'DEFNEW')
    assert records[0] == 'USER DEFNEW PW1 1G 2G BG'
    for statement in ('INCLUDE IBMDFLT', 'CPU 00 BASE', 'CPU 01 CPUID 123456 DEDICATE', 'MACHINE ESA 4',
                      'IPL 100 LOADPARM AB PARM A B', 'CONSOLE 0009 3215 T', 'SPOOL 000C 2540 READER *',
                      'LINK MAINT 190 0190 RR', 'DEDICATE 1FC0 1FC0', 'MDISK 0100 3390 6000 100 LX0101 MR',
                      'MDISK 0102 FB-512 V-DISK 2048 MWV', 'OPTION LNKNOPAS APPLMON', 'SHARE RELATIVE 200',
                      'COMMAND DEFINE CPU 02 TYPE IFL', 'COMMAND SET VCONFIG MODE LINUX',
                      'COMMAND SET SHARE RELATIVE 300', 'COMMAND SET CPUAFFINITY ON', 'VMRELOCATE ON'):
        assert statement in records, statement
    auto = [r for r in records if r.startswith('MDISK 0101 3390 ')]
    assert len(auto) == 1 and auto[0].split()[5] in ('LX0102', 'LX0103') and auto[0].endswith(' W')
    assert sorted(e[3] for e in extents(sim, 'DEFNEW')) == ['0100', '0101']
    data = dq(smapi, 'DEFNEW', '*')['directory_information_data']
    for item in ('COMMAND_DEFINE_CPU=CPUADDR=02 TYPE=IFL', 'COMMAND_SET_VCONFIG=MODE=LINUX',
                 'COMMAND_SET_SHARE=RELATIVE 300', 'COMMAND_SET_CPUAFFINITY=ON',
                 'CONSOLE=VDEV=0009 DEVTYPE=3215 CLASS=T',
                 'CPU=CPUADDR=01 BASE=NO CPUID=123456 DEDICATE=YES', 'CPU_MAXIMUM=COUNT=4 TYPE=ESA',
                 'DEDICATE=VDEV=1FC0 RDEV=1FC0', 'INCLUDE=IBMDFLT', 'IPL=VDEV=100 LOADPARM=AB PARM=A B',
                 'LINK=USERID=MAINT VDEV1=190 VDEV2=0190 MODE=RR',
                 'NICDEF=VDEV=1000 TYPE=QDIO LAN=SYSTEM VSW1 MACID=0E4E8F', 'OPTION=LNKNOPAS APPLMON', 'PW1',
                 'PRIVILEGE_CLASSES=BG', 'SHARE=TYPE=RELATIVE VALUE=200',
                 'SPOOL=VDEV=000C DEVTYPE=2540_READER CLASS=*', 'STORAGE_INITIAL=1G', 'STORAGE_MAXIMUM=2G',
                 'VMRELOCATE=ON', 'MDISK=VDEV=0102 DEVTYPE=FB-512 DISKTYPE=V-DISK COUNT=2048 MODE=MWV'):
        assert item in data, item
    assert not [d for d in data if d.endswith('=') and '==' not in d]


def test_definition_create_defaults(sim, smapi):
    assert rcrs(dc(smapi, 'DEFMIN', 'IPL=VDEV=CMS')) == (0, 0)
    assert stored(sim, 'DEFMIN') == ['USER DEFMIN LBYONLY 32M 32M G', 'IPL CMS']
    with sim.store.transaction() as tx:
        assert tx.obj('guest', 'DEFMIN') == {'os': 'cms'}


def test_definition_create_errors(sim, smapi):
    assert rcrs(dc(smapi, 'LINUX01', 'IPL=VDEV=CMS')) == (400, 8)
    reply = dc(smapi, 'DEFNEW', 'IPL=VDEV=CMS', 'LOGONBY=OPS1')
    assert rcrs(reply) == (8, 3002)
    assert reply['error_data'] == ['UNKNOWN_DIRECTORY_KEYWORD_PARAMETER=LOGONBY']
    assert rcrs(dc(smapi, 'DEFNEW', '*')) == (8, 3002)
    assert rcrs(dc(smapi, 'DEFNEW', 'CPU=BASE=YES')) == (8, 3032)
    assert rcrs(dc(smapi, 'DEFNEW2', 'STORAGE_INITIAL=lots')) == (8, 3032)
    assert rcrs(dc(smapi, 'DEFNEW2', 'INCLUDE=NOPROF')) == (436, 4)
    assert rcrs(dc(smapi, 'DEFNEW2', 'MDISK=VDEV=100 DEVTYPE=3390 DISKTYPE=AUTOG COUNT=10 NAME=NOPOOL')) == (420, 8)
    assert rcrs(dc(smapi, 'DEFNEW2', 'MDISK=VDEV=100 DEVTYPE=3390 DISKTYPE=AUTOG COUNT=99999 NAME=POOL2')) \
        == (408, 24)
    assert rcrs(dc(smapi, 'DEFNEW2', 'MDISK=VDEV=100 DEVTYPE=3390 DISKTYPE=PERM START=1 COUNT=10 VOLID=LX0100')) \
        == (408, 24)
    assert rcrs(dc(smapi, 'DEFNEW2', 'MDISK=VDEV=100 DEVTYPE=3390 DISKTYPE=BOGUS COUNT=10')) == (8, 3032)
    assert rcrs(dc(smapi, 'DEFNEW2', 'MDISK=VDEV=100 DEVTYPE=FB-512 DISKTYPE=V-DISK COUNT=10',
                   'MDISK=VDEV=100 DEVTYPE=FB-512 DISKTYPE=V-DISK COUNT=10')) == (408, 4)
    assert rcrs(dc(smapi, 'DEFNEW2', 'DEDICATE=VDEV=1FC0 RDEV=1FC0', 'DEDICATE=VDEV=1FC0 RDEV=1FC1')) == (404, 4)
    assert rcrs(dc(smapi, 'DEFNEW2', 'NICDEF=VDEV=1000', 'NICDEF=VDEV=1000')) == (404, 4)
    assert rcrs(dc(smapi, 'DEFNEW2', 'CPU=CPUADDR=00 BASE=YES', 'CPU=CPUADDR=01 BASE=YES')) == (520, 24)
    assert rcrs(dc(smapi, 'DEFNEW2', 'CPU=CPUADDR=50')) == (520, 28)
    assert rcrs(dc(smapi, 'DEFNEW2', 'CPU_MAXIMUM=COUNT=1 TYPE=ESA', 'CPU=CPUADDR=00', 'CPU=CPUADDR=01')) \
        == (520, 32)
    assert stored(sim, 'DEFNEW2') is None
    assert extents(sim, 'DEFNEW2') == []


def test_definition_update(sim, smapi):
    assert rcrs(du(smapi, 'LINUX02', 'IPL=VDEV=CMS', 'STORAGE_INITIAL=3G', 'PASSWORD=newpw',
                   'MDISK=OPERATION=ADD VDEV=200 COUNT=10 DEVTYPE=XXXX DISKTYPE=AUTOG NAME=POOL2',
                   'NICDEF=VDEV=1000 VLAN=100 PORTTYPE=ACCESS', 'NICDEF=VDEV=2000 TYPE=QDIO LAN=SYSTEM VSWTRUNK',
                   'CPU=CPUADDR=00 BASE=YES CPUID=FF0001', 'LINK=USERID=MAINT VDEV1=19D VDEV2=019D MODE=RR',
                   'LINK=USERID=MAINT VDEV1=19E VDEV2=019D MODE=RR')) == (0, 0)
    records = stored(sim, 'LINUX02')
    assert records[0] == 'USER LINUX02 NEWPW 3G 4G G'
    assert 'IPL CMS' in records and 'IPL 0100' not in records
    assert 'CPU 00 BASE CPUID FF0001' in records
    assert [r for r in records if r.startswith('LINK')] == ['LINK MAINT 19E 019D RR']
    nic = model.parse(records).find_nic('1000')
    assert (nic.vlan, nic.port_type, nic.lan_name) == (['100'], 'ACCESS', 'VSW1')
    assert model.parse(records).find_nic('2000').lan_name == 'VSWTRUNK'
    assert sorted(e[3] for e in extents(sim, 'LINUX02')) == ['0100', '0200']


def test_definition_update_errors(sim, smapi):
    assert rcrs(du(smapi, 'NOSUCH', 'IPL=VDEV=CMS')) == (400, 4)
    reply = du(smapi, 'LINUX02', 'BOGUS=1')
    assert rcrs(reply) == (8, 3002) and reply['error_data'] == ['UNKNOWN_DIRECTORY_KEYWORD_PARAMETER=BOGUS']
    assert rcrs(du(smapi, 'LINUX02', 'MDISK=OPERATION=CHANGE VDEV=100 COUNT=10 DISKTYPE=T-DISK')) == (8, 3032)
    assert rcrs(du(smapi, 'LINUX02', 'MDISK=OPERATION=ADD VDEV=100 COUNT=10 DEVTYPE=3390 DISKTYPE=T-DISK')) \
        == (408, 4)
    assert rcrs(du(smapi, 'LINUX02', 'IPL=LOADPARM=X')) == (8, 3032)
    assert rcrs(du(smapi, 'LINUX02', 'INCLUDE=NOPROF')) == (436, 4)
    smapi('Image_Lock_DM', 'LINUX02', device_address='', **OP)
    assert rcrs(du(smapi, 'LINUX02', 'IPL=VDEV=CMS')) == (400, 12)
    smapi('Image_Unlock_DM', 'LINUX02', device_address='', **OP)
    assert 'IPL 0100' in stored(sim, 'LINUX02')


def test_definition_update_of_a_profile(sim, smapi):
    assert rcrs(du(smapi, 'LNXDFLT', 'OPTION=APPLMON')) == (0, 0)
    assert 'OPTION APPLMON' in stored(sim, 'LNXDFLT', 'profile')
    assert dq(smapi, 'LNXDFLT', 'OPTION')['directory_information_data'] == ['OPTION=APPLMON']


def test_definition_delete(sim, smapi):
    assert rcrs(du(smapi, 'LINUX02', 'LINK=USERID=MAINT VDEV1=19E VDEV2=019E MODE=RR',
                   'COMMAND_DEFINE_CPU=CPUADDR=01 TYPE=IFL', 'OPTION=APPLMON')) == (0, 0)
    assert rcrs(dd(smapi, 'LINUX02', 'MDISK=VDEV=100', 'CPU=CPUADDR=00', 'IPL', 'LINK=VDEV2=19E',
                   'NICDEF=VDEV=1000', 'INCLUDE', 'CPU_MAXIMUM', 'COMMAND_DEFINE_CPU=CPUADDR=01',
                   'OPTION=')) == (0, 0)
    assert stored(sim, 'LINUX02') == ['USER LINUX02 LBYONLY 2G 4G G']
    assert extents(sim, 'LINUX02') == []


def test_definition_delete_errors(sim, smapi):
    reply = dd(smapi, 'LINUX02', '*')
    assert rcrs(reply) == (8, 3002) and reply['error_data'] == ['UNKNOWN_DIRECTORY_KEYWORD_PARAMETER=*']
    assert rcrs(dd(smapi, 'NOSUCH', 'IPL')) == (400, 4)
    assert rcrs(dd(smapi, 'LINUX02', 'MDISK=VDEV=999')) == (408, 8)
    assert rcrs(dd(smapi, 'LINUX02', 'CPU=CPUADDR=05')) == (520, 30)
    assert rcrs(dd(smapi, 'LINUX02', 'LINK=VDEV2=0191')) == (404, 8)
    assert rcrs(dd(smapi, 'LINUX02', 'NICDEF=VDEV=2000')) == (404, 8)
    assert rcrs(dd(smapi, 'LINUX02', 'SHARE')) == (8, 4)
    assert rcrs(dd(smapi, 'LINUX02', 'PASSWORD=X')) == (8, 3032)
    assert rcrs(dd(smapi, 'LINUX02', 'IPL', 'IPL')) == (460, 4)
    assert rcrs(smapi('Image_Lock_DM', 'LINUX02', device_address='100', **OP)) == (0, 0)
    assert rcrs(dd(smapi, 'LINUX02', 'MDISK=VDEV=100')) == (408, 12)
    assert rcrs(smapi('Image_Lock_DM', 'LINUX02', device_address='')) == (404, 12)
    smapi('Image_Unlock_DM', 'LINUX02', device_address='100', **OP)
    assert rcrs(smapi('Image_Lock_DM', 'LINUX02', device_address='', **OP)) == (0, 0)
    assert rcrs(dd(smapi, 'LINUX02', 'IPL')) == (400, 12)
    assert 'IPL 0100' in stored(sim, 'LINUX02')
    assert extents(sim, 'LINUX02') == [('LX0100', 1458, 1457, '0100')]


# ---------------------------------------------------------------------------
# Profiles and prototypes
# ---------------------------------------------------------------------------

PROFILE = ['PROFILE NEWPROF', 'CLASS G', 'CONSOLE 0009 3215 T']


def test_profile_life_cycle(sim, smapi):
    assert rcrs(smapi('Profile_Create_DM', 'newprof', profile_record_array=PROFILE)) == (0, 0)
    assert stored(sim, 'NEWPROF', 'profile') == PROFILE
    reply = smapi('Profile_Query_DM', 'NEWPROF')
    assert rcrs(reply) == (0, 0) and reply['profile_record_array'][0] == 'PROFILE NEWPROF'.ljust(72)
    replaced = PROFILE + ['SPOOL 000C 2540 READER *']
    assert rcrs(smapi('Profile_Replace_DM', 'NEWPROF', profile_record_array=replaced)) == (400, 24)
    assert rcrs(smapi('Profile_Lock_DM', 'NEWPROF')) == (0, 0)
    assert rcrs(smapi('Profile_Lock_DM', 'NEWPROF')) == (400, 12)     # already locked (by us)
    reply = smapi('Profile_Lock_Query_DM', 'NEWPROF')
    assert rcrs(reply) == (0, 12)
    assert (reply['locked_type'], reply['profile_locked_by'], reply['locked_dev_array']) == ('IMAGE', 'MAINT', [])
    assert rcrs(smapi('Profile_Replace_DM', 'NEWPROF', profile_record_array=replaced)) == (0, 0)
    assert stored(sim, 'NEWPROF', 'profile') == replaced
    assert rcrs(smapi('Profile_Unlock_DM', 'NEWPROF')) == (0, 0)
    assert rcrs(smapi('Profile_Unlock_DM', 'NEWPROF')) == (400, 24)
    reply = smapi('Profile_Lock_Query_DM', 'NEWPROF')
    assert rcrs(reply) == (0, 24) and reply['locked_dev_array'] == []
    # users may now include it
    assert rcrs(create(smapi, 'LNXNEW', ['USER LNXNEW PW 1G 1G G', 'INCLUDE NEWPROF'])) == (0, 0)
    assert rcrs(smapi('Profile_Delete_DM', 'NEWPROF')) == (400, 16)
    assert rcrs(smapi('Image_Delete_DM', 'LNXNEW', data_security_erase=0)) == (0, 0)
    assert rcrs(smapi('Profile_Delete_DM', 'NEWPROF')) == (0, 0)
    assert stored(sim, 'NEWPROF', 'profile') is None


WIDE = {'smapi': {'authorizations': [
    {'user': 'MAINT', 'function': 'ALL', 'target': 'ALL'},
    {'user': 'OPERATOR', 'function': 'ALL', 'target': 'ALL'}]}}


def test_profile_errors(make_sim):
    sim = make_sim(WIDE)
    smapi = smapi_for(sim)
    pp = layouts.get('Profile_Create_DM').parameter_number('profile_record_array')
    assert rcrs(smapi('Profile_Create_DM', 'IBMDFLT', profile_record_array=['PROFILE IBMDFLT'])) == (400, 8)
    assert rcrs(smapi('Profile_Create_DM', 'LINUX01', profile_record_array=['PROFILE LINUX01'])) == (400, 8)
    assert rcrs(smapi('Profile_Create_DM', 'NEWPROF', profile_record_array=['PROFILE OTHER'])) == (24, pp * 100 + 19)
    assert rcrs(smapi('Profile_Create_DM', 'NEWPROF', profile_record_array=['USER NEWPROF'])) == (24, pp * 100 + 19)
    for function in ('Profile_Delete_DM', 'Profile_Query_DM', 'Profile_Lock_DM', 'Profile_Unlock_DM',
                     'Profile_Lock_Query_DM'):
        assert rcrs(smapi(function, 'NOPROF')) == (400, 4), function
    assert rcrs(smapi('Profile_Replace_DM', 'NOPROF', profile_record_array=['PROFILE NOPROF'])) == (400, 4)
    assert rcrs(smapi('Profile_Delete_DM', 'IBMDFLT')) == (400, 16)
    # locks between two users
    assert rcrs(smapi('Profile_Lock_DM', 'LNXDFLT', **OP)) == (0, 0)
    assert rcrs(smapi('Profile_Lock_DM', 'LNXDFLT')) == (400, 12)
    assert rcrs(smapi('Profile_Replace_DM', 'LNXDFLT', profile_record_array=['PROFILE LNXDFLT'])) == (400, 12)
    assert rcrs(smapi('Profile_Delete_DM', 'LNXDFLT')) == (400, 12)
    assert rcrs(du(smapi, 'LNXDFLT', 'OPTION=APPLMON')) == (400, 12)
    smapi('Profile_Lock_DM', 'LNXDFLT', **OP)
    assert rcrs(smapi('Profile_Replace_DM', 'LNXDFLT', profile_record_array=['USER LNXDFLT'], **OP)) == \
        (24, layouts.get('Profile_Replace_DM').parameter_number('profile_record_array') * 100 + 19)
    assert stored(sim, 'LNXDFLT', 'profile')[0] == 'PROFILE LNXDFLT'


def test_profile_delete_is_refused_while_locked(sim, smapi):
    smapi('Profile_Create_DM', 'NEWPROF', profile_record_array=PROFILE)
    smapi('Profile_Lock_DM', 'NEWPROF')
    assert rcrs(smapi('Profile_Delete_DM', 'NEWPROF')) == (400, 12)
    smapi('Profile_Unlock_DM', 'NEWPROF')
    assert rcrs(smapi('Profile_Delete_DM', 'NEWPROF')) == (0, 0)
    assert locks(sim, 'NEWPROF') == []


PROTO = ['USER PROTO1 LBYONLY 1G 2G G', 'INCLUDE IBMDFLT', 'IPL CMS']


def test_prototype_life_cycle(sim, smapi):
    assert rcrs(smapi('Prototype_Create_DM', 'proto1', prototype_record_array=PROTO)) == (0, 0)
    assert stored(sim, 'PROTO1', 'prototype') == PROTO
    reply = smapi('Prototype_Query_DM', 'PROTO1')
    assert rcrs(reply) == (0, 0) and reply['prototype_record_array'][2] == 'IPL CMS'.ljust(72)
    reply = smapi('Prototype_Name_Query_DM', 'MAINT')
    assert rcrs(reply) == (0, 0) and reply['prototype_name_array'] == ['LINUX', 'PROTO1']
    assert rcrs(smapi('Prototype_Replace_DM', 'PROTO1', prototype_record_array=PROTO[:1])) == (0, 0)
    assert stored(sim, 'PROTO1', 'prototype') == PROTO[:1]
    assert rcrs(create(smapi, 'FROMPRO', [], prototype_name='PROTO1')) == (0, 0)
    assert stored(sim, 'FROMPRO') == ['USER FROMPRO LBYONLY 1G 2G G']
    assert rcrs(smapi('Prototype_Delete_DM', 'PROTO1')) == (0, 0)
    assert stored(sim, 'PROTO1', 'prototype') is None
    assert rcrs(smapi('Prototype_Delete_DM', 'LINUX')) == (0, 0)
    reply = smapi('Prototype_Name_Query_DM', 'MAINT')
    assert rcrs(reply) == (416, 4)


def test_prototype_errors(smapi):
    assert rcrs(smapi('Prototype_Create_DM', 'LINUX', prototype_record_array=PROTO)) == (416, 8)
    # a prototype may share a user's name: prototypes have their own namespace
    assert rcrs(smapi('Prototype_Create_DM', 'LINUX01', prototype_record_array=PROTO)) == (0, 0)
    assert rcrs(smapi('Prototype_Create_DM', 'PROTO2', prototype_record_array=['INCLUDE IBMDFLT'])) == (416, 0)
    assert rcrs(smapi('Prototype_Create_DM', 'PROTO2', prototype_record_array=PROTO + PROTO[:1])) == (416, 0)
    assert rcrs(smapi('Prototype_Replace_DM', 'LINUX', prototype_record_array=['IPL CMS'])) == (416, 0)
    assert rcrs(smapi('Prototype_Replace_DM', 'NOPROTO', prototype_record_array=PROTO)) == (416, 4)
    assert rcrs(smapi('Prototype_Query_DM', 'NOPROTO')) == (416, 4)
    assert rcrs(smapi('Prototype_Delete_DM', 'NOPROTO')) == (416, 4)


# ---------------------------------------------------------------------------
# Name lists
# ---------------------------------------------------------------------------

def test_name_lists(sim, smapi):
    assert rcrs(smapi('Name_List_Add', 'mylist', name='linux01')) == (0, 12)
    assert rcrs(smapi('Name_List_Add', 'MYLIST', name='LINUX02')) == (0, 0)
    assert rcrs(smapi('Name_List_Add', 'MYLIST', name='LINUX02')) == (0, 36)
    reply = smapi('Name_List_Query', 'MYLIST')
    assert rcrs(reply) == (0, 0) and reply['name_array'] == ['LINUX01', 'LINUX02']
    assert rcrs(smapi('Name_List_Add', 'OTHER', name='TCPIP')) == (0, 12)
    assert smapi('Name_List_Query', '*')['name_array'] == ['MYLIST', 'OTHER']
    with sim.store.transaction() as tx:
        assert name_list_members(tx, 'mylist') == ['LINUX01', 'LINUX02']
        assert name_list_members(tx, 'nolist') is None
    assert rcrs(smapi('Name_List_Remove', 'MYLIST', name='TCPIP')) == (0, 32)
    assert rcrs(smapi('Name_List_Remove', 'MYLIST', name='LINUX01')) == (0, 0)
    assert smapi('Name_List_Query', 'MYLIST')['name_array'] == ['LINUX02']
    assert rcrs(smapi('Name_List_Remove', 'MYLIST', name='LINUX02')) == (0, 16)
    assert rcrs(smapi('Name_List_Query', 'MYLIST')) == (200, 24)
    assert rcrs(smapi('Name_List_Remove', 'MYLIST', name='LINUX02')) == (200, 24)
    assert rcrs(smapi('Name_List_Destroy', 'OTHER')) == (0, 0)
    assert rcrs(smapi('Name_List_Destroy', 'OTHER')) == (200, 24)
    assert smapi('Name_List_Query', '*')['name_array'] == []


def test_configured_name_list(make_sim):
    smapi = smapi_for(make_sim({'name_lists': {'guests': ['linux01', 'linux02']}}))
    assert smapi('Name_List_Query', 'GUESTS')['name_array'] == ['LINUX01', 'LINUX02']


# ---------------------------------------------------------------------------
# Asynchronous mode
# ---------------------------------------------------------------------------

ASYNC = {'directory': {'async_writes': True, 'async_seconds': 5}}


def test_async_create_and_delete(make_sim, clock):
    sim = make_sim(ASYNC)
    smapi = smapi_for(sim)
    reply = create(smapi, 'LNXNEW', NEW_GUEST)
    assert rcrs(reply) == (592, 0)
    op = reply['operation_id']
    assert op > 0
    assert stored(sim, 'LNXNEW') is not None       # applied at request time
    assert rcrs(smapi('Query_Asynchronous_Operation_DM', 'LNXNEW', operation_id=op)) == (0, 104)
    clock.advance(4.9)
    assert rcrs(smapi('Query_Asynchronous_Operation_DM', 'LNXNEW', operation_id=op)) == (0, 104)
    clock.advance(0.2)
    assert rcrs(smapi('Query_Asynchronous_Operation_DM', 'LNXNEW', operation_id=op)) == (0, 100)
    reply = smapi('Image_Delete_DM', 'LNXNEW', data_security_erase=0)
    assert rcrs(reply) == (592, 0) and reply['operation_id'] > op
    assert stored(sim, 'LNXNEW') is None
    assert rcrs(smapi('Query_Asynchronous_Operation_DM', 'LNXNEW', operation_id=reply['operation_id'])) == (0, 104)
    # errors found at once are still synchronous answers
    assert rcrs(create(smapi, 'LINUX01', NEW_GUEST)) == (400, 8)
    assert rcrs(smapi('Image_Delete_DM', 'NOSUCH', data_security_erase=0)) == (400, 4)


def test_async_failure(make_sim, clock):
    overrides = copy.deepcopy(ASYNC)
    overrides['directory']['async_failures'] = [{'function': 'Image_Create_DM', 'target': 'FAIL*'},
                                                {'function': 'Image_Delete_DM', 'target': 'LINUX03'}]
    sim = make_sim(overrides)
    smapi = smapi_for(sim)
    reply = create(smapi, 'FAIL1', ['USER FAIL1 PW 1G 1G G'])
    assert rcrs(reply) == (592, 0)
    assert stored(sim, 'FAIL1') is None
    clock.advance(6)
    assert rcrs(smapi('Query_Asynchronous_Operation_DM', 'FAIL1', operation_id=reply['operation_id'])) == (0, 108)
    reply = smapi('Image_Delete_DM', 'LINUX03', data_security_erase=0)
    assert rcrs(reply) == (592, 0)
    assert stored(sim, 'LINUX03') is not None
    clock.advance(6)
    assert rcrs(smapi('Query_Asynchronous_Operation_DM', 'LINUX03', operation_id=reply['operation_id'])) == (0, 108)
    assert rcrs(create(smapi, 'GOOD1', ['USER GOOD1 PW 1G 1G G'])) == (592, 0)


def test_unknown_operation_is_0_0(smapi):
    assert rcrs(smapi('Query_Asynchronous_Operation_DM', 'MAINT', operation_id=4242)) == (0, 0)


def test_start_async_helper(make_sim, sim):
    class FakeCall:   # pylint: disable=too-few-public-methods
        """What start_async reads of a Call, for a disk-family function."""
        function = 'Image_Disk_Create_DM'
        target = 'LINUX01'
        userid = 'MAINT'

        def __init__(self, simulator, tx):
            self.config, self.tx, self.now = simulator.config, tx, tx.now
    with sim.store.transaction(write=True) as tx:
        assert dm.start_async(FakeCall(sim, tx), {'x': 1}) == {'x': 1, 'operation_id': -1}
        assert not dm.async_should_fail(FakeCall(sim, tx))
    asim = make_sim(ASYNC)
    with asim.store.transaction(write=True) as tx:
        result = dm.start_async(FakeCall(asim, tx))
        assert isinstance(result, Result) and (result.rc, result.rs) == (592, 0)
        op = tx.async_op(result.output['operation_id'])
        assert op['function'] == 'Image_Disk_Create_DM' and op['complete_at'] == tx.now + 5


# ---------------------------------------------------------------------------
# Directory manager queries, restart
# ---------------------------------------------------------------------------

def test_directory_manager_level(make_sim, smapi):
    reply = smapi('Query_Directory_Manager_Level_DM', 'MAINT')
    assert rcrs(reply) == (0, 0) and reply['directory_manager_level'] == 'DIRMAINT 7.3.0'
    other = smapi_for(make_sim({'directory': {'level': '7.2.0'}}))
    assert other('Query_Directory_Manager_Level_DM', 'MAINT')['directory_manager_level'] == 'DIRMAINT 7.2.0'


def test_directory_manager_search(smapi):
    reply = smapi('Directory_Manager_Search_DM', 'MAINT', search_pattern='user linux0*')
    assert rcrs(reply) == (0, 0)
    assert [s['target_id'] for s in reply['statement_array']] == ['LINUX01', 'LINUX02', 'LINUX03']
    assert reply['statement_array'][0]['statement'] == 'USER LINUX01 LBYONLY 4G 8G G'
    reply = smapi('Directory_Manager_Search_DM', 'MAINT', search_pattern='mdisk 01%% 3390 * lx0100 mr')
    assert [s['target_id'] for s in reply['statement_array']] == ['LINUX01', 'LINUX02']
    reply = smapi('Directory_Manager_Search_DM', 'MAINT', search_pattern='profile *')
    assert [s['statement'] for s in reply['statement_array']] == ['PROFILE IBMDFLT', 'PROFILE LNXDFLT']
    reply = smapi('Directory_Manager_Search_DM', 'MAINT', search_pattern='nothing like this')
    assert rcrs(reply) == (0, 28) and reply['statement_array'] == []


def test_restart_keeps_the_directory(make_sim, tmp_path):
    state = tmp_path / 'restart'
    first = make_sim(state_dir=str(state))
    assert rcrs(create(smapi_for(first), 'LNXNEW', NEW_GUEST)) == (0, 0)
    assert rcrs(smapi_for(first)('Image_Lock_DM', 'LNXNEW', device_address='')) == (0, 0)
    first.store.close()
    second = make_sim(state_dir=str(state))
    smapi = smapi_for(second)
    reply = smapi('Image_Query_DM', 'LNXNEW')
    assert rcrs(reply) == (0, 0) and reply['image_record_array'][0].rstrip() == 'USER LNXNEW PASS1 2G 4G G'
    assert rcrs(smapi('Image_Lock_Query_DM', 'LNXNEW')) == (0, 12)
    assert extents(second, 'LNXNEW') == [('LX0101', 5000, 100, '0100')]


# ---------------------------------------------------------------------------
# The captures of a real system, sent verbatim
# ---------------------------------------------------------------------------

FUNCTIONS = (
    'Image_Create_DM', 'Image_Delete_DM', 'Image_Query_DM', 'Image_Replace_DM', 'Image_Lock_DM', 'Image_Unlock_DM',
    'Image_Lock_Query_DM', 'Image_Name_Query_DM', 'Image_Password_Set_DM', 'Image_IPL_Set_DM', 'Image_IPL_Query_DM',
    'Image_IPL_Delete_DM', 'Image_CPU_Define_DM', 'Image_CPU_Delete_DM', 'Image_CPU_Query_DM',
    'Image_CPU_Set_Maximum_DM', 'Image_Definition_Query_DM', 'Image_Definition_Update_DM',
    'Image_Definition_Create_DM', 'Image_Definition_Delete_DM', 'Profile_Create_DM', 'Profile_Delete_DM',
    'Profile_Query_DM', 'Profile_Replace_DM', 'Profile_Lock_DM', 'Profile_Unlock_DM', 'Profile_Lock_Query_DM',
    'Prototype_Create_DM', 'Prototype_Delete_DM', 'Prototype_Query_DM', 'Prototype_Replace_DM',
    'Prototype_Name_Query_DM', 'Query_Asynchronous_Operation_DM', 'Query_Directory_Manager_Level_DM',
    'Directory_Manager_Search_DM', 'Name_List_Add', 'Name_List_Remove', 'Name_List_Query', 'Name_List_Destroy')

GT_PONG = ['USER GT@PONG @SM8PI@  1G 1G ABCDEFG', 'IPL CMS', "LOADDEV SCPDATA HEX '0123'",
           'LOADDEV PORTNAME 5005076300C20B8E', 'LOADDEV LUN 5241000000000000', 'LOADDEV BR_LBA 0123456789ABCDEF',
           'LOADDEV BOOTPROG 1', 'MACHINE ESA 4', '*PW00= 7CE2D4F8D7C97C40', '  CONSOLE   0009 3215',
           '  SPOOL 00C 2540 READER *', '  SPOOL 00D 2540 PUNCH A', '  SPOOL 00E 1403 A', '  LINK MAINT 190 190 RR',
           '  LINK MAINT 19E 19E RR', 'MDISK 0888 3390 1457 10 LX3002 W READ WRITE MULTIPLE',
           'MDISK 0777 3390 29129 1000 LX3000 W READ WRITE MULTIPLE']
GT_PING = ['USER GT@PING @SM8PI@ 1G 2G ABCDEFG', 'CPU 00 BASE', 'IPL CMS', 'MACHINE ESA 1', 'CONSOLE 0009 3215 T',
           'SPOOL 000C 2540 READER *', 'SPOOL 000D 2540 PUNCH A', 'SPOOL 000E 1403 A', 'LINK MAINT 190 0190 RR',
           'LINK MAINT 19E 019E RR', 'MDISK 0777 3390 2467 1000 LX3004 W READ WRITE MULTIPLE']


def capture_config():
    """The default system plus the guests, volumes and lists the captures name."""
    base = simconfig.load()
    dasd = base['dasd'] + [{'volid': v, 'devtype': '3390', 'cylinders': 32760} for v in ('LX3000', 'LX3002',
                                                                                         'LX3004')]
    guests = base['guests'] + [
        {'userid': 'GT@PONG', 'records': GT_PONG}, {'userid': 'GT@PING', 'records': GT_PING},
        {'userid': 'LNXDEF', 'records': ['USER LNXDEF LBYONLY 1G 1G G', 'INCLUDE LNXDFLT']},
        {'userid': 'SYS', 'records': ['USER SYS      NOLOG      32M   32M G']},
        {'userid': 'SYSADMIN', 'records': ['USER SYSADMIN SYSADMIN  16M   16M G']},
        {'userid': 'SYSMAINT', 'records': ['USER SYSMAINT NOLOG      32M   32M ABCDEFG']},
    ]
    return {'dasd': dasd, 'guests': guests, 'groups': {'LINUX': ['LX3004']},
            'name_lists': {'USERLIST': ['MYNAME', 'OTHER']}}


# What each capture needs first (to meet the state the real system was in),
# and which replies equal the capture's byte for byte after the header.
BEFORE = {
    'Image_Create_DM.1': [('Image_Delete_DM', 'GT@PONG', {'data_security_erase': 0})],
    'Image_Definition_Create_DM.2': [('Image_Delete_DM', 'GT@PING', {'data_security_erase': 0})],
    'Image_Definition_Delete_DM.2': ['Image_Definition_Update_DM.3'],
    'Image_Unlock_DM.1': ['Image_Lock_DM.1'],
    'Image_Lock_Query_DM.1': [('Image_Lock_DM', 'GT@PONG', {'device_address': ''})],
    'Image_Replace_DM.1': [('Image_Lock_DM', 'GT@PONG', {'device_address': ''})],
    'Image_CPU_Query_DM.1': [('Image_CPU_Define_DM', 'GT@PONG', {
        'cpu_address': '00', 'base_cpu': 1, 'cpuid': '123456', 'dedicate_cpu': 2, 'crypto': 0})],
    'Image_CPU_Delete_DM.1': ['Image_CPU_Define_DM.1'],
    'Image_IPL_Query_DM.1': ['Image_IPL_Set_DM.1'],
}
SAME_OUTPUT = ('Image_Query_DM.1', 'Image_CPU_Query_DM.1', 'Image_IPL_Query_DM.1', 'Image_Lock_Query_DM.1',
               'Image_Definition_Query_DM.1', 'Image_Definition_Query_DM.2', 'Image_Definition_Query_DM.3',
               'Image_Definition_Create_DM.1', 'Image_Definition_Update_DM.1', 'Image_Definition_Delete_DM.1',
               'Image_Definition_Delete_DM.3', 'Directory_Manager_Search_DM.1', 'Image_Create_DM.1',
               'Image_Delete_DM.1')


@pytest.mark.usefixtures('captures_dir')
@pytest.mark.parametrize('name', capture_names(FUNCTIONS))
def test_capture(make_sim, name):
    reply, raw, response = send_capture(make_sim(capture_config()), name, before=BEFORE.get(name, []))
    rc, rs = struct.unpack('>ii', response[12:20])
    assert rcrs(reply) == (rc, rs)
    if name in SAME_OUTPUT:
        assert raw[20:] == response[20:]


@pytest.mark.usefixtures('captures_dir')
def test_capture_list_is_complete():
    names = capture_names(FUNCTIONS)
    assert 'Image_Definition_Query_DM.3' in names and 'Name_List_Query.1' in names
    assert len(names) >= 33
