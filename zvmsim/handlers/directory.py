# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# pylint: disable=too-many-lines
"""DirMaint: user directory entries, their locks, CPUs and IPL, the keyword
(Image_Definition_*_DM) interface, asynchronous operations and directory
manager queries.

Directory entries live in the ``entries`` table as DirMaint keeps them:
upper-case 72-column records (``tx.put_entry`` normalizes).  Users are kind
``user``, profiles ``profile`` and prototypes ``prototype`` (see
``profiles.py``).  Users and profiles share one name space, as directory
entries do; prototypes, which DirMaint keeps in files of their own, have
their own.

Helper API for the other handler modules
-----------------------------------------
``load_entry(call, userid, kind='user', missing=(400, 4))``
    ``(records, DirectoryEntry)`` of an entry, or raises ``Fail(400, 4)``
    (or ``missing``) when there is none.  It checks no lock: reading is
    always allowed; ``save_entry`` (or ``check_not_locked_by_other``) does.
``save_entry(call, userid, entry, kind='user', check_lock=True)``
    Enforces the lock rules (``Fail(400, 12)`` when another SMAPI user holds
    the entry's image lock), renders the entry and stores it; returns the
    stored records.  It does not touch extents: call ``sync_extents`` after
    changing MDISK statements.
``check_not_locked_by_other(call, userid, vdev=None, device_code=(404, 12))``
    ``Fail(400, 12)`` when another SMAPI user holds the image lock of
    ``userid``; with ``vdev``, ``Fail(*device_code)`` when another user holds
    that device's lock (pass ``(408, 12)`` for minidisks).
``image_lock_owner(tx, name)`` / ``device_lock_owner(tx, name, vdev)``
    The SMAPI user holding a lock, or None.
``sync_extents(call, userid, entry)``
    Re-registers the extents of ``userid`` from the entry's MDISK statements
    with an explicit start on a known volume (``END`` runs to the end of the
    volume).  An extent that overlaps another owner's extent or one of the
    entry's own, or that passes the end of its volume, raises
    ``Fail(408, 24)`` (DirMaint refuses overlapping space: "requested image
    disk space not available").  Idempotent.
``allocate_extent(call, alloc_type, name, size, devtype)``
    Space for ``AUTOG``/``AUTOR``/``AUTOV`` allocations: ``Fail(420, 8)`` for
    an unknown group, region or volume, ``Fail(408, 24)`` when it has no room;
    returns ``{'volid', 'start', 'size', 'devtype'}`` (not yet registered).
    Uses ``zvmsim.handlers.disks`` (``candidate_regions``, ``allocate``)
    when that module has them, else a first fit of its own.
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
    caller must then NOT apply its change.
``async_should_fail(call)``
    True when the config makes this asynchronous operation fail
    (``directory.async_failures``: a list of ``{function, target}`` patterns,
    ``*`` wildcards), only in asynchronous mode.  Typical use::

        if async_should_fail(call):
            return start_async(call, failed=True)
        ... apply the change ...
        return start_async(call)

``syntax_error(call, parameter, reason=19)``
    ``Fail(24, pprr)`` with the parameter number from the function's layout.

Modelling decisions (z/VM 7.3 + DirMaint)
------------------------------------------
* Locks: Image_Lock_DM with device_address '' takes the image lock, with a
  vdev a device lock.  Taking a lock that the caller already holds is 0/0; a
  lock held by another SMAPI user is 400/12 (404/12 for a device).  Every
  directory write to an entry whose image lock another user holds is 400/12.
  Image_Unlock_DM releases a lock whoever holds it (the directory manager's
  administrators may), 400/24 (404/24 for a device) when it is not locked.
  Image_Replace_DM needs the caller's image lock and keeps it (the client
  unlocks afterwards).
* Image_Delete_DM of a logged-on guest deletes the directory entry and frees
  its minidisk space, as DirMaint's PURGE does; CP keeps the guest running
  (a logged-on virtual machine keeps the directory it logged on with) until
  it logs off.  IBM's own client logs the guest off first.  Vswitch grants
  are CP state and are not touched.
* Query_Asynchronous_Operation_DM of an unknown operation id answers 0/0, as
  the capture of a real system shows.
"""

import fnmatch
import re

from ansible_collections.zvm.cloud.plugins.module_utils import directory, validation
from ansible_collections.zvm.cloud.plugins.module_utils.smapi import layouts

from zvmsim.handlers import Fail, Result, handles

IMAGE_LOCK = ''          # the device name of an image (whole entry) lock
RECORD_WIDTH = 72
AUTO_TYPES = ('AUTOG', 'AUTOR', 'AUTOV')


# ---------------------------------------------------------------------------
# Helper API
# ---------------------------------------------------------------------------

def syntax_error(call, parameter, reason=19):
    """``Fail(24, pprr)``: ``pp`` from the layout, ``rr`` the RC 24 reason."""
    layout = layouts.get(call.function)
    number = layout.parameter_number(parameter) if layout is not None else None
    return Fail(24, (number or 0) * 100 + reason)


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


def check_not_locked_by_other(call, userid, vdev=None, device_code=(404, 12)):
    """Fail(400, 12) when another SMAPI user holds the image lock of
    ``userid``; Fail(*device_code) when another holds the lock of ``vdev``."""
    owner = image_lock_owner(call.tx, userid)
    if owner is not None and owner != call.userid:
        raise Fail(400, 12)
    if vdev:
        owner = device_lock_owner(call.tx, userid, _norm_vdev(vdev))
        if owner is not None and owner != call.userid:
            raise Fail(*device_code)


def entry_extents(tx, entry):
    """``[(volume doc, start, size, vdev)]`` of the entry's MDISKs with an
    explicit start on a known volume."""
    out = []
    for md in entry.mdisks:
        if md.disk_type != 'perm' or not md.volser or md.start is None:
            continue
        vol = tx.volume(md.volser)
        if vol is None:
            continue
        size = vol['size'] - md.start if md.size == 'END' else md.size
        out.append((vol, md.start, size, md.vdev))
    return out


def sync_extents(call, userid, entry):
    """Register ``userid``'s extents from its MDISKs (see the module docstring)."""
    tx = call.tx
    tx.delete_extents(userid)
    for vol, start, size, vdev in entry_extents(tx, entry):
        if size <= 0 or start < 0 or start + size > vol['size']:
            raise Fail(408, 24)
        for ext in tx.extents(volid=vol['volid']):
            if start < ext['start'] + ext['size'] and ext['start'] < start + size:
                raise Fail(408, 24)
        tx.add_extent(vol['volid'], start, size, userid, vdev)


