# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SMAPI server: framing, authentication, dispatch, faults, latency and
the request log.  Function semantics live in ``zvmsim.handlers``.

``Simulator.serve_connection(sock)`` handles one connection: read one
request, send the request id at once, run the handler, send the framed
reply and close, exactly as the z/VM SMAPI server does.
"""

import fnmatch
import socket
import socketserver
import ssl
import struct
import threading
import time

from ansible_collections.zvm.cloud.plugins.module_utils.smapi import codec, layouts
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.client import is_read_only

from zvmsim import config as simconfig
from zvmsim import cp, handlers, requestlog, seed
from zvmsim.state import Store

MAX_REQUEST = 32 * 1024 * 1024
READ_TIMEOUT = 30.0


class Simulator:
    """Everything but the sockets: usable in-process by tests."""

    def __init__(self, config, state_dir, clock=time.time, sleep=time.sleep):
        self.config = config
        self.state_dir = state_dir
        self.store = Store(state_dir, clock=clock)
        self.clock = clock
        self.sleep = sleep
        self.log = requestlog.RequestLog(state_dir)
        self.handlers = handlers.load_all()
        if cp.settle not in handlers.SETTLERS:
            handlers.SETTLERS.append(cp.settle)
        if not self.store.seeded:
            with self.store.transaction(write=True) as tx:
                seed.seed(tx, config)
        with self.store.transaction() as tx:
            # queries do not save the counter; the log has the last id given
            self._next_id = max(tx.meta('next_request_id', 1), requestlog.last_request_id(state_dir) + 1)
        self._id_lock = threading.Lock()
        users = (config.get('smapi') or {}).get('users') or []
        self.users = dict((str(u['userid']).upper(), str(u['password'])) for u in users)
        self.authorizations = [(str(a['user']).upper(), str(a['function']), str(a['target']).upper())
                               for a in (config.get('smapi') or {}).get('authorizations') or []]

    # -- helpers ------------------------------------------------------------------
    def next_request_id(self):
        with self._id_lock:
            rid = self._next_id
            self._next_id += 1
            return rid

    def authenticate(self, userid, password):
        expected = self.users.get((userid or '').upper())
        if expected is None:
            return False
        if (self.config.get('smapi') or {}).get('mixed_case_passwords'):
            return expected == password
        return expected.upper() == (password or '').upper()

    def authorized(self, userid, function, target):
        userid = userid.upper()
        target = (target or '').upper()
        for user, func, tgt in self.authorizations:
            if user != userid:
                continue
            if func != 'ALL' and not fnmatch.fnmatchcase(function, func):
                continue
            if tgt != 'ALL' and not fnmatch.fnmatchcase(target, tgt):
                continue
            return True
        return False

    def _settle(self):
        """Finish CP transitions whose time has come (soft stops...)."""
        now = self.clock()
        with self.store.transaction() as tx:
            due = tx.due_cp(now)
        if not due:
            return
        with self.store.transaction(write=True) as tx:
            for userid, doc in tx.due_cp(now):
                for func in handlers.SETTLERS:
                    func(tx, now, userid, doc)

    def _fault(self, function):
        """The fault rule that fires for this call, if any (and count it)."""
        with self.store.transaction() as tx:
            rules = tx.faults()
        matching = [r for r in rules if r.get('function', '*') in ('*', function)]
        if not matching:
            return None
        fired = None
        with self.store.transaction(write=True) as tx:
            for rule in tx.faults():
                if rule.get('function', '*') not in ('*', function):
                    continue
                rule['seen'] = rule.get('seen', 0) + 1
                every = int(rule.get('every', 1) or 1)
                limit = rule.get('times')
                if fired is None and rule['seen'] % every == 0 and (limit is None or rule.get('fired', 0) < limit):
                    rule['fired'] = rule.get('fired', 0) + 1
                    fired = dict(rule)
                tx.update_fault(rule['id'], rule)
        return fired

    # -- one request -------------------------------------------------------------------
    def answer(self, data, request_id, fault=None):
        """Compute (rc, rs, layout, log fields) for request ``data``.

        ``fault`` with action ``stall_in_tx`` sleeps inside the request's
        transaction, after the handler ran and before the commit, so that a
        test can kill the process in the middle of a write.
        """
        info = {'function': None, 'target': None, 'user': None}
        try:
            function, userid, password, _pos = codec.read_header(data)
        except codec.DecodeError as e:
            return 900, 20 if e.reason == 20 else 24, None, info
        info.update(function=function, user=userid.upper())
        layout = layouts.get(function)
        if layout is None:
            return 900, 12, None, info
        try:
            request = codec.decode_request(data, layouts.FUNCTIONS)
        except codec.DecodeError as e:
            info['target'] = None
            if e.reason == 20:
                return 900, 20, layout, info
            if not self.authenticate(userid, password):
                return 120, 0, layout, info
            return 24, (e.index or 0) * 100 + e.reason, layout, info
        target = request['target']
        info['target'] = target
        if not self.authenticate(userid, password):
            return 120, 0, layout, info
        if not self.authorized(userid, function, target):
            return 100, 16, layout, info
        handler = self.handlers.get(function)
        if handler is None:
            return 900, 12, layout, info
        params = request['params']
        try:
            for f in layout.request:
                if not f.flatten and f.optional and params.get(f.name) is None:
                    continue
                f.check(f.value_from(params, function), function)
        except codec.ValidationError as e:
            index = e.index or layout.parameter_number(e.parameter) or 0
            return 24, index * 100 + e.reason, layout, info
        self._settle()
        try:
            with self.store.transaction(write=handler.write) as tx:
                call = handlers.Call(self, tx, function, target, params, userid, request_id)
                result = handler.func(call)
                if handler.write:
                    tx.set_meta('next_request_id', self._next_id)
                if fault and fault.get('action') == 'stall_in_tx':
                    self.sleep(float(fault.get('delay', 5)))
        except handlers.Fail as f:
            return f.rc, f.rs, layout, dict(info, output=f.output)
        if isinstance(result, handlers.Result):
            return result.rc, result.rs, layout, dict(info, output=result.output)
        return 0, 0, layout, dict(info, output=result or {})

    def serve_connection(self, sock, peer=''):
        started = time.monotonic()
        sock.settimeout(READ_TIMEOUT)
        try:
            head = _recv_exact(sock, 4)
            if head is None:
                return
            length = struct.unpack('>i', head)[0]
            if length < 0 or length > MAX_REQUEST:
                return
            body = _recv_exact(sock, length)
            if body is None:
                return
            data = head + body
            request_id = self.next_request_id()
            try:
                function = codec.read_header(data)[0]
            except codec.DecodeError:
                function = None
            fault = self._fault(function) if function else None
            if fault and fault.get('action') == 'close_before_id':
                self._log(request_id, {'function': function}, None, None, started, peer, 'closed before id')
                return
            sock.sendall(struct.pack('>i', request_id))
            if fault and fault.get('action') == 'rc':
                layout = layouts.get(function)
                rc, rs, info = int(fault['rc']), int(fault['rs']), {'function': function, 'output': {}}
                try:
                    request = codec.decode_request(data, layouts.FUNCTIONS)
                    info.update(target=request['target'], user=request['userid'].upper())
                except codec.DecodeError:
                    pass
            else:
                rc, rs, layout, info = self.answer(data, request_id, fault)
            if layout is not None and layout.streaming and rc == 0:
                self._log(request_id, info, rc, rs, started, peer)
                return
            if fault and fault.get('action') == 'close_after_id':
                self._log(request_id, info, rc, rs, started, peer, 'closed after id')
                return
            delay = simconfig.latency_for(self.config, function or '', is_read_only(function or ''))
            if fault and fault.get('action') == 'slow':
                delay += float(fault.get('delay', 5))
            if delay:
                self.sleep(delay)
            reply = codec.encode_response(layout, request_id, rc, rs, info.get('output') or {})
            # log before replying, so a client that has its reply finds it in the log
            self._log(request_id, info, rc, rs, started, peer)
            sock.sendall(reply[4:])
        except (OSError, ssl.SSLError):
            return

    def _log(self, request_id, info, rc, rs, started, peer, note=None):
        function = info.get('function') or ''
        entry = {
            'time': round(self.clock(), 6), 'request_id': request_id, 'function': function,
            'target': info.get('target'), 'user': info.get('user'), 'rc': rc, 'rs': rs,
            'ms': round((time.monotonic() - started) * 1000, 3), 'write': not is_read_only(function),
            'peer': peer,
        }
        if note:
            entry['note'] = note
        self.log.append(entry)


def _recv_exact(sock, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(min(n - len(buf), 1 << 20))
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)


class _Handler(socketserver.BaseRequestHandler):
    def handle(self):
        server = self.server
        sock = self.request
        if server.tls_context is not None:
            try:
                sock = server.tls_context.wrap_socket(sock, server_side=True)
            except (ssl.SSLError, OSError):
                return
        try:
            server.sim.serve_connection(sock, '%s:%s' % self.client_address[:2])
        finally:
            try:
                sock.close()
            except OSError:
                pass


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, sim, host='127.0.0.1', port=44444, tls_cert=None, tls_key=None):
        self.sim = sim
        self.tls_context = None
        if tls_cert:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(tls_cert, tls_key)
            self.tls_context = ctx
        family = socket.AF_INET6 if ':' in host else socket.AF_INET
        self.address_family = family
        socketserver.ThreadingTCPServer.__init__(self, (host, port), _Handler)

    @property
    def port(self):
        return self.server_address[1]
