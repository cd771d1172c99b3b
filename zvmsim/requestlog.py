# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The request log: one JSON line per SMAPI request.

Fields: ``seq`` (position in the log), ``time`` (epoch seconds),
``request_id``, ``function``, ``target``, ``user`` (the userid the
request named, whether or not it authenticated), ``rc``, ``rs``, ``ms`` (service time), ``write`` (whether the
function changes state) and ``peer``.  Passwords are never logged.
Tests and benchmarks count calls from this file (``python -m zvmsim log``).
"""

import json
import os
import threading

LOG_NAME = 'requests.jsonl'


class RequestLog:
    def __init__(self, state_dir):
        self.path = os.path.join(state_dir, LOG_NAME)
        self._lock = threading.Lock()
        self._seq = position(state_dir)

    def append(self, entry):
        with self._lock:
            self._seq += 1
            entry = dict(entry, seq=self._seq)
            line = json.dumps(entry, sort_keys=True) + '\n'
            with open(self.path, 'a') as fh:
                fh.write(line)
                fh.flush()
        return entry


def iter_entries(state_dir, since=0):
    path = os.path.join(state_dir, LOG_NAME)
    if not os.path.exists(path):
        return
    with open(path) as fh:
        for n, line in enumerate(fh, 1):
            if n <= since or not line.strip():
                continue
            try:
                yield json.loads(line)
            except ValueError:
                continue    # a line cut by a crash


def entries(state_dir, since=0, function=None, target=None):
    out = []
    for e in iter_entries(state_dir, since):
        if function and e.get('function') != function:
            continue
        if target and (e.get('target') or '').upper() != target.upper():
            continue
        out.append(e)
    return out


def last_request_id(state_dir):
    """The highest request id in the log (0 for an empty log)."""
    return max([e.get('request_id') or 0 for e in iter_entries(state_dir)] or [0])


def position(state_dir):
    """The current end of the log (pass it as ``since`` later)."""
    return sum(1 for _entry in iter_entries(state_dir))