def allocate_extent(call, alloc_type, name, size, devtype):
    """Space for an AUTOG/AUTOR/AUTOV minidisk: 420/8 when the group, region
    or volume is not defined, 408/24 when nothing fits (first fit, see
    ``zvmsim.handlers.disks.allocate``)."""
    from zvmsim.handlers import disks   # pylint: disable=import-outside-toplevel
    alloc_type, name = alloc_type.upper(), name.upper()
    candidates = disks.candidate_regions(call.tx, alloc_type, name)
    if not candidates:
        raise Fail(420, 8)
    devtype = devtype.upper()
    if devtype not in ('3390', '9336', 'FB-512'):
        devtype = candidates[0][0]['devtype']
    extent = disks.allocate(call.tx, alloc_type, name, size, devtype)
    if extent is None:
        raise Fail(408, 24)
    extent = dict(extent)
    extent.setdefault('devtype', devtype)
    return extent


def _directory_config(call):
    return call.config.get('directory') or {}


def async_enabled(call):
    """True when DirMaint answers *_DM writes asynchronously (RC 592)."""
    return bool(_directory_config(call).get('async_writes'))


def async_should_fail(call):
    """True when this call's asynchronous operation is configured to fail."""
    if not async_enabled(call):
        return False
    for rule in _directory_config(call).get('async_failures') or []:
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
    seconds = float(_directory_config(call).get('async_seconds', 1.0))
    op_id = call.tx.new_async_op({
        'function': call.function, 'target': call.target, 'userid': call.userid, 'started': call.now,
        'complete_at': call.now + seconds, 'failed': bool(failed),
    })
    output['operation_id'] = op_id
    return Result(592, 0, output)


def ebcdic_sorted(names):
    """Names in DirMaint's (EBCDIC) order: $ @ # before letters, digits last."""
    return sorted(names, key=lambda n: n.encode('cp037', 'replace'))


# ---------------------------------------------------------------------------
# Small internals
# ---------------------------------------------------------------------------

def _norm_vdev(vdev):
    try:
        return validation.vdev(vdev)
    except ValueError:
        return str(vdev).upper()


def _tokens(st):
    """The statement's tokens as written (as stored)."""
    text = st.raw if st.raw is not None else ' '.join(st.tokens())
    return text.split()


def _tok(st, index, default=None):
    toks = _tokens(st)
    return toks[index] if index < len(toks) else default


def _new_statement(text):
    """A statement parsed from ``text`` that keeps ``text`` as written."""
    st, _warning = directory.parse_statement(text)
    st.mark_clean()
    return st


def _insert_index(entry, kind):
    if kind in directory.ORDER:
        return entry._insert_index(kind)   # pylint: disable=protected-access
    same = [i for i, s in enumerate(entry.statements) if s.kind == kind]
    if same:
        return same[-1] + 1
    devices = [i for i, s in enumerate(entry.statements)
               if s.kind in directory.DEVICE_KINDS and not isinstance(s, directory.Comment)]
    return devices[0] if devices else len(entry.statements)


def _put(entry, text, matches):
    """Replace the statements ``matches`` selects by ``text`` (in the place of
    the first of them), or add it where its kind belongs."""
    st = _new_statement(text)
    old = [s for s in entry.statements if not isinstance(s, directory.Comment) and matches(s)]
    if old:
        index = entry.statements.index(old[0])
        _remove(entry, old)
        entry.statements.insert(index, st)
    else:
        entry.statements.insert(_insert_index(entry, st.kind), st)
    return st


def _remove(entry, statements):
    ids = set(id(s) for s in statements)
    entry.statements = [s for s in entry.statements if id(s) not in ids]


def _is(cls, **attrs):
    def match(st):
        return isinstance(st, cls) and all(getattr(st, k) == v for k, v in attrs.items())
    return match


def _check_user_line(call, entry, param, target=None):
    """The entry must start with one USER (or IDENTITY) statement naming the target."""
    target = (target or call.target).upper()
    users = [s for s in entry.statements if isinstance(s, directory.User)]
    if len(users) > 1:
        raise Fail(400, 40)
    first = next((s for s in entry.statements if not isinstance(s, directory.Comment)), None)
    if not users or first is not users[0] or users[0].userid != target:
        raise syntax_error(call, param)
    return users[0]


def _check_includes(call, entry):
    """One INCLUDE at most (436/40), naming an existing profile (436/4)."""
    includes = [s for s in entry.statements if isinstance(s, directory.Include)]
    if len(includes) > 1:
        raise Fail(436, 40)
    for inc in includes:
        if call.tx.entry(inc.value, 'profile') is None:
            raise Fail(436, 4)


def _allocate_auto_mdisks(call, entry):
    """Turn ``MDISK vdev devtype AUTOG|AUTOR|AUTOV size name [mode...]`` into
    an MDISK at the allocated place, as DirMaint does when it adds an entry."""
    for index, st in enumerate(entry.statements):
        toks = _tokens(st)
        if st.keyword != 'MDISK' or len(toks) < 6 or toks[3].upper() not in AUTO_TYPES:
            continue
        if not toks[4].isdigit():
            raise syntax_error(call, 'image_record_array')
        extent = allocate_extent(call, toks[3], toks[5], int(toks[4]), toks[2])
        devtype = toks[2].upper()
        if devtype not in ('3390', '9336', 'FB-512'):
            devtype = extent['devtype']
        text = ' '.join(['MDISK', _norm_vdev(toks[1]), devtype, str(extent['start']), str(extent['size']),
                         extent['volid']] + toks[6:])
        entry.statements[index] = _new_statement(text)
        # held at once, so that a later AUTO* disk of the entry gets other space
        call.tx.add_extent(extent['volid'], extent['start'], extent['size'], call.target, _norm_vdev(toks[1]))


def _guest_os(entry):
    ipl = entry.ipl
    if ipl is not None and re.match(r'^[0-9A-F]{4}$', ipl.device or ''):
        return 'linux'
    return 'cms'


def _image_locked_by_caller(call, userid):
    """Image_Replace_DM's rule: the caller must hold the image lock."""
    owner = image_lock_owner(call.tx, userid)
    if owner is None:
        raise Fail(400, 24)
    if owner != call.userid:
        raise Fail(400, 12)


# ---------------------------------------------------------------------------
# Image_Create_DM, Image_Delete_DM, Image_Query_DM, Image_Replace_DM
# ---------------------------------------------------------------------------

