# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The access node: a Linux guest on the same z/VM that links other guests'
minidisks and punches files to their readers, which SMAPI cannot do.

``AccessNode`` runs a small fixed set of commands there through a runner
(``runner.py``: here, or over SSH): CP commands with ``vmcp``, ``vmur``,
``cio_ignore`` and ``chccwdev`` from s390-tools (and ``dasdfmt``,
``fdasd``, ``mkfs.*`` and ``mkswap`` for ``make_filesystem``), and the
agent (``agent.py``) for the work that moves bytes.  Every command is an argument
list; user input reaches it only after validation (user IDs, device
numbers, spool file names).

- ``link(userid, vdev, write=True)`` is a context manager that yields the
  disk as a ``LinkedDisk``; the link is detached on every way out.  The
  local device number is picked at random (0x1000-0xFFFF), checked to be
  free and, when another deploy on the node takes it first, picked again,
  so concurrent deploys on one node never collide.
- ``punch(userid, data, name)`` puts a file in a guest's reader (class X);
  the staged copy on the node is always removed, and the spool file purged
  when any step fails.
- ``read_reader_file(spoolid)`` prints a file of the node's own reader.

When a cleanup step fails while another error is on its way out, that error
wins and the cleanup failure is kept in ``leftovers`` (for the caller to
report); otherwise the cleanup failure is raised.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import getpass
import json
import random
import re
import time
from collections import namedtuple

from ansible_collections.zvm.cloud.plugins.module_utils import units, validation
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.node import options
from ansible_collections.zvm.cloud.plugins.module_utils.node.agent import AGENT
from ansible_collections.zvm.cloud.plugins.module_utils.node.errors import NodeError
from ansible_collections.zvm.cloud.plugins.module_utils.node.runner import LocalRunner, SshRunner

LinkedDisk = namedtuple('LinkedDisk', ['ldev', 'path', 'part1_path', 'size_bytes', 'unit', 'units'])
"""A disk linked on the node: ``ldev`` (4 hex digits, upper case), ``path``
(its block device, ``<device_dir>/ccw-0.0.<ldev lower case>``),
``part1_path`` (``path + '-part1'``), ``size_bytes`` (as Linux sees it),
``unit`` ('CYL' or 'BLK') and ``units`` (its size in them, from CP)."""

LDEV_LOW, LDEV_HIGH = 0x1000, 0xFFFF
LINK_ATTEMPTS = 16
DEVICE_WAIT = 60            # seconds for udev to name a device set online
COMMAND_TIMEOUT = 120       # seconds for one CP or s390-tools command
VMUR_ATTEMPTS = 20          # vmur runs one at a time on a node: wait for the other one
PREFETCH_REQUESTS = 256     # SFTP reads in flight while a file streams (256 x 32 KiB)
CKD_CYLINDER_BYTES = units.ECKD_CYLINDER_BYTES

# CP's code: vmcp prints "Error: non-zero CP response for command 'Q USER X': #45"; the message number otherwise
_VMCP_RC = re.compile(r'non-zero CP response for command .*: #(\d+)')
_CP_MESSAGE = re.compile(r'\bHCP[A-Z]{3}(\d{3,4})[EIWSR]\b')
_SIZE = re.compile(r'\b(\d+)\s+(CYL|BLK)\s+ON\b')
_SPOOLID = re.compile(r'spoolid\s+(\d+)', re.I)
_SPOOL_PART = re.compile(r'^[A-Za-z0-9@#$+_-]{1,8}$')
NOT_LOGGED_ON = 45
NO_SUCH_DEVICE = 40
ALREADY_DEFINED = 24
# make_filesystem: the command of each file system, run on the disk's first partition
MKFS = {'ext2': ['mkfs.ext2', '-F', '-q'], 'ext3': ['mkfs.ext3', '-F', '-q'], 'ext4': ['mkfs.ext4', '-F', '-q'],
        'xfs': ['mkfs.xfs', '-f', '-q'], 'swap': ['mkswap']}


def cp_code(result):
    """CP's return code for a vmcp run (0 when it succeeded)."""
    if result.rc == 0:
        return 0
    found = _VMCP_RC.search(result.err)
    if found:
        return int(found.group(1))
    found = _CP_MESSAGE.search(_text(result.out) + '\n' + result.err)
    return int(found.group(1)) if found else result.rc


