# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The agent: one fixed Python 3 program the collection runs on the access
node as ``python3 -c AGENT VERB ARGS...`` for the work that moves bytes.

The program text never changes; only its arguments do, and they are an
argument list, never shell text.  It uses the standard library only (and
runs on the Python 3.6 of older distributions), streams with 1 MiB buffers,
inflates and deflates with zlib (C speed) while a second thread writes and
hashes, and prints one JSON line on success.  On failure it prints one line
to standard error and exits 2 (3: the image is larger than the device, 4: a
checksum does not match, 5: ``begin`` found files it did not write).  Files
are written as ``NAME.part``, synced and renamed, so a file that exists is
complete.

Verbs:

``write-image SRC DEV SKIP GZIP [HASH]``
    SRC from byte SKIP onto DEV, gunzipped when GZIP is 1 (several gzip
    members are fine); ``{"bytes", "seconds"}``.  With HASH 1, the whole
    file SRC (header included) is hashed as it is read, and ``md5`` and
    ``sha256`` are in the result (for an image whose checksums are not
    known yet).
``read-image DEV DEST HEADER_HEX GZIP_LEVEL [SIZE]``
    DEST = header + DEV's first SIZE bytes (default all) gzipped at
    GZIP_LEVEL (0: as they are); ``{"bytes_in", "bytes_out", "md5",
    "sha256", "seconds"}`` (hashes of the whole file).
``fetch URL DEST [MD5] [SHA256]``
    http, https (verified; SSL_CERT_FILE is honoured), file:// or ``-``
    (standard input) into DEST, hashed while it streams; a mismatch leaves
    nothing (exit 4); ``{"bytes", "md5", "sha256", "seconds"}``.
``send SRC`` / ``store DEST``
    SRC to standard output (the summary goes to standard error) / standard
    input to DEST (mode 0600); ``store`` prints the hashes.
``list ROOT``
    ``{path: text}`` of every ``ROOT/netboot/<os>/<name>/meta.json``.
``scan ROOT``
    the repository in one answer: ``{"meta": {path: text}`` of every
    meta.json, ``"files": {path: {"bytes", "mtime", "head"}}`` of the image
    files named by a vdev (``0100``; never ``*.part``) in the directories
    that have no meta.json and no ``.zvmcloud-incomplete`` marker (images a
    z/VM Cloud Connector wrote; ``head`` is the first 512 bytes in hex, or
    ``error`` says why the file cannot be read), ``"incomplete": [dir]`` of
    the directories with the marker and no meta.json``}``.
``begin DIR``
    make DIR an empty image directory holding only the marker
    ``.zvmcloud-incomplete``, removing what an interrupted import or capture
    of zvm.cloud left there; a directory with other files (an image another
    tool wrote) is refused (exit 5).
``put-meta PATH [MARKER]`` / ``remove PATH...``
    standard input (JSON) to PATH, then remove MARKER / remove files and
    directory trees.
``mktemp`` / ``size DEV`` / ``head PATH N`` / ``wait DEV SECONDS``
    a new private temporary file / DEV's size in bytes / its first N bytes
    in hex / wait until DEV exists and can be opened, then its size.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

EXIT_FAILED = 2
EXIT_TOO_LARGE = 3
EXIT_CHECKSUM = 4
EXIT_NOT_OURS = 5
INCOMPLETE = '.zvmcloud-incomplete'

