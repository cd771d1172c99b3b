# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Guest performance records (DIAGNOSE X'2FC'), as Image_Performance_Query
and System_Image_Performance_Query report them.

Everything is computed from the state: a running guest uses
``cp.CPU_SHARE`` of each of its virtual CPUs (nothing while paused) and its
memory is its logon storage.
"""

from ansible_collections.zvm.cloud.plugins.module_utils import directory

from zvmsim import cp
from zvmsim.dirmaint import profile_entry
from zvmsim.handlers import Result
from zvmsim.sysinfo import processor_count, storage_kb

RECORD_VERSION = 1
MAX_CPU_LIMIT = 10000        # no LIMITHARD/LIMITSOFT: the record's "no limit" value
INT4_MAX = 2 ** 31 - 1


def _entry_figures(tx, userid):
    """(max storage KB, MACHINE max CPUs, relative share) from the directory."""
    ent = cp.entry(tx, userid)
    prof = profile_entry(tx, ent)
    max_kb, max_cpus, share = 0, 0, 100
    for source in (prof, ent):
        if source is None:
            continue
        if source.max_storage:
            max_kb = storage_kb(source.max_storage)
        if source.machine is not None and source.machine.max_cpus:
            max_cpus = int(source.machine.max_cpus)
        st = next((s for s in source.statements if isinstance(s, directory.Share)), None)
        if st is not None and st.share_type == 'RELATIVE' and str(st.value or '').isdigit():
            share = int(st.value)
    return max_kb, max_cpus, share


def perf_record(call, userid, doc):
    """The DIAGNOSE X'2FC' record of one logged-on guest."""
    now = call.now
    cpus = int(doc.get('cpus') or 1)
    logon_kb = int(doc.get('storage_kb') or 0)
    max_kb, max_cpus, share = _entry_figures(call.tx, userid)
    used_us = cp.cpu_used_us(doc, now)
    elapsed = max(0.0, now - doc['logon_time'])
    total = min(INT4_MAX, int(elapsed))
    in_use = min(total, int(used_us // 1000000))
    processors = processor_count(call.config)
    return {
        'record_version': RECORD_VERSION, 'guest_flags': 0,
        'used_cpu_time': used_us, 'elapsed_cpu_time': int(elapsed * 1000000),
        'min_memory': logon_kb, 'max_memory': max(max_kb, logon_kb), 'shared_memory': 0, 'used_memory': logon_kb,
        'active_cpus_in_cec': processors, 'logical_cpus_in_vm': processors, 'guest_cpus': cpus,
        'min_cpu_count': cpus, 'max_cpu_limit': MAX_CPU_LIMIT if not max_cpus else max(max_cpus, cpus),
        'processor_share': share,
        'samples_cpu_in_use': in_use, 'samples_cpu_delay': 0, 'samples_page_wait': 0,
        'samples_idle': total - in_use, 'samples_other': 0, 'samples_total': total,
        'guest_name': userid.ljust(8),
    }


def perf_reply(call, userids):
    """The records of the logged-on guests of ``userids``; 4/4 when some had none."""
    records, missing = [], False
    for userid in userids:
        doc = call.tx.cp(userid)
        if doc is None:
            missing = True
            continue
        records.append(perf_record(call, userid, doc))
    output = {'performance_records': records}
    return Result(4, 4, output) if missing else output
