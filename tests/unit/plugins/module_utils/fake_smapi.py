# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A scripted SMAPI server for transport and client unit tests.

Each accepted connection reads one request and asks ``script(n, request)``
(``n`` counts connections from 0) what to do.  The answer is an ``Act``:

* ``Act.reply(rc, rs, output=None, chunk=None)``: a proper reply, optionally
  dribbled out ``chunk`` bytes at a time;
* ``Act.close()``: close before sending the request id;
* ``Act.id_then_close()``: send the request id, then close;
* ``Act.id_then_stall(seconds)``: send the request id, then say nothing;
* ``Act.raw(data)``: send these bytes and close.
"""

import os
import socket
import ssl
import struct
import subprocess
import threading
import time

from ansible_collections.zvm.cloud.plugins.module_utils.smapi import codec, layouts


class Act:
    def __init__(self, kind, **kw):
        self.kind = kind
        self.__dict__.update(kw)

    @classmethod
    def reply(cls, rc=0, rs=0, output=None, chunk=None):
        return cls('reply', rc=rc, rs=rs, output=output or {}, chunk=chunk)

    @classmethod
    def close(cls):
        return cls('close')

    @classmethod
    def id_then_close(cls):
        return cls('id_then_close')

    @classmethod
    def id_then_stall(cls, seconds):
        return cls('id_then_stall', seconds=seconds)

    @classmethod
    def raw(cls, data):
        return cls('raw', data=data)


class FakeSmapi:
    def __init__(self, script, tls_context=None):
        self.script = script
        self.tls_context = tls_context
        self.requests = []       # decoded requests, in arrival order
        self.connections = 0
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(('127.0.0.1', 0))
        self._sock.listen(16)
        self.port = self._sock.getsockname()[1]
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._stop = True
        try:
            socket.create_connection(('127.0.0.1', self.port), timeout=1).close()
        except OSError:
            pass
        self._thread.join(5)
        self._sock.close()

    def _serve(self):
        while not self._stop:
            conn, _addr = self._sock.accept()
            if self._stop:
                conn.close()
                return
            n = self.connections
            self.connections += 1
            threading.Thread(target=self._handle, args=(conn, n), daemon=True).start()

    def _handle(self, conn, n):
        try:
            if self.tls_context is not None:
                conn = self.tls_context.wrap_socket(conn, server_side=True)
            head = _recv(conn, 4)
            if head is None:
                return
            body = _recv(conn, struct.unpack('>i', head)[0])
            request = codec.decode_request(head + body, layouts.FUNCTIONS)
            self.requests.append(request)
            act = self.script(n, request)
            rid = 1000 + n
            if act.kind == 'close':
                return
            if act.kind == 'raw':
                conn.sendall(act.data)
                return
            conn.sendall(struct.pack('>i', rid))
            if act.kind == 'id_then_close':
                return
            if act.kind == 'id_then_stall':
                time.sleep(act.seconds)
                return
            data = codec.encode_response(layouts.get(request['function']), rid, act.rc, act.rs, act.output)[4:]
            if act.chunk:
                for i in range(0, len(data), act.chunk):
                    conn.sendall(data[i:i + act.chunk])
                    time.sleep(0.001)
            else:
                conn.sendall(data)
        except (OSError, ssl.SSLError):
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass


def _recv(conn, n):
    buf = b''
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def make_ca_and_server_cert(directory, hostname='localhost'):
    """Create a CA and a server certificate signed by it with openssl.

    Returns (ca_pem, cert_pem, key_pem) paths.
    """
    def run(*args):
        subprocess.run(args, check=True, cwd=directory, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # the CA extensions Python 3.13's strict verification requires of a CA
    run('openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=zvm test CA',
        '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
        '-keyout', 'ca.key', '-out', 'ca.pem')
    run('openssl', 'req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=%s' % hostname, '-keyout', 'server.key',
        '-out', 'server.csr')
    with open(os.path.join(directory, 'ext.cnf'), 'w') as fh:
        fh.write('subjectAltName=DNS:%s,IP:127.0.0.1\n' % hostname)
    run('openssl', 'x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
        '-days', '2', '-extfile', 'ext.cnf', '-out', 'server.pem')
    return tuple(os.path.join(directory, f) for f in ('ca.pem', 'server.pem', 'server.key'))


def server_tls_context(cert, key):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx
