# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SMAPI wire bytes built by hand, and the checks the layout tests share.

The ``i1``/``i4``/``i8``, ``s``, ``z``, ``arr`` and ``struct_`` builders
write the documented encodings directly (never through the codec), so the
tests check the layout tables rather than the codec against itself:

    raw = s('0101') + i1(1) + z('name=VSW1', 'type=QDIO') + arr(s('A'), s('B'))

``request_bytes`` and ``response_bytes`` frame them as a whole request or
response.  ``check_request``, ``check_response`` and ``bad`` do the checks
every layout test makes: encoding gives exactly the hand-built bytes,
decoding gives the values back, re-encoding gives the same bytes again, and
invalid parameters are refused with the right parameter and reason.

The authenticated user and password default to ``USER``/``PASSWORD``; a test
module that sends other credentials passes ``user=``/``password=`` (for
instance bound once with ``functools.partial``).
"""

import struct

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.smapi import codec, layouts

USER = 'MAINT'
PASSWORD = 'secret'
REQUEST_ID = 7

# -- building wire bytes by hand ------------------------------------------------------------


def i1(n):
    """A one-byte unsigned integer."""
    return struct.pack('>B', n)


def i4(n):
    """A four-byte signed big-endian integer."""
    return struct.pack('>i', n)


def i8(n):
    """An eight-byte signed big-endian integer."""
    return struct.pack('>q', n)


def s(text):
    """A string (or bytes) with an int4 length in front."""
    raw = text.encode('iso8859_15') if isinstance(text, str) else text
    return i4(len(raw)) + raw


def z(*texts):
    """Each text as an ASCIIZ string (NUL-terminated), one after the other."""
    return b''.join(text.encode('iso8859_15') + b'\x00' for text in texts)


def arr(*items):
    """An array: the items with an int4 byte length in front."""
    body = b''.join(items)
    return i4(len(body)) + body


def struct_(*fields):
    """A structure: the fields with their own int4 length in front."""
    return arr(*fields)


def request_bytes(function, target, params=b'', user=USER, password=PASSWORD):
    """A whole request: length, function name, user, password, the target
    (left out when ``None``) and the parameter bytes."""
    body = s(function) + s(user) + s(password)
    if target is not None:
        body += s(target)
    body += params
    return i4(len(body)) + body


def response_bytes(rc, rs, output=b'', request_id=REQUEST_ID):
    """A whole response: the request id, then the frame (its length, the
    request id again, rc, rs and the output bytes)."""
    framed = i4(request_id) + i4(rc) + i4(rs) + output
    return i4(request_id) + i4(len(framed)) + framed


# -- checks -----------------------------------------------------------------------------------


def fn(name):
    """The layout of function ``name``, which must exist."""
    function = layouts.get(name)
    assert function is not None, name
    return function


def check_request(name, target, params, raw_params, decoded_params=None, user=USER, password=PASSWORD):
    """``params`` encode (validated) to exactly ``raw_params``, the
    server-side decoding of those bytes gives the parameters back
    (``decoded_params`` when given, else ``params``) and re-encoding the
    decoded request gives the same bytes.  Returns the decoded parameters."""
    function = fn(name)
    raw = request_bytes(name, target, raw_params, user, password)
    assert codec.encode_request(function, user, password, target, params, validate=True) == raw
    decoded = codec.decode_request(raw, layouts.FUNCTIONS)
    assert decoded['function'] == name
    assert decoded['target'] == target
    assert decoded['params'] == (params if decoded_params is None else decoded_params)
    assert codec.reencode_request(function, decoded) == raw
    return decoded['params']


def check_response(name, rc, rs, output, raw_output, decoded_output=None, allow_raw=False):
    """The server-side encoding of ``output`` is ``raw_output``, the
    client-side decoding gives the output back (``decoded_output`` when
    given, else ``output``) with no ``_raw`` fallback unless ``allow_raw``,
    and re-encoding the decoded response gives the same bytes.  Returns the
    decoded response."""
    function = fn(name)
    raw = response_bytes(rc, rs, raw_output)
    assert codec.encode_response(function, REQUEST_ID, rc, rs, output) == raw
    decoded = codec.decode_response(function, raw)
    want = output if decoded_output is None else decoded_output
    assert decoded == dict(want, request_id=REQUEST_ID, framed_request_id=REQUEST_ID, return_code=rc,
                           reason_code=rs)
    if not allow_raw:
        assert '_raw' not in repr(decoded)
    assert codec.reencode_response(function, decoded) == raw
    return decoded


def bad(name, params, parameter, reason=None, target='LINUX01', user=USER, password=PASSWORD):
    """Encoding ``params`` (validated) is refused for ``parameter`` (and
    ``reason`` when given), naming both.  Returns the error."""
    function = layouts.get(name)
    with pytest.raises(codec.ValidationError) as info:
        codec.encode_request(function, user, password, target, params, validate=True)
    err = info.value
    assert err.function == name
    assert err.parameter == parameter
    assert name in str(err) and parameter in str(err)
    if reason is not None:
        assert err.reason == reason
    return err