@handles('Image_Create_DM')
def image_create_dm(call):
    """DirMaint ADD.  The records (or the prototype's, with its USER line
    renamed to the target) must start with one USER/IDENTITY statement
    naming the target: 24/pprr otherwise (400/40 for several USER
    statements).  400/8 the name exists; 400/20 unknown prototype; 436/4 an
    INCLUDEd profile does not exist, 436/40 more than one INCLUDE; 500/20 an
    initial password that is not a directory password; MDISKs with AUTOG/
    AUTOR/AUTOV are allocated (420/8, 408/24) and explicit extents on known
    volumes are registered (408/24 for an overlap).  Answers operation_id -1,
    or 592 with an operation id in asynchronous mode."""
    tx = call.tx
    target = call.target
    if tx.entry_kind(target) in ('user', 'profile'):
        raise Fail(400, 8)
    prototype = (call.param('prototype_name') or '').upper()
    if prototype:
        records = tx.entry(prototype, 'prototype')
        if records is None:
            raise Fail(400, 20)
    else:
        records = call.param('image_record_array') or []
        if not records:
            raise syntax_error(call, 'image_record_array', 24)
    entry = directory.parse(records)
    if prototype:
        users = [s for s in entry.statements if isinstance(s, directory.User)]
        if len(users) != 1:
            raise Fail(400, 40) if users else Fail(400, 20)
        users[0].userid = target
    _check_user_line(call, entry, 'image_record_array')
    password = call.param('initial_password') or ''
    if password:
        try:
            entry.set_password(password)
        except ValueError as exc:
            raise Fail(500, 20) from exc
    if call.param('initial_account_number'):
        entry.set_account(call.param('initial_account_number'))
    _check_includes(call, entry)
    if async_should_fail(call):
        return start_async(call, failed=True)
    _allocate_auto_mdisks(call, entry)
    save_entry(call, target, entry, check_lock=False)
    sync_extents(call, target, entry)
    tx.put_obj('guest', target, {'os': _guest_os(entry)})
    return start_async(call)


@handles('Image_Delete_DM')
def image_delete_dm(call):
    """DirMaint PURGE: 400/4 not defined, 400/12 locked by another user.
    Frees the entry's extents and locks; vswitch grants stay (CP keeps
    them); a logged-on guest keeps running.  operation_id -1, or 592 in
    asynchronous mode."""
    tx = call.tx
    target = call.target
    load_entry(call, target)
    check_not_locked_by_other(call, target)
    if async_should_fail(call):
        return start_async(call, failed=True)
    for mdisk in tx.extents(owner=target):
        tx.delete_obj('mdisk_format', '%s %s' % (target, mdisk['vdev']))
    tx.delete_entry(target)
    tx.delete_extents(target)
    tx.delete_lock(target)
    if tx.cp(target) is None:
        tx.delete_obj('guest', target)
    return start_async(call)


@handles('Image_Query_DM')
def image_query_dm(call):
    """The entry's records, 72 columns, upper case (400/4 not defined)."""
    records, _entry = load_entry(call, call.target)
    return {'image_record_array': records}


@handles('Image_Replace_DM')
def image_replace_dm(call):
    """DirMaint REPLACE: 400/4 not defined; the caller must hold the image
    lock (400/24 not locked, 400/12 locked by another user); the USER line
    must name the target (24/pprr, 400/40); 436/4 and 436/40 for INCLUDEs;
    the extents of changed MDISKs are re-registered (408/24 overlap).  The
    lock is kept."""
    target = call.target
    load_entry(call, target)
    _image_locked_by_caller(call, target)
    entry = directory.parse(call.param('image_record_array') or [])
    _check_user_line(call, entry, 'image_record_array')
    _check_includes(call, entry)
    _allocate_auto_mdisks(call, entry)
    save_entry(call, target, entry)
    sync_extents(call, target, entry)
    return {}


# ---------------------------------------------------------------------------
# Locks
# ---------------------------------------------------------------------------

def _device_defined(entry, vdev):
    for st in entry.statements:
        if getattr(st, 'vdev', None) == vdev or getattr(st, 'vdev2', None) == vdev:
            return True
    return False


def lock(call, name, entry, device):
    """Image_Lock_DM / Profile_Lock_DM semantics (see the module docstring)."""
    tx = call.tx
    owner = image_lock_owner(tx, name)
    if owner is not None and owner != call.userid:
        raise Fail(400, 12)
    if not device:
        others = [lk for lk in tx.locks(name) if lk['device'] != IMAGE_LOCK and lk['owner'] != call.userid]
        if others:
            raise Fail(404, 12)
        tx.add_lock(name, IMAGE_LOCK, call.userid)
        return {}
    vdev = _norm_vdev(device)
    if entry is not None and not _device_defined(entry, vdev):
        raise Fail(404, 8)
    owner = device_lock_owner(tx, name, vdev)
    if owner is not None and owner != call.userid:
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
    vdev = _norm_vdev(device)
    if device_lock_owner(tx, name, vdev) is None:
        raise Fail(404, 24)
    tx.delete_lock(name, vdev)
    return {}


def lock_state(tx, name):
    """``(image lock owner or None, [{'dev_address', 'dev_locked_by'}])``."""
    devices = [{'dev_address': lk['device'], 'dev_locked_by': lk['owner']}
               for lk in tx.locks(name) if lk['device'] != IMAGE_LOCK]
    return image_lock_owner(tx, name), devices


@handles('Image_Lock_DM')
def image_lock_dm(call):
    """Lock the entry (device_address '') or one of its devices: 400/4 not
    defined, 400/12 image locked by another user, 404/8 no such device,
    404/12 device locked by another user (or, for an image lock, a device
    of it).  Relocking one's own lock is 0/0."""
    _records, entry = load_entry(call, call.target)
    return lock(call, call.target, entry, call.param('device_address') or '')


@handles('Image_Unlock_DM')
def image_unlock_dm(call):
    """Release the image lock (400/24 not locked) or a device lock (404/24);
    400/4 not defined."""
    load_entry(call, call.target)
    return unlock(call, call.target, call.param('device_address') or '')


@handles('Image_Lock_Query_DM')
def image_lock_query_dm(call):
    """0/12 and 'IMAGE <owner>' (or 'DEVICE') with the locked devices, 0/24
    when nothing is locked; 400/4 not defined."""
    load_entry(call, call.target)
    owner, devices = lock_state(call.tx, call.target)
    if owner is None and not devices:
        return Result(0, 24, {'lock_info': '', 'locked_dev_array': []})
    info = {'locked_type': 'IMAGE', 'image_locked_by': owner} if owner is not None else 'DEVICE'
    return Result(0, 12, {'lock_info': info, 'locked_dev_array': devices})


# ---------------------------------------------------------------------------
# Names, password, IPL
# ---------------------------------------------------------------------------

@handles('Image_Name_Query_DM')
def image_name_query_dm(call):
    """Every USER/IDENTITY entry name (not profiles), in DirMaint's EBCDIC
    order; 0/28 and an empty array when there is none.  The target is not
    used."""
    names = ebcdic_sorted(call.tx.names('user'))
    if not names:
        return Result(0, 28, {'image_name_array': []})
    return {'image_name_array': names}


@handles('Image_Password_Set_DM')
def image_password_set_dm(call):
    """Set the USER password: 400/4, 400/12, 500/20 for a value that is not
    a directory password (1-8 non-blank characters or a keyword)."""
    _records, entry = load_entry(call, call.target)
    try:
        entry.set_password(call.param('image_password'))
    except ValueError as exc:
        raise Fail(500, 20) from exc
    save_entry(call, call.target, entry)
    return {}


