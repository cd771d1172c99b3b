# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The access node (zvmsim/node/): ``node setup`` and its commands vmcp,
vmur, chccwdev and cio_ignore, run as the SDK runs them: as separate
processes (an argument list, no shell), locally and through a real sshd
(``NodeSshd``, with paramiko and with OpenSSH's ssh)."""

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.smapi.client import SmapiClient

from zvmsim.node.sshd import NodeSshd, skip_unless_available
from zvmsim.testing import ROOT, SimServer

CYL = 737280


@pytest.fixture(scope='module')
def sim():
    with SimServer() as server:
        server.node()
        yield server


@pytest.fixture(scope='module')
def smapi(sim):
    client = SmapiClient('127.0.0.1', 'MAINT', 'MAINT', port=sim.port, retries=0)

    def call(function, target, ok=(), **params):
        reply = client.call(function, target, ok=ok, **params)
        return reply['return_code'], reply['reason_code']
    return call


def run(sim, command, *args, stdin=None, cwd=None):
    """Run a node command as a process; (exit code, stdout text, stderr text)."""
    proc = subprocess.run([os.path.join(sim.node_dir, 'bin', command)] + list(args), input=stdin,
                          capture_output=True, cwd=cwd, timeout=60, check=False)
    return proc.returncode, proc.stdout.decode('latin-1'), proc.stderr.decode()


def vmcp(sim, *args):
    return run(sim, 'vmcp', *args)


def online(sim, ldev):
    """vmcp link done: free the device and put it online, as the SDK does."""
    assert run(sim, 'cio_ignore', '-r', '0.0.' + ldev.lower())[0] == 0
    code, out, err = run(sim, 'chccwdev', '-e', '0.0.' + ldev.lower())
    assert code == 0, err
    assert out == 'Setting device 0.0.%s online\nDone\n' % ldev.lower()
    return os.path.join(sim.node_dir, 'dev', 'disk', 'by-path', 'ccw-0.0.' + ldev.lower())


def create_dm(smapi, target, vdev, size, alloc='AUTOG', area='POOL1', devtype='3390', ok=()):
    return smapi('Image_Disk_Create_DM', target, ok=ok, image_disk_number=vdev, image_disk_device_type=devtype,
                 image_disk_allocation_type=alloc, allocation_area_name_or_volser=area, allocation_unit_size=1,
                 image_disk_size=size, image_disk_mode='MR', image_disk_formatting=0, image_disk_label='')


# -- setup -------------------------------------------------------------------------------------------------

def test_setup_writes_the_commands_and_logs_the_node_on(sim, tmp_path):
    for name in ('vmcp', 'vmur', 'chccwdev', 'cio_ignore'):
        assert os.access(os.path.join(sim.node_dir, 'bin', name), os.X_OK)
    assert os.path.isdir(os.path.join(sim.node_dir, 'dev', 'disk', 'by-path'))
    with open(os.path.join(sim.node_dir, 'node.json')) as handle:
        assert json.load(handle)['userid'] == 'ZVMNODE'
    state = sim.dump()
    assert 'ZVMNODE' in state['cp'] and 'OPTION LNKNOPAS' in state['directory']['ZVMNODE']
    # a second node on the same state: idempotent, the entry is not written twice
    first = sim.node_dir
    second = sim.node(str(tmp_path / 'second'))
    sim.node_dir = first
    assert subprocess.run([os.path.join(second, 'bin', 'vmcp'), 'q', 'userid'], capture_output=True,
                          check=True).stdout == b'ZVMNODE  AT ZVMSIM1\n'
    assert sim.dump()['directory']['ZVMNODE'] == state['directory']['ZVMNODE']


def test_setup_on_a_new_state_seeds_it_first(tmp_path):
    subprocess.run([sys.executable, '-m', 'zvmsim', 'node', 'setup', '--state-dir', str(tmp_path / 's'),
                    '--dir', str(tmp_path / 'n')], cwd=ROOT, check=True, capture_output=True)
    proc = subprocess.run([str(tmp_path / 'n' / 'bin' / 'vmcp'), 'query', 'user', 'linux01'], capture_output=True,
                          check=False)
    assert (proc.returncode, proc.stdout) == (0, b'LINUX01  - DSC\n')


# -- vmcp -------------------------------------------------------------------------------------------------------

def test_query_userid_and_user(sim):
    assert vmcp(sim, 'query', 'userid') == (0, 'ZVMNODE  AT ZVMSIM1\n', '')
    assert vmcp(sim, 'q user linux01') == (0, 'LINUX01  - DSC\n', '')
    assert vmcp(sim, 'q', 'user', 'LINUX02') == (
        45, 'HCPCQU045E LINUX02 not logged on\n', "Error: non-zero CP response for command 'Q USER LINUX02': #45\n")
    assert vmcp(sim, 'frobnicate')[0:2] == (1, 'HCPCMD001E Unknown CP command: FROBNICATE\n')


def test_link_query_virtual_and_detach(sim):
    assert vmcp(sim, 'q', 'v', '2000') == (
        40, 'HCPQVD040E Device 2000 does not exist\n', "Error: non-zero CP response for command 'Q V 2000': #40\n")
    assert vmcp(sim, 'link', 'LINUX03', '0100', 'as', '2000', 'rr') == (0, '', '')
    code, out, _err = vmcp(sim, 'query', 'virtual', '2000')
    assert code == 0 and out.split()[:7] == ['DASD', '2000', '3390', 'LX0102', 'R/O', '2000', 'CYL']
    assert [ln for ln in sim.node_links() if ln['ldev'] == '2000'] == [
        {'ldev': '2000', 'userid': 'LINUX03', 'vdev': '0100', 'mode': 'RR', 'access': 'RO', 'devtype': '3390',
         'unit': 'CYL', 'size': 2000, 'volid': 'LX0102'}]
    assert vmcp(sim, 'detach', '2000') == (0, 'DASD 2000 DETACHED\n', '')
    assert vmcp(sim, 'det', '2000')[0:2] == (40, 'HCPDTV040E Device 2000 does not exist\n')
    assert [ln for ln in sim.node_links() if ln['ldev'] == '2000'] == []


def test_link_refusals(sim):
    assert vmcp(sim, 'link', 'NOSUCH', '0100', 'as', '2001', 'w')[0:2] == (
        53, 'HCPLNK053E NOSUCH not in CP directory\n')
    assert vmcp(sim, 'link', 'LINUX03', '0999', 'as', '2001', 'w')[0:2] == (
        113, 'HCPLNK113E LINUX03 0999 not linked; no such device\n')
    # the owner is logged on and holds its disk R/W (MR in its directory entry)
    assert vmcp(sim, 'link', 'LINUX01', '0100', 'as', '2001', 'w')[0:2] == (
        104, 'HCPLNK104E LINUX01 0100 not linked; R/W by LINUX01\n')
    assert vmcp(sim, 'link', 'LINUX01', '0100', 'as', '2001', 'mr')[0:2] == (
        0, 'HCPLNK102W DASD 2001 forced R/O; R/W by LINUX01\n')
    assert vmcp(sim, 'link', 'LINUX03', '0100', 'as', '2001', 'rr')[0:2] == (
        24, 'HCPLNK024E Device 2001 already defined\n')
    assert vmcp(sim, 'link', 'LINUX03', '0100', 'as', '2001', 'xx')[0] == 26
    assert vmcp(sim, 'detach', '2001')[0] == 0


def test_a_write_link_excludes_other_links(sim):
    assert vmcp(sim, 'link LINUX03 0100 2002 W') == (0, '', '')
    assert vmcp(sim, 'link LINUX03 0100 2003 M')[0:2] == (104, 'HCPLNK104E LINUX03 0100 not linked; R/W by ZVMNODE\n')
    assert vmcp(sim, 'detach 2002')[0] == 0
    assert vmcp(sim, 'link LINUX03 0100 2003 RR')[0] == 0
    assert vmcp(sim, 'link LINUX03 0100 2002 W')[0:2] == (101, 'HCPLNK101E LINUX03 0100 not linked; R/O by ZVMNODE\n')
    assert vmcp(sim, 'detach 2003')[0] == 0


def test_a_linked_extent_is_not_handed_out_again(sim, smapi):
    assert create_dm(smapi, 'LINUX03', '0300', 5, alloc='AUTOV', area='LX0103') == (0, 0)
    start = [e for e in sim.dump()['extents'] if (e['owner'], e['vdev']) == ('LINUX03', '0300')][0]['start']
    assert vmcp(sim, 'link', 'LINUX03', '0300', 'as', '2010', 'mw')[0] == 0
    assert smapi('Image_Disk_Delete_DM', 'LINUX03', image_disk_number='0300', data_security_erase=0) == (0, 0)
    assert create_dm(smapi, 'LINUX02', '0300', 5, alloc=str(start), area='LX0103', ok=[(408, 24)]) == (408, 24)
    assert vmcp(sim, 'detach', '2010')[0] == 0
    assert create_dm(smapi, 'LINUX02', '0300', 5, alloc=str(start), area='LX0103') == (0, 0)


# -- chccwdev, cio_ignore and the contents ---------------------------------------------------------------------

def test_a_device_is_ignored_until_cio_ignore_frees_it(sim):
    assert vmcp(sim, 'link', 'LINUX03', '0100', 'as', '2020', 'rr')[0] == 0
    assert run(sim, 'chccwdev', '-e', '0.0.2020') == (1, '', 'Device 0.0.2020 not found\n')
    assert run(sim, 'cio_ignore', '-i', '0.0.2020') == (0, 'Device 0.0.2020 is ignored\n', '')
    assert run(sim, 'cio_ignore', '-r', '0.0.2020') == (0, '', '')
    assert run(sim, 'cio_ignore', '-i', '0.0.2020') == (0, 'Device 0.0.2020 is not ignored\n', '')
    path = online(sim, '2020')
    assert os.path.islink(path) and not os.path.exists(path + '-part1')   # CKD: no implicit partition
    assert run(sim, 'chccwdev', '-e', '0.0.2020') == (0, 'Device 0.0.2020 is already online\n', '')
    assert vmcp(sim, 'detach', '2020')[0] == 0
    assert not os.path.lexists(path)                                      # detached: the device is gone
    assert run(sim, 'chccwdev', '-d', '0.0.2020') == (1, '', 'Device 0.0.2020 not found\n')


def test_writes_through_the_device_reach_the_minidisk_and_copy_dm(sim, smapi):
    assert create_dm(smapi, 'LINUX02', '0400', 3) == (0, 0)
    assert vmcp(sim, 'link', 'LINUX02', '0400', 'as', '2030', 'w')[0] == 0
    path = online(sim, '2030')
    with open(path, 'r+b') as device:
        device.seek(0, os.SEEK_END)
        assert device.tell() == 3 * CYL
        device.seek(CYL + 10)
        device.write(b'deployed image')
    assert run(sim, 'chccwdev', '-d', '0.0.2030') == (0, 'Setting device 0.0.2030 offline\nDone\n', '')
    assert not os.path.lexists(path)
    assert vmcp(sim, 'detach', '2030')[0] == 0
    assert sim.disk_bytes('LINUX02', '0400', CYL + 10, 14) == b'deployed image'
    assert smapi('Image_Disk_Copy_DM', 'LINUX03', image_disk_number='0400', source_image_name='LINUX02',
                 source_image_disk_number='0400', image_disk_allocation_type='AUTOG',
                 allocation_area_name_or_volser='POOL1', image_disk_mode='', read_password='', write_password='',
                 multi_password='') == (0, 0)
    assert sim.disk_bytes('LINUX03', '0400') == sim.disk_bytes('LINUX02', '0400')
    with pytest.raises(KeyError):
        sim.disk_bytes('LINUX03', '0999')


def test_an_fba_disk_has_an_implicit_partition(sim, smapi):
    assert create_dm(smapi, 'LINUX02', '0500', 4096, area='FBAPOOL', devtype='9336') == (0, 0)
    assert vmcp(sim, 'link', 'LINUX02', '0500', 'as', 'A0F0', 'w')[0] == 0
    code, out, _err = vmcp(sim, 'q', 'v', 'a0f0')
    assert code == 0 and out.split()[:7] == ['DASD', 'A0F0', '9336', 'FB0200', 'R/W', '4096', 'BLK']
    path = online(sim, 'A0F0')
    assert path.endswith('ccw-0.0.a0f0') and os.path.realpath(path + '-part1') == os.path.realpath(path)
    assert os.path.getsize(path) == 4096 * 512
    assert run(sim, 'chccwdev', '-d', '0.0.a0f0')[0] == 0
    assert not os.path.lexists(path + '-part1')
    assert vmcp(sim, 'detach', 'a0f0')[0] == 0


def test_concurrent_links_never_share_a_device_number(sim):
    with ThreadPoolExecutor(8) as pool:
        same = list(pool.map(lambda _n: vmcp(sim, 'link', 'LINUX03', '0100', 'as', '3000', 'rr')[0], range(6)))
        distinct = list(pool.map(lambda n: vmcp(sim, 'link', 'LINUX03', '0100', 'as', '%04X' % (0x3001 + n),
                                                'rr')[0], range(6)))
    assert sorted(same) == [0] + [24] * 5 and distinct == [0] * 6
    assert sorted(ln['ldev'] for ln in sim.node_links() if ln['ldev'].startswith('300')) == [
        '3000', '3001', '3002', '3003', '3004', '3005', '3006']
    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(lambda n: vmcp(sim, 'detach', '%04X' % (0x3000 + n))[0], range(7))) == [0] * 7


