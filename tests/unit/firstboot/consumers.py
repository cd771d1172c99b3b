# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The real programs that read a guest's first-boot files, for the tests:
netplan (``netplan generate --root-dir``), xorriso (extracting the config
drive), cloud-init's ConfigDrive datasource and network converters (in
Debian's /usr/bin/python3: the test venv has no cloudinit), bash and
shellcheck.  They come from Debian packages that ``tools/lib.sh
setup_system`` installs (netplan.io, cloud-init, xorriso, shellcheck); a
missing one fails the test with that message, it is never skipped.
"""

import io
import json
import os
import shutil
import subprocess
import tarfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SYSTEM_PYTHON = '/usr/bin/python3'
PACKAGES = {'netplan': 'netplan.io', 'xorriso': 'xorriso', 'shellcheck': 'shellcheck', 'bash': 'bash'}


def require(program):
    """The path of ``program``, or the test fails naming the Debian package."""
    path = shutil.which(program) or next((p for p in ('/usr/sbin/' + program, '/sbin/' + program)
                                          if os.access(p, os.X_OK)), None)
    if path is None:
        pytest.fail('%s is not installed: the first-boot tests hand the files to it; tools/lib.sh setup_system '
                    'installs it (apt-get install %s)' % (program, PACKAGES.get(program, program)))
    return path


def require_cloud_init():
    probe = subprocess.run([SYSTEM_PYTHON, '-c', 'import cloudinit.sources.DataSourceConfigDrive'],
                           capture_output=True, text=True, check=False) if os.access(SYSTEM_PYTHON, os.X_OK) else None
    if probe is None or probe.returncode != 0:
        pytest.fail('cloud-init is not importable by %s: the config drive tests read the drive with cloud-init\'s '
                    'ConfigDrive datasource; tools/lib.sh setup_system installs it (apt-get install cloud-init)%s'
                    % (SYSTEM_PYTHON, ': ' + probe.stderr.strip().splitlines()[-1] if probe and probe.stderr else ''))


def untar(data, dest):
    """Unpack a doscript (bytes) into ``dest`` as the guest does; {name: bytes}."""
    os.makedirs(dest, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        members = tar.getmembers()
        for m in members:
            assert m.isfile() and '/' not in m.name and not m.name.startswith('.'), m.name
        if hasattr(tarfile, 'data_filter'):      # Python 3.12+ and the security releases before it
            tar.extractall(dest, filter='data')
        else:
            tar.extractall(dest)
        return dict((m.name, tar.extractfile(m).read()) for m in members)


def check_shell(path):
    """``bash -n`` and shellcheck of a script; fails the test with their output."""
    result = subprocess.run([require('bash'), '-n', path], capture_output=True, text=True, check=False)
    assert result.returncode == 0, 'bash -n %s:\n%s' % (path, result.stderr)
    result = subprocess.run([require('shellcheck'), '--shell=bash', '--severity=style', path], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, 'shellcheck %s:\n%s%s' % (path, result.stdout, result.stderr)


def netplan_generate(root, files):
    """Write {path: text} under ``root`` (mode 0600) and run ``netplan
    generate --root-dir``; {unit file name: text} of what it made for
    systemd-networkd."""
    for path, text in files.items():
        full = os.path.join(str(root), path.lstrip('/'))
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, 'w') as fh:
            fh.write(text)
        os.chmod(full, 0o600)
    result = subprocess.run([require('netplan'), 'generate', '--root-dir', str(root)], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, 'netplan generate refused the file:\n%s' % result.stderr
    assert 'too open' not in result.stderr, result.stderr
    unit_dir = os.path.join(str(root), 'run', 'systemd', 'network')
    return dict((name, open(os.path.join(unit_dir, name)).read()) for name in sorted(os.listdir(unit_dir)))


def unit_values(text):
    """{section: [(key, value)]} of a systemd unit file."""
    out, section = {}, None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        if line.startswith('['):
            section = line.strip('[]')
            out.setdefault(section, [])
        else:
            key, value = line.split('=', 1)
            out[section].append((key, value))
    return out


def xorriso_extract(iso, dest):
    """Extract an ISO image (bytes or a path) with xorriso; returns its volume id."""
    path = iso
    if isinstance(iso, bytes):
        path = os.path.join(str(dest) + '.iso')
        with open(path, 'wb') as fh:
            fh.write(iso)
    result = subprocess.run([require('xorriso'), '-osirrox', 'on', '-indev', path, '-extract', '/', str(dest)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, 'xorriso could not extract the drive:\n%s' % result.stderr
    info = subprocess.run([require('xorriso'), '-indev', path, '-pvd_info'], capture_output=True, text=True, check=False)
    for line in info.stdout.splitlines():
        if line.startswith('Volume Id'):
            return line.split(':', 1)[1].strip()
    raise AssertionError('xorriso -pvd_info shows no Volume Id:\n%s' % info.stdout)


def cloud_init_read(drive_dir, out_dir):
    """cloud-init reads the extracted drive (``DataSourceConfigDrive.
    read_config_drive``), converts network_data.json (``openstack.
    convert_net_json``) and renders it as netplan and as RHEL and SUSE
    sysconfig files under ``out_dir``/{netplan,rhel,suse}; returns
    {'metadata', 'userdata', 'networkdata', 'network_config'}."""
    require_cloud_init()
    result = subprocess.run([SYSTEM_PYTHON, os.path.join(HERE, 'cloudinit_reader.py'), str(drive_dir), str(out_dir)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, 'cloud-init could not read the drive:\n%s' % result.stderr
    return json.loads(result.stdout)


def key_values(text):
    """KEY=value pairs of an ifcfg file, quotes removed, as bash reads them."""
    out = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith('#'):
            continue
        key, value = line.split('=', 1)
        assert key.isupper() or '_' in key, line
        if value[:1] in ('"', "'"):
            assert value[-1] == value[0] and len(value) >= 2, line
            value = value[1:-1]
        out[key] = value
    return out


def bash_key_values(path, keys):
    """The values bash gets when it sources an ifcfg file (what the
    distribution's scripts do)."""
    script = 'set -e; . "$1"; ' + '; '.join('printf "%s=%%s\\n" "${%s-<unset>}"' % (k, k) for k in keys)
    result = subprocess.run([require('bash'), '-c', script, 'bash', path], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return dict(line.split('=', 1) for line in result.stdout.splitlines())
