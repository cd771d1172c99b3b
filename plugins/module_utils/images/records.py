# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a guest's disks were deployed from, kept in its directory entry as
comment records, so that every run and every tool sees it (no database):

    * ZVMCLOUD IMAGE <vdev> <image_name> <md5sum>       guest_deploy wrote the image to the disk
    * ZVMCLOUD CLONE <vdev> <source_userid> <source_vdev>  guest_clone_disk copied the disk

A directory record holds 72 columns, so an image name too long for one
record continues on the next: every record but the last ends its part of
the name with ``+`` (a character image names cannot have), and the last
has the rest and the md5sum (``directory.records.comment_texts``).  The records of a vdev replace any earlier
ones of that vdev, and go with its MDISK: ``DirectoryEntry.remove_mdisk``
removes them in the same change, ``guest_delete_disks`` right after
DirMaint deleted the disk, so a disk made again at that vdev is not taken
for a deployed one.  They are read back regardless of case (DirMaint may
upper-case a record); a record of a vdev that has no MDISK any more is
ignored.  No I/O here: the SDK writes them with ``entries.modify``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.zvm.cloud.plugins.module_utils import validation
from ansible_collections.zvm.cloud.plugins.module_utils.directory import records as comments

IMAGE = 'IMAGE'
CLONE = 'CLONE'
_RECORD_RE = re.compile(r'^\s*\*\s*ZVMCLOUD\s+(IMAGE|CLONE)\s+([0-9A-Fa-f]{1,4})\s+(\S+)(?:\s+(\S+))?\s*$',
                        re.IGNORECASE)


def _prefix(kind, vdev):
    return 'ZVMCLOUD %s %s ' % (kind, vdev)


def image_texts(vdev, image_name, md5sum):
    """The comment texts (without the ``* ``) that record ``image_name``
    (md5sum ``md5sum``) on disk ``vdev``."""
    return comments.comment_texts(_prefix(IMAGE, validation.vdev(vdev)), image_name, [md5sum])


def clone_texts(vdev, source_userid, source_vdev):
    return [_prefix(CLONE, validation.vdev(vdev)) + '%s %s' % (source_userid, validation.vdev(source_vdev))]


def _records(entry):
    """(statement, kind, vdev, first, second) of each ZVMCLOUD comment."""
    return [(st, m.group(1).upper(), m.group(2).upper().zfill(4), m.group(3), m.group(4))
            for st, m in comments.matching(entry, _RECORD_RE)]


def deployed(entry):
    """{vdev: {'vdev', 'image_name', 'md5sum', 'clone_of'}} of the disks of
    ``entry`` (a DirectoryEntry) that hold a deployed image (``clone_of``
    None) or a copy of another guest's disk (``image_name`` and ``md5sum``
    None; ``clone_of`` {'userid', 'vdev'}).  Only vdevs that still have an
    MDISK; the last complete record of a vdev counts."""
    out, parts = {}, comments.Continuations()
    for _st, kind, vdev, first, second in _records(entry):
        if kind == CLONE:
            if second:
                out[vdev] = {'vdev': vdev, 'image_name': None, 'md5sum': None,
                             'clone_of': {'userid': first.upper(), 'vdev': second.upper().zfill(4)}}
            parts.end(vdev)
        elif second is not None:
            out[vdev] = {'vdev': vdev, 'image_name': parts.end(vdev, first), 'md5sum': second.lower(),
                         'clone_of': None}
        elif not parts.add(vdev, first):
            parts.end(vdev)                     # a broken record: the parts before it do not count
    return dict((v, rec) for v, rec in out.items() if entry.find_mdisk(v) is not None)


def recorded_vdevs(entry):
    """The vdevs that have ZVMCLOUD records in ``entry``, whether or not
    they still have an MDISK."""
    return set(vdev for _st, _kind, vdev, _a, _b in _records(entry))


def replace(entry, vdev, texts):
    """Remove ``vdev``'s ZVMCLOUD records from ``entry`` and add ``texts``
    (from ``image_texts``/``clone_texts``; [] only removes); True if the
    entry changed."""
    vdev = validation.vdev(vdev)
    old = [st for st, _kind, v, _a, _b in _records(entry) if v == vdev]
    return comments.replace(entry, old, texts)
