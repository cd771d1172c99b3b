# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""planners.guests and planners.disks: a guest as declared against a
guest as it is, with no SMAPI at all."""

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils import directory
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.planners import disks as disk_specs
from ansible_collections.zvm.cloud.plugins.module_utils.planners import guests
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import SDKInvalidInputFormat

RECORDS = ['USER LINUX01 PASSW0RD 1G 2G G', 'INCLUDE IBMDFLT', 'CPU 00 BASE',
           'MDISK 0100 3390 1 1457 LX0100 MR', 'NICDEF 1000 TYPE QDIO DEVICES 3']


def entry():
    return directory.parse(RECORDS)


def test_new_entry_writes_every_statement_through_the_model():
    e = guests.new_entry('linux02', 2, 2048, user_profile='IBMDFLT', max_mem='4G', ipl_from='0100',
                         loaddev={'portname': '5005076802100C1B', 'lun': '0001000000000000'}, account='ACCT1',
                         comment_list=['made by zvm.cloud'], cshare='RELATIVE 200', dedicate_vdevs=['0600'])
    text = [r.rstrip() for r in e.records()]
    assert text[0] == 'USER LINUX02 LBYONLY 2G 4G G'
    assert 'LOADDEV PORTNAME 5005076802100C1B' in text and 'LOADDEV LUN 0001000000000000' in text
    assert 'SHARE RELATIVE 200' in text and '* made by zvm.cloud' in text
    assert 'DEDICATE 0600 0600' in text and 'IPL 0100' in text


@pytest.mark.parametrize('args,message', [
    (dict(vcpus=0), 'vcpus: 0 is not a number from 1 to 64'),
    (dict(vcpus=2, max_cpu=1), 'max_cpu: 1 is not a number from 2 to 64'),
    (dict(memory='lots'), "memory: 'lots'"),
    (dict(loaddev={'bootprog': '0'}), "loaddev: unknown key 'bootprog'"),
    (dict(comment_list=['x' * 80]), 'comment'),
])
def test_new_entry_names_the_bad_field(args, message):
    base = dict(userid='LINUX02', vcpus=1, memory='1G')
    base.update(args)
    with pytest.raises(SDKInvalidInputFormat, match=message.replace('(', r'\(')):
        guests.new_entry(**base)


def test_apply_settings_only_what_is_declared():
    e = entry()
    assert guests.apply_settings(e, {'memory': '1G', 'profile': 'IBMDFLT'}) is False
    assert guests.apply_settings(e, {'memory': '2G', 'vcpus': 2, 'max_vcpus': 4}) is True
    changes = directory.diff(entry(), e)
    assert guests.settings_summary(changes).startswith('update directory entry: ')
    assert guests.restart_needed(changes) is True
    e = entry()
    guests.apply_settings(e, {'logonby': ['MAINT']})
    assert guests.restart_needed(directory.diff(entry(), e)) is False


def test_plan_disks_create_delete_and_mismatch():
    specs = disk_specs.normalize([{'vdev': '0100', 'size': '1457', 'disk_pool': 'ECKD:POOL1'},
                                  {'vdev': '0101', 'size': '100', 'disk_pool': 'ECKD:POOL1'}])
    to_create, to_delete = guests.plan_disks(entry(), specs, purge=True)
    assert [s['vdev'] for s in to_create] == ['0101'] and to_delete == []
    to_create, to_delete = guests.plan_disks(entry(), specs[1:], purge=True)
    assert to_delete == ['0100']
    bigger = disk_specs.normalize([{'vdev': '0100', 'size': '2000', 'disk_pool': 'ECKD:POOL1'}])
    with pytest.raises(SDKInvalidInputFormat, match='disk 0100 has 1457 cylinders, not 2000'):
        guests.plan_disks(entry(), bigger, purge=False)


def test_predicted_pool_disk_and_device_conflicts():
    e = entry()
    spec = disk_specs.normalize([{'vdev': '0101', 'size': '100', 'disk_pool': 'ECKD:POOL1'}])[0]
    guests.add_predicted_disk(e, spec)
    disk = [d for d in e.to_dict()['disks'] if d['vdev'] == '0101'][0]
    assert (disk['pool'], disk['volser'], disk['start'], disk['size']) == ('POOL1', None, None, 100)
    assert 'MDISK 0101 3390 AUTOG 100 POOL1 MR' in [r.rstrip() for r in e.records()]
    clash = disk_specs.normalize([{'vdev': '1002', 'size': '100', 'disk_pool': 'ECKD:POOL1'}])[0]
    with pytest.raises(InputError, match='disk 1002: vdev 1002 is already in use by NIC 1000-1002'):
        guests.add_predicted_disk(e, clash)


def test_normalize_checks_the_entry_and_picks_free_vdevs():
    with pytest.raises(SDKInvalidInputFormat, match=r'^disks\[1\]: vdev 1001 is already in use by NIC 1000-1002$'):
        disk_specs.normalize([{'vdev': '1001', 'size': '1G', 'disk_pool': 'ECKD:P'}], entry=entry(), where='disks[%d]')
    specs = disk_specs.normalize([{'size': '1G', 'disk_pool': 'ECKD:P'}, {'size': '1G', 'disk_pool': 'ECKD:P'}],
                                 entry=entry())
    assert [s['vdev'] for s in specs] == ['0101', '0102']


@pytest.mark.parametrize('state,power,paused,steps,after', [
    ('started', 'off', None, ['start'], ('on', False)),
    ('started', 'on', True, ['unpause'], ('on', False)),
    ('started', 'on', False, [], ('on', False)),
    ('stopped', 'on', None, ['stop'], ('off', None)),
    ('stopped', 'off', None, [], ('off', None)),
    ('restarted', 'on', None, ['stop', 'start'], ('on', None)),
    ('restarted', 'off', None, ['start'], ('on', None)),
    ('paused', 'off', None, ['start', 'pause'], ('on', True)),
    ('paused', 'on', True, [], ('on', True)),
    ('present', 'on', None, [], ('on', None)),
])
def test_power_transitions(state, power, paused, steps, after):
    got_steps, got_power, got_paused = guests.power_transitions(state, power, paused)
    assert (got_steps, (got_power, got_paused)) == (steps, after)
