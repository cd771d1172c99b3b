# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# pylint: disable=consider-using-f-string
"""Request parameters as several handler families read and check them.

``syntax_error(call, parameter, reason)``
    ``Fail(24, pprr)`` with the parameter number from the function's layout
    and ``rr`` one of the RC 24 reasons ``RS_*``.
``text_param``, ``password_param``, ``vdev_param``
    A parameter stripped and upper-cased, a password (None when empty), a
    device number (24/pp16 when it is not one).
``kv_params(call, required=())``
    The keyword parameters of a keyword-list function, checked as SMAPI
    checks them: 8/3002 unknown keyword, 8/3003 bad value, 8/3004 missing
    (``RS_KW_*`` for the codes the handlers raise themselves).
``upcase``, ``hex4``, ``int_in_range``
    Small conversions of parameter values.
"""

from ansible_collections.zvm.cloud.plugins.module_utils import validation
from ansible_collections.zvm.cloud.plugins.module_utils.smapi import codec, layouts

from zvmsim.handlers import Fail

# RC 24 reasons
RS_BELOW_MIN, RS_NOT_HEX, RS_ABOVE_MAX, RS_UNRECOGNIZED, RS_CONFLICT, RS_MISSING = 15, 16, 18, 19, 23, 24
# keyword-list functions (the *_Extended_DM ones) answer 8/300x instead
RS_KW_OPERAND, RS_KW_MISSING = 3003, 3004


def syntax_error(call, parameter, reason=19):
    """``Fail(24, pprr)``: ``pp`` from the layout, ``rr`` the RC 24 reason."""
    layout = layouts.get(call.function)
    number = layout.parameter_number(parameter) if layout is not None else None
    return Fail(24, (number or 0) * 100 + reason)


def text_param(call, name):
    """Parameter ``name`` stripped and upper-cased ('' when absent)."""
    value = call.param(name, '')
    return str(value).strip().upper() if value is not None else ''


def password_param(call, name):
    """Password parameter ``name``, or None when it is empty."""
    value = call.param(name, '')
    return value if value else None


def vdev_param(call, name):
    """Device number parameter ``name`` as 4 hex digits (24/pp16 when it is not one)."""
    try:
        return validation.vdev(text_param(call, name))
    except ValueError:
        raise syntax_error(call, name, RS_NOT_HEX) from None


def upcase(value):
    """A string stripped and upper-cased; anything else (None) as it is."""
    return (value or '').strip().upper() if isinstance(value, str) else value


def hex4(value):
    """A hex device number as 4 digits."""
    return '%04X' % int(value, 16)


def kv_params(call, required=()):
    """The keyword parameters of a keyword-list function, checked as SMAPI
    checks them: 8/3002 unknown keyword, 8/3003 bad value, 8/3004 missing.
    Empty values are left out (they mean "not specified")."""
    layout = layouts.get(call.function)
    kvlist = next(f for f in layout.request if isinstance(f, codec.KVList))
    by_lower = dict((name.lower(), item) for name, item in kvlist.by_name.items())
    out = {}
    for key, value in call.params.items():
        item = kvlist.by_name.get(key) or by_lower.get(str(key).lower())
        if item is None:
            raise Fail(8, 3002)
        try:
            item.check(value, call.function)
        except codec.ValidationError:
            raise Fail(8, 3003) from None
        if value != '':
            out[item.name] = value
    for name in required:
        if not out.get(name):
            raise Fail(8, 3004)
    return out


def int_in_range(value, lo, hi, fail=(8, 3003)):
    """``value`` as an int from ``lo`` to ``hi``, or ``Fail(*fail)``."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Fail(*fail) from None
    if not lo <= number <= hi:
        raise Fail(*fail)
    return number
