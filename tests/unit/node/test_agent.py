# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The agent program, run as the node runs it (``python3 -c AGENT VERB
ARGS``) on files in a temporary directory standing in for devices and the
repository."""

import ast
import contextlib
import gzip
import hashlib
import http.server
import json
import os
import ssl
import subprocess
import sys
import threading
import zlib

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.node import agent
from tests.unit.plugins.module_utils.fake_smapi import make_ca_and_server_cert

DATA = os.urandom(300000) + b'\0' * (3 << 20) + b'text ' * 100000


def run(*args, **kwargs):
    stdin = kwargs.pop('stdin', None)
    proc = subprocess.run([sys.executable, '-c', agent.AGENT] + [str(a) for a in args], input=stdin,
                          capture_output=True, check=False, **kwargs)
    result = json.loads(proc.stdout.decode().splitlines()[-1]) if proc.returncode == 0 and proc.stdout else None
    return proc.returncode, result, proc.stderr.decode()


def hashes(data):
    return hashlib.md5(data).hexdigest(), hashlib.sha256(data).hexdigest()


def test_the_program_is_python_3_6():
    ast.parse(agent.AGENT, feature_version=(3, 6))
    assert 'f"' not in agent.AGENT and "f'" not in agent.AGENT.replace("'f'", '')


def test_write_image_gunzips_several_members_after_a_header(tmp_path):
    image = tmp_path / 'image'
    image.write_bytes(b'H' * 512 + gzip.compress(DATA[:1000000]) + gzip.compress(DATA[1000000:]) + b'\0' * 100)
    dev = tmp_path / 'dev'
    dev.write_bytes(b'\xff' * (8 << 20))
    rc, result, err = run('write-image', image, dev, 512, 1)
    assert (rc, err) == (0, '') and result['bytes'] == len(DATA)
    written = dev.read_bytes()
    assert written[:len(DATA)] == DATA and written[len(DATA):] == b'\xff' * ((8 << 20) - len(DATA))
    assert len(written) == 8 << 20      # a device is never truncated


def test_write_image_raw(tmp_path):
    image = tmp_path / 'image'
    image.write_bytes(b'H' * 10 + DATA)
    dev = tmp_path / 'dev'
    dev.write_bytes(b'\0' * len(DATA))
    assert run('write-image', image, dev, 10, 0)[:2] == (0, {'bytes': len(DATA), 'seconds': pytest.approx(0, abs=30)})
    assert dev.read_bytes() == DATA


@pytest.mark.parametrize('gz', [0, 1])
def test_write_image_refuses_data_larger_than_the_device(tmp_path, gz):
    image = tmp_path / 'image'
    image.write_bytes(gzip.compress(DATA) if gz else DATA)
    dev = tmp_path / 'dev'
    dev.write_bytes(b'\0' * (1 << 20))
    rc, _result, err = run('write-image', image, dev, 0, gz)
    assert rc == agent.EXIT_TOO_LARGE
    assert 'the image data is larger than the device' in err and 'for a device of 1048576 bytes' in err
    assert ('%d bytes' % len(DATA)) in err if not gz else 'more than' in err


def test_write_image_refuses_truncated_gzip(tmp_path):
    image = tmp_path / 'image'
    image.write_bytes(gzip.compress(DATA)[:-1000])
    dev = tmp_path / 'dev'
    dev.write_bytes(b'\0' * (8 << 20))
    assert run('write-image', image, dev, 0, 1) == (2, None, 'the gzip data is truncated\n')


@pytest.mark.parametrize('level', [0, 1, 6])
def test_read_image_writes_header_and_gzip_and_hashes_the_file(tmp_path, level):
    dev = tmp_path / 'dev'
    dev.write_bytes(DATA + b'after')
    dest = tmp_path / 'repo' / 'netboot' / 'rhel9' / 'img' / '0100'
    rc, result, err = run('read-image', dev, dest, (b'xCAT' + b' ' * 508).hex(), level, len(DATA))
    assert (rc, err) == (0, '')
    stored = dest.read_bytes()
    assert stored[:4] == b'xCAT' and len(stored) == result['bytes_out']
    body = stored[512:]
    assert (zlib.decompress(body, 31) if level else body) == DATA
    assert result['bytes_in'] == len(DATA)
    assert (result['md5'], result['sha256']) == hashes(stored)
    assert not os.path.exists(str(dest) + '.part')


def test_read_image_of_a_short_device_leaves_nothing(tmp_path):
    dev = tmp_path / 'dev'
    dev.write_bytes(b'x' * 100)
    dest = tmp_path / 'out'
    rc, _result, err = run('read-image', dev, dest, '-', 6, 1000)
    assert rc == 2 and 'the source ended 900 bytes early' in err
    assert os.listdir(str(tmp_path)) == ['dev']


def test_fetch_file_with_checksums(tmp_path):
    source = tmp_path / 'src'
    source.write_bytes(DATA)
    md5, sha = hashes(DATA)
    rc, result, _err = run('fetch', 'file://' + str(source), tmp_path / 'a' / 'img', md5.upper(), sha)
    assert rc == 0 and (result['bytes'], result['md5'], result['sha256']) == (len(DATA), md5, sha)
    assert (tmp_path / 'a' / 'img').read_bytes() == DATA


@pytest.mark.parametrize('which', ['md5', 'sha256'])
def test_fetch_mismatch_leaves_nothing(tmp_path, which):
    source = tmp_path / 'src'
    source.write_bytes(DATA)
    md5, sha = hashes(DATA)
    wrong = '0' * len(md5 if which == 'md5' else sha)
    args = (wrong, sha) if which == 'md5' else (md5, wrong)
    rc, _result, err = run('fetch', 'file://' + str(source), tmp_path / 'dest', *args)
    assert rc == agent.EXIT_CHECKSUM
    assert err == 'checksum mismatch: expected %s %s, got %s\n' % (which, wrong, md5 if which == 'md5' else sha)
    assert sorted(os.listdir(str(tmp_path))) == ['src']


def test_fetch_and_store_from_standard_input(tmp_path):
    rc, result, _err = run('fetch', '-', tmp_path / 'f', '', '-', stdin=DATA)
    assert rc == 0 and result['md5'] == hashes(DATA)[0] and (tmp_path / 'f').read_bytes() == DATA
    rc, result, _err = run('store', tmp_path / 's', stdin=b'secret transport file')
    assert rc == 0 and result['bytes'] == 21 and (tmp_path / 's').read_bytes() == b'secret transport file'
    assert os.stat(str(tmp_path / 's')).st_mode & 0o777 == 0o600


@contextlib.contextmanager
def http_server(directory, tls=None):
    def handler(*a, **kw):
        return http.server.SimpleHTTPRequestHandler(*a, directory=str(directory), **kw)
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    server.RequestHandlerClass.log_message = lambda *a: None
    if tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(*tls)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def test_fetch_http_and_https_verified(tmp_path):
    web = tmp_path / 'web'
    web.mkdir()
    (web / 'img').write_bytes(DATA)
    md5 = hashes(DATA)[0]
    with http_server(web) as port:
        rc, result, _err = run('fetch', 'http://127.0.0.1:%d/img' % port, tmp_path / 'h', md5)
        assert rc == 0 and result['bytes'] == len(DATA)
        rc, _result, err = run('fetch', 'http://127.0.0.1:%d/nothing' % port, tmp_path / 'n')
        assert rc == 2 and err == 'the server answered HTTP 404 File not found\n'
    pki = tmp_path / 'pki'
    pki.mkdir()
    ca, cert, key = make_ca_and_server_cert(str(pki), hostname='localhost')
    with http_server(web, tls=(cert, key)) as port:
        url = 'https://localhost:%d/img' % port
        env = dict(os.environ, SSL_CERT_FILE=ca)
        rc, result, _err = run('fetch', url, tmp_path / 's', md5, env=env)
        assert rc == 0 and (tmp_path / 's').read_bytes() == DATA
        other = tmp_path / 'other'
        other.mkdir()
        stranger = make_ca_and_server_cert(str(other), hostname='localhost')[0]
        env = dict(os.environ, SSL_CERT_FILE=stranger)      # another CA: verification fails
        rc, _result, err = run('fetch', url, tmp_path / 'u', env=env)
        assert rc == 2 and 'CERTIFICATE_VERIFY_FAILED' in err and 'localhost' not in err.split(':', 1)[0]
    assert not (tmp_path / 'u').exists() and not (tmp_path / 'u.part').exists()


def test_fetch_refuses_other_schemes(tmp_path):
    assert run('fetch', 'ftp://h/x', tmp_path / 'x')[0::2] == (2, "unsupported URL scheme 'ftp': use http, https or "
                                                                  "file\n")


def test_send_writes_the_file_to_standard_output(tmp_path):
    (tmp_path / 'f').write_bytes(DATA)
    proc = subprocess.run([sys.executable, '-c', agent.AGENT, 'send', str(tmp_path / 'f')], capture_output=True,
                          check=True)
    assert proc.stdout == DATA and json.loads(proc.stderr)['bytes'] == len(DATA)


def test_list_put_meta_and_remove(tmp_path):
    root = tmp_path / 'images'
    meta = root / 'netboot' / 'rhel9' / 'img1' / 'meta.json'
    assert run('list', root)[:2] == (0, {})
    assert run('put-meta', meta, stdin=b'{"imagename": "img1"}')[0] == 0
    (root / 'netboot' / 'rhel9' / 'img2').mkdir()          # no meta.json: not listed
    assert run('list', root)[1] == {str(meta): '{"imagename": "img1"}'}
    rc, _result, err = run('put-meta', meta, stdin=b'{not json')
    assert rc == 2 and err.startswith('JSONDecodeError: ') and meta.read_bytes() == b'{"imagename": "img1"}'
    assert not os.path.exists(str(meta) + '.part')
    rc, result, _err = run('remove', root / 'netboot' / 'rhel9', tmp_path / 'missing')
    assert rc == 0 and result['removed'] == [str(root / 'netboot' / 'rhel9')]
    assert run('list', root)[1] == {}
    for bad in ('relative', '/', '/tmp/../etc'):
        rc, _result, err = run('remove', bad)
        assert rc == 2 and 'refusing to remove' in err


def test_scan_lists_metadata_and_the_image_files_of_directories_without(tmp_path):
    root = tmp_path / 'images'
    assert run('scan', root)[:2] == (0, {'meta': {}, 'files': {}, 'incomplete': []})
    ours = root / 'netboot' / 'rhel9' / 'ours'
    ours.mkdir(parents=True)
    (ours / 'meta.json').write_text('{"imagename": "ours"}')
    (ours / '0100').write_bytes(b'not listed: the directory has a meta.json')
    feilong = root / 'netboot' / 'sles15' / 'fl'
    feilong.mkdir(parents=True)
    (feilong / '0100').write_bytes(b'H' * 600)
    (feilong / '0101.part').write_bytes(b'partial')
    (feilong / 'import.img').write_bytes(b'not a vdev')
    (feilong / 'abcd').mkdir()
    os.utime(str(feilong / '0100'), (1700000000.25, 1700000000.25))
    rc, result, err = run('begin', root / 'netboot' / 'sles15' / 'mine')
    assert (rc, err, result['dir']) == (0, '', str(root / 'netboot' / 'sles15' / 'mine'))
    (root / 'netboot' / 'sles15' / 'mine' / '0100').write_bytes(b'complete, but no meta.json yet')
    rc, result, err = run('scan', root)
    assert (rc, err) == (0, '')
    assert result == {'meta': {str(ours / 'meta.json'): '{"imagename": "ours"}'},
                      'files': {str(feilong / '0100'): {'bytes': 600, 'mtime': 1700000000.25, 'head': '48' * 512}},
                      'incomplete': [str(root / 'netboot' / 'sles15' / 'mine')]}


def test_begin_makes_an_image_directory_and_put_meta_takes_its_marker(tmp_path):
    folder = tmp_path / 'netboot' / 'rhel9' / 'img'
    assert run('begin', folder)[0] == 0 and sorted(os.listdir(str(folder))) == [agent.INCOMPLETE]
    (folder / '0100').write_bytes(b'x')
    (folder / '0101.part').write_bytes(b'x')
    assert run('begin', folder)[0] == 0 and sorted(os.listdir(str(folder))) == [agent.INCOMPLETE]   # ours: emptied
    rc, _result, err = run('put-meta', folder / 'meta.json', folder / agent.INCOMPLETE, stdin=b'{}')
    assert (rc, err, sorted(os.listdir(str(folder)))) == (0, '', ['meta.json'])
    (folder / '0100').write_bytes(b'x')
    assert run('begin', folder)[0] == 0 and sorted(os.listdir(str(folder))) == [agent.INCOMPLETE]   # ours: meta.json
    other = tmp_path / 'netboot' / 'rhel9' / 'feilong'
    other.mkdir()
    (other / '0100').write_bytes(b'an image a z/VM Cloud Connector wrote')
    rc, _result, err = run('begin', other)
    assert rc == agent.EXIT_NOT_OURS == 5 and 'holds files zvm.cloud did not write (0100)' in err
    assert os.listdir(str(other)) == ['0100']
    (tmp_path / 'file').write_bytes(b'')
    assert run('begin', tmp_path / 'file')[0] == 5
    for bad in ('relative', '/', '/tmp/../etc'):
        rc, _result, err = run('begin', bad)
        assert rc == 2 and 'refusing to use' in err


@pytest.mark.parametrize('gz', [0, 1])
def test_write_image_hashes_the_whole_file_when_asked(tmp_path, gz):
    image = tmp_path / 'image'
    content = b'H' * 512 + (gzip.compress(DATA) if gz else DATA)
    image.write_bytes(content)
    dev = tmp_path / 'dev'
    dev.write_bytes(b'\0' * (8 << 20))
    rc, result, err = run('write-image', image, dev, 512, gz, 1)
    assert (rc, err) == (0, '') and result['bytes'] == len(DATA)
    assert (result['md5'], result['sha256']) == hashes(content)
    assert dev.read_bytes()[:len(DATA)] == DATA
    assert 'md5' not in run('write-image', image, dev, 512, gz)[1]


def test_mktemp_size_head_wait(tmp_path):
    rc, result, _err = run('mktemp')
    assert rc == 0 and os.path.isfile(result['path']) and os.stat(result['path']).st_mode & 0o777 == 0o600
    os.remove(result['path'])
    (tmp_path / 'dev').write_bytes(b'\x01\x02' + b'\0' * 1000)
    assert run('size', tmp_path / 'dev')[1]['bytes'] == 1002
    assert run('head', tmp_path / 'dev', 3)[1]['hex'] == '010200'
    assert run('wait', tmp_path / 'dev', 1)[1]['bytes'] == 1002
    assert run('wait', tmp_path / 'none', 0.1)[0::2] == (2, '%s did not appear within 0.1 seconds\n' % (tmp_path / 'none'))


def test_bad_verbs_and_arguments():
    assert run('format-disk')[0::2] == (2, "unknown verb 'format-disk'\n")
    assert run('size')[0::2] == (2, 'size: wrong number of arguments\n')
    assert run('read-image', '/dev/null', '/tmp/x', '', 11)[0::2] == (2, 'the gzip level is 0 to 9, not 11\n')
