# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SMAPI function handlers, one module per function family (the table
"Where a SMAPI function is simulated" in zvmsim/README.md says which).
Handler modules share state and rules through the modules of ``zvmsim``
(``dirmaint``, ``dasd``, ``switches``, ``params``...), never by importing
each other.

A handler is a function ``handler(call)`` registered with ``@handles(name)``.
``call`` (a ``Call``) carries the decoded request and an open transaction
(``call.tx``, see ``zvmsim.state.Tx``).  A handler returns the output fields
as a dict (RC 0/0), returns ``Result(rc, rs, output)`` for another outcome
that keeps its changes, or raises ``Fail(rc, rs)``, which rolls the
transaction back.  Output dicts use the field names of the function's
layout in ``plugins/module_utils/smapi/layouts.py``.

Functions without a handler answer 900/12 (function does not exist).
"""

from ansible_collections.zvm.cloud.plugins.module_utils.smapi.client import is_read_only

HANDLERS = {}
SETTLERS = []


class Fail(Exception):
    """End the request with this rc/rs and undo its changes."""

    def __init__(self, rc, rs, output=None):
        Exception.__init__(self, '%d/%d' % (rc, rs))
        self.rc = rc
        self.rs = rs
        self.output = output or {}


class Result:
    """A non-zero outcome whose changes are kept (or a 0/n success)."""

    def __init__(self, rc, rs, output=None):
        self.rc = rc
        self.rs = rs
        self.output = output or {}


class Handler:
    def __init__(self, name, func, write):
        self.name = name
        self.func = func
        self.write = write


class Call:
    """One request as a handler sees it."""

    def __init__(self, sim, tx, function, target, params, userid, request_id):
        self.sim = sim
        self.tx = tx
        self.function = function
        self.target = (target or '').upper()
        self.raw_target = target
        self.params = params or {}
        self.userid = userid.upper()
        self.request_id = request_id
        self.config = sim.config
        self.now = tx.now

    def param(self, name, default=None):
        value = self.params.get(name)
        return default if value is None else value


def handles(*names, **kw):
    """Register a handler for one or more functions.  ``write`` defaults to
    True for everything that is not a query."""
    def deco(func):
        for name in names:
            write = kw.get('write')
            if write is None:
                write = not is_read_only(name)
            HANDLERS[name] = Handler(name, func, write)
        return func
    return deco


def settler(func):
    """Register ``func(tx, now, userid, cp)`` to finish CP state changes whose
    ``due`` time has passed (e.g. a soft stop completing)."""
    SETTLERS.append(func)
    return func


def load_all():
    """Import every handler module (each registers its functions)."""
    import importlib
    import os
    here = os.path.dirname(os.path.abspath(__file__))
    for name in sorted(os.listdir(here)):
        if name.endswith('.py') and not name.startswith('_'):
            importlib.import_module('zvmsim.handlers.' + name[:-3])
    return HANDLERS
