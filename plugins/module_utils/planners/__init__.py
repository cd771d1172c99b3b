# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Planners: what is declared against what is there.

Each planner checks a declaration (raising ``InputError`` naming the field)
and compares it with the state the operations read, producing the changes
to make, their descriptions and the predicted end state.  Planners talk to
nobody: reads and writes are the operations' job (``operations/``).

    disks.py      minidisks: the zvmsdk disk_list format, specs, matching
    guests.py     a guest's directory settings, disks, NICs and power state
    nics.py       a guest's NIC in the directory and on the running guest
    vswitches.py  a virtual switch's attributes and access list
    volumes.py    an FCP volume of a guest: its FCP devices, the running guest, the records
    firstboot.py  zvm_guest's first-boot content: checked, its digest, whether to punch, the reader files
"""
