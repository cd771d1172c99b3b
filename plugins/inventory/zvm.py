# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: zvm
short_description: z/VM guests as Ansible hosts, read over SMAPI
version_added: 0.1.0
description:
  - Makes each guest of one or more z/VM systems an Ansible host, so the Linux guests you provision
    with M(zvm.cloud.zvm_guest) can be configured next.
  - Reads the z/VM directory and CP over SMAPI, with a fixed number of bulk calls for the guest list,
    power states and NICs, plus one Query_All_DM for all directory entries when O(definitions=true).
    When the server refuses Query_All_DM (the SMAPI user is not authorized for it, or the server does not
    have it), each guest's entry is read by itself instead, on up to O(max_connections) connections at once;
    the hostvar C(zvm_directory_read) says which (V(query_all) or V(per_guest)).
  - Uses a YAML configuration file whose name ends with C(zvm.yml) or C(zvm.yaml).
  - Hostvars of each guest are C(zvm_system), C(zvm_userid), C(zvm_power_state) (V(on) or V(off)),
    C(zvm_memory) (logon storage, for example V(4G)), C(zvm_memory_mb), C(zvm_max_memory), C(zvm_vcpus),
    C(zvm_max_vcpus), C(zvm_profile), C(zvm_ipl), C(zvm_disks), C(zvm_nics), C(zvm_vswitches),
    C(zvm_comments), C(zvm_directory_read), C(zvm_smapi_host), C(zvm_smapi_port) and C(zvm_smapi_user).
  - C(zvm_nics) lists each NIC with C(vdev), C(type), C(vswitch), C(vlan), C(mac_address) and C(coupled)
    (whether CP has it coupled to the switch now); C(zvm_vswitches) the switches they connect to.
  - Default groups (O(default_groups)) are C(zvm_<system>) for each system, C(zvm_power_on) and
    C(zvm_power_off), and C(zvm_profile_<profile>) for each directory profile. They are valid Ansible group
    names, in lower case, with every character other than a letter, digit or underscore made an underscore;
    a system named after an IP address (O(smapi_host=10.1.2.3) without O(system_name)) has the group
    C(zvm_10_1_2_3).
author:
  - zvm.cloud maintainers (@zvm-cloud)
extends_documentation_fragment:
  - zvm.cloud.smapi.plugins
  - constructed
  - inventory_cache
options:
  plugin:
    description: Marks this file as a configuration of this plugin.
    type: str
    required: true
    choices: [zvm.cloud.zvm]
  system_name:
    description:
      - Name of the z/VM system when O(systems) is not used; it names the system's group and is the
        C(zvm_system) hostvar. Defaults to the first label of O(smapi_host).
    type: str
  systems:
    description:
      - Several z/VM systems in one inventory. Each item is a connection profile with a C(name) and any of
        C(smapi_host), C(smapi_port), C(smapi_user), C(smapi_password), C(smapi_tls), C(smapi_tls_verify),
        C(smapi_ca_path) and C(smapi_timeout); what an item leaves out comes from the options of the same
        name (and their environment variables).
      - String values may be Jinja2 templates, for example C({{ lookup('ansible.builtin.env', 'ZVM2_PW') }}),
        or vault-encrypted.
      - When this is empty, the one system is described by the top-level connection options.
    type: list
    elements: dict
    default: []
  include:
    description:
      - Only guests whose userid matches one of these patterns (C(*), C(?) and C([...]) as wildcards,
        case-insensitive) become hosts.
    type: list
    elements: str
    default: ['*']
  exclude:
    description: Guests whose userid matches one of these patterns are left out, for example V(MAINT*).
    type: list
    elements: str
    default: []
  power_states:
    description: Only guests in these power states become hosts.
    type: list
    elements: str
    choices: ['on', 'off']
    default: ['on', 'off']
  definitions:
    description:
      - Read the guests' directory entries for memory, CPUs, profile, disks, NICs and comments, with one
        Query_All_DM for the whole directory, or one SMAPI call per guest when the server refuses it.
        C(zvm_directory_read) tells which (V(query_all) or V(per_guest); null without definitions).
      - With V(false) the number of SMAPI calls does not grow with the number of guests (four per system);
        C(zvm_memory) and C(zvm_vcpus) of running guests then come from their performance records, C(zvm_nics)
        shows only NICs coupled now, and guests that are off have these set to null. C(zvm_profile) is null.
    type: bool
    default: true
  max_connections:
    description:
      - How many SMAPI requests may run at once while reading directory entries one by one (when Query_All_DM
        is refused; 1 reads them one after the other).
    type: int
    default: 8
  hostname_format:
    description:
      - The inventory host name of a guest; C({userid}) and C({system}) are replaced. Use V({system}_{userid})
        when several systems have guests of the same name.
    type: str
    default: '{userid}'
  hostname_case:
    description: Case of the host names.
    type: str
    choices: [lower, upper]
    default: lower
  ansible_host_comment:
    description:
      - A directory comment record C(* <keyword>=<address>) (a colon instead of C(=) is fine too) in a guest's
        entry sets its C(ansible_host); this is the keyword. Needs O(definitions=true). An empty string turns it off.
    type: str
    default: ANSIBLE_HOST
  ansible_host_template:
    description:
      - A Jinja2 expression over the host's variables that gives C(ansible_host) when no directory comment
        does, for example V(zvm_userid | lower ~ '.example.com').
    type: str
  default_groups:
    description: Create the default groups by system, power state and profile.
    type: bool
    default: true
