# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One declarative layout per SMAPI function.

Each entry lists the request parameters after the target and the response
output after the reason code, in wire order, in the notation of the IBM
manual (see ``codec.py`` for the field types).  The client encodes requests
and decodes responses with these tables; the simulator decodes requests and
encodes responses with the very same tables.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zvm.cloud.plugins.module_utils.smapi.codec import (
    Array, Bytes, CStr, CStrList, Fixed, Function, Group, Int1, Int4, Int8, KV, KVList, KVRecords, KVStream, OneOf,
    Rest, Str, Struct, Text,
    C10, C16, C26, C36, C37, C42, C43, CNA, CNB, EBCDIC_ENCODING,
)

FUNCTIONS = {}


def _f(name, request=(), response=(), **kw):
    FUNCTIONS[name] = Function(name, request, response, **kw)


# Shared pieces -------------------------------------------------------------

def _userid(name):
    return Str(name, 1, 8, C42)


def _vdev(name):
    return Str(name, 1, 4, C16)


_OPERATION_ID = [Int4('operation_id', lo=-1)]

_FAILING = [
    Array('failing_array', Struct([
        Str('image_name', 1, 8, C42),
        Int4('return_code'),
        Int4('reason_code'),
    ])),
]


def _syscfg():
    """The SYSTEM CONFIG parameters shared by the vswitch and volume calls."""
    fields = []
    for prefix in ('', 'alt_'):
        fields += [
            Str(prefix + 'system_config_name', 0, 8, C42),
            Str(prefix + 'system_config_type', 0, 8, C42),
            Str(prefix + 'parm_disk_owner', 0, 8, C42),
            Str(prefix + 'parm_disk_number', 0, 4, C16),
            Str(prefix + 'parm_disk_password', 0, 8, CNB, secret=True),
        ]
    return fields


# Image (guest) directory entries --------------------------------------------

_f('Image_Create_DM',
   [Str('prototype_name', 0, 8, C42),
    Str('initial_password', 0, 200, CNA, secret=True),
    Str('initial_account_number', 0, 8, CNB),
    Array('image_record_array', Str(None, 1, 72, CNA))],
   _OPERATION_ID)

_f('Image_Query_DM', [], [Array('image_record_array', Str(None, 1, 80, CNA))])

_f('Image_Replace_DM', [Array('image_record_array', Str(None, 1, 72, CNA))])

_f('Image_Lock_DM', [Str('device_address', 0, 8, C42)])

_f('Image_Unlock_DM', [Str('device_address', 0, 8, C42)])

_f('Image_Name_Query_DM', [], [Array('image_name_array', Str(None, 1, 8, C42))])

_f('Image_Definition_Query_DM',
   [CStrList('definition_query_directory_keyword_parameter_list')],
   [CStrList('directory_information_data')],
   error_response=[CStrList('error_data')])

# Image (guest) power -------------------------------------------------------

_f('Image_Activate', [], [Int4('activated'), Int4('not_activated')] + _FAILING)

_f('Image_Deactivate', [Str('force_time', 0, 12, C42.plus(' :'))],
   [Int4('deactivated'), Int4('not_deactivated')] + _FAILING)

_f('Image_Status_Query', [], [Array('image_name_array', Str(None, 1, 8, C42))])

_f('Image_Disk_Query', [KVList([KV('vdasd_id', 1, 4, C36)])],
   [Array('vdasd_array', Struct([
       Fixed('vdasd_vdev', 4), Fixed('vdasd_rdev', 4), Int1('vdasd_access_type'), Fixed('vdasd_devtype', 4),
       Int8('vdasd_size'), Int1('vdasd_unit'), CStr('vdasd_volid')], prefix=False), count='rest')])

_f('Image_MDISK_Link_Query', [KVList([KV('vdev', 1, 4, C36)])],
   [Array('link_array', CStr(None, fmt='{system_name:8} {user} {vaddr} {access_mode}'))])

# Networking ------------------------------------------------------------------

# Monitoring ------------------------------------------------------------------

_PERF_RECORD = Struct([
    Int4('record_version'), Int4('guest_flags'), Int8('used_cpu_time'), Int8('elapsed_cpu_time'),
    Int8('min_memory'), Int8('max_memory'), Int8('shared_memory'), Int8('used_memory'),
    Int4('active_cpus_in_cec'), Int4('logical_cpus_in_vm'), Int4('guest_cpus'), Int4('min_cpu_count'),
    Int4('max_cpu_limit'), Int4('processor_share'), Int4('samples_cpu_in_use'), Int4('samples_cpu_delay'),
    Int4('samples_page_wait'), Int4('samples_idle'), Int4('samples_other'), Int4('samples_total'),
    Fixed('guest_name', 8, encoding=EBCDIC_ENCODING),
])

_f('Image_Performance_Query', [CStrList('userid_list', prefix=False, item=CStr(None, 1, 8, C42))],
   [Array('performance_records', _PERF_RECORD, count='items')])

_f('System_Info_Query', [],
   [CStr('time_zone'),
    CStr(None, fmt='{time} {zone} {weekday} {date}'),
    CStr('cp_level'),
    CStr('generation_date_time'),
    CStr('ipl_date_time'),
    CStr(None, fmt='{storage} CONFIGURED = {configured} INC = {inc} STANDBY = {standby}  RESERVED = {reserved}')])

# Authentication ----------------------------------------------------------------

_f('Check_Authentication', target=False)

_f('Query_Asynchronous_Operation_DM', [Int4('operation_id', lo=0)])

_f('Event_Subscribe', [Str('match_key', 0, 16 * 1024 * 1024, CNA, optional=True)], streaming=True)


# ==============================================================================================================
# Group A: notifications, authorization, DirMaint tags, events, image activation, CPUs, devices, disks
# ==============================================================================================================

# Asynchronous notification of directory changes ---------------------------
# entity_type: 1 DIRECTORY.  subscription_type: 1 INCLUDE (notify the target),
# 2 EXCLUDE.  communication_type: 0 unspecified (query only), 1 TCP, 2 UDP.
# encoding of the notification strings: 0 unspecified, 1 ASCII, 2 EBCDIC.

_IPV4_ADDRESS = C10.plus('.')

_f('Asynchronous_Notification_Enable_DM',
   [Int1('entity_type', lo=1, hi=1, default=1),
    Int1('subscription_type', lo=1, hi=2),
    Int1('communication_type', lo=1, hi=2),
    Int4('port_number', lo=0, hi=65535),
    Str('ip_address', 7, 15, _IPV4_ADDRESS),
    Int1('encoding', lo=0, hi=2, default=0),
    Str('subscriber_data', 0, 64, CNA)])

_f('Asynchronous_Notification_Disable_DM',
   [Int1('entity_type', lo=1, hi=1, default=1),
    Int1('communication_type', lo=1, hi=2),
    Int4('port_number', lo=0, hi=65535),
    Str('ip_address', 7, 15, _IPV4_ADDRESS),
    Int1('encoding', lo=0, hi=2, default=0),
    Str('subscriber_data', 0, 64, CNA)])     # '*' matches any subscriber data

_f('Asynchronous_Notification_Query_DM',
   [Int1('entity_type', lo=1, hi=1, default=1),
    Int1('communication_type', lo=0, hi=2, default=0),
    Int4('port_number', lo=0, hi=65535, default=0),
    Str('ip_address', 0, 15, _IPV4_ADDRESS),
    Int1('encoding', lo=0, hi=2, default=0),
    Str('subscriber_data', 0, 64, CNA)],
   [Array('notification_array', Struct([
       Str('userid', 1, 8, C42),
       Int1('subscription_type'),
       Int1('communication_type'),
       Int4('port_number'),
       Str('ip_address', 7, 15, _IPV4_ADDRESS),
       Int1('encoding'),
       Str('subscriber_data', 0, 64, CNA),   # as stored; EBCDIC data (encoding 2) is not translated
   ]))])

# Authorization list --------------------------------------------------------
# for_id: a userid (1-8 char42), a name list (1-64 char43), '=' (the target
# itself) or ALL ('*' in Remove/Query); function_id: a function or function
# list name (1-64 char43), ALL, or '*'.  The list indicators are 1 when the
# name is a name list.

_f('Authorization_List_Add',
   [Str('for_id', 1, 64, C43, keywords=('=',)),
    Str('function_id', 1, 64, C43)])

_f('Authorization_List_Remove',
   [Str('for_id', 1, 64, C43, keywords=('=',)),
    Str('function_id', 1, 64, C43)])

_f('Authorization_List_Query',
   [Str('for_id', 0, 64, C43, keywords=('=',)),
    Str('function_id', 0, 64, C43)],
   [Array('auth_record_array', Struct([
       Str('requesting_userid', 1, 64, C43),
       Int1('requesting_list_indicator'),
       Str('for_userid', 1, 64, C43),
       Int1('for_list_indicator'),
       Str('function_name', 1, 64, C43),
       Int1('function_list_indicator'),
   ]))])

_f('Delete_ABEND_Dump', [KVList([KV('id', 1, 8, C42)])])

# DirMaint local tags, search, task cancel ----------------------------------
# define_action: 1 create a new tag, 2 change an existing tag's ordinal.