def _text(data):
    return data.decode('utf-8', 'replace') if isinstance(data, bytes) else data


def message(result):
    """The line that says why a command failed: a CP message, else the last
    line of standard error, else of the output."""
    text = _text(result.out) + '\n' + result.err
    for line in text.splitlines():
        if _CP_MESSAGE.search(line) and not line.lstrip().startswith('Error: non-zero'):
            return line.strip()
    for part in (result.err, _text(result.out)):
        lines = [line.strip() for line in part.splitlines() if line.strip()]
        if lines:
            return lines[-1]
    return 'no message'


def node_userid(value, field='userid'):
    """A user ID for a CP command on the node (never one that looks like an option)."""
    userid = validation.userid(value, field)
    if userid.startswith('-'):
        raise InputError('%s: %r cannot be used in commands on the access node (it starts with "-")' % (field, userid))
    return userid


def spool_name(value, field='name'):
    """A spool file name for vmur -N: NAME or NAME.TYPE, 1-8 characters each."""
    text = validation.ascii_text(value, field, 'a spool file name')
    parts = text.split('.')
    if len(parts) > 2 or not all(_SPOOL_PART.fullmatch(p) for p in parts) or text.startswith('-'):
        raise InputError('%s: %r is not a spool file name: NAME or NAME.TYPE, each 1 to 8 of A-Z, 0-9, '
                         '@ # $ + _ -' % (field, text))
    return text


def parse_remote_host(value, default_user=None):
    """``user@host``, ``user@host:port`` or ``user@[v6 address]:port`` ->
    (user, host, port)."""
    text = validation.ascii_text(value, 'remote_host', 'user@host')
    user, _sep, rest = text.rpartition('@')
    port = 22
    if rest.startswith('['):
        host, _sep, tail = rest[1:].partition(']')
        if tail.startswith(':'):
            port = tail[1:]
    elif rest.count(':') == 1:
        host, port = rest.split(':')
    else:
        host = rest
    port = validation.ascii_number(port, 'remote_host', 1, 65535, 'a TCP port')
    host = options.host_text(host, 'remote_host')
    user = user or default_user or getpass.getuser()
    if ' ' in user or user.startswith('-'):
        raise InputError('remote_host: %r is not a user name' % (user,))
    return user, host, port


