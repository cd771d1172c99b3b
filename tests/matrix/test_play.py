# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The end-to-end play of the supported-versions matrix (tools/test matrix,
tools/matrix.sh): a guest with a disk created against zvmsim through
ansible-playbook, then a converged rerun with nothing changed.

tools/test matrix runs it once per ansible-core release line, in that
line's virtual environment, and says which cell it is in:
ZVM_MATRIX_ANSIBLE_CORE (the release line, 2.16), ZVM_MATRIX_PYTHON (the
controller Python, 3.10) and ZVM_MATRIX_MODULE_PYTHON (the interpreter the
modules run on, given to the play as ansible_python_interpreter).  The
play reports the ansible-core and Python it ran on and the module
interpreter's Python facts, so a cell cannot pass on the wrong versions.
The pytest stage runs it too, with the defaults: .venv's ansible-core and
its Python for both.
"""

import os
import subprocess
import sys

import ansible.release

MODULE_PYTHON = os.environ.get('ZVM_MATRIX_MODULE_PYTHON') or sys.executable

GUEST = {'name': 'MATRIX01', 'memory': '1G', 'max_memory': '2G', 'vcpus': 1, 'profile': 'IBMDFLT',
         'state': 'started',
         'disks': [{'vdev': '0100', 'size': '1G', 'disk_pool': 'ECKD:POOL1', 'is_boot_disk': True}]}

TASKS = [
    {'name': 'controller', 'ansible.builtin.debug': {'msg': '{{ ansible_version.full }} {{ ansible_playbook_python }}'}},
    # the python facts come from the module interpreter: proof of which one ran the modules
    {'name': 'module interpreter', 'ansible.builtin.setup': {'gather_subset': ['!all', '!min', 'python']}},
    {'name': 'guest', 'zvm.cloud.zvm_guest': GUEST},
]


def version_of(python):
    out = subprocess.run([python, '-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'],
                         capture_output=True, text=True, check=True).stdout
    return out.strip()


def test_guest_with_a_disk_then_a_converged_rerun(play, zvmsim):
    play_vars = {'ansible_python_interpreter': MODULE_PYTHON}
    first = play(TASKS, play_vars=play_vars)
    assert first.rc == 0, first
    # the play ran on the ansible-core and Python of this environment, which are the cell's
    core, controller_python = first.task('controller')['msg'].split()
    assert core == ansible.release.__version__
    assert version_of(controller_python) == '%d.%d.%d' % sys.version_info[:3]
    if os.environ.get('ZVM_MATRIX_ANSIBLE_CORE'):
        assert core.startswith(os.environ['ZVM_MATRIX_ANSIBLE_CORE'] + '.'), core
    if os.environ.get('ZVM_MATRIX_PYTHON'):
        assert '%d.%d' % sys.version_info[:2] == os.environ['ZVM_MATRIX_PYTHON']
    facts = first.task('module interpreter')['ansible_facts']
    assert facts['ansible_python']['executable'] == MODULE_PYTHON
    assert '%d.%d.%d' % tuple(facts['ansible_python']['version'][k] for k in ('major', 'minor', 'micro')) == \
        version_of(MODULE_PYTHON)
    assert first.checked == 1           # the guest task's check-mode prediction matched what it did
    guest = first.task('guest')
    assert guest['changed'] is True
    assert guest['actions'][:2] == ['create guest MATRIX01', 'create disk 0100 (1G in ECKD:POOL1)']
    assert guest['power_state'] == 'on'
    assert zvmsim.dump()['directory']['MATRIX01'][0].split() == ['USER', 'MATRIX01', 'LBYONLY', '1G', '2G', 'G']
    assert 'MATRIX01' in zvmsim.dump()['cp']
    extents = [(e['vdev'], e['size']) for e in zvmsim.dump()['extents'] if e['owner'] == 'MATRIX01']
    assert extents == [('0100', 1457)]

    again = play(TASKS, play_vars=play_vars)
    assert again.rc == 0, again
    assert [r['result'].get('changed') for r in again.results] == [False, False, False]
    assert again.task('guest')['actions'] == []
    assert again.writes == []
    assert 'changed=0' in again.stdout
