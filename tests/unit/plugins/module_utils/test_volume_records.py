# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The volume values (volumes/values.py), the ``* ZVMCLOUD VOLUME`` records
of a directory entry (directory/records.py) and the volume planner
(planners/volumes.py), without I/O."""

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils import directory
from ansible_collections.zvm.cloud.plugins.module_utils.directory import records
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.planners import volumes as planner
from ansible_collections.zvm.cloud.plugins.module_utils.volumes import values

BASE = ['USER LINUX02 LBYONLY 2G 4G G', 'INCLUDE IBMDFLT', 'IPL 0100', 'MACHINE ESA 2',
        'NICDEF 1000 TYPE QDIO LAN SYSTEM VSW1', 'MDISK 0100 3390 1458 1457 LX0100 MR']
W1, W2 = '500507680b21ac40', '500507680b22ac40'
LUN = '4001400000000000'


def entry(*extra):
    return directory.parse(BASE + list(extra))


def stored(ent):
    """The entry as DirMaint stores it: upper case, 72 columns."""
    lines = ent.records()
    assert all(len(line) <= 72 for line in lines)
    return directory.parse([line.upper() for line in lines])


def volume(vid='0A1B2C3D', lun=LUN, fcps=('1A00', '1B00'), wwpns=(W1, W2), mount='/dev/data01', **kw):
    return records.Volume(vid, lun, [(f, w) for f in fcps for w in wwpns], mount_point=mount, **kw)


# -- values ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize('given,expected', [
    ('0x500507680B21AC40', W1), (W1.upper(), W1), ('  %s ' % W1, W1)])
def test_wwpn_is_16_hex_digits_with_or_without_0x(given, expected):
    assert values.wwpn(given) == expected and values.lun('0X' + LUN) == LUN


@pytest.mark.parametrize('bad', ['500507680b21ac4', '500507680b21ac400', '0x', 'g00507680b21ac40', '',
                                 '500507680b21ac4\u0660', '500507680b21ac4\uff10', '50050768 0b21ac40',
                                 '\u200b500507680b21ac40', None, 12, ['x']])
def test_a_bad_wwpn_or_lun_names_the_field(bad):
    with pytest.raises(InputError, match='^target_wwpn: '):
        values.wwpn(bad, 'target_wwpn')
    with pytest.raises(InputError, match='^lun: '):
        values.lun(bad)


@pytest.mark.parametrize('good', ['/dev/data01', '/dev/disk/zvm/Vol_1.a-b', '/mnt/x', '/dev/A'])
def test_mount_points_of_safe_characters(good):
    assert values.mount_point(good) == good


@pytest.mark.parametrize('bad', ['dev/data01', '/dev/', '/dev', '/', '/dev//x', '/dev/../etc', '/dev/./x',
                                 '/dev/a b', "/dev/a'b", '/dev/a;reboot', '/dev/$(x)', '/dev/a+b', '/dev/a^b',
                                 '/dev/\u0131', '/dev/a\x00', '/' + 'a' * 300, ''])
def test_unsafe_mount_points_are_refused(bad):
    with pytest.raises(InputError, match='^mount_point: '):
        values.mount_point(bad)


def test_other_values():
    assert values.fcp_device('1a0') == '01A0' and values.symlink_name('/dev/disk/d1') == 'disk/d1'
    assert values.symlink_name('/mnt/x') == 'mnt/x' and values.os_version('RHEL8') == 'rhel8'
    assert values.os_version('ubuntu22.04') == 'ubuntu22.04'
    for bad in ('rhel 8', 'rhel8;x', 'r', 'x' * 20):
        with pytest.raises(InputError, match='^os_version: '):
            values.os_version(bad)
    assert values.listed('1a00, 1B00 1a00', 'f', values.fcp_device) == ['1A00', '1B00']
    with pytest.raises(InputError, match='^f: '):
        values.listed('1a00\u00a01b00', 'f', values.fcp_device)     # a no-break space is not a separator
    with pytest.raises(InputError, match='at least one'):
        values.listed([], 'f', values.fcp_device)
    assert [values.flag(v, 'm') for v in (True, 'yes', 0, 'off')] == [True, True, False, False]
    with pytest.raises(InputError, match='^m: '):
        values.flag('maybe', 'm')


# -- records ---------------------------------------------------------------------------------------------

def test_records_round_trip_through_upper_case_72_column_records():
    ent = entry()
    vol = volume(os_version='rhel8', multipath=True, mount='/dev/Disk/Data_01')
    assert records.put(ent, vol) is True
    texts = [r for r in ent.records() if 'ZVMCLOUD' in r]
    assert texts[0] == '* ZVMCLOUD VOLUME 0A1B2C3D OPTS rhel8 MP DATA'
    assert texts[1] == '* ZVMCLOUD VOLUME 0A1B2C3D MOUNT /dev/^disk/^data_01'
    assert texts[2:] == ['* ZVMCLOUD VOLUME 0A1B2C3D PATH %s %s %s' % (f, w.upper(), LUN)
                         for f in ('1A00', '1B00') for w in (W1, W2)]
    back = records.volumes(stored(ent))
    assert len(back) == 1 and back[0].same_as(vol)
    assert back[0].fcps == ['1A00', '1B00'] and back[0].wwpns == [W1, W2]
    assert records.put(stored(ent), vol) is False                  # the same records: no change


def test_a_long_mount_point_continues_on_more_records():
    mount = '/dev/' + '/'.join(['Level%02d' % n for n in range(20)])
    ent = entry()
    records.put(ent, volume(mount=mount))
    mounts = [r for r in ent.records() if ' MOUNT ' in r]
    assert len(mounts) > 3 and all(r.endswith('+') for r in mounts[:-1]) and not mounts[-1].endswith('+')
    assert records.volumes(stored(ent))[0].mount_point == mount


def test_several_volumes_and_removal():
    ent = entry('DEDICATE 1A00 1A00', 'DEDICATE 1B00 1B00')
    records.put(ent, volume('00000001', lun=LUN, mount='/dev/a'))
    records.put(ent, volume('00000002', lun='4001400100000000', fcps=('1A00',), mount='/dev/b', is_root_volume=True))
    found = records.volumes(stored(ent))
    assert [v.id for v in found] == ['00000001', '00000002'] and found[1].is_root_volume
    assert records.fcps_in_use(found, but='00000001') == {'1A00'}
    assert records.find(found, '4001400100000000', [W2]).id == '00000002'
    assert records.find(found, '4001400100000000', ['5005076800000001']) is None      # same LUN, other storage
    assert records.remove(ent, '00000001') is True and records.remove(ent, '00000001') is False
    assert [v.id for v in records.volumes(ent)] == ['00000002']
    assert ent.find_dedicate('1A00') is not None                  # records only: DEDICATE stays


def test_records_are_read_whatever_their_case_and_blanks_and_bad_ones_are_reported():
    ent = entry('*zvmcloud  volume 0a1b2c3d path 1a00 %s %s' % (W1, LUN),
                '* ZVMCLOUD VOLUME 0A1B2C3D PATH 1A00 NOTAWWPN %s' % LUN,
                '* ZVMCLOUD VOLUME 0A1B2C3D PATH 1B00 %s 4001400100000000' % W1,
                '* ZVMCLOUD VOLUME 0A1B2C3D OPTS rhel8 MAYBE DATA',
                '* ZVMCLOUD VOLUME FFFFFFFF OPTS rhel8 MP DATA',
                '* ZVMCLOUD IMAGE 0100 someimage 0123')
    found = records.volumes(ent)
    assert [(v.id, v.paths) for v in found] == [('0A1B2C3D', [('1A00', W1)])]
    problems = records.problems(ent)
    assert len(problems) == 4 and any('NOTAWWPN' in p for p in problems)
    assert any('differs from the LUN' in p for p in problems) and any('FFFFFFFF has no PATH' in p for p in problems)


def test_volume_ids():
    first = records.volume_id(LUN, [W2, W1])
    assert first == records.volume_id(LUN, [W1, W2]) and len(first) == 8
    assert records.volume_id(LUN, [W1, W2], taken=[first]) != first
    with pytest.raises(InputError):
        records.texts(volume('xyz'))


# -- requests ---------------------------------------------------------------------------------------

def test_request_in_the_reference_implementations_keys():
    req = planner.request({'assigner_id': 'linux02', 'zvm_fcp': ['1a00', '1b00'], 'target_wwpn': ['0x' + W1],
                           'target_lun': '0x' + LUN, 'os_version': 'RHEL8', 'mount_point': '/dev/data01',
                           'multipath': 'true', 'is_root_volume': False, 'do_rollback': False})
    assert req == {'userid': 'LINUX02', 'fcps': ['1A00', '1B00'], 'candidates': None, 'count': None, 'wwpns': [W1],
                   'lun': LUN, 'is_root_volume': False, 'mount_point': '/dev/data01', 'os_version': 'rhel8',
                   'multipath': True, 'do_rollback': False, 'active': True}


def test_request_in_the_documented_shapes():
    req = planner.request({'alias': '/dev/vdb', 'protocol': 'fc', 'fcps': ['1a00'], 'wwpns': [W1],
                           'dedicate': ['1a00']},
                          guest={'name': 'linux02', 'os_type': 'sles15'}, volume={'lun': LUN, 'type': 'fc', 'size': '1G'})
    assert (req['userid'], req['fcps'], req['mount_point'], req['os_version'], req['lun']) == (
        'LINUX02', ['1A00'], '/dev/vdb', 'sles15', LUN)
    with pytest.raises(InputError, match='protocol'):
        planner.request({'assigner_id': 'x', 'protocol': 'iscsi'})


@pytest.mark.parametrize('info,message', [
    ({}, 'assigner_id'),
    ({'assigner_id': 'LINUX02', 'target_wwpn': [W1], 'target_lun': LUN, 'mount_point': '/dev/a'}, 'zvm_fcp'),
    ({'assigner_id': 'LINUX02', 'zvm_fcp': ['1a00'], 'target_lun': LUN, 'mount_point': '/dev/a'}, 'target_wwpn'),
    ({'assigner_id': 'LINUX02', 'zvm_fcp': ['1a00'], 'target_wwpn': [W1], 'mount_point': '/dev/a'}, 'target_lun'),
    ({'assigner_id': 'LINUX02', 'zvm_fcp': ['1a00'], 'target_wwpn': [W1], 'target_lun': LUN}, 'mount_point'),
    ({'assigner_id': 'LINUX02', 'zvm_fcp': ['1a00'], 'fcp_candidates': ['1b00'], 'target_wwpn': [W1],
      'target_lun': LUN, 'mount_point': '/dev/a'}, 'mutually exclusive'),
    ({'assigner_id': 'LINUX02', 'fcp_count': 2, 'target_wwpn': [W1], 'target_lun': LUN, 'mount_point': '/dev/a'},
     'fcp_candidates'),
    ({'assigner_id': 'LINUX02', 'zvm_fcp': ['xyz12'], 'target_wwpn': [W1], 'target_lun': LUN,
      'mount_point': '/dev/a'}, 'zvm_fcp'),
])
def test_bad_requests(info, message):
    with pytest.raises(InputError, match=message):
        planner.request(info)


def test_a_detach_request_needs_no_devices_or_mount_point():
    req = planner.request({'assigner_id': 'linux02', 'target_wwpn': [W1], 'target_lun': LUN}, detach=True)
    assert req['fcps'] is None and req['mount_point'] is None


# -- plans -----------------------------------------------------------------------------------------------

def devices(**owners):
    out = []
    for fcp, chpid in (('1A00', '50'), ('1A01', '50'), ('1B00', '51'), ('1B01', '51'), ('1C00', '52')):
        out.append({'fcp': fcp, 'chpid': chpid, 'npiv_wwpn': None, 'physical_wwpn': None,
                    'status': 'offline' if fcp == '1C00' else ('active' if owners.get(fcp) else 'free'),
                    'owner': owners.get(fcp)})
    return out


def attach_req(**kw):
    info = {'assigner_id': 'LINUX02', 'zvm_fcp': ['1A00', '1B00'], 'target_wwpn': [W1, W2], 'target_lun': LUN,
            'mount_point': '/dev/data01', 'os_version': 'rhel8', 'multipath': True}
    info.update(kw)
    return planner.request(dict((k, v) for k, v in info.items() if v is not None))


def test_a_new_volume_dedicates_scripts_and_records():
    plan = planner.attach_plan(attach_req(), entry(), devices(), {}, logged_on=True)
    assert (plan['dedicate_dm'], plan['dedicate'], plan['script'], plan['record']) == (
        ['1A00', '1B00'], ['1A00', '1B00'], True, True)
    assert plan['volume'].paths == [('1A00', W1), ('1A00', W2), ('1B00', W1), ('1B00', W2)]
    logged_off = planner.attach_plan(attach_req(), entry(), devices(), {}, logged_on=False)
    assert logged_off['dedicate'] == []


def test_a_second_volume_shares_the_dedicated_devices():
    ent = entry('DEDICATE 1A00 1A00', 'DEDICATE 1B00 1B00')
    records.put(ent, planner.attach_plan(attach_req(), entry(), devices(), {})['volume'])
    plan = planner.attach_plan(attach_req(target_lun='4001400100000000', mount_point='/dev/data02'), ent,
                               devices(**{'1A00': 'LINUX02', '1B00': 'LINUX02'}), {}, logged_on=True)
    assert (plan['dedicate_dm'], plan['dedicate'], plan['script'], plan['record']) == ([], [], True, True)
    assert planner.converged_attach(attach_req(), ent) is not None
    assert planner.converged_attach(attach_req(mount_point='/dev/other'), ent) is None


@pytest.mark.parametrize('kw,owners,claims,message', [
    ({'zvm_fcp': ['1A00', '9999']}, {}, {}, 'FCP device 9999 does not exist'),
    ({'zvm_fcp': ['1C00']}, {}, {}, 'offline'),
    ({}, {'1A00': 'LINUX01'}, {}, 'attached to guest LINUX01'),
    ({}, {}, {'1B00': [('LINUX03', '1B00')]}, 'dedicated to LINUX03 in the directory'),
    ({'zvm_fcp': ['1A00', '1A01']}, {}, {}, 'share CHPID 50'),
])
def test_an_attach_that_cannot_be_done_changes_nothing(kw, owners, claims, message):
    with pytest.raises(InputError, match=message):
        planner.attach_plan(attach_req(**kw), entry(), devices(**owners), claims)


def test_the_device_number_must_be_free_in_the_entry():
    with pytest.raises(InputError, match='taken by NIC 1000'):
        planner.attach_plan(attach_req(zvm_fcp=['1001']), entry(), None, {})
    with pytest.raises(InputError, match='DEDICATE of real device 1B00'):
        planner.attach_plan(attach_req(zvm_fcp=['1A00']), entry('DEDICATE 1A00 1B00'), None, {})


def test_the_mount_point_cannot_change_or_be_taken_twice():
    ent = entry()
    records.put(ent, planner.attach_plan(attach_req(), entry(), devices(), {})['volume'])
    with pytest.raises(InputError, match='detach it first'):
        planner.attach_plan(attach_req(mount_point='/dev/other'), ent, devices(), {})
    with pytest.raises(InputError, match='already names LUN'):
        planner.attach_plan(attach_req(target_lun='4001400100000000'), ent, devices(), {})


def test_candidates_are_spread_over_chpids_and_skip_taken_devices():
    req = attach_req(zvm_fcp=None, fcp_candidates=['1A00', '1A01', '1B00', '1B01'], fcp_count=2)
    plan = planner.attach_plan(req, entry(), devices(**{'1A00': 'LINUX09'}), {'1B00': [('LINUX08', '1B00')]})
    assert plan['dedicate_dm'] == ['1A01', '1B01']
    mine = planner.attach_plan(req, entry('DEDICATE 1B01 1B01'), devices(), {'1B01': [('LINUX02', '1B01')]})
    assert mine['volume'].fcps == ['1B01', '1A00'] and mine['dedicate_dm'] == ['1A00']
    with pytest.raises(InputError, match='only 1 of the 2'):
        planner.attach_plan(req, entry(), devices(), {'1B00': [('X', '1B00')], '1B01': [('Y', '1B01')]})


def test_detach_undedicates_only_devices_no_other_volume_uses():
    ent = entry('DEDICATE 1A00 1A00', 'DEDICATE 1B00 1B00')
    records.put(ent, volume('00000001', mount='/dev/a'))
    records.put(ent, volume('00000002', lun='4001400100000000', fcps=('1A00',), mount='/dev/b'))
    req = planner.request({'assigner_id': 'LINUX02', 'target_wwpn': [W1], 'target_lun': LUN}, detach=True)
    plan = planner.detach_plan(req, ent, devices(**{'1A00': 'LINUX02', '1B00': 'LINUX02'}), logged_on=True)
    assert (plan['undedicate_dm'], plan['undedicate'], plan['offline_fcps']) == (['1B00'], ['1B00'], ['1B00'])
    other = planner.request({'assigner_id': 'LINUX02', 'target_wwpn': [W1], 'target_lun': '4001400200000000'},
                            detach=True)
    assert planner.detach_plan(other, ent)['volume'] is None
