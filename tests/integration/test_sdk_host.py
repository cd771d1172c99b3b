# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SDK's host methods against the session's zvmsim: the guest list and
the disk pools' space (summed, and per volume with ``details``), checked
against the simulator's volumes and extents.  host_get_info is in
test_sdk_monitor.py."""

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.sdk.api import SDKAPI
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import SDKInvalidInputFormat

GB = 1024 ** 3
CYLINDER = 737280       # bytes in a 3390 cylinder


def make_sdk(zvmsim, **kw):
    return SDKAPI(host='127.0.0.1', port=zvmsim.port, userid='MAINT', password='MAINT', **kw)


@pytest.fixture(scope='module')
def sdk(zvmsim):
    return make_sdk(zvmsim)


def pool_space(zvmsim, group):
    """(total, used) cylinders of the volumes of ``group``, from the simulator's state."""
    state = zvmsim.dump()
    volids = [v['volid'] for v in state['volumes'] if group in v['groups']]
    total = sum(v['size'] for v in state['volumes'] if v['volid'] in volids)
    used = sum(e['size'] for e in state['extents'] if e['volid'] in volids)
    return total, used


def test_host_get_guest_list_is_the_directory(sdk, zvmsim):
    sdk.guest_create('SDKHGL1', 1, 512)
    try:
        listed = sdk.host_get_guest_list()
        assert listed == sorted(zvmsim.dump()['directory'])
        assert 'SDKHGL1' in listed and listed == sdk.guest_list()
    finally:
        sdk.guest_delete('SDKHGL1')
    assert 'SDKHGL1' not in sdk.host_get_guest_list()


def test_diskpool_totals_follow_the_extents(sdk, zvmsim):
    sdk.guest_create('SDKHDP1', 1, 512, disk_list=[{'size': '2000', 'disk_pool': 'ECKD:POOL2'}])
    try:
        total, used = pool_space(zvmsim, 'POOL2')
        assert used >= 2000
        info = sdk.host_diskpool_get_info('eckd:POOL2')
        assert info == {'disk_total': round(total * CYLINDER / GB), 'disk_used': round(used * CYLINDER / GB),
                        'disk_available': round((total - used) * CYLINDER / GB)}
        both = sdk.host_diskpool_get_info('ECKD:POOL2,ECKD:SMALL')
        small_total, small_used = pool_space(zvmsim, 'SMALL')
        assert both == {'disk_total': round((total + small_total) * CYLINDER / GB),
                        'disk_used': round((used + small_used) * CYLINDER / GB),
                        'disk_available': round((total - used + small_total - small_used) * CYLINDER / GB)}
    finally:
        sdk.guest_delete('SDKHDP1')


def test_diskpool_details_list_the_free_extents(sdk, zvmsim):
    details = sdk.host_diskpool_get_info('ECKD:POOL1', details=True)
    assert list(details) == ['POOL1']
    state = zvmsim.dump()
    for item in details['POOL1']:
        assert set(item) == set(['volume_name', 'device_type', 'start_cylinder', 'free_size', 'dasd_group',
                                 'region_name'])
        assert (item['device_type'], item['dasd_group']) == ('3390', 'POOL1')
        assert item['volume_name'] in ('LX0100', 'LX0101')
    for volid in ('LX0100', 'LX0101'):
        size = next(v['size'] for v in state['volumes'] if v['volid'] == volid)
        used = sum(e['size'] for e in state['extents'] if e['volid'] == volid)
        free = sum(i['free_size'] for i in details['POOL1'] if i['volume_name'] == volid)
        assert free == size - used - 1          # cylinder 0 holds the label
    assert sdk.host_diskpool_get_info('FBA:FBAPOOL', details=True)['FBAPOOL'][0]['device_type'] == '9336'


def test_diskpool_details_region_name_is_the_region(sdk, zvmsim):
    regions = dict((v['volid'], v['region']) for v in zvmsim.dump()['volumes'])
    for item in sdk.host_diskpool_get_info('ECKD:POOL1', details=True)['POOL1']:
        assert item['region_name'] == regions[item['volume_name']]


def test_diskpool_default_and_bad_input(zvmsim, sdk):
    mark = zvmsim.mark()
    assert sdk.host_diskpool_get_info() == {'disk_total': 0, 'disk_used': 0, 'disk_available': 0}
    assert sdk.host_diskpool_get_info(details=True) == {}
    assert zvmsim.calls(since=mark) == []        # no pool configured: nothing to ask
    with_default = make_sdk(zvmsim, default_disk_pool='ECKD:SMALL')
    total, used = pool_space(zvmsim, 'SMALL')
    assert with_default.host_diskpool_get_info() == {
        'disk_total': round(total * CYLINDER / GB), 'disk_used': round(used * CYLINDER / GB),
        'disk_available': round((total - used) * CYLINDER / GB)}
    for bad, message in (('SMALL', "disk_pool: 'SMALL' is not of the form TYPE:NAME"),
                         ('DASD:SMALL', "pool type 'DASD' must be ECKD or FBA")):
        with pytest.raises(SDKInvalidInputFormat, match=message):
            sdk.host_diskpool_get_info(bad)
