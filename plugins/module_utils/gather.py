# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading a whole z/VM system in bulk: the one implementation behind the
zvm.cloud.zvm_facts module and the zvm.cloud.zvm inventory plugin.

    reader = SystemReader(sdk, max_connections=8)
    guests = reader.guests(include=['LNX*'], definitions=True)    # {USERID: {...}}
    facts = gather(sdk, resolve_subsets(['all', '!stats']))

SMAPI calls per subset.  Only ``definitions`` grows with the number of
guests; everything else is a fixed number of bulk calls, whatever the size
of the system:

    guests       Image_Name_Query_DM, Image_Status_Query of '*'                  2
    stats        Image_Performance_Query of all logged-on guests at once          1
    nics         Virtual_Network_Vswitch_Query_Extended and _Byte_Stats of '*'    2
    vswitches    Virtual_Network_Vswitch_Query_Extended of '*' (shared with nics) 1
    host         System_Information_Query, System_Performance_Information_Query   2
    diskpools    Image_Volume_Space_Query_DM: the groups, then free and used of
                 each group                                                     1 + 2 per pool
    definitions  Query_All_DM: every entry in one reply                          1
                 or, when the server refuses it (not authorized, not there),
                 Image_Query_DM of each guest on up to ``max_connections``
                 connections at once                                   1 + 1 per guest
                 and in zvm_facts (``reader_files``), System_RDR_File_Query of
                 each guest: the files waiting in its reader           + 1 per guest
    preflight    each capability tried read-only (``preflight.run``); only
                 when named, never part of 'all'                                18
    images       the image repository on the access node (``image_query``);
                 only when named, never part of 'all'                            0
    volumes      the FCP devices (System_WWPN_Query, the DEDICATE statements of
                 Directory_Manager_Search_DM) and the recorded volumes of the
                 guests that dedicate one (their entries, as definitions reads
                 them); only when named, never part of 'all'       2 + 1 (or 1 per guest)

``read_directory`` makes that choice and says which path it took
('query_all' or 'per_guest'); the facts report it as ``directory_read``.
Each query is made once per reader, however many subsets need it.  The
concurrent reads give the same result, in the same order, as serial ones
(``max_connections=1``): results are collected in the order of the guest
list, and an error is the one the first failing guest in that order gives.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import fnmatch
import re
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.zvm.cloud.plugins.module_utils import directory, preflight, units, validation
from ansible_collections.zvm.cloud.plugins.module_utils.directory import records
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.operations import disks, entries, host, vswitches
from ansible_collections.zvm.cloud.plugins.module_utils.operations.power import OFF as POWER_OFF, ON as POWER_ON
from ansible_collections.zvm.cloud.plugins.module_utils.planners import images
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.host import host_info

SUBSETS = ('host', 'diskpools', 'guests', 'definitions', 'vswitches', 'nics', 'stats')
# subsets gathered only when named: not part of 'all', nor of "all but" exclusions
# (images needs the access node)
EXPLICIT_SUBSETS = ('preflight', 'images', 'volumes')
# subsets that add to each guest: they need (and bring in) the guest list
GUEST_SUBSETS = ('definitions', 'nics', 'stats')
POWER_STATES = (POWER_ON, POWER_OFF)
# how read_directory read the entries
QUERY_ALL, PER_GUEST = 'query_all', 'per_guest'

DEFAULT_MAX_CONNECTIONS = 8
MAX_CONNECTIONS = 64

# Virtual_Network_Vswitch_Query_Extended switch_status, in the words of the
# SDK's vswitch_query without the trailing remarks ('OSA device ready')
SWITCH_STATUS = dict((int(code), text.split('.', maxsplit=1)[0]) for code, text in vswitches.SWITCH_STATUS.items())

# DirMaint's own comment records: not the owner's comments
_CONTROL_COMMENT_RE = re.compile(r'^\s*\*\s*(DVHOPT|PW\d*=|AC=|ED=)', re.IGNORECASE)
_PATTERN_CHARS = validation.USERID_CHARS + '*?[]!'


# -- options -----------------------------------------------------------------------------------------

