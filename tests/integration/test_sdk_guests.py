# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SDK's guest methods against the session's zvmsim: lifecycle, disks,
power, the directory queries and the SDK's own helpers, each checked for
zvmsdk's return shape, its effect in the simulator (directory records,
extents, CP state) and the errors zvmsdk documents.

Coverage of the public methods of ``SDKAPI`` (names not starting with
``_``): 44 methods, all 44 called against zvmsim by a test in tests/
(before these files: 9, plus lock_waits in a unit test against a fake).
test_sdk_guests.py, test_sdk_network.py and test_sdk_host.py add the
other 35: call_counts, create_disk_specs, create_guest_entry, guest_create_disks,
guest_create_nic, guest_delete, guest_delete_disks, guest_delete_nic,
guest_get_definition_info, guest_get_disks_info,
guest_get_nic_vswitch_info, guest_get_power_state,
guest_get_power_state_real, guest_get_user_direct, guest_list,
guest_nic_couple_to_vswitch, guest_nic_uncouple_from_vswitch, guest_pause,
guest_paused, guest_reboot, guest_reset, guest_softstop, guest_unpause,
guests_get_nic_info, host_get_guest_list, lock_waits, nic_apply,
vswitch_create, vswitch_delete, vswitch_get_list, vswitch_grant_user,
vswitch_query, vswitch_revoke_user, vswitch_set,
vswitch_set_vlan_id_for_user.  test_images_sdk.py calls the image
methods (image_import, image_query, image_delete, image_export,
image_export_matches, image_get_root_disk_size, image_path, guest_deploy,
guest_capture, guest_clone_disk, deployed_images) against a zvmsim of its
own with its access node.  ``test_every_public_method_has_a_test`` keeps
it so.

Where this SDK differed from zvmsdk (a LOGONBY string, the power methods
and disk deletion on a guest that does not exist), the tests assert
zvmsdk's behaviour, which the SDK now has.

Every guest here is named SDK... (LINUX... where the OPERATOR user must
reach it) and is deleted again: the simulator is shared by the session.
"""

import os
import re

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils import directory
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.api import SDKAPI
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import (
    SDKConflictError, SDKFunctionNotImplementError, SDKGuestOperationError, SDKInvalidInputFormat,
    SDKObjectNotExistError,
)
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.client import SmapiClient
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.errors import SmapiRequestError
from zvmsim.testing import ROOT

POOL1 = ('LX0100', 'LX0101')
BOOT = {'size': '10', 'disk_pool': 'ECKD:POOL1', 'is_boot_disk': True}


def make_sdk(zvmsim, **kw):
    return SDKAPI(host='127.0.0.1', port=zvmsim.port, userid='MAINT', password='MAINT', **kw)


@pytest.fixture(scope='module')
def sdk(zvmsim):
    return make_sdk(zvmsim)


@pytest.fixture
def guests(sdk):
    """Names of the guests a test makes; deleted (and so logged off) after it."""
    made = []
    yield made
    for userid in made:
        sdk.guest_delete(userid)


def create(sdk, guests, userid, vcpus=1, memory=512, **kw):
    guests.append(userid)
    return sdk.guest_create(userid, vcpus, memory, **kw)


def records(zvmsim, userid):
    return zvmsim.dump()['directory'].get(userid)


def cp(zvmsim, userid):
    """The guest's CP state (None when it is not logged on)."""
    return zvmsim.dump()['cp'].get(userid)


def extents(zvmsim, userid):
    return sorted((e['vdev'], e['volid'], e['size']) for e in zvmsim.dump()['extents'] if e['owner'] == userid)


def mdisks(zvmsim, userid):
    """The guest's MDISK records without the start cylinder (which depends on the rest of the session)."""
    out = []
    for record in records(zvmsim, userid):
        words = record.split()
        if words[0] == 'MDISK':
            out.append(' '.join(words[:3] + words[4:]) if words[3] != 'V-DISK' else record)
    return out


def functions(zvmsim, mark):
    return [c['function'] for c in zvmsim.calls(since=mark)]


# -- guest_create / guest_delete ----------------------------------------------------------------------

