# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Interoperability: Debian's real ``fence_zvmip`` (fence-agents) against a
zvmsim server running as a separate process, over plain TCP and TLS.

fence_zvmip is found through the variables tools/test exports
(FENCE_AGENTS_BIN, the directory of the fence_* scripts;
FENCE_AGENTS_PYTHON; FENCE_AGENTS_PYTHONPATH, the directory of fencing.py),
else /usr/sbin/fence_zvmip run by /usr/bin/python3, else an unpacked copy in
/tmp/fa/usr.  Without it these tests skip, or fail when ZVM_REQUIRE_FENCE=1.
"""

import os
import shutil
import subprocess

import pytest

from zvmsim.testing import SimServer

TIMEOUT = 60
REQUIRE = os.environ.get('ZVM_REQUIRE_FENCE') == '1'


def _candidates():
    bin_dir = os.environ.get('FENCE_AGENTS_BIN')
    if bin_dir:
        yield (os.environ.get('FENCE_AGENTS_PYTHON') or '/usr/bin/python3', os.path.join(bin_dir, 'fence_zvmip'),
               os.environ.get('FENCE_AGENTS_PYTHONPATH') or '')
    yield '/usr/bin/python3', '/usr/sbin/fence_zvmip', ''
    yield '/usr/bin/python3', '/tmp/fa/usr/sbin/fence_zvmip', '/tmp/fa/usr/share/fence'


def find_fence_zvmip():
    """(command prefix, environment, None) for a working fence_zvmip, or
    (None, None, why not)."""
    tried = []
    for python, script, pythonpath in _candidates():
        if not (os.path.isfile(script) and os.path.isfile(python)):
            tried.append('%s (with %s): not found' % (script, python))
            continue
        env = dict(os.environ)
        if pythonpath:
            env['PYTHONPATH'] = pythonpath + (os.pathsep + env['PYTHONPATH'] if env.get('PYTHONPATH') else '')
        probe = subprocess.run([python, script, '--action', 'metadata'], env=env, capture_output=True, text=True,
                               timeout=TIMEOUT, check=False)
        if probe.returncode == 0 and 'fence_zvmip' in probe.stdout:
            return [python, script], env, None
        tried.append('%s (with %s): does not run: %s' % (script, python, (probe.stderr or probe.stdout)[-300:]))
    return None, None, 'fence_zvmip (Debian package fence-agents) is not available: ' + '; '.join(tried)


FENCE, FENCE_ENV, WHY_NOT = find_fence_zvmip()


def unavailable(why):
    if REQUIRE:
        pytest.fail(why + ' (ZVM_REQUIRE_FENCE=1)', pytrace=False)
    pytest.skip(why)


@pytest.fixture(scope='module')
def fence():
    if FENCE is None:
        unavailable(WHY_NOT)
    return FENCE


@pytest.fixture(scope='module')
def plain_server(fence, tmp_path_factory):
    with SimServer(state_dir=str(tmp_path_factory.mktemp('fence-plain'))) as sim:
        yield sim


@pytest.fixture(scope='module')
def tls_server(fence, tmp_path_factory):
    openssl = shutil.which('openssl')
    if openssl is None:
        unavailable('openssl is not available to make a test certificate')
    certs = str(tmp_path_factory.mktemp('fence-certs'))
    cert, key = os.path.join(certs, 'server.pem'), os.path.join(certs, 'server.key')
    subprocess.run([openssl, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost',
                    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', key, '-out', cert],
                   check=True, capture_output=True, timeout=TIMEOUT)
    with SimServer(state_dir=str(tmp_path_factory.mktemp('fence-tls')), tls_cert=cert, tls_key=key) as sim:
        yield sim


def run(fence, sim, action, plug=None, password='MAINT', tls=False):
    args = list(fence) + ['--ip', '127.0.0.1', '--ipport', str(sim.port), '--username', 'MAINT',
                          '--password', password, '--action', action]
    args.append('--ssl-insecure' if tls else '--disable-ssl')
    if plug:
        args += ['--plug', plug]
    return subprocess.run(args, env=FENCE_ENV, capture_output=True, text=True, timeout=TIMEOUT, check=False)


def calls(sim, since, function):
    return [(c['target'], c['rc'], c['rs']) for c in sim.calls(since=since, function=function)]


def check_status(fence, sim, tls):
    on = run(fence, sim, 'status', 'LINUX01', tls=tls)
    assert (on.returncode, on.stdout.strip()) == (0, 'Status: ON'), on.stderr
    off = run(fence, sim, 'status', 'LINUX03', tls=tls)
    assert (off.returncode, off.stdout.strip()) == (2, 'Status: OFF'), off.stderr
    # fence_zvmip runs with --missing-as-off: a guest that does not exist is off (0/12)
    mark = sim.mark()
    missing = run(fence, sim, 'status', 'NOSUCH', tls=tls)
    assert (missing.returncode, missing.stdout.strip()) == (2, 'Status: OFF'), missing.stderr
    assert calls(sim, mark, 'Image_Status_Query') == [('NOSUCH', 0, 12)]


def check_on_off(fence, sim, plug, tls):
    mark = sim.mark()
    on = run(fence, sim, 'on', plug, tls=tls)
    assert on.returncode == 0, on.stdout + on.stderr
    assert 'Success: Powered ON' in on.stdout
    assert calls(sim, mark, 'Image_Activate') == [(plug, 0, 0)]
    assert run(fence, sim, 'status', plug, tls=tls).returncode == 0
    mark = sim.mark()
    off = run(fence, sim, 'off', plug, tls=tls)
    assert off.returncode == 0, off.stdout + off.stderr
    assert 'Success: Powered OFF' in off.stdout
    assert calls(sim, mark, 'Image_Deactivate') == [(plug, 0, 0)]
    assert calls(sim, mark, 'Image_Status_Query')[-1] == (plug, 0, 12)
    assert run(fence, sim, 'status', plug, tls=tls).returncode == 2


def check_monitor(fence, sim, tls):
    mark = sim.mark()
    result = run(fence, sim, 'monitor', tls=tls)
    assert result.returncode == 0, result.stdout + result.stderr
    # Check_Authentication without a target field
    assert calls(sim, mark, 'Check_Authentication') == [(None, 0, 0)]


def test_status_of_guests_on_and_off(fence, plain_server):
    check_status(fence, plain_server, tls=False)


def test_power_on_and_off(fence, plain_server):
    check_on_off(fence, plain_server, 'LINUX02', tls=False)


def test_list(fence, plain_server):
    result = run(fence, plain_server, 'list')
    assert result.returncode == 0, result.stderr
    plugs = sorted(line.split(',')[0] for line in result.stdout.split())
    assert plugs == ['DIRMAINT', 'LINUX01', 'LINUX02', 'LINUX03', 'MAINT', 'TCPIP']
    mark = plain_server.mark()
    run(fence, plain_server, 'list-status')
    assert calls(plain_server, mark, 'Image_Status_Query') == [('*', 0, 0)]


def test_monitor(fence, plain_server):
    check_monitor(fence, plain_server, tls=False)


def test_bad_credentials_are_refused(fence, plain_server):
    mark = plain_server.mark()
    monitor = run(fence, plain_server, 'monitor', password='WRONG')
    assert monitor.returncode != 0
    assert 'Unable to connect/login' in monitor.stderr
    status = run(fence, plain_server, 'status', 'LINUX01', password='WRONG')
    assert status.returncode != 0
    off = run(fence, plain_server, 'off', 'LINUX01', password='WRONG')
    assert off.returncode != 0
    logged = [(c['function'], c['rc']) for c in plain_server.calls(since=mark)]
    assert logged and all(rc == 120 for _function, rc in logged), logged
    assert run(fence, plain_server, 'status', 'LINUX01').returncode == 0     # still on


def test_tls_status(fence, tls_server):
    check_status(fence, tls_server, tls=True)


def test_tls_power_on_and_off(fence, tls_server):
    check_on_off(fence, tls_server, 'LINUX02', tls=True)


def test_tls_monitor_and_bad_credentials(fence, tls_server):
    check_monitor(fence, tls_server, tls=True)
    assert run(fence, tls_server, 'monitor', password='WRONG', tls=True).returncode != 0


def test_plain_client_cannot_talk_to_a_tls_server(fence, tls_server):
    result = run(fence, tls_server, 'status', 'LINUX01', tls=False)
    assert result.returncode != 0
