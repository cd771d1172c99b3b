# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zvmsim: monitoring, system information and the reader (zvmsim/handlers/monitor.py)."""

import json
import os

import pytest

from tests.zvmsim.conftest import smapi_for
from tests.zvmsim.test_power import CAPTURE_SYSTEM, captures, replay, shape

MONITOR_FUNCTIONS = ('System_Info_Query', 'System_Information_Query', 'System_Performance_Information_Query',
                     'System_Performance_Info_Query', 'System_Page_Utilization_Query',
                     'System_Spool_Utilization_Query', 'Image_Console_Get', 'System_RDR_File_Query',
                     'System_RDR_File_Manage', 'Image_Performance_Query', 'System_Image_Performance_Query')


def rc(reply):
    return (reply['return_code'], reply['reason_code'])


def put_reader_file(sim, owner, spoolid=None, origin='MAINT', name='', ftype=''):
    """A reader file for ``owner`` (with a chosen spool id when given)."""
    data = {'queue': 'RDR', 'originid': origin, 'class': 'A', 'device_type': 'PUN', 'records': 3, 'copies': 1,
            'hold': 'NONE', 'time': 1800000000.0, 'name': name, 'type': ftype, 'dist': origin}
    with sim.store.transaction(write=True) as tx:
        if spoolid is None:
            return tx.add_spool(owner, data, b'abc\n')
        tx.conn.execute('INSERT INTO spool (id, userid, data, content) VALUES (?, ?, ?, ?)',
                        (spoolid, owner.upper(), json.dumps(data), b'abc\n'))
        return spoolid


@pytest.mark.usefixtures('captures_dir')
@pytest.mark.parametrize('path', captures(MONITOR_FUNCTIONS), ids=os.path.basename)
def test_capture_requests_answer_like_the_capture(make_sim, path):
    sim = make_sim(CAPTURE_SYSTEM)
    if 'System_RDR_File' in path:
        put_reader_file(sim, 'MAINT', spoolid=662, name='VMDUMP', ftype='FILE')
    reply, captured = replay(sim, path)
    assert (reply['return_code'], reply['reason_code']) == (captured['return_code'], captured['reason_code'])
    assert shape(reply) == shape(captured)
    if 'System_RDR_File_Manage' in path:      # PURGE 0662
        with sim.store.transaction() as tx:
            assert tx.spool_files('MAINT') == []


# -- guest performance ----------------------------------------------------------------------------------------------

def test_image_performance_query(sim, smapi, clock):
    clock.advance(10)
    reply = smapi('Image_Performance_Query', 'MAINT', userid_list=['linux01'])
    assert rc(reply) == (0, 0)
    [record] = reply['performance_records']
    assert record == {
        'record_version': 1, 'guest_flags': 0, 'used_cpu_time': 1000000, 'elapsed_cpu_time': 10000000,
        'min_memory': 4194304, 'max_memory': 8388608, 'shared_memory': 0, 'used_memory': 4194304,
        'active_cpus_in_cec': 4, 'logical_cpus_in_vm': 4, 'guest_cpus': 2, 'min_cpu_count': 2, 'max_cpu_limit': 4,
        'processor_share': 100, 'samples_cpu_in_use': 1, 'samples_cpu_delay': 0, 'samples_page_wait': 0,
        'samples_idle': 9, 'samples_other': 0, 'samples_total': 10, 'guest_name': 'LINUX01'}
    clock.advance(10)
    assert smapi('Image_Performance_Query', 'MAINT', userid_list=['LINUX01'])['performance_records'][0][
        'used_cpu_time'] == 2000000


def test_image_performance_guest_name_is_ebcdic(sim, smapi):
    from ansible_collections.zvm.cloud.plugins.module_utils.smapi import codec, layouts
    from tests.zvmsim.conftest import exchange
    layout = layouts.get('Image_Performance_Query')
    raw = exchange(sim, codec.encode_request(layout, 'MAINT', 'MAINT', 'MAINT', {'userid_list': ['LINUX01']}))
    assert raw.endswith('LINUX01 '.encode('cp037'))


