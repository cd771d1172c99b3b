# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SMAPI transport: one request per TCP (or TLS) connection.

The server answers a request with its request id (4 bytes) as soon as it
accepts it, then later with the framed reply: an int4 length, the request id
again, the return code, the reason code and the function's output.  This
module moves bytes only; ``client.py`` decides what they mean.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import socket
import ssl
import struct
import time

from ansible_collections.zvm.cloud.plugins.module_utils.smapi.errors import (
    SmapiConnectionError, SmapiProtocolError, SmapiTimeout, SmapiTlsError,
)

DEFAULT_PORT = 44444
# No SMAPI reply comes near this; a larger length means a garbled stream.
MAX_REPLY = 64 * 1024 * 1024


class Exchange:
    """The raw result of one request: the request id the server assigned
    and the complete reply bytes (request id first, as on the wire)."""

    def __init__(self, request_id, data):
        self.request_id = request_id
        self.data = data


class Transport:
    """Sends one request per connection.

    ``tls``: wrap the socket in TLS from the first byte.  The certificate is
    verified against ``ca_path`` (a PEM bundle or directory) or the system
    store; ``verify=False`` turns verification off and must be asked for.
    ``connect_timeout`` bounds the TCP connect and TLS handshake,
    ``read_timeout`` every wait for data afterwards; ``exchange(timeout=)``
    bounds the whole exchange (connect, send and every read together), so
    no attempt outlasts the deadline the client gives it.  ``clock``
    (``time.monotonic``) measures that.
    """

    def __init__(self, host, port=DEFAULT_PORT, tls=False, ca_path=None, verify=True, connect_timeout=10.0,
                 read_timeout=300.0, server_hostname=None, clock=time.monotonic):
        self.host = host
        self.port = int(port)
        self.tls = tls
        self.ca_path = ca_path
        self.verify = verify
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.server_hostname = server_hostname or host
        self.clock = clock
        self._context = None

    def ca_description(self):
        """The CA certificates a TLS connection is verified against, as a message names them."""
        if self.ca_path:
            kind = 'directory' if os.path.isdir(self.ca_path) else 'file'
            return 'the CA %s %s (smapi_ca_path)' % (kind, self.ca_path)
        paths = ssl.get_default_verify_paths()
        where = [p for p in (paths.cafile or paths.openssl_cafile, paths.capath or paths.openssl_capath) if p]
        return 'the system CA store (%s)' % ', '.join(where) if where else 'the system CA store'

    def _ssl_context(self):
        if self._context is None:
            ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
            if self.ca_path:
                try:
                    if os.path.isdir(self.ca_path):
                        ctx.load_verify_locations(capath=self.ca_path)
                    else:
                        ctx.load_verify_locations(cafile=self.ca_path)
                except (OSError, ssl.SSLError) as e:
                    raise SmapiTlsError('cannot load the CA certificates of %s: %s'
                                        % (self.ca_description(), _reason(e)), self.host, self.port, ca=self.ca_path)
            if not self.verify:
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
            self._context = ctx
        return self._context

    def _left(self, deadline, cap, what, accepted=False):
        """Seconds the next wait may take: ``cap``, or less when the deadline
        is nearer; SmapiTimeout when it has passed."""
        if deadline is None:
            return cap
        left = deadline - self.clock()
        if left <= 0:
            raise SmapiTimeout('the time for this request ran out before the %s' % what, self.host, self.port,
                               accepted=accepted)
        return min(cap, left)

    def _connect(self, deadline=None):
        timeout = self._left(deadline, self.connect_timeout, 'connection was made')
        try:
            sock = socket.create_connection((self.host, self.port), timeout=timeout)
        except socket.timeout:
            raise SmapiTimeout('timed out connecting to the SMAPI server after %gs' % round(timeout, 1),
                               self.host, self.port)
        except (socket.gaierror, OSError) as e:
            raise SmapiConnectionError('cannot connect to the SMAPI server: %s' % _reason(e), self.host, self.port)
        if self.tls:
            try:
                ctx = self._ssl_context()
                sock = ctx.wrap_socket(sock, server_hostname=self.server_hostname)
            except SmapiTlsError:
                sock.close()
                raise
            except ssl.SSLCertVerificationError as e:
                sock.close()
                raise SmapiTlsError('TLS certificate of the SMAPI server not trusted: %s; it was verified against '
                                    '%s and is not retried (set smapi_ca_path to the CA bundle that signed it)'
                                    % (e.verify_message, self.ca_description()), self.host, self.port,
                                    ca=self.ca_path)
            except (ssl.SSLError, OSError) as e:
                sock.close()
                raise SmapiConnectionError('TLS handshake with the SMAPI server failed: %s' % _reason(e),
                                           self.host, self.port)
        sock.settimeout(self.read_timeout)
        return sock

    def _recv_exact(self, sock, n, what, accepted, deadline=None):
        chunks = []
        remaining = n
        while remaining:
            wait = self._left(deadline, self.read_timeout, '%s arrived' % what, accepted)
            sock.settimeout(wait)
            try:
                chunk = sock.recv(min(remaining, 1 << 20))
            except socket.timeout:
                raise SmapiTimeout('timed out waiting for the %s: nothing came for %gs' % (what, round(wait, 1)),
                                   self.host, self.port, accepted=accepted)
            except (OSError, ssl.SSLError) as e:
                raise SmapiConnectionError('connection failed while reading the %s: %s' % (what, _reason(e)),
                                           self.host, self.port, accepted=accepted)
            if not chunk:
                if accepted:
                    raise SmapiProtocolError('SMAPI server %s:%s closed the connection after %d of %d bytes of '
                                             'the %s' % (self.host, self.port, n - remaining, n, what))
                raise SmapiConnectionError('SMAPI server closed the connection before accepting the request',
                                           self.host, self.port, accepted=False)
            chunks.append(chunk)
            remaining -= len(chunk)
        return b''.join(chunks)

    def exchange(self, request, streaming=False, timeout=None):
        """Send ``request`` (complete bytes) and return an ``Exchange``.

        ``streaming``: the server sends only the request id (event streams).
        ``timeout``: seconds the whole exchange may take (None: each wait is
        bounded by connect_timeout or read_timeout only).
        """
        deadline = None if timeout is None else self.clock() + timeout
        sock = self._connect(deadline)
        try:
            try:
                sock.settimeout(self._left(deadline, self.read_timeout, 'request was sent'))
                sock.sendall(request)
            except socket.timeout:
                raise SmapiTimeout('timed out sending the request', self.host, self.port)
            except (OSError, ssl.SSLError) as e:
                raise SmapiConnectionError('connection failed while sending the request: %s' % _reason(e),
                                           self.host, self.port)
            head = self._recv_exact(sock, 4, 'request id', False, deadline)
            request_id = struct.unpack('>i', head)[0]
            if streaming:
                return Exchange(request_id, head)
            length_raw = self._recv_exact(sock, 4, 'reply length', True, deadline)
            length = struct.unpack('>i', length_raw)[0]
            if length < 12 or length > MAX_REPLY:
                raise SmapiProtocolError('garbled SMAPI reply from %s:%s: output length %d is not valid'
                                         % (self.host, self.port, length))
            body = self._recv_exact(sock, length, 'reply', True, deadline)
            framed_id = struct.unpack('>i', body[:4])[0]
            if framed_id != request_id:
                raise SmapiProtocolError('garbled SMAPI reply from %s:%s: request id %d in the reply, %d expected'
                                         % (self.host, self.port, framed_id, request_id))
            return Exchange(request_id, head + length_raw + body)
        finally:
            try:
                sock.close()
            except OSError:
                pass


def _reason(exc):
    text = getattr(exc, 'strerror', None) or getattr(exc, 'reason', None) or str(exc)
    return str(text)
