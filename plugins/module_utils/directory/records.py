# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``* ZVMCLOUD ...`` comment records that keep, in a guest's directory
entry, what the collection did to it (there is no database), and the FCP
volume records themselves.

Every kind of record goes through the generic helpers here:
``comment_texts`` writes a value too long for one 72-column record over
several (every part but the last ends with ``+``, a character none of the
values can have), ``Continuations`` joins such parts back, ``matching``
scans an entry's comments for one kind of record and ``replace`` puts a
kind's records in place of the old ones.  Used by these volume records,
``images.records`` (``* ZVMCLOUD IMAGE|CLONE``) and ``firstboot.records``
(``* ZVMCLOUD FIRSTBOOT``).

Which FCP volumes a guest has, kept in its directory entry as comment
records, so that every tool and every controller sees the same truth and
a lost controller loses nothing (there is no database)::

    * ZVMCLOUD VOLUME <id> OPTS <os_version> <MP|NOMP> <ROOT|DATA>
    * ZVMCLOUD VOLUME <id> MOUNT <mount point>
    * ZVMCLOUD VOLUME <id> PATH <fcp> <wwpn> <lun>      one per path

``id`` is 8 hex digits naming the volume within the entry (derived from
its LUN and target WWPNs when it is first recorded, and kept).  A path is
an FCP device of the guest and a target WWPN through which the LUN is
reached; the FCP devices themselves are the entry's DEDICATE statements.

Every record fits in the directory's 72 columns.  A mount point too long
for one record continues on the next: every part but the last ends with
``+`` (a character mount points cannot have).  DirMaint stores records in
upper case, so the mount point is written with ``^`` before each capital
letter (``/dev/Data`` is written ``/dev/^data``, stored ``/DEV/^DATA``) and
read back exactly; WWPNs, LUNs, FCP devices and OS versions are hex digits
or lower case by nature.  Records are read regardless of case and blanks;
one that does not parse is ignored (``problems`` names it).

No I/O here: the SDK writes the records with ``entries.modify`` (lock,
fresh read, change, replace, unlock), through ``put`` and ``remove``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import re

from ansible_collections.zvm.cloud.plugins.module_utils.directory.statements import Comment
from ansible_collections.zvm.cloud.plugins.module_utils.directory.tokens import RECORD_LENGTH
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.volumes import values

TAG = 'ZVMCLOUD VOLUME'
CONTINUED = '+'
CAPITAL = '^'
_RECORD_RE = re.compile(r'^\s*\*\s*ZVMCLOUD\s+VOLUME\s+([0-9A-Fa-f]{8})\s+(PATH|OPTS|MOUNT)\s+(.*?)\s*$',
                        re.IGNORECASE)
_ID_RE = re.compile(r'[0-9A-F]{8}')


class Volume:
    """One recorded volume: ``id``, ``lun``, ``paths`` [(fcp, wwpn)],
    ``os_version``, ``multipath``, ``is_root_volume``, ``mount_point``."""

    def __init__(self, volume_id, lun, paths, os_version=None, multipath=False, is_root_volume=False,
                 mount_point=None):
        self.id = volume_id
        self.lun = lun
        self.paths = list(paths)
        self.os_version = os_version
        self.multipath = bool(multipath)
        self.is_root_volume = bool(is_root_volume)
        self.mount_point = mount_point

    @property
    def fcps(self):
        """The FCP devices of the paths, in order, each once."""
        return _unique(fcp for fcp, _wwpn in self.paths)

    @property
    def wwpns(self):
        """The target WWPNs of the paths, in order, each once."""
        return _unique(wwpn for _fcp, wwpn in self.paths)

    def to_dict(self):
        return {'id': self.id, 'lun': self.lun, 'fcps': self.fcps, 'wwpns': self.wwpns,
                'paths': [{'fcp': fcp, 'wwpn': wwpn} for fcp, wwpn in self.paths],
                'os_version': self.os_version, 'multipath': self.multipath,
                'is_root_volume': self.is_root_volume, 'mount_point': self.mount_point}

    def same_as(self, other):
        """Whether ``other`` records exactly what this one does."""
        return self.to_dict() == other.to_dict()

    def __repr__(self):
        return 'Volume(%r)' % (self.to_dict(),)


