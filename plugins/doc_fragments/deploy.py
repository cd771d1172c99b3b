# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """zvm_guest's options for a guest it deploys: the system (``image``,
    ``image_vdev``, ``clone_from``, ``redeploy``: module_utils/guest_images.py)
    and what the guest reads at its first boot (``networks``, ``hostname``,
    ``ssh_authorized_keys``, ``user_data``, ``config_drive``, ``os_version``,
    ``reconfigure``: module_utils/guest_firstboot.py).  Kept here to keep
    plugins/modules/zvm_guest.py short; only zvm_guest uses it."""

    DOCUMENTATION = r'''
options:
  image:
    description:
      - An image of the repository on the access node (M(zvm.cloud.zvm_image)), written by the node to the boot
        disk (O(image_vdev)) when this task makes that disk (creates the guest or the disk), while the guest is
        off. A disk that exists is left as it is (with a warning) unless O(redeploy=true); the directory entry
        records what each disk holds (RV(deployed)). A disk too small or of the other kind is refused before
        anything changes; when the write fails, the new guest or disk is removed again. Excludes O(clone_from).
    type: str
  image_vdev:
    description:
      - The disk O(image) or O(clone_from) goes to. Default the IPL disk, else the first minidisk.
    type: str
  clone_from:
    description:
      - Make the boot disk (O(image_vdev)) as DirMaint's copy of a golden guest's minidisk (no access node), when
        the guest lacks it, with the same device type and size, in the pool of that disk in O(disks) or O(disk_pool).
        Excludes O(image).
    type: dict
    suboptions:
      guest:
        description: The golden guest.
        type: str
        required: true
      vdev:
        description: Its minidisk to copy. Default its IPL disk, else its first minidisk.
        type: str
  redeploy:
    description:
      - Write O(image) to an existing disk that does not hold it already (by its record, the same name and md5),
        overwriting what is there.
    type: bool
    default: false
  networks:
    description:
      - First boot. The guest's network interfaces, configured inside the guest at its first boot, for a guest
        deployed with O(image) or O(clone_from). Each item is a NIC, made in the directory as O(nics) makes one
        (a NIC in both lists is made as O(nics) says), and its addresses, as the SDK's
        C(guest_create_network_interface) takes them (C(docs/first-boot.md) in the collection).
      - Unless O(config_drive=true), the distribution's own files (RHEL ifcfg or NetworkManager keyfiles, SLES
        ifcfg, Ubuntu netplan) go to the guest's reader as C(network.doscript), which the image's
        C(zvmguestconfigure) runs at boot; with O(config_drive=true), cloud-init reads them from the config drive.
      - The default route of each address family goes through the first NIC that has a gateway for it.
    type: list
    elements: dict
    suboptions:
      nic_vdev:
        description: The NIC's virtual device number (it uses the next two as well).
        type: str
        required: true
        aliases: [vdev]
      vswitch:
        description: The virtual switch the NIC couples to.
        type: str
      vlan_id:
        description: The NIC's VLAN (1 to 4094), on the NICDEF, with O(networks[].vswitch).
        type: int
      nic_id:
        description: An identifier recorded with the NIC, as O(nics[].nic_id).
        type: str
      mac_addr:
        description: The NIC's MAC address (z/VM takes its last three bytes as the MACID).
        type: str
      method:
        description: How the NIC gets its IPv4 address. Default V(static) when O(networks[].ip_addr) is set.
        type: str
        choices: [static, dhcp]
      ip_addr:
        description: The static IPv4 address, with O(networks[].cidr).
        type: str
      cidr:
        description: The IPv4 subnet, such as V(192.168.95.0/24).
        type: str
      gateway_addr:
        description: The IPv4 gateway, an address in the subnet.
        type: str
      dns_addr:
        description: DNS servers (IPv4 or IPv6 addresses).
        type: list
        elements: str
      mtu:
        description: The MTU (68 to 65535; 1280 at least with IPv6). Written only when set.
        type: int
      ipv6_method:
        description:
          - V(static) (the default when O(networks[].ipv6_addr) is set), V(dhcp) (DHCPv6) or V(auto) (router
            advertisements).
        type: str
        choices: [static, dhcp, auto]
      ipv6_addr:
        description: The static IPv6 address, with O(networks[].ipv6_cidr).
        type: str
      ipv6_cidr:
        description: The IPv6 subnet, such as V(fd00:95::/64).
        type: str
      ipv6_gateway_addr:
        description: The IPv6 gateway, in the subnet or link-local (V(fe80::1)).
        type: str
  hostname:
    description:
      - First boot. The guest's host name (RFC 1123), set with the network files and on the config drive.
    type: str
  ssh_authorized_keys:
    description:
      - First boot. SSH public keys (one line each) for the image's default user, through a cloud-init config
        drive (C(cfgdrive.iso)). A private key is refused without being shown.
    type: list
    elements: str
  user_data:
    description:
      - First boot. cloud-init user data (a C(#cloud-config) document, a script, ...) on the config drive.
      - It may hold secrets, so it is never shown; results and diffs give its size and SHA-256.
    type: str
  config_drive:
    description:
      - V(true) puts everything, O(networks) too (as C(network_data.json)), on a cloud-init config drive (an ISO 9660
        image labelled C(config-2), built on the controller and punched as C(cfgdrive.iso)).
      - V(false) writes O(networks) as the distribution's files (C(network.doscript)); a config drive is punched
        too when there are O(ssh_authorized_keys) or O(user_data) (or a O(hostname) without O(networks)).
    type: bool
    default: false
  os_version:
    description:
      - The guest's distribution and release for the network files, as zvmsdk writes it (V(rhel9.4), V(sles15sp5),
        V(ubuntu22.04)). Default the C(os_version) of O(image) in the repository; required for O(networks) with
        O(clone_from).
    type: str
  reconfigure:
    description:
      - The first-boot content (O(networks), O(hostname), O(ssh_authorized_keys), O(user_data), O(config_drive),
        O(os_version), C(disks[].mount) and the swap disks) is punched to the guest's reader once, by the task that
        deploys the guest's system, before its first start; the directory entry records a digest of it
        (RV(firstboot)). A later task with the same content does nothing; with other content it warns and
        changes nothing, unless O(reconfigure=true), which punches it again; the guest reads it at its
        next boot.
    type: bool
    default: false
notes:
  - First boot needs an image made for IBM's z/VM Cloud Connector (its C(zvmguestconfigure) service reads class X
    reader files at boot) and the access node, which punches the files. A disk with C(format) V(ext2), V(ext3),
    V(ext4), V(xfs) (or V(swap) in a pool) gets its file system from the access node when the disk is created
    (C(dasdfmt) and C(fdasd) first on a CKD disk); a disk's C(mount) is where the guest mounts it at first boot.
'''