def test_guest_create_writes_the_entry_and_its_disks(sdk, zvmsim, guests):
    specs = create(sdk, guests, 'SDKGCR1', 2, 1024, max_mem='2G', user_profile='IBMDFLT', account='ACCT1',
                   disk_list=[{'size': '1g', 'disk_pool': 'ECKD:POOL1', 'is_boot_disk': True},
                              {'size': '512M', 'format': 'swap'}],
                   comment_list=['made by a test'], dedicate_vdevs=['1A00'], cshare='RELATIVE 200',
                   loaddev={'portname': '5005076300C20B8E', 'lun': '4001400000000000'})
    assert [(s['vdev'], s['count'], s['unit'], s['kind'], s['disk_pool'], s['is_boot_disk']) for s in specs] == [
        ('0100', 1457, 'CYL', 'perm', 'ECKD:POOL1', True), ('0101', 1048576, 'BLK', 'vdisk', None, False)]
    stored = records(zvmsim, 'SDKGCR1')
    assert stored[0] == 'USER SDKGCR1 LBYONLY 1G 2G G'
    # the order of the other statements is the directory model's
    assert sorted(r for r in stored[1:] if not r.startswith('MDISK')) == sorted([
        'INCLUDE IBMDFLT', 'ACCOUNT ACCT1', 'CPU 00 BASE', 'CPU 01', 'IPL 0100', 'MACHINE ESA 2',
        'DEDICATE 1A00 1A00', 'LOADDEV PORTNAME 5005076300C20B8E', 'LOADDEV LUN 4001400000000000',
        '* MADE BY A TEST', 'SHARE RELATIVE 200'])
    assert mdisks(zvmsim, 'SDKGCR1') == ['MDISK 0100 3390 1457 ' + extents(zvmsim, 'SDKGCR1')[0][1] + ' MR',
                                         'MDISK 0101 FB-512 V-DISK 1048576 MR']
    [(vdev, volid, size)] = extents(zvmsim, 'SDKGCR1')
    assert (vdev, size) == ('0100', 1457) and volid in POOL1
    assert cp(zvmsim, 'SDKGCR1') is None          # created logged off
    assert sdk.guest_get_power_state('sdkgcr1') == 'off'


def test_guest_create_logonby_takes_a_list(sdk, zvmsim, guests):
    create(sdk, guests, 'SDKGLB1', logonby=['MAINT', 'OPERATOR'])
    assert 'LOGONBY MAINT OPERATOR' in records(zvmsim, 'SDKGLB1')


def test_guest_create_logonby_takes_one_userid(sdk, zvmsim, guests):
    create(sdk, guests, 'SDKGLB2', logonby='MAINT')
    assert 'LOGONBY MAINT' in records(zvmsim, 'SDKGLB2')


def test_guest_create_is_all_or_nothing(sdk, zvmsim):
    before = zvmsim.dump()['extents']
    with pytest.raises(SmapiRequestError) as e:
        sdk.guest_create('SDKGAN1', 1, 512, disk_list=[{'size': '10', 'disk_pool': 'ECKD:POOL1'},
                                                       {'size': '5000', 'disk_pool': 'ECKD:SMALL'}])
    assert (e.value.rc, e.value.rs) == (408, 24)         # no space in SMALL (3000 cylinders)
    assert records(zvmsim, 'SDKGAN1') is None
    assert zvmsim.dump()['extents'] == before


@pytest.mark.parametrize('args,kwargs,field', [
    (('TOOLONGNAME', 1, 512), {}, "userid: 'TOOLONGNAME'"),
    (('SDKGBI1', 0, 512), {}, 'vcpus: 0'),
    (('SDKGBI1', 2, 512), {'max_cpu': 1}, 'max_cpu: 1'),
    (('SDKGBI1', 1, 'lots'), {}, "memory: 'lots'"),
    (('SDKGBI1', 1, 512), {'max_mem': '1X'}, "max_mem: '1X'"),
    (('SDKGBI1', 1, 512), {'disk_list': [{'size': '1g'}]}, 'disk 1: disk_pool is required'),
    (('SDKGBI1', 1, 512), {'disk_list': [{'size': '1g', 'disk_pool': 'POOL1'}]}, "disk 1 disk_pool: 'POOL1'"),
    (('SDKGBI1', 1, 512), {'disk_list': [{'disk_pool': 'ECKD:POOL1'}]}, 'disk 1: size is required'),
    (('SDKGBI1', 1, 512), {'disk_list': ['1g']}, 'disk 1: each disk must be a dict'),
    (('SDKGBI1', 1, 512), {'loaddev': {'bootprog': '1'}}, "loaddev: unknown key 'bootprog'"),
    (('SDKGBI1', 1, 512), {'cschedule': 'POOL1'}, 'cschedule is not supported'),
])
def test_guest_create_refuses_bad_input_before_sending_anything(sdk, zvmsim, args, kwargs, field):
    mark = zvmsim.mark()
    with pytest.raises(SDKInvalidInputFormat, match=re.escape(field)):
        sdk.guest_create(*args, **kwargs)
    assert functions(zvmsim, mark) == []


