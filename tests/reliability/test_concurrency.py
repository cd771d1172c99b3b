# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Two controllers change one directory entry at once and lose nothing.

Each controller is a separate OS process with its own $TMPDIR, so they
share no host lock file, no marker and no memory: only the SMAPI server.
Both use the same SMAPI user, as a workstation, AWX and cron using one
service account do; DirMaint's lock (a second Image_Lock_DM is 400/12,
even for the SMAPI user holding the lock) is all that keeps their
read-modify-write cycles (``entries.modify``) apart.

The short form runs a few rounds per process; ZVM_RELIABILITY_ROUNDS sets
more (the long form ``tools/bench reliability`` runs)."""

import json
import os
import subprocess
import sys

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils import directory
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.client import SmapiClient

from zvmsim.testing import ROOT, SimServer

ROUNDS = int(os.environ.get('ZVM_RELIABILITY_ROUNDS') or 8)
GUEST = 'LINUXCC'
RECORDS = ['USER LINUXCC LBYONLY 1G 4G G', 'INCLUDE IBMDFLT', 'CPU 00 BASE', 'IPL CMS', 'MACHINE ESA 2']

# What one controller runs (``python -c WORKER spec``): ``rounds`` changes of
# the guest, each a locked read-modify-write (entries.modify) or a DirMaint
# disk add (disks.create_dm), then one JSON line of what it did.
WORKER = r'''
import json, sys, time
spec = json.loads(sys.argv[1])
sys.path.insert(0, spec['root'])
from zvmsim._bootstrap import ensure_collection_importable
ensure_collection_importable()
from ansible_collections.zvm.cloud.plugins.module_utils.operations import disks, entries
from ansible_collections.zvm.cloud.plugins.module_utils.operations.session import Session
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.client import SmapiClient

client = SmapiClient('127.0.0.1', spec['user'], spec['user'], port=spec['port'])
session = Session(client, lock_timeout=120)
done = []
for i in range(spec['rounds']):
    vdev = '%04X' % (spec['base'] + spec['step'] * i)
    if spec['kind'] == 'nic':
        size = '%dM' % (1024 + 4 * i) if spec.get('memory') else None
        def mutate(entry, vdev=vdev, size=size):
            time.sleep(spec['hold'])        # a slow controller: between its read and its replace
            entry.add_nic(vdev, vswitch='VSW1')
            if size:
                entry.set_storage(size)
        entries.modify(session, spec['guest'], mutate)
    else:
        disks.create_dm(session, spec['guest'], {
            'image_disk_number': vdev, 'image_disk_device_type': '3390', 'image_disk_allocation_type': 'AUTOG',
            'allocation_area_name_or_volser': 'POOL1', 'allocation_unit_size': 1, 'image_disk_size': 1,
            'image_disk_mode': 'MR', 'image_disk_formatting': 0})
    done.append(vdev)
print(json.dumps({'done': done, 'lock_waits': session.lock_waits()}))
'''


def controller(port, tmpdir, **spec):
    """Start one controller: its own process and $TMPDIR."""
    spec.update(root=ROOT, port=port, guest=GUEST)
    spec.setdefault('hold', 0.02)
    spec.setdefault('user', 'MAINT')
    env = dict(os.environ, TMPDIR=str(tmpdir))
    os.makedirs(str(tmpdir), exist_ok=True)
    return subprocess.Popen([sys.executable, '-c', WORKER, json.dumps(spec)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, universal_newlines=True)


def finish(proc):
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture(scope='module')
def server():
    with SimServer() as sim:
        yield sim


@pytest.fixture
def guest(server):
    maint = SmapiClient('127.0.0.1', 'MAINT', 'MAINT', port=server.port)
    maint.call('Image_Create_DM', GUEST, image_record_array=RECORDS)
    yield maint
    maint.call('Image_Delete_DM', GUEST, data_security_erase=0, ok=[(400, 4)])


def entry(client):
    return directory.parse(client.call('Image_Query_DM', GUEST)['image_record_array'])


def extents(server, owner=None):
    store = server.store()
    try:
        with store.transaction() as tx:
            return tx.extents(owner=owner)
    finally:
        store.close()


def assert_unlocked_and_no_space_shared(server, client):
    assert client.call('Image_Lock_Query_DM', GUEST)['reason_code'] == 24       # 0/24: nothing locked
    ext = extents(server)
    for a, b in zip(ext, ext[1:]):
        assert a['volid'] != b['volid'] or a['start'] + a['size'] <= b['start'], (a, b)


def test_two_controllers_with_one_smapi_user_lose_no_change(server, guest, tmp_path):
    """Both add NICs (each its own) and change the memory, over and over,
    with locked read-modify-write cycles: every NIC of both is there in the
    end, and the memory is one of the values they set."""
    first = controller(server.port, tmp_path / 'a', kind='nic', base=0x2000, step=3, rounds=ROUNDS, memory=True)
    second = controller(server.port, tmp_path / 'b', kind='nic', base=0x4000, step=3, rounds=ROUNDS, memory=True)
    done = finish(first)['done'] + finish(second)['done']
    final = entry(guest)
    assert sorted(n.vdev for n in final.nics) == sorted(done) and len(done) == 2 * ROUNDS
    assert final.storage in ['%dM' % (1024 + 4 * i) for i in range(ROUNDS)]
    assert_unlocked_and_no_space_shared(server, guest)


def test_disks_added_meanwhile_survive_the_other_controllers_replaces(server, guest, tmp_path):
    """One controller adds disks (Image_Disk_Create_DM: DirMaint allocates,
    no read-modify-write) while the other rewrites the entry (NICs and
    memory), both as the same SMAPI user: DirMaint refuses any change to a
    locked entry, its holder's too, so no disk lands between a read and
    the replace made from it, and none is lost."""
    nics = controller(server.port, tmp_path / 'a', kind='nic', base=0x2000, step=3, rounds=ROUNDS, memory=True)
    adds = controller(server.port, tmp_path / 'c', kind='disk', base=0x0200, step=1, rounds=ROUNDS)
    nic_vdevs, disk_vdevs = finish(nics)['done'], finish(adds)['done']
    final = entry(guest)
    assert sorted(n.vdev for n in final.nics) == sorted(nic_vdevs)
    assert sorted(m.vdev for m in final.mdisks) == sorted(disk_vdevs) and len(disk_vdevs) == ROUNDS
    owned = sorted(e['vdev'] for e in extents(server, GUEST))
    assert owned == sorted(disk_vdevs)                                  # every disk's space, and only theirs
    assert_unlocked_and_no_space_shared(server, guest)
