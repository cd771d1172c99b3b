# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures for the simulator's tests.

``sim`` is an in-process simulator on a fresh state directory with the
default system; ``make_sim(overrides)`` builds one from a config merged over
the default.  ``smapi`` (or ``smapi_for(sim)``) sends a real request through
the simulator's connection handler over a socket pair and returns the
decoded reply, so every test exercises the wire format both ways:

    reply = smapi('Image_Query_DM', 'LINUX01')
    assert reply['return_code'] == 0
    reply = smapi('Image_Lock_DM', 'LINUX01', device_address='', userid='OPERATOR', password='OPERATOR')

The captures of a real system (``captures_dir()`` of tests/conftest.py:
$SMAPI_CAPTURES, else shared/smapi/captures next to the project; a test
that reads them requests the ``captures_dir`` fixture, which fails it when
the directory is missing) are replayed verbatim:
``capture_names(functions)`` lists the captures of some functions (the
names are the file names without ``.json``, e.g. ``Image_Query_DM.1``),
``load_capture(name)`` reads one and ``send_capture(sim, name, before)``
sends its request_b64 bytes through the simulator, after the steps that
bring it to the state the real system was in, and returns the decoded
reply, the raw reply and the captured response:

    reply, raw, response = send_capture(sim, 'Image_CPU_Query_DM.1', before=[
        'Image_Lock_DM.1', ('Image_CPU_Define_DM', 'GT@PONG', {'cpu_address': '00', ...})])
"""

import base64
import json
import os
import socket
import struct
import threading

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.smapi import codec, layouts

from zvmsim import config as simconfig
from zvmsim.server import Simulator


class FakeClock:
    """A clock tests can move forward (soft stops, CPU time...)."""

    def __init__(self, start=1800000000.0):
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


def exchange(sim, data):
    """Send raw request bytes through sim.serve_connection; return the raw
    reply bytes (request id first)."""
    server_end, client_end = socket.socketpair()

    def serve():
        try:
            sim.serve_connection(server_end, 'test')
        finally:
            server_end.close()     # as the server does after each request
    worker = threading.Thread(target=serve)
    worker.start()
    try:
        client_end.sendall(data)
        chunks = []
        while True:
            chunk = client_end.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        worker.join(30)
        client_end.close()
    return b''.join(chunks)


def smapi_for(sim):
    def call(function, target=None, userid='MAINT', password='MAINT', validate=True, **params):
        layout = layouts.get(function)
        if target is None and layout.target:
            target = userid
        data = codec.encode_request(layout, userid, password, target, params, validate=validate)
        raw = exchange(sim, data)
        if len(raw) < 4:
            raise AssertionError('no reply (connection closed); raw=%r' % raw)
        reply = codec.decode_response(layout, raw)
        assert codec.reencode_response(layout, reply) == raw, 'reply does not re-encode byte for byte'
        return reply
    return call


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def make_sim(tmp_path, clock):
    made = []

    def make(overrides=None, state_dir=None):
        config = simconfig.merge(simconfig.load(), overrides or {})
        simconfig.check(config)
        sim = Simulator(config, str(state_dir or tmp_path / ('state%d' % len(made))), clock=clock,
                        sleep=lambda s: None)
        made.append(sim)
        return sim
    yield make
    for sim in made:
        sim.store.close()


@pytest.fixture
def sim(make_sim):
    return make_sim()


@pytest.fixture
def smapi(sim):
    return smapi_for(sim)


def header_only(rc, rs):
    return struct.pack('>iiii', 12, 0, rc, rs)


# the captures directory as tests/conftest.py names it for every test (captures_dir is re-exported)
from tests.conftest import capture_files, captures_dir  # noqa: E402,F401  pylint: disable=wrong-import-position


def capture_names(functions):
    """The names of the captures of ``functions`` (``Function.N``), function
    by function, each function's sorted.  When the captures directory is
    missing: ['captures-missing'], for a test that requests the
    ``captures_dir`` fixture to fail in (see tests/conftest.py)."""
    return [os.path.basename(path)[:-len('.json')] for path in capture_files([f + '.*' for f in functions])]


def load_capture(name):
    """Capture ``name``: its JSON document, request bytes and response bytes."""
    with open(os.path.join(captures_dir(), name + '.json'), encoding='utf-8') as fh:
        doc = json.load(fh)
    return doc, base64.b64decode(doc['request_b64']), base64.b64decode(doc['response_b64'])


def send_capture(sim, name, before=()):
    """Send capture ``name``'s request bytes verbatim through ``sim``; return
    the decoded reply (which must re-encode byte for byte), the raw reply and
    the captured response.

    The steps ``before`` first bring ``sim`` to the state the real system was
    in, each of which must answer 0/0: a callable is called with ``sim``, a
    string is a capture to send and a ``(function, target, params)`` tuple a
    request to make."""
    smapi = smapi_for(sim)
    for step in before:
        if callable(step):
            step(sim)
            continue
        if isinstance(step, str):
            reply = send_capture(sim, step)[0]
        else:
            function, target, params = step
            reply = smapi(function, target, **params)
        assert (reply['return_code'], reply['reason_code']) == (0, 0), step
    doc, request, response = load_capture(name)
    layout = layouts.get(doc['function'])
    raw = exchange(sim, request)
    reply = codec.decode_response(layout, raw)
    assert codec.reencode_response(layout, reply) == raw
    return reply, raw, response