def test_guest_create_of_an_existing_guest(sdk, zvmsim, guests):
    create(sdk, guests, 'SDKGEX1')
    before = records(zvmsim, 'SDKGEX1')
    with pytest.raises(SDKConflictError, match="guest 'SDKGEX1' already exists in the z/VM directory") as e:
        sdk.guest_create('SDKGEX1', 2, 1024)
    assert e.value.rs == 409
    assert records(zvmsim, 'SDKGEX1') == before


def test_guest_delete_logs_off_and_frees_the_disks(sdk, zvmsim):
    sdk.guest_create('SDKGDL1', 1, 512, disk_list=[{'size': '10', 'disk_pool': 'ECKD:POOL1'}])
    sdk.guest_start('SDKGDL1')
    assert cp(zvmsim, 'SDKGDL1') is not None and len(extents(zvmsim, 'SDKGDL1')) == 1
    assert sdk.guest_delete('sdkgdl1') == {'userid': 'SDKGDL1', 'existed': True, 'deleted': True}
    assert (records(zvmsim, 'SDKGDL1'), cp(zvmsim, 'SDKGDL1'), extents(zvmsim, 'SDKGDL1')) == (None, None, [])
    # a guest that does not exist is not an error (zvmsdk returns quietly too)
    assert sdk.guest_delete('SDKGDL1') == {'userid': 'SDKGDL1', 'existed': False, 'deleted': False}
    with pytest.raises(SDKInvalidInputFormat, match='userid'):
        sdk.guest_delete('BAD NAME')


# -- guest_create_disks / guest_delete_disks -----------------------------------------------------------

def test_create_disks_on_a_guest_that_is_off(sdk, zvmsim, guests):
    create(sdk, guests, 'SDKDSK1')
    specs = sdk.guest_create_disks('SDKDSK1', [
        {'size': '10', 'disk_pool': 'ECKD:POOL1'},
        {'size': '1g', 'disk_pool': 'FBA:FBAPOOL', 'vdev': '200', 'mode': 'mw'},
        {'size': '256m', 'format': 'swap'}])
    assert [(s['vdev'], s['count'], s['unit'], s['kind'], s['mode']) for s in specs] == [
        ('0100', 10, 'CYL', 'perm', 'MR'), ('0200', 2097152, 'BLK', 'perm', 'MW'),
        ('0101', 524288, 'BLK', 'vdisk', 'MR')]
    got = extents(zvmsim, 'SDKDSK1')
    assert [(v, s) for v, _vol, s in got] == [('0100', 10), ('0200', 2097152)]
    assert got[0][1] in POOL1 and got[1][1] in ('FB0200', 'FB0201')
    assert mdisks(zvmsim, 'SDKDSK1') == ['MDISK 0100 3390 10 %s MR' % got[0][1],
                                         'MDISK 0200 9336 2097152 %s MW' % got[1][1],
                                         'MDISK 0101 FB-512 V-DISK 524288 MR']
    assert cp(zvmsim, 'SDKDSK1') is None
    mark = zvmsim.mark()
    assert sdk.guest_create_disks('SDKDSK1', []) == [] and functions(zvmsim, mark) == []


def test_create_and_delete_disks_of_a_running_guest(sdk, zvmsim, guests):
    create(sdk, guests, 'SDKDSK2', disk_list=[{'size': '10', 'disk_pool': 'ECKD:POOL1'}])
    sdk.guest_start('SDKDSK2')
    [spec] = sdk.guest_create_disks('SDKDSK2', [{'size': '20', 'disk_pool': 'ECKD:POOL1'}])
    assert spec['vdev'] == '0101'
    disks = cp(zvmsim, 'SDKDSK2')['disks']
    assert sorted(disks) == ['0100', '0101'] and (disks['0101']['size'], disks['0101']['mode']) == (20, 'MR')
    assert sdk.guest_delete_disks('SDKDSK2', ['101', '0999']) is None      # 0999 is not defined: skipped
    assert sorted(cp(zvmsim, 'SDKDSK2')['disks']) == ['0100']
    assert [v for v, _vol, _s in extents(zvmsim, 'SDKDSK2')] == ['0100']
    assert mdisks(zvmsim, 'SDKDSK2') == ['MDISK 0100 3390 10 %s MR' % extents(zvmsim, 'SDKDSK2')[0][1]]


