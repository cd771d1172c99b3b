# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Errors of the access node: SDK errors, so a module reports them in one
line.  Their messages name the node (host and port, or "local"), the
command and the reason; never a password, a private key or a command's
arguments that could carry one."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import SDKBaseException


class NodeError(SDKBaseException):
    """A command on the access node failed, or the node cannot be reached.
    ``code`` is the command's exit code when it ran (None otherwise)."""

    def __init__(self, msg, code=None, rs=None):
        SDKBaseException.__init__(self, msg, rs=rs)
        self.code = code


class NodeTimeout(NodeError):
    """A command on the access node ran longer than allowed and was killed."""
