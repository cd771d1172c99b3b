# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Layouts of group c (System_*, VMRELOCATE*, VMRM_*).  Every expected byte
# string is built by hand from the documented layout, so these tests check
# the tables, not the codec against itself.  They cover the shapes the
# captures do not show: functions with no capture, non-empty arrays, the
# optional columns and records, failing outputs, and the validation of each
# family of parameters.
"""Layouts of SMAPI functions, group C (system functions, relocation, VMRM): hand-built bytes both ways."""


import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.smapi import codec, layouts

from . import wire
from .wire import PASSWORD, USER, check_request, check_response, i1, i4, i8, request_bytes, response_bytes, s, z


def bad(*args, **kw):
    """wire.bad with this group's usual target: most functions here target MAINT."""
    kw.setdefault('target', 'MAINT')
    return wire.bad(*args, **kw)


GROUP_C = (
    'System_Config_Syntax_Check System_Disk_Accessibility System_Disk_Add System_Disk_IO_Query System_Disk_Query '
    'System_EQID_Query System_FCP_Free_Query System_Image_Performance_Query System_Info_Query '
    'System_Information_Query System_Page_Utilization_Query System_Performance_Info_Query '
    'System_Performance_Information_Query System_Performance_Threshold_Disable '
    'System_Performance_Threshold_Enable System_RDR_File_Manage System_RDR_File_Query System_SCSI_Disk_Add '
    'System_SCSI_Disk_Delete System_SCSI_Disk_Query System_Service_Query System_Shutdown '
    'System_Spool_Utilization_Query System_WWPN_Query VMRELOCATE VMRELOCATE_Image_Attributes VMRELOCATE_Modify '
    'VMRELOCATE_Status VMRM_Configuration_Query VMRM_Configuration_Update VMRM_Measurement_Query'
).split()


@pytest.mark.parametrize('name', GROUP_C)
def test_every_function_has_a_layout(name):
    function = layouts.get(name)
    assert function is not None
    assert function.target and not function.streaming


# ---------------------------------------------------------------------------
# System configuration and shutdown (no captures)
# ---------------------------------------------------------------------------

def test_config_syntax_check_request_and_responses():
    params = {'system_config_name': 'SYSTEM', 'system_config_type': 'CONFIG', 'parm_disk_owner': 'PMAINT',
              'parm_disk_number': 'CF0', 'parm_disk_password': 'MULT'}
    raw = z('system_config_name=SYSTEM', 'system_config_type=CONFIG', 'parm_disk_owner=PMAINT',
            'parm_disk_number=CF0', 'parm_disk_password=MULT')
    check_request('System_Config_Syntax_Check', 'MAINT', params, raw)
    check_request('System_Config_Syntax_Check', 'MAINT', {}, b'')
    assert 'parm_disk_password' in layouts.get('System_Config_Syntax_Check').secret_keys
    check_response('System_Config_Syntax_Check', 0, 0, {}, b'')
    # rc 8 rs 34: the errors found, as ASCIIZ lines with no length field
    errors = ['HCPZZZ6702E Invalid keyword FOO', 'found on line 12']
    check_response('System_Config_Syntax_Check', 8, 34, {'error_data': errors}, z(*errors))


def test_config_syntax_check_validation():
    bad('System_Config_Syntax_Check', {'parm_disk_number': 'CFG1'}, 'parm_disk_number', codec.RS_NOT_HEX)
    bad('System_Config_Syntax_Check', {'system_config_name': 'SYSTEMCFG'}, 'system_config_name',
        codec.RS_TOO_LONG)
    bad('System_Config_Syntax_Check', {'config_name': 'SYSTEM'}, 'config_name', codec.RS_EXTRANEOUS)


def test_shutdown_request_and_error_data():
    check_request('System_Shutdown', 'MAINT', {'within': '300'}, z('within=300'))
    check_request('System_Shutdown', 'MAINT', {'by': '23:30', 'reipl': 'REIPL'}, z('by=23:30', 'reipl=REIPL'))
    check_response('System_Shutdown', 0, 0, {}, b'')
    text = 'HCPSHU2016E Conflicting options'
    check_response('System_Shutdown', 8, 24, {'error_data': [text]}, i4(len(text) + 1) + z(text))