_f('Directory_Manager_Local_Tag_Define_DM',
   [Str('tag_name', 1, 8, C36),
    Int4('tag_ordinal', lo=0, hi=999),
    Int1('define_action', lo=1, hi=2)])

_f('Directory_Manager_Local_Tag_Delete_DM', [Str('tag_name', 1, 8, C36)])

_f('Directory_Manager_Local_Tag_Query_DM', [Str('tag_name', 1, 8, C36)], [Str('tag_value', 1, 1024, CNA)])

_f('Directory_Manager_Local_Tag_Set_DM', [Str('tag_name', 1, 8, C36), Str('tag_value', 1, 1024, CNA)])

# The statements have no structure length of their own: target_id and
# statement strings simply alternate inside the array.
_f('Directory_Manager_Search_DM',
   [Str('search_pattern', 1, 72, CNA)],
   [Array('statement_array', Struct([
       Str('target_id', 1, 8, C42),
       Str('statement', 1, 72, CNA),
   ], prefix=False))])

_f('Directory_Manager_Task_Cancel_DM', [Int4('operation_id', lo=0, hi=2147483647)])

# Events ----------------------------------------------------------------------
# Event_Stream_Add puts a type 1 event on *VMEVENT: an int4 event id (IBM's
# smcli requires it above x'FFFFFF') followed by the event data, with no
# length, running to the end of the request.
_f('Event_Stream_Add', [Int4('event_id', lo=16777216), Rest('event_data')])

# Redefined: only Event_Subscribe keeps the connection for an event stream.
# Event_Unsubscribe gets an ordinary reply (request id, length, rc, rs), as
# IBM's zthin parses it; the capture holds only the request id because the
# capturing client stopped reading there.
_f('Event_Unsubscribe', [])

# Active configuration and console ---------------------------------------------

# memory_unit: 1 KB, 2 MB, 3 GB.  share_type: 1 RELATIVE, 2 ABSOLUTE.
# device_type: 1 CONS, 2 RDR, 3 PUN, 4 PRT, 5 DASD (as the capture shows).
_f('Image_Active_Configuration_Query', [],
   [Int4('memory_size'),
    Int1('memory_unit'),
    Int1('share_type'),
    Str('share_value', 1, 5, C10.plus('.')),
    Int4('number_cpus'),
    Array('cpu_info_array', Struct([
        Int4('cpu_number'),
        Str('cpu_id', 1, 16, C16),
        Int1('cpu_status'),
    ])),
    Array('device_info_array', Struct([
        Int1('device_type'),
        Str('device_address', 4, 4, C16),
    ]))])

# The console spool files of the target are transferred to the caller's
# virtual reader (class T, file name CON); the reply carries rc/rs only
# (rc 8 rs 8: no spool file available).  The caller reads them from its reader.
_f('Image_Console_Get', [], [])

# Virtual CPUs --------------------------------------------------------------
# cpu_type: 0 unspecified, 1 CP, 2 IFL, 3 ZAAP, 4 ZIIP.  base_cpu: 0
# unspecified, 1 BASE.  dedicate_cpu: 0 unspecified, 1 NODEDICATE,
# 2 DEDICATE.  crypto: 0 unspecified (no CRYPTO), 1 CRYPTO (ignored since
# z/VM 6.1 but still on the wire).  cpu_base in queries: 1 for the base CPU.

_f('Image_CPU_Define', [Str('cpu_address', 1, 2, C16), Int1('cpu_type', lo=0, hi=4)])

_f('Image_CPU_Define_DM',
   [Str('cpu_address', 1, 2, C16),
    Int1('base_cpu', lo=0, hi=1),
    Str('cpuid', 0, 6, C16),
    Int1('dedicate_cpu', lo=0, hi=2),
    Int1('crypto', lo=0, hi=1, default=0)])

_f('Image_CPU_Delete', [Str('cpu_address', 1, 2, C16)])

_f('Image_CPU_Delete_DM', [Str('cpu_address', 1, 2, C16)])

_f('Image_CPU_Query', [],
   [Int4('number_cpus'),
    Array('cpu_info_array', Struct([
        Int4('cpu_number'),
        Str('cpu_id', 1, 16, C16),
        Int1('cpu_base'),
        Int1('cpu_status'),
        Int1('cpu_type'),
    ]))])

_f('Image_CPU_Query_DM', [Str('cpu_address', 1, 2, C16)],
   [Str('cpu_address', 1, 2, C16),
    Int1('base_cpu'),
    Str('cpuid', 0, 6, C16),
    Int1('dedicate_cpu'),
    Int1('crypto')])

_f('Image_CPU_Set_Maximum_DM', [Int4('max_cpu', lo=1, hi=64)])

# Directory entries ------------------------------------------------------------
# data_security_erase (Image_Delete_DM, Image_Disk_Delete_DM): 0 unspecified
# (installation default), 1 do not erase, 2 erase.

# Redefined to check the documented data_security_erase values.
_f('Image_Delete_DM', [Int1('data_security_erase', lo=0, hi=2, default=0)], _OPERATION_ID)

# Image_Definition_*_DM: on success there is no output; rc 592 (started
# asynchronously) carries asynch_data and a failure carries error_data, both
# an int4 byte length followed by NUL-terminated strings.
_DEFINITION_ASYNCH = {592: [CStrList('asynch_data')]}

_f('Image_Definition_Create_DM', [CStrList('definition_create_directory_keyword_parameter_list')], [],
   error_response=[CStrList('error_data')], rc_response=_DEFINITION_ASYNCH)

_f('Image_Definition_Delete_DM', [CStrList('definition_delete_directory_keyword_parameter_list')], [],
   error_response=[CStrList('error_data')], rc_response=_DEFINITION_ASYNCH)

_f('Image_Definition_Update_DM', [CStrList('definition_update_directory_keyword_parameter_list')], [],
   error_response=[CStrList('error_data')], rc_response=_DEFINITION_ASYNCH)

_f('Image_Definition_Async_Updates', [KVList([KV('enabled', 0, 3, C26, choices=('YES', 'NO'))])])

# Devices -------------------------------------------------------------------------
# readonly: 0 read/write, 1 read-only.

_f('Image_Device_Dedicate',
   [_vdev('image_device_number'), _vdev('real_device_number'), Int1('readonly', lo=0, hi=1, default=0)])

_f('Image_Device_Dedicate_DM',
   [_vdev('image_device_number'), _vdev('real_device_number'), Int1('readonly', lo=0, hi=1, default=0)])

_f('Image_Device_Reset', [_vdev('image_device_number')])

_f('Image_Device_Undedicate', [_vdev('image_device_number')])

_f('Image_Device_Undedicate_DM', [_vdev('image_device_number')])

# Minidisks -----------------------------------------------------------------------
# image_disk_allocation_type: AUTOG (from a group), AUTOR (from a region),
# AUTOV (on a named volume), DEVNO (full-volume minidisk on a real device),
# T-DISK (temporary disk), V-DISK (virtual disk in storage, device type
# FB-512), or a starting cylinder/block number (1-10 digits) on the volume
# named next.  allocation_area_name_or_volser: the group (AUTOG) or region
# (AUTOR) name, 1-8 char42; the volser (AUTOV or a starting location), 1-6;
# the real device number (DEVNO), 4; ignored for T-DISK/V-DISK (send e.g. NONE).
# allocation_unit_size (int1): 1 CYLINDERS, 2 BLK0512, 3 BLK1024, 4 BLK2048,
# 5 BLK4096; image_disk_size counts these units.
# image_disk_formatting (int1): 0 unspecified, 1 NONE (unformatted),
# 2 CMS0512, 3 CMS1024, 4 CMS2048, 5 CMS4096 (CMS-formatted with that block
# size), 6 CMS (CMS-formatted with the device type's default block size).
# Modes: R, RR, W, WR, M, MR, MW (optionally followed by V or E).

_DISK_ALLOC_TYPES = ('AUTOG', 'AUTOR', 'AUTOV', 'DEVNO', 'T-DISK', 'V-DISK')
_DISK_PASSWORDS = [
    Str('read_password', 0, 8, CNB, secret=True),
    Str('write_password', 0, 8, CNB, secret=True),
    Str('multi_password', 0, 8, CNB, secret=True),
]

_f('Image_Disk_Copy', [_vdev('image_disk_number')])

# An empty allocation type / area puts the copy where the directory manager
# chooses (the manual allows 0 characters here); T-DISK and V-DISK cannot be
# copied to.
_f('Image_Disk_Copy_DM',
   [_vdev('image_disk_number'),
    _userid('source_image_name'),
    _vdev('source_image_disk_number'),
    Str('image_disk_allocation_type', 0, 10, C10, keywords=_DISK_ALLOC_TYPES[:4]),
    Str('allocation_area_name_or_volser', 0, 8, C42),
    Str('image_disk_mode', 0, 5, C26)] + _DISK_PASSWORDS,
   _OPERATION_ID)

_f('Image_Disk_Create', [_vdev('image_disk_number'), Str('image_disk_mode', 0, 5, C26)])

