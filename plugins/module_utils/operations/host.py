# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The system: its level and figures, the logged-on guests, the guests'
performance records, console spool files in the SMAPI user's reader, and
the files waiting in a guest's reader.
Every query here is one request for the whole system, whatever its size.

What the codes mean, once:

    Check_Authentication                  100/any the password is right, but the
                                               user may not call this function -> (100, rs)
    System_Information_Query              (none tolerated)
    System_Performance_Information_Query  (none tolerated)
    Image_Status_Query of '*'             (none tolerated)   -> the names of the logged-on guests
    Image_Performance_Query               4/4  some guests have no record
                                               (not logged on, or unknown)   -> the records there are
    Image_Console_Get                     8/8  no spool file: the guest is not
                                               logged on or wrote nothing    -> False
    System_RDR_File_Query                 8/4  the reader is empty           -> []
                                          100/any (a guest's reader) the SMAPI
                                               user may not read it          -> None
    System_RDR_File_Manage PURGE          8/3003 a file is not in the reader
                                               (already purged)              -> fine
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zvm.cloud.plugins.module_utils.operations.session import outcome


def keyword_records(records):
    """'KEY=A=1 B=2' records (System_Information_Query and friends) as
    {'KEY': {'A': '1', 'B': '2'}} (or {'KEY': 'value'} when not nested);
    the first record of a key wins."""
    out = {}
    for record in records or []:
        key, sep, value = record.partition('=')
        if not sep:
            continue
        if '=' in value:
            fields = {}
            for word in value.split():
                k, s, v = word.partition('=')
                if s:
                    fields[k] = v
            out.setdefault(key, fields)
        else:
            out.setdefault(key, value.strip())
    return out


def authenticate(session):
    """Check_Authentication: whether the SMAPI server accepts the SMAPI
    user and password (a wrong one raises: 120/0).  Returns (rc, rs):
    (0, 0), or (100, rs) when the user authenticated but is not authorized
    for Check_Authentication itself (which nothing else needs)."""
    return outcome(session.call('Check_Authentication', ok=[100]))


def system_information(session):
    """System_Information_Query: CP level, CPU id, storage, IPL time, as
    keyword_records ({'CP_LEVEL': {'VERSION': '7.3.0', ...}, ...})."""
    reply = session.call('System_Information_Query', session.userid)
    return keyword_records(reply.get('system_information_data'))


def system_performance(session):
    """System_Performance_Information_Query of everything: CPU count and
    use, memory in use and total (4K pages), the LPAR, as keyword_records
    ({'CPU_COUNT': '0004', ...})."""
    reply = session.call('System_Performance_Information_Query', session.userid,
                         system_performance_information_list=[])
    return keyword_records(reply.get('system_performance_information_data'))


def logged_on(session):
    """Image_Status_Query of '*': the userids of every logged-on guest
    (upper case, in CP's order)."""
    reply = session.call('Image_Status_Query', '*')
    return [str(n).strip().upper() for n in reply.get('image_name_array') or [] if str(n).strip()]


def performance_records(session, userids):
    """Image_Performance_Query of ``userids`` in one request: the records
    (dicts with guest_name, guest_cpus, used_cpu_time, ...) of those that
    are logged on; the others have none (4/4)."""
    if not userids:
        return []
    reply = session.call('Image_Performance_Query', session.userid, userid_list=list(userids), ok=[(4, 4)])
    return reply.get('performance_records') or []


def console_to_reader(session, userid):
    """Image_Console_Get: close the guest's console spool file and send it
    to the SMAPI user's reader.  False when there was none to send (8/8:
    the guest is not logged on, or wrote nothing since the last time)."""
    return outcome(session.call('Image_Console_Get', userid, ok=[(8, 8)])) != (8, 8)


def reader_files(session):
    """System_RDR_File_Query of the SMAPI user: its reader files (dicts
    with file, originid, type, ...) in reader order; [] when the reader is
    empty (8/4)."""
    reply = session.call('System_RDR_File_Query', session.userid, ok=[(8, 4)])
    return [] if outcome(reply) == (8, 4) else reply.get('rdr_file_info') or []


def guest_reader_files(session, userid):
    """System_RDR_File_Query of guest ``userid``: the files waiting in its
    reader (dicts with file, originid, class, name, type, records, ...) in
    reader order; [] when there are none (8/4); None when the SMAPI user
    may not read that reader (100: not authorized)."""
    reply = session.call('System_RDR_File_Query', userid, ok=[(8, 4), 100])
    found = outcome(reply)
    if found == (8, 4):
        return []
    if found[0] == 100:
        return None
    return reply.get('rdr_file_info') or []


def console_files(session, userid):
    """The spool ids (as CP shows them, e.g. '42') of the console files of
    ``userid`` in the SMAPI user's reader, in reader order."""
    out = []
    for f in reader_files(session):
        if (str(f.get('originid') or '').strip().upper() == userid
                and str(f.get('type') or '').strip().upper() == 'CONSOLE'
                and str(f.get('file') or '').strip().isdigit()):
            out.append('%d' % int(f['file']))
    return out


def purge_reader_files(session, spoolids):
    """System_RDR_File_Manage PURGE of the SMAPI user's reader files
    ``spoolids``; files already gone (8/3003) are fine."""
    if not spoolids:
        return
    session.call('System_RDR_File_Manage', session.userid, spoolids=' '.join(spoolids), action='PURGE',
                 ok=[(8, 3003)])