def test_shutdown_validation():
    bad('System_Shutdown', {'within': '1234567'}, 'within', codec.RS_TOO_LONG)
    bad('System_Shutdown', {'by': '11.30'}, 'by', codec.RS_UNRECOGNIZED)


# ---------------------------------------------------------------------------
# Real ECKD disks
# ---------------------------------------------------------------------------

@pytest.mark.parametrize('name', ['System_Disk_Accessibility', 'System_Disk_Add'])
def test_disk_accessibility_and_add(name):
    check_request(name, 'MAINT', {'dev_num': '1A20'}, z('dev_num=1A20'))
    check_response(name, 0, 0, {}, b'')
    bad(name, {}, 'dev_num', codec.RS_MISSING)
    bad(name, {'dev_num': '1A200'}, 'dev_num', codec.RS_TOO_LONG)


def test_disk_query_with_sizes():
    check_request('System_Disk_Query', 'MAINT', {'dev_num': 'ALL', 'disk_size': 'YES'},
                  z('dev_num=ALL', 'disk_size=YES'))
    records = [
        {'dev_id': '1000', 'dev_type': '3390-0C', 'dev_status': 'OWNED', 'dev_volser': 'VMCOM1',
         'dev_size': '10017'},
        {'dev_id': '6000', 'dev_type': '0000-00', 'dev_status': 'OFFLINE', 'dev_volser': '', 'dev_size': '0'},
    ]
    raw = z('1000 3390-0C OWNED VMCOM1 10017', '6000 0000-00 OFFLINE  0')
    check_response('System_Disk_Query', 0, 0, {'disk_info_array': records}, raw)


def test_disk_query_without_sizes():
    records = [
        {'dev_id': '1000', 'dev_type': '3390-0C', 'dev_status': 'OWNED', 'dev_volser': 'VMCOM1'},
        {'dev_id': '6000', 'dev_type': '0000-00', 'dev_status': 'OFFLINE', 'dev_volser': ''},
    ]
    raw = z('1000 3390-0C OWNED VMCOM1', '6000 0000-00 OFFLINE ')
    check_response('System_Disk_Query', 0, 0, {'disk_info_array': records}, raw)
    bad('System_Disk_Query', {'dev_num': 'ALL', 'disk_size': 'MAYBE'}, 'disk_size')
    bad('System_Disk_Query', {'disk_size': 'NO'}, 'dev_num', codec.RS_MISSING)


def test_disk_io_query():
    check_request('System_Disk_IO_Query', 'MAINT', {'system_disk_io_list': 'rdev=1000 1001'}, s('rdev=1000 1001'))
    info = ['RDEV=1000 READ_BYTES=123456 WRITE_BYTES=654321', 'RDEV=1001 READ_BYTES=0 WRITE_BYTES=0']
    raw = z(*info)
    check_response('System_Disk_IO_Query', 0, 0, {'dasd_information': info}, i4(len(raw)) + raw)
    raw = z('NO_DATA_FOUND')
    check_response('System_Disk_IO_Query', 8, 3017, {'error_data': ['NO_DATA_FOUND']}, i4(len(raw)) + raw)
    bad('System_Disk_IO_Query', {'system_disk_io_list': 'rdev=1000,1001'}, 'system_disk_io_list')


# ---------------------------------------------------------------------------
# Device equivalency IDs
# ---------------------------------------------------------------------------

