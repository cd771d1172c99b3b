# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SMAPI client: validate, send, decode, retry what is safe, wait for
asynchronous directory-manager work, and turn failing codes into errors.

    client = SmapiClient('zvm1.example.com', 'MAINT', 'secret', tls=True)
    names = client.call('Image_Name_Query_DM', 'MAINT')['image_name_array']

Every request has one deadline, ``timeout`` seconds (300 by default:
``smapi_timeout``) from the moment it is first sent: connecting, sending,
waiting for the reply and every retry together.  Each attempt gets only
the time that is left, a retry is made only when its backoff delay ends
before the deadline, and a failure states the total time waited and the
number of attempts.  So a server that accepts a request and never answers
holds a task ``timeout`` seconds, not that many per attempt.  (Polling an
asynchronous directory-manager operation after RC 592 is a wait of its
own, bounded by ``async_timeout``; each poll is a request with its own
deadline.)

Retry policy (bounded, with jittered exponential backoff, within the deadline):

* a connection refused, reset or closed before the server sent the request
  id: the request was not accepted, so it is sent again;
* RC 500/8 (directory manager not available) and RC 900/99 (system changed
  during the call): the server did nothing, so it is sent again;
* any failure after the request was accepted is retried only for read-only
  functions (queries).  A write the server accepted is never resent blindly:
  the caller re-reads the state and decides;
* a TLS certificate that fails verification is never retried; the message
  names the CA file (or the system store) it was verified against.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random
import threading
import time

from ansible_collections.zvm.cloud.plugins.module_utils.smapi import codec, layouts
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.errors import (
    SmapiAsyncTimeout, SmapiConnectionError, SmapiError, SmapiProtocolError, SmapiRequestError,
)
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.transport import DEFAULT_PORT, Transport

DEFAULT_TIMEOUT = 300.0
TRANSIENT = frozenset([(500, 8), (900, 99)])
RC_ASYNC = 592
ASYNC_DONE, ASYNC_RUNNING, ASYNC_FAILED = 100, 104, 108


def is_read_only(function):
    """Queries can be repeated without side effects."""
    return ('_Query' in function or function.startswith('Query_') or function == 'Check_Authentication'
            or function.endswith('_Search_DM'))


class SmapiAsyncFailed(SmapiRequestError):
    """An asynchronous directory-manager operation ended in failure."""

    def __init__(self, function, target, operation_id, rc, rs):
        self.operation_id = operation_id
        SmapiRequestError.__init__(self, function, target, rc, rs,
                                   details='asynchronous operation %d failed' % operation_id)


