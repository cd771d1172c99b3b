# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The zvm.cloud.zvm inventory plugin against zvmsim, through
ansible-inventory: --graph and --list, hostvars, default, keyed and composed
groups, filters, ansible_host, several systems, the cache, errors, and both
ways of reading the directory (one Query_All_DM, or per guest when the
server refuses it)."""

import json
import os
import re
import subprocess
import sys

import pytest
import yaml

from ansible_collections.zvm.cloud.plugins.module_utils.operations import entries, vswitches
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.api import SDKAPI
from tests.integration.conftest import TEST_SYSTEM, ansible_bin
from zvmsim.testing import SimServer

ON, OFF, MOVE = 'INVON1', 'INVOFF1', 'INVMOV1'


def plain(value):
    """ansible-inventory 2.19 writes strings as {'__ansible_unsafe': text}."""
    if isinstance(value, dict):
        if set(value) == set(['__ansible_unsafe']):
            return value['__ansible_unsafe']
        return dict((k, plain(v)) for k, v in value.items())
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


class Inventory:
    def __init__(self, proc, calls):
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.calls = calls

    @property
    def data(self):
        return plain(json.loads(self.stdout))

    def hostvars(self, host):
        return self.data['_meta']['hostvars'][host]

    def members(self, group):
        return sorted(self.data.get(group, {}).get('hosts', []))

    def functions(self):
        return sorted(c['function'] for c in self.calls)

    def __repr__(self):
        return 'Inventory(rc=%d)\n%s\n%s' % (self.rc, self.stdout[-2000:], self.stderr[-3000:])


@pytest.fixture(scope='module')
def inventory(zvmsim, collections_path, tmp_path_factory):
    workdir = tmp_path_factory.mktemp('inventory')
    counter = [0]

    def run(config, *args, env=None, name=None):
        counter[0] += 1
        path = workdir / (name or 'test%03d.zvm.yml' % counter[0])
        doc = {'plugin': 'zvm.cloud.zvm'}
        doc.update(config)
        path.write_text(yaml.safe_dump(doc, sort_keys=False))
        run_env = dict(os.environ)
        for key in list(run_env):
            if key.startswith('ZVM_SMAPI_') or key.startswith('ANSIBLE_INVENTORY'):
                del run_env[key]
        run_env.update({'ANSIBLE_COLLECTIONS_PATH': collections_path, 'ANSIBLE_HOME': str(workdir / '.ansible'),
                        'ANSIBLE_NOCOLOR': '1', 'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
                        'ANSIBLE_INVENTORY_ENABLED': 'zvm.cloud.zvm', 'ANSIBLE_INVENTORY_UNPARSED_FAILED': 'true'})
        run_env.update(zvmsim.env())
        run_env.update(env or {})
        mark = zvmsim.mark()
        proc = subprocess.run([ansible_bin('ansible-inventory'), '-i', str(path)] + list(args or ['--list']),
                              env=run_env, cwd=str(workdir), capture_output=True, text=True, timeout=300,
                              check=False)
        return Inventory(proc, zvmsim.calls(since=mark))
    return run


@pytest.fixture(scope='module')
def guests(zvmsim):
    """INVON1 (IBMDFLT, logged on, NIC coupled to VSW1, an ANSIBLE_HOST comment),
    INVOFF1 (LNXDFLT, logged off) and INVMOV1 (off)."""
    sdk = SDKAPI(host='127.0.0.1', port=zvmsim.port, userid='MAINT', password='MAINT')
    for name, profile, comments in ((ON, 'IBMDFLT', ['ANSIBLE_HOST=10.20.30.40']), (OFF, 'LNXDFLT', []),
                                    (MOVE, 'IBMDFLT', [])):
        if entries.query(sdk.session, name) is None:
            sdk.guest_create(name, 2, '1G', max_cpu=4, max_mem='2G', user_profile=profile, comment_list=comments,
                             disk_list=[{'vdev': '0100', 'size': '50', 'disk_pool': 'ECKD:POOL2'}])
            entries.modify(sdk.session, name, lambda e: e.add_nic('1000', vswitch='VSW1'))
    vswitches.grant(sdk.session, 'VSW1', ON)
    sdk.guest_start(ON)
    sdk.guest_stop(MOVE)
    return sdk


def test_list_graph_hostvars_and_keyed_groups(inventory, guests):
    config = {'include': ['INV*'], 'system_name': 'zsim',
              'keyed_groups': [{'key': 'zvm_profile', 'prefix': 'profile'},
                               {'key': 'zvm_vswitches', 'prefix': 'vswitch'}]}
    inv = inventory(config, '--list')
    assert inv.rc == 0, inv
    on, off = inv.hostvars('invon1'), inv.hostvars('invoff1')
    assert (on['zvm_userid'], on['zvm_system'], on['zvm_power_state'], on['zvm_memory'], on['zvm_memory_mb'],
            on['zvm_max_memory'], on['zvm_vcpus'], on['zvm_max_vcpus'], on['zvm_profile']) == \
        (ON, 'zsim', 'on', '1G', 1024, '2G', 2, 4, 'IBMDFLT')
    [nic] = on['zvm_nics']
    assert (nic['vdev'], nic['vswitch'], nic['coupled'], nic['type']) == ('1000', 'VSW1', True, 'QDIO')
    assert nic['mac_address'].count(':') == 5
    assert on['zvm_vswitches'] == ['VSW1']
    assert [d['vdev'] for d in on['zvm_disks']] == ['0100']
    assert (off['zvm_power_state'], off['zvm_profile'], off['zvm_nics'][0]['coupled'],
            off['zvm_nics'][0]['mac_address']) == ('off', 'LNXDFLT', False, None)
    assert inv.members('zvm_zsim') == ['invmov1', 'invoff1', 'invon1']
    assert inv.members('zvm_power_on') == ['invon1']
    assert inv.members('zvm_power_off') == ['invmov1', 'invoff1']
    assert inv.members('zvm_profile_ibmdflt') == ['invmov1', 'invon1']
    assert inv.members('profile_LNXDFLT') == ['invoff1']
    assert inv.members('vswitch_VSW1') == ['invmov1', 'invoff1', 'invon1']
    assert inv.functions() == ['Image_Name_Query_DM', 'Image_Status_Query', 'Query_All_DM',
                               'Virtual_Network_Vswitch_Query_Extended']     # the directory in one read
    assert on['zvm_directory_read'] == off['zvm_directory_read'] == 'query_all'

    graph = inventory(config, '--graph')
    assert graph.rc == 0, graph
    lines = [line.strip(' |-') for line in graph.stdout.splitlines()]
    assert '@zvm_power_on:' in lines and '@profile_IBMDFLT:' in lines and '@vswitch_VSW1:' in lines
    assert lines[lines.index('@zvm_power_on:') + 1] == 'invon1'


def test_without_definitions_the_calls_do_not_grow(inventory, guests):
    inv = inventory({'include': ['INV*'], 'definitions': False})
    assert inv.rc == 0, inv
    assert inv.functions() == ['Image_Name_Query_DM', 'Image_Performance_Query', 'Image_Status_Query',
                               'Virtual_Network_Vswitch_Query_Extended']
    on, off = inv.hostvars('invon1'), inv.hostvars('invoff1')
    assert (on['zvm_memory'], on['zvm_max_memory'], on['zvm_vcpus'], on['zvm_profile']) == ('1G', '2G', 2, None)
    assert [(n['vdev'], n['vswitch'], n['coupled']) for n in on['zvm_nics']] == [('1000', 'VSW1', True)]
    assert (off['zvm_memory'], off['zvm_vcpus'], off['zvm_nics']) == (None, None, [])
    assert on['zvm_directory_read'] is None
    everyone = inventory({'definitions': False})
    assert everyone.functions() == inv.functions()
    assert len(everyone.data['_meta']['hostvars']) > 5


def test_default_groups_are_valid_names_when_the_host_is_an_ip_address(inventory, guests, zvmsim):
    # no system_name: the system is named after smapi_host, 127.0.0.1 here; its profile groups too
    inv = inventory({'include': ['INV*']}, '--list')
    assert inv.rc == 0, inv
    assert zvmsim.host == '127.0.0.1' and inv.hostvars('invon1')['zvm_system'] == '127.0.0.1'
    assert inv.members('zvm_127_0_0_1') == ['invmov1', 'invoff1', 'invon1']
    groups = [g for g in inv.data if g != '_meta']
    assert 'zvm_profile_lnxdflt' in groups and 'zvm_power_on' in groups
    assert all(re.match(r'^[A-Za-z_][A-Za-z0-9_]*$', g) for g in groups), groups
    assert 'Invalid characters were found in group names' not in inv.stderr

    # several systems named after addresses (IPv6 too), hosts named per system
    systems = [{'name': '127.0.0.1', 'smapi_host': '127.0.0.1', 'smapi_port': zvmsim.port},
               {'name': '::1', 'smapi_host': '127.0.0.1', 'smapi_port': zvmsim.port}]
    inv = inventory({'include': ['INVON1'], 'systems': systems, 'hostname_format': '{system}_{userid}'})
    assert inv.rc == 0, inv
    assert inv.members('zvm_127_0_0_1') == ['127.0.0.1_invon1'] and inv.members('zvm___1') == ['::1_invon1']


def test_filters_by_name_and_power_state(inventory, guests):
    inv = inventory({'include': ['inv*', 'LINUX0?'], 'exclude': ['INVMOV*', 'LINUX03'],
                     'power_states': ['off']})
    assert inv.rc == 0, inv
    hosts = sorted(inv.data['_meta']['hostvars'])
    assert hosts == ['invoff1', 'linux02']
    inv = inventory({'include': ['INV*'], 'power_states': ['on']})
    assert sorted(inv.data['_meta']['hostvars']) == ['invon1']


def test_logged_off_and_on_follow_cp(inventory, guests):
    config = {'include': [MOVE]}
    assert inventory(config).members('zvm_power_off') == ['invmov1']
    guests.guest_start(MOVE)
    try:
        inv = inventory(config)
        assert inv.members('zvm_power_on') == ['invmov1'] and inv.members('zvm_power_off') == []
        assert inv.hostvars('invmov1')['zvm_power_state'] == 'on'
    finally:
        guests.guest_stop(MOVE)


def test_ansible_host_from_comment_or_template(inventory, guests):
    config = {'include': ['INVON1', 'INVOFF1'], 'ansible_host_template': "zvm_userid | lower ~ '.lab.example.com'"}
    inv = inventory(config)
    assert inv.hostvars('invon1')['ansible_host'] == '10.20.30.40'
    assert inv.hostvars('invoff1')['ansible_host'] == 'invoff1.lab.example.com'
    inv = inventory(dict(config, ansible_host_comment=''))
    assert inv.hostvars('invon1')['ansible_host'] == 'invon1.lab.example.com'
    inv = inventory({'include': ['INVON1']})
    assert inv.hostvars('invon1')['ansible_host'] == '10.20.30.40'
    assert 'ansible_host' not in inventory({'include': ['INVOFF1']}).hostvars('invoff1')


def test_compose_and_conditional_groups(inventory, guests):
    inv = inventory({'include': ['INV*'], 'default_groups': False, 'hostname_case': 'upper',
                     'compose': {'ansible_user': "'root'", 'memory_gb': 'zvm_memory_mb // 1024'},
                     'groups': {'running_linux': "zvm_power_state == 'on' and zvm_profile == 'IBMDFLT'"}})
    assert inv.rc == 0, inv
    assert inv.members('running_linux') == ['INVON1']
    assert inv.hostvars('INVON1')['ansible_user'] == 'root' and inv.hostvars('INVON1')['memory_gb'] == 1
    assert 'zvm_power_on' not in inv.data


def test_several_systems(inventory, guests, zvmsim):
    systems = [{'name': 'east', 'smapi_host': '127.0.0.1', 'smapi_port': zvmsim.port},
               {'name': 'west', 'smapi_host': '127.0.0.1', 'smapi_port': str(zvmsim.port),
                'smapi_user': 'MAINT', 'smapi_password': "{{ 'MAI' ~ 'NT' }}"}]
    inv = inventory({'include': ['INVON1'], 'systems': systems, 'hostname_format': '{system}_{userid}'})
    assert inv.rc == 0, inv
    assert sorted(inv.data['_meta']['hostvars']) == ['east_invon1', 'west_invon1']
    assert inv.members('zvm_east') == ['east_invon1'] and inv.members('zvm_west') == ['west_invon1']
    assert inv.hostvars('west_invon1')['zvm_system'] == 'west'
    assert inv.functions().count('Image_Name_Query_DM') == 2

    clash = inventory({'include': ['INVON1'], 'systems': systems})
    assert clash.rc != 0
    assert 'host name invon1 comes from guest INVON1 of system east and guest INVON1 of system west' in clash.stderr

    bad = inventory({'systems': [{'name': 'x', 'smapi_hostname': 'a'}]})
    assert bad.rc != 0 and 'systems[1] (x): unknown option smapi_hostname' in bad.stderr


def test_cache_serves_the_second_run_without_smapi_calls(inventory, guests, tmp_path):
    config = {'include': ['INV*'], 'cache': True, 'cache_plugin': 'ansible.builtin.jsonfile',
              'cache_connection': str(tmp_path / 'cache'), 'cache_timeout': 600}
    first = inventory(config, name='cached.zvm.yml')
    assert first.rc == 0, first
    assert len(first.calls) == 4
    second = inventory(config, name='cached.zvm.yml')
    assert second.rc == 0, second
    assert second.calls == []
    assert second.data == first.data
    flushed = inventory(config, '--list', '--flush-cache', name='cached.zvm.yml')
    assert flushed.rc == 0 and len(flushed.calls) == 4


@pytest.mark.parametrize('env, message', [
    ({'ZVM_SMAPI_PASSWORD': 'WRONG'}, 'Image_Name_Query_DM on MAINT failed: RC 120 RS 0: Authentication error; '
                                      'userid or password not valid'),
    ({'ZVM_SMAPI_PORT': '1', 'ZVM_SMAPI_TIMEOUT': '5'}, 'cannot connect to the SMAPI server'),
])
def test_bad_credentials_or_unreachable_host_is_one_clear_line(inventory, env, message):
    inv = inventory({'system_name': 'zsim'}, '--graph', env=env)
    assert inv.rc != 0
    lines = [line for line in inv.stderr.splitlines() if 'zvm.cloud.zvm: system zsim (127.0.0.1:' in line]
    assert lines and all(message in line for line in lines), inv
    assert 'Traceback' not in inv.stderr + inv.stdout


def test_missing_settings_and_bad_options(inventory):
    inv = inventory({}, env={'ZVM_SMAPI_PASSWORD': ''})
    assert inv.rc != 0 and 'missing SMAPI connection settings: smapi_password' in inv.stderr
    inv = inventory({'max_connections': 100})
    assert inv.rc != 0 and 'max_connections: 100 is not a number of connections from 1 to 64' in inv.stderr
    inv = inventory({'hostname_format': '{name}'})
    assert inv.rc != 0 and 'hostname_format' in inv.stderr


# MAINT may run Query_All_DM, OPERATOR (authorized for everything else) may not: the same
# system read both ways
TWO_USERS = dict(TEST_SYSTEM, directory={'query_all_authorized': ['MAINT']},
                 smapi={'authorizations': [{'user': 'MAINT', 'function': 'ALL', 'target': 'ALL'},
                                           {'user': 'OPERATOR', 'function': 'ALL', 'target': 'ALL'}]})


def test_a_refused_query_all_reads_each_guest_to_the_same_hostvars(inventory):
    with SimServer(config=TWO_USERS) as sim:
        config = {'include': ['LINUX0*', 'TCPIP'], 'exclude': ['LINUX03'], 'max_connections': 2}
        runs = {}
        for user in ('MAINT', 'OPERATOR'):
            mark = sim.mark()
            inv = inventory(config, env=sim.env(user=user, password=user.lower()))
            assert inv.rc == 0, inv
            runs[user] = (inv.data['_meta']['hostvars'], sim.calls(since=mark))
    fast, slow = runs['MAINT'][0], runs['OPERATOR'][0]
    assert sorted(slow) == ['linux01', 'linux02', 'tcpip']
    assert set(h['zvm_directory_read'] for h in fast.values()) == set(['query_all'])
    assert set(h['zvm_directory_read'] for h in slow.values()) == set(['per_guest'])
    for host in fast:
        for hostvars in (fast[host], slow[host]):
            for key in ('zvm_directory_read', 'zvm_smapi_user'):
                del hostvars[key]
    assert slow == fast and slow['linux01']['zvm_memory'] == '4G'
    assert sorted(c['function'] for c in runs['MAINT'][1]) == [
        'Image_Name_Query_DM', 'Image_Status_Query', 'Query_All_DM', 'Virtual_Network_Vswitch_Query_Extended']
    refused = runs['OPERATOR'][1]
    assert [(c['rc'], c['rs']) for c in refused if c['function'] == 'Query_All_DM'] == [(100, 12)]
    # only the guests the filters keep are read
    assert sorted(c['target'] for c in refused if c['function'] == 'Image_Query_DM') == ['LINUX01', 'LINUX02', 'TCPIP']
