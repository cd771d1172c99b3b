# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""operations.disks.copy_dm (Image_Disk_Copy_DM) with a scripted client:
its parameters and what its codes mean."""

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.operations import disks
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import SDKConflictError, SDKObjectNotExistError
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.errors import SmapiRequestError
from tests.unit.plugins.module_utils.scripted import session_with


@pytest.fixture(autouse=True)
def private_lock_dir(tmp_path, monkeypatch):
    monkeypatch.setattr('tempfile.tempdir', str(tmp_path))


def test_copy_dm_parameters_and_lock_wait():
    session, clock = session_with([(400, 12), (0, 0)])
    disks.copy_dm(session, 'NEW1', '0100', 'GOLD', '0100', 'AUTOG', 'POOL1', 'MR')
    assert session.client.functions() == ['Image_Disk_Copy_DM'] * 2 and clock.slept == [0.2]
    params = session.client.params()
    assert params['image_disk_number'] == '0100' and params['source_image_name'] == 'GOLD'
    assert params['source_image_disk_number'] == '0100'
    assert (params['image_disk_allocation_type'], params['allocation_area_name_or_volser']) == ('AUTOG', 'POOL1')
    assert params['image_disk_mode'] == 'MR' and session.client.history[-1]['target'] == 'NEW1'


@pytest.mark.parametrize('rc,rs,error,message', [
    (400, 4, SDKObjectNotExistError, "Guest 'NEW1' or 'GOLD' does not exist"),
    (408, 8, SDKObjectNotExistError, "Guest 'GOLD' has no minidisk 0100 to copy"),
    (408, 4, SDKConflictError, "Guest 'NEW1' already has a device 0100"),
    (408, 24, SmapiRequestError, 'RC 408 RS 24'),
])
def test_copy_dm_codes(rc, rs, error, message):
    session, _clock = session_with([(rc, rs)])
    with pytest.raises(error, match=message):
        disks.copy_dm(session, 'NEW1', '0100', 'GOLD', '0100')