# The manual writes the allocation type as (string,0-10,char10) or one of the
# keywords; DirMaint has no default, so an empty one is refused here.
_f('Image_Disk_Create_DM',
   [_vdev('image_disk_number'),
    Str('image_disk_device_type', 1, 8, C37),
    Str('image_disk_allocation_type', 1, 10, C10, keywords=_DISK_ALLOC_TYPES),
    Str('allocation_area_name_or_volser', 1, 8, C42),
    Int1('allocation_unit_size', lo=1, hi=5),
    Int4('image_disk_size', lo=0, hi=2147483640),
    Str('image_disk_mode', 1, 5, C26),
    Int1('image_disk_formatting', lo=0, hi=6, default=0),
    Str('image_disk_label', 0, 6, CNB)] + _DISK_PASSWORDS,
   _OPERATION_ID)

_f('Image_Disk_Delete', [_vdev('image_disk_number')])

_f('Image_Disk_Delete_DM',
   [_vdev('image_disk_number'), Int1('data_security_erase', lo=0, hi=2, default=0)],
   _OPERATION_ID)

_DISK_SHARE = [
    _vdev('image_disk_number'),
    _userid('target_image_name'),
    _vdev('target_image_disk_number'),
    Str('read_write_mode', 0, 4, C26),
    Str('optional_password', 0, 8, CNB, secret=True),
]

_f('Image_Disk_Share', _DISK_SHARE)

_f('Image_Disk_Share_DM', _DISK_SHARE)

_f('Image_Disk_Unshare', [_vdev('image_disk_number')])

_f('Image_Disk_Unshare_DM',
   [_vdev('image_disk_number'), _userid('target_image_name'), _vdev('target_image_disk_number')])

# ==============================================================================================================
# Group B1: IPL, locks, pause, SCSI, volumes and volume space, metadata, name lists, IP interfaces
# ==============================================================================================================

# Image (guest) directory entries: IPL, lock, password ---------------------------------------------

_f('Image_IPL_Delete_DM', [])

_f('Image_IPL_Query_DM', [],
   [Str('saved_system', 0, 8, CNA),
    Str('load_parameter', 0, 10, CNA),
    Str('parameter_string', 0, 64, CNA)])

_f('Image_IPL_Set_DM',
   [Str('saved_system', 1, 8, C42),
    Str('load_parameter', 0, 10, CNA),
    Str('parameter_string', 0, 64, CNA)])

# Image_Lock_DM / Image_Unlock_DM: the entries in layouts.py are right (an empty device_address locks or
# unlocks the whole image), so they are not repeated here.

# lock_info is one length-prefixed string '<locked_type> <image_locked_by>' (IMAGE or DEVICE, then the
# user holding an image lock), with no NUL; the device array (int4 byte length) holds one NUL-terminated
# '<dev_address> <dev_locked_by>' record per locked device.  rs 12: locked, rs 24: not locked.
_f('Image_Lock_Query_DM', [],
   [Str('lock_info', fmt='{locked_type} {image_locked_by}'),
    Array('locked_dev_array', CStr(None, fmt='{dev_address} {dev_locked_by}'))])

_f('Image_Password_Set_DM', [Str('image_password', 1, 200, CNA, secret=True)])

# Image_MDISK_Link_Query, Image_Name_Query_DM, Image_Query_DM, Image_Replace_DM and Image_Status_Query:
# the entries in layouts.py match the captures and the manual, so they are not repeated here.

# Image (guest) power and state ---------------------------------------------------------------------

_f('Image_Pause', [KVList([KV('action', 5, 5, C26, choices=('PAUSE', 'BEGIN'),
                              doc='PAUSE stops the virtual CPUs, BEGIN resumes them (8/12: not logged on)')])])

_f('Image_Query_Activate_Time',
   [Int1('date_format_indicator', lo=1, hi=6,
         doc='1 mm/dd/yy, 2 mm/dd/yyyy, 3 yy-mm-dd, 4 yyyy-mm-dd, 5 dd/mm/yy, 6 dd/mm/yyyy')],
   [Str('image_name', 1, 8, C42),
    Str('activation_date', 8, 10, CNA),
    Str('activation_time', 8, 8, CNA)])

_f('Image_Recycle', [], [Int4('recycled'), Int4('not_recycled')] + _FAILING)

# SCSI (list-directed IPL) characteristics ---------------------------------------------------------

# scp_data is sent and returned as raw bytes.
_B1_SCP_TYPES = '0 unspecified, 1 delete the SCP data, 2 EBCDIC text, 3 hexadecimal'

_f('Image_SCSI_Characteristics_Define_DM',
   [Str('boot_program', 0, 6, C10),
    Str('br_lba', 0, 16, C16),
    Str('lun', 0, 16, C16),
    Str('port_name', 0, 16, C16),
    Int1('scp_data_type', lo=0, hi=3, default=0, doc=_B1_SCP_TYPES),
    Bytes('scp_data', 0, 4096)])

_f('Image_SCSI_Characteristics_Query_DM', [],
   [Str('boot_program', 0, 6, C10),
    Str('br_lba', 0, 16, C16),
    Str('lun', 0, 16, C16),
    Str('port_name', 0, 16, C16),
    Int1('scp_data_type', doc=_B1_SCP_TYPES),
    Bytes('scp_data', 0, 4102)])

# Volumes (SYSTEM CONFIG) -----------------------------------------------------------------------------

_f('Image_Volume_Add', [_vdev('image_device_number'), Str('image_vol_id', 1, 6, C42)] + _syscfg())

_f('Image_Volume_Delete', [_vdev('image_device_number'), Str('image_vol_id', 1, 6, C42)] + _syscfg())

_f('Image_Volume_Share',
   [KVList([KV('img_vol_addr', 1, 4, C36),
            KV('share_enable', 0, 3, C26, choices=('ON', 'OFF'))])])

# Disk pools (DirMaint EXTENT CONTROL): volumes, regions and groups -------------------------------------

# start_cylinder and size are -1 when the function type does not use them (as a real z/VM accepts).
_B1_DEFINE_TYPES = ('1 define a region, 2 define a region and add it to group_name, 3 define a region spanning '
                    'the whole volume, 4 the same and add it to group_name, 5 add region_name to group_name')
_B1_DEVICE_TYPES = '0 unspecified, 1 3390, 2 9336, 3 3380, 4 FB-512'

_f('Image_Volume_Space_Define_DM',
   [Int1('function_type', lo=1, hi=5, doc=_B1_DEFINE_TYPES),
    Str('region_name', 1, 8, C42),
    Str('image_vol_id', 0, 6, C42),
    Int4('start_cylinder', lo=-1, hi=2147483640, default=-1),
    Int4('size', lo=-1, hi=2147483640, default=-1),
    Str('group_name', 0, 8, C42),
    Int1('device_type', lo=0, hi=4, default=0, doc=_B1_DEVICE_TYPES)])

# The same as Image_Volume_Space_Define_DM as a length-prefixed keyword list (the numbers as decimal
# text), plus alloc_method, the group's allocation method (0, 1 or 2).
_f('Image_Volume_Space_Define_Extended_DM',
   [KVList([KV('function_type', 1, 1, C10, choices=('1', '2', '3', '4', '5'), doc=_B1_DEFINE_TYPES),
            KV('region_name', 1, 8, C42),
            KV('image_vol_id', 1, 6, C42, default=''),
            KV('start_cylinder', 1, 10, C10, default=''),
            KV('size', 1, 10, C10, default=''),
            KV('group_name', 1, 8, C42, default=''),
            KV('device_type', 1, 1, C10, choices=('0', '1', '2', '3', '4'), default='', doc=_B1_DEVICE_TYPES),
            KV('alloc_method', 1, 1, C10, choices=('0', '1', '2'), default='')], prefix=True)])

# Each record is one blank-separated text line whose words depend on the query, so the records stay
# strings (see _B1_SPACE_RECORDS); entry_names lists names, blank-separated, or '*'.
_B1_QUERY_TYPES = '1 DEFINITION, 2 FREE, 3 USED'
_B1_ENTRY_TYPES = '1 VOLUME, 2 REGION, 3 GROUP'
_B1_SPACE_RECORDS = (
    "record_array: one text record per extent. FREE: 'VOLID DEVTYPE START SIZE ...' (the region or group "
    "follows); USED: 'VOLID DEVTYPE START SIZE OWNER VDEV * REGION *', nine words, the eighth naming the region "
    "(the group when querying groups), e.g. 'LX3002 3390 1457 10 GT@PONG 0888 * LX3002 *'; DEFINITION: the "
    "region or group definitions, first word the region or group name. START and SIZE count cylinders on CKD "
    "(3390) and 512-byte blocks on FBA (9336) volumes.")

_f('Image_Volume_Space_Query_DM',
   [Int1('query_type', lo=1, hi=3, doc=_B1_QUERY_TYPES),
    Int1('entry_type', lo=1, hi=3, doc=_B1_ENTRY_TYPES),
    Str('entry_names', 0, 255, C43.plus(' '), default='*')],
   [Array('record_array', Str(None, 1, None, CNA))],
   doc=_B1_SPACE_RECORDS)

# The keyword-list form: a length-prefixed request list, and the same records as NUL-terminated strings
# running to the end of the output.
_f('Image_Volume_Space_Query_Extended_DM',
   [KVList([KV('query_type', 1, 1, C10, choices=('1', '2', '3'), doc=_B1_QUERY_TYPES),
            KV('entry_type', 1, 1, C10, choices=('1', '2', '3'), doc=_B1_ENTRY_TYPES),
            KV('entry_names', 0, 255, C43.plus(' '))], prefix=True)],
   [CStrList('record_array', prefix=False)],
   doc=_B1_SPACE_RECORDS)

