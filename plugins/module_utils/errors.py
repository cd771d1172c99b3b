# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one error type for everything a user can get wrong.

``InputError`` is raised for a bad option, a bad name or value, or a
declaration that contradicts itself or the system (a disk of another size,
a device number already in use).  It is a ``ValueError``, so callers that
catch ValueError keep working; the module frame catches ``InputError`` (and
the SDK's and the codec's subclasses of it), never every ValueError, so a
bug still surfaces as a bug with its traceback.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class InputError(ValueError):
    """Bad input; the message names the field and the problem."""
