# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SMAPI wire codec: the public entry.

A layout (see ``layouts.py``) lists a function's request parameters and its
response output as field instances, in wire order, in a ``Function``.  The
same objects drive all four directions:

* client side: ``encode_request`` and ``decode_response``;
* server side (zvmsim): ``decode_request`` and ``encode_response``.

Every field can ``read`` its value from a buffer and ``write`` it back, and
string-like fields validate length and character set before anything is
written, so a bad parameter raises ``ValidationError`` and never reaches
the wire.

Decoded values are plain ``dict``/``list``/``str``/``int``/``bytes``; text is
ISO-8859-15 (z/VM's SMAPI server speaks ASCII), EBCDIC only where a layout
says so.

Decoding is compiled: the first time a field decodes, it builds a function
(``decoder()``, and ``into()`` for the enclosing dict) from its settings
and those of the fields inside it, once per process.  Those functions work
on ``bytes``, check bounds inline, and take whole-list fast paths: an
array of plain strings decodes its text once and slices it, a list of
ASCIIZ strings is one split, and a ``Text`` of fixed columns is cut by
position.  They give exactly what the field-by-field reading gives, errors
included (``tools/bench codec`` measures them, see docs/benchmarks.md).

The codec's modules, each importing only those above it:

* ``primitives.py``: errors, RS_* reason codes, text encoding, integer
  formats, character sets, bounds checks;
* ``text.py``: ``Text``, the format of a text record inside a string;
* ``readers.py``: the compiled decode functions and their factories;
* ``fields.py``: ``Field`` and the scalar and string fields;
* ``keywords.py``: ``KV``, ``KVList``, ``KVStream``, ``KVRecords``;
* ``containers.py``: ``Struct``, ``Group``, ``Array``, ``CStrList``, ``OneOf``;
* this module: ``Function`` and the request/response entry points.

Every public name of those modules is importable from here (``__all__``);
layouts, the client, the simulator and the tests import them from here.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import struct

from ansible_collections.zvm.cloud.plugins.module_utils.smapi.containers import (
    Array, CStrList, Group, OneOf, Struct,
)
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.fields import (
    Bytes, CStr, Field, Fixed, Int, Int1, Int4, Int8, Rest, Str,
)
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.keywords import KV, KVList, KVRecords, KVStream
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.primitives import (
    ANY, C10, C16, C17, C26, C36, C37, C42, C43, C44, CNA, CNB, Charset, CodecError, DecodeError,
    EBCDIC_ENCODING, RS_ABOVE_MAX, RS_BELOW_MIN, RS_END_OF_DATA, RS_EXTRANEOUS, RS_MISSING, RS_NOT_HEX,
    RS_TOO_LONG, RS_TOO_SHORT, RS_UNRECOGNIZED, TEXT_ENCODING, ValidationError, _bytes, _need, _pack_i4, _text,
    _unpack_i4,
)
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.text import Text

__all__ = [
    # primitives.py
    'ANY', 'C10', 'C16', 'C17', 'C26', 'C36', 'C37', 'C42', 'C43', 'C44', 'CNA', 'CNB', 'Charset',
    'CodecError', 'DecodeError', 'ValidationError', 'EBCDIC_ENCODING', 'TEXT_ENCODING',
    'RS_ABOVE_MAX', 'RS_BELOW_MIN', 'RS_END_OF_DATA', 'RS_EXTRANEOUS', 'RS_MISSING', 'RS_NOT_HEX',
    'RS_TOO_LONG', 'RS_TOO_SHORT', 'RS_UNRECOGNIZED',
    # text.py
    'Text',
    # fields.py
    'Bytes', 'CStr', 'Field', 'Fixed', 'Int', 'Int1', 'Int4', 'Int8', 'Rest', 'Str',
    # keywords.py
    'KV', 'KVList', 'KVRecords', 'KVStream',
    # containers.py
    'Array', 'CStrList', 'Group', 'OneOf', 'Struct',
    # this module
    'Function', 'decode_output', 'decode_request', 'decode_response', 'encode_params', 'encode_request',
    'encode_response', 'mask_secrets', 'read_header', 'reencode_request', 'reencode_response',
]


# ---------------------------------------------------------------------------
# Functions
# ---------------------------------------------------------------------------

class Function:
    """The layout of one SMAPI function.

    ``request``: the parameters after the target, in wire order.
    ``response``: the output after the reason code, in wire order.
    ``error_response``: the output layout when rc is not 0 (defaults to
    ``response``).
    ``target``: False for functions with no target field (Check_Authentication).
    ``streaming``: the server answers with the request id only and then
    keeps the connection for events (Event_Subscribe).
    ``rc_response``: output layouts for particular return codes (e.g.
    ``{592: [...]}`` when an asynchronous start returns other data than a
    failure); they take precedence over ``response``/``error_response``.
    """

    def __init__(self, name, request=(), response=(), error_response=None, target=True, streaming=False,
                 doc=None, rc_response=None):
        self.name = name
        self.request = list(request)
        self.response = list(response)
        self.error_response = list(error_response) if error_response is not None else None
        self.rc_response = dict((rc, list(layout)) for rc, layout in (rc_response or {}).items())
        self.target = target
        self.streaming = streaming
        self.doc = doc
        self.request_keys = []
        for f in self.request:
            self.request_keys.extend(f.keys())
        self.secret_keys = set(['password'])
        for f in self.request:
            self.secret_keys.update(f.secrets())

    def parameter_number(self, name):
        """The manual's parameter number ``pp`` of RC 24: the function name,
        the authenticated userid, the password and the target are 1 to 4,
        the function's own parameters follow in wire order."""
        for i, key in enumerate(self.request_keys):
            if key == name:
                return 5 + i
        return None

    def parameter_name(self, number):
        names = ['function_name', 'authenticated_userid', 'password', 'target_identifier'] + self.request_keys
        if number and 1 <= number <= len(names):
            return names[number - 1]
        return None

    def output_layout(self, rc):
        if rc in self.rc_response:
            return self.rc_response[rc]
        if rc != 0 and self.error_response is not None:
            return self.error_response
        return self.response


def _check_known(function, params):
    known = set(function.request_keys)
    if any(isinstance(f, KVList) for f in function.request):
        return
    for key in params:
        if key not in known:
            raise ValidationError(function.name, key, 'is not a parameter of this function%s'
                                  % (' (known: %s)' % ', '.join(function.request_keys) if known else
                                     ' (it takes none)'), RS_EXTRANEOUS)


def encode_params(function, params, validate=True):
    """Encode the function-specific parameters (after the target)."""
    out = bytearray()
    fn = function.name
    params = dict(params or {})
    if validate:
        _check_known(function, params)
    kvlists = [f for f in function.request if isinstance(f, KVList)]
    if kvlists:
        claimed = set()
        for f in function.request:
            if not isinstance(f, KVList):
                claimed.update(f.keys())
        params['__claimed__'] = claimed
    for f in function.request:
        try:
            f.write_from(params, out, fn, validate)
        except ValidationError as e:
            if e.index is None:
                e.index = function.parameter_number(e.parameter)
            raise
    return bytes(out)


def encode_request(function, userid, password, target, params=None, validate=True):
    """Build the request bytes, starting with the int4 total length."""
    body = bytearray()
    header = [('function_name', function.name), ('authenticated_userid', userid), ('password', password)]
    if function.target or target is not None:
        header.append(('target_identifier', target))
    for label, value in header:
        try:
            raw = _bytes(value or '')
        except UnicodeEncodeError:
            # the password is among these: no value and no character is shown
            raise ValidationError(function.name, label, 'contains a character SMAPI cannot carry (only '
                                  'ISO-8859-15 is; the value is not shown)', RS_UNRECOGNIZED)
        body += _pack_i4(len(raw)) + raw
    body += encode_params(function, params, validate)
    return _pack_i4(len(body)) + bytes(body)


def read_header(data):
    """Split a request into (function_name, userid, password, rest_offset).

    Raises DecodeError when the framing is wrong.
    """
    if len(data) < 4:
        raise DecodeError('request shorter than its length field')
    total = _unpack_i4(data, 0)[0]
    if total != len(data) - 4:
        raise DecodeError('total length %d does not match the %d bytes received' % (total, len(data) - 4),
                          reason=20)
    pos = 4
    values = []
    for what in ('function name', 'authenticated userid', 'password'):
        _need(data, pos, 4, len(data), what)
        n = _unpack_i4(data, pos)[0]
        pos += 4
        if n < 0 or pos + n > len(data):
            raise DecodeError('%s length %d runs past the end of the request' % (what, n), reason=20)
        values.append(_text(bytes(data[pos:pos + n])))
        pos += n
    return values[0], values[1], values[2], pos


def decode_request(data, functions):
    """Decode a whole request (as the server sees it) into a dict:
    ``function``, ``userid``, ``password``, ``target`` and ``params``.

    ``functions`` maps names to ``Function``.  An unknown function decodes
    with ``params`` None and the undecoded bytes in ``raw_params``.
    """
    name, userid, password, pos = read_header(data)
    if not isinstance(data, bytes):
        data = bytes(data)
    end = len(data)
    out = {'function': name, 'userid': userid, 'password': password, 'target': None, 'params': None}
    function = functions.get(name)
    if function is None or function.target or pos < end:
        if pos + 4 <= end:
            n = _unpack_i4(data, pos)[0]
            if n < 0 or pos + 4 + n > end:
                raise DecodeError('target length %d runs past the end of the request' % n, parameter='target',
                                  index=4)
            out['target'] = _text(bytes(data[pos + 4:pos + 4 + n]))
            pos += 4 + n
        elif function is not None and function.target:
            raise DecodeError('the request has no target identifier', reason=RS_MISSING, parameter='target',
                              index=4)
    if function is None:
        out['raw_params'] = bytes(data[pos:])
        return out
    params = {}
    for f in function.request:
        if f.optional and pos >= end:
            break
        try:
            pos = f.into()(data, pos, end, params)
        except DecodeError as e:
            if e.parameter is None:
                keys = f.keys()
                e.parameter = keys[0] if keys else f.name
                e.index = function.parameter_number(e.parameter)
            raise
    if pos < end:
        raise DecodeError('%d unexpected bytes after the last parameter' % (end - pos), reason=RS_EXTRANEOUS,
                          parameter='(end)', index=5 + len(function.request_keys))
    out['params'] = params
    return out


def encode_response(function, request_id, rc, rs, output=None):
    """Build response bytes as the server sends them: the request id, then
    the framed reply (length, request id, rc, rs, output)."""
    body = bytearray()
    output = output or {}
    if function is not None:
        for f in function.output_layout(rc):
            if not f.flatten and f.name not in output:
                break   # outputs end early (e.g. on errors)
            if f.flatten and not any(k in output for k in f.keys()):
                break
            f.write_from(output, body, function.name, False)
    tail = output.get('trailing')
    if tail:
        body += tail
    framed = _pack_i4(request_id) + _pack_i4(rc) + _pack_i4(rs) + bytes(body)
    return _pack_i4(request_id) + _pack_i4(len(framed)) + framed


def decode_output(function, rc, data):
    """Decode a function's output bytes; fields the data stops before are
    absent; bytes after the last field are kept in ``trailing``."""
    out = {}
    if not isinstance(data, bytes):
        data = bytes(data)
    pos, end = 0, len(data)
    layout = function.output_layout(rc) if function is not None else []
    for f in layout:
        if pos >= end:
            break
        try:
            pos = f.into()(data, pos, end, out)
        except DecodeError:
            if rc == 0:
                raise
            # error outputs vary; keep them whole rather than guess
            return {'trailing': bytes(data)}
    if pos < end:
        out['trailing'] = bytes(data[pos:end])
    return out


def decode_response(function, data):
    """Decode response bytes as the client receives them (request id first).

    Returns a dict with ``request_id``, ``return_code``, ``reason_code`` and
    the output fields.  A response of only the request id (event streams)
    decodes to ``{'request_id': n}``.
    """
    if len(data) < 4:
        raise DecodeError('response shorter than the request id')
    out = {'request_id': _unpack_i4(data, 0)[0]}
    if len(data) == 4:
        return out
    if len(data) < 20:
        raise DecodeError('response of %d bytes is too short for its header' % len(data))
    length, rid, rc, rs = struct.unpack_from('>iiii', data, 4)
    if length != len(data) - 8:
        raise DecodeError('output length %d does not match the %d bytes received' % (length, len(data) - 8))
    out['framed_request_id'] = rid
    out['return_code'] = rc
    out['reason_code'] = rs
    out.update(decode_output(function, rc, data[20:]))
    return out


def reencode_response(function, decoded):
    """Inverse of decode_response (used by tests and the simulator)."""
    if set(decoded) == set(['request_id']):
        return _pack_i4(decoded['request_id'])
    output = dict((k, v) for k, v in decoded.items()
                  if k not in ('request_id', 'framed_request_id', 'return_code', 'reason_code'))
    raw = encode_response(function, decoded.get('framed_request_id', decoded['request_id']),
                          decoded['return_code'], decoded['reason_code'], output)
    return _pack_i4(decoded['request_id']) + raw[4:]


def reencode_request(function, decoded):
    """Inverse of decode_request."""
    if function is None:
        body = bytearray()
        for value in (decoded['function'], decoded['userid'], decoded['password']):
            raw = _bytes(value)
            body += _pack_i4(len(raw)) + raw
        if decoded.get('target') is not None:
            raw = _bytes(decoded['target'])
            body += _pack_i4(len(raw)) + raw
        body += decoded.get('raw_params', b'')
        return _pack_i4(len(body)) + bytes(body)
    return encode_request(function, decoded['userid'], decoded['password'], decoded['target'],
                          decoded['params'], validate=False)


def mask_secrets(function, params):
    """A copy of ``params`` with passwords replaced by '***' (for logs)."""
    if not params:
        return params
    keys = function.secret_keys if function is not None else set(['password'])
    return dict((k, '***' if k in keys and v else v) for k, v in params.items())
