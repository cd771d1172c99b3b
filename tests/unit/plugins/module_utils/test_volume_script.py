# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The guest-side volume scripts (volumes/script.py): valid bash (bash -n
and shellcheck), the values in them, and no way for a value to get a
command in."""

import re
import shutil
import subprocess

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.volumes import script

W1, W2 = '500507680B21AC40', '0x500507680b22ac40'
LUN = '0x4001400000000000'


def check_bash(tmp_path, text, name):
    """bash -n and shellcheck (which CI installs; a missing one fails the test)."""
    path = tmp_path / name
    path.write_bytes(text)
    subprocess.run(['bash', '-n', str(path)], check=True)
    shellcheck = shutil.which('shellcheck')
    assert shellcheck, 'shellcheck is not installed'
    found = subprocess.run([shellcheck, '-s', 'bash', str(path)], capture_output=True, text=True, check=False)
    assert found.returncode == 0, found.stdout


def assignments(text):
    return dict(re.findall(r'^([A-Z_]+)=(.*)$', text.decode('ascii'), re.M))


@pytest.mark.parametrize('multipath', [True, False])
def test_the_attach_script_is_valid_bash_with_the_volume_in_it(tmp_path, multipath):
    text = script.attach_script(['1a00', '1B00'], [W1, W2], LUN, '/dev/Disk/data_01', multipath, 'RHEL8')
    check_bash(tmp_path, text, 'atvol.sh')
    found = assignments(text)
    assert found['FCPS'] == "('1a00' '1b00')"
    assert found['WWPNS'] == "('0x500507680b21ac40' '0x500507680b22ac40')"
    assert (found['LUN'], found['NAME'], found['MULTIPATH'], found['OS_VERSION']) == (
        '0x4001400000000000', "'Disk/data_01'", '1' if multipath else '0', "'rhel8'")
    body = text.decode('ascii')
    assert 'chzdev -e -a zfcp-lun "0.0.$fcp:$wwpn:$LUN"' in body and '"$port/unit_add"' in body
    assert '/etc/zfcp.conf' in body and 'ENV{DM_UUID}==\\"mpath-$wwid\\"' in body
    assert '"$tool" --page 0x83 --whitelisted' in body and text.startswith(b'#!/bin/bash\n')


def test_the_detach_script_takes_only_the_unused_devices_offline(tmp_path):
    text = script.detach_script(['1a00', '1b00'], [W1], LUN, '/dev/data01', True, None, offline_fcps=['1B00'])
    check_bash(tmp_path, text, 'devol.sh')
    found = assignments(text)
    assert (found['OFFLINE_FCPS'], found['OS_VERSION']) == ("('1b00')", "'linux'")
    body = text.decode('ascii')
    assert 'multipath -f "$map"' in body and 'chzdev -d zfcp-lun "0.0.$fcp:$wwpn:$LUN" --force' in body
    assert 'chzdev -d zfcp-host "$fcp"' in body
    empty = script.detach_script(['1a00'], [W1], LUN, '/dev/data01', False)
    check_bash(tmp_path, empty, 'devol2.sh')
    assert assignments(empty)['OFFLINE_FCPS'] == '()'
    with pytest.raises(InputError, match='offline_fcps: 1C00'):
        script.detach_script(['1a00'], [W1], LUN, '/dev/data01', offline_fcps=['1c00'])


@pytest.mark.parametrize('field,bad', [
    ('mount_point', "/dev/x'; reboot; '"), ('mount_point', '/dev/$(reboot)'), ('mount_point', '/dev/`id`'),
    ('mount_point', '/dev/a\nb'), ('wwpns', ["500507680b21ac40' x"]), ('fcp_devices', ['1a00;']),
    ('lun', '0x4001400000000000\n'), ('os_version', 'rhel8$(x)'),
])
def test_no_value_can_put_a_command_in_the_script(field, bad):
    args = {'fcps': ['1a00'], 'wwpns': [W1], 'lun': LUN, 'mount_point': '/dev/data01', 'os_version': 'rhel8'}
    args[{'fcp_devices': 'fcps'}.get(field, field)] = bad
    with pytest.raises(InputError):
        script.attach_script(**args)
