# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zvm.cloud.zvm_facts through Ansible against zvmsim: every subset in
check mode, the facts as host variables, and ad hoc use.  Options, subsets,
filters, the calls each subset makes and errors are tested in-process in
tests/unit/plugins/modules/test_zvm_facts.py."""

import json
import os
import subprocess
import sys

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.operations import entries, vswitches
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.api import SDKAPI
from tests.integration.conftest import ansible_bin

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
    assert set(facts) == set(['gather_subset', 'host', 'diskpools', 'guests', 'vswitches'])
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