def test_eqid_query_records_of_both_shapes():
    check_request('System_EQID_Query', 'MAINT', {'eqid_for': 'EQID', 'eqid_target': 'MYEQID OTHER'},
                  z('eqid_for=EQID', 'eqid_target=MYEQID OTHER'))
    # eqid_for=EQID with a single rdev: the name comes first
    records = [{'eqid_name': 'MYEQID', 'eqid_rdevs': ['01A00']},
               {'eqid_name': 'OTHER', 'eqid_rdevs': ['01B00', '01B01']}]
    raw = z('MYEQID 01A00', 'OTHER 01B00 01B01')
    check_response('System_EQID_Query', 0, 0, {'eqid_array': records}, i4(len(raw)) + raw)
    # eqid_for=ALL / RDEV: the rdev comes first
    records = [{'eqid_rdev': '01A00', 'eqid_name': 'MYEQID'}, {'eqid_rdev': '01A01', 'eqid_name': 'MYEQID'}]
    raw = z('01A00 MYEQID', '01A01 MYEQID')
    check_response('System_EQID_Query', 0, 0, {'eqid_array': records}, i4(len(raw)) + raw)


def test_eqid_query_validation():
    bad('System_EQID_Query', {'eqid_for': 'NAME'}, 'eqid_for', codec.RS_UNRECOGNIZED)
    bad('System_EQID_Query', {'eqid_for': 'EQ'}, 'eqid_for', codec.RS_TOO_SHORT)
    bad('System_EQID_Query', {'eqid_target': '0500'}, 'eqid_for', codec.RS_MISSING)


# ---------------------------------------------------------------------------
# SCSI and FCP
# ---------------------------------------------------------------------------

def test_fcp_free_query_records():
    check_request('System_FCP_Free_Query', 'MAINT', {'fcp_dev': 'B0A1'}, z('fcp_dev=B0A1'))
    record = {'fcp_dev': 'B0A1', 'wwpn': '5005076306135700', 'lun': '4010400100000000',
              'uuid': '6005076306FFD7000000000000000100', 'vendor': 'IBM     ', 'prod': '2107900',
              'model': '900', 'serial': '75DXP71', 'code': '2107', 'blk_size': '512', 'diskblks': '20971520',
              'lun_size': '10737418240'}
    raw = z('B0A1;5005076306135700;4010400100000000;6005076306FFD7000000000000000100;IBM     ;2107900;900;'
            '75DXP71;2107;512;20971520;10737418240')
    check_response('System_FCP_Free_Query', 0, 0, {'fcp_array': [record]}, raw)
    bad('System_FCP_Free_Query', {'fcp_dev': 'XB01'}, 'fcp_dev', codec.RS_NOT_HEX)


def test_scsi_disk_add_and_delete_requests():
    params = {'dev_num': '7000', 'dev_path_array': '5000 5005076306135700 4010400100000000;'
                                                   '5001 5005076306135701 4010400100000000',
              'option': '1', 'persist': 'YES'}
    raw = z('dev_num=7000', 'dev_path_array=5000 5005076306135700 4010400100000000;'
                            '5001 5005076306135701 4010400100000000', 'option=1', 'persist=YES')
    check_request('System_SCSI_Disk_Add', 'MAINT', params, raw)
    check_request('System_SCSI_Disk_Delete', 'MAINT', {'dev_num': '7000', 'persist': 'NO'},
                  z('dev_num=7000', 'persist=NO'))
    bad('System_SCSI_Disk_Add', dict(params, option='4'), 'option', codec.RS_UNRECOGNIZED)
    bad('System_SCSI_Disk_Delete', {'dev_num': 'ZZZZ'}, 'dev_num', codec.RS_NOT_HEX)


def test_scsi_disk_query_with_paths():
    paths = ''.join(['5000', '5005076306135700', '4010400100000000', '5001', '5005076306135701', '4010400100000000'])
    records = [{'dev_id': '7000', 'dev_type': 'FBA', 'dev_attr': 'SCSI', 'dev_size': '20971520',
                'fcp_array': paths},
               {'dev_id': '7001', 'dev_type': 'FBA', 'dev_attr': 'SCSI', 'dev_size': '0'}]
    # NUL-separated, no NUL after the last record
    raw = ('7000 FBA SCSI 20971520 ' + paths + '\x00' + '7001 FBA SCSI 0').encode('ascii')
    check_response('System_SCSI_Disk_Query', 0, 0, {'scsi_info_array': records}, raw)


