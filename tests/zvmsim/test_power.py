# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zvmsim: guest power state (zvmsim/handlers/power.py)."""

import base64
import json
import os

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.smapi import codec, layouts

from tests.conftest import capture_files
from tests.zvmsim.conftest import exchange, smapi_for

# The guests the captures name: GT@PONG logged on, GT@PING logged off, VSMGUARD (CMS) logged on.
CAPTURE_SYSTEM = {
    'guests': [
        {'userid': 'MAINT', 'state': 'on', 'records': ['USER MAINT MAINT 256M 1G ABCDEFG', 'MACHINE ESA', 'IPL CMS',
                                                       'CONSOLE 0009 3215 T']},
        {'userid': 'GT@PONG', 'state': 'on', 'os': 'linux',
         'records': ['USER GT@PONG LBYONLY 1G 2G G', 'INCLUDE IBMDFLT', 'CPU 00 BASE', 'CPU 01', 'IPL 0100',
                     'MACHINE ESA 4', 'MDISK 0100 3390 0001 1457 LX0100 MR']},
        {'userid': 'GT@PING', 'state': 'off', 'os': 'linux',
         'records': ['USER GT@PING LBYONLY 1G 2G G', 'INCLUDE IBMDFLT', 'CPU 00 BASE', 'IPL 0100', 'MACHINE ESA 2',
                     'MDISK 0100 3390 1458 1457 LX0100 MR']},
        {'userid': 'VSMGUARD', 'state': 'on', 'records': ['USER VSMGUARD AUTOONLY 128M 512M BG',
                                                          'INCLUDE IBMDFLT', 'IPL CMS', 'MACHINE ESA']},
    ],
}

POWER_FUNCTIONS = ('Image_Activate', 'Image_Deactivate', 'Image_Recycle', 'Image_Pause', 'Image_Status_Query',
                   'Image_Query_Activate_Time', 'Image_CPU_Query', 'Image_Active_Configuration_Query')


def captures(functions):
    """The capture files of ``functions`` (a placeholder when the captures
    directory is missing: request the ``captures_dir`` fixture)."""
    return capture_files(['%s.*' % name for name in functions])


def replay(sim, path):
    """Send a capture's request bytes verbatim; return (decoded reply,
    decoded captured reply)."""
    with open(path) as fh:
        capture = json.load(fh)
    layout = layouts.get(capture['function'])
    raw = exchange(sim, base64.b64decode(capture['request_b64']))
    reply = codec.decode_response(layout, raw)
    assert codec.reencode_response(layout, reply) == raw
    return reply, codec.decode_response(layout, base64.b64decode(capture['response_b64']))


def shape(reply):
    return sorted(k for k in reply if k not in ('request_id', 'framed_request_id'))


@pytest.mark.usefixtures('captures_dir')
@pytest.mark.parametrize('path', captures(POWER_FUNCTIONS), ids=os.path.basename)
def test_capture_requests_answer_like_the_capture(make_sim, path):
    sim = make_sim(CAPTURE_SYSTEM)
    reply, captured = replay(sim, path)
    assert (reply['return_code'], reply['reason_code']) == (captured['return_code'], captured['reason_code'])
    assert shape(reply) == shape(captured)


@pytest.mark.usefixtures('captures_dir')
def test_every_power_function_has_a_capture():
    assert len(captures(POWER_FUNCTIONS)) >= len(POWER_FUNCTIONS)


# -- helpers -----------------------------------------------------------------------------------------------------

def cp_doc(sim, userid):
    with sim.store.transaction() as tx:
        return tx.cp(userid)


def status(smapi, userid):
    reply = smapi('Image_Status_Query', userid)
    return (reply['return_code'], reply['reason_code'])


def rc(reply):
    return (reply['return_code'], reply['reason_code'])


# -- Image_Activate ----------------------------------------------------------------------------------------------

