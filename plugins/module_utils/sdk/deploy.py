# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SDKAPI deploy and capture: ``guest_deploy`` and ``guest_capture`` write
and read a guest's minidisks through links from the access node;
``guest_clone_disk`` has DirMaint copy a minidisk (Image_Disk_Copy_DM), for
sites without a node.  Names, parameters and behaviour follow zvmsdk; what
goes beyond it is said in each docstring.

Safety, on every exit path: a link is detached (``AccessNode.link``), a
reader file purged when it could not be transferred (``AccessNode.punch``),
a capture that failed leaves no image, and a guest that a capture stopped
is started again.  What a disk was deployed from is recorded in the
guest's directory entry (``images/records.py``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import os
import posixpath
import re
import time

from ansible_collections.zvm.cloud.plugins.module_utils import validation
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.images import format as image_format
from ansible_collections.zvm.cloud.plugins.module_utils.images import records, repository
from ansible_collections.zvm.cloud.plugins.module_utils.node import access
from ansible_collections.zvm.cloud.plugins.module_utils.operations import disks, entries, power
from ansible_collections.zvm.cloud.plugins.module_utils.planners import disks as disk_specs
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.base import POWER_ON, check_userid
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import (
    SDKFunctionNotImplementError, SDKGuestOperationError, SDKInvalidInputFormat, SDKObjectNotExistError,
)

CAPTURE_STOP_TIMEOUT = 120      # zvmsdk's soft stop: seconds the guest's OS gets to shut down
IMMEDIATE_STOP_TIMEOUT = 60
CKD_DEVTYPES = ('3390', '3380')
_VDEV_RE = re.compile(r'^[0-9A-Fa-f]{1,4}$')


def transfer_figures(nbytes, seconds):
    """``last_transfer``: {bytes, seconds, mb_per_s (10**6 bytes a second)}."""
    seconds = max(float(seconds), 0.0)
    return {'bytes': int(nbytes), 'seconds': round(seconds, 3),
            'mb_per_s': round(nbytes / seconds / 1e6, 1) if seconds > 0 else None}


def _vdev(value, field):
    try:
        return validation.vdev(value, field)
    except InputError as e:
        raise SDKInvalidInputFormat(str(e))


def root_vdev_of(entry):
    """A guest's root disk: the IPL device when it is a minidisk, else its
    first minidisk (as zvmsdk finds it without the guest's OS)."""
    ipl = entry.ipl
    device = ipl.device if ipl is not None else None
    if device and _VDEV_RE.match(str(device)) and entry.find_mdisk(device) is not None:
        return entry.find_mdisk(device).vdev
    found = [m for m in entry.mdisks if m.disk_type not in ('vdisk', 'tdisk')]
    if not found:
        raise SDKObjectNotExistError("Guest '%s' has no minidisk" % entry.userid, rs=2)
    return found[0].vdev


def disk_header(node, path, disk):
    """The Header of an image file: from its metadata, or read from the
    file when the metadata does not say how it is stored."""
    if 'header_len' in disk and 'gzip' in disk:
        size, unit = image_format.parse_size_units(disk['disk_size_units'])
        return image_format.Header(disk['format'], size, unit, disk['gzip'], disk['header_len'])
    header = image_format.parse_header(bytes.fromhex(node.agent('head', path, str(image_format.HEADER_LEN))['hex']))
    if header is None:
        raise SDKInvalidInputFormat('%s has no image header and its metadata does not say how it is stored' % path)
    return header


def _check_transport(path, remotehost):
    """The transport file's name must make a spool file name (NAME.TYPE,
    1-8 characters each: ``cfgdrive.iso``), and without ``remotehost`` it
    must be a file here: checked before a disk is written."""
    try:
        access.spool_name(posixpath.basename(str(path)), 'transportfiles')
    except InputError as e:
        raise SDKInvalidInputFormat(str(e))
    if not remotehost and not os.path.isfile(path):
        raise SDKInvalidInputFormat('transportfiles: %s is not a file on the machine the SDK runs on (give '
                                    'remotehost for a file on another host)' % path)


