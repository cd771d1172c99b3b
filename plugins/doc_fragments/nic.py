# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """The options of one NIC: ``zvm.cloud.nic`` for zvm_nic's own options,
    ``zvm.cloud.nic.guest`` for the suboptions of zvm_guest's ``nics``.

    DOCUMENTATION is written here and must match planners/nics.py
    ``option_spec()``; GUEST is GENERATED from it by
    tools/gen_doc_fragments.py (ansible-test wants literal strings, so the
    text stands twice): do not edit GUEST by hand.
    tests/unit/plugins/test_doc_fragments.py checks both.
    """

    DOCUMENTATION = r'''
options:
  vdev:
    description:
      - The NIC's virtual device number, 1 to 4 hex digits. A QDIO NIC uses it and the next two.
      - Quote it in YAML, as in V("1000"); unquoted, a number with a leading zero is read as octal.
    type: str
    required: true
  vswitch:
    description:
      - The virtual switch the NIC couples to. When not set, the NIC is not coupled to any (an existing
        coupling is removed).
      - The switch must exist. To couple a running guest's NIC, the guest must be authorized on it
        (M(zvm.cloud.zvm_vswitch) O(zvm.cloud.zvm_vswitch#module:grants)); for the directory only, a
        guest that is not authorized only gets a warning (it couples at logon once granted).
    type: str
  vlan_id:
    description:
      - The VLAN ID (1 to 4094) on the NICDEF, for a VLAN-aware switch. When not set, the NICDEF has none.
    type: int
  port_type:
    description:
      - The port type on the NICDEF, for a VLAN-aware switch. When not set, the NICDEF has none (the
        guest's grant decides).
    type: str
    choices: [ACCESS, TRUNK]
  mac_address:
    description:
      - The NIC's MAC address, as V(02:00:00:AB:CD:EF), V(02-00-00-AB-CD-EF) or V(020000ABCDEF), or
        just the 6 hex digits of the NICDEF MACID. z/VM takes the last three bytes (MACID); the first
        three are the system's MAC prefix. When not set, the MACID is left as it is.
      - A running guest gets a new MACID at its next logon.
    type: str
  nic_id:
    description:
      - An identifier of the NIC for other tools (zvmsdk's nic_id, such as a port UUID), 1 to 56
        letters, digits and the characters C(._:@#$-). It is kept in the directory entry as the comment
        record C(*NICID vdev nic_id) after the NICDEF (in upper case, as the directory is), and compared
        without regard to case. When not set, it is left as it is.
    type: str
'''

    GUEST = r'''
options:
  nics:
    description:
      - The guest's QDIO NICs (NICDEF statements), each as M(zvm.cloud.zvm_nic) declares one; the same code
        does the work. Missing NICs are created, existing ones are made as declared.
      - A running guest's NICs are changed too (defined, coupled, uncoupled), as with
        M(zvm.cloud.zvm_nic) O(zvm.cloud.zvm_nic#module:active=true); for a guest that is off, the directory only.
      - NICs that exist but are not listed are removed only with O(zvm.cloud.zvm_guest#module:purge_nics=true).
    type: list
    elements: dict
    suboptions:
      vdev:
        description:
          - The NIC's virtual device number, 1 to 4 hex digits. A QDIO NIC uses it and the next two.
          - Quote it in YAML, as in V("1000"); unquoted, a number with a leading zero is read as octal.
        type: str
        required: true
      vswitch:
        description:
          - The virtual switch the NIC couples to. When not set, the NIC is not coupled to any (an existing
            coupling is removed).
          - The switch must exist. To couple a running guest's NIC, the guest must be authorized on it
            (M(zvm.cloud.zvm_vswitch) O(zvm.cloud.zvm_vswitch#module:grants)); for the directory only, a
            guest that is not authorized only gets a warning (it couples at logon once granted).
        type: str
      vlan_id:
        description:
          - The VLAN ID (1 to 4094) on the NICDEF, for a VLAN-aware switch. When not set, the NICDEF has none.
        type: int
      port_type:
        description:
          - The port type on the NICDEF, for a VLAN-aware switch. When not set, the NICDEF has none (the
            guest's grant decides).
        type: str
        choices: [ACCESS, TRUNK]
      mac_address:
        description:
          - The NIC's MAC address, as V(02:00:00:AB:CD:EF), V(02-00-00-AB-CD-EF) or V(020000ABCDEF), or
            just the 6 hex digits of the NICDEF MACID. z/VM takes the last three bytes (MACID); the first
            three are the system's MAC prefix. When not set, the MACID is left as it is.
          - A running guest gets a new MACID at its next logon.
        type: str
      nic_id:
        description:
          - An identifier of the NIC for other tools (zvmsdk's nic_id, such as a port UUID), 1 to 56
            letters, digits and the characters C(._:@#$-). It is kept in the directory entry as the comment
            record C(*NICID vdev nic_id) after the NICDEF (in upper case, as the directory is), and compared
            without regard to case. When not set, it is left as it is.
        type: str
'''