# -- the reader: vmur and vmcp ----------------------------------------------------------------------------------

def test_punch_change_class_and_transfer(sim, tmp_path):
    (tmp_path / 'network.doscript').write_bytes(b'#!/bin/sh\necho configured\n')
    code, out, err = run(sim, 'vmur', 'punch', '-r', 'network.doscript', cwd=str(tmp_path))
    assert code == 0, err
    assert out.startswith('Reader file with spoolid ') and out.endswith(' created.\n')
    spoolid = out.split()[4]
    code, out, _err = run(sim, 'vmur', 'list')
    assert code == 0 and 'NETWORK   DOSCRIPT' in out and (' %s A PUN ' % spoolid) in out
    assert vmcp(sim, 'change', 'rdr', spoolid, 'class', 'x') == (0, '0001 FILE CHANGED\n', '')
    assert (' %s X PUN ' % spoolid) in vmcp(sim, 'q rdr all')[1]
    assert vmcp(sim, 'transfer', '*', 'rdr', spoolid, 'to', 'linux02', 'rdr') == (
        0, 'RDR FILE %s SENT TO LINUX02 RDR AS %s\n' % (spoolid, spoolid), '')
    [sent] = [f for f in sim.reader('LINUX02') if f['spoolid'] == int(spoolid)]
    assert (sent['name'], sent['type'], sent['class'], sent['originid'], sent['content']) == (
        'NETWORK', 'DOSCRIPT', 'X', 'ZVMNODE', b'#!/bin/sh\necho configured\n')
    assert sim.reader('ZVMNODE') == []


