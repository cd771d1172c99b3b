# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``python -m zvmsim vmur``: the management node's vmur, reading a file of
a user's reader from the simulator's state (for guest_get_console_output)."""

from zvmsim.__main__ import main
from zvmsim.handlers.system import spool_number


def spool_id(sim, user='MAINT'):
    with sim.store.transaction() as tx:
        [f] = tx.spool_files(user)
    return spool_number(f['spoolid'])


def reader(sim, user='MAINT'):
    with sim.store.transaction() as tx:
        return tx.spool_files(user)


def test_receive_prints_the_file_and_purges_it(sim, smapi, capsys):
    smapi('Image_Console_Get', 'LINUX01')
    spoolid = spool_id(sim)
    assert main(['vmur', '--state-dir', sim.state_dir, '--user', 'MAINT', 'receive', '-t', '-O',
                 str(spoolid)]) == 0
    out = capsys.readouterr().out
    assert 'LOGON AT' in out and out.endswith('linux01 login:\n')
    assert reader(sim) == []
    assert smapi('System_RDR_File_Query', 'MAINT')['reason_code'] == 4      # 8/4: no reader files


def test_receive_hold_keeps_the_file(sim, smapi, capsys):
    smapi('Image_Console_Get', 'LINUX01')
    spoolid = spool_id(sim)
    assert main(['vmur', '--state-dir', sim.state_dir, '--user', 'MAINT', 're', '-H', '-t', '-O', str(spoolid)]) == 0
    assert 'LOGON AT' in capsys.readouterr().out
    assert len(reader(sim)) == 1


def test_receive_of_a_file_not_in_that_reader(sim, smapi, capsys):
    smapi('Image_Console_Get', 'LINUX01')
    spoolid = spool_id(sim)
    assert main(['vmur', '--state-dir', sim.state_dir, '--user', 'OPERATOR', 'receive', '-t', '-O',
                 str(spoolid)]) == 1
    assert 'vmur: Reader file %d does not exist' % spoolid in capsys.readouterr().err
    assert len(reader(sim)) == 1
