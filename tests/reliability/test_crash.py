# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Crash rounds: the SMAPI server (zvmsim) is killed with SIGKILL at a
random point of a multi-write flow and started again on the same port and
state, as a z/VM whose SMAPI server crashed and came back.

The flows: a guest created with three disks and two NICs, and a change of
a running guest's settings, disks and NICs.  The point is a call of the
flow (picked from a calibration run without crash) and a phase: inside
the call's transaction before it commits (``stall_in_tx``: the write is
lost), or after it committed and before the reply (``slow``: the reply is
lost).  The module runs on meanwhile (in a thread): its client may reach
the restarted server, or the run fails.  Then, on the restarted server:

- a re-run of the same task converges, and a third makes no write; a lock
  the crash left is released by the stale-lock recovery of this
  controller (the same $TMPDIR, server and SMAPI user);
- the directory parses, no space is orphaned, lost, duplicated or shared
  (``invariants.space_problems``), no entry is left locked and no lock
  marker left behind.

The short form runs ZVM_RELIABILITY_CRASHES (default 4) crashes with a
fixed seed; ``tools/bench reliability`` runs more, with a random seed
(ZVM_RELIABILITY_SEED fixes it).
"""

import os
import random
import threading
import time

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.smapi.client import SmapiClient
from ansible_collections.zvm.cloud.plugins.modules import zvm_guest

from tests.integration.conftest import TEST_SYSTEM
from tests.reliability import invariants
from tests.reliability.test_stale_locks import SamePortServer

CRASHES = int(os.environ.get('ZVM_RELIABILITY_CRASHES') or 4)
LONG_FORM = 'ZVM_RELIABILITY_CRASHES' in os.environ
SEED = int(os.environ.get('ZVM_RELIABILITY_SEED') or (random.SystemRandom().randrange(10 ** 6) if LONG_FORM else 7))


def disk(vdev, size, pool='ECKD:POOL1'):
    return {'vdev': vdev, 'size': str(size), 'disk_pool': pool}


def create_flow(name):
    """One task: a new guest, three disks, two NICs."""
    return dict(name=name, memory='512M', max_memory='2G', logonby=['MAINT'],
                disks=[disk('0100', 10), disk('0101', 20, 'ECKD:POOL2'), disk('0102', 10)],
                nics=[{'vdev': '1000', 'vswitch': 'VSW1'}, {'vdev': '1010', 'vswitch': 'VSW1'}])


def change_flow(name):
    """A running guest's memory, LOGONBY, a new disk (attached to the
    running guest too) and a new NIC (defined on the running guest too),
    after ``create_flow`` and a start."""
    base = create_flow(name)
    return dict(base, state='started', memory='1G', logonby=['MAINT', 'OPERATOR'],
                disks=base['disks'] + [disk('0103', 10)], nics=base['nics'] + [{'vdev': '1020', 'vswitch': 'VSW1'}])


FLOWS = {'create': (create_flow, 'CC'), 'change': (change_flow, 'CH')}


@pytest.fixture(scope='module')
def sim():
    """The simulator of this module's runs (``run_module`` uses it): it comes
    back on its port after a crash, as the lock files of the controller
    name the server by host and port."""
    with SamePortServer(config=TEST_SYSTEM) as server:
        yield server


def grant(sim, name, revoke=False):
    c = SmapiClient('127.0.0.1', 'MAINT', 'MAINT', port=sim.port)
    c.call('Virtual_Network_Vswitch_Set_Extended', c.userid, switch_name='VSW1',
           **{'revoke_userid' if revoke else 'grant_userid': name})


def prepare(flow, name, sim, run_module):
    """The guest a round of ``flow`` starts from (no faults)."""
    grant(sim, name)
    if flow == 'change':
        res = run_module(zvm_guest, **dict(create_flow(name), state='started'))
        assert not res.failed, res.get('msg')


def in_thread(run_module, args):
    box = {}

    def target():
        try:
            box['result'] = run_module(zvm_guest, **args)
        except BaseException as e:  # pylint: disable=broad-except
            box['error'] = e
    thread = threading.Thread(target=target)
    thread.start()
    return thread, box


def fired(sim):
    store = sim.store()
    try:
        with store.transaction() as tx:
            return sum(f.get('fired', 0) for f in tx.faults())
    finally:
        store.close()


class Crashes:
    def __init__(self, sim, run_module, tmpdir):
        self.sim, self.run_module, self.tmpdir = sim, run_module, tmpdir
        self.rng = random.Random(SEED)
        self.calls = {}
        self.problems = []
        self.found = []           # the same, without where they were found
        self.figures = {'seed': SEED, 'rounds': 0, 'crashes': 0, 'crashes_before_commit': 0,
                        'crashes_after_commit': 0, 'down_until_the_run_gave_up': 0, 'runs_that_went_on': 0,
                        'stale_locks_left': 0, 'obsolete_markers': 0}

    def calibrate(self):
        for flow, (make, prefix) in sorted(FLOWS.items()):
            name = prefix + 'CAL'
            prepare(flow, name, self.sim, self.run_module)
            res = self.run_module(zvm_guest, **make(name))
            assert not res.failed, res.get('msg')
            self.calls[flow] = [(e['function'], e['write']) for e in res.calls]
            self.run_module(zvm_guest, name=name, state='absent', stop_mode='immediate')
            grant(self.sim, name, revoke=True)

    def round(self, number):
        flow = self.rng.choice(sorted(FLOWS))
        make, prefix = FLOWS[flow]
        name = '%s%06d' % (prefix, number)
        prepare(flow, name, self.sim, self.run_module)
        args = dict(make(name), smapi_timeout=2)      # a run gives up within seconds while the server is down
        calls = self.calls[flow]
        writes = [i for i, (_f, w) in enumerate(calls) if w]
        i = self.rng.choice(writes)
        function = calls[i][0]
        every = sum(1 for f, _w in calls[:i + 1] if f == function)
        phase = self.rng.choice(['before commit', 'after commit'])
        down = self.rng.choice(['briefly', 'briefly', 'until the run gave up'])
        where = 'seed %d, round %d (%s of %s): crash %s of call %d, %s #%d, server down %s' % (
            SEED, number, flow, name, phase, i + 1, function, every, down)
        self.sim.fault(function=function, action='stall_in_tx' if phase == 'before commit' else 'slow',
                       every=every, times=1, delay=30)
        thread, box = in_thread(self.run_module, args)
        deadline = time.monotonic() + 60
        while not fired(self.sim) and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.005)
        crashed = bool(fired(self.sim))
        if crashed:
            if phase == 'after commit':
                time.sleep(0.2)         # the handler has committed; the reply waits
            self.sim.kill()
            self.sim.clear_faults()
            if down == 'until the run gave up':
                thread.join(300)
            self.sim.start()
            self.figures['crashes'] += 1
            self.figures['crashes_' + phase.replace(' ', '_')] += 1
            self.figures['down_until_the_run_gave_up'] += down == 'until the run gave up'
        else:
            self.sim.clear_faults()
        thread.join(300)
        found = []
        if 'error' in box:
            found.append('not converged: the run raised %r' % box['error'])
        elif 'exception' in box.get('result', {}):
            found.append('not converged: traceback: %s' % box['result']['exception'][-500:])
        elif crashed and not box['result'].failed:
            self.figures['runs_that_went_on'] += 1
        dump = self.sim.dump()
        self.figures['stale_locks_left'] += bool(dump['locks'].get(name))
        found += invariants.space_problems(dump)
        again = self.run_module(zvm_guest, **args)
        if again.failed:
            found.append('not converged: the re-run failed: %s' % again.get('msg'))
        third = self.run_module(zvm_guest, **args)
        if third.failed or third.writes or third.get('changed'):
            found.append('not converged: the third run changed %s (%s)' % (third.get('actions'), third.get('msg')))
        final = self.sim.dump()
        found += invariants.space_problems(final) + invariants.lock_problems(final, self.tmpdir)
        self.figures['obsolete_markers'] += len([m for m in invariants.obsolete_markers(final, self.tmpdir)
                                                 if name in os.path.basename(m)])
        gone = self.run_module(zvm_guest, name=name, state='absent', stop_mode='immediate')
        if gone.failed:
            found.append('not converged: the guest cannot be deleted: %s' % gone.get('msg'))
        grant(self.sim, name, revoke=True)
        self.problems.extend('%s: %s' % (where, p) for p in found)
        self.found.extend(found)
        self.figures['rounds'] += 1


def test_crash_rounds(sim, run_module, tmp_path):
    crashes = Crashes(sim, run_module, tmp_path)
    crashes.calibrate()
    started = time.monotonic()
    number = 0
    while crashes.figures['crashes'] < CRASHES and number < CRASHES * 3:
        number += 1
        crashes.round(number)
    crashes.figures['seconds'] = round(time.monotonic() - started, 1)
    crashes.figures['problems'] = invariants.count(crashes.found)
    invariants.write_figures('crash', crashes.figures)
    print('crash rounds: %r' % crashes.figures)
    assert crashes.figures['crashes'] >= CRASHES, crashes.figures
    assert not crashes.problems, '%d problems (ZVM_RELIABILITY_SEED=%d reproduces); the first:\n%s' % (
        len(crashes.problems), SEED, '\n'.join(crashes.problems[:15]))