def test_reader_errors(sim):
    assert vmcp(sim, 'change', 'rdr', '9999', 'class', 'x')[0:2] == (42, 'HCPCSU042E SPOOLID 9999 does not exist\n')
    spoolid = run(sim, 'vmur', 'punch', '-r', '-N', 'CFG.DATA', '-C', 'B', '-', stdin=b'x=1\n')[1].split()[4]
    assert vmcp(sim, 'transfer * rdr %s to nosuch rdr' % spoolid)[0:2] == (53, 'HCPCSU053E NOSUCH not in CP directory\n')
    assert [f['class'] for f in sim.reader('ZVMNODE')] == ['B']
    assert vmcp(sim, 'purge', 'rdr', spoolid) == (0, '0001 FILE PURGED\n', '')
    assert vmcp(sim, 'purge', 'rdr', spoolid)[0] == 42
    assert run(sim, 'vmur', 'punch', '-r', 'a-long-file-name.punch', stdin=b'')[0] == 1


def test_receive_holds_or_purges(sim):
    spoolid = run(sim, 'vmur', 'punch', '-r', '-N', 'LOG.TEXT', stdin=b'line 1\nline 2\n')[1].split()[4]
    assert run(sim, 'vmur', 'receive', '-H', '-t', '-O', spoolid) == (0, 'line 1\nline 2\n', '')
    assert run(sim, 'vmur', 're', '-t', '-O', spoolid) == (0, 'line 1\nline 2\n', '')
    assert run(sim, 'vmur', 're', '-O', spoolid) == (1, '', 'vmur: Reader file %s does not exist\n' % spoolid)
    assert sim.reader('ZVMNODE') == []


