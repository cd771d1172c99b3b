# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How commands reach the access node: ``LocalRunner`` runs them where the
module runs (the module runs on the node), ``SshRunner`` on the node over
SSH with paramiko.

Both take a command as an argument list of strings (never a shell string):
``run(argv, stdin=None, stdout=None, timeout=None)`` returns
``RunResult(rc, out, err)``.  ``stdin`` is bytes or a readable binary file,
streamed in 1 MiB chunks; ``stdout``, when given, is a writable binary file
the output is streamed to (``out`` is then ``b''``).  ``err`` is the tail of
the standard error as text.  A command that runs longer than its timeout is
killed (its whole process group here; on the node through coreutils
``timeout``, which the SSH runner puts in front of every command) and
``NodeTimeout`` is raised.

Over SSH the argument list is quoted with ``shlex.quote`` for the remote
login shell (which must be a POSIX shell): the only place where quoting
happens.  The node's host key is verified against a known hosts file
(``RejectPolicy``) unless checking is turned off explicitly; a failure to
connect raises ``NodeError`` naming host, port and the reason, never the
password or the key.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import hashlib
import math
import os
import shlex
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections import namedtuple

from ansible_collections.zvm.cloud.plugins.module_utils.node.errors import NodeError, NodeTimeout

CHUNK = 1 << 20
ERR_KEEP = 64 * 1024
DEFAULT_TIMEOUT = 3600.0
CONNECT_TIMEOUT = 30.0
# the node's coreutils timeout sends TERM at the limit and KILL this many seconds later
KILL_AFTER = 10
# local grace after the remote limit, for the remote kill and the exit status to arrive
SSH_GRACE = KILL_AFTER + 10
# OpenSSH's MaxSessions is 10 by default: stay below it on one connection
MAX_SESSIONS = 8
POLL = 0.5

RunResult = namedtuple('RunResult', ['rc', 'out', 'err'])


def label_of(argv):
    """A name for a command in messages: the program, and the agent's
    verb; never the other arguments (they may carry a URL with a secret)."""
    name = os.path.basename(str(argv[0])) if argv else '?'
    if len(argv) > 3 and argv[1] == '-c':
        return 'agent %s' % argv[3]
    if name in ('vmcp', 'vmur', 'chccwdev') and len(argv) > 1:
        return '%s %s' % (name, argv[1])
    return name


def _chunks(stdin):
    """The chunks of ``stdin``: bytes, or a readable binary file."""
    if stdin is None:
        return
    if isinstance(stdin, (bytes, bytearray, memoryview)):
        view = memoryview(stdin)
        for start in range(0, len(view), CHUNK):
            yield view[start:start + CHUNK]
        return
    while True:
        data = stdin.read(CHUNK)
        if not data:
            return
        yield data


class _Tail:
    """The last ERR_KEEP bytes written, as text."""

    def __init__(self):
        self.data = b''

    def add(self, data):
        self.data = (self.data + data)[-ERR_KEEP:]

    def text(self):
        return self.data.decode('utf-8', 'replace')


class _Output:
    """Where a command's output goes: a buffer, or the caller's file."""

    def __init__(self, sink, on_error=None):
        self.sink = sink
        self.parts = []
        self.error = None
        self.on_error = on_error

    def add(self, data):
        if self.error is not None:
            return
        if self.sink is None:
            self.parts.append(bytes(data))
            return
        try:
            self.sink.write(data)
        except Exception as e:  # pylint: disable=broad-except
            self.error = e
            if self.on_error is not None:
                self.on_error()

    def value(self):
        return b''.join(self.parts)


def _thread(target, *args):
    t = threading.Thread(target=target, args=args)
    t.daemon = True
    t.start()
    return t


def _check_argv(argv):
    if not isinstance(argv, (list, tuple)) or not argv or not all(isinstance(a, str) for a in argv):
        raise TypeError('a command is a non-empty list of strings, got %r' % (argv,))
    return list(argv)