def resolve_subsets(requested):
    """The subsets to gather, in SUBSETS order (then EXPLICIT_SUBSETS),
    from names, 'all' and '!name' exclusions (as ansible.builtin.setup reads
    gather_subset).

    Only exclusions means "all but these"; '!all' keeps only what is named;
    'preflight' is gathered only when named.
    definitions, nics and stats add to the guests, so naming one of them
    brings in 'guests'; '!guests' drops those that came only from 'all'.
    Raises InputError naming an unknown subset.
    """
    if requested is None:
        requested = ['all']
    if isinstance(requested, str):
        requested = [requested]
    includes, excludes = [], []
    for item in requested:
        name = str(item).strip().lower()
        negated = name.startswith('!')
        name = name[1:].strip() if negated else name
        if name != 'all' and name not in SUBSETS + EXPLICIT_SUBSETS:
            raise InputError('gather_subset: %r is not a subset; choose from all, %s (or !name to exclude one)'
                             % (str(item), ', '.join(SUBSETS + EXPLICIT_SUBSETS)))
        (excludes if negated else includes).append(name)
    explicit = set(includes) - set(['all'])
    chosen = set(SUBSETS) if (not includes or 'all' in includes) else set()
    chosen |= explicit
    if 'all' in excludes:
        chosen = set(explicit)
    chosen -= set(excludes) - set(['all'])
    if 'guests' not in chosen:
        if chosen & explicit & set(GUEST_SUBSETS):
            chosen.add('guests')
        else:
            chosen -= set(GUEST_SUBSETS)
    return [s for s in SUBSETS + EXPLICIT_SUBSETS if s in chosen]


def check_patterns(patterns, field):
    """Guest name patterns (fnmatch: * ? [...]) in upper case; InputError
    naming ``field`` for anything else."""
    if patterns is None:
        return None
    if isinstance(patterns, str):
        patterns = [patterns]
    out = []
    for p in patterns:
        text = str(p).strip(' ')
        # upper() only after the ASCII check: no Unicode case mapping ('l\u0131nux*' is not 'LINUX*')
        text = text.upper() if validation.non_ascii(text) is None else text
        bad = [c for c in text if c not in _PATTERN_CHARS]
        if not text or bad:
            raise InputError('%s: %r is not a guest name or pattern (a userid, with * ? and [...] as wildcards)'
                             % (field, str(p)))
        out.append(text)
    return out


def name_filter(include=None, exclude=None):
    """A predicate on userids: matching one ``include`` pattern (all when
    None) and no ``exclude`` pattern."""
    include = check_patterns(include, 'include')
    exclude = check_patterns(exclude, 'exclude') or []

    def keep(name):
        if include is not None and not any(fnmatch.fnmatchcase(name, p) for p in include):
            return False
        return not any(fnmatch.fnmatchcase(name, p) for p in exclude)
    return keep


def check_max_connections(value, field='max_connections'):
    """``value`` as a number of connections from 1 to MAX_CONNECTIONS;
    InputError naming ``field`` for anything else."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if isinstance(value, bool) or not 1 <= number <= MAX_CONNECTIONS:
        raise InputError('%s: %r is not a number of connections from 1 to %d' % (field, value, MAX_CONNECTIONS))
    return number


def bounded_map(func, items, max_connections):
    """``[func(item) for item in items]`` on up to ``max_connections``
    threads at once.  Results keep the order of ``items``; if calls fail,
    the error of the first failing item in that order is raised (as a
    serial loop would), after the calls already running have ended."""
    items = list(items)
    workers = min(max_connections, len(items))
    if workers <= 1:
        return [func(item) for item in items]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(func, item) for item in items]
        try:
            return [f.result() for f in futures]
        except BaseException:
            for f in futures:
                f.cancel()
            raise


# -- shaping ------------------------------------------------------------------------------------------

def _memory(text):
    """('4G', 4096) from a directory storage value; (text, None) if unreadable."""
    if not text:
        return None, None
    try:
        nbytes = units.parse_memory(text)
    except ValueError:
        return text, None
    return units.format_bytes(nbytes), nbytes // (1024 * 1024)


def _int(text, default=None):
    value = str(text if text is not None else '').strip()
    return int(value) if value.isdigit() else default


def comments(entry):
    """The entry's own comment records, without the '*' (DirMaint's
    control records such as *DVHOPT and *PW= are left out)."""
    out = []
    for st in entry.statements:
        if isinstance(st, directory.Comment):
            text = st.text.strip()
            if text.startswith('*') and not _CONTROL_COMMENT_RE.match(text):
                out.append(text[1:].strip())
    return out


def definition_facts(entry):
    """What a guest's directory entry says, for facts and hostvars."""
    d = entry.to_dict()
    memory, memory_mb = _memory(entry.storage)
    max_memory, max_memory_mb = _memory(entry.max_storage)
    machine = entry.machine
    return {
        'profile': entry.include,
        'memory': memory,
        'memory_mb': memory_mb,
        'max_memory': max_memory,
        'max_memory_mb': max_memory_mb,
        'vcpus': len(entry.cpus) or 1,
        'max_vcpus': machine.max_cpus if machine is not None else None,
        'privileges': entry.privileges,
        'ipl': d['ipl']['device'] if d['ipl'] else None,
        'disks': d['disks'],
        'nics': d['nics'],
        'comments': comments(entry),
    }


