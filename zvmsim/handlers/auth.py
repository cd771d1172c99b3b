# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Authentication and server-level queries."""

from zvmsim.handlers import Result, handles


@handles('Check_Authentication')
def check_authentication(_call):
    """Valid credentials: 0/0.  The server already answered 120/0 for a bad
    userid or password, and 100/16 when the user may not call it.  The
    request may come without a target field (as fence_zvmip sends it)."""
    return {}


@handles('Query_API_Functional_Level')
def query_api_functional_level(_call):
    """z/VM 7.3 reports API level 7.3 (RS 730)."""
    return Result(0, 730)
