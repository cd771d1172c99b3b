# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SDKAPI image methods: the image repository on the access node
(``image_import``, ``image_query``, ``image_delete``, ``image_export``,
``image_get_root_disk_size``), with zvmsdk's names, parameters and return
shapes; deploy and capture are in ``deploy.py``.

The repository lives on the access node in the z/VM Cloud Connector's
layout (``images/repository.py``), its metadata beside each image; the
bytes move on the node (the agent of ``node/agent.py``), checksums are
computed while they stream, and a file is complete once it has its name.
Every method records its transfer in ``self.last_transfer``
({bytes, seconds, mb_per_s}; None when nothing moved).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import posixpath
import re
import time
from urllib.parse import unquote, urlsplit

from ansible_collections.zvm.cloud.plugins.module_utils.images import format as image_format
from ansible_collections.zvm.cloud.plugins.module_utils.images import repository
from ansible_collections.zvm.cloud.plugins.module_utils.node import access
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.deploy import DeployMixin, transfer_figures
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import (
    SDKFunctionNotImplementError, SDKInvalidInputFormat,
)

SCHEMES = ('file', 'http', 'https')
NO_CHECKSUM = '-'
_HEX_RE = re.compile(r'^[0-9a-f]+$')


def _checksum(value, length, field):
    """A checksum from image_meta in lower case ('-': none given)."""
    if value is None or value == '':
        return NO_CHECKSUM
    text = str(value).strip().lower()
    if len(text) != length or not _HEX_RE.match(text):
        raise SDKInvalidInputFormat('image_meta %s: %r is not %d hex digits' % (field, value, length))
    return text


