# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Image_* (the CP side, no _DM): a guest's power state (Image_Activate,
Image_Deactivate, Image_Recycle, Image_Pause) and the queries of a
logged-on guest (Image_Status_Query, Image_Query_Activate_Time,
Image_CPU_Query, Image_Active_Configuration_Query, Image_Performance_Query),
and its console output (Image_Console_Get).

The directory side of images is ``image_dm.py`` (and ``image_definition.py``);
minidisks are ``image_disk.py``.

Image_Activate, Image_Deactivate and Image_Recycle take an image name or
the name of a name list (``Name_List_*``, objects of kind ``namelist``).
For one image the reply carries rc/rs only, as the real server's does (see
the captures); for a list it carries the counts and a failing_array with
the rc/rs of each image that failed, and answers 200/28 (activate), 200/32
(deactivate) or 200/36 (recycle) when some failed.

A soft stop (Image_Deactivate without IMMED) signals the guest's operating
system: a Linux guest (config ``guests[].os: linux``) shuts down after
``power.soft_stop_seconds`` and is logged off then; any other guest (CMS
does not enable for the shutdown signal) is forced off when the force time
runs out.  The guest stays logged on, and Image_Status_Query reports it
active, until then: the cp document's ``stopping`` and ``due`` fields
record the stop and the server settles it lazily (``cp.settle``).

Activating a guest "IPLs" it: a short console log (CP logon messages, then
a Linux boot or a CMS banner) is kept as the ``console`` object of the
guest; Image_Console_Get spools it to the caller's reader (a file that
System_RDR_File_Query, ``system.py``, then lists).
"""

import re
import time

from ansible_collections.zvm.cloud.plugins.module_utils import directory
from ansible_collections.zvm.cloud.plugins.module_utils.smapi import layouts

from zvmsim import cp
from zvmsim.dirmaint import profile_entry
from zvmsim.handlers import Fail, Result, handles
from zvmsim.performance import perf_reply
from zvmsim.sysinfo import cp_level, local_time, system_config, system_cpuid, zone_name

# CP's SIGNAL SHUTDOWN accepts at most this many seconds (200/36 beyond it).
MAX_SIGNAL_SECONDS = 65535
# Operating systems that enable for the shutdown signal and go down by themselves.
SIGNAL_AWARE = ('linux',)
CPU_TYPES = {'CP': 1, 'IFL': 2, 'ZAAP': 3, 'ZIIP': 4}
# Image_Active_Configuration_Query device types.
DEV_CONS, DEV_RDR, DEV_PUN, DEV_PRT, DEV_DASD = 1, 2, 3, 4, 5
DATE_FORMATS = {1: '%m/%d/%y', 2: '%m/%d/%Y', 3: '%y-%m-%d', 4: '%Y-%m-%d', 5: '%d/%m/%y', 6: '%d/%m/%Y'}


# -- targets ---------------------------------------------------------------------------------------

def exists(tx, userid):
    """A directory entry or a logged-on guest of that name."""
    return tx.entry(userid) is not None or tx.cp(userid) is not None


def resolve(tx, target, missing=(200, 4)):
    """(is_list, userids) for an image name or a name list; Fail(*missing)
    if neither."""
    if exists(tx, target):
        return False, [target]
    members = tx.obj('namelist', target)
    if members is not None:
        return True, [str(m).upper() for m in members]
    raise Fail(*missing)


def _outcome(is_list, results, counts, list_rc, ok_rs=0):
    """The reply for one image or a list: ``results`` is [(userid, rc, rs)]."""
    if not is_list:
        _userid, rc, rs = results[0]
        if rc:
            raise Fail(rc, rs)
        return Result(0, rs)
    failed = [(u, rc, rs) for u, rc, rs in results if rc]
    output = {counts[0]: len(results) - len(failed), counts[1]: len(failed),
              'failing_array': [{'image_name': u, 'return_code': rc, 'reason_code': rs} for u, rc, rs in failed]}
    if failed:
        return Result(200, list_rc, output)
    return Result(0, ok_rs, output)


# -- the virtual machine as CP sees it -------------------------------------------------------------

def active_cpus(tx, userid, doc, config):
    """The guest's virtual CPUs: [{'address', 'base', 'type', 'cpuid'}].

    A cp document may list them (``cpu_list``); otherwise they are the
    directory's CPU statements, as many as the guest has (``cpus``), with
    further addresses made up when CP was told to define more."""
    if doc.get('cpu_list'):
        return doc['cpu_list']
    ent = cp.entry(tx, userid)
    cpus = []
    for st in (ent.cpus if ent is not None else []):
        cpus.append({'address': st.address, 'base': bool(st.base), 'type': st.type or 'IFL', 'cpuid': st.cpuid})
    count = int(doc.get('cpus') or len(cpus) or 1)
    cpus = cpus[:count]
    used = set(int(c['address'], 16) for c in cpus)
    addr = 0
    while len(cpus) < count:
        while addr in used:
            addr += 1
        used.add(addr)
        cpus.append({'address': '%02X' % addr, 'base': False, 'type': 'IFL', 'cpuid': None})
    if not any(c['base'] for c in cpus):
        cpus[0]['base'] = True
    sysid = system_cpuid(config)
    for c in cpus:
        c['id'] = ('FF' + c['cpuid'].rjust(6, '0') + sysid[8:12] + '0000') if c.get('cpuid') else sysid
    return cpus


def ipl_log(call, userid, doc):
    """The console output of a guest's logon and IPL, as lines."""
    tx, config = call.tx, call.config
    ent = cp.entry(tx, userid)
    t = local_time(config, doc['logon_time'])
    level = cp_level(config)
    lines = ['z/VM Version %d Release %d.%d, Service Level %s (64-bit),'
             % (level + (system_config(config).get('service_level') or '0000',)),
             'built on IBM Virtualization Technology',
             'There is no logmsg data',
             'FILES:   NO RDR,   NO PRT,   NO PUN',
             'LOGON AT %s %s %s %s' % (time.strftime('%H:%M:%S', t), zone_name(config),
                                       time.strftime('%A', t).upper(), time.strftime('%m/%d/%y', t))]
    ipl = ent.ipl.device if ent is not None and ent.ipl is not None else 'CMS'
    if cp.guest_os(tx, userid) == 'linux' and ipl != 'CMS':
        mem_mb = int(doc.get('storage_kb') or 0) // 1024
        lines += ['Booting default (zipl) from %s' % ipl,
                  'Linux version 6.1.0-zvmsim (builder@zvmsim) (gcc 12.2.0) #1 SMP s390x',
                  'setup: Linux is running as a z/VM guest operating system in 64-bit mode',
                  'setup: The maximum memory size is %dMB' % mem_mb,
                  'smp: Brought up 1 node, %d CPUs' % int(doc.get('cpus') or 1)]
        for mdisk in (ent.mdisks if ent is not None else []):
            lines.append('dasd: 0.0.%s: New DASD (%s) online' % (mdisk.vdev.lower(), mdisk.devtype))
        for nic in (ent.nics if ent is not None else []):
            lines.append('qeth 0.0.%s: Device is a Virtual NIC QDIO card (level: V732)' % nic.vdev.lower())
        lines += ['systemd[1]: Detected virtualization zvm.',
                  'systemd[1]: Reached target multi-user.target - Multi-User System.',
                  '',
                  '%s login:' % userid.lower()]
    else:
        lines += ['z/VM V%d.%d.%d    %s' % (level + (time.strftime('%Y-%m-%d %H:%M', t),)),
                  'Ready; T=0.01/0.01 %s' % time.strftime('%H:%M:%S', t)]
    return lines


def boot(call, userid, doc):
    """Record the console output of an IPL that just happened."""
    call.tx.put_obj('console', userid, {'lines': ipl_log(call, userid, doc), 'since': doc['logon_time']})


def console_lines(call, userid, doc):
    """The console output not yet spooled; a guest logged on by the seed has
    its IPL output waiting."""
    con = call.tx.obj('console', userid)
    if con is None or con.get('since', 0) < doc['logon_time']:
        return ipl_log(call, userid, doc)
    return con.get('lines') or []


def log_off(tx, userid):
    """Log a guest off; its unspooled console output goes with it."""
    cp.log_off(tx, userid)
    tx.delete_obj('console', userid)


# -- Image_Activate, Image_Deactivate, Image_Recycle -----------------------------------------------

def activate_one(call, userid):
    """(rc, rs) of activating one image."""
    tx = call.tx
    if tx.entry(userid) is None:
        return 200, 4
    doc = tx.cp(userid)
    if doc is not None:
        return (200, 16) if doc.get('stopping') else (200, 8)
    doc = cp.log_on(tx, userid, call.now)
    boot(call, userid, doc)
    return 0, 0


@handles('Image_Activate')
def image_activate(call):
    """Log a guest (or each guest of a name list) on, disconnected, and IPL
    it.  200/4 no directory entry, 200/8 already active, 200/16 being
    deactivated; 200/28 when some images of a list were not activated."""
    is_list, userids = resolve(call.tx, call.target)
    results = [(u,) + activate_one(call, u) for u in userids]
    return _outcome(is_list, results, ('activated', 'not_activated'), 28)


def parse_force_time(call):
    """('immed', 0) or ('signal', seconds) for the force_time parameter."""
    raw = call.param('force_time', '') or ''
    words = raw.upper().split()
    bad = Fail(24, layouts.get(call.function).parameter_number('force_time') * 100 + 19)
    if not words:
        return 'signal', int(((call.config.get('power') or {}).get('default_shutdown_seconds')) or 0)
    if words == ['IMMED']:
        return 'immed', 0
    if len(words) != 2:
        raise bad
    if words[0] == 'WITHIN':
        if not words[1].isdigit():
            raise bad
        seconds = int(words[1])
    elif words[0] == 'BY':
        match = re.match(r'^(\d{1,2}):(\d{2})$', words[1])
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            raise bad
        t = local_time(call.config, call.now)
        now_s = t.tm_hour * 3600 + t.tm_min * 60 + t.tm_sec
        seconds = (int(match.group(1)) * 3600 + int(match.group(2)) * 60 - now_s) % 86400 or 86400
    else:
        raise bad
    if seconds > MAX_SIGNAL_SECONDS:
        raise Fail(200, 36)
    return 'signal', seconds


def deactivate_one(call, userid, mode, seconds):
    """(rc, rs) of deactivating one image (``mode`` 'immed' or 'signal')."""
    tx, now = call.tx, call.now
    doc = tx.cp(userid)
    if doc is None:
        return 200, 12
    if mode == 'immed':
        # CP FORCE ... IMMED logs the guest off even while a shutdown signal is pending
        log_off(tx, userid)
        return 0, 0
    if doc.get('stopping'):
        return 200, 16
    stopping = {'signalled': now, 'deadline': now + seconds}
    if cp.guest_os(tx, userid) in SIGNAL_AWARE:
        stopping['os_down'] = now + float((call.config.get('power') or {}).get('soft_stop_seconds') or 0)
    due = min(stopping.get('os_down', stopping['deadline']), stopping['deadline'])
    if due <= now:
        log_off(tx, userid)
        return 0, seconds
    doc['stopping'] = stopping
    doc['due'] = due
    tx.put_cp(userid, doc)
    return 0, seconds


@handles('Image_Deactivate')
def image_deactivate(call):
    """Log a guest (or each guest of a name list) off: IMMED at once;
    otherwise signal a shutdown (the system default time for an empty
    force_time, WITHIN n seconds, or BY hh:mm local time) and force it off
    when that time runs out.  A signalled stop answers 0/n (n: the seconds
    allowed).  200/12 not active (or no such image), 200/16 already being
    deactivated, 200/36 the time is beyond 65535 seconds, 24/519 a force_time
    CP does not know; 200/32 when some images of a list were not
    deactivated."""
    mode, seconds = parse_force_time(call)
    is_list, userids = resolve(call.tx, call.target, missing=(200, 12))
    results = [(u,) + deactivate_one(call, u, mode, seconds) for u in userids]
    if is_list:
        return _outcome(True, results, ('deactivated', 'not_deactivated'), 32, seconds)
    return _outcome(False, results, None, 32)


def recycle_one(call, userid):
    """(rc, rs) of recycling one image."""
    tx = call.tx
    if not exists(tx, userid):
        return 200, 4
    doc = tx.cp(userid)
    if doc is None:
        return 200, 12
    if doc.get('stopping'):
        return 200, 16
    log_off(tx, userid)
    doc = cp.log_on(tx, userid, call.now)
    boot(call, userid, doc)
    return 0, 0


