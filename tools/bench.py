# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmarks (not timed tests): SMAPI calls counted from zvmsim's request
log, and wall time as a ratio to a baseline run in the same process.

    tools/bench guests [--guests 50] [--repeat 3] [--fleet-guests 1000]
    tools/bench create [--guests 100] [--disks 2] [--connections 8]
    tools/bench codec [--number 200] [--baseline GIT_REF]
    tools/bench facts [--guests 1000] [--connections 8] [--no-serial]
    tools/bench reliability [--faults 10000] [--inputs 10000] [--crashes 300] [--rounds 50] [--seed N]
    tools/bench images [--size-mb 1024] [--repeat 3] [--no-ssh]

``guests``: a converged zvm_guest playbook over N guests, against the same
playbook with ansible.builtin.debug tasks instead (the Ansible overhead
baseline).  Reports SMAPI calls per guest and the wall-time ratio.  Then
the fleet: ``--fleet-guests`` seeded guests declared in one zvm_guest task
(``guests``) that already match, against a playbook of one
ansible.builtin.ping task: SMAPI calls, writes and the wall-time ratio.
``create``: with the realistic latency profile, N guests with ``--disks``
pool disks each created from empty by one zvm_guest task (``guests``, on
``--connections`` connections), against the same N created one task per
guest (a loop), and against the serial floor (the writes' simulated
service times added up).
``codec``: the codec's cost per request over the captured exchanges, and
its decode time of the large captured replies (Query_All_DM,
System_RDR_File_Query) against a minimal hand-written ``struct`` decoder of
the same layouts (the floor) and, with ``--baseline``, the codec at a git ref.

``facts``: the read side at scale, on a simulator seeded with N guests:
SMAPI calls and wall time of ``zvm_facts gather_subset=guests`` and of
``ansible-inventory --list`` without definitions (latency model at zero),
against ``ansible localhost -m ansible.builtin.ping``; then, with the
realistic latency profile, ``gather_subset=definitions`` and the inventory
with definitions (one Query_All_DM), and the same with Query_All_DM refused
(``directory.query_all_authorized: false``): one read per guest on up to
``--connections`` connections, against a serial run (``max_connections=1``),
and whether all those results are identical.

``reliability``: the long form of the reliability suite (tests/reliability):
fault rounds, crashes, generated inputs, concurrency, stale locks and
secrets, with their figures (see docs/reliability.md).

``images``: deploy and capture of an image through the access node, here
and over SSH, against ``zcat`` and ``gzip -6`` of the same bytes on the
same machine (tools/bench_images.py).