def test_image_performance_query_skips_guests_without_data(smapi):
    reply = smapi('Image_Performance_Query', 'MAINT', userid_list=['LINUX02', 'MAINT', 'NOSUCH'])
    assert rc(reply) == (4, 4)
    assert [r['guest_name'] for r in reply['performance_records']] == ['MAINT']
    reply = smapi('Image_Performance_Query', 'MAINT', userid_list=['LINUX02'])
    assert rc(reply) == (4, 4) and reply['performance_records'] == []


def test_system_image_performance_query(make_sim, clock):
    sim = make_sim({'name_lists': {'LNX': ['LINUX01', 'LINUX02'], 'SYS': ['MAINT', 'TCPIP']}})
    smapi = smapi_for(sim)
    reply = smapi('System_Image_Performance_Query', 'LNX')
    assert rc(reply) == (4, 4)
    assert [r['guest_name'] for r in reply['performance_records']] == ['LINUX01']
    reply = smapi('System_Image_Performance_Query', 'SYS')
    assert rc(reply) == (0, 0)
    assert [(r['guest_name'], r['min_memory']) for r in reply['performance_records']] == \
        [('MAINT', 262144), ('TCPIP', 131072)]
    smapi('Image_Activate', 'LINUX02')
    assert rc(smapi('System_Image_Performance_Query', 'LNX')) == (0, 0)
    reply = smapi('System_Image_Performance_Query', 'TCPIP')
    assert rc(reply) == (0, 0) and reply['performance_records'][0]['guest_name'] == 'TCPIP'
    reply = smapi('System_Image_Performance_Query', 'NOLIST')
    assert rc(reply) == (4, 4) and reply['performance_records'] == []


# -- system information ---------------------------------------------------------------------------------------------

def test_system_info_query(sim, smapi, clock):
    with sim.store.transaction() as tx:
        assert tx.meta('ipl_time') == clock.now
    clock.advance(86400 + 3723)
    reply = smapi('System_Info_Query', 'MAINT')
    assert rc(reply) == (0, 0)
    assert reply['time_zone'] == 'EST West 05.00.00'
    assert (reply['time'], reply['zone'], reply['weekday'], reply['date']) == \
        ('04:02:03', 'EST', 'SATURDAY', '2027-01-16')
    assert reply['cp_level'] == 'z/VM Version 7 Release 3.0, service level 2301 (64-bit)'
    assert reply['ipl_date_time'] == '2027-01-15 03:00:00 EST'
    assert reply['generation_date_time'] == '2026-12-16 02:44:15 EST'
    assert (reply['storage'], reply['configured'], reply['inc'], reply['standby'], reply['reserved']) == \
        ('64G', '64G', '1M', '0', '0')


def test_system_info_follows_the_config(make_sim):
    smapi = smapi_for(make_sim({'system': {'level': '7.2.0', 'service_level': '2201', 'storage': '16G',
                                           'time_zone': 'CET', 'time_zone_offset': '+01.00.00'}}))
    reply = smapi('System_Info_Query', 'MAINT')
    assert reply['time_zone'] == 'CET East 01.00.00'
    assert reply['time'] == '09:00:00'
    assert reply['cp_level'] == 'z/VM Version 7 Release 2.0, service level 2201 (64-bit)'
    assert reply['storage'] == '16G'


