# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Minidisk contents: one sparse file per minidisk.

``<state_dir>/mdisks/<OWNER>.<VDEV>`` (VDEV: 4 hex digits, upper case)
holds the bytes of ``OWNER``'s minidisk ``VDEV`` as a Linux guest sees the
device once it is online:

- 3390 (and 3380) CKD: 737,280 bytes a cylinder, a cylinder formatted by
  Linux with 4 KiB blocks (15 tracks of 12 blocks of 4096 bytes);
- FBA (9336, FB-512, V-DISK): 512 bytes a block.

Image_Disk_Create_DM and Image_Create_DM create the file zeroed (a sparse
truncate: no space is used until something is written), Image_Disk_Copy_DM
copies the bytes (only the parts of the source that hold data),
Image_Disk_Delete_DM and Image_Delete_DM remove it.  A missing file reads
as zeroes of the disk's size (``read``); ``ensure`` creates it before the
access node links the disk (``zvmsim.node``).
"""

import errno
import os

from ansible_collections.zvm.cloud.plugins.module_utils import directory

from zvmsim.dasd import CKD, FBA, family, volume_by_rdev

DIR_NAME = 'mdisks'
CYLINDER_BYTES = 15 * 12 * 4096      # 737,280
BLOCK_BYTES = 512
CHUNK = 1024 * 1024


def path(state_dir, owner, vdev):
    """The contents file of ``owner``'s minidisk ``vdev``."""
    return os.path.join(state_dir, DIR_NAME, '%s.%s' % (str(owner).upper(), str(vdev).upper().zfill(4)))


def size_bytes(devtype, units):
    """The size in bytes of ``units`` cylinders (CKD) or 512-byte blocks
    (FBA) of ``devtype``; None when either is unknown."""
    if units is None:
        return None
    fam = family(devtype)
    if fam == CKD:
        return int(units) * CYLINDER_BYTES
    if fam == FBA:
        return int(units) * BLOCK_BYTES
    return None


def mdisk_units(tx, mdisk):
    """The size of an MDISK statement in its own units (``END`` and DEVNO
    disks from their volume), or None."""
    if isinstance(mdisk.size, int):
        return mdisk.size
    if mdisk.disk_type == 'devno':
        vol = volume_by_rdev(tx, mdisk.rdev)
        return int(vol['size']) if vol else None
    vol = tx.volume(mdisk.volser) if mdisk.volser else None
    if vol is not None and mdisk.size == 'END' and mdisk.start is not None:
        return int(vol['size']) - int(mdisk.start)
    return None


def mdisk_bytes(tx, mdisk):
    """The size in bytes of an MDISK statement (``directory.Mdisk``), or None."""
    devtype = 'FB-512' if mdisk.disk_type == 'vdisk' else mdisk.devtype
    return size_bytes(devtype, mdisk_units(tx, mdisk))


def disk_size(tx, owner, vdev):
    """The size in bytes of ``owner``'s MDISK ``vdev`` in the directory, or
    None when there is no such MDISK."""
    records = tx.entry(owner)
    mdisk = directory.parse(records).find_mdisk(str(vdev).upper().zfill(4)) if records is not None else None
    return mdisk_bytes(tx, mdisk) if mdisk is not None else None


def _make_dir(state_dir):
    os.makedirs(os.path.join(state_dir, DIR_NAME), exist_ok=True)


def create(state_dir, owner, vdev, nbytes):
    """A new, zeroed contents file of ``nbytes`` (any old one is replaced)."""
    if nbytes is None:
        return None
    _make_dir(state_dir)
    target = path(state_dir, owner, vdev)
    with open(target, 'wb') as handle:
        handle.truncate(int(nbytes))
    return target


def ensure(state_dir, owner, vdev, nbytes):
    """The contents file, created zeroed when missing and cut or extended
    (with zeroes) to ``nbytes`` when its size differs."""
    _make_dir(state_dir)
    target = path(state_dir, owner, vdev)
    fd = os.open(target, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if nbytes is not None and os.fstat(fd).st_size != int(nbytes):
            os.ftruncate(fd, int(nbytes))
    finally:
        os.close(fd)
    return target


def remove(state_dir, owner, vdev):
    """Remove the contents file (a missing one is fine)."""
    try:
        os.remove(path(state_dir, owner, vdev))
    except FileNotFoundError:
        pass


def remove_owner(state_dir, owner):
    """Remove every contents file of ``owner`` (Image_Delete_DM)."""
    folder = os.path.join(state_dir, DIR_NAME)
    prefix = str(owner).upper() + '.'
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return
    for name in names:
        if name.startswith(prefix) and '.' not in name[len(prefix):]:
            try:
                os.remove(os.path.join(folder, name))
            except FileNotFoundError:
                pass


def data_ranges(fd, size):
    """``[(start, end)]`` of the parts of an open file that may hold data,
    from SEEK_DATA/SEEK_HOLE (the whole file where they are not supported)."""
    ranges = []
    pos = 0
    while pos < size:
        try:
            start = os.lseek(fd, pos, os.SEEK_DATA)
        except OSError as exc:
            if exc.errno == errno.ENXIO:        # nothing but a hole from pos to the end
                break
            return [(pos, size)]
        except AttributeError:                  # pragma: no cover - no SEEK_DATA on this platform
            return [(0, size)]
        if start >= size:
            break
        end = min(os.lseek(fd, start, os.SEEK_HOLE), size)
        ranges.append((start, end))
        pos = end
    return ranges


def copy(state_dir, src_owner, src_vdev, dst_owner, dst_vdev, nbytes):
    """Copy the contents of one minidisk onto a new one of ``nbytes``
    (Image_Disk_Copy_DM).  The copy stays sparse: holes and zero blocks of
    the source are not written.  A missing source copies as zeroes."""
    target = create(state_dir, dst_owner, dst_vdev, nbytes)
    if target is None:
        return None
    try:
        src = os.open(path(state_dir, src_owner, src_vdev), os.O_RDONLY)
    except FileNotFoundError:
        return target
    try:
        dst = os.open(target, os.O_WRONLY)
        try:
            size = min(os.fstat(src).st_size, int(nbytes))
            zero = bytes(CHUNK)
            for start, end in data_ranges(src, size):
                pos = start
                while pos < end:
                    chunk = os.pread(src, min(CHUNK, end - pos), pos)
                    if not chunk:
                        break
                    if chunk != zero[:len(chunk)]:
                        os.pwrite(dst, chunk, pos)
                    pos += len(chunk)
        finally:
            os.close(dst)
    finally:
        os.close(src)
    return target


def read(state_dir, owner, vdev, nbytes=None, offset=0, length=None):
    """Bytes of a minidisk: ``length`` bytes from ``offset`` (default: to
    ``nbytes``, the disk's size).  Past the end of the file, or when there
    is no file, the disk reads as zeroes up to ``nbytes``."""
    target = path(state_dir, owner, vdev)
    try:
        with open(target, 'rb') as handle:
            if nbytes is None:
                nbytes = os.fstat(handle.fileno()).st_size
            if length is None:
                length = max(0, int(nbytes) - offset)
            handle.seek(offset)
            data = handle.read(length)
    except FileNotFoundError:
        if length is None:
            length = max(0, int(nbytes or 0) - offset)
        data = b''
    if nbytes is not None:
        length = max(0, min(length, int(nbytes) - offset))
        data = data[:length]
    return data + bytes(length - len(data))
