# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Preflight: what the SMAPI user may do, tried read-only, before a first
run changes anything (zvm.cloud.zvm_facts with ``gather_subset: preflight``).

    checks = preflight.run(sdk)     # [{'capability', 'functions', 'ok', 'rc', 'rs', 'meaning', 'hint'}]

Each check is one capability the collection uses, tried with the read-only
operation the modules, facts and inventory use for it, on the SMAPI user's
own user ID as the target (or ``*`` where the collection asks about the
whole system).  ``ok`` is True when the server answered (an answer such as
"no such profile" counts: the request was authorized and carried out),
False when it refused or failed, with IBM's meaning of the code and a
``hint`` saying what to set up; None for what cannot be tried without a
write (the directory, CP and virtual switch changes): those checks list the
functions to authorize.  When the server cannot be reached, or the user
does not authenticate, the first check says so and the others are not tried.

Nothing here writes: every function a probe calls is a query (the client
counts them as reads, and the tests check that a preflight makes no write).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zvm.cloud.plugins.module_utils.operations import (
    adapters, disks, entries, fcp, host, power, vswitches,
)
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import SDKBaseException, SDKObjectNotExistError
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.errors import (
    SmapiConnectionError, SmapiError, SmapiRequestError, SmapiTlsError, describe,
)

CONNECT = 'connect and authenticate'
# the answer when the target (the SMAPI user's own entry) has no directory entry: authorized and carried out
NOT_DEFINED = (400, 4)
AUTHLIST = "SMAPI's authorization list (VSMWORK1 AUTHLIST)"
DIRMAINT_AUTHFOR = ('DIRM FOR ALL AUTHFOR %s CMDL 140A CMDS ADGHOPS, and the same with CMDL 150A')

# the writes: (capability, functions, who needs them); none can be tried without changing something
WRITES = (
    ('directory changes', ['Image_Create_DM', 'Image_Delete_DM', 'Image_Lock_DM', 'Image_Replace_DM',
                           'Image_Unlock_DM', 'Image_Disk_Create_DM', 'Image_Disk_Delete_DM', 'Image_Disk_Copy_DM',
                           'Virtual_Network_Adapter_Create_Extended_DM', 'Virtual_Network_Adapter_Connect_Vswitch_DM',
                           'Virtual_Network_Adapter_Disconnect_DM', 'Virtual_Network_Adapter_Delete_DM',
                           'Image_Device_Dedicate_DM', 'Image_Device_Undedicate_DM', 'Query_Asynchronous_Operation_DM'],
     'zvm_guest (clone_from: Image_Disk_Copy_DM), zvm_nic and zvm_volume (Image_Device_*)'),
    ('CP changes', ['Image_Activate', 'Image_Deactivate', 'Image_Pause', 'Image_Disk_Create', 'Image_Disk_Delete',
                    'Virtual_Network_Adapter_Create_Extended', 'Virtual_Network_Adapter_Connect_Vswitch',
                    'Virtual_Network_Adapter_Disconnect', 'Virtual_Network_Adapter_Delete',
                    'Image_Device_Dedicate', 'Image_Device_Undedicate'],
     'zvm_guest, zvm_nic (active), zvm_image (capture_from), zvm_vswitch (re-coupling NICs) and zvm_volume '
     '(active)'),
    ('virtual switch changes', ['Virtual_Network_Vswitch_Create_Extended', 'Virtual_Network_Vswitch_Delete_Extended',
                                'Virtual_Network_Vswitch_Set_Extended'],
     'zvm_vswitch'),
)


def _count(number, one, many):
    return '%d %s' % (number, one if number == 1 else many)


# -- the probes: each makes the requests of its check and returns what it found, in words -----------

def _entry(session):
    found = entries.query(session, session.userid)
    return 'read the entry of %s' % session.userid if found is not None else \
        'answered (%s has no directory entry)' % session.userid


def _names(session):
    return 'the directory has %s' % _count(len(entries.names(session)), 'entry', 'entries')


def _query_all(session):
    refused = entries.query_all_refusal(session)
    if refused is not None:
        raise _Refused('Query_All_DM', session.userid, refused)
    return 'the whole directory in one request'


def _profiles(session):
    return 'answered (profile %s %s)' % (session.userid, 'exists' if entries.profile_exists(session, session.userid)
                                         else 'does not exist, as expected')


def _pools(session):
    names = disks.pool_names(session)
    return '%s%s' % (_count(len(names), 'disk pool', 'disk pools'), (': %s' % ', '.join(names[:10])) if names else '')


def _locks(session):
    owner = session.lock_owner(session.userid)
    return 'answered (the entry of %s is %s)' % (session.userid, 'locked by %s' % owner if owner else 'not locked')


def _status(session):
    return '%s logged on' % _count(len(host.logged_on(session)), 'guest', 'guests')