def test_activate_logs_on_disconnected_and_ipls(sim, smapi, clock):
    assert status(smapi, 'LINUX02') == (0, 12)
    reply = smapi('Image_Activate', 'linux02')
    assert rc(reply) == (0, 0)
    assert 'activated' not in reply          # one image: rc/rs only, as in the capture
    assert status(smapi, 'LINUX02') == (0, 0)
    doc = cp_doc(sim, 'LINUX02')
    assert doc['state'] == 'disconnected'
    assert doc['logon_time'] == clock.now
    assert doc['storage_kb'] == 2 * 1024 * 1024
    with sim.store.transaction() as tx:
        console = tx.obj('console', 'LINUX02')
        assert [a['vdev'] for a in tx.adapters('LINUX02')] == ['1000']
    assert any('LOGON AT' in line for line in console['lines'])
    assert console['lines'][-1] == 'linux02 login:'


def test_activate_errors(make_sim):
    sim = make_sim({'power': {'soft_stop_seconds': 60}})
    smapi = smapi_for(sim)
    assert rc(smapi('Image_Activate', 'NOSUCH')) == (200, 4)
    assert rc(smapi('Image_Activate', 'LINUX01')) == (200, 8)
    assert rc(smapi('Image_Deactivate', 'LINUX01', force_time='WITHIN 120')) == (0, 120)
    assert rc(smapi('Image_Activate', 'LINUX01')) == (200, 16)
    assert cp_doc(sim, 'LINUX01')['stopping'] is not None


def test_activate_name_list(make_sim):
    sim = make_sim({'name_lists': {'GRP': ['LINUX02', 'LINUX01', 'NOSUCH'], 'OFFS': ['LINUX02', 'LINUX03']}})
    smapi = smapi_for(sim)
    reply = smapi('Image_Activate', 'GRP')
    assert rc(reply) == (200, 28)
    assert (reply['activated'], reply['not_activated']) == (1, 2)
    assert reply['failing_array'] == [{'image_name': 'LINUX01', 'return_code': 200, 'reason_code': 8},
                                      {'image_name': 'NOSUCH', 'return_code': 200, 'reason_code': 4}]
    assert status(smapi, 'LINUX02') == (0, 0)
    smapi('Image_Deactivate', 'LINUX02', force_time='IMMED')
    reply = smapi('Image_Activate', 'OFFS')
    assert rc(reply) == (0, 0)
    assert (reply['activated'], reply['not_activated'], reply['failing_array']) == (2, 0, [])
    assert status(smapi, 'LINUX03') == (0, 0)


# -- Image_Deactivate --------------------------------------------------------------------------------------------

def test_deactivate_immed(sim, smapi):
    reply = smapi('Image_Deactivate', 'LINUX01', force_time='IMMED')
    assert rc(reply) == (0, 0)
    assert status(smapi, 'LINUX01') == (0, 12)
    assert cp_doc(sim, 'LINUX01') is None
    with sim.store.transaction() as tx:
        assert tx.adapters('LINUX01') == []


def test_deactivate_not_active(smapi):
    assert rc(smapi('Image_Deactivate', 'LINUX02', force_time='IMMED')) == (200, 12)
    assert rc(smapi('Image_Deactivate', 'NOSUCH', force_time='')) == (200, 12)


def test_soft_stop_linux_goes_down_when_its_os_has(make_sim, clock):
    sim = make_sim({'power': {'soft_stop_seconds': 30}})
    smapi = smapi_for(sim)
    assert rc(smapi('Image_Deactivate', 'LINUX01', force_time='WITHIN 120')) == (0, 120)
    doc = cp_doc(sim, 'LINUX01')
    assert doc['stopping'] == {'signalled': clock.now, 'deadline': clock.now + 120, 'os_down': clock.now + 30}
    assert doc['due'] == clock.now + 30
    assert rc(smapi('Image_Deactivate', 'LINUX01', force_time='WITHIN 120')) == (200, 16)
    clock.advance(29)
    assert status(smapi, 'LINUX01') == (0, 0)
    clock.advance(2)
    assert status(smapi, 'LINUX01') == (0, 12)
    assert cp_doc(sim, 'LINUX01') is None


def test_soft_stop_forced_at_the_deadline_when_the_os_is_slower(make_sim, clock):
    smapi = smapi_for(make_sim({'power': {'soft_stop_seconds': 100}}))
    assert rc(smapi('Image_Deactivate', 'LINUX01', force_time='WITHIN 10')) == (0, 10)
    clock.advance(9)
    assert status(smapi, 'LINUX01') == (0, 0)
    clock.advance(1)
    assert status(smapi, 'LINUX01') == (0, 12)


