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
