# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run zvmsim from tests, benchmarks and the demo.

    with SimServer() as sim:
        mark = sim.mark()
        ... talk SMAPI to 127.0.0.1:sim.port ...
        writes = sim.calls(since=mark, writes=True)

The server runs as a separate process (``python -m zvmsim serve``), so a
test exercises the real sockets and can kill it with SIGKILL.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time

import yaml

from zvmsim import requestlog
from zvmsim.state import Store

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class SimServer:
    def __init__(self, config=None, state_dir=None, tls_cert=None, tls_key=None, latency=None, host='127.0.0.1',
                 seed_guests=0):
        self._tmp = None
        if state_dir is None:
            self._tmp = tempfile.mkdtemp(prefix='zvmsim-')
            state_dir = self._tmp
        os.makedirs(state_dir, exist_ok=True)
        self.state_dir = state_dir
        self.host = host
        self.config_path = None
        if isinstance(config, dict):
            self.config_path = os.path.join(state_dir, 'system.yml')
            with open(self.config_path, 'w') as fh:
                yaml.safe_dump(config, fh)
        elif config:
            self.config_path = config
        self.tls_cert = tls_cert
        self.tls_key = tls_key
        self.latency = latency
        self.seed_guests = seed_guests
        self.proc = None
        self.port = None

    # -- lifecycle ------------------------------------------------------------------
    def _cmd(self, *args):
        cmd = [sys.executable, '-m', 'zvmsim'] + list(args) + ['--state-dir', self.state_dir]
        return cmd

    def start(self, timeout=30):
        if self.seed_guests:
            cmd = self._cmd('seed', '--guests', str(self.seed_guests))
            if self.config_path:
                cmd += ['--config', self.config_path]
            subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        ready = os.path.join(self.state_dir, 'ready.port')
        if os.path.exists(ready):
            os.remove(ready)
        cmd = self._cmd('serve', '--host', self.host, '--port', '0', '--ready-file', ready)
        if self.config_path:
            cmd += ['--config', self.config_path]
        if self.tls_cert:
            cmd += ['--tls-cert', self.tls_cert, '--tls-key', self.tls_key]
        if self.latency:
            cmd += ['--latency', self.latency]
        self._out = open(os.path.join(self.state_dir, 'server.out'), 'ab')
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=self._out, stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if os.path.exists(ready):
                with open(ready) as fh:
                    self.port = int(fh.read().strip())
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        with open(os.path.join(self.state_dir, 'server.out')) as fh:
            raise RuntimeError('zvmsim did not start:\n' + fh.read()[-4000:])

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.proc = None
        if getattr(self, '_out', None):
            self._out.close()
            self._out = None

    def kill(self):
        """SIGKILL, as a crash would."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(10)
            self.proc = None

    def restart(self):
        self.stop()
        return self.start()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        if self._tmp:
            import shutil  # pylint: disable=import-outside-toplevel
            shutil.rmtree(self._tmp, ignore_errors=True)

    # -- observation ----------------------------------------------------------------
    def mark(self):
        return requestlog.position(self.state_dir)

    def calls(self, since=0, writes=None, function=None):
        entries = requestlog.entries(self.state_dir, since=since, function=function)
        if writes is not None:
            entries = [e for e in entries if bool(e.get('write')) == writes]
        return entries

    def dump(self):
        from zvmsim.__main__ import dump_state
        return dump_state(self.state_dir)

    def store(self):
        return Store(self.state_dir)

    def fault(self, function='*', action='rc', rc=500, rs=8, every=1, times=None, delay=5.0):
        store = self.store()
        rule = {'function': function, 'action': action, 'every': every}
        if action == 'rc':
            rule.update(rc=rc, rs=rs)
        if action in ('slow', 'stall_in_tx'):
            rule['delay'] = delay
        if times is not None:
            rule['times'] = times
        with store.transaction(write=True) as tx:
            fid = tx.add_fault(rule)
        store.close()
        return fid

    def clear_faults(self):
        store = self.store()
        with store.transaction(write=True) as tx:
            tx.clear_faults()
        store.close()

    # -- the access node (zvmsim/node) ------------------------------------------------
    def node(self, node_dir=None):
        """Run ``node setup`` (creating and logging on the node's guest when
        needed) and return the node directory (default ``STATE_DIR/node``):
        its commands are in ``NODE_DIR/bin``, its disks appear in
        ``NODE_DIR/dev/disk/by-path``."""
        node_dir = os.path.abspath(node_dir or os.path.join(self.state_dir, 'node'))
        cmd = self._cmd('node', 'setup', '--dir', node_dir)
        if self.config_path:
            cmd += ['--config', self.config_path]
        subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(node_dir, 'node.json')) as fh:
            self.node_userid = json.load(fh)['userid']
        self.node_dir = node_dir
        return node_dir

    @staticmethod
    def node_env(node_dir):
        """``{'PATH': ...}`` with the node's commands first."""
        return {'PATH': os.pathsep.join([os.path.join(node_dir, 'bin'), os.environ.get('PATH', '/usr/bin:/bin')])}

    def _read(self, func):
        store = self.store()
        try:
            with store.transaction() as tx:
                return func(tx)
        finally:
            store.close()

    def node_links(self, userid=None):
        """The disks the node has linked: ``[{ldev, userid, vdev, mode, access,
        devtype, unit, size, volid}]`` sorted by ldev."""
        userid = (userid or getattr(self, 'node_userid', None) or 'ZVMNODE').upper()

        def links(tx):
            doc = tx.cp(userid) or {}
            return [{'ldev': ldev, 'userid': d.get('owner'), 'vdev': d.get('owner_vdev'), 'mode': d.get('mode'),
                     'access': d.get('access'), 'devtype': d.get('devtype'), 'unit': d.get('unit'),
                     'size': d.get('size'), 'volid': d.get('volid')}
                    for ldev, d in sorted((doc.get('disks') or {}).items()) if d.get('type') == 'link']
        return self._read(links)

    def reader(self, userid):
        """``userid``'s reader files in queue order: ``[{spoolid (CP's
        number), name, type, class, originid, records, content (bytes)}]``."""
        from zvmsim.node import spool

        def files(tx):
            return [{'spoolid': spool.spool_number(f['spoolid']), 'name': f.get('name'), 'type': f.get('type'),
                     'class': f.get('class'), 'originid': f.get('originid'), 'records': f.get('records'),
                     'content': spool.content(tx, f)} for f in spool.files(tx, userid)]
        return self._read(files)

    def disk_bytes(self, owner, vdev, offset=0, length=None):
        """The contents of ``owner``'s minidisk ``vdev`` (zeroes where
        nothing was written); KeyError when it has no such MDISK."""
        from zvmsim import contents
        size = self._read(lambda tx: contents.disk_size(tx, owner, vdev))
        if size is None:
            raise KeyError('%s has no minidisk %s' % (owner, vdev))
        return contents.read(self.state_dir, owner, vdev, size, offset=offset, length=length)

    def node_fault(self, command, times=1):
        """The next ``times`` runs of a node command (``'chccwdev'``, ``'vmcp
        transfer'``...) fail with exit 1 and do nothing."""
        from zvmsim.node.cli import add_fault
        store = self.store()
        try:
            with store.transaction(write=True) as tx:
                return add_fault(tx, [command], times)
        finally:
            store.close()

    def env(self, user='MAINT', password='MAINT'):
        """Environment variables that point the collection's modules here."""
        env = {'ZVM_SMAPI_HOST': self.host, 'ZVM_SMAPI_PORT': str(self.port), 'ZVM_SMAPI_USER': user,
               'ZVM_SMAPI_PASSWORD': password}
        return env
