# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault rounds: a fault injected at a random SMAPI call of every step of
the guest, NIC and vswitch flows, then a re-run that must converge and a
third run that must make no write, with the invariants of
``invariants.py`` checked after the faulty run and after the re-runs.

A flow is a list of module runs (steps); a round runs one flow from its
start, one fault per step.  The fault is one of zvmsim's (``SimServer.fault``):
an error reply (RC 500/8, 596/3210, 900/99, 400/12, 396/1: nothing done),
the connection closed before the request id (nothing done, safe to send
again), closed after it (done, reply lost: a write is never sent again),
or a slow reply.  It hits the n-th call of one function, picked from the
calls the step made in a calibration run without faults (three in four
times a write).

The short form (the test suite) runs one round of each flow with a fixed
seed; ``ZVM_RELIABILITY_FAULTS=N`` runs rounds until N faults were
injected, a third of them in each flow, with a random seed
(``ZVM_RELIABILITY_SEED`` fixes it).  Problems are collected, not raised at
the first, so that a long run can count them; the test fails when there is
any, with the seed and the round.  See docs/reliability.md.
"""

import os
import random
import time

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.operations import entries
from ansible_collections.zvm.cloud.plugins.module_utils.operations.session import Session
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.client import SmapiClient
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.errors import SmapiError
from ansible_collections.zvm.cloud.plugins.modules import zvm_guest, zvm_nic, zvm_vswitch

from tests.reliability import invariants

FAULTS = int(os.environ.get('ZVM_RELIABILITY_FAULTS') or 0)
SEED = int(os.environ.get('ZVM_RELIABILITY_SEED') or (random.SystemRandom().randrange(10 ** 6) if FAULTS else 16))
SWITCHES = ('RLSW1', 'RLSW2')
RC_FAULTS = [(500, 8), (596, 3210), (900, 99), (400, 12), (396, 1)]
ACTIONS = [('rc', 45), ('close_after_id', 25), ('close_before_id', 15), ('slow', 15)]


def disk(vdev, size, pool='ECKD:POOL1'):
    return {'vdev': vdev, 'size': str(size), 'disk_pool': pool}


def settings(storage, max_storage, logonby=()):
    return {'storage': storage, 'max_storage': max_storage, 'logonby': list(logonby)}


def guest_flow(name):
    """(label, module, args, declared) of each step: create with disks and
    a NIC; change memory, LOGONBY, a disk and a NIC; start; change again
    while it runs (the disk goes to the running guest too); stop, deleting
    a disk; delete."""
    nics = [{'vdev': '1000', 'vswitch': SWITCHES[0]}]
    create = dict(name=name, memory='512M', max_memory='2G', nics=nics,
                  disks=[disk('0100', 10), disk('0101', 20, 'ECKD:POOL2')])
    change = dict(create, memory='1G', logonby=['MAINT'], disks=create['disks'] + [disk('0102', 10)],
                  nics=nics + [{'vdev': '1010', 'vswitch': SWITCHES[0]}])
    running = dict(change, state='started', memory='768M', disks=change['disks'] + [disk('0103', 10)],
                   nics=change['nics'] + [{'vdev': '1020', 'vswitch': SWITCHES[1]}])
    stopped = dict(running, state='stopped', stop_mode='immediate', purge_disks=True, disks=running['disks'][:2] + running['disks'][3:])
    return [
        ('create', zvm_guest, create, {'settings': settings('512M', '2G')}),
        ('change', zvm_guest, change, {'settings': settings('1G', '2G', ['MAINT'])}),
        ('start', zvm_guest, dict(change, state='started'), {'settings': settings('1G', '2G', ['MAINT'])}),
        ('change running', zvm_guest, running, {'settings': settings('768M', '2G', ['MAINT']), 'attach': True}),
        ('stop', zvm_guest, stopped, {'settings': settings('768M', '2G', ['MAINT'])}),
        ('delete', zvm_guest, dict(name=name, state='absent', stop_mode='immediate'), {}),
    ]


def nic_flow(name):
    """On a running guest, with the running guest's NIC too (active): add a
    NIC, move it to another vswitch, remove it."""
    nic = dict(guest=name, vdev='2000', active=True)
    return [
        ('add', zvm_nic, dict(nic, vswitch=SWITCHES[0]), {}),
        ('couple elsewhere', zvm_nic, dict(nic, vswitch=SWITCHES[1]), {}),
        ('remove', zvm_nic, dict(nic, state='absent'), {}),
    ]


def vswitch_flow(name):
    """Create with grants, grant more, revoke (purge), delete."""
    create = dict(name=name, vlan_id='AWARE', native_vlan_id=1, grants=[
        {'userid': 'RLUSER1', 'vlan_ids': ['10']}, {'userid': 'RLUSER2', 'vlan_ids': ['20-22'], 'port_type': 'TRUNK'}])
    more = dict(create, grants=create['grants'] + [{'userid': 'RLUSER3', 'vlan_ids': ['30']}],
                queue_memory_limit=4)
    fewer = dict(more, grants=more['grants'][1:], purge_grants=True)
    return [
        ('create', zvm_vswitch, create, {}),
        ('grant', zvm_vswitch, more, {}),
        ('revoke', zvm_vswitch, fewer, {}),
        ('delete', zvm_vswitch, dict(name=name, state='absent'), {}),
    ]


FLOWS = {'guest': (guest_flow, 'FG'), 'nic': (nic_flow, 'FN'), 'vswitch': (vswitch_flow, 'FV')}


def client(sim):
    return SmapiClient('127.0.0.1', 'MAINT', 'MAINT', port=sim.port)


@pytest.fixture(scope='module')
def switches(sim):
    c = client(sim)
    for name in SWITCHES:
        c.call('Virtual_Network_Vswitch_Create_Extended', c.userid, switch_name=name, persist='NO')
    return c


def prepare(flow, name, c):
    """What a round of ``flow`` needs before its first step (no faults)."""
    if flow in ('guest', 'nic'):
        for sw in SWITCHES:
            c.call('Virtual_Network_Vswitch_Set_Extended', c.userid, switch_name=sw, grant_userid=name)
    if flow == 'nic':
        c.call('Image_Create_DM', name, image_record_array=['USER %s LBYONLY 512M 1G G' % name, 'MACHINE ESA 2'])
        c.call('Image_Activate', name)


def cleanup(flow, name, c):
    if flow in ('guest', 'nic'):
        for sw in SWITCHES:
            c.call('Virtual_Network_Vswitch_Set_Extended', c.userid, switch_name=sw, revoke_userid=name)
    if flow == 'nic':
        c.call('Image_Deactivate', name, force_time='IMMED', ok=[(200, 12), (200, 8)])
        c.call('Image_Delete_DM', name, data_security_erase=0, ok=[(400, 4)])


class Rounds:
    """The state of a fault run: the random source, the calibration, the
    figures and the problems found."""

    def __init__(self, flow, sim, run_module, tmpdir):
        self.flow, self.sim, self.run_module, self.tmpdir = flow, sim, run_module, tmpdir
        self.rng = random.Random('%s-%d' % (flow, SEED))
        self.make, self.prefix = FLOWS[flow]
        self.calls = {}
        self.problems = []
        self.found = []           # the same, without where they were found
        self.figures = {'seed': SEED, 'rounds': 0, 'steps': 0, 'faults': 0, 'failed_runs': 0,
                        'faults_by_action': {}, 'reported_not_undone': 0}

    def calibrate(self, c):
        """Run the flow once without faults: the calls of each step."""
        name = self.prefix + 'CAL'
        prepare(self.flow, name, c)
        for label, module, args, _declared in self.make(name):
            res = self.run_module(module, **args)
            assert not res.failed, (label, res.get('msg'))
            self.calls[label] = [(e['function'], e['write']) for e in res.calls]
        cleanup(self.flow, name, c)

    def pick_fault(self, label):
        calls = self.calls[label]
        writes = [i for i, (_f, w) in enumerate(calls) if w]
        i = self.rng.choice(writes if writes and self.rng.random() < 0.75 else range(len(calls)))
        function = calls[i][0]
        every = sum(1 for f, _w in calls[:i + 1] if f == function)
        action = self.rng.choices([a for a, _w in ACTIONS], [w for _a, w in ACTIONS])[0]
        fault = dict(function=function, action=action, every=every, times=1)
        if action == 'rc':
            fault['rc'], fault['rs'] = self.rng.choice(RC_FAULTS)
        elif action == 'slow':
            fault['delay'] = 0.05
        return fault

    def round(self, number, c):
        name = '%s%06d' % (self.prefix, number)
        prepare(self.flow, name, c)
        for label, module, args, declared in self.make(name):
            self.step(number, name, label, module, args, declared)
        cleanup(self.flow, name, c)
        self.figures['rounds'] += 1

    def step(self, number, name, label, module, args, declared):
        fault = self.pick_fault(label)
        where = 'seed %d, %s round %d, step %r, fault %r' % (SEED, self.flow, number, label, fault)
        before = self.sim.dump()
        self.sim.fault(**fault)
        try:
            res = self.run_module(module, **args)
        finally:
            fired = sum(f.get('fired', 0) for f in self.sim.dump()['faults'])
            self.sim.clear_faults()
        self.figures['steps'] += 1
        if fired:
            self.figures['faults'] += 1
            by = self.figures['faults_by_action']
            by[fault['action']] = by.get(fault['action'], 0) + 1
        self.figures['failed_runs'] += res.failed
        self.figures['reported_not_undone'] += sum(1 for r in res.get('rollback') or [] if r.startswith('could'))
        after = self.sim.dump()
        subject = args.get('name') or args.get('guest')
        found = invariants.result_problems(res, before, after, subject if self.flow != 'vswitch' else None,
                                           declared)
        if 'exception' in res:
            found.append('traceback: %s' % res['exception'][-500:])
        found += invariants.space_problems(after)
        again = self.run_module(module, **args)
        if again.failed:
            found.append('not converged: the re-run failed: %s' % again.get('msg'))
        elif not res.failed and again.writes:
            found.append('not converged: the run with the fault succeeded, yet the re-run wrote %s'
                         % [e['function'] for e in again.writes])
        third = self.run_module(module, **args)
        if third.failed or third.writes or third.get('changed'):
            found.append('not converged: the third run changed %s (%s)' % (third.get('actions'), third.get('msg')))
        final = self.sim.dump()
        found += invariants.space_problems(final) + invariants.lock_problems(final, self.tmpdir)
        self.problems.extend('%s: %s' % (where, p) for p in found)
        self.found.extend(found)

    def report(self):
        self.figures['problems'] = invariants.count(self.found)
        invariants.write_figures('faults-%s' % self.flow, self.figures)
        print('fault rounds, %s flow: %r' % (self.flow, self.figures))
        assert not self.problems, '%d problems (seed %d, ZVM_RELIABILITY_SEED=%d reproduces); the first:\n%s' % (
            len(self.problems), SEED, SEED, '\n'.join(self.problems[:15]))


@pytest.mark.parametrize('flow', sorted(FLOWS))
def test_fault_rounds(flow, sim, switches, run_module, tmp_path):
    rounds = Rounds(flow, sim, run_module, tmp_path)
    rounds.calibrate(switches)
    target = (FAULTS + len(FLOWS) - 1) // len(FLOWS)
    started = time.monotonic()
    number = 0
    while number == 0 or rounds.figures['faults'] < target:
        number += 1
        rounds.round(number, switches)
    rounds.figures['seconds'] = round(time.monotonic() - started, 1)
    rounds.report()


def test_a_lock_whose_reply_was_lost_is_released_by_the_next_change(sim, tmp_path, monkeypatch):
    """Found by the fault rounds: Image_Lock_DM took the lock, the reply was
    lost (the client does not send a write again), and no marker was
    written, so the lock stayed and every later change of the entry waited
    out the lock timeout and failed.  Now the lock is noted as this
    controller's, and the next change releases it."""
    monkeypatch.setattr('tempfile.tempdir', str(tmp_path))
    c = client(sim)
    c.call('Image_Create_DM', 'FLOSTLK', image_record_array=['USER FLOSTLK LBYONLY 512M 1G G'])
    session = Session(SmapiClient('127.0.0.1', 'MAINT', 'MAINT', port=sim.port), lock_timeout=2)
    sim.fault(function='Image_Lock_DM', action='close_after_id', times=1)
    try:
        with pytest.raises(SmapiError, match='may have been carried out'):
            entries.modify(session, 'FLOSTLK', lambda e: e.set_storage('1G'))
    finally:
        sim.clear_faults()
    assert list(sim.dump()['locks']) == ['FLOSTLK']                 # the server did take it
    before, after = entries.modify(session, 'FLOSTLK', lambda e: e.set_storage('1G'))
    assert (before.storage, after.storage) == ('512M', '1G')
    assert session.released_stale_locks == ['FLOSTLK']
    assert sim.dump()['locks'] == {} and invariants.markers(tmp_path) == []
    c.call('Image_Delete_DM', 'FLOSTLK', data_security_erase=0)