# Unused names are sent empty.
_f('Image_Volume_Space_Remove_DM',
   [Int1('function_type', lo=1, hi=7,
         doc='1 remove a region, 2 remove a region from group_name, 3 remove a region from all groups, '
             '4 remove the regions of a volume, 5 remove the regions of a volume from group_name, '
             '6 remove the regions of a volume from all groups, 7 remove a group'),
    Str('region_name', 0, 8, C42),
    Str('image_vol_id', 0, 6, C42),
    Str('group_name', 0, 8, C42)])

# Metadata (free-form name/value pairs kept per target) --------------------------------------------------

# metadata_name_list: blank-separated, case-sensitive names, sent NUL-terminated with no keyword.
_f('Metadata_Delete', [CStr('metadata_name_list', 1, None, CNA)])

_f('Metadata_Get', [CStr('metadata_name_list', 1, None, CNA)],
   [Array('metadata_entry_array', Struct([
       Str('metadata_entry_name', 0, 1024, CNB),
       Str('metadata', 0, None, CNA)]))])

_f('Metadata_Set',
   [Array('metadata_entry_array', Struct([
       Str('metadata_entry_name', 1, 1024, CNB),
       Str('metadata', 1, None, CNA)]))])

# Each output string is '<length> <name>' for every metadata item matching searchkey (a trailing '*'
# widens the match), or '<total> <available>' metadata space in 1 KB blocks when no searchkey is given.
_f('Metadata_Space_Query', [KVList([KV('searchkey', 0, 1024, CNB)])],
   [CStrList('output_data', prefix=False)])

# Name lists (the target is the list name) ---------------------------------------------------------------

_f('Name_List_Add', [Str('name', 1, 64, C43)])

_f('Name_List_Destroy', [])

_f('Name_List_Query', [], [Array('name_array', Str(None, 1, 64, C43))])

_f('Name_List_Remove', [Str('name', 1, 64, C43)])

# TCP/IP stack interfaces (keyword lists running to the end of the request) ---------------------------------

_B1_IP_ERROR = [Str('error_data', doc='the TCP/IP message text when rc is not 0')]

_f('Network_IP_Interface_Create',
   [KVList([KV('tcpip_stack', 1, 8, C42),
            KV('interface_id', 1, 16, CNB),
            KV('permanent', 0, 3, C26, choices=('YES', 'NO')),
            KV('primary_ipv4', 7, 18, C10.plus('./'), default=''),
            KV('primary_ipv6', 3, 43, C16.plus(':/'), default=''),
            KV('interface', 4, 37, CNA),
            KV('cpu', 0, 1, C10),
            KV('transport_type', 2, 8, C26, choices=('IP', 'ETHERNET'), default=''),
            KV('mtu', 0, 5, C10),
            KV('noforward', 0, 3, C26, choices=('ON', 'OFF')),
            KV('pathmtu', 0, 3, C26, choices=('YES', 'NO')),
            KV('p2p', 7, 15, C10.plus('.'), default=''),
            KV('port_name', 1, 8, CNB, default=''),
            KV('port_number', 1, 2, C10, default=''),
            KV('vlan', 1, 9, C10.plus(' '), default='')])],
   _B1_IP_ERROR)

_f('Network_IP_Interface_Modify',
   [KVList([KV('tcpip_stack', 1, 8, C42),
            KV('interface_id', 1, 16, CNB),
            KV('permanent', 0, 3, C26, choices=('YES', 'NO')),
            KV('delete_ip', 3, 43, C16.plus(':./'), default=''),
            KV('add_ip', 3, 43, C16.plus(':./'), default=''),
            KV('change_mask', 7, 15, CNB, default=''),
            KV('change_mtu', 1, 5, C10, default=''),
            KV('change_p2p', 7, 15, CNB, default='')])],
   _B1_IP_ERROR)

# Each configuration string holds one interface's blank-separated KEYWORD=value items.
_f('Network_IP_Interface_Query',
   [KVList([KV('tcpip_stack', 1, 8, C42),
            KV('interface_all', 0, 3, C26, choices=('YES', 'NO')),
            KV('interface_id', 0, 16, CNB)])],
   [CStrList('interface_configuration_array')])

_f('Network_IP_Interface_Remove',
   [KVList([KV('tcpip_stack', 1, 8, C42),
            KV('interface_id', 1, 16, CNB),
            KV('permanent', 0, 3, C26, choices=('YES', 'NO'))])],
   _B1_IP_ERROR)

# ==============================================================================================================
# Group B2: page/spool volumes, ABEND dumps, profiles, prototypes, queries, SSI, shared memory
# ==============================================================================================================

# Paging and spooling ---------------------------------------------------------------

_f('Page_or_Spool_Volume_Add',
   [KVList([KV('vol_addr', 1, 4, C16),
            KV('volume_label', 1, 6, C36),
            KV('volume_use', 4, 5, C26, choices=('PAGE', 'SPOOL')),
            KV('system_config_name', 0, 8, C42),
            KV('system_config_type', 0, 8, C42),
            KV('parm_disk_owner', 0, 8, C42),
            KV('parm_disk_number', 0, 4, C16),
            KV('parm_disk_password', 0, 8, CNB, secret=True)])])

# ABEND dumps ---------------------------------------------------------------------------

# spoolid: a reader spool id or ALL; left off, the next dump is processed.
_f('Process_ABEND_Dump', [KVList([KV('spoolid', 0, 8, C42)])])

_f('Query_ABEND_Dump',
   [KVList([KV('location', 3, 3, C26, choices=('RDR', 'SFS', 'ALL'))])],
   [Array('abend_dump_array', Struct([
       Int1('abend_dump_loc'),              # 1 reader (unprocessed), 2 SFS directory (processed)
       Fixed('abend_dump_id', 8),
       Fixed('abend_dump_date', 10),
       Fixed('abend_dump_dist', 8),
   ], prefix=False), count='rest')])

# Profiles (directory PROFILE entries; the target is the profile name) -----------------

_f('Profile_Create_DM', [Array('profile_record_array', Str(None, 1, 72, CNA))])

_f('Profile_Delete_DM')

_f('Profile_Lock_DM')

# The lock text is "<locked_type> <profile_locked_by>", or only a locked type (or
# nothing) when no one holds the profile lock; each locked device is an ASCIIZ
# "<dev_address> <dev_locked_by>".
_f('Profile_Lock_Query_DM', [],
   [OneOf([Str(None, fmt='{locked_type} {profile_locked_by}'), Str(None, fmt='{locked_type}')]),
    Array('locked_dev_array', CStr(None, fmt='{dev_address} {dev_locked_by}'))])

_f('Profile_Query_DM', [], [Array('profile_record_array', Str(None, 1, 80, CNA))])

_f('Profile_Replace_DM', [Array('profile_record_array', Str(None, 1, 72, CNA))])

_f('Profile_Unlock_DM')

# Prototypes (the target is the prototype name) ------------------------------------

_f('Prototype_Create_DM', [Array('prototype_record_array', Str(None, 1, 72, CNA))])

_f('Prototype_Delete_DM')

_f('Prototype_Name_Query_DM', [], [Array('prototype_name_array', Str(None, 1, 8, C42))])

_f('Prototype_Query_DM', [], [Array('prototype_record_array', Str(None, 1, 80, CNA))])

_f('Prototype_Replace_DM', [Array('prototype_record_array', Str(None, 1, 72, CNA))])

# Queries -----------------------------------------------------------------------------

# The functional level is the reason code (540 for z/VM 5.4, ..., 710 for 7.1).
_f('Query_API_Functional_Level')

# The whole directory.  FORMAT=NO answers each entry's data as records
# (directory_entry_records); FORMAT=YES as ASCIIZ "KEYWORD=value" items
# (directory_entry_data).  directory_entry_type: 0 USER, 1 PROFILE, 2 POOLUSER,
# 3 POOL, 4 DIRECTORY, 5 GLOBAL, 6 IDENTITY, 7 SUBCONFIG, 8 OTHER.
_f('Query_All_DM',
   [Str('query_keyword_parameter_list', 1, None, CNA, choices=('FORMAT=YES', 'FORMAT=NO'))],
   [Array('directory_entries_array', Struct([
       Int4('directory_entry_type'),
       Str('directory_entry_id', 1, 10, CNA),
       OneOf([Array('directory_entry_records', Str(None, 1, 80, CNA)),
              CStrList('directory_entry_data', prefix=True)]),
   ]))])

# Query_Asynchronous_Operation_DM: the entry in layouts.py (int4 operation_id; rc/rs only, rs 100 done,
# 104 running, 108 failed) matches the capture and zthin, so it is not repeated here.

_f('Query_Directory_Manager_Level_DM', [], [Str('directory_manager_level', 1, 100, CNA)])

# The output of the failed request, as it would have been sent.
_f('Response_Recovery', [Int4('failed_request_id')], [Rest('response_data')])

_f('SMAPI_Status_Capture')

