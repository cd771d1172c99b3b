# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Layouts of group a (Asynchronous_Notification_* .. Image_Disk_Unshare_DM).
# Every expected byte string is built by hand from the documented layout, so
# these tests check the tables, not the codec against itself.  The shapes
# covered are those the captures do not show: functions with no capture,
# non-empty arrays, asynchronous (rc 592) and failing outputs, and the
# validation of each family of parameters.
"""Layouts of SMAPI functions, group A (notifications ... disks): hand-built bytes both ways."""

import functools

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.smapi import codec, layouts

from . import wire
from .wire import PASSWORD, USER, bad, check_request, i1, i4, i8, request_bytes, s, z

# These tests never looked for a ``_raw`` fallback in the decoded responses.
check_response = functools.partial(wire.check_response, allow_raw=True)


GROUP_A = (
    'Asynchronous_Notification_Disable_DM Asynchronous_Notification_Enable_DM Asynchronous_Notification_Query_DM '
    'Authorization_List_Add Authorization_List_Query Authorization_List_Remove Check_Authentication '
    'Delete_ABEND_Dump Directory_Manager_Local_Tag_Define_DM Directory_Manager_Local_Tag_Delete_DM '
    'Directory_Manager_Local_Tag_Query_DM Directory_Manager_Local_Tag_Set_DM Directory_Manager_Search_DM '
    'Directory_Manager_Task_Cancel_DM Event_Stream_Add Event_Subscribe Event_Unsubscribe Image_Activate '
    'Image_Active_Configuration_Query Image_CPU_Define Image_CPU_Define_DM Image_CPU_Delete Image_CPU_Delete_DM '
    'Image_CPU_Query Image_CPU_Query_DM Image_CPU_Set_Maximum_DM Image_Console_Get Image_Create_DM '
    'Image_Deactivate Image_Definition_Async_Updates Image_Definition_Create_DM Image_Definition_Delete_DM '
    'Image_Definition_Query_DM Image_Definition_Update_DM Image_Delete_DM Image_Device_Dedicate '
    'Image_Device_Dedicate_DM Image_Device_Reset Image_Device_Undedicate Image_Device_Undedicate_DM '
    'Image_Disk_Copy Image_Disk_Copy_DM Image_Disk_Create Image_Disk_Create_DM Image_Disk_Delete '
    'Image_Disk_Delete_DM Image_Disk_Query Image_Disk_Share Image_Disk_Share_DM Image_Disk_Unshare '
    'Image_Disk_Unshare_DM'
).split()


@pytest.mark.parametrize('name', GROUP_A)
def test_every_function_has_a_layout(name):
    assert layouts.get(name) is not None


# ---------------------------------------------------------------------------
# Image_Disk_Create_DM / Image_Disk_Delete_DM
# ---------------------------------------------------------------------------

def _disk_create_params(**changes):
    params = {
        'image_disk_number': '0101', 'image_disk_device_type': '3390', 'image_disk_allocation_type': 'AUTOG',
        'allocation_area_name_or_volser': 'POOL1', 'allocation_unit_size': 1, 'image_disk_size': 1457,
        'image_disk_mode': 'MR', 'image_disk_formatting': 6, 'image_disk_label': 'LXD101',
        'read_password': '', 'write_password': '', 'multi_password': '',
    }
    params.update(changes)
    return params


def test_disk_create_dm_request_autog():
    raw = (s('0101') + s('3390') + s('AUTOG') + s('POOL1') + i1(1) + i4(1457) + s('MR') + i1(6) + s('LXD101')
           + s('') + s('') + s(''))
    check_request('Image_Disk_Create_DM', 'LINUX01', _disk_create_params(), raw)