class LocalRunner:
    """Runs the node's commands here: the module runs on the access node."""

    where = 'local'

    def __init__(self, timeout=DEFAULT_TIMEOUT, env=None, clock=time.monotonic):
        self.timeout = float(timeout)
        self.env = env
        self.clock = clock

    def describe(self):
        return 'the access node (local)'

    def has_command(self, name):
        """Whether ``name`` is on this host's PATH (the runner's PATH when
        it has its own environment)."""
        path = (self.env or {}).get('PATH') if self.env is not None else None
        return shutil.which(name, path=path) is not None

    def run(self, argv, stdin=None, stdout=None, timeout=None, label=None):
        argv = _check_argv(argv)
        label = label or label_of(argv)
        timeout = self.timeout if timeout is None else float(timeout)
        deadline = self.clock() + timeout
        try:
            proc = subprocess.Popen(argv, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.env,
                                    close_fds=True, start_new_session=True)
        except OSError as e:
            raise NodeError('cannot run %s on %s: %s' % (label, self.describe(), e.strerror or e))
        out, err, feed_error = _Output(stdout, lambda: _kill(proc)), _Tail(), []
        threads = [_thread(self._drain, proc.stdout, out.add), _thread(self._drain, proc.stderr, err.add)]
        if stdin is not None:
            threads.append(_thread(self._feed, proc, stdin, feed_error))
        try:
            self._wait(proc, threads, deadline)
        except NodeTimeout:
            raise NodeTimeout('%s on %s took longer than %d seconds and was killed'
                              % (label, self.describe(), int(math.ceil(timeout))))
        finally:
            if proc.poll() is None:
                _kill(proc)
        if feed_error:
            raise NodeError('%s on %s: reading its input failed: %s' % (label, self.describe(), feed_error[0]))
        if out.error is not None:
            raise NodeError('%s on %s: writing its output failed: %s' % (label, self.describe(), out.error))
        return RunResult(proc.returncode, out.value(), err.text())

    def _wait(self, proc, threads, deadline):
        while True:
            try:
                proc.wait(timeout=max(0.0, min(POLL, deadline - self.clock())))
                break
            except subprocess.TimeoutExpired:
                if self.clock() >= deadline:
                    _kill(proc)
                    raise NodeTimeout('timeout')
        for t in threads:       # output still in the pipes; a child left holding them is killed at the deadline
            t.join(max(0.0, deadline - self.clock()))
            if t.is_alive():
                _kill(proc)
                raise NodeTimeout('timeout')

    @staticmethod
    def _drain(pipe, add):
        fd = pipe.fileno()
        while True:
            data = os.read(fd, CHUNK)
            if not data:
                break
            add(data)
        pipe.close()

    @staticmethod
    def _feed(proc, stdin, errors):
        try:
            for chunk in _chunks(stdin):
                proc.stdin.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass            # the command ended early: its exit code tells why
        except Exception as e:  # pylint: disable=broad-except
            errors.append(e)
            _kill(proc)
        finally:
            try:
                proc.stdin.close()
            except OSError:
                pass

    def close(self):
        pass


def _kill(proc):
    """Kill the command and everything it started (its own session)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        try:
            proc.kill()
        except OSError:
            pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def _paramiko():
    try:
        import paramiko     # pylint: disable=import-outside-toplevel
    except ImportError:
        raise NodeError('reaching the access node over SSH needs the Python package paramiko on the host the '
                        'module runs on (pip install paramiko, or the collection\'s requirements.txt); or run the '
                        'task on the access node itself (node_host unset)')
    return paramiko


def fingerprint(key):
    """OpenSSH's SHA256 fingerprint of a paramiko key."""
    digest = base64.b64encode(hashlib.sha256(key.asbytes()).digest()).decode('ascii').rstrip('=')
    return '%s SHA256:%s' % (key.get_name(), digest)


