# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A fake access node for unit tests: a runner that answers vmcp, vmur,
chccwdev, cio_ignore and the agent's verbs the way the real commands do
(CP messages on stdout, vmcp's "#RC" line on stderr), keeps the node's
devices and reader, records every command, and fails on request.

    runner = FakeRunner()
    runner.fail_next('vmcp', 'transfer')            # exit 1 with a message
    node = AccessNode(runner, device_dir='/dev/disk/by-path', repository='/r', sleep=lambda s: None)
"""

import json

from ansible_collections.zvm.cloud.plugins.module_utils.node.errors import NodeTimeout
from ansible_collections.zvm.cloud.plugins.module_utils.node.runner import RunResult


class FakeRunner:
    where = 'fake'

    def __init__(self, userid='ZVMNODE', disks=None):
        self.userid = userid
        self.logged_on = {'LINUX01', userid}
        self.disks = disks if disks is not None else {('LINUX01', '0100'): ('CYL', 10)}
        self.defined = {}           # ldev -> (owner, vdev, mode)
        self.online = set()
        self.reader = {}            # spoolid -> {'name', 'class', 'owner', 'data'}
        self.files = {}
        self.calls = []
        self.failures = []          # (words prefix, times, result or exception)
        self.next_spool = 41
        self.temp_count = 0
        self.closed = False

    def describe(self):
        return 'the access node (fake)'

    def close(self):
        self.closed = True

    # -- scripting ----------------------------------------------------------------------------------
    def fail_next(self, *words, **kw):
        """The next ``times`` commands starting with ``words`` fail (exit 1,
        a message) or raise ``raises``; the first ``after`` of them run."""
        outcome = kw.get('raises') or RunResult(kw.get('rc', 1), b'', kw.get('err', '%s: injected failure\n' % words[0]))
        self.failures.append([list(words), kw.get('times', 1), outcome, kw.get('after', 0)])

    def words(self, argv):
        return ['agent'] + argv[3:] if len(argv) > 2 and argv[1] == '-c' else list(argv)

    def commands(self, *prefix):
        """The recorded commands (agent verbs as ``agent VERB ...``) starting with ``prefix``."""
        return [c for c in self.calls if c[:len(prefix)] == list(prefix)]

    # -- running ------------------------------------------------------------------------------------
    def run(self, argv, stdin=None, stdout=None, timeout=None):
        assert isinstance(argv, list) and all(isinstance(a, str) for a in argv), argv
        words = self.words(argv)
        self.calls.append(words)
        for rule in self.failures:
            if words[:len(rule[0])] == rule[0] and rule[3] > 0:
                rule[3] -= 1
            elif words[:len(rule[0])] == rule[0] and rule[1] > 0:
                rule[1] -= 1
                if isinstance(rule[2], Exception):
                    raise rule[2]
                return rule[2]
        if stdin is not None and not isinstance(stdin, bytes):
            stdin = stdin.read()
        handler = getattr(self, 'do_' + words[0].replace('-', '_'))
        return handler(words[1:], stdin)

    @staticmethod
    def ok(text=''):
        return RunResult(0, text.encode(), '')

    @staticmethod
    def cp_error(rc, text, command):
        return RunResult(1, (text + '\n').encode(), "Error: non-zero CP response for command '%s': #%d\n"
                         % (command.upper(), rc))

    def do_vmcp(self, words, _stdin):
        cmd = ' '.join(words)
        w = [x.upper() for x in words]
        if w[:2] == ['QUERY', 'USERID']:
            return self.ok('%-8s AT ZVMSIM1\n' % self.userid)
        if w[:2] == ['QUERY', 'USER']:
            if w[2] in self.logged_on:
                return self.ok('%-8s - DSC\n' % w[2])
            return self.cp_error(45, 'HCPCQU045E %s not logged on' % w[2], cmd)
        if w[:2] == ['QUERY', 'VIRTUAL']:
            if w[2] not in self.defined:
                return self.cp_error(40, 'HCPQVD040E Device %s does not exist' % w[2], cmd)
            owner, vdev, mode = self.defined[w[2]]
            unit, count = self.disks.get((owner, vdev), ('CYL', 1))
            return self.ok('DASD %s 3390 LX0100 %s %10d %s ON DASD  0100 SUBCHANNEL = 0003\n'
                           % (w[2], 'R/W' if mode == 'W' else 'R/O', count, unit))
        if w[0] == 'LINK':
            owner, vdev, ldev, mode = w[1], w[2], w[4], w[5]
            if (owner, vdev) not in self.disks:
                return self.cp_error(113, 'HCPLNK113E %s %s not linked; no such device' % (owner, vdev), cmd)
            if ldev in self.defined:
                return self.cp_error(24, 'HCPLNK024E Device %s already defined' % ldev, cmd)
            self.defined[ldev] = (owner, vdev, mode)
            return self.ok()
        if w[0] == 'DETACH':
            if w[1] not in self.defined:
                return self.cp_error(40, 'HCPDTV040E Device %s does not exist' % w[1], cmd)
            del self.defined[w[1]]
            self.online.discard(w[1])
            return self.ok('DASD %s DETACHED\n' % w[1])
        if w[:2] == ['CHANGE', 'RDR']:
            self.reader[int(w[2])]['class'] = w[4]
            return self.ok('0001 FILE CHANGED\n')
        if w[:3] == ['TRANSFER', '*', 'RDR']:
            spool = int(w[3])
            if w[5] not in self.logged_on and w[5] != 'LINUX02':
                return self.cp_error(53, 'HCPCSU053E %s not in CP directory' % w[5], cmd)
            self.reader[spool]['owner'] = w[5]
            return self.ok('RDR FILE %04d TRANSFERRED TO %s RDR\n' % (spool, w[5]))
        if w[:2] == ['PURGE', 'RDR']:
            spool = int(w[2])
            if spool not in self.reader or self.reader[spool]['owner'] != self.userid:
                return self.cp_error(42, 'HCPCSU042E Spoolid %04d does not exist' % spool, cmd)
            del self.reader[spool]
            return self.ok('0001 FILE PURGED\n')
        raise AssertionError('unexpected vmcp %s' % cmd)

    def do_cio_ignore(self, words, _stdin):
        return self.ok()

    def do_chccwdev(self, words, _stdin):
        ldev = words[1][4:].upper()
        if words[0] == '-e':
            if ldev not in self.defined:
                return RunResult(1, b'', 'Device 0.0.%s not found\n' % ldev.lower())
            self.online.add(ldev)
        else:
            self.online.discard(ldev)
        return self.ok('Done\n')

    def do_vmur(self, words, _stdin):
        if words[0] == 'punch':
            name, path = words[3], words[4]
            spool = self.next_spool
            self.next_spool += 1
            self.reader[spool] = {'name': name, 'class': 'A', 'owner': self.userid, 'data': self.files[path]}
            return self.ok('Reader file with spoolid %04d created.\n' % spool)
        if words[0] == 'receive':
            spool = int(words[-1])
            if spool not in self.reader:
                return RunResult(1, b'', 'vmur: Reader file %d does not exist\n' % spool)
            return RunResult(0, self.reader[spool]['data'], '')
        raise AssertionError(words)

    def do_agent(self, words, stdin):
        verb, args = words[0], words[1:]
        if verb == 'mktemp':
            self.temp_count += 1
            path = '/tmp/zvmcloud-%d' % self.temp_count
            self.files[path] = b''
            return self.ok(json.dumps({'path': path}) + '\n')
        if verb == 'store':
            self.files[args[0]] = stdin
            return self.ok(json.dumps({'bytes': len(stdin)}) + '\n')
        if verb == 'remove':
            gone = [p for p in args if self.files.pop(p, None) is not None]
            return self.ok(json.dumps({'removed': gone}) + '\n')
        if verb == 'wait':
            ldev = args[0].rsplit('.', 1)[1].upper()
            if ldev not in self.online:
                return RunResult(2, b'', '%s did not appear within %s seconds\n' % (args[0], args[1]))
            owner, vdev, _mode = self.defined[ldev]
            unit, count = self.disks[(owner, vdev)]
            return self.ok(json.dumps({'bytes': count * (737280 if unit == 'CYL' else 512)}) + '\n')
        raise AssertionError(words)


class Slow(NodeTimeout):
    """For fail_next(raises=...): a command that timed out."""