def test_disk_create_dm_request_vdisk_with_passwords():
    params = _disk_create_params(image_disk_device_type='FB-512', image_disk_allocation_type='V-DISK',
                                 allocation_area_name_or_volser='NONE', allocation_unit_size=2,
                                 image_disk_size=2097152, image_disk_mode='MWV', image_disk_formatting=0,
                                 image_disk_label='', read_password='RPW', write_password='WPW',
                                 multi_password='MPW')
    raw = (s('0101') + s('FB-512') + s('V-DISK') + s('NONE') + i1(2) + i4(2097152) + s('MWV') + i1(0) + s('')
           + s('RPW') + s('WPW') + s('MPW'))
    check_request('Image_Disk_Create_DM', 'LINUX01', params, raw)


def test_disk_create_dm_request_starting_location():
    params = _disk_create_params(image_disk_allocation_type='2467', allocation_area_name_or_volser='LX3004')
    raw = (s('0101') + s('3390') + s('2467') + s('LX3004') + i1(1) + i4(1457) + s('MR') + i1(6) + s('LXD101')
           + s('') + s('') + s(''))
    check_request('Image_Disk_Create_DM', 'LINUX01', params, raw)


def test_disk_create_dm_defaults():
    function = layouts.get('Image_Disk_Create_DM')
    params = _disk_create_params()
    for key in ('image_disk_formatting', 'image_disk_label', 'read_password', 'write_password', 'multi_password'):
        del params[key]
    raw = (s('0101') + s('3390') + s('AUTOG') + s('POOL1') + i1(1) + i4(1457) + s('MR') + i1(0) + s('')
           + s('') + s('') + s(''))
    assert codec.encode_request(function, USER, PASSWORD, 'LINUX01', params) == request_bytes(
        'Image_Disk_Create_DM', 'LINUX01', raw)


@pytest.mark.parametrize('value', ['AUTOG', 'AUTOR', 'AUTOV', 'DEVNO', 'T-DISK', 'V-DISK', 'autog', 'v-disk',
                                   '0', '2467', '1234567890'])
def test_disk_create_dm_allocation_types_accepted(value):
    function = layouts.get('Image_Disk_Create_DM')
    codec.encode_request(function, USER, PASSWORD, 'LINUX01', _disk_create_params(image_disk_allocation_type=value))


@pytest.mark.parametrize('value,reason', [
    ('AUTOX', codec.RS_UNRECOGNIZED), ('AUTO1', codec.RS_UNRECOGNIZED), ('TDISK', codec.RS_UNRECOGNIZED),
    ('12345678901', codec.RS_TOO_LONG), ('', codec.RS_MISSING), ('-1', codec.RS_UNRECOGNIZED),
])
def test_disk_create_dm_allocation_types_refused(value, reason):
    err = bad('Image_Disk_Create_DM', _disk_create_params(image_disk_allocation_type=value),
              'image_disk_allocation_type', reason)
    assert err.index == 7   # function, userid, password, target, vdev, device type, allocation type


@pytest.mark.parametrize('unit', [1, 2, 3, 4, 5])
def test_disk_create_dm_unit_sizes_accepted(unit):
    function = layouts.get('Image_Disk_Create_DM')
    codec.encode_request(function, USER, PASSWORD, 'LINUX01', _disk_create_params(allocation_unit_size=unit))


@pytest.mark.parametrize('unit,reason', [(0, codec.RS_BELOW_MIN), (6, codec.RS_ABOVE_MAX)])
def test_disk_create_dm_unit_sizes_refused(unit, reason):
    bad('Image_Disk_Create_DM', _disk_create_params(allocation_unit_size=unit), 'allocation_unit_size', reason)


@pytest.mark.parametrize('fmt', [0, 1, 2, 3, 4, 5, 6])
def test_disk_create_dm_formatting_accepted(fmt):
    function = layouts.get('Image_Disk_Create_DM')
    codec.encode_request(function, USER, PASSWORD, 'LINUX01', _disk_create_params(image_disk_formatting=fmt))