def test_delete_disks_of_a_guest_that_is_off(sdk, zvmsim, guests):
    create(sdk, guests, 'SDKDSK3', disk_list=[{'size': '10', 'disk_pool': 'ECKD:POOL1'},
                                              {'size': '10', 'disk_pool': 'ECKD:POOL1'}])
    sdk.guest_delete_disks('SDKDSK3', ['0100'])
    assert [v for v, _vol, _s in extents(zvmsim, 'SDKDSK3')] == ['0101']
    assert [r.split()[1] for r in records(zvmsim, 'SDKDSK3') if r.startswith('MDISK')] == ['0101']
    mark = zvmsim.mark()
    sdk.guest_delete_disks('SDKDSK3', [])
    assert functions(zvmsim, mark) == []
    with pytest.raises(SDKInvalidInputFormat, match="vdev: 'XYZ'"):
        sdk.guest_delete_disks('SDKDSK3', ['XYZ'])


def test_create_disks_errors(sdk, zvmsim, guests):
    create(sdk, guests, 'SDKDSK4', disk_list=[{'size': '10', 'disk_pool': 'ECKD:POOL1'}])
    before = records(zvmsim, 'SDKDSK4')
    with pytest.raises(SDKObjectNotExistError, match="Guest 'SDKNONE1' does not exist"):
        sdk.guest_create_disks('SDKNONE1', [{'size': '10', 'disk_pool': 'ECKD:POOL1'}])
    with pytest.raises(SDKInvalidInputFormat, match='disk 1: vdev 0100 is already in use'):
        sdk.guest_create_disks('SDKDSK4', [{'size': '10', 'disk_pool': 'ECKD:POOL1', 'vdev': '100'}])
    # a file system is made by the access node: without one, nothing is made
    with pytest.raises(SDKFunctionNotImplementError, match=r'^format ext4 of disk 0101 \(a file system is made by the '
                                                           r'access node\) needs an access node: set node_host'):
        sdk.guest_create_disks('SDKDSK4', [{'size': '10', 'disk_pool': 'ECKD:POOL1', 'format': 'ext4'}])
    assert records(zvmsim, 'SDKDSK4') == before
    # the disk made before the failing one is deleted again
    with pytest.raises(SmapiRequestError) as e:
        sdk.guest_create_disks('SDKDSK4', [{'size': '10', 'disk_pool': 'ECKD:POOL1'},
                                           {'size': '5000', 'disk_pool': 'ECKD:SMALL'}])
    assert (e.value.rc, e.value.rs) == (408, 24)
    assert records(zvmsim, 'SDKDSK4') == before and [v for v, _vol, _s in extents(zvmsim, 'SDKDSK4')] == ['0100']


def test_delete_disks_of_a_guest_that_does_not_exist(sdk):
    with pytest.raises(SDKObjectNotExistError):
        sdk.guest_delete_disks('SDKNONE1', ['0100'])


# -- power ----------------------------------------------------------------------------------------------

def test_start_and_stop_are_idempotent(sdk, zvmsim, guests):
    create(sdk, guests, 'SDKPWR1', 2, 1024)
    assert sdk.guest_start('SDKPWR1') is None
    assert (cp(zvmsim, 'SDKPWR1')['state'], cp(zvmsim, 'SDKPWR1')['cpus']) == ('disconnected', 2)
    logon = cp(zvmsim, 'SDKPWR1')['logon_time']
    sdk.guest_start('SDKPWR1')                        # already on: not an error, not logged on again
    assert cp(zvmsim, 'SDKPWR1')['logon_time'] == logon
    assert (sdk.guest_get_power_state('SDKPWR1'), sdk.guest_get_power_state_real('SDKPWR1')) == ('on', 'on')
    assert sdk.guest_stop('SDKPWR1', timeout=10, poll_interval=1) is None
    assert cp(zvmsim, 'SDKPWR1') is None
    sdk.guest_stop('SDKPWR1')                         # already off
    assert (sdk.guest_get_power_state('SDKPWR1'), sdk.guest_get_power_state_real('SDKPWR1')) == ('off', 'off')