@handles('Image_IPL_Set_DM')
def image_ipl_set_dm(call):
    """IPL saved_system [LOADPARM load_parameter] [PARM parameter_string],
    replacing any IPL statement: 400/4, 400/12; 24/pp13 when the statement
    would pass 72 columns."""
    _records, entry = load_entry(call, call.target)
    text = 'IPL %s' % call.param('saved_system')
    if call.param('load_parameter'):
        text += ' LOADPARM %s' % call.param('load_parameter')
    if call.param('parameter_string'):
        text += ' PARM %s' % call.param('parameter_string')
    if len(text) > RECORD_WIDTH:
        raise syntax_error(call, 'parameter_string', 13)
    _put(entry, text, lambda s: s.kind == 'IPL')
    save_entry(call, call.target, entry)
    return {}


@handles('Image_IPL_Query_DM')
def image_ipl_query_dm(call):
    """The IPL statement as written: device or system name, load parameter,
    parameter string; 0/28 (no output) when there is none; 400/4."""
    _records, entry = load_entry(call, call.target)
    ipl = entry.ipl
    if ipl is None:
        return Result(0, 28, {})
    return {'saved_system': _tok(ipl, 1, ipl.device), 'load_parameter': ipl.loadparm or '',
            'parameter_string': ipl.parm or ''}


@handles('Image_IPL_Delete_DM')
def image_ipl_delete_dm(call):
    """Remove the IPL statement: 400/4, 400/12, 460/4 when there is none."""
    _records, entry = load_entry(call, call.target)
    if entry.ipl is None and not [s for s in entry.statements if s.kind == 'IPL']:
        raise Fail(460, 4)
    entry.set_ipl(None)
    save_entry(call, call.target, entry)
    return {}


# ---------------------------------------------------------------------------
# Virtual CPUs
# ---------------------------------------------------------------------------

def _cpu_address(value, error=(520, 28)):
    try:
        return directory.Cpu.norm_address(value)
    except ValueError as exc:
        raise Fail(*error) from exc


def _cpu_text(address, **options):
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


def _define_cpu(entry, text, address, base):
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
    _put(entry, text, _is(directory.Cpu, address=address))


@handles('Image_CPU_Define_DM')
def image_cpu_define_dm(call):
    """Add (or redefine) ``CPU nn [BASE] [CPUID id] [NODEDICATE|DEDICATE]``:
    400/4, 400/12, 520/28 address above 3F, 520/24 second base CPU, 520/32
    more than the MACHINE maximum.  CRYPTO is accepted and kept."""
    _records, entry = load_entry(call, call.target)
    address = _cpu_address(call.param('cpu_address'))
    dedicate = {1: 'NODEDICATE', 2: 'DEDICATE'}.get(call.param('dedicate_cpu', 0))
    base = call.param('base_cpu', 0) == 1
    text = _cpu_text(address, base=base, cpuid=call.param('cpuid') or None, dedicate=dedicate,
                     crypto=call.param('crypto', 0) == 1)
    _define_cpu(entry, text, address, base)
    save_entry(call, call.target, entry)
    return {}


@handles('Image_CPU_Delete_DM')
def image_cpu_delete_dm(call):
    """Remove CPU nn: 400/4, 400/12, 520/28 out of range, 520/30 not found."""
    _records, entry = load_entry(call, call.target)
    address = _cpu_address(call.param('cpu_address'))
    found = [c for c in entry.cpus if c.address == address]
    if not found:
        raise Fail(520, 30)
    _remove(entry, found)
    save_entry(call, call.target, entry)
    return {}


@handles('Image_CPU_Query_DM')
def image_cpu_query_dm(call):
    """One CPU statement: base_cpu 1 for BASE, dedicate_cpu 1 NODEDICATE /
    2 DEDICATE / 0 unspecified, crypto 1 for CRYPTO; 400/4, 520/28, 520/30."""
    _records, entry = load_entry(call, call.target)
    address = _cpu_address(call.param('cpu_address'))
    cpu = next((c for c in entry.cpus if c.address == address), None)
    if cpu is None:
        raise Fail(520, 30)
    return {'cpu_address': cpu.address, 'base_cpu': 1 if cpu.base else 0, 'cpuid': cpu.cpuid or '',
            'dedicate_cpu': {'NODEDICATE': 1, 'DEDICATE': 2}.get(cpu.dedicate, 0),
            'crypto': 1 if cpu.crypto == 'CRYPTO' else 0}


@handles('Image_CPU_Set_Maximum_DM')
def image_cpu_set_maximum_dm(call):
    """MACHINE mode max_cpu (a new MACHINE statement is ESA): 400/4, 400/12."""
    _records, entry = load_entry(call, call.target)
    entry.set_machine(max_cpus=call.param('max_cpu'))
    save_entry(call, call.target, entry)
    return {}


# ---------------------------------------------------------------------------
# Image_Definition_*_DM: the keyword interface
# ---------------------------------------------------------------------------

DEFINITION_KEYWORDS = (
    'COMMAND_DEFINE_CPU', 'COMMAND_SET_CPUAFFINITY', 'COMMAND_SET_SHARE', 'COMMAND_SET_VCONFIG', 'CONSOLE', 'CPU',
    'CPU_MAXIMUM', 'DEDICATE', 'INCLUDE', 'IPL', 'LINK', 'MDISK', 'NICDEF', 'OPTION', 'PASSWORD',
    'PRIVILEGE_CLASSES', 'SHARE', 'SPOOL', 'STORAGE_INITIAL', 'STORAGE_MAXIMUM', 'VMRELOCATE')
UNKNOWN_KEYWORD = 'UNKNOWN_DIRECTORY_KEYWORD_PARAMETER='
INVALID_INPUT = (8, 3032)
_USER_OPERANDS = ('PASSWORD', 'PRIVILEGE_CLASSES', 'STORAGE_INITIAL', 'STORAGE_MAXIMUM')
_COMMANDS = {'COMMAND_DEFINE_CPU': 'DEFINE CPU', 'COMMAND_SET_CPUAFFINITY': 'SET CPUAFFINITY',
             'COMMAND_SET_SHARE': 'SET SHARE', 'COMMAND_SET_VCONFIG': 'SET VCONFIG'}


def _unknown(word):
    return Fail(8, 3002, {'error_data': [UNKNOWN_KEYWORD + word]})


def _subkeys(value):
    """``VDEV=0009 DEVTYPE=3215 CLASS=T`` as a dict; a word without ``=``
    continues the value before it (``LAN=SYSTEM VSW1``, ``PARM=A B``)."""
    out, last = {}, None
    for word in value.split():
        key, sep, val = word.partition('=')
        if sep:
            last = key.upper()
            out[last] = val
        elif last is not None:
            out[last] += ' ' + word
        else:
            raise Fail(*INVALID_INPUT)
    return out


def _need(keys, name):
    value = keys.get(name)
    if not value:
        raise Fail(*INVALID_INPUT)
    return value


