# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zvm.cloud.zvm_facts through Ansible against zvmsim: every subset in
check mode, the facts as host variables, ad hoc use, the definitions
read both ways (one Query_All_DM, or per guest when it is refused), and
the preflight as the docs use it.  Options, subsets,
filters, the calls each subset makes and errors are tested in-process in
tests/unit/plugins/modules/test_zvm_facts.py."""

import json
import os
import subprocess
import sys

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.operations import entries, vswitches
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.api import SDKAPI
from tests.integration.conftest import TEST_SYSTEM, ansible_bin
from zvmsim.testing import SimServer

ON, OFF = 'FCTON1', 'FCTOFF1'


def facts_task(**options):
    return {'name': 'facts', 'zvm.cloud.zvm_facts': options, 'register': 'out'}


def facts_of(run):
    assert run.rc == 0, run
    result = run.result()
    assert result['changed'] is False
    return result['ansible_facts']['zvm']


@pytest.fixture(scope='module')
def sdk(zvmsim):
    return SDKAPI(host='127.0.0.1', port=zvmsim.port, userid='MAINT', password='MAINT')


@pytest.fixture(scope='module')
def guests(sdk):
    """FCTON1 logged on with a NIC coupled to VSW1; FCTOFF1 logged off."""
    for name, vcpus, memory in ((ON, 2, 2048), (OFF, 1, 1024)):
        if entries.query(sdk.session, name) is None:
            sdk.guest_create(name, vcpus, memory, max_cpu=4, max_mem='4G', user_profile='IBMDFLT',
                             disk_list=[{'vdev': '0100', 'size': '100', 'disk_pool': 'ECKD:POOL1'}],
                             comment_list=['ANSIBLE_HOST=10.9.8.%d' % vcpus])
            entries.modify(sdk.session, name, lambda e: e.add_nic('1000', vswitch='VSW1'))
    vswitches.grant(sdk.session, 'VSW1', ON)
    sdk.guest_start(ON)
    return ON, OFF


def test_all_in_check_mode_changes_nothing(play, guests):
    run = play([facts_task(guests=['FCT*'])], check=True)
    facts = facts_of(run)
    assert facts['gather_subset'] == ['host', 'diskpools', 'guests', 'definitions', 'vswitches', 'nics', 'stats']
    assert set(facts) == set(['gather_subset', 'host', 'diskpools', 'guests', 'vswitches', 'directory_read',
                              'smapi_calls'])
    assert facts['smapi_calls'] == {'reads': len(run.reads), 'writes': 0}
    assert facts['directory_read'] == 'query_all'
    assert run.writes == []
    assert set(facts['guests'][ON]) >= set(['memory', 'stats', 'active_nics', 'disks'])


def test_facts_become_host_variables(play, guests):
    checks = ["zvm.guests.%s.power_state == 'on'" % ON, 'ansible_facts.zvm.guests | length == 1']
    run = play([facts_task(gather_subset=['guests'], guests=[ON]),
                {'name': 'use', 'ansible.builtin.assert': {'that': checks}}])
    assert run.rc == 0, run


def test_ad_hoc_gives_a_readable_result(zvmsim, collections_path, guests, tmp_path):
    env = dict(os.environ)
    env.update({'ANSIBLE_COLLECTIONS_PATH': collections_path, 'ANSIBLE_LOCALHOST_WARNING': 'false',
                'ANSIBLE_INVENTORY_UNPARSED_WARNING': 'false', 'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
                'ANSIBLE_HOME': str(tmp_path / '.ansible'), 'ANSIBLE_NOCOLOR': '1'})
    # z/VM (and zvmsim) compare passwords without case: a password spelled unlike any
    # guest name keeps Ansible's no_log masking out of the facts
    env.update(zvmsim.env(password='maint'))
    proc = subprocess.run([ansible_bin('ansible'), 'localhost', '-m', 'zvm.cloud.zvm_facts',
                           '-a', 'gather_subset=guests guests=FCT*'], env=env, cwd=str(tmp_path),
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith('localhost | SUCCESS => {')
    result = json.loads(proc.stdout.split('=>', 1)[1])
    assert result['ansible_facts']['zvm']['guests'][ON] == {'userid': ON, 'power_state': 'on'}
    assert result['changed'] is False


# MAINT may run Query_All_DM, OPERATOR (authorized for everything else) may not
TWO_USERS = dict(TEST_SYSTEM, directory={'query_all_authorized': ['MAINT']},
                 smapi={'authorizations': [{'user': 'MAINT', 'function': 'ALL', 'target': 'ALL'},
                                           {'user': 'OPERATOR', 'function': 'ALL', 'target': 'ALL'}]})


def test_definitions_are_the_same_when_query_all_is_refused(play):
    with SimServer(config=TWO_USERS) as sim:
        runs = {}
        for user in ('MAINT', 'OPERATOR'):
            mark = sim.mark()
            # a password spelled unlike any guest name keeps no_log masking out of the facts
            run = play([facts_task(gather_subset=['definitions'], guests=['LINUX*', 'TCPIP'], max_connections=2,
                                   smapi_port=sim.port, smapi_user=user, smapi_password=user.lower())])
            runs[user] = (facts_of(run), sim.calls(since=mark))
    (fast, fast_calls), (slow, slow_calls) = runs['MAINT'], runs['OPERATOR']
    assert (fast.pop('directory_read'), slow.pop('directory_read')) == ('query_all', 'per_guest')
    # the directory in one read (or one per guest), and each guest's reader files
    assert (fast.pop('smapi_calls'), slow.pop('smapi_calls')) == ({'reads': 7, 'writes': 0}, {'reads': 11, 'writes': 0})
    assert slow == fast and sorted(fast['guests']) == ['LINUX01', 'LINUX02', 'LINUX03', 'TCPIP']
    assert fast['guests']['LINUX01']['memory'] == '4G'
    assert fast['guests']['LINUX01']['reader_files'] == {'count': 0, 'files': []}
    readers = ['System_RDR_File_Query'] * 4
    assert sorted(c['function'] for c in fast_calls) == ['Image_Name_Query_DM', 'Image_Status_Query',
                                                         'Query_All_DM'] + readers
    assert sorted(c['function'] for c in slow_calls) == ['Image_Name_Query_DM'] + ['Image_Query_DM'] * 4 + [
        'Image_Status_Query', 'Query_All_DM'] + readers
    assert [(c['rc'], c['rs']) for c in slow_calls if c['function'] == 'Query_All_DM'] == [(100, 12)]


def test_preflight_as_the_docs_use_it(play):
    """The documented use: gather the preflight, then stop with the hints
    when a capability is refused (here Query_All_DM, by DirMaint)."""
    refused = "zvm.preflight | selectattr('ok', 'sameas', false)"
    check = {'name': 'nothing refused', 'ansible.builtin.assert': {
        'that': '%s | list | length == 0' % refused, 'fail_msg': "{{ %s | map(attribute='hint') | list }}" % refused}}
    run = play([facts_task(gather_subset='preflight'), check])
    assert run.rc == 0, run
    assert [c['ok'] for c in run.result(0)['ansible_facts']['zvm']['preflight']].count(False) == 0
    with SimServer(config=TWO_USERS) as sim:
        run = play([facts_task(gather_subset='preflight', smapi_port=sim.port, smapi_user='OPERATOR',
                               smapi_password='operator'), check])
    assert run.rc != 0
    [refusal] = [c for c in run.result(0)['ansible_facts']['zvm']['preflight'] if c['ok'] is False]
    assert (refusal['capability'], refusal['rc'], refusal['rs']) == ('read the whole directory', 100, 12)
    assert run.results[-1]['status'] == 'failed' and 'DIRM FOR ALL AUTHFOR OPERATOR' in str(run.result()['msg'])
