# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a guest reads at its first boot, built on the controller with no I/O.

Images made for the z/VM Cloud Connector run a one-shot service,
``zvmguestconfigure``, before the network and cloud-init start.  It brings
the reader online and, for each class X file: unpacks a ``DOSCRIPT`` (a tar)
and runs its ``invokeScript.sh``; keeps a file named ``cfgdrive.iso`` and
attaches it as a loop device, for cloud-init's ConfigDrive datasource.  This
package builds those files:

- ``distros``: ``os_version`` ('rhel8.6', 'sles15sp4', 'ubuntu22.04') and
  what it means for file names and device names;
- ``networks``: ``guest_networks`` (zvmsdk's list of NIC dicts, plus
  IPv6, DHCP and MTU) checked and normalized, each error naming the field;
- ``netfiles``: the configuration files of each distribution (RHEL 7/8
  ifcfg, RHEL 9+ NetworkManager keyfiles, SLES ifcfg + routes + udev rules,
  Ubuntu netplan);
- ``doscript``: the ``network.doscript`` tar (numbered payload files
  ``0000``, ``0001``... and ``invokeScript.sh``);
- ``disks``: ``disk_info`` checked, and one set-up doscript per minidisk;
- ``configdrive``: the OpenStack config drive (ISO 9660 labelled
  ``config-2``), built with pycdlib, imported only when a drive is built.
- ``records``: the ``* ZVMCLOUD FIRSTBOOT digest`` record in a guest's
  directory entry that says its first-boot content was punched.

Everything is validated before anything is built; the SDK
(``sdk/firstboot.py``) punches the results through the access node.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type
