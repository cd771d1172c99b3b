# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A lock left by a run that was killed between lock and unlock.

The controller that left it releases it by itself on its next change (its
marker says so); any other controller cannot tell it from a change in
progress, waits, and fails with a message saying how to release it.  The
same when the SMAPI server dies between lock and unlock: the lock outlives
the server, the marker outlives the failed unlock."""

import json
import os
import signal
import subprocess
import sys

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.operations import entries
from ansible_collections.zvm.cloud.plugins.module_utils.operations.session import Session
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import SDKConflictError
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.client import SmapiClient

from zvmsim.testing import ROOT, SimServer

GUEST = 'LINUXSL'
RECORDS = ['USER LINUXSL LBYONLY 1G 4G G', 'INCLUDE IBMDFLT', 'CPU 00 BASE', 'IPL CMS', 'MACHINE ESA 2']

# Takes the lock as the collection does (host lock, Image_Lock_DM, marker),
# says so, and waits to be killed.
HOLDER = r'''
import json, sys, time
spec = json.loads(sys.argv[1])
sys.path.insert(0, spec['root'])
from zvmsim._bootstrap import ensure_collection_importable
ensure_collection_importable()
from ansible_collections.zvm.cloud.plugins.module_utils.operations import entries
from ansible_collections.zvm.cloud.plugins.module_utils.operations.session import Session
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.client import SmapiClient

session = Session(SmapiClient('127.0.0.1', 'MAINT', 'MAINT', port=spec['port']))
with session.guest_lock(spec['guest']):
    entries.lock(session, spec['guest'])
    print('locked', flush=True)
    time.sleep(600)
'''


class SamePortServer(SimServer):
    """A simulator that comes back on the port it first had (the host and
    port name the server in the controller's lock files, as a real z/VM's
    do)."""

    def _cmd(self, *args):
        args = list(args)
        if 'serve' in args and self.port:
            args[args.index('--port') + 1] = str(self.port)
        return SimServer._cmd(self, *args)


@pytest.fixture
def server(tmp_path):
    with SamePortServer(state_dir=str(tmp_path / 'sim')) as sim:
        maint = SmapiClient('127.0.0.1', 'MAINT', 'MAINT', port=sim.port)
        maint.call('Image_Create_DM', GUEST, image_record_array=RECORDS)
        yield sim


def session_on(server, tmpdir, monkeypatch, **kw):
    """A session of the controller whose host locks live in ``tmpdir``."""
    os.makedirs(str(tmpdir), exist_ok=True)
    monkeypatch.setattr('tempfile.tempdir', str(tmpdir))
    client = SmapiClient('127.0.0.1', 'MAINT', 'MAINT', port=server.port, retries=kw.pop('retries', 3))
    return Session(client, **kw)


def locked_by(server):
    reply = SmapiClient('127.0.0.1', 'MAINT', 'MAINT', port=server.port).call('Image_Lock_Query_DM', GUEST)
    info = reply.get('lock_info')
    return info.get('image_locked_by') if isinstance(info, dict) else None


def storage(server):
    records = SmapiClient('127.0.0.1', 'MAINT', 'MAINT', port=server.port).call('Image_Query_DM', GUEST)
    return records['image_record_array'][0].split()[3]


def kill_a_holder(server, tmpdir):
    """A process of the controller in ``tmpdir`` locks the entry and is SIGKILLed."""
    os.makedirs(str(tmpdir), exist_ok=True)
    spec = json.dumps({'root': ROOT, 'port': server.port, 'guest': GUEST})
    proc = subprocess.Popen([sys.executable, '-c', HOLDER, spec], env=dict(os.environ, TMPDIR=str(tmpdir)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    try:
        assert proc.stdout.readline().strip() == 'locked', proc.stderr.read()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)


def test_the_controller_that_was_killed_releases_its_lock_on_the_next_change(server, tmp_path, monkeypatch):
    kill_a_holder(server, tmp_path / 'ctl')
    assert locked_by(server) == 'MAINT'                  # the lock outlived its process
    session = session_on(server, tmp_path / 'ctl', monkeypatch, lock_timeout=30)
    before, after = entries.modify(session, GUEST, lambda e: e.set_storage('2G'))
    assert (before.storage, after.storage, storage(server)) == ('1G', '2G', '2G')
    assert session.released_stale_locks == [GUEST] and session.lock_waits() == 1
    assert locked_by(server) is None and list((tmp_path / 'ctl').glob('zvm-cloud-locks-*/*.held')) == []


def test_another_controller_waits_then_says_how_to_release_it(server, tmp_path, monkeypatch):
    kill_a_holder(server, tmp_path / 'ctl')
    other = session_on(server, tmp_path / 'other', monkeypatch, lock_timeout=1)
    with pytest.raises(SDKConflictError, match=r"'LINUXSL' stayed locked .*a run that was killed .*"
                                               r"DIRMAINT FOR LINUXSL UNLOCK \(or SMAPI Image_Unlock_DM"):
        entries.modify(other, GUEST, lambda e: e.set_storage('2G'))
    assert locked_by(server) == 'MAINT' and storage(server) == '1G'       # not its lock to release
    assert other.released_stale_locks == []


def test_a_server_that_dies_between_lock_and_unlock(server, tmp_path, monkeypatch):
    session = session_on(server, tmp_path / 'ctl', monkeypatch, lock_timeout=30, retries=0)

    def die(entry):
        server.kill()                                    # after the lock and the read, before the replace
        entry.set_storage('2G')
    with pytest.raises(Exception) as info:
        entries.modify(session, GUEST, die)
    assert not isinstance(info.value, AssertionError)
    server.start()                                       # the same state: DirMaint's lock is still there
    assert locked_by(server) == 'MAINT' and storage(server) == '1G'
    session = session_on(server, tmp_path / 'ctl', monkeypatch, lock_timeout=30)
    entries.modify(session, GUEST, lambda e: e.set_storage('3G'))
    assert storage(server) == '3G' and locked_by(server) is None and session.released_stale_locks == [GUEST]