# Member records are "slot system_id state pdr_heartbeat received_heartbeat"; the
# heartbeats are 19-character time stamps (columns, as they may hold a blank).  An
# unused ("Available") slot has no heartbeats; other shapes keep the rest whole.
_f('SSI_Query', [],
   [CStr('ssi_name', 1, 8, C42),
    CStr('ssi_mode', 4, 6, C26),
    CStr('cross_system_timeouts', 7, 8, C26),
    CStr('ssi_pdr', 6, 14, C42),
    Array('ssi_info_array', OneOf([
        CStr(None, fmt='{member_slot} {member_system_id} {member_state} {member_pdr_heartbeat:19} '
                       '{member_received_heartbeat:19}'),
        CStr(None, fmt='{member_slot} {member_system_id} {member_state} {member_heartbeats*}'),
        CStr(None, fmt='{member_slot} {member_system_id} {member_state}'),
    ]), count='rest')])

# Shared memory (the target owns the segment) ----------------------------------------

_f('Shared_Memory_Access_Add_DM', [Str('memory_segment_name', 1, 8, C42)])

_f('Shared_Memory_Access_Query_DM', [Str('memory_segment_name', 1, 8, C42)],
   [Array('name_array', Str(None, 1, 8, C42))])

_f('Shared_Memory_Access_Remove_DM', [Str('memory_segment_name', 1, 8, C42)])

# page_access_descriptor: 1 SW, 2 EW, 3 SR, 4 ER, 5 SN, 6 EN, 7 SC.
_f('Shared_Memory_Create',
   [Str('memory_segment_name', 1, 8, C42),
    Int8('begin_page', lo=0, hi=524031),
    Int8('end_page', lo=0, hi=524031),
    Int1('page_access_descriptor', lo=1, hi=7),
    Int1('memory_attributes'),
    Str('memory_access_identifier', 0, 8, C42)])

_f('Shared_Memory_Delete', [Str('memory_segment_name', 1, 8, C42)])

# memory_segment_name may be * for all segments.
_f('Shared_Memory_Query', [Str('memory_segment_name', 1, 8, C43)],
   [Array('memory_segment_array', Struct([
       Str('memory_segment_name', 1, 8, C42),
       Int1('memory_segment_status'),
       Array('page_range_array', Struct([
           Int8('begin_page'),
           Int8('end_page'),
           Int1('page_access_descriptor'),
       ])),
   ]))])

_f('Shared_Memory_Replace',
   [Str('memory_segment_name', 1, 8, C42),
    Str('memory_access_identifier', 0, 8, C42)])

# Static image changes -----------------------------------------------------------------

_f('Static_Image_Changes_Activate_DM')

_f('Static_Image_Changes_Deactivate_DM')

_f('Static_Image_Changes_Immediate_DM')

# Image_Performance_Query: the entry in layouts.py (NUL-terminated userids running to the end; an int4
# record count, then records with their own int4 length, guest name in EBCDIC) agrees with the facts page
# and with zthin, so it is not repeated here.

# ==============================================================================================================
# Group C: system-wide functions, relocation (VMRELOCATE) and VMRM
# ==============================================================================================================

# System configuration -------------------------------------------------------

# Each keyword is optional; the server defaults come from DMSSICNF COPY.  The
# error data (rc 8 rs 34) comes without a length field.
_f('System_Config_Syntax_Check',
   [KVList([KV('system_config_name', 0, 8, C42),
            KV('system_config_type', 0, 8, C42),
            KV('parm_disk_owner', 0, 8, C42),
            KV('parm_disk_number', 0, 4, C16),
            KV('parm_disk_password', 0, 8, CNB, secret=True)])],
   [],
   error_response=[CStrList('error_data', prefix=False)])

# Shutdown: within (seconds), by (hh:mm), immediate, reipl and cancel are
# mutually exclusive in part (rc 8 rs 24).
_f('System_Shutdown',
   [KVList([KV('within', 0, 5, C10),
            KV('by', 0, 8, C10.plus(':')),
            KV('immediate', 0, 11, C36),
            KV('reipl', 0, 7, C26),
            KV('cancel', 0, 8, C26)])],
   [CStrList('error_data')])

# Real disks -------------------------------------------------------------------

_f('System_Disk_Accessibility', [KVList([KV('dev_num', 1, 4, C36)])])

_f('System_Disk_Add', [KVList([KV('dev_num', 1, 4, C36)])])

# One record per disk: "1000 3390-0C OWNED VMCOM1"; an offline disk has an
# empty volser ("6000 0000-00 OFFLINE "); disk_size=YES adds the size.
_f('System_Disk_Query',
   [KVList([KV('dev_num', 1, 4, C36), KV('disk_size', 0, 3, C26, choices=('YES', 'NO'))])],
   [CStrList('disk_info_array', prefix=False, item=OneOf([
       CStr(None, fmt='{dev_id} {dev_type} {dev_status} {dev_volser} {dev_size}'),
       CStr(None, fmt='{dev_id} {dev_type} {dev_status} {dev_volser}')]))])

# The request is one string, e.g. "rdev=*" or "rdev=1000 1001" (no NUL).
_f('System_Disk_IO_Query',
   [Str('system_disk_io_list', 0, None, C36.plus('*= '))],
   [CStrList('dasd_information')],
   error_response=[CStrList('error_data')])

# Device equivalency IDs.  eqid_for=ALL and RDEV answer "rdev eqid" records,
# eqid_for=EQID answers "eqid rdev rdev ..." records; the decoder tells them
# apart by their shape (a 1-5 digit hex rdev first and exactly two words).
_f('System_EQID_Query',
   [KVList([KV('eqid_for', 3, 4, C26, choices=('ALL', 'RDEV', 'EQID')),
            KV('eqid_target', 0, None, C37.plus(' '))])],
   [CStrList('eqid_array', item=OneOf([
       CStr(None, fmt=Text('{eqid_rdev} {eqid_name}', pattern=r'[0-9A-Fa-f]{1,5} [^ ]+$')),
       CStr(None, fmt='{eqid_name} {eqid_rdevs[]}')]))],
   error_response=[CStrList('error_data')])

# SCSI / FCP -------------------------------------------------------------------

# Records are ';'-separated; the SCSI inquiry strings may hold blanks.
_f('System_FCP_Free_Query',
   [KVList([KV('fcp_dev', 1, 4, C16)])],
   [CStrList('fcp_array', prefix=False, item=CStr(
       None, fmt='{fcp_dev};{wwpn};{lun};{uuid};{vendor*};{prod*};{model*};{serial*};{code*};{blk_size};{diskblks};'
                 '{lun_size}'))])

# dev_path_array: "fcp_dev_num wwpn lun" paths separated by ';'.
# option: 1 add a disk, 2 add paths, 3 delete paths.
_f('System_SCSI_Disk_Add',
   [KVList([KV('dev_num', 1, 4, C16),
            KV('dev_path_array', 1, None, C16.plus(' ;')),
            KV('option', 0, 1, C10, choices=('1', '2', '3')),
            KV('persist', 0, 3, C42, choices=('YES', 'NO'))])])

_f('System_SCSI_Disk_Delete',
   [KVList([KV('dev_num', 1, 4, C16), KV('persist', 0, 3, C42, choices=('YES', 'NO'))])])

# "dev_id dev_type dev_attr dev_size", then (when the disk has paths) a blank
# and the paths as concatenated 36-character blocks (4 fcp_dev_id, 16 wwpn,
# 16 lun), kept as one string in fcp_array.  The records are separated by
# NULs; the last one has none.
_f('System_SCSI_Disk_Query',
   [KVList([KV('dev_num', 1, 4, C36)])],
   [CStrList('scsi_info_array', prefix=False, separated=True, item=OneOf([
       CStr(None, fmt='{dev_id} {dev_type} {dev_attr} {dev_size} {fcp_array*}'),
       CStr(None, fmt='{dev_id} {dev_type} {dev_attr} {dev_size}')]))])

# owner=YES adds the owning guest to each record.
_f('System_WWPN_Query',
   [KVList([KV('owner', 0, 3, C26, choices=('YES', 'NO'))])],
   [CStrList('wwpn_array', prefix=False, item=OneOf([
       CStr(None, fmt='{fcp_dev_id} {npiv_wwpn} {chpid} {perm_wwpn} {dev_status} {owner}'),
       CStr(None, fmt='{fcp_dev_id} {npiv_wwpn} {chpid} {perm_wwpn} {dev_status}')]))])

# System information -----------------------------------------------------------

# KEYWORD=value records (CMS_LEVEL=..., CPU_CAPABILITY=..., STORAGE=..., TIME=...).
_f('System_Information_Query', [], [CStrList('system_information_data')])

# e.g. "component=namecomponent=cp type=rsu" (apar/ptf/rsu of a component).
_f('System_Service_Query',
   [CStrList('system_service_query_list')],
   [CStrList('system_service_query_data')],
   error_response=[CStrList('error_data')])

# Performance --------------------------------------------------------------------

# One DIAGNOSE X'2FC' record per logged-on guest; the target names a guest or
# a name list.  Same record layout as Image_Performance_Query.
_f('System_Image_Performance_Query', [], [Array('performance_records', _PERF_RECORD, count='items')])

