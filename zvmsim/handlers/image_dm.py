# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Image_*_DM: DirMaint's user directory entries (Image_Create_DM,
Image_Delete_DM, Image_Query_DM, Image_Replace_DM, Image_Name_Query_DM,
Image_Password_Set_DM), their locks (Image_Lock_DM, Image_Unlock_DM,
Image_Lock_Query_DM), IPL (Image_IPL_*_DM) and CPUs (Image_CPU_*_DM).

The keyword interface (Image_Definition_*_DM), minidisks (Image_Disk_*_DM)
and disk pools (Image_Volume_Space_*_DM) have modules of their own.
Entries, locks and asynchronous answers are in ``zvmsim/dirmaint.py``,
extents and allocation in ``zvmsim/dasd.py``.

Modelling decisions (z/VM 7.3 + DirMaint)
------------------------------------------
* Locks: see ``zvmsim/dirmaint.py``.
* Image_Delete_DM of a logged-on guest deletes the directory entry and frees
  its minidisk extents, as DirMaint's PURGE does; CP keeps the guest running
  (a logged-on virtual machine keeps the directory it logged on with) until
  it logs off, and the space of the disks it still has attached is not
  handed out until then (``dasd.held_extents``).  IBM's own client logs the
  guest off first.  Vswitch grants are CP state and are not touched.
* Image_Replace_DM that drops or moves an MDISK of a logged-on guest: the
  guest keeps the disk it has attached, and its space stays busy likewise.
"""

from ansible_collections.zvm.cloud.plugins.module_utils import directory

from zvmsim import contents
from zvmsim.dasd import AUTO_TYPES, allocate_extent, pin_active_disks, sync_extents
from zvmsim.dirmaint import (
    IMAGE_LOCK, RECORD_WIDTH, async_should_fail, check_includes, check_not_locked_by_other, cpu_address, cpu_text,
    define_cpu, ebcdic_sorted, entry_guest_os, image_lock_owner, load_entry, lock, lock_state, norm_vdev, save_entry,
    start_async, token_as_written, unlock)
from zvmsim.handlers import Fail, Result, handles
from zvmsim.params import syntax_error


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


def _allocate_auto_mdisks(call, entry):
    """Turn ``MDISK vdev devtype AUTOG|AUTOR|AUTOV size name [mode...]`` into
    an MDISK at the allocated place, as DirMaint does when it adds an entry."""
    for index, st in enumerate(entry.statements):
        toks = directory.tokens_as_written(st)
        if st.keyword != 'MDISK' or len(toks) < 6 or toks[3].upper() not in AUTO_TYPES:
            continue
        if not toks[4].isdigit():
            raise syntax_error(call, 'image_record_array')
        extent = allocate_extent(call, toks[3], toks[5], int(toks[4]), toks[2])
        devtype = toks[2].upper()
        if devtype not in ('3390', '9336', 'FB-512'):
            devtype = extent['devtype']
        text = ' '.join(['MDISK', norm_vdev(toks[1]), devtype, str(extent['start']), str(extent['size']),
                         extent['volid']] + toks[6:])
        entry.statements[index] = directory.statement_as_written(text)
        # held at once, so that a later AUTO* disk of the entry gets other space
        call.tx.add_extent(extent['volid'], extent['start'], extent['size'], call.target, norm_vdev(toks[1]))


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
    volumes are registered (408/24 for an overlap).  Every MDISK gets a
    zeroed contents file (``zvmsim.contents``).  Answers operation_id -1,
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
    check_includes(call, entry)
    if async_should_fail(call):
        return start_async(call, failed=True)
    _allocate_auto_mdisks(call, entry)
    save_entry(call, target, entry, check_lock=False)
    sync_extents(call, target, entry)
    tx.put_obj('guest', target, {'os': entry_guest_os(entry)})
    for mdisk in entry.mdisks:
        contents.create(call.sim.state_dir, target, mdisk.vdev, contents.mdisk_bytes(tx, mdisk))
    return start_async(call)


@handles('Image_Delete_DM')
def image_delete_dm(call):
    """DirMaint PURGE: 400/4 not defined, 400/12 locked by another user.
    Frees the entry's extents and locks and removes its minidisks'
    contents files; vswitch grants stay (CP keeps them); a logged-on guest
    keeps running.  operation_id -1, or 592 in
    asynchronous mode."""
    tx = call.tx
    target = call.target
    load_entry(call, target)
    check_not_locked_by_other(call, target)
    if async_should_fail(call):
        return start_async(call, failed=True)
    for mdisk in tx.extents(owner=target):
        tx.delete_obj('mdisk_format', '%s %s' % (target, mdisk['vdev']))
    pin_active_disks(tx, target)
    tx.delete_entry(target)
    tx.delete_extents(target)
    tx.delete_lock(target)
    if tx.cp(target) is None:
        tx.delete_obj('guest', target)
    contents.remove_owner(call.sim.state_dir, target)
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
    the extents of changed MDISKs are re-registered (408/24 overlap).  A
    replace that succeeds releases the lock (see ``zvmsim/dirmaint.py``);
    one that fails keeps it."""
    target = call.target
    load_entry(call, target)
    _image_locked_by_caller(call, target)
    entry = directory.parse(call.param('image_record_array') or [])
    _check_user_line(call, entry, 'image_record_array')
    check_includes(call, entry)
    pin_active_disks(call.tx, target)
    _allocate_auto_mdisks(call, entry)
    save_entry(call, target, entry)
    sync_extents(call, target, entry)
    call.tx.delete_lock(target, IMAGE_LOCK)
    return {}


