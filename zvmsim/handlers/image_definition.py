# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Image_Definition_*_DM: DirMaint's keyword interface to user (and
profile) directory entries: Image_Definition_Query_DM,
Image_Definition_Create_DM, Image_Definition_Update_DM and
Image_Definition_Delete_DM.

Entries and locks are in ``zvmsim/dirmaint.py``, extents and allocation in
``zvmsim/dasd.py``.
"""

from ansible_collections.zvm.cloud.plugins.module_utils import directory, validation

from zvmsim.dasd import AUTO_TYPES, allocate_extent, sync_extents
from zvmsim.dirmaint import (
    RECORD_WIDTH, check_includes, check_not_locked_by_other, cpu_address, cpu_text, define_cpu, directory_config,
    entry_guest_os, is_statement, save_entry, token_as_written)
from zvmsim.handlers import Fail, handles

DEFINITION_KEYWORDS = (
    'COMMAND_DEFINE_CPU', 'COMMAND_SET_CPUAFFINITY', 'COMMAND_SET_SHARE', 'COMMAND_SET_VCONFIG', 'CONSOLE', 'CPU',
    'CPU_MAXIMUM', 'DEDICATE', 'INCLUDE', 'IPL', 'LINK', 'MDISK', 'NICDEF', 'OPTION', 'PASSWORD',
    'PRIVILEGE_CLASSES', 'SHARE', 'SPOOL', 'STORAGE_INITIAL', 'STORAGE_MAXIMUM', 'VMRELOCATE')
UNKNOWN_KEYWORD = 'UNKNOWN_DIRECTORY_KEYWORD_PARAMETER='
INVALID_INPUT = (8, 3032)
_USER_OPERANDS = ('PASSWORD', 'PRIVILEGE_CLASSES', 'STORAGE_INITIAL', 'STORAGE_MAXIMUM')
_COMMANDS = {'COMMAND_DEFINE_CPU': 'DEFINE CPU', 'COMMAND_SET_CPUAFFINITY': 'SET CPUAFFINITY',
             'COMMAND_SET_SHARE': 'SET SHARE', 'COMMAND_SET_VCONFIG': 'SET VCONFIG'}


def _put(entry, text, matches):
    """Put the statement ``text`` (kept as written) in the place of the
    statements ``matches`` selects, or where its kind belongs."""
    return entry.put_statement(directory.statement_as_written(text), matches)


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


# ---------------------------------------------------------------------------
# Image_Definition_Query_DM
# ---------------------------------------------------------------------------

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
            text = '%s=VDEV=%s DEVTYPE=%s' % (keyword, token_as_written(st, 1), st.devtype.replace(' ', '_'))
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
    text = 'IPL=VDEV=%s' % token_as_written(ipl, 1, ipl.device)
    if ipl.loadparm:
        text += ' LOADPARM=%s' % ipl.loadparm
    if ipl.parm:
        text += ' PARM=%s' % ipl.parm
    return [text]


def _q_link(entry, _keyword):
    out = []
    for link in entry.links:
        text = 'LINK=USERID=%s VDEV1=%s VDEV2=%s' % (link.user, token_as_written(link, 2), token_as_written(link, 3))
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
    return ['VMRELOCATE=%s' % ' '.join(directory.tokens_as_written(st)[1:])
            for st in entry.statements if st.keyword == 'VMRELOCATE']


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


# ---------------------------------------------------------------------------
# Image_Definition_Create_DM and Image_Definition_Update_DM
# ---------------------------------------------------------------------------

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
    st = directory.statement_as_written(text)
    if len(text) > RECORD_WIDTH or not isinstance(st, directory.Mdisk):
        raise Fail(*INVALID_INPUT)
    entry.statements.insert(entry.insert_index('MDISK'), st)


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
    address = cpu_address(_need(keys, 'CPUADDR'))
    dedicate = {'YES': 'DEDICATE', 'NO': 'NODEDICATE'}.get(keys.get('DEDICATE', '').upper())
    base = _yes(keys, 'BASE')
    text = cpu_text(address, base=base, cpuid=keys.get('CPUID'), dedicate=dedicate, crypto=_yes(keys, 'CRYPTO'),
                    cpu_type=keys.get('TYPE'))
    define_cpu(entry, text, address, base)


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
            _put(entry, text, is_statement(directory.Spool, vdev=_vdev_key(keys)))
    return apply


def _a_link(_call, entry, _value, keys, _update):
    vdev2 = _vdev_key(keys, 'VDEV2')
    text = ' '.join(['LINK', _need(keys, 'USERID'), _need(keys, 'VDEV1'), keys['VDEV2']] +
                    ([keys['MODE']] if keys.get('MODE') else []))
    _put(entry, text, is_statement(directory.Link, vdev2=vdev2))


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
        address = cpu_address(_need(keys, 'CPUADDR'))
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
    check_includes(call, entry)
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
    password = values.get('PASSWORD') or str(directory_config(call).get('default_password') or 'LBYONLY')
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
    call.tx.put_obj('guest', call.target, {'os': entry_guest_os(entry)})
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


# ---------------------------------------------------------------------------
# Image_Definition_Delete_DM
# ---------------------------------------------------------------------------

def _delete_definition(call, entry, keyword, value):
    """Remove what one keyword=value item names (see the handler's docstring)."""
    if keyword in _USER_OPERANDS:
        raise Fail(*INVALID_INPUT)
    keys = _subkeys(value) if '=' in value else {}
    if keyword == 'CPU':
        address = cpu_address(_need(keys, 'CPUADDR'))
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
            prefix += ' ' + cpu_address(keys['CPUADDR'])
        found = _commands(entry, prefix)
        code = (8, 4)
    else:
        kinds = {'INCLUDE': 'INCLUDE', 'CPU_MAXIMUM': 'MACHINE', 'OPTION': 'OPTION', 'SHARE': 'SHARE',
                 'VMRELOCATE': 'VMRELOCATE'}
        found = [s for s in entry.statements if s.kind == kinds[keyword]]
        code = (8, 4)
    if not found:
        raise Fail(*code)
    entry.remove_statements(found)


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
