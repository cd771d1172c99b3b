# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bulk reader behind zvm_facts and the zvm inventory: subsets, filters,
bounded concurrency (same result as serial), call counts, both ways of
reading the directory (one Query_All_DM, or per guest when it is refused)
and shaping, on an SDKAPI over a scripted in-memory SMAPI client."""

import random
import threading
import time

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils import gather
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.api import SDKAPI
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.errors import SmapiRequestError


def entry(userid, storage='2G', cpus=1, nic_switch='VSW1', extra=()):
    records = ['USER %s LBYONLY %s 4G G' % (userid, storage), 'INCLUDE IBMDFLT']
    records += ['CPU %02d' % n for n in range(cpus)]
    records += ['MACHINE ESA 4', 'NICDEF 1000 TYPE QDIO LAN SYSTEM %s' % nic_switch,
                'MDISK 0100 3390 0001 1457 LX0100 MR']
    return records + list(extra)


class FakeClient:
    """Answers SMAPI calls from a small model; optionally sleeps a random
    time in each call so concurrent calls finish out of order."""

    def __init__(self, guests, active, jitter=0.0, fail=None):
        self.userid = 'MAINT'
        self.host = 'zvm1'
        self.guests = guests          # {userid: records}
        self.active = active          # logged-on userids
        self.vanished = set()         # named by Image_Name_Query_DM, deleted before their entries are read
        self.jitter = jitter
        self.fail = fail or {}        # {(function, target): (rc, rs)}
        self.calls = []
        self.running = 0
        self.most_running = 0
        self._lock = threading.Lock()

    def call(self, function, target=None, ok=(), **params):
        with self._lock:
            self.calls.append((function, target))
            self.running += 1
            self.most_running = max(self.most_running, self.running)
        try:
            if self.jitter:
                time.sleep(random.uniform(0, self.jitter))
            failure = self.fail.get((function, target))
            if failure is None and function == 'Image_Query_DM' and (target in self.vanished
                                                                     or target not in self.guests):
                failure = (400, 4)
            if failure is not None:
                rc, rs = failure
                if rc in ok or (rc, rs) in ok:
                    return dict(return_code=rc, reason_code=rs)
                raise SmapiRequestError(function, target, rc, rs)
            return dict(return_code=0, reason_code=0, **self.answer(function, target, params))
        finally:
            with self._lock:
                self.running -= 1

    def answer(self, function, target, params):
        if function == 'Image_Name_Query_DM':
            return {'image_name_array': list(self.guests)}
        if function == 'Image_Status_Query':
            assert target == '*'
            return {'image_name_array': sorted(self.active)}
        if function == 'Image_Query_DM':
            if target not in self.guests:
                raise SmapiRequestError(function, target, 400, 4)
            return {'image_record_array': self.guests[target]}
        if function == 'Query_All_DM':
            assert params == {'query_keyword_parameter_list': 'FORMAT=NO'}
            return {'directory_entries_array': [
                {'directory_entry_type': 1, 'directory_entry_id': 'IBMDFLT',
                 'directory_entry_records': ['PROFILE IBMDFLT', 'SPOOL 000C 2540 READER *']}] + [
                {'directory_entry_type': 0, 'directory_entry_id': u, 'directory_entry_records': r}
                for u, r in self.guests.items() if u not in self.vanished]}
        if function == 'Image_Performance_Query':
            return {'performance_records': [
                {'guest_name': u.ljust(8), 'guest_cpus': 2, 'used_cpu_time': 10, 'elapsed_cpu_time': 20,
                 'min_cpu_count': 2, 'max_cpu_limit': 4, 'samples_cpu_in_use': 1, 'samples_cpu_delay': 0,
                 'used_memory': 2097152, 'max_memory': 4194304, 'min_memory': 2097152, 'shared_memory': 0}
                for u in params['userid_list'] if u in self.active]}
        if function == 'Virtual_Network_Vswitch_Query_Extended':
            return {'vswitch_array': [{
                'switch_name': 'VSW1', 'transport_type': 'ETHERNET', 'port_type': 'NONE', 'vlan_awareness': 'UNAWARE',
                'vlan_id': '00000', 'native_vlan_id': '00000', 'mac_address': '02-00-00-00-00-01',
                'switch_status': '8', 'switch_type': 'QDIO',
                'real_device_info_array': [{'real_device_address': '0500', 'virtual_device_address': '0600',
                                            'controller_name': 'DTCVSW1', 'port_name': '(NONE)',
                                            'device_status': '1'}],
                'authorized_user_array': [{'port_num': '0000', 'grant_userid': u, 'promiscuous_mode': 'NOPROM',
                                           'vlan_count': '0', 'vlan_ids': []} for u in self.guests],
                'connected_adapter_array': [{'adapter_owner': u, 'adapter_vdev': '1000',
                                             'adapter_macaddr': '02-00-00-00-00-%02X' % i, 'adapter_type': 'QDIO'}
                                            for i, u in enumerate(sorted(self.active))]}]}
        if function == 'Virtual_Network_Vswitch_Query_Byte_Stats':
            return {'vswitch_array': [{'switch_name': 'VSW1', 'nic_array': [
                {'nic_id': '%s 1000' % u, 'nic_rx': '100', 'nic_tx': '200', 'nic_fr_rx': '1', 'nic_fr_tx': '2',
                 'nic_fr_rx_dsc': '0', 'nic_fr_tx_dsc': '0', 'nic_fr_rx_err': '0', 'nic_fr_tx_err': '0'}
                for u in sorted(self.active)]}]}
        if function == 'Image_Volume_Space_Query_DM':
            kind = params['query_type']
            if kind == 1:
                return {'record_array': ['POOL1 LX0100 LX0101', 'FBAPOOL FB0200']}
            if params['entry_names'] == 'POOL1':
                return {'record_array': {2: ['LX0100 3390 1458 28593 POOL1 LX0100', 'LX0101 3390 1 30050 POOL1 LX0101'],
                                         3: ['LX0100 3390 1 1457 LINUX01 0100 * POOL1 *']}[kind]}
            return {'record_array': {2: ['FB0200 9336 32 1000 FBAPOOL FB0200'], 3: []}[kind]}
        if function == 'System_Information_Query':
            return {'system_information_data': [
                'CPUID=ID=FF0A1B2C39060000',
                'CP_LEVEL=VERSION=7.3.0 SERVICE_LEVEL=2301 IPL_TIME=03:00:00 IPL_DATE=2025-01-15 IPL_TIME_ZONE=EST',
                'STORAGE=ONLINE=64G CONFIGURED=64G INCREMENT=1M STANDBY=0 RESERVED=0']}
        if function == 'System_Performance_Information_Query':
            return {'system_performance_information_data': [
                'CPU_COUNT=0004', 'CPU_AVERAGE_USE=50%', 'MEMORY_IN_USE=262144', 'MEMORY_TOTAL=16777216',
                'MY_LPAR_NAME=LP1']}
        raise AssertionError('unexpected call %s' % function)

    def call_count(self, predicate=None):
        return sum(1 for f, _t in self.calls if predicate is None or predicate(f))

    def functions(self):
        return [f for f, _t in self.calls]


def system(count=40, jitter=0.0, query_all=True, **kw):
    """An SDKAPI on a FakeClient with ``count`` guests; ``query_all=False``:
    the server refuses Query_All_DM (100/12, not authorized by DirMaint)."""
    guests = dict(('LNX%04d' % n, entry('LNX%04d' % n, storage='%dG' % (1 + n % 4), cpus=1 + n % 3))
                  for n in range(1, count + 1))
    active = set(u for n, u in enumerate(guests) if n % 2 == 0)
    client = FakeClient(guests, active, jitter=jitter, **kw)
    if not query_all:
        client.fail[('Query_All_DM', 'MAINT')] = (100, 12)
    return SDKAPI(client=client), client


# -- gather_subset --------------------------------------------------------------------------------

@pytest.mark.parametrize('requested, expected', [
    (None, list(gather.SUBSETS)),
    (['all'], list(gather.SUBSETS)),
    ('guests', ['guests']),
    (['host', 'guests'], ['host', 'guests']),
    (['stats'], ['guests', 'stats']),
    (['!definitions'], ['host', 'diskpools', 'guests', 'vswitches', 'nics', 'stats']),
    (['all', '!definitions', '!stats'], ['host', 'diskpools', 'guests', 'vswitches', 'nics']),
    (['all', '!guests'], ['host', 'diskpools', 'vswitches']),
    (['!all', 'host'], ['host']),
    (['definitions', '!guests'], ['guests', 'definitions']),
    (['HOST', ' !Stats '], ['host']),
])
def test_resolve_subsets(requested, expected):
    assert gather.resolve_subsets(requested) == expected


def test_unknown_subset_is_one_clear_line():
    with pytest.raises(ValueError, match=r"^gather_subset: 'hosts' is not a subset; choose from all, host, "):
        gather.resolve_subsets(['hosts'])


def test_name_filter_and_patterns():
    keep = gather.name_filter(['lnx*', 'WEB01'], ['LNX000[12]'])
    assert [n for n in ('LNX0001', 'LNX0002', 'LNX0003', 'WEB01', 'WEB02') if keep(n)] == ['LNX0003', 'WEB01']
    assert gather.name_filter()('ANY')
    with pytest.raises(ValueError, match=r"^guests: 'lnx\.\*' is not a guest name or pattern"):
        gather.check_patterns(['lnx.*'], 'guests')


@pytest.mark.parametrize('value', [0, 65, 'x', None, True])
def test_max_connections_is_checked(value):
    with pytest.raises(InputError, match='^max_connections: .* is not a number of connections from 1 to 64'):
        gather.check_max_connections(value)


@pytest.mark.parametrize('check', [lambda: gather.resolve_subsets(['hosts']),
                                   lambda: gather.check_patterns(['lnx.*'], 'guests'),
                                   lambda: gather.name_filter(exclude=['a b'])])
def test_bad_options_are_input_errors(check):
    with pytest.raises(InputError):
        check()


# -- bounded concurrency ----------------------------------------------------------------------------

def test_bounded_map_keeps_order_and_bound():
    running, most = [0], [0]
    lock = threading.Lock()

    def work(n):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(random.uniform(0, 0.01))
        with lock:
            running[0] -= 1
        return n * n
    assert gather.bounded_map(work, range(60), 5) == [n * n for n in range(60)]
    assert 1 < most[0] <= 5


def test_bounded_map_raises_the_first_failure_in_order():
    def work(n):
        time.sleep(0.02 if n == 3 else 0)
        if n in (3, 7):
            raise ValueError('item %d' % n)
        return n
    with pytest.raises(ValueError, match='^item 3$'):
        gather.bounded_map(work, range(10), 4)


def test_concurrent_definitions_equal_serial_ones():
    sdk, client = system(count=60, jitter=0.005, query_all=False)
    concurrent = gather.SystemReader(sdk, max_connections=8).guests(definitions=True, stats=True, nics=True)
    assert 1 < client.most_running <= 8
    serial_sdk, serial_client = system(count=60, query_all=False)
    serial = gather.SystemReader(serial_sdk, max_connections=1).guests(definitions=True, stats=True, nics=True)
    assert serial_client.most_running == 1
    assert list(concurrent) == list(serial) == sorted(serial)
    assert concurrent == serial


def test_read_entries_keeps_the_order_and_gives_none_for_a_guest_gone():
    sdk, client = system(count=6, jitter=0.002)
    client.fail[('Image_Query_DM', 'LNX0003')] = (400, 4)
    read = gather.read_entries(sdk.session, ['LNX0005', 'LNX0003', 'LNX0001', 'LNX0006'], max_connections=3)
    assert [e.userid if e is not None else None for e in read] == ['LNX0005', None, 'LNX0001', 'LNX0006']
    assert client.functions() == ['Image_Query_DM'] * 4


# -- calls per subset --------------------------------------------------------------------------------

@pytest.mark.parametrize('subsets, functions', [
    (['guests'], ['Image_Name_Query_DM', 'Image_Status_Query']),
    (['stats'], ['Image_Name_Query_DM', 'Image_Status_Query', 'Image_Performance_Query']),
    (['nics'], ['Image_Name_Query_DM', 'Image_Status_Query', 'Virtual_Network_Vswitch_Query_Extended',
                'Virtual_Network_Vswitch_Query_Byte_Stats']),
    (['vswitches', 'nics'], ['Image_Name_Query_DM', 'Image_Status_Query', 'Virtual_Network_Vswitch_Query_Extended',
                             'Virtual_Network_Vswitch_Query_Byte_Stats']),
    (['host'], ['System_Information_Query', 'System_Performance_Information_Query']),
    (['diskpools'], ['Image_Volume_Space_Query_DM'] * 5),
])
def test_bulk_subsets_make_a_fixed_number_of_calls(subsets, functions):
    for count in (10, 200):
        sdk, client = system(count=count)
        gather.gather(sdk, gather.resolve_subsets(subsets))
        assert sorted(client.functions()) == sorted(functions)


def test_definitions_take_one_query_all_whatever_the_number_of_guests():
    for count in (10, 200):
        sdk, client = system(count=count)
        facts = gather.gather(sdk, gather.resolve_subsets(['definitions']))
        assert client.functions() == ['Image_Name_Query_DM', 'Image_Status_Query', 'Query_All_DM']
        assert facts['directory_read'] == 'query_all' and len(facts['guests']) == count
        assert 'IBMDFLT' not in facts['guests']


def test_refused_query_all_reads_each_guest_with_the_same_facts():
    sdk, client = system(count=30)
    fast = gather.gather(sdk, gather.resolve_subsets(['definitions', 'stats']), max_connections=4)
    sdk, client = system(count=30, query_all=False, jitter=0.002)
    slow = gather.gather(sdk, gather.resolve_subsets(['definitions', 'stats']), max_connections=4)
    assert (fast.pop('directory_read'), slow.pop('directory_read')) == ('query_all', 'per_guest')
    assert slow == fast and list(slow['guests']) == list(fast['guests'])
    assert client.functions().count('Query_All_DM') == 1 and client.functions().count('Image_Query_DM') == 30
    assert 1 < client.most_running <= 4


def test_read_directory_says_which_way_it_read():
    sdk, client = system(count=5)
    found, path = gather.read_directory(sdk.session, ['LNX0004', 'LNX0009', 'LNX0001'])
    assert path == 'query_all' and [e.userid if e else None for e in found] == ['LNX0004', None, 'LNX0001']
    assert gather.read_directory(sdk.session, []) == ([], None)
    sdk, client = system(count=5, query_all=False)
    found, path = gather.read_directory(sdk.session, ['LNX0004', 'LNX0009', 'LNX0001'])
    assert path == 'per_guest' and [e.userid if e else None for e in found] == ['LNX0004', None, 'LNX0001']
    assert client.functions() == ['Query_All_DM'] + ['Image_Query_DM'] * 3


@pytest.mark.parametrize('query_all, reads', [(True, 0), (False, 10)])
def test_definitions_read_only_the_selected_guests(query_all, reads):
    sdk, client = system(count=30, query_all=query_all)
    facts = gather.gather(sdk, gather.resolve_subsets(['definitions']), guests=['LNX000*', 'LNX0010'])
    assert list(facts['guests']) == ['LNX0001', 'LNX0002', 'LNX0003', 'LNX0004', 'LNX0005', 'LNX0006', 'LNX0007',
                                     'LNX0008', 'LNX0009', 'LNX0010']
    assert client.functions().count('Image_Query_DM') == reads
    assert facts['directory_read'] == ('query_all' if query_all else 'per_guest')


# -- shaping -------------------------------------------------------------------------------------------

def test_guest_facts_on_and_off():
    sdk, _client = system(count=4)
    guests = gather.SystemReader(sdk).guests(definitions=True, stats=True, nics=True)
    on, off = guests['LNX0001'], guests['LNX0002']
    assert (on['power_state'], off['power_state']) == ('on', 'off')
    assert (off['memory'], off['memory_mb'], off['max_memory'], off['vcpus'], off['max_vcpus'], off['profile']) == \
        ('3G', 3072, '4G', 3, 4, 'IBMDFLT')
    assert off['disks'][0]['vdev'] == '0100' and off['nics'][0]['vswitch'] == 'VSW1'
    assert 'stats' not in off and off['active_nics'] == []
    assert on['stats']['guest_cpus'] == 2 and on['stats']['used_mem_kb'] == 2097152
    assert on['active_nics'] == [{'vdev': '1000', 'vswitch': 'VSW1', 'mac_address': '02:00:00:00:00:00',
                                  'type': 'QDIO', 'rx_bytes': 100, 'tx_bytes': 200, 'rx_frames': 1, 'tx_frames': 2,
                                  'rx_discarded': 0, 'tx_discarded': 0, 'rx_errors': 0, 'tx_errors': 0}]


@pytest.mark.parametrize('query_all', [True, False])
def test_power_state_filter_and_vanished_guest(query_all):
    sdk, client = system(count=6, query_all=query_all)
    client.vanished.add('LNX0003')     # deleted after the name query
    guests = gather.SystemReader(sdk).guests(power_states=['on'], definitions=True)
    assert list(guests) == ['LNX0001', 'LNX0005']
    guests = gather.SystemReader(sdk).guests(power_states=['off'], definitions=True)
    assert list(guests) == ['LNX0002', 'LNX0004', 'LNX0006']


def test_other_definition_errors_are_raised():
    sdk, client = system(count=6, jitter=0.002, query_all=False)
    client.fail[('Image_Query_DM', 'LNX0004')] = (500, 8)
    with pytest.raises(SmapiRequestError) as info:
        gather.SystemReader(sdk, max_connections=4).guests(definitions=True)
    assert (info.value.target, info.value.rc) == ('LNX0004', 500)
    sdk, client = system(count=6)
    client.fail[('Query_All_DM', 'MAINT')] = (596, 3610)     # a DirMaint failure is not a refusal
    with pytest.raises(SmapiRequestError) as info:
        gather.SystemReader(sdk).guests(definitions=True)
    assert (info.value.function, info.value.rc) == ('Query_All_DM', 596)
    assert 'Image_Query_DM' not in client.functions()


def test_comments_leave_out_dirmaint_records():
    sdk, client = system(count=1)
    client.guests['LNX0001'] = entry('LNX0001', extra=['*DVHOPT LNK0 LOG1 RCM1 SMS0 NPW1 LNGAMENG PWC20250101 CRCXX',
                                                       '*PW00=0123456789ABCDEF', '* ANSIBLE_HOST=10.1.2.3',
                                                       '* web server'])
    guest = gather.SystemReader(sdk).guests(definitions=True)['LNX0001']
    assert guest['comments'] == ['ANSIBLE_HOST=10.1.2.3', 'web server']


def test_diskpools_per_volume():
    sdk, _client = system(count=1)
    pools = gather.SystemReader(sdk).diskpools()
    assert list(pools) == ['POOL1', 'FBAPOOL']
    pool1 = pools['POOL1']
    assert (pool1['type'], pool1['unit'], pool1['total'], pool1['used'], pool1['free']) == \
        ('ECKD', 'cylinders', 60100, 1457, 58643)
    assert pool1['free_bytes'] == 58643 * 737280
    assert [(v['volume'], v['total'], v['used'], v['free']) for v in pool1['volumes']] == \
        [('LX0100', 30050, 1457, 28593), ('LX0101', 30050, 0, 30050)]
    fba = pools['FBAPOOL']
    assert (fba['type'], fba['unit'], fba['total_bytes']) == ('FBA', 'blocks', 1000 * 512)


def test_host_facts():
    sdk, _client = system(count=1)
    host = gather.SystemReader(sdk).host()
    assert (host['level'], host['service_level'], host['storage'], host['cpus'], host['lpar']) == \
        ('7.3.0', '2301', '64G', 4, 'LP1')
    assert (host['hypervisor_version'], host['memory_mb'], host['vcpus'], host['vcpus_used']) == (730, 65536.0, 4, 2)
    assert host['cpu_average_use_percent'] == 50


def test_vswitch_facts():
    sdk, _client = system(count=2)
    sw = gather.SystemReader(sdk).vswitches()['VSW1']
    assert (sw['vlan_aware'], sw['vlan_id'], sw['status'], sw['mac_address']) == \
        (False, None, 'OSA device ready', '02:00:00:00:00:01')
    assert [g['userid'] for g in sw['grants']] == ['LNX0001', 'LNX0002']
    assert sw['connected_nics'] == [{'userid': 'LNX0001', 'vdev': '1000', 'mac_address': '02:00:00:00:00:00',
                                     'type': 'QDIO'}]
    assert sw['real_devices'][0] == {'rdev': '0500', 'vdev': '0600', 'controller': 'DTCVSW1', 'port_name': None,
                                     'status': 1}


def test_stats_facts_for_hostvars():
    assert gather.stats_facts({'min_mem_kb': 4194304, 'max_mem_kb': 8388608, 'guest_cpus': 2}) == \
        {'memory': '4G', 'memory_mb': 4096, 'max_memory': '8G', 'vcpus': 2}
    assert gather.stats_facts({}) == {'memory': None, 'memory_mb': None, 'max_memory': None, 'vcpus': None}