def test_softstop(sdk, zvmsim, guests):
    # IPL from a disk: zvmsim's Linux, which shuts down when signalled (soft_stop_seconds 0)
    create(sdk, guests, 'SDKPWR2', disk_list=[BOOT])
    sdk.guest_start('SDKPWR2')
    mark = zvmsim.mark()
    assert sdk.guest_softstop('SDKPWR2', timeout=60, poll_interval=1) is None
    assert cp(zvmsim, 'SDKPWR2') is None
    assert functions(zvmsim, mark)[:2] == ['Image_Query_DM', 'Image_Deactivate']   # the guest must exist
    mark = zvmsim.mark()
    sdk.guest_softstop('SDKPWR2', timeout=60)         # already off: the check and one request, no waiting
    assert functions(zvmsim, mark) == ['Image_Query_DM', 'Image_Deactivate']


def test_softstop_of_a_guest_that_ignores_the_signal(sdk, zvmsim, guests):
    create(sdk, guests, 'SDKPWR5')                    # IPL CMS: CP forces it off when the time runs out
    sdk.guest_start('SDKPWR5')
    sdk.guest_softstop('SDKPWR5', timeout=1, poll_interval=1)
    assert cp(zvmsim, 'SDKPWR5') is None


def test_reboot_and_reset_log_the_guest_on_again(sdk, zvmsim, guests):
    create(sdk, guests, 'SDKPWR3', disk_list=[BOOT])
    sdk.guest_start('SDKPWR3')
    first = cp(zvmsim, 'SDKPWR3')['logon_time']
    assert sdk.guest_reboot('SDKPWR3') is None
    second = cp(zvmsim, 'SDKPWR3')['logon_time']
    assert second > first
    assert sdk.guest_reset('SDKPWR3') is None
    assert cp(zvmsim, 'SDKPWR3')['logon_time'] > second
    sdk.guest_stop('SDKPWR3', timeout=10)
    sdk.guest_reset('SDKPWR3')                        # a guest that is off is started
    assert cp(zvmsim, 'SDKPWR3')['state'] == 'disconnected'


def test_pause_and_unpause(sdk, zvmsim, guests):
    create(sdk, guests, 'SDKPWR4')
    with pytest.raises(SDKGuestOperationError, match="guest 'SDKPWR4' is not logged on") as e:
        sdk.guest_pause('SDKPWR4')
    assert e.value.rs == 5                              # zvmsdk's rs for a guest that is off
    with pytest.raises(SDKGuestOperationError, match='cannot be unpaused'):
        sdk.guest_unpause('SDKPWR4')
    assert sdk.guest_paused('SDKPWR4') is None
    sdk.guest_start('SDKPWR4')
    assert sdk.guest_paused('SDKPWR4') is False
    assert sdk.guest_pause('SDKPWR4') is None
    assert cp(zvmsim, 'SDKPWR4')['paused'] is True and sdk.guest_paused('SDKPWR4') is True
    sdk.guest_pause('SDKPWR4')                          # already paused
    assert sdk.guest_unpause('SDKPWR4') is None
    assert cp(zvmsim, 'SDKPWR4')['paused'] is False and sdk.guest_paused('SDKPWR4') is False
    sdk.guest_unpause('SDKPWR4')
    assert sdk.guest_get_power_state('SDKPWR4') == 'on'


def test_power_state_of_a_guest_that_does_not_exist(sdk):
    with pytest.raises(SDKObjectNotExistError, match="Guest 'SDKNONE1' does not exist") as e:
        sdk.guest_get_power_state('sdknone1')
    assert e.value.rs == 3                              # as zvmsdk
    assert sdk.guest_get_power_state_real('SDKNONE1') == 'off'     # no directory check, as documented
    with pytest.raises(SDKInvalidInputFormat, match="userid: 'TOOLONGNAME'"):
        sdk.guest_get_power_state('TOOLONGNAME')
    with pytest.raises(SDKInvalidInputFormat, match="userid: 'TOOLONGNAME'"):
        sdk.guest_get_power_state_real('TOOLONGNAME')