def test_disk_create_dm_formatting_refused():
    bad('Image_Disk_Create_DM', _disk_create_params(image_disk_formatting=7), 'image_disk_formatting',
        codec.RS_ABOVE_MAX)


@pytest.mark.parametrize('changes,parameter,reason', [
    ({'image_disk_number': '01000'}, 'image_disk_number', codec.RS_TOO_LONG),
    ({'image_disk_number': '01G0'}, 'image_disk_number', codec.RS_NOT_HEX),
    ({'image_disk_device_type': '3390/A'}, 'image_disk_device_type', codec.RS_UNRECOGNIZED),
    ({'allocation_area_name_or_volser': ''}, 'allocation_area_name_or_volser', codec.RS_MISSING),
    ({'allocation_area_name_or_volser': 'POOL.1'}, 'allocation_area_name_or_volser', codec.RS_UNRECOGNIZED),
    ({'image_disk_size': 2147483641}, 'image_disk_size', codec.RS_ABOVE_MAX),
    ({'image_disk_size': -1}, 'image_disk_size', codec.RS_BELOW_MIN),
    ({'image_disk_mode': 'M1'}, 'image_disk_mode', codec.RS_UNRECOGNIZED),
    ({'image_disk_mode': ''}, 'image_disk_mode', codec.RS_MISSING),
    ({'image_disk_label': 'LABEL07'}, 'image_disk_label', codec.RS_TOO_LONG),
    ({'read_password': 'A B'}, 'read_password', codec.RS_UNRECOGNIZED),
    ({'multi_password': 'TOOLONGPW'}, 'multi_password', codec.RS_TOO_LONG),
])
def test_disk_create_dm_bad_parameters(changes, parameter, reason):
    err = bad('Image_Disk_Create_DM', _disk_create_params(**changes), parameter, reason)
    if parameter.endswith('password'):
        assert changes[parameter] not in str(err)


def test_disk_create_dm_missing_parameter():
    params = _disk_create_params()
    del params['allocation_unit_size']
    bad('Image_Disk_Create_DM', params, 'allocation_unit_size', codec.RS_MISSING)


def test_disk_create_dm_passwords_are_secret():
    function = layouts.get('Image_Disk_Create_DM')
    assert set(['read_password', 'write_password', 'multi_password']) <= function.secret_keys
    masked = codec.mask_secrets(function, _disk_create_params(read_password='RPW'))
    assert masked['read_password'] == '***'


@pytest.mark.parametrize('name', ['Image_Disk_Create_DM', 'Image_Disk_Delete_DM', 'Image_Disk_Copy_DM',
                                  'Image_Create_DM', 'Image_Delete_DM'])
def test_operation_id_outputs(name):
    check_response(name, 592, 0, {'operation_id': 4711}, i4(4711))
    check_response(name, 0, 0, {'operation_id': -1}, i4(-1))
    check_response(name, 400, 4, {}, b'')


def test_disk_delete_dm_request():
    check_request('Image_Disk_Delete_DM', 'LINUX01', {'image_disk_number': '0101', 'data_security_erase': 2},
                  s('0101') + i1(2))
    function = layouts.get('Image_Disk_Delete_DM')
    assert codec.encode_request(function, USER, PASSWORD, 'LINUX01', {'image_disk_number': '0101'}) == \
        request_bytes('Image_Disk_Delete_DM', 'LINUX01', s('0101') + i1(0))


@pytest.mark.parametrize('name', ['Image_Disk_Delete_DM', 'Image_Delete_DM'])
def test_data_security_erase_range(name):
    params = {'data_security_erase': 3}
    if name == 'Image_Disk_Delete_DM':
        params['image_disk_number'] = '0101'
    bad(name, params, 'data_security_erase', codec.RS_ABOVE_MAX)