class SshRunner:
    """Runs the node's commands over SSH (paramiko), on one connection made
    at the first command and shared by threads."""

    def __init__(self, host, port=22, user=None, password=None, key_file=None, known_hosts=None,
                 host_key_checking=True, timeout=DEFAULT_TIMEOUT, connect_timeout=CONNECT_TIMEOUT,
                 clock=time.monotonic):
        self.host = host
        self.port = int(port)
        self.user = user
        self._password = password
        self.key_file = os.path.expanduser(key_file) if key_file else None
        self.known_hosts = os.path.expanduser(known_hosts or '~/.ssh/known_hosts')
        self.host_key_checking = host_key_checking
        self.timeout = float(timeout)
        self.connect_timeout = float(connect_timeout)
        self.clock = clock
        self._client = None
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(MAX_SESSIONS)

    def __repr__(self):
        return 'SshRunner(%s@%s:%d)' % (self.user, self.host, self.port)

    @property
    def where(self):
        return '%s:%d' % (self.host, self.port)

    def describe(self):
        return 'the access node %s' % self.where

    # -- connecting ------------------------------------------------------------------------------
    def _connected(self):
        with self._lock:
            client = self._client
            if client is not None and client.get_transport() is not None and client.get_transport().is_active():
                return client
            self._client = None
            if client is not None:
                client.close()
            self._client = self._connect()
            return self._client

    def _connect(self):
        paramiko = _paramiko()
        client = paramiko.SSHClient()
        if self.host_key_checking:
            if not os.path.isfile(self.known_hosts):
                raise NodeError('%s: the known hosts file %s does not exist, so the host key cannot be verified '
                                '(add the node\'s key to it, or set node_known_hosts_file)'
                                % (self.describe(), self.known_hosts))
            try:
                client.load_system_host_keys(self.known_hosts)      # read only: never written back
            except (IOError, OSError, paramiko.SSHException) as e:
                raise NodeError('%s: cannot read the known hosts file %s: %s' % (self.describe(), self.known_hosts, e))
            client.set_missing_host_key_policy(paramiko.RejectPolicy())
        else:
            client.set_missing_host_key_policy(paramiko.WarningPolicy())
        explicit = bool(self.key_file or self._password)
        try:
            client.connect(self.host, port=self.port, username=self.user, password=self._password,
                           key_filename=self.key_file, timeout=self.connect_timeout,
                           banner_timeout=self.connect_timeout, auth_timeout=self.connect_timeout,
                           allow_agent=not explicit, look_for_keys=not explicit)
        except paramiko.BadHostKeyException as e:
            client.close()
            raise NodeError('%s presented the host key %s, which is not the one %s has for it: refusing to connect '
                            '(if the node\'s key was changed on purpose, update the known hosts file)'
                            % (self.describe(), fingerprint(e.key), self.known_hosts))
        except paramiko.AuthenticationException:
            client.close()
            raise NodeError('%s: authentication as %s failed (check node_user, node_private_key_file and '
                            'node_password)' % (self.describe(), self.user))
        except paramiko.SSHException as e:
            key = self._offered_key(client)
            client.close()
            if key is not None and 'known_hosts' in str(e):
                raise NodeError('%s: its host key %s is not in the known hosts file %s: refusing to connect (compare '
                                'the fingerprint with the node\'s own, then add the key)'
                                % (self.describe(), fingerprint(key), self.known_hosts))
            raise NodeError('%s: SSH failed: %s' % (self.describe(), e))
        except (socket.error, OSError, EOFError) as e:
            client.close()
            raise NodeError('%s: cannot connect: %s' % (self.describe(), getattr(e, 'strerror', None) or e))
        return client

    @staticmethod
    def _offered_key(client):
        transport = client.get_transport()
        try:
            return transport.get_remote_server_key() if transport is not None else None
        except Exception:  # pylint: disable=broad-except
            return None

    def open_sftp(self):
        """An SFTP client on the connection (paramiko's SFTPClient)."""
        return self._connected().open_sftp()

    def close(self):
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None

    # -- running ---------------------------------------------------------------------------------
    def command_line(self, argv, timeout):
        """The remote command: the argument list quoted for the login shell,
        under coreutils timeout so that the node kills it at the limit too."""
        limit = '%d' % int(math.ceil(timeout))
        return ' '.join(shlex.quote(a) for a in ['timeout', '-k', '%d' % KILL_AFTER, limit] + argv)

    def run(self, argv, stdin=None, stdout=None, timeout=None, label=None):
        argv = _check_argv(argv)
        label = label or label_of(argv)
        timeout = self.timeout if timeout is None else float(timeout)
        start = self.clock()
        deadline = start + timeout + SSH_GRACE
        if not self._slots.acquire(timeout=timeout):
            raise NodeTimeout('%s on %s: no SSH session free within %d seconds' % (label, self.describe(), timeout))
        try:
            chan = self._open_channel(label)
            try:
                return self._exchange(chan, self.command_line(argv, timeout), stdin, stdout, label, start,
                                      timeout, deadline)
            finally:
                chan.close()
        finally:
            self._slots.release()

    def _open_channel(self, label):
        paramiko = _paramiko()
        for attempt in (1, 2):          # a connection that dropped while idle is made again once
            client = self._connected()
            transport = client.get_transport()
            try:
                return transport.open_session(timeout=self.connect_timeout)
            except (paramiko.SSHException, EOFError, OSError) as e:
                if attempt == 2 or transport.is_active():
                    raise NodeError('%s on %s: cannot open an SSH session: %s' % (label, self.describe(), e))
                with self._lock:
                    if self._client is client:
                        self._client = None
                        client.close()
        raise NodeError('%s on %s: cannot open an SSH session' % (label, self.describe()))

    def _exchange(self, chan, command, stdin, stdout, label, start, timeout, deadline):
        chan.settimeout(POLL)
        chan.exec_command(command)
        out, err, stop, feed_error = _Output(stdout), _Tail(), [], []
        threads = [_thread(self._drain_err, chan, err, stop)]
        if stdin is None:
            chan.shutdown_write()
        else:
            threads.append(_thread(self._feed, chan, stdin, stop, feed_error))
        try:
            self._drain_out(chan, out, deadline)
            if out.error is not None:
                raise NodeError('%s on %s: writing its output failed: %s' % (label, self.describe(), out.error))
            while not chan.exit_status_ready():
                if self.clock() >= deadline:
                    raise NodeTimeout('timeout')
                chan.status_event.wait(POLL)
            rc = chan.recv_exit_status()
            for t in threads:
                t.join(max(0.0, deadline - self.clock()))
        except NodeTimeout:
            raise NodeTimeout('%s on %s took longer than %d seconds and was killed'
                              % (label, self.describe(), int(math.ceil(timeout))))
        finally:
            stop.append(True)
        if feed_error:
            raise NodeError('%s on %s: sending its input failed: %s' % (label, self.describe(), feed_error[0]))
        if out.error is not None:
            raise NodeError('%s on %s: writing its output failed: %s' % (label, self.describe(), out.error))
        if rc in (124, 137) and self.clock() - start >= timeout - 1:
            raise NodeTimeout('%s on %s took longer than %d seconds and was killed'
                              % (label, self.describe(), int(math.ceil(timeout))))
        return RunResult(rc, out.value(), err.text())

    def _drain_out(self, chan, out, deadline):
        while True:
            if self.clock() >= deadline:
                raise NodeTimeout('timeout')
            try:
                data = chan.recv(CHUNK)
            except socket.timeout:
                continue
            if not data:
                return
            out.add(data)
            if out.error is not None:
                return      # stop reading; the command is ended when the channel closes

    @staticmethod
    def _drain_err(chan, err, stop):
        while not stop:
            try:
                data = chan.recv_stderr(CHUNK)
            except socket.timeout:
                continue
            except Exception:  # pylint: disable=broad-except
                return
            if not data:
                return
            err.add(data)

    @staticmethod
    def _feed(chan, stdin, stop, errors):
        try:
            for chunk in _chunks(stdin):
                view = memoryview(chunk)
                while view and not stop:
                    try:
                        sent = chan.send(bytes(view[:65536]))
                    except socket.timeout:
                        continue
                    if sent == 0:
                        return      # the channel closed: the exit code tells why
                    view = view[sent:]
                if stop:
                    return
            chan.shutdown_write()
        except Exception as e:  # pylint: disable=broad-except
            if not chan.closed and not chan.exit_status_ready():
                errors.append(e)
                chan.close()        # the command must not wait for input that never comes
