# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The image repository on the access node, in the z/VM Cloud Connector's
layout, with its metadata beside the images instead of in a database.

    <root>/netboot/<os_version>/<image_name>/<vdev>       an image file (root vdev 0100)
    <root>/netboot/<os_version>/<image_name>/meta.json    its metadata, written last
    <root>/staging/                                        work files of captures

``os_version`` is lower case.  An image of this collection is present if
and only if its ``meta.json`` validates against ``METADATA_SCHEMA`` and
agrees with its place (name and os_version): an import or capture starts
by making the directory hold only a marker (``.zvmcloud-incomplete``,
agent verb ``begin``), the image files are complete (renamed from
``.part``) before the metadata is written with an atomic rename, and the
marker goes after it, so an import or capture that was interrupted is
never listed.  Image names are unique regardless of case, as in zvmsdk's
database.

An image that an existing z/VM Cloud Connector (Feilong) wrote has no
``meta.json``: its directory holds one complete file named by the root
vdev (``0100``; Feilong renames an import and moves a capture into place
when they are complete) with the 512-byte image header.  It is listed
with metadata derived from its place and its header (``derived_metadata``:
os_version from the directory, the name, ``disk_size_units`` and
``format`` from the header, ``image_size_in_bytes`` the file's size,
``type`` rootonly, ``last_access_time`` the file's mtime) and
``md5sum``/``sha256sum`` None: unknown until the whole file is read.  The
first deploy or export of it hashes the file as it streams and writes its
``meta.json`` (``adopt``; Feilong ignores the file, and deletes it with
the directory); from then on it is an image like the others.  Such a
directory is never removed to make room for an import or capture of the
same name: ``begin`` refuses a directory with files it did not write.

The metadata is zvmsdk's image record (``imagename``, ``imageosdistro``,
``md5sum``, ``disk_size_units``, ``image_size_in_bytes``, ``type``,
``comments``, ``last_access_time``) plus ``sha256sum``, ``format`` (the
kind of the root disk's image, ``format.KINDS``), ``root_vdev`` and
``disks``: one record per image file ({vdev, file, disk_size_units,
image_size_in_bytes, md5sum, format, header_len}).  It is validated with
jsonschema when it is read and before it is written.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import posixpath
import re

try:
    import jsonschema
    HAS_JSONSCHEMA = True
except ImportError:  # pragma: no cover - checked by require_jsonschema
    jsonschema = None
    HAS_JSONSCHEMA = False

from ansible_collections.zvm.cloud.plugins.module_utils.images import format as image_format
from ansible_collections.zvm.cloud.plugins.module_utils.node.agent import EXIT_NOT_OURS, INCOMPLETE
from ansible_collections.zvm.cloud.plugins.module_utils.node.errors import NodeError
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import (
    SDKConflictError, SDKFunctionNotImplementError, SDKInternalError, SDKInvalidInputFormat, SDKObjectNotExistError,
)

NETBOOT = 'netboot'
STAGING = 'staging'
META = 'meta.json'
ROOT_VDEV = '0100'
ROOTONLY = 'rootonly'
ALLDISKS = 'alldisks'

NAME_PATTERN = r'^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$'
OS_PATTERN = r'^[a-z0-9][a-z0-9._-]{0,31}$'
VDEV_PATTERN = r'^[0-9A-F]{4}$'
FILE_PATTERN = r'^[0-9A-Fa-f]{4}$'          # Feilong names a captured disk's file by the vdev as it was given
SIZE_UNITS_PATTERN = r'^[1-9][0-9]*:(CYL|BLK)$'
MD5_PATTERN = r'^[0-9a-f]{32}$'
SHA256_PATTERN = r'^[0-9a-f]{64}$'
_NAME_RE = re.compile(NAME_PATTERN)
_OS_RE = re.compile(OS_PATTERN)

_DISK = {
    'type': 'object',
    'required': ['vdev', 'file', 'disk_size_units', 'image_size_in_bytes', 'md5sum', 'format'],
    'properties': {
        'vdev': {'type': 'string', 'pattern': VDEV_PATTERN},
        'file': {'type': 'string', 'pattern': FILE_PATTERN},
        'disk_size_units': {'type': 'string', 'pattern': SIZE_UNITS_PATTERN},
        'image_size_in_bytes': {'type': 'integer', 'minimum': 0},
        'md5sum': {'type': 'string', 'pattern': MD5_PATTERN},
        'sha256sum': {'type': 'string', 'pattern': SHA256_PATTERN},
        'format': {'enum': list(image_format.KINDS)},
        'header_len': {'enum': [image_format.NO_HEADER, image_format.OLD_HEADER_LEN, image_format.HEADER_LEN]},
        'gzip': {'type': 'integer', 'minimum': 0, 'maximum': 9},
    },
}

METADATA_SCHEMA = {
    '$schema': 'http://json-schema.org/draft-07/schema#',
    'title': 'zvm.cloud image metadata (meta.json)',
    'type': 'object',
    'required': ['imagename', 'imageosdistro', 'md5sum', 'sha256sum', 'disk_size_units', 'image_size_in_bytes',
                 'type', 'comments', 'last_access_time', 'format', 'root_vdev', 'disks'],
    'properties': {
        'imagename': {'type': 'string', 'pattern': NAME_PATTERN},
        'imageosdistro': {'type': 'string', 'pattern': OS_PATTERN},
        'md5sum': {'type': 'string', 'pattern': MD5_PATTERN},
        'sha256sum': {'type': 'string', 'pattern': SHA256_PATTERN},
        'disk_size_units': {'type': 'string', 'pattern': SIZE_UNITS_PATTERN},
        'image_size_in_bytes': {'type': 'integer', 'minimum': 0},
        'type': {'enum': [ROOTONLY, ALLDISKS]},
        'comments': {'type': ['string', 'null'], 'maxLength': 1024},
        'last_access_time': {'type': 'number'},
        'format': {'enum': list(image_format.KINDS)},
        'root_vdev': {'type': 'string', 'pattern': VDEV_PATTERN},
        'disks': {'type': 'array', 'minItems': 1, 'maxItems': 256, 'items': _DISK},
    },
}


def require_jsonschema():
    if not HAS_JSONSCHEMA:
        raise SDKFunctionNotImplementError('the image repository needs the Python library jsonschema on the '
                                           'controller (pip install jsonschema)')


def schema_problem(meta):
    """None when ``meta`` is valid image metadata, else one line saying
    what is wrong: the schema, then what the schema cannot say (the root
    disk is one of the disks, each vdev once, rootonly has one disk)."""
    require_jsonschema()
    validator = jsonschema.Draft7Validator(METADATA_SCHEMA)
    errors = sorted(validator.iter_errors(meta), key=lambda e: list(e.absolute_path))
    if errors:
        e = errors[0]
        where = '/'.join(str(p) for p in e.absolute_path) or '(top)'
        return '%s: %s' % (where, e.message)
    vdevs = [d['vdev'] for d in meta['disks']]
    if len(set(vdevs)) != len(vdevs):
        return 'disks: a vdev is listed twice'
    if meta['root_vdev'] not in vdevs:
        return 'root_vdev %s is not one of the disks' % meta['root_vdev']
    if meta['type'] == ROOTONLY and len(vdevs) != 1:
        return 'a rootonly image has one disk, this one lists %d' % len(vdevs)
    return None


def validate(meta):
    """``meta`` if it is valid, else SDKInternalError with the problem."""
    problem = schema_problem(meta)
    if problem:
        raise SDKInternalError('image metadata of %r is not valid: %s' % (meta.get('imagename') if isinstance(
            meta, dict) else None, problem))
    return meta


def check_name(image_name, field='image_name'):
    """An image name as given; SDKInvalidInputFormat unless it is 1-100 of
    A-Z a-z 0-9 . _ - starting with a letter or digit."""
    if not isinstance(image_name, str) or not _NAME_RE.fullmatch(image_name):
        raise SDKInvalidInputFormat('%s: %r must be 1 to 100 characters of A-Z, a-z, 0-9, ".", "_" and "-", '
                                    'starting with a letter or a digit' % (field, image_name))
    return image_name


def check_os_version(os_version, field='os_version'):
    """The os_version in lower case (its directory name); SDKInvalidInputFormat
    unless it is 1-32 of a-z 0-9 . _ - (e.g. rhel9.4, sles15sp5, ubuntu22)."""
    # checked before lower-casing, so that no Unicode case mapping (the Kelvin sign) makes it valid
    text = os_version.strip(' ') if isinstance(os_version, str) else None      # blanks only
    text = text.lower() if text and text.isascii() else None
    if not text or not _OS_RE.fullmatch(text):
        raise SDKInvalidInputFormat('%s: %r must be 1 to 32 characters of a-z, 0-9, ".", "_" and "-" (such as '
                                    'rhel9.4 or sles15sp5)' % (field, os_version))
    return text


def image_dir(root, os_version, image_name):
    return posixpath.join(root, NETBOOT, os_version, image_name)


def meta_path(root, os_version, image_name):
    return posixpath.join(image_dir(root, os_version, image_name), META)


def disk_record(vdev, header, nbytes, md5sum, sha256sum=None):
    """One ``disks`` item: image file ``vdev`` of ``nbytes`` bytes whose
    header (or raw_header) is ``header``."""
    rec = {'vdev': vdev, 'file': vdev, 'disk_size_units': image_format.size_units(header.size, header.unit),
           'image_size_in_bytes': int(nbytes), 'md5sum': md5sum, 'format': header.kind,
           'header_len': header.header_len, 'gzip': header.gzip}
    if sha256sum:
        rec['sha256sum'] = sha256sum
    return rec


def build_metadata(image_name, os_version, disks, root_vdev=ROOT_VDEV, capture_type=ROOTONLY, comments=None,
                   last_access_time=0, sha256sum=None):
    """The metadata of an image made of ``disks`` (``disk_record``s); the
    top-level md5sum, sha256sum, size and format are the root disk's,
    ``image_size_in_bytes`` the bytes of all files."""
    root = [d for d in disks if d['vdev'] == root_vdev]
    if not root:
        raise SDKInternalError('image %s: the root disk %s is not among the disks' % (image_name, root_vdev))
    root = root[0]
    meta = {
        'imagename': image_name, 'imageosdistro': os_version, 'md5sum': root['md5sum'],
        'sha256sum': sha256sum or root.get('sha256sum') or '',
        'disk_size_units': root['disk_size_units'],
        'image_size_in_bytes': sum(d['image_size_in_bytes'] for d in disks), 'type': capture_type,
        'comments': comments, 'last_access_time': last_access_time, 'format': root['format'],
        'root_vdev': root_vdev, 'disks': sorted(disks, key=lambda d: d['vdev']),
    }
    return validate(meta)


def derived_metadata(root, path, info):
    """(metadata, None) of an image file at ``path`` without a meta.json
    (the agent's ``scan``: ``info`` {bytes, mtime, head} or {error}), or
    (None, why it is not an image)."""
    prefix = posixpath.join(root, NETBOOT) + '/'
    parts = path[len(prefix):].split('/') if path.startswith(prefix) else []
    if len(parts) != 3:
        return None, 'not at netboot/<os>/<name>/<vdev>'
    os_version, name, vdev = parts
    if 'error' in info:
        return None, 'cannot be read: %s' % info['error']
    if not _OS_RE.fullmatch(os_version) or not _NAME_RE.fullmatch(name):
        return None, 'the directory names are not an os_version and an image name zvm.cloud accepts'
    try:
        header = image_format.parse_header(bytes.fromhex(info.get('head') or ''))
    except (SDKInvalidInputFormat, ValueError) as e:
        return None, str(e)
    if header is None:
        return None, ('no image header, so its disk size is unknown (no meta.json either): import it with '
                      'image_import and disk_type/disk_size_units')
    disk = disk_record(vdev.upper(), header, info['bytes'], None)
    disk['file'] = vdev
    meta = {
        'imagename': name, 'imageosdistro': os_version, 'md5sum': None, 'sha256sum': None,
        'disk_size_units': disk['disk_size_units'], 'image_size_in_bytes': int(info['bytes']), 'type': ROOTONLY,
        'comments': None, 'last_access_time': info.get('mtime') or 0, 'format': header.kind,
        'root_vdev': disk['vdev'], 'disks': [disk],
    }
    problem = schema_problem(adopted(meta, '0' * 32, '0' * 64, check=False))    # what its meta.json will be
    return (None, problem) if problem else (meta, None)


def adopted(meta, md5sum, sha256sum, check=True):
    """The metadata of an image whose checksums were not known
    (``derived_metadata``) now that they are: what its meta.json holds
    (validated unless ``check`` is False)."""
    disk = dict(root_disk(meta), md5sum=md5sum, sha256sum=sha256sum)
    full = dict(meta, md5sum=md5sum, sha256sum=sha256sum, disks=[disk])
    return validate(full) if check else full


def parse_scan(root, answer):
    """The images of the agent's ``scan`` answer ({meta, files,
    incomplete}): ({lower-case name: metadata}, [problems]).  Images with
    a meta.json first (``parse_listing``), then those of a z/VM Cloud
    Connector (``derived_metadata``: one image file in a directory without
    meta.json), names unique regardless of case."""
    images, problems = parse_listing(root, answer.get('meta') or {})
    folders = {}
    for path in sorted(answer.get('files') or {}):
        folders.setdefault(posixpath.dirname(path), []).append(path)
    for folder in sorted(folders):
        paths = folders[folder]
        if len(paths) != 1:
            problems.append('%s: %d image files (%s) and no meta.json: which one is the root disk is not known' % (
                folder, len(paths), ', '.join(posixpath.basename(p) for p in paths)))
            continue
        meta, problem = derived_metadata(root, paths[0], answer['files'][paths[0]])
        if problem is None and meta['imagename'].lower() in images:
            problem = 'the name %s is taken by %s' % (meta['imagename'], images[meta['imagename'].lower()]['imagename'])
        if problem:
            problems.append('%s: %s' % (paths[0], problem))
            continue
        images[meta['imagename'].lower()] = meta
    for folder in answer.get('incomplete') or []:
        problems.append('%s: an import or capture that did not finish (no meta.json)' % folder)
    return images, problems


def parse_listing(root, listing):
    """The images of the agent's ``list`` answer ({path: meta.json text}):
    ({lower-case name: metadata}, [problems]).  A meta.json that is not
    JSON, does not validate or does not agree with its place is left out
    and named in the problems; so is the second of two names that differ
    only in case."""
    images, problems = {}, []
    prefix = posixpath.join(root, NETBOOT) + '/'
    for path in sorted(listing or {}):
        text = listing[path]
        rel = path[len(prefix):] if path.startswith(prefix) else None
        parts = rel.split('/') if rel else []
        if len(parts) != 3 or parts[2] != META:
            problems.append('%s: not at netboot/<os>/<name>/meta.json' % path)
            continue
        try:
            meta = json.loads(text)
        except ValueError as e:
            problems.append('%s: not JSON: %s' % (path, e))
            continue
        problem = schema_problem(meta)
        if problem is None and (meta['imageosdistro'], meta['imagename']) != (parts[0], parts[1]):
            problem = 'it describes %s/%s' % (meta['imageosdistro'], meta['imagename'])
        if problem is None and meta['imagename'].lower() in images:
            problem = 'the name %s is taken by %s' % (meta['imagename'],
                                                      images[meta['imagename'].lower()]['imagename'])
        if problem:
            problems.append('%s: %s' % (path, problem))
            continue
        images[meta['imagename'].lower()] = meta
    return images, problems


def query_record(root, meta):
    """zvmsdk's image_query record of ``meta`` (``image_size_in_bytes``
    a string of digits, as zvmsdk's database gives it; ``image_path`` the
    root disk's file) with this collection's fields beside it."""
    rec = dict(meta)
    rec['image_size_in_bytes'] = str(meta['image_size_in_bytes'])
    rec['image_path'] = posixpath.join(image_dir(root, meta['imageosdistro'], meta['imagename']),
                                       root_disk(meta)['file'])
    rec['disks'] = [dict(d) for d in meta['disks']]
    return rec


def root_disk(meta):
    return [d for d in meta['disks'] if d['vdev'] == meta['root_vdev']][0]


def file_path(root, meta, disk):
    return posixpath.join(image_dir(root, meta['imageosdistro'], meta['imagename']), disk['file'])


class Repository:
    """The repository under ``root`` on ``node`` (an AccessNode: its
    agent lists, writes and removes)."""

    def __init__(self, node, root=None):
        self.node = node
        self.root = (root or node.repository).rstrip('/') or '/'
        self.problems = []
        self._images = None

    def images(self, fresh=True):
        """{lower-case name: metadata} of every present image; the
        problems of those left out are in ``self.problems``.  With
        ``fresh`` False, the last listing of this object when it has one
        (it forgets it when it writes or removes)."""
        if fresh or self._images is None:
            require_jsonschema()
            answer = self.node.agent('scan', self.root)
            self._images, self.problems = parse_scan(self.root, answer)
        return dict(self._images)

    def find(self, image_name, fresh=True):
        """The metadata of image ``image_name`` (any case), or None."""
        return self.images(fresh).get(str(image_name).lower())

    def require(self, image_name):
        meta = self.find(image_name)
        if meta is None:
            raise SDKObjectNotExistError("Image '%s' does not exist in the image repository %s on the access node"
                                         % (image_name, self.root), rs=20)
        return meta

    def require_absent(self, image_name):
        meta = self.find(image_name)
        if meta is not None:
            raise SDKConflictError("The image name %s is taken by the image %s (%s) in the image repository: delete "
                                   "it first or use another name" % (image_name, meta['imagename'],
                                                                     meta['imageosdistro']), rs=13)

    def dir_of(self, os_version, image_name):
        return image_dir(self.root, os_version, image_name)

    def begin(self, os_version, image_name):
        """Make the directory of an image about to be imported or captured:
        empty but for the marker that keeps it unlisted until its
        meta.json is written (what an interrupted import or capture left
        there is removed).  SDKConflictError when the directory has files
        zvm.cloud did not write (an image of a z/VM Cloud Connector that
        is not listed, for example because it has no image header)."""
        self._images = None
        folder = image_dir(self.root, os_version, image_name)
        try:
            self.node.agent('begin', folder)
        except NodeError as e:
            if e.code != EXIT_NOT_OURS:
                raise
            raise SDKConflictError('The image name %s cannot be used: %s. Delete that directory on the access node '
                                   'or use another name' % (image_name, str(e).split(': ', 1)[-1]), rs=13)

    def write_meta(self, meta):
        """Validate ``meta`` and write it (the agent: .part, fsync, rename),
        then remove the directory's marker (``begin``)."""
        validate(meta)
        self._images = None
        text = json.dumps(meta, sort_keys=True, indent=1)
        folder = image_dir(self.root, meta['imageosdistro'], meta['imagename'])
        self.node.agent('put-meta', posixpath.join(folder, META), posixpath.join(folder, INCOMPLETE),
                        stdin=text.encode('utf-8'))

    def adopt(self, meta, md5sum, sha256sum):
        """Write the meta.json of an image of a z/VM Cloud Connector
        (``derived_metadata``) now that its checksums are known; its
        metadata.  Not written (the metadata is still returned) when the
        node cannot write there: the checksums are then known for this
        run only."""
        full = adopted(meta, md5sum, sha256sum)
        try:
            self.write_meta(full)
        except NodeError:
            pass
        return full

    def remove_dir(self, os_version, image_name):
        """Remove an image's directory: its metadata first, so that the
        image stops being listed before its files go."""
        self._images = None
        self.node.agent('remove', meta_path(self.root, os_version, image_name),
                        image_dir(self.root, os_version, image_name))

    def remove(self, meta):
        self.remove_dir(meta['imageosdistro'], meta['imagename'])