def test_soft_stop_of_a_cms_guest_waits_for_the_deadline(sim, smapi, clock):
    # soft_stop_seconds is 0, but CMS does not react to the shutdown signal
    assert rc(smapi('Image_Deactivate', 'TCPIP', force_time='WITHIN 60')) == (0, 60)
    assert 'os_down' not in cp_doc(sim, 'TCPIP')['stopping']
    clock.advance(59)
    assert status(smapi, 'TCPIP') == (0, 0)
    clock.advance(1)
    assert status(smapi, 'TCPIP') == (0, 12)


def test_soft_stop_of_linux_with_an_immediate_os_logs_off_at_once(sim, smapi):
    assert rc(smapi('Image_Deactivate', 'LINUX01', force_time='WITHIN 60')) == (0, 60)
    assert status(smapi, 'LINUX01') == (0, 12)


def test_default_force_time_is_the_system_default(make_sim, clock):
    smapi = smapi_for(make_sim({'power': {'default_shutdown_seconds': 45}}))
    assert rc(smapi('Image_Deactivate', 'TCPIP', force_time='')) == (0, 45)
    clock.advance(44)
    assert status(smapi, 'TCPIP') == (0, 0)
    clock.advance(1)
    assert status(smapi, 'TCPIP') == (0, 12)


def test_deactivate_by_local_time(sim, smapi, clock):
    # the fake clock starts at 03:00:00 EST (the default system's time zone)
    assert smapi('Image_Query_Activate_Time', 'LINUX01', date_format_indicator=4)['activation_time'] == '03:00:00'
    assert rc(smapi('Image_Deactivate', 'TCPIP', force_time='BY 03:10')) == (0, 600)
    assert cp_doc(sim, 'TCPIP')['stopping']['deadline'] == clock.now + 600
    assert rc(smapi('Image_Deactivate', 'LINUX01', force_time='BY 02:59')) == (200, 36)   # 23h59m away
    assert status(smapi, 'LINUX01') == (0, 0)


def test_deactivate_force_time_errors(sim, smapi):
    assert rc(smapi('Image_Deactivate', 'LINUX01', force_time='WITHIN 70000')) == (200, 36)
    for bad in ('SOON', 'WITHIN', 'WITHIN X', 'BY 25:00', 'BY 3', 'IMMED NOW'):
        assert rc(smapi('Image_Deactivate', 'LINUX01', force_time=bad)) == (24, 519), bad
    assert status(smapi, 'LINUX01') == (0, 0)


def test_immed_forces_a_guest_that_is_being_signalled(sim, smapi):
    assert rc(smapi('Image_Deactivate', 'TCPIP', force_time='WITHIN 300')) == (0, 300)
    assert rc(smapi('Image_Deactivate', 'TCPIP', force_time='IMMED')) == (0, 0)
    assert status(smapi, 'TCPIP') == (0, 12)


def test_deactivate_name_list(make_sim):
    smapi = smapi_for(make_sim({'name_lists': {'GRP': ['LINUX01', 'LINUX02', 'TCPIP']}}))
    reply = smapi('Image_Deactivate', 'GRP', force_time='IMMED')
    assert rc(reply) == (200, 32)
    assert (reply['deactivated'], reply['not_deactivated']) == (2, 1)
    assert reply['failing_array'] == [{'image_name': 'LINUX02', 'return_code': 200, 'reason_code': 12}]
    assert status(smapi, 'LINUX01') == (0, 12)
    assert status(smapi, 'TCPIP') == (0, 12)
    smapi('Image_Activate', 'GRP')
    reply = smapi('Image_Deactivate', 'GRP', force_time='WITHIN 30')
    assert rc(reply) == (0, 30)
    assert (reply['deactivated'], reply['not_deactivated']) == (3, 0)


# -- Image_Recycle -----------------------------------------------------------------------------------------------

