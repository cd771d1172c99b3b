# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every SMAPI request has one deadline (``smapi_timeout``), retries
included, and a failure says how long it waited and how often it tried.

Most tests drive the client with a scripted transport and an injected
clock, so minutes of waiting take microseconds; a few use real sockets
(the scripted server of fake_smapi.py, a server that trickles its reply,
TLS with a certificate of another CA) with deadlines of a fraction of a
second."""

import socket
import struct
import threading
import time

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils import connection
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.smapi import codec, layouts
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.client import SmapiClient
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.errors import (
    SmapiConnectionError, SmapiProtocolError, SmapiRequestError, SmapiTimeout, SmapiTlsError,
)
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.transport import Exchange, Transport

from .fake_smapi import Act, FakeSmapi, make_ca_and_server_cert, server_tls_context


class Clock:
    """A clock that only moves when something waits."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


class ScriptedTransport:
    """A transport whose attempts are ``script(n, timeout)``: each returns
    ('stall',) -- wait the whole time allowed, then time out --,
    ('refused',), ('reply', rc, rs, output) or ('slow', seconds, rc, rs)."""

    def __init__(self, clock, script, read_timeout=300.0):
        self.clock = clock
        self.script = script
        self.read_timeout = read_timeout
        self.timeouts = []      # the time each attempt was given

    def exchange(self, request, streaming=False, timeout=None):
        n = len(self.timeouts)
        self.timeouts.append(timeout)
        # before the deadline existed an attempt was bounded by the read timeout only
        allowed = self.read_timeout if timeout is None else min(timeout, self.read_timeout)
        step = self.script(n, allowed)
        function = codec.read_header(request)[0]
        if step[0] == 'stall':
            self.clock.now += allowed
            raise SmapiTimeout('timed out waiting for the reply length', 'zvm1', 44444, accepted=True)
        if step[0] == 'refused':
            raise SmapiConnectionError('cannot connect to the SMAPI server: Connection refused', 'zvm1', 44444)
        if step[0] == 'slow':
            self.clock.now += step[1]
            step = ('reply',) + step[2:]
        rc, rs = step[1], step[2]
        data = codec.encode_response(layouts.get(function), 7, rc, rs, step[3] if len(step) > 3 else {})
        return Exchange(7, data)


def client(script, clock=None, **kw):
    clock = clock or Clock()
    transport = ScriptedTransport(clock, script, read_timeout=kw.pop('read_timeout', 300.0))
    c = SmapiClient('zvm1', 'MAINT', 'SECRET', transport=transport, sleep=clock.sleep, clock=clock, **kw)
    return c, transport, clock


# -- the deadline ------------------------------------------------------------------------------

def test_a_server_that_accepts_and_never_answers_holds_a_query_only_until_the_deadline():
    """Regression: smapi_timeout applied per attempt and a query was retried 3
    times, so a stalled server held a task 4 x 300 s, twenty minutes."""
    c, transport, clock = client(lambda n, allowed: ('stall',))
    with pytest.raises(SmapiTimeout) as info:
        c.call('Image_Name_Query_DM')
    assert clock.now <= 300.0
    assert info.value.attempts == 1 and info.value.waited == pytest.approx(300.0)
    assert transport.timeouts == [300.0]
    msg = str(info.value)
    assert 'gave up on Image_Name_Query_DM on MAINT after 1 attempt in 300.0 seconds in all' in msg
    assert 'smapi_timeout: 300 seconds per request, retries included' in msg
    assert '\n' not in msg


def test_a_stalled_write_is_not_sent_again_and_says_how_long_it_waited():
    c, transport, clock = client(lambda n, allowed: ('stall',), timeout=120)
    with pytest.raises(SmapiTimeout) as info:
        c.call('Image_Lock_DM', 'LINUX01', device_address='')
    assert len(transport.timeouts) == 1 and clock.now == pytest.approx(120.0)
    msg = str(info.value)
    assert msg.startswith('Image_Lock_DM on LINUX01: timed out waiting for the reply length')
    assert 'so it was not sent again' in msg and 'after 1 attempt in 120.0 seconds in all' in msg


