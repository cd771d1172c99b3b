# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""operations.entries.query_all: one Query_All_DM for every guest's entry,
what a refusal means (None: read the entries one by one), on a scripted
client and on the captured reply of a real z/VM."""

import base64
import json
import os

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils import directory
from ansible_collections.zvm.cloud.plugins.module_utils.operations import entries
from ansible_collections.zvm.cloud.plugins.module_utils.operations.session import Session
from ansible_collections.zvm.cloud.plugins.module_utils.smapi import codec, layouts
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.errors import SmapiRequestError


class OneReply:
    """A client that answers one call with ``reply`` (rc, rs, output), and
    treats ``ok`` as the real client does: (rc, rs) pairs or bare rcs."""

    userid = 'MAINT'
    host, port = 'test', 1

    def __init__(self, rc=0, rs=0, output=None):
        self.rc, self.rs, self.output = rc, rs, output or {}
        self.calls = []

    def call(self, function, target=None, ok=(), **params):
        self.calls.append((function, target, params))
        if self.rc and self.rc not in ok and (self.rc, self.rs) not in ok:
            raise SmapiRequestError(function, target, self.rc, self.rs)
        out = {'return_code': self.rc, 'reason_code': self.rs}
        out.update(self.output)
        return out


def item(kind, name, records):
    return {'directory_entry_type': kind, 'directory_entry_id': name, 'directory_entry_records': records}


REPLY = {'directory_entries_array': [
    item(1, 'IBMDFLT', ['PROFILE IBMDFLT', 'SPOOL 000C 2540 READER *']),
    item(0, 'LINUX01', ['USER LINUX01 LBYONLY 1G 2G G', 'CPU 00 BASE', 'MDISK 0100 3390 1 1000 LX0100 MR']),
    item(6, 'TCPIP', ['IDENTITY TCPIP LBYONLY 128M 256M ABG', 'BUILD ON * USING SUBCONFIG TCPIP-1']),
    item(7, 'TCPIP-1', ['SUBCONFIG TCPIP-1', 'MDISK 0191 3390 1 10 M01W01 MR']),
    item(0, 'linux02', ['USER LINUX02 LBYONLY 2G 4G G']),
]}


def test_every_guest_entry_in_one_request():
    client = OneReply(output=REPLY)
    found = entries.query_all(Session(client))
    assert client.calls == [('Query_All_DM', 'MAINT', {'query_keyword_parameter_list': 'FORMAT=NO'})]
    assert sorted(found) == ['LINUX01', 'LINUX02', 'TCPIP']        # no profile, no SUBCONFIG
    assert isinstance(found['LINUX01'], directory.DirectoryEntry)
    assert found['LINUX01'].storage == '1G' and [m.vdev for m in found['LINUX01'].mdisks] == ['0100']
    assert found['LINUX01'].records() == REPLY['directory_entries_array'][1]['directory_entry_records']


def test_only_parses_the_guests_asked_for():
    found = entries.query_all(Session(OneReply(output=REPLY)), only={'LINUX02'})
    assert list(found) == ['LINUX02']


@pytest.mark.parametrize('rc, rs', [(100, 8), (100, 12), (100, 16), (100, 20), (900, 12), (8, 28)])
def test_a_refusal_means_read_one_by_one(rc, rs):
    client = OneReply(rc, rs)
    assert entries.query_all(Session(client)) is None
    assert len(client.calls) == 1


@pytest.mark.parametrize('rc, rs', [(596, 1), (900, 24), (24, 1)])
def test_other_failures_are_raised(rc, rs):
    with pytest.raises(SmapiRequestError) as err:
        entries.query_all(Session(OneReply(rc, rs)))
    assert (err.value.rc, err.value.rs) == (rc, rs)


def test_the_captured_reply_of_a_real_system(captures_dir):
    with open(os.path.join(captures_dir, 'Query_All_DM.1.json')) as fh:
        capture = json.load(fh)
    assert capture['client_arguments']['query_keyword_parameter_list'].upper() == 'FORMAT=NO'
    reply = codec.decode_response(layouts.get('Query_All_DM'), base64.b64decode(capture['response_b64']))
    found = entries.query_all(Session(OneReply(output=reply)))
    kinds = [e['directory_entry_type'] for e in reply['directory_entries_array']]
    assert len(found) == kinds.count(0) + kinds.count(6) == 128
    assert all(not e.warnings for e in found.values())
    assert found['MAINT'].userid == 'MAINT'