def _unique(items):
    out = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def volume_id(lun, wwpns, taken=()):
    """A new volume id for ``lun`` behind ``wwpns``: 8 hex digits derived
    from them, not one of ``taken``."""
    seed = '%s:%s' % (lun, ','.join(sorted(wwpns)))
    for salt in range(1000):
        candidate = hashlib.sha256(('%s:%d' % (seed, salt)).encode('ascii')).hexdigest()[:8].upper()
        if candidate not in taken:
            return candidate
    raise InputError('no free volume id for LUN %s' % lun)     # pragma: no cover - 1000 collisions


# -- generic comment records --------------------------------------------------------------------------

def comment_texts(prefix, value, words=(), spare=0):
    """The comment texts (without ``* ``) ``prefix`` + a part of ``value``,
    each fitting the directory's record: every text but the last ends its
    part with ``+``; the last has the rest, then each of ``words`` after a
    blank, and ``spare`` columns left free.  ``value`` is a string or a
    list of tokens that are never split (such as ``^`` and its letter)."""
    tokens = list(value)
    room = RECORD_LENGTH - 2 - len(prefix)               # after "* " and the prefix
    tail = ''.join(' %s' % w for w in words)
    last_room = room - len(tail) - spare
    parts = []
    while sum(len(t) for t in tokens) > last_room:
        size = count = 0
        while count < len(tokens) - 1 and size + len(tokens[count]) <= room - 1:
            size += len(tokens[count])
            count += 1
        count = max(count, 1)
        parts.append(''.join(tokens[:count]) + CONTINUED)
        tokens = tokens[count:]
    parts.append(''.join(tokens))
    return [prefix + part for part in parts[:-1]] + [prefix + parts[-1] + tail]


class Continuations:
    """Joins the parts of values that ``comment_texts`` wrote over several
    records, read in order, one value per key."""

    def __init__(self):
        self._parts = {}

    def add(self, key, part):
        """Keep ``part`` of ``key``'s value if it ends with ``+``; whether it did."""
        if not part.endswith(CONTINUED):
            return False
        self._parts[key] = self._parts.get(key, '') + part[:-1]
        return True

    def end(self, key, part=''):
        """The parts kept for ``key`` followed by ``part`` (the last one);
        forgets them."""
        return self._parts.pop(key, '') + part


def matching(entry, regex):
    """(statement, match) of each comment of ``entry`` that ``regex`` matches, in order."""
    out = []
    for st in entry.statements:
        if isinstance(st, Comment):
            found = regex.match(st.text)
            if found:
                out.append((st, found))
    return out


def replace(entry, old, texts, key=lambda text: text):
    """Replace the comment statements ``old`` of ``entry`` with ``texts``
    (without ``* ``; added at the end), unless they say the same (compared
    through ``key``); True if the entry changed."""
    if [key(st.text) for st in old] == [key('* ' + text) for text in texts]:
        return False
    entry.remove_statements(old)
    for text in texts:
        entry.add_comment(text)
    return True


# -- mount points in upper-case records ---------------------------------------------------------------

def encode_mount(path):
    """``path`` with ``^`` before each capital letter, the rest lower case."""
    return ''.join(CAPITAL + ch.lower() if 'A' <= ch <= 'Z' else ch for ch in path)


def decode_mount(text):
    """The mount point ``encode_mount`` wrote, after DirMaint upper-cased it."""
    text = text.lower()
    return re.sub(r'\^([a-z])', lambda m: m.group(1).upper(), text)


# -- records ------------------------------------------------------------------------------------------