@handles('Image_Recycle')
def image_recycle(call):
    """Log a logged-on guest (or each of a name list) off at once and on
    again, IPLing it afresh.  200/4 no such image, 200/12 not active,
    200/16 being deactivated; 200/36 when some images of a list were not
    recycled."""
    is_list, userids = resolve(call.tx, call.target)
    results = [(u,) + recycle_one(call, u) for u in userids]
    return _outcome(is_list, results, ('recycled', 'not_recycled'), 36)


# -- Image_Pause -----------------------------------------------------------------------------------

@handles('Image_Pause')
def image_pause(call):
    """PAUSE stops a logged-on guest's virtual CPUs (its CPU time stops
    growing), BEGIN starts them again; either is a no-op when already so.
    8/12 the guest is not logged on, 8/3004 no action, 8/3003 an action
    other than PAUSE or BEGIN."""
    action = str(call.param('action', '') or '').upper()
    if not action:
        raise Fail(8, 3004)
    if action not in ('PAUSE', 'BEGIN'):
        raise Fail(8, 3003)
    tx, now = call.tx, call.now
    doc = tx.cp(call.target)
    if doc is None:
        raise Fail(8, 12)
    if action == 'PAUSE' and not doc.get('paused'):
        doc['cpu_used_us'] = cp.cpu_used_us(doc, now)
        doc['paused'] = True
        doc['paused_since'] = now
    elif action == 'BEGIN' and doc.get('paused'):
        doc['paused'] = False
        doc['running_since'] = now
        doc.pop('paused_since', None)
    tx.put_cp(call.target, doc)
    return {}


# -- queries ---------------------------------------------------------------------------------------

@handles('Image_Status_Query')
def image_status_query(call):
    """0/0 and the name when the guest is logged on (disconnected or not,
    also while a soft stop is pending); 0/12 when it is not, whether or not
    it exists.  Target '*': 0/0 and the names of all logged-on guests."""
    tx = call.tx
    if call.target == '*':
        return {'image_name_array': sorted(tx.cp_all())}
    if tx.cp(call.target) is None:
        return Result(0, 12)
    return {'image_name_array': [call.target]}


@handles('Image_Query_Activate_Time')
def image_query_activate_time(call):
    """When the guest logged on, in the system's local time, the date in
    the requested format (1 mm/dd/yy ... 6 dd/mm/yyyy).  200/12 not
    active."""
    doc = call.tx.cp(call.target)
    if doc is None:
        raise Fail(200, 12)
    t = local_time(call.config, doc['logon_time'])
    fmt = DATE_FORMATS[int(call.param('date_format_indicator', 4))]
    return {'image_name': call.target, 'activation_date': time.strftime(fmt, t),
            'activation_time': time.strftime('%H:%M:%S', t)}


@handles('Image_CPU_Query')
def image_cpu_query(call):
    """The guest's virtual CPUs: address, CPU id, base flag (1 for the base
    CPU), status (1 stopped when the guest is paused, else 3 active) and
    type (1 CP, 2 IFL, 3 zAAP, 4 zIIP).  216/12 not active."""
    doc = call.tx.cp(call.target)
    if doc is None:
        raise Fail(216, 12)
    cpus = active_cpus(call.tx, call.target, doc, call.config)
    status = 1 if doc.get('paused') else 3
    info = [{'cpu_number': int(c['address'], 16), 'cpu_id': c['id'], 'cpu_base': 1 if c['base'] else 0,
             'cpu_status': status, 'cpu_type': CPU_TYPES.get(str(c['type']).upper(), 2)} for c in cpus]
    return {'number_cpus': len(cpus), 'cpu_info_array': info}


def _memory(kb):
    """(size, unit) with unit 3 GB, 2 MB or 1 KB, the largest that is exact."""
    if kb and kb % (1024 * 1024) == 0:
        return kb // (1024 * 1024), 3
    if kb and kb % 1024 == 0:
        return kb // 1024, 2
    return kb, 1


def _unit_record_type(devtype):
    devtype = str(devtype or '').upper()
    if 'READER' in devtype or devtype in ('2501', '3505'):
        return DEV_RDR
    if 'PUNCH' in devtype or devtype == '3525':
        return DEV_PUN
    return DEV_PRT