# -- fault knobs ------------------------------------------------------------------------------------------------

def test_a_fault_fails_the_next_runs_and_changes_nothing(sim):
    spoolid = run(sim, 'vmur', 'punch', '-r', '-N', 'F.F', stdin=b'data')[1].split()[4]
    sim.node_fault('vmcp transfer', times=1)
    assert vmcp(sim, 'transfer * rdr %s to linux02 rdr' % spoolid) == (
        1, '', "vmcp: injected failure (zvmsim node fault 'vmcp transfer')\n")
    assert [f['spoolid'] for f in sim.reader('ZVMNODE')] == [int(spoolid)]
    assert vmcp(sim, 'q', 'userid')[0] == 0                           # other commands are not affected
    assert vmcp(sim, 'transfer * rdr %s to linux02 rdr' % spoolid)[0] == 0
    subprocess.run([sys.executable, '-m', 'zvmsim', 'node', 'fault', 'chccwdev', '--times', '2',
                    '--state-dir', sim.state_dir], cwd=ROOT, check=True, capture_output=True)
    assert [run(sim, 'chccwdev', '-d', '0.0.4000')[2] for _n in range(3)] == [
        "chccwdev: injected failure (zvmsim node fault 'chccwdev')\n"] * 2 + ['Device 0.0.4000 not found\n']