def test_recycle_logs_off_and_on(sim, smapi, clock):
    clock.advance(100)
    assert rc(smapi('Image_Pause', 'LINUX01', action='PAUSE')) == (0, 0)
    reply = smapi('Image_Recycle', 'LINUX01')
    assert rc(reply) == (0, 0)
    doc = cp_doc(sim, 'LINUX01')
    assert doc['logon_time'] == clock.now
    assert doc['paused'] is False and doc['cpu_used_us'] == 0
    with sim.store.transaction() as tx:
        assert tx.obj('console', 'LINUX01')['since'] == clock.now


def test_recycle_errors(make_sim):
    sim = make_sim({'power': {'soft_stop_seconds': 60}})
    smapi = smapi_for(sim)
    assert rc(smapi('Image_Recycle', 'NOSUCH')) == (200, 4)
    assert rc(smapi('Image_Recycle', 'LINUX02')) == (200, 12)
    smapi('Image_Deactivate', 'LINUX01', force_time='WITHIN 100')
    assert rc(smapi('Image_Recycle', 'LINUX01')) == (200, 16)


def test_recycle_name_list(make_sim):
    smapi = smapi_for(make_sim({'name_lists': {'GRP': ['LINUX01', 'LINUX02']}}))
    reply = smapi('Image_Recycle', 'GRP')
    assert rc(reply) == (200, 36)
    assert (reply['recycled'], reply['not_recycled']) == (1, 1)
    assert reply['failing_array'] == [{'image_name': 'LINUX02', 'return_code': 200, 'reason_code': 12}]


# -- Image_Pause -------------------------------------------------------------------------------------------------

def cpu_time(smapi, userid):
    reply = smapi('Image_Performance_Query', 'MAINT', userid_list=[userid])
    return reply['performance_records'][0]['used_cpu_time']


def test_pause_stops_the_virtual_cpus_and_begin_starts_them(sim, smapi, clock):
    clock.advance(10)
    before = cpu_time(smapi, 'LINUX01')
    assert before == 1000000            # 2 CPUs at 5% for 10 s
    assert rc(smapi('Image_Pause', 'LINUX01', action='PAUSE')) == (0, 0)
    assert cp_doc(sim, 'LINUX01')['paused'] is True
    clock.advance(10)
    assert cpu_time(smapi, 'LINUX01') == before
    cpus = smapi('Image_CPU_Query', 'LINUX01')['cpu_info_array']
    assert [c['cpu_status'] for c in cpus] == [1, 1]
    config = smapi('Image_Active_Configuration_Query', 'LINUX01')['cpu_info_array']
    assert [c['cpu_status'] for c in config] == [2, 2]
    assert rc(smapi('Image_Pause', 'LINUX01', action='PAUSE')) == (0, 0)      # already paused: no change
    assert rc(smapi('Image_Pause', 'LINUX01', action='begin')) == (0, 0)
    assert cp_doc(sim, 'LINUX01')['paused'] is False
    clock.advance(10)
    assert cpu_time(smapi, 'LINUX01') == 2 * before
    assert [c['cpu_status'] for c in smapi('Image_CPU_Query', 'LINUX01')['cpu_info_array']] == [3, 3]


def test_pause_errors(smapi):
    assert rc(smapi('Image_Pause', 'LINUX02', action='PAUSE')) == (8, 12)
    assert rc(smapi('Image_Pause', 'NOSUCH', action='BEGIN')) == (8, 12)
    assert rc(smapi('Image_Pause', 'LINUX01', action='STOP', validate=False)) == (8, 3003)
    assert rc(smapi('Image_Pause', 'LINUX01', validate=False)) == (8, 3004)


# -- queries -----------------------------------------------------------------------------------------------------

def test_status_query(smapi):
    assert smapi('Image_Status_Query', 'linux01')['image_name_array'] == ['LINUX01']
    reply = smapi('Image_Status_Query', 'LINUX02')
    assert rc(reply) == (0, 12) and 'image_name_array' not in reply
    assert status(smapi, 'NOSUCH') == (0, 12)
    reply = smapi('Image_Status_Query', '*')
    assert rc(reply) == (0, 0)
    assert reply['image_name_array'] == ['DIRMAINT', 'LINUX01', 'MAINT', 'TCPIP']
    smapi('Image_Activate', 'LINUX02')
    assert 'LINUX02' in smapi('Image_Status_Query', '*')['image_name_array']