def reader_facts(records):
    """``{'count', 'files': [{'spoolid', 'name', 'type', 'class', 'origin',
    'records'}]}`` of System_RDR_File_Query's records, in reader order."""
    files = []
    for r in records:
        files.append({'spoolid': _int(str(r.get('file') or '').strip()), 'name': str(r.get('name') or '').strip(),
                      'type': str(r.get('type') or '').strip(), 'class': str(r.get('class') or '').strip(),
                      'origin': str(r.get('originid') or '').strip().upper(),
                      'records': _int(str(r.get('records') or '').strip())})
    return {'count': len(files), 'files': files}


def stats_facts(stats):
    """Memory and CPUs of a running guest from its performance record
    (guest_inspect_stats): for hostvars when directories are not read."""
    kb = stats.get('min_mem_kb') or stats.get('max_mem_kb') or 0
    memory, memory_mb = _memory('%dK' % kb) if kb else (None, None)
    max_kb = stats.get('max_mem_kb') or 0
    max_memory = _memory('%dK' % max_kb)[0] if max_kb else None
    return {'memory': memory, 'memory_mb': memory_mb, 'max_memory': max_memory, 'vcpus': stats.get('guest_cpus')}


def _mac(text):
    hexits = re.sub(r'[^0-9A-Fa-f]', '', str(text or ''))
    if len(hexits) != 12:
        return str(text or '') or None
    return ':'.join(hexits[i:i + 2] for i in range(0, 12, 2)).upper()


def vswitch_facts(record):
    """One Virtual_Network_Vswitch_Query_Extended record as facts."""
    aware = str(record.get('vlan_awareness') or '').upper() == 'AWARE'
    status = _int(record.get('switch_status'))
    return {
        'name': str(record.get('switch_name') or '').strip().upper(),
        'transport_type': record.get('transport_type'),
        'vlan_aware': aware,
        'vlan_id': _int(record.get('vlan_id')) if aware else None,
        'native_vlan_id': _int(record.get('native_vlan_id')) if aware else None,
        'port_type': record.get('port_type') if aware else None,
        'switch_type': record.get('switch_type'),
        'status': SWITCH_STATUS.get(status, str(record.get('switch_status'))),
        'status_code': status,
        'mac_address': _mac(record.get('mac_address')),
        'real_devices': [
            {'rdev': d.get('real_device_address'),
             'vdev': d.get('virtual_device_address'),
             'controller': None if d.get('controller_name') in (None, '', '(NONE)') else d.get('controller_name'),
             'port_name': None if d.get('port_name') in (None, '', '(NONE)') else d.get('port_name'),
             'status': _int(d.get('device_status'))}
            for d in record.get('real_device_info_array') or []],
        'grants': [
            {'userid': str(u.get('grant_userid') or '').strip().upper(),
             'vlan_ids': [str(v) for v in u.get('vlan_ids') or []],
             'promiscuous': str(u.get('promiscuous_mode') or '').upper() == 'PROM',
             'port_number': u.get('port_num')}
            for u in record.get('authorized_user_array') or []],
        'connected_nics': [
            {'userid': str(a.get('adapter_owner') or '').strip().upper(),
             'vdev': str(a.get('adapter_vdev') or '').strip().upper(),
             'mac_address': _mac(a.get('adapter_macaddr')),
             'type': a.get('adapter_type')}
            for a in record.get('connected_adapter_array') or []],
    }