notes:
  - Guests of several systems with the same userid get the same host name unless O(hostname_format) contains
    C({system}); that is reported as an error.
  - Without O(definitions), no directory is read, so O(ansible_host_comment) has no effect.
  - SMAPI functions this plugin uses, so that the SMAPI user can be authorized for exactly these (the guide
    C(docs/before-you-start.md) in the collection says which option needs which). Directory functions, authorized
    in DirMaint too - Image_Name_Query_DM, Image_Query_DM, Query_All_DM. CP and system functions -
    Image_Performance_Query, Image_Status_Query, Virtual_Network_Vswitch_Query_Extended.
seealso:
  - module: zvm.cloud.zvm_facts
'''

EXAMPLES = r'''
# inventory/prod.zvm.yml: the guests of one system; connection from ZVM_SMAPI_* in the environment
plugin: zvm.cloud.zvm
system_name: zvm1
exclude: [MAINT*, TCPIP, DIRMAINT, OPERATOR, 'OP*', 'DTC*', 'VSM*']
keyed_groups:
  - key: zvm_vswitches
    prefix: vswitch
compose:
  ansible_user: "'root'"
ansible_host_template: zvm_userid | lower ~ '.lab.example.com'

# Two systems, running guests only, named per system, cached for an hour
# plugin: zvm.cloud.zvm
# hostname_format: '{system}_{userid}'
# power_states: ['on']
# smapi_user: ANSIBLE
# smapi_tls: true
# systems:
#   - name: zvm1
#     smapi_host: zvm1.example.com
#     smapi_password: "{{ lookup('ansible.builtin.env', 'ZVM1_PASSWORD') }}"
#   - name: zvm2
#     smapi_host: zvm2.example.com
#     smapi_password: "{{ lookup('ansible.builtin.env', 'ZVM2_PASSWORD') }}"
# cache: true
# cache_plugin: ansible.builtin.jsonfile
# cache_connection: ~/.cache/zvm-inventory
# cache_timeout: 3600
'''

import os
import re

from ansible.errors import AnsibleParserError
from ansible.inventory.group import to_safe_group_name
from ansible.module_utils.common.text.converters import to_native
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.zvm.cloud.plugins.module_utils import connection, gather
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import SDKBaseException
from ansible_collections.zvm.cloud.plugins.module_utils.smapi.errors import SmapiError

CONNECTION_KEYS = [o[0] for o in connection.OPTIONS]
CONNECTION_TYPES = dict((o[0], o[1]) for o in connection.OPTIONS)


def group_name(text):
    """``text`` as a valid Ansible group name: letters, digits and
    underscores, not starting with a digit ('zvm_10.1.2.3' -> 'zvm_10_1_2_3'),
    whatever TRANSFORM_INVALID_GROUP_CHARS says, and without its warning."""
    return to_safe_group_name(text, force=True, silent=True)


def _first_label(host):
    text = str(host or '').strip()
    if re.match(r'^[0-9.]+$', text) or ':' in text:
        return text
    return text.split('.', maxsplit=1)[0]


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = 'zvm.cloud.zvm'

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and path.endswith(('zvm.yml', 'zvm.yaml'))

    # -- configuration ---------------------------------------------------------------------------
    def _convert(self, name, value):
        kind = CONNECTION_TYPES[name]
        if value is None:
            return None
        if isinstance(value, str) and '{{' in value:
            value = self.templar.template(value)
        if kind == 'bool':
            return boolean(value, strict=True)
        if kind == 'int':
            return int(value)
        if kind == 'path':
            return os.path.expanduser(str(value))
        return str(value)

    def _systems(self):
        """[(name, connection params)] from O(systems) or the top-level options."""
        defaults = dict((k, self.get_option(k)) for k in CONNECTION_KEYS)
        items = self.get_option('systems') or []
        if not items:
            name = self.get_option('system_name') or _first_label(defaults.get('smapi_host')) or 'zvm'
            return [(str(name), defaults)]
        out, seen = [], set()
        for n, item in enumerate(items, 1):
            if not isinstance(item, dict) or not item.get('name'):
                raise AnsibleParserError('systems[%d]: each system needs a name and its connection options' % n)
            unknown = sorted(set(item) - set(CONNECTION_KEYS) - set(['name']))
            if unknown:
                raise AnsibleParserError('systems[%d] (%s): unknown option %s; use name, %s'
                                         % (n, item['name'], ', '.join(unknown), ', '.join(CONNECTION_KEYS)))
            name = str(item['name'])
            if name in seen:
                raise AnsibleParserError('systems[%d]: the name %s is used twice' % (n, name))
            seen.add(name)
            params = dict(defaults)
            for key in CONNECTION_KEYS:
                if key in item:
                    try:
                        params[key] = self._convert(key, item[key])
                    except (TypeError, ValueError) as e:
                        raise AnsibleParserError('systems[%d] (%s): %s: %s' % (n, name, key, to_native(e)))
            out.append((name, params))
        return out

    # -- reading ----------------------------------------------------------------------------------
    def _read_system(self, name, params):
        from ansible_collections.zvm.cloud.plugins.module_utils.sdk.api import SDKAPI
        where = '%s:%s' % (params.get('smapi_host'), params.get('smapi_port'))
        try:
            kwargs = connection.client_kwargs(params)
        except ValueError as e:     # missing or bad connection settings
            raise AnsibleParserError('zvm.cloud.zvm: system %s (%s): %s' % (name, where, to_native(e)))
        try:
            sdk = SDKAPI(**kwargs)
            reader = gather.SystemReader(sdk, self.get_option('max_connections'))
            definitions = self.get_option('definitions')
            guests = reader.guests(include=self.get_option('include'), exclude=self.get_option('exclude'),
                                   power_states=self.get_option('power_states'), definitions=definitions,
                                   stats=not definitions, nics=True, nic_counters=False)
        except (SmapiError, InputError, SDKBaseException) as e:
            raise AnsibleParserError('zvm.cloud.zvm: system %s (%s): %s' % (name, where,
                                                                            to_native(e).replace('\n', ' ')))
        return {'name': name, 'smapi_host': params.get('smapi_host'), 'smapi_port': params.get('smapi_port'),
                'smapi_user': params.get('smapi_user'), 'definitions': definitions,
                'directory_read': reader.directory_read, 'guests': guests}

    def _fetch(self):
        return {'systems': [self._read_system(name, params) for name, params in self._systems()]}

    # -- populating --------------------------------------------------------------------------------
    def _hostname(self, system, userid):
        try:
            name = self.get_option('hostname_format').format(userid=userid, system=system)
        except (KeyError, IndexError, ValueError) as e:
            raise AnsibleParserError('hostname_format: %r is not valid: use {userid} and {system} (%s)'
                                     % (self.get_option('hostname_format'), to_native(e)))
        return name.lower() if self.get_option('hostname_case') == 'lower' else name.upper()

    @staticmethod
    def _nics(guest):
        """Directory NICs merged with the NICs CP has coupled now."""
        nics = {}
        for nic in guest.get('nics') or []:
            nics[nic['vdev']] = {'vdev': nic['vdev'], 'type': nic.get('type'), 'vswitch': nic.get('vswitch'),
                                 'vlan': nic.get('vlan'), 'mac_address': None, 'coupled': False}
        for nic in guest.get('active_nics') or []:
            entry = nics.setdefault(nic['vdev'], {'vdev': nic['vdev'], 'type': nic.get('type'), 'vswitch': None,
                                                  'vlan': None})
            entry.update(vswitch=nic.get('vswitch') or entry.get('vswitch'), mac_address=nic.get('mac_address'),
                         coupled=True)
            if not entry.get('type'):
                entry['type'] = nic.get('type')
        return [nics[v] for v in sorted(nics)]

    def _hostvars(self, system, guest):
        figures = guest if system['definitions'] else gather.stats_facts(guest.get('stats') or {})
        nics = self._nics(guest)
        return {
            'zvm_system': system['name'],
            'zvm_userid': guest['userid'],
            'zvm_power_state': guest['power_state'],
            'zvm_memory': figures.get('memory'),
            'zvm_memory_mb': figures.get('memory_mb'),
            'zvm_max_memory': figures.get('max_memory'),
            'zvm_vcpus': figures.get('vcpus'),
            'zvm_max_vcpus': guest.get('max_vcpus'),
            'zvm_profile': guest.get('profile'),
            'zvm_ipl': guest.get('ipl'),
            'zvm_disks': guest.get('disks') or [],
            'zvm_nics': nics,
            'zvm_vswitches': sorted(set(n['vswitch'] for n in nics if n.get('vswitch'))),
            'zvm_comments': guest.get('comments') or [],
            'zvm_directory_read': system.get('directory_read'),
            'zvm_smapi_host': system['smapi_host'],
            'zvm_smapi_port': system['smapi_port'],
            'zvm_smapi_user': system['smapi_user'],
        }

    def _comment_address(self, hostvars):
        keyword = (self.get_option('ansible_host_comment') or '').strip().upper()
        if not keyword:
            return None
        pattern = re.compile(r'^%s\s*[=:]\s*(\S+)' % re.escape(keyword), re.IGNORECASE)
        for text in hostvars['zvm_comments']:
            m = pattern.match(text.strip())
            if m:
                return m.group(1).lower()
        return None

    def _populate(self, data):
        strict = self.get_option('strict')
        default_groups = self.get_option('default_groups')
        template = self.get_option('ansible_host_template')
        owners = {}
        for system in data['systems']:
            system_group = None
            if default_groups:
                system_group = self.inventory.add_group(group_name('zvm_%s' % system['name'].lower()))
            for userid, guest in system['guests'].items():
                host = self._hostname(system['name'], userid)
                if host in owners:
                    raise AnsibleParserError('host name %s comes from guest %s of system %s and guest %s of system '
                                             '%s: put {system} in hostname_format, or exclude one of them'
                                             % (host, owners[host][1], owners[host][0], userid, system['name']))
                owners[host] = (system['name'], userid)
                self.inventory.add_host(host, group=system_group)
                hostvars = self._hostvars(system, guest)
                for key, value in hostvars.items():
                    self.inventory.set_variable(host, key, value)
                address = self._comment_address(hostvars)
                if address is None and template:
                    address = self._compose(template, hostvars)
                if address:
                    self.inventory.set_variable(host, 'ansible_host', address)
                    hostvars['ansible_host'] = address
                if default_groups:
                    group = self.inventory.add_group('zvm_power_%s' % guest['power_state'])
                    self.inventory.add_child(group, host)
                    if hostvars['zvm_profile']:
                        group = self.inventory.add_group(group_name('zvm_profile_%s' % hostvars['zvm_profile'].lower()))
                        self.inventory.add_child(group, host)
                self._set_composite_vars(self.get_option('compose'), hostvars, host, strict=strict)
                self._add_host_to_composed_groups(self.get_option('groups'), hostvars, host, strict=strict)
                self._add_host_to_keyed_groups(self.get_option('keyed_groups'), hostvars, host, strict=strict)

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        self._read_config_data(path)
        try:
            gather.check_max_connections(self.get_option('max_connections'))
            gather.name_filter(self.get_option('include'), self.get_option('exclude'))
        except InputError as e:
            raise AnsibleParserError('zvm.cloud.zvm: %s' % to_native(e))
        cache_key = self.get_cache_key(path)
        use_cache = self.get_option('cache') and cache
        update_cache = self.get_option('cache') and not cache
        data = None
        if use_cache:
            try:
                data = self._cache[cache_key]
            except KeyError:
                update_cache = True
        if data is None:
            data = self._fetch()
        if update_cache:
            self._cache[cache_key] = data
        self._populate(data)