def file_url_path(url, field='url'):
    """The absolute path of a file:// URL."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    if parts.scheme.lower() != 'file' or parts.netloc not in ('', 'localhost') or not path.startswith('/') \
            or path.endswith('/'):
        raise SDKInvalidInputFormat('%s: %r: a file URL names an absolute path of a file, as '
                                    'file:///var/images/rhel9.img' % (field, url))
    return path


def url_scheme(url, field='url'):
    if not isinstance(url, str) or not url:
        raise SDKInvalidInputFormat('%s: expected a URL, got %r' % (field, url))
    scheme = urlsplit(url).scheme.lower()
    if scheme not in SCHEMES:
        raise SDKInvalidInputFormat("%s: no backend found for %r: the URL must be file://, http:// or https://"
                                    % (field, scheme))
    return scheme


class _Counter:
    """A writable binary sink that counts what goes through it to
    ``target`` (None: nowhere) and hashes it when asked (md5, and sha256
    with ``sha256``)."""

    def __init__(self, target=None, md5=False, sha256=False):
        self.target = target
        self.md5 = hashlib.md5(usedforsecurity=False) if md5 else None
        self.sha256 = hashlib.sha256() if sha256 else None
        self.count = 0

    def write(self, data):
        if self.md5 is not None:
            self.md5.update(data)
        if self.sha256 is not None:
            self.sha256.update(data)
        if self.target is not None:
            self.target.write(data)
        self.count += len(data)
        return len(data)

    def flush(self):
        if self.target is not None:
            self.target.flush()


class ImageMixin(DeployMixin):
    """Image methods of SDKAPI (mixed into ``api.SDKAPI``); they need an
    access node (``SDKBase.require_node``)."""

    def _repository(self, purpose):
        return repository.Repository(self.require_node(purpose))

    # -- import ----------------------------------------------------------------------------------
    def image_import(self, image_name, url, image_meta, remote_host=None):
        """Import an image into the repository on the access node.

        ``url``: ``file:///path`` (a file on the access node, or on
        ``remote_host`` ('user@host'), read over SFTP), ``http://`` or
        ``https://`` (certificates verified on the node).  ``image_meta``:
        ``os_version`` (required), ``md5sum`` and/or ``sha256sum`` (checked
        while the bytes stream in: a mismatch leaves nothing behind),
        ``comments``; for an image without an image header, ``disk_type``
        ('DASD' or 'FBA') and ``disk_size_units`` ('3338:CYL').  An image
        in the z/VM Cloud Connector's format takes its kind and disk size
        from its header; a CKD track image (Feilong's ckdencode) is
        refused.  A name already in the repository (any case) raises
        SDKConflictError, as zvmsdk does.
        """
        name = repository.check_name(image_name)
        if not isinstance(image_meta, dict):
            raise SDKInvalidInputFormat('image_meta: expected a dict with at least os_version, got %r' % (image_meta,))
        os_version = repository.check_os_version(image_meta.get('os_version'), 'image_meta os_version')
        md5 = _checksum(image_meta.get('md5sum'), 32, 'md5sum')
        sha = _checksum(image_meta.get('sha256sum'), 64, 'sha256sum')
        comments = image_meta.get('comments')
        if comments is not None and not isinstance(comments, str):
            raise SDKInvalidInputFormat('image_meta comments: expected a string')
        scheme = url_scheme(url)
        source = file_url_path(url) if scheme == 'file' else None
        if remote_host is not None and scheme != 'file':
            remote_host = None                      # zvmsdk: ignored for http and https
        self.last_transfer = None
        repo = self._repository('image_import')
        node = repo.node
        repo.require_absent(name)
        repo.begin(os_version, name)                # removes what an interrupted import left (never listed)
        dest = posixpath.join(repo.dir_of(os_version, name), repository.ROOT_VDEV)
        start = time.monotonic()
        try:
            if remote_host:
                got = self._fetch_remote(node, remote_host, source, dest, md5, sha)
            else:
                got = node.agent('fetch', url, dest, md5, sha)
            head = bytes.fromhex(node.agent('head', dest, str(image_format.HEADER_LEN))['hex'])
            header = image_format.parse_header(head)
            if header is None:
                header = image_format.raw_header(head, image_meta.get('disk_type'), image_meta.get('disk_size_units'),
                                                 nbytes=got['bytes'])
            image_format.check_deployable(header, 'image %s' % name)
            _check_data_size(header, got['bytes'], name)
            disk = repository.disk_record(repository.ROOT_VDEV, header, got['bytes'], got['md5'], got['sha256'])
            meta = repository.build_metadata(name, os_version, [disk], comments=comments,
                                             last_access_time=round(time.time(), 3))
            repo.write_meta(meta)
        except Exception:
            _quietly(repo.remove_dir, os_version, name)
            raise
        self.last_transfer = transfer_figures(got['bytes'], time.monotonic() - start)

    @staticmethod
    def _fetch_remote(node, remote_host, source, dest, md5, sha):
        """``source`` on ``remote_host`` read over SFTP and streamed into
        the agent's fetch on the node."""
        runner = node.sftp_from(remote_host)
        try:
            sftp = runner.open_sftp()
            try:
                with access.sftp_reader(sftp, source) as stream:
                    return node.agent('fetch', '-', dest, md5, sha, stdin=stream)
            finally:
                sftp.close()
        finally:
            runner.close()

    # -- query, delete -------------------------------------------------------------------------------
    def image_query(self, imagename=None):
        """The images in the repository, as zvmsdk's records: a list of
        dicts with ``imagename``, ``imageosdistro``, ``md5sum``,
        ``disk_size_units``, ``image_size_in_bytes`` (a string of digits,
        as zvmsdk gives it), ``type``, ``comments``, ``last_access_time``
        (when it was imported or captured) and ``image_path`` (the root
        disk's file), plus ``sha256sum``, ``format``, ``root_vdev`` and
        ``disks``.  An image a z/VM Cloud Connector wrote (no meta.json) is
        listed too, with ``md5sum`` and ``sha256sum`` None until its first
        deploy or export has read it whole.  With ``imagename``, that
        image only (any case); one that does not exist raises
        SDKObjectNotExistError."""
        repo = self._repository('image_query')
        if imagename is not None:
            return [repository.query_record(repo.root, repo.require(imagename))]
        images = repo.images()
        return [repository.query_record(repo.root, images[k]) for k in sorted(images)]

    def image_delete(self, image_name):
        """Remove an image (its metadata first, then its files); one that
        does not exist is not an error, as in zvmsdk."""
        repo = self._repository('image_delete')
        meta = repo.find(image_name)
        if meta is not None:
            repo.remove(meta)

    def image_get_root_disk_size(self, image_name):
        """The size of the disk the image needs, ``'3338:CYL'`` or
        ``'2097152:BLK'`` (the shape zvmsdk documents)."""
        return self._repository('image_get_root_disk_size').require(image_name)['disk_size_units']

    def image_path(self, image_name, os_version, vdev=repository.ROOT_VDEV):
        """Where the repository keeps (or would keep) disk ``vdev`` of an
        image (no I/O).  (A collection extension.)"""
        node = self.require_node('image_path')
        return posixpath.join(repository.image_dir(node.repository.rstrip('/') or '/', repository.check_os_version(
            os_version), repository.check_name(image_name)), vdev)

    # -- export ------------------------------------------------------------------------------------------
    def image_export(self, image_name, dest_url, remote_host=None):
        """Copy an image's file to ``dest_url`` (``file:///path``): on the
        access node, or on ``remote_host`` ('user@host') over SFTP (written
        as ``path.part``, then renamed).  Returns zvmsdk's
        ``{image_name, image_path, os_version, md5sum, comments}``
        (``image_path`` is ``dest_url``).  The first export of an image of
        a z/VM Cloud Connector (no meta.json, md5sum None) hashes it on the
        way and writes its meta.json (``Repository.adopt``).  An
        ``alldisks`` image has one file per disk and is not exported
        (SDKFunctionNotImplementError)."""
        dest = file_url_path(dest_url, 'dest_url') if url_scheme(dest_url, 'dest_url') == 'file' else None
        if dest is None:
            raise SDKInvalidInputFormat('dest_url: %r: an image is exported to a file:// URL' % (dest_url,))
        self.last_transfer = None
        repo = self._repository('image_export')
        meta = repo.require(image_name)
        if meta['type'] != repository.ROOTONLY:
            raise SDKFunctionNotImplementError('image %s is an alldisks image (one file per disk); export exports '
                                               'a rootonly image' % meta['imagename'])
        source = repository.file_path(repo.root, meta, repository.root_disk(meta))
        start = time.monotonic()
        if remote_host:
            sink = self._send_remote(repo.node, remote_host, source, dest, hashes=not meta['md5sum'])
            nbytes = sink.count
            hashes = (sink.md5.hexdigest(), sink.sha256.hexdigest()) if sink.md5 is not None else None
        else:
            got = repo.node.agent('fetch', 'file://' + source, dest, meta['md5sum'] or NO_CHECKSUM, NO_CHECKSUM)
            nbytes, hashes = got['bytes'], (got['md5'], got['sha256'])
        if not meta['md5sum']:              # an image of a z/VM Cloud Connector: now its checksums are known
            meta = repo.adopt(meta, *hashes)
        self.last_transfer = transfer_figures(nbytes, time.monotonic() - start)
        return {'image_name': meta['imagename'], 'image_path': dest_url, 'os_version': meta['imageosdistro'],
                'md5sum': meta['md5sum'], 'comments': meta['comments']}

    @staticmethod
    def _send_remote(node, remote_host, source, dest, hashes=False):
        """``source`` on the node to ``dest`` on ``remote_host`` over SFTP
        (``dest.part``, then renamed): the _Counter the bytes went through
        (hashed with ``hashes``)."""
        runner = node.sftp_from(remote_host)
        try:
            sftp = runner.open_sftp()
            part = dest + '.part'
            try:
                try:
                    with sftp.open(part, 'wb') as stream:
                        stream.set_pipelined(True)
                        sink = _Counter(stream, md5=hashes, sha256=hashes)
                        node.agent('send', source, stdout=sink)
                    sftp.posix_rename(part, dest)
                except Exception:
                    _quietly(sftp.remove, part)
                    raise
            finally:
                sftp.close()
        finally:
            runner.close()
        return sink

    def image_export_matches(self, image_name, dest_url, remote_host=None):
        """Whether ``dest_url`` (as for ``image_export``) already holds the
        image's bytes: same size, then same md5 (read and hashed).  False
        for an image of a z/VM Cloud Connector whose md5 is not known yet
        (``image_export`` learns it).  (A collection extension, for
        idempotent exports.)"""
        dest = file_url_path(dest_url, 'dest_url')
        repo = self._repository('image_export')
        meta = repo.require(image_name)
        root = repository.root_disk(meta)
        if not root['md5sum']:
            return False
        sink = _Counter(md5=True)
        if remote_host:
            runner = repo.node.sftp_from(remote_host)
            try:
                sftp = runner.open_sftp()
                try:
                    try:
                        if sftp.stat(dest).st_size != root['image_size_in_bytes']:
                            return False
                    except IOError:
                        return False
                    with access.sftp_reader(sftp, dest, root['image_size_in_bytes']) as stream:
                        for data in iter(lambda: stream.read(1 << 20), b''):
                            sink.write(data)
                finally:
                    sftp.close()
            finally:
                runner.close()
        else:
            try:
                if repo.node.agent('size', dest)['bytes'] != root['image_size_in_bytes']:
                    return False
            except Exception:  # pylint: disable=broad-except
                return False
            repo.node.agent('send', dest, stdout=sink)
        return sink.md5.hexdigest() == root['md5sum']


def _check_data_size(header, nbytes, name):
    """An uncompressed image's data must fit the disk its header names."""
    if header.gzip:
        return
    data = nbytes - header.header_len
    limit = image_format.data_bytes(header.size, header.unit)
    if data > limit:
        raise SDKInvalidInputFormat('image %s: %d bytes of data do not fit the disk of %d %s its header names '
                                    '(%d bytes)' % (name, data, header.size, header.unit, limit))


def _quietly(function, *args):
    try:
        function(*args)
    except Exception:  # pylint: disable=broad-except
        pass
