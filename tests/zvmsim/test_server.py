# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator's server core: framing, authentication, authorization,
syntax errors, unimplemented functions, the request log, fault injection,
latency, request ids, TLS, restarts and a kill -9 in the middle of a write."""

import json
import os
import socket
import struct
import subprocess
import sys
import threading
import time

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.smapi import layouts
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.client import SmapiClient
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.errors import (
    SmapiConnectionError, SmapiProtocolError, SmapiRequestError,
)

from zvmsim import requestlog
from zvmsim.testing import ROOT, SimServer

from .conftest import exchange


def raw_request(function, userid='MAINT', password='MAINT', target='MAINT', tail=b''):
    def s(text):
        raw = text.encode()
        return struct.pack('>i', len(raw)) + raw
    body = s(function) + s(userid) + s(password) + (s(target) if target is not None else b'') + tail
    return struct.pack('>i', len(body)) + body


def rc_rs(raw):
    return struct.unpack('>ii', raw[12:20])


# -- protocol ------------------------------------------------------------------------

def test_reply_starts_with_the_request_id_and_ids_increase(sim):
    first = exchange(sim, raw_request('Check_Authentication', target=None))
    second = exchange(sim, raw_request('Check_Authentication', target=None))
    rid1, length, rid1b = struct.unpack('>iii', first[:12])
    rid2 = struct.unpack('>i', second[:4])[0]
    assert rid1 == rid1b and rid2 == rid1 + 1
    assert length == len(first) - 8 == 12
    assert rc_rs(first) == (0, 0)


def test_check_authentication_accepts_both_request_forms(sim):
    assert rc_rs(exchange(sim, raw_request('Check_Authentication', target=None))) == (0, 0)
    assert rc_rs(exchange(sim, raw_request('Check_Authentication', target=''))) == (0, 0)


@pytest.mark.parametrize('userid,password', [('MAINT', 'WRONG'), ('NOBODY', 'MAINT'), ('', '')])
def test_bad_credentials_answer_120_0(sim, userid, password):
    assert rc_rs(exchange(sim, raw_request('Check_Authentication', userid, password, None))) == (120, 0)


def test_passwords_are_case_insensitive_by_default(sim):
    assert rc_rs(exchange(sim, raw_request('Check_Authentication', 'maint', 'maint', None))) == (0, 0)


def test_unauthorized_call_answers_100_16(smapi):
    # OPERATOR may only use Image_* functions on LINUX* targets
    reply = smapi('Image_Name_Query_DM', 'MAINT', userid='OPERATOR', password='OPERATOR')
    assert (reply['return_code'], reply['reason_code']) == (100, 16)


def test_unknown_function_answers_900_12(sim):
    assert rc_rs(exchange(sim, raw_request('No_Such_Function'))) == (900, 12)


def test_function_without_a_handler_answers_900_12(sim, captures_dir):
    """Captured requests of functions the simulator does not model get 900/12."""
    import base64
    import glob
    captures = captures_dir
    unmodelled = []
    for path in sorted(glob.glob(os.path.join(captures, '*.json'))):
        with open(path) as fh:
            cap = json.load(fh)
        if cap['function'] not in sim.handlers and not layouts.get(cap['function']).streaming:
            unmodelled.append(base64.b64decode(cap['request_b64']))
    assert unmodelled, 'expected captures of functions the simulator does not model'
    for data in unmodelled:
        assert rc_rs(exchange(sim, data)) == (900, 12)


def test_total_length_mismatch_answers_900_20(sim):
    data = raw_request('Check_Authentication', target=None)
    bad = struct.pack('>i', len(data) + 10) + data[4:]    # claims more than it sends
    server_end, client_end = socket.socketpair()
    worker = threading.Thread(target=sim.serve_connection, args=(server_end, 'test'))
    worker.start()
    client_end.sendall(bad)
    client_end.shutdown(socket.SHUT_WR)
    worker.join(10)
    server_end.close()
    got = client_end.recv(100)
    client_end.close()
    assert got == b''    # closed without a reply: the request never completed


def test_syntax_error_names_the_parameter(sim):
    # Query_Asynchronous_Operation_DM takes an int4; send 2 bytes instead
    reply = exchange(sim, raw_request('Query_Asynchronous_Operation_DM', tail=b'\x00\x01'))
    rc, rs = rc_rs(reply)
    assert rc == 24 and rs // 100 == 5


def test_request_log_records_calls_without_passwords(sim, smapi):
    smapi('Check_Authentication')
    smapi('Check_Authentication', password='WRONG')
    entries = requestlog.entries(sim.state_dir)
    assert [(e['function'], e['rc'], e['user']) for e in entries[-2:]] == [
        ('Check_Authentication', 0, 'MAINT'), ('Check_Authentication', 120, 'MAINT')]
    with open(os.path.join(sim.state_dir, requestlog.LOG_NAME)) as fh:
        text = fh.read()
    assert 'WRONG' not in text and '"MAINT"' in text
    assert set(entries[-1]) >= {'time', 'function', 'target', 'user', 'rc', 'rs', 'ms', 'seq', 'write'}


def test_latency_profile_delays_replies(make_sim):
    slept = []
    sim = make_sim({'latency': {'profile': 'realistic'}})
    sim.sleep = slept.append
    exchange(sim, raw_request('Check_Authentication', target=None))
    assert slept == [0.05]


# -- faults (through a real server) -----------------------------------------------------------

@pytest.fixture(scope='module')
def server():
    with SimServer() as srv:
        yield srv


def client(srv, **kw):
    kw.setdefault('retries', 0)
    kw.setdefault('sleep', lambda s: None)
    return SmapiClient('127.0.0.1', 'MAINT', 'MAINT', port=srv.port, **kw)


def test_fault_rc_on_every_nth_call(server):
    server.clear_faults()
    server.fault('Check_Authentication', 'rc', rc=500, rs=8, every=2)
    c = client(server)
    try:
        c.call('Check_Authentication')
        with pytest.raises(SmapiRequestError, match='RC 500 RS 8'):
            c.call('Check_Authentication')
        c.call('Check_Authentication')
    finally:
        server.clear_faults()


def test_fault_close_before_id_is_retried_by_the_client(server):
    server.clear_faults()
    server.fault('Check_Authentication', 'close_before_id', times=1)
    try:
        reply = client(server, retries=2).call('Check_Authentication')
    finally:
        server.clear_faults()
    assert reply['return_code'] == 0


def test_fault_close_after_id_is_not_retried_for_writes(server):
    server.clear_faults()
    server.fault('Image_Lock_DM', 'close_after_id', times=1)
    mark = server.mark()
    try:
        with pytest.raises((SmapiProtocolError, SmapiConnectionError), match='not sent again'):
            client(server, retries=3).call('Image_Lock_DM', 'LINUX01', device_address='')
    finally:
        server.clear_faults()
    assert len(server.calls(since=mark, function='Image_Lock_DM')) == 1


def test_fault_slow_reply(server):
    server.clear_faults()
    server.fault('Check_Authentication', 'slow', delay=0.4, times=1)
    try:
        started = time.monotonic()
        client(server).call('Check_Authentication')
        assert time.monotonic() - started >= 0.4
    finally:
        server.clear_faults()


def test_many_concurrent_connections(server):
    errors = []

    def worker():
        try:
            for _i in range(10):
                client(server).call('Check_Authentication')
        except Exception as e:  # pylint: disable=broad-except
            errors.append(e)
    threads = [threading.Thread(target=worker) for _i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors


def test_cli_log_and_dump(server):
    client(server).call('Check_Authentication')
    out = subprocess.run([sys.executable, '-m', 'zvmsim', 'log', '--state-dir', server.state_dir, '--count',
                          '--function', 'Check_Authentication'], cwd=ROOT, check=True, capture_output=True,
                         text=True).stdout
    assert int(out) >= 1
    dump = subprocess.run([sys.executable, '-m', 'zvmsim', 'dump', '--state-dir', server.state_dir, '--json'],
                          cwd=ROOT, check=True, capture_output=True, text=True).stdout
    assert 'LINUX01' in json.loads(dump)['directory']


def test_tls_from_the_first_byte(tmp_path):
    from tests.unit.plugins.module_utils.fake_smapi import make_ca_and_server_cert
    ca, cert, key = make_ca_and_server_cert(str(tmp_path))
    with SimServer(tls_cert=cert, tls_key=key) as srv:
        reply = SmapiClient('127.0.0.1', 'MAINT', 'MAINT', port=srv.port, tls=True, ca_path=ca).call(
            'Check_Authentication')
        assert reply['return_code'] == 0
        with pytest.raises(SmapiConnectionError):
            SmapiClient('127.0.0.1', 'MAINT', 'MAINT', port=srv.port, retries=0).call('Check_Authentication')


# -- durability ------------------------------------------------------------------------------------

NEW_GUEST = ['USER NEWGST1 LBYONLY 1G 2G G', 'INCLUDE IBMDFLT', 'CPU 00 BASE', 'IPL CMS']


def test_state_survives_a_restart(tmp_path):
    srv = SimServer(state_dir=str(tmp_path)).start()
    try:
        client(srv).call('Image_Create_DM', 'NEWGST1', image_record_array=NEW_GUEST)
        client(srv).call('Check_Authentication')      # the last id before the restart is a query's
        before_ids = [e['request_id'] for e in srv.calls()]
        srv.restart()
        reply = client(srv).call('Image_Query_DM', 'NEWGST1')
        assert reply['image_record_array'][0].startswith('USER NEWGST1 LBYONLY 1G 2G G')
        assert reply['request_id'] > max(before_ids), 'request ids must keep increasing across restarts'
    finally:
        srv.stop()


def test_kill_during_a_write_leaves_consistent_state(tmp_path):
    srv = SimServer(state_dir=str(tmp_path)).start()
    try:
        client(srv).call('Image_Create_DM', 'NEWGST1', image_record_array=NEW_GUEST)
        srv.fault('Image_Create_DM', 'stall_in_tx', delay=30)
        before = srv.dump()
        failure = []

        def doomed():
            try:
                client(srv, timeout=60).call('Image_Create_DM', 'NEWGST2',
                                             image_record_array=[r.replace('NEWGST1', 'NEWGST2') for r in NEW_GUEST])
            except Exception as e:  # pylint: disable=broad-except
                failure.append(e)
        t = threading.Thread(target=doomed)
        t.start()
        time.sleep(1.0)     # the request is accepted and stalled inside its transaction
        srv.kill()
        t.join(30)
        assert failure, 'the interrupted request must fail on the client side'
        srv.clear_faults()
        srv.start()
        after = srv.dump()
        assert 'NEWGST2' not in after['directory'] and 'NEWGST1' in after['directory']
        assert after['directory'] == before['directory']
        assert after['extents'] == before['extents']
        store = srv.store()
        with store.transaction() as tx:
            assert tx.conn.execute('PRAGMA integrity_check').fetchone()[0] == 'ok'
        store.close()
        client(srv).call('Image_Create_DM', 'NEWGST2',
                         image_record_array=[r.replace('NEWGST1', 'NEWGST2') for r in NEW_GUEST])
    finally:
        srv.stop()
