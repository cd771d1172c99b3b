# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every captured request, sent verbatim (as maint/maint, as captured from a
real z/VM 7.1), gets a well-formed reply: the request id first, a frame
whose length matches, and an output that decodes with the function's layout
and encodes back byte for byte.  Functions zvmsim models answer their own
codes; the others answer 900/12 (function does not exist)."""

import base64
import json
import os
import struct

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.smapi import codec, layouts

from .conftest import capture_files, exchange

FILES = capture_files()     # one placeholder when the captures directory is missing

# The guests, volumes and switches the captures name.
CAPTURE_SYSTEM = {
    'dasd': [
        {'volid': 'LX0100', 'devtype': '3390', 'cylinders': 30051, 'rdev': '0100'},
        {'volid': 'LX0101', 'devtype': '3390', 'cylinders': 30051, 'rdev': '0101'},
        {'volid': 'LX0102', 'devtype': '3390', 'cylinders': 10017, 'rdev': '0102'},
        {'volid': 'LX0103', 'devtype': '3390', 'cylinders': 10017, 'rdev': '0103'},
        {'volid': 'FB0200', 'devtype': '9336', 'blocks': 8388608, 'rdev': '0200'},
        {'volid': 'FB0201', 'devtype': '9336', 'blocks': 8388608, 'rdev': '0201'},
        {'volid': 'LX3000', 'devtype': '3390', 'cylinders': 30051, 'rdev': '3000'},
        {'volid': 'LX3002', 'devtype': '3390', 'cylinders': 30051, 'rdev': '3002'},
        {'volid': 'M01RES', 'devtype': '3390', 'cylinders': 10017, 'rdev': '0123', 'system': True},
    ],
    'groups': {'POOL1': ['LX0100', 'LX0101'], 'POOL2': ['LX0102', 'LX0103'], 'FBAPOOL': ['FB0200', 'FB0201'],
               'LINUX': ['LX3000', 'LX3002']},
    'guests': [
        {'userid': 'MAINT', 'state': 'on', 'records': ['USER MAINT MAINT 256M 1G ABCDEFG', 'IPL CMS',
                                                       'MDISK 0190 3390 0200 0100 M01RES RR']},
        {'userid': 'TCPIP', 'state': 'on', 'records': ['USER TCPIP TCPIP 128M 256M ABCG', 'IPL CMS',
                                                       'MDISK 0592 3390 0300 0010 M01RES RR',
                                                       'NICDEF F000 TYPE QDIO LAN SYSTEM VSW1']},
        {'userid': 'GT@PONG', 'state': 'on', 'os': 'linux',
         'records': ['USER GT@PONG @SM8PI@ 1G 1G ABCDEFG', 'IPL CMS', 'MACHINE ESA 4',
                     'MDISK 0888 3390 1457 10 LX3002 W', 'MDISK 0777 3390 29129 1000 LX3000 W']},
        {'userid': 'GT@PING', 'state': 'on', 'os': 'linux',
         'records': ['USER GT@PING @SM8PI@ 1G 1G ABCDEFG', 'IPL CMS', 'MDISK 0777 3390 2467 1000 LX3002 W']},
        {'userid': 'LNXDEF', 'state': 'off', 'records': ['USER LNXDEF LBYONLY 1G 1G G', 'IPL CMS']},
        {'userid': 'VSMGUARD', 'state': 'on', 'records': ['USER VSMGUARD LBYONLY 128M 128M ABCG', 'IPL CMS']},
    ],
}


def _captures():
    out = []
    for path in FILES:
        if not os.path.exists(path):
            out.append((os.path.basename(path), None))     # no captures directory: the fixture fails
            continue
        with open(path) as fh:
            cap = json.load(fh)
        out.append((os.path.basename(path), cap))
    return out


CAPS = _captures()


@pytest.fixture(scope='module')
def capture_sim(tmp_path_factory):
    from zvmsim import config as simconfig
    from zvmsim.server import Simulator
    config = simconfig.merge(simconfig.load(), CAPTURE_SYSTEM)
    simconfig.check(config)
    return Simulator(config, str(tmp_path_factory.mktemp('captures')), sleep=lambda s: None)


def test_there_are_captures_of_modelled_functions(capture_sim, captures_dir):
    assert CAPS, 'no captures in %s' % captures_dir
    modelled = [name for name, cap in CAPS if cap['function'] in capture_sim.handlers]
    assert len(modelled) >= 100, modelled


@pytest.mark.usefixtures('captures_dir')
@pytest.mark.parametrize('name,cap', CAPS, ids=[n for n, _c in CAPS])
def test_captured_request_gets_a_well_formed_reply(capture_sim, name, cap):
    function = cap['function']
    layout = layouts.get(function)
    raw = exchange(capture_sim, base64.b64decode(cap['request_b64']))
    assert len(raw) >= 4, 'no request id'
    if layout.streaming and function in capture_sim.handlers:
        assert len(raw) == 4
        return
    rid, length, rid2, rc, rs = struct.unpack('>iiiii', raw[:20])
    assert rid == rid2 and length == len(raw) - 8
    reply = codec.decode_response(layout, raw)
    assert codec.reencode_response(layout, reply) == raw
    assert 'trailing' not in reply or rc != 0, 'output the layout does not describe: %r' % reply['trailing']
    if function in capture_sim.handlers:
        assert (rc, rs) != (900, 12)
    else:
        assert (rc, rs) == (900, 12)
