# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""That a guest's first-boot content was punched to its reader, kept in its
directory entry as a comment record, so that every later run (from any
controller: there is no database) knows it and does not punch it again:

    * ZVMCLOUD FIRSTBOOT <digest>

``digest`` is 32 hexadecimal digits of the SHA-256 of the declared content
(``planners.firstboot.Declaration.digest``), written when the files were
punched.  A later run compares its own digest with it: the same content is
not punched again; other content is punched only when asked
(zvm_guest's ``reconfigure``).  One record per entry: a new one replaces
the old.  Read regardless of case (DirMaint may upper-case a record).  No
I/O here: the SDK writes it with ``entries.modify``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.zvm.cloud.plugins.module_utils.directory import records as comments
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError

TAG = 'ZVMCLOUD FIRSTBOOT'
_RECORD_RE = re.compile(r'^\s*\*\s*ZVMCLOUD\s+FIRSTBOOT(?:\s+(\S+))?\s*$', re.IGNORECASE)
_DIGEST_RE = re.compile(r'[0-9a-f]{32}')


def text(digest):
    """The comment text (without the ``* ``) that records ``digest``."""
    digest = str(digest).lower()
    if not _DIGEST_RE.fullmatch(digest):
        raise InputError('first-boot digest %r is not 32 hexadecimal digits' % (digest,))
    return '%s %s' % (TAG, digest)


def _records(entry):
    """(statement, digest or None) of each FIRSTBOOT record of ``entry``."""
    out = []
    for st, found in comments.matching(entry, _RECORD_RE):
        digest = (found.group(1) or '').lower()
        out.append((st, digest if _DIGEST_RE.fullmatch(digest) else None))
    return out


def punched(entry):
    """The digest of the content last punched to the guest of ``entry``
    (lower case), or None when no record says so (or it does not parse)."""
    found = _records(entry)
    return found[-1][1] if found else None


def replace(entry, digest, as_written=lambda t: t):
    """Make ``digest`` the entry's one FIRSTBOOT record (``as_written``: the
    text as the directory will keep it); True if the entry changed."""
    old = [st for st, _digest in _records(entry)]
    return comments.replace(entry, old, [as_written(text(digest))])