# active NIC counters: our name <- guest_inspect_vnics' name
NIC_COUNTERS = (('rx_bytes', 'nic_rx'), ('tx_bytes', 'nic_tx'), ('rx_frames', 'nic_fr_rx'),
                ('tx_frames', 'nic_fr_tx'), ('rx_discarded', 'nic_fr_rx_dsc'), ('tx_discarded', 'nic_fr_tx_dsc'),
                ('rx_errors', 'nic_fr_rx_err'), ('tx_errors', 'nic_fr_tx_err'))


def _vnic_counters(vnic):
    """The counters of a guest_inspect_vnics entry (None each without one)."""
    return dict((ours, vnic[theirs] if vnic else None) for ours, theirs in NIC_COUNTERS)


def _pool_kind(devtype):
    return 'ECKD' if str(devtype).startswith('3390') else 'FBA'


# -- the reader -----------------------------------------------------------------------------------------

def read_entries(session, userids, max_connections=DEFAULT_MAX_CONNECTIONS):
    """The directory entries of ``userids`` (``operations.entries.query``,
    one Image_Query_DM each) on up to ``max_connections`` connections at
    once, in the order of ``userids``; None for a guest that is gone."""
    return bounded_map(lambda userid: entries.query(session, userid), userids, max_connections)


def read_directory(session, userids, max_connections=DEFAULT_MAX_CONNECTIONS):
    """(entries, path): the directory entries of ``userids`` in their order
    (None for a guest that has none) and how they were read: QUERY_ALL, one
    Query_All_DM for all of them (``operations.entries.query_all``), or,
    when the server refuses that, PER_GUEST (``read_entries``); path None
    when there was nothing to read."""
    userids = list(userids)
    if not userids:
        return [], None
    found = entries.query_all(session, only=set(userids))
    if found is None:
        return read_entries(session, userids, max_connections), PER_GUEST
    return [found.get(userid) for userid in userids], QUERY_ALL