def test_system_information_query(sim, smapi, clock):
    clock.advance(3723)
    reply = smapi('System_Information_Query', 'MAINT')
    assert rc(reply) == (0, 0)
    data = reply['system_information_data']
    assert [d.split('=')[0] for d in data] == ['CMS_LEVEL', 'CPU_CAPABILITY', 'CPUID', 'CP_LEVEL', 'STORAGE', 'TIME']
    assert data[2] == 'CPUID=ID=FF0A1B2C39060000'
    assert data[3] == ('CP_LEVEL=VERSION=7.3.0 SERVICE_LEVEL=2301 GENERATION_TIME=02:44:15 GENERATION_DATE=2026-12-16 '
                       'GENERATION_TIME_ZONE=EST IPL_TIME=03:00:00 IPL_DATE=2027-01-15 IPL_TIME_ZONE=EST '
                       'LANGUAGE=AMENG')
    assert data[4] == 'STORAGE=ONLINE=64G CONFIGURED=64G INCREMENT=1M STANDBY=0 RESERVED=0'
    # MAINT (the caller) used 5% of one CPU for 3723 s
    assert data[5] == ('TIME=TIMEZONE=EST TIME=04:02:03 DATE=2027-01-15 CONNECT=01:02:03 VIRTUAL_CPU=003:06.15 '
                       'TOTAL_CPU=003:17.31')


def test_system_performance_information_query(sim, smapi):
    reply = smapi('System_Performance_Information_Query', 'MAINT',
                  system_performance_information_list=['DETAILED_CPU=SHOW=YES', 'MONITOR_EVENT=QUERY=NO'])
    assert rc(reply) == (0, 0)
    data = dict(d.split('=', 1) for d in reply['system_performance_information_data'] if 'DETAILED_CPU=' not in d)
    assert data['CPU_COUNT'] == '0004' and data['MEMORY_TOTAL'] == '16777216' and data['DETAILED_CPU_COUNT'] == '4'
    # MAINT 256M + TCPIP 128M + DIRMAINT 128M + LINUX01 4G, plus CP's 256M, in 4K pages
    assert data['MEMORY_IN_USE'] == str((256 + 128 + 128 + 4096 + 256) * 256)
    assert data['CPU_AVERAGE_USE'] == '6%'      # 5 virtual CPUs at 5% on 4 processors: 6.25%
    detailed = [d for d in reply['system_performance_information_data'] if d.startswith('DETAILED_CPU=')]
    assert len(detailed) == 4 and 'CPU_ID=3 ' in detailed[3]
    smapi('Image_Activate', 'LINUX02')
    reply = smapi('System_Performance_Information_Query', 'MAINT',
                  system_performance_information_list=['DETAILED_CPU=SHOW=NO'])
    data = dict(d.split('=', 1) for d in reply['system_performance_information_data'])
    assert data['MEMORY_IN_USE'] == str((256 + 128 + 128 + 4096 + 2048 + 256) * 256)
    assert 'DETAILED_CPU' not in data and 'DETAILED_CPU_COUNT' not in data


def test_system_performance_information_query_errors(smapi):
    assert rc(smapi('System_Performance_Information_Query', 'MAINT',
                    system_performance_information_list=['TOTAL_CPU=SHOW=YES'])) == (8, 3002)
    assert rc(smapi('System_Performance_Information_Query', 'MAINT',
                    system_performance_information_list=['DETAILED_CPU=SHOW=MAYBE'])) == (8, 3003)
    assert rc(smapi('System_Performance_Information_Query', 'MAINT',
                    system_performance_information_list=['MONITOR_EVENT=QUERY=X'])) == (8, 3003)


def test_system_performance_info_query(smapi):
    reply = smapi('System_Performance_Info_Query', 'MAINT')
    assert rc(reply) == (0, 0)
    assert (reply['num_proc'], reply['avg_proc'], reply['total_pages']) == ('0004', '6', '16777216')
    assert 'monitor_rate' not in reply
    assert reply['procs'] == [{'addr': '%04d' % n, 'usage': '006', 'type': 'IFL', 'pe': 'VM'} for n in range(4)]
    paused = smapi_cpu_after_pause(smapi)
    assert paused['avg_proc'] == '3' and paused['monitor_rate'] == '2.00 SECONDS'
    assert rc(smapi('System_Performance_Info_Query', 'MAINT', monrate='5')) == (24, 519)


