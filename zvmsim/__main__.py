# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Command line: ``python -m zvmsim <command>``.

  serve   run the SMAPI server
  reset   wipe the state (and optionally the request log) and seed it again
  dump    print the state (directory, CP state, pools, network) as YAML/JSON
  log     read the request log
  fault   add, list or clear fault-injection rules
  seed    add many generated guests (for scale tests and benchmarks)
  vmur    play the management node's vmur: print a file of a user's reader
  node    the access node: ``node setup`` writes its commands (vmcp, vmur,
          chccwdev, cio_ignore), ``node fault`` makes them fail (zvmsim/node/)
"""

import argparse
import json
import os
import signal
import sys

import yaml

from zvmsim import config as simconfig
from zvmsim import requestlog, state


def _common(p, needs_config=False):
    p.add_argument('--state-dir', required=True, help='directory holding the SQLite state and the request log')
    if needs_config:
        p.add_argument('--config', help='system description (YAML), merged over the built-in default')


def cmd_serve(args):
    from zvmsim.server import Server, Simulator
    config = simconfig.load(args.config)
    if args.latency:
        config.setdefault('latency', {})['profile'] = args.latency
        simconfig.check(config)
    sim = Simulator(config, args.state_dir)
    server = Server(sim, args.host, args.port, args.tls_cert, args.tls_key)
    ready = '%s:%d%s' % (args.host, server.port, ' (TLS)' if args.tls_cert else '')
    if args.ready_file:
        tmp = args.ready_file + '.tmp'
        with open(tmp, 'w') as fh:
            fh.write('%d\n' % server.port)
        os.replace(tmp, args.ready_file)
    print('zvmsim: serving SMAPI on %s, state in %s' % (ready, args.state_dir), flush=True)

    def stop(_signum, _frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def cmd_reset(args):
    from zvmsim.server import Simulator
    state.reset(args.state_dir)
    if args.log:
        path = os.path.join(args.state_dir, requestlog.LOG_NAME)
        if os.path.exists(path):
            os.remove(path)
    Simulator(simconfig.load(args.config), args.state_dir)
    print('zvmsim: state in %s reset' % args.state_dir)
    return 0


def dump_state(state_dir):
    store = state.Store(state_dir)
    with store.transaction() as tx:
        out = {
            'directory': dict((n, [r.rstrip() for r in recs]) for n, recs in tx.entries('user')),
            'profiles': dict((n, [r.rstrip() for r in recs]) for n, recs in tx.entries('profile')),
            'prototypes': dict((n, [r.rstrip() for r in recs]) for n, recs in tx.entries('prototype')),
            'cp': tx.cp_all(),
            'volumes': tx.volumes(),
            'extents': tx.extents(),
            'vswitches': [dict(v, grants=tx.grants(v['name'])) for v in tx.vswitches()],
            'adapters': tx.adapters(),
            'locks': dict((n, tx.locks(n)) for n in tx.names('user') if tx.locks(n)),
            'spool': tx.spool_files(),
            'faults': tx.faults(),
        }
    store.close()
    return out


def cmd_dump(args):
    out = dump_state(args.state_dir)
    if args.json:
        json.dump(out, sys.stdout, indent=1, sort_keys=True)
        print()
    else:
        yaml.safe_dump(out, sys.stdout, sort_keys=True, default_flow_style=False)
    return 0


def cmd_log(args):
    entries = requestlog.entries(args.state_dir, since=args.since, function=args.function, target=args.target)
    if args.writes:
        entries = [e for e in entries if e.get('write')]
    if args.count:
        print(len(entries))
        return 0
    if args.summary:
        counts = {}
        for e in entries:
            counts[e['function']] = counts.get(e['function'], 0) + 1
        for name in sorted(counts):
            print('%6d  %s' % (counts[name], name))
        print('%6d  total' % len(entries))
        return 0
    for e in entries:
        if args.json:
            print(json.dumps(e, sort_keys=True))
        else:
            print('%6d %-40s %-8s %-8s rc=%-4s rs=%-5s %8.1fms' % (
                e['seq'], e['function'], e.get('target') or '', e.get('user') or '', e.get('rc'), e.get('rs'),
                e.get('ms', 0)))
    return 0


def cmd_fault(args):
    store = state.Store(args.state_dir)
    with store.transaction(write=True) as tx:
        if args.action == 'clear':
            tx.clear_faults()
        elif args.action == 'add':
            rule = {'function': args.function, 'action': args.kind, 'every': args.every}
            if args.kind == 'rc':
                rule.update(rc=args.rc, rs=args.rs)
            if args.kind in ('slow', 'stall_in_tx'):
                rule['delay'] = args.delay
            if args.times is not None:
                rule['times'] = args.times
            print(tx.add_fault(rule))
        else:
            for rule in tx.faults():
                print(json.dumps(rule, sort_keys=True))
    store.close()
    return 0


def cmd_seed(args):
    from zvmsim import seed
    from zvmsim.server import Simulator
    sim = Simulator(simconfig.load(args.config), args.state_dir)
    with sim.store.transaction(write=True) as tx:
        made = seed.generate_guests(tx, args.guests, prefix=args.prefix, logged_on=args.logged_on)
    print('zvmsim: added %d guests' % made)
    return 0


def cmd_vmur(args):
    """``vmur receive [-H] [-t] -O SPOOLID`` as s390-tools' vmur does it on
    the Linux guest ``--user``: write the reader file to stdout and purge it
    unless -H (hold).  Exit 1 with vmur's message when there is no such file."""
    from zvmsim.handlers.system import reader, spool_number
    if not args.stdout:
        sys.stderr.write('vmur: zvmsim only writes reader files to stdout (-O)\n')
        return 2
    store = state.Store(args.state_dir)
    try:
        with store.transaction(write=True) as tx:
            userid = args.user.upper()
            found = [f for f in reader(tx, userid) if spool_number(f['spoolid']) == int(args.spoolid)]
            if not found:
                sys.stderr.write('vmur: Reader file %s does not exist\n' % args.spoolid)
                return 1
            spoolid = found[0]['spoolid']
            content = tx.spool_content(spoolid) or b''
            if not args.hold:
                tx.delete_spool(spoolid)
                order = [s for s in tx.obj('rdr_order', userid, []) or [] if s != spoolid]
                tx.put_obj('rdr_order', userid, order)
    finally:
        store.close()
    if isinstance(content, str):
        content = content.encode('latin-1', 'replace')
    sys.stdout.write(content.decode('latin-1'))
    sys.stdout.flush()
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog='python -m zvmsim', description='z/VM SMAPI simulator')
    sub = parser.add_subparsers(dest='command')
    sub.required = True

    p = sub.add_parser('serve', help='run the SMAPI server')
    _common(p, needs_config=True)
    p.add_argument('--host', default='127.0.0.1')
    p.add_argument('--port', type=int, default=44444, help='0 picks a free port')
    p.add_argument('--tls-cert', help='PEM certificate: serve TLS from the first byte')
    p.add_argument('--tls-key', help='PEM private key of --tls-cert')
    p.add_argument('--latency', choices=sorted(simconfig.LATENCY_PROFILES), help='override the latency profile')
    p.add_argument('--ready-file', help='write the listening port here once ready')
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser('reset', help='wipe and re-seed the state')
    _common(p, needs_config=True)
    p.add_argument('--log', action='store_true', help='also empty the request log')
    p.set_defaults(func=cmd_reset)

    p = sub.add_parser('dump', help='print the state')
    _common(p)
    p.add_argument('--json', action='store_true')
    p.set_defaults(func=cmd_dump)

    p = sub.add_parser('log', help='read the request log')
    _common(p)
    p.add_argument('--since', type=int, default=0, help='skip the first N entries')
    p.add_argument('--function')
    p.add_argument('--target')
    p.add_argument('--writes', action='store_true', help='only functions that change state')
    p.add_argument('--count', action='store_true', help='print the number of matching entries')
    p.add_argument('--summary', action='store_true', help='count per function')
    p.add_argument('--json', action='store_true')
    p.set_defaults(func=cmd_log)

    p = sub.add_parser('fault', help='fault injection')
    _common(p)
    p.add_argument('action', choices=['add', 'list', 'clear'])
    p.add_argument('--function', default='*', help="the SMAPI function, or '*'")
    p.add_argument('--kind', default='rc',
                   choices=['rc', 'close_before_id', 'close_after_id', 'slow', 'stall_in_tx'])
    p.add_argument('--rc', type=int, default=500)
    p.add_argument('--rs', type=int, default=8)
    p.add_argument('--every', type=int, default=1, help='fire on every n-th matching call')
    p.add_argument('--times', type=int, help='fire at most this many times')
    p.add_argument('--delay', type=float, default=5.0,
                   help='seconds: the reply delay of --kind slow, the in-transaction stall of --kind stall_in_tx')
    p.set_defaults(func=cmd_fault)

    p = sub.add_parser('seed', help='add generated guests')
    _common(p, needs_config=True)
    p.add_argument('--guests', type=int, required=True)
    p.add_argument('--prefix', default='LNX')
    p.add_argument('--logged-on', type=float, default=0.5, help='fraction of the guests logged on')
    p.set_defaults(func=cmd_seed)

    p = sub.add_parser('vmur', help="read a reader file as the management node's vmur would")
    _common(p)
    p.add_argument('--user', required=True, help='whose reader (the Linux guest vmur runs on)')
    p.add_argument('action', choices=['receive', 're'])
    p.add_argument('-H', '--hold', action='store_true', help='keep the file in the reader')
    p.add_argument('-t', '--text', action='store_true', help='text file (EBCDIC to ASCII)')
    p.add_argument('-O', '--stdout', action='store_true', help='write the file to stdout')
    p.add_argument('spoolid', type=int)
    p.set_defaults(func=cmd_vmur)

    from zvmsim.node.cli import add_parser as add_node_parser
    add_node_parser(sub)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == '__main__':
    sys.exit(main())