class SystemReader:
    """Bulk reads of one z/VM system through an SDKAPI (its session, for
    the operations, and its public methods); every query is made at most
    once per reader."""

    def __init__(self, sdk, max_connections=DEFAULT_MAX_CONNECTIONS):
        self.sdk = sdk
        self.session = sdk.session
        self.max_connections = check_max_connections(max_connections)
        self._memo = {}
        # how the definitions were read (read_directory's path), None until they are
        self.directory_read = None

    def _once(self, key, func):
        if key not in self._memo:
            self._memo[key] = func()
        return self._memo[key]

    # -- raw bulk queries ----------------------------------------------------------------------
    def guest_names(self):
        """Every guest in the directory (Image_Name_Query_DM), sorted."""
        return self._once('names', lambda: entries.names(self.session))

    def logged_on(self):
        """The logged-on guests (Image_Status_Query of '*')."""
        return self._once('logged_on', lambda: frozenset(host.logged_on(self.session)))

    def vswitch_records(self):
        """Virtual_Network_Vswitch_Query_Extended records of every switch."""
        return self._once('vswitches', lambda: vswitches.query_extended(self.session, '*'))

    # -- subsets -------------------------------------------------------------------------------------
    def host(self):
        """The host: zvmsdk's host_get_info keys plus the CP level, storage,
        CPU and LPAR figures as SMAPI reports them."""
        info = host.system_information(self.session)
        perf = host.system_performance(self.session)
        out = host_info(info, perf, self.sdk.client.userid, self.sdk.client.host, self.sdk.host_diskpool_get_info())
        cp_level = info.get('CP_LEVEL') or {}
        storage = info.get('STORAGE') or {}
        out.update({
            'level': cp_level.get('VERSION'),
            'service_level': cp_level.get('SERVICE_LEVEL'),
            'cpuid': (info.get('CPUID') or {}).get('ID'),
            'storage': storage.get('ONLINE') or storage.get('CONFIGURED'),
            'cpus': _int(perf.get('CPU_COUNT'), 0),
            'cpu_average_use_percent': _int(str(perf.get('CPU_AVERAGE_USE') or '').rstrip('%'), 0),
            'memory_pages_total': _int(perf.get('MEMORY_TOTAL')),
            'memory_pages_in_use': _int(perf.get('MEMORY_IN_USE')),
            'lpar': perf.get('MY_LPAR_NAME'),
        })
        return out

    def diskpools(self):
        """{POOL: {'name', 'type', 'unit', 'total', 'used', 'free',
        'total_bytes', 'used_bytes', 'free_bytes', 'volumes': [...]}}: the
        DirMaint groups; sizes are cylinders (ECKD) or 512-byte blocks
        (FBA) and bytes, per pool and per volume (total = free + used)."""
        out = {}
        for name in disks.pool_names(self.session):
            volumes = {}
            for query_type, key in ((disks.QUERY_FREE, 'free'), (disks.QUERY_USED, 'used')):
                for r in disks.space_records(self.session, query_type, disks.ENTRY_GROUP, name):
                    if len(r) < 4 or not r[3].isdigit():
                        continue
                    vol = volumes.setdefault(r[0].upper(), {'volume': r[0].upper(), 'devtype': r[1],
                                                            'total': 0, 'used': 0, 'free': 0})
                    vol[key] += int(r[3])
            pool = {'name': name, 'type': None, 'unit': None, 'total': 0, 'used': 0, 'free': 0, 'total_bytes': 0,
                    'used_bytes': 0, 'free_bytes': 0, 'volumes': []}
            for volid in sorted(volumes):
                vol = volumes[volid]
                vol['total'] = vol['used'] + vol['free']
                unit_bytes = units.units_to_bytes(1, '3390' if _pool_kind(vol['devtype']) == 'ECKD' else '9336')
                for key in ('total', 'used', 'free'):
                    vol[key + '_bytes'] = vol[key] * unit_bytes
                    pool[key] += vol[key]
                    pool[key + '_bytes'] += vol[key + '_bytes']
                if pool['type'] is None:
                    pool['type'] = _pool_kind(vol['devtype'])
                    pool['unit'] = 'cylinders' if pool['type'] == 'ECKD' else 'blocks'
                pool['volumes'].append(vol)
            out[name] = pool
        return out

    def vswitches(self):
        """{NAME: vswitch facts} of every virtual switch."""
        out = {}
        for record in self.vswitch_records():
            facts = vswitch_facts(record)
            out[facts['name']] = facts
        return out

    def guests(self, include=None, exclude=None, power_states=None, definitions=False, nics=False, stats=False,
               nic_counters=True, reader_files=False):
        """{USERID: {'userid', 'power_state', ...}} of the guests whose
        names pass ``include``/``exclude`` and whose power state is in
        ``power_states`` (default both), in the directory's order.

        ``definitions`` adds the directory entry's figures (profile,
        memory, CPUs, IPL, disks, NICs, comments); ``stats`` adds 'stats'
        (guest_inspect_stats) to running guests; ``nics`` adds
        'active_nics', the NICs coupled to a virtual switch now, with MAC
        and (unless ``nic_counters`` is false, which saves a call) traffic
        counters.  ``reader_files`` adds 'reader_files' (``reader_facts``:
        the files waiting in each guest's reader, one System_RDR_File_Query
        a guest, on up to ``max_connections`` connections at once).  A guest
        deleted while it is read is left out.
        """
        keep = name_filter(include, exclude)
        wanted_states = set(power_states or POWER_STATES)
        names = self.guest_names()
        active = self.logged_on()
        out = {}
        for name in names:
            if not keep(name):
                continue
            state = POWER_ON if name in active else POWER_OFF
            if state in wanted_states:
                out[name] = {'userid': name, 'power_state': state}
        if definitions and out:
            names = list(out)
            found, self.directory_read = read_directory(self.session, names, self.max_connections)
            for name, entry in zip(names, found):
                if entry is None:
                    del out[name]
                else:
                    out[name].update(definition_facts(entry))
        if reader_files and out:
            for name, files in zip(list(out), self.reader_files(list(out))):
                out[name]['reader_files'] = files
        running = [n for n, g in out.items() if g['power_state'] == POWER_ON]
        if stats and running:
            figures = self.sdk.guest_inspect_stats(running)
            for name in running:
                if name in figures:
                    out[name]['stats'] = figures[name]
        if nics:
            self._add_active_nics(out, running, nic_counters)
        return out

    def reader_files(self, userids):
        """``reader_facts`` of each of ``userids``, in order: the first
        guest's reader is read alone, so that when the SMAPI user may not
        read readers (RC 100: not authorized) every guest gets None after one
        refusal, the others concurrently."""
        def read(userid):
            found = host.guest_reader_files(self.session, userid)
            return None if found is None else reader_facts(found)
        if not userids:
            return []
        first = read(userids[0])
        if first is None:
            return [None] * len(userids)
        return [first] + bounded_map(read, userids[1:], self.max_connections)

    def _add_active_nics(self, guests, running, with_counters):
        for guest in guests.values():
            guest['active_nics'] = []
        if not running:
            return
        coupled = {}
        for record in self.vswitch_records():
            sw = vswitch_facts(record)
            for nic in sw['connected_nics']:
                coupled[(nic['userid'], nic['vdev'])] = (sw['name'], nic)
        counters = self.sdk.guest_inspect_vnics(running) if with_counters else {}
        for name in running:
            seen = {}
            for vnic in counters.get(name, []):
                seen[vnic['nic_vdev']] = vnic
            vdevs = sorted(set(v for (u, v) in coupled if u == name) | set(seen))
            for vdev in vdevs:
                switch, nic = coupled.get((name, vdev), (None, {}))
                vnic = seen.get(vdev)
                entry = {'vdev': vdev, 'vswitch': switch or (vnic or {}).get('vswitch_name'),
                         'mac_address': nic.get('mac_address'), 'type': nic.get('type')}
                if with_counters:
                    entry.update(_vnic_counters(vnic))
                guests[name]['active_nics'].append(entry)