# e.g. DETAILED_CPU=SHOW=YES, MONITOR_EVENT=QUERY=NO.
_f('System_Performance_Information_Query',
   [CStrList('system_performance_information_list')],
   [CStrList('system_performance_information_data')],
   error_response=[CStrList('error_data')])

# ASCIIZ values: processor count, average use %, paging rate, total and used
# pages, the monitor rate (only when monrate= was given, e.g. "2.00 SECONDS"),
# then one record per processor, e.g. "PROC 0000-046% IFL  VM".
_PROCS = Array('procs', CStr(None, fmt='PROC {addr:4}-{usage:3}% {type:4} {pe}'), count='rest')

_f('System_Performance_Info_Query',
   [KVList([KV('monrate', 1, 8, C36.plus('.'), optional=True)])],
   [CStr('num_proc'), CStr('avg_proc'), CStr('page_rate'), CStr('total_pages'), CStr('total_used'),
    OneOf([Group([CStr(None, fmt=Text('{monitor_rate*}', pattern=r'(?!PROC )')), _PROCS], prefix=False),
           _PROCS])])

# event_type: System_CPU, System_Virtual_IO, System_Paging, System_DASD_IO,
# User_CPU userid, User_IO userid; Enable adds "= value".
_f('System_Performance_Threshold_Disable', [CStr('event_type', 1, 26, C42.plus(' /'))])

_f('System_Performance_Threshold_Enable', [CStr('event_type', 1, 26, C42.plus(' /='))])

# Paging and spool space: one length-prefixed run of ASCIIZ records; the three
# totals lead the first record, then one record per volume.
_f('System_Page_Utilization_Query', [],
   [Group([CStr('total_paging_pages', terminator=' '),
           CStr('total_paging_pages_in_use', terminator=' '),
           CStr('total_paging_percent_used', terminator=' '),
           Array('paging_volume_array', CStr(None, fmt='{volid} {rdev} {total_pages} {pages_in_use} {percent_used} '
                                                       '{drained}'), count='rest')])])

_f('System_Spool_Utilization_Query', [],
   [Group([CStr('total_spool_pages', terminator=' '),
           CStr('total_spool_pages_in_use', terminator=' '),
           CStr('total_spool_percent_used', terminator=' '),
           Array('spool_volume_array', CStr(None, fmt='{volid} {rdev} {total_pages} {pages_in_use} {percent_used} '
                                                      '{dump} {drained}'), count='rest')])])

# Reader files ---------------------------------------------------------------------

# spoolids: blank-separated spool ids or ALL.  TRANSFER sends the files to
# the authenticated user.
_f('System_RDR_File_Manage',
   [KVList([KV('spoolids', 1, None, C10.plus(' '), keywords=('ALL',)),
            KV('action', 0, 8, C26, choices=('PURGE', 'ORDER', 'TRANSFER'))])])

# CP QUERY RDR ALL lines in fixed columns, e.g.
# "MAINT    0662 V DMP 00003213 001 NONE 04/11 18:43:40 VMDUMP    FILE     SYSPROG"
# (class is the letter, device_type DMP/CON/PUN/PRT; name and type may be blank).
_f('System_RDR_File_Query', [],
   [CStrList('rdr_file_info', prefix=False, item=CStr(
       None, fmt='{originid:8} {file:4} {class:1} {device_type:3} {records:8} {cpy:3} {hold:4} {date:5} {time:8} '
                 '{name:8}  {type:8} {dist*}'))])

# Live guest relocation (SSI) ---------------------------------------------------------

_VMRELOCATE_ERROR = [CStr('vmrelocate_error_record')]   # CP message numbers, e.g. "1940 1996 1996 1981"

_f('VMRELOCATE',
   [KVList([KV('destination', 1, 8, C42),
            KV('action', 0, 6, C42, choices=('MOVE', 'TEST')),
            KV('force', 0, 27, C42.plus(' ')),
            KV('immediate', 0, 3, C42, choices=('YES', 'NO')),
            KV('max_total', 0, 8, C42),
            KV('max_quiesce', 0, 8, C42)])],
   _VMRELOCATE_ERROR)

_f('VMRELOCATE_Image_Attributes',
   [KVList([KV('relocation_setting', 2, 3, C26, choices=('ON', 'OFF')),
            KV('domain_name', 0, 8, C42),
            KV('archforce', 0, 3, C26, choices=('YES', 'NO'))])])

_f('VMRELOCATE_Modify',
   [KVList([KV('max_total', 1, 8, C42), KV('max_quiesce', 0, 8, C42)])],
   _VMRELOCATE_ERROR)

# status_target: ALL (default), USER userid, INCOMING or OUTGOING.  The status
# word may be missing.
_f('VMRELOCATE_Status',
   [KVList([KV('status_target', 0, 13, C42.plus(' '))])],
   [CStrList('vmrelocate_status_array', prefix=False, item=OneOf([
       CStr(None, fmt='{vmrelocate_image} {vmrelocate_source_system} {vmrelocate_destination_system} '
                      '{vmrelocate_by} {vmrelocate_elapsed} {vmrelocate_status*}'),
       CStr(None, fmt='{vmrelocate_image} {vmrelocate_source_system} {vmrelocate_destination_system} '
                      '{vmrelocate_by} {vmrelocate_elapsed}')]))])

# Virtual Machine Resource Manager --------------------------------------------------------

_VMRM_FILE = [Str('configuration_file_name', 1, 8, C43),
              Str('configuration_file_type', 1, 8, C43),
              Str('configuration_dir_name', 1, 153, C43.plus('.'))]

# The file comes as NUL-separated lines (the last one without a NUL).
_f('VMRM_Configuration_Query', _VMRM_FILE, [CStrList('configuration_file', separated=True)])

# syncheck_only: 1 only check the new file's syntax, 0 also replace the file.
_f('VMRM_Configuration_Update',
   _VMRM_FILE + [Int1('syncheck_only', lo=0, hi=1, default=1),
                 CStrList('update_file', separated=True)],
   [Array('log_record_array', Str(None, 1, None, CNA))])

# Workload records, e.g. "WORK2            CPU 100 DASD null" (name in 16 columns).
_f('VMRM_Measurement_Query', [],
   [Str('query_timestamp'), Str('file_spec'), Str('file_timestamp'),
    Array('workload_array', Str(None, fmt='{workload:16} CPU {cpu} DASD {dasd}'))])

# ==============================================================================================================
# Group D: virtual channel connections, network adapters, guest LANs and virtual switches
# ==============================================================================================================


def _d_words(*words):
    """CP keywords with all their abbreviations: the upper-case part of each
    word is its shortest form ('DISCONnect' gives DISCON ... DISCONNECT)."""
    out = []
    for word in words:
        shortest = len(word.rstrip('abcdefghijklmnopqrstuvwxyz'))
        out.extend(word.upper()[:n] for n in range(shortest, len(word) + 1))
    return tuple(out)


_D_SWITCH = C36.plus('@#$_')                 # a virtual switch name
_D_LAN = C36.plus('$#@')                     # a guest LAN name
_D_RDEV = C16.plus(' .PpNOno')               # real devices: '600 610', '600.P1', or NONE
_D_YES_NO = ('YES', 'NO')
_D_ON_OFF = ('ON', 'OFF')

# Virtual channel-to-channel connections -----------------------------------------

_f('Virtual_Channel_Connection_Create',
   [_vdev('image_device_number'), _userid('coupled_image_name'), _vdev('coupled_image_device_number')])

_f('Virtual_Channel_Connection_Create_DM', [_vdev('image_device_number'), _userid('coupled_image_name')])

_f('Virtual_Channel_Connection_Delete', [_vdev('image_device_number')])

_f('Virtual_Channel_Connection_Delete_DM', [_vdev('image_device_number')])

# Virtual network adapters (NICs) -------------------------------------------------

for _d_name in ('Virtual_Network_Adapter_Connect_LAN', 'Virtual_Network_Adapter_Connect_LAN_DM'):
    _f(_d_name, [_vdev('image_device_number'), Str('lan_name', 1, 8, _D_LAN), Str('lan_owner', 1, 8, C42)])

for _d_name in ('Virtual_Network_Adapter_Connect_Vswitch', 'Virtual_Network_Adapter_Connect_Vswitch_DM'):
    _f(_d_name, [_vdev('image_device_number'), Str('switch_name', 1, 8, _D_SWITCH)])

_f('Virtual_Network_Adapter_Connect_Vswitch_Extended',
   [KVList([KV('image_device_number', 1, 4, C16),
            KV('switch_name', 1, 8, _D_SWITCH),
            KV('port_selection', 1, 8, _D_SWITCH, optional=True)])])

_f('Virtual_Network_Adapter_Create',
   [_vdev('image_device_number'),
    Int1('adapter_type', lo=1, hi=4, doc='1 HiperSockets, 2 QDIO'),
    Int4('network_adapter_devices', lo=3, hi=3072, default=3),
    Str('channel_path_type_id', 0, 2, C16)])

_f('Virtual_Network_Adapter_Create_DM',
   [_vdev('image_device_number'),
    Int1('adapter_type', lo=1, hi=4, doc='1 HiperSockets, 2 QDIO'),
    Int4('network_adapter_devices', lo=3, hi=3072, default=3),
    Str('channel_path_id', 0, 2, C16),
    Str('mac_id', 0, 6, C16)])