@pytest.mark.parametrize('method', ['guest_start', 'guest_stop', 'guest_softstop', 'guest_reboot', 'guest_reset',
                                    'guest_pause', 'guest_unpause'])
def test_power_methods_on_a_guest_that_does_not_exist(sdk, method):
    with pytest.raises(SDKObjectNotExistError):
        getattr(sdk, method)('SDKNONE1')


# -- queries --------------------------------------------------------------------------------------------

def test_guest_list_is_the_whole_directory(sdk, zvmsim, guests):
    create(sdk, guests, 'SDKLST1')
    listed = sdk.guest_list()
    assert listed == sorted(zvmsim.dump()['directory']) and 'SDKLST1' in listed
    assert 'LINUX01' in listed        # made by the system, not by this SDK: there is no database


def test_definition_info_and_user_direct(sdk, zvmsim, guests):
    create(sdk, guests, 'SDKDEF1', password='SECRET1')
    sdk.guest_create_nic('SDKDEF1', vdev='1000')
    sdk.guest_create_nic('SDKDEF1', vdev='2000')
    sdk.guest_nic_couple_to_vswitch('SDKDEF1', '2000', 'VSW1')
    stored = records(zvmsim, 'SDKDEF1')
    assert stored[0] == 'USER SDKDEF1 SECRET1 512M 512M G'
    assert sdk.guest_get_definition_info('SDKDEF1') == {'user_direct': stored}
    coupled = sdk.guest_get_definition_info('SDKDEF1', nic_coupled='2000')
    assert coupled == {'user_direct': stored, 'nic_coupled': True}
    assert sdk.guest_get_definition_info('SDKDEF1', nic_coupled='1000')['nic_coupled'] is False
    assert sdk.guest_get_definition_info('SDKDEF1', nic_coupled='3000')['nic_coupled'] is False
    with pytest.raises(SDKInvalidInputFormat, match='invalid check option for user direct: nic_state'):
        sdk.guest_get_definition_info('SDKDEF1', nic_state='1000')
    assert sdk.guest_get_user_direct('SDKDEF1') == {'user_direct': ['USER SDKDEF1 ******** 512M 512M G'] + stored[1:]}
    for method in (sdk.guest_get_definition_info, sdk.guest_get_user_direct):
        with pytest.raises(SDKObjectNotExistError, match="Guest 'SDKNONE1' does not exist"):
            method('SDKNONE1')


def test_disks_info_of_a_running_guest(sdk, zvmsim, guests):
    create(sdk, guests, 'SDKDIN1', disk_list=[{'size': '10', 'disk_pool': 'ECKD:POOL1'},
                                              {'size': '256M', 'format': 'swap'}])
    with pytest.raises(SDKGuestOperationError, match="guest 'SDKDIN1' is not logged on") as e:
        sdk.guest_get_disks_info('SDKDIN1')
    assert e.value.rs == 1
    sdk.guest_start('SDKDIN1')
    volid = extents(zvmsim, 'SDKDIN1')[0][1]
    rdev = next(v['rdev'] for v in zvmsim.dump()['volumes'] if v['volid'] == volid)
    assert sdk.guest_get_disks_info('SDKDIN1') == {'minidisks': [
        {'vdev': '0100', 'rdev': rdev, 'access_type': 'R/W', 'device_type': '3390', 'device_size': 10,
         'device_units': 'Cylinders', 'volume_label': volid},
        {'vdev': '0101', 'rdev': 'VDSK', 'access_type': 'R/W', 'device_type': '9336', 'device_size': 524288,
         'device_units': 'Blocks', 'volume_label': '(VDSK)'}]}


# -- the SDK's own helpers ------------------------------------------------------------------------------