@pytest.mark.parametrize('indicator,expected', [(1, '01/15/27'), (2, '01/15/2027'), (3, '27-01-15'),
                                                (4, '2027-01-15'), (5, '15/01/27'), (6, '15/01/2027')])
def test_query_activate_time_formats(sim, smapi, clock, indicator, expected):
    clock.advance(3600 + 62)
    smapi('Image_Activate', 'LINUX02')
    reply = smapi('Image_Query_Activate_Time', 'LINUX02', date_format_indicator=indicator)
    assert rc(reply) == (0, 0)
    assert (reply['image_name'], reply['activation_date'], reply['activation_time']) == \
        ('LINUX02', expected, '04:01:02')


def test_query_activate_time_not_active(smapi):
    assert rc(smapi('Image_Query_Activate_Time', 'LINUX02', date_format_indicator=1)) == (200, 12)


def test_cpu_query(smapi):
    reply = smapi('Image_CPU_Query', 'LINUX01')
    assert rc(reply) == (0, 0)
    assert reply['number_cpus'] == 2
    assert reply['cpu_info_array'] == [
        {'cpu_number': 0, 'cpu_id': 'FF0A1B2C39060000', 'cpu_base': 1, 'cpu_status': 3, 'cpu_type': 2},
        {'cpu_number': 1, 'cpu_id': 'FF0A1B2C39060000', 'cpu_base': 0, 'cpu_status': 3, 'cpu_type': 2}]
    assert rc(smapi('Image_CPU_Query', 'LINUX02')) == (216, 12)


def test_active_configuration_query(make_sim):
    sim = make_sim({'guests': [{'userid': 'MAINT', 'state': 'on', 'records': ['USER MAINT MAINT 256M 1G G']},
                               {'userid': 'LNXA', 'state': 'on', 'os': 'linux',
                                'records': ['USER LNXA LBYONLY 1536M 4G G', 'INCLUDE IBMDFLT', 'CPU 00',
                                            'CPU 02 BASE TYPE IFL', 'SHARE ABSOLUTE 10%',
                                            'MDISK 0200 3390 0001 0100 LX0100 MR',
                                            'MDISK 0101 FB-512 V-DISK 2097152 MWV']}]})
    smapi = smapi_for(sim)
    reply = smapi('Image_Active_Configuration_Query', 'LNXA')
    assert rc(reply) == (0, 0)
    assert (reply['memory_size'], reply['memory_unit']) == (1536, 2)
    assert (reply['share_type'], reply['share_value']) == (2, '10')
    assert reply['number_cpus'] == 2
    assert reply['cpu_info_array'] == [{'cpu_number': 0, 'cpu_id': 'FF0A1B2C39060000', 'cpu_status': 4},
                                       {'cpu_number': 2, 'cpu_id': 'FF0A1B2C39060000', 'cpu_status': 1}]
    devices = [(d['device_type'], d['device_address']) for d in reply['device_info_array']]
    # IBMDFLT's LINKs to MAINT 0190/019D/019E are not active: this MAINT has no
    # such minidisks, so CP could not link them at logon
    assert devices == [(1, '0009'), (2, '000C'), (3, '000D'), (4, '000E'), (5, '0101'), (5, '0200')]
    reply = smapi('Image_Active_Configuration_Query', 'MAINT')
    assert (reply['memory_size'], reply['memory_unit'], reply['share_type'], reply['share_value']) == \
        (256, 2, 1, '100')
    assert rc(smapi('Image_Active_Configuration_Query', 'NOSUCH')) == (200, 12)


def test_active_configuration_uses_the_active_disks_when_known(sim, smapi):
    with sim.store.transaction(write=True) as tx:
        doc = tx.cp('LINUX01')
        doc['disks'] = {'0100': {'vdev': '0100'}, '0555': {'vdev': '0555'}}
        tx.put_cp('LINUX01', doc)
    reply = smapi('Image_Active_Configuration_Query', 'LINUX01')
    dasd = [d['device_address'] for d in reply['device_info_array'] if d['device_type'] == 5]
    assert dasd == ['0100', '0555']
    assert rc(smapi('Image_Active_Configuration_Query', 'LINUX02')) == (200, 12)
