# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A scripted SMAPI client and a fake clock for the operations tests:
``session_with(script)`` gives a Session whose client answers each call
with the next (rc, rs[, output]) of ``script``."""

from ansible_collections.zvm.cloud.plugins.module_utils.operations.session import Session
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.errors import SmapiRequestError


class ScriptedClient:
    """Answers each call with the next (rc, rs[, output]) of a script."""

    userid = 'MAINT'
    host, port = 'test', 1

    def __init__(self, script):
        self.script = list(script)
        self.history = []

    def call(self, function, target=None, ok=(), **params):
        step = self.script.pop(0)
        rc, rs = step[0], step[1]
        output = step[2] if len(step) > 2 else {}
        self.history.append({'function': function, 'target': target, 'rc': rc, 'rs': rs, 'params': params})
        if rc and (rc, rs) not in ok:
            raise SmapiRequestError(function, target, rc, rs)
        out = {'return_code': rc, 'reason_code': rs}
        out.update(output)
        return out

    def functions(self):
        return [h['function'] for h in self.history]

    def params(self, index=-1):
        return self.history[index]['params']


class Clock:
    def __init__(self):
        self.now = 0.0
        self.slept = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


def session_with(script, lock_timeout=10.0):
    clock = Clock()
    return Session(ScriptedClient(script), lock_timeout=lock_timeout, sleep=clock.sleep, clock=clock), clock