def test_retries_happen_only_within_the_deadline():
    """With a read timeout shorter than the deadline a stalled query is
    retried, but never past the deadline, and each attempt gets only the
    time that is left."""
    c, transport, clock = client(lambda n, allowed: ('stall',), timeout=100, read_timeout=40, retries=10)
    with pytest.raises(SmapiTimeout) as info:
        c.call('Image_Name_Query_DM')
    assert clock.now <= 100.0
    attempts = len(transport.timeouts)
    assert 1 < attempts == info.value.attempts
    assert transport.timeouts[0] == 100.0 and all(b < a for a, b in zip(transport.timeouts, transport.timeouts[1:]))
    assert '%d attempts in %.1f seconds in all' % (attempts, clock.now) in str(info.value)


def test_connection_failures_are_retried_within_the_deadline_then_reported_with_the_count():
    c, transport, clock = client(lambda n, allowed: ('refused',), timeout=3, retries=50, backoff=0.5,
                                 max_backoff=1.0)
    with pytest.raises(SmapiConnectionError) as info:
        c.call('Image_Name_Query_DM')
    attempts = len(transport.timeouts)
    assert attempts > 3 and clock.now < 3.0
    assert str(info.value).startswith('cannot connect to the SMAPI server: Connection refused (zvm1:44444); '
                                      'gave up on Image_Name_Query_DM on MAINT after %d attempts' % attempts)


def test_busy_directory_manager_is_retried_within_the_deadline():
    c, transport, clock = client(lambda n, allowed: ('slow', 2.0, 500, 8), timeout=10, retries=20)
    with pytest.raises(SmapiRequestError) as info:
        c.call('Image_Lock_DM', 'LINUX01', device_address='')
    assert clock.now <= 10.0 + 2.0      # the last attempt began before the deadline
    assert (info.value.rc, info.value.rs) == (500, 8)
    assert '%d attempts in' % len(transport.timeouts) in str(info.value)


def test_a_reply_within_the_deadline_is_returned():
    answer = ('reply', 0, 0, {'image_name_array': ['A']})
    c, transport, clock = client(lambda n, allowed: ('stall',) if n == 0 else answer, timeout=60, read_timeout=10)
    assert c.call('Image_Name_Query_DM')['image_name_array'] == ['A']
    assert transport.timeouts[0] == 60 and transport.timeouts[1] < 50


def test_the_timeout_must_be_positive():
    with pytest.raises(ValueError, match='timeout'):
        SmapiClient('zvm1', 'MAINT', 'X', timeout=0)


@pytest.mark.parametrize('value, message', [
    (0, 'smapi_timeout: 0 is not a number of seconds from 1 to 86400'),
    (-5, 'smapi_timeout: -5 is not a number of seconds from 1 to 86400'),
    ('\u0663\u0660', "smapi_timeout: '\u0663\u0660' is not a number of seconds"),
])
def test_smapi_timeout_zero_or_odd_is_an_error_not_the_default(value, message):
    params = dict(smapi_host='zvm1', smapi_user='MAINT', smapi_password='X', smapi_timeout=value)
    with pytest.raises(InputError) as info:
        connection.client_kwargs(params)
    assert str(info.value).startswith(message)
    assert connection.client_kwargs(dict(params, smapi_timeout=None))['timeout'] == 300.0


def test_connection_settings_are_checked_and_the_password_never_shown():
    good = dict(smapi_host='zvm1.example.com', smapi_user='maint', smapi_password='S3cr\u00e9t', smapi_port=44444)
    assert connection.client_kwargs(good)['userid'] == 'MAINT'
    for key, value, field in (('smapi_user', 'ma\u0131nt', 'smapi_user'), ('smapi_host', 'zvm1\x00', 'smapi_host'),
                              ('smapi_port', 0, 'smapi_port'), ('smapi_password', 'PA\u200bSS', 'smapi_password'),
                              ('smapi_password', 'PA\nSS', 'smapi_password')):
        with pytest.raises(InputError) as info:
            connection.client_kwargs(dict(good, **{key: value}))
        assert str(info.value).startswith(field + ':')
        if key == 'smapi_password':
            assert 'PA' not in str(info.value) and 'SS' not in str(info.value)


# -- real sockets --------------------------------------------------------------------------------

def test_a_stalling_server_is_given_up_on_at_the_deadline():
    with FakeSmapi(lambda n, req: Act.id_then_stall(3)) as srv:
        started = time.monotonic()
        with pytest.raises(SmapiTimeout) as info:
            SmapiClient('127.0.0.1', 'MAINT', 'SECRET', port=srv.port, timeout=0.6, read_timeout=0.25,
                        backoff=0.01).call('Image_Name_Query_DM')
        waited = time.monotonic() - started
    assert waited < 1.5
    assert 1 < srv.connections == info.value.attempts
    assert 'gave up on Image_Name_Query_DM' in str(info.value)


