# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""planners.images: zvm_image's declaration and plan, and which disk of a
guest an image or a clone goes to, with no z/VM and no access node."""

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils import directory
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.planners import disks as disk_specs
from ansible_collections.zvm.cloud.plugins.module_utils.planners import images
from tests.integration import checkmode

MD5 = '0123456789abcdef0123456789abcdef'
SHA = 'ab' * 32
URL = 'file:///var/images/rhel9.img'


def declare(**options):
    params = {'name': 'rhel9-base', 'state': 'present', 'force': False}
    params.update(options)
    return images.declaration(params)


def meta(name='rhel9-base', md5=MD5, **more):
    out = {'imagename': name, 'imageosdistro': 'rhel9.4', 'md5sum': md5, 'sha256sum': SHA,
           'disk_size_units': '10:CYL', 'image_size_in_bytes': '4096', 'type': 'rootonly', 'format': 'CKD_BLOCKS',
           'root_vdev': '0100', 'comments': None, 'image_path': '/r/netboot/rhel9.4/%s/0100' % name,
           'last_access_time': 1.0,
           'disks': [{'vdev': '0100', 'file': '0100', 'disk_size_units': '10:CYL', 'image_size_in_bytes': 4096,
                      'md5sum': md5, 'format': 'CKD_BLOCKS', 'header_len': 512, 'gzip': 6}]}
    out.update(more)
    return out


# -- the declaration ---------------------------------------------------------------------------------------

@pytest.mark.parametrize('text, expected', [
    (MD5, ('md5', MD5)),
    ('MD5:' + MD5.upper(), ('md5', MD5)),
    ('sha256:' + SHA, ('sha256', SHA)),
])
def test_checksum_forms(text, expected):
    assert images.checksum(text) == expected


@pytest.mark.parametrize('options, message', [
    (dict(name='-bad'), '^name: '),
    (dict(name='a b'), '^name: '),
    (dict(name='x' * 101), '^name: '),
    (dict(name='r\u0131hel'), '^name: .*printable ASCII'),
    (dict(url=URL), '^os_version: required to import'),
    (dict(url=URL, os_version='RHEL 9'), '^os_version: '),
    (dict(url='ftp://host/x.img', os_version='rhel9'), '^url: .* is not a file://, http:// or https:// URL'),
    (dict(url='file://host/x.img', os_version='rhel9'), '^url: .*absolute path'),
    (dict(url='https:///x.img', os_version='rhel9'), '^url: .* has no host'),
    (dict(url=URL, os_version='rhel9', checksum='md5:123'), '^checksum: .* is not a checksum'),
    (dict(url=URL, os_version='rhel9', checksum='sha1:' + 'a' * 40), '^checksum: '),
    (dict(url=URL, os_version='rhel9', disk_size='10G'), '^disk_size: goes with disk_type'),
    (dict(url=URL, os_version='rhel9', disk_type='SCSI'), "^disk_type: 'SCSI' is not ECKD or FBA"),
    (dict(url=URL, os_version='rhel9', disk_type='ECKD', disk_size='lots'), '^disk_size: '),
    (dict(url=URL, os_version='rhel9', capture_from='GOLD'), '^url: .*not both'),
    (dict(checksum=MD5), '^checksum: only used with url'),
    (dict(capture_type='alldisks'), '^capture_type: only used with capture_from'),
    (dict(compress_level=6), '^compress_level: only used with capture_from'),
    (dict(dest_url='file:///x'), '^dest_url: only used with state: exported'),
    (dict(state='exported'), '^dest_url: required with state: exported'),
    (dict(state='exported', dest_url='https://h/x'), '^dest_url: .*file:// URL'),
    (dict(state='absent', url=URL, os_version='rhel9'), '^url: not used with state: absent'),
    (dict(capture_from='SYSTEM'), '^capture_from: .*reserved'),
    (dict(capture_from='GOLD', compress_level=10), '^compress_level: 10 is not a gzip level from 0 to 9'),
    (dict(remote_host='user@host'), '^remote_host: only with a file:// url or dest_url'),
    (dict(url='https://h/x.img', os_version='rhel9', remote_host='u@h'), '^remote_host: only with a file://'),
    (dict(url=URL, os_version='rhel9', remote_host='u@h;rm -rf'), '^remote_host: .* is not a host'),
    (dict(comments='two\nlines'), '^comments: must not contain control characters'),
    (dict(state='gone'), "^state: 'gone' is not one of"),
])
def test_bad_declarations_name_the_option(options, message):
    with pytest.raises(InputError, match=message):
        declare(**options)


def test_declaration_in_canonical_form():
    d = declare(url=URL, os_version='RHEL9.4', checksum='SHA256:' + SHA.upper(), disk_type='dasd', disk_size='10G',
                remote_host='builder@[::1]', comments='golden')
    assert (d['os_version'], d['checksum'], d['disk_type']) == ('rhel9.4', ('sha256', SHA), 'ECKD')
    assert d['disk_size'] == '14564:CYL'
    assert images.image_meta(d) == {'os_version': 'rhel9.4', 'sha256sum': SHA, 'disk_type': 'ECKD',
                                    'disk_size_units': '14564:CYL', 'comments': 'golden'}
    capture = declare(capture_from='gold')
    assert (capture['capture_from'], capture['capture_type'], capture['compress_level']) == ('GOLD', 'rootonly', 6)
    assert declare(url=URL, os_version='rhel9', disk_type='FBA', disk_size='1G')['disk_size'] == '2097152:BLK'


# -- the plan -----------------------------------------------------------------------------------------------

def kinds(plan):
    return [k for k, _a in plan.steps]


def test_import_when_missing_and_not_when_present_with_the_checksum():
    d = declare(url=URL, os_version='rhel9.4', checksum=MD5)
    new = images.plan_image(None, d, image_path='/r/netboot/rhel9.4/rhel9-base/0100')
    assert new.steps == [('import', 'import image rhel9-base from %s' % URL)]
    assert new.predicted['md5sum'] == MD5 and new.predicted['sha256sum'] == images.KNOWN_AFTER_RUN
    assert new.predicted['image_size_in_bytes'] == images.KNOWN_AFTER_RUN
    assert new.predicted['image_path'] == '/r/netboot/rhel9.4/rhel9-base/0100'
    same = images.plan_image(meta(), d)
    assert same.steps == [] and same.predicted['image_size_in_bytes'] == 4096
    assert kinds(images.plan_image(meta(), declare(url=URL, os_version='rhel9.4'))) == []
    elsewhere = images.plan_image(meta(), declare(url=URL, os_version='rhel9.2', checksum=MD5))
    assert elsewhere.steps == [] and 'under os_version rhel9.4, not rhel9.2' in elsewhere.notes[0]


def test_another_checksum_or_force_imports_again():
    other = images.plan_image(meta(md5='f' * 32), declare(url=URL, os_version='rhel9.4', checksum=MD5))
    assert other.steps == [('delete', 'delete image rhel9-base (its md5 differs from checksum)'),
                           ('import', 'import image rhel9-base from %s' % URL)]
    forced = images.plan_image(meta(), declare(url=URL, os_version='rhel9.4', checksum=MD5, force=True))
    assert kinds(forced) == ['delete', 'import']
    unknown = images.plan_image(meta(sha256sum=''), declare(url=URL, os_version='rhel9.4', checksum='sha256:' + SHA))
    assert unknown.steps == [] and 'records no sha256' in unknown.notes[0]


def test_missing_image_without_a_source_is_an_error_naming_url():
    with pytest.raises(InputError, match='^url: image rhel9-base is not in the repository'):
        images.plan_image(None, declare())
    assert images.plan_image(meta(), declare()).steps == []


def test_capture_absent_and_export():
    cap = images.plan_image(None, declare(capture_from='GOLD', compress_level=1), capture_vdev='0100',
                            capture_os='rhel9.4', image_path='/p')
    assert cap.steps == [('capture', 'capture image rhel9-base from GOLD (disk 0100, gzip level 1)')]
    assert (cap.predicted['imageosdistro'], cap.predicted['root_vdev']) == ('rhel9.4', '0100')
    assert images.plan_image(meta(), declare(capture_from='GOLD')).steps == []
    assert kinds(images.plan_image(meta(), declare(capture_from='GOLD', force=True), capture_vdev='0100')) == \
        ['delete', 'capture']
    assert kinds(images.plan_image(meta(), declare(state='absent'))) == ['delete']
    assert images.plan_image(None, declare(state='absent')).steps == []
    exported = declare(state='exported', dest_url='file:///backup/x.img')
    assert kinds(images.plan_image(meta(), exported, exported=False)) == ['export']
    assert kinds(images.plan_image(meta(), exported, exported=True)) == []
    again = declare(state='exported', dest_url='file:///backup/x.img', url=URL, os_version='rhel9.4', checksum=MD5)
    assert kinds(images.plan_image(None, again)) == ['import', 'export']


def test_diff_text_leaves_out_what_the_run_alone_tells():
    predicted = images.predicted_new(declare(url=URL, os_version='rhel9.4'), '/r/netboot/rhel9.4/rhel9-base/0100')
    real = images.image_view(meta())
    assert images.diff_text(predicted) == images.diff_text(real, predicted)
    assert 'md5sum' not in images.diff_text(predicted) and 'imagename: rhel9-base' in images.diff_text(predicted)
    assert images.diff_text(None) == ''
    assert images.image_view(meta())['image_size_in_bytes'] == 4096


def test_known_after_run_matches_any_value_in_the_check_mode_comparison():
    assert checkmode.KNOWN_AFTER_RUN == images.KNOWN_AFTER_RUN
    predicted = {'changed': True, 'actions': ['a'], 'transfer': images.KNOWN_AFTER_RUN,
                 'image': {'imagename': 'x', 'md5sum': images.KNOWN_AFTER_RUN}}
    real = {'changed': True, 'actions': ['a'], 'transfer': {'bytes': 1}, 'image': {'imagename': 'x', 'md5sum': MD5}}
    checkmode.compare_results('zvm_image', predicted, real)
    real['image']['imagename'] = 'y'
    with pytest.raises(checkmode.CheckModeMismatch, match='image: predicted'):
        checkmode.compare_results('zvm_image', predicted, real)


def test_add_transfer_sums_figures():
    total = images.add_transfer(None, {'bytes': 10 ** 6, 'seconds': 0.5, 'mb_per_s': 2.0})
    total = images.add_transfer(total, {'bytes': 10 ** 6, 'seconds': 1.5, 'mb_per_s': 0.7})
    assert total == {'bytes': 2 * 10 ** 6, 'seconds': 2.0, 'mb_per_s': 1.0}
    assert images.add_transfer(None, None) is None


# -- images on guests -------------------------------------------------------------------------------------

GUEST = ['USER LINUX01 LBYONLY 1G 2G G', 'IPL 0200', 'MDISK 0100 3390 1 10 LX0100 MR',
         'MDISK 0101 FB-512 V-DISK 1000 MR', 'MDISK 0200 3390 11 20 LX0100 MR']


def test_deploy_target_is_the_declared_then_ipl_then_first_minidisk():
    entry = directory.parse(GUEST)
    assert images.deploy_target(entry) == '0200'
    assert images.deploy_target(entry, '100') == '0100'
    with pytest.raises(InputError, match='^image_vdev: guest LINUX01 has no minidisk 0101'):
        images.deploy_target(entry, '0101')        # a V-DISK
    no_ipl = directory.parse([r for r in GUEST if not r.startswith('IPL')])
    assert images.deploy_target(no_ipl) == '0100'
    with pytest.raises(InputError, match='^image: guest LINUX02 has no minidisk'):
        images.deploy_target(directory.parse(['USER LINUX02 LBYONLY 1G 2G G']), field='image')


def test_plan_deploy_overwrites_only_new_disks_or_with_redeploy():
    image = meta()
    held = {'vdev': '0100', 'image_name': 'RHEL9-BASE', 'md5sum': MD5, 'clone_of': None}
    assert images.plan_deploy('0100', True, image, None, False) == (True, None)
    assert images.plan_deploy('0100', False, image, held, False) == (False, None)
    assert images.plan_deploy('0100', False, image, held, True) == (False, None)      # holds it already
    newer = meta(md5='e' * 32)
    write, note = images.plan_deploy('0100', False, newer, held, False)
    assert write is False and 'holds an earlier image RHEL9-BASE (md5 %s' % MD5 in note and 'redeploy: true' in note
    write, note = images.plan_deploy('0100', False, meta(name='sles15'), held, False)
    assert write is False and 'holds RHEL9-BASE, deployed earlier' in note
    assert images.plan_deploy('0100', False, newer, held, True) == (True, None)
    write, note = images.plan_deploy('0100', False, image, None, False)
    assert write is False and 'was not deployed by zvm.cloud' in note
    # a z/VM Cloud Connector image whose md5sum the repository does not know yet: the same by its name
    assert images.plan_deploy('0100', False, meta(md5=''), held, True) == (False, None)
    assert images.plan_deploy('0100', False, meta(md5=''), held, False) == (False, None)
    cloned = {'vdev': '0100', 'image_name': None, 'md5sum': None, 'clone_of': {'userid': 'GOLD', 'vdev': '0100'}}
    assert 'holds a copy of GOLD disk 0100' in images.plan_deploy('0100', False, image, cloned, False)[1]


def test_clone_spec_copies_the_source_disk_into_a_pool():
    source = directory.parse(['USER GOLD LBYONLY 1G 2G G', 'MDISK 0100 3390 1 10 LX0100 MR',
                              'MDISK 0300 FB-512 V-DISK 1000 MR'])
    spec = images.clone_spec(source, '0100', '0200', None, 'ECKD:POOL1')
    assert (spec['vdev'], spec['devtype'], spec['count'], spec['pool'], spec['source']) == \
        ('0200', '3390', 10, 'POOL1', ('GOLD', '0100'))
    declared = disk_specs.normalize([{'vdev': '0200', 'size': '10', 'disk_pool': 'ECKD:POOL2', 'mode': 'MW'}])[0]
    assert images.clone_spec(source, '0100', '0200', declared)['disk_pool'] == 'ECKD:POOL2'
    bigger = disk_specs.normalize([{'vdev': '0200', 'size': '20', 'disk_pool': 'ECKD:POOL1'}])[0]
    with pytest.raises(InputError, match='^clone_from: disk 0100 of GOLD, which is copied to 0200, has 10 cylinders'):
        images.clone_spec(source, '0100', '0200', bigger)
    with pytest.raises(InputError, match='^clone_from: the copy of disk 0100 of GOLD needs a disk pool'):
        images.clone_spec(source, '0100', '0200')
    with pytest.raises(InputError, match='^clone_from: guest GOLD has no minidisk 0300 on a volume'):
        images.clone_spec(source, '0300', '0200', None, 'FBA:FBAPOOL')
    with pytest.raises(InputError, match='^clone_from: disk 0100 of GOLD is a 3390 disk; pool FBAPOOL is FBA'):
        images.clone_spec(source, '0100', '0200', None, 'FBA:FBAPOOL')


def test_check_fits_refuses_a_small_or_other_kind_of_disk():
    entry = directory.parse(GUEST + ['MDISK 0300 FB-512 100 2000 FB0200 MR'])
    images.check_fits(entry.find_mdisk('0200'), meta()['disks'][0], 'rhel9-base')
    with pytest.raises(InputError, match='^image: image rhel9-base cannot be written to disk 0200: the image needs '
                                         'a disk of 30 CYL, the target has 20 CYL'):
        images.check_fits(entry.find_mdisk('0200'), dict(meta()['disks'][0], disk_size_units='30:CYL'), 'rhel9-base')
    with pytest.raises(InputError, match='^image: image rhel9-base cannot be written to disk 0300: .*CKD'):
        images.check_fits(entry.find_mdisk('0300'), meta()['disks'][0], 'rhel9-base')