def _vdev_key(keys, name='VDEV'):
    try:
        return validation.vdev(_need(keys, name))
    except ValueError as exc:
        raise Fail(*INVALID_INPUT) from exc


def _yes(keys, name):
    return str(keys.get(name, '')).upper() in ('YES', 'ON', '1')


def _commands(entry, prefix):
    return [s for s in entry.statements if isinstance(s, directory.Command)
            and ' '.join(s.text.upper().split()).startswith(prefix)]


def _q_commands(entry, keyword):
    out = []
    for st in _commands(entry, _COMMANDS[keyword]):
        rest = st.text.split()[2:]
        if keyword == 'COMMAND_DEFINE_CPU' and rest:
            text = 'CPUADDR=%s' % rest[0]
            if len(rest) > 2 and rest[1].upper() == 'TYPE':
                text += ' TYPE=%s' % rest[2]
        elif keyword == 'COMMAND_SET_VCONFIG' and len(rest) > 1 and rest[0].upper() == 'MODE':
            text = 'MODE=%s' % ' '.join(rest[1:])
        else:
            text = ' '.join(rest)
        out.append('%s=%s' % (keyword, text))
    return out


def _q_unit_records(entry, keyword):
    cls = directory.Console if keyword == 'CONSOLE' else directory.Spool
    out = []
    for st in entry.statements:
        if isinstance(st, cls):
            text = '%s=VDEV=%s DEVTYPE=%s' % (keyword, _tok(st, 1), st.devtype.replace(' ', '_'))
            out.append(text + (' CLASS=%s' % st.spool_class if st.spool_class else ''))
    return out


def _q_cpu(entry, _keyword):
    out = []
    for cpu in entry.cpus:
        text = 'CPU=CPUADDR=%s BASE=%s' % (cpu.address, 'YES' if cpu.base else 'NO')
        if cpu.cpuid:
            text += ' CPUID=%s' % cpu.cpuid
        text += ' DEDICATE=%s' % ('YES' if cpu.dedicate == 'DEDICATE' else 'NO')
        if cpu.crypto == 'CRYPTO':
            text += ' CRYPTO=YES'
        if cpu.type:
            text += ' TYPE=%s' % cpu.type
        out.append(text)
    return out


def _q_cpu_maximum(entry, _keyword):
    machine = entry.machine
    if machine is None:
        return []
    count = 'COUNT=%d ' % machine.max_cpus if machine.max_cpus else ''
    return ['CPU_MAXIMUM=%sTYPE=%s' % (count, machine.mode)]


def _q_ipl(entry, _keyword):
    ipl = entry.ipl
    if ipl is None:
        return []
    text = 'IPL=VDEV=%s' % _tok(ipl, 1, ipl.device)
    if ipl.loadparm:
        text += ' LOADPARM=%s' % ipl.loadparm
    if ipl.parm:
        text += ' PARM=%s' % ipl.parm
    return [text]


def _q_link(entry, _keyword):
    out = []
    for link in entry.links:
        text = 'LINK=USERID=%s VDEV1=%s VDEV2=%s' % (link.user, _tok(link, 2), _tok(link, 3))
        out.append(text + (' MODE=%s' % link.mode if link.mode else ''))
    return out


def _q_password(entry, _keyword):
    # the capture of a real system shows the password alone, without "PASSWORD="
    user = entry.user
    return [user.password] if user is not None and user.password else []


def _q_share(entry, _keyword):
    share = next((s for s in entry.statements if isinstance(s, directory.Share)), None)
    if share is None:
        return []
    return [('SHARE=TYPE=%s VALUE=%s' % (share.share_type, share.value or '')).rstrip()]


def _q_value(entry, keyword):
    value = {'INCLUDE': entry.include, 'PRIVILEGE_CLASSES': entry.privileges, 'STORAGE_INITIAL': entry.storage,
             'STORAGE_MAXIMUM': entry.max_storage,
             'OPTION': ' '.join(entry.options) if entry.options else None}[keyword]
    return ['%s=%s' % (keyword, value)] if value else []


def _q_vmrelocate(entry, _keyword):
    return ['VMRELOCATE=%s' % ' '.join(_tokens(st)[1:]) for st in entry.statements if st.keyword == 'VMRELOCATE']


def _mdisk_item(md):
    text = 'MDISK=VDEV=%s DEVTYPE=%s' % (md.vdev, md.devtype)
    if md.disk_type == 'perm':
        text += ' DISKTYPE=PERM START=%s COUNT=%s VOLID=%s' % (md.start, md.size, md.volser)
    elif md.disk_type == 'devno':
        text += ' DISKTYPE=DEVNO DEVNO=%s' % md.rdev
    else:
        text += ' DISKTYPE=%s COUNT=%s' % ({'tdisk': 'T-DISK', 'vdisk': 'V-DISK'}[md.disk_type], md.size)
    if md.mode:
        text += ' MODE=%s' % md.mode
    for key, value in (('READPASSWORD', md.read_password), ('WRITEPASSWORD', md.write_password),
                       ('MULTIPASSWORD', md.multi_password)):
        if value:
            text += ' %s=%s' % (key, value)
    return text


def _nicdef_item(nic):
    text = 'NICDEF=VDEV=%s' % nic.vdev
    if nic.type:
        text += ' TYPE=%s' % nic.type
    if nic.devices is not None:
        text += ' DEVICES=%s' % nic.devices
    if nic.lan_owner and nic.lan_name:
        text += ' LAN=%s %s' % (nic.lan_owner, nic.lan_name)
    for key, value in (('CHPID', nic.chpid), ('MACID', nic.macid), ('PORTTYPE', nic.port_type)):
        if value:
            text += ' %s=%s' % (key, value)
    if nic.vlan:
        text += ' VLAN=%s' % ' '.join(nic.vlan)
    return text


_QUERY = {
    'COMMAND_DEFINE_CPU': _q_commands, 'COMMAND_SET_CPUAFFINITY': _q_commands, 'COMMAND_SET_SHARE': _q_commands,
    'COMMAND_SET_VCONFIG': _q_commands, 'CONSOLE': _q_unit_records, 'SPOOL': _q_unit_records, 'CPU': _q_cpu,
    'CPU_MAXIMUM': _q_cpu_maximum, 'IPL': _q_ipl, 'LINK': _q_link, 'PASSWORD': _q_password, 'SHARE': _q_share,
    'INCLUDE': _q_value, 'OPTION': _q_value, 'PRIVILEGE_CLASSES': _q_value, 'STORAGE_INITIAL': _q_value,
    'STORAGE_MAXIMUM': _q_value, 'VMRELOCATE': _q_vmrelocate,
    'DEDICATE': lambda entry, _k: [('DEDICATE=VDEV=%s RDEV=%s %s' % (d.vdev, d.rdev, d.extra)).rstrip()
                                   for d in entry.dedicates],
    'MDISK': lambda entry, _k: [_mdisk_item(md) for md in entry.mdisks],
    'NICDEF': lambda entry, _k: [_nicdef_item(nic) for nic in entry.nics],
}