def gather(sdk, subsets, guests=None, max_connections=DEFAULT_MAX_CONNECTIONS, reader_files=False):
    """The zvm facts of ``subsets`` (from resolve_subsets); ``guests``
    limits the guests to names or patterns; ``reader_files``: with
    definitions, each guest's reader files too."""
    reader = SystemReader(sdk, max_connections)
    facts = {'gather_subset': list(subsets)}
    if 'preflight' in subsets:
        facts['preflight'] = preflight.run(sdk)
    if 'host' in subsets:
        facts['host'] = reader.host()
    if 'diskpools' in subsets:
        facts['diskpools'] = reader.diskpools()
    if 'guests' in subsets:
        facts['guests'] = reader.guests(include=guests, definitions='definitions' in subsets,
                                        nics='nics' in subsets, stats='stats' in subsets,
                                        reader_files=reader_files and 'definitions' in subsets)
    if 'definitions' in subsets:
        facts['directory_read'] = reader.directory_read
    if 'vswitches' in subsets:
        facts['vswitches'] = reader.vswitches()
    if 'images' in subsets:
        facts['images'] = dict((m['imagename'], images.image_view(m)) for m in sdk.image_query())
    if 'volumes' in subsets:
        facts['volumes'] = volume_facts(sdk, guests, max_connections)
    return facts


def volume_facts(sdk, guests=None, max_connections=DEFAULT_MAX_CONNECTIONS):
    """``{fcp_devices: {FCP: {...}}, guests: {USERID: [volume, ...]}}``:
    every FCP device (``sdk.fcp_list``) and the recorded volumes of each
    guest (of ``guests``, names or patterns) that dedicates an FCP device."""
    devices = sdk.fcp_list()
    keep = name_filter(guests)
    owners = sorted(set(u for d in devices for u in d['dedicated_to'] if keep(u)))
    found, _path = read_directory(sdk.session, owners, max_connections)
    volumes = {}
    for userid, entry in zip(owners, found):
        if entry is not None and records.volumes(entry):
            volumes[userid] = [v.to_dict() for v in records.volumes(entry)]
    return {'fcp_devices': dict((d['fcp'], d) for d in devices), 'guests': volumes}
