# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The image repository's metadata: the schema (checked on read and on
write), what counts as present, names unique regardless of case."""

import json

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.images import format as fmt
from ansible_collections.zvm.cloud.plugins.module_utils.images import repository as repo
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
    """The agent verbs the repository uses, over a dict of files."""

    repository = ROOT

    def __init__(self):
        self.files = {}
        self.calls = []

    def agent(self, verb, *args, **kw):
        self.calls.append((verb,) + args)
        if verb == 'list':
            return dict((p, t) for p, t in self.files.items() if p.endswith('/meta.json'))
        if verb == 'put-meta':
            self.files[args[0]] = kw['stdin'].decode()
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
    assert node.calls[-1] == ('put-meta', ROOT + '/netboot/rhel9.4/rhel9/meta.json')
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
    assert [c[0] for c in node.calls] == ['list']
    r.find('one')
    assert [c[0] for c in node.calls] == ['list', 'list']
    r.write_meta(meta('two'))
    assert r.find('two', fresh=False) is not None
    assert [c[0] for c in node.calls] == ['list', 'list', 'put-meta', 'list']
