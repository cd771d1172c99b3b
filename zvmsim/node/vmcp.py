# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``vmcp``: CP commands issued by the access node.

As s390-tools' vmcp: CP's response (an ``HCPxxxnnnE`` message included)
goes to stdout; when CP's return code is not 0 stderr gets ``Error:
non-zero CP response for command 'CMD': #RC`` and the exit code is CP's
return code.  Commands (case-insensitive, CP's abbreviations):

    QUERY USERID                    ZVMNODE  AT ZVMSIM1
    QUERY USER userid               'LINUX01  - DSC'; HCPCQU045E not logged on (45)
    QUERY VIRTUAL vdev|DASD         the node's linked disks; HCPQVD040E (40)
    QUERY RDR [*] ALL               the node's reader (or 'NO RDR FILES')
    LINK [TO] userid vdev [AS] ldev [mode]
                                    053E not in CP directory, 113E no such device,
                                    024E ldev already defined, 104E R/W by, 101E R/O by,
                                    108E volume not mounted; MR/WR forced R/O (rc 0, 102W/101W)
    DETACH ldev                     040E does not exist
    CHANGE RDR spoolid|ALL CLASS c | NAME fn ft
    TRANSFER [*] RDR spoolid|ALL [TO] userid [RDR]
    PURGE [*] RDR spoolid|ALL       042E spool id does not exist, 053E unknown userid

Link modes as CP's LINK: R (no link if someone has write access), RR
(always read), W (no link if anyone else has it linked), WR (write, else
read), M (no link if someone else has write access), MR (write, else
read), MW (always write).  The owner of a logged-on guest holds its own
minidisk with its directory mode (MR: R/W).  Passwords are not checked:
the node's entry has OPTION LNKNOPAS.
"""

import re

from ansible_collections.zvm.cloud.plugins.module_utils import directory

from zvmsim.dasd import active_disks, active_from_mdisk
from zvmsim.node import remove_device_links, spool

_HEX = re.compile(r'^[0-9A-F]{1,4}$')
MODES = ('R', 'RR', 'W', 'WR', 'M', 'MR', 'MW')


class CpError(Exception):
    def __init__(self, rc, message):
        Exception.__init__(self, message)
        self.rc = rc
        self.message = message


def _abbrev(word, full, minimum):
    return minimum <= len(word) <= len(full) and full.startswith(word)


def _vdev(text, rc=22, message='A virtual device number was not supplied or it was invalid.'):
    if text is None or not _HEX.match(text):
        raise CpError(rc, 'HCPCMD%03dE %s' % (rc, message))
    return text.zfill(4)


def _devices_of_node(tx, node):
    doc = tx.cp(node.userid)
    if doc is None:
        raise CpError(45, 'HCPCQU045E %s not logged on' % node.userid)
    return doc, dict(active_disks(tx, node.userid) or {})


def _adapter_at(tx, userid, vdev):
    """The node's NIC that uses device ``vdev`` (a NIC uses DEVICES numbers)."""
    n = int(vdev, 16)
    for nic in tx.adapters(userid):
        base = int(nic['vdev'], 16)
        if base <= n < base + int(nic.get('devices') or 3):
            return nic
    return None


# ---------------------------------------------------------------------------
# QUERY
# ---------------------------------------------------------------------------

def _disk_line(disk):
    access = 'R/O' if disk.get('access') == 'RO' else 'R/W'
    return 'DASD %s %s %-6s %s %10d %s ON DASD  %s SUBCHANNEL = %04X' % (
        disk['vdev'], disk.get('devtype') or '3390', disk.get('volid') or '', access, int(disk.get('size') or 0),
        disk.get('unit') or 'CYL', str(disk.get('rdev') or '0000')[:4], int(disk['vdev'], 16) % 0x10000)


def query(node, tx, toks):
    if not toks:
        raise CpError(26, 'HCPCQV026E Operand missing or invalid')
    what = toks[0]
    if what == 'USERID':
        return '%-8s AT %s\n' % (node.userid, node.system_name)
    if _abbrev(what, 'USER', 4) or what == 'USERS':
        if len(toks) < 2:
            raise CpError(20, 'HCPCQU020E Userid missing or invalid')
        userid = toks[1]
        if userid == '*':
            userid = node.userid
        if tx.cp(userid) is None:
            raise CpError(45, 'HCPCQU045E %s not logged on' % userid)
        return '%-8s - DSC\n' % userid
    if _abbrev(what, 'VIRTUAL', 1):
        _doc, disks = _devices_of_node(tx, node)
        wanted = toks[1] if len(toks) > 1 else 'ALL'
        if wanted in ('DASD', 'ALL', 'DA'):
            if not disks:
                return 'NO DASD EXISTS\n' if wanted != 'ALL' else ''
            return ''.join(_disk_line(disks[v]) + '\n' for v in sorted(disks))
        ldev = _vdev(wanted, 40, 'Device %s does not exist' % wanted)
        if ldev in disks:
            return _disk_line(disks[ldev]) + '\n'
        nic = _adapter_at(tx, node.userid, ldev)
        if nic is not None:
            return 'OSA  %s ON NIC  %s  %s\n' % (ldev, nic['vdev'], 'COUPLED' if nic.get('coupled') else 'UNCOUPLED')
        raise CpError(40, 'HCPQVD040E Device %s does not exist' % ldev)
    if _abbrev(what, 'RDR', 1) or _abbrev(what, 'READER', 3):
        rest = [t for t in toks[1:] if t not in ('*', 'ALL')]
        if rest:
            raise CpError(3, 'HCPCQU003E Invalid option - %s' % rest[0])
        return spool.listing(node.config, tx, node.userid)
    raise CpError(3, 'HCPCQV003E Invalid option - %s' % what)


# ---------------------------------------------------------------------------
# LINK, DETACH
# ---------------------------------------------------------------------------

def _holders(tx, owner, owner_vdev):
    """(writers, readers): the guests that have ``owner``'s disk attached R/W or R/O."""
    writers, readers = [], []
    for holder, doc in tx.cp_all().items():
        for disk in (doc.get('disks') or {}).values():
            if (disk.get('owner') or holder) == owner and (disk.get('owner_vdev') or disk.get('vdev')) == owner_vdev:
                (writers if disk.get('access') == 'RW' else readers).append(holder)
    return writers, readers


def _access(mode, owner, vdev, writers, readers):
    """('RW'|'RO', warning or None) for a link in ``mode``; CpError when CP refuses it."""
    if mode == 'RR':
        return 'RO', None
    if mode == 'MW':
        return 'RW', None
    if writers:
        if mode in ('R', 'W', 'M'):
            raise CpError(104, 'HCPLNK104E %s %s not linked; R/W by %s' % (owner, vdev, writers[0]))
        return 'RO', 'HCPLNK102W DASD %%s forced R/O; R/W by %s' % writers[0]
    if mode == 'R':
        return 'RO', None
    if readers and mode in ('W', 'WR'):
        users = '%04d users' % len(readers) if len(readers) > 1 else readers[0]
        if mode == 'W':
            raise CpError(101, 'HCPLNK101E %s %s not linked; R/O by %s' % (owner, vdev, users))
        return 'RO', 'HCPLNK101W DASD %%s forced R/O; R/O by %s' % users
    return 'RW', None


def link(node, tx, toks):
    toks = list(toks)
    if toks and toks[0] == 'TO':
        toks.pop(0)
    toks = [t for t in toks if t != 'AS']
    if not toks:
        raise CpError(20, 'HCPLNK020E Userid missing or invalid')
    owner = node.userid if toks[0] == '*' else toks[0]
    vdev = _vdev(toks[1] if len(toks) > 1 else None)
    ldev = _vdev(toks[2] if len(toks) > 2 else None)
    mode = toks[3] if len(toks) > 3 else 'R'
    if mode not in MODES:
        raise CpError(26, 'HCPLNK026E Operand missing or invalid - %s' % mode)
    doc, disks = _devices_of_node(tx, node)
    records = tx.entry(owner)
    if records is None:
        raise CpError(53, 'HCPLNK053E %s not in CP directory' % owner)
    mdisk = directory.parse(records).find_mdisk(vdev)
    if mdisk is None:
        raise CpError(113, 'HCPLNK113E %s %s not linked; no such device' % (owner, vdev))
    if ldev in disks or _adapter_at(tx, node.userid, ldev) is not None:
        raise CpError(24, 'HCPLNK024E Device %s already defined' % ldev)
    disk = active_from_mdisk(tx, owner, mdisk, ldev, mode)
    if disk is None:
        raise CpError(108, 'HCPLNK108E %s %s not linked; volid %s not mounted' % (owner, vdev, mdisk.volser or ''))
    writers, readers = _holders(tx, owner, vdev)
    access, warning = _access(mode, owner, vdev, writers, readers)
    disk.update(type='link', access=access, linked_by='node')
    disks[ldev] = disk
    doc = tx.cp(node.userid)
    doc['disks'] = disks
    tx.put_cp(node.userid, doc)
    return (warning % ldev + '\n') if warning else ''


def detach(node, tx, toks, after):
    if not toks:
        raise CpError(26, 'HCPDTV026E Operand missing or invalid')
    ldev = _vdev(toks[0], 40, 'Device %s does not exist' % toks[0])
    doc, disks = _devices_of_node(tx, node)
    if ldev not in disks:
        raise CpError(40, 'HCPDTV040E Device %s does not exist' % ldev)
    del disks[ldev]
    doc['disks'] = disks
    tx.put_cp(node.userid, doc)
    after.append(lambda: remove_device_links(node, ldev))
    return 'DASD %s DETACHED\n' % ldev


# ---------------------------------------------------------------------------
# The reader: CHANGE, TRANSFER, PURGE
# ---------------------------------------------------------------------------

def _spool_targets(tx, userid, which, prefix):
    if which == 'ALL':
        return spool.files(tx, userid)
    found = spool.find(tx, userid, which) if which.isdigit() else None
    if found is None:
        raise CpError(42, '%s042E SPOOLID %s does not exist' % (prefix, which))
    return [found]


def _rdr_words(toks, prefix):
    """(userid or None, rest) of ``[userid|*] RDR ...``."""
    toks = list(toks)
    userid = None
    if len(toks) > 1 and toks[0] not in ('RDR', 'READER', 'R') and toks[1] in ('RDR', 'READER', 'R'):
        userid = toks.pop(0)
    if not toks or toks[0] not in ('RDR', 'READER', 'R'):
        raise CpError(26, '%s026E Operand missing or invalid' % prefix)
    return userid, toks[1:]


def change(node, tx, toks):
    _userid, toks = _rdr_words(toks, 'HCPCSU')
    if not toks:
        raise CpError(26, 'HCPCSU026E Operand missing or invalid')
    chosen = _spool_targets(tx, node.userid, toks[0], 'HCPCSU')
    changes = {}
    rest = toks[1:]
    while rest:
        word = rest.pop(0)
        if _abbrev(word, 'CLASS', 2) and rest and len(rest[0]) == 1 and rest[0].isalnum():
            changes['class'] = rest.pop(0)
        elif _abbrev(word, 'NAME', 2) and len(rest) >= 2:
            changes['name'], changes['type'] = rest.pop(0)[:8], rest.pop(0)[:8]
        else:
            raise CpError(3, 'HCPCSU003E Invalid option - %s' % word)
    if not changes:
        raise CpError(26, 'HCPCSU026E Operand missing or invalid')
    for f in chosen:
        spool.update(tx, f, **changes)
    return '%04d FILE%s CHANGED\n' % (len(chosen), 'S' if len(chosen) != 1 else '')


def transfer(node, tx, toks):
    source, toks = _rdr_words(toks, 'HCPCSU')
    source = node.userid if source in (None, '*') else source
    toks = [t for t in toks if t != 'TO']
    if len(toks) < 2:
        raise CpError(26, 'HCPCSU026E Operand missing or invalid')
    chosen = _spool_targets(tx, source, toks[0], 'HCPCSU')
    dest = node.userid if toks[1] == '*' else toks[1]
    if len(toks) > 2 and toks[2] not in ('RDR', 'READER', 'R'):
        raise CpError(3, 'HCPCSU003E Invalid option - %s' % toks[2])
    if tx.entry(dest) is None:
        raise CpError(53, 'HCPCSU053E %s not in CP directory' % dest)
    lines = []
    for f in chosen:
        spool.update(tx, f, userid=dest)
        lines.append('RDR FILE %04d SENT TO %s RDR AS %04d\n' % (
            spool.spool_number(f['spoolid']), dest, spool.spool_number(f['spoolid'])))
    return ''.join(lines)


def purge(node, tx, toks):
    userid, toks = _rdr_words(toks, 'HCPCSU')
    userid = node.userid if userid in (None, '*') else userid
    if not toks:
        raise CpError(26, 'HCPCSU026E Operand missing or invalid')
    chosen = _spool_targets(tx, userid, toks[0], 'HCPCSU')
    for f in chosen:
        spool.purge(tx, f)
    return '%04d FILE%s PURGED\n' % (len(chosen), 'S' if len(chosen) != 1 else '')


# ---------------------------------------------------------------------------
# dispatch
# ---------------------------------------------------------------------------

def execute(node, tx, toks, after):
    """CP's response to one command (raises CpError)."""
    verb, rest = toks[0], toks[1:]
    if _abbrev(verb, 'QUERY', 1):
        return query(node, tx, rest)
    if _abbrev(verb, 'LINK', 1):
        return link(node, tx, rest)
    if _abbrev(verb, 'DETACH', 3):
        return detach(node, tx, rest, after)
    if _abbrev(verb, 'CHANGE', 2):
        return change(node, tx, rest)
    if _abbrev(verb, 'TRANSFER', 3):
        return transfer(node, tx, rest)
    if _abbrev(verb, 'PURGE', 3):
        return purge(node, tx, rest)
    raise CpError(1, 'HCPCMD001E Unknown CP command: %s' % verb)


def vmcp(node, argv, out, err):
    args = list(argv)
    while args and args[0].startswith('-'):
        opt = args.pop(0)
        if opt in ('-b', '--buffer') and args:
            args.pop(0)
        elif opt in ('-h', '--help'):
            out('Usage: vmcp [-k] [-b <size>] command\n')
            return 0
        elif opt in ('-v', '--version'):
            out('vmcp: zvmsim access node\n')
            return 0
        elif opt not in ('-k', '--keepcase') and not opt.startswith('--buffer='):
            err("vmcp: invalid option -- '%s'\n" % opt.lstrip('-'))
            return 4
    command = ' '.join(args).strip()
    if not command:
        err('vmcp: Need a command to execute\n')
        return 4
    toks = command.upper().split()
    after = []
    rc = 0
    with node.store().transaction(write=True) as tx:
        if tx.cp(node.userid) is None:
            text, rc = 'HCPCQU045E %s not logged on\n' % node.userid, 45
        else:
            try:
                text = execute(node, tx, toks, after)
            except CpError as exc:
                text, rc = exc.message + '\n', exc.rc
    for action in after:
        action()
    out(text)
    if rc:
        err("Error: non-zero CP response for command '%s': #%d\n" % (command.upper(), rc))
    return rc