def _query_items(entry, keyword):
    """The keyword=value items of one keyword ([] when the entry has none)."""
    return _QUERY[keyword](entry, keyword)


def _definition_entry(call, kinds=('user', 'profile')):
    """(kind, entry) of the target: a user or else a profile (400/4)."""
    for kind in kinds:
        records = call.tx.entry(call.target, kind)
        if records is not None:
            return kind, directory.parse(records)
    raise Fail(400, 4)


@handles('Image_Definition_Query_DM')
def image_definition_query_dm(call):
    """The entry as keyword=value items.  Each parameter item may hold
    several blank-separated keywords; ``*`` means all of them.  Items of the
    keywords the entry has come first, then ``KEYWORD=`` for the others, as
    the capture of a real system shows (PASSWORD is the bare password there).
    8/3002 with ``UNKNOWN_DIRECTORY_KEYWORD_PARAMETER=<word>`` for a word
    that is not a keyword; 400/4 not defined."""
    words = []
    for item in call.param('definition_query_directory_keyword_parameter_list') or []:
        words.extend(item.split())
    keywords = []
    for word in words:
        if word == '*':
            keywords.extend(k for k in DEFINITION_KEYWORDS if k not in keywords)
        elif word.upper() in DEFINITION_KEYWORDS:
            if word.upper() not in keywords:
                keywords.append(word.upper())
        else:
            raise _unknown(word)
    if not keywords:
        raise Fail(*INVALID_INPUT)
    _kind, entry = _definition_entry(call)
    present, absent = [], []
    for keyword in keywords:
        items = _query_items(entry, keyword)
        if items:
            present.extend(items)
        else:
            absent.append(keyword + '=')
    return {'directory_information_data': present + absent}


def _parse_definition_items(call, param):
    """``[(KEYWORD, value)]``; 8/3002 for an unknown keyword (and for ``*``)."""
    out = []
    for item in call.param(param) or []:
        word, _sep, value = item.partition('=')
        keyword = word.strip().upper()
        if keyword not in DEFINITION_KEYWORDS:
            raise _unknown(word.strip())
        out.append((keyword, value.strip()))
    if not out:
        raise Fail(*INVALID_INPUT)
    return out


def _apply_user_operand(entry, keyword, value):
    try:
        if keyword == 'PASSWORD':
            entry.set_password(value)
        elif keyword == 'PRIVILEGE_CLASSES':
            entry.set_privileges(value)
        elif keyword == 'STORAGE_INITIAL':
            entry.set_storage(value)
        else:
            entry.set_max_storage(value)
    except ValueError as exc:
        raise Fail(*INVALID_INPUT) from exc


KNOWN_DEVTYPES = ('3390', '9336', 'FB-512')


def _mdisk_place(call, vdev, keys, count):
    """``(devtype, 'start size volid' or 'T-DISK size'...)`` of a new minidisk."""
    devtype = keys.get('DEVTYPE', 'XXXX').upper()
    disktype = keys.get('DISKTYPE', 'PERM').upper()
    if disktype in AUTO_TYPES:
        extent = allocate_extent(call, disktype, _need(keys, 'NAME'), count, devtype)
        call.tx.add_extent(extent['volid'], extent['start'], extent['size'], call.target, vdev)
        devtype = devtype if devtype in KNOWN_DEVTYPES else extent['devtype']
        return devtype, '%d %d %s' % (extent['start'], extent['size'], extent['volid'])
    if disktype == 'PERM':
        start = _need(keys, 'START')
        if not start.isdigit():
            raise Fail(*INVALID_INPUT)
        volid = (keys.get('VOLID') or _need(keys, 'NAME')).upper()
        if devtype not in KNOWN_DEVTYPES:
            vol = call.tx.volume(volid)
            if vol is None:
                raise Fail(420, 8)
            devtype = vol['devtype']
        return devtype, '%d %d %s' % (int(start), count, volid)
    if disktype == 'V-DISK':
        return 'FB-512', 'V-DISK %d' % count
    if disktype == 'T-DISK' and devtype in KNOWN_DEVTYPES:
        return devtype, 'T-DISK %d' % count
    raise Fail(*INVALID_INPUT)


def _apply_mdisk(call, entry, keys, update):
    """MDISK=[OPERATION=ADD] VDEV= DEVTYPE= DISKTYPE= COUNT= NAME=|VOLID= START=
    MODE= READPASSWORD= WRITEPASSWORD= MULTIPASSWORD="""
    if update and keys.get('OPERATION', 'ADD').upper() != 'ADD':
        raise Fail(*INVALID_INPUT)
    vdev = _vdev_key(keys)
    if entry.find_mdisk(vdev) is not None:
        raise Fail(408, 4)
    check_not_locked_by_other(call, call.target, vdev, (408, 12))
    count = _need(keys, 'COUNT')
    if not count.isdigit() or int(count) <= 0:
        raise Fail(*INVALID_INPUT)
    devtype, where = _mdisk_place(call, vdev, keys, int(count))
    passwords = [keys.get(k) for k in ('READPASSWORD', 'WRITEPASSWORD', 'MULTIPASSWORD')]
    while passwords and not passwords[-1]:
        passwords.pop()
    text = ' '.join(['MDISK', vdev, devtype, where, keys.get('MODE', 'W').upper()] + [p or '*' for p in passwords])
    st = _new_statement(text)
    if len(text) > RECORD_WIDTH or not isinstance(st, directory.Mdisk):
        raise Fail(*INVALID_INPUT)
    entry.statements.insert(_insert_index(entry, 'MDISK'), st)


def _apply_nicdef(entry, keys, update):
    vdev = _vdev_key(keys)
    fields = {}
    if keys.get('DEVICES'):
        if not keys['DEVICES'].isdigit():
            raise Fail(*INVALID_INPUT)
        fields['devices'] = int(keys['DEVICES'])
    lan = keys.get('LAN', '').split()
    if len(lan) == 2:
        fields['lan_owner'], fields['lan_name'] = lan
    elif lan:
        raise Fail(*INVALID_INPUT)
    for key, field in (('CHPID', 'chpid'), ('MACID', 'macid'), ('VLAN', 'vlan'), ('PORTTYPE', 'port_type')):
        if keys.get(key):
            fields[field] = keys[key]
    try:
        if entry.find_nic(vdev) is not None:
            if not update:
                raise Fail(404, 4)
            if keys.get('TYPE'):
                fields['type'] = keys['TYPE']
            entry.update_nic(vdev, **fields)
        else:
            entry.add_nic(vdev, keys.get('TYPE', 'QDIO'), **fields)
    except ValueError as exc:
        raise Fail(*INVALID_INPUT) from exc


