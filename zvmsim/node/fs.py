# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""File systems on the node's linked disks: ``dasdfmt``, ``fdasd``,
``mkfs.ext2``/``mkfs.ext3``/``mkfs.ext4``, ``mkfs.xfs`` and ``mkswap``.

A Linux guest makes a file system on a CKD (ECKD) minidisk in three steps:
``dasdfmt`` formats it with 4 KiB blocks in the compatible disk layout
(CDL), ``fdasd -a`` writes a VTOC with one partition over the rest of the
disk, and ``mkfs`` writes the file system into that partition,
``ccw-0.0.xxxx-part1``.  An FBA disk needs neither: Linux gives it an
implicit partition.  Here, on a disk's contents file (``zvmsim.contents``,
the bytes of a disk as Linux sees them, 4 KiB blocks for CKD):

- ``dasdfmt [-b 4096] [-d cdl] [-y] [-l VOLSER] [-p|-P|-m N|-M full] DEV``
  (``-f DEV`` too) zeroes the disk and writes the volume label in block 2,
  in EBCDIC as CP and z/OS read it: ``VOL1`` + the volume serial (default
  ``0X`` + the device number, as dasdfmt's) + the VTOC's address (cylinder
  0, track 1, record 1).  Only 4 KiB blocks and CDL are modelled; an FBA
  disk or a read-only link is refused, as by the real dasdfmt.
- ``fdasd -a [-s] [-k] DEV`` writes the VTOC in track 1 (4 KiB blocks 12
  and 13 here): a format-4 DSCB, then partition 1's format-1 DSCB, named
  ``LINUX.V<volser>.PART0001.NATIVE`` as fdasd names it, whose first
  extent (at offset 105, as in z/OS's DSCB) runs from track 2 to the last
  track.  It needs the label dasdfmt wrote.  The partition appears as
  ``ccw-0.0.xxxx-part1`` (so does it when ``chccwdev -e`` sets a
  partitioned disk online).
- ``mkfs.*`` and ``mkswap`` run the REAL programs of this machine
  (e2fsprogs' mke2fs, xfsprogs' mkfs.xfs, util-linux's mkswap) on the
  contents file: directly where the partition starts at byte 0 (an FBA
  disk, or a whole CKD disk), else on a scratch file of the partition's
  size whose data is then copied into the disk at the partition's offset
  (a symlink cannot point into the middle of a file: the CKD ``-part1``
  link names the whole contents file, and only these commands know the
  offset).  A program that is not installed here (``mkfs.xfs`` without
  xfsprogs) fails with a message that says so.

``partition(path, unit)`` reads the partition back (``(offset, length)``),
``label(path)`` the volume serial: what the tests check the bytes with.
"""

import os
import shutil
import subprocess
import tempfile

from zvmsim.node import device_links, parse_bus_id

BLOCK = 4096
TRACK_BLOCKS = 12
TRACK_BYTES = TRACK_BLOCKS * BLOCK          # 49,152
CYLINDER_TRACKS = 15
CYLINDER_BYTES = CYLINDER_TRACKS * TRACK_BYTES
LABEL_OFFSET = 2 * BLOCK                    # VOL1, record 3 of track 0
F4_OFFSET = TRACK_BYTES                     # the VTOC: track 1
F1_OFFSET = TRACK_BYTES + BLOCK
EXTENT_OFFSET = 105                         # DS1EXT1 in a format-1 DSCB
FIRST_TRACK = 2                             # the first track of a partition (CDL)
EBCDIC = 'cp037'
MKFS = ('mkfs.ext2', 'mkfs.ext3', 'mkfs.ext4', 'mkfs.xfs', 'mkswap')
COMMANDS = ('dasdfmt', 'fdasd') + MKFS
PACKAGES = {'mkfs.ext2': 'e2fsprogs', 'mkfs.ext3': 'e2fsprogs', 'mkfs.ext4': 'e2fsprogs', 'mkfs.xfs': 'xfsprogs',
            'mkswap': 'util-linux'}
SYSTEM_DIRS = ('/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/local/bin', '/usr/bin', '/bin')
CHUNK = 1024 * 1024


class FsError(Exception):
    """A refusal: the message for stderr, the exit code."""

    def __init__(self, message, rc=1):
        Exception.__init__(self, message)
        self.rc = rc


# -- the layout in the bytes --------------------------------------------------------------------------------

def _ebcdic(text):
    return text.encode(EBCDIC)


def label(path):
    """The volume serial in a disk's label, or None when it has none."""
    with open(path, 'rb') as handle:
        handle.seek(LABEL_OFFSET)
        data = handle.read(10)
    if data[:4] != _ebcdic('VOL1'):
        return None
    return data[4:10].decode(EBCDIC).strip()


def partition(path, unit):
    """(offset, length) of partition 1 of a disk's contents file: FBA
    (``unit`` 'BLK') the whole disk; CKD the extent in its format-1 DSCB,
    or None when the disk has no VTOC."""
    size = os.path.getsize(path)
    if unit != 'CYL':
        return 0, size
    if label(path) is None:
        return None
    with open(path, 'rb') as handle:
        handle.seek(F1_OFFSET)
        dscb = handle.read(EXTENT_OFFSET + 10)
    if len(dscb) < EXTENT_OFFSET + 10 or dscb[44:45] != b'\xf1':
        return None
    ext = dscb[EXTENT_OFFSET:EXTENT_OFFSET + 10]
    low = int.from_bytes(ext[2:4], 'big') * CYLINDER_TRACKS + int.from_bytes(ext[4:6], 'big')
    high = int.from_bytes(ext[6:8], 'big') * CYLINDER_TRACKS + int.from_bytes(ext[8:10], 'big')
    return low * TRACK_BYTES, (high - low + 1) * TRACK_BYTES


def _cchh(track):
    cylinder, head = divmod(track, CYLINDER_TRACKS)
    return cylinder.to_bytes(2, 'big') + head.to_bytes(2, 'big')


def write_label(path, size, volser):
    """dasdfmt: the disk zeroed, VOL1 + volser + the VTOC's CCHHR in block 2."""
    with open(path, 'r+b') as handle:
        handle.truncate(0)
        handle.truncate(size)
        handle.seek(LABEL_OFFSET)
        handle.write(_ebcdic('VOL1' + volser.ljust(6)[:6]) + _ebcdic(' ') + _cchh(1) + b'\x01')


def write_vtoc(path, size, volser):
    """fdasd -a: a format-4 DSCB and partition 1's format-1 DSCB (tracks 2 to the end)."""
    tracks = size // TRACK_BYTES
    if tracks <= FIRST_TRACK:
        raise FsError('fdasd: the disk has %d tracks: no room for a partition' % tracks)
    if (tracks - 1) // CYLINDER_TRACKS > 0xFFFF:
        raise FsError('fdasd: extended address volumes are not modelled')
    f4 = b'\x04' * 44 + b'\xf4' + bytes(95)
    name = 'LINUX.V%s.PART0001.NATIVE' % volser.ljust(6)[:6]
    f1 = bytearray(_ebcdic(name.ljust(44)) + b'\xf1' + bytes(95))
    f1[EXTENT_OFFSET:EXTENT_OFFSET + 10] = b'\x01\x00' + _cchh(FIRST_TRACK) + _cchh(tracks - 1)
    with open(path, 'r+b') as handle:
        handle.seek(F4_OFFSET)
        handle.write(f4)
        handle.seek(F1_OFFSET)
        handle.write(bytes(f1))


# -- the node's devices -------------------------------------------------------------------------------------

class Device:
    """A device path given to a command, resolved: ``ldev``, ``part`` (the
    -part1 name), ``disk`` (the node's active disk: owner, owner_vdev, unit,
    access...), ``target`` (its contents file)."""

    def __init__(self, ldev, part, disk, target):
        self.ldev, self.part, self.disk, self.target = ldev, part, disk, target

    @property
    def unit(self):
        return self.disk.get('unit')


def resolve(node, arg, command):
    """The ``Device`` of ``arg`` (``<device dir>/ccw-0.0.xxxx[-part1]``), online on the node."""
    from zvmsim.dasd import active_disks
    name = os.path.basename(arg)
    part = name.endswith('-part1')
    base = name[:-len('-part1')] if part else name
    ldev = parse_bus_id(base[4:]) if base.startswith('ccw-') else None
    folder = os.path.realpath(os.path.dirname(os.path.abspath(arg)))
    if ldev is None or folder != os.path.realpath(node.device_dir):
        raise FsError('%s: %s: No such device (use the node\'s %s/ccw-0.0.xxxx names)'
                      % (command, arg, node.device_dir))
    whole, part1 = device_links(node, ldev)
    if not os.path.lexists(part1 if part else whole):
        raise FsError('%s: %s: No such file or directory' % (command, arg))
    with node.store().transaction() as tx:
        if tx.cp(node.userid) is None:
            raise FsError('%s: %s is not logged on' % (command, node.userid))
        disk = (active_disks(tx, node.userid) or {}).get(ldev)
    if disk is None:
        raise FsError('%s: %s: No such device' % (command, arg))
    return Device(ldev, part, disk, os.path.realpath(whole))


def _writable(device, command, arg):
    if device.disk.get('access') != 'RW':
        raise FsError('%s: %s: Read-only file system (the disk is linked read-only)' % (command, arg))


def _flags(argv, with_value, flags, command):
    """(options {flag: value or True}, positional arguments)."""
    options, positional = {}, []
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg in with_value:
            if not args:
                raise FsError('%s: option %s needs a value' % (command, arg))
            options[arg] = args.pop(0)
        elif arg in flags:
            options[arg] = True
        elif arg.startswith('-') and len(arg) > 1:
            raise FsError("%s: invalid option -- '%s'" % (command, arg.lstrip('-')))
        else:
            positional.append(arg)
    return options, positional


def dasdfmt(node, argv, out):
    options, positional = _flags(argv, ('-b', '-d', '-l', '-m', '-M', '-f'),
                                 ('-y', '-p', '-P', '-v', '-k', '-F', '-Q', '-t'), 'dasdfmt')
    if '-f' in options:
        positional.insert(0, options['-f'])
    if len(positional) != 1:
        raise FsError('dasdfmt: give one device, such as %s/ccw-0.0.1234' % node.device_dir)
    if options.get('-b', '4096') != '4096':
        raise FsError('dasdfmt: only 4096-byte blocks are modelled (-b 4096)')
    if options.get('-d', 'cdl').lower() != 'cdl':
        raise FsError('dasdfmt: only the compatible disk layout is modelled (-d cdl)')
    if options.get('-M', 'full') != 'full':
        raise FsError('dasdfmt: only a full format is modelled (-M full)')
    if '-t' in options:
        out('Test mode: nothing is written\n')
        return 0
    device = resolve(node, positional[0], 'dasdfmt')
    if device.part:
        raise FsError('dasdfmt: %s is a partition: format the whole disk' % positional[0])
    if device.unit != 'CYL':
        raise FsError('dasdfmt: %s: Unsupported disk type: an FBA disk needs no low-level format' % positional[0])
    _writable(device, 'dasdfmt', positional[0])
    volser = str(options.get('-l') or ('0X' + device.ldev)).upper()
    size = os.path.getsize(device.target)
    write_label(device.target, size, volser)
    remove_part1(node, device.ldev)
    out('Drive Geometry: %d Cylinders * %d Heads = %d Tracks\n'
        % (size // CYLINDER_BYTES, CYLINDER_TRACKS, size // TRACK_BYTES))
    out('Finished formatting the device.\nRereading the partition table... ok\n')
    return 0


def fdasd(node, argv, out):
    options, positional = _flags(argv, ('-c', '-l'), ('-a', '-s', '-k', '-r', '-i'), 'fdasd')
    if '-a' not in options:
        raise FsError('fdasd: only "fdasd -a" (one partition over the whole disk) is modelled')
    if len(positional) != 1:
        raise FsError('fdasd: give one device, such as %s/ccw-0.0.1234' % node.device_dir)
    device = resolve(node, positional[0], 'fdasd')
    if device.part or device.unit != 'CYL':
        raise FsError('fdasd: %s is not an ECKD DASD' % positional[0])
    _writable(device, 'fdasd', positional[0])
    volser = label(device.target)
    if volser is None:
        raise FsError('fdasd error: %s: the volume label is missing: format the disk with dasdfmt first'
                      % positional[0])
    write_vtoc(device.target, os.path.getsize(device.target), volser)
    _symlink(device.target, device_links(node, device.ldev)[1])
    if '-s' not in options:
        out('auto-creating one partition for the whole disk...\nwriting volume label...\nwriting VTOC...\n'
            'rereading partition table...\n')
    return 0


def remove_part1(node, ldev):
    try:
        os.remove(device_links(node, ldev)[1])
    except FileNotFoundError:
        pass


def _symlink(target, link):
    tmp = '%s.%d.tmp' % (link, os.getpid())
    os.symlink(target, tmp)
    os.replace(tmp, link)


def program(node, command):
    """The real ``command`` of this machine (not the node's own wrapper)."""
    own = os.path.realpath(os.path.join(node.node_dir, 'bin'))
    dirs = [d for d in os.environ.get('PATH', '').split(os.pathsep) if d and os.path.realpath(d) != own]
    found = shutil.which(command, path=os.pathsep.join(dirs + [d for d in SYSTEM_DIRS if d not in dirs]))
    if found is None:
        raise FsError('%s: not installed on the machine that runs this simulated node: it runs the real %s '
                      '(apt-get install %s)' % (command, command, PACKAGES[command]))
    return found


def mkfs(node, command, argv, out, err):
    """Run the real ``command`` on the disk's partition (see the module docstring)."""
    devices = [i for i, a in enumerate(argv) if os.path.basename(a).startswith('ccw-')]
    if len(devices) != 1:
        raise FsError('%s: give one device, such as %s/ccw-0.0.1234-part1' % (command, node.device_dir))
    index = devices[0]
    device = resolve(node, argv[index], command)
    _writable(device, command, argv[index])
    real = program(node, command)
    found = partition(device.target, device.unit) if device.part else (0, os.path.getsize(device.target))
    if found is None:
        raise FsError('%s: %s: No such file or directory (the disk has no partition)' % (command, argv[index]))
    offset, length = found
    if offset == 0 and length == os.path.getsize(device.target):
        return _run([real] + argv[:index] + [device.target] + argv[index + 1:], out, err)
    scratch_dir = os.path.join(node.node_dir, 'tmp')
    os.makedirs(scratch_dir, exist_ok=True)
    handle, scratch = tempfile.mkstemp(prefix='part-', dir=scratch_dir)
    try:
        os.ftruncate(handle, length)
        os.close(handle)
        handle = None
        rc = _run([real] + argv[:index] + [scratch] + argv[index + 1:], out, err)
        if rc == 0:
            _copy_into(scratch, device.target, offset, length)
        return rc
    finally:
        if handle is not None:
            os.close(handle)
        os.remove(scratch)


def _run(argv, out, err):
    proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, check=False)
    if proc.stdout:
        out(proc.stdout)
    if proc.stderr:
        err(proc.stderr)
    return proc.returncode


def _copy_into(source, target, offset, length):
    """The data of ``source`` (a sparse file) into ``target`` at
    ``offset``; where the source has holes the target keeps its bytes, as
    a real mkfs leaves the blocks it does not write."""
    from zvmsim.contents import data_ranges
    src = os.open(source, os.O_RDONLY)
    try:
        dst = os.open(target, os.O_WRONLY)
        try:
            for start, end in data_ranges(src, length):
                while start < end:
                    chunk = os.pread(src, min(CHUNK, end - start), start)
                    if not chunk:
                        break
                    os.pwrite(dst, chunk, offset + start)
                    start += len(chunk)
        finally:
            os.close(dst)
    finally:
        os.close(src)


def run(node, command, argv, out, err):
    """One of ``COMMANDS``; returns the exit code."""
    try:
        if command == 'dasdfmt':
            return dasdfmt(node, argv, out)
        if command == 'fdasd':
            return fdasd(node, argv, out)
        return mkfs(node, command, argv, out, err)
    except FsError as e:
        err('%s\n' % e)
        return e.rc


def online_partition(node, ldev, target, unit):
    """chccwdev -e: the ``-part1`` link of a CKD disk that has a VTOC (an FBA disk always has one)."""
    if unit == 'CYL' and partition(target, unit) is not None:
        _symlink(target, device_links(node, ldev)[1])