Run it through ``tools/bench`` (which sets up the virtualenv and the staged
collection).  Results are printed and written as JSON to .build/bench/.
"""

import argparse
import functools
import glob
import json
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import time

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from zvmsim.testing import SimServer  # noqa: E402  pylint: disable=wrong-import-position

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_images  # noqa: E402  pylint: disable=wrong-import-position


def _ansible(name):
    return os.path.join(os.path.dirname(sys.executable), name)


def run_playbook(path, env, inventory='localhost,'):
    started = time.monotonic()
    proc = subprocess.run([_ansible('ansible-playbook'), path, '-i', inventory, '-c', 'local'], env=env,
                          capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    if proc.returncode:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit('playbook %s failed' % path)
    recap = [line for line in proc.stdout.splitlines() if line.startswith('localhost')]
    return elapsed, recap[-1] if recap else ''


def base_env(sim, workdir):
    env = dict(os.environ)
    env.update(sim.env())
    env.update({'ANSIBLE_LOCALHOST_WARNING': 'false', 'ANSIBLE_INVENTORY_UNPARSED_WARNING': 'false',
                'ANSIBLE_PYTHON_INTERPRETER': sys.executable, 'ANSIBLE_HOME': os.path.join(workdir, '.ansible')})
    if not env.get('ANSIBLE_COLLECTIONS_PATH'):
        raise SystemExit('ANSIBLE_COLLECTIONS_PATH is not set: run this through tools/bench')
    return env


def write_play(path, tasks, hosts='localhost'):
    with open(path, 'w') as fh:
        yaml.safe_dump([{'name': 'bench', 'hosts': hosts, 'gather_facts': False, 'tasks': tasks}], fh,
                       sort_keys=False)


def bench_guests(args):
    """Converged zvm_guest over N seeded guests vs. the same loop of debug tasks."""
    workdir = tempfile.mkdtemp(prefix='zvm-bench-')
    with SimServer(seed_guests=args.guests, state_dir=os.path.join(workdir, 'state'),
                   config={'power': {'soft_stop_seconds': 0}}) as sim:
        names = sorted(n for n in sim.dump()['directory'] if n.startswith('LNX'))[:args.guests]
        env = base_env(sim, workdir)
        declared = {'memory': '2G', 'max_memory': '4G', 'vcpus': 1, 'max_vcpus': 2, 'profile': 'IBMDFLT',
                    'ipl': '0100', 'disks': [{'vdev': '0100', 'size': '20', 'disk_pool': 'ECKD:POOL1'}]}
        guest_play = os.path.join(workdir, 'guests.yml')
        write_play(guest_play, [{'name': 'guests', 'zvm.cloud.zvm_guest': dict(declared, name='{{ item }}'),
                                 'loop': names}])
        debug_play = os.path.join(workdir, 'debug.yml')
        write_play(debug_play, [{'name': 'debug', 'ansible.builtin.debug': {'msg': '{{ item }}'}, 'loop': names}])
        # context: a module that does nothing, to show Ansible's own cost of running a module
        ping_play = os.path.join(workdir, 'ping.yml')
        write_play(ping_play, [{'name': 'ping', 'ansible.builtin.ping': {'data': '{{ item }}'}, 'loop': names}])
        # one run to converge (the seeded guests already match; this checks it)
        mark = sim.mark()
        _elapsed, recap = run_playbook(guest_play, env)
        converge_writes = len(sim.calls(since=mark, writes=True))
        guest_times, debug_times, ping_times, per_guest = [], [], [], []
        for _i in range(args.repeat):
            t, _recap = run_playbook(debug_play, env)
            debug_times.append(t)
            t, _recap = run_playbook(ping_play, env)
            ping_times.append(t)
            mark = sim.mark()
            t, recap = run_playbook(guest_play, env)
            guest_times.append(t)
            calls = sim.calls(since=mark)
            per_guest.append({'reads': sum(1 for c in calls if not c['write']) / float(len(names)),
                              'writes': sum(1 for c in calls if c['write']) / float(len(names))})
            functions = sorted(set(c['function'] for c in calls))
    result = {
        'benchmark': 'converged zvm_guest vs ansible.builtin.debug',
        'guests': len(names),
        'repeat': args.repeat,
        'writes_while_converging': converge_writes,
        'smapi_calls_per_guest': per_guest[-1],
        'smapi_functions': functions,
        'wall_seconds_zvm_guest': [round(t, 2) for t in guest_times],
        'wall_seconds_debug': [round(t, 2) for t in debug_times],
        'wall_seconds_ping_module': [round(t, 2) for t in ping_times],
        'median_ratio': round(statistics.median(guest_times) / statistics.median(debug_times), 2),
        'median_ratio_to_ping_module': round(statistics.median(guest_times) / statistics.median(ping_times), 2),
        'seconds_per_guest': round(statistics.median(guest_times) / len(names), 3),
        'last_recap': recap.strip(),
    }
    if args.fleet_guests:
        result['fleet'] = bench_fleet_converged(args, declared)
    report(result, 'guests')


def bench_fleet_converged(args, declared):
    """``--fleet-guests`` seeded guests that match, declared in one
    zvm_guest task (``guests``), against a play of one ping task."""
    workdir = tempfile.mkdtemp(prefix='zvm-bench-fleet-')
    with SimServer(seed_guests=args.fleet_guests, state_dir=os.path.join(workdir, 'state'),
                   config={'power': {'soft_stop_seconds': 0}}) as sim:
        names = sorted(n for n in sim.dump()['directory'] if n.startswith('LNX'))[:args.fleet_guests]
        env = base_env(sim, workdir)
        fleet_play = os.path.join(workdir, 'fleet.yml')
        write_play(fleet_play, [{'name': 'fleet', 'zvm.cloud.zvm_guest': dict(
            declared, guests=[{'name': n} for n in names])}])
        ping_play = os.path.join(workdir, 'ping.yml')
        write_play(ping_play, [{'name': 'ping', 'ansible.builtin.ping': {}}])
        run_playbook(ping_play, env)        # warm caches once
        fleet_times, ping_times, writes = [], [], 0
        for _i in range(args.repeat):
            ping_times.append(run_playbook(ping_play, env)[0])
            mark = sim.mark()
            elapsed, recap = run_playbook(fleet_play, env)
            fleet_times.append(elapsed)
            calls = sim.calls(since=mark)
            writes += sum(1 for c in calls if c['write'])
            if 'changed=0' not in recap:
                raise SystemExit('the fleet was not converged: %s' % recap)
    return {
        'benchmark': 'a converged fleet in one zvm_guest task vs a play of one ansible.builtin.ping task',
        'guests': len(names),
        'smapi_calls': call_summary(calls),
        'writes_in_all_runs': writes,
        'wall_seconds_fleet': [round(t, 2) for t in fleet_times],
        'wall_seconds_ping': [round(t, 2) for t in ping_times],
        'median_ratio_to_ping': round(statistics.median(fleet_times) / statistics.median(ping_times), 2),
        'fastest_ratio_to_ping': round(min(fleet_times) / min(ping_times), 2),
    }


def simulated_seconds(calls, profile='realistic'):
    """(writes, reads): the simulated service time of ``calls`` added up,
    as zvmsim sleeps it under the latency profile."""
    from zvmsim import config as sim_config
    settings = {'latency': {'profile': profile}}
    writes = reads = 0.0
    for c in calls:
        seconds = sim_config.latency_for(settings, c['function'], not c['write'])
        if c['write']:
            writes += seconds
        else:
            reads += seconds
    return writes, reads


def bench_create(args):
    """N guests with pool disks created from empty, realistic latency: one
    zvm_guest task (``guests``) vs one task per guest vs the serial floor."""
    workdir = tempfile.mkdtemp(prefix='zvm-bench-create-')
    names = ['CRT%04d' % n for n in range(1, args.guests + 1)]
    declared = {'memory': '1G', 'profile': 'IBMDFLT', 'ipl': '0100',
                'disks': [{'vdev': '%04X' % (0x100 + d), 'size': '10', 'disk_pool': 'ECKD:POOL1'}
                          for d in range(args.disks)]}
    fleet_task = {'name': 'fleet', 'zvm.cloud.zvm_guest': dict(
        declared, guests=[{'name': n} for n in names], max_connections=args.connections)}
    loop_task = {'name': 'one task per guest', 'zvm.cloud.zvm_guest': dict(declared, name='{{ item }}'),
                 'loop': names}
    result = {'benchmark': 'creating guests with pool disks: one fleet task vs one task per guest vs the serial floor',
              'guests': args.guests, 'disks_per_guest': args.disks, 'max_connections': args.connections,
              'latency_profile': 'realistic (1 s per _DM write, 0.2 s per other write, 0.05 s per query)'}
    for label, task in (('fleet', fleet_task), ('one_task_per_guest', loop_task)):
        with SimServer(state_dir=os.path.join(workdir, label), latency='realistic') as sim:
            env = base_env(sim, workdir)
            play = os.path.join(workdir, label + '.yml')
            write_play(play, [task])
            mark = sim.mark()
            elapsed, _recap = run_playbook(play, env)
            calls = sim.calls(since=mark)
            directory = sim.dump()['directory']
            made = [n for n in names if n in directory
                    and sum(1 for r in directory[n] if r.split()[:1] == ['MDISK']) == args.disks]
            if len(made) != len(names):
                raise SystemExit('%s: %d of %d guests were made with their disks' % (label, len(made), len(names)))
            writes, reads = simulated_seconds(calls)
            result[label] = {'seconds': round(elapsed, 1), 'smapi_calls': call_summary(calls),
                             'simulated_write_seconds': round(writes, 1), 'simulated_read_seconds': round(reads, 1)}
    floor = result['fleet']['simulated_write_seconds']
    result['serial_floor_seconds'] = floor
    result['fleet_vs_one_task_per_guest'] = round(result['one_task_per_guest']['seconds'] / result['fleet']['seconds'],
                                                  2)
    result['fleet_vs_serial_floor'] = round(result['fleet']['seconds'] / floor, 3)
    report(result, 'create')


def run_timed(cmd, env, cwd):
    """(seconds, stdout) of a command that must succeed."""
    started = time.monotonic()
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    if proc.returncode:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit('%s failed' % ' '.join(cmd[:4]))
    return elapsed, proc.stdout


def adhoc(module, args, env, cwd):
    """``ansible localhost -m module -a args``: (seconds, result dict)."""
    cmd = [_ansible('ansible'), 'localhost', '-m', module] + (['-a', args] if args else [])
    elapsed, out = run_timed(cmd, env, cwd)
    return elapsed, json.loads(out.split('=>', 1)[1])


def call_summary(calls):
    counts = {}
    for c in calls:
        counts[c['function']] = counts.get(c['function'], 0) + 1
    return {'total': len(calls), 'writes': sum(1 for c in calls if c['write']), 'functions': counts}


def bench_facts(args):
    """zvm_facts and the zvm inventory on N seeded guests: calls, wall time, concurrency."""
    workdir = tempfile.mkdtemp(prefix='zvm-bench-facts-')
    state = os.path.join(workdir, 'state')
    inventory = os.path.join(workdir, 'bench.zvm.yml')
    with open(inventory, 'w') as fh:
        yaml.safe_dump({'plugin': 'zvm.cloud.zvm', 'definitions': False}, fh)
    result = {'benchmark': 'zvm_facts and the zvm inventory plugin at scale', 'seeded_guests': args.guests}
    with SimServer(seed_guests=args.guests, state_dir=state) as sim:
        # z/VM compares passwords without case; 'maint' keeps no_log masking out of the facts
        env = dict(base_env(sim, workdir), **sim.env(password='maint'))
        result['directory_entries'] = len(sim.dump()['directory'])
        adhoc('ansible.builtin.ping', '', env, workdir)          # warm caches once
        ping = min(adhoc('ansible.builtin.ping', '', env, workdir)[0] for _i in range(args.repeat))
        result['baseline_ping_seconds'] = round(ping, 2)
        times = []
        for _i in range(args.repeat):
            mark = sim.mark()
            elapsed, out = adhoc('zvm.cloud.zvm_facts', 'gather_subset=guests', env, workdir)
            times.append(elapsed)
            calls = sim.calls(since=mark)
        guests = out['ansible_facts']['zvm']['guests']
        result['facts_guests'] = {'smapi_calls': call_summary(calls), 'seconds': round(min(times), 2),
                                  'ratio_to_ping': round(min(times) / ping, 2), 'guests': len(guests),
                                  'logged_on': sum(1 for g in guests.values() if g['power_state'] == 'on')}
        times = []
        for _i in range(args.repeat):
            mark = sim.mark()
            elapsed, out = run_timed([_ansible('ansible-inventory'), '-i', inventory, '--list'], env, workdir)
            times.append(elapsed)
            calls = sim.calls(since=mark)
        result['inventory_without_definitions'] = {
            'smapi_calls': call_summary(calls), 'seconds': round(min(times), 2),
            'ratio_to_ping': round(min(times) / ping, 2), 'hosts': len(json.loads(out)['_meta']['hostvars'])}
    realistic = {'latency_profile': 'realistic (50 ms per query)'}
    # the whole directory in one Query_All_DM
    with SimServer(state_dir=state, latency='realistic') as sim:
        env = dict(base_env(sim, workdir), **sim.env(password='maint'))
        mark = sim.mark()
        # reader_files=false: the directory read alone (the readers are one request per guest on top)
        elapsed, out = adhoc('zvm.cloud.zvm_facts', 'gather_subset=definitions reader_files=false', env, workdir)
        fast = out['ansible_facts']['zvm']
        realistic['definitions_query_all'] = {'seconds': round(elapsed, 2), 'directory_read': fast['directory_read'],
                                              'smapi_calls': call_summary(sim.calls(since=mark))}
        fast_hosts, realistic['inventory_query_all'] = inventory_run(sim, inventory, env, workdir, {})
    # Query_All_DM refused (not authorized by DirMaint): one Image_Query_DM per guest
    with SimServer(state_dir=state, latency='realistic', config={'directory': {'query_all_authorized': False}}) as sim:
        env = dict(base_env(sim, workdir), **sim.env(password='maint'))
        runs = {}
        settings = [args.connections] + ([] if args.no_serial else [1])
        for connections in settings:
            mark = sim.mark()
            elapsed, out = adhoc('zvm.cloud.zvm_facts', 'gather_subset=definitions reader_files=false '
                                 'max_connections=%d' % connections, env, workdir)
            runs[connections] = (elapsed, out['ansible_facts']['zvm'], sim.calls(since=mark))
        concurrent = runs[args.connections]
        realistic['definitions_per_guest'] = {'max_connections': args.connections,
                                              'seconds': round(concurrent[0], 2),
                                              'directory_read': concurrent[1]['directory_read'],
                                              'smapi_calls': call_summary(concurrent[2])}
        slow_hosts, realistic['inventory_per_guest'] = inventory_run(sim, inventory, env, workdir,
                                                                     {'max_connections': args.connections})
        if 1 in runs and args.connections != 1:
            serial = runs[1]
            realistic['definitions_per_guest_serial'] = {'max_connections': 1, 'seconds': round(serial[0], 2),
                                                         'smapi_calls': call_summary(serial[2])}
            realistic['per_guest_identical_to_serial'] = (json.dumps(serial[1], sort_keys=False)
                                                          == json.dumps(concurrent[1], sort_keys=False))
            realistic['per_guest_speedup_over_serial'] = round(serial[0] / concurrent[0], 2)
    slow = dict(concurrent[1])
    for facts in (fast, slow):
        facts.pop('directory_read')
        facts.pop('smapi_calls', None)
    realistic['query_all_identical_to_per_guest'] = {
        'facts': json.dumps(fast, sort_keys=False) == json.dumps(slow, sort_keys=False),
        'inventory_hostvars': fast_hosts == slow_hosts}
    realistic['query_all_speedup_over_per_guest'] = round(
        realistic['definitions_per_guest']['seconds'] / realistic['definitions_query_all']['seconds'], 2)
    result['realistic'] = realistic
    report(result, 'facts')


def inventory_run(sim, inventory, env, workdir, options):
    """``ansible-inventory --list`` with definitions: (hostvars without
    zvm_directory_read and zvm_smapi_port, which differs between two
    simulator runs, and its figures)."""
    with open(inventory, 'w') as fh:
        yaml.safe_dump(dict({'plugin': 'zvm.cloud.zvm', 'definitions': True}, **options), fh)
    mark = sim.mark()
    elapsed, out = run_timed([_ansible('ansible-inventory'), '-i', inventory, '--list'], env, workdir)
    hostvars = json.loads(out)['_meta']['hostvars']
    read = set(json.dumps(h.pop('zvm_directory_read', None)) for h in hostvars.values())
    for h in hostvars.values():
        h.pop('zvm_smapi_port', None)
    figures = dict(options, seconds=round(elapsed, 2), hosts=len(hostvars), zvm_directory_read=sorted(read),
                   smapi_calls=call_summary(sim.calls(since=mark)))
    return hostvars, figures


def bench_codec(args):
    """SMAPI codec cost per request over the captured exchanges: decode and
    encode of requests and responses, in microseconds (no network)."""
    import base64
    import glob
    import timeit
    from zvmsim._bootstrap import ensure_collection_importable
    ensure_collection_importable()
    from ansible_collections.zvm.cloud.plugins.module_utils.smapi import codec, layouts
    captures = os.environ.get('SMAPI_CAPTURES') or \
        os.path.join(os.path.dirname(ROOT), 'shared', 'smapi', 'captures')
    cases = []
    for path in sorted(glob.glob(os.path.join(captures, '*.json'))):
        with open(path) as fh:
            cap = json.load(fh)
        layout = layouts.get(cap['function'])
        request = base64.b64decode(cap['request_b64'])
        response = base64.b64decode(cap['response_b64'])
        dreq = codec.decode_request(request, layouts.FUNCTIONS)
        dresp = codec.decode_response(layout, response)
        cases.append((layout, request, response, dreq, dresp, os.path.basename(path)[:-len('.json')]))
    if not cases:
        raise SystemExit('no captures in %s' % captures)

    def per_call(fn):
        # CPU time of this process: other work on the machine does not count
        runs = timeit.Timer(fn, timer=time.process_time).repeat(number=args.number, repeat=3)
        return min(runs) / args.number * 1e6

    ops = {
        'encode_request': lambda c: lambda: codec.encode_request(c[0], c[3]['userid'], c[3]['password'],
                                                                 c[3]['target'], c[3]['params'], validate=False),
        'decode_request': lambda c: lambda: codec.decode_request(c[1], layouts.FUNCTIONS),
        'encode_response': lambda c: lambda: codec.reencode_response(c[0], c[4]),
        'decode_response': lambda c: lambda: codec.decode_response(c[0], c[2]),
    }
    result = {'captures': len(cases), 'functions': len(set(c[0].name for c in cases))}
    for op, make in sorted(ops.items()):
        times = sorted(per_call(make(c)) for c in cases)
        result[op + '_us'] = {
            'median': round(statistics.median(times), 1),
            'p90': round(times[int(len(times) * 0.9)], 1),
            'max': round(times[-1], 1),
            'mean': round(statistics.mean(times), 1),
        }
    big = max(cases, key=lambda c: len(c[2]))
    secs = per_call(ops['decode_response'](big)) / 1e6
    result['largest_response'] = {'function': big[0].name, 'bytes': len(big[2]),
                                  'decode_mb_per_s': round(len(big[2]) / secs / 1e6, 1)}
    lines = 0
    # the codec and its layout table (the smapi/ modules less transport, client and errors)
    for name in ('codec.py', 'primitives.py', 'text.py', 'readers.py', 'fields.py', 'keywords.py', 'containers.py',
                 'layouts.py'):
        with open(os.path.join(ROOT, 'plugins', 'module_utils', 'smapi', name)) as fh:
            lines += sum(1 for line in fh if line.strip() and not line.strip().startswith('#'))
    result['codec_lines_of_code'] = lines
    result['large_replies'] = bench_codec_large(args, codec, layouts, cases)
    report(result, 'codec')


# -- the codec on large replies ------------------------------------------------------

# The large captured replies (issue 14) and the flag the caller knows from its own
# request: whether Query_All_DM was asked for FORMAT=YES.
LARGE_CAPTURES = (('Query_All_DM.2', True), ('Query_All_DM.1', False), ('System_RDR_File_Query.1', None))
_HEAD = struct.Struct('>iiii')
_INT = struct.Struct('>i')
_ENTRY = struct.Struct('>iii')


def _floor_text(raw):
    # as fast as text decoding gets: SMAPI's ISO-8859-15 text is nearly always
    # ASCII, which the ascii codec decodes several times faster (the codec
    # does the same)
    return raw.decode('ascii') if raw.isascii() else raw.decode('iso8859_15')


def floor_query_all(data, formatted):
    """A minimal hand-written decoder of a Query_All_DM reply (the practical
    floor in Python, as a plain client such as pysmapi decodes it): the same
    dict the codec gives, nothing checked beyond what struct does."""
    unpack = _INT.unpack_from
    length, rid, rc, rs = _HEAD.unpack_from(data, 4)
    out = {'request_id': unpack(data, 0)[0], 'framed_request_id': rid, 'return_code': rc, 'reason_code': rs}
    pos = 24
    end = pos + unpack(data, 20)[0]
    entries = []
    while pos < end:
        size, etype, id_len = _ENTRY.unpack_from(data, pos)
        stop = pos + 4 + size
        pos += 12
        entry = {'directory_entry_type': etype, 'directory_entry_id': _floor_text(data[pos:pos + id_len])}
        pos += id_len
        data_len = unpack(data, pos)[0]
        pos += 4
        if formatted:
            entry['directory_entry_data'] = _floor_text(data[pos:pos + data_len]).split('\x00')[:-1]
        else:
            records = []
            rec_end = pos + data_len
            while pos < rec_end:
                n = unpack(data, pos)[0]
                records.append(_floor_text(data[pos + 4:pos + 4 + n]))
                pos += 4 + n
            entry['directory_entry_records'] = records
        entries.append(entry)
        pos = stop
    out['directory_entries_array'] = entries
    return out


_RDR_COLUMNS = (('originid', 0, 8), ('file', 9, 13), ('class', 14, 15), ('device_type', 16, 19),
                ('records', 20, 28), ('cpy', 29, 32), ('hold', 33, 37), ('date', 38, 43), ('time', 44, 52),
                ('name', 53, 61), ('type', 63, 71))


def floor_rdr_file_query(data):
    """A minimal hand-written decoder of a System_RDR_File_Query reply: the
    ASCIIZ records cut into their columns (the same dicts as the codec)."""
    length, rid, rc, rs = _HEAD.unpack_from(data, 4)
    out = {'request_id': _INT.unpack_from(data, 0)[0], 'framed_request_id': rid, 'return_code': rc,
           'reason_code': rs}
    files = []
    for rec in _floor_text(data[20:]).split('\x00')[:-1]:
        item = dict((name, rec[a:b].rstrip(' ')) for name, a, b in _RDR_COLUMNS)
        item['dist'] = rec[72:]
        files.append(item)
    out['rdr_file_info'] = files
    return out


def baseline_codec(ref):
    """codec.py and layouts.py as they are at git ``ref``, imported under
    private module names next to the current ones (for a same-process
    before/after comparison)."""
    import types
    package = 'ansible_collections.zvm.cloud.plugins.module_utils.smapi'
    mods = []
    for name in ('codec', 'layouts'):
        source = subprocess.run(['git', '-C', ROOT, 'show', '%s:plugins/module_utils/smapi/%s.py' % (ref, name)],
                                capture_output=True, text=True, check=True).stdout
        source = source.replace(package + '.codec', 'zvm_bench_baseline_codec')
        mod = types.ModuleType('zvm_bench_baseline_' + name)
        sys.modules[mod.__name__] = mod
        exec(compile(source, '%s:%s.py' % (ref, name), 'exec'), mod.__dict__)  # pylint: disable=exec-used
        mods.append(mod)
    return mods


def best_of(fns, number, repeat):
    """CPU seconds per call of each function: the best of ``repeat`` rounds
    of ``number`` calls, the functions taking turns in every round, so that a
    change of the machine's speed affects them alike."""
    import timeit
    best = [float('inf')] * len(fns)
    for _round in range(repeat):
        for i, fn in enumerate(fns):
            best[i] = min(best[i], timeit.Timer(fn, timer=time.process_time).timeit(number) / number)
    return best