def _cpus(session):
    stopped = power.cpus_stopped(session, session.userid)
    return 'answered (%s is %s)' % (session.userid, 'not logged on' if stopped is None else 'logged on')


def _performance(session):
    records = host.performance_records(session, [session.userid])
    return 'answered (%s)' % ('a record of %s' % session.userid if records else 'no record: %s is not logged on'
                              % session.userid)


def _system(session):
    info = host.system_information(session)
    host.system_performance(session)
    return 'z/VM %s' % ((info.get('CP_LEVEL') or {}).get('VERSION') or '(level not reported)')


def _vswitches(session):
    return _count(len(vswitches.query_extended(session, '*')), 'virtual switch', 'virtual switches')


def _byte_stats(session):
    vswitches.byte_stats(session, '*')
    return 'answered'


def _adapters(session):
    nics = adapters.query(session, session.userid)
    return 'answered (%s)' % ('%s is not logged on' % session.userid if nics is None
                              else '%s has %s' % (session.userid, _count(len(nics), 'NIC', 'NICs')))


def _reader(session):
    return '%s in the reader of %s' % (_count(len(host.reader_files(session)), 'file', 'files'), session.userid)


def _fcp_devices(session):
    return _count(len(fcp.wwpn_query(session)), 'FCP device', 'FCP devices')


def _dedications(session):
    return _count(sum(len(v) for v in fcp.directory_claims(session).values()), 'DEDICATE statement',
                  'DEDICATE statements')


# (capability, functions, probe, who needs it, what to say when it is refused but the collection copes)
PROBES = (
    ('read a directory entry', ['Image_Query_DM'], _entry,
     'zvm_guest, zvm_nic, zvm_image (capture_from); zvm_facts and the inventory when Query_All_DM is refused', None),
    ('list the directory', ['Image_Name_Query_DM'], _names,
     'zvm_facts (guests), the inventory', None),
    ('read the whole directory', ['Query_All_DM'], _query_all,
     "zvm_facts (definitions), the inventory, zvm_guest's fleet form",
     "optional: without it, each guest's entry is read by itself (one request per guest)"),
    ('check a profile', ['Profile_Query_DM'], _profiles,
     'zvm_guest (profile)', None),
    ('disk pools', ['Image_Volume_Space_Query_DM'], _pools,
     'zvm_guest (disks), zvm_facts (diskpools)', None),
    ('directory locks', ['Image_Lock_Query_DM'], _locks,
     'zvm_guest and zvm_nic, to release a stale lock', None),
    ('power states', ['Image_Status_Query'], _status,
     'zvm_guest, zvm_image (capture_from), zvm_facts (guests), the inventory', None),
    ('paused or running', ['Image_CPU_Query'], _cpus,
     'zvm_guest', None),
    ('guest statistics', ['Image_Performance_Query'], _performance,
     'zvm_facts (stats), the inventory without definitions', None),
    ('host information', ['System_Information_Query', 'System_Performance_Information_Query'], _system,
     'zvm_facts (host)', None),
    ('virtual switches', ['Virtual_Network_Vswitch_Query_Extended'], _vswitches,
     'zvm_vswitch, zvm_nic, zvm_guest (nics), zvm_facts, the inventory', None),
    ('NIC traffic counters', ['Virtual_Network_Vswitch_Query_Byte_Stats'], _byte_stats,
     'zvm_facts (nics)', None),
    ("a running guest's NICs", ['Virtual_Network_Adapter_Query_Extended'], _adapters,
     'zvm_guest (nics), zvm_nic (active)', None),
    ('reader files', ['System_RDR_File_Query'], _reader,
     'zvm_facts (definitions: the files waiting in each guest\'s reader)',
     'optional: without it, the guests\' reader files are not shown (null)'),
    ('FCP devices', ['System_WWPN_Query'], _fcp_devices,
     'zvm_volume, zvm_facts (volumes)', None),
    ('search the directory', ['Directory_Manager_Search_DM'], _dedications,
     'zvm_volume (which guest an FCP device is dedicated to), zvm_facts (volumes)', None),
)


class _Refused(Exception):
    """A refusal an operation answers with instead of raising (Query_All_DM)."""

    def __init__(self, function, target, pair):
        self.function, self.target = function, target
        self.rc, self.rs = pair
        self.meaning = describe(function, self.rc, self.rs) or 'refused'
        Exception.__init__(self, '%s refused: RC %d RS %d: %s' % (function, self.rc, self.rs, self.meaning))


