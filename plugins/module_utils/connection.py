# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SMAPI connection options: one table behind the modules' argument
spec (with environment fallbacks), the doc fragment ``zvm.cloud.smapi`` and
the inventory plugin's options.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zvm.cloud.plugins.module_utils import option_table, validation
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError

# name: (type, default, environment variable, no_log, description)
OPTIONS = [
    ('smapi_host', 'str', None, 'ZVM_SMAPI_HOST', False,
     'Host name or IP address of the z/VM SMAPI server (the TCP/IP stack that runs VSMREQIN/VSMREQI6).'),
    ('smapi_port', 'int', 44444, 'ZVM_SMAPI_PORT', False,
     'TCP port of the SMAPI server.'),
    ('smapi_user', 'str', None, 'ZVM_SMAPI_USER', False,
     'The z/VM userid that SMAPI authenticates and authorizes requests for.'),
    ('smapi_password', 'str', None, 'ZVM_SMAPI_PASSWORD', True,
     'The password of O(smapi_user). It never appears in results, diffs or logs.'),
    ('smapi_tls', 'bool', False, 'ZVM_SMAPI_TLS', False,
     'Speak TLS from the first byte, as the SMAPI server does on its TLS port. Strongly recommended: without '
     'TLS the password crosses the network in clear text.'),
    ('smapi_tls_verify', 'bool', True, 'ZVM_SMAPI_TLS_VERIFY', False,
     'Verify the server certificate and host name when O(smapi_tls=true). Turning this off is insecure and '
     'only meant for test systems with self-signed certificates you cannot distribute.'),
    ('smapi_ca_path', 'path', None, 'ZVM_SMAPI_CA_PATH', False,
     'A PEM file or directory of CA certificates to verify the server against, instead of the system store.'),
    ('smapi_timeout', 'int', 300, 'ZVM_SMAPI_TIMEOUT', False,
     'Seconds one SMAPI request may take in all: connecting, waiting for the reply and every retry of it '
     'together. Retries (of a request the server did not accept, of a query, after a busy directory '
     'manager) are made only within this time. When it runs out, the task fails with a message that '
     'states the seconds waited and the number of attempts; a write the server had accepted is never sent '
     'again. A certificate that fails verification is not retried. Directory-manager writes on a busy '
     'system can take minutes.'),
]

DEFAULT_TIMEOUT = 300
MAX_TIMEOUT = 86400

REQUIRED = ('smapi_host', 'smapi_user', 'smapi_password')


def argument_spec():
    """The connection options as an AnsibleModule argument spec."""
    return option_table.argument_spec(OPTIONS)


def doc_options(plugin=False):
    """The options as documentation YAML.  ``plugin=True`` adds the ``env``
    entries that non-module plugins (the inventory) resolve options from."""
    return option_table.doc_options(OPTIONS, REQUIRED, plugin=plugin)


def client_kwargs(params):
    """Map module/plugin option values to SmapiClient arguments; raises
    InputError naming what is missing."""
    missing = [n for n in REQUIRED if not params.get(n)]
    if missing:
        envs = dict((o[0], o[3]) for o in OPTIONS)
        raise InputError('missing SMAPI connection settings: %s (set them as options, through module_defaults '
                         'group/zvm.cloud.zvm, or in the environment as %s)'
                         % (', '.join(missing), ', '.join(envs[m] for m in missing)))
    timeout = params.get('smapi_timeout')
    timeout = float(DEFAULT_TIMEOUT if timeout is None else
                    validation.ascii_number(timeout, 'smapi_timeout', 1, MAX_TIMEOUT, 'a number of seconds'))
    port = params.get('smapi_port')
    return {
        'host': _host(params['smapi_host']),
        'port': 44444 if port is None else validation.ascii_number(port, 'smapi_port', 1, 65535, 'a TCP port'),
        'userid': validation.userid(params['smapi_user'], 'smapi_user', allow_reserved=True),
        'password': _password(params['smapi_password']),
        'tls': bool(params.get('smapi_tls')),
        'verify': params.get('smapi_tls_verify') is not False,
        'ca_path': params.get('smapi_ca_path'),
        'timeout': timeout,
        'connect_timeout': min(15.0, timeout),
    }


def _host(value):
    """A host name or address: printable ASCII without blanks (an
    internationalized name is given in its xn-- form)."""
    text = validation.ascii_text(value, 'smapi_host', 'a host name or IP address')
    if not text or ' ' in text:
        raise InputError('smapi_host: %r is not a host name or IP address' % (value,))
    return text


def _password(value):
    """The SMAPI password as given, if SMAPI can carry it (ISO-8859-15, no
    control characters); the message never shows it."""
    if not isinstance(value, str):
        raise InputError('smapi_password: expected a string')
    for ch in value:
        if ord(ch) < 0x20 or 0x7f <= ord(ch) < 0xa0:
            raise InputError('smapi_password: must not contain control characters')
    try:
        value.encode('iso-8859-15')
    except UnicodeEncodeError:
        raise InputError('smapi_password: contains a character SMAPI cannot carry (only ISO-8859-15 is)')
    return value
