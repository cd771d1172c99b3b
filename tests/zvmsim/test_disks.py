# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Minidisks and DirMaint disk pools (zvmsim/handlers/disks.py): first-fit
placement, units, V-DISKs, the directory and active sides, sharing, the
pool queries and definitions, the captures of a real system, and many
clients allocating from one pool at once against a real server."""

import copy
import functools
import struct
import threading
import time

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils import directory as model
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.client import SmapiClient

from tests.zvmsim.conftest import capture_names, send_capture, smapi_for
from zvmsim import config as simconfig
from zvmsim import cp
from zvmsim import dasd as disks
from zvmsim.testing import SimServer

OP = {'userid': 'OPERATOR', 'password': 'OPERATOR'}


def rcrs(reply):
    return reply['return_code'], reply['reason_code']


def records(sim, name):
    with sim.store.transaction() as tx:
        recs = tx.entry(name)
    return [r.rstrip() for r in recs] if recs is not None else None


def mdisks(sim, name):
    return dict((m.vdev, m) for m in model.parse(records(sim, name)).mdisks)


def extents(sim, owner=None, volid=None):
    with sim.store.transaction() as tx:
        return [(e['volid'], e['start'], e['size'], e['owner'], e['vdev']) for e in tx.extents(volid, owner)]


def create_dm(smapi, target, vdev, size, area='TPOOL', alloc='AUTOG', devtype='3390', unit=1, mode='MR', **kw):
    params = dict(image_disk_number=vdev, image_disk_device_type=devtype, image_disk_allocation_type=alloc,
                  allocation_area_name_or_volser=area, allocation_unit_size=unit, image_disk_size=size,
                  image_disk_mode=mode, image_disk_formatting=0, image_disk_label='')
    params.update(kw)
    return smapi('Image_Disk_Create_DM', target, **params)


def delete_dm(smapi, target, vdev, **kw):
    return smapi('Image_Disk_Delete_DM', target, image_disk_number=vdev, data_security_erase=0, **kw)


def space(smapi, query_type, entry_type, names='*'):
    reply = smapi('Image_Volume_Space_Query_DM', query_type=query_type, entry_type=entry_type, entry_names=names)
    assert rcrs(reply) == (0, 0), reply
    return reply['record_array']


GUEST1 = ['USER GUEST1 LBYONLY 1G 2G G', 'INCLUDE IBMDFLT', 'CPU 00 BASE', 'IPL CMS', 'MACHINE ESA 2',
          'NICDEF 1000 TYPE QDIO LAN SYSTEM VSW1']
GUEST2 = ['USER GUEST2 LBYONLY 1G 2G G', 'INCLUDE IBMDFLT', 'IPL CMS', 'MACHINE ESA 2',
          'NICDEF 1000 TYPE QDIO LAN SYSTEM VSW1', 'LINK LINUX02 0100 0200 RR']


@functools.lru_cache(maxsize=None)
def _default_config():
    return simconfig.load()


def default_config():
    return copy.deepcopy(_default_config())


def pool_config():
    """The default system plus small pools whose placements are easy to predict:
    TPOOL = TP0001 (cylinders 1-100) + TP0002 (1-50); TFPOOL = TF0001 (blocks
    32-10031); TD0001 (3339 cylinders, device 0A03) in no group."""
    base = default_config()
    dasd = base['dasd'] + [
        {'volid': 'TP0001', 'devtype': '3390', 'cylinders': 101, 'rdev': '0A01'},
        {'volid': 'TP0002', 'devtype': '3390', 'cylinders': 51, 'rdev': '0A02'},
        {'volid': 'TF0001', 'devtype': '9336', 'blocks': 10032, 'rdev': '0B01'},
        {'volid': 'TD0001', 'devtype': '3390', 'cylinders': 3339, 'rdev': '0A03'},
    ]
    guests = base['guests'] + [{'userid': 'GUEST1', 'records': GUEST1},
                               {'userid': 'GUEST2', 'records': GUEST2, 'state': 'on'}]
    return {'dasd': dasd, 'guests': guests, 'groups': {'TPOOL': ['TP0001', 'TP0002'], 'TFPOOL': ['TF0001']}}


@pytest.fixture
def psim(make_sim):
    return make_sim(pool_config())


@pytest.fixture
def psmapi(psim):
    return smapi_for(psim)


def where(sim, owner, vdev):
    m = mdisks(sim, owner)[vdev]
    return m.volser, m.start, m.size


# ---------------------------------------------------------------------------
# allocate() and first-fit placement
# ---------------------------------------------------------------------------

def test_first_fit_places_at_exact_starts(psim, psmapi):
    assert rcrs(create_dm(psmapi, 'GUEST1', '0201', 10)) == (0, 0)
    assert rcrs(create_dm(psmapi, 'GUEST1', '0202', 20)) == (0, 0)
    assert rcrs(create_dm(psmapi, 'GUEST1', '0203', 60)) == (0, 0)
    assert rcrs(create_dm(psmapi, 'GUEST1', '0204', 20)) == (0, 0)    # 10 left on TP0001: next volume
    assert rcrs(create_dm(psmapi, 'GUEST1', '0205', 10)) == (0, 0)    # the 10 left on TP0001
    assert [where(psim, 'GUEST1', v) for v in ('0201', '0202', '0203', '0204', '0205')] == [
        ('TP0001', 1, 10), ('TP0001', 11, 20), ('TP0001', 31, 60), ('TP0002', 1, 20), ('TP0001', 91, 10)]
    assert extents(psim, 'GUEST1') == [('TP0001', 1, 10, 'GUEST1', '0201'), ('TP0001', 11, 20, 'GUEST1', '0202'),
                                       ('TP0001', 31, 60, 'GUEST1', '0203'), ('TP0001', 91, 10, 'GUEST1', '0205'),
                                       ('TP0002', 1, 20, 'GUEST1', '0204')]
    assert 'MDISK 0201 3390 1 10 TP0001 MR' in records(psim, 'GUEST1')


def test_deletion_frees_space_and_it_is_reused(psim, psmapi):
    for vdev, size in (('0201', 10), ('0202', 20), ('0203', 60), ('0204', 20), ('0205', 10)):
        assert rcrs(create_dm(psmapi, 'GUEST1', vdev, size)) == (0, 0)
    reply = delete_dm(psmapi, 'GUEST1', '0202')
    assert rcrs(reply) == (0, 0) and reply['operation_id'] == -1
    assert '0202' not in mdisks(psim, 'GUEST1')
    assert ('TP0001', 11, 20, 'GUEST1', '0202') not in extents(psim, 'GUEST1')
    assert rcrs(create_dm(psmapi, 'GUEST1', '0206', 15)) == (0, 0)    # the lowest free start: 11
    assert rcrs(create_dm(psmapi, 'GUEST1', '0207', 6)) == (0, 0)     # 26-30 is too small
    assert rcrs(create_dm(psmapi, 'GUEST1', '0208', 5)) == (0, 0)     # 26-30 fits exactly
    assert where(psim, 'GUEST1', '0206') == ('TP0001', 11, 15)
    assert where(psim, 'GUEST1', '0207') == ('TP0002', 21, 6)
    assert where(psim, 'GUEST1', '0208') == ('TP0001', 26, 5)


def test_a_full_pool_answers_408_24_and_changes_nothing(psim, psmapi):
    assert rcrs(create_dm(psmapi, 'GUEST1', '0201', 100)) == (0, 0)
    assert rcrs(create_dm(psmapi, 'GUEST1', '0202', 40)) == (0, 0)
    before, ext_before = records(psim, 'GUEST1'), extents(psim)
    assert rcrs(create_dm(psmapi, 'GUEST1', '0203', 11)) == (408, 24)   # 10 cylinders left
    assert records(psim, 'GUEST1') == before and extents(psim) == ext_before
    assert rcrs(create_dm(psmapi, 'GUEST1', '0203', 10)) == (0, 0)
    assert where(psim, 'GUEST1', '0203') == ('TP0002', 41, 10)
    assert rcrs(create_dm(psmapi, 'GUEST1', '0204', 1)) == (408, 24)


def test_cylinder_zero_is_never_allocated_and_extents_never_overlap(psim):
    with psim.store.transaction(write=True) as tx:
        got = []
        while True:
            ext = disks.allocate(tx, 'AUTOG', 'TPOOL', 7, '3390')
            if ext is None:
                break
            tx.add_extent(ext['volid'], ext['start'], ext['size'], 'GUEST1', '%04X' % len(got))
            got.append(ext)
        assert disks.allocate(tx, 'AUTOG', 'NOPOOL', 1, '3390') is None
        assert disks.allocate(tx, 'AUTOG', 'TPOOL', 1, '9336') is None      # no FBA volume in TPOOL
        assert disks.allocate(tx, 'AUTOV', 'TF0001', 10, '9336') == {'volid': 'TF0001', 'start': 32, 'size': 10}
    assert len(got) == 14 + 7 and all(e['start'] >= 1 for e in got)
    for vol in ('TP0001', 'TP0002'):
        spans = sorted((e['start'], e['start'] + e['size']) for e in got if e['volid'] == vol)
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    assert got[0] == {'volid': 'TP0001', 'start': 1, 'size': 7}


def test_autor_autov_and_explicit_start(psim, psmapi):
    assert rcrs(create_dm(psmapi, 'GUEST1', '0201', 5, area='TP0002', alloc='AUTOR')) == (0, 0)
    assert rcrs(create_dm(psmapi, 'GUEST1', '0202', 5, area='TP0002', alloc='AUTOV')) == (0, 0)
    assert rcrs(create_dm(psmapi, 'GUEST1', '0203', 5, area='TP0001', alloc='40')) == (0, 0)
    assert [where(psim, 'GUEST1', v) for v in ('0201', '0202', '0203')] == [
        ('TP0002', 1, 5), ('TP0002', 6, 5), ('TP0001', 40, 5)]
    # an explicit start may not overlap, use cylinder 0 or pass the end of the volume
    for start in ('42', '0', '97'):
        assert rcrs(create_dm(psmapi, 'GUEST1', '0204', 5, area='TP0001', alloc=start)) == (408, 24)
    assert rcrs(create_dm(psmapi, 'GUEST1', '0204', 5, area='TP0001', alloc='45')) == (0, 0)
    assert rcrs(create_dm(psmapi, 'GUEST1', '0205', 1, area='TP0001', alloc='AUTOG')) == (420, 8)


def test_area_not_defined_answers_420_8(psmapi):
    assert rcrs(create_dm(psmapi, 'GUEST1', '0201', 5, area='NOPOOL')) == (420, 8)
    assert rcrs(create_dm(psmapi, 'GUEST1', '0201', 5, area='NOREG', alloc='AUTOR')) == (420, 8)
    assert rcrs(create_dm(psmapi, 'GUEST1', '0201', 5, area='NOVOL', alloc='AUTOV')) == (420, 8)
    assert rcrs(create_dm(psmapi, 'GUEST1', '0201', 5, area='NOVOL', alloc='10')) == (420, 8)


def test_device_type_must_match_the_pool(psim, psmapi):
    assert rcrs(create_dm(psmapi, 'GUEST1', '0201', 100, devtype='9336', unit=2)) == (408, 24)
    assert rcrs(create_dm(psmapi, 'GUEST1', '0201', 1, area='TFPOOL')) == (408, 24)
    assert rcrs(create_dm(psmapi, 'GUEST1', '0201', 100, area='TP0001', alloc='10', devtype='9336',
                          unit=2)) == (408, 24)
    assert '0201' not in mdisks(psim, 'GUEST1')


# ---------------------------------------------------------------------------
# Units, V-DISK, T-DISK, DEVNO
# ---------------------------------------------------------------------------

def test_fba_units_count_blocks_of_their_size(psim, psmapi):
    assert rcrs(create_dm(psmapi, 'GUEST1', '0201', 1000, area='TFPOOL', devtype='9336', unit=2)) == (0, 0)
    assert rcrs(create_dm(psmapi, 'GUEST1', '0202', 100, area='TFPOOL', devtype='9336', unit=5)) == (0, 0)
    assert rcrs(create_dm(psmapi, 'GUEST1', '0203', 8, area='TFPOOL', devtype='9336', unit=1)) == (0, 0)
    assert rcrs(create_dm(psmapi, 'GUEST1', '0204', 3, area='TFPOOL', devtype='FB-512', unit=3)) == (0, 0)
    assert [where(psim, 'GUEST1', v) for v in ('0201', '0202', '0203', '0204')] == [
        ('TF0001', 32, 1000), ('TF0001', 1032, 800), ('TF0001', 1832, 8), ('TF0001', 1840, 6)]
    assert 'MDISK 0201 9336 32 1000 TF0001 MR' in records(psim, 'GUEST1')
    assert 'MDISK 0204 FB-512 1840 6 TF0001 MR' in records(psim, 'GUEST1')
    assert space(psmapi, 2, 3, 'TFPOOL') == ['TF0001 9336 1846 8186 TFPOOL TF0001']


def test_a_block_unit_on_a_3390_is_a_syntax_error(psim, psmapi):
    for unit in (2, 3, 4, 5):
        assert rcrs(create_dm(psmapi, 'GUEST1', '0201', 10, unit=unit)) == (24, 923)
    assert '0201' not in mdisks(psim, 'GUEST1')


def test_vdisk_limits_and_no_extent(psim, psmapi):
    reply = create_dm(psmapi, 'GUEST1', '0300', 4194296, area='NONE', alloc='V-DISK', devtype='FB-512', unit=2,
                      mode='MWV')
    assert rcrs(reply) == (0, 0)
    assert 'MDISK 0300 FB-512 V-DISK 4194296 MWV' in records(psim, 'GUEST1')
    assert extents(psim, 'GUEST1') == []
    assert rcrs(create_dm(psmapi, 'GUEST1', '0301', 4194297, area='NONE', alloc='V-DISK', devtype='FB-512',
                          unit=2)) == (24, 1018)
    assert rcrs(create_dm(psmapi, 'GUEST1', '0301', 524288, area='NONE', alloc='V-DISK', devtype='FB-512',
                          unit=5)) == (24, 1018)          # 524,288 4K blocks = 4,194,304 512-byte blocks
    assert rcrs(create_dm(psmapi, 'GUEST1', '0301', 10, area='NONE', alloc='V-DISK', devtype='3390')) == (24, 623)
    assert '0301' not in mdisks(psim, 'GUEST1')


def test_tdisk_statement(psim, psmapi):
    assert rcrs(create_dm(psmapi, 'GUEST1', '0400', 50, area='NONE', alloc='T-DISK')) == (0, 0)
    assert 'MDISK 0400 3390 T-DISK 50 MR' in records(psim, 'GUEST1')
    assert extents(psim, 'GUEST1') == []


def test_devno_full_pack_minidisk(psim, psmapi):
    assert rcrs(create_dm(psmapi, 'GUEST1', '0500', 1, area='0A03', alloc='DEVNO', mode='MW')) == (0, 0)
    assert 'MDISK 0500 3390 DEVNO 0A03 MW' in records(psim, 'GUEST1')
    assert extents(psim, volid='TD0001') == [('TD0001', 0, 3339, 'GUEST1', '0500')]
    # the volume is taken: no AUTOR space, and a second DEVNO finds it in use
    assert rcrs(create_dm(psmapi, 'GUEST1', '0501', 1, area='TD0001', alloc='AUTOR')) == (408, 24)
    assert rcrs(create_dm(psmapi, 'GUEST1', '0501', 1, area='0A03', alloc='DEVNO')) == (408, 24)
    assert rcrs(create_dm(psmapi, 'GUEST1', '0501', 1, area='XYZ1', alloc='DEVNO')) == (24, 816)
    assert rcrs(create_dm(psmapi, 'GUEST1', '0501', 1, area='0B01', alloc='DEVNO')) == (24, 623)
    assert rcrs(delete_dm(psmapi, 'GUEST1', '0500')) == (0, 0)
    assert extents(psim, volid='TD0001') == []


# ---------------------------------------------------------------------------
# Image_Disk_Create_DM / Image_Disk_Delete_DM errors and side effects
# ---------------------------------------------------------------------------

def test_create_dm_records_passwords_label_and_formatting(psim, psmapi):
    reply = create_dm(psmapi, 'guest1', '999', 10, mode='W', image_disk_formatting=5, image_disk_label='DSK999',
                      read_password='READ', write_password='WRITE', multi_password='MULTIPLE')
    assert rcrs(reply) == (0, 0) and reply['operation_id'] == -1
    assert 'MDISK 0999 3390 1 10 TP0001 W READ WRITE MULTIPLE' in records(psim, 'GUEST1')
    with psim.store.transaction() as tx:
        assert tx.obj('mdisk_format', 'GUEST1 0999') == {'formatting': 5, 'format': 'CMS4096', 'blocksize': 4096,
                                                         'label': 'DSK999'}
    assert rcrs(delete_dm(psmapi, 'GUEST1', '0999')) == (0, 0)
    with psim.store.transaction() as tx:
        assert tx.obj('mdisk_format', 'GUEST1 0999') is None


def test_create_dm_goes_after_the_last_mdisk(psim, psmapi):
    assert rcrs(create_dm(psmapi, 'LINUX01', '0102', 5)) == (0, 0)
    recs = records(psim, 'LINUX01')
    assert recs[-3:] == ['MDISK 0100 3390 0001 1457 LX0100 MR', 'MDISK 0101 FB-512 V-DISK 2097152 MWV',
                         'MDISK 0102 3390 1 5 TP0001 MR']


@pytest.mark.parametrize('vdev', ['0100', '1000', '1002', '0190', '0009', '000C'])
def test_create_dm_vdev_already_defined(psim, psmapi, vdev):
    # MDISK, NICDEF (1000-1002), and the profile's LINK, CONSOLE and SPOOL
    target = 'LINUX02' if vdev == '0100' else 'GUEST1'
    before = records(psim, target)
    assert rcrs(create_dm(psmapi, target, vdev, 5)) == (408, 4)
    assert records(psim, target) == before


def test_create_dm_no_such_image(psmapi):
    assert rcrs(create_dm(psmapi, 'NOSUCH', '0201', 5)) == (400, 4)


@pytest.mark.parametrize('changes,rs', [
    ({'devtype': 'XYZ'}, 619),
    ({'size': 0}, 1015),
    ({'mode': 'Q'}, 1119),
    ({'write_password': 'WRITE'}, 1424),
    ({'read_password': 'READ', 'multi_password': 'MULTI'}, 1524),
    ({'alloc': 'AUTOV', 'area': 'TP00011'}, 813),
])
def test_create_dm_bad_values_answer_24(psim, psmapi, changes, rs):
    args = dict(size=5)
    args.update(changes)
    assert rcrs(create_dm(psmapi, 'GUEST1', '0201', **args)) == (24, rs)
    assert '0201' not in mdisks(psim, 'GUEST1')


def test_locks_answer_400_12_and_408_12(psim, psmapi):
    assert rcrs(psmapi('Image_Lock_DM', 'LINUX02', device_address='', **OP)) == (0, 0)
    assert rcrs(create_dm(psmapi, 'LINUX02', '0201', 5)) == (400, 12)
    assert rcrs(delete_dm(psmapi, 'LINUX02', '0100')) == (400, 12)
    assert rcrs(copy_dm(psmapi, 'LINUX02', '0201', 'LINUX01', '0100')) == (400, 12)
    assert rcrs(share_dm(psmapi, 'LINUX02', '0201', 'LINUX01', '0100')) == (400, 12)
    assert rcrs(unshare_dm(psmapi, 'LINUX02', '0201', 'LINUX01', '0100')) == (400, 12)
    assert rcrs(create_dm(psmapi, 'LINUX02', '0201', 5, **OP)) == (400, 12)  # the lock holder neither
    assert rcrs(psmapi('Image_Unlock_DM', 'LINUX02', device_address='', **OP)) == (0, 0)
    assert rcrs(psmapi('Image_Lock_DM', 'LINUX02', device_address='0100', **OP)) == (0, 0)
    assert rcrs(delete_dm(psmapi, 'LINUX02', '0100')) == (408, 12)
    assert '0100' in mdisks(psim, 'LINUX02')


def test_delete_dm_errors(psim, psmapi):
    assert rcrs(delete_dm(psmapi, 'NOSUCH', '0100')) == (400, 4)
    assert rcrs(delete_dm(psmapi, 'LINUX02', '0999')) == (408, 8)
    assert rcrs(delete_dm(psmapi, 'LINUX02', '0100')) == (0, 0)
    assert extents(psim, 'LINUX02') == []
    assert rcrs(delete_dm(psmapi, 'LINUX02', '0100')) == (408, 8)


def test_async_mode_answers_592_and_completes(make_sim, clock):
    config = pool_config()
    config['directory'] = {'async_writes': True, 'async_seconds': 2.0}
    sim = make_sim(config)
    smapi = smapi_for(sim)
    reply = create_dm(smapi, 'GUEST1', '0201', 5)
    assert rcrs(reply) == (592, 0) and reply['operation_id'] > 0
    assert where(sim, 'GUEST1', '0201') == ('TP0001', 1, 5)      # applied at once, reported running
    op = reply['operation_id']
    assert rcrs(smapi('Query_Asynchronous_Operation_DM', 'GUEST1', operation_id=op)) == (0, 104)
    clock.advance(3)
    assert rcrs(smapi('Query_Asynchronous_Operation_DM', 'GUEST1', operation_id=op)) == (0, 100)
    # functions without an operation id in their output carry it in the reason code
    reply = smapi('Image_Disk_Share_DM', 'GUEST1', image_disk_number='0300', target_image_name='LINUX02',
                  target_image_disk_number='0100', read_write_mode='RR', optional_password='')
    assert reply['return_code'] == 592 and reply['reason_code'] > op
    assert rcrs(smapi('Query_Asynchronous_Operation_DM', 'GUEST1', operation_id=reply['reason_code'])) == (0, 104)


def test_async_failure_changes_nothing(make_sim, clock):
    config = pool_config()
    config['directory'] = {'async_writes': True, 'async_failures': [{'function': 'Image_*'},
                                                                    {'function': 'Image_Volume_Space_*'}]}
    sim = make_sim(config)
    smapi = smapi_for(sim)
    reply = create_dm(smapi, 'GUEST1', '0201', 5)
    assert rcrs(reply) == (592, 0)
    assert '0201' not in mdisks(sim, 'GUEST1') and extents(sim, 'GUEST1') == []
    clock.advance(5)
    assert rcrs(smapi('Query_Asynchronous_Operation_DM', 'GUEST1', operation_id=reply['operation_id'])) == (0, 108)
    reply = smapi('Image_Volume_Space_Define_DM', function_type=1, region_name='NEWREG', image_vol_id='TP0001',
                  start_cylinder=1, size=10, group_name='', device_type=0)
    assert reply['return_code'] == 592
    assert 'NEWREG' not in ' '.join(space(smapi, 1, 2))


# ---------------------------------------------------------------------------
# Image_Disk_Copy_DM, Image_Disk_Share_DM, Image_Disk_Unshare_DM
# ---------------------------------------------------------------------------

def copy_dm(smapi, target, vdev, source, source_vdev, alloc='AUTOG', area='POOL1', mode='', **kw):
    params = dict(image_disk_number=vdev, source_image_name=source, source_image_disk_number=source_vdev,
                  image_disk_allocation_type=alloc, allocation_area_name_or_volser=area, image_disk_mode=mode,
                  read_password='', write_password='', multi_password='')
    params.update(kw)
    return smapi('Image_Disk_Copy_DM', target, **params)


def test_copy_dm_defines_a_like_disk_in_new_space(psim, psmapi):
    assert rcrs(create_dm(psmapi, 'GUEST1', '0201', 10, image_disk_formatting=2, image_disk_label='SRC')) == (0, 0)
    reply = copy_dm(psmapi, 'LINUX03', '0201', 'guest1', '0201', area='TPOOL', mode='W', read_password='RPW')
    assert rcrs(reply) == (0, 0) and reply['operation_id'] == -1
    assert 'MDISK 0201 3390 11 10 TP0001 W RPW' in records(psim, 'LINUX03')
    assert ('TP0001', 11, 10, 'LINUX03', '0201') in extents(psim)
    with psim.store.transaction() as tx:
        assert tx.obj('mdisk_format', 'LINUX03 0201')['label'] == 'SRC'
    # an empty allocation type lets DirMaint choose (first fit over all regions)
    assert rcrs(copy_dm(psmapi, 'LINUX03', '0202', 'LINUX01', '0100', alloc='', area='')) == (0, 0)
    assert mdisks(psim, 'LINUX03')['0202'].size == 1457 and mdisks(psim, 'LINUX03')['0202'].mode == 'MR'
    # a V-DISK copies as a V-DISK
    assert rcrs(copy_dm(psmapi, 'LINUX03', '0203', 'LINUX01', '0101')) == (0, 0)
    assert 'MDISK 0203 FB-512 V-DISK 2097152 MWV' in records(psim, 'LINUX03')


def test_copy_dm_errors(psim, psmapi):
    assert rcrs(copy_dm(psmapi, 'NOSUCH', '0201', 'LINUX01', '0100')) == (400, 4)
    assert rcrs(copy_dm(psmapi, 'LINUX03', '0201', 'NOSUCH', '0100')) == (400, 4)
    assert rcrs(copy_dm(psmapi, 'LINUX03', '0201', 'LINUX01', '0999')) == (408, 8)
    assert rcrs(copy_dm(psmapi, 'LINUX03', '0100', 'LINUX01', '0100')) == (408, 4)
    assert rcrs(copy_dm(psmapi, 'LINUX03', '0201', 'LINUX01', '0100', area='NOPOOL')) == (420, 8)
    assert rcrs(copy_dm(psmapi, 'LINUX03', '0201', 'LINUX01', '0100', area='TPOOL')) == (408, 24)
    assert rcrs(copy_dm(psmapi, 'LINUX03', '0201', 'LINUX01', '0100', alloc='100', area='TF0001')) == (404, 24)
    assert rcrs(copy_dm(psmapi, 'LINUX03', '0201', 'LINUX01', '0100', alloc='DEVNO', area='0A03')) == (404, 28)
    assert rcrs(copy_dm(psmapi, 'LINUX03', '0201', 'LINUX01', '0100', alloc='DEVNO', area='0B01')) == (404, 24)
    assert rcrs(copy_dm(psmapi, 'LINUX03', '0201', 'LINUX01', '0100', mode='X')) == (24, 1019)
    assert '0201' not in mdisks(psim, 'LINUX03')


def share_dm(smapi, target, vdev, owner, owner_vdev, mode='RR', password=''):
    return smapi('Image_Disk_Share_DM', target, image_disk_number=vdev, target_image_name=owner,
                 target_image_disk_number=owner_vdev, read_write_mode=mode, optional_password=password)


def unshare_dm(smapi, target, vdev, owner, owner_vdev):
    return smapi('Image_Disk_Unshare_DM', target, image_disk_number=vdev, target_image_name=owner,
                 target_image_disk_number=owner_vdev)


def test_share_and_unshare_dm(psim, psmapi):
    assert rcrs(create_dm(psmapi, 'GUEST1', '0201', 5, mode='MR', read_password='RPW', write_password='WPW')) == (0, 0)
    assert rcrs(share_dm(psmapi, 'LINUX03', '0301', 'guest1', '201', mode='MR')) == (0, 0)
    assert rcrs(share_dm(psmapi, 'LINUX03', '0302', 'GUEST1', '0201', mode='RR', password='rpw')) == (0, 0)
    recs = records(psim, 'LINUX03')
    assert 'LINK GUEST1 0201 0301 MR' in recs and 'LINK GUEST1 0201 0302 RR' in recs
    assert recs.index('LINK GUEST1 0201 0301 MR') < recs.index('MDISK 0100 3390 0001 2000 LX0102 MR')
    assert rcrs(unshare_dm(psmapi, 'LINUX03', '0301', 'GUEST1', '0201')) == (0, 0)
    assert 'LINK GUEST1 0201 0301 MR' not in records(psim, 'LINUX03')
    assert rcrs(unshare_dm(psmapi, 'LINUX03', '0301', 'GUEST1', '0201')) == (408, 8)
    assert rcrs(unshare_dm(psmapi, 'LINUX03', '0302', 'GUEST1', '0999')) == (408, 8)
    assert rcrs(unshare_dm(psmapi, 'NOSUCH', '0302', 'GUEST1', '0201')) == (400, 4)


@pytest.mark.parametrize('args,code', [
    (('NOSUCH', '0301', 'GUEST1', '0201'), (400, 4)),
    (('LINUX03', '0301', 'NOSUCH', '0201'), (408, 8)),
    (('LINUX03', '0301', 'GUEST1', '0999'), (408, 8)),
    (('LINUX03', '0100', 'GUEST1', '0201'), (408, 4)),
    (('LINUX03', '0301', 'GUEST1', '0201', 'MW', 'ANY'), (408, 28)),
    (('LINUX03', '0301', 'GUEST1', '0201', 'RR', 'WRONG'), (408, 32)),
    (('LINUX03', '0301', 'GUEST1', '0201', 'XX'), (24, 819)),
])
def test_share_dm_errors(psim, psmapi, args, code):
    assert rcrs(create_dm(psmapi, 'GUEST1', '0201', 5, read_password='RPW')) == (0, 0)
    before = records(psim, 'LINUX03')
    assert rcrs(share_dm(psmapi, *args)) == code
    assert records(psim, 'LINUX03') == before


# ---------------------------------------------------------------------------
# The active side
# ---------------------------------------------------------------------------

def test_disk_query_of_a_logged_on_guest(psmapi):
    reply = psmapi('Image_Disk_Query', 'LINUX01', vdasd_id='ALL')
    assert rcrs(reply) == (0, 0)
    assert reply['vdasd_array'] == [
        {'vdasd_vdev': '0100', 'vdasd_rdev': '0100', 'vdasd_access_type': 2, 'vdasd_devtype': '3390',
         'vdasd_size': 1457, 'vdasd_unit': 1, 'vdasd_volid': 'LX0100'},
        {'vdasd_vdev': '0101', 'vdasd_rdev': 'VDSK', 'vdasd_access_type': 2, 'vdasd_devtype': '9336',
         'vdasd_size': 2097152, 'vdasd_unit': 2, 'vdasd_volid': '(VDSK)'}]
    reply = psmapi('Image_Disk_Query', 'LINUX01', vdasd_id='101')
    assert [d['vdasd_vdev'] for d in reply['vdasd_array']] == ['0101']
    assert rcrs(psmapi('Image_Disk_Query', 'LINUX01', vdasd_id='0999')) == (8, 8)
    assert rcrs(psmapi('Image_Disk_Query', 'LINUX02', vdasd_id='ALL')) == (200, 12)
    assert rcrs(psmapi('Image_Disk_Query', 'NOSUCH', vdasd_id='ALL')) == (200, 12)


def test_directory_changes_reach_a_running_guest_only_through_image_disk_create(psmapi):
    assert rcrs(create_dm(psmapi, 'LINUX01', '0200', 5, mode='RR')) == (0, 0)
    vdevs = [d['vdasd_vdev'] for d in psmapi('Image_Disk_Query', 'LINUX01', vdasd_id='ALL')['vdasd_array']]
    assert vdevs == ['0100', '0101']
    assert rcrs(psmapi('Image_Disk_Create', 'LINUX01', image_disk_number='200', image_disk_mode='')) == (0, 0)
    disk = psmapi('Image_Disk_Query', 'LINUX01', vdasd_id='0200')['vdasd_array'][0]
    assert (disk['vdasd_volid'], disk['vdasd_rdev'], disk['vdasd_access_type'], disk['vdasd_size']) == \
        ('TP0001', '0A01', 1, 5)
    # deleting from the directory leaves the running guest's disk until it is detached
    assert rcrs(delete_dm(psmapi, 'LINUX01', '0200')) == (0, 0)
    assert rcrs(psmapi('Image_Disk_Query', 'LINUX01', vdasd_id='0200')) == (0, 0)
    assert rcrs(psmapi('Image_Disk_Delete', 'LINUX01', image_disk_number='0200')) == (0, 0)
    assert rcrs(psmapi('Image_Disk_Query', 'LINUX01', vdasd_id='0200')) == (8, 8)


def test_image_disk_create_errors(psmapi):
    assert rcrs(psmapi('Image_Disk_Create', 'NOSUCH', image_disk_number='0100', image_disk_mode='MR')) == (200, 4)
    assert rcrs(psmapi('Image_Disk_Create', 'LINUX02', image_disk_number='0100', image_disk_mode='MR')) == (200, 12)
    assert rcrs(psmapi('Image_Disk_Create', 'LINUX01', image_disk_number='0100', image_disk_mode='MR')) == (208, 4)
    assert rcrs(psmapi('Image_Disk_Create', 'LINUX01', image_disk_number='1000', image_disk_mode='MR')) == (208, 4)
    assert rcrs(psmapi('Image_Disk_Create', 'LINUX01', image_disk_number='0999', image_disk_mode='MR')) == (208, 36)
    assert rcrs(psmapi('Image_Disk_Create', 'LINUX01', image_disk_number='0999', image_disk_mode='ZZ')) == (24, 619)


def test_image_disk_create_devno_in_use_and_unavailable_volume(psim, psmapi):
    for guest in ('LINUX01', 'GUEST2'):
        assert rcrs(create_dm(psmapi, guest, '0500', 1, area='0A03', alloc='DEVNO')) in ((0, 0), (408, 24))
    # the second DEVNO of the same device was refused by DirMaint; write one as an administrator would
    recs = records(psim, 'GUEST2') + ['MDISK 0500 3390 DEVNO 0A03 MR', 'MDISK 0600 3390 1 10 NOVOL MR']
    with psim.store.transaction(write=True) as tx:
        disks.attach_directory_disks(tx, 'GUEST2')       # what it logged on with
        tx.put_entry('GUEST2', recs)
    assert rcrs(psmapi('Image_Disk_Create', 'LINUX01', image_disk_number='0500', image_disk_mode='MR')) == (0, 0)
    assert rcrs(psmapi('Image_Disk_Create', 'GUEST2', image_disk_number='0500', image_disk_mode='MR')) == (208, 1157)
    assert rcrs(psmapi('Image_Disk_Create', 'GUEST2', image_disk_number='0600', image_disk_mode='MR')) == (208, 12)


def test_image_disk_delete_errors(psmapi):
    assert rcrs(psmapi('Image_Disk_Delete', 'NOSUCH', image_disk_number='0100')) == (200, 4)
    assert rcrs(psmapi('Image_Disk_Delete', 'LINUX02', image_disk_number='0100')) == (200, 12)
    assert rcrs(psmapi('Image_Disk_Delete', 'LINUX01', image_disk_number='0999')) == (204, 8)
    assert rcrs(psmapi('Image_Disk_Delete', 'LINUX01', image_disk_number='1000')) == (208, 28)
    assert rcrs(psmapi('Image_Disk_Delete', 'LINUX01', image_disk_number='0101')) == (0, 0)
    assert rcrs(psmapi('Image_Disk_Delete', 'LINUX01', image_disk_number='0101')) == (204, 8)


def test_logon_attaches_directory_disks_and_links(psim, psmapi):
    with psim.store.transaction(write=True) as tx:
        cp.log_on(tx, 'LINUX02')
        attached = disks.attach_directory_disks(tx, 'LINUX02')
        assert sorted(attached) == ['0100']
        assert tx.cp('LINUX02')['disks']['0100']['volid'] == 'LX0100'
        # GUEST2 (logged on at seed) links LINUX02 0100 as its 0200; MAINT 0190 (profile) does not exist
        guest2 = disks.attach_directory_disks(tx, 'GUEST2')
        assert sorted(guest2) == ['0200']
        assert (guest2['0200']['owner'], guest2['0200']['access'], guest2['0200']['type']) == ('LINUX02', 'RO', 'link')
        assert disks.attach_directory_disks(tx, 'LINUX03') == {}      # not logged on
    disk = psmapi('Image_Disk_Query', 'GUEST2', vdasd_id='ALL')['vdasd_array']
    assert [(d['vdasd_vdev'], d['vdasd_volid'], d['vdasd_access_type']) for d in disk] == [('0200', 'LX0100', 1)]
    reply = psmapi('Image_MDISK_Link_Query', 'LINUX02', vdev='100')
    assert rcrs(reply) == (0, 0)
    assert reply['link_array'] == [{'system_name': 'ZVMSIM1', 'user': 'GUEST2', 'vaddr': '0200',
                                    'access_mode': 'READ'}]


def test_mdisk_link_query_errors(psmapi):
    assert rcrs(psmapi('Image_MDISK_Link_Query', 'LINUX01', vdev='0100')) == (0, 28)
    assert rcrs(psmapi('Image_MDISK_Link_Query', 'LINUX02', vdev='0100')) == (8, 12)
    assert rcrs(psmapi('Image_MDISK_Link_Query', 'LINUX01', vdev='0999')) == (8, 8)


# ---------------------------------------------------------------------------
# Pools: queries
# ---------------------------------------------------------------------------

def test_space_queries_every_type(psmapi):
    assert rcrs(create_dm(psmapi, 'GUEST1', '0201', 10)) == (0, 0)
    assert rcrs(create_dm(psmapi, 'GUEST1', '0202', 1000, area='TFPOOL', devtype='9336', unit=2)) == (0, 0)
    # definitions
    assert space(psmapi, 1, 1, 'TP0001 TF0001') == ['TP0001 3390 101 TP0001', 'TF0001 9336 10032 TF0001']
    assert space(psmapi, 1, 2, 'TP0002') == ['TP0002 TP0002 1 50 3390']
    assert space(psmapi, 1, 3, 'TPOOL') == ['TPOOL TP0001 TP0002']
    assert space(psmapi, 1, 3) == [
        'FBAPOOL FB0200 FB0201', 'POOL1 LX0100 LX0101', 'POOL2 LX0102 LX0103', 'TFPOOL TF0001', 'TPOOL TP0001 TP0002']
    assert 'M01RES 3390 10017 M01RES' in space(psmapi, 1, 1)
    # free
    assert space(psmapi, 2, 1, 'TP0001') == ['TP0001 3390 11 90 * *']
    assert space(psmapi, 2, 2, 'TP0001 TF0001') == ['TP0001 3390 11 90 * TP0001', 'TF0001 9336 1032 9000 * TF0001']
    assert space(psmapi, 2, 3, 'TPOOL') == ['TP0001 3390 11 90 TPOOL TP0001', 'TP0002 3390 1 50 TPOOL TP0002']
    # used
    assert space(psmapi, 3, 1, 'TP0001') == ['TP0001 3390 1 10 GUEST1 0201 * * *']
    assert space(psmapi, 3, 2, 'TF0001') == ['TF0001 9336 32 1000 GUEST1 0202 * TF0001 *']
    assert space(psmapi, 3, 3, 'TPOOL') == ['TP0001 3390 1 10 GUEST1 0201 * TPOOL *']
    assert 'LX0100 3390 1 1457 LINUX01 0100 * LX0100 *' in space(psmapi, 3, 2)
    # every used record has nine words, as the capture shows
    assert all(len(r.split()) == 9 for r in space(psmapi, 3, 3))


@pytest.mark.parametrize('entry_type,names', [(1, 'NOVOL'), (2, 'TP0001 NOREG'), (3, 'NOPOOL')])
def test_space_query_unknown_names_answer_420_8(psmapi, entry_type, names):
    for query_type in (1, 2, 3):
        reply = psmapi('Image_Volume_Space_Query_DM', query_type=query_type, entry_type=entry_type,
                       entry_names=names)
        assert rcrs(reply) == (420, 8)


def test_space_query_extended(psmapi):
    reply = psmapi('Image_Volume_Space_Query_Extended_DM', query_type='2', entry_type='3', entry_names='TPOOL')
    assert rcrs(reply) == (0, 0)
    assert reply['record_array'] == ['TP0001 3390 1 100 TPOOL TP0001', 'TP0002 3390 1 50 TPOOL TP0002']
    assert rcrs(psmapi('Image_Volume_Space_Query_Extended_DM', query_type='1', entry_type='3',
                       entry_names='NOPOOL')) == (420, 8)
    reply = psmapi('Image_Volume_Space_Query_Extended_DM', entry_type='1', validate=False)
    assert rcrs(reply) == (8, 3004)


# ---------------------------------------------------------------------------
# Pools: definitions and removals
# ---------------------------------------------------------------------------

def define(smapi, ftype, region, volid='', start=-1, size=-1, group='', device_type=0):
    return smapi('Image_Volume_Space_Define_DM', function_type=ftype, region_name=region, image_vol_id=volid,
                 start_cylinder=start, size=size, group_name=group, device_type=device_type)


def remove(smapi, ftype, region='', volid='', group=''):
    return smapi('Image_Volume_Space_Remove_DM', function_type=ftype, region_name=region, image_vol_id=volid,
                 group_name=group)


def test_define_regions_and_groups_then_allocate(psim, psmapi):
    assert rcrs(define(psmapi, 1, 'TPLOW', 'TD0001', 1, 100)) == (0, 0)
    assert rcrs(define(psmapi, 2, 'TPHIGH', 'TD0001', 2000, 500, group='NEWPOOL')) == (0, 0)
    assert rcrs(define(psmapi, 5, 'TPLOW', group='NEWPOOL')) == (0, 0)
    assert rcrs(define(psmapi, 3, 'WHOLE', 'LX0103')) == (0, 0)
    assert rcrs(define(psmapi, 4, 'WHOLE2', 'LX0102', group='BIG')) == (0, 0)
    assert space(psmapi, 1, 2, 'TPLOW TPHIGH WHOLE WHOLE2') == [
        'TPLOW TD0001 1 100 3390', 'TPHIGH TD0001 2000 500 3390', 'WHOLE LX0103 1 10016 3390',
        'WHOLE2 LX0102 1 10016 3390']
    assert space(psmapi, 1, 3, 'NEWPOOL BIG') == ['NEWPOOL TPLOW TPHIGH', 'BIG WHOLE2']
    # first fit in the group: volume order, then region start
    assert rcrs(create_dm(psmapi, 'GUEST1', '0201', 90, area='NEWPOOL')) == (0, 0)
    assert rcrs(create_dm(psmapi, 'GUEST1', '0202', 20, area='NEWPOOL')) == (0, 0)
    assert rcrs(create_dm(psmapi, 'GUEST1', '0203', 20, area='TPHIGH', alloc='AUTOR')) == (0, 0)
    assert [where(psim, 'GUEST1', v) for v in ('0201', '0202', '0203')] == [
        ('TD0001', 1, 90), ('TD0001', 2000, 20), ('TD0001', 2020, 20)]
    # a region on a volume the system does not have (DirMaint does not check)
    assert rcrs(define(psmapi, 2, 'GHOST', 'GHOST1', 1, 300, group='GPOOL', device_type=1)) == (0, 0)
    assert space(psmapi, 1, 1, 'GHOST1') == ['GHOST1 3390 301 GHOST']
    assert rcrs(create_dm(psmapi, 'GUEST1', '0204', 300, area='GPOOL')) == (0, 0)


def test_define_extended_keeps_the_allocation_method(psim, psmapi):
    reply = psmapi('Image_Volume_Space_Define_Extended_DM', function_type='2', region_name='XREG',
                   image_vol_id='TD0001', start_cylinder='10', size='20', group_name='XPOOL', device_type='1',
                   alloc_method='1')
    assert rcrs(reply) == (0, 0)
    assert space(psmapi, 1, 2, 'XREG') == ['XREG TD0001 10 20 3390']
    with psim.store.transaction() as tx:
        assert tx.obj('dasd_group', 'XPOOL') == {'alloc_method': 1}
    assert rcrs(psmapi('Image_Volume_Space_Define_Extended_DM', function_type='5', region_name='XREG',
                       group_name='XPOOL')) == (420, 4)
    assert rcrs(psmapi('Image_Volume_Space_Define_Extended_DM', function_type='2', region_name='YREG',
                       image_vol_id='TD0001', start_cylinder='10', size='20')) == (8, 3004)
    assert rcrs(psmapi('Image_Volume_Space_Define_Extended_DM', function_type='1', region_name='YREG',
                       image_vol_id='TD0001', start_cylinder='10', size='20', device_type='2')) == (8, 3003)
    assert rcrs(remove(psmapi, 7, group='XPOOL')) == (0, 0)
    with psim.store.transaction() as tx:
        assert tx.obj('dasd_group', 'XPOOL') is None


@pytest.mark.parametrize('args,code', [
    ((1, 'TP0001', 'TD0001', 1, 10), (420, 4)),           # the seed's region TP0001 exists
    ((5, 'NOREG', '', -1, -1, 'TPOOL'), (420, 8)),
    ((5, 'TP0001', '', -1, -1, 'TPOOL'), (420, 4)),        # already in the group
    ((3, 'NEWREG', 'NOVOL'), (420, 36)),
    ((1, 'NEWREG', 'NOVOL', 1, 10), (420, 36)),            # unknown volume and no device type
    ((2, 'NEWREG', 'TD0001', 1, 10), (24, 1024)),          # no group name
    ((1, 'NEWREG', '', 1, 10), (24, 724)),                 # no volume
    ((1, 'NEWREG', 'TD0001', -1, 10), (24, 815)),
    ((1, 'NEWREG', 'TD0001', 1, 0), (24, 915)),
    ((1, 'NEWREG', 'TD0001', 3000, 500), (24, 918)),       # past the end of the volume
    ((1, 'NEWREG', 'TD0001', 1, 10, '', 2), (24, 1123)),   # a 9336 region on a 3390
])
def test_define_errors(psmapi, args, code):
    before = space(psmapi, 1, 2)
    assert rcrs(define(psmapi, *args)) == code
    assert space(psmapi, 1, 2) == before


def test_remove_every_function_type(psim, psmapi):
    assert rcrs(define(psmapi, 2, 'R1', 'TD0001', 1, 100, group='G1')) == (0, 0)
    assert rcrs(define(psmapi, 2, 'R2', 'TD0001', 200, 100, group='G1')) == (0, 0)
    assert rcrs(define(psmapi, 5, 'R2', group='G2')) == (0, 0)
    assert rcrs(remove(psmapi, 2, region='R2', group='G1')) == (0, 0)        # 2: from one group
    assert space(psmapi, 1, 3, 'G1 G2') == ['G1 R1', 'G2 R2']
    assert rcrs(remove(psmapi, 3, region='R2')) == (0, 0)                    # 3: from all groups
    assert rcrs(remove(psmapi, 1, region='R2')) == (0, 0)                    # 1: the region
    assert [r.split()[0] for r in space(psmapi, 1, 2, 'TD0001 R1')] == ['TD0001', 'R1']
    assert rcrs(remove(psmapi, 5, volid='TD0001', group='G1')) == (0, 0)     # 5: a volume's regions from a group
    assert rcrs(define(psmapi, 5, 'R1', group='G3')) == (0, 0)
    assert rcrs(remove(psmapi, 6, volid='TD0001')) == (0, 0)                 # 6: from all groups
    assert 'G3' not in ' '.join(space(psmapi, 1, 3))
    assert rcrs(remove(psmapi, 4, volid='TD0001')) == (0, 0)                 # 4: all of a volume's regions
    assert rcrs(psmapi('Image_Volume_Space_Query_DM', query_type=1, entry_type=1, entry_names='TD0001')) == (420, 8)
    assert rcrs(create_dm(psmapi, 'GUEST1', '0201', 5, area='TD0001', alloc='AUTOV')) == (420, 8)
    assert rcrs(remove(psmapi, 7, group='TPOOL')) == (0, 0)                  # 7: a group
    assert 'TPOOL' not in ' '.join(space(psmapi, 1, 3))
    assert rcrs(create_dm(psmapi, 'GUEST1', '0201', 5)) == (420, 8)
    # allocated minidisks stay where they are
    assert ('LX0100', 1, 1457, 'LINUX01', '0100') in extents(psim)


@pytest.mark.parametrize('args,code', [
    ((1, 'NOREG'), (420, 8)),
    ((2, 'TP0001', '', 'NOPOOL'), (420, 8)),
    ((2, 'TP0001', '', 'FBAPOOL'), (420, 12)),
    ((4, '', 'NOVOL'), (420, 8)),
    ((5, '', 'TP0001', 'FBAPOOL'), (420, 12)),
    ((7, '', '', 'NOPOOL'), (420, 8)),
    ((1, ''), (24, 624)),
    ((4, ''), (24, 724)),
    ((7, ''), (24, 824)),
])
def test_remove_errors(psmapi, args, code):
    before = space(psmapi, 1, 2) + space(psmapi, 1, 3)
    assert rcrs(remove(psmapi, *args)) == code
    assert space(psmapi, 1, 2) + space(psmapi, 1, 3) == before


def test_defined_only_volume_is_forgotten_with_its_last_region(psim, psmapi):
    assert rcrs(define(psmapi, 1, 'GHOST', 'GHOST1', 1, 300, device_type=4)) == (0, 0)
    with psim.store.transaction() as tx:
        assert tx.volume('GHOST1')['devtype'] == '9336' and tx.volume('GHOST1')['defined_only']
    assert rcrs(remove(psmapi, 1, region='GHOST')) == (0, 0)
    with psim.store.transaction() as tx:
        assert tx.volume('GHOST1') is None


# ---------------------------------------------------------------------------
# The captures of a real system, sent verbatim
# ---------------------------------------------------------------------------

FUNCTIONS = ('Image_Disk_Create_DM', 'Image_Disk_Delete_DM', 'Image_Disk_Copy_DM', 'Image_Disk_Share_DM',
             'Image_Disk_Unshare_DM', 'Image_Disk_Create', 'Image_Disk_Delete', 'Image_Disk_Query',
             'Image_MDISK_Link_Query', 'Image_Volume_Space_Query_DM', 'Image_Volume_Space_Query_Extended_DM',
             'Image_Volume_Space_Define_DM', 'Image_Volume_Space_Define_Extended_DM', 'Image_Volume_Space_Remove_DM')

GT_PONG = ['USER GT@PONG @SM8PI@ 1G 1G ABCDEFG', 'IPL CMS', 'MACHINE ESA 4', 'CONSOLE 0009 3215',
           'SPOOL 00C 2540 READER *', 'LINK MAINT 190 190 RR', 'MDISK 0888 3390 1457 10 LX3002 W READ WRITE MULTIPLE',
           'MDISK 0777 3390 29129 1000 LX3000 W READ WRITE MULTIPLE']
GT_PING = ['USER GT@PING @SM8PI@ 1G 2G ABCDEFG', 'IPL CMS', 'MACHINE ESA 1', 'CONSOLE 0009 3215 T',
           'MDISK 0777 3390 2467 1000 LX3004 W READ WRITE MULTIPLE',
           'MDISK 0555 3390 3467 100 LX3004 MR READ WRITE MULTIPLE']


def capture_config():
    """The default system plus the guests and volumes the captures name."""
    base = default_config()
    dasd = base['dasd'] + [{'volid': v, 'devtype': '3390', 'cylinders': 32760, 'rdev': r}
                           for v, r in (('LX3000', '3000'), ('LX3002', '3002'), ('LX3004', '3004'))]
    guests = []
    for guest in base['guests']:
        if guest['userid'] == 'TCPIP':
            guest = dict(guest, records=guest['records'] + ['MDISK 0592 3390 0300 0010 M01RES RR'])
        guests.append(guest)
    guests += [{'userid': 'GT@PONG', 'records': GT_PONG}, {'userid': 'GT@PING', 'records': GT_PING},
               {'userid': 'DTCVSW1', 'state': 'on', 'records': ['USER DTCVSW1 NOLOG 64M 64M G',
                                                                'LINK TCPIP 0592 0592 RR']}]
    return {'dasd': dasd, 'guests': guests, 'groups': {'LINUX': ['LX3004']}}


def _log_on_pong(sim):
    with sim.store.transaction(write=True) as tx:
        cp.log_on(tx, 'GT@PONG')
        disks.attach_directory_disks(tx, 'GT@PONG')


_DELETE_PONG_777 = ('Image_Disk_Delete_DM', 'GT@PONG', {'image_disk_number': '0777', 'data_security_erase': 0})
BEFORE = {
    'Image_Disk_Delete_DM.1': ['Image_Disk_Create_DM.1'],
    'Image_Disk_Copy_DM.1': [_DELETE_PONG_777],
    'Image_Disk_Share_DM.1': [_DELETE_PONG_777],
    'Image_Disk_Unshare_DM.1': [_DELETE_PONG_777, 'Image_Disk_Share_DM.1'],
    'Image_Disk_Create.1': [_log_on_pong, 'Image_Disk_Create_DM.1'],
    'Image_Disk_Delete.1': [_log_on_pong, 'Image_Disk_Create_DM.1', 'Image_Disk_Create.1'],
    'Image_Volume_Space_Define_DM.2': ['Image_Volume_Space_Define_DM.1'],
    'Image_Volume_Space_Define_Extended_DM.3': ['Image_Volume_Space_Define_Extended_DM.2'],
    'Image_Volume_Space_Remove_DM.1': ['Image_Volume_Space_Define_DM.1', 'Image_Volume_Space_Define_DM.2'],
    'Image_Volume_Space_Remove_DM.2': ['Image_Volume_Space_Define_DM.1', 'Image_Volume_Space_Define_DM.2'],
    'Image_Volume_Space_Remove_DM.3': [('Image_Volume_Space_Define_DM', 'MAINT', {
        'function_type': 2, 'region_name': 'RGN009', 'image_vol_id': 'TST009', 'start_cylinder': 1, 'size': 100,
        'group_name': 'GRP002', 'device_type': 1})],
    'Image_Volume_Space_Remove_DM.4': ['Image_Volume_Space_Define_DM.1', 'Image_Volume_Space_Define_DM.2'],
}
# replies whose output equals the capture's byte for byte
SAME_OUTPUT = ('Image_Disk_Delete_DM.1', 'Image_Disk_Share_DM.1', 'Image_Disk_Unshare_DM.1', 'Image_Disk_Create.1',
               'Image_Disk_Delete.1', 'Image_Volume_Space_Define_DM.1', 'Image_Volume_Space_Define_DM.2',
               'Image_Volume_Space_Remove_DM.1', 'Image_Volume_Space_Remove_DM.2')


@pytest.mark.usefixtures('captures_dir')
@pytest.mark.parametrize('name', capture_names(FUNCTIONS))
def test_capture(make_sim, name):
    reply, raw, response = send_capture(make_sim(capture_config()), name, before=BEFORE.get(name, []))
    assert rcrs(reply) == struct.unpack('>ii', response[12:20]) == (0, 0)
    if name in SAME_OUTPUT:
        assert raw[20:] == response[20:]
    if name == 'Image_Volume_Space_Query_Extended_DM.1':
        assert reply['record_array'] and all(r.split()[6::2] == ['*', '*'] and len(r.split()) == 9
                                             for r in reply['record_array'])
        assert 'LX3004 3390 2467 1000 GT@PING 0777 * LX3004 *' in reply['record_array']
    if name == 'Image_MDISK_Link_Query.1':
        assert reply['link_array'] == [{'system_name': 'ZVMSIM1', 'user': 'DTCVSW1', 'vaddr': '0592',
                                        'access_mode': 'READ'}]
    if name == 'Image_Disk_Query.1':
        assert [d['vdasd_vdev'] for d in reply['vdasd_array']] == ['0191']


@pytest.mark.usefixtures('captures_dir')
def test_capture_list_is_complete():
    assert len(capture_names(FUNCTIONS)) == 19


# ---------------------------------------------------------------------------
# Many clients allocating from one pool at once, against a real server
# ---------------------------------------------------------------------------

GUESTS = ['CONC%02d' % n for n in range(1, 9)]


def _concurrent_config():
    base = default_config()
    dasd = base['dasd'] + [{'volid': 'CC0001', 'devtype': '3390', 'cylinders': 801, 'rdev': '0C01'},
                           {'volid': 'CC0002', 'devtype': '3390', 'cylinders': 1201, 'rdev': '0C02'}]
    guests = base['guests'] + [{'userid': g, 'records': ['USER %s LBYONLY 1G 1G G' % g, 'INCLUDE IBMDFLT']}
                               for g in GUESTS]
    return {'dasd': dasd, 'guests': guests, 'groups': {'CPOOL': ['CC0001', 'CC0002']}}


def _worker(client, guest, seed, errors):
    def create(vdev, size):
        client.call('Image_Disk_Create_DM', guest, image_disk_number=vdev, image_disk_device_type='3390',
                    image_disk_allocation_type='AUTOG', allocation_area_name_or_volser='CPOOL',
                    allocation_unit_size=1, image_disk_size=size, image_disk_mode='MR', image_disk_formatting=0,
                    image_disk_label='', read_password='', write_password='', multi_password='')
    try:
        for i in range(25):
            create('%04X' % (0x200 + i), 1 + (i * 7 + seed) % 13)
        for i in range(0, 25, 5):      # free some space while the others allocate...
            client.call('Image_Disk_Delete_DM', guest, image_disk_number='%04X' % (0x200 + i), data_security_erase=0)
        for i in range(5):             # ...and allocate again
            create('%04X' % (0x300 + i), 2 + (i + seed) % 9)
    except Exception as exc:  # pylint: disable=broad-except
        errors.append((guest, exc))


def test_concurrent_allocation_from_one_pool():
    started = time.monotonic()
    with SimServer(_concurrent_config()) as server:
        client = SmapiClient('127.0.0.1', 'MAINT', 'MAINT', port=server.port, timeout=60, retries=0)
        errors = []
        threads = [threading.Thread(target=_worker, args=(client, g, n, errors)) for n, g in enumerate(GUESTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not errors, errors
        used = client.call('Image_Volume_Space_Query_DM', 'MAINT', query_type=3, entry_type=3,
                           entry_names='CPOOL')['record_array']
        state = server.dump()
    ours = [e for e in state['extents'] if e['owner'] in GUESTS]
    assert len(ours) == 200
    # no two extents overlap, none uses cylinder 0 or passes the end of its volume
    sizes = {'CC0001': 801, 'CC0002': 1201}
    for volid, size in sizes.items():
        spans = sorted((e['start'], e['start'] + e['size']) for e in state['extents'] if e['volid'] == volid)
        assert spans and spans[0][0] >= 1 and spans[-1][1] <= size
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), spans
    # the pool's used records are exactly the recorded extents
    words = [r.split() for r in used]
    assert all(len(w) == 9 and w[6] == '*' and w[7] == 'CPOOL' for w in words)
    assert sorted((w[0], int(w[2]), int(w[3]), w[4], w[5]) for w in words) == \
        sorted((e['volid'], e['start'], e['size'], e['owner'], e['vdev']) for e in ours)
    # every MDISK statement matches its extent
    for guest in GUESTS:
        entry = model.parse(state['directory'][guest])
        stated = sorted((m.volser, m.start, m.size, guest, m.vdev) for m in entry.mdisks)
        recorded = sorted((e['volid'], e['start'], e['size'], e['owner'], e['vdev']) for e in ours
                          if e['owner'] == guest)
        assert len(stated) == 25 and stated == recorded
    assert time.monotonic() - started < 30
