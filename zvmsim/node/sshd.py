# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A real OpenSSH server on loopback in front of an access node, for tests.

    with NodeSshd(sim.node(), sim.state_dir) as sshd:
        client.connect(sshd.host, sshd.port, sshd.user, key_filename=sshd.client_key)
        # known hosts: sshd.known_hosts;  `vmcp`... are on the session's PATH

It generates (in a temporary directory) an ed25519 host key and a client
key with ``ssh-keygen``, writes an ``sshd_config`` (127.0.0.1 and a free
port, its own host key, authorized_keys and pid file, no PAM, no
passwords, ``SetEnv PATH=<node>/bin:/usr/local/bin:/usr/bin:/bin``, the
internal SFTP server) and runs ``/usr/sbin/sshd -D -e -f sshd_config`` as
the current user, waiting until the port answers with an SSH banner.
The server log (``-e``) is ``<tmp>/sshd.log`` (``log()``).
``unavailable()`` names what is missing (sshd or ssh-keygen), else None;
``skip_unless_available()`` skips a pytest test for that reason.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time

SSHD = '/usr/sbin/sshd'
SSH_KEYGEN = 'ssh-keygen'
PRIVSEP_DIR = '/run/sshd'

CONFIG = '''# zvmsim NodeSshd
ListenAddress 127.0.0.1
Port %(port)d
HostKey %(host_key)s
AuthorizedKeysFile %(authorized_keys)s
PidFile %(pid_file)s
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PrintMotd no
PrintLastLog no
MaxStartups 100:30:200
MaxSessions 100
LogLevel INFO
SetEnv PATH=%(path)s
Subsystem sftp internal-sftp
'''


def unavailable():
    """Why NodeSshd cannot run here (None when it can)."""
    if not os.path.exists(SSHD):
        return '%s is missing (install openssh-server)' % SSHD
    if shutil.which(SSH_KEYGEN) is None:
        return '%s is missing (install openssh-client)' % SSH_KEYGEN
    return None


def skip_unless_available():
    """pytest.skip with the reason when NodeSshd cannot run here."""
    reason = unavailable()
    if reason:
        import pytest  # pylint: disable=import-outside-toplevel
        pytest.skip('NodeSshd: ' + reason)


def free_port(host='127.0.0.1'):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((host, 0))
        return sock.getsockname()[1]
    finally:
        sock.close()


class NodeSshd:
    """An sshd on 127.0.0.1 whose sessions have the node's commands on PATH."""

    def __init__(self, node_dir, state_dir=None, timeout=20):
        self.node_dir = os.path.abspath(node_dir)
        self.state_dir = state_dir
        self.timeout = timeout
        self.host = '127.0.0.1'
        self.port = None
        self.user = pwd.getpwuid(os.getuid()).pw_name
        self.tmp = None
        self.client_key = None
        self.known_hosts = None
        self.proc = None

    # -- keys and config ------------------------------------------------------------------
    def _keygen(self, path, comment):
        subprocess.run([SSH_KEYGEN, '-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        with open(path + '.pub', encoding='ascii') as handle:
            return handle.read().strip()

    def _prepare(self):
        self.tmp = tempfile.mkdtemp(prefix='zvmsim-sshd-')
        os.chmod(self.tmp, 0o700)
        self.host_key = os.path.join(self.tmp, 'ssh_host_ed25519_key')
        host_pub = self._keygen(self.host_key, 'zvmsim-node-host')
        self.client_key = os.path.join(self.tmp, 'client_ed25519')
        client_pub = self._keygen(self.client_key, 'zvmsim-node-client')
        self.authorized_keys = os.path.join(self.tmp, 'authorized_keys')
        with open(self.authorized_keys, 'w', encoding='ascii') as handle:
            handle.write(client_pub + '\n')
        os.chmod(self.authorized_keys, 0o600)
        self._host_pub = ' '.join(host_pub.split()[:2])
        self.config = os.path.join(self.tmp, 'sshd_config')
        self.pid_file = os.path.join(self.tmp, 'sshd.pid')
        self.log_file = os.path.join(self.tmp, 'sshd.log')
        if os.geteuid() == 0 and not os.path.isdir(PRIVSEP_DIR):
            os.makedirs(PRIVSEP_DIR, mode=0o755, exist_ok=True)

    def _write_config(self):
        path = ':'.join([os.path.join(self.node_dir, 'bin'), '/usr/local/bin', '/usr/bin', '/bin'])
        with open(self.config, 'w', encoding='utf-8') as handle:
            handle.write(CONFIG % {'port': self.port, 'host_key': self.host_key, 'pid_file': self.pid_file,
                                   'authorized_keys': self.authorized_keys, 'path': path})
        self.known_hosts = os.path.join(self.tmp, 'known_hosts')
        with open(self.known_hosts, 'w', encoding='ascii') as handle:
            handle.write('[%s]:%d %s\n' % (self.host, self.port, self._host_pub))

    # -- lifecycle --------------------------------------------------------------------------
    def _banner(self):
        try:
            with socket.create_connection((self.host, self.port), timeout=1) as sock:
                return sock.recv(64).startswith(b'SSH-2.0-')
        except OSError:
            return False

    def start(self):
        reason = unavailable()
        if reason:
            raise RuntimeError('NodeSshd: ' + reason)
        self._prepare()
        last = ''
        for _attempt in range(5):          # another process may take the free port first
            self.port = free_port(self.host)
            self._write_config()
            log = open(self.log_file, 'ab')
            try:
                self.proc = subprocess.Popen([SSHD, '-D', '-e', '-f', self.config], stdin=subprocess.DEVNULL,
                                             stdout=log, stderr=subprocess.STDOUT)
            finally:
                log.close()
            deadline = time.time() + self.timeout
            while time.time() < deadline and self.proc.poll() is None:
                if self._banner():
                    return self
                time.sleep(0.05)
            last = self.log()
            self._stop_process()
            if 'Address already in use' not in last:
                break
        self.stop()
        raise RuntimeError('NodeSshd: sshd did not start:\n' + last[-4000:])

    def log(self):
        """What sshd wrote so far (its -e log)."""
        try:
            with open(self.log_file, encoding='utf-8', errors='replace') as handle:
                return handle.read()
        except (OSError, TypeError):
            return ''

    def _stop_process(self):
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(10)
            self.proc = None

    def stop(self):
        self._stop_process()
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None

    def ssh_command(self, *argv):
        """The OpenSSH client command line that runs ``argv`` on the node."""
        return ['ssh', '-p', str(self.port), '-i', self.client_key, '-o', 'BatchMode=yes',
                '-o', 'IdentitiesOnly=yes', '-o', 'StrictHostKeyChecking=yes',
                '-o', 'UserKnownHostsFile=%s' % self.known_hosts, '-o', 'LogLevel=ERROR',
                '%s@%s' % (self.user, self.host)] + list(argv)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
