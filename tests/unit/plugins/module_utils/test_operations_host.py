# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""operations.host with a scripted client: what each rc/rs means, the
requests' targets and parameters, and the parsing of the replies."""

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.operations import host
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.errors import SmapiRequestError
from tests.unit.plugins.module_utils.test_operations import session_with


def only_call(session):
    [call] = session.client.history
    return call


def test_keyword_records_nested_flat_and_first_wins():
    records = ['CP_LEVEL=VERSION=7.3.0 SERVICE_LEVEL=2301', 'CPU_COUNT=0004', 'no equals sign', 'CPU_COUNT=9']
    assert host.keyword_records(records) == {'CP_LEVEL': {'VERSION': '7.3.0', 'SERVICE_LEVEL': '2301'},
                                             'CPU_COUNT': '0004'}
    assert host.keyword_records(None) == {}


def test_system_information_and_performance_target_the_smapi_user():
    session, _clock = session_with([
        (0, 0, {'system_information_data': ['STORAGE=ONLINE=64G CONFIGURED=64G']}),
        (0, 0, {'system_performance_information_data': ['CPU_COUNT=0004', 'MY_LPAR_NAME=LP1']}),
    ])
    assert host.system_information(session) == {'STORAGE': {'ONLINE': '64G', 'CONFIGURED': '64G'}}
    assert host.system_performance(session) == {'CPU_COUNT': '0004', 'MY_LPAR_NAME': 'LP1'}
    info, perf = session.client.history
    assert (info['function'], info['target']) == ('System_Information_Query', 'MAINT')
    assert (perf['function'], perf['target'], perf['params']) == \
        ('System_Performance_Information_Query', 'MAINT', {'system_performance_information_list': []})


def test_logged_on_is_one_status_query_of_star():
    session, _clock = session_with([(0, 0, {'image_name_array': ['linux01 ', 'LINUX02', '  ']})])
    assert host.logged_on(session) == ['LINUX01', 'LINUX02']
    assert (only_call(session)['function'], only_call(session)['target']) == ('Image_Status_Query', '*')


def test_performance_records_tolerate_guests_without_a_record():
    record = {'guest_name': 'LINUX01 ', 'guest_cpus': 2}
    session, _clock = session_with([(4, 4, {'performance_records': [record]})])
    assert host.performance_records(session, ['LINUX01', 'LINUX02']) == [record]
    assert only_call(session)['params'] == {'userid_list': ['LINUX01', 'LINUX02']}


def test_performance_records_of_nobody_make_no_request():
    session, _clock = session_with([])
    assert host.performance_records(session, []) == []
    assert session.client.history == []


def test_performance_records_raise_other_failures():
    session, _clock = session_with([(4, 8)])
    with pytest.raises(SmapiRequestError):
        host.performance_records(session, ['LINUX01'])


def test_console_to_reader_says_whether_a_file_was_sent():
    session, _clock = session_with([(0, 0), (8, 8)])
    assert host.console_to_reader(session, 'LINUX01') is True
    assert host.console_to_reader(session, 'LINUX01') is False
    assert [h['target'] for h in session.client.history] == ['LINUX01', 'LINUX01']


def test_console_to_reader_raises_other_failures():
    session, _clock = session_with([(8, 4)])
    with pytest.raises(SmapiRequestError):
        host.console_to_reader(session, 'LINUX01')


def test_console_files_of_one_guest_in_reader_order():
    files = [{'file': '0042', 'originid': 'LINUX01', 'type': 'CONSOLE'},
             {'file': '0043', 'originid': 'LINUX02', 'type': 'CONSOLE'},
             {'file': '0044', 'originid': 'linux01', 'type': 'NETLOG'},
             {'file': '0007', 'originid': 'linux01 ', 'type': 'console'},
             {'file': '', 'originid': 'LINUX01', 'type': 'CONSOLE'}]
    session, _clock = session_with([(0, 0, {'rdr_file_info': files})])
    assert host.console_files(session, 'LINUX01') == ['42', '7']
    assert (only_call(session)['function'], only_call(session)['target']) == ('System_RDR_File_Query', 'MAINT')


def test_an_empty_reader_has_no_files():
    session, _clock = session_with([(8, 4)])
    assert host.reader_files(session) == []


def test_purge_tolerates_files_already_gone_and_skips_nothing_to_do():
    session, _clock = session_with([(8, 3003)])
    host.purge_reader_files(session, [])
    host.purge_reader_files(session, ['42', '7'])
    call = only_call(session)
    assert (call['function'], call['target'], call['params']) == \
        ('System_RDR_File_Manage', 'MAINT', {'spoolids': '42 7', 'action': 'PURGE'})


def test_purge_raises_other_failures():
    session, _clock = session_with([(8, 3004)])
    with pytest.raises(SmapiRequestError):
        host.purge_reader_files(session, ['42'])