def test_scsi_disk_query_terminated_records_still_round_trip():
    function = layouts.get('System_SCSI_Disk_Query')
    raw = response_bytes(0, 0, z('7000 FBA SCSI 0'))
    decoded = codec.decode_response(function, raw)
    assert decoded['scsi_info_array'][0] == {'dev_id': '7000', 'dev_type': 'FBA', 'dev_attr': 'SCSI',
                                             'dev_size': '0'}
    assert codec.reencode_response(function, decoded) == raw


def test_wwpn_query_with_and_without_owner():
    check_request('System_WWPN_Query', 'MAINT', {'owner': 'YES'}, z('owner=YES'))
    records = [{'fcp_dev_id': 'B0A1', 'npiv_wwpn': 'C05076FFEB800C10', 'chpid': '3A',
                'perm_wwpn': 'C05076FFEB8014A0', 'dev_status': '1', 'owner': 'LINUX01'},
               {'fcp_dev_id': 'B0A2', 'npiv_wwpn': 'C05076FFEB800C18', 'chpid': '3A',
                'perm_wwpn': 'C05076FFEB8014A0', 'dev_status': '2', 'owner': 'NONE'}]
    raw = z('B0A1 C05076FFEB800C10 3A C05076FFEB8014A0 1 LINUX01', 'B0A2 C05076FFEB800C18 3A C05076FFEB8014A0 2 NONE')
    check_response('System_WWPN_Query', 0, 0, {'wwpn_array': records}, raw)
    records = [{'fcp_dev_id': 'B0A1', 'npiv_wwpn': 'C05076FFEB800C10', 'chpid': '3A',
                'perm_wwpn': 'C05076FFEB8014A0', 'dev_status': '1'}]
    check_response('System_WWPN_Query', 0, 0, {'wwpn_array': records},
                   z('B0A1 C05076FFEB800C10 3A C05076FFEB8014A0 1'))
    bad('System_WWPN_Query', {'owner': 'ALL'}, 'owner', codec.RS_UNRECOGNIZED)


# ---------------------------------------------------------------------------
# Information and service
# ---------------------------------------------------------------------------

def test_information_and_service_query():
    check_request('System_Information_Query', 'MAINT', {}, b'')
    data = ['CPUID=ID=FF01917729640000', 'STORAGE=ONLINE=4G CONFIGURED=4G INCREMENT=1M STANDBY=0 RESERVED=0']
    raw = z(*data)
    check_response('System_Information_Query', 0, 0, {'system_information_data': data}, i4(len(raw)) + raw)
    query = ['COMPONENT=NAMECOMPONENT=CP TYPE=APAR NUMBER=VM66130']
    raw = z(*query)
    check_request('System_Service_Query', 'MAINT', {'system_service_query_list': query}, i4(len(raw)) + raw)
    raw = z('UNKNOWN_PARAMETER_NAME=NUMBR')
    check_response('System_Service_Query', 8, 3002, {'error_data': ['UNKNOWN_PARAMETER_NAME=NUMBR']},
                   i4(len(raw)) + raw)


# ---------------------------------------------------------------------------
# Performance
# ---------------------------------------------------------------------------

def _perf_record(guest, used_cpu):
    body = (i4(1) + i4(0x80) + i8(used_cpu) + i8(3600000000) + i8(0) + i8(2097152) + i8(1024) + i8(524288)
            + b''.join(i4(n) for n in (8, 4, 2, 1, 2, 100, 50, 5, 1, 40, 4, 100))
            + guest.ljust(8).encode('cp037'))
    return i4(len(body)) + body


