# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SDK's read side against zvmsim: guest_inspect_stats,
guest_inspect_vnics, guest_get_console_output, guest_get_info,
host_get_info and host_diskpool_get_info, with zvmsdk's return shapes."""

import sys

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.operations import entries, host, vswitches
from ansible_collections.zvm.cloud.plugins.module_utils.sdk import host as sdk_host
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.api import SDKAPI
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import (
    SDKFunctionNotImplementError, SDKGuestOperationError, SDKInternalError, SDKInvalidInputFormat,
    SDKObjectNotExistError,
)
from zvmsim.testing import ROOT

ON, OFF = 'MONON1', 'MONOFF1'
STATS_KEYS = set(['guest_cpus', 'used_cpu_time_us', 'elapsed_cpu_time_us', 'min_cpu_count', 'max_cpu_limit',
                  'samples_cpu_in_use', 'samples_cpu_delay', 'used_mem_kb', 'max_mem_kb', 'min_mem_kb',
                  'shared_mem_kb'])
VNIC_KEYS = set(['vswitch_name', 'nic_vdev', 'nic_fr_rx', 'nic_fr_tx', 'nic_fr_rx_dsc', 'nic_fr_tx_dsc',
                 'nic_fr_rx_err', 'nic_fr_tx_err', 'nic_rx', 'nic_tx'])


def vmur(zvmsim, *options):
    """zvmsim's stand-in for the management node's vmur, reading MAINT's reader."""
    return [sys.executable, '-m', 'zvmsim', 'vmur', '--state-dir', zvmsim.state_dir, '--user', 'MAINT',
            'receive'] + list(options)


def make_sdk(zvmsim, **kw):
    return SDKAPI(host='127.0.0.1', port=zvmsim.port, userid='MAINT', password='MAINT', **kw)


@pytest.fixture(scope='module')
def sdk(zvmsim):
    sdk = make_sdk(zvmsim)
    for name, vcpus in ((ON, 2), (OFF, 1)):
        if entries.query(sdk.session, name) is None:
            sdk.guest_create(name, vcpus, '1G', max_mem='2G', user_profile='IBMDFLT')
            entries.modify(sdk.session, name, lambda e: e.add_nic('1000', vswitch='VSW1'))
    vswitches.grant(sdk.session, 'VSW1', ON)
    sdk.guest_start(ON)
    return sdk


@pytest.fixture(autouse=True)
def run_in_root(monkeypatch):
    monkeypatch.chdir(ROOT)     # python -m zvmsim


def console_files(zvmsim, guest):
    return [f for f in zvmsim.dump()['spool'] if f.get('originid') == guest]


def test_inspect_stats_leaves_out_guests_not_logged_on(sdk, zvmsim):
    mark = zvmsim.mark()
    stats = sdk.guest_inspect_stats([ON, OFF, 'NOSUCH1', ON.lower()])
    assert list(stats) == [ON]
    assert set(stats[ON]) == STATS_KEYS
    assert stats[ON]['guest_cpus'] == 2 and stats[ON]['used_mem_kb'] == 1024 * 1024
    assert all(isinstance(v, int) for v in stats[ON].values())
    assert [c['function'] for c in zvmsim.calls(since=mark)] == ['Image_Performance_Query']
    assert list(sdk.guest_inspect_stats(ON.lower())) == [ON]
    assert sdk.guest_inspect_stats([]) == {}
    with pytest.raises(SDKInvalidInputFormat, match='userid_list'):
        sdk.guest_inspect_stats(['TOOLONGNAME'])


def test_inspect_vnics(sdk, zvmsim):
    mark = zvmsim.mark()
    vnics = sdk.guest_inspect_vnics([ON, OFF, 'NOSUCH1'])
    assert list(vnics) == [ON]
    [nic] = vnics[ON]
    assert set(nic) == VNIC_KEYS
    assert (nic['vswitch_name'], nic['nic_vdev']) == ('VSW1', '1000')
    assert all(isinstance(nic[k], int) for k in VNIC_KEYS - set(['vswitch_name', 'nic_vdev']))
    assert [c['function'] for c in zvmsim.calls(since=mark)] == ['Virtual_Network_Vswitch_Query_Byte_Stats']
    assert sdk.guest_inspect_vnics(OFF) == {}


