# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Conformance harness: check the SMAPI codec against captured exchanges.

For every capture file (``<Function>.<n>.json``) in the directory named by
``SMAPI_CAPTURES`` (default: ``../shared/smapi/captures`` beside the project):

1. decoding the request and encoding it again gives the same bytes;
2. decoding the response and encoding it again gives the same bytes;
3. every scalar of ``reference_decoding`` that occurs verbatim in the raw
   bytes appears somewhere in our decoded request or response.

How rule 3 reads values:
* strings are compared after trailing blanks are stripped; an empty string
  carries no value and is not looked for;
* ``{"bytes_b64": ...}`` values must appear as exactly the same bytes;
* integers occur verbatim when their big-endian int4/int8 (or int1) encoding,
  or their decimal text as a whole token, is in the bytes; they match a
  decoded integer with the same bit pattern, or a decoded string holding the
  same number (``"0004"`` matches 4);
* keys with a leading underscore hold the capturing client's private state
  (host, port, timeouts), not decoded values, and are skipped;
* ``request_id``, ``return_code`` and ``reason_code`` are compared with the
  decoded response header; a response of only the request id (an event
  stream) has no rc/rs, so the client's own values there are exempt;
* values that occur nowhere in the bytes (derived by the capturing client,
  such as a date and time joined into one string) are exempt.

Run directly for a summary: ``python tests/unit/plugins/module_utils/smapi_conformance.py``.
"""

import base64
import glob
import json
import os
import re
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = os.path.abspath(os.path.join(HERE, '..', '..', '..', '..'))


def _tests_conftest():
    """tests/conftest.py, where the captures directory is named for every test."""
    if PROJECT not in sys.path:
        sys.path.insert(0, PROJECT)
    from tests import conftest
    return conftest


def captures_dir():
    return _tests_conftest().captures_dir()


def capture_files(directory=None):
    directory = directory or captures_dir()
    return sorted(glob.glob(os.path.join(directory, '*.json')))


def _codec():
    if PROJECT not in sys.path:
        sys.path.insert(0, PROJECT)
    from zvmsim._bootstrap import ensure_collection_importable
    ensure_collection_importable()
    from ansible_collections.zvm.cloud.plugins.module_utils.smapi import codec, layouts
    return codec, layouts


def _walk(value):
    if isinstance(value, dict):
        if set(value) == set(['bytes_b64']):
            yield base64.b64decode(value['bytes_b64'])
            return
        for k, v in value.items():
            if isinstance(k, str) and k.startswith('_'):
                continue   # the capturing client's private state, not a decoded value
            yield from _walk(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _walk(v)
    else:
        yield value


def _int_occurs(value, raw):
    encodings = []
    for fmt in ('>i', '>I', '>q', '>Q'):
        try:
            encodings.append(struct.pack(fmt, value))
        except struct.error:
            pass
    if 0 <= value < 256:
        encodings.append(bytes([value]))
    if any(e in raw for e in encodings):
        return True
    return re.search(rb'(?<![0-9])0*' + str(abs(value)).encode() + rb'(?![0-9])', raw) is not None


def _ints_equal(a, b):
    return (a - b) % (1 << 64) == 0 or ((a - b) % (1 << 32) == 0 and abs(a) < (1 << 32) and abs(b) < (1 << 32))


class _Decoded:
    """The scalars of our decoded request and response, indexed for lookup."""

    def __init__(self, *trees):
        self.strings = set()
        self.ints = []
        self.bytes = set()
        for tree in trees:
            for leaf in _walk(tree):
                if isinstance(leaf, bool):
                    self.ints.append(int(leaf))
                elif isinstance(leaf, int):
                    self.ints.append(leaf)
                elif isinstance(leaf, bytes):
                    self.bytes.add(leaf)
                elif isinstance(leaf, str):
                    self.strings.add(leaf.rstrip(' '))
                    self.bytes.add(leaf.encode('iso8859_15', 'replace'))
                    if re.match(r'^-?\d+$', leaf.strip()):
                        self.ints.append(int(leaf.strip()))

    def has_int(self, value):
        return any(_ints_equal(value, mine) for mine in self.ints)


def check_capture(path):
    """Return (function_name, problems) for one capture file."""
    codec, layouts = _codec()
    with open(path) as fh:
        cap = json.load(fh)
    name = cap['function']
    problems = []
    function = layouts.get(name)
    if function is None:
        return name, ['function %s is not in the layout table' % name]
    request = base64.b64decode(cap['request_b64'])
    response = base64.b64decode(cap['response_b64'])
    dec_req = dec_resp = None
    try:
        dec_req = codec.decode_request(request, layouts.FUNCTIONS)
        again = codec.reencode_request(function, dec_req)
        if again != request:
            problems.append('request does not round-trip:\n  got  %r\n  want %r' % (again, request))
    except codec.CodecError as e:
        problems.append('request does not decode: %s' % e)
    try:
        dec_resp = codec.decode_response(function, response)
        again = codec.reencode_response(function, dec_resp)
        if again != response:
            problems.append('response does not round-trip:\n  got  %r\n  want %r' % (again, response))
    except codec.CodecError as e:
        problems.append('response does not decode: %s' % e)
    if dec_req is None or dec_resp is None:
        return name, problems
    mine = _Decoded(dec_req, dec_resp)
    raw = request + response
    reference = dict(cap.get('reference_decoding', {}))
    for key in ('request_id', 'return_code', 'reason_code'):
        # header values are compared with the header itself; a response cut
        # after the request id (event streams) has no rc/rs on the wire
        if key in reference:
            want = reference.pop(key)
            have = dec_resp.get(key)
            if have is not None and want != have and not (key == 'request_id' and want == 0):
                problems.append('reference %s %r differs from the decoded %r' % (key, want, have))
    for value in _walk(reference):
        if value is None or isinstance(value, float):
            continue
        if isinstance(value, bytes):
            if value in raw and value not in mine.bytes:
                problems.append('reference bytes %r are not in our decoding' % (value,))
        elif isinstance(value, bool) or isinstance(value, int):
            value = int(value)
            if _int_occurs(value, raw) and not mine.has_int(value):
                problems.append('reference integer %d is not in our decoding' % value)
        elif isinstance(value, str):
            text = value.rstrip(' ')
            if not text:
                continue
            try:
                encoded = text.encode('iso8859_15')
            except UnicodeEncodeError:
                continue
            if encoded in raw and text not in mine.strings:
                problems.append('reference string %r is not in our decoding' % text)
    if problems:
        problems.append('our decoding: request=%r response=%r' % (dec_req.get('params'), dec_resp))
    return name, problems


def main(argv=None):
    directory = argv[0] if argv else captures_dir()
    if not os.path.isdir(directory):
        print(_tests_conftest().missing_captures_message(directory))
        return 1
    files = capture_files(directory)
    failed = 0
    functions = set()
    for path in files:
        name, problems = check_capture(path)
        functions.add(name)
        if problems:
            failed += 1
            print('FAIL %s' % os.path.basename(path))
            for p in problems:
                print('   ' + p[:2000])
    print('checked %d captures of %d functions: %d failed' % (len(files), len(functions), failed))
    return 1 if failed or not files else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