def smapi_cpu_after_pause(smapi):
    smapi('Image_Pause', 'LINUX01', action='PAUSE')
    return smapi('System_Performance_Info_Query', 'MAINT', monrate='query')


def test_page_utilization(make_sim):
    reply = smapi_for(make_sim())('System_Page_Utilization_Query', 'MAINT')
    assert rc(reply) == (0, 0)
    assert (reply['total_paging_pages'], reply['total_paging_pages_in_use']) == ('5758K', '0')
    # 4G of real storage: LINUX01's 4G, the others' 512M and CP's 256M overcommit it by 768M
    reply = smapi_for(make_sim({'system': {'storage': '4G'}}))('System_Page_Utilization_Query', 'MAINT')
    assert reply['total_paging_pages_in_use'] == str(768 * 256)
    assert reply['paging_volume_array'] == [{'volid': 'M01P01', 'rdev': '1004', 'total_pages': '5758K',
                                             'pages_in_use': str(768 * 256), 'percent_used': '3',
                                             'drained': 'NOTDRAINED'}]


def test_spool_utilization_counts_spool_files(sim, smapi):
    reply = smapi('System_Spool_Utilization_Query', 'MAINT')
    assert rc(reply) == (0, 0)
    base = int(reply['total_spool_pages_in_use'])
    assert reply['spool_volume_array'][0]['volid'] == 'M01S01'
    smapi('Image_Console_Get', 'LINUX01')
    assert int(smapi('System_Spool_Utilization_Query', 'MAINT')['total_spool_pages_in_use']) == base + 1


# -- console output and the reader ------------------------------------------------------------------------------------

def test_console_get_spools_the_ipl_log_to_the_callers_reader(sim, smapi):
    smapi('Image_Activate', 'LINUX02')
    reply = smapi('Image_Console_Get', 'LINUX02')
    assert rc(reply) == (0, 0)
    with sim.store.transaction() as tx:
        [f] = tx.spool_files('MAINT')
        content = tx.spool_content(f['spoolid']).decode()
        assert tx.spool_files('LINUX02') == []
    assert (f['originid'], f['class'], f['device_type'], f['name'], f['type']) == \
        ('LINUX02', 'T', 'CON', 'LINUX02', 'CONSOLE')
    assert 'LOGON AT 03:00:00 EST FRIDAY 01/15/27' in content and content.endswith('linux02 login:\n')
    assert f['records'] == content.count('\n')
    # nothing new on the console since: no spool file
    assert rc(smapi('Image_Console_Get', 'LINUX02')) == (8, 8)
    smapi('Image_Recycle', 'LINUX02')
    assert rc(smapi('Image_Console_Get', 'LINUX02')) == (0, 0)
    assert len(smapi('System_RDR_File_Query', 'MAINT')['rdr_file_info']) == 2


def test_console_get_of_a_cms_guest_logged_on_by_the_seed(sim, smapi):
    assert rc(smapi('Image_Console_Get', 'TCPIP', userid='OPERATOR', password='OPERATOR')) == (100, 16)
    assert rc(smapi('Image_Console_Get', 'TCPIP')) == (0, 0)
    with sim.store.transaction() as tx:
        [f] = tx.spool_files('MAINT')
        assert b'Ready;' in tx.spool_content(f['spoolid'])


def test_console_get_goes_to_the_requesting_user(sim, smapi):
    assert rc(smapi('Image_Console_Get', 'LINUX01', userid='OPERATOR', password='OPERATOR')) == (0, 0)
    with sim.store.transaction() as tx:
        assert [f['originid'] for f in tx.spool_files('OPERATOR')] == ['LINUX01']
        assert tx.spool_files('MAINT') == []


def test_console_get_not_logged_on(smapi):
    assert rc(smapi('Image_Console_Get', 'LINUX02')) == (8, 8)
    assert rc(smapi('Image_Console_Get', 'NOSUCH')) == (8, 8)