def _perf_dict(guest, used_cpu):
    return {'record_version': 1, 'guest_flags': 0x80, 'used_cpu_time': used_cpu, 'elapsed_cpu_time': 3600000000,
            'min_memory': 0, 'max_memory': 2097152, 'shared_memory': 1024, 'used_memory': 524288,
            'active_cpus_in_cec': 8, 'logical_cpus_in_vm': 4, 'guest_cpus': 2, 'min_cpu_count': 1,
            'max_cpu_limit': 2, 'processor_share': 100, 'samples_cpu_in_use': 50, 'samples_cpu_delay': 5,
            'samples_page_wait': 1, 'samples_idle': 40, 'samples_other': 4, 'samples_total': 100,
            'guest_name': guest}


def test_system_image_performance_query():
    check_request('System_Image_Performance_Query', 'LINUXES', {}, b'')
    raw = i4(2) + _perf_record('LINUX01', 123456789) + _perf_record('LINUX02', 42)
    output = {'performance_records': [_perf_dict('LINUX01', 123456789), _perf_dict('LINUX02', 42)]}
    check_response('System_Image_Performance_Query', 0, 0, output, raw)
    check_response('System_Image_Performance_Query', 4, 4, {'performance_records': []}, i4(0))


_PROC_LINES = ['PROC 0000-046% IFL  VM', 'PROC 0001-100% ZIIP VH', 'PROC 0002-003% CP   VL']
_PROCS = [{'addr': '0000', 'usage': '046', 'type': 'IFL', 'pe': 'VM'},
          {'addr': '0001', 'usage': '100', 'type': 'ZIIP', 'pe': 'VH'},
          {'addr': '0002', 'usage': '003', 'type': 'CP', 'pe': 'VL'}]
_PERF_HEAD = {'num_proc': '0003', 'avg_proc': '49', 'page_rate': '12', 'total_pages': '1048576',
              'total_used': '500000'}


def test_performance_info_query_with_monitor_rate():
    check_request('System_Performance_Info_Query', 'MAINT', {'monrate': 'query'}, z('monrate=query'))
    output = dict(_PERF_HEAD, monitor_rate='60.00 SECONDS', procs=_PROCS)
    raw = z('0003', '49', '12', '1048576', '500000', '60.00 SECONDS', *_PROC_LINES)
    check_response('System_Performance_Info_Query', 0, 0, output, raw)


def test_performance_info_query_without_monitor_rate():
    check_request('System_Performance_Info_Query', 'MAINT', {}, b'')
    output = dict(_PERF_HEAD, procs=_PROCS)
    raw = z('0003', '49', '12', '1048576', '500000', *_PROC_LINES)
    check_response('System_Performance_Info_Query', 0, 0, output, raw)
    bad('System_Performance_Info_Query', {'monrate': '2,5'}, 'monrate', codec.RS_UNRECOGNIZED)


def test_performance_information_query_error():
    items = ['DETAILED_CPU=SHOW=NO']
    raw = z(*items)
    check_request('System_Performance_Information_Query', 'MAINT',
                  {'system_performance_information_list': items}, i4(len(raw)) + raw)
    raw = z('UNKNOWN_PARAMETER_NAME=DETAILED')
    check_response('System_Performance_Information_Query', 8, 3002,
                   {'error_data': ['UNKNOWN_PARAMETER_NAME=DETAILED']}, i4(len(raw)) + raw)


def test_performance_thresholds():
    check_request('System_Performance_Threshold_Enable', 'MAINT', {'event_type': 'User_CPU LINUX01 = 90'},
                  z('User_CPU LINUX01 = 90'))
    check_request('System_Performance_Threshold_Disable', 'MAINT', {'event_type': 'User_IO LINUX01'},
                  z('User_IO LINUX01'))
    bad('System_Performance_Threshold_Disable', {'event_type': 'System_CPU=90'}, 'event_type',
        codec.RS_UNRECOGNIZED)
    bad('System_Performance_Threshold_Enable', {'event_type': 'User_CPU LINUX001 = 1000000'}, 'event_type',
        codec.RS_TOO_LONG)
    bad('System_Performance_Threshold_Enable', {}, 'event_type', codec.RS_MISSING)


