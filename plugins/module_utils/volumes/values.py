# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The values an FCP volume is made of, checked before anything uses them.

Each function returns the canonical form or raises InputError naming the
field.  Every character is checked first (printable ASCII only, as in
``validation``), so a Unicode look-alike or a non-ASCII digit never passes:

    fcp_device('1a00')                 -> '1A00'       (1-4 hex digits, as a vdev)
    wwpn('0x500507680B21AC40')         -> '500507680b21ac40'   (16 hex digits, 0x accepted)
    lun('0x4001400000000000')          -> '4001400000000000'
    mount_point('/dev/data01')         -> '/dev/data01'   (absolute, A-Z a-z 0-9 . _ - and /)
    os_version('RHEL8')                -> 'rhel8'

WWPNs and LUNs are lower case without ``0x``, as the reference SDK passes
them; FCP device numbers are upper case like every vdev.  A mount point is
the name the guest's udev gives the volume: ``/dev/data01`` becomes the
symlink ``data01`` (``symlink_name``), as the reference does; it must
not contain ``..`` or ``.`` parts, a ``//`` or a trailing ``/``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.zvm.cloud.plugins.module_utils import validation
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError

_HEX16 = re.compile(r'[0-9a-f]{16}', re.ASCII)
_PATH_PART = re.compile(r'[A-Za-z0-9._-]{1,255}', re.ASCII)
_OS_RE = re.compile(r'[a-z]{2,12}[0-9]{0,3}(\.[0-9]{1,3})?', re.ASCII)
MOUNT_POINT_MAX = 255
OS_VERSION_MAX = 16


def _hex16(value, field, what):
    text = validation.ascii_text(value, field, what).lower()
    digits = text[2:] if text.startswith('0x') else text
    if not _HEX16.fullmatch(digits):
        raise InputError('%s: %r is not %s: expected 16 hexadecimal digits (0x in front is allowed), '
                         'such as 500507680b21ac40' % (field, text, what))
    return digits


def wwpn(value, field='wwpn'):
    """A worldwide port name: 16 hex digits, lower case, without ``0x``."""
    return _hex16(value, field, 'a WWPN')


def lun(value, field='lun'):
    """A logical unit number: 16 hex digits, lower case, without ``0x``."""
    return _hex16(value, field, 'a LUN')


def fcp_device(value, field='fcp_devices'):
    """An FCP device number: 1-4 hex digits, as 4 upper-case digits."""
    return validation.vdev(value, field)


def mount_point(value, field='mount_point'):
    """An absolute path of safe characters (see the module docstring)."""
    text = validation.ascii_text(value, field, 'a mount point')
    if not text.startswith('/') or len(text) > MOUNT_POINT_MAX:
        raise InputError('%s: %r is not an absolute path of at most %d characters, such as /dev/data01'
                         % (field, text, MOUNT_POINT_MAX))
    parts = text[1:].split('/')
    for part in parts:
        if not _PATH_PART.fullmatch(part) or part in ('.', '..'):
            raise InputError('%s: %r is not a safe path: use parts of A-Z, a-z, 0-9, . _ - separated by single '
                             '/ (no . or .. parts, no trailing /)' % (field, text))
    if text == '/dev' or not symlink_name(text):
        raise InputError('%s: %r names no device: give a path such as /dev/data01' % (field, text))
    return text


def symlink_name(path):
    """The udev symlink (relative to /dev) for mount point ``path``."""
    return path[len('/dev/'):] if path.startswith('/dev/') else path.lstrip('/')


def os_version(value, field='os_version'):
    """An operating system version such as rhel8, sles15 or ubuntu22.04 (lower case)."""
    text = validation.ascii_text(value, field, 'an OS version').lower()
    if len(text) > OS_VERSION_MAX or not _OS_RE.fullmatch(text):
        raise InputError('%s: %r is not an OS version such as rhel8, sles15 or ubuntu22.04' % (field, text))
    return text


def flag(value, field):
    """A yes/no option given as a bool (or 'true'/'false', 'yes'/'no', 1/0)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = validation.ascii_text(value, field, 'a boolean').lower()
        if text in ('true', 'yes', '1', 'on'):
            return True
        if text in ('false', 'no', '0', 'off'):
            return False
    raise InputError('%s: %r is not true or false' % (field, value))


def listed(value, field, convert):
    """A list of values (a list, or one string of values separated by blanks
    or commas), each converted, duplicates dropped, order kept."""
    if isinstance(value, str):
        text = validation.ascii_text(value, field, 'a list of values')
        items = [v for v in re.split(r'[ ,]+', text) if v]
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        raise InputError('%s: expected a list, got %s' % (field, type(value).__name__))
    out = []
    for item in items:
        canonical = convert(item, field)
        if canonical not in out:
            out.append(canonical)
    if not out:
        raise InputError('%s: at least one value is required' % field)
    return out
