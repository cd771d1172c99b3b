# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SMAPI errors, and where a return/reason code becomes a message.

Everything the SMAPI layer raises derives from ``SmapiError``; its ``str()``
is one line a z/VM administrator can act on.  ``describe(function, rc, rs)``
gives IBM's meaning of a code (from ``return_codes.py``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


# RC 24 reason codes: "syntax error in parameter pp", the reason rr.
SYNTAX_REASONS = {
    13: 'too long',
    14: 'too short',
    15: 'below the minimum value',
    16: 'not hexadecimal',
    17: 'not decimal',
    18: 'above the maximum value',
    19: 'not recognised',
    23: 'conflicting with another parameter',
    24: 'missing',
    25: 'extraneous',
    26: 'too many elements',
    88: 'unexpected end of data',
}


def describe(function, rc, rs):
    """IBM's meaning of rc/rs for ``function``, or None when undocumented."""
    # imported here: the table is large and only needed when something fails
    from ansible_collections.zvm.cloud.plugins.module_utils.smapi import return_codes
    own = return_codes.BY_FUNCTION.get(function, {})
    for key in ('%d_%d' % (rc, rs), '%d' % rc):
        if key in own:
            return own[key]
        if key in return_codes.GENERAL:
            return return_codes.GENERAL[key]
    return None


def syntax_error_detail(function_layout, rs):
    """For RC 24: ``(parameter_name_or_number, problem)`` from ``pprr``."""
    number, reason = divmod(rs, 100)
    problem = SYNTAX_REASONS.get(reason, 'reason %d' % reason)
    name = None
    if function_layout is not None:
        name = function_layout.parameter_name(number)
    return (name or 'parameter %d' % number), number, problem


class SmapiError(Exception):
    """Base class of everything this SMAPI layer raises."""


class SmapiConnectionError(SmapiError):
    """The server could not be reached, or the connection failed.

    ``accepted`` tells whether the server had acknowledged the request (sent
    its request id) before the failure: a request that was not accepted is
    safe to send again.  ``retryable`` is False for failures that another
    attempt cannot cure (a certificate that fails verification).  When the
    client gives up, ``attempts`` and ``waited`` (seconds, all attempts
    together) say what it tried; the message says it too.
    """

    retryable = True
    attempts = None
    waited = None

    def __init__(self, message, host=None, port=None, accepted=False):
        self.host = host
        self.port = port
        self.accepted = accepted
        where = ' (%s:%s)' % (host, port) if host else ''
        SmapiError.__init__(self, '%s%s' % (message, where))


class SmapiTimeout(SmapiConnectionError):
    """Connecting or reading timed out."""


class SmapiTlsError(SmapiConnectionError):
    """The server's certificate failed verification, or the CA certificates
    to verify it with could not be loaded: never retried, and the message
    names the CA file or directory used (``ca``)."""

    retryable = False

    def __init__(self, message, host=None, port=None, ca=None):
        self.ca = ca
        SmapiConnectionError.__init__(self, message, host, port, accepted=False)


class SmapiProtocolError(SmapiError):
    """The server's reply does not follow the SMAPI framing."""

    attempts = None
    waited = None


class SmapiAsyncTimeout(SmapiError):
    """An asynchronous directory-manager operation did not finish in time."""

    def __init__(self, function, target, operation_id, waited):
        self.function = function
        self.target = target
        self.operation_id = operation_id
        SmapiError.__init__(self, '%s on %s: asynchronous operation %d still running after %.0f seconds; '
                                  'check it with Query_Asynchronous_Operation_DM before retrying'
                            % (function, target, operation_id, waited))


class SmapiRequestError(SmapiError):
    """SMAPI answered with a failing return code.

    Attributes: ``function``, ``target``, ``rc``, ``rs``, ``meaning`` (IBM's
    text), ``parameter`` and ``problem`` (RC 24 only), ``details`` (error
    data the server returned, if any) and ``output`` (the decoded reply).
    """

    def __init__(self, function, target, rc, rs, output=None, layout=None, details=None):
        self.function = function
        self.target = target
        self.rc = rc
        self.rs = rs
        self.output = output or {}
        self.meaning = describe(function, rc, rs)
        self.parameter = None
        self.problem = None
        self.details = details
        if rc == 24:
            self.parameter, _number, self.problem = syntax_error_detail(layout, rs)
        SmapiError.__init__(self, self._format())

    def _format(self):
        head = '%s%s failed: RC %d RS %d' % (self.function, ' on %s' % self.target if self.target else '',
                                             self.rc, self.rs)
        if self.rc == 24:
            text = 'syntax error in %s: %s' % (self.parameter, self.problem)
        else:
            text = self.meaning or 'no description of this code is known'
        if self.details:
            text = '%s (%s)' % (text, self.details)
        return '%s: %s' % (head, text)

    def matches(self, rc, rs=None):
        return self.rc == rc and (rs is None or self.rs == rs)
