# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The directory manager itself: Query_Asynchronous_Operation_DM,
Query_Directory_Manager_Level_DM, Directory_Manager_Search_DM and
Query_All_DM.

Asynchronous operations are recorded by ``zvmsim.dirmaint.start_async``.
Query_Asynchronous_Operation_DM of an unknown operation id answers 0/0, as
the capture of a real system shows.
"""

import re

from zvmsim.dirmaint import directory_config, ebcdic_sorted
from zvmsim.handlers import HANDLERS, Call, Fail, Result, handles


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


# Query_All_DM entry types, as the captures of a real system show them:
# 0 USER, 1 PROFILE (with format=no also 3 POOL, 4 the SSI prologue,
# 5 GLOBALDEFS, 6 IDENTITY, 7 SUBCONFIG, which zvmsim does not model).
ENTRY_USER, ENTRY_PROFILE, ENTRY_IDENTITY = 0, 1, 6


def query_all_authorized(call):
    """``directory.query_all_authorized``: true (default) lets every SMAPI
    user run Query_All_DM, false nobody, a list only those userids."""
    allowed = directory_config(call).get('query_all_authorized', True)
    if isinstance(allowed, (list, tuple)):
        return call.userid in [str(u).upper() for u in allowed]
    return bool(allowed)


def _first_keyword(records):
    """The first word of the entry's first statement (comments skipped)."""
    for record in records:
        words = record.split()
        if words and not words[0].startswith('*'):
            return words[0].upper()
    return ''


def _definition_items(call, name):
    """The entry as Image_Definition_Query_DM of ``*`` gives it (the
    function's own handler, through the registry: handler modules do not
    import each other)."""
    sub = Call(call.sim, call.tx, 'Image_Definition_Query_DM', name,
               {'definition_query_directory_keyword_parameter_list': ['*']}, call.userid, call.request_id)
    return HANDLERS['Image_Definition_Query_DM'].func(sub)['directory_information_data']


@handles('Query_All_DM')
def query_all_dm(call):
    """Every directory entry in one reply: the profiles (type 1), then the
    users (type 0; 6 for an IDENTITY with format=no), each in EBCDIC order
    of the names.  ``FORMAT=NO``: the entry's records as stored, trailing
    blanks removed (as the capture shows; Image_Query_DM pads them to 72
    columns).  ``FORMAT=YES``: the entry as keyword=value items, exactly as
    Image_Definition_Query_DM of ``*`` answers (items a real system adds
    for an INCLUDEd profile's statements, ``LINK_PROFILE=``..., are not
    modelled).  100/12 (not authorized by the directory manager) when
    ``directory.query_all_authorized`` does not allow the SMAPI user."""
    if not query_all_authorized(call):
        raise Fail(100, 12)
    formatted = (call.param('query_keyword_parameter_list') or '').upper().replace(' ', '') == 'FORMAT=YES'
    out = []
    for kind, entry_type in (('profile', ENTRY_PROFILE), ('user', ENTRY_USER)):
        entries = dict(call.tx.entries(kind))
        for name in ebcdic_sorted(entries):
            records = entries[name]
            item = {'directory_entry_type': entry_type, 'directory_entry_id': name}
            if formatted:
                items = _definition_items(call, name)
                if kind == 'profile':     # a profile has no password: the capture has no PASSWORD= item
                    items = [i for i in items if i != 'PASSWORD=']
                item['directory_entry_data'] = items
            else:
                if kind == 'user' and _first_keyword(records) == 'IDENTITY':
                    item['directory_entry_type'] = ENTRY_IDENTITY
                item['directory_entry_records'] = [r.rstrip() or ' ' for r in records]
            out.append(item)
    return {'directory_entries_array': out}