def _a_include(call, entry, value, _keys, _update):
    if call.tx.entry(value, 'profile') is None:
        raise Fail(436, 4)
    entry.set_include(value.upper())


def _a_ipl(_call, entry, _value, keys, _update):
    text = 'IPL %s' % _need(keys, 'VDEV')
    if keys.get('LOADPARM'):
        text += ' LOADPARM %s' % keys['LOADPARM']
    if keys.get('PARM'):
        text += ' PARM %s' % keys['PARM']
    _put(entry, text, lambda s: s.kind == 'IPL')


def _a_cpu(_call, entry, _value, keys, _update):
    address = _cpu_address(_need(keys, 'CPUADDR'))
    dedicate = {'YES': 'DEDICATE', 'NO': 'NODEDICATE'}.get(keys.get('DEDICATE', '').upper())
    base = _yes(keys, 'BASE')
    text = _cpu_text(address, base=base, cpuid=keys.get('CPUID'), dedicate=dedicate, crypto=_yes(keys, 'CRYPTO'),
                     cpu_type=keys.get('TYPE'))
    _define_cpu(entry, text, address, base)


def _a_cpu_maximum(_call, entry, _value, keys, _update):
    count = keys.get('COUNT')
    if count is not None and not count.isdigit():
        raise Fail(*INVALID_INPUT)
    try:
        entry.set_machine(keys.get('TYPE'), int(count) if count else None)
    except ValueError as exc:
        raise Fail(*INVALID_INPUT) from exc


def _a_unit_record(keyword):
    def apply(_call, entry, _value, keys, _update):
        devtype = _need(keys, 'DEVTYPE').replace('_', ' ')
        text = ' '.join([keyword, _need(keys, 'VDEV'), devtype] + ([keys['CLASS']] if keys.get('CLASS') else []))
        if keyword == 'CONSOLE':
            _put(entry, text, lambda s: isinstance(s, directory.Console))
        else:
            _put(entry, text, _is(directory.Spool, vdev=_vdev_key(keys)))
    return apply


def _a_link(_call, entry, _value, keys, _update):
    vdev2 = _vdev_key(keys, 'VDEV2')
    text = ' '.join(['LINK', _need(keys, 'USERID'), _need(keys, 'VDEV1'), keys['VDEV2']] +
                    ([keys['MODE']] if keys.get('MODE') else []))
    _put(entry, text, _is(directory.Link, vdev2=vdev2))


def _a_dedicate(_call, entry, _value, keys, _update):
    vdev = _vdev_key(keys)
    if entry.find_dedicate(vdev) is not None:
        raise Fail(404, 4)
    _put(entry, 'DEDICATE %s %s' % (vdev, _need(keys, 'RDEV')), lambda s: False)


def _a_statement(keyword, build, cls=None):
    """A single statement built from the value or the keys, replacing its kind."""
    def apply(_call, entry, value, keys, _update):
        _put(entry, build(value, keys), (lambda s: isinstance(s, cls)) if cls else (lambda s: s.keyword == keyword))
    return apply


_APPLY = {
    'INCLUDE': _a_include, 'IPL': _a_ipl, 'CPU': _a_cpu, 'CPU_MAXIMUM': _a_cpu_maximum,
    'CONSOLE': _a_unit_record('CONSOLE'), 'SPOOL': _a_unit_record('SPOOL'), 'LINK': _a_link,
    'DEDICATE': _a_dedicate,
    'MDISK': lambda call, entry, _value, keys, update: _apply_mdisk(call, entry, keys, update),
    'NICDEF': lambda _call, entry, _value, keys, update: _apply_nicdef(entry, keys, update),
    'OPTION': _a_statement('OPTION', lambda value, keys: 'OPTION %s' % value, directory.Option),
    'SHARE': _a_statement('SHARE', lambda value, keys: 'SHARE %s %s' % (_need(keys, 'TYPE'), _need(keys, 'VALUE')),
                          directory.Share),
    'VMRELOCATE': _a_statement('VMRELOCATE', lambda value, keys: 'VMRELOCATE %s' % value),
}
_RAW_VALUE = ('INCLUDE', 'OPTION', 'VMRELOCATE', 'COMMAND_SET_SHARE', 'COMMAND_SET_CPUAFFINITY')


def _apply_definition(call, entry, keyword, value, update):
    """One keyword=value item of Image_Definition_Create_DM/Update_DM."""
    if keyword in _USER_OPERANDS:
        _apply_user_operand(entry, keyword, value)
        return
    keys = {} if keyword in _RAW_VALUE else _subkeys(value)
    if keyword in _APPLY:
        _APPLY[keyword](call, entry, value, keys, update)
    else:
        _apply_command(entry, keyword, value, keys)


def _apply_command(entry, keyword, value, keys):
    """COMMAND DEFINE CPU nn [TYPE t], COMMAND SET VCONFIG MODE m, COMMAND SET
    SHARE ..., COMMAND SET CPUAFFINITY ...: replaces the same command."""
    prefix = _COMMANDS[keyword]
    if keyword == 'COMMAND_DEFINE_CPU':
        address = _cpu_address(_need(keys, 'CPUADDR'))
        text = 'COMMAND DEFINE CPU %s' % address + (' TYPE %s' % keys['TYPE'] if keys.get('TYPE') else '')

        def same(st):
            return st in _commands(entry, '%s %s' % (prefix, address))
    else:
        operand = 'MODE %s' % _need(keys, 'MODE') if keyword == 'COMMAND_SET_VCONFIG' else value
        if not operand:
            raise Fail(*INVALID_INPUT)
        text = 'COMMAND %s %s' % (prefix, operand)

        def same(st):
            return st in _commands(entry, prefix)
    if len(text) > RECORD_WIDTH:
        raise Fail(*INVALID_INPUT)
    _put(entry, text, same)


def _finish_definition(call, kind, entry):
    _check_includes(call, entry)
    save_entry(call, call.target, entry, kind)
    sync_extents(call, call.target, entry)


@handles('Image_Definition_Create_DM')
def image_definition_create_dm(call):
    """A new user entry from keyword=value items: ``USER target PASSWORD
    STORAGE_INITIAL STORAGE_MAXIMUM PRIVILEGE_CLASSES`` (missing ones default
    to directory.default_password, 32M, the initial storage and G), then the
    other items in order.  400/8 the name exists; 8/3002 unknown keyword
    (error_data ``UNKNOWN_DIRECTORY_KEYWORD_PARAMETER=<keyword>``); 8/3032
    invalid input; 436/4; 404/4, 408/4 device defined twice; 420/8, 408/24
    for MDISKs; 520/24, 520/28, 520/32 for CPUs."""
    items = _parse_definition_items(call, 'definition_create_directory_keyword_parameter_list')
    if call.tx.entry_kind(call.target) in ('user', 'profile'):
        raise Fail(400, 8)
    values = dict((k, v) for k, v in items if k in _USER_OPERANDS)
    password = values.get('PASSWORD') or str(_directory_config(call).get('default_password') or 'LBYONLY')
    storage = values.get('STORAGE_INITIAL') or '32M'
    try:
        entry = directory.DirectoryEntry.new(call.target, password, storage,
                                             values.get('STORAGE_MAXIMUM') or storage,
                                             values.get('PRIVILEGE_CLASSES') or 'G')
    except ValueError as exc:
        raise Fail(*INVALID_INPUT) from exc
    for keyword, value in items:
        if keyword not in _USER_OPERANDS:
            _apply_definition(call, entry, keyword, value, update=False)
    _finish_definition(call, 'user', entry)
    call.tx.put_obj('guest', call.target, {'os': _guest_os(entry)})
    return {}


