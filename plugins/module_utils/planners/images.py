# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Images as declared against the image repository as it is, and which disk
of a guest an image goes to.  Nothing here talks to z/VM or the access node.

``declaration``     zvm_image's options checked, each message naming its option
``image_meta``      the ``image_meta`` of ``image_import`` for a declaration
``plan_image``      what zvm_image does: the steps (import, capture, delete,
                    export) and the image it predicts
``image_view``      an image's metadata as a result shows it
``deploy_target``   the vdev an image (or a clone) goes to on a guest
``plan_deploy``     whether zvm_guest writes an image to that disk, given what
                    the guest's directory entry says was deployed there

What only the transfer can tell (an imported image's checksum and size, a
transfer's figures) is predicted as ``KNOWN_AFTER_RUN``: check mode says so,
and the check-mode comparison of the tests accepts any value for it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.zvm.cloud.plugins.module_utils import units, validation
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.images import format as image_format
from ansible_collections.zvm.cloud.plugins.module_utils.images import repository
from ansible_collections.zvm.cloud.plugins.module_utils.planners import disks as disk_specs

KNOWN_AFTER_RUN = '(known after the run)'
STATES = ('present', 'absent', 'exported')
CAPTURE_TYPES = ('rootonly', 'alldisks')
DISK_TYPES = {'ECKD': '3390', 'DASD': '3390', 'CKD': '3390', '3390': '3390', 'FBA': '9336', '9336': '9336'}
DEFAULT_COMPRESS_LEVEL = 6
DEFAULT_ROOT_VDEV = '0100'

_HEX_RE = re.compile(r'[0-9a-f]+', re.ASCII)
_HOST_RE = re.compile(r'(?:[A-Za-z0-9._-]{1,64}@)?(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]{2,45}\])',
                      re.ASCII)
_URL_RE = re.compile(r'(file|https?)://([^/?#]*)(/[^?#]*)?(\?[^#]*)?(#.*)?', re.ASCII | re.IGNORECASE)
_USERINFO_RE = re.compile(r'://[^/?#]*@')
CHECKSUM_FORMS = "'md5:<32 hex digits>', 'sha256:<64 hex digits>' or a bare md5 (32 hex digits)"
MAX_COMMENTS = 1000


# -- one option each ------------------------------------------------------------------------------------

def image_name(value, field='name'):
    """An image name: 1 to 100 of A-Z a-z 0-9 . _ -, starting with a letter
    or digit (names are unique without regard to case)."""
    return repository.check_name(validation.ascii_text(value, field, 'an image name'), field)


def os_version(value, field='os_version'):
    """The image's operating system, as zvmsdk names it (rhel9.4, sles15,
    ubuntu22): lower case, 1 to 32 of a-z 0-9 . _ -."""
    return repository.check_os_version(validation.ascii_text(value, field, 'an os_version'), field)


def checksum(value, field='checksum'):
    """(algorithm, hex) from 'md5:HEX', 'sha256:HEX' or a bare md5; the hex
    in lower case."""
    text = validation.ascii_text(value, field, 'a checksum').lower()
    algo, _sep, digits = text.rpartition(':')
    algo = algo or 'md5'
    want = {'md5': 32, 'sha256': 64}.get(algo)
    if want is None or len(digits) != want or not _HEX_RE.fullmatch(digits):
        raise InputError('%s: %r is not a checksum: expected %s' % (field, value, CHECKSUM_FORMS))
    return algo, digits


def url(value, field='url'):
    """A file://, http:// or https:// URL; a file URL names an absolute
    path (file:///var/images/rhel9.img).  A URL with credentials
    (user:password@host) is refused first, without quoting it."""
    if isinstance(value, str) and _USERINFO_RE.search(value):
        raise InputError('%s: a URL with a user name or password (user:password@host) is not taken: the access node '
                         'fetches without credentials, and they would show in results and logs' % field)
    text = validation.ascii_text(value, field, 'a URL')
    m = _URL_RE.fullmatch(text)
    if not m or any(ch.isspace() for ch in text):
        raise InputError('%s: %r is not a file://, http:// or https:// URL' % (field, text))
    scheme, host, path = m.group(1).lower(), m.group(2), m.group(3) or ''
    if scheme == 'file' and (host not in ('', 'localhost') or not path or path == '/'):
        raise InputError('%s: %r: a file URL names an absolute path of a file, as file:///var/images/rhel9.img'
                         % (field, text))
    if scheme != 'file' and not host:
        raise InputError('%s: %r has no host' % (field, text))
    return text


def remote_host(value, field='remote_host'):
    """'user@host' or 'host' (a name, an IPv4 address or an [IPv6] address)."""
    text = validation.ascii_text(value, field, 'a host')
    if not _HOST_RE.fullmatch(text):
        raise InputError('%s: %r is not a host: expected user@host or host (a name or an address)' % (field, text))
    return text


def disk_size(value, disk_type, field='disk_size'):
    """'CYLINDERS:CYL' or 'BLOCKS:BLK' from a size with a unit or a bare
    number of cylinders (ECKD) or 512-byte blocks (FBA)."""
    count, unit = units.disk_size_units(value, disk_type, field=field)
    return '%d:%s' % (count, unit)


def comments(value, field='comments'):
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError('%s: expected a string, got %s' % (field, type(value).__name__))
    if any(ord(ch) < 0x20 or ord(ch) == 0x7f for ch in value):
        raise InputError('%s: must not contain control characters (a line break included)' % field)
    if len(value) > MAX_COMMENTS:
        raise InputError('%s: %d characters; at most %d' % (field, len(value), MAX_COMMENTS))
    return value


# -- zvm_image's declaration ----------------------------------------------------------------------------

ONLY_WITH = (
    ('dest_url', 'state: exported', lambda p: p.get('state') == 'exported'),
    ('disk_type', 'url', lambda p: p.get('url') is not None),
    ('disk_size', 'url', lambda p: p.get('url') is not None),
    ('checksum', 'url', lambda p: p.get('url') is not None),
    ('capture_type', 'capture_from', lambda p: p.get('capture_from') is not None),
    ('compress_level', 'capture_from', lambda p: p.get('capture_from') is not None),
)


def declaration(p):
    """zvm_image's options (``p``, None: not given) checked and in canonical
    form; InputError naming the option otherwise."""
    state = p.get('state') or 'present'
    if state not in STATES:
        raise InputError('state: %r is not one of %s' % (state, ', '.join(STATES)))
    for key, needs, ok in ONLY_WITH:
        if p.get(key) is not None and not ok(p):
            raise InputError('%s: only used with %s' % (key, needs))
    if p.get('url') is not None and p.get('capture_from') is not None:
        raise InputError('url: an image is imported from url or captured from capture_from, not both')
    if state == 'absent':
        for key in ('url', 'capture_from'):
            if p.get(key) is not None:
                raise InputError('%s: not used with state: absent' % key)
    out = {'name': image_name(p.get('name')), 'state': state, 'force': bool(p.get('force')),
           'url': None, 'checksum': None, 'os_version': None, 'disk_type': None, 'disk_size': None,
           'remote_host': None, 'dest_url': None, 'capture_from': None, 'capture_type': None,
           'compress_level': None, 'comments': comments(p.get('comments'))}
    if p.get('os_version') is not None:
        out['os_version'] = os_version(p['os_version'])
    if p.get('remote_host') is not None:
        out['remote_host'] = remote_host(p['remote_host'])
    if p.get('url') is not None:
        out['url'] = url(p['url'])
        if out['os_version'] is None:
            raise InputError('os_version: required to import an image (the repository keeps images by it)')
        if p.get('checksum') is not None:
            out['checksum'] = checksum(p['checksum'])
        if p.get('disk_size') is not None and p.get('disk_type') is None:
            raise InputError('disk_size: goes with disk_type (the type and size of the disk a raw image, one without '
                             'a header, was taken from)')
        if p.get('disk_type') is not None:
            kind = validation.ascii_text(p['disk_type'], 'disk_type', 'a disk type').upper()
            if kind not in DISK_TYPES:
                raise InputError('disk_type: %r is not ECKD or FBA' % p['disk_type'])
            out['disk_type'] = 'ECKD' if DISK_TYPES[kind] == '3390' else 'FBA'
            if p.get('disk_size') is not None:
                out['disk_size'] = disk_size(p['disk_size'], DISK_TYPES[kind])
        if out['remote_host'] is not None and not out['url'].lower().startswith('file:'):
            raise InputError('remote_host: only with a file:// url or dest_url (the file is on that host)')
    if p.get('capture_from') is not None:
        out['capture_from'] = validation.userid(p['capture_from'], 'capture_from')
        out['capture_type'] = p.get('capture_type') or 'rootonly'
        if out['capture_type'] not in CAPTURE_TYPES:
            raise InputError('capture_type: %r is not one of %s' % (out['capture_type'], ', '.join(CAPTURE_TYPES)))
        level = p.get('compress_level')
        out['compress_level'] = DEFAULT_COMPRESS_LEVEL if level is None else \
            validation.ascii_number(level, 'compress_level', 0, 9, 'a gzip level')
    if state == 'exported':
        if p.get('dest_url') is None:
            raise InputError('dest_url: required with state: exported')
        out['dest_url'] = url(p['dest_url'], 'dest_url')
        if not out['dest_url'].lower().startswith('file:'):
            raise InputError('dest_url: %r: images are exported to a file:// URL (on the access node, or on '
                             'remote_host)' % out['dest_url'])
    if out['remote_host'] is not None and out['url'] is None and out['dest_url'] is None:
        raise InputError('remote_host: only with a file:// url or dest_url (the file is on that host)')
    return out


def image_meta(decl):
    """``image_meta`` of ``image_import`` for a declaration."""
    meta = {'os_version': decl['os_version']}
    algo_hex = decl['checksum']
    if algo_hex is not None:
        meta['md5sum' if algo_hex[0] == 'md5' else 'sha256sum'] = algo_hex[1]
    if decl['disk_type'] is not None:
        meta['disk_type'] = decl['disk_type']
    if decl['disk_size'] is not None:
        meta['disk_size_units'] = decl['disk_size']
    if decl['comments'] is not None:
        meta['comments'] = decl['comments']
    return meta


# -- what zvm_image does --------------------------------------------------------------------------------

VIEW_KEYS = ('imagename', 'imageosdistro', 'md5sum', 'sha256sum', 'disk_size_units', 'image_size_in_bytes', 'type',
             'format', 'root_vdev', 'disks', 'comments', 'image_path', 'last_access_time')


def image_view(meta):
    """The image as results show it: image_query's keys (None for one the
    metadata lacks; the size a number), or None when there is no image."""
    if meta is None:
        return None
    view = dict((k, meta.get(k)) for k in VIEW_KEYS)
    if isinstance(view['image_size_in_bytes'], str) and view['image_size_in_bytes'].isdigit():
        view['image_size_in_bytes'] = int(view['image_size_in_bytes'])
    return view


def same_checksum(meta, algo_hex):
    """True when the image has the declared checksum, False when it has
    another, None when it records none of that kind (not comparable)."""
    if algo_hex is None:
        return None
    have = meta.get('md5sum' if algo_hex[0] == 'md5' else 'sha256sum')
    if not have:
        return None
    return str(have).lower() == algo_hex[1]


class ImagePlan:
    """What zvm_image will do: ``steps``, each (kind, action text) with kind
    'delete', 'import', 'capture' or 'export', in order; ``predicted``, the
    image afterwards (``image_view`` form; KNOWN_AFTER_RUN for what only the
    transfer tells); ``notes`` for the user."""

    def __init__(self):
        self.steps = []
        self.predicted = None
        self.notes = []

    def add(self, kind, action):
        self.steps.append((kind, action))


def predicted_new(decl, image_path, os_version=None, root_vdev=None):
    """The metadata a new import or capture will have (``os_version`` and
    ``root_vdev`` of a capture, when not declared)."""
    view = dict((k, KNOWN_AFTER_RUN) for k in VIEW_KEYS)
    view.update(imagename=decl['name'], imageosdistro=decl['os_version'] or os_version, comments=decl['comments'],
                type=decl['capture_type'] or 'rootonly', image_path=image_path)
    if decl['url'] is not None:
        if decl['checksum'] is not None:
            view['md5sum' if decl['checksum'][0] == 'md5' else 'sha256sum'] = decl['checksum'][1]
        if decl['disk_size'] is not None:
            view['disk_size_units'] = decl['disk_size']
        view['root_vdev'] = DEFAULT_ROOT_VDEV
    elif root_vdev is not None:
        view['root_vdev'] = root_vdev
    return view


def plan_image(existing, decl, image_path=None, exported=None, capture_vdev=None, capture_os=None):
    """The ImagePlan for ``decl`` (``declaration``) given ``existing``, the
    image's metadata (None when it is not in the repository).
    ``image_path``: where a new image's root file will be;
    ``exported``: for state exported, whether ``dest_url`` already holds the
    image (the module reads it); ``capture_vdev``: the root disk a capture
    takes; ``capture_os``: the os_version of a capture without one."""
    plan = ImagePlan()
    name = decl['name']
    if decl['state'] == 'absent':
        if existing is not None:
            plan.add('delete', 'delete image %s' % name)
        return plan
    plan.predicted = image_view(existing)
    if existing is None or decl['force']:
        source = None
        if decl['url'] is not None:
            source = ('import', 'import image %s from %s%s' % (
                name, decl['url'], ' on %s' % decl['remote_host'] if decl['remote_host'] else ''))
        elif decl['capture_from'] is not None:
            what = ('disk %s' if decl['capture_type'] == 'rootonly' else 'all disks, root %s') % capture_vdev
            source = ('capture', 'capture image %s from %s (%s, gzip level %d)' % (
                name, decl['capture_from'], what, decl['compress_level']))
        if existing is None and source is None:
            raise InputError('url: image %s is not in the repository: give url to import it, or capture_from to '
                             'capture it from a guest' % name)
        if source is not None:
            if existing is not None:
                plan.add('delete', 'delete image %s (force: it is made again)' % name)
            plan.add(*source)
            plan.predicted = predicted_new(decl, image_path, capture_os, capture_vdev)
        elif decl['force']:
            plan.notes.append('force: image %s is neither imported nor captured again without url or '
                              'capture_from' % name)
    elif decl['url'] is not None:
        if decl['os_version'] and str(existing.get('imageosdistro')).lower() != decl['os_version']:
            plan.notes.append('image %s is in the repository under os_version %s, not %s; it is kept there (force: '
                              'true imports it again)' % (name, existing.get('imageosdistro'), decl['os_version']))
        same = same_checksum(existing, decl['checksum'])
        if same is False:
            algo = decl['checksum'][0]
            plan.add('delete', 'delete image %s (its %s differs from checksum)' % (name, algo))
            plan.add('import', 'import image %s from %s%s' % (
                name, decl['url'], ' on %s' % decl['remote_host'] if decl['remote_host'] else ''))
            plan.predicted = predicted_new(decl, image_path)
        elif same is None and decl['checksum'] is not None:
            plan.notes.append('image %s records no %s; the checksum was not compared (force: true imports it '
                              'again)' % (name, decl['checksum'][0]))
    if decl['state'] == 'exported' and (decl['force'] or not exported or plan.steps):
        plan.add('export', 'export image %s to %s%s' % (
            name, decl['dest_url'], ' on %s' % decl['remote_host'] if decl['remote_host'] else ''))
    return plan


def diff_text(view, known=None):
    """The image for diff mode: one ``key: value`` line per field known
    before the run (``known``: the predicted view; its KNOWN_AFTER_RUN
    fields are left out, so a prediction and the real run agree)."""
    if view is None:
        return ''
    lines = []
    for key in VIEW_KEYS:
        if key in ('last_access_time', 'disks'):
            continue
        if known is not None and known.get(key) == KNOWN_AFTER_RUN:
            continue
        if view.get(key) == KNOWN_AFTER_RUN:
            continue
        lines.append('%s: %s' % (key, '' if view.get(key) is None else view.get(key)))
    return '\n'.join(lines) + '\n'


def add_transfer(total, figures):
    """``total`` (None: nothing yet) plus one transfer's figures (the SDK's
    ``last_transfer``: {bytes, seconds, mb_per_s}, megabytes of 10**6)."""
    if not figures:
        return total
    nbytes = (total or {}).get('bytes', 0) + int(figures.get('bytes') or 0)
    seconds = round((total or {}).get('seconds', 0.0) + float(figures.get('seconds') or 0.0), 3)
    return {'bytes': nbytes, 'seconds': seconds,
            'mb_per_s': round(nbytes / seconds / 1e6, 1) if seconds > 0 else None}


# -- images on guests (zvm_guest) -------------------------------------------------------------------------

def _minidisk(mdisk):
    """Whether an MDISK is a disk on a volume (or one DirMaint is to
    allocate), which an image can be written to: not a V-DISK or T-DISK."""
    return mdisk is not None and mdisk.disk_type not in ('vdisk', 'tdisk')


def deploy_target(entry, image_vdev=None, field='image_vdev'):
    """The vdev an image or a clone goes to on the guest whose (predicted)
    directory entry is ``entry``: ``image_vdev``, else the IPL device when
    it is a minidisk, else the first minidisk (the SDK's root disk).
    InputError naming ``field`` when the guest has no such disk."""
    if image_vdev is not None:
        vdev = validation.vdev(image_vdev, field)
        if not _minidisk(entry.find_mdisk(vdev)):
            raise InputError('%s: guest %s has no minidisk %s (declare it in disks)' % (field, entry.userid, vdev))
        return vdev
    ipl = entry.ipl
    if ipl is not None and ipl.device and _minidisk(entry.find_mdisk(ipl.device)):
        return entry.find_mdisk(ipl.device).vdev
    found = [m.vdev for m in entry.mdisks if _minidisk(m)]
    if not found:
        raise InputError('%s: guest %s has no minidisk to write to (declare one in disks)' % (field, entry.userid))
    return found[0]


def clone_spec(source, source_vdev, vdev, spec=None, default_pool=None, field='clone_from'):
    """The disk spec (``planners.disks.normalize`` form) of the copy of
    ``source``'s (a DirectoryEntry) minidisk ``source_vdev`` as ``vdev``:
    the source's device type and size, in the pool of ``spec`` (the
    declared disk ``vdev``, or None) or ``default_pool``, with ``spec``'s
    mode or the source's.  InputError naming ``field`` when the source has
    no such minidisk, no pool is given, or the declared disk differs."""
    mdisk = source.find_mdisk(source_vdev)
    if not _minidisk(mdisk) or not isinstance(mdisk.size, int):
        raise InputError('%s: guest %s has no minidisk %s on a volume to copy' % (field, source.userid, source_vdev))
    devtype = 'FB-512' if str(mdisk.devtype).upper() in ('FB-512', '9336') else str(mdisk.devtype).upper()
    if devtype not in disk_specs.SMAPI_DEVTYPE:
        raise InputError('%s: disk %s of %s is a %s; a 3390 or FBA minidisk is copied'
                         % (field, source_vdev, source.userid, devtype))
    pool = spec['disk_pool'] if spec is not None and spec['pool'] else default_pool
    if not pool:
        raise InputError('%s: the copy of disk %s of %s needs a disk pool: declare disk %s in disks with a disk_pool, '
                         'or set disk_pool' % (field, source_vdev, source.userid, vdev))
    kind, name = disk_specs.parse_pool(pool, field + ' disk_pool')
    if disk_specs.POOL_TYPES[kind] != devtype:
        raise InputError('%s: disk %s of %s is a %s disk; pool %s is %s' % (field, source_vdev, source.userid,
                                                                            devtype, name, kind))
    unit = units.CYL if devtype == '3390' else units.BLK
    out = {'vdev': vdev, 'size': str(mdisk.size), 'count': mdisk.size, 'unit': unit, 'devtype': devtype,
           'kind': 'perm', 'pool': name, 'pool_type': kind, 'disk_pool': '%s:%s' % (kind, name),
           'mode': spec['mode'] if spec is not None else (mdisk.mode or 'MR'), 'format': 'none',
           'is_boot_disk': bool(spec and spec['is_boot_disk']), 'source': (source.userid, mdisk.vdev)}
    if spec is not None:
        ok, why = disk_specs.matches(spec, dict(mdisk.to_dict(), size=mdisk.size))
        if not ok:
            raise InputError('%s: disk %s of %s, which is copied to %s, %s as declared in disks'
                             % (field, source_vdev, source.userid, vdev, why))
    return out


def check_fits(mdisk, disk, image_name, field='image'):
    """InputError naming ``field`` unless image disk record ``disk`` (from
    the image's metadata) fits ``mdisk`` (an MDISK of a predicted entry)."""
    size, unit = image_format.parse_size_units(disk['disk_size_units'])
    have_unit = units.CYL if str(mdisk.devtype).upper() in ('3390', '3380') else units.BLK
    header = image_format.Header(disk['format'], size, unit, disk.get('gzip') or 0,
                                 disk.get('header_len') or image_format.NO_HEADER)
    problem = image_format.fits(header, have_unit, mdisk.size) if isinstance(mdisk.size, int) else None
    if problem:
        raise InputError('%s: image %s cannot be written to disk %s: %s' % (field, image_name, mdisk.vdev, problem))


def plan_deploy(vdev, new_disk, image, deployed, redeploy):
    """(write, note): whether zvm_guest writes ``image`` (its metadata) to
    disk ``vdev``.  ``new_disk``: the disk is made by this run;
    ``deployed``: what the entry's records say the disk holds
    (``records.deployed``: {'image_name', 'md5sum', 'clone_of'}, or None).
    A new disk always gets the image; an existing one only with
    ``redeploy``, and then only when it does not hold this image already;
    ``note`` says why a disk was left alone."""
    name = image['imagename']
    same = deployed is not None and str(deployed.get('image_name') or '').lower() == name.lower() and \
        (not image.get('md5sum') or deployed.get('md5sum') == image.get('md5sum'))     # unknown: by name
    if new_disk:
        return True, None
    if same:
        return False, None
    if redeploy:
        return True, None
    return False, kept_note(vdev, name, deployed, image.get('md5sum'))


def kept_note(vdev, name, deployed, md5sum=None):
    """Why disk ``vdev`` does not get image ``name`` (redeploy not set), or
    None when its records say it holds that image (with ``md5sum`` when
    given)."""
    if deployed is None:
        return ('disk %s exists and was not deployed by zvm.cloud: image %s is written to a new disk only, or with '
                'redeploy: true' % (vdev, name))
    clone = deployed.get('clone_of') or {}
    held = deployed.get('image_name') or 'a copy of %s disk %s' % (clone.get('userid'), clone.get('vdev'))
    if str(held).lower() == name.lower():
        if not md5sum or deployed.get('md5sum') == md5sum:
            return None
        return ('disk %s holds an earlier image %s (md5 %s, the repository\'s is %s); it is not overwritten unless '
                'redeploy: true' % (vdev, held, deployed.get('md5sum'), md5sum))
    return 'disk %s holds %s, deployed earlier; it is not overwritten with image %s unless redeploy: true' % (
        vdev, held, name)
