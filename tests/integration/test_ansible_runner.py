# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zvm.cloud the way AWX and Automation Platform run it (issue 15).

The credential types in extensions/awx/credential_types/ are checked against
AWX's validation rules and injected the way AWX's
``CredentialType.inject_credential`` injects a custom credential (``inject``
below: a Jinja2 sandbox over the inputs, files in the job's private data
directory named by ``tower.filename``).  The demo playbook and the demo
inventory file then run through the ``ansible_runner`` library, as AWX runs a
job and an inventory update (one private data directory each, secrets only in
the injected environment and files), against a zvmsim that speaks TLS with a
certificate only the injected CA file verifies.  Every job event and every file
ansible-runner writes is searched for the SMAPI password and the access node's
private key.
"""

import json
import os
import re
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile

import ansible_runner
import jsonschema
import pytest
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ansible_collections.zvm.cloud.plugins.module_utils import connection
from tests.integration.test_inventory import plain
from tests.unit.plugins.module_utils.fake_smapi import make_ca_and_server_cert
from zvmsim.testing import ROOT, SimServer

TYPES = os.path.join(ROOT, 'extensions', 'awx', 'credential_types')
DOC = os.path.join(ROOT, 'docs', 'automation-platform.md')
SMAPI_ENV = dict((o[0], o[3]) for o in connection.OPTIONS)
NODE_ENV = ('ZVM_NODE_HOST', 'ZVM_NODE_USER', 'ZVM_NODE_PRIVATE_KEY_FILE', 'ZVM_NODE_KNOWN_HOSTS_FILE')


def load_type(name):
    with open(os.path.join(TYPES, name + '.yml')) as fh:
        return yaml.safe_load(fh)


# -- AWX's rules for a custom credential type (awx/main/fields.py) -------------------------------------

FIELD_SCHEMA = {
    'type': 'object',
    'additionalProperties': False,
    'properties': {
        'fields': {'type': 'array', 'items': {
            'type': 'object', 'additionalProperties': False, 'required': ['id', 'label'],
            'properties': {
                'type': {'enum': ['string', 'boolean']},
                'format': {'enum': ['ssh_private_key', 'url']},
                'choices': {'type': 'array', 'minItems': 1, 'items': {'type': 'string'}, 'uniqueItems': True},
                'id': {'type': 'string', 'pattern': '^[a-zA-Z_]+[a-zA-Z0-9_]*$'},
                'label': {'type': 'string'}, 'help_text': {'type': 'string'},
                'multiline': {'type': 'boolean'}, 'secret': {'type': 'boolean'},
                'ask_at_runtime': {'type': 'boolean'}, 'default': {}}}},
        'required': {'type': 'array', 'items': {'type': 'string'}},
    },
}
INJECTOR_SCHEMA = {
    'type': 'object',
    'additionalProperties': False,
    'properties': {
        'file': {'type': 'object', 'additionalProperties': False,
                 'patternProperties': {r'^template(\.[a-zA-Z_]+[a-zA-Z0-9_]*)?$': {'type': 'string'}}},
        'env': {'type': 'object', 'additionalProperties': False,
                'patternProperties': {'^[a-zA-Z_]+[a-zA-Z0-9_]*$': {'type': 'string', 'pattern': '^[\x00-\x7F]*$'}}},
        'extra_vars': {'type': 'object', 'additionalProperties': False,
                       'patternProperties': {'^[a-zA-Z_]+[a-zA-Z0-9_]*$': {'type': 'string'}}},
    },
}
KINDS = ('ssh', 'vault', 'net', 'scm', 'cloud', 'registry', 'token', 'insights', 'external', 'kubernetes', 'galaxy',
         'cryptography')


def awx_validate(doc):
    """What AWX checks when a custom credential type is created; raises on a violation."""
    assert set(doc) <= set(['name', 'description', 'kind', 'inputs', 'injectors']), sorted(doc)
    assert doc['name'] and doc['kind'] in KINDS
    jsonschema.validate(doc['inputs'], FIELD_SCHEMA)
    jsonschema.validate(doc['injectors'], INJECTOR_SCHEMA)
    ids = [f['id'] for f in doc['inputs']['fields']]
    assert 'tower' not in ids and len(ids) == len(set(ids)), ids
    assert set(doc['inputs'].get('required', [])) <= set(ids)
    for field in doc['inputs']['fields']:
        kind = field.get('type', 'string')
        if 'default' in field:
            assert isinstance(field['default'], {'string': str, 'boolean': bool}[kind]), field
        if kind != 'string':
            assert not set(field) & set(['choices', 'multiline', 'format', 'secret']), field

    # every template renders with every field defined and nothing else (StrictUndefined)
    class Filenames(object):
        pass

    class Tower(object):
        filename = Filenames()
    names = list(doc['injectors'].get('file', {}))
    if 'template' in names:
        assert len(names) == 1, 'single and multi-file syntax cannot be mixed'
        Tower.filename = 'EXAMPLE_FILENAME'
    for name in names:
        if '.' in name:
            setattr(Tower.filename, name.split('.')[1], 'EXAMPLE_FILENAME')
    namespace = dict((i, 'EXAMPLE') for i in ids)
    namespace['tower'] = Tower()
    sandbox = ImmutableSandboxedEnvironment(undefined=StrictUndefined)
    for kind, injector in doc['injectors'].items():
        for key, template in injector.items():
            if kind == 'env':
                assert not key.startswith('ANSIBLE_'), key      # AWX refuses these (and a few others)
            sandbox.from_string(template).render(namespace)


# -- AWX's injection (awx/main/models/credential.py: CredentialType.inject_credential) ------------------

class _Namespace(object):
    pass


def inject(doc, inputs, private_data_dir):
    """Render a custom credential type's file and env injectors for a
    credential with ``inputs``, as AWX does: returns (env, safe_env); the
    files go to private_data_dir/env with mode 0600."""
    fields = doc['inputs']['fields']
    secret_fields = set(f['id'] for f in fields if f.get('secret'))
    tower = _Namespace()
    namespace, safe = {'tower': tower}, {'tower': tower}
    for name, value in inputs.items():
        if isinstance(value, bool):
            namespace[name] = safe[name] = value
            continue
        if name in secret_fields:
            safe[name] = '**********'
        elif value:
            safe[name] = value
        if value:
            namespace[name] = value
    for field in fields:
        if field.get('type', 'string') == 'boolean' and field['id'] not in inputs:
            namespace[field['id']] = safe[field['id']] = False
        if field.get('format') == 'ssh_private_key' and not namespace.get(field['id'], '\n').endswith('\n'):
            namespace[field['id']] += '\n'
    sandbox = ImmutableSandboxedEnvironment()
    env_dir = os.path.join(private_data_dir, 'env')
    if not os.path.isdir(env_dir):
        os.makedirs(env_dir)
    for label, template in doc['injectors'].get('file', {}).items():
        handle, path = tempfile.mkstemp(dir=env_dir)
        with os.fdopen(handle, 'w') as fh:
            fh.write(sandbox.from_string(template).render(**namespace))
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
        if '.' not in label:
            tower.filename = path
        else:
            if not hasattr(tower, 'filename'):
                tower.filename = _Namespace()
            setattr(tower.filename, label.split('.')[1], path)
    env, safe_env = {}, {}
    for name, template in doc['injectors'].get('env', {}).items():
        env[name] = sandbox.from_string(template).render(**namespace)
        safe_env[name] = sandbox.from_string(template).render(**safe)
    return env, safe_env


def ssh_key_pair():
    key = ed25519.Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    return private.rstrip('\n'), public.decode()


# -- the credential types ---------------------------------------------------------------------------------

@pytest.mark.parametrize('name', ['smapi', 'access_node'])
def test_credential_types_pass_awx_validation(name):
    doc = load_type(name)
    awx_validate(doc)
    assert doc['kind'] == 'cloud'
    broken = load_type(name)
    broken['injectors']['env']['ZVM_TYPO'] = '{{ no_such_field }}'
    with pytest.raises(Exception, match='no_such_field'):
        awx_validate(broken)


def test_smapi_type_injects_the_collections_connection_variables(tmp_path):
    doc = load_type('smapi')
    injected = set(doc['injectors']['env'])
    # every connection option a credential holds; the timeout belongs to the play
    assert injected == set(SMAPI_ENV.values()) - set(['ZVM_SMAPI_TIMEOUT']), \
        'a connection option was added or renamed: extensions/awx/credential_types/smapi.yml must inject it'
    assert [f['id'] for f in doc['inputs']['fields'] if f.get('secret')] == ['password']
    port = [f for f in doc['inputs']['fields'] if f['id'] == 'port'][0]
    assert port['default'] == str([o[2] for o in connection.OPTIONS if o[0] == 'smapi_port'][0])

    full = {'host': 'zvm1.example.com', 'port': '44445', 'username': 'ANSIBLE', 'password': 'pw-1',
            'tls': True, 'tls_skip_verify': False, 'ca_cert': 'CA PEM\n'}
    env, safe_env = inject(doc, full, str(tmp_path / 'full'))
    ca_path = env.pop('ZVM_SMAPI_CA_PATH')
    assert env == {'ZVM_SMAPI_HOST': 'zvm1.example.com', 'ZVM_SMAPI_PORT': '44445', 'ZVM_SMAPI_USER': 'ANSIBLE',
                   'ZVM_SMAPI_PASSWORD': 'pw-1', 'ZVM_SMAPI_TLS': 'True', 'ZVM_SMAPI_TLS_VERIFY': 'True'}
    with open(ca_path) as fh:
        assert fh.read() == 'CA PEM\n'
    assert stat.S_IMODE(os.stat(ca_path).st_mode) == 0o600
    assert safe_env['ZVM_SMAPI_PASSWORD'] == '**********'

    # what AWX injects for a credential that gives only the required inputs:
    # the default port, TLS off, verification on, no CA file (the system store)
    env, _safe = inject(doc, {'host': 'h', 'username': 'U', 'password': 'p'}, str(tmp_path / 'minimal'))
    assert (env['ZVM_SMAPI_PORT'], env['ZVM_SMAPI_TLS'], env['ZVM_SMAPI_TLS_VERIFY'], env['ZVM_SMAPI_CA_PATH']) == \
        ('44444', 'False', 'True', '')
    env, _safe = inject(doc, {'host': 'h', 'username': 'U', 'password': 'p', 'tls': True, 'tls_skip_verify': True},
                        str(tmp_path / 'insecure'))
    assert (env['ZVM_SMAPI_TLS'], env['ZVM_SMAPI_TLS_VERIFY']) == ('True', 'False')


def test_access_node_type_injects_the_node_variables_and_files(tmp_path):
    doc = load_type('access_node')
    private, public = ssh_key_pair()
    known = 'node.example.com %s\n' % public
    env, safe_env = inject(doc, {'host': 'node.example.com', 'username': 'zvmnode', 'ssh_private_key': private,
                                 'known_hosts': known}, str(tmp_path))
    assert sorted(env) == sorted(NODE_ENV)
    assert (env['ZVM_NODE_HOST'], env['ZVM_NODE_USER']) == ('node.example.com', 'zvmnode')
    for name, content in (('ZVM_NODE_PRIVATE_KEY_FILE', private + '\n'), ('ZVM_NODE_KNOWN_HOSTS_FILE', known)):
        path = env[name]
        assert os.path.dirname(path) == str(tmp_path / 'env')
        with open(path) as fh:
            assert fh.read() == content      # the key gains the final newline ssh needs, as AWX adds it
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert private not in json.dumps(env) and private not in json.dumps(safe_env)
    with open(env['ZVM_NODE_PRIVATE_KEY_FILE'], 'rb') as fh:
        serialization.load_ssh_private_key(fh.read(), password=None)


# -- jobs through ansible-runner --------------------------------------------------------------------------

@pytest.fixture(scope='module')
def tls_zvmsim(tmp_path_factory):
    """A zvmsim on TLS with a certificate of a private CA, and an SMAPI password of its own."""
    pki = tmp_path_factory.mktemp('pki')
    ca, cert, key = make_ca_and_server_cert(str(pki))
    password = 'Zr%s' % secrets.token_hex(10)
    with SimServer(config={'smapi': {'users': [{'userid': 'MAINT', 'password': password}]}},
                   tls_cert=cert, tls_key=key) as sim:
        sim.password = password
        with open(ca) as fh:
            sim.ca_pem = fh.read()
        yield sim


@pytest.fixture
def awx_job(tls_zvmsim, collections_path, tmp_path, monkeypatch):
    """Runs a job as AWX does: a fresh private data directory with the project,
    the credentials injected into it and into the environment, ansible-runner.
    Returns (runner, events, artifact_dir, safe_env)."""
    for name in list(os.environ):
        if name.startswith('ZVM_'):
            monkeypatch.delenv(name)
    # the execution environment has ansible on PATH
    monkeypatch.setenv('PATH', os.path.dirname(sys.executable) + os.pathsep + os.environ.get('PATH', ''))
    private, public = ssh_key_pair()
    credentials = [
        (load_type('smapi'), {'host': '127.0.0.1', 'port': str(tls_zvmsim.port), 'username': 'MAINT',
                              'password': tls_zvmsim.password, 'tls': True, 'ca_cert': tls_zvmsim.ca_pem}),
        (load_type('access_node'), {'host': '127.0.0.1', 'username': 'zvmnode', 'ssh_private_key': private,
                                    'known_hosts': '127.0.0.1 %s\n' % public}),
    ]
    counter = [0]

    def run(args=None, **kwargs):
        counter[0] += 1
        ident = 'job%d' % counter[0]
        pdd = str(tmp_path / ident)
        shutil.copytree(os.path.join(ROOT, 'playbooks'), os.path.join(pdd, 'project', 'playbooks'))
        env, safe_env = {}, {}
        for doc, inputs in credentials:
            injected, safe = inject(doc, inputs, pdd)
            env.update(injected)
            safe_env.update(safe)
        env.update({'ANSIBLE_COLLECTIONS_PATH': collections_path, 'ANSIBLE_HOME': str(tmp_path / '.ansible'),
                    'ANSIBLE_PYTHON_INTERPRETER': sys.executable, 'ANSIBLE_NOCOLOR': '1'})
        if args:     # inventory updates: AWX writes the command line to the private data dir's "args"
            with open(os.path.join(pdd, 'args'), 'w') as fh:
                fh.write(' '.join(a.replace('{pdd}', pdd).replace('{ident}', ident) for a in args))
        events = []

        def event_handler(event):
            # AWX stores the streamed events (and returns False: no event
            # files); keep both here, so both are searched
            events.append(event)
            return True
        runner = ansible_runner.run(private_data_dir=pdd, ident=ident, envvars=env, suppress_env_files=True,
                                    quiet=True, event_handler=event_handler, **kwargs)
        return runner, events, os.path.join(pdd, 'artifacts', ident), safe_env
    run.secrets = {'SMAPI password': tls_zvmsim.password}
    for number, line in enumerate(private.splitlines()):
        if len(line) > 20:      # the key's base64 body, line by line (not its BEGIN/END markers)
            run.secrets['private key line %d' % number] = line
    return run


def leaks(artifact_dir, events, found_secrets, safe_env):
    """Where a secret appears: in the events, and in any file under the
    artifact directory; the environment record ansible-runner writes to
    ``command`` is read without the environment variable the credential
    injected on purpose (see docs/automation-platform.md, Secrets)."""
    found = []
    text = json.dumps(events)
    found.extend(('event', label) for label, value in found_secrets.items() if value in text)
    files = 0
    for dirpath, _dirs, names in os.walk(artifact_dir):
        for name in names:
            path = os.path.join(dirpath, name)
            files += 1
            with open(path, 'rb') as fh:
                data = fh.read()
            rel = os.path.relpath(path, artifact_dir)
            if rel == 'command':
                record = json.loads(data.decode('utf-8'))
                for var, masked in safe_env.items():
                    if masked == '**********':
                        assert record['env'].pop(var) in found_secrets.values()
                data = json.dumps(record).encode('utf-8')
            found.extend((rel, label) for label, value in found_secrets.items() if value.encode('utf-8') in data)
    assert files >= 4, os.listdir(artifact_dir)     # rc, status, stdout, command, job_events/...
    return found


def test_demo_play_converges_through_ansible_runner_without_leaking_secrets(awx_job, tls_zvmsim):
    inventory = {'all': {'hosts': {'localhost': {'ansible_connection': 'local',
                                                 'ansible_python_interpreter': sys.executable}}}}
    first, events, artifacts, safe_env = awx_job(playbook='playbooks/demo.yml', inventory=inventory)
    assert (first.status, first.rc) == ('successful', 0), first.stdout.read()[-3000:]
    assert first.stats['changed'].get('localhost', 0) > 0
    assert tls_zvmsim.calls(function='Image_Create_DM')        # the guests were made over SMAPI, on TLS
    assert leaks(artifacts, events, awx_job.secrets, safe_env) == []

    mark = tls_zvmsim.mark()
    again, events, artifacts, safe_env = awx_job(playbook='playbooks/demo.yml', inventory=inventory)
    assert (again.status, again.rc) == ('successful', 0), again.stdout.read()[-3000:]
    assert again.stats['changed'] == {} and tls_zvmsim.calls(since=mark, writes=True) == []
    assert [e for e in events if e.get('event') == 'runner_on_ok']      # the events did stream
    assert leaks(artifacts, events, awx_job.secrets, safe_env) == []

    # the demo inventory file as an AWX "sourced from a project" inventory update
    update, events, artifacts, safe_env = awx_job(args=[
        'ansible-inventory', '--list', '--export', '-i', '{pdd}/project/playbooks/inventory/demo.zvm.yml',
        '--output', '{pdd}/artifacts/{ident}/output.json', '--playbook-dir', '{pdd}/project/playbooks/inventory'])
    assert (update.status, update.rc) == ('successful', 0), update.stdout.read()[-3000:]
    with open(os.path.join(artifacts, 'output.json')) as fh:
        data = plain(json.load(fh))      # --export keeps 2.19's unsafe markers
    assert set(['demo01', 'demo02', 'demo03']) <= set(data['zvm_demo']['hosts'])
    assert sorted(data['vswitch_DEMOVSW']['hosts']) == ['demo01', 'demo02', 'demo03']
    hostvars = data['_meta']['hostvars']['demo02']
    assert (hostvars['zvm_smapi_port'], hostvars['zvm_smapi_user'], hostvars['zvm_memory']) == \
        (tls_zvmsim.port, 'MAINT', '4G')
    assert leaks(artifacts, events, awx_job.secrets, safe_env) == []


def test_leak_search_finds_a_secret_in_any_artifact(tmp_path):
    """The search above must be able to fail."""
    artifacts = tmp_path / 'artifacts'
    (artifacts / 'job_events').mkdir(parents=True)
    for name in ('rc', 'status', 'stdout'):
        (artifacts / name).write_text('0')
    (artifacts / 'command').write_text(json.dumps({'command': ['x'], 'env': {'ZVM_SMAPI_PASSWORD': 's3cret',
                                                                             'OTHER': 'has s3cret too'}}))
    (artifacts / 'job_events' / '1.json').write_text('{"stdout": "key AAAAline"}')
    found = leaks(str(artifacts), [{'res': 's3cret'}], {'password': 's3cret', 'key': 'AAAAline'},
                  {'ZVM_SMAPI_PASSWORD': '**********'})
    events_file = os.path.join('job_events', '1.json')
    assert sorted(found) == [('command', 'password'), ('event', 'password'), (events_file, 'key')]


# -- importing the types: the guide's playbook -----------------------------------------------------------

STAND_IN = '''#!/usr/bin/python
from ansible.module_utils.basic import AnsibleModule
import json, os
module = AnsibleModule(argument_spec=dict(
    name=dict(required=True), description=dict(), kind=dict(choices=['ssh', 'vault', 'net', 'scm', 'cloud', 'insights']),
    inputs=dict(type='dict'), injectors=dict(type='dict'), state=dict(default='present')))
with open(os.environ['STAND_IN_RECORD'], 'a') as fh:
    fh.write(json.dumps(module.params) + '\\n')
module.exit_json(changed=True)
'''


def doc_block(marker):
    with open(DOC) as fh:
        text = fh.read()
    match = re.search(r'<!-- tested: %s -->\n```yaml\n(.*?)```' % re.escape(marker), text, re.S)
    assert match, marker
    return match.group(1)


def test_the_guides_import_playbook_passes_the_types_unrendered(tmp_path, collections_path):
    """The playbook in docs/automation-platform.md, against a stand-in
    awx.awx.credential_type that records its parameters: the injectors'
    AWX templates must reach the module as they are in the files."""
    modules = tmp_path / 'collections' / 'ansible_collections' / 'awx' / 'awx' / 'plugins' / 'modules'
    modules.mkdir(parents=True)
    (modules / 'credential_type.py').write_text(STAND_IN)
    (modules.parent.parent / 'galaxy.yml').write_text('namespace: awx\nname: awx\nversion: 1.0.0\n')
    (tmp_path / 'import.yml').write_text(doc_block('import-playbook'))
    record = tmp_path / 'record.jsonl'
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(tmp_path / 'collections'), STAND_IN_RECORD=str(record),
               ANSIBLE_HOME=str(tmp_path / '.ansible'), ANSIBLE_PYTHON_INTERPRETER=sys.executable,
               ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false', ANSIBLE_NOCOLOR='1')
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), str(tmp_path / 'import.yml'),
                           '-i', 'localhost,', '-c', 'local', '-e', 'zvm_credential_types=%s' % TYPES],
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with open(str(record)) as fh:
        received = [json.loads(line) for line in fh]
    expected = [load_type('access_node'), load_type('smapi')]
    assert [dict((k, r[k]) for k in expected[0]) for r in received] == expected
    assert received[1]['injectors']['env']['ZVM_SMAPI_HOST'] == '{{ host }}'
