# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The parser and the entry's list of statements.

``parse_statement(text)`` turns one record into a Statement (a Verbatim
one, with a warning, when an understood keyword does not parse);
``statement_as_written`` and ``tokens_as_written`` are for code that puts
records in as given.  ``EntryBase`` is the entry without its changes: it
reads records (merging split NICDEFs), writes them (``records``,
``render``), finds statements and knows where a new one goes
(``insert_index``, ``put_statement``, ``remove_statements``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils import units
from ansible_collections.zvm.cloud.plugins.module_utils import validation
from ansible_collections.zvm.cloud.plugins.module_utils.directory.devices import (
    Console, Dedicate, Link, Mdisk, Nicdef, NicPart, Spool,
)
from ansible_collections.zvm.cloud.plugins.module_utils.directory.statements import (
    Account, Class, Command, Comment, Cpu, Header, Include, Ipl, Loaddev, Logonby, Machine, MaxStorage, Option,
    Share, Storage, User, Verbatim,
)
from ansible_collections.zvm.cloud.plugins.module_utils.directory.tokens import (
    DEVICE_KINDS, KEYWORD_ALIASES, RANK, RECORD_LENGTH, Line, storage_text,
)

_PARSERS = {
    'USER': User, 'IDENTITY': User, 'PROFILE': Header, 'SUBCONFIG': Header,
    'INCLUDE': Include, 'STORAGE': Storage, 'MAXSTORAGE': MaxStorage, 'CLASS': Class,
    'MACHINE': Machine, 'CPU': Cpu, 'COMMAND': Command, 'IPL': Ipl, 'LOADDEV': Loaddev, 'LOGONBY': Logonby,
    'OPTION': Option, 'SHARE': Share, 'ACCOUNT': Account, 'MDISK': Mdisk, 'NICDEF': Nicdef,
    'DEDICATE': Dedicate, 'LINK': Link, 'CONSOLE': Console, 'SPOOL': Spool,
}


def parse_statement(text):
    """One record as a Statement (a Verbatim one if it cannot be understood).

    Returns ``(statement, warning)``; ``warning`` is None or says why an
    understood keyword was kept verbatim.
    """
    stripped = text.strip()
    if not stripped or stripped.startswith('*'):
        return Comment(text), None
    line = Line(text)
    keyword = line.tokens[0].upper()
    keyword = KEYWORD_ALIASES.get(keyword, keyword)
    parser = _PARSERS.get(keyword)
    if parser is None:
        return Verbatim(text, keyword), None
    try:
        st = parser.parse(line, keyword)
    except ValueError as exc:
        st = Verbatim(text, keyword)
        return st, '%s statement kept as written: %s' % (keyword, exc)
    st.raw = text
    return st, None


def statement_as_written(text):
    """A Statement parsed from ``text`` that keeps and renders ``text`` as written."""
    st, _warning = parse_statement(text)
    st.mark_clean()
    return st


def tokens_as_written(statement):
    """The statement's tokens as stored: its record as read, split, or its canonical tokens."""
    text = statement.raw if statement.raw is not None else ' '.join(statement.tokens())
    return text.split()


def _statements_of(cls, doc):
    """A property: the entry's ``cls`` statements, in order."""
    return property(lambda self: self._all(cls), doc=doc)


def _first_of(cls, doc):
    """A property: the entry's first ``cls`` statement, or None."""
    return property(lambda self: self._first(cls), doc=doc)


def _items_of(cls, attr, doc):
    """A property: the lists ``attr`` of the entry's ``cls`` statements, joined (several statements add up)."""
    return property(lambda self: [item for st in self._all(cls) for item in getattr(st, attr)], doc=doc)


def _value_or_user(cls, attr, doc):
    """A property: the value of the entry's first ``cls`` statement, else
    the USER operand ``attr`` (None when there is neither, or it is ``*``)."""
    def value(self):
        st = self._first(cls)
        if st is not None:
            return st.value
        u = self.user
        found = getattr(u, attr) if u is not None else None
        return found if found != '*' else None
    return property(value, doc=doc)


class EntryBase:
    """A user directory entry as an ordered list of ``Statement`` objects:
    reading, writing, finding and placing them.  ``DirectoryEntry`` (in
    ``entry``) adds the changes; use that class."""

    def __init__(self, statements=None):
        self.statements = list(statements or [])
        self.warnings = []

    # -- parsing and rendering -----------------------------------------------
    @classmethod
    def parse(cls, records):
        """An entry from Image_Query_DM records (a list of strings, or one string of lines)."""
        if isinstance(records, str):
            records = records.splitlines()
        entry = cls()
        nics = {}
        for number, record in enumerate(records, 1):
            if not isinstance(record, str):
                raise InputError('directory record %d is %s, not text' % (number, type(record).__name__))
            text = record.rstrip('\r\n').rstrip()
            if len(text) > RECORD_LENGTH:
                entry.warnings.append('record %d: columns %d-%d ignored: %r'
                                      % (number, RECORD_LENGTH + 1, len(text), text[RECORD_LENGTH:]))
                text = text[:RECORD_LENGTH].rstrip()
            st, warning = parse_statement(text)
            if warning:
                entry.warnings.append('record %d: %s' % (number, warning))
            if isinstance(st, Nicdef):
                first = nics.get(st.vdev)
                if first is not None:
                    first.merge(st)
                    st = NicPart(first, text)
                else:
                    nics[st.vdev] = st
            entry.statements.append(st)
        for st in entry.statements:
            st.mark_clean()
        return entry

    @classmethod
    def new(cls, userid, password, storage, max_storage=None, privileges='G'):
        """A new entry holding ``USER userid password storage max_storage privileges``.

        ``max_storage`` defaults to ``storage`` and may not be smaller.
        """
        uid = validation.userid(userid, 'userid')
        pw = validation.password(password)
        stor = storage_text(storage, 'storage')
        mstor = storage_text(max_storage, 'max_storage') if max_storage is not None else stor
        if units.parse_memory(mstor) < units.parse_memory(stor):
            raise InputError('max_storage: %s is smaller than storage %s' % (mstor, stor))
        entry = cls([User(uid, pw, stor, mstor, validation.privilege_classes(privileges))])
        return entry

    def copy(self):
        return copy.deepcopy(self)

    def records(self, pad=False, masked=False, canonical=False):
        """The entry as directory records.

        ``pad`` blank-pads each to 72 columns; ``masked`` hides passwords (for
        logs and diffs only); ``canonical`` rewrites every understood
        statement in canonical form.  Raises ValueError naming the statement
        when a record would be longer than 72 columns (not when ``masked``).
        """
        out = []
        for st in self.statements:
            for text in st.lines(masked=masked, canonical=canonical):
                if not masked and len(text) > RECORD_LENGTH:
                    shown = [t for t in st.lines(masked=True, canonical=canonical) if len(t) > RECORD_LENGTH]
                    raise InputError('%s statement would be %d columns long; a directory record holds at most %d: %s'
                                     % (st.describe(), len(text), RECORD_LENGTH, shown[0] if shown else ''))
                out.append(text.ljust(RECORD_LENGTH) if pad else text)
        return out

    def render(self, masked=False, canonical=False):
        """The records as one string, one per line, ending with a newline."""
        return ''.join(r + '\n' for r in self.records(masked=masked, canonical=canonical))

    def render_masked(self):
        """``render()`` with passwords replaced by ********, for diffs and logs."""
        return self.render(masked=True)

    # -- finding statements ----------------------------------------------------
    def _all(self, cls):
        return [s for s in self.statements if isinstance(s, cls)]

    def _first(self, cls):
        found = self._all(cls)
        return found[0] if found else None

    def _of_kind(self, kind):
        return [s for s in self.statements if s.kind == kind and not isinstance(s, Comment)]

    @property
    def header(self):
        for s in self.statements:
            if isinstance(s, (User, Header)):
                return s
        return None

    @property
    def user(self):
        """The USER or IDENTITY statement, or None."""
        return self._first(User)

    @property
    def entry_type(self):
        h = self.header
        return h.keyword if h is not None else None

    @property
    def userid(self):
        u = self.user
        return u.userid if u is not None else None

    @property
    def name(self):
        h = self.header
        if h is None:
            return None
        return h.userid if isinstance(h, User) else h.name

    @property
    def include(self):
        st = self._first(Include)
        return st.value if st is not None else None

    profile = include

    storage = _value_or_user(Storage, 'storage', 'Logon storage: a STORAGE statement\'s value, else the USER operand.')
    max_storage = _value_or_user(MaxStorage, 'max_storage', 'Maximum storage: MAXSTORAGE, else the USER operand.')
    privileges = _value_or_user(Class, 'privileges', 'Privilege classes: CLASS, else the USER operand.')
    cpus = _statements_of(Cpu, 'The CPU statements.')
    machine = _first_of(Machine, 'The MACHINE statement, or None.')
    ipl = _first_of(Ipl, 'The IPL statement, or None.')
    logonby = _items_of(Logonby, 'userids', 'The user IDs of the LOGONBY statements.')
    mdisks = _statements_of(Mdisk, 'The MDISK statements.')
    nics = _statements_of(Nicdef, 'The NICs (NICDEF statements, those for one vdev merged).')
    dedicates = _statements_of(Dedicate, 'The DEDICATE statements.')
    links = _statements_of(Link, 'The LINK statements.')
    options = _items_of(Option, 'options', 'The options of the OPTION statements.')
    account = _first_of(Account, 'The ACCOUNT statement, or None.')

    def _find_device(self, statements, vdev):
        v = validation.vdev(vdev)
        return next((s for s in statements if s.vdev == v), None)

    def find_mdisk(self, vdev):
        return self._find_device(self.mdisks, vdev)

    def find_nic(self, vdev):
        return self._find_device(self.nics, vdev)

    def find_dedicate(self, vdev):
        return self._find_device(self.dedicates, vdev)

    # -- placing statements ------------------------------------------------------
    def insert_index(self, kind):
        """Where a new statement of ``kind`` goes (see the module docstring).

        A kind not in ORDER (IUCV, VMRELOCATE...) goes after the last
        statement of that kind, else before the first device statement, else
        at the end.
        """
        stmts = self.statements
        if kind not in RANK:
            same = [i for i, s in enumerate(stmts) if s.kind == kind]
            if same:
                return same[-1] + 1
            devices = [i for i, s in enumerate(stmts) if s.kind in DEVICE_KINDS and not isinstance(s, Comment)]
            return devices[0] if devices else len(stmts)
        same = [i for i, s in enumerate(stmts) if s.kind == kind and not isinstance(s, Comment)]
        if same:
            return same[-1] + 1
        rank = RANK[kind]
        header = next((i for i, s in enumerate(stmts) if isinstance(s, (User, Header))), None)
        before = [i for i, s in enumerate(stmts)
                  if not isinstance(s, Comment) and s.kind in RANK and RANK[s.kind] < rank]
        if kind in DEVICE_KINDS:
            before += [i for i, s in enumerate(stmts)
                       if not isinstance(s, Comment) and s.kind not in RANK and s.kind not in DEVICE_KINDS]
        pos = max(before) + 1 if before else (header + 1 if header is not None else len(stmts))
        if kind not in DEVICE_KINDS:
            devices = [i for i, s in enumerate(stmts) if s.kind in DEVICE_KINDS and not isinstance(s, Comment)]
            if devices and pos > devices[0]:
                pos = devices[0]
            if header is not None and pos <= header:
                pos = header + 1
        return pos

    # zvmsim/handlers/directory.py calls it by this name
    _insert_index = insert_index

    def _insert(self, statement, index=None):
        if index is None:
            index = self.insert_index(statement.kind)
        self.statements.insert(index, statement)
        return statement

    def remove_statements(self, statements):
        """Remove these statements (the very objects); the index where the first of them was, or None."""
        ids = set(id(s) for s in statements)
        index = next((i for i, s in enumerate(self.statements) if id(s) in ids), None)
        self.statements = [s for s in self.statements if id(s) not in ids]
        return index

    # zvmsim/handlers/disks.py calls it by this name
    _remove = remove_statements

    def put_statement(self, statement, matches):
        """Put ``statement`` in the place of the first non-comment statement
        ``matches(st)`` selects, removing all those, or where its kind goes
        when there is none; returns ``statement``."""
        old = [s for s in self.statements if not isinstance(s, Comment) and matches(s)]
        index = self.remove_statements(old) if old else None
        if index is None:
            index = self.insert_index(statement.kind)
        self.statements.insert(index, statement)
        return statement

    def _replace_kind(self, kind, new):
        """Put ``new`` (a statement or list) where the statements of ``kind`` were, or where it belongs."""
        new = new if isinstance(new, list) else ([new] if new is not None else [])
        index = self.remove_statements(self._of_kind(kind))
        if index is None and new:
            index = self.insert_index(kind)
        for offset, st in enumerate(new):
            self.statements.insert(index + offset, st)

    def _require_user(self):
        u = self.user
        if u is None:
            raise InputError('this directory entry has no USER or IDENTITY statement')
        return u