# ---------------------------------------------------------------------------
# Locks
# ---------------------------------------------------------------------------

@handles('Image_Lock_DM')
def image_lock_dm(call):
    """Lock the entry (device_address '') or one of its devices: 400/4 not
    defined, 400/12 the image is already locked, 404/8 no such device,
    404/12 the device (or, for an image lock, a device of the entry) is
    already locked.  "Already locked" means by anyone, the caller included:
    locking one's own lock again is 400/12 (see ``zvmsim/dirmaint.py``)."""
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
    entry.put_statement(directory.statement_as_written(text), lambda s: s.kind == 'IPL')
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
    return {'saved_system': token_as_written(ipl, 1, ipl.device), 'load_parameter': ipl.loadparm or '',
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

@handles('Image_CPU_Define_DM')
def image_cpu_define_dm(call):
    """Add (or redefine) ``CPU nn [BASE] [CPUID id] [NODEDICATE|DEDICATE]``:
    400/4, 400/12, 520/28 address above 3F, 520/24 second base CPU, 520/32
    more than the MACHINE maximum.  CRYPTO is accepted and kept."""
    _records, entry = load_entry(call, call.target)
    address = cpu_address(call.param('cpu_address'))
    dedicate = {1: 'NODEDICATE', 2: 'DEDICATE'}.get(call.param('dedicate_cpu', 0))
    base = call.param('base_cpu', 0) == 1
    text = cpu_text(address, base=base, cpuid=call.param('cpuid') or None, dedicate=dedicate,
                    crypto=call.param('crypto', 0) == 1)
    define_cpu(entry, text, address, base)
    save_entry(call, call.target, entry)
    return {}


@handles('Image_CPU_Delete_DM')
def image_cpu_delete_dm(call):
    """Remove CPU nn: 400/4, 400/12, 520/28 out of range, 520/30 not found."""
    _records, entry = load_entry(call, call.target)
    address = cpu_address(call.param('cpu_address'))
    found = [c for c in entry.cpus if c.address == address]
    if not found:
        raise Fail(520, 30)
    entry.remove_statements(found)
    save_entry(call, call.target, entry)
    return {}


@handles('Image_CPU_Query_DM')
def image_cpu_query_dm(call):
    """One CPU statement: base_cpu 1 for BASE, dedicate_cpu 1 NODEDICATE /
    2 DEDICATE / 0 unspecified, crypto 1 for CRYPTO; 400/4, 520/28, 520/30."""
    _records, entry = load_entry(call, call.target)
    address = cpu_address(call.param('cpu_address'))
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
