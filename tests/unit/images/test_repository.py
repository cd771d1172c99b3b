# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The image repository's metadata: the schema (checked on read and on
write), what counts as present, names unique regardless of case."""

import json

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.images import format as fmt
from ansible_collections.zvm.cloud.plugins.module_utils.images import repository as repo
from ansible_collections.zvm.cloud.plugins.module_utils.node.errors import NodeError
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import (
    SDKConflictError, SDKInternalError, SDKInvalidInputFormat, SDKObjectNotExistError,
)

ROOT = '/var/lib/zvmsdk/images'
MD5 = 'd41d8cd98f00b204e9800998ecf8427e'
SHA = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'


def meta(name='rhel9', os_version='rhel9.4', **kw):
    disk = repo.disk_record('0100', fmt.Header(fmt.CKD_BLOCKS, 3338, 'CYL', 6, 512), 1000, MD5, SHA)
    out = repo.build_metadata(name, os_version, [disk], last_access_time=1.5)
    out.update(kw)
    return out


class FakeNode:
    """The agent verbs the repository uses, over a dict of files (text:
    a meta.json, bytes: an image file)."""

    repository = ROOT

    def __init__(self):
        self.files = {}
        self.calls = []
        self.fail = {}

    def agent(self, verb, *args, **kw):
        self.calls.append((verb,) + args)
        if verb in self.fail:
            raise self.fail[verb]
        if verb == 'scan':
            meta = dict((p, t) for p, t in self.files.items() if p.endswith('/meta.json'))
            dirs = set(p.rsplit('/', 1)[0] for p in meta)
            incomplete = sorted(set(p.rsplit('/', 1)[0] for p in self.files if p.endswith('/' + repo.INCOMPLETE)))
            files = dict((p, {'bytes': len(b), 'mtime': 1700000000.5, 'head': b[:512].hex()})
                         for p, b in self.files.items() if isinstance(b, bytes) and p.rsplit('/', 1)[0] not in dirs
                         and p.rsplit('/', 1)[0] not in incomplete and len(p.rsplit('/', 1)[1]) == 4)
            return {'meta': meta, 'files': files, 'incomplete': [d for d in incomplete if d not in dirs]}
        if verb == 'begin':
            self.agent('remove', args[0])
            self.files[args[0] + '/' + repo.INCOMPLETE] = b''
            return {}
        if verb == 'put-meta':
            self.files[args[0]] = kw['stdin'].decode()
            self.files.pop(args[1], None)
            return {}
        if verb == 'remove':
            for path in args:
                for p in [p for p in self.files if p == path or p.startswith(path + '/')]:
                    del self.files[p]
            return {}
        raise AssertionError(verb)


def put(node, m, path=None):
    node.files[path or repo.meta_path(ROOT, m['imageosdistro'], m['imagename'])] = json.dumps(m)


def test_build_metadata_has_zvmsdks_fields_and_ours():
    m = meta(comments='golden')
    assert m['imagename'] == 'rhel9' and m['imageosdistro'] == 'rhel9.4' and m['md5sum'] == MD5
    assert m['disk_size_units'] == '3338:CYL' and m['image_size_in_bytes'] == 1000 and m['type'] == 'rootonly'
    assert m['format'] == 'CKD_BLOCKS' and m['root_vdev'] == '0100' and m['sha256sum'] == SHA
    assert m['disks'] == [{'vdev': '0100', 'file': '0100', 'disk_size_units': '3338:CYL', 'image_size_in_bytes': 1000,
                           'md5sum': MD5, 'sha256sum': SHA, 'format': 'CKD_BLOCKS', 'header_len': 512, 'gzip': 6}]
    assert repo.schema_problem(m) is None


@pytest.mark.parametrize('change,problem', [
    ({'imagename': '../etc'}, 'imagename'),
    ({'imageosdistro': 'RHEL9'}, 'imageosdistro'),
    ({'md5sum': 'xyz'}, 'md5sum'),
    ({'disk_size_units': '3338'}, 'disk_size_units'),
    ({'type': 'somedisks'}, 'type'),
    ({'image_size_in_bytes': '1000'}, 'image_size_in_bytes'),
    ({'root_vdev': '0200'}, 'root_vdev 0200 is not one of the disks'),
    ({'disks': []}, 'disks'),
    ({'format': 'QCOW2'}, 'format'),
])
def test_the_schema_refuses(change, problem):
    m = meta()
    m.update(change)
    assert problem in repo.schema_problem(m)
    with pytest.raises(SDKInternalError, match='not valid'):
        repo.validate(m)


def test_disk_rules_the_schema_cannot_state():
    m = meta()
    m['disks'] = m['disks'] * 2
    assert repo.schema_problem(m) == 'disks: a vdev is listed twice'
    two = dict(m['disks'][0], vdev='0101', file='0101')
    m['disks'] = [m['disks'][0], two]
    assert repo.schema_problem(m) == 'a rootonly image has one disk, this one lists 2'
    m['type'] = 'alldisks'
    assert repo.schema_problem(m) is None
    m['disks'][1]['file'] = '../x'
    assert 'disks/1/file' in repo.schema_problem(m)


def test_names_and_os_versions():
    assert repo.check_name('RHEL-9.4_golden') == 'RHEL-9.4_golden'
    for bad in ('', '.hidden', 'a/b', 'x' * 101, None, 'a b'):
        with pytest.raises(SDKInvalidInputFormat, match='image_name'):
            repo.check_name(bad)
    assert repo.check_os_version(' RHEL9.4 ') == 'rhel9.4'
    for bad in ('', '../x', 'rhel 9', None):
        with pytest.raises(SDKInvalidInputFormat, match='os_version'):
            repo.check_os_version(bad)


def test_only_valid_metadata_in_its_place_is_an_image():
    node = FakeNode()
    good = meta('good')
    put(node, good)
    put(node, meta('Good', 'sles15'))                                            # the name, in another case
    node.files[repo.meta_path(ROOT, 'rhel9.4', 'partial')] = '{"imagename": "par'  # cut short
    put(node, meta('moved'), repo.meta_path(ROOT, 'rhel9.4', 'elsewhere'))        # describes another place
    put(node, meta('bad', md5sum='no'))
    put(node, meta('deep'), ROOT + '/netboot/rhel9.4/deep/x/meta.json')
    r = repo.Repository(node)
    images = r.images()
    assert sorted(images) == ['good'] and images['good'] == good
    problems = '\n'.join(r.problems)
    assert 'partial/meta.json: not JSON' in problems
    assert 'elsewhere/meta.json: it describes rhel9.4/moved' in problems
    assert 'bad/meta.json: md5sum' in problems
    assert 'sles15/Good/meta.json: the name Good is taken by good' in problems
    assert 'deep/x/meta.json: not at netboot/<os>/<name>/meta.json' in problems
    assert r.find('GOOD') == good and r.find('nope') is None


def test_require_and_require_absent():
    node = FakeNode()
    put(node, meta('rhel9'))
    r = repo.Repository(node)
    assert r.require('RHEL9')['imagename'] == 'rhel9'
    with pytest.raises(SDKObjectNotExistError, match="Image 'x' does not exist in the image repository"):
        r.require('x')
    with pytest.raises(SDKConflictError, match='The image name Rhel9 is taken by the image rhel9'):
        r.require_absent('Rhel9')
    r.require_absent('other')


def test_write_validates_before_writing_and_remove_takes_the_metadata_first():
    node = FakeNode()
    r = repo.Repository(node, root=ROOT + '/')
    with pytest.raises(SDKInternalError):
        r.write_meta(meta(type='nope'))
    assert node.calls == []
    m = meta()
    r.write_meta(m)
    assert node.calls[-1] == ('put-meta', ROOT + '/netboot/rhel9.4/rhel9/meta.json',
                              ROOT + '/netboot/rhel9.4/rhel9/.zvmcloud-incomplete')
    assert r.images() == {'rhel9': m}
    node.files[ROOT + '/netboot/rhel9.4/rhel9/0100'] = 'data'
    r.remove(m)
    assert node.calls[-1] == ('remove', ROOT + '/netboot/rhel9.4/rhel9/meta.json', ROOT + '/netboot/rhel9.4/rhel9')
    assert node.files == {}


def test_query_record_is_zvmsdks_shape():
    rec = repo.query_record(ROOT, meta())
    assert rec['image_path'] == ROOT + '/netboot/rhel9.4/rhel9/0100'
    assert rec['image_size_in_bytes'] == '1000'           # zvmsdk's database gives a string
    for key in ('imagename', 'imageosdistro', 'md5sum', 'disk_size_units', 'type', 'comments', 'last_access_time'):
        assert key in rec


def test_without_jsonschema_the_message_says_what_to_install(monkeypatch):
    monkeypatch.setattr(repo, 'HAS_JSONSCHEMA', False)
    with pytest.raises(Exception, match='pip install jsonschema'):
        repo.Repository(FakeNode()).images()


def test_a_listing_is_reused_only_when_asked_and_forgotten_after_a_write():
    node = FakeNode()
    put(node, meta('one'))
    r = repo.Repository(node)
    assert r.find('one') is not None and r.find('one', fresh=False) is not None
    assert [c[0] for c in node.calls] == ['scan']
    r.find('one')
    assert [c[0] for c in node.calls] == ['scan', 'scan']
    r.write_meta(meta('two'))
    assert r.find('two', fresh=False) is not None
    assert [c[0] for c in node.calls] == ['scan', 'scan', 'put-meta', 'scan']


# -- images a z/VM Cloud Connector wrote (no meta.json) ----------------------------------------------------------

def feilong_header(kind_magic=b'xCAT FBA Part Image:', size='4096 BLK', level=6):
    return (kind_magic + size.rjust(16).encode() + b' HLen: 0055 GZIP: %d' % level).ljust(512, b' ')


def test_an_image_file_without_metadata_is_listed_from_its_place_and_header():
    node = FakeNode()
    node.files[ROOT + '/netboot/sles15/90685d2b-167bimage/0100'] = feilong_header() + b'\x1f\x8b' + b'z' * 1000
    node.files[ROOT + '/netboot/sles15/90685d2b-167bimage/image.img'] = b'an import Feilong did not rename yet'
    node.files[ROOT + '/netboot/rhel7.9/ckd/0100'] = feilong_header(b'xCAT CKD Disk Image:', '3338 CYL', 0) + b'x'
    node.files[ROOT + '/netboot/rhel7.9/old/0100'] = b'xCAT CKD Disk Image:' + b'    1113 CYL'.rjust(16) + b'\x1f\x8b'
    r = repo.Repository(node)
    images = r.images()
    assert sorted(images) == ['90685d2b-167bimage', 'ckd', 'old'] and r.problems == []
    m = images['90685d2b-167bimage']
    assert m == {'imagename': '90685d2b-167bimage', 'imageosdistro': 'sles15', 'md5sum': None, 'sha256sum': None,
                 'disk_size_units': '4096:BLK', 'image_size_in_bytes': 1514, 'type': 'rootonly', 'comments': None,
                 'last_access_time': 1700000000.5, 'format': 'FBA_PART', 'root_vdev': '0100',
                 'disks': [{'vdev': '0100', 'file': '0100', 'disk_size_units': '4096:BLK', 'image_size_in_bytes': 1514,
                            'md5sum': None, 'format': 'FBA_PART', 'header_len': 512, 'gzip': 6}]}
    assert (images['ckd']['format'], images['ckd']['disk_size_units']) == ('CKD_TRACKS', '3338:CYL')
    assert (images['old']['disks'][0]['header_len'], images['old']['disks'][0]['gzip']) == (36, 6)
    rec = repo.query_record(ROOT, m)
    assert rec['image_path'] == ROOT + '/netboot/sles15/90685d2b-167bimage/0100' and rec['md5sum'] is None


def test_what_is_not_a_listed_image_without_metadata_is_a_problem():
    node = FakeNode()
    node.files[ROOT + '/netboot/rhel9/raw/0100'] = b'\x1f\x8b raw gzip, no header'
    node.files[ROOT + '/netboot/rhel9/two/0100'] = feilong_header()
    node.files[ROOT + '/netboot/rhel9/two/0101'] = feilong_header()
    node.files[ROOT + '/netboot/rhel9/zero/0100'] = feilong_header(size='0 BLK')
    node.files[ROOT + '/netboot/RHEL9/upper/0100'] = feilong_header()
    node.files[ROOT + '/netboot/rhel9/cut/0100'] = b'xCAT FBA Disk Image:  x'
    node.files[ROOT + '/netboot/rhel9/ours/0100'] = feilong_header()           # an interrupted import of ours
    node.files[ROOT + '/netboot/rhel9/ours/' + repo.INCOMPLETE] = b''
    node.files[ROOT + '/netboot/rhel9/part/0100.part'] = feilong_header()
    put(node, meta('Taken', 'rhel9.4'))
    node.files[ROOT + '/netboot/sles15/taken/0100'] = feilong_header()
    r = repo.Repository(node)
    assert sorted(r.images()) == ['taken']
    problems = '\n'.join(r.problems)
    assert 'rhel9/raw/0100: no image header, so its disk size is unknown' in problems
    assert 'rhel9/two: 2 image files (0100, 0101) and no meta.json' in problems
    assert 'rhel9/zero/0100: disk_size_units' in problems
    assert 'RHEL9/upper/0100: the directory names are not an os_version and an image name' in problems
    assert 'rhel9/cut/0100: the image header of an FBA disk image' in problems
    assert 'rhel9/ours: an import or capture that did not finish' in problems
    assert 'sles15/taken/0100: the name taken is taken by Taken' in problems
    assert 'part' not in problems


def test_adopting_writes_the_meta_json_with_the_checksums():
    node = FakeNode()
    node.files[ROOT + '/netboot/sles15/fl/0100'] = feilong_header() + b'data'
    r = repo.Repository(node)
    derived = r.require('fl')
    full = r.adopt(derived, MD5, SHA)
    disk = dict(derived['disks'][0], md5sum=MD5, sha256sum=SHA)
    assert full == dict(derived, md5sum=MD5, sha256sum=SHA, disks=[disk])
    assert json.loads(node.files[ROOT + '/netboot/sles15/fl/meta.json']) == full
    assert r.require('fl') == full                      # now an image with its metadata
    node.fail['put-meta'] = NodeError('put-meta failed: Permission denied', code=2)
    assert r.adopt(derived, MD5, SHA) == full           # not written: known for this run only


def test_begin_refuses_a_directory_another_tool_wrote():
    node = FakeNode()
    node.fail['begin'] = NodeError('begin on node failed (exit 5): /x/netboot/rhel9/a holds files zvm.cloud did not '
                                   'write (a.img): an image of another tool', code=5)
    with pytest.raises(SDKConflictError, match='The image name a cannot be used: .*holds files zvm.cloud did not '
                                               'write'):
        repo.Repository(node).begin('rhel9', 'a')
    node.fail['begin'] = NodeError('begin on node failed (exit 2): Permission denied', code=2)
    with pytest.raises(NodeError, match='Permission denied'):
        repo.Repository(node).begin('rhel9', 'a')


@pytest.mark.parametrize('name', ['img\n', 'img\x00', 'im\u0131g', '\uff49mg'])
def test_an_image_name_with_a_newline_or_non_ascii_is_refused(name):
    with pytest.raises(SDKInvalidInputFormat, match='image_name'):
        repo.check_name(name)


@pytest.mark.parametrize('os_version', ['rhel9\n', 'rhel9\n\n', 'rhel\u212a', 'sles15\u200b', '\u0440hel9'])
def test_an_os_version_is_checked_before_it_is_lower_cased(os_version):
    # the Kelvin sign lower-cases to 'k': it must not become a valid name
    with pytest.raises(SDKInvalidInputFormat, match='os_version'):
        repo.check_os_version(os_version)


def test_an_os_version_is_lower_cased_and_trimmed_of_blanks():
    assert repo.check_os_version(' RHEL9.4 ') == 'rhel9.4'