def test_disk_copy_dm_request_with_defaults():
    params = {'image_disk_number': '0101', 'source_image_name': 'LINUX02', 'source_image_disk_number': '0100',
              'image_disk_allocation_type': '', 'allocation_area_name_or_volser': '', 'image_disk_mode': '',
              'read_password': '', 'write_password': '', 'multi_password': ''}
    raw = s('0101') + s('LINUX02') + s('0100') + s('') * 6
    check_request('Image_Disk_Copy_DM', 'LINUX01', params, raw)
    bad('Image_Disk_Copy_DM', dict(params, image_disk_allocation_type='V-DISK'), 'image_disk_allocation_type',
        codec.RS_UNRECOGNIZED)
    bad('Image_Disk_Copy_DM', dict(params, source_image_name='TOOLONGID'), 'source_image_name', codec.RS_TOO_LONG)


def test_disk_share_and_unshare_requests():
    params = {'image_disk_number': '0101', 'target_image_name': 'LINUX02', 'target_image_disk_number': '0201',
              'read_write_mode': 'RR', 'optional_password': ''}
    raw = s('0101') + s('LINUX02') + s('0201') + s('RR') + s('')
    check_request('Image_Disk_Share', 'LINUX01', params, raw)
    check_request('Image_Disk_Share_DM', 'LINUX01', params, raw)
    check_request('Image_Disk_Unshare_DM', 'LINUX01',
                  {'image_disk_number': '0101', 'target_image_name': 'LINUX02', 'target_image_disk_number': '0201'},
                  s('0101') + s('LINUX02') + s('0201'))
    bad('Image_Disk_Share_DM', dict(params, read_write_mode='RRRRR'), 'read_write_mode', codec.RS_TOO_LONG)
    assert 'optional_password' in layouts.get('Image_Disk_Share').secret_keys


def test_disk_query_two_disks():
    record1 = b'0100' + b'6018' + i1(2) + b'3390' + i8(29128) + i1(1) + z('VM6018')
    record2 = b'0101' + b'VDSK' + i1(2) + b'9336' + i8(2097152) + i1(2) + z('(VDSK)')
    output = {'vdasd_array': [
        {'vdasd_vdev': '0100', 'vdasd_rdev': '6018', 'vdasd_access_type': 2, 'vdasd_devtype': '3390',
         'vdasd_size': 29128, 'vdasd_unit': 1, 'vdasd_volid': 'VM6018'},
        {'vdasd_vdev': '0101', 'vdasd_rdev': 'VDSK', 'vdasd_access_type': 2, 'vdasd_devtype': '9336',
         'vdasd_size': 2097152, 'vdasd_unit': 2, 'vdasd_volid': '(VDSK)'},
    ]}
    check_response('Image_Disk_Query', 0, 0, output, record1 + record2)


# ---------------------------------------------------------------------------
# Asynchronous notification, authorization list, DirMaint tags
# ---------------------------------------------------------------------------

def test_async_notification_query_two_entries():
    params = {'entity_type': 1, 'communication_type': 0, 'port_number': 0, 'ip_address': '', 'encoding': 0,
              'subscriber_data': '*'}
    check_request('Asynchronous_Notification_Query_DM', 'LINUX01', params,
                  i1(1) + i1(0) + i4(0) + s('') + i1(0) + s('*'))
    entry1 = s('LINUX01') + i1(1) + i1(1) + i4(5000) + s('10.0.0.1') + i1(1) + s('tag1')
    entry2 = s('LINUX02') + i1(2) + i1(2) + i4(65535) + s('192.168.100.200') + i1(0) + s('')
    raw = i4(8 + len(entry1) + len(entry2)) + i4(len(entry1)) + entry1 + i4(len(entry2)) + entry2
    output = {'notification_array': [
        {'userid': 'LINUX01', 'subscription_type': 1, 'communication_type': 1, 'port_number': 5000,
         'ip_address': '10.0.0.1', 'encoding': 1, 'subscriber_data': 'tag1'},
        {'userid': 'LINUX02', 'subscription_type': 2, 'communication_type': 2, 'port_number': 65535,
         'ip_address': '192.168.100.200', 'encoding': 0, 'subscriber_data': ''},
    ]}
    check_response('Asynchronous_Notification_Query_DM', 0, 0, output, raw)
    check_response('Asynchronous_Notification_Query_DM', 0, 28, {'notification_array': []}, i4(0))


