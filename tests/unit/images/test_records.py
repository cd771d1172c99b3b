# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ZVMCLOUD comment records that say what a guest's disks were deployed
from: written within 72 columns, read back regardless of case."""

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils import directory
from ansible_collections.zvm.cloud.plugins.module_utils.images import records

MD5 = '0123456789abcdef0123456789abcdef'
ENTRY = ['USER LINUX01 PASSW0RD 1G 2G G', 'MDISK 0100 3390 1 1000 LX0100 MR', 'MDISK 0101 3390 1001 10 LX0100 MR']


def entry():
    return directory.parse(list(ENTRY))


@pytest.mark.parametrize('name', ['rhel9', 'x' * 17, 'x' * 18, 'rhel9.4-s390x-golden-2024', 'n' * 49, 'n' * 50,
                                  'A' + 'b' * 98 + 'Z'])
def test_any_name_round_trips_within_72_columns(name):
    e = entry()
    assert records.replace(e, '0100', records.image_texts('0100', name, MD5)) is True
    assert all(len(r) <= 72 for r in e.records())
    again = directory.parse(e.records())
    assert records.deployed(again) == {'0100': {'vdev': '0100', 'image_name': name, 'md5sum': MD5, 'clone_of': None}}


def test_the_short_form_is_one_record():
    assert records.image_texts('100', 'rhel9', MD5) == ['ZVMCLOUD IMAGE 0100 rhel9 %s' % MD5]
    e = entry()
    records.replace(e, '0100', records.image_texts('0100', 'rhel9', MD5))
    assert e.records()[-1] == '* ZVMCLOUD IMAGE 0100 rhel9 %s' % MD5


def test_a_new_record_replaces_the_old_one_of_that_vdev_only():
    e = entry()
    records.replace(e, '0100', records.image_texts('0100', 'a' * 60, MD5))
    records.replace(e, '0101', records.clone_texts('0101', 'gold', '200'))
    assert records.replace(e, '0101', records.clone_texts('0101', 'gold', '200')) is False
    records.replace(e, '0100', records.image_texts('0100', 'b', 'f' * 32))
    found = records.deployed(e)
    assert found['0100']['image_name'] == 'b' and found['0100']['md5sum'] == 'f' * 32
    assert found['0101'] == {'vdev': '0101', 'image_name': None, 'md5sum': None,
                             'clone_of': {'userid': 'GOLD', 'vdev': '0200'}}
    assert sum('ZVMCLOUD' in r for r in e.records()) == 2
    assert records.replace(e, '0100', []) is True and list(records.deployed(e)) == ['0101']


def test_read_back_upper_cased_and_without_the_disk():
    e = directory.parse(ENTRY + ['* ZVMCLOUD IMAGE 0100 RHEL9 %s' % MD5.upper(), '* zvmcloud image 0102 x %s' % MD5,
                                 '* ZVMCLOUD IMAGE 0101 HALF+'])
    assert records.deployed(e) == {'0100': {'vdev': '0100', 'image_name': 'RHEL9', 'md5sum': MD5, 'clone_of': None}}


def test_removing_an_mdisk_through_the_directory_model_removes_its_records():
    e = directory.parse(ENTRY + ['MDISK 0102 3390 2000 10 LX0100 MR', 'NICDEF 0600 TYPE QDIO', '*NICID 0600 eth0'])
    records.replace(e, '0100', records.image_texts('0100', 'keep', MD5))
    records.replace(e, '0101', records.image_texts('0101', 'n' * 70, MD5))          # two records
    records.replace(e, '0102', records.clone_texts('0102', 'gold', '100'))
    e.add_comment('ZVMCLOUD IMAGE 101')                                              # not a complete record
    e.add_comment('a comment that names ZVMCLOUD IMAGE 0101')
    assert records.recorded_vdevs(e) == {'0100', '0101', '0102'}
    assert e.remove_mdisk('101') is True and e.remove_mdisk('0102') is True           # in the same change
    assert records.recorded_vdevs(e) == {'0100'} and list(records.deployed(e)) == ['0100']
    left = [r for r in e.records() if r.startswith('*')]
    assert left == ['*NICID 0600 eth0', '* ZVMCLOUD IMAGE 0100 keep %s' % MD5,
                    '* a comment that names ZVMCLOUD IMAGE 0101']
    assert e.find_mdisk('0100') is not None and e.find_mdisk('0101') is None
    assert e.remove_mdisk('0101') is False
    again = directory.parse(e.records())
    again.add_mdisk('0101', '3390', 10, start=3000, volser='LX0100')                # made again at that vdev
    assert list(records.deployed(again)) == ['0100']


def test_dirmaints_dmdisk_removes_only_the_mdisk_statement():
    e = entry()
    records.replace(e, '0101', records.image_texts('0101', 'img', MD5))
    assert e.remove_mdisk_statement('0101') is True and e.remove_mdisk_statement('0101') is False
    assert records.recorded_vdevs(e) == {'0101'} and records.deployed(e) == {}
