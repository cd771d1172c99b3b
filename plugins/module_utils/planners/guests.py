# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A guest as declared against the guest as it is: its directory settings,
its disks and its power state.  Nothing here talks to z/VM.

``new_entry``        the directory entry of a new guest (``guest_create``'s)
``check_settings``   the declared settings checked, each message naming its option
``apply_settings``   the declared settings on a copy of an entry
``plan_disks``       which disks to create and delete, checked first
``add_predicted_disk``  a disk to be made, shown in the predicted entry
``power_transitions``   the steps from one power state to the declared one
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zvm.cloud.plugins.module_utils import directory, units, validation
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.planners import disks as disk_specs
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import SDKInvalidInputFormat

DEFAULT_PASSWORD = 'LBYONLY'
ON = 'on'
OFF = 'off'
# directory changes a running guest only sees at its next logon, without a restart mattering
NO_RESTART_STATEMENTS = ('LOGONBY', 'ACCOUNT')
LOADDEV_KEYS = {'portname': 'PORTNAME', 'lun': 'LUN', 'alterdev': 'ALTERDEV'}
SETTINGS = ('memory', 'max_memory', 'vcpus', 'max_vcpus', 'ipl', 'logonby', 'account', 'profile', 'password')


def memory_text(memory, field='memory'):
    """zvmsdk passes memory as an int of MB; strings with units are accepted too."""
    try:
        return units.cp_storage(units.parse_memory(memory, field), field)
    except InputError as e:
        raise SDKInvalidInputFormat(str(e))


def _count(value, field, low, high):
    """``value`` as an int from ``low`` to ``high`` (an int, or ASCII digits;
    0 is an error, never a default)."""
    try:
        return validation.ascii_number(value, field, low, high, 'a number')
    except InputError as e:
        raise SDKInvalidInputFormat(str(e))


def _checked(check, *args):
    try:
        return check(*args)
    except SDKInvalidInputFormat:
        raise
    except InputError as e:
        raise SDKInvalidInputFormat(str(e))


def check_settings(p, where=''):
    """Check the declared settings (``p``: the module's options named in
    SETTINGS; None or absent: not declared) before anything is read or
    written; each message names the option (``where`` prefixes it, such as
    ``guests[2].``).  Returns the canonical values of those declared."""
    out = {}
    for key in ('memory', 'max_memory'):
        if p.get(key) is not None:
            out[key] = memory_text(p[key], where + key)
    for key in ('vcpus', 'max_vcpus'):
        if p.get(key) is not None:
            out[key] = _count(p[key], where + key, 1, 64)
    if 'vcpus' in out and 'max_vcpus' in out and out['max_vcpus'] < out['vcpus']:
        raise SDKInvalidInputFormat('%smax_vcpus: %d is less than vcpus (%d)'
                                    % (where, out['max_vcpus'], out['vcpus']))
    if p.get('ipl'):
        out['ipl'] = _checked(validation.ipl_device, p['ipl'], where + 'ipl')
    if p.get('logonby') is not None:
        logonby = p['logonby'].split(' ') if isinstance(p['logonby'], str) else p['logonby']
        out['logonby'] = [_checked(validation.userid, u, where + 'logonby') for u in logonby if u != '']
    if p.get('profile'):
        out['profile'] = _checked(validation.userid, p['profile'], where + 'profile', True)
    if p.get('account'):
        text = _checked(validation.no_blanks_or_controls, p['account'], where + 'account').upper()
        if len(text) > 8:
            raise SDKInvalidInputFormat('%saccount: %r must be 1 to 8 characters' % (where, text))
        out['account'] = text
    if p.get('password') is not None:
        out['password'] = _checked(validation.password, p['password'], where + 'password')
    return out


def new_entry(userid, vcpus, memory, user_profile='', max_cpu=None, max_mem=None, ipl_from='', ipl_param='',
              ipl_loadparam='', dedicate_vdevs=None, loaddev=None, account='', comment_list=None, password=None,
              logonby=None, privileges='G', cshare=''):
    """The directory entry ``guest_create`` makes, in zvmsdk's terms; raises
    SDKInvalidInputFormat naming the field."""
    try:
        userid = validation.userid(userid, 'userid')
    except InputError as e:
        raise SDKInvalidInputFormat(str(e))
    vcpus = _count(vcpus, 'vcpus', 1, 64)
    if max_cpu is not None:
        max_cpu = _count(max_cpu, 'max_cpu', vcpus, 64)
    if ipl_from:
        ipl_from = _checked(validation.ipl_device, ipl_from, 'ipl_from')
    storage = memory_text(memory)
    max_storage = memory_text(max_mem, 'max_mem') if max_mem not in (None, '') else storage
    if isinstance(logonby, str):
        logonby = logonby.split()
    if loaddev is not None and not isinstance(loaddev, dict):
        raise SDKInvalidInputFormat('loaddev: expected a dict with portname, lun or alterdev')
    try:
        entry = directory.DirectoryEntry.new(userid, password or DEFAULT_PASSWORD, storage, max_storage, privileges)
        if user_profile:
            entry.set_include(user_profile)
        entry.set_machine('ESA', max_cpu or vcpus)
        entry.set_cpus(vcpus)
        if ipl_from:
            entry.set_ipl(ipl_from, ipl_param or None, ipl_loadparam or None)
        if logonby:
            entry.set_logonby(logonby)
        if account:
            entry.set_account(account)
        for vdev in dedicate_vdevs or []:
            entry.add_dedicate(vdev, vdev)
        for key, value in (loaddev or {}).items():
            if key not in LOADDEV_KEYS:
                raise SDKInvalidInputFormat('loaddev: unknown key %r (portname, lun, alterdev)' % key)
            if value:
                entry.add_loaddev(LOADDEV_KEYS[key], value)
        if cshare:
            entry.set_share(cshare)
        for comment in comment_list or []:
            entry.add_comment(comment)
        entry.records()     # raises if a record would be too long
    except SDKInvalidInputFormat:
        raise
    except InputError as e:
        raise SDKInvalidInputFormat(str(e))
    return entry


def apply_settings(entry, p, creating=False):
    """Apply the declared settings (``p``: the module's options named in
    SETTINGS; None leaves one as it is) to ``entry``, a copy; returns
    whether anything changed.  The password is set only on an existing
    guest when given (a new guest gets it at creation)."""
    declared = check_settings(p)
    changed = False
    if p.get('memory') is not None:
        changed |= entry.set_storage(p['memory'])
    if p.get('max_memory') is not None:
        changed |= entry.set_max_storage(p['max_memory'])
    if p.get('vcpus') is not None or p.get('max_vcpus') is not None:
        count = p['vcpus'] if p.get('vcpus') is not None else max(len(entry.cpus), 1)
        changed |= entry.set_cpus(count, max_cpus=p.get('max_vcpus'))
    if p.get('ipl') is not None:
        changed |= entry.set_ipl(declared.get('ipl'))
    if p.get('logonby') is not None:
        changed |= entry.set_logonby(p['logonby'])
    if p.get('account') is not None:
        changed |= entry.set_account(p['account'] or None)
    if p.get('profile') is not None:
        changed |= entry.set_include(p['profile'] or None)
    if p.get('password') is not None and not creating:
        changed |= entry.set_password(p['password'])
    return bool(changed)


def settings_summary(changes):
    """'update directory entry: CPU, USER storage' from directory.diff()."""
    return 'update directory entry: %s' % ', '.join(
        sorted(set(('%s %s' % (c['statement'], c['field'] or '')).strip() for c in changes)))


def restart_needed(changes):
    """Whether a running guest sees these directory changes only after a
    restart (a password, LOGONBY or ACCOUNT change does not need one)."""
    return any(c['statement'] not in NO_RESTART_STATEMENTS and c['field'] != 'password' for c in changes)


def describe_disk(spec):
    """'create disk 0101 (1G in ECKD:POOL1)', with ', ext4' when the access
    node makes a file system (or swap) on it."""
    made = ', %s' % spec['format'] if disk_specs.needs_node(spec) else ''
    return 'create disk %s (%s%s%s)' % (spec['vdev'], spec['size'],
                                        ' in %s' % spec['disk_pool'] if spec['pool'] else ' V-DISK', made)


def plan_disks(entry, specs, purge):
    """(to_create, to_delete): the declared disks the entry lacks, and with
    ``purge`` its disks not declared.  A declared disk that exists with
    another size or type is an error, before anything changes."""
    to_create, problems, declared = [], [], set()
    for spec in specs or []:
        declared.add(spec['vdev'])
        have = entry.find_mdisk(spec['vdev'])
        if have is None:
            to_create.append(spec)
            continue
        ok, why = disk_specs.matches(spec, have.to_dict())
        if not ok:
            problems.append('disk %s %s; it is left as it is: change the declaration, or remove the disk '
                            'first' % (spec['vdev'], why))
    if problems:
        raise SDKInvalidInputFormat('; '.join(problems))
    to_delete = []
    if purge and specs is not None:
        to_delete = [m.vdev for m in entry.mdisks if m.vdev not in declared]
    return to_create, to_delete


def add_predicted_disk(entry, spec, where=None):
    """Show a disk to be made in the predicted ``entry``: a V-DISK as it
    will be, a pool disk as the AUTOG request DirMaint allocates.  A device
    of the entry in the way (a NIC's range included) is an error naming both."""
    clash = entry.device_conflict(spec['vdev'])
    if clash:
        raise SDKInvalidInputFormat('%s: vdev %s is already in use by %s'
                                    % (where or 'disk %s' % spec['vdev'], spec['vdev'], clash))
    if spec['kind'] == 'vdisk':
        entry.add_mdisk(spec['vdev'], 'FB-512', spec['count'], disk_type='vdisk', mode=spec['mode'])
    else:
        entry.add_autog_mdisk(spec['vdev'], disk_specs.SMAPI_DEVTYPE[spec['devtype']], spec['count'], spec['pool'],
                              spec['mode'])


def power_transitions(state, power, paused):
    """The steps ('start', 'stop', 'pause', 'unpause') from (power, paused)
    to the declared ``state``, and the (power, paused) they lead to.
    ``paused`` is None when it was not read (it matters for started and
    paused only)."""
    steps = []
    if state == 'started':
        if power == OFF:
            steps.append('start')
            power = ON
        elif paused:
            steps.append('unpause')
        paused = False
    elif state == 'stopped':
        if power == ON:
            steps.append('stop')
            power, paused = OFF, None
    elif state == 'restarted':
        if power == ON:
            steps.append('stop')
        steps.append('start')
        power, paused = ON, None
    elif state == 'paused':
        if power == OFF:
            steps.append('start')
            power = ON
        if not paused:
            steps.append('pause')
        paused = True
    return steps, power, paused