# ---------------------------------------------------------------------------
# Paging and spool space
# ---------------------------------------------------------------------------

def test_page_utilization_with_two_volumes():
    raw = z('11516K 2000 1 M01P01 1004 5758K 1000 1 NOTDRAINED', 'M02P01 1005 5758K 1000 1 DRAINING')
    output = {'total_paging_pages': '11516K', 'total_paging_pages_in_use': '2000', 'total_paging_percent_used': '1',
              'paging_volume_array': [
                  {'volid': 'M01P01', 'rdev': '1004', 'total_pages': '5758K', 'pages_in_use': '1000',
                   'percent_used': '1', 'drained': 'NOTDRAINED'},
                  {'volid': 'M02P01', 'rdev': '1005', 'total_pages': '5758K', 'pages_in_use': '1000',
                   'percent_used': '1', 'drained': 'DRAINING'}]}
    check_response('System_Page_Utilization_Query', 0, 0, output, i4(len(raw)) + raw)


def test_spool_utilization_with_three_volumes():
    raw = z('17274K 200 1 M01S01 1003 5758K 100 1 DUMP NOTDRAINED', 'M02S01 1006 5758K 100 1 NOTDUMP DRAINED',
            'M03S01 1007 5758K 0 0 NOTDUMP NOTDRAINED')
    vols = [('M01S01', '1003', '100', '1', 'DUMP', 'NOTDRAINED'), ('M02S01', '1006', '100', '1', 'NOTDUMP', 'DRAINED'),
            ('M03S01', '1007', '0', '0', 'NOTDUMP', 'NOTDRAINED')]
    output = {'total_spool_pages': '17274K', 'total_spool_pages_in_use': '200', 'total_spool_percent_used': '1',
              'spool_volume_array': [
                  {'volid': v, 'rdev': r, 'total_pages': '5758K', 'pages_in_use': u, 'percent_used': p, 'dump': d,
                   'drained': dr} for v, r, u, p, d, dr in vols]}
    check_response('System_Spool_Utilization_Query', 0, 0, output, i4(len(raw)) + raw)


# ---------------------------------------------------------------------------
# Reader files
# ---------------------------------------------------------------------------

def test_rdr_file_query_columns():
    lines = ['LINUX01  0017 A PUN 00001234 002 USER 11/30 09:05:01 KERNEL    IMG      LINUX01',
             'MAINT    0018 T PRT 00000001 001 SYS  12/01 10:00:00                    OPERATOR']
    records = [{'originid': 'LINUX01', 'file': '0017', 'class': 'A', 'device_type': 'PUN', 'records': '00001234',
                'cpy': '002', 'hold': 'USER', 'date': '11/30', 'time': '09:05:01', 'name': 'KERNEL',
                'type': 'IMG', 'dist': 'LINUX01'},
               {'originid': 'MAINT', 'file': '0018', 'class': 'T', 'device_type': 'PRT', 'records': '00000001',
                'cpy': '001', 'hold': 'SYS', 'date': '12/01', 'time': '10:00:00', 'name': '', 'type': '',
                'dist': 'OPERATOR'}]
    check_response('System_RDR_File_Query', 0, 0, {'rdr_file_info': records}, z(*lines))


def test_rdr_file_manage():
    check_request('System_RDR_File_Manage', 'LINUX01', {'spoolids': '0017 0018', 'action': 'TRANSFER'},
                  z('spoolids=0017 0018', 'action=TRANSFER'))
    check_request('System_RDR_File_Manage', 'LINUX01', {'spoolids': 'ALL'}, z('spoolids=ALL'))
    bad('System_RDR_File_Manage', {'spoolids': 'SOME'}, 'spoolids', codec.RS_UNRECOGNIZED)
    bad('System_RDR_File_Manage', {'spoolids': '0017', 'action': 'DELETE'}, 'action', codec.RS_UNRECOGNIZED)


# ---------------------------------------------------------------------------
# Live guest relocation
# ---------------------------------------------------------------------------