def hint(user, function, target, rc, rs):
    """What to set up on z/VM when ``function`` answered ``rc``/``rs``."""
    target = target or user
    if rc == 100 and rs == 8:
        return ('the external security manager refused it: permit %s to call %s on target %s in the ESM (see its '
                'documentation for SMAPI)' % (user, function, target))
    if rc == 100 and rs == 12:
        return 'DirMaint refused it: authorize %s in DirMaint for all entries: %s' % (user, DIRMAINT_AUTHFOR % user)
    if rc == 100:
        return ('%s refused it: add a record for %s with target %s (or ALL) and function %s (or ALL) to %s, then '
                'restart SMAPI' % ('the SMAPI server' if rs == 16 else 'SMAPI', user, target, function, AUTHLIST))
    if rc == 120:
        return ('check smapi_user and smapi_password: SMAPI does not accept them (a wrong, expired or revoked '
                'password or pass phrase, or a user it does not know)')
    if rc == 900 and rs == 12:
        return 'this SMAPI server does not have %s: check the z/VM level and the SMAPI service applied' % function
    if rc == 500 and rs == 8:
        return 'DirMaint is not available: check that DIRMAINT is logged on and configured for SMAPI'
    return 'see the meaning; IBM\'s Systems Management Application Programming lists the codes of %s' % function


def _result(capability, functions, ok, rc=None, rs=None, meaning=None, hint_text=None):
    return {'capability': capability, 'functions': list(functions), 'ok': ok, 'rc': rc, 'rs': rs,
            'meaning': meaning, 'hint': hint_text}


def _connection_hint(error):
    text = 'check smapi_host and smapi_port (44444 by default), '
    if isinstance(error, SmapiTlsError):
        text += 'smapi_tls, smapi_ca_path and the server certificate, '
    return text + ('that the SMAPI request server (VSMREQIN, or VSMREQI6 for IPv6) is logged on and listening on '
                   'that port, and that the network lets this controller reach it')


def _failure(capability, functions, error, user):
    """The result of a check whose request failed with ``error``."""
    if isinstance(error, (SmapiRequestError, _Refused)):
        return _result(capability, functions, False, error.rc, error.rs, error.meaning or str(error),
                       hint(user, error.function, error.target, error.rc, error.rs))
    if isinstance(error, SmapiConnectionError):
        return _result(capability, functions, False, meaning=str(error), hint_text=_connection_hint(error))
    return _result(capability, functions, False, meaning=str(error),
                   hint_text='see the meaning: the request failed before SMAPI answered it')


def connect(session):
    """The first check: does SMAPI answer, and does it accept the user?"""
    functions = ['Check_Authentication']
    try:
        rc, rs = host.authenticate(session)
    except (SmapiError, SDKBaseException) as e:
        return _failure(CONNECT, functions, e, session.userid)
    meaning = '%s authenticated' % session.userid
    if rc:
        meaning += (' (RC %d RS %d: it may not call Check_Authentication itself, which the collection does not '
                    'need)' % (rc, rs))
    return _result(CONNECT, functions, True, rc, rs, meaning)


def probe(session, capability, functions, func, needed_by, optional=None):
    """One read-only check: its result, whatever the server answers."""
    try:
        meaning = func(session)
    except SDKObjectNotExistError as e:    # an answer: the request was authorized and carried out
        return _result(capability, functions, True, 0, 0, 'answered (%s)' % e)
    except SmapiRequestError as e:
        if not e.matches(*NOT_DEFINED):
            return _refused(capability, functions, e, session.userid, needed_by, optional)
        return _result(capability, functions, True, e.rc, e.rs, 'answered (%s has no directory entry)' % session.userid)
    except (SmapiError, SDKBaseException, _Refused) as e:
        return _refused(capability, functions, e, session.userid, needed_by, optional)
    return _result(capability, functions, True, 0, 0, meaning)


def _refused(capability, functions, error, user, needed_by, optional):
    out = _failure(capability, functions, error, user)
    text = '%s (used by %s)' % (out['hint'], needed_by)
    out['hint'] = '%s. %s%s' % (optional, text[:1].upper(), text[1:]) if optional else text
    return out


def not_checked(user):
    """The checks that would need a write: the functions to authorize."""
    out = []
    for capability, functions, needed_by in WRITES:
        dm = any(f.endswith('_DM') for f in functions)
        text = ('authorize %s for these functions (target: the guests it manages%s) in %s%s' % (
            user, ', and its own user ID' if capability == 'virtual switch changes' else '', AUTHLIST,
            ' and in DirMaint (%s)' % (DIRMAINT_AUTHFOR % user) if dm else ''))
        out.append(_result(capability, functions, None, meaning='not checked: it needs a write (used by %s)'
                           % needed_by, hint_text=text))
    return out


def run(sdk):
    """Every check, in order: connecting first, then each read-only
    capability, then the writes that are not checked."""
    session = sdk.session
    first = connect(session)
    checks = [first]
    for capability, functions, func, needed_by, optional in PROBES:
        if first['ok']:
            checks.append(probe(session, capability, functions, func, needed_by, optional))
        else:
            checks.append(_result(capability, functions, None, meaning='not checked: %s failed' % CONNECT,
                                  hint_text=None))
    checks.extend(not_checked(session.userid))
    return checks
