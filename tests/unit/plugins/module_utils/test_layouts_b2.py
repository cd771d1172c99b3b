# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Layouts of group b2 (page/spool, ABEND dumps, profiles, prototypes, queries,
SSI, shared memory, static image changes, Image_Performance_Query) checked
against bytes built by hand from the documented layouts: decoding gives the
expected dict and encoding that dict gives the same bytes again."""

import functools

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.smapi import codec, layouts

from . import wire
from .wire import arr, i1, i4, i8, s, struct_, z

# These tests authenticate with an upper-case password and never looked for
# a ``_raw`` fallback in the decoded responses.
PASSWORD = 'SECRET'
check_request = functools.partial(wire.check_request, password=PASSWORD)
check_response = functools.partial(wire.check_response, allow_raw=True)
bad = functools.partial(wire.bad, password=PASSWORD)


ALL_B2 = (
    'Page_or_Spool_Volume_Add Process_ABEND_Dump Profile_Create_DM Profile_Delete_DM Profile_Lock_DM '
    'Profile_Lock_Query_DM Profile_Query_DM Profile_Replace_DM Profile_Unlock_DM Prototype_Create_DM '
    'Prototype_Delete_DM Prototype_Name_Query_DM Prototype_Query_DM Prototype_Replace_DM Query_ABEND_Dump '
    'Query_API_Functional_Level Query_All_DM Query_Asynchronous_Operation_DM Query_Directory_Manager_Level_DM '
    'Response_Recovery SMAPI_Status_Capture SSI_Query Shared_Memory_Access_Add_DM Shared_Memory_Access_Query_DM '
    'Shared_Memory_Access_Remove_DM Shared_Memory_Create Shared_Memory_Delete Shared_Memory_Query '
    'Shared_Memory_Replace Static_Image_Changes_Activate_DM Static_Image_Changes_Deactivate_DM '
    'Static_Image_Changes_Immediate_DM Image_Performance_Query'
).split()


def test_every_function_of_the_group_has_a_layout():
    missing = [name for name in ALL_B2 if layouts.get(name) is None]
    assert not missing


# -- functions with no parameters and no output ----------------------------------------------

@pytest.mark.parametrize('function', [
    'Profile_Delete_DM', 'Profile_Lock_DM', 'Profile_Unlock_DM', 'Prototype_Delete_DM',
    'Query_API_Functional_Level', 'SMAPI_Status_Capture', 'Static_Image_Changes_Activate_DM',
    'Static_Image_Changes_Deactivate_DM', 'Static_Image_Changes_Immediate_DM',
])
def test_rc_rs_only(function):
    check_request(function, 'LINUX01', {}, b'')
    check_response(function, 0, 0, {}, b'')
    bad(function, {'extra': 1}, 'extra')


def test_query_api_functional_level_is_the_reason_code():
    check_response('Query_API_Functional_Level', 0, 710, {}, b'')


# -- profiles and prototypes ------------------------------------------------------------------

PROFILE = ['PROFILE IBMDFLT', 'SPOOL 000C 2540 READER *', 'LINK MAINT 0190 0190 RR']


@pytest.mark.parametrize('function,key', [
    ('Profile_Create_DM', 'profile_record_array'),
    ('Profile_Replace_DM', 'profile_record_array'),
    ('Prototype_Create_DM', 'prototype_record_array'),
    ('Prototype_Replace_DM', 'prototype_record_array'),
])
def test_record_array_requests(function, key):
    raw = arr(*[s(r) for r in PROFILE])
    check_request(function, 'IBMDFLT', {key: PROFILE}, raw)
    check_response(function, 0, 0, {}, b'')
    # an empty array is an int4 0
    check_request(function, 'IBMDFLT', {key: []}, i4(0))


@pytest.mark.parametrize('function,key', [
    ('Profile_Query_DM', 'profile_record_array'),
    ('Prototype_Query_DM', 'prototype_record_array'),
])
def test_record_array_queries(function, key):
    check_request(function, 'IBMDFLT', {}, b'')
    records = ['PROFILE IBMDFLT' + ' ' * 57 + '00010000', 'IPL CMS']   # 80 bytes with a sequence number
    check_response(function, 0, 0, {key: records}, arr(*[s(r) for r in records]))
    check_response(function, 0, 0, {key: []}, i4(0))
    # not found: no output at all
    check_response(function, 400, 4, {}, b'')


def test_prototype_name_query():
    check_request('Prototype_Name_Query_DM', '*', {}, b'')
    check_response('Prototype_Name_Query_DM', 0, 0, {'prototype_name_array': ['LINUX', 'CMSUSER']},
                   arr(s('LINUX'), s('CMSUSER')))


def test_profile_and_prototype_validation():
    err = bad('Profile_Create_DM', {'profile_record_array': ['X' * 73]}, 'profile_record_array')
    assert err.reason == codec.RS_TOO_LONG
    bad('Prototype_Replace_DM', {'prototype_record_array': 'not a list'}, 'prototype_record_array')
    err = bad('Profile_Replace_DM', {'profile_record_array': ['PROFILE X', '']}, 'profile_record_array')
    assert err.reason == codec.RS_MISSING
    err = bad('Prototype_Create_DM', {'prototype_record_array': ['IPL CMS\x01']}, 'prototype_record_array')
    assert err.reason == codec.RS_UNRECOGNIZED


def test_profile_lock_query_locked_with_devices():
    out = s('IMAGE MAINT') + arr(z('0100 MAINT'), z('0191 OPERATOR'))
    check_response('Profile_Lock_Query_DM', 0, 12, {
        'locked_type': 'IMAGE', 'profile_locked_by': 'MAINT',
        'locked_dev_array': [{'dev_address': '0100', 'dev_locked_by': 'MAINT'},
                             {'dev_address': '0191', 'dev_locked_by': 'OPERATOR'}],
    }, out)
    check_request('Profile_Lock_Query_DM', 'IBMDFLT', {}, b'')


def test_profile_lock_query_devices_only_and_unlocked():
    out = s('DEVICE') + arr(z('0100 MAINT'))
    check_response('Profile_Lock_Query_DM', 0, 12, {
        'locked_type': 'DEVICE',
        'locked_dev_array': [{'dev_address': '0100', 'dev_locked_by': 'MAINT'}],
    }, out)
    check_response('Profile_Lock_Query_DM', 0, 24, {'locked_type': '', 'locked_dev_array': []},
                   i4(0) + i4(0))


# -- queries ------------------------------------------------------------------------------------

def test_query_directory_manager_level():
    check_request('Query_Directory_Manager_Level_DM', 'MAINT', {}, b'')
    level = 'DirMaint FL710'
    check_response('Query_Directory_Manager_Level_DM', 0, 0, {'directory_manager_level': level},
                   s(level))


def test_query_directory_manager_level_takes_no_parameters():
    bad('Query_Directory_Manager_Level_DM', {'directory_manager_level': 'x'}, 'directory_manager_level')


def test_query_asynchronous_operation():
    raw = i4(305419896)
    check_request('Query_Asynchronous_Operation_DM', 'MAINT', {'operation_id': 305419896}, raw)
    check_response('Query_Asynchronous_Operation_DM', 0, 104, {}, b'')
    err = bad('Query_Asynchronous_Operation_DM', {'operation_id': -1}, 'operation_id', target='MAINT')
    assert err.reason == codec.RS_BELOW_MIN
    bad('Query_Asynchronous_Operation_DM', {}, 'operation_id', target='MAINT')


def test_query_all_dm_format_no():
    params = {'query_keyword_parameter_list': 'FORMAT=NO'}
    check_request('Query_All_DM', 'MAINT', params, s('FORMAT=NO'))
    entry1 = struct_(i4(0), s('LINUX01'), arr(s('USER LINUX01 LBYONLY 4G 8G G'), s('INCLUDE IBMDFLT')))
    entry2 = struct_(i4(1), s('IBMDFLT'), arr(s('PROFILE IBMDFLT')))
    entry3 = struct_(i4(8), s('EMPTY'), arr())
    check_response('Query_All_DM', 0, 0, {'directory_entries_array': [
        {'directory_entry_type': 0, 'directory_entry_id': 'LINUX01',
         'directory_entry_records': ['USER LINUX01 LBYONLY 4G 8G G', 'INCLUDE IBMDFLT']},
        {'directory_entry_type': 1, 'directory_entry_id': 'IBMDFLT', 'directory_entry_records': ['PROFILE IBMDFLT']},
        {'directory_entry_type': 8, 'directory_entry_id': 'EMPTY', 'directory_entry_records': []},
    ]}, arr(entry1, entry2, entry3))


def test_query_all_dm_format_yes():
    params = {'query_keyword_parameter_list': 'format=yes'}
    check_request('Query_All_DM', 'MAINT', params, s('format=yes'))
    items = ['CPU=CPUADDR=00 BASE=YES', 'IPL=VDEV=CMS', 'MDISK=', 'STORAGE_INITIAL=4G']
    entry = struct_(i4(0), s('LINUX01'), arr(*[z(i) for i in items]))
    check_response('Query_All_DM', 0, 0, {'directory_entries_array': [
        {'directory_entry_type': 0, 'directory_entry_id': 'LINUX01', 'directory_entry_data': items},
    ]}, arr(entry))


def test_query_all_dm_validation():
    err = bad('Query_All_DM', {'query_keyword_parameter_list': 'format=maybe'}, 'query_keyword_parameter_list',
              target='MAINT')
    assert err.reason == codec.RS_UNRECOGNIZED
    err = bad('Query_All_DM', {'query_keyword_parameter_list': ''}, 'query_keyword_parameter_list', target='MAINT')
    assert err.reason == codec.RS_MISSING


def test_response_recovery_with_data():
    raw = i4(1234)
    check_request('Response_Recovery', 'MAINT', {'failed_request_id': 1234}, raw)
    original = arr(s('LINUX01'), s('LINUX02'))
    check_response('Response_Recovery', 0, 0, {'response_data': original}, original)
    bad('Response_Recovery', {'failed_request_id': 'x'}, 'failed_request_id', target='MAINT')


def test_ssi_query():
    check_request('SSI_Query', 'MAINT', {}, b'')
    out = (z('SSI1') + z('Stable') + z('Enabled') + z('VMCOM1 on 9A20')
           + z('1 VMSYS1 Joined 04/14/2019 10:11:12 04/14/2019 10:11:13')
           + z('2 VMSYS2 Joined 04/14/2019_10:11:10 04/14/2019_10:11:11')
           + z('3 VMSYS3 Down 04/12 09:00')
           + z('4 -------- Available'))
    check_response('SSI_Query', 0, 0, {
        'ssi_name': 'SSI1', 'ssi_mode': 'Stable', 'cross_system_timeouts': 'Enabled', 'ssi_pdr': 'VMCOM1 on 9A20',
        'ssi_info_array': [
            {'member_slot': '1', 'member_system_id': 'VMSYS1', 'member_state': 'Joined',
             'member_pdr_heartbeat': '04/14/2019 10:11:12', 'member_received_heartbeat': '04/14/2019 10:11:13'},
            {'member_slot': '2', 'member_system_id': 'VMSYS2', 'member_state': 'Joined',
             'member_pdr_heartbeat': '04/14/2019_10:11:10', 'member_received_heartbeat': '04/14/2019_10:11:11'},
            {'member_slot': '3', 'member_system_id': 'VMSYS3', 'member_state': 'Down',
             'member_heartbeats': '04/12 09:00'},
            {'member_slot': '4', 'member_system_id': '--------', 'member_state': 'Available'},
        ]}, out)
    # not in an SSI cluster: rc/rs only
    check_response('SSI_Query', 4, 3008, {}, b'')


# -- ABEND dumps and page/spool volumes ---------------------------------------------------------

def test_process_abend_dump_with_and_without_spoolid():
    check_request('Process_ABEND_Dump', 'MAINT', {'spoolid': 'ALL'},
                  z('spoolid=ALL'))
    check_request('Process_ABEND_Dump', 'MAINT', {}, b'')
    err = bad('Process_ABEND_Dump', {'spoolid': '123456789'}, 'spoolid', target='MAINT')
    assert err.reason == codec.RS_TOO_LONG
    bad('Process_ABEND_Dump', {'spoolid': '01 9'}, 'spoolid', target='MAINT')


def test_query_abend_dump():
    check_request('Query_ABEND_Dump', 'MAINT', {'location': 'RDR'},
                  z('location=RDR'))
    out = i1(1) + b'0119    ' + b'2019-04-14' + b'SNP001  ' + i1(2) + b'PRB00000' + b'2019-04-11' + b' ' * 8
    check_response('Query_ABEND_Dump', 0, 0, {'abend_dump_array': [
        {'abend_dump_loc': 1, 'abend_dump_id': '0119', 'abend_dump_date': '2019-04-14', 'abend_dump_dist': 'SNP001'},
        {'abend_dump_loc': 2, 'abend_dump_id': 'PRB00000', 'abend_dump_date': '2019-04-11', 'abend_dump_dist': ''},
    ]}, out)
    check_response('Query_ABEND_Dump', 0, 0, {}, b'')
    err = bad('Query_ABEND_Dump', {'location': 'TAPE'}, 'location', target='MAINT')
    assert err.reason == codec.RS_TOO_LONG
    bad('Query_ABEND_Dump', {'location': 'XYZ'}, 'location', target='MAINT')
    err = bad('Query_ABEND_Dump', {}, 'location', target='MAINT')
    assert err.reason == codec.RS_MISSING


def test_page_or_spool_volume_add_minimal():
    params = {'vol_addr': '9A21', 'volume_label': 'SPL001', 'volume_use': 'SPOOL'}
    raw = z('vol_addr=9A21') + z('volume_label=SPL001') + z('volume_use=SPOOL')
    check_request('Page_or_Spool_Volume_Add', 'MAINT', params, raw)


def test_page_or_spool_volume_add_validation():
    good = {'vol_addr': '9A21', 'volume_label': 'SPL001', 'volume_use': 'PAGE'}
    bad('Page_or_Spool_Volume_Add', dict(good, vol_addr='9A2G'), 'vol_addr', target='MAINT')
    bad('Page_or_Spool_Volume_Add', dict(good, volume_label='SPOOL01'), 'volume_label', target='MAINT')
    bad('Page_or_Spool_Volume_Add', dict(good, volume_use='TDISK'), 'volume_use', target='MAINT')
    missing = dict(good)
    del missing['volume_use']
    err = bad('Page_or_Spool_Volume_Add', missing, 'volume_use', target='MAINT')
    assert err.reason == codec.RS_MISSING
    err = bad('Page_or_Spool_Volume_Add', dict(good, parm_disk_password='TOO LONG PW'), 'parm_disk_password',
              target='MAINT')
    assert 'TOO LONG' not in str(err)


# -- shared memory --------------------------------------------------------------------------------

@pytest.mark.parametrize('function', [
    'Shared_Memory_Access_Add_DM', 'Shared_Memory_Access_Remove_DM', 'Shared_Memory_Delete',
])
def test_shared_memory_name_only(function):
    raw = s('SEG1')
    check_request(function, 'LINUX01', {'memory_segment_name': 'SEG1'}, raw)
    check_response(function, 0, 0, {}, b'')
    err = bad(function, {'memory_segment_name': 'SEGMENT01'}, 'memory_segment_name')
    assert err.reason == codec.RS_TOO_LONG
    bad(function, {'memory_segment_name': 'SEG*'}, 'memory_segment_name')
    err = bad(function, {}, 'memory_segment_name')
    assert err.reason == codec.RS_MISSING


def test_shared_memory_access_query_several_names():
    raw = s('SEG1')
    check_request('Shared_Memory_Access_Query_DM', 'LINUX01', {'memory_segment_name': 'SEG1'}, raw)
    check_response('Shared_Memory_Access_Query_DM', 0, 0, {'name_array': ['MAINT', 'LINUX01', 'LINUX02']},
                   arr(s('MAINT'), s('LINUX01'), s('LINUX02')))


def test_shared_memory_create_and_replace():
    params = {'memory_segment_name': 'SEG1', 'begin_page': 0, 'end_page': 524031, 'page_access_descriptor': 7,
              'memory_attributes': 2, 'memory_access_identifier': ''}
    raw = s('SEG1') + i8(0) + i8(524031) + i1(7) + i1(2) + s('')
    check_request('Shared_Memory_Create', 'LINUX01', params, raw)
    err = bad('Shared_Memory_Create', dict(params, end_page=524032), 'end_page')
    assert err.reason == codec.RS_ABOVE_MAX
    bad('Shared_Memory_Create', dict(params, page_access_descriptor=0), 'page_access_descriptor')
    raw = s('SEG1') + s('LINUX02')
    check_request('Shared_Memory_Replace', 'LINUX01',
                  {'memory_segment_name': 'SEG1', 'memory_access_identifier': 'LINUX02'}, raw)


def test_shared_memory_query_several_page_ranges():
    raw = s('*')
    check_request('Shared_Memory_Query', 'MAINT', {'memory_segment_name': '*'}, raw)
    seg1 = struct_(s('SEG1'), i1(3), arr(struct_(i8(0x100), i8(0x1ff), i1(1)), struct_(i8(0x300), i8(0x3ff), i1(5))))
    seg2 = struct_(s('SEG2'), i1(2), arr())
    check_response('Shared_Memory_Query', 0, 0, {'memory_segment_array': [
        {'memory_segment_name': 'SEG1', 'memory_segment_status': 3, 'page_range_array': [
            {'begin_page': 0x100, 'end_page': 0x1ff, 'page_access_descriptor': 1},
            {'begin_page': 0x300, 'end_page': 0x3ff, 'page_access_descriptor': 5}]},
        {'memory_segment_name': 'SEG2', 'memory_segment_status': 2, 'page_range_array': []},
    ]}, arr(seg1, seg2))


# -- Image_Performance_Query (undocumented) -------------------------------------------------------

def perf_record(name, n):
    body = (i4(1) + i4(0x80000000 - 1) + i8(1000000 * n) + i8(2000000 * n) + i8(524288) + i8(2097152) + i8(0)
            + i8(400000) + i4(16) + i4(4) + i4(2) + i4(1) + i4(4) + i4(100) + i4(10) + i4(2) + i4(0) + i4(80)
            + i4(8) + i4(100) + name.ljust(8).encode('cp037'))
    assert len(body) == 112
    return i4(len(body)) + body


def perf_dict(name, n):
    return {'record_version': 1, 'guest_flags': 0x80000000 - 1, 'used_cpu_time': 1000000 * n,
            'elapsed_cpu_time': 2000000 * n, 'min_memory': 524288, 'max_memory': 2097152, 'shared_memory': 0,
            'used_memory': 400000, 'active_cpus_in_cec': 16, 'logical_cpus_in_vm': 4, 'guest_cpus': 2,
            'min_cpu_count': 1, 'max_cpu_limit': 4, 'processor_share': 100, 'samples_cpu_in_use': 10,
            'samples_cpu_delay': 2, 'samples_page_wait': 0, 'samples_idle': 80, 'samples_other': 8,
            'samples_total': 100, 'guest_name': name}


def test_image_performance_query():
    raw = z('LINUX01') + z('LINUX02')
    check_request('Image_Performance_Query', 'MAINT', {'userid_list': ['LINUX01', 'LINUX02']}, raw)
    out = i4(2) + perf_record('LINUX01', 1) + perf_record('LINUX02', 2)
    check_response('Image_Performance_Query', 0, 0,
                   {'performance_records': [perf_dict('LINUX01', 1), perf_dict('LINUX02', 2)]}, out)
    # the guest name is EBCDIC on the wire
    assert b'\xd3\xc9\xd5\xe4\xe7\xf0\xf1\x40' in out


def test_image_performance_query_partial_and_longer_record():
    # 4/4: some guests had no data; only the count may come back
    check_response('Image_Performance_Query', 4, 4, {'performance_records': []}, i4(0))
    # a longer record from a newer z/VM keeps its tail
    rec = perf_record('LINUX01', 1)
    longer = i4(116) + rec[4:] + b'\x00\x00\x00\x09'
    expected = dict(perf_dict('LINUX01', 1), _extra=b'\x00\x00\x00\x09')
    check_response('Image_Performance_Query', 0, 0, {'performance_records': [expected]},
                   i4(1) + longer)


def test_image_performance_query_validation():
    err = bad('Image_Performance_Query', {'userid_list': ['LINUX01', 'TOOLONGID']}, 'userid_list', target='MAINT')
    assert err.reason == codec.RS_TOO_LONG
    bad('Image_Performance_Query', {'userid_list': ['LIN UX']}, 'userid_list', target='MAINT')