def test_a_disk_whose_attach_reply_was_lost_is_detached_again(run_module, sim, switches, tmp_path):
    """Found by the fault rounds: a new disk of a running guest was attached
    (Image_Disk_Create), the reply was lost, and a later failure removed the
    disk from the directory but left it attached: its space stayed in use,
    and every re-run failed (208/4, the vdev in use) until the guest logged
    off.  Now a disk whose attach may have happened is detached again."""
    prepare('guest', 'FATTACH', switches)
    base = dict(name='FATTACH', state='started', memory='512M', disks=[disk('0100', 10)], stop_mode='immediate')
    assert not run_module(zvm_guest, **base).failed
    more = dict(base, disks=base['disks'] + [disk('0101', 10)])
    sim.fault(function='Image_Disk_Create', action='close_after_id', times=1)
    try:
        res = run_module(zvm_guest, **more)
    finally:
        sim.clear_faults()
    assert res.failed and res['rollback'] == ['disk 0101 of FATTACH: removed again']
    dump = sim.dump()
    assert sorted(dump['cp']['FATTACH']['disks']) == ['0100']
    assert invariants.space_problems(dump) == []
    again = run_module(zvm_guest, **more)
    assert not again.failed and again['actions'] == ['create disk 0101 (10 in ECKD:POOL1)']
    assert sorted(sim.dump()['cp']['FATTACH']['disks']) == ['0100', '0101']
    assert not run_module(zvm_guest, name='FATTACH', state='absent', stop_mode='immediate').failed
    cleanup('guest', 'FATTACH', switches)
