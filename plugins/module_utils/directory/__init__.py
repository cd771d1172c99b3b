# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The z/VM user directory entry: parse, change, render and diff.

This is the one place where directory statements are parsed and written.
Everything a module needs starts from ``parse(records)``::

    entry = parse(reply['image_record_array'])     # Image_Query_DM records
    before = entry.copy()
    entry.set_storage('4G')
    entry.add_mdisk('0101', 'FB-512', 2097152, disk_type='vdisk', mode='MWV')
    if entry.records() != before.records():        # then, with the entry locked:
        client.call('Image_Replace_DM', userid, image_record_array=entry.records(pad=True))
    result = dict(directory=entry.to_dict(), changes=diff(before, entry))
    module_diff = diff_records(before, entry)        # passwords masked

Map of the package (each module imports only the ones above it)
    tokens          constants (RECORD_LENGTH, MASK, ORDER, DEVICE_KINDS), a record
                    split into tokens, masking, operand and value checks
    statements      Statement, Comment, Verbatim and the general statements:
                    USER/IDENTITY, PROFILE/SUBCONFIG, INCLUDE, STORAGE,
                    MAXSTORAGE, CLASS, MACHINE, CPU, COMMAND, IPL, LOADDEV,
                    LOGONBY, OPTION, SHARE, ACCOUNT
    devices         MDISK, NICDEF (NicPart), DEDICATE, LINK, CONSOLE, SPOOL and
                    the device numbers each uses (``device_ranges``)
    base            the parser (``parse_statement``, ``statement_as_written``)
                    and EntryBase: read records, write them, find and place
                    statements (``insert_index``, ``put_statement``)
    changes         GeneralChanges: set_storage ... set_share, add_loaddev, add_comment
    device_changes  DeviceChanges: add_mdisk, add_autog_mdisk, add_nic, NIC ids,
                    add_dedicate, device_ranges, device_conflict
    entry           DirectoryEntry (all of the above, and ``to_dict``), ``parse``
    diff            diff, diff_records, unified_diff
    records         the ``* ZVMCLOUD VOLUME`` comment records of a guest's FCP
                    volumes (not imported here: ``directory.records``)

    Where a statement is parsed: its class's ``parse(line, keyword)`` in
    ``statements`` or ``devices``, chosen by ``base.parse_statement``
    (``_PARSERS``); ``Statement`` does what a class declares (its OPERANDS,
    constructor ARGS, MIN_OPERANDS) and the class's ``_parse`` reads the
    rest of a form of its own; rendered: its ``tokens()``/``canonical()`` and
    ``Statement.lines()``, put together by ``EntryBase.records()``; changed:
    ``changes`` or ``device_changes``; diffed: ``diff`` (``_SCALARS`` for
    single values, ``_KEYED`` for statements with a key such as a vdev,
    record by record for the rest).

Records in
    Image_Query_DM returns 72-column, blank-padded, upper-case records.  A
    record is one statement; lines starting with ``*`` are comments, including
    DirMaint's ``*DVHOPT`` option line, ``*PW00=`` (the password, hex-encoded
    EBCDIC: masked like a password), ``*PW=``, ``*AC=`` and ``*ED=``.
    Statements may be indented.  Only columns 1-72 are read (CP ignores the
    rest; anything there is dropped with a note in ``entry.warnings``).

