# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Image_Volume_Space_Query_DM's free space leaves out the space a running
guest still has attached after its MDISK was deleted: DirMaint does not
hand that space out (``dasd.busy_extents``), so it must not be reported
free either, or a tool planning from the free list would pick space that
the next allocation refuses (408/24)."""

import pytest

from tests.zvmsim.conftest import smapi_for
from tests.zvmsim.test_disks import create_dm, delete_dm, pool_config, rcrs, space


@pytest.fixture
def psmapi(make_sim):
    return smapi_for(make_sim(pool_config()))


def free(psmapi, entry_type, names):
    return [r.split()[:4] for r in space(psmapi, 2, entry_type, names)]


def test_space_a_running_guest_still_holds_is_not_free(psmapi):
    assert rcrs(create_dm(psmapi, 'LINUX01', '0200', 30)) == (0, 0)            # TP0001 cylinders 1-30
    assert rcrs(psmapi('Image_Disk_Create', 'LINUX01', image_disk_number='0200', image_disk_mode='MR')) == (0, 0)
    assert rcrs(delete_dm(psmapi, 'LINUX01', '0200')) == (0, 0)                 # still attached
    for entry_type, names in ((1, 'TP0001'), (2, 'TP0001'), (3, 'TPOOL')):
        assert free(psmapi, entry_type, names)[0] == ['TP0001', '3390', '31', '70'], entry_type
    # what the free list says is what an allocation gets
    assert rcrs(create_dm(psmapi, 'LINUX01', '0201', 70)) == (0, 0)
    assert rcrs(delete_dm(psmapi, 'LINUX01', '0201')) == (0, 0)
    assert rcrs(psmapi('Image_Disk_Delete', 'LINUX01', image_disk_number='0200')) == (0, 0)    # detached
    assert free(psmapi, 3, 'TPOOL')[0] == ['TP0001', '3390', '1', '100']