# -- through sshd -----------------------------------------------------------------------------------------------

@pytest.fixture(scope='module')
def sshd(sim):
    skip_unless_available()
    with NodeSshd(sim.node_dir, sim.state_dir) as server:
        yield server


def test_commands_through_openssh(sim, sshd):
    proc = subprocess.run(sshd.ssh_command('vmcp', 'q', 'userid'), capture_output=True, timeout=60, check=False)
    assert (proc.returncode, proc.stdout) == (0, b'ZVMNODE  AT ZVMSIM1\n'), proc.stderr
    proc = subprocess.run(sshd.ssh_command('vmcp', 'q', 'user', 'linux02'), capture_output=True, timeout=60, check=False)
    assert (proc.returncode, proc.stdout) == (45, b'HCPCQU045E LINUX02 not logged on\n')
    with open(sshd.known_hosts) as handle:
        assert handle.read().startswith('[127.0.0.1]:%d ssh-ed25519 ' % sshd.port)


def test_link_write_and_detach_through_paramiko(sim, smapi, sshd):
    paramiko = pytest.importorskip('paramiko')
    client = paramiko.SSHClient()
    client.load_host_keys(sshd.known_hosts)
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    client.connect(sshd.host, sshd.port, sshd.user, key_filename=sshd.client_key, allow_agent=False,
                   look_for_keys=False, timeout=30)
    try:
        def remote(*argv):
            _in, out, err = client.exec_command(' '.join(argv), timeout=60)
            return out.channel.recv_exit_status(), out.read().decode(), err.read().decode()
        assert create_dm(smapi, 'LINUX02', '0600', 1) == (0, 0)
        assert remote('vmcp', 'link', 'LINUX02', '0600', 'as', '5000', 'w') == (0, '', '')
        assert remote('cio_ignore', '-r', '0.0.5000')[0] == 0
        assert remote('chccwdev', '-e', '0.0.5000') == (0, 'Setting device 0.0.5000 online\nDone\n', '')
        sftp = client.open_sftp()
        with sftp.open(os.path.join(sim.node_dir, 'dev/disk/by-path/ccw-0.0.5000'), 'r+') as device:
            device.seek(4096)
            device.write(b'over ssh')
        sftp.close()
        assert remote('chccwdev', '-d', '0.0.5000')[0] == 0
        assert remote('vmcp', 'detach', '5000') == (0, 'DASD 5000 DETACHED\n', '')
    finally:
        client.close()
    assert sim.disk_bytes('LINUX02', '0600', 4096, 8) == b'over ssh'


# -- the node's own CP state ---------------------------------------------------------------------------------------

def test_logging_the_node_off_drops_its_links_and_setup_logs_it_on(tmp_path):
    with SimServer(state_dir=str(tmp_path / 'state')) as server:
        server.node()
        client = SmapiClient('127.0.0.1', 'MAINT', 'MAINT', port=server.port, retries=0)
        assert vmcp(server, 'link', 'LINUX03', '0100', 'as', '2000', 'rr')[0] == 0
        client.call('Image_Deactivate', 'ZVMNODE', force_time='IMMED')
        assert vmcp(server, 'q', 'userid')[0] == 45
        assert server.node_links() == []
        server.node()
        assert vmcp(server, 'q', 'v', '2000')[0] == 40 and vmcp(server, 'q', 'userid')[0] == 0
