# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run by Debian's /usr/bin/python3 (where cloud-init is installed), not by
pytest: read an extracted config drive with cloud-init's own code and print
what it found as JSON.

    python3 cloudinit_reader.py DRIVE_DIR OUT_DIR

- ``DataSourceConfigDrive.read_config_drive(DRIVE_DIR)``: the metadata, user
  data and network data cloud-init takes from the drive;
- ``helpers.openstack.convert_net_json``: network_data.json as cloud-init's
  network config (version 1), with no MAC addresses known (the NICs are
  named by the drive's links);
- that config rendered by cloud-init's netplan renderer into
  OUT_DIR/netplan and by its sysconfig renderer, with the RHEL and the
  openSUSE/SLES settings of cloud-init's distro classes, into OUT_DIR/rhel
  and OUT_DIR/suse.  Every path is relative to OUT_DIR: nothing is written
  outside it.
"""

import json
import os
import sys

from cloudinit.distros import opensuse, rhel
from cloudinit.net import netplan, network_state, sysconfig
from cloudinit.sources import DataSourceConfigDrive
from cloudinit.sources.helpers import openstack


def main(drive, out):
    found = DataSourceConfigDrive.read_config_drive(drive)
    user_data = found.get('userdata')
    if isinstance(user_data, bytes):
        user_data = user_data.decode('utf-8')
    result = {'metadata': found.get('metadata'), 'userdata': user_data, 'networkdata': found.get('networkdata')}
    if found.get('networkdata'):
        config = openstack.convert_net_json(found['networkdata'], known_macs={})
        result['network_config'] = config
        state = network_state.parse_net_config_data(config)
        netplan.Renderer({'netplan_path': 'etc/netplan/50-cloud-init.yaml', 'postcmds': False,
                          'clean_default': False}).render_network_state(state, target=os.path.join(out, 'netplan'))
        for name, distro in (('rhel', rhel.Distro), ('suse', opensuse.Distro)):
            settings = dict(distro.renderer_configs['sysconfig'])
            sysconfig.Renderer(settings).render_network_state(state, target=os.path.join(out, name))
    json.dump(result, sys.stdout, default=str)


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