def test_vmrelocate_request_and_error_record():
    params = {'destination': 'VM2', 'action': 'MOVE', 'force': 'ARCHITECTURE DOMAIN', 'immediate': 'YES',
              'max_total': '600', 'max_quiesce': 'NOLIMIT'}
    raw = z('destination=VM2', 'action=MOVE', 'force=ARCHITECTURE DOMAIN', 'immediate=YES', 'max_total=600',
            'max_quiesce=NOLIMIT')
    check_request('VMRELOCATE', 'LINUX01', params, raw)
    check_response('VMRELOCATE', 8, 3000, {'vmrelocate_error_record': '1940'}, z('1940'))
    check_response('VMRELOCATE', 0, 0, {}, b'')
    bad('VMRELOCATE', {'destination': 'VMSYSTEM2'}, 'destination', codec.RS_TOO_LONG, target='LINUX01')
    bad('VMRELOCATE', {'destination': 'VM2', 'action': 'COPY'}, 'action', codec.RS_UNRECOGNIZED, target='LINUX01')
    bad('VMRELOCATE', {'action': 'TEST'}, 'destination', codec.RS_MISSING, target='LINUX01')


def test_vmrelocate_image_attributes_and_modify():
    check_request('VMRELOCATE_Image_Attributes', 'LINUX01', {'relocation_setting': 'OFF'},
                  z('relocation_setting=OFF'))
    bad('VMRELOCATE_Image_Attributes', {'relocation_setting': 'MAYBE'}, 'relocation_setting', codec.RS_TOO_LONG)
    check_request('VMRELOCATE_Modify', 'LINUX01', {'max_total': 'NOLIMIT', 'max_quiesce': '30'},
                  z('max_total=NOLIMIT', 'max_quiesce=30'))
    bad('VMRELOCATE_Modify', {'max_quiesce': '30'}, 'max_total', codec.RS_MISSING)


def test_vmrelocate_status_records():
    check_request('VMRELOCATE_Status', 'MAINT', {'status_target': 'USER LINUX01'}, z('status_target=USER LINUX01'))
    records = [{'vmrelocate_image': 'LINUX01', 'vmrelocate_source_system': 'VM1',
                'vmrelocate_destination_system': 'VM2', 'vmrelocate_by': 'MAINT', 'vmrelocate_elapsed': '00:00:12',
                'vmrelocate_status': 'Moving_Memory'},
               {'vmrelocate_image': 'LINUX02', 'vmrelocate_source_system': 'VM1',
                'vmrelocate_destination_system': 'VM3', 'vmrelocate_by': 'OPERATOR',
                'vmrelocate_elapsed': '00:01:40'}]
    raw = z('LINUX01 VM1 VM2 MAINT 00:00:12 Moving_Memory', 'LINUX02 VM1 VM3 OPERATOR 00:01:40')
    check_response('VMRELOCATE_Status', 0, 0, {'vmrelocate_status_array': records}, raw)


# ---------------------------------------------------------------------------
# VM Resource Manager
# ---------------------------------------------------------------------------

_VMRM_NAMES = {'configuration_file_name': 'VMRM', 'configuration_file_type': 'CONFIG',
               'configuration_dir_name': 'VMSYS:VMRMSVM.'}
_VMRM_RAW = s('VMRM') + s('CONFIG') + s('VMSYS:VMRMSVM.')


def test_vmrm_configuration_query():
    check_request('VMRM_Configuration_Query', 'MAINT', dict(_VMRM_NAMES), _VMRM_RAW)
    lines = ['ADMIN MSGUSER MAINT', 'GOAL MAX VELOCITY CPU 100 DASD 100', 'MANAGE WORK1 GOAL MAX IMPORTANCE 5']
    body = '\x00'.join(lines).encode('ascii')
    check_response('VMRM_Configuration_Query', 0, 0, {'configuration_file': lines}, i4(len(body)) + body)
    bad('VMRM_Configuration_Query', dict(_VMRM_NAMES, configuration_file_name='VMRMCONFIG'),
        'configuration_file_name', codec.RS_TOO_LONG)
    bad('VMRM_Configuration_Query', dict(_VMRM_NAMES, configuration_dir_name='VMSYS:VMRMSVM/'),
        'configuration_dir_name', codec.RS_UNRECOGNIZED)