@pytest.mark.parametrize('changes,parameter,reason', [
    ({'ip_address': '10.0.0'}, 'ip_address', codec.RS_TOO_SHORT),
    ({'ip_address': '10.0.0.a'}, 'ip_address', codec.RS_UNRECOGNIZED),
    ({'port_number': 65536}, 'port_number', codec.RS_ABOVE_MAX),
    ({'subscription_type': 3}, 'subscription_type', codec.RS_ABOVE_MAX),
    ({'communication_type': 0}, 'communication_type', codec.RS_BELOW_MIN),
    ({'subscriber_data': 'x' * 65}, 'subscriber_data', codec.RS_TOO_LONG),
])
def test_async_notification_enable_validation(changes, parameter, reason):
    params = {'subscription_type': 1, 'communication_type': 1, 'port_number': 5000, 'ip_address': '10.0.0.1',
              'subscriber_data': ''}
    raw = i1(1) + i1(1) + i1(1) + i4(5000) + s('10.0.0.1') + i1(0) + s('')
    function = layouts.get('Asynchronous_Notification_Enable_DM')   # entity_type and encoding have defaults
    assert codec.encode_request(function, USER, PASSWORD, 'LINUX01', params) == request_bytes(
        'Asynchronous_Notification_Enable_DM', 'LINUX01', raw)
    params.update(entity_type=1, encoding=0)
    check_request('Asynchronous_Notification_Enable_DM', 'LINUX01', params, raw)
    params.update(changes)
    bad('Asynchronous_Notification_Enable_DM', params, parameter, reason)


def test_authorization_list_for_id_alternatives():
    check_request('Authorization_List_Add', 'LINUX01', {'for_id': '=', 'function_id': 'Image_Activate'},
                  s('=') + s('Image_Activate'))
    check_request('Authorization_List_Remove', 'LINUX01', {'for_id': 'OPERATOR_LIST', 'function_id': '*'},
                  s('OPERATOR_LIST') + s('*'))
    bad('Authorization_List_Add', {'for_id': 'A=B', 'function_id': 'ALL'}, 'for_id', codec.RS_UNRECOGNIZED)
    bad('Authorization_List_Add', {'for_id': 'ALL'}, 'function_id', codec.RS_MISSING)
    bad('Authorization_List_Add', {'for_id': 'X' * 65, 'function_id': 'ALL'}, 'for_id', codec.RS_TOO_LONG)


def test_authorization_list_query_empty_and_lists():
    check_request('Authorization_List_Query', '', {'for_id': '', 'function_id': ''}, s('') + s(''))
    check_response('Authorization_List_Query', 0, 0, {'auth_record_array': []}, i4(0))
    rec = s('ADMINS') + i1(1) + s('=') + i1(0) + s('IMAGE_OPS') + i1(1)
    check_response('Authorization_List_Query', 0, 0, {'auth_record_array': [
        {'requesting_userid': 'ADMINS', 'requesting_list_indicator': 1, 'for_userid': '=',
         'for_list_indicator': 0, 'function_name': 'IMAGE_OPS', 'function_list_indicator': 1}]},
        i4(4 + len(rec)) + i4(len(rec)) + rec)


def test_delete_abend_dump_keyword():
    check_request('Delete_ABEND_Dump', 'OPERATNS', {'id': 'ALL'}, b'id=ALL\x00')
    bad('Delete_ABEND_Dump', {}, 'id', codec.RS_MISSING)
    bad('Delete_ABEND_Dump', {'id': 'PRB00001X'}, 'id', codec.RS_TOO_LONG)


