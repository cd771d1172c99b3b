# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""DirMaint's state as the handler families share it: directory entries,
their image and device locks, asynchronous operations, and the edits of
directory statements.

Directory entries live in the ``entries`` table as DirMaint keeps them:
upper-case 72-column records (``tx.put_entry`` normalizes).  Users are kind
``user``, profiles ``profile`` and prototypes ``prototype`` (see
``handlers/profile.py`` and ``handlers/prototype.py``).  Users and profiles
share one name space, as directory entries do; prototypes, which DirMaint
keeps in files of their own, have their own.

Helper API for the handler modules
----------------------------------
``load_entry(call, userid, kind='user', missing=(400, 4))``
    ``(records, DirectoryEntry)`` of an entry, or raises ``Fail(400, 4)``
    (or ``missing``) when there is none.  It checks no lock: reading is
    always allowed; ``save_entry`` (or ``check_not_locked_by_other``) does.
``save_entry(call, userid, entry, kind='user', check_lock=True)``
    Enforces the lock rules (``Fail(400, 12)`` when the entry's image is
    locked, see below), renders the entry and stores it; returns the stored
    records.  It does not touch extents: call ``dasd.sync_extents`` after
    changing MDISK statements.
``check_not_locked_by_other(call, userid, vdev=None, device_code=(404, 12))``
    ``Fail(400, 12)`` when the image of ``userid`` is locked (by anyone: the
    one write a locked entry takes is the lock holder's *_Replace_DM); with
    ``vdev``, ``Fail(*device_code)`` when that device is locked (pass
    ``(408, 12)`` for minidisks).  (The name is older than the rule.)
``image_lock_owner(tx, name)`` / ``device_lock_owner(tx, name, vdev)``
    The SMAPI user holding a lock, or None.
``lock(call, name, entry, device)`` / ``unlock(call, name, device)`` / ``lock_state(tx, name)``
    Image_Lock_DM / Profile_Lock_DM, Image_Unlock_DM / Profile_Unlock_DM and
    the lock queries (see the modelling decisions below).
``profile_entry(tx, entry)``
    The parsed INCLUDEd profile of an entry, or None.
``start_async(call, output=None, failed=False)``
    The answer of a write that returns an operation id (Image_Create_DM,
    Image_Delete_DM, Image_Disk_Create_DM, Image_Disk_Delete_DM,
    Image_Disk_Copy_DM).  Synchronous mode (``directory.async_writes``
    false): ``output`` with ``operation_id`` -1, i.e. 0/0.  Asynchronous
    mode: records an operation that completes ``directory.async_seconds``
    after now and returns ``Result(592, 0, output + operation_id)``.  The
    change itself is applied at request time and only reported as running
    until then (Query_Asynchronous_Operation_DM answers 0/104, then 0/100).
    ``failed=True`` records an operation that ends in failure (0/108): the
    caller must then NOT apply its change.  ``async_reply(call, failed)``
    is the same answer for a function whose output has no operation id: it
    carries the operation id in the reason code of RC 592.
``async_should_fail(call)``
    True when the config makes this asynchronous operation fail
    (``directory.async_failures``: a list of ``{function, target}`` patterns,
    ``*`` wildcards), only in asynchronous mode.  Typical use::

        if async_should_fail(call):
            return start_async(call, failed=True)
        ... apply the change ...
        return start_async(call)

``device_conflict(tx, entry, vdev, count=1)``
    The device of the entry or of its INCLUDEd profile that vdev ..
    vdev+count-1 overlaps (the directory model's ``device_conflict``), or None.
``cpu_address``, ``cpu_text``, ``define_cpu``, ``check_includes``, ``is_statement``, ``token_as_written``
    Build and place CPU statements, check INCLUDE statements, select
    statements, read a statement's tokens as written.  Statements are edited
    through the directory model (``statement_as_written``,
    ``DirectoryEntry.put_statement``, ``remove_statements``,
    ``insert_index``), so what the simulator writes stays as written.

Modelling decisions (z/VM 7.3 + DirMaint)
------------------------------------------
* Locks are DirMaint's LOCK: a mark on the entry (or on one device of it)
  that says "being changed, keep off", with the SMAPI user that set it for
  Image_Lock_Query_DM to show.  Image_Lock_DM with device_address '' locks
  the image, with a vdev one device.
  - A lock that is already held is refused, whoever holds it, the caller
    included: 400/12 when the image is locked, 404/12 when the device (or,
    for an image lock, any device of the entry) is.  IBM's own clients
    read it so: smcli's ``replacevs`` (zhcp) treats 400/12 from
    Image_Lock_DM as "already locked", and zvmsdk's ``smtclient``
    (``_lock_user_direct``) ignores 400/12 as "already locked"; both always
    run as one SMAPI user, so the 400/12 they meet is a lock of their own.
  - A locked entry takes no change, whoever asks, the holder included
    (400/12; 404/12 or 408/12 for a locked device), except the holder's
    Image_Replace_DM / Profile_Replace_DM.  IBM's tables give the other
    writes 400/12 "Image definition is locked", without any notion of
    who holds it, and give Image_Replace_DM no 400/12 at all; zvmsdk users
    report Image_Delete_DM refused 400/12 for a lock zvmsdk's own SMAPI
    user left behind (openmainframeproject/feilong issue 942).
  - Image_Replace_DM needs the image lock (400/24 without one; 400/12 when
    another SMAPI user holds it) and releases it when it succeeds: IBM's
    ``replacevs`` and zvmsdk unlock only after a replace that failed, and
    the real z/VM captures change the entry (Image_Password_Set_DM,
    Image_CPU_Define_DM...) right after Image_Lock_DM + Image_Replace_DM.
    A client's Image_Unlock_DM afterwards answers 400/24, which clients
    take as fine.  (Profile_Replace_DM keeps the lock, as
    ``handlers/profile.py`` documents.)
  - Image_Unlock_DM releases a lock whoever holds it (the directory
    manager's administrators may), 400/24 (404/24 for a device) when it is
    not locked.
  - Locks live in DirMaint's state: they survive a restart of the server,
    and a client that dies holding one leaves it until someone unlocks it.
  SMAPI cannot tell two clients of one SMAPI user apart, so these rules
  are what keeps two controllers that share a SMAPI user from changing an
  entry under each other's read-modify-write cycle.
"""

import fnmatch
import re

from ansible_collections.zvm.cloud.plugins.module_utils import directory, validation
from ansible_collections.zvm.cloud.plugins.module_utils.smapi import layouts

from zvmsim.handlers import Fail, Result

IMAGE_LOCK = ''          # the device name of an image (whole entry) lock
RECORD_WIDTH = 72


# ---------------------------------------------------------------------------
# Entries and locks
# ---------------------------------------------------------------------------

def load_entry(call, userid, kind='user', missing=(400, 4)):
    """``(records, DirectoryEntry)`` of an entry, or ``Fail(*missing)``."""
    records = call.tx.entry(userid, kind)
    if records is None:
        raise Fail(*missing)
    return records, directory.parse(records)


def render_records(entry):
    """The entry's records; a statement that cannot be written (past 72
    columns) is an internal directory manager error."""
    try:
        return entry.records()
    except ValueError as exc:
        raise Fail(596, 0) from exc


def save_entry(call, userid, entry, kind='user', check_lock=True):
    """Store ``entry`` as ``userid`` (lock rules enforced); returns the records."""
    if check_lock:
        check_not_locked_by_other(call, userid)
    return call.tx.put_entry(userid, render_records(entry), kind)


def profile_entry(tx, ent):
    """The parsed INCLUDEd profile of an entry, or None."""
    if ent is None or not ent.include:
        return None
    records = tx.entry(ent.include, kind='profile')
    return directory.parse(records) if records is not None else None


def image_lock_owner(tx, name):
    """The SMAPI user holding the image lock of ``name``, or None."""
    for held in tx.locks(name):
        if held['device'] == IMAGE_LOCK:
            return held['owner']
    return None


def device_lock_owner(tx, name, vdev):
    """The SMAPI user holding the lock of device ``vdev`` of ``name``, or None."""
    vdev = vdev.upper()
    for held in tx.locks(name):
        if held['device'] == vdev:
            return held['owner']
    return None


# the one write a locked entry takes: its lock holder's replace
REPLACE_FUNCTIONS = ('Image_Replace_DM', 'Profile_Replace_DM')


def check_not_locked_by_other(call, userid, vdev=None, device_code=(404, 12)):
    """Fail(400, 12) when the image of ``userid`` is locked, by anyone,
    unless this is the holder's replace; Fail(*device_code) when the device
    ``vdev`` is locked (see the module docstring)."""
    owner = image_lock_owner(call.tx, userid)
    if owner is not None and not (call.function in REPLACE_FUNCTIONS and owner == call.userid):
        raise Fail(400, 12)
    if vdev and device_lock_owner(call.tx, userid, norm_vdev(vdev)) is not None:
        raise Fail(*device_code)


def _device_defined(entry, vdev):
    for st in entry.statements:
        if getattr(st, 'vdev', None) == vdev or getattr(st, 'vdev2', None) == vdev:
            return True
    return False


def lock(call, name, entry, device):
    """Image_Lock_DM / Profile_Lock_DM semantics (see the module docstring):
    a lock that is already held, by anyone, is refused."""
    tx = call.tx
    if image_lock_owner(tx, name) is not None:
        raise Fail(400, 12)
    if not device:
        if any(lk['device'] != IMAGE_LOCK for lk in tx.locks(name)):
            raise Fail(404, 12)
        tx.add_lock(name, IMAGE_LOCK, call.userid)
        return {}
    vdev = norm_vdev(device)
    if entry is not None and not _device_defined(entry, vdev):
        raise Fail(404, 8)
    if device_lock_owner(tx, name, vdev) is not None:
        raise Fail(404, 12)
    tx.add_lock(name, vdev, call.userid)
    return {}


def unlock(call, name, device):
    """Image_Unlock_DM / Profile_Unlock_DM semantics (see the module docstring)."""
    tx = call.tx
    if not device:
        if image_lock_owner(tx, name) is None:
            raise Fail(400, 24)
        tx.delete_lock(name, IMAGE_LOCK)
        return {}
    vdev = norm_vdev(device)
    if device_lock_owner(tx, name, vdev) is None:
        raise Fail(404, 24)
    tx.delete_lock(name, vdev)
    return {}


def lock_state(tx, name):
    """``(image lock owner or None, [{'dev_address', 'dev_locked_by'}])``."""
    devices = [{'dev_address': lk['device'], 'dev_locked_by': lk['owner']}
               for lk in tx.locks(name) if lk['device'] != IMAGE_LOCK]
    return image_lock_owner(tx, name), devices


def device_conflict(tx, entry, vdev, count=1):
    """The device of ``entry``, or else of its INCLUDEd profile, that vdev ..
    vdev+count-1 overlaps (a description such as ``'NIC 1000-1002'``), or None."""
    for ent in (entry, profile_entry(tx, entry)):
        conflict = ent.device_conflict(vdev, count) if ent is not None else None
        if conflict is not None:
            return conflict
    return None


def ebcdic_sorted(names):
    """Names in DirMaint's (EBCDIC) order: $ @ # before letters, digits last."""
    return sorted(names, key=lambda n: n.encode('cp037', 'replace'))


def norm_vdev(vdev):
    """A device number as 4 hex digits (as given, upper case, when it is not one)."""
    try:
        return validation.vdev(vdev)
    except ValueError:
        return str(vdev).upper()


# ---------------------------------------------------------------------------
# Asynchronous operations
# ---------------------------------------------------------------------------

def directory_config(call):
    """The config's ``directory`` section."""
    return call.config.get('directory') or {}


def async_enabled(call):
    """True when DirMaint answers *_DM writes asynchronously (RC 592)."""
    return bool(directory_config(call).get('async_writes'))


def async_should_fail(call):
    """True when this call's asynchronous operation is configured to fail."""
    if not async_enabled(call):
        return False
    for rule in directory_config(call).get('async_failures') or []:
        if fnmatch.fnmatchcase(call.function, str(rule.get('function', '*'))) and \
                fnmatch.fnmatchcase(call.target, str(rule.get('target', '*')).upper()):
            return True
    return False


def start_async(call, output=None, failed=False):
    """The answer of a write returning an operation id (see the module docstring)."""
    output = dict(output or {})
    if not async_enabled(call):
        output['operation_id'] = -1
        return output
    seconds = float(directory_config(call).get('async_seconds', 1.0))
    op_id = call.tx.new_async_op({
        'function': call.function, 'target': call.target, 'userid': call.userid, 'started': call.now,
        'complete_at': call.now + seconds, 'failed': bool(failed),
    })
    output['operation_id'] = op_id
    return Result(592, 0, output)


def async_reply(call, failed=False):
    """The answer of a directory write (``start_async``: operation id -1, or
    RC 592 in asynchronous mode).  A function without an operation id in
    its output carries the operation id in the reason code of RC 592."""
    answer = start_async(call, {}, failed=failed)
    if any(f.name == 'operation_id' for f in layouts.get(call.function).response):
        return answer
    if isinstance(answer, Result):
        return Result(answer.rc, answer.output.get('operation_id', answer.rs), {})
    return {}


# ---------------------------------------------------------------------------
# Editing statements
# ---------------------------------------------------------------------------

def token_as_written(st, index, default=None):
    """Token ``index`` of the statement as written (as stored), or ``default``."""
    toks = directory.tokens_as_written(st)
    return toks[index] if index < len(toks) else default


def is_statement(cls, **attrs):
    """A ``matches(st)`` for ``put_statement``: a ``cls`` statement with these attribute values."""
    def match(st):
        return isinstance(st, cls) and all(getattr(st, k) == v for k, v in attrs.items())
    return match


def check_includes(call, entry):
    """One INCLUDE at most (436/40), naming an existing profile (436/4)."""
    includes = [s for s in entry.statements if isinstance(s, directory.Include)]
    if len(includes) > 1:
        raise Fail(436, 40)
    for inc in includes:
        if call.tx.entry(inc.value, 'profile') is None:
            raise Fail(436, 4)


def entry_guest_os(entry):
    """'linux' for an entry that IPLs a device, else 'cms'."""
    ipl = entry.ipl
    if ipl is not None and re.match(r'^[0-9A-F]{4}$', ipl.device or ''):
        return 'linux'
    return 'cms'


def cpu_address(value, error=(520, 28)):
    """A CPU address as the directory writes it, or ``Fail(*error)``."""
    try:
        return directory.Cpu.norm_address(value)
    except ValueError as exc:
        raise Fail(*error) from exc


def cpu_text(address, **options):
    """``CPU nn [BASE] [CPUID id] [DEDICATE|NODEDICATE] [CRYPTO] [TYPE t]``."""
    base, cpuid, dedicate = options.get('base'), options.get('cpuid'), options.get('dedicate')
    crypto, cpu_type = options.get('crypto'), options.get('cpu_type')
    toks = ['CPU', address]
    if base:
        toks.append('BASE')
    if cpuid:
        toks += ['CPUID', cpuid.upper()]
    if dedicate:
        toks.append(dedicate)
    if crypto:
        toks.append('CRYPTO')
    if cpu_type:
        toks += ['TYPE', cpu_type.upper()]
    return ' '.join(toks)


def define_cpu(entry, text, address, base):
    """Put a CPU statement (replacing one at the same address): 520/24 a
    second BASE CPU, 520/32 more CPUs than MACHINE allows."""
    cpus = entry.cpus
    if base and any(c.base and c.address != address for c in cpus):
        raise Fail(520, 24)
    if not any(c.address == address for c in cpus):
        machine = entry.machine
        limit = machine.max_cpus if machine is not None and machine.max_cpus else 64
        if len(cpus) + 1 > limit:
            raise Fail(520, 32)
    entry.put_statement(directory.statement_as_written(text), is_statement(directory.Cpu, address=address))
