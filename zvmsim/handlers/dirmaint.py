# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The directory manager itself: Query_Asynchronous_Operation_DM,
Query_Directory_Manager_Level_DM and Directory_Manager_Search_DM.

Asynchronous operations are recorded by ``zvmsim.dirmaint.start_async``.
Query_Asynchronous_Operation_DM of an unknown operation id answers 0/0, as
the capture of a real system shows.
"""

import re

from zvmsim.dirmaint import directory_config
from zvmsim.handlers import Result, handles


@handles('Query_Asynchronous_Operation_DM')
def query_asynchronous_operation_dm(call):
    """0/104 while the operation runs, then 0/100 (0/108 if it failed); an
    unknown operation id answers 0/0 (as a real system does)."""
    op = call.tx.async_op(call.param('operation_id'))
    if op is None:
        return {}
    if call.now < op['complete_at']:
        return Result(0, 104)
    return Result(0, 108 if op.get('failed') else 100)


@handles('Query_Directory_Manager_Level_DM')
def query_directory_manager_level_dm(call):
    """``DIRMAINT 7.3.0``: the directory manager and its level
    (directory.level in the config, else the system level)."""
    level = directory_config(call).get('level') or (call.config.get('system') or {}).get('level') or '7.3.0'
    return {'directory_manager_level': 'DIRMAINT %s' % level}


def _search_regex(pattern):
    """DirMaint search pattern: ``*`` any string, ``%`` one character, blanks
    match any run of blanks, no case; it must match the whole statement."""
    out = []
    for ch in ' '.join(pattern.upper().split()):
        if ch == '*':
            out.append('.*')
        elif ch == '%':
            out.append('.')
        elif ch == ' ':
            out.append(' +')
        else:
            out.append(re.escape(ch))
    return re.compile('^' + ''.join(out) + '$', re.S)


@handles('Directory_Manager_Search_DM')
def directory_manager_search_dm(call):
    """Statements of user and profile entries that match the pattern, each
    with its entry's name, in EBCDIC order of the names; 0/28 and an empty
    array when nothing matches."""
    regex = _search_regex(call.param('search_pattern') or '')
    found = []
    entries = list(call.tx.entries('user')) + list(call.tx.entries('profile'))
    for name, records in sorted(entries, key=lambda e: e[0].encode('cp037', 'replace')):
        for record in records:
            text = record.strip()
            if text and regex.match(' '.join(text.split())):
                found.append({'target_id': name, 'statement': record.rstrip()})
    if not found:
        return Result(0, 28, {'statement_array': []})
    return {'statement_array': found}
