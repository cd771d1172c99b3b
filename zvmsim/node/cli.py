# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The access node's commands and ``python -m zvmsim node ...``.

``run(node_dir, command, argv)`` is what the wrappers in ``D/bin`` call:
it checks the fault knobs, then runs ``vmcp`` (``node/vmcp.py``), ``vmur``
(``node/vmur.py``), ``chccwdev`` or ``cio_ignore`` (here), ``dasdfmt``,
``fdasd`` or a ``mkfs`` (``node/fs.py``) and returns the exit code.

Fault knobs (``node fault COMMAND [WORDS...] --times N``): the next N runs
whose command line starts with those words (case-insensitive: ``chccwdev``,
``vmcp transfer``, ``vmcp link``) fail with exit 1 and the message
``COMMAND: injected failure (zvmsim node fault)`` on stderr, doing
nothing.  The rules are objects of kind ``node_faults`` in the state.
"""

import json
import os
import shlex
import sys

from zvmsim.node import (
    COMMANDS, DEFAULT_USERID, DEVICE_DIR, FAULT_KIND, NODE_FILE, Node, bus_id, device_links, parse_bus_id,
    remove_device_links)
from zvmsim.node.fs import COMMANDS as FS_COMMANDS

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WRAPPER = '''#!/bin/sh
# zvmsim access node: %(command)s (written by python -m zvmsim node setup)
exec %(python)s -I -c 'import sys; sys.path.insert(0, sys.argv[1]); from zvmsim.node.cli import main_wrapper; \
sys.exit(main_wrapper(sys.argv[2:]))' %(root)s %(node_dir)s %(command)s "$@"
'''


# ---------------------------------------------------------------------------
# setup
# ---------------------------------------------------------------------------

def node_settings(config):
    """(userid, records) of the node from the config's ``node`` section."""
    section = config.get('node') or {}
    userid = str(section.get('userid') or DEFAULT_USERID).upper()
    records = list(section.get('records') or [])
    if not records:
        records = ['USER %s LBYONLY 2G 4G BG' % userid, 'INCLUDE IBMDFLT', 'CPU 00 BASE', 'MACHINE ESA 2',
                   'OPTION LNKNOPAS']
    return userid, records


def ensure_node_guest(tx, userid, records):
    """Create the node's directory entry when there is none and log it on
    when it is not logged on.  Returns what was done."""
    from ansible_collections.zvm.cloud.plugins.module_utils import directory
    from zvmsim import cp
    from zvmsim.seed import register_extents
    done = []
    if tx.entry(userid) is None:
        saved = tx.put_entry(userid, records)
        tx.put_obj('guest', userid, {'os': 'linux'})
        register_extents(tx, userid, directory.parse(saved))
        done.append('created')
    if tx.cp(userid) is None:
        cp.log_on(tx, userid)
        done.append('logged on')
    return done


def setup(state_dir, node_dir, config_path=None, python=None):
    """Make a node in ``node_dir`` for the simulator state in ``state_dir``
    (seeding it from the config first when it is new)."""
    from zvmsim import config as simconfig
    from zvmsim.server import Simulator
    config = simconfig.load(config_path)
    sim = Simulator(config, state_dir)
    userid, records = node_settings(config)
    with sim.store.transaction(write=True) as tx:
        done = ensure_node_guest(tx, userid, records)
    sim.store.close()
    node_dir = os.path.abspath(node_dir)
    os.makedirs(os.path.join(node_dir, 'bin'), exist_ok=True)
    os.makedirs(os.path.join(node_dir, DEVICE_DIR), exist_ok=True)
    doc = {'state_dir': os.path.abspath(state_dir), 'userid': userid, 'system': config.get('system') or {}}
    tmp = os.path.join(node_dir, NODE_FILE + '.tmp')
    with open(tmp, 'w', encoding='utf-8') as handle:
        json.dump(doc, handle, indent=1, sort_keys=True)
    os.replace(tmp, os.path.join(node_dir, NODE_FILE))
    python = python or sys.executable
    for command in COMMANDS:
        target = os.path.join(node_dir, 'bin', command)
        with open(target + '.tmp', 'w', encoding='utf-8') as handle:
            handle.write(WRAPPER % {'python': shlex.quote(python), 'root': shlex.quote(ROOT),
                                    'node_dir': shlex.quote(node_dir), 'command': command})
        os.chmod(target + '.tmp', 0o755)
        os.replace(target + '.tmp', target)
    return userid, done


# ---------------------------------------------------------------------------
# faults
# ---------------------------------------------------------------------------

def fault_key(words):
    return ' '.join(part.lower() for word in words for part in str(word).split())


def add_fault(tx, words, times=1):
    key = fault_key(words)
    tx.put_obj(FAULT_KIND, key, {'times': int(times), 'fired': 0})
    return key