def texts(volume):
    """The comment texts (without ``* ``) that record ``volume``."""
    if not _ID_RE.fullmatch(volume.id or ''):
        raise InputError('volume id %r is not 8 hexadecimal digits' % (volume.id,))
    prefix = '%s %s ' % (TAG, volume.id)
    out = ['%sOPTS %s %s %s' % (prefix, volume.os_version or '-', 'MP' if volume.multipath else 'NOMP',
                                'ROOT' if volume.is_root_volume else 'DATA')]
    if volume.mount_point:
        # never splitting a ``^`` from its letter, and a column free on the last record
        out.extend(comment_texts(prefix + 'MOUNT ', re.findall(r'\^.|.', encode_mount(volume.mount_point)), spare=1))
    for fcp, wwpn in volume.paths:
        out.append('%sPATH %s %s %s' % (prefix, fcp, wwpn.upper(), volume.lun.upper()))
    return out


def _records(entry):
    """(statement, id, kind, rest) of each ZVMCLOUD VOLUME comment."""
    return [(st, m.group(1).upper(), m.group(2).upper(), m.group(3)) for st, m in matching(entry, _RECORD_RE)]


def _read(entry):
    """({id: Volume}, problems) from the entry's records."""
    found, problems, mounts, luns = {}, [], Continuations(), {}
    for st, vid, kind, rest in _records(entry):
        words = rest.split()
        vol = found.setdefault(vid, Volume(vid, None, []))
        try:
            if kind == 'PATH':
                if len(words) != 3:
                    raise InputError('a PATH record holds an FCP device, a WWPN and a LUN')
                fcp, wwpn, lun = (values.fcp_device(words[0]), values.wwpn(words[1]), values.lun(words[2]))
                if luns.setdefault(vid, lun) != lun:
                    raise InputError('LUN %s differs from the LUN %s of the volume' % (lun, luns[vid]))
                vol.lun = lun
                if (fcp, wwpn) not in vol.paths:
                    vol.paths.append((fcp, wwpn))
            elif kind == 'OPTS':
                if len(words) != 3 or words[1].upper() not in ('MP', 'NOMP') or \
                        words[2].upper() not in ('ROOT', 'DATA'):
                    raise InputError('an OPTS record holds an OS version, MP or NOMP, and ROOT or DATA')
                vol.os_version = None if words[0] == '-' else values.os_version(words[0])
                vol.multipath = words[1].upper() == 'MP'
                vol.is_root_volume = words[2].upper() == 'ROOT'
            else:
                if len(words) != 1:
                    raise InputError('a MOUNT record holds one part of a mount point')
                if not mounts.add(vid, words[0]):
                    vol.mount_point = values.mount_point(decode_mount(mounts.end(vid, words[0])))
        except InputError as e:
            problems.append('%s: %s' % (st.text.strip(), e))
    for vid in list(found):
        if not found[vid].paths:
            problems.append('volume %s has no PATH record: ignored' % vid)
            del found[vid]
    return found, problems


def volumes(entry):
    """The volumes recorded in ``entry`` (a DirectoryEntry), in the order
    of their first record."""
    return list(_read(entry)[0].values())


def problems(entry):
    """Messages about ZVMCLOUD VOLUME records that were ignored."""
    return _read(entry)[1]


def find(recorded, lun, wwpns):
    """The volume of ``recorded`` with LUN ``lun`` reached through any of
    ``wwpns``, or None."""
    for vol in recorded:
        if vol.lun == lun and set(vol.wwpns) & set(wwpns):
            return vol
    return None


def fcps_in_use(recorded, but=None):
    """The FCP devices the paths of ``recorded`` use, leaving out the volume with id ``but``."""
    return set(fcp for vol in recorded if vol.id != but for fcp in vol.fcps)


def put(entry, volume):
    """Record ``volume`` in ``entry``, replacing the records of its id;
    True if the entry changed."""
    new = texts(volume)
    for text in new:
        if len('* ' + text) > RECORD_LENGTH:     # pragma: no cover - texts() keeps within the record
            raise InputError('record %r is longer than %d columns' % (text, RECORD_LENGTH))
    old = [st for st, vid, _kind, _rest in _records(entry) if vid == volume.id]
    return replace(entry, old, new, key=lambda text: ' '.join(text.upper().split()))


def remove(entry, vid):
    """Remove the records of volume ``vid``; True if there were any."""
    old = [st for st, found, _kind, _rest in _records(entry) if found == vid.upper()]
    entry.remove_statements(old)
    return bool(old)