def test_local_tags():
    check_request('Directory_Manager_Local_Tag_Define_DM', 'LINUX01',
                  {'tag_name': 'OWNER', 'tag_ordinal': 999, 'define_action': 2}, s('OWNER') + i4(999) + i1(2))
    bad('Directory_Manager_Local_Tag_Define_DM', {'tag_name': 'OWNER', 'tag_ordinal': 1000, 'define_action': 1},
        'tag_ordinal', codec.RS_ABOVE_MAX)
    bad('Directory_Manager_Local_Tag_Define_DM', {'tag_name': 'OWN_ER', 'tag_ordinal': 1, 'define_action': 1},
        'tag_name', codec.RS_UNRECOGNIZED)
    bad('Directory_Manager_Local_Tag_Set_DM', {'tag_name': 'OWNER', 'tag_value': 'v' * 1025}, 'tag_value',
        codec.RS_TOO_LONG)
    check_response('Directory_Manager_Local_Tag_Query_DM', 0, 0, {'tag_value': 'Team blue, room 4'},
                   s('Team blue, room 4'))


def test_directory_search_empty_and_task_cancel():
    check_response('Directory_Manager_Search_DM', 0, 0, {'statement_array': []}, i4(0))
    bad('Directory_Manager_Search_DM', {'search_pattern': ''}, 'search_pattern', codec.RS_MISSING)
    check_request('Directory_Manager_Task_Cancel_DM', 'LINUX01', {'operation_id': 2147483647}, i4(2147483647))
    bad('Directory_Manager_Task_Cancel_DM', {'operation_id': -1}, 'operation_id', codec.RS_BELOW_MIN)


# ---------------------------------------------------------------------------
# Events, authentication, power
# ---------------------------------------------------------------------------

def test_event_stream_add():
    check_request('Event_Stream_Add', 'LINUX01', {'event_id': 16777216, 'event_data': b'backup done'},
                  i4(16777216) + b'backup done')
    bad('Event_Stream_Add', {'event_id': 5, 'event_data': b'x'}, 'event_id', codec.RS_BELOW_MIN)
    check_response('Event_Stream_Add', 0, 0, {}, b'')


def test_event_unsubscribe_gets_an_ordinary_reply():
    assert not layouts.get('Event_Unsubscribe').streaming
    assert layouts.get('Event_Subscribe').streaming
    check_request('Event_Unsubscribe', 'LINUX01', {}, b'')
    check_response('Event_Unsubscribe', 0, 0, {}, b'')


def test_event_subscribe_with_match_key():
    check_request('Event_Subscribe', 'LINUX01', {'match_key': 'LINUX01'}, s('LINUX01'))
    check_request('Event_Subscribe', 'LINUX01', {}, b'')


def test_check_authentication_has_no_target():
    function = layouts.get('Check_Authentication')
    raw = request_bytes('Check_Authentication', None, b'')
    assert codec.encode_request(function, USER, PASSWORD, None) == raw
    decoded = codec.decode_request(raw, layouts.FUNCTIONS)
    assert decoded['target'] is None and decoded['params'] == {}
    assert codec.reencode_request(function, decoded) == raw
    check_response('Check_Authentication', 120, 0, {}, b'')


@pytest.mark.parametrize('name,counts', [('Image_Activate', ('activated', 'not_activated')),
                                         ('Image_Deactivate', ('deactivated', 'not_deactivated'))])
def test_power_failing_array(name, counts):
    entry1 = s('LINUX01') + i4(200) + i4(8)
    entry2 = s('LNX2') + i4(200) + i4(4)
    raw = i4(1) + i4(2) + i4(8 + len(entry1) + len(entry2)) + i4(len(entry1)) + entry1 + i4(len(entry2)) + entry2
    output = {counts[0]: 1, counts[1]: 2, 'failing_array': [
        {'image_name': 'LINUX01', 'return_code': 200, 'reason_code': 8},
        {'image_name': 'LNX2', 'return_code': 200, 'reason_code': 4}]}
    check_response(name, 200, 28, output, raw)


