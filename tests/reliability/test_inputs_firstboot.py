# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zvm_guest's first-boot options get the bad values of test_inputs.py (a
Unicode look-alike, a control or invisible character, non-ASCII digits, a
number of thousands of digits, an empty value): each item of
``networks`` (addresses, subnets, gateways, DNS, MTU, the NIC's vdev),
``hostname``, ``os_version``, ``ssh_authorized_keys`` and ``disks[].mount``;
the MTU (an int option, which AnsibleModule converts first) with chosen
values.

Each run is real (not check mode) and must end with a failure whose message
is one line and starts with the option's name, no traceback, no SMAPI
write, and nothing done on the node: nothing punched to any reader, no link
left, no file made (``test_inputs_images.refused``).  ``ZVM_RELIABILITY_EXAMPLES``
sets the draws per property as in test_inputs.py.
"""

import pytest
from hypothesis import given

from ansible_collections.zvm.cloud.plugins.modules import zvm_guest
from tests.reliability.test_inputs import _set, property_settings
from tests.reliability.test_inputs_images import BASE_IMAGE, DISK, made, refused, sim_node, table_options, world

__all__ = ['made', 'sim_node', 'world']     # the fixtures, used by name

KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFoGcXr0f0l2n8kYpQ7mCkH6G3Bv9ORJ6m6yLzY3nQ9x admin@example'
NETWORK = {'vdev': '1000', 'ip_addr': '192.168.95.10', 'cidr': '192.168.95.0/24', 'gateway_addr': '192.168.95.1',
           'dns_addr': ['192.168.95.53'], 'mtu': 1500, 'ipv6_addr': 'fd00:95::10', 'ipv6_cidr': 'fd00:95::/64',
           'ipv6_gateway_addr': 'fd00:95::1'}
GUEST = dict(name='RELFB01', memory='512M', image=BASE_IMAGE, os_version='ubuntu22.04', hostname='web01.example.com',
             ssh_authorized_keys=[KEY], networks=[NETWORK],
             disks=[DISK, {'vdev': '0200', 'size': '10', 'disk_pool': 'ECKD:POOL2', 'format': 'ext4',
                           'mount': '/data'}])
# (declaration, path, good value, the name the message must start with, empty means something, a number)
OPTIONS = [
    (GUEST, ('networks', 0, 'vdev'), '1000', 'networks[1].nic_vdev', False, True),
    (GUEST, ('networks', 0, 'ip_addr'), '192.168.95.10', 'networks[1].ip_addr', False, True),
    (GUEST, ('networks', 0, 'cidr'), '192.168.95.0/24', 'networks[1].cidr', False, True),
    (GUEST, ('networks', 0, 'gateway_addr'), '192.168.95.1', 'networks[1].gateway_addr', False, True),
    (GUEST, ('networks', 0, 'dns_addr', 0), '192.168.95.53', 'networks[1].dns_addr[0]', False, True),
    (GUEST, ('networks', 0, 'ipv6_addr'), 'fd00:95::10', 'networks[1].ipv6_addr', False, False),
    (GUEST, ('networks', 0, 'ipv6_cidr'), 'fd00:95::/64', 'networks[1].ipv6_cidr', False, True),
    (GUEST, ('networks', 0, 'ipv6_gateway_addr'), 'fd00:95::1', 'networks[1].ipv6_gateway_addr', False, True),
    (GUEST, ('hostname',), 'web01.example.com', 'hostname', True, False),
    (GUEST, ('os_version',), 'ubuntu22.04', 'os_version', True, True),
    (GUEST, ('ssh_authorized_keys', 0), KEY, 'ssh_authorized_keys[0]', False, False),
    (GUEST, ('disks', 1, 'mount'), '/data', 'disks[2].mount', True, False),
]


def test_the_good_values_are_accepted(run_module, world):
    res = run_module(zvm_guest, node=True, check=True, **GUEST)
    assert not res.failed, res['msg']
    names = [p['name'] for p in res['firstboot']['punched']]
    assert names == ['network.doscript', 'disk0200.doscript', 'cfgdrive.iso']


@given(table_options(OPTIONS))
@property_settings()
def test_first_boot_options_refuse_bad_input(run_module, sim, sim_node, world, case):
    base, path, bad, field = case
    refused(run_module, sim, sim_node, zvm_guest, _set(base, path, bad), field)


@pytest.mark.parametrize('bad, field', [
    ('\u0661\u0665\u0660\u0660', 'networks[1].mtu'),       # Arabic-Indic digits: AnsibleModule would take 1500
    ('\u00b9500', "argument 'mtu' is of type"),                # a superscript: AnsibleModule refuses it, naming mtu
    ('9' * 4400, 'networks[1].mtu'),
    ('67', 'networks[1].mtu'),
], ids=['arabic-indic', 'superscript', 'huge', 'too-small'])
def test_the_mtu_refuses_bad_input(run_module, sim, sim_node, world, bad, field):
    args = _set(GUEST, ('networks', 0, 'mtu'), bad)
    if field.startswith('argument'):
        res = run_module(zvm_guest, node=True, **args)
        assert res.failed and res['msg'].startswith(field) and res.writes == [], res.get('msg')
    else:
        refused(run_module, sim, sim_node, zvm_guest, args, field)
