# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Transport and client behaviour against a scripted SMAPI server: framing,
partial reads, TLS, timeouts, garbled replies, RC 592 polling, the retry
policy and validation before sending."""

import socket
import struct

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.smapi import client as smapi_client
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.codec import ValidationError
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.errors import (
    SmapiAsyncTimeout, SmapiConnectionError, SmapiProtocolError, SmapiRequestError, SmapiTimeout,
)

from .fake_smapi import Act, FakeSmapi, make_ca_and_server_cert, server_tls_context


def make_client(port, **kw):
    kw.setdefault('sleep', lambda s: None)
    kw.setdefault('async_poll', 0)
    kw.setdefault('timeout', 2)
    return smapi_client.SmapiClient('127.0.0.1', 'MAINT', 'SECRET', port=port, **kw)


def names_reply(*names):
    return Act.reply(0, 0, {'image_name_array': list(names)})


# -- framing ----------------------------------------------------------------------

def test_request_bytes_and_decoded_reply():
    with FakeSmapi(lambda n, req: names_reply('LINUX01', 'LINUX02')) as srv:
        reply = make_client(srv.port).call('Image_Name_Query_DM', 'MAINT')
    assert reply['image_name_array'] == ['LINUX01', 'LINUX02']
    assert reply['return_code'] == 0
    req = srv.requests[0]
    assert (req['function'], req['userid'], req['password'], req['target']) == \
        ('Image_Name_Query_DM', 'MAINT', 'SECRET', 'MAINT')


def test_partial_reads_one_byte_at_a_time():
    with FakeSmapi(lambda n, req: Act.reply(0, 0, {'image_name_array': ['A' * 8] * 50}, chunk=1)) as srv:
        reply = make_client(srv.port).call('Image_Name_Query_DM')
    assert len(reply['image_name_array']) == 50


def test_connection_closed_mid_reply_is_a_protocol_error_not_a_hang():
    full = struct.pack('>iiiii', 7, 100, 7, 0, 0)   # promises 100 bytes, sends 12
    with FakeSmapi(lambda n, req: Act.raw(full)) as srv:
        with pytest.raises(SmapiProtocolError, match='closed the connection'):
            make_client(srv.port, retries=0).call('Image_Lock_DM', 'LINUX01', device_address='')


@pytest.mark.parametrize('length', [-5, 3, 1 << 30])
def test_garbled_length_is_rejected(length):
    data = struct.pack('>ii', 7, length) + b'\x00' * 16
    with FakeSmapi(lambda n, req: Act.raw(data)) as srv:
        with pytest.raises(SmapiProtocolError, match='garbled'):
            make_client(srv.port, retries=0).call('Image_Lock_DM', 'LINUX01', device_address='')


def test_request_id_mismatch_is_garbled():
    data = struct.pack('>iiiii', 7, 12, 8, 0, 0)
    with FakeSmapi(lambda n, req: Act.raw(data)) as srv:
        with pytest.raises(SmapiProtocolError, match='request id 8'):
            make_client(srv.port, retries=0).call('Image_Lock_DM', 'LINUX01', device_address='')


def test_undecodable_output_is_a_protocol_error():
    # Image_Name_Query_DM output claims an array longer than the data
    data = struct.pack('>iiiiii', 7, 16, 7, 0, 0, 99)
    with FakeSmapi(lambda n, req: Act.raw(data)) as srv:
        with pytest.raises(SmapiProtocolError, match='cannot decode'):
            make_client(srv.port, retries=0).call('Image_Name_Query_DM')


# -- timeouts -----------------------------------------------------------------------

def test_read_timeout_on_a_write_is_not_resent():
    with FakeSmapi(lambda n, req: Act.id_then_stall(1.5)) as srv:
        with pytest.raises(SmapiTimeout) as info:
            make_client(srv.port, timeout=0.3).call('Image_Lock_DM', 'LINUX01', device_address='')
    assert info.value.accepted
    assert 'not sent again' in str(info.value)
    assert srv.connections == 1


def test_read_timeout_on_a_query_is_retried():
    def script(n, req):
        return Act.id_then_stall(1.0) if n == 0 else names_reply('X')
    with FakeSmapi(script) as srv:
        reply = make_client(srv.port, timeout=5, read_timeout=0.3).call('Image_Name_Query_DM')
    assert reply['image_name_array'] == ['X']
    assert srv.connections == 2


def test_connect_timeout():
    # a listening socket whose backlog is full never completes the handshake
    # on Linux; an unroutable address is not available offline, so use a
    # socket that never accepts and a tiny timeout instead
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    try:
        with pytest.raises(SmapiConnectionError):
            make_client(port, connect_timeout=0.2, retries=0).call('Image_Name_Query_DM')
    finally:
        sock.close()


# -- retry policy -----------------------------------------------------------------------

def test_closed_before_request_id_is_retried_then_succeeds():
    def script(n, req):
        return Act.close() if n < 2 else names_reply('OK')
    with FakeSmapi(script) as srv:
        reply = make_client(srv.port).call('Image_Lock_DM', 'LINUX01', device_address='')
    assert srv.connections == 3
    assert reply['return_code'] == 0


def test_retries_are_bounded():
    delays = []
    with FakeSmapi(lambda n, req: Act.close()) as srv:
        with pytest.raises(SmapiConnectionError, match='before accepting'):
            make_client(srv.port, retries=3, sleep=delays.append).call('Image_Name_Query_DM')
    assert srv.connections == 4
    assert len(delays) == 3
    # jittered exponential backoff: each delay lies in [ceiling/2, ceiling]
    for attempt, delay in enumerate(delays):
        ceiling = min(8.0, 0.5 * 2 ** attempt)
        assert ceiling / 2 <= delay <= ceiling


def test_connection_refused_is_retried():
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()    # nothing listens there now
    delays = []
    with pytest.raises(SmapiConnectionError, match='cannot connect'):
        make_client(port, retries=2, sleep=delays.append).call('Image_Name_Query_DM')
    assert len(delays) == 2


def test_id_then_close_on_a_write_is_not_resent():
    with FakeSmapi(lambda n, req: Act.id_then_close()) as srv:
        with pytest.raises(SmapiProtocolError, match='not sent again'):
            make_client(srv.port).call('Image_Lock_DM', 'LINUX01', device_address='')
    assert srv.connections == 1


@pytest.mark.parametrize('rc,rs', [(500, 8), (900, 99)])
def test_transient_codes_are_retried(rc, rs):
    def script(n, req):
        return Act.reply(rc, rs) if n == 0 else Act.reply(0, 0)
    with FakeSmapi(script) as srv:
        make_client(srv.port).call('Image_Lock_DM', 'LINUX01', device_address='')
    assert srv.connections == 2


def test_failing_code_is_not_retried_and_explains_itself():
    with FakeSmapi(lambda n, req: Act.reply(400, 8)) as srv:
        with pytest.raises(SmapiRequestError) as info:
            make_client(srv.port).call('Image_Create_DM', 'LINUX01', image_record_array=['USER LINUX01 X 1G 1G G'])
    assert srv.connections == 1
    err = info.value
    assert (err.function, err.target, err.rc, err.rs) == ('Image_Create_DM', 'LINUX01', 400, 8)
    assert str(err) == 'Image_Create_DM on LINUX01 failed: RC 400 RS 8: Image name already defined'


def test_rc24_names_the_parameter():
    # RC 24 RS pprr: parameters 1-4 are the header, Image_Lock_DM's first own
    # parameter (device_address) is 5; reason 13 means too long
    with FakeSmapi(lambda n, req: Act.reply(24, 513)) as srv:
        with pytest.raises(SmapiRequestError) as info:
            make_client(srv.port).call('Image_Lock_DM', 'LINUX01', device_address='')
    assert info.value.parameter == 'device_address'
    assert info.value.problem == 'too long'
    assert str(info.value) == ('Image_Lock_DM on LINUX01 failed: RC 24 RS 513: '
                               'syntax error in device_address: too long')


def test_allowed_codes_do_not_raise():
    with FakeSmapi(lambda n, req: Act.reply(200, 8)) as srv:
        reply = make_client(srv.port).call('Image_Activate', 'LINUX01', ok=[(200, 8)])
    assert (reply['return_code'], reply['reason_code']) == (200, 8)


# -- asynchronous operations ------------------------------------------------------------

def _async_script(statuses):
    statuses = list(statuses)

    def script(n, req):
        if req['function'] == 'Query_Asynchronous_Operation_DM':
            assert req['params']['operation_id'] == 77
            return Act.reply(0, statuses.pop(0))
        return Act.reply(592, 0, {'operation_id': 77})
    return script


def test_rc592_is_polled_until_done():
    with FakeSmapi(_async_script([104, 104, 100])) as srv:
        reply = make_client(srv.port).call('Image_Delete_DM', 'LINUX01', data_security_erase=0)
    assert reply['return_code'] == 0 and reply['operation_id'] == 77
    assert [r['function'] for r in srv.requests] == ['Image_Delete_DM'] + ['Query_Asynchronous_Operation_DM'] * 3


def test_rc592_failure_is_reported():
    with FakeSmapi(_async_script([104, 108])) as srv:
        with pytest.raises(SmapiRequestError, match='asynchronous operation 77 failed'):
            make_client(srv.port).call('Image_Delete_DM', 'LINUX01', data_security_erase=0)


def test_rc592_gives_up_after_the_async_timeout():
    now = [0.0]

    def sleep(seconds):
        now[0] += max(seconds, 1.0)
    with FakeSmapi(_async_script([104] * 20)) as srv:
        with pytest.raises(SmapiAsyncTimeout, match='operation 77 still running'):
            make_client(srv.port, async_timeout=5, sleep=sleep, clock=lambda: now[0]).call(
                'Image_Delete_DM', 'LINUX01', data_security_erase=0)


# -- validation --------------------------------------------------------------------------

@pytest.mark.parametrize('params,problem', [
    ({'image_record_array': ['USER X'], 'prototype_name': 'TOOLONGNAME'}, 'too long'),
    ({'image_record_array': ['USER X'], 'prototype_name': 'BAD NAME'}, 'not allowed'),
    ({'image_record_array': ['USER X'], 'initial_password': 'A\x01B'}, 'not allowed'),
    ({'image_record_array': ['USER X'], 'bogus': 1}, 'not a parameter'),
])
def test_validation_errors_send_nothing(params, problem):
    with FakeSmapi(lambda n, req: Act.reply()) as srv:
        with pytest.raises(ValidationError) as info:
            make_client(srv.port).request('Image_Create_DM', 'LINUX01', params)
    assert srv.connections == 0
    assert info.value.function == 'Image_Create_DM'
    assert problem in str(info.value)


def test_missing_required_parameter_sends_nothing():
    with FakeSmapi(lambda n, req: Act.reply()) as srv:
        with pytest.raises(ValidationError, match="'image_device_number' is required"):
            make_client(srv.port).request('Virtual_Network_Adapter_Query', 'LINUX01', {})
    assert srv.connections == 0


def test_secret_values_are_not_echoed_in_validation_errors():
    with pytest.raises(ValidationError) as info:
        make_client(1).request('Image_Create_DM', 'LINUX01',
                               {'image_record_array': ['USER X'], 'initial_password': 'x' * 201})
    assert 'xxxx' not in str(info.value)


# -- TLS ------------------------------------------------------------------------------------

@pytest.fixture(scope='module')
def pki(tmp_path_factory):
    return make_ca_and_server_cert(str(tmp_path_factory.mktemp('pki')))


def test_tls_verified_against_a_given_ca(pki):
    ca, cert, key = pki
    with FakeSmapi(lambda n, req: names_reply('SECURE'), tls_context=server_tls_context(cert, key)) as srv:
        reply = make_client(srv.port, tls=True, ca_path=ca).call('Image_Name_Query_DM')
    assert reply['image_name_array'] == ['SECURE']


def test_tls_untrusted_certificate_is_refused_by_default(pki):
    ca, cert, key = pki
    with FakeSmapi(lambda n, req: names_reply('SECURE'), tls_context=server_tls_context(cert, key)) as srv:
        with pytest.raises(SmapiConnectionError, match='not trusted'):
            make_client(srv.port, tls=True, retries=3).call('Image_Name_Query_DM')
    assert srv.requests == []
    assert srv.connections == 1     # never retried


def test_tls_verification_can_be_turned_off_explicitly(pki):
    ca, cert, key = pki
    with FakeSmapi(lambda n, req: names_reply('SECURE'), tls_context=server_tls_context(cert, key)) as srv:
        reply = make_client(srv.port, tls=True, verify=False).call('Image_Name_Query_DM')
    assert reply['image_name_array'] == ['SECURE']


def test_history_records_each_request_without_passwords():
    with FakeSmapi(lambda n, req: names_reply('A')) as srv:
        c = make_client(srv.port)
        c.call('Image_Name_Query_DM')
        c.call('Image_Name_Query_DM')
    assert c.call_count() == 2
    assert 'SECRET' not in repr(c.history)


# -- secrets in validation errors (issue 16, bug 6) ----------------------------------------------------

USER_RECORD = 'USER LINUX01 PA\u200bSS1 1G 1G G'


@pytest.mark.parametrize('function, params', [
    ('Image_Replace_DM', {'image_record_array': ['* a comment', USER_RECORD]}),
    ('Image_Create_DM', {'image_record_array': [USER_RECORD]}),
    ('Image_Create_DM', {'image_record_array': ['USER LINUX01 XX'], 'initial_password': 'PA\u200bSS1'}),
    ('Image_Replace_DM', {'image_record_array': ['USER LINUX01 SECRET1 1G 1G G' + ' ' * 60]}),
    ('Image_Replace_DM', {'image_record_array': ['USER LINUX01 SEC\x01RET1 1G 1G G']}),
])
def test_a_record_or_secret_is_never_quoted_in_a_validation_error(function, params):
    """Regression: a password with a zero-width space made the codec quote
    the whole USER record with repr(), as 'parameter None contains
    characters outside ISO-8859-15: ...'."""
    with FakeSmapi(lambda n, req: Act.reply()) as srv:
        with pytest.raises(ValidationError) as info:
            make_client(srv.port).request(function, 'LINUX01', params)
    assert srv.connections == 0
    msg = str(info.value)
    assert 'SS1' not in msg and 'SECRET' not in msg and 'RET1' not in msg and '\\u200b' not in msg
    assert 'parameter None' not in msg and info.value.parameter is not None
    assert msg.startswith('%s: parameter %r' % (function, info.value.parameter))