AGENT = r'''
import hashlib, json, os, re, sys, threading, time, zlib
try:
    import queue
except ImportError:
    import Queue as queue
BUF = 1 << 20
T0 = time.time()
INCOMPLETE = '.zvmcloud-incomplete'
VDEV_FILE = re.compile(r'^[0-9A-Fa-f]{4}$')


class Fail(Exception):
    def __init__(self, msg, code=2):
        Exception.__init__(self, msg)
        self.code = code


def report(out=sys.stdout, **fields):
    fields['seconds'] = round(time.time() - T0, 3)
    out.write(json.dumps(fields, sort_keys=True) + '\n')
    out.flush()


def md5():
    try:
        return hashlib.md5(usedforsecurity=False)
    except TypeError:
        return hashlib.md5()


def hexes(hashes):
    return [h.hexdigest() for h in hashes]


def write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


class Writer(object):
    """Writes (and hashes) chunks in order in a thread of its own."""

    def __init__(self, fd, hashes=()):
        self.fd, self.hashes, self.error, self.count = fd, hashes, None, 0
        self.q = queue.Queue(4)
        self.t = threading.Thread(target=self.loop)
        self.t.daemon = True
        self.t.start()

    def loop(self):
        while True:
            data = self.q.get()
            if data is None:
                return
            if self.error is None:
                try:
                    for h in self.hashes:
                        h.update(data)
                    write_all(self.fd, data)
                except Exception as e:
                    self.error = e

    def put(self, data):
        if self.error is not None:
            raise self.error
        if data:
            self.count += len(data)
            self.q.put(data)

    def close(self):
        self.q.put(None)
        self.t.join()
        if self.error is not None:
            raise self.error


def dev_size(fd):
    size = os.lseek(fd, 0, 2)
    os.lseek(fd, 0, 0)
    return size


def new_file(path, mode=0o644):
    parent = os.path.dirname(path)
    if parent:
        os.makedirs(parent, exist_ok=True)
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)


def commit(fd, part, dest):
    os.fsync(fd)
    os.close(fd)
    os.rename(part, dest)
    dfd = os.open(os.path.dirname(dest) or '.', os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def discard(path):
    try:
        os.remove(path)
    except OSError:
        pass


def into(dest, chunks, hashes, mode=0o644, check=None):
    """The chunks into dest.part, synced and renamed to dest (after
    ``check()``, which may refuse); the count."""
    part = dest + '.part'
    fd = new_file(part, mode)
    try:
        w = Writer(fd, hashes)
        try:
            for data in chunks:
                w.put(data)
        finally:
            w.close()
        if check is not None:
            check()
        commit(fd, part, dest)
    except BaseException:
        try:
            os.close(fd)
        except OSError:
            pass
        discard(part)
        raise
    return w.count


def reads(f, limit=None):
    while limit is None or limit > 0:
        data = f.read(BUF if limit is None else min(BUF, limit))
        if not data:
            if limit:
                raise Fail('the source ended %d bytes early' % limit)
            return
        if limit is not None:
            limit -= len(data)
        yield data


def gunzip(chunks):
    """Inflate gzip data (one member or several, zero padding after them),
    never more than BUF bytes at a time."""
    d = zlib.decompressobj(31)
    for data in chunks:
        while data:
            if d is None:
                if not data.strip(b'\0'):
                    break
                d = zlib.decompressobj(31)
            out = d.decompress(data, BUF)
            if out:
                yield out
            if d.eof:
                data, d = d.unused_data, None
                continue
            data = d.unconsumed_tail
            while not data and len(out) == BUF:
                out = d.decompress(b'', BUF)
                if out:
                    yield out
    if d is not None and not d.eof:
        raise Fail('the gzip data is truncated')


def hashed(chunks, hashes):
    for data in chunks:
        for h in hashes:
            h.update(data)
        yield data


def write_image(src, dev, skip, gz, want_hash='0'):
    skip = int(skip)
    hashes = [md5(), hashlib.sha256()] if want_hash == '1' else []
    with open(src, 'rb', buffering=0) as f:
        if hashes:
            for data in hashed(reads(f, skip), hashes):
                pass
        else:
            f.seek(skip)
        fd = os.open(dev, os.O_WRONLY)
        try:
            size = dev_size(fd)
            if gz != '1':
                data = os.fstat(f.fileno()).st_size - skip
                if data > size:
                    raise Fail('the image data is larger than the device: %d bytes for a device of %d bytes'
                               % (data, size), 3)
            w = Writer(fd)
            source = hashed(reads(f), hashes) if hashes else reads(f)
            try:
                for data in (gunzip(source) if gz == '1' else source):
                    if w.count + len(data) > size:
                        raise Fail('the image data is larger than the device: more than %d bytes for a device '
                                   'of %d bytes' % (w.count + len(data), size), 3)
                    w.put(data)
            finally:
                w.close()
            os.fsync(fd)
        finally:
            os.close(fd)
    if hashes:
        m, s = hexes(hashes)
        report(bytes=w.count, md5=m, sha256=s)
    else:
        report(bytes=w.count)


def deflate(chunks, level):
    c = zlib.compressobj(level, zlib.DEFLATED, 31)
    for data in chunks:
        yield c.compress(data)
    yield c.flush()


def read_image(dev, dest, header, level, size=None):
    level = int(level)
    if not 0 <= level <= 9:
        raise Fail('the gzip level is 0 to 9, not %d' % level)
    header = '' if header == '-' else header
    hashes = [md5(), hashlib.sha256()]
    counted = [0]
    with open(dev, 'rb', buffering=0) as f:
        total = int(size) if size else dev_size(f.fileno())

        def source():
            yield bytes(bytearray.fromhex(header))
            for data in (deflate(counted_reads(), level) if level else counted_reads()):
                yield data

        def counted_reads():
            for data in reads(f, total):
                counted[0] += len(data)
                yield data
        out = into(dest, source(), hashes)
    m, s = hexes(hashes)
    report(bytes_in=counted[0], bytes_out=out, md5=m, sha256=s)


def opened(url):
    if url == '-':
        return getattr(sys.stdin, 'buffer', sys.stdin)
    scheme = url.split(':', 1)[0].lower()
    if scheme == 'file':
        import urllib.parse
        parts = urllib.parse.urlsplit(url)
        if parts.netloc not in ('', 'localhost'):
            raise Fail('a file:// URL names a file on the access node: file:///path')
        return open(urllib.parse.unquote(parts.path), 'rb')
    if scheme in ('http', 'https'):
        import ssl
        import urllib.error
        import urllib.request
        try:
            handlers = [urllib.request.HTTPSHandler(context=ssl.create_default_context())] if scheme == 'https' else []
            return urllib.request.build_opener(*handlers).open(url, timeout=60)
        except urllib.error.HTTPError as e:
            raise Fail('the server answered HTTP %d %s' % (e.code, e.reason))
        except urllib.error.URLError as e:
            raise Fail('cannot reach the server: %s' % (e.reason,))
    raise Fail('unsupported URL scheme %r: use http, https or file' % scheme)


def fetch(url, dest, want_md5='', want_sha=''):
    hashes = [md5(), hashlib.sha256()]

    def check():
        for kind, want, have in zip(('md5', 'sha256'), (want_md5, want_sha), hexes(hashes)):
            if want and want != '-' and want.lower() != have:
                raise Fail('checksum mismatch: expected %s %s, got %s' % (kind, want.lower(), have), 4)
    src = opened(url)
    try:
        got = into(dest, reads(src), hashes, check=check)
    finally:
        if src is not getattr(sys.stdin, 'buffer', sys.stdin):
            src.close()
    m, s = hexes(hashes)
    report(bytes=got, md5=m, sha256=s)


def send(src):
    out = getattr(sys.stdout, 'buffer', sys.stdout)
    n = 0
    with open(src, 'rb', buffering=0) as f:
        for data in reads(f):
            out.write(data)
            n += len(data)
    out.flush()
    report(sys.stderr, bytes=n)


def store(dest):
    hashes = [md5(), hashlib.sha256()]
    n = into(dest, reads(getattr(sys.stdin, 'buffer', sys.stdin)), hashes, 0o600)
    m, s = hexes(hashes)
    report(bytes=n, md5=m, sha256=s)


def listing(root):
    found = {}
    base = os.path.join(root, 'netboot')
    for osv in sorted(os.listdir(base)) if os.path.isdir(base) else []:
        if not os.path.isdir(os.path.join(base, osv)):
            continue
        for name in sorted(os.listdir(os.path.join(base, osv))):
            path = os.path.join(base, osv, name, 'meta.json')
            if os.path.isfile(path):
                with open(path, 'rb') as f:
                    found[path] = f.read().decode('utf-8', 'replace')
    sys.stdout.write(json.dumps(found, sort_keys=True) + '\n')


def head_of(path):
    """{bytes, mtime, head} of an image file, or {error}."""
    try:
        st = os.stat(path)
        with open(path, 'rb') as f:
            data = f.read(512)
        return {'bytes': st.st_size, 'mtime': round(st.st_mtime, 3), 'head': data.hex()}
    except (IOError, OSError) as e:
        return {'error': '%s' % (e.strerror or e)}


def scan(root):
    found = {'meta': {}, 'files': {}, 'incomplete': []}
    base = os.path.join(root, 'netboot')
    for osv in sorted(os.listdir(base)) if os.path.isdir(base) else []:
        if not os.path.isdir(os.path.join(base, osv)):
            continue
        for name in sorted(os.listdir(os.path.join(base, osv))):
            folder = os.path.join(base, osv, name)
            meta = os.path.join(folder, 'meta.json')
            if os.path.isfile(meta):
                try:
                    with open(meta, 'rb') as f:
                        found['meta'][meta] = f.read().decode('utf-8', 'replace')
                except (IOError, OSError) as e:
                    found['meta'][meta] = 'unreadable: %s' % (e.strerror or e)
            elif os.path.lexists(os.path.join(folder, INCOMPLETE)):
                found['incomplete'].append(folder)
            elif os.path.isdir(folder):
                for fn in sorted(os.listdir(folder)):
                    path = os.path.join(folder, fn)
                    if VDEV_FILE.match(fn) and os.path.isfile(path):
                        found['files'][path] = head_of(path)
    sys.stdout.write(json.dumps(found, sort_keys=True) + '\n')


def sync_dir(path):
    dfd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def put_meta(path, marker=None):
    text = getattr(sys.stdin, 'buffer', sys.stdin).read()
    json.loads(text.decode('utf-8'))
    n = into(path, [text], [])
    if marker:
        discard(marker)
    report(bytes=n)


def below_root(path, what):
    if not path.startswith('/') or os.path.normpath(path) == '/' or '/../' in path + '/':
        raise Fail('refusing to %s %r: not an absolute path below /' % (what, path))


def begin(path):
    import shutil
    below_root(path, 'use')
    if os.path.isdir(path) and not os.path.islink(path):
        others = [n for n in sorted(os.listdir(path)) if n not in (INCOMPLETE, 'meta.json') and not n.endswith('.part')]
        if others and not set([INCOMPLETE, 'meta.json']) & set(os.listdir(path)):
            raise Fail('%s holds files zvm.cloud did not write (%s): an image of another tool' % (
                path, ', '.join(others[:5])), 5)
        shutil.rmtree(path)
    elif os.path.lexists(path):
        raise Fail('%s is not a directory' % path, 5)
    os.makedirs(path)
    fd = new_file(os.path.join(path, INCOMPLETE))
    os.fsync(fd)
    os.close(fd)
    sync_dir(path)
    report(dir=path)


def remove(*paths):
    import shutil
    gone = []
    for path in paths:
        below_root(path, 'remove')
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        elif os.path.lexists(path):
            os.remove(path)
        else:
            continue
        gone.append(path)
    report(removed=gone)


def mktemp():
    import tempfile
    fd, path = tempfile.mkstemp(prefix='zvmcloud-')
    os.close(fd)
    report(path=path)


def size(dev):
    fd = os.open(dev, os.O_RDONLY)
    try:
        report(bytes=dev_size(fd))
    finally:
        os.close(fd)


def head(path, n):
    with open(path, 'rb') as f:
        report(hex=f.read(int(n)).hex())


def wait(dev, seconds):
    end = time.time() + float(seconds)
    while True:
        try:
            return size(dev)
        except OSError:
            if time.time() >= end:
                raise Fail('%s did not appear within %s seconds' % (dev, seconds))
            time.sleep(0.05)


VERBS = {'write-image': write_image, 'read-image': read_image, 'fetch': fetch, 'send': send, 'store': store,
         'list': listing, 'scan': scan, 'begin': begin, 'put-meta': put_meta, 'remove': remove, 'mktemp': mktemp, 'size': size,
         'head': head, 'wait': wait}


def main(argv):
    if not argv or argv[0] not in VERBS:
        raise Fail('unknown verb %r' % (argv[0] if argv else ''))
    try:
        VERBS[argv[0]](*argv[1:])
    except TypeError:
        if sys.exc_info()[2].tb_next is None:       # raised by the call itself
            raise Fail('%s: wrong number of arguments' % argv[0])
        raise


try:
    main(sys.argv[1:])
except Fail as e:
    sys.stderr.write('%s\n' % e)
    sys.exit(e.code)
except Exception as e:
    sys.stderr.write(('%s: %s' % (type(e).__name__, e)).replace('\n', ' ') + '\n')
    sys.exit(2)
'''