def _d_adapter_kv(mac_id):
    items = [KV('image_device_number', 1, 4, C16),
             KV('adapter_type', 1, 8, C42, choices=_d_words('HIPERsockets', 'QDIO', 'IEDN', 'INMN')),
             KV('devices', 1, 8, C10, optional=True),
             KV('channel_path_id', 1, 2, C16, optional=True)]
    if mac_id:
        items.append(KV('mac_id', 1, 6, C16, optional=True))
    return items


_f('Virtual_Network_Adapter_Create_Extended', [KVList(_d_adapter_kv(False))])

_f('Virtual_Network_Adapter_Create_Extended_DM', [KVList(_d_adapter_kv(True), prefix=True)])

for _d_name in ('Virtual_Network_Adapter_Delete', 'Virtual_Network_Adapter_Delete_DM',
                'Virtual_Network_Adapter_Disconnect', 'Virtual_Network_Adapter_Disconnect_DM'):
    _f(_d_name, [_vdev('image_device_number')])

# Redefined: '*' (all adapters) is a valid device number, and an adapter that is
# not coupled has an empty LAN owner and name (blank-padded to 8 when set).
_f('Virtual_Network_Adapter_Query',
   [Str('image_device_number', 1, 4, C16.plus('*'))],
   [Array('adapter_array', Struct([
       Str('image_device_number', 1, 8, C36.plus('$#@')),
       Int1('adapter_type', doc='1 HiperSockets, 2 QDIO'),
       Int4('network_adapter_devices'),
       Int1('adapter_status', doc='0 not coupled, 1 coupled, 2 coupled and active'),
       Str('lan_owner', 0, 8, C42.plus(' ')),
       Str('lan_name', 0, 8, _D_LAN.plus(' ')),
   ]))])

# Output: adapter_count=n, then per adapter adapter_address=vdev, port_type,
# extended_port_status, adapter_type, network_device_count, adapter_status,
# [lan_owner, lan_name,] device_options, router_status, [mac_count=m, per MAC
# mac_address, mac_address_type, mac_status, [mac_ip_version, mac_ip_address],
# then mac_info_end,] and adapter_info_end.
_f('Virtual_Network_Adapter_Query_Extended',
   [KVList([KV('image_device_number', 1, 4, C16.plus('*'))], prefix=True)],
   [KVStream([KVRecords('adapter_array', start='adapter_address', end='adapter_info_end', count='adapter_count',
                        lists=[KVRecords('mac_array', start='mac_address', list_end='mac_info_end',
                                         count='mac_count')])])])

# Guest LANs ---------------------------------------------------------------------

_f('Virtual_Network_LAN_Access',
   [CStr('lan_name', 1, 8, _D_LAN),
    CStr('lan_owner', 1, 8, C42),
    CStr('access_op', 5, 6, C26, choices=('GRANT', 'REVOKE')),
    CStr('access_user', 1, 8, C42),
    CStr('promiscuity', 11, 14, C26, choices=('NONPROMISCUOUS', 'PROMISCUOUS'))])

_f('Virtual_Network_LAN_Access_Query',
   [CStr('lan_name', 1, 8, _D_LAN), CStr('lan_owner', 1, 8, C42)],
   [Array('authorized_user_array', CStr(None, fmt='{access_user:8} {promiscuity}'), count='rest')])

_f('Virtual_Network_LAN_Create',
   [Str('lan_name', 1, 8, _D_LAN),
    Str('lan_owner', 1, 8, C42),
    Int1('lan_type', lo=1, hi=4, doc='1/2 unrestricted HiperSockets/QDIO, 3/4 restricted HiperSockets/QDIO'),
    Int1('transport_type', lo=0, hi=2, default=0, doc='0 unspecified, 1 IP, 2 ETHERNET')])

_f('Virtual_Network_LAN_Delete', [Str('lan_name', 1, 8, _D_LAN), Str('lan_owner', 1, 8, C42)])

_f('Virtual_Network_LAN_Query',
   [Str('lan_name', 1, 8, _D_LAN.plus('*')), Str('lan_owner', 1, 8, C42.plus('*'))],
   [Array('lan_info_array', Struct([
       Str('lan_name', 1, 8, _D_LAN),
       Str('lan_owner', 1, 8, C42),
       Int1('lan_type'),
       Array('connected_adapter_array', Struct([
           Str('adapter_owner', 1, 8, C42),
           Str('image_device_number', 1, 4, C16),
       ])),
   ]))])

# OSA devices and VLAN statistics ----------------------------------------------------

_f('Virtual_Network_OSA_Query', [],
   [Array('osa_info_array',
          CStr(None, fmt='{osa_address} {osa_status} {osa_type} {chpid_address} {agent_status}'), count='rest')])

_f('Virtual_Network_VLAN_Query_Stats',
   [KVList([KV('userid', 1, 8, C42),
            KV('vlan_id', 0, 8, C42),
            KV('device', 0, 4, C26, choices=('PORT', 'NIC', 'BOTH')),
            KV('fmt_version', 0, 10, C10)])],
   [Array('port_nic_array', Struct([
       CStr(None, fmt='{type} {port_nic_id} {port_nic_num}'),
       Array('pseg_array', CStr(None, fmt='{pseg_vlanid} {pseg_rx} {pseg_rx_disc} {pseg_tx} {pseg_tx_disc}')),
   ]))])

# Virtual switches: binary parameter lists ------------------------------------------

_D_CONNECTION = Int1('connection_value', lo=0, hi=2, default=0, doc='0 unspecified, 1 connect, 2 disconnect')
_D_QUEUE = Int4('queue_memory_limit', lo=-1, hi=8, default=-1, doc='1-8 MB; -1 unspecified')
_D_ROUTING = Int1('routing_value', lo=0, hi=2, default=0, doc='0 unspecified, 1 NONROUTER, 2 PRIROUTER')
_D_PORT_TYPE = Int1('port_type', lo=0, hi=2, default=0, doc='0 unspecified, 1 ACCESS, 2 TRUNK')
_D_UPDATE = Int1('update_system_config_indicator', lo=0, hi=3, default=0,
                 doc='0 unspecified, 1 active system, 2 active system and SYSTEM CONFIG, 3 SYSTEM CONFIG only')
_D_GVRP = Int1('gvrp_value', lo=0, hi=2, default=0, doc='0 unspecified, 1 GVRP, 2 NOGVRP')

_f('Virtual_Network_Vswitch_Create',
   [Str('switch_name', 1, 8, _D_SWITCH),
    Str('real_device_address', 0, 14, _D_RDEV),
    Str('port_name', 0, 26, C42.plus(' ')),
    Str('controller_name', 0, 8, C43),
    _D_CONNECTION,
    _D_QUEUE,
    _D_ROUTING,
    Int1('transport_type', lo=0, hi=2, default=0, doc='0 unspecified, 1 IP, 2 ETHERNET'),
    Int4('vlan_id', lo=-1, hi=4094, default=-1, doc='-1 unspecified, 0 UNAWARE, 1-4094'),
    _D_PORT_TYPE,
    _D_UPDATE]
   + _syscfg()
   + [_D_GVRP,
      Int4('native_vlanid', lo=-1, hi=4094, default=-1, doc='-1 unspecified, 1-4094')])

_f('Virtual_Network_Vswitch_Delete', [Str('switch_name', 1, 8, _D_SWITCH), _D_UPDATE] + _syscfg())

_f('Virtual_Network_Vswitch_Set',
   [Str('switch_name', 1, 8, _D_SWITCH),
    Str('grant_userid', 0, 8, C42),
    Str('user_vlan_id', 0, 19, C10.plus(' -')),
    Str('revoke_userid', 0, 8, C42),
    Str('real_device_address', 0, 14, _D_RDEV),
    Str('port_name', 0, 26, C42.plus(' ')),
    Str('controller_name', 0, 8, C43),
    _D_CONNECTION,
    _D_QUEUE,
    _D_ROUTING,
    _D_PORT_TYPE,
    _D_UPDATE]
   + _syscfg()
   + [_D_GVRP,
      Str('mac_id', 0, 6, C16)])

_f('Virtual_Network_Vswitch_Query',
   [Str('switch_name', 1, 8, _D_SWITCH.plus('*'))],
   [Array('vswitch_array', Struct([
       Str('switch_name', 1, 8, _D_SWITCH),
       Int1('transport_type', doc='1 IP, 2 ETHERNET'),
       Int1('port_type', doc='0 unspecified, 1 ACCESS, 2 TRUNK'),
       Int4('queue_memory_limit'),
       Int1('routing_value', doc='1 NONROUTER, 2 PRIROUTER'),
       Int4('vlan_id'),
       Int4('native_vlan_id'),
       Int8('mac_id'),
       Int1('gvrp_request_attribute', doc='1 GVRP, 2 NOGVRP'),
       Int1('gvrp_enabled_attribute', doc='1 GVRP, 2 NOGVRP'),
       Int1('switch_status'),
       Array('real_device_array', Struct([
           Int4('real_device_address'),
           Str('controller_name', 0, 71, C42.plus(' ')),
           Str('port_name', 0, 16, C42.plus(' ')),
           Int1('device_status'),
           Int1('device_error_status'),
       ])),
       Array('authorized_user_array', Struct([
           Str('grant_userid', 1, 8, C42.plus(' ')),
           Array('vlan_array', Struct([Int4('user_vlan_id')])),
       ])),
       Array('connected_adapter_array', Struct([
           Str('adapter_owner', 1, 8, C42.plus(' ')),
           Str('image_device_number', 1, 4, C16),
       ])),
   ]))])

