# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """SMAPI connection options.

    Modules use ``zvm.cloud.smapi``, which also gives them the attributes
    every module connecting through SMAPI shares (the action group and the
    platform); the inventory plugin, which resolves options from the
    environment itself, uses ``zvm.cloud.smapi.plugins``.  The options must
    match the table in plugins/module_utils/connection.py (the modules'
    argument spec); tests/unit/plugins/test_doc_fragments.py checks.
    """

    DOCUMENTATION = r'''
options:
  smapi_host:
    description:
      - "Host name or IP address of the z/VM SMAPI server (the TCP/IP stack that runs VSMREQIN/VSMREQI6). If
        not set, the environment variable E(ZVM_SMAPI_HOST) is used. Required, here or in the environment."
    type: str
  smapi_port:
    description:
      - "TCP port of the SMAPI server. If not set, the environment variable E(ZVM_SMAPI_PORT) is used."
    type: int
    default: 44444
  smapi_user:
    description:
      - "The z/VM userid that SMAPI authenticates and authorizes requests for. If not set, the environment
        variable E(ZVM_SMAPI_USER) is used. Required, here or in the environment."
    type: str
  smapi_password:
    description:
      - "The password of O(smapi_user). It never appears in results, diffs or logs. If not set, the
        environment variable E(ZVM_SMAPI_PASSWORD) is used. Required, here or in the environment."
    type: str
  smapi_tls:
    description:
      - "Speak TLS from the first byte, as the SMAPI server does on its TLS port. Strongly recommended:
        without TLS the password crosses the network in clear text. If not set, the environment variable
        E(ZVM_SMAPI_TLS) is used."
    type: bool
    default: false
  smapi_tls_verify:
    description:
      - "Verify the server certificate and host name when O(smapi_tls=true). Turning this off is insecure and
        only meant for test systems with self-signed certificates you cannot distribute. If not set, the
        environment variable E(ZVM_SMAPI_TLS_VERIFY) is used."
    type: bool
    default: true
  smapi_ca_path:
    description:
      - "A PEM file or directory of CA certificates to verify the server against, instead of the system
        store. If not set, the environment variable E(ZVM_SMAPI_CA_PATH) is used."
    type: path
  smapi_timeout:
    description:
      - "Seconds one SMAPI request may take in all: connecting, waiting for the reply and every retry of it
        together. Retries (of a request the server did not accept, of a query, after a busy directory
        manager) are made only within this time. When it runs out, the task fails with a message that states
        the seconds waited and the number of attempts; a write the server had accepted is never sent again.
        A certificate that fails verification is not retried. Directory-manager writes on a busy system can
        take minutes. If not set, the environment variable E(ZVM_SMAPI_TIMEOUT) is used."
    type: int
    default: 300
attributes:
  action_group:
    description: Use C(group/zvm.cloud.zvm) in C(module_defaults) to set the connection options once for
      every zvm.cloud module of a play.
    support: full
    membership:
      - zvm.cloud.zvm
  platform:
    description: Target platform the module manages.
    support: full
    platforms: IBM z/VM (over SMAPI)
'''

    PLUGINS = r'''
options:
  smapi_host:
    description:
      - "Host name or IP address of the z/VM SMAPI server (the TCP/IP stack that runs VSMREQIN/VSMREQI6).
        Required, here or in the environment."
    type: str
    env:
      - name: ZVM_SMAPI_HOST
  smapi_port:
    description:
      - "TCP port of the SMAPI server."
    type: int
    default: 44444
    env:
      - name: ZVM_SMAPI_PORT
  smapi_user:
    description:
      - "The z/VM userid that SMAPI authenticates and authorizes requests for. Required, here or in the
        environment."
    type: str
    env:
      - name: ZVM_SMAPI_USER
  smapi_password:
    description:
      - "The password of O(smapi_user). It never appears in results, diffs or logs. Required, here or in the
        environment."
    type: str
    env:
      - name: ZVM_SMAPI_PASSWORD
  smapi_tls:
    description:
      - "Speak TLS from the first byte, as the SMAPI server does on its TLS port. Strongly recommended:
        without TLS the password crosses the network in clear text."
    type: bool
    default: false
    env:
      - name: ZVM_SMAPI_TLS
  smapi_tls_verify:
    description:
      - "Verify the server certificate and host name when O(smapi_tls=true). Turning this off is insecure and
        only meant for test systems with self-signed certificates you cannot distribute."
    type: bool
    default: true
    env:
      - name: ZVM_SMAPI_TLS_VERIFY
  smapi_ca_path:
    description:
      - "A PEM file or directory of CA certificates to verify the server against, instead of the system
        store."
    type: path
    env:
      - name: ZVM_SMAPI_CA_PATH
  smapi_timeout:
    description:
      - "Seconds one SMAPI request may take in all: connecting, waiting for the reply and every retry of it
        together. Retries (of a request the server did not accept, of a query, after a busy directory
        manager) are made only within this time. When it runs out, the task fails with a message that states
        the seconds waited and the number of attempts; a write the server had accepted is never sent again.
        A certificate that fails verification is not retried. Directory-manager writes on a busy system can
        take minutes."
    type: int
    default: 300
    env:
      - name: ZVM_SMAPI_TIMEOUT
'''