class SmapiClient:
    """A connection profile for one SMAPI server.  Thread-safe: each call
    opens its own connection, so forks and worker threads may share one
    client.

    ``timeout``: seconds one request may take in all, retries included
    (see the module docstring); ``connect_timeout`` bounds each connect,
    ``read_timeout`` (default: ``timeout``) each wait for data, so a shorter
    one lets a stalled query be retried within the deadline;
    ``retries``: how many times a request may be sent again, within the
    deadline.  ``sleep`` and ``clock`` are injectable for tests."""

    def __init__(self, host, userid, password, port=DEFAULT_PORT, tls=False, ca_path=None, verify=True,
                 timeout=DEFAULT_TIMEOUT, connect_timeout=10.0, retries=3, backoff=0.5, max_backoff=8.0,
                 async_timeout=900.0, async_poll=2.0, transport=None, sleep=time.sleep, clock=time.monotonic,
                 rng=None, read_timeout=None):
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
            raise ValueError('timeout: %r is not a positive number of seconds' % (timeout,))
        self.host = host
        self.port = port
        self.userid = userid
        self._password = password
        self.timeout = float(timeout)
        self.transport = transport or Transport(host, port, tls=tls, ca_path=ca_path, verify=verify,
                                                connect_timeout=connect_timeout,
                                                read_timeout=read_timeout or timeout)
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.async_timeout = async_timeout
        self.async_poll = async_poll
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()
        self._lock = threading.Lock()
        self.history = []   # one dict per request sent: function, target, rc, rs, seconds

    # -- statistics ------------------------------------------------------------
    def _record(self, function, target, rc, rs, started):
        entry = {'function': function, 'target': target, 'rc': rc, 'rs': rs,
                 'seconds': round(self._clock() - started, 4)}
        with self._lock:
            self.history.append(entry)

    def call_count(self, predicate=None):
        with self._lock:
            return sum(1 for h in self.history if predicate is None or predicate(h['function']))

    # -- core ------------------------------------------------------------------
    def _delay(self, attempt):
        ceiling = min(self.max_backoff, self.backoff * (2 ** attempt))
        return ceiling / 2.0 + self._rng.uniform(0, ceiling / 2.0)

    def _send_once(self, layout, target, request, timeout=None):
        started = self._clock()
        try:
            exchange = self.transport.exchange(request, streaming=layout.streaming, timeout=timeout)
        except SmapiError:
            self._record(layout.name, target, None, None, started)
            raise
        try:
            reply = codec.decode_response(layout, exchange.data)
        except codec.DecodeError as e:
            self._record(layout.name, target, None, None, started)
            raise SmapiProtocolError('%s%s: cannot decode the reply: %s'
                                     % (layout.name, ' on %s' % target if target else '', e))
        self._record(layout.name, target, reply.get('return_code'), reply.get('reason_code'), started)
        return reply

    def request(self, function, target=None, params=None, ok=()):
        """Send one request and return the decoded reply (a dict with
        ``return_code``, ``reason_code`` and the output fields).

        ``ok`` lists further outcomes that are not errors: ``(rc, rs)``
        pairs, or bare return codes.  Anything else not 0 raises
        ``SmapiRequestError``.  Invalid parameters raise
        ``codec.ValidationError`` before anything is sent.
        """
        layout = layouts.get(function)
        if layout is None:
            raise ValueError('unknown SMAPI function %r' % function)
        if target is None and layout.target:
            target = self.userid
        request = codec.encode_request(layout, self.userid, self._password, target, params, validate=True)
        reply, attempts, waited = self._exchange(layout, target, request, is_read_only(function))
        rc, rs = reply.get('return_code', 0), reply.get('reason_code', 0)
        if rc == RC_ASYNC:
            reply = self._wait_async(layout, target, reply)
            rc, rs = reply.get('return_code', 0), reply.get('reason_code', 0)
        if rc != 0 and rc not in ok and (rc, rs) not in ok:
            details = _error_details(reply)
            if attempts > 1:
                tried = _tried(attempts, waited)
                details = '%s; %s' % (details, tried) if details else tried
            raise SmapiRequestError(function, target, rc, rs, output=reply, layout=layout, details=details)
        return reply

    def _retry_fits(self, attempt, deadline):
        """The backoff delay before attempt ``attempt + 1``, or None when no
        retry is left or it would end after the deadline."""
        if attempt >= self.retries:
            return None
        delay = self._delay(attempt)
        return delay if self._clock() + delay < deadline else None

    def _exchange(self, layout, target, request, read_only):
        """Send ``request`` until a reply comes, a failure is not to be
        retried, or the deadline passes.  Returns (reply, attempts, seconds
        waited); a reply may still be a transient code when no retry fitted."""
        started = self._clock()
        deadline = started + self.timeout
        attempt = 0
        while True:
            try:
                reply = self._send_once(layout, target, request, max(deadline - self._clock(), 0.001))
            except (SmapiConnectionError, SmapiProtocolError) as e:
                accepted = getattr(e, 'accepted', True)
                delay = None
                if getattr(e, 'retryable', True) and (not accepted or read_only):
                    delay = self._retry_fits(attempt, deadline)
                if delay is not None:
                    self._sleep(delay)
                    attempt += 1
                    continue
                raise self._gave_up(e, layout.name, target, accepted and not read_only, attempt + 1, started)
            if (reply.get('return_code', 0), reply.get('reason_code', 0)) in TRANSIENT:
                delay = self._retry_fits(attempt, deadline)
                if delay is not None:
                    self._sleep(delay)
                    attempt += 1
                    continue
            return reply, attempt + 1, self._clock() - started

    def _gave_up(self, exc, function, target, not_resent, attempts, started):
        """``exc`` with a message that says what was tried: the attempts,
        the seconds they took in all, and the deadline."""
        waited = self._clock() - started
        where = '%s on %s' % (function, target) if target else function
        if not_resent:
            text = ('%s: %s; the request had been accepted and may have been carried out, so it was not sent '
                    'again: check the current state before retrying; gave up' % (where, exc))
        else:
            text = '%s; gave up on %s' % (exc, where)
        exc.args = ('%s after %s (smapi_timeout: %g seconds per request, retries included)'
                    % (text, _tried(attempts, waited), self.timeout),)
        exc.attempts = attempts
        exc.waited = waited
        return exc

    def call(self, function, target=None, ok=(), **params):
        """``request`` with the parameters as keyword arguments."""
        return self.request(function, target, params, ok=ok)

    def _wait_async(self, layout, target, reply):
        operation_id = reply.get('operation_id')
        if not isinstance(operation_id, int) or operation_id < 0:
            operation_id = reply.get('reason_code', 0)
        deadline = self._clock() + self.async_timeout
        query = layouts.get('Query_Asynchronous_Operation_DM')
        request = codec.encode_request(query, self.userid, self._password, target,
                                       {'operation_id': operation_id})
        while True:
            status = self._exchange(query, target, request, True)[0]
            rc, rs = status.get('return_code'), status.get('reason_code')
            if rc == 0 and rs == ASYNC_DONE:
                done = dict(reply)
                done.update(return_code=0, reason_code=0, operation_id=operation_id)
                return done
            if rc == 0 and rs == ASYNC_RUNNING or (rc, rs) in TRANSIENT:
                if self._clock() >= deadline:
                    raise SmapiAsyncTimeout(layout.name, target, operation_id, self.async_timeout)
                self._sleep(self.async_poll)
                continue
            if rc == 0 and rs == ASYNC_FAILED:
                raise SmapiAsyncFailed(layout.name, target, operation_id, rc, rs)
            raise SmapiRequestError('Query_Asynchronous_Operation_DM', target, rc, rs, output=status,
                                    layout=query, details='while waiting for %s operation %d'
                                    % (layout.name, operation_id))


def _tried(attempts, seconds):
    """'2 attempts in 12.5 seconds in all'."""
    return '%d attempt%s in %.1f seconds in all' % (attempts, '' if attempts == 1 else 's', seconds)


def _error_details(reply):
    """Error text some functions return with a failing code."""
    for key in ('error_data', 'vmrelocate_error_record'):
        value = reply.get(key)
        if isinstance(value, list):
            value = '; '.join(v for v in value if v)
        if value:
            return value
    return None
