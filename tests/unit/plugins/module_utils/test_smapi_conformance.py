# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The conformance harness as tests: one test per capture file in
SMAPI_CAPTURES (default ../shared/smapi/captures), a summary, and proof that
the harness itself catches a broken capture or codec."""

import base64
import json
import os

import pytest

from . import smapi_conformance as harness

from tests.conftest import capture_files

FILES = harness.capture_files()


def test_captures_are_present():
    assert FILES, 'no capture files in %s (set SMAPI_CAPTURES)' % harness.captures_dir()


@pytest.mark.usefixtures('captures_dir')      # fails, never skips, when the captures are missing
@pytest.mark.parametrize('path', capture_files(), ids=os.path.basename)
def test_capture_conforms(path):
    _name, problems = harness.check_capture(path)
    assert not problems, '\n'.join(problems)


def test_summary(capsys):
    functions = set()
    failed = 0
    for path in FILES:
        name, problems = harness.check_capture(path)
        functions.add(name)
        failed += bool(problems)
    with capsys.disabled():
        print('\nSMAPI conformance: checked %d captures of %d functions: %d failed'
              % (len(FILES), len(functions), failed))
    assert failed == 0


def _write(tmp_path, cap, name='X.1.json'):
    path = tmp_path / name
    path.write_text(json.dumps(cap))
    return str(path)


def _load(name):
    with open(os.path.join(harness.captures_dir(), name)) as fh:
        return json.load(fh)


def test_harness_fails_for_a_function_missing_from_the_table(tmp_path):
    cap = _load('Image_Status_Query.1.json')
    cap['function'] = 'Image_Does_Not_Exist'
    _name, problems = harness.check_capture(_write(tmp_path, cap))
    assert problems == ['function Image_Does_Not_Exist is not in the layout table']


def test_harness_fails_when_a_reference_value_is_not_decoded(tmp_path):
    cap = _load('Image_Status_Query.1.json')
    cap['reference_decoding']['image_name_array'] = [{'image_name': 'GT@'}]   # in the bytes, not a decoded value
    _name, problems = harness.check_capture(_write(tmp_path, cap))
    assert "reference string 'GT@' is not in our decoding" in problems[0]


def test_harness_fails_when_bytes_do_not_round_trip(tmp_path):
    cap = _load('Image_Query_DM.1.json')
    raw = bytearray(base64.b64decode(cap['response_b64']))
    raw[-1:] = b''          # one byte short of what the header says
    cap['response_b64'] = base64.b64encode(bytes(raw)).decode()
    _name, problems = harness.check_capture(_write(tmp_path, cap))
    assert problems and 'response does not decode' in problems[0]
