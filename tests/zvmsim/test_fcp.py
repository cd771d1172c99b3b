# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""FCP devices in the simulator: System_WWPN_Query, System_FCP_Free_Query,
Image_Device_Dedicate(_DM) and Image_Device_Undedicate(_DM), the devices a
guest gets at logon, the config checks, and the captures of a real system."""

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils import directory

from zvmsim import config as simconfig
from zvmsim import fcp

from .conftest import send_capture, smapi_for


def rc(reply):
    return reply['return_code'], reply['reason_code']


def wwpns(smapi, owner='YES'):
    reply = smapi('System_WWPN_Query', 'MAINT', owner=owner)
    assert rc(reply) == (0, 0)
    return dict((r['fcp_dev_id'], r) for r in reply['wwpn_array'])


def dedicates(smapi, userid):
    reply = smapi('Image_Query_DM', userid)
    return [(d.vdev, d.rdev, d.extra) for d in directory.parse(reply['image_record_array']).dedicates]


def dedicate_dm(smapi, userid, vdev, rdev=None, readonly=0, **kw):
    return rc(smapi('Image_Device_Dedicate_DM', userid, image_device_number=vdev,
                    real_device_number=rdev or vdev, readonly=readonly, **kw))


def dedicate(smapi, userid, vdev, rdev=None):
    return rc(smapi('Image_Device_Dedicate', userid, image_device_number=vdev, real_device_number=rdev or vdev,
                    readonly=0))


# -- System_WWPN_Query -------------------------------------------------------------------------------------------

def test_wwpn_query_lists_the_configured_devices(smapi):
    found = wwpns(smapi)
    assert sorted(found) == ['1A00', '1A01', '1A02', '1A03', '1B00', '1B01', '1B02', '1B03', '1C00']
    assert found['1A00'] == {'fcp_dev_id': '1A00', 'npiv_wwpn': 'C05076FFFF000100', 'chpid': '50',
                             'perm_wwpn': 'C05076FFFF005000', 'dev_status': '2', 'owner': 'NONE'}
    assert found['1C00']['dev_status'] == '3'            # offline
    plain = wwpns(smapi, owner='NO')
    assert 'owner' not in plain['1A00'] and plain['1A00']['chpid'] == '50'


def test_wwpn_query_without_npiv_and_without_devices(make_sim):
    sim = make_sim({'fcp': {'devices': [{'dev': 'B83D', 'chpid': '59', 'physical_wwpn': '20076D8500005181'}]}})
    assert wwpns(smapi_for(sim))['B83D']['npiv_wwpn'] == 'NONE'
    empty = smapi_for(make_sim({'fcp': {'devices': []}}))('System_WWPN_Query', 'MAINT', owner='YES')
    assert rc(empty) == (4, 28) and not empty.get('wwpn_array')


# -- the directory ------------------------------------------------------------------------------------------------

def test_dedicate_dm_writes_a_dedicate_statement_and_undedicate_dm_removes_it(smapi):
    assert dedicate_dm(smapi, 'LINUX02', '1A00') == (0, 0)
    assert dedicate_dm(smapi, 'LINUX02', '0B00', '1B00', readonly=1) == (0, 0)
    assert dedicates(smapi, 'LINUX02') == [('1A00', '1A00', ''), ('0B00', '1B00', 'R/O')]
    assert dedicate_dm(smapi, 'LINUX02', '1A00') == (404, 4)          # the vdev is taken
    assert dedicate_dm(smapi, 'LINUX02', '0100', '1A01') == (404, 4)  # by an MDISK
    assert dedicate_dm(smapi, 'NOSUCH', '1A00') == (400, 4)
    assert rc(smapi('Image_Device_Undedicate_DM', 'LINUX02', image_device_number='1A00')) == (0, 0)
    assert rc(smapi('Image_Device_Undedicate_DM', 'LINUX02', image_device_number='1A00')) == (404, 8)
    assert rc(smapi('Image_Device_Undedicate_DM', 'NOSUCH', image_device_number='1A00')) == (400, 4)
    assert dedicates(smapi, 'LINUX02') == [('0B00', '1B00', 'R/O')]


def test_directory_dedications_follow_the_lock_rules(smapi):
    assert rc(smapi('Image_Lock_DM', 'LINUX02', device_address='')) == (0, 0)
    assert dedicate_dm(smapi, 'LINUX02', '1A00') == (400, 12)
    assert rc(smapi('Image_Device_Undedicate_DM', 'LINUX02', image_device_number='1A00')) == (400, 12)
    assert rc(smapi('Image_Unlock_DM', 'LINUX02', device_address='')) == (0, 0)
    assert dedicate_dm(smapi, 'LINUX02', '1A00') == (0, 0)


def test_dirmaint_does_not_check_the_real_device(smapi):
    """Two entries may name one device, and one the system lacks: CP decides at logon."""
    assert dedicate_dm(smapi, 'LINUX02', '1A00') == (0, 0)
    assert dedicate_dm(smapi, 'LINUX03', '1A00') == (0, 0)
    assert dedicate_dm(smapi, 'LINUX03', '5000') == (0, 0)


def test_asynchronous_dirmaint_answers_592(make_sim):
    smapi = smapi_for(make_sim({'directory': {'async_writes': True}}))
    assert dedicate_dm(smapi, 'LINUX02', '1A00')[0] == 592
    assert dedicates(smapi, 'LINUX02') == [('1A00', '1A00', '')]


# -- logon: CP attaches what the directory dedicates --------------------------------------------------------------

def test_logon_attaches_the_dedicated_fcp_devices_and_logoff_frees_them(smapi):
    dedicate_dm(smapi, 'LINUX02', '1A00')
    dedicate_dm(smapi, 'LINUX02', '1B00')
    assert wwpns(smapi)['1A00']['dev_status'] == '2'                 # a directory dedication is not CP state
    assert rc(smapi('Image_Activate', 'LINUX02')) == (0, 0)
    found = wwpns(smapi)
    assert [(found[d]['dev_status'], found[d]['owner']) for d in ('1A00', '1B00', '1A01')] == [
        ('1', 'LINUX02'), ('1', 'LINUX02'), ('2', 'NONE')]
    assert rc(smapi('Image_Deactivate', 'LINUX02', force_time='IMMED')) == (0, 0)
    assert wwpns(smapi)['1A00'] == dict(found['1A00'], dev_status='2', owner='NONE')


def test_at_logon_a_device_another_guest_has_stays_with_it(smapi):
    dedicate_dm(smapi, 'LINUX02', '1A00')
    dedicate_dm(smapi, 'LINUX03', '1A00')
    dedicate_dm(smapi, 'LINUX03', '1C00')                            # offline: not attached
    smapi('Image_Activate', 'LINUX02')
    smapi('Image_Activate', 'LINUX03')
    found = wwpns(smapi)
    assert (found['1A00']['owner'], found['1C00']['dev_status']) == ('LINUX02', '3')


# -- the running guest -------------------------------------------------------------------------------------------

def test_dedicate_and_undedicate_on_a_running_guest(smapi):
    assert dedicate(smapi, 'LINUX01', '1A00') == (0, 0)
    assert wwpns(smapi)['1A00']['owner'] == 'LINUX01'
    assert dedicates(smapi, 'LINUX01') == []                          # CP only
    assert dedicate(smapi, 'LINUX01', '1A00', '1A01') == (204, 4)    # the vdev is in use
    assert dedicate(smapi, 'LINUX01', '0100', '1A01') == (204, 4)    # by a minidisk
    assert dedicate(smapi, 'LINUX01', '1000', '1A01') == (204, 4)    # by a NIC
    assert dedicate(smapi, 'LINUX01', '2A00', '1A00') == (204, 16)   # the device is attached already
    assert dedicate(smapi, 'LINUX01', '1C00') == (204, 16)           # offline
    assert dedicate(smapi, 'LINUX01', '9999') == (204, 8)            # no such device
    assert dedicate(smapi, 'LINUX02', '1A01') == (200, 12)           # not logged on
    assert dedicate(smapi, 'NOSUCH', '1A01') == (200, 4)

    def undedicate(userid, vdev):
        return rc(smapi('Image_Device_Undedicate', userid, image_device_number=vdev))
    assert undedicate('LINUX01', '1000') == (204, 40)
    assert undedicate('LINUX01', '0100') == (204, 44)
    assert undedicate('LINUX01', '2A00') == (204, 8)
    assert undedicate('LINUX02', '1A00') == (200, 12)
    assert undedicate('NOSUCH', '1A00') == (200, 4)
    assert undedicate('LINUX01', '1A00') == (0, 0)
    assert undedicate('LINUX01', '1A00') == (204, 8)
    assert wwpns(smapi)['1A00']['owner'] == 'NONE'


# -- System_FCP_Free_Query ----------------------------------------------------------------------------------------

def test_free_query_lists_the_luns_a_device_reaches(smapi):
    reply = smapi('System_FCP_Free_Query', 'MAINT', fcp_dev='1a00')
    assert rc(reply) == (0, 0)
    luns = [(r['fcp_dev'], r['wwpn'], r['lun']) for r in reply['fcp_array']]
    assert len(luns) == 6 and luns[0] == ('1A00', '500507680B21AC40', '4001400000000000')
    first = reply['fcp_array'][0]
    assert (first['blk_size'], first['diskblks'], first['lun_size']) == ('512', str(20 * 2 ** 21), str(20 << 30))
    assert rc(smapi('System_FCP_Free_Query', 'MAINT', fcp_dev='5000')) == (8, 8)


def test_a_target_may_be_zoned_to_some_chpids(make_sim):
    target = {'wwpn': '5005076800000001', 'luns': ['0001000000000000'], 'chpids': ['51']}
    smapi = smapi_for(make_sim({'fcp': {'targets': [target]}}))
    assert not smapi('System_FCP_Free_Query', 'MAINT', fcp_dev='1A00').get('fcp_array')
    assert len(smapi('System_FCP_Free_Query', 'MAINT', fcp_dev='1B00')['fcp_array']) == 1


# -- config -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('section,message', [
    ({'devices': [{'dev': 'XYZ1', 'chpid': '50'}]}, 'dev must be'),
    ({'devices': [{'dev': '1A00', 'chpid': '50'}, {'dev': '1a00', 'chpid': '50'}]}, 'listed twice'),
    ({'devices': [{'dev': '1A00', 'chpid': '50', 'npiv_wwpn': '12'}]}, 'npiv_wwpn must be 16'),
    ({'devices': [{'dev': '1A00'}]}, 'chpid must be'),
    ({'targets': [{'wwpn': '5005', 'luns': []}]}, 'wwpn must be 16'),
    ({'targets': [{'wwpn': '5005076800000001', 'luns': ['1']}]}, 'lun'),
])
def test_config_checks_the_fcp_section(section, message):
    config = simconfig.merge(simconfig.load(), {'fcp': section})
    with pytest.raises(simconfig.ConfigError, match=message):
        simconfig.check(config)


def test_the_default_config_passes():
    assert fcp.check_config(simconfig.load()['fcp']) == []


# -- captures of a real system -------------------------------------------------------------------------------------

CAPTURE_SYSTEM = {
    'fcp': {'devices': [{'dev': '4000', 'chpid': '40', 'npiv_wwpn': 'C05076FFFF004000'}]},
    'guests': [{'userid': 'MAINT', 'state': 'on', 'records': ['USER MAINT MAINT 256M 1G ABCDEFG']},
               {'userid': 'GT@PONG', 'state': 'on', 'os': 'linux',
                'records': ['USER GT@PONG @SM8PI@ 1G 1G ABCDEFG', 'IPL CMS', 'MACHINE ESA 4']}],
}


@pytest.mark.usefixtures('captures_dir')
def test_the_captured_exchanges_answer_as_captured(make_sim):
    """GT@PONG 3000 <- real 4000, read-only: dedicate in the directory and on
    the running guest, then undedicate both, as the captures did; and the
    free query of a device the system lacks."""
    sim = make_sim(CAPTURE_SYSTEM)
    smapi = smapi_for(sim)
    for name in ('Image_Device_Dedicate_DM.1', 'Image_Device_Dedicate.1', 'Image_Device_Undedicate.1',
                 'Image_Device_Undedicate_DM.1', 'System_FCP_Free_Query.1'):
        reply, raw, response = send_capture(sim, name)
        assert (raw[4:8], raw[12:]) == (response[4:8], response[12:]), name    # all but the request ids
        if name == 'Image_Device_Dedicate_DM.1':
            assert dedicates(smapi, 'GT@PONG') == [('3000', '4000', 'R/O')]
        if name == 'Image_Device_Dedicate.1':
            assert wwpns(smapi)['4000']['owner'] == 'GT@PONG'
    assert dedicates(smapi, 'GT@PONG') == [] and wwpns(smapi)['4000']['owner'] == 'NONE'