def bench_codec_large(args, codec, layouts, cases):
    """Decode time of the large captured replies: the codec, the minimal
    struct decoder (the floor) and, with --baseline REF, the codec at REF;
    then the small replies' median and p90 against REF."""
    by_name = dict((c[5], c) for c in cases)
    base = baseline_codec(args.baseline) if args.baseline else None
    result = {}
    for name, formatted in LARGE_CAPTURES:
        case = by_name.get(name)
        if case is None:
            raise SystemExit('capture %s is missing' % name)
        layout, response = case[0], case[2]
        floor = functools.partial(floor_rdr_file_query, response) if formatted is None else \
            functools.partial(floor_query_all, response, formatted)
        if floor() != codec.decode_response(layout, response):
            raise SystemExit('the floor decoder of %s does not give what the codec gives' % name)
        fns = [lambda: codec.decode_response(layout, response), floor]
        if base:
            old = base[1].get(layout.name)
            fns.append(lambda: base[0].decode_response(old, response))
        times = [t * 1e3 for t in best_of(fns, max(5, args.number // 10), 9)]
        row = {'bytes': len(response), 'codec_ms': round(times[0], 3), 'floor_ms': round(times[1], 3),
               'codec_vs_floor': round(times[0] / times[1], 2)}
        if base:
            row.update(baseline_ms=round(times[2], 3), baseline_vs_floor=round(times[2] / times[1], 2),
                       speedup=round(times[2] / times[0], 1))
        result[name] = row
    if base:
        large = set(n for n, _f in LARGE_CAPTURES)
        ours, theirs = [], []
        for case in cases:
            if case[5] in large:
                continue
            old = base[1].get(case[0].name)
            mine, before = best_of([lambda c=case: codec.decode_response(c[0], c[2]),
                                    lambda c=case, o=old: base[0].decode_response(o, c[2])], args.number, 3)
            ours.append(mine * 1e6)
            theirs.append(before * 1e6)
        ratios = sorted(o / t for o, t in zip(ours, theirs))
        ours.sort()
        theirs.sort()
        p90 = int(len(ours) * 0.9)
        result['small_replies'] = {
            'count': len(ours), 'baseline': args.baseline,
            'codec_us': {'median': round(statistics.median(ours), 2), 'p90': round(ours[p90], 2)},
            'baseline_us': {'median': round(statistics.median(theirs), 2), 'p90': round(theirs[p90], 2)},
            'codec_vs_baseline': {'median': round(statistics.median(ratios), 2), 'p90': round(ratios[p90], 2),
                                  'max': round(ratios[-1], 2)}}
    return result


RELIABILITY_KINDS = ('lost', 'duplicated', 'overlapping', 'orphaned', 'locked', 'untrue', 'not converged', 'traceback')


def _pytest_part(path, env, extra=()):
    """Run one file of tests/reliability; (passed, seconds, output)."""
    started = time.monotonic()
    proc = subprocess.run([sys.executable, '-m', 'pytest', '-q', '-p', 'no:cacheprovider', path] + list(extra),
                          cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    out = proc.stdout + proc.stderr
    if proc.returncode:
        sys.stderr.write('%s failed:\n%s\n' % (path, out[-6000:]))
    return proc.returncode == 0, round(time.monotonic() - started, 1), out


def _hypothesis_counts(output):
    """{test: (passing, failing)} from pytest's --hypothesis-show-statistics."""
    counts, test = {}, None
    for line in output.splitlines():
        if line.startswith('tests/') and line.rstrip().endswith(':'):
            test = line.rstrip()[:-1].split('::')[-1]
        words = line.split()
        if test and 'passing,' in words and 'failing,' in words:
            counts[test] = (int(words[1]), int(words[3]))
    return counts


def bench_reliability(args):
    """The long form of the reliability suite (tests/reliability, see
    docs/reliability.md): --faults faults injected in the fault rounds (a
    third in each of the guest, NIC and vswitch flows), --inputs generated
    inputs per module's property, --crashes simulator crashes, --rounds
    rounds per controller process of the concurrency tests, then the
    stale-lock and secrets tests once.  Prints the figures (faults,
    rounds, lost / duplicated / overlapping / orphaned / locked resources,
    untrue results, runs that did not converge, invalid inputs accepted)."""
    figures_dir = tempfile.mkdtemp(prefix='zvm-reliability-')
    env = dict(os.environ, ZVM_RELIABILITY_REPORT=figures_dir, ZVM_RELIABILITY_FAULTS=str(args.faults),
               ZVM_RELIABILITY_EXAMPLES=str(args.inputs), ZVM_RELIABILITY_CRASHES=str(args.crashes),
               ZVM_RELIABILITY_ROUNDS=str(args.rounds))
    if args.seed is not None:
        env['ZVM_RELIABILITY_SEED'] = str(args.seed)
    result, started = {}, time.monotonic()
    ok, seconds, _out = _pytest_part('tests/reliability/test_faults.py', env, ['-k', 'rounds'])
    flows = {}
    for flow in ('guest', 'nic', 'vswitch'):
        path = os.path.join(figures_dir, 'faults-%s.json' % flow)
        if os.path.exists(path):
            with open(path) as fh:
                flows[flow] = json.load(fh)
    problems = dict((k, sum(f['problems'].get(k, 0) for f in flows.values())) for k in RELIABILITY_KINDS)
    result['faults'] = {'passed': ok, 'seconds': seconds, 'faults_injected': sum(f['faults'] for f in flows.values()),
                        'rounds': sum(f['rounds'] for f in flows.values()),
                        'failed_runs': sum(f['failed_runs'] for f in flows.values()),
                        'seeds': sorted(set(f['seed'] for f in flows.values())), 'problems': problems,
                        'per_flow': dict((k, {'faults': f['faults'], 'rounds': f['rounds'],
                                              'by_action': f['faults_by_action']}) for k, f in flows.items())}
    ok, seconds, _out = _pytest_part('tests/reliability/test_crash.py', env)
    crash = {}
    if os.path.exists(os.path.join(figures_dir, 'crash.json')):
        with open(os.path.join(figures_dir, 'crash.json')) as fh:
            crash = json.load(fh)
    result['crash'] = dict(crash, passed=ok, seconds=seconds)
    pattern = os.path.join(ROOT, 'tests', 'reliability', 'test_inputs_*.py')
    others = sorted(os.path.relpath(p, ROOT) for p in glob.glob(pattern))
    ok, seconds, out = _pytest_part('tests/reliability/test_inputs.py', env, others + ['--hypothesis-show-statistics'])
    counts = _hypothesis_counts(out)
    result['inputs'] = {'passed': ok, 'seconds': seconds, 'generated': sum(p + f for p, f in counts.values()),
                        'accepted_or_mishandled': sum(f for _p, f in counts.values()),
                        'per_property': dict((k, p + f) for k, (p, f) in counts.items())}
    for name in ('concurrency', 'stale_locks', 'secrets'):
        ok, seconds, _out = _pytest_part('tests/reliability/test_%s.py' % name, env)
        result[name] = {'passed': ok, 'seconds': seconds}
    result['concurrency']['rounds_per_process'] = args.rounds
    found = dict((k, problems[k] + crash.get('problems', {}).get(k, 0)) for k in RELIABILITY_KINDS)
    result['summary'] = {'faults_injected': result['faults']['faults_injected'], 'crashes': crash.get('crashes', 0),
                         'inputs_generated': result['inputs']['generated'],
                         'invalid_inputs_accepted': result['inputs']['accepted_or_mishandled'],
                         'resources_lost_duplicated_overlapping_orphaned_locked': sum(
                             found[k] for k in ('lost', 'duplicated', 'overlapping', 'orphaned', 'locked')),
                         'problems': found, 'all_passed': all(v.get('passed') for v in result.values()),
                         'minutes': round((time.monotonic() - started) / 60, 1)}
    report(result, 'reliability')
    if not result['summary']['all_passed']:
        raise SystemExit('reliability: some part failed (see above)')


def report(result, name):
    out = os.path.join(ROOT, '.build', 'bench')
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, name + '.json'), 'w') as fh:
        json.dump(result, fh, indent=1, sort_keys=True)
    width = max(len(k) for k in result)
    for key in sorted(result):
        print('%-*s  %s' % (width, key, json.dumps(result[key])))
    print('(written to %s)' % os.path.join(out, name + '.json'))


def main(argv=None):
    parser = argparse.ArgumentParser(prog='tools/bench')
    sub = parser.add_subparsers(dest='benchmark')
    sub.required = True
    p = sub.add_parser('guests', help=bench_guests.__doc__)
    p.add_argument('--guests', type=int, default=50)
    p.add_argument('--repeat', type=int, default=3)
    p.add_argument('--fleet-guests', type=int, default=1000, help='guests of the converged fleet task (0: skip it)')
    p.set_defaults(func=bench_guests)
    p = sub.add_parser('create', help=bench_create.__doc__)
    p.add_argument('--guests', type=int, default=100)
    p.add_argument('--disks', type=int, default=2, help='pool disks per guest')
    p.add_argument('--connections', type=int, default=8, help='max_connections of the fleet task')
    p.set_defaults(func=bench_create)
    p = sub.add_parser('codec', help=bench_codec.__doc__)
    p.add_argument('--number', type=int, default=200, help='calls per timing')
    p.add_argument('--baseline', metavar='GIT_REF', help='also time the codec as it is at this git ref '
                   '(e.g. HEAD before a change) on the same replies')
    p.set_defaults(func=bench_codec)
    p = sub.add_parser('facts', help=bench_facts.__doc__)
    p.add_argument('--guests', type=int, default=1000)
    p.add_argument('--connections', type=int, default=8, help='max_connections of the concurrent run')
    p.add_argument('--repeat', type=int, default=3, help='zero-latency runs; the fastest counts')
    p.add_argument('--no-serial', action='store_true', help='skip the serial definitions run (about a minute)')
    p.set_defaults(func=bench_facts)
    p = sub.add_parser('reliability', help=bench_reliability.__doc__)
    p.add_argument('--faults', type=int, default=10000, help='faults to inject in the fault rounds')
    p.add_argument('--inputs', type=int, default=10000, help='generated inputs per module property')
    p.add_argument('--crashes', type=int, default=300, help='simulator crashes')
    p.add_argument('--rounds', type=int, default=50, help='concurrency rounds per controller process')
    p.add_argument('--seed', type=int, help='the random seed (random by default; printed)')
    p.set_defaults(func=bench_reliability)
    bench_images.add_parser(sub, SimServer, report)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == '__main__':
    main()