def take_fault(tx, command, argv):
    """The fault rule this run triggers (and uses up), or None."""
    rules = tx.objs(FAULT_KIND)
    if not rules:
        return None
    words = [command.lower()] + [w.lower() for a in argv if not a.startswith('-') or command != 'vmcp'
                                 for w in a.split()]
    for key in sorted(rules, key=len, reverse=True):
        rule = rules[key]
        wanted = key.split()
        if words[:len(wanted)] != wanted or rule.get('fired', 0) >= rule.get('times', 1):
            continue
        rule['fired'] = rule.get('fired', 0) + 1
        tx.put_obj(FAULT_KIND, key, rule)
        return key
    return None


# ---------------------------------------------------------------------------
# chccwdev, cio_ignore
# ---------------------------------------------------------------------------

def _devices(text):
    """Device numbers of a list like ``0.0.1000,0.0.2000-0.0.2002``; None if one is not valid."""
    out = []
    for part in str(text).split(','):
        low, _sep, high = part.partition('-')
        first, last = parse_bus_id(low), parse_bus_id(high or low)
        if first is None or last is None or int(last, 16) < int(first, 16):
            return None
        out.extend('%04X' % n for n in range(int(first, 16), int(last, 16) + 1))
    return out


def _node_doc(tx, node, err):
    doc = tx.cp(node.userid)
    if doc is None:
        err('%s is not logged on (run: python -m zvmsim node setup)\n' % node.userid)
    return doc


def chccwdev(node, argv, out, err):
    """``chccwdev -e|-d DEVICES`` (also --online/--offline; -a, -f, -s are
    accepted): put linked disks online (a by-path symlink to the contents
    file; an FBA disk also gets ``-part1``, its implicit partition, which is
    the whole disk here) or offline."""
    from zvmsim import contents
    from zvmsim.dasd import active_disks
    action, devices = None, []
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg in ('-e', '--online'):
            action = 'online'
        elif arg in ('-d', '--offline', '-s', '--safeoffline'):
            action = 'offline'
        elif arg in ('-a', '--attribute'):
            if args:
                args.pop(0)
        elif arg in ('-f', '--forceonline', '-y', '--yes'):
            continue
        elif arg.startswith('-'):
            err("chccwdev: Invalid option '%s'\n" % arg)
            return 1
        else:
            found = _devices(arg)
            if found is None:
                err("chccwdev: '%s' is not a valid device bus id\n" % arg)
                return 1
            devices.extend(found)
    if action is None or not devices:
        err('chccwdev: Please specify a device and an action (-e or -d)\n')
        return 1
    with node.store().transaction() as tx:
        doc = _node_doc(tx, node, err)
        if doc is None:
            return 1
        disks = active_disks(tx, node.userid) or {}
        unignored = set(doc.get('cio_unignored') or [])
    rc = 0
    for ldev in devices:
        disk = disks.get(ldev)
        if disk is None or ('ALL' not in unignored and ldev not in unignored):
            err('Device %s not found\n' % bus_id(ldev))
            rc = 1
            continue
        link, part1 = device_links(node, ldev)
        if action == 'offline':
            if not os.path.lexists(link):
                out('Device %s is already offline\n' % bus_id(ldev))
                continue
            out('Setting device %s offline\n' % bus_id(ldev))
            remove_device_links(node, ldev)
            out('Done\n')
            continue
        if os.path.lexists(link):
            out('Device %s is already online\n' % bus_id(ldev))
            continue
        out('Setting device %s online\n' % bus_id(ldev))
        unit_bytes = contents.CYLINDER_BYTES if disk.get('unit') == 'CYL' else contents.BLOCK_BYTES
        target = contents.ensure(node.state_dir, disk.get('owner') or node.userid,
                                 disk.get('owner_vdev') or ldev, int(disk.get('size') or 0) * unit_bytes)
        os.makedirs(node.device_dir, exist_ok=True)
        _symlink(target, link)
        if disk.get('unit') == 'BLK':
            _symlink(target, part1)
        else:
            from zvmsim.node import fs
            fs.online_partition(node, ldev, target, disk.get('unit'))
        out('Done\n')
    return rc


def _symlink(target, link):
    tmp = '%s.%d.tmp' % (link, os.getpid())
    os.symlink(target, tmp)
    os.replace(tmp, link)


