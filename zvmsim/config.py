# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulated system's description (YAML) and its defaults.

A config file is merged over ``default_system.yml``: mappings merge key by
key, anything else (lists, scalars) replaces the default.  So a test config
can say only what differs, e.g. ``power: {soft_stop_seconds: 5}``.
"""

import copy
import os

import yaml

from zvmsim.fcp import check_config as fcp_config_problems

DEFAULT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'default_system.yml')

# Seconds of simulated service time per function ("latency profiles").
# zero: answer at once.  realistic: what a busy production system shows:
# directory-manager writes around a second, queries around 50 ms.
LATENCY_PROFILES = {
    'zero': {'write_dm': 0.0, 'write': 0.0, 'query': 0.0},
    'realistic': {'write_dm': 1.0, 'write': 0.2, 'query': 0.05},
}


class ConfigError(ValueError):
    pass


def merge(base, over):
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, value in over.items():
            out[key] = merge(base.get(key), value) if key in base else copy.deepcopy(value)
        return out
    return copy.deepcopy(over)


def load(path=None):
    with open(DEFAULT_PATH) as fh:
        config = yaml.safe_load(fh)
    if path:
        with open(path) as fh:
            user = yaml.safe_load(fh) or {}
        if not isinstance(user, dict):
            raise ConfigError('%s: the top level must be a mapping' % path)
        config = merge(config, user)
    check(config)
    return config


def check(config):
    """Reject configs that would make the simulator misbehave later."""
    for key in ('system', 'smapi', 'dasd', 'groups', 'guests'):
        if key not in config:
            raise ConfigError('config has no %r section' % key)
    volids = set()
    for vol in config['dasd']:
        if vol.get('devtype') not in ('3390', '9336'):
            raise ConfigError('dasd %s: devtype must be 3390 or 9336' % vol.get('volid'))
        if vol['devtype'] == '3390' and not vol.get('cylinders'):
            raise ConfigError('dasd %s: a 3390 needs cylinders' % vol['volid'])
        if vol['devtype'] == '9336' and not vol.get('blocks'):
            raise ConfigError('dasd %s: a 9336 needs blocks' % vol['volid'])
        volids.add(vol['volid'].upper())
    for group, members in (config.get('groups') or {}).items():
        for volid in members:
            if str(volid).upper() not in volids:
                raise ConfigError('group %s names unknown volume %s' % (group, volid))
    seen = set()
    for guest in config['guests']:
        userid = str(guest.get('userid', '')).upper()
        if not userid or userid in seen:
            raise ConfigError('guest userid %r is missing or repeated' % userid)
        seen.add(userid)
    query_all = (config.get('directory') or {}).get('query_all_authorized', True)
    if not isinstance(query_all, (bool, list)):
        raise ConfigError('directory.query_all_authorized must be true, false or a list of userids')
    problems = fcp_config_problems(config.get('fcp'))
    if problems:
        raise ConfigError('; '.join(problems))
    profile = (config.get('latency') or {}).get('profile', 'zero')
    if profile not in LATENCY_PROFILES:
        raise ConfigError('latency profile must be one of %s' % ', '.join(sorted(LATENCY_PROFILES)))


def latency_for(config, function, read_only):
    """Simulated service time of one call, in seconds."""
    latency = config.get('latency') or {}
    per_function = latency.get('functions') or {}
    if function in per_function:
        return float(per_function[function])
    profile = LATENCY_PROFILES[latency.get('profile', 'zero')]
    if read_only:
        return profile['query']
    return profile['write_dm'] if function.endswith('_DM') else profile['write']