Statements understood (full keywords; see "Not handled" for abbreviations)
    USER and IDENTITY (userid, password, storage, max storage, privilege
    classes, then any further tokens kept as written), PROFILE, SUBCONFIG,
    INCLUDE, STORAGE, MAXSTORAGE, CLASS, MACHINE, CPU, COMMAND, IPL, LOADDEV,
    LOGONBY, OPTION, SHARE, ACCOUNT, MDISK (start/size, T-DISK, V-DISK, DEVNO
    and DirMaint's AUTOG forms, mode, read/write/multi passwords), NICDEF,
    DEDICATE, LINK, CONSOLE and SPOOL.  NICDEF statements for the same vdev
    (IBM allows one NIC to be split over several, later ones modifying
    earlier ones) are merged into one ``Nicdef``; a changed NIC is written
    back in the canonical way: ``NICDEF vdev TYPE ...`` first, continued on
    further ``NICDEF vdev ...`` records only when a record would pass 72
    columns.  Several LOGONBY, LOADDEV and OPTION statements accumulate.  A
    ``*NICID vdev id`` comment after a NICDEF keeps the NIC's nic_id.

    Every other statement (IUCV, POSIXINFO, BUILD, AUTOLOG, SPECIAL, ...) and
    every comment is kept verbatim, in place.  A statement with an understood
    keyword that does not parse (an unexpected form) is kept verbatim too,
    with a note in ``entry.warnings``.  Operands after the ones modelled (such
    as the ``* 360 4K BLOCKS`` remark after an MDISK) are kept as ``extra``
    text and written back after them.

Records out
    ``entry.records()`` gives one record per statement.  A statement that was
    parsed and not changed is written exactly as it was read (less trailing
    blanks), so a round trip changes nothing and diffs stay small.  A new or
    changed statement is written in canonical form: single blanks, upper case,
    vdevs as 4 hex digits, full keywords (``MACH`` becomes ``MACHINE``);
    passwords, comments and free text (COMMAND text, IPL PARM, LOADDEV values,
    ``extra`` text) keep their case.  ``records(canonical=True)`` writes every
    understood statement in canonical form.  No record may pass 72 columns:
    ``records()`` raises InputError naming the statement.  ``render_masked()``
    and ``records(masked=True)`` replace the USER password, the MDISK
    passwords, ``*PWnn=`` values and the APPCPASS password with ``********``.
    A record given as text (``statement_as_written``) is written as given.

Changes
    ``set_storage``, ``set_max_storage``, ``set_privileges``, ``set_password``,
    ``set_cpus``, ``set_machine``, ``set_ipl``, ``set_logonby``,
    ``set_include``, ``set_account``, ``set_share``, ``add_loaddev``,
    ``add_comment``, ``add_mdisk``/``add_autog_mdisk``/``remove_mdisk``,
    ``add_nic``/``update_nic``/``remove_nic``, ``set_nic_id``,
    ``add_dedicate``/``remove_dedicate``; for any other statement,
    ``put_statement``/``remove_statements``.  Each touches no unrelated
    statement and keeps the order of the rest.  A new statement goes after
    the last statement of its kind, or else in the conventional place: USER,
    INCLUDE, ACCOUNT, CLASS, STORAGE, MAXSTORAGE, CPU, IPL, LOADDEV, LOGONBY,
    MACHINE, OPTION, SHARE, COMMAND, then the device statements CONSOLE,
    SPOOL, NICDEF, LINK, MDISK, DEDICATE after every general statement; a
    kind not in that list goes before the first device statement.
    ``device_ranges()`` and ``device_conflict(vdev, count)`` tell which device
    numbers the entry uses.

Not handled
    - Abbreviated statement keywords, except ``MACH`` (MACHINE) and
      ``MAXSTOR`` (MAXSTORAGE), which IBM's own directory uses; any other
      abbreviation (``DED``, ``CONS``...) is kept verbatim and not modelled.
      SHARE ``ABS``/``REL`` and NICDEF operand abbreviations documented by IBM
      (``DEV``, ``PORTT``, ``PORTNUM``, ``PRO``, ``NOPRO``, ``HIPER``) are read.
    - DirMaint's AUTOR and AUTOV MDISK forms and other MDISK forms are kept
      verbatim (with a warning).
    - A device name in IPL that is 1-4 hex digits (``IPL CAFE``) is read as a
      vdev, never as a system name.
    - Statements in an INCLUDEd profile are not merged in: ``to_dict`` shows
      this entry only, and ``device_ranges`` its own devices.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zvm.cloud.plugins.module_utils.directory.tokens import (
    DEVICE_KINDS, KEYWORD_ALIASES, MASK, ORDER, RECORD_LENGTH,
)
from ansible_collections.zvm.cloud.plugins.module_utils.directory.statements import (
    Account, Class, Command, Comment, Cpu, Header, Include, Ipl, Loaddev, Logonby, Machine, MaxStorage, Option,
    Share, Statement, Storage, User, Verbatim,
)
from ansible_collections.zvm.cloud.plugins.module_utils.directory.devices import (
    NIC_DEVICES, NIC_ID_RE, Console, Dedicate, Link, Mdisk, Nicdef, NicPart, Spool, device_ranges,
)
from ansible_collections.zvm.cloud.plugins.module_utils.directory.base import (
    parse_statement, statement_as_written, tokens_as_written,
)
from ansible_collections.zvm.cloud.plugins.module_utils.directory.entry import DirectoryEntry, parse
from ansible_collections.zvm.cloud.plugins.module_utils.directory.diff import diff, diff_records, unified_diff

__all__ = [
    'DEVICE_KINDS', 'KEYWORD_ALIASES', 'MASK', 'NIC_DEVICES', 'NIC_ID_RE', 'ORDER', 'RECORD_LENGTH',
    'Account', 'Class', 'Command', 'Comment', 'Console', 'Cpu', 'Dedicate', 'DirectoryEntry', 'Header', 'Include',
    'Ipl', 'Link', 'Loaddev', 'Logonby', 'Machine', 'MaxStorage', 'Mdisk', 'NicPart', 'Nicdef', 'Option', 'Share',
    'Spool', 'Statement', 'Storage', 'User', 'Verbatim',
    'device_ranges', 'diff', 'diff_records', 'parse', 'parse_statement', 'statement_as_written',
    'tokens_as_written', 'unified_diff',
]