# Virtual switches: keyword parameters (key=value\0, any order, to the end of the request) --

_D_CONNECT_WORDS = _d_words('CONnect', 'DISCONnect')
_D_ROUTING_WORDS = _d_words('NONrouter', 'PRIrouter')
_D_GVRP_WORDS = ('GVRP', 'NOGVRP')
_D_PORT_TYPES = ('ACCESS', 'TRUNK')

_f('Virtual_Network_Vswitch_Create_Extended',
   [KVList([KV('switch_name', 1, 8, C42),
            KV('real_device_address', 0, 23, C42.plus(' .')),
            KV('port_name', 0, 27, C42.plus(' ')),
            KV('controller_name', 0, 8, C43),
            KV('connection_value', 0, 10, C42, choices=_D_CONNECT_WORDS + ('NOUPLINK',)),
            KV('queue_memory_limit', 0, 1, C10, choices=tuple('12345678')),
            KV('routing_value', 0, 9, C42, choices=_D_ROUTING_WORDS),
            KV('transport_type', 0, 8, C42, choices=_d_words('IP', 'ETHernet')),
            KV('vlan_id', 0, 8, C42),
            KV('port_type', 0, 6, C42, choices=_D_PORT_TYPES),
            KV('persist', 0, 3, C42, choices=_D_YES_NO),
            KV('gvrp_value', 0, 6, C42, choices=_D_GVRP_WORDS),
            KV('native_vlanid', 0, 4, C42),
            KV('vswitch_type', 0, 4, C42, choices=('QDIO', 'IEDN', 'INMN', 'IVL')),
            KV('iptimeout', 0, 3, C10),
            KV('port_selection', 0, 9, C26, choices=('PORTBASED', 'USERBASED')),
            KV('group_name', 1, 8, _D_SWITCH, optional=True),
            KV('vswitch_domain', 0, 1, C26, choices=tuple('ABCDEFGH')),
            KV('vswitch_global', 3, 6, C26, optional=True)])])

_f('Virtual_Network_Vswitch_Delete_Extended',
   [KVList([KV('switch_name', 1, 8, _D_SWITCH),
            KV('persist', 0, 3, C42, choices=_D_YES_NO)])])

_f('Virtual_Network_Vswitch_Set_Extended',
   [KVList([KV('switch_name', 1, 8, _D_SWITCH),
            KV('grant_userid', 0, 8, C42),
            KV('user_vlan_id', 0, 19, C10.plus(' -')),
            KV('revoke_userid', 0, 8, C42),
            KV('real_device_address', 0, 23, _D_RDEV),
            KV('port_name', 0, 26, C42.plus(' ')),
            KV('controller_name', 0, 71, C43.plus(' ')),
            KV('connection_value', 0, 10, C42, choices=_D_CONNECT_WORDS),
            KV('queue_memory_limit', 0, 1, C10, choices=tuple('12345678')),
            KV('routing_value', 0, 9, C42, choices=_D_ROUTING_WORDS),
            KV('port_type', 0, 6, C42, choices=_D_PORT_TYPES),
            KV('persist', 0, 3, C42, choices=_D_YES_NO),
            KV('gvrp_value', 0, 6, C42, choices=_D_GVRP_WORDS),
            KV('mac_id', 0, 6, C16),
            KV('uplink', 0, 3, C42, choices=_D_YES_NO),
            KV('osd_sim', 0, 3, C42, choices=_D_YES_NO),
            KV('nic_userid', 0, 8, C43),
            KV('nic_vdev', 0, 4, C16),
            KV('lacp', 0, 8, C42, choices=('ACTIVE', 'INACTIVE')),
            KV('interval', 0, 8, C42),
            KV('group_rdev', 0, 63, C16.plus(' .Pp')),
            KV('iptimeout', 0, 3, C10),
            KV('port_isolation', 0, 3, C26, choices=_D_ON_OFF),
            KV('promiscuous', 0, 3, C26, choices=_D_YES_NO),
            KV('mac_protect', 0, 11, C26, key='MAC_protect', choices=_D_ON_OFF + _d_words('UNSPECified')),
            KV('vlan_counters', 0, 3, C26, key='VLAN_counters', choices=_D_ON_OFF),
            KV('nic_portselection', 0, 7, C26, choices=('AUTO', 'PORTNUM')),
            KV('portnum', 0, 16, C42.plus(' ')),
            KV('portnum_modify', 0, 16, C16),
            KV('portnum_remove', 0, 16, C16),
            KV('vlan_port_add', 0, None, C42.plus(' ')),
            KV('vlan_port_remove', 0, None, C42.plus(' ')),
            KV('vlan_delete', 0, 8, C42),
            KV('vepa', 0, 3, C26, choices=_D_ON_OFF),
            KV('trace_size', 0, 4, C10),
            KV('ivl_vlanid', 0, 4, C10),
            KV('ivl_heartbeat', 0, 4, C10),
            KV('lacp_group_type', 0, 9, C42)])])

# Redefined: vepa_status is optional (IBM's own client sends switch_name alone).
# The authorized-user records are '{port_num} {grant_userid} {promiscuous_mode}
# {osd_sim} {vlan_count} ' followed by the VLAN ids joined by blanks
# ('0000 MAINT NOPROM NOOSDSIM 0 ', '0000 LNX1 NOPROM NOOSDSIM 2 0100 0200').
_f('Virtual_Network_Vswitch_Query_Extended',
   [KVList([KV('switch_name', 1, 8, _D_SWITCH.plus('*')),
            KV('vepa_status', 2, 3, C26, choices=_D_YES_NO, optional=True)])],
   [Array('vswitch_array', Struct([
       Group([CStr(None, fmt='{switch_name} {transport_type} {port_type} {queue_memory_limit} {routing_value} '
                             '{vlan_awareness} {vlan_id} {native_vlan_id} {mac_address} '
                             '{gvrp_request_attribute} {gvrp_enabled_attribute} {switch_status} {link_ag} '
                             '{lag_interval} {lag_group} {ip_timeout} {switch_type} {isolation_status} '
                             '{mac_protect} {user_port_based} {vlan_counters} {vepa_status} {spg_scope}')]),
       Array('real_device_info_array', CStr(None, fmt='{real_device_address} {virtual_device_address} '
                                                      '{controller_name} {port_name} {device_status} '
                                                      '{device_error_status}')),
       Array('authorized_user_array', CStr(None, fmt='{port_num} {grant_userid} {promiscuous_mode} {osd_sim} '
                                                     '{vlan_count} {vlan_ids[]}')),
       Array('connected_adapter_array', CStr(None, fmt='{adapter_owner} {adapter_vdev} {adapter_macaddr} '
                                                       '{adapter_type}')),
       Array('uplink_nic_array', CStr(None, fmt='{uplink_nic_userid} {uplink_nic_vdev} {uplink_nic_error_status}')),
       Array('global_member_array', CStr(None, fmt='{member_name} {member_state}')),
   ]), count='items')])

_f('Virtual_Network_Vswitch_Query_Stats',
   [KVList([KV('switch_name', 1, 8, _D_SWITCH.plus('*')),
            KV('fmt_version', 0, 10, C10)])],
   [Array('vswitch_array', Struct([
       Str('switch_name', 0, 8, _D_SWITCH),
       Array('segment_array', CStr(None, fmt='{seg_vlanid} {seg_rx} {seg_rx_disc} {seg_tx} {seg_tx_disc} '
                                             '{seg_activated_tod} {seg_config_update_tod} {seg_vlan_interfaces} '
                                             '{seg_vlan_deletes} {seg_device_type} {seg_device_addr} '
                                             '{seg_device_status}')),
   ], prefix=False))])

_D_COUNTERS = ['fr_rx', 'fr_rx_dsc', 'fr_rx_err', 'fr_tx', 'fr_tx_dsc', 'fr_tx_err', 'rx', 'tx']

_f('Virtual_Network_Vswitch_Query_Byte_Stats',
   [KVList([KV('switch_name', 1, 8, C43)])],
   [Array('vswitch_array', Struct(
       [CStr('switch_name'),
        Array('uplink_array', Struct([CStr('uplink_conn')] + [CStr('uplink_' + c) for c in _D_COUNTERS],
                                     prefix=False), count='cstr')]
       + [CStr('bridge_' + c) for c in _D_COUNTERS]
       + [Array('nic_array', Struct([CStr('nic_id')] + [CStr('nic_' + c) for c in _D_COUNTERS],
                                    prefix=False), count='cstr'),
          Array('vlan_array', Struct([CStr('vlan_id'), CStr('vlan_rx'), CStr('vlan_tx')], prefix=False),
                count='cstr')],
       prefix=False), count='cstr')])


def get(name):
    """The layout of ``name``, or None."""
    return FUNCTIONS.get(name)