def test_get_info_on_and_off(sdk):
    on = sdk.guest_get_info(ON)
    assert (on['power_state'], on['num_cpu'], on['mem_kb'], on['max_mem_kb']) == ('on', 2, 1024 * 1024, 2048 * 1024)
    off = sdk.guest_get_info(OFF)
    assert off == {'power_state': 'off', 'max_mem_kb': 2048 * 1024, 'mem_kb': 0, 'num_cpu': 1, 'cpu_time_us': 0}


def test_host_info_and_diskpool(sdk):
    info = sdk.host_get_info()
    assert set(info) == set(['zcc_userid', 'zvm_host', 'vcpus', 'vcpus_used', 'cpu_info', 'memory_mb',
                             'memory_mb_used', 'hypervisor_type', 'hypervisor_version', 'hypervisor_hostname',
                             'ipl_time', 'disk_total', 'disk_used', 'disk_available'])
    assert (info['vcpus'], info['hypervisor_version'], info['memory_mb']) == (4, 730, 65536.0)
    pool = sdk.host_diskpool_get_info('ECKD:POOL2')
    assert pool['disk_total'] > 0
    assert abs(pool['disk_total'] - pool['disk_used'] - pool['disk_available']) <= 1     # each rounded to GB
    with pytest.raises(SDKObjectNotExistError, match="disk pool 'NOSUCH' is not a DirMaint group"):
        sdk.host_diskpool_get_info('ECKD:NOSUCH')


def test_console_output_then_nothing_new(sdk, zvmsim):
    sdk.reader_command = vmur(zvmsim, '-H', '-t', '-O')
    host.console_to_reader(sdk.session, ON)          # start from an empty console
    sdk.guest_stop(ON, timeout=10)
    sdk.guest_start(ON)
    mark = zvmsim.mark()
    text = sdk.guest_get_console_output(ON)
    assert 'LOGON AT' in text and text.endswith('\n')
    assert [c['function'] for c in zvmsim.calls(since=mark)] == ['Image_Console_Get', 'System_RDR_File_Query',
                                                                 'System_RDR_File_Manage']
    assert console_files(zvmsim, ON) == []
    assert sdk.guest_get_console_output(ON) == ''


def test_console_output_of_a_guest_logged_off(sdk, zvmsim):
    sdk.reader_command = vmur(zvmsim, '-H', '-t', '-O')
    with pytest.raises(SDKGuestOperationError, match="guest 'MONOFF1' is not logged on"):
        sdk.guest_get_console_output(OFF)


def test_console_reader_failure_keeps_the_file_for_the_next_call(sdk, zvmsim):
    sdk.guest_stop(ON, timeout=10)
    sdk.guest_start(ON)
    sdk.reader_command = [sys.executable, '-c', 'import sys; sys.stderr.write("vmur: device busy\\n"); sys.exit(1)']
    with pytest.raises(SDKInternalError, match=r'reading reader file \d+ with .* failed \(exit 1\): vmur: device busy'):
        sdk.guest_get_console_output(ON)
    assert len(console_files(zvmsim, ON)) == 1
    sdk.guest_stop(ON, timeout=10)
    sdk.guest_start(ON)
    # vmur without -H purges the files itself; '{spoolid}' places the spool id
    sdk.reader_command = vmur(zvmsim, '-t', '-O', '{spoolid}')
    text = sdk.guest_get_console_output(ON)
    assert text.count('LOGON AT') == 2       # the file left behind, then the new one
    assert console_files(zvmsim, ON) == []


def test_console_output_needs_a_reader(zvmsim, monkeypatch):
    monkeypatch.setenv('PATH', '/nonexistent')
    sdk = make_sdk(zvmsim)
    mark = zvmsim.mark()
    with pytest.raises(SDKFunctionNotImplementError, match='vmur is not on PATH'):
        sdk.guest_get_console_output(ON)
    assert zvmsim.calls(since=mark) == []


def test_reader_argv():
    assert sdk_host.reader_argv(sdk_host.DEFAULT_READER_COMMAND, '0042') == \
        ['vmur', 'receive', '-H', '-t', '-O', '42']
    assert sdk_host.reader_argv(['vmur', 're', '-O', '{spoolid}', '-t'], 7) == ['vmur', 're', '-O', '7', '-t']
