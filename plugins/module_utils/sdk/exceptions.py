# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exceptions of the SDK layer, named as in zvmsdk so code written against
the z/VM Cloud Connector SDK catches the same classes.

SMAPI failures are raised as ``SmapiRequestError`` (function, target, rc,
rs and IBM's meaning); ``SDKSMTRequestFailed`` is the same class under the
zvmsdk name.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.errors import SmapiRequestError

SDKSMTRequestFailed = SmapiRequestError


class SDKBaseException(Exception):
    """Base of the SDK's own errors; ``str()`` is one actionable line."""

    def __init__(self, msg, rs=None):
        Exception.__init__(self, msg)
        self.msg = msg
        self.rs = rs


class SDKInvalidInputFormat(SDKBaseException, InputError):
    """A parameter has the wrong form."""


class SDKObjectNotExistError(SDKBaseException):
    """The guest, disk, NIC or vswitch does not exist."""


class SDKConflictError(SDKBaseException):
    """The request conflicts with the current state."""


class SDKGuestOperationError(SDKBaseException):
    """The guest is not in a state that allows the operation."""


class SDKFunctionNotImplementError(SDKBaseException):
    """The operation needs something a direct SMAPI connection cannot do."""


class SDKInternalError(SDKBaseException):
    """Something that should not happen."""


class SDKVolumeOperationError(SDKBaseException):
    """A volume attach or detach failed part way.  ``done`` lists the steps
    that were carried out, ``undone`` those rolled back, ``not_undone``
    those whose rollback failed (with the reason) or was not asked for."""

    def __init__(self, msg, rs=None, done=None, undone=None, not_undone=None):
        SDKBaseException.__init__(self, msg, rs=rs)
        self.done = list(done or [])
        self.undone = list(undone or [])
        self.not_undone = list(not_undone or [])