def test_create_guest_entry_and_create_disk_specs(sdk, zvmsim, guests):
    # the specs guest_create returns are the ones create_guest_entry and create_disk_specs take
    specs = create(sdk, guests, 'SDKCGE1', disk_list=[{'size': '10', 'disk_pool': 'ECKD:POOL1'}])
    entry = directory.parse(['USER SDKCGE2 LBYONLY 512M 512M G', 'CPU 00 BASE', 'MACHINE ESA 1'])
    guests.append('SDKCGE2')
    assert sdk.create_guest_entry(entry, specs) is None
    assert records(zvmsim, 'SDKCGE2')[:3] == ['USER SDKCGE2 LBYONLY 512M 512M G', 'CPU 00 BASE', 'MACHINE ESA 1']
    assert mdisks(zvmsim, 'SDKCGE2') == ['MDISK 0100 3390 10 %s MR' % extents(zvmsim, 'SDKCGE2')[0][1]]
    sdk.guest_start('SDKCGE2')
    more = [dict(specs[0], vdev='0200', count=20)]
    assert sdk.create_disk_specs('SDKCGE2', more) is None        # running: also in the active configuration
    assert [(v, s) for v, _vol, s in extents(zvmsim, 'SDKCGE2')] == [('0100', 10), ('0200', 20)]
    assert sorted(cp(zvmsim, 'SDKCGE2')['disks']) == ['0100', '0200']
    sdk.create_disk_specs('SDKCGE2', [dict(specs[0], vdev='0300')], active=False)
    assert sorted(cp(zvmsim, 'SDKCGE2')['disks']) == ['0100', '0200']
    assert [v for v, _vol, _s in extents(zvmsim, 'SDKCGE2')] == ['0100', '0200', '0300']
    # all or nothing: the entry is deleted again when a disk fails
    with pytest.raises(SmapiRequestError) as e:
        sdk.create_guest_entry(directory.parse(['USER SDKCGE3 LBYONLY 512M 512M G']),
                               [dict(specs[0], pool='SMALL', count=5000)])
    assert (e.value.rc, e.value.rs) == (408, 24) and records(zvmsim, 'SDKCGE3') is None


def test_call_counts(zvmsim, guests, sdk):
    create(sdk, guests, 'SDKCNT1')
    counting = make_sdk(zvmsim)
    assert counting.call_counts() == {'reads': 0, 'writes': 0}
    mark = zvmsim.mark()
    counting.guest_get_power_state('SDKCNT1')
    counting.guest_start('SDKCNT1')        # checks that the guest exists, as zvmsdk does
    assert counting.call_counts() == {'reads': 3, 'writes': 1}
    logged = zvmsim.calls(since=mark)
    assert (len([c for c in logged if not c['write']]), len([c for c in logged if c['write']])) == (3, 1)


def test_lock_waits(zvmsim, guests, sdk):
    create(sdk, guests, 'LINUXSDK')        # OPERATOR may lock LINUX* guests
    operator = SmapiClient('127.0.0.1', 'OPERATOR', 'OPERATOR', port=zvmsim.port)
    operator.call('Image_Lock_DM', 'LINUXSDK', device_address='')
    impatient = make_sdk(zvmsim, lock_timeout=0)
    assert impatient.lock_waits() == 0
    with pytest.raises(SDKConflictError, match="the directory entry of 'LINUXSDK' stayed locked"):
        impatient.guest_create_disks('LINUXSDK', [{'size': '10', 'disk_pool': 'ECKD:POOL1'}])
    assert impatient.lock_waits() == 1 and extents(zvmsim, 'LINUXSDK') == []
    slept = []

    def sleep(seconds):         # the other user lets go while the SDK waits
        slept.append(seconds)
        operator.call('Image_Unlock_DM', 'LINUXSDK', device_address='')
    patient = make_sdk(zvmsim, sleep=sleep)
    patient.guest_create_disks('LINUXSDK', [{'size': '10', 'disk_pool': 'ECKD:POOL1'}])
    assert (patient.lock_waits(), len(slept)) == (1, 1)
    assert [(v, s) for v, _vol, s in extents(zvmsim, 'LINUXSDK')] == [('0100', 10)]


# -- every public method has a test ------------------------------------------------------------------

def public_methods():
    return sorted(n for n in dir(SDKAPI) if not n.startswith('_') and callable(getattr(SDKAPI, n)))


def test_every_public_method_has_a_test():
    text = []
    for top, _dirs, files in os.walk(os.path.join(ROOT, 'tests')):
        for name in files:
            if name.endswith('.py'):
                with open(os.path.join(top, name), encoding='utf-8') as fh:
                    text.append(fh.read())
    text = '\n'.join(text)
    methods = public_methods()
    missing = [m for m in methods if '.%s(' % m not in text]
    assert not missing, 'public SDKAPI methods no test calls: %s' % ', '.join(missing)
    assert 'guest_create' in methods and 'vswitch_query' in methods