def active_devices(tx, userid, doc):
    """[(device_type, vdev)] of the guest's console, spool and DASD devices:
    its entry merged over its INCLUDEd profile, the DASD being the active
    minidisks the cp document lists (``disks``, kept by the disk handlers)
    or else the entry's MDISK and LINK statements."""
    ent = cp.entry(tx, userid)
    if ent is None:
        return []
    found = {}
    for source in (profile_entry(tx, ent), ent):
        if source is None:
            continue
        for st in source.statements:
            if isinstance(st, directory.Console):
                found[st.vdev] = DEV_CONS
            elif isinstance(st, directory.Spool):
                found[st.vdev] = _unit_record_type(st.devtype)
            elif isinstance(st, directory.Mdisk) and 'disks' not in doc:
                found[st.vdev] = DEV_DASD
            elif isinstance(st, directory.Link) and 'disks' not in doc:
                found[st.vdev2] = DEV_DASD
    for vdev in doc.get('disks') or {}:
        found[str(vdev).upper()] = DEV_DASD
    return sorted(((kind, vdev) for vdev, kind in found.items()), key=lambda d: (d[0], int(d[1], 16)))


@handles('Image_Active_Configuration_Query')
def image_active_configuration_query(call):
    """The running guest's memory (from its logon storage), CPU share (the
    directory SHARE, else RELATIVE 100), virtual CPUs (status 1 base, 4
    other active, 2 stopped while paused) and devices (1 console, 2
    reader, 3 punch, 4 printer, 5 DASD: minidisks and links).  200/12 not
    active."""
    tx = call.tx
    doc = tx.cp(call.target)
    if doc is None:
        raise Fail(200, 12)
    ent = cp.entry(tx, call.target)
    share = None
    for source in (ent, profile_entry(tx, ent)):
        if source is not None and share is None:
            share = next((s for s in source.statements if isinstance(s, directory.Share)), None)
    size, unit = _memory(int(doc.get('storage_kb') or 0))
    cpus = active_cpus(tx, call.target, doc, call.config)
    paused = doc.get('paused')
    return {
        'memory_size': size, 'memory_unit': unit,
        'share_type': 2 if share is not None and share.share_type == 'ABSOLUTE' else 1,
        'share_value': (share.value if share is not None and share.value else '100').rstrip('%'),
        'number_cpus': len(cpus),
        'cpu_info_array': [{'cpu_number': int(c['address'], 16), 'cpu_id': c['id'],
                            'cpu_status': 2 if paused else (1 if c['base'] else 4)} for c in cpus],
        'device_info_array': [{'device_type': kind, 'device_address': vdev}
                              for kind, vdev in active_devices(tx, call.target, doc)],
    }


@handles('Image_Performance_Query')
def image_performance_query(call):
    """One performance record per logged-on guest of the userid list (the
    target is not used); guests not logged on, or unknown, get none and
    make the answer 4/4 (some targets had no data)."""
    userids = [str(u).upper() for u in call.param('userid_list', []) or [] if str(u).strip()]
    return perf_reply(call, userids)


# -- console output --------------------------------------------------------------------------------

def distribution(tx, userid):
    """A user's spool distribution code: its ACCOUNT's, else the account
    number, else the userid."""
    ent = cp.entry(tx, userid)
    account = ent.account if ent is not None else None
    if account is not None:
        return (account.distribution or account.number or userid).upper()
    return userid.upper()


@handles('Image_Console_Get')
def image_console_get(call):
    """Close the target's console spool file and send it to the caller's
    reader: class T, device type CON, file name the guest, file type
    CONSOLE, origin the guest.  It holds the console output since the
    previous Image_Console_Get (the IPL log after an activation).  8/8 no
    spool file available: the guest is not logged on or wrote nothing
    since."""
    tx, guest = call.tx, call.target
    doc = tx.cp(guest)
    if doc is None:
        raise Fail(8, 8)
    lines = console_lines(call, guest, doc)
    if not lines:
        raise Fail(8, 8)
    content = ('\n'.join(lines) + '\n').encode('latin-1', 'replace')
    tx.add_spool(call.userid, {'queue': 'RDR', 'originid': guest, 'class': 'T', 'device_type': 'CON',
                               'records': len(lines), 'copies': 1, 'hold': 'NONE', 'time': call.now,
                               'name': guest, 'type': 'CONSOLE', 'dist': distribution(tx, guest)}, content)
    tx.put_obj('console', guest, {'lines': [], 'since': doc['logon_time']})
    return {}
