# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zvm_volume's options get the bad values of test_inputs.py (a Unicode
look-alike, a control or invisible character, non-ASCII digits, an empty
value): each run must fail with one line naming the option, and write
nothing.  The good values are accepted (in check mode)."""

from hypothesis import given

from ansible_collections.zvm.cloud.plugins.modules import zvm_volume
from tests.reliability.test_inputs import _set, options, property_settings, refused

VOLUME = dict(guest='LINUX02', lun='4001400000000000', wwpns=['500507680b21ac40', '0x500507680B22AC40'],
              fcp_devices=['1a00', '1b00'], mount_point='/dev/data01', os_version='rhel9')
# (path, good value, the name the message must give, an empty value means something, it is a number)
VOLUME_OPTIONS = [
    (('guest',), 'LINUX02', 'guest', False, False),
    (('lun',), '4001400000000000', 'lun', False, False),
    (('lun',), '0x4001400000000000', 'lun', False, False),
    (('wwpns', 0), '500507680b21ac40', 'wwpns', False, False),
    (('wwpns', 1), '0x500507680B22AC40', 'wwpns', False, False),
    (('fcp_devices', 0), '1a00', 'fcp_devices', False, False),
    (('fcp_devices', 1), '1b00', 'fcp_devices', False, False),
    (('mount_point',), '/dev/data01', 'mount_point', False, False),
    (('os_version',), 'rhel9', 'os_version', False, False),
]


@given(options(VOLUME_OPTIONS))
@property_settings()
def test_volume_options_refuse_bad_input(run_module, sim, case):
    path, bad, field, _good = case
    refused(run_module, sim, zvm_volume, _set(VOLUME, path, bad), field)


def test_the_volume_declaration_spoiled_above_is_accepted(run_module):
    for path, good, _field, _empty_ok, _numeric in VOLUME_OPTIONS:
        res = run_module(zvm_volume, check=True, **_set(VOLUME, path, good))
        assert not res.failed and res['changed'], (path, good, res.get('msg'))
