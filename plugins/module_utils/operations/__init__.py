# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Operations: one small named function per SMAPI interaction.

Each function names its SMAPI function and says, once, what its return and
reason codes mean ("delete entry: 400/4 means it was already gone, returns
False").  Callers never see an rc/rs pair for an outcome the operation
expects; anything else is raised as ``SmapiRequestError`` with IBM's
meaning.  Grouped by resource, in the style of amazon.aws's per-service
modules:

    session.py    the SMAPI client, lock waits, the host lock, call counts
    entries.py    directory entries (Image_Query_DM, Image_Create_DM, ...)
    power.py      CP power state (Image_Activate, Image_Status_Query, ...)
    disks.py      minidisks and DirMaint pools (Image_Disk_*, Image_Volume_Space_*)
    vswitches.py  virtual switches and their access lists (Virtual_Network_Vswitch_*)
    adapters.py   a guest's NICs (Virtual_Network_Adapter_*)
    host.py       the system: performance, spool, name lists
    fcp.py        FCP devices: the queries, and dedicating one to a guest (directory and CP)

Every function takes a ``Session`` first.  Nothing above this layer calls
``Session.call`` with a SMAPI function name.
"""