@handles('Image_Definition_Update_DM')
def image_definition_update_dm(call):
    """Change a user (or profile) entry with keyword=value items: a single
    statement (IPL, INCLUDE, CPU_MAXIMUM, OPTION, SHARE, USER operands...) is
    replaced; a device or CPU replaces the one with its address or is added;
    ``MDISK=OPERATION=ADD ...`` adds a minidisk (408/4 exists).  400/4,
    400/12 locked by another user, 408/12 disk locked, 8/3002, 8/3032,
    436/4, 420/8, 408/24, 520/24, 520/28, 520/32."""
    items = _parse_definition_items(call, 'definition_update_directory_keyword_parameter_list')
    kind, entry = _definition_entry(call)
    check_not_locked_by_other(call, call.target)
    for keyword, value in items:
        _apply_definition(call, entry, keyword, value, update=True)
    _finish_definition(call, kind, entry)
    return {}


def _delete_definition(call, entry, keyword, value):
    """Remove what one keyword=value item names (see the handler's docstring)."""
    if keyword in _USER_OPERANDS:
        raise Fail(*INVALID_INPUT)
    keys = _subkeys(value) if '=' in value else {}
    if keyword == 'CPU':
        address = _cpu_address(_need(keys, 'CPUADDR'))
        found = [c for c in entry.cpus if c.address == address]
        code = (520, 30)
    elif keyword == 'IPL':
        found = [s for s in entry.statements if s.kind == 'IPL']
        code = (460, 4)
    elif keyword == 'MDISK':
        vdev = _vdev_key(keys)
        found = [m for m in entry.mdisks if m.vdev == vdev]
        if found:
            check_not_locked_by_other(call, call.target, vdev, (408, 12))
        code = (408, 8)
    elif keyword == 'NICDEF':
        vdev = _vdev_key(keys)
        if not entry.remove_nic(vdev):
            raise Fail(404, 8)
        return
    elif keyword in ('CONSOLE', 'SPOOL', 'DEDICATE', 'LINK'):
        vdev = _vdev_key(keys, 'VDEV2' if keyword == 'LINK' else 'VDEV')
        attr = 'vdev2' if keyword == 'LINK' else 'vdev'
        found = [s for s in entry.statements if s.keyword == keyword and getattr(s, attr, None) == vdev]
        code = (404, 8)
    elif keyword in _COMMANDS:
        prefix = _COMMANDS[keyword]
        if keyword == 'COMMAND_DEFINE_CPU' and keys.get('CPUADDR'):
            prefix += ' ' + _cpu_address(keys['CPUADDR'])
        found = _commands(entry, prefix)
        code = (8, 4)
    else:
        kinds = {'INCLUDE': 'INCLUDE', 'CPU_MAXIMUM': 'MACHINE', 'OPTION': 'OPTION', 'SHARE': 'SHARE',
                 'VMRELOCATE': 'VMRELOCATE'}
        found = [s for s in entry.statements if s.kind == kinds[keyword]]
        code = (8, 4)
    if not found:
        raise Fail(*code)
    _remove(entry, found)


@handles('Image_Definition_Delete_DM')
def image_definition_delete_dm(call):
    """Remove statements named by keyword=value items: CPU=CPUADDR= (520/30),
    IPL (460/4), MDISK=VDEV= (408/8; its extent is freed; 408/12 locked),
    CONSOLE/SPOOL/DEDICATE/NICDEF=VDEV= and LINK=VDEV2= (404/8), INCLUDE,
    CPU_MAXIMUM, OPTION, SHARE, VMRELOCATE and COMMAND_* (8/4 when absent).
    The USER operands cannot be deleted (8/3032).  ``*`` is not a keyword
    here (8/3002, as the capture shows); 400/4; 400/12."""
    items = _parse_definition_items(call, 'definition_delete_directory_keyword_parameter_list')
    kind, entry = _definition_entry(call)
    check_not_locked_by_other(call, call.target)
    for keyword, value in items:
        _delete_definition(call, entry, keyword, value)
    _finish_definition(call, kind, entry)
    return {}


# ---------------------------------------------------------------------------
# Asynchronous operations and directory manager queries
# ---------------------------------------------------------------------------

@handles('Query_Asynchronous_Operation_DM')
def query_asynchronous_operation_dm(call):
    """0/104 while the operation runs, then 0/100 (0/108 if it failed); an
    unknown operation id answers 0/0 (as a real system does)."""
    op = call.tx.async_op(call.param('operation_id'))
    if op is None:
        return {}
    if call.now < op['complete_at']:
        return Result(0, 104)
    return Result(0, 108 if op.get('failed') else 100)


@handles('Query_Directory_Manager_Level_DM')
def query_directory_manager_level_dm(call):
    """``DIRMAINT 7.3.0``: the directory manager and its level
    (directory.level in the config, else the system level)."""
    level = _directory_config(call).get('level') or (call.config.get('system') or {}).get('level') or '7.3.0'
    return {'directory_manager_level': 'DIRMAINT %s' % level}


def _search_regex(pattern):
    """DirMaint search pattern: ``*`` any string, ``%`` one character, blanks
    match any run of blanks, no case; it must match the whole statement."""
    out = []
    for ch in ' '.join(pattern.upper().split()):
        if ch == '*':
            out.append('.*')
        elif ch == '%':
            out.append('.')
        elif ch == ' ':
            out.append(' +')
        else:
            out.append(re.escape(ch))
    return re.compile('^' + ''.join(out) + '$', re.S)


@handles('Directory_Manager_Search_DM')
def directory_manager_search_dm(call):
    """Statements of user and profile entries that match the pattern, each
    with its entry's name, in EBCDIC order of the names; 0/28 and an empty
    array when nothing matches."""
    regex = _search_regex(call.param('search_pattern') or '')
    found = []
    entries = list(call.tx.entries('user')) + list(call.tx.entries('profile'))
    for name, records in sorted(entries, key=lambda e: e[0].encode('cp037', 'replace')):
        for record in records:
            text = record.strip()
            if text and regex.match(' '.join(text.split())):
                found.append({'target_id': name, 'statement': record.rstrip()})
    if not found:
        return Result(0, 28, {'statement_array': []})
    return {'statement_array': found}
