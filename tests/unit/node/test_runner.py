# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The local runner (commands here, streamed, killed at their timeout) and
the parts of the SSH runner that need no server (tests/integration/
test_node.py runs it against a real sshd)."""

import builtins
import io
import os
import shlex
import sys
import time

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.node import runner as runner_mod
from ansible_collections.zvm.cloud.plugins.module_utils.node.errors import NodeError, NodeTimeout
from ansible_collections.zvm.cloud.plugins.module_utils.node.runner import LocalRunner, SshRunner, label_of

PY = sys.executable


def test_output_error_and_exit_code():
    result = LocalRunner(10).run([PY, '-c', 'import sys; sys.stdout.write("out"); sys.stderr.write("bad\\n"); '
                                            'sys.exit(3)'])
    assert result == (3, b'out', 'bad\n')


def test_stdin_bytes_and_files_are_streamed_and_stdout_to_a_file(tmp_path):
    data = os.urandom(3 * runner_mod.CHUNK + 17)
    copy = [PY, '-c', 'import shutil, sys; shutil.copyfileobj(sys.stdin.buffer, sys.stdout.buffer, 1 << 16)']
    assert LocalRunner(30).run(copy, stdin=data).out == data
    source = tmp_path / 'in'
    source.write_bytes(data)
    sink = io.BytesIO()
    with open(str(source), 'rb') as fh:
        result = LocalRunner(30).run(copy, stdin=fh, stdout=sink)
    assert result.rc == 0 and result.out == b'' and sink.getvalue() == data


def test_a_command_that_reads_no_input_gets_end_of_file():
    result = LocalRunner(10).run([PY, '-c', 'import sys; print(len(sys.stdin.read()))'])
    assert result.out.strip() == b'0'


def test_timeout_kills_the_command_and_its_children(tmp_path):
    marker = tmp_path / 'child-still-running'
    child = 'import time, sys; time.sleep(1); open(sys.argv[1], "w").close()'
    parent = 'import subprocess, sys, time; subprocess.Popen([sys.executable, "-c", %r, sys.argv[1]]); time.sleep(30)' \
        % child
    start = time.monotonic()
    with pytest.raises(NodeTimeout, match=r'took longer than 1 seconds and was killed'):
        LocalRunner(30).run([PY, '-c', parent, str(marker)], timeout=0.5)
    assert time.monotonic() - start < 10
    time.sleep(1.5)
    assert not marker.exists()       # the whole process group went


def test_a_missing_program_is_a_node_error():
    with pytest.raises(NodeError, match=r'cannot run vmcp query on the access node \(local\): No such file'):
        LocalRunner(5).run(['/nonexistent/vmcp', 'query', 'userid'])


def test_a_failing_output_file_stops_the_command():
    class Full(io.RawIOBase):
        def write(self, data):
            raise OSError(28, 'No space left on device')
    start = time.monotonic()
    with pytest.raises(NodeError, match='writing its output failed: .*No space left'):
        LocalRunner(30).run([PY, '-c', 'import sys\nwhile True: sys.stdout.buffer.write(b"x" * 65536)'],
                            stdout=Full())
    assert time.monotonic() - start < 10


def test_a_failing_input_file_stops_the_command():
    class Broken(io.RawIOBase):
        def read(self, n=-1):
            raise OSError(5, 'Input/output error')
    with pytest.raises(NodeError, match='reading its input failed: .*Input/output error'):
        LocalRunner(30).run([PY, '-c', 'import sys; sys.stdin.read()'], stdin=Broken())


def test_commands_are_lists_of_strings():
    for bad in ('vmcp query userid', [], ['vmcp', 1]):
        with pytest.raises(TypeError):
            LocalRunner(5).run(bad)


def test_labels_never_show_arguments():
    assert label_of(['python3', '-c', 'PROGRAM', 'fetch', 'https://u:secret@h/x', '/d']) == 'agent fetch'
    assert label_of(['vmcp', 'link', 'LINUX01', '0100']) == 'vmcp link'
    assert label_of(['/usr/bin/cio_ignore', '-r', '0.0.1000']) == 'cio_ignore'


def test_ssh_command_line_quotes_each_argument_once():
    runner = SshRunner('node1', user='u', known_hosts='/nonexistent')
    argv = ['python3', '-c', 'print("a b"); x = \'$HOME\'', 'store', '/tmp/x y;rm -rf /', '$(id)']
    line = runner.command_line(argv, 12.5)
    assert shlex.split(line) == ['timeout', '-k', '%d' % runner_mod.KILL_AFTER, '13'] + argv


def test_ssh_without_paramiko_says_what_to_install(monkeypatch):
    real_import = builtins.__import__

    def no_paramiko(name, *args, **kwargs):
        if name == 'paramiko':
            raise ImportError('No module named paramiko')
        return real_import(name, *args, **kwargs)
    monkeypatch.setattr(builtins, '__import__', no_paramiko)
    with pytest.raises(NodeError, match='needs the Python package paramiko'):
        SshRunner('node1', user='u', password='pw').run(['vmcp', 'query', 'userid'])


def test_ssh_refuses_to_start_without_the_known_hosts_file(tmp_path):
    runner = SshRunner('127.0.0.1', port=1, user='u', password='Pw-never-shown', known_hosts=str(tmp_path / 'kh'))
    with pytest.raises(NodeError) as e:
        runner.run(['vmcp', 'query', 'userid'])
    assert 'the known hosts file %s does not exist' % (tmp_path / 'kh') in str(e.value)
    assert 'Pw-never-shown' not in str(e.value)


def test_ssh_connection_refused_names_host_and_port(tmp_path):
    known = tmp_path / 'kh'
    known.write_text('')
    runner = SshRunner('127.0.0.1', port=1, user='u', password='Pw-never-shown', known_hosts=str(known),
                       connect_timeout=5)
    with pytest.raises(NodeError) as e:
        runner.run(['vmcp', 'query', 'userid'])
    assert str(e.value).startswith('the access node 127.0.0.1:1: cannot connect: ')
    assert 'Pw-never-shown' not in str(e.value)