def test_vmrm_configuration_update_with_log_records():
    lines = ['GOAL MAX VELOCITY CPU 100 DASD 100', 'MANAGE WORK1 GOAL MAX IMPORTANCE 5']
    body = '\x00'.join(lines).encode('ascii')
    params = dict(_VMRM_NAMES, syncheck_only=0, update_file=lines)
    check_request('VMRM_Configuration_Update', 'MAINT', params, _VMRM_RAW + i1(0) + i4(len(body)) + body)
    logs = ['IRMCFG0101E Unknown statement FOO on line 3', 'IRMCFG0102I 1 error found']
    raw = b''.join(s(t) for t in logs)
    check_response('VMRM_Configuration_Update', 4, 0, {'log_record_array': logs}, i4(len(raw)) + raw)
    bad('VMRM_Configuration_Update', dict(params, syncheck_only=2), 'syncheck_only', codec.RS_ABOVE_MAX)


def test_vmrm_configuration_update_default_is_syntax_check_only():
    function = layouts.get('VMRM_Configuration_Update')
    raw = codec.encode_request(function, USER, PASSWORD, 'MAINT', dict(_VMRM_NAMES, update_file=['ADMIN']))
    assert raw == request_bytes('VMRM_Configuration_Update', 'MAINT', _VMRM_RAW + i1(1) + s('ADMIN'))


def test_vmrm_measurement_query():
    check_request('VMRM_Measurement_Query', 'MAINT', {}, b'')
    workloads = [{'workload': 'WORK1', 'cpu': '100', 'dasd': 'null'},
                 {'workload': 'PRODUCTIONSERVER', 'cpu': 'null', 'dasd': '75'}]
    records = s('WORK1            CPU 100 DASD null') + s('PRODUCTIONSERVER CPU null DASD 75')
    raw = s('12/01/25 10:00:00') + s('VMRM CONFIG A1') + s('11/30/25 9:00:00') + i4(len(records)) + records
    output = {'query_timestamp': '12/01/25 10:00:00', 'file_spec': 'VMRM CONFIG A1',
              'file_timestamp': '11/30/25 9:00:00', 'workload_array': workloads}
    check_response('VMRM_Measurement_Query', 0, 0, output, raw)


# ---------------------------------------------------------------------------
# The codec options these layouts use
# ---------------------------------------------------------------------------

def test_text_pattern_keeps_non_matching_records_raw():
    text = codec.Text('{monitor_rate*}', pattern=r'(?!PROC )')
    assert text.parse('2.00 SECONDS') == {'monitor_rate': '2.00 SECONDS'}
    assert text.parse('PROC 0000-046% IFL  VM') == {'_raw': 'PROC 0000-046% IFL  VM'}
    assert codec.Text('{a}').parse('PROC') == {'a': 'PROC'}


def test_cstr_terminator():
    field = codec.CStr('word', terminator=' ')
    assert field.read(b'5758K 0 0', 0, 9) == ('5758K', 6)
    out = bytearray()
    field.write('5758K', out, 'F')
    assert bytes(out) == b'5758K '
    with pytest.raises(codec.ValidationError):
        field.write('57 58K', bytearray(), 'F')
    with pytest.raises(codec.DecodeError):
        field.read(b'5758K', 0, 5)


def test_cstrlist_separated():
    field = codec.CStrList('lines', prefix=False, separated=True)
    for raw, items in ((b'', []), (b'a', ['a']), (b'a\x00b', ['a', 'b']), (b'a\x00b\x00', ['a', 'b', ''])):
        assert field.read(raw, 0, len(raw)) == (items, len(raw))
        out = bytearray()
        field.write(items, out, 'F')
        assert bytes(out) == raw
