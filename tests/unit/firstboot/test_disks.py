# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""disk_info checked (each error naming its field) and the set-up doscript
of one minidisk: it passes bash -n and shellcheck, and says what zvmsdk's
setupDisk does (online, persistent, fstab at mntdir, swap) without ever
making a file system or removing a directory."""

import re
import subprocess

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.firstboot import disks
from tests.unit.firstboot import consumers


def test_defaults_as_zvmsdk():
    found = disks.normalize([{'format': 'ext3'}, {'format': 'XFS', 'vdev': '20a'}, {'format': 'swap'},
                             {'format': 'ext4', 'vdev': '0301', 'mntdir': '/srv/data'}])
    assert [(d.vdev, d.format, d.mntdir) for d in found] == [
        ('0101', 'ext3', '/mnt/ephemeral0101'), ('020A', 'xfs', '/mnt/ephemeral020a'), ('0103', 'swap', None),
        ('0301', 'ext4', '/srv/data')]
    assert found[1].bus_id == '0.0.020a' and found[0].where == 'disk_info[0].'
    assert disks.spool_name(found[1]) == 'disk020a.doscript'
    assert disks.normalize([]) == []


BAD = [
    ([{'vdev': '0101'}], 'disk_info[0].format', 'required'),
    ([{'format': 'ntfs'}], 'disk_info[0].format', 'not one of ext2, ext3, ext4, xfs, swap'),
    ([{'format': 'ext4', 'vdev': 'XYZ'}], 'disk_info[0].vdev', 'not a virtual device number'),
    ([{'format': 'ext4', 'mntdir': 'data'}], 'disk_info[0].mntdir', 'absolute path'),
    ([{'format': 'ext4', 'mntdir': '/data/'}], 'disk_info[0].mntdir', 'absolute path'),
    ([{'format': 'ext4', 'mntdir': '/data/../etc'}], 'disk_info[0].mntdir', 'absolute path'),
    ([{'format': 'ext4', 'mntdir': '//data'}], 'disk_info[0].mntdir', 'absolute path'),
    ([{'format': 'ext4', 'mntdir': '/my data'}], 'disk_info[0].mntdir', 'without blanks'),
    ([{'format': 'ext4', 'mntdir': '/data;reboot'}], 'disk_info[0].mntdir', 'absolute path'),
    ([{'format': 'ext4', 'mntdir': '/data$(id)'}], 'disk_info[0].mntdir', 'absolute path'),
    ([{'format': 'ext4', 'mntdir': '/'}], 'disk_info[0].mntdir', 'a directory the system needs'),
    ([{'format': 'ext4', 'mntdir': '/usr'}], 'disk_info[0].mntdir', 'a directory the system needs'),
    ([{'format': 'ext4', 'mntdir': '/proc/x'}], 'disk_info[0].mntdir', 'a directory the system needs'),
    ([{'format': 'ext4', 'mntdir': '/' + 'a' * 255}], 'disk_info[0].mntdir', '255 at most'),
    ([{'format': 'swap', 'mntdir': '/swap'}], 'disk_info[0].mntdir', 'not mounted'),
    ([{'format': 'ext4', 'vdev': '101'}, {'format': 'xfs', 'vdev': '0101'}], 'disk_info[1].vdev',
     'also disk_info[0].vdev'),
    ([{'format': 'ext4', 'mntdir': '/a'}, {'format': 'xfs', 'mntdir': '/a'}], 'disk_info[1].mntdir', 'also the mount'),
    ([{'format': 'ext4', 'size': '1G'}], 'disk_info[0]', 'unknown key(s) size'),
    (['0101'], 'disk_info[0]', 'must be a dict'),
    ({'format': 'ext4'}, 'disk_info', 'expected a list'),
]


@pytest.mark.parametrize('value, field, fragment', BAD, ids=['%s-%d' % (b[1], i) for i, b in enumerate(BAD)])
def test_bad_values_name_the_field(value, field, fragment):
    with pytest.raises(InputError) as e:
        disks.normalize(value)
    assert str(e.value).startswith(field + ':') and fragment in str(e.value), str(e.value)


@pytest.mark.parametrize('spec, vdisk', [({'format': 'ext4', 'vdev': '0101', 'mntdir': '/data'}, False),
                                         ({'format': 'xfs', 'vdev': '0A02'}, False),
                                         ({'format': 'swap', 'vdev': '0103'}, False),
                                         ({'format': 'swap', 'vdev': '0104'}, True)])
def test_disk_doscript_passes_bash_and_shellcheck(tmp_path, spec, vdisk):
    disk = disks.normalize([spec])[0]
    disk.vdisk = vdisk
    files = consumers.untar(disks.disk_doscript(disk, 'LINUX01').build(), str(tmp_path))
    assert sorted(files) == ['0000', 'invokeScript.sh']
    consumers.check_shell(str(tmp_path / 'invokeScript.sh'))
    consumers.check_shell(str(tmp_path / '0000'))
    text = files['0000'].decode()
    bus = disk.bus_id
    part = '/dev/disk/by-path/ccw-%s-part1' % bus
    assert 'bus=%s\n' % bus in text and 'part=%s\n' % part in text
    assert 'chccwdev -e "$bus"' in text and 'chzdev -e -y dasd "$bus"' in text and '/etc/dasd.conf' in text
    assert 'mkfs' not in text and 'rm -rf' not in text and 'rm -r' not in text
    if disk.format == 'swap':
        assert '"$part none swap defaults,nofail 0 0"' in text and 'swapon "$part"' in text
        assert 'mkswap' in text and 'mount "' not in text
        assert ('zvmcloud-mkswap-%s.service' % bus in text) == vdisk
    else:
        assert 'mntdir=%s\n' % disk.mntdir in text and 'fstype=%s\n' % disk.format in text
        assert '"$part $mntdir $fstype defaults,nofail 0 0"' in text and 'mount "$mntdir"' in text
        assert 'mkswap' not in text


def test_the_vdisk_unit_names_the_device_as_systemd_does():
    unit_name = subprocess.run([consumers.require('systemd-escape'), '--path', '/dev/disk/by-path/ccw-0.0.0104-part1'],
                               capture_output=True, text=True, check=True).stdout.strip()
    assert disks.unit_name('/dev/disk/by-path/ccw-0.0.0104-part1') == unit_name
    disk = disks.normalize([{'format': 'swap', 'vdev': '0104'}])[0]
    disk.vdisk = True
    text = disks.disk_script(disk)
    unit = re.search(r"<<'EOF'\n(.*?)\nEOF\n", text, re.S).group(1)
    assert 'Before=%s.swap swap.target' % unit_name in unit and 'Requires=%s.device' % unit_name in unit
    assert "ExecStart=/bin/sh -c 'blkid -p /dev/disk/by-path/ccw-0.0.0104-part1 >/dev/null || mkswap " in unit


def test_fstab_lines_are_replaced_by_the_device_path(tmp_path):
    """The sed expressions the script uses, run by sed on an fstab."""
    disk = disks.normalize([{'format': 'ext4', 'vdev': '0101', 'mntdir': '/data'}])[0]
    drop = re.search(r'^drop_fstab\(\) \{ (sed .*) /etc/fstab; \}$', disks.disk_script(disk), re.M).group(1)
    fstab = tmp_path / 'fstab'
    fstab.write_text('/dev/root / ext4 defaults 0 1\n# zvm.cloud 0.0.0101\n'
                     '/dev/disk/by-path/ccw-0.0.0101-part1 /old ext4 defaults 0 0\n'
                     '/dev/disk/by-path/ccw-0.0.0101-part10 /other ext4 defaults 0 0\n')
    subprocess.run(['bash', '-c', '%s "$1"' % drop, 'bash', str(fstab)], check=True)
    assert fstab.read_text() == ('/dev/root / ext4 defaults 0 1\n'
                                 '/dev/disk/by-path/ccw-0.0.0101-part10 /other ext4 defaults 0 0\n')