class AccessNode:
    """The commands of the access node; see the module docstring."""

    def __init__(self, runner, device_dir=options.DEFAULT_DEVICE_DIR, repository=options.DEFAULT_REPOSITORY,
                 python='python3', sleep=time.sleep, clock=time.monotonic, ssh=None,
                 command_timeout=COMMAND_TIMEOUT, rng=None):
        self.runner = runner
        self.device_dir = device_dir.rstrip('/') or '/'
        self.repository = repository
        self.python = python
        self.sleep = sleep
        self.clock = clock
        self.ssh = dict(ssh or {})      # key_file, known_hosts, host_key_checking, user: for sftp_from
        self.command_timeout = command_timeout
        self.leftovers = []
        self._userid = None
        self._rng = rng or random.SystemRandom()

    @classmethod
    def from_options(cls, host=None, port=22, user=None, password=None, key_file=None, known_hosts=None,
                     host_key_checking=True, repository=options.DEFAULT_REPOSITORY,
                     device_dir=options.DEFAULT_DEVICE_DIR, timeout=float(options.DEFAULT_TIMEOUT), **kwargs):
        """The node from ``options.node_kwargs(params)``: over SSH when
        ``host`` is set, else here."""
        if host:
            runner = SshRunner(host, port=port, user=user, password=password, key_file=key_file,
                               known_hosts=known_hosts, host_key_checking=host_key_checking, timeout=timeout)
        else:
            runner = LocalRunner(timeout=timeout)
        ssh = {'user': user, 'key_file': key_file, 'known_hosts': known_hosts, 'host_key_checking': host_key_checking,
               'timeout': timeout}
        return cls(runner, device_dir=device_dir, repository=repository, ssh=ssh, **kwargs)

    def describe(self):
        return self.runner.describe()

    def usable(self):
        """Whether there is a node at all: over SSH, yes (a failure to reach
        it is an error later); run locally, only when vmcp is on PATH, that
        is, when this host is a Linux guest of z/VM."""
        has_command = getattr(self.runner, 'has_command', None)
        return has_command is None or has_command('vmcp')

    def close(self):
        self.runner.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- commands ----------------------------------------------------------------------------------
    def run(self, argv, stdin=None, stdout=None, timeout=None):
        """One command on the node (an argument list): a RunResult."""
        return self.runner.run(argv, stdin=stdin, stdout=stdout, timeout=timeout)

    def vmcp(self, *words):
        """A CP command: (CP's return code, the RunResult)."""
        result = self.run(['vmcp'] + list(words), timeout=self.command_timeout)
        return cp_code(result), result

    def _failed(self, what, result, code=None):
        return NodeError('%s on %s failed: %s' % (what, self.describe(), message(result)),
                         code=result.rc if code is None else code)

    def agent(self, verb, *args, **kwargs):
        """Run the agent's ``verb``: its JSON result.  Keyword arguments:
        ``stdin``, ``stdout``, ``timeout`` (as for ``run``)."""
        stdin, stdout, timeout = kwargs.pop('stdin', None), kwargs.pop('stdout', None), kwargs.pop('timeout', None)
        if kwargs:
            raise TypeError('unexpected arguments %s' % ', '.join(sorted(kwargs)))
        result = self.run([self.python, '-c', AGENT, verb] + ['%s' % a for a in args], stdin=stdin, stdout=stdout,
                          timeout=timeout)
        if result.rc != 0:
            raise NodeError('%s on %s failed (exit %d): %s' % (verb, self.describe(), result.rc, message(result)),
                            code=result.rc)
        text = result.err if stdout is not None else _text(result.out)
        lines = [line for line in text.splitlines() if line.strip()]
        try:
            return json.loads(lines[-1])
        except (IndexError, ValueError):
            if stdout is not None:
                return {}
            raise NodeError('%s on %s printed no result' % (verb, self.describe()))

    # -- CP ----------------------------------------------------------------------------------------
    def userid(self):
        """The node's own z/VM user ID (read once)."""
        if self._userid is None:
            code, result = self.vmcp('query', 'userid')
            if code != 0:
                raise self._failed('vmcp query userid', result, code)
            words = _text(result.out).split()
            if not words:
                raise NodeError('vmcp query userid on %s printed nothing' % self.describe())
            self._userid = words[0].upper()
        return self._userid

    def logged_on(self, userid):
        """Whether guest ``userid`` is logged on (CP QUERY USER)."""
        userid = node_userid(userid)
        code, result = self.vmcp('query', 'user', userid)
        if code == 0:
            return True
        if code == NOT_LOGGED_ON:
            return False
        raise self._failed('vmcp query user %s' % userid, result, code)

    # -- links -------------------------------------------------------------------------------------
    def device_path(self, ldev):
        return '%s/ccw-0.0.%s' % (self.device_dir, ldev.lower())

    @contextlib.contextmanager
    def link(self, userid, vdev, write=True):
        """Link ``userid``'s minidisk ``vdev`` (write: W, else RR), bring it
        online and yield a LinkedDisk; always set it offline and detach it."""
        userid = node_userid(userid)
        vdev = validation.vdev(vdev)
        ldev = self._link(userid, vdev, 'W' if write else 'RR')
        failed = True
        try:
            unit, count = self._virtual_size(ldev)
            bus = '0.0.%s' % ldev.lower()
            for argv in (['cio_ignore', '-r', bus], ['chccwdev', '-e', bus]):
                result = self.run(argv, timeout=self.command_timeout)
                if result.rc != 0:
                    raise self._failed(' '.join(argv[:2]), result)
            path = self.device_path(ldev)
            size = self.agent('wait', path, DEVICE_WAIT, timeout=DEVICE_WAIT + self.command_timeout)['bytes']
            yield LinkedDisk(ldev, path, path + '-part1', size, unit, count)
            failed = False
        finally:
            self._unlink(userid, vdev, ldev, raise_errors=not failed)

    def _link(self, userid, vdev, mode):
        for _attempt in range(LINK_ATTEMPTS):
            ldev = '%04X' % self._rng.randint(LDEV_LOW, LDEV_HIGH)
            code, result = self.vmcp('query', 'virtual', ldev)
            if code == 0:
                continue                # in use here
            if code != NO_SUCH_DEVICE:
                raise self._failed('vmcp query virtual %s' % ldev, result, code)
            code, result = self.vmcp('link', userid, vdev, 'as', ldev, mode)
            if code == 0:
                return ldev
            if code == ALREADY_DEFINED or 'already defined' in message(result).lower():
                continue                # another link on the node took it first
            raise self._failed('linking %s %s as %s %s' % (userid, vdev, ldev, mode), result, code)
        raise NodeError('linking %s %s on %s failed: no free device number found in %d tries'
                        % (userid, vdev, self.describe(), LINK_ATTEMPTS))

    def _virtual_size(self, ldev):
        code, result = self.vmcp('query', 'virtual', ldev)
        if code != 0:
            raise self._failed('vmcp query virtual %s' % ldev, result, code)
        found = _SIZE.search(_text(result.out))
        if not found:
            shown = _text(result.out).strip()[:200]
            raise NodeError('vmcp query virtual %s on %s: no size in %r' % (ldev, self.describe(), shown))
        return found.group(2), int(found.group(1))

    def _unlink(self, userid, vdev, ldev, raise_errors):
        problems = []
        bus = '0.0.%s' % ldev.lower()
        try:
            result = self.run(['chccwdev', '-d', bus], timeout=self.command_timeout)
            if result.rc != 0:
                problems.append('chccwdev -d %s: %s' % (bus, message(result)))
        except NodeError as e:
            problems.append(str(e))
        for attempt in range(3):
            try:
                code, result = self.vmcp('detach', ldev)
            except NodeError as e:
                code, result = None, str(e)
            if code in (0, NO_SUCH_DEVICE):
                break
            if attempt == 2:
                problems.append('vmcp detach %s: %s' % (ldev, result if code is None else message(result)))
            else:
                self.sleep(1.0)
        if problems:
            self._cleanup_failed('%s %s linked as %s on %s was not released cleanly: %s'
                                 % (userid, vdev, ldev, self.describe(), '; '.join(problems)), raise_errors)

    def _cleanup_failed(self, text, raise_errors):
        if raise_errors:
            raise NodeError(text)
        self.leftovers.append(text)

    # -- file systems ------------------------------------------------------------------------------
    def make_filesystem(self, userid, vdev, fstype):
        """Make a file system (``MKFS``: ext2, ext3, ext4, xfs, or swap) on
        ``userid``'s minidisk ``vdev``, linked W while the guest is off: a CKD
        disk is formatted with 4 KiB blocks in the compatible disk layout
        (``dasdfmt``) and gets one partition over the disk (``fdasd -a``); an
        FBA disk has its implicit partition; then ``mkfs`` on ``-part1``.
        Everything on the disk is lost.  Returns {'fstype', 'partition' (the
        by-path name on the node, while it was linked)}."""
        if fstype not in MKFS:
            raise InputError('format: %r is not a file system the node makes (%s)' % (fstype, ', '.join(sorted(MKFS))))
        with self.link(userid, vdev, write=True) as disk:
            steps = []
            if disk.unit == 'CYL':
                steps += [['dasdfmt', '-b', '4096', '-d', 'cdl', '-y', disk.path], ['fdasd', '-a', '-s', disk.path]]
            for argv in steps:
                self._checked(argv, '%s of %s %s' % (argv[0], userid, vdev))
            self.agent('wait', disk.part1_path, DEVICE_WAIT, timeout=DEVICE_WAIT + self.command_timeout)
            self._checked(MKFS[fstype] + [disk.part1_path], '%s of %s %s' % (MKFS[fstype][0], userid, vdev))
            return {'fstype': fstype, 'partition': disk.part1_path}

    def _checked(self, argv, what):
        """Run ``argv`` (the node's command timeout: a format of a large disk
        takes minutes); NodeError naming ``what`` when it fails."""
        result = self.run(argv)
        if result.rc != 0:
            raise self._failed(what, result)
        return result

    # -- reader files ------------------------------------------------------------------------------
    def _vmur(self, argv):
        """vmur (a RunResult), waiting while another vmur runs on the node."""
        for _attempt in range(VMUR_ATTEMPTS - 1):
            result = self.run(argv, timeout=self.command_timeout)
            if result.rc == 0 or 'concurrent' not in message(result).lower():
                return result
            self.sleep(0.2 + self._rng.random() * 0.5)
        return self.run(argv, timeout=self.command_timeout)

    def punch(self, userid, data, name, spool_class='X'):
        """Put ``data`` (bytes, or the path of a local file) in guest
        ``userid``'s reader as spool file ``name`` (NAME.TYPE) of class
        ``spool_class``; returns the spool id."""
        userid = node_userid(userid)
        name = spool_name(name)
        spool_class = validation.ascii_text(spool_class, 'spool_class', 'a spool class').upper()
        if len(spool_class) != 1 or not spool_class.isalnum():
            raise InputError('spool_class: %r is not a spool class (one of A-Z, 0-9)' % spool_class)
        temp = self.agent('mktemp')['path']
        spoolid, failed = None, True
        try:
            if isinstance(data, (bytes, bytearray)):
                self.agent('store', temp, stdin=bytes(data))
            else:
                with open(data, 'rb') as source:
                    self.agent('store', temp, stdin=source)
            result = self._vmur(['vmur', 'punch', '-r', '-N', name, temp])
            if result.rc != 0:
                raise self._failed('vmur punch %s' % name, result)
            found = _SPOOLID.search(_text(result.out) + '\n' + result.err)
            if not found:
                raise NodeError('vmur punch %s on %s: no spool id in its output' % (name, self.describe()))
            spoolid = int(found.group(1))
            for words in (('change', 'rdr', '%d' % spoolid, 'class', spool_class),
                          ('transfer', '*', 'rdr', '%d' % spoolid, 'to', userid, 'rdr')):
                code, result = self.vmcp(*words)
                if code != 0:
                    raise self._failed('vmcp %s' % ' '.join(words), result, code)
            failed = False
            return spoolid
        finally:
            self._punch_cleanup(temp, spoolid, failed)

    def _punch_cleanup(self, temp, spoolid, failed):
        if failed and spoolid is not None:
            try:
                code, result = self.vmcp('purge', 'rdr', '%d' % spoolid)
                if code != 0:
                    self.leftovers.append('reader file %d on %s was not purged: %s'
                                          % (spoolid, self.describe(), message(result)))
            except NodeError as e:
                self.leftovers.append(str(e))
        try:
            self.agent('remove', temp, timeout=self.command_timeout)
        except NodeError as e:
            self._cleanup_failed('the staged file %s on %s was not removed: %s' % (temp, self.describe(), e),
                                 raise_errors=not failed)

    def read_reader_file(self, spoolid):
        """The text of the node's reader file ``spoolid`` (kept in the
        reader: vmur receive -H -t)."""
        spool = '%d' % validation.ascii_number(spoolid, 'spoolid', 0, 9999, 'a spool id')
        result = self._vmur(['vmur', 'receive', '-H', '-t', '-O', spool])
        if result.rc != 0:
            raise NodeError('reading reader file %s on %s failed (exit %d): %s'
                            % (spool, self.describe(), result.rc, message(result)), code=result.rc)
        return _text(result.out)

    # -- other hosts -------------------------------------------------------------------------------
    def sftp_from(self, remote_host):
        """A runner for ``remote_host`` (``user@host[:port]``) with the
        node's key and known-hosts settings (never its password); use its
        ``open_sftp()`` and ``close()``."""
        user, host, port = parse_remote_host(remote_host, self.ssh.get('user'))
        return SshRunner(host, port=port, user=user, key_file=self.ssh.get('key_file'),
                         known_hosts=self.ssh.get('known_hosts'),
                         host_key_checking=self.ssh.get('host_key_checking', True) is not False,
                         timeout=self.ssh.get('timeout') or options.DEFAULT_TIMEOUT)


def sftp_reader(sftp, path, size=None):
    """``path`` opened for reading on an SFTP connection (paramiko's
    SFTPClient) with read-ahead: without ``prefetch`` every 32 KiB read
    waits for its answer, a round trip each.  At most PREFETCH_REQUESTS
    reads are in flight (paramiko 3.3 and later; earlier ones read ahead
    without a bound).  ``size``: the file's size when it is known (saves a
    stat).  Use it as a context manager or close it."""
    stream = sftp.open(path, 'rb')
    try:
        try:
            stream.prefetch(size, PREFETCH_REQUESTS)
        except TypeError:           # paramiko before 3.3: no max_concurrent_requests
            stream.prefetch(size)
    except Exception:
        stream.close()
        raise
    return stream