def cio_ignore(node, argv, out, err):
    """``cio_ignore -r|-a DEVICES``, ``-R`` (free all), ``-l`` (list),
    ``-i DEVICE`` (is it ignored?).  Every device is ignored after logon."""
    args = list(argv)
    if not args:
        err('cio_ignore: no option given\n')
        return 1
    opt = args.pop(0)
    store = node.store()
    with store.transaction(write=True) as tx:
        doc = _node_doc(tx, node, err)
        if doc is None:
            return 1
        freed = set(doc.get('cio_unignored') or [])
        if opt in ('-R', '--remove-all'):
            freed = set(['ALL'])
        elif opt in ('-A', '--add-all'):
            freed = set()
        elif opt in ('-l', '--list', '-L', '--list-blacklisted'):
            out('Ignored devices:\n=================\n')
            if 'ALL' not in freed:
                out('0.0.0000-0.0.ffff' + (' (except %s)' % ', '.join(bus_id(d) for d in sorted(freed))
                                           if freed else '') + '\n')
            return 0
        elif opt in ('-r', '--remove', '-a', '--add', '-i', '--is-ignored'):
            devices = _devices(','.join(args)) if args else None
            if not devices:
                err('cio_ignore: device list missing or not valid\n')
                return 1
            if opt in ('-i', '--is-ignored'):
                for ldev in devices:
                    ignored = 'ALL' not in freed and ldev not in freed
                    out('Device %s is %s\n' % (bus_id(ldev), 'ignored' if ignored else 'not ignored'))
                return 0
            if opt in ('-r', '--remove'):
                freed.update(devices)
            else:
                freed.difference_update(devices)
        else:
            err("cio_ignore: invalid option -- '%s'\n" % opt.lstrip('-'))
            return 1
        doc['cio_unignored'] = sorted(freed)
        tx.put_cp(node.userid, doc)
    return 0


# ---------------------------------------------------------------------------
# entry points
# ---------------------------------------------------------------------------

def _writer(stream):
    def write(text):
        stream.write(text.encode('utf-8') if isinstance(text, str) else text)
        stream.flush()
    return write


def run(node_dir, command, argv, stdout=None, stderr=None, stdin=None):
    """Run one node command; returns its exit code."""
    out = _writer(stdout or sys.stdout.buffer)
    err = _writer(stderr or sys.stderr.buffer)
    node = Node(node_dir)
    try:
        with node.store().transaction(write=True) as tx:
            fault = take_fault(tx, command, argv)
        if fault is not None:
            err('%s: injected failure (zvmsim node fault %r)\n' % (command, fault))
            return 1
        if command == 'vmcp':
            from zvmsim.node.vmcp import vmcp
            return vmcp(node, argv, out, err)
        if command == 'vmur':
            from zvmsim.node.vmur import vmur
            return vmur(node, argv, out, err, stdin or sys.stdin.buffer)
        if command == 'chccwdev':
            return chccwdev(node, argv, out, err)
        if command == 'cio_ignore':
            return cio_ignore(node, argv, out, err)
        if command in FS_COMMANDS:
            from zvmsim.node import fs
            return fs.run(node, command, argv, out, err)
        err('zvmsim node: unknown command %s\n' % command)
        return 127
    finally:
        node.close()


def main_wrapper(argv):
    """The wrappers' entry point: ``NODE_DIR COMMAND ARGS...``."""
    return run(argv[0], argv[1], argv[2:])


def cmd_node(args):
    """``python -m zvmsim node setup|fault|run``."""
    if args.node_action == 'setup':
        userid, done = setup(args.state_dir, args.dir, args.config)
        print('zvmsim: node %s in %s (commands in %s)%s' % (
            userid, os.path.abspath(args.dir), os.path.join(os.path.abspath(args.dir), 'bin'),
            ': ' + ', '.join(done) if done else ''))
        return 0
    if args.node_action == 'run':
        return run(args.dir, args.words[0], args.words[1:])
    from zvmsim.state import Store
    store = Store(args.state_dir)
    try:
        with store.transaction(write=True) as tx:
            if args.clear:
                for key in tx.objs(FAULT_KIND):
                    tx.delete_obj(FAULT_KIND, key)
            if args.words:
                print(add_fault(tx, args.words, args.times))
            if not args.words and not args.clear:
                for key, rule in sorted(tx.objs(FAULT_KIND).items()):
                    print(json.dumps(dict(rule, command=key), sort_keys=True))
    finally:
        store.close()
    return 0


def add_parser(sub):
    """The ``node`` subcommand of ``python -m zvmsim``."""
    p = sub.add_parser('node', help='the access node: its commands, its directory, fault knobs')
    node_sub = p.add_subparsers(dest='node_action')
    node_sub.required = True
    q = node_sub.add_parser('setup', help='make a node directory: bin/ (vmcp, vmur, chccwdev, cio_ignore), dev/')
    q.add_argument('--state-dir', required=True, help='the simulator state')
    q.add_argument('--dir', required=True, help='the node directory to write')
    q.add_argument('--config', help='system description (YAML) merged over the default: node.userid, system')
    q = node_sub.add_parser('fault', help='make the next N runs of a node command fail (no words: list)')
    q.add_argument('--state-dir', required=True)
    q.add_argument('words', nargs='*', help="the command and its first words, e.g. 'vmcp transfer'")
    q.add_argument('--times', type=int, default=1)
    q.add_argument('--clear', action='store_true', help='remove every node fault rule first')
    q = node_sub.add_parser('run', help='run a node command without the wrappers: run --dir D vmcp q userid')
    q.add_argument('--dir', required=True)
    q.add_argument('words', nargs=argparse_remainder())
    p.set_defaults(func=cmd_node)
    return p


def argparse_remainder():
    import argparse
    return argparse.REMAINDER