def deploy_targets(entry, meta, vdev=None):
    """[(target vdev, disk record)] of deploying image ``meta`` to the guest
    of ``entry``: a rootonly image to ``vdev``, else the guest's root disk;
    an alldisks image disk by disk to the same vdevs, its root disk to
    ``vdev`` when given.  SDKObjectNotExistError for a target the guest
    does not have as a minidisk."""
    if meta['type'] == repository.ROOTONLY:
        pairs = [(vdev or root_vdev_of(entry), repository.root_disk(meta))]
    else:
        pairs = [((vdev or d['vdev']) if d['vdev'] == meta['root_vdev'] else d['vdev'], d) for d in meta['disks']]
    for target, _disk in pairs:
        mdisk = entry.find_mdisk(target)
        if mdisk is None or mdisk.disk_type in ('vdisk', 'tdisk'):
            raise SDKObjectNotExistError("Guest '%s' has no minidisk %s to deploy image %s to"
                                         % (entry.userid, target, meta['imagename']), rs=2)
    if len(set(t for t, _d in pairs)) != len(pairs):
        raise SDKInvalidInputFormat('vdev: %s is also a disk of the alldisks image %s' % (vdev, meta['imagename']))
    return pairs


class DeployMixin:
    """Deploy, capture and clone methods of SDKAPI (see ``image.ImageMixin``)."""

    capture_stop_timeout = CAPTURE_STOP_TIMEOUT

    # -- deploy ------------------------------------------------------------------------------------------
    def guest_deploy(self, userid, image_name, transportfiles=None, remotehost=None, vdev=None, hostname=None,
                     skipdiskcopy=False):
        """Write image ``image_name`` to the guest's disk ``vdev`` (default:
        its root disk, the IPL minidisk or else the first one), then punch
        ``transportfiles`` (a config drive, for example) to its reader,
        class X.  An alldisks image writes each of its disks to the vdev it
        was captured from (its root disk to ``vdev`` when given).

        Refused before anything is written: a guest that is logged on
        (SDKGuestOperationError), a target disk that is smaller than the
        image or of the other kind, CKD or FBA (SDKGuestOperationError), an
        image kind that cannot be written (a CKD track image).  The disk is
        written through a write link from the access node, detached
        whatever happens; then the guest's directory entry records
        ``* ZVMCLOUD IMAGE vdev image_name md5sum`` (``deployed_images``).
        An image of a z/VM Cloud Connector whose md5sum is not known yet
        (no meta.json) is hashed as it is written, and its meta.json
        written (``Repository.adopt``).

        ``transportfiles`` is a file on the machine the SDK runs on, or on
        ``remotehost`` ('user@host', read over SFTP).  ``skipdiskcopy``:
        only punch ``transportfiles``.  ``hostname`` needs zvmsdk's agent
        in the guest: pass a config drive in ``transportfiles`` instead.
        """
        userid = check_userid(userid)
        target = _vdev(vdev, 'vdev') if vdev is not None else None
        if hostname and not transportfiles:
            raise SDKFunctionNotImplementError('guest_deploy hostname needs zvmsdk\'s agent in the guest; punch a '
                                               'config drive that sets the hostname in transportfiles instead')
        node = self.require_node('guest_deploy')
        if transportfiles:
            _check_transport(transportfiles, remotehost)
        entry = entries.require(self.session, userid)
        self.last_transfer = None
        if not skipdiskcopy:
            self._write_image(node, entry, image_name, target)
        if transportfiles:
            self._punch_transport(node, userid, transportfiles, remotehost)

    def _write_image(self, node, entry, image_name, target):
        userid = entry.userid
        repo = repository.Repository(node)
        meta = repo.require(image_name)
        pairs = []
        for vdev, disk in deploy_targets(entry, meta, target):
            path = repository.file_path(repo.root, meta, disk)
            header = disk_header(node, path, disk)
            image_format.check_deployable(header, 'image %s' % meta['imagename'])
            pairs.append((vdev, disk, path, header))
        if power.status(self.session, userid) == POWER_ON:
            raise SDKGuestOperationError("guest '%s' is logged on: an image is deployed to a guest that is off "
                                         "(stop it first)" % userid, rs=1)
        start = time.monotonic()
        total = 0
        with contextlib.ExitStack() as links:
            linked = [links.enter_context(node.link(userid, vdev, write=True)) for vdev, _d, _p, _h in pairs]
            for (vdev, _disk, _path, header), disk in zip(pairs, linked):
                problem = image_format.fits(header, disk.unit, disk.units)
                if problem:
                    raise SDKGuestOperationError("cannot deploy image %s to disk %s of '%s': %s; nothing was written"
                                                 % (meta['imagename'], vdev, userid, problem), rs=3)
            for (vdev, disk_rec, path, header), disk in zip(pairs, linked):
                device = disk.part1_path if header.kind == image_format.FBA_PART else disk.path
                if not device:
                    raise SDKGuestOperationError('disk %s of %s has no partition to write the FBA partition image '
                                                 'to' % (vdev, userid), rs=3)
                unknown = not disk_rec['md5sum']        # an image of a z/VM Cloud Connector: hash it on the way
                got = node.agent('write-image', path, device, str(header.header_len), '1' if header.gzip else '0',
                                 *(['1'] if unknown else []))
                total += int(got.get('bytes') or 0)
                if unknown:
                    meta = repo.adopt(meta, got['md5'], got['sha256'])
        md5sums = dict((d['vdev'], d['md5sum']) for d in meta['disks'])
        texts = [(vdev, records.image_texts(vdev, meta['imagename'], md5sums[disk['vdev']]))
                 for vdev, disk, _p, _h in pairs]
        self._record(userid, texts)
        self.last_transfer = transfer_figures(total, time.monotonic() - start)

    def _record(self, userid, texts):
        """Write the ZVMCLOUD records of [(vdev, texts)] (lock, fresh read,
        replace, unlock)."""
        def mutate(entry):
            changed = False
            for vdev, lines in texts:
                changed = records.replace(entry, vdev, lines) or changed
            return changed
        entries.modify(self.session, userid, mutate)

    @staticmethod
    def _punch_transport(node, userid, path, remotehost=None):
        name = posixpath.basename(str(path))
        if remotehost:
            runner = node.sftp_from(remotehost)
            try:
                sftp = runner.open_sftp()
                try:
                    with access.sftp_reader(sftp, path) as stream:
                        data = stream.read()
                finally:
                    sftp.close()
            finally:
                runner.close()
            node.punch(userid, data, name, spool_class='X')
        else:
            node.punch(userid, path, name, spool_class='X')

    def deployed_images(self, userid):
        """What the guest's minidisks were deployed from, from its directory
        entry: {vdev: {'vdev', 'image_name', 'md5sum', 'clone_of'}}
        (``clone_of`` {'userid', 'vdev'} for a disk made by
        ``guest_clone_disk``).  (A collection extension.)"""
        return records.deployed(entries.require(self.session, check_userid(userid)))

    # -- capture ----------------------------------------------------------------------------------------
    def guest_capture(self, userid, image_name, capture_type='rootonly', compress_level=6, os_version=None,
                      comments=None, vdev=None):
        """Capture the guest's root disk (``rootonly``: the IPL minidisk,
        else the first; ``vdev`` to choose) or every minidisk
        (``alldisks``, beyond zvmsdk, which implements rootonly only) as
        image ``image_name``, gzipped at ``compress_level`` (0-9; 0 stores
        the bytes as they are).

        A guest that is logged on is shut down (soft stop, then at once)
        and started again afterwards, also when the capture fails.  The
        disks are read through read-only links from the access node; a CKD
        disk becomes a 4 KiB-block image (``zvm.cloud CKD Image:``), an FBA
        disk a whole-disk image (``xCAT FBA Disk Image:``).  ``os_version``
        (zvmsdk asks the guest's OS) defaults to that of the image the disk
        was deployed from, when the repository still has it.
        """
        userid = check_userid(userid)
        name = repository.check_name(image_name)
        if capture_type not in (repository.ROOTONLY, repository.ALLDISKS):
            raise SDKInvalidInputFormat("capture_type: %r must be 'rootonly' or 'alldisks'" % (capture_type,))
        try:
            level = int(compress_level)
        except (TypeError, ValueError):
            level = -1
        if not 0 <= level <= 9 or isinstance(compress_level, bool):
            raise SDKInvalidInputFormat('compress_level: %r must be 0 to 9' % (compress_level,))
        if comments is not None and not isinstance(comments, str):
            raise SDKInvalidInputFormat('comments: expected a string')
        node = self.require_node('guest_capture')
        entry = entries.require(self.session, userid)
        repo = repository.Repository(node)
        repo.require_absent(name)
        if capture_type == repository.ROOTONLY:
            vdevs = [_vdev(vdev, 'vdev') if vdev is not None else root_vdev_of(entry)]
            if entry.find_mdisk(vdevs[0]) is None:
                raise SDKObjectNotExistError("Guest '%s' has no minidisk %s" % (userid, vdevs[0]), rs=2)
        else:
            root = _vdev(vdev, 'vdev') if vdev is not None else root_vdev_of(entry)
            vdevs = [m.vdev for m in entry.mdisks if m.disk_type not in ('vdisk', 'tdisk')]
            vdevs = [root] + [v for v in vdevs if v != root]
        osv = self._capture_os_version(repo, entry, vdevs[0], os_version)
        self.last_transfer = None
        was_on = power.status(self.session, userid) == POWER_ON
        failure = None
        try:
            if was_on:
                self._stop_for_capture(userid)
            self._read_disks(node, repo, userid, name, osv, vdevs, level, capture_type, comments)
        except Exception as e:
            failure = e
            raise
        finally:
            if was_on:
                self._restart(userid, failure)

    def _capture_os_version(self, repo, entry, root, os_version):
        if os_version is not None:
            return repository.check_os_version(os_version)
        source = records.deployed(entry).get(root)
        meta = repo.find(source['image_name'], fresh=False) if source and source['image_name'] else None
        if meta is None:
            raise SDKInvalidInputFormat("os_version: needed to capture '%s': its disk %s was not deployed from an "
                                        "image the repository has" % (entry.userid, root))
        return meta['imageosdistro']

    def _stop_for_capture(self, userid):
        try:
            power.softstop(self.session, userid, self.capture_stop_timeout, 2)
        except SDKGuestOperationError:
            power.stop(self.session, userid, IMMEDIATE_STOP_TIMEOUT, 1)

    def _restart(self, userid, failure):
        try:
            power.activate(self.session, userid)
        except Exception as e:
            if failure is None:
                raise
            raise SDKGuestOperationError("%s; and guest '%s', stopped for the capture, could not be started again: "
                                         "%s" % (failure, userid, e), rs=5)

    def _read_disks(self, node, repo, userid, name, osv, vdevs, level, capture_type, comments):
        repo.begin(osv, name)                   # removes what an interrupted capture left (never listed)
        start = time.monotonic()
        total = 0
        made = []
        try:
            with contextlib.ExitStack() as links:
                for vdev in vdevs:
                    disk = links.enter_context(node.link(userid, vdev, write=False))
                    kind = image_format.CKD_BLOCKS if disk.unit == 'CYL' else image_format.FBA_DISK
                    header = image_format.Header(kind, disk.units, disk.unit, level, image_format.HEADER_LEN)
                    text = image_format.build_header(kind, disk.units, disk.unit, level)
                    dest = posixpath.join(repo.dir_of(osv, name), vdev)
                    got = node.agent('read-image', disk.path, dest, text.hex(), str(level),
                                     str(image_format.data_bytes(disk.units, disk.unit)))
                    total += int(got.get('bytes_in') or 0)
                    made.append(repository.disk_record(vdev, header, got['bytes_out'], got['md5'], got['sha256']))
            meta = repository.build_metadata(name, osv, made, root_vdev=vdevs[0], capture_type=capture_type,
                                             comments=comments, last_access_time=round(time.time(), 3))
            repo.write_meta(meta)
        except Exception:
            try:
                repo.remove_dir(osv, name)
            except Exception:  # pylint: disable=broad-except
                pass
            raise
        self.last_transfer = transfer_figures(total, time.monotonic() - start)

    # -- clone without a node ------------------------------------------------------------------------------
    def guest_clone_disk(self, userid, vdev, source_userid, source_vdev, disk_pool=None, mode=None):
        """Give the guest a new minidisk ``vdev`` that is a copy of
        ``source_userid``'s minidisk ``source_vdev`` (a "golden" guest):
        DirMaint defines it with the same device type and size, in
        ``disk_pool`` ('ECKD:POOL1'; default: where DirMaint finds room),
        and copies the contents (Image_Disk_Copy_DM).  No access node is
        needed.  The entry records ``* ZVMCLOUD CLONE vdev source
        source_vdev``.  (A collection extension: zvmsdk has no such
        method.)"""
        userid = check_userid(userid)
        source = check_userid(source_userid, 'source_userid')
        vdev = _vdev(vdev, 'vdev')
        source_vdev = _vdev(source_vdev, 'source_vdev')
        alloc, area = '', ''
        if disk_pool:
            _kind, area = disk_specs.parse_pool(disk_pool)
            alloc = 'AUTOG'
        if mode is not None and mode not in disk_specs.MODES:
            raise SDKInvalidInputFormat('mode: %r is not one of %s' % (mode, ', '.join(disk_specs.MODES)))
        mdisk = entries.require(self.session, source).find_mdisk(source_vdev)
        if mdisk is None:
            raise SDKObjectNotExistError("Guest '%s' has no minidisk %s to copy" % (source, source_vdev), rs=2)
        entries.require(self.session, userid)
        self.last_transfer = None
        start = time.monotonic()
        disks.copy_dm(self.session, userid, vdev, source, source_vdev, alloc, area, mode or '')
        self._record(userid, [(vdev, records.clone_texts(vdev, source, source_vdev))])
        size = mdisk.size if isinstance(mdisk.size, int) else 0
        unit = 'CYL' if str(mdisk.devtype).upper() in CKD_DEVTYPES else 'BLK'
        self.last_transfer = transfer_figures(image_format.data_bytes(size, unit), time.monotonic() - start)