class TrickleServer:
    """Answers every request with a proper reply, one byte every ``pause`` seconds."""

    def __init__(self, pause):
        self.pause = pause
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        try:
            conn, _addr = self.sock.accept()
        except OSError:
            return
        try:
            head = conn.recv(4)
            total = struct.unpack('>i', head)[0]
            got = 0
            while got < total:
                got += len(conn.recv(total - got))
            reply = codec.encode_response(layouts.get('Image_Name_Query_DM'), 9, 0, 0,
                                          {'image_name_array': ['A' * 8] * 20})
            for i in range(len(reply)):
                conn.sendall(reply[i:i + 1])
                time.sleep(self.pause)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self):
        self.sock.close()


def test_a_reply_that_trickles_in_cannot_outlast_the_deadline():
    """Each byte comes well within the read timeout, but the exchange as a
    whole is bounded."""
    server = TrickleServer(0.05)
    try:
        started = time.monotonic()
        with pytest.raises(SmapiTimeout) as info:
            Transport('127.0.0.1', server.port, read_timeout=5).exchange(b'\x00\x00\x00\x04abcd', timeout=0.5)
        assert time.monotonic() - started < 1.5
        assert 'reply' in str(info.value)
    finally:
        server.close()


@pytest.fixture(scope='module')
def two_cas(tmp_path_factory):
    """(the server's CA, its certificate and key, another CA)."""
    ca, cert, key = make_ca_and_server_cert(str(tmp_path_factory.mktemp('pki')))
    other_ca = make_ca_and_server_cert(str(tmp_path_factory.mktemp('other')))[0]
    return ca, cert, key, other_ca


def test_a_certificate_of_another_ca_is_not_retried_and_the_ca_file_is_named(two_cas):
    ca, cert, key, other_ca = two_cas
    with FakeSmapi(lambda n, req: Act.reply(), tls_context=server_tls_context(cert, key)) as srv:
        with pytest.raises(SmapiTlsError) as info:
            SmapiClient('127.0.0.1', 'MAINT', 'SECRET', port=srv.port, tls=True, ca_path=other_ca, retries=3,
                        sleep=lambda s: None).call('Image_Name_Query_DM')
        time.sleep(0.05)
    assert srv.connections == 1 and srv.requests == []
    msg = str(info.value)
    assert 'not trusted' in msg and 'the CA file %s (smapi_ca_path)' % other_ca in msg
    assert 'after 1 attempt' in msg and info.value.ca == other_ca


def test_without_a_ca_path_the_message_names_the_system_store(two_cas):
    _ca, cert, key, _other = two_cas
    with FakeSmapi(lambda n, req: Act.reply(), tls_context=server_tls_context(cert, key)) as srv:
        with pytest.raises(SmapiTlsError, match='verified against the system CA store') as info:
            SmapiClient('127.0.0.1', 'MAINT', 'SECRET', port=srv.port, tls=True, retries=3,
                        sleep=lambda s: None).call('Image_Name_Query_DM')
        time.sleep(0.05)
    assert srv.connections == 1 and info.value.attempts == 1


def test_a_missing_ca_file_is_named_and_not_retried(tmp_path):
    missing = str(tmp_path / 'nope.pem')
    with FakeSmapi(lambda n, req: Act.reply()) as srv:
        with pytest.raises(SmapiTlsError) as info:
            SmapiClient('127.0.0.1', 'MAINT', 'SECRET', port=srv.port, tls=True, ca_path=missing, retries=3,
                        sleep=lambda s: None).call('Image_Name_Query_DM')
        time.sleep(0.05)
    assert srv.connections == 1
    assert 'cannot load the CA certificates of the CA file %s' % missing in str(info.value)


def test_protocol_errors_say_what_was_tried_too():
    data = struct.pack('>iiiii', 7, 100, 7, 0, 0)
    with FakeSmapi(lambda n, req: Act.raw(data)) as srv:
        with pytest.raises(SmapiProtocolError) as info:
            SmapiClient('127.0.0.1', 'MAINT', 'SECRET', port=srv.port, retries=0).call(
                'Image_Lock_DM', 'LINUX01', device_address='')
    assert 'closed the connection' in str(info.value) and 'after 1 attempt in' in str(info.value)