def test_deactivate_force_times():
    for value in ('', 'IMMED', 'WITHIN 300', 'BY 23:59'):
        check_request('Image_Deactivate', 'LINUX01', {'force_time': value}, s(value))
    bad('Image_Deactivate', {'force_time': 'WITHIN 999999'}, 'force_time', codec.RS_TOO_LONG)


def test_console_get_carries_no_output():
    check_request('Image_Console_Get', 'LINUX01', {}, b'')
    check_response('Image_Console_Get', 0, 0, {}, b'')
    check_response('Image_Console_Get', 8, 8, {}, b'')


# ---------------------------------------------------------------------------
# CPUs and devices
# ---------------------------------------------------------------------------

def test_cpu_define_dm_and_query_dm():
    params = {'cpu_address': '3F', 'base_cpu': 0, 'cpuid': '', 'dedicate_cpu': 2, 'crypto': 0}
    check_request('Image_CPU_Define_DM', 'LINUX01', params, s('3F') + i1(0) + s('') + i1(2) + i1(0))
    bad('Image_CPU_Define_DM', dict(params, cpu_address='40G'), 'cpu_address', codec.RS_TOO_LONG)
    bad('Image_CPU_Define_DM', dict(params, dedicate_cpu=3), 'dedicate_cpu', codec.RS_ABOVE_MAX)
    bad('Image_CPU_Define_DM', dict(params, cpuid='12345Z'), 'cpuid', codec.RS_NOT_HEX)
    check_response('Image_CPU_Query_DM', 0, 0,
                   {'cpu_address': '01', 'base_cpu': 0, 'cpuid': '', 'dedicate_cpu': 1, 'crypto': 0},
                   s('01') + i1(0) + s('') + i1(1) + i1(0))


def test_cpu_define_types_and_maximum():
    check_request('Image_CPU_Define', 'LINUX01', {'cpu_address': '2', 'cpu_type': 4}, s('2') + i1(4))
    bad('Image_CPU_Define', {'cpu_address': '02', 'cpu_type': 5}, 'cpu_type', codec.RS_ABOVE_MAX)
    check_request('Image_CPU_Set_Maximum_DM', 'LINUX01', {'max_cpu': 64}, i4(64))
    bad('Image_CPU_Set_Maximum_DM', {'max_cpu': 0}, 'max_cpu', codec.RS_BELOW_MIN)


def test_active_configuration_two_cpus_no_devices():
    cpu0 = i4(0) + s('FF01917729640000') + i1(1)
    cpu1 = i4(1) + s('FF01917729640000') + i1(4)
    raw = (i4(4096) + i1(2) + i1(2) + s('12.5') + i4(2) + i4(8 + len(cpu0) + len(cpu1)) + i4(len(cpu0)) + cpu0
           + i4(len(cpu1)) + cpu1 + i4(0))
    output = {'memory_size': 4096, 'memory_unit': 2, 'share_type': 2, 'share_value': '12.5', 'number_cpus': 2,
              'cpu_info_array': [{'cpu_number': 0, 'cpu_id': 'FF01917729640000', 'cpu_status': 1},
                                 {'cpu_number': 1, 'cpu_id': 'FF01917729640000', 'cpu_status': 4}],
              'device_info_array': []}
    check_response('Image_Active_Configuration_Query', 0, 0, output, raw)


def test_cpu_query_empty():
    check_response('Image_CPU_Query', 0, 0, {'number_cpus': 0, 'cpu_info_array': []}, i4(0) + i4(0))


