# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """zvm_guest's fleet options (``guests``, ``max_connections``,
    ``unchanged_entries``: module_utils/fleet.py).  Kept here to keep
    plugins/modules/zvm_guest.py short; only zvm_guest uses it."""

    DOCUMENTATION = r'''
options:
  guests:
    description:
      - Many guests in one task, as an alternative to O(name). Each item declares one guest with the options
        of this module for one guest, C(name) (required), C(state), C(vcpus), C(max_vcpus), C(memory),
        C(max_memory), C(profile), C(password), C(logonby), C(ipl), C(account), C(disk_pool), C(disks),
        C(purge_disks), C(nics), C(purge_nics), C(stop_mode), C(stop_timeout), C(image), C(image_vdev),
        C(clone_from), C(redeploy) and the first-boot options, as described for them here.
      - The top-level options of the same names are the shared defaults; an item's own value wins when it is
        set (not null). A list (C(disks), C(nics), C(logonby)) in an item replaces the shared list whole.
      - Every item is checked before anything is read; a bad one fails the task naming it, for example
        C(guests[3].memory) (items are counted from 1). A name may appear only once.
      - Each guest then gets exactly the plan, actions, messages and result a run with O(name) would give it;
        they are returned in RV(results), in the order of the items.
      - SMAPI calls for the whole task are one Query_All_DM (or, when the server refuses it, one
        Image_Query_DM per guest) and one Image_Status_Query, plus what a single run reads beyond those for a
        guest that needs it (one Image_CPU_Query for a running guest declared V(started) or V(paused), one
        adapter query for a running guest with O(nics)) and what the changes need. A pool, profile or virtual
        switch is checked once for all the guests.
    type: list
    elements: dict
  max_connections:
    description:
      - With O(guests), how many guests are worked on at once, each on one SMAPI connection at a time (and how
        many directory entries are read at once when Query_All_DM is refused). V(1) does them one by one.
      - DirMaint makes directory changes one at a time anyway; CP work (logons, logoffs, the waits of soft
        stops) and the network round trips overlap.
    type: int
    default: 8
  unchanged_entries:
    description:
      - With O(guests), also return the directory entry (C(guest)) and, in diff mode, the C(diff) of the guests
        that did not change. By default their entries in RV(results) leave these out, which keeps the result of
        a large converged fleet small; their entries are as they were read (M(zvm.cloud.zvm_facts) with
        V(definitions) gives them too).
    type: bool
    default: false
'''