def test_rdr_file_query_lines(sim, smapi):
    assert rc(smapi('System_RDR_File_Query', 'MAINT')) == (8, 4)
    smapi('Image_Console_Get', 'LINUX01')
    from ansible_collections.zvm.cloud.plugins.module_utils.smapi import codec, layouts
    from tests.zvmsim.conftest import exchange
    layout = layouts.get('System_RDR_File_Query')
    raw = exchange(sim, codec.encode_request(layout, 'MAINT', 'MAINT', 'MAINT', {}))
    line = raw[20:].split(b'\0', maxsplit=1)[0].decode()
    assert line.startswith('LINUX01  0001 T CON 000000')
    assert line[28:] == ' 001 NONE 01/15 03:00:00 LINUX01   CONSOLE  LINUX01'
    [info] = smapi('System_RDR_File_Query', 'MAINT')['rdr_file_info']
    assert (info['file'], info['class'], info['device_type'], info['name'], info['type']) == \
        ('0001', 'T', 'CON', 'LINUX01', 'CONSOLE')


def files_of(smapi, userid):
    reply = smapi('System_RDR_File_Query', userid)
    return [f['file'] for f in reply.get('rdr_file_info') or []]


def test_rdr_file_manage_order_purge(sim, smapi):
    for _n in range(3):
        put_reader_file(sim, 'MAINT')
    assert files_of(smapi, 'MAINT') == ['0001', '0002', '0003']
    assert rc(smapi('System_RDR_File_Manage', 'MAINT', spoolids='3 0002', action='ORDER')) == (0, 0)
    assert files_of(smapi, 'MAINT') == ['0003', '0002', '0001']
    assert rc(smapi('System_RDR_File_Manage', 'MAINT', spoolids='0002', action='PURGE')) == (0, 0)
    assert files_of(smapi, 'MAINT') == ['0003', '0001']
    assert rc(smapi('System_RDR_File_Manage', 'MAINT', spoolids='ALL', action='PURGE')) == (0, 0)
    assert rc(smapi('System_RDR_File_Query', 'MAINT')) == (8, 4)
    with sim.store.transaction() as tx:
        assert tx.spool_files() == []


def test_rdr_file_manage_transfer(sim, smapi):
    spoolid = put_reader_file(sim, 'LINUX01', origin='LINUX01')
    assert rc(smapi('System_RDR_File_Manage', 'LINUX01', spoolids='%04d' % spoolid, action='TRANSFER')) == (0, 0)
    with sim.store.transaction() as tx:
        assert tx.spool_files('LINUX01') == []
        [f] = tx.spool_files('MAINT')
        assert f['originid'] == 'LINUX01' and tx.spool_content(f['spoolid']) == b'abc\n'


def test_rdr_file_manage_errors(sim, smapi):
    put_reader_file(sim, 'MAINT')
    assert rc(smapi('System_RDR_File_Manage', 'MAINT', spoolids='0099', action='PURGE')) == (8, 3003)
    assert rc(smapi('System_RDR_File_Manage', 'MAINT', spoolids='0001', action='DELETE', validate=False)) == (8, 3003)
    assert rc(smapi('System_RDR_File_Manage', 'MAINT', spoolids='0001', action='')) == (8, 3004)
    assert rc(smapi('System_RDR_File_Manage', 'MAINT', spoolids='', action='PURGE', validate=False)) == (8, 3004)
    assert files_of(smapi, 'MAINT') == ['0001']


# -- authentication and API level (zvmsim/handlers/auth.py) ------------------------------------------------------------

def test_check_authentication_and_api_level(smapi):
    assert rc(smapi('Check_Authentication')) == (0, 0)
    assert rc(smapi('Check_Authentication', userid='OPERATOR', password='operator')) == (0, 0)
    assert rc(smapi('Check_Authentication', password='WRONG')) == (120, 0)
    assert rc(smapi('Query_API_Functional_Level', 'MAINT')) == (0, 730)
