# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmarks (not timed tests): SMAPI calls counted from zvmsim's request
log, and wall time as a ratio to a baseline run in the same process.

    tools/bench guests [--guests 50] [--repeat 3]
    tools/bench codec [--number 200]
    tools/bench facts [--guests 1000] [--connections 8] [--no-serial]

``guests``: a converged zvm_guest playbook over N guests, against the same
playbook with ansible.builtin.debug tasks instead (the Ansible overhead
baseline).  Reports SMAPI calls per guest and the wall-time ratio.
``codec``: the codec's cost per request over the captured exchanges.

``facts``: the read side at scale, on a simulator seeded with N guests:
SMAPI calls and wall time of ``zvm_facts gather_subset=guests`` and of
``ansible-inventory --list`` without definitions (latency model at zero),
against ``ansible localhost -m ansible.builtin.ping``; then, with the
realistic latency profile, ``gather_subset=definitions`` on up to
``--connections`` connections against a serial run (``max_connections=1``),
and whether the two results are identical.

Run it through ``tools/bench`` (which sets up the virtualenv and the staged
collection).  Results are printed and written as JSON to .build/bench/.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from zvmsim.testing import SimServer  # noqa: E402  pylint: disable=wrong-import-position


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
    report(result, 'guests')


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
    with SimServer(state_dir=state, latency='realistic') as sim:
        env = dict(base_env(sim, workdir), **sim.env(password='maint'))
        runs = {}
        settings = [args.connections] + ([] if args.no_serial else [1])
        for connections in settings:
            mark = sim.mark()
            elapsed, out = adhoc('zvm.cloud.zvm_facts', 'gather_subset=definitions max_connections=%d' % connections,
                                 env, workdir)
            runs[connections] = (elapsed, out['ansible_facts']['zvm'], sim.calls(since=mark))
        concurrent = runs[args.connections]
        realistic = {'latency_profile': 'realistic (50 ms per query)',
                     'definitions_concurrent': {'max_connections': args.connections,
                                                'seconds': round(concurrent[0], 2),
                                                'smapi_calls': call_summary(concurrent[2])}}
        with open(inventory, 'w') as fh:
            yaml.safe_dump({'plugin': 'zvm.cloud.zvm', 'definitions': True, 'max_connections': args.connections}, fh)
        mark = sim.mark()
        elapsed, _out = run_timed([_ansible('ansible-inventory'), '-i', inventory, '--list'], env, workdir)
        realistic['inventory_with_definitions'] = {'max_connections': args.connections, 'seconds': round(elapsed, 2),
                                                   'smapi_calls': call_summary(sim.calls(since=mark))}
        if 1 in runs and args.connections != 1:
            serial = runs[1]
            realistic['definitions_serial'] = {'max_connections': 1, 'seconds': round(serial[0], 2),
                                               'smapi_calls': call_summary(serial[2])}
            realistic['identical_to_serial'] = (json.dumps(serial[1], sort_keys=False)
                                                == json.dumps(concurrent[1], sort_keys=False))
            realistic['speedup'] = round(serial[0] / concurrent[0], 2)
        result['realistic'] = realistic
    report(result, 'facts')


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
        cases.append((layout, request, response, dreq, dresp))
    if not cases:
        raise SystemExit('no captures in %s' % captures)

    def per_call(fn):
        runs = timeit.repeat(fn, number=args.number, repeat=3)
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
    for name in ('codec.py', 'layouts.py'):
        with open(os.path.join(ROOT, 'plugins', 'module_utils', 'smapi', name)) as fh:
            lines += sum(1 for line in fh if line.strip() and not line.strip().startswith('#'))
    result['codec_lines_of_code'] = lines
    report(result, 'codec')


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
    p.set_defaults(func=bench_guests)
    p = sub.add_parser('codec', help=bench_codec.__doc__)
    p.add_argument('--number', type=int, default=200, help='calls per timing')
    p.set_defaults(func=bench_codec)
    p = sub.add_parser('facts', help=bench_facts.__doc__)
    p.add_argument('--guests', type=int, default=1000)
    p.add_argument('--connections', type=int, default=8, help='max_connections of the concurrent run')
    p.add_argument('--repeat', type=int, default=3, help='zero-latency runs; the fastest counts')
    p.add_argument('--no-serial', action='store_true', help='skip the serial definitions run (about a minute)')
    p.set_defaults(func=bench_facts)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == '__main__':
    main()
