# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""System_*: monitoring (guest performance records, system information,
CPU, paging and spool figures) and the reader (System_RDR_File_*).

Everything is computed from the state, so the figures agree with each
other: a running guest uses ``cp.CPU_SHARE`` of each of its virtual CPUs
(nothing while paused), its memory is its logon storage, and the system's
memory, CPU and paging figures add up the logged-on guests.

Reader files live in the ``spool`` table (``queue: RDR``); their order
(System_RDR_File_Manage ORDER) is the ``rdr_order`` object of the owner.
Spool ids show as 4 digits (CP's 1-9999).  Image_Console_Get
(``image.py``) puts guests' console output there.
"""

import time

from zvmsim import cp
from zvmsim.handlers import Fail, Result, handles
from zvmsim.performance import perf_reply
from zvmsim.sysinfo import (cp_level, local_time, processor_count, storage_kb, system_config, system_cpuid,
                            zone_name, zone_offset)

PAGE_KB = 4
CP_OVERHEAD_PAGES = 65536    # the CP nucleus, frames and system data (256M)
SPOOL_BASE_PAGES = 61440     # system data files (NSS, DCSS, saved segments) on spool
VOLUME_PAGES = 5758 * 1024   # a 3390-9 page or spool volume: "5758K" pages
MONITOR_RATE = '2.00 SECONDS'
MONITOR_INTERVAL = '1 MINUTES'


def _real_kb(config):
    return storage_kb(str(system_config(config).get('storage') or '0'))


@handles('System_Image_Performance_Query')
def system_image_performance_query(call):
    """Performance records of the guests of the target name list (or of
    the one guest the target names).  4/4 when some had no data (not
    logged on, unknown, or the target is neither a list nor a guest)."""
    members = call.tx.obj('namelist', call.target)
    if members is not None:
        userids = [str(m).upper() for m in members]
    elif call.tx.entry(call.target) is not None or call.tx.cp(call.target) is not None:
        userids = [call.target]
    else:
        return Result(4, 4, {'performance_records': []})
    return perf_reply(call, userids)


# -- system information ----------------------------------------------------------------------------

def ipl_time(call):
    """When the simulated system was IPLed: the state's first start."""
    stamp = call.tx.meta('ipl_time')
    if stamp is None:
        stamp = min([d['logon_time'] for d in call.tx.cp_all().values()] or [call.now])
    return float(stamp)


def generation_time(call):
    """When CP was generated: ``system.generated`` (epoch), else 02:44:15
    local time 30 days before the IPL."""
    generated = system_config(call.config).get('generated')
    if generated is not None:
        return float(generated)
    day = int(ipl_time(call) + zone_offset(call.config)) // 86400 - 30
    return day * 86400 + 2 * 3600 + 44 * 60 + 15 - zone_offset(call.config)


def _stamp(call, epoch, fmt='%Y-%m-%d %H:%M:%S'):
    return time.strftime(fmt, local_time(call.config, epoch))


def _storage_text(call):
    return str(system_config(call.config).get('storage') or '0').upper()


def _increment(call):
    return str(system_config(call.config).get('storage_increment') or '1M').upper()


@handles('System_Info_Query')
def system_info_query(call):
    """z/VM's time zone, time, CP level, generation and IPL times and real
    storage, from the config ``system`` section."""
    config = call.config
    offset = zone_offset(config)
    zone = zone_name(config)
    version, release, mod = cp_level(config)
    t = local_time(config, call.now)
    storage = _storage_text(call)
    return {
        'time_zone': '%s %s %02d.%02d.%02d' % (zone, 'West' if offset < 0 else 'East', abs(offset) // 3600,
                                               abs(offset) % 3600 // 60, abs(offset) % 60),
        'time': time.strftime('%H:%M:%S', t), 'zone': zone, 'weekday': time.strftime('%A', t).upper(),
        'date': time.strftime('%Y-%m-%d', t),
        'cp_level': 'z/VM Version %d Release %d.%d, service level %s (64-bit)' % (
            version, release, mod, system_config(config).get('service_level') or '0000'),
        'generation_date_time': '%s %s' % (_stamp(call, generation_time(call)), zone),
        'ipl_date_time': '%s %s' % (_stamp(call, ipl_time(call)), zone),
        'storage': storage, 'configured': storage, 'inc': _increment(call), 'standby': '0', 'reserved': '0',
    }


def _cpu_text(us):
    """CP's mmm:ss.hh."""
    hundredths = int(us // 10000)
    return '%03d:%02d.%02d' % (hundredths // 6000, hundredths // 100 % 60, hundredths % 100)


@handles('System_Information_Query')
def system_information_query(call):
    """KEYWORD=value records: CMS and CP levels, CPU capability, CPU id, IPL
    and generation times, storage, and the time with the caller's connect
    and CPU time (QUERY TIME), in the capture's formats."""
    config = call.config
    system = system_config(config)
    version, release, mod = cp_level(config)
    zone = zone_name(config)
    gen, ipl = generation_time(call), ipl_time(call)
    storage = _storage_text(call)
    cms_level = system.get('cms_level') or (28 + release if version == 7 else 28)
    doc = call.tx.cp(call.userid)
    connect, vcpu = 0, 0
    if doc is not None:
        connect = int(max(0.0, call.now - doc['logon_time']))
        vcpu = cp.cpu_used_us(doc, call.now)
    return {'system_information_data': [
        'CMS_LEVEL=LEVEL=%s SERVICE_LEVEL=0000 LANGUAGE=AMENG' % cms_level,
        'CPU_CAPABILITY=PRIMARY=1 SECONDARY=1 NOMINAL=1 ADJUSTMENT_INDICATION=0 CHANGE_REASON=0 '
        'CHANGE_EXPLANATION_LENGTH=0 CHANGE_EXPLANATION=""',
        'CPUID=ID=%s' % system_cpuid(config),
        'CP_LEVEL=VERSION=%d.%d.%d SERVICE_LEVEL=%s GENERATION_TIME=%s GENERATION_DATE=%s GENERATION_TIME_ZONE=%s '
        'IPL_TIME=%s IPL_DATE=%s IPL_TIME_ZONE=%s LANGUAGE=AMENG' % (
            version, release, mod, system.get('service_level') or '0000', _stamp(call, gen, '%H:%M:%S'),
            _stamp(call, gen, '%Y-%m-%d'), zone, _stamp(call, ipl, '%H:%M:%S'), _stamp(call, ipl, '%Y-%m-%d'), zone),
        'STORAGE=ONLINE=%s CONFIGURED=%s INCREMENT=%s STANDBY=0 RESERVED=0' % (storage, storage, _increment(call)),
        'TIME=TIMEZONE=%s TIME=%s DATE=%s CONNECT=%02d:%02d:%02d VIRTUAL_CPU=%s TOTAL_CPU=%s' % (
            zone, _stamp(call, call.now, '%H:%M:%S'), _stamp(call, call.now, '%Y-%m-%d'), connect // 3600,
            connect // 60 % 60, connect % 60, _cpu_text(vcpu), _cpu_text(vcpu * 1.06)),
    ]}


# -- CPU, memory, paging ---------------------------------------------------------------------------

def load(call):
    """(CPU busy percent of the system, pages in use, total pages, paging
    pages in use) from the logged-on guests."""
    docs = call.tx.cp_all()
    processors = processor_count(call.config)
    demand = sum(cp.CPU_SHARE * int(d.get('cpus') or 1) for d in docs.values() if not d.get('paused'))
    busy = min(100.0, 100.0 * demand / processors)
    total = _real_kb(call.config) // PAGE_KB
    wanted = CP_OVERHEAD_PAGES + sum(int(d.get('storage_kb') or 0) for d in docs.values()) // PAGE_KB
    return busy, min(total, wanted), total, max(0, wanted - total)


def _lpar(call):
    return str(system_config(call.config).get('lpar') or 'LP1').upper()


def _detailed_cpu(call, cpu, busy):
    lpar = _lpar(call)
    processors = processor_count(call.config)
    return ('DETAILED_CPU=LPAR_NAME=%-8s LPAR_NUMBER=1 LPAR_ID= ... LPAR_CPU_COUNT=%d LPAR_CAP=YES '
            'LPAR_WEIGHT=1000 LPAR_WAIT=NO LPAR_LOAD=%.2f%% LPAR_STATUS=ACTIVE LPAR_OVERHEAD=0.10%% CPU_TYPE=IFL '
            'CPU_ID=%d CPU_SUSPEND_TIME=0.00%% CPU_LP_OVERHEAD_TIME=0.10%% CPU_BUSY_TIME=%.2f%% '
            'PHYSICAL_CPU_BUSY=%.2f%% LOGICAL_CPU_LOAD=%.2f%% VM_CPU_LOAD=%.2f%%' % (
                lpar, processors, busy, cpu, busy, busy, busy, busy))


@handles('System_Performance_Information_Query')
def system_performance_information_query(call):
    """CPU count and use, paging rate, memory in use and total (4K pages),
    monitor settings and, with DETAILED_CPU=SHOW=YES, one DETAILED_CPU
    record per processor.  Keywords: DETAILED_CPU=SHOW=YES|NO and
    MONITOR_EVENT=QUERY=YES|NO; 8/3002 another keyword, 8/3003 another
    value."""
    detailed = False
    for item in call.param('system_performance_information_list', []) or []:
        key, _sep, value = str(item).upper().partition('=')
        if key == 'DETAILED_CPU':
            if value not in ('SHOW=YES', 'SHOW=NO'):
                raise Fail(8, 3003)
            detailed = value == 'SHOW=YES'
        elif key == 'MONITOR_EVENT':
            if value not in ('QUERY=YES', 'QUERY=NO'):
                raise Fail(8, 3003)
        else:
            raise Fail(8, 3002)
    busy, used, total, paging = load(call)
    processors = processor_count(call.config)
    data = ['CPU_COUNT=%04d' % processors, 'CPU_AVERAGE_USE=%d%%' % int(busy), 'PAGING_RATE=%d' % min(paging, 9999),
            'MEMORY_IN_USE=%d' % used, 'MEMORY_TOTAL=%d' % total, 'MONITOR_RATE=%s ' % MONITOR_RATE,
            'MONITOR_INTERVAL=%s ' % MONITOR_INTERVAL, 'MY_LPAR_NAME=%s' % _lpar(call)]
    if detailed:
        data.append('DETAILED_CPU_COUNT=%d' % processors)
        data += [_detailed_cpu(call, n, busy) for n in range(processors)]
    return {'system_performance_information_data': data}


@handles('System_Performance_Info_Query')
def system_performance_info_query(call):
    """Processor count, average use, paging rate, total and used pages, the
    monitor rate when ``monrate=QUERY`` is given, and one "PROC nnnn-uuu%
    IFL  VM" record per processor.  24/519 a monrate other than QUERY."""
    monrate = call.param('monrate')
    if monrate is not None and str(monrate).upper() != 'QUERY':
        raise Fail(24, 519)
    busy, used, total, paging = load(call)
    processors = processor_count(call.config)
    output = {'num_proc': '%04d' % processors, 'avg_proc': '%d' % int(busy), 'page_rate': '%d' % min(paging, 9999),
              'total_pages': '%d' % total, 'total_used': '%d' % used}
    if monrate is not None:
        output['monitor_rate'] = MONITOR_RATE
    output['procs'] = [{'addr': '%04X' % n, 'usage': '%03d' % int(busy), 'type': 'IFL', 'pe': 'VM'}
                       for n in range(processors)]
    return output


def _pages(n):
    """CP's page counts: thousands as K when exact."""
    return '%dK' % (n // 1024) if n and n % 1024 == 0 else '%d' % n


@handles('System_Page_Utilization_Query')
def system_page_utilization_query(call):
    """The paging volume (M01P01 on 1004, 5758K pages): pages in use are
    the logged-on guests' storage beyond real storage."""
    paging = min(VOLUME_PAGES, load(call)[3])
    pct = '%d' % (paging * 100 // VOLUME_PAGES)
    return {'total_paging_pages': _pages(VOLUME_PAGES), 'total_paging_pages_in_use': '%d' % paging,
            'total_paging_percent_used': pct,
            'paging_volume_array': [{'volid': 'M01P01', 'rdev': '1004', 'total_pages': _pages(VOLUME_PAGES),
                                     'pages_in_use': '%d' % paging, 'percent_used': pct, 'drained': 'NOTDRAINED'}]}


@handles('System_Spool_Utilization_Query')
def system_spool_utilization_query(call):
    """The spool volume (M01S01 on 1003, 5758K pages): system data files
    plus one page per 4K of every spool file."""
    tx = call.tx
    pages = SPOOL_BASE_PAGES
    for doc in tx.spool_files():
        pages += max(1, (len(tx.spool_content(doc['spoolid']) or b'') + 4095) // 4096)
    pages = min(VOLUME_PAGES, pages)
    pct = '%d' % (pages * 100 // VOLUME_PAGES)
    return {'total_spool_pages': _pages(VOLUME_PAGES), 'total_spool_pages_in_use': '%d' % pages,
            'total_spool_percent_used': pct,
            'spool_volume_array': [{'volid': 'M01S01', 'rdev': '1003', 'total_pages': _pages(VOLUME_PAGES),
                                    'pages_in_use': '%d' % pages, 'percent_used': pct, 'dump': 'NOTDUMP',
                                    'drained': 'NOTDRAINED'}]}


# -- the reader ------------------------------------------------------------------------------------

def spool_number(spoolid):
    """The 4-digit number CP shows for a spool id."""
    return int(spoolid) % 10000 or 10000


def reader(tx, userid):
    """The reader files of ``userid`` in queue order."""
    files = [f for f in tx.spool_files(userid) if f.get('queue', 'RDR') == 'RDR']
    order = tx.obj('rdr_order', userid.upper(), []) or []
    rank = dict((spid, i) for i, spid in enumerate(order))
    return sorted(files, key=lambda f: (rank.get(f['spoolid'], len(rank)), f['spoolid']))


@handles('System_RDR_File_Query')
def system_rdr_file_query(call):
    """The target's reader files as CP's QUERY RDR ALL lines (origin, spool
    id, class, device type, records, copies, hold, date, time, name, type,
    distribution).  8/4 no reader files."""
    files = reader(call.tx, call.target)
    if not files:
        raise Fail(8, 4)
    out = []
    for f in files:
        t = local_time(call.config, float(f.get('time') or call.now))
        out.append({'originid': str(f.get('originid') or f['userid']), 'file': '%04d' % spool_number(f['spoolid']),
                    'class': str(f.get('class') or 'A'), 'device_type': str(f.get('device_type') or 'PUN'),
                    'records': '%08d' % int(f.get('records') or 0), 'cpy': '%03d' % int(f.get('copies') or 1),
                    'hold': str(f.get('hold') or 'NONE'), 'date': time.strftime('%m/%d', t),
                    'time': time.strftime('%H:%M:%S', t), 'name': str(f.get('name') or ''),
                    'type': str(f.get('type') or ''), 'dist': str(f.get('dist') or f['userid'])})
    return {'rdr_file_info': out}


@handles('System_RDR_File_Manage')
def system_rdr_file_manage(call):
    """PURGE, ORDER (to the front of the queue, in the order given) or
    TRANSFER (to the authenticated user's reader) files of the target's
    reader: blank-separated spool ids or ALL.  8/3004 no spool ids or no
    action, 8/3003 a spool id not in the reader or an unknown action."""
    tx = call.tx
    spoolids = str(call.param('spoolids', '') or '').upper().split()
    action = str(call.param('action', '') or '').upper()
    if not spoolids or not action:
        raise Fail(8, 3004)
    if action not in ('PURGE', 'ORDER', 'TRANSFER'):
        raise Fail(8, 3003)
    files = reader(tx, call.target)
    if spoolids == ['ALL']:
        chosen = files
    else:
        by_number = dict((spool_number(f['spoolid']), f) for f in files)
        chosen = []
        for text in spoolids:
            if not text.isdigit() or int(text) not in by_number:
                raise Fail(8, 3003)
            chosen.append(by_number[int(text)])
    ids = [f['spoolid'] for f in chosen]
    order = [spid for spid in tx.obj('rdr_order', call.target, []) or [] if spid not in ids]
    if action == 'ORDER':
        tx.put_obj('rdr_order', call.target, ids + order)
        return {}
    tx.put_obj('rdr_order', call.target, order)
    for f in chosen:
        content = tx.spool_content(f['spoolid'])
        tx.delete_spool(f['spoolid'])
        if action == 'TRANSFER':
            data = dict((k, v) for k, v in f.items() if k not in ('spoolid', 'userid'))
            tx.add_spool(call.userid, data, content or b'')
    return {}