def test_device_dedicate_family():
    check_request('Image_Device_Dedicate_DM', 'LINUX01',
                  {'image_device_number': '1FC0', 'real_device_number': '1FC0', 'readonly': 0},
                  s('1FC0') + s('1FC0') + i1(0))
    bad('Image_Device_Dedicate', {'image_device_number': '1FC0', 'real_device_number': '1FC0', 'readonly': 2},
        'readonly', codec.RS_ABOVE_MAX)
    bad('Image_Device_Dedicate', {'image_device_number': '1FC0'}, 'real_device_number', codec.RS_MISSING)
    bad('Image_Device_Reset', {'image_device_number': 'XYZ'}, 'image_device_number', codec.RS_NOT_HEX)
    bad('Image_Device_Undedicate_DM', {'image_device_number': '01FC0'}, 'image_device_number', codec.RS_TOO_LONG)


# ---------------------------------------------------------------------------
# Image definitions
# ---------------------------------------------------------------------------

@pytest.mark.parametrize('name,key', [
    ('Image_Definition_Create_DM', 'definition_create_directory_keyword_parameter_list'),
    ('Image_Definition_Delete_DM', 'definition_delete_directory_keyword_parameter_list'),
    ('Image_Definition_Update_DM', 'definition_update_directory_keyword_parameter_list'),
])
def test_definition_outputs_by_return_code(name, key):
    items = ['STORAGE_INITIAL=1G', 'IPL=VDEV=0100']
    body = z(items[0]) + z(items[1])
    check_request(name, 'LINUX01', {key: items}, i4(len(body)) + body)
    check_response(name, 0, 0, {}, b'')
    check_response(name, 592, 4, {'asynch_data': ['12345']}, i4(6) + z('12345'))
    error = z('UNKNOWN_DIRECTORY_KEYWORD_PARAMETER=X')
    check_response(name, 8, 3002, {'error_data': ['UNKNOWN_DIRECTORY_KEYWORD_PARAMETER=X']},
                   i4(len(error)) + error)


def test_definition_async_updates():
    check_request('Image_Definition_Async_Updates', 'MAINT', {'enabled': 'YES'}, b'enabled=YES\x00')
    bad('Image_Definition_Async_Updates', {'enabled': 'ON'}, 'enabled', codec.RS_UNRECOGNIZED)
    bad('Image_Definition_Async_Updates', {'enabled': 'MAYBE'}, 'enabled', codec.RS_TOO_LONG)


def test_image_create_dm_validation():
    params = {'prototype_name': '', 'initial_password': 'pw', 'initial_account_number': '',
              'image_record_array': ['USER LINUX01 XXXXXXXX 4G 8G G', 'IPL 0100']}
    rec = s(params['image_record_array'][0]) + s(params['image_record_array'][1])
    check_request('Image_Create_DM', 'LINUX01', params, s('') + s('pw') + s('') + i4(len(rec)) + rec)
    bad('Image_Create_DM', dict(params, initial_account_number='A 1'), 'initial_account_number',
        codec.RS_UNRECOGNIZED)
    bad('Image_Create_DM', dict(params, prototype_name='LINUX.P'), 'prototype_name', codec.RS_UNRECOGNIZED)


# ---------------------------------------------------------------------------
# The codec constructs this group needed
# ---------------------------------------------------------------------------

def test_keywords_are_alternatives_to_the_charset():
    field = codec.Str('t', 1, 10, codec.C10, keywords=('AUTOG', 'T-DISK'))
    field.check('t-disk', 'F')
    field.check('0123456789', 'F')
    with pytest.raises(codec.ValidationError):
        field.check('AUTOGX', 'F')


def test_rc_response_takes_precedence():
    function = codec.Function('F', [], [codec.Int4('a')], error_response=[codec.Int4('b')],
                              rc_response={592: [codec.Int4('c')]})
    assert [f.name for f in function.output_layout(0)] == ['a']
    assert [f.name for f in function.output_layout(8)] == ['b']
    assert [f.name for f in function.output_layout(592)] == ['c']
