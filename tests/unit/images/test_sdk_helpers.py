# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SDK image methods' pure helpers: URLs, which disks an image goes to,
the root disk of a guest, transfer figures, image_meta checks."""

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils import directory
from ansible_collections.zvm.cloud.plugins.module_utils.images import format as fmt
from ansible_collections.zvm.cloud.plugins.module_utils.images import repository as repo
from ansible_collections.zvm.cloud.plugins.module_utils.sdk import deploy, image
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.api import SDKAPI
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import (
    SDKFunctionNotImplementError, SDKInvalidInputFormat, SDKObjectNotExistError,
)

MD5 = '0' * 32
SHA = '1' * 64


def entry(*records):
    return directory.parse(['USER LINUX01 PASSW0RD 1G 2G G'] + list(records))


def meta(kind='rootonly', vdevs=('0100',)):
    disks = [repo.disk_record(v, fmt.Header(fmt.CKD_BLOCKS, 10, 'CYL', 6, 512), 100, MD5, SHA) for v in vdevs]
    return repo.build_metadata('img', 'rhel9', disks, root_vdev=vdevs[0], capture_type=kind)


def test_urls():
    assert image.url_scheme('HTTPS://x/y') == 'https'
    assert image.file_url_path('file:///var/img%20s/a.img') == '/var/img s/a.img'
    assert image.file_url_path('file://localhost/a') == '/a'
    for bad in ('file://host/a', 'file:///dir/', 'file:relative'):
        with pytest.raises(SDKInvalidInputFormat, match='a file URL names an absolute path'):
            image.file_url_path(bad)
    with pytest.raises(SDKInvalidInputFormat, match="no backend found for 'ftp'"):
        image.url_scheme('ftp://x/y')
    with pytest.raises(SDKInvalidInputFormat, match='expected a URL'):
        image.url_scheme(None)


def test_checksums_from_image_meta():
    assert image._checksum(' ABCDEF0123456789ABCDEF0123456789 ', 32, 'md5sum') == 'abcdef0123456789abcdef0123456789'
    assert image._checksum(None, 32, 'md5sum') == image.NO_CHECKSUM == image._checksum('', 64, 'sha256sum')
    with pytest.raises(SDKInvalidInputFormat, match='image_meta md5sum'):
        image._checksum('xyz', 32, 'md5sum')


def test_uncompressed_data_must_fit_its_header():
    header = fmt.Header(fmt.FBA_DISK, 2, 'BLK', 0, 512)
    image._check_data_size(header, 512 + 1024, 'a')
    with pytest.raises(SDKInvalidInputFormat, match='1025 bytes of data do not fit the disk of 2 BLK'):
        image._check_data_size(header, 512 + 1025, 'a')
    image._check_data_size(header._replace(gzip=6), 10 ** 9, 'a')          # compressed: the agent checks


def test_root_disk_of_a_guest():
    assert deploy.root_vdev_of(entry('IPL 0201', 'MDISK 0100 3390 1 10 LX0100 MR',
                                     'MDISK 0201 3390 11 10 LX0100 MR')) == '0201'
    assert deploy.root_vdev_of(entry('IPL CMS', 'MDISK 0300 9336 V-DISK 100 MR',
                                     'MDISK 0200 3390 1 10 LX0100 MR')) == '0200'
    with pytest.raises(SDKObjectNotExistError, match='has no minidisk'):
        deploy.root_vdev_of(entry('MDISK 0300 9336 V-DISK 100 MR'))


def test_deploy_targets():
    e = entry('MDISK 0100 3390 1 10 LX0100 MR', 'MDISK 0101 3390 11 10 LX0100 MR', 'MDISK 0102 9336 V-DISK 10 MR')
    assert [v for v, _d in deploy.deploy_targets(e, meta())] == ['0100']
    assert [v for v, _d in deploy.deploy_targets(e, meta(), '0101')] == ['0101']
    both = meta('alldisks', ('0100', '0101'))
    assert [(v, d['vdev']) for v, d in deploy.deploy_targets(e, both)] == [('0100', '0100'), ('0101', '0101')]
    with pytest.raises(SDKInvalidInputFormat, match='0101 is also a disk of the alldisks image'):
        deploy.deploy_targets(e, both, '0101')
    with pytest.raises(SDKObjectNotExistError, match='has no minidisk 0102 to deploy image img to'):
        deploy.deploy_targets(e, meta(), '0102')          # a V-DISK keeps nothing


def test_transfer_figures():
    assert deploy.transfer_figures(10 ** 8, 2.0) == {'bytes': 10 ** 8, 'seconds': 2.0, 'mb_per_s': 50.0}
    assert deploy.transfer_figures(5, 0) == {'bytes': 5, 'seconds': 0.0, 'mb_per_s': None}


def test_input_is_checked_before_the_node_is_needed():
    sdk = SDKAPI(client=object())
    with pytest.raises(SDKInvalidInputFormat, match='image_name'):
        sdk.image_import('../x', 'file:///a', {'os_version': 'rhel9'})
    with pytest.raises(SDKInvalidInputFormat, match='os_version'):
        sdk.image_import('x', 'file:///a', {})
    with pytest.raises(SDKInvalidInputFormat, match="capture_type: 'some' must be"):
        sdk.guest_capture('LINUX01', 'x', capture_type='some')
    with pytest.raises(SDKInvalidInputFormat, match='compress_level: 10 must be 0 to 9'):
        sdk.guest_capture('LINUX01', 'x', compress_level=10)
    with pytest.raises(SDKFunctionNotImplementError, match='hostname needs'):
        sdk.guest_deploy('LINUX01', 'x', hostname='h')
    with pytest.raises(SDKFunctionNotImplementError, match='guest_deploy needs an access node'):
        sdk.guest_deploy('LINUX01', 'x')


def test_transport_files_are_checked_before_a_disk_is_written(tmp_path):
    good = tmp_path / 'cfgdrive.iso'
    good.write_bytes(b'x')
    deploy._check_transport(str(good), None)
    deploy._check_transport('/elsewhere/cfgdrive.iso', 'user@host')
    with pytest.raises(SDKInvalidInputFormat, match='is not a file on the machine the SDK runs on'):
        deploy._check_transport(str(tmp_path / 'missing.iso'), None)
    with pytest.raises(SDKInvalidInputFormat, match='not a spool file name'):
        deploy._check_transport('/x/my-long-config-drive.iso', 'user@host')