def test_an_element_of_a_list_is_reported_under_the_list_and_its_number():
    with pytest.raises(ValidationError) as info:
        make_client(1).request('Image_Replace_DM', 'LINUX01', {'image_record_array': ['* ok', USER_RECORD]})
    assert info.value.parameter == 'image_record_array'
    assert str(info.value) == ("Image_Replace_DM: parameter 'image_record_array' (element 2) contains a character "
                               "SMAPI cannot carry (only ISO-8859-15 is; the value is not shown)")


def test_a_named_parameter_that_is_not_secret_shows_the_character_and_where():
    with pytest.raises(ValidationError) as info:
        make_client(1).request('Image_Lock_DM', 'LINUX01', {'device_address': '01\u200b'})
    assert str(info.value) == ("Image_Lock_DM: parameter 'device_address' contains '\\u200b' (U+200B) at position 3, "
                               "which SMAPI cannot carry (only ISO-8859-15)")


def test_a_password_smapi_cannot_carry_is_an_error_naming_it_not_a_traceback():
    with pytest.raises(ValidationError) as info:
        smapi_client.SmapiClient('127.0.0.1', 'MAINT', 'SE\u200bCRET', port=1).call('Image_Name_Query_DM')
    assert info.value.parameter == 'password' and 'CRET' not in str(info.value)


def test_a_directory_record_too_long_is_shown_with_its_password_masked():
    from ansible_collections.zvm.cloud.plugins.module_utils import directory
    entry = directory.DirectoryEntry.new('LINUX001', 'SECRET12', '9999999M', '9999999M',
                                         'ABCDEFGHIJKLMNOPQRSTUVWXYZ123456')
    with pytest.raises(ValueError) as info:
        entry.records()
    assert 'SECRET12' not in str(info.value) and '********' in str(info.value)
