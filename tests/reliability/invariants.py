# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What must hold of the simulator's state after any run, failed or not,
and whether a failed run's ``actions`` and ``rollback`` tell the truth.

Every check takes ``sim.dump()`` (and, for results, the dump from before
the run) and returns a list of problems, one short line each, so that a
long run can count them all instead of stopping at the first:

- ``space_problems``: no extent owned twice, no two pieces of space that
  overlap on a volume, counting the space running guests still have
  attached (``cp[guest]['disks']``) as owned too; every extent belongs to
  an MDISK of its owner's entry at that very place, and every MDISK on a
  known volume has its extent (nothing orphaned, nothing lost);
- ``lock_problems``: no directory entry left locked, no lock marker left
  in the controller's host lock directory;
- ``result_problems``: each action a failed run lists as done is visible
  in the directory or CP state, and each ``rollback`` line that says
  something was undone matches the state from before the run.
"""

import glob
import json
import os
import re

from ansible_collections.zvm.cloud.plugins.module_utils import directory

PROBLEM_KINDS = ('overlapping', 'duplicated', 'orphaned', 'lost', 'locked', 'untrue', 'not converged', 'traceback')


def entry_of(dump, userid):
    records = dump['directory'].get(userid)
    return directory.parse(records) if records is not None else None


# -- space -------------------------------------------------------------------------------------------

def _claims(dump):
    """Every piece of space someone owns: DirMaint's extents, and the disks
    running guests have attached (the same disk once)."""
    claims = {}
    for ext in dump['extents']:
        key = (ext['owner'], ext['vdev'], ext['volid'], int(ext['start']), int(ext['size']))
        claims[key] = 'extent of %s %s' % (ext['owner'], ext['vdev'])
    for holder, doc in sorted(dump['cp'].items()):
        for disk in (doc.get('disks') or {}).values():
            if disk.get('start') is None or disk.get('rdev') in ('VDSK', 'TDSK') or not disk.get('volid'):
                continue
            key = (disk.get('owner') or holder, disk.get('owner_vdev') or disk['vdev'], disk['volid'],
                   int(disk['start']), int(disk['size']))
            claims.setdefault(key, 'disk %s attached to running %s' % (disk['vdev'], holder))
    return claims


def space_problems(dump, only=None):
    """Overlapping, duplicated, orphaned and lost space (see the module
    docstring); ``only`` (a predicate on a userid) limits the orphan and
    lost checks to some owners (the overlap checks are always global)."""
    problems = []
    claims = _claims(dump)
    by_volume = {}
    for key, what in claims.items():
        by_volume.setdefault(key[2], []).append((key[3], key[3] + key[4], what))
    for volid, spans in sorted(by_volume.items()):
        spans.sort()
        for (a_lo, a_hi, a), (b_lo, b_hi, b) in zip(spans, spans[1:]):
            if b_lo < a_hi:
                problems.append('overlapping: on %s, %s (%d-%d) and %s (%d-%d)'
                                % (volid, a, a_lo, a_hi - 1, b, b_lo, b_hi - 1))
    seen = {}
    for ext in dump['extents']:
        key = (ext['owner'], ext['vdev'])
        if key in seen:
            problems.append('duplicated: %s %s has two extents' % key)
        seen[key] = ext
    volumes = set(v['volid'] for v in dump['volumes'])
    for ext in dump['extents']:
        if only is not None and not only(ext['owner']):
            continue
        entry = entry_of(dump, ext['owner'])
        md = entry.find_mdisk(ext['vdev']) if entry is not None else None
        if md is None or md.volser != ext['volid'] or md.start != int(ext['start']):
            problems.append('orphaned: extent of %s %s on %s at %s has no MDISK there'
                            % (ext['owner'], ext['vdev'], ext['volid'], ext['start']))
    for userid in sorted(dump['directory']):
        if only is not None and not only(userid):
            continue
        for md in entry_of(dump, userid).mdisks:
            if md.disk_type == 'perm' and md.volser in volumes and md.start is not None and \
                    (userid, md.vdev) not in seen:
                problems.append('lost: MDISK %s of %s on %s has no extent' % (md.vdev, userid, md.volser))
    for holder, doc in sorted(dump['cp'].items()):
        if only is not None and not only(holder):
            continue
        entry = entry_of(dump, holder)
        for disk in (doc.get('disks') or {}).values():
            if (disk.get('owner') or holder) != holder or disk.get('start') is None or \
                    disk.get('rdev') in ('VDSK', 'TDSK'):
                continue
            md = entry.find_mdisk(disk['vdev']) if entry is not None else None
            if md is None:
                problems.append('orphaned: disk %s stays attached to running %s without an MDISK'
                                % (disk['vdev'], holder))
    return problems


# -- locks -------------------------------------------------------------------------------------------

def markers(tmpdir):
    return sorted(glob.glob(os.path.join(str(tmpdir), 'zvm-cloud-locks-*', '*.held')))


def lock_problems(dump, tmpdir=None):
    """Entries left locked, and lock markers of the controller in ``tmpdir``
    whose entry is still locked.  (A marker whose lock is gone is not a
    problem: when the reply to an unlock that worked is lost and the server
    stays away, the marker stays, and if a re-run has nothing to change it
    is only replaced by the next lock of the entry: ``obsolete_markers``.)"""
    problems = ['locked: %s is locked (%s)' % (name, json.dumps(locks, sort_keys=True))
                for name, locks in sorted(dump['locks'].items()) if locks]
    if tmpdir is not None:
        problems += ['locked: lock marker %s left behind with its lock' % os.path.basename(m)
                     for m in markers(tmpdir) if _marker_entry(m) in dump['locks']]
    return problems


def obsolete_markers(dump, tmpdir):
    """Lock markers of the controller in ``tmpdir`` whose lock is gone."""
    return [m for m in markers(tmpdir) if _marker_entry(m) not in dump['locks']]


def _marker_entry(path):
    try:
        with open(path) as fh:
            return str(json.load(fh).get('entry') or '').upper()
    except (OSError, ValueError):
        return None


# -- what a result says against the state ------------------------------------------------------------

def _nicdef(entry, vdev):
    return entry.find_nic(vdev) if entry is not None else None


def _adapter(dump, userid, vdev):
    return next((a for a in dump['adapters'] if a['userid'] == userid and a['vdev'] == vdev), None)


def _attached(dump, userid, vdev):
    return vdev in ((dump['cp'].get(userid) or {}).get('disks') or {})


def _switch(dump, name):
    return next((v for v in dump['vswitches'] if v['name'] == name), None)


def _granted(dump, name, userid):
    sw = _switch(dump, name)
    return sw is not None and any(g['userid'] == userid for g in sw['grants'])


SETTINGS = ('storage', 'max_storage', 'logonby')


def _settings(entry):
    return None if entry is None else dict((k, getattr(entry, k)) for k in SETTINGS)


def action_holds(action, dump, userid, declared):
    """Whether ``action`` (a line of a result's ``actions``) is visible in
    ``dump``: True, False, or None when the action is not one we know."""
    entry = entry_of(dump, userid) if userid else None
    running = userid in dump['cp'] if userid else False
    m = re.match(r'create guest (\S+)$', action)
    if m:
        return m.group(1) in dump['directory']
    m = re.match(r'delete guest (\S+)$', action)
    if m:
        return m.group(1) not in dump['directory']
    m = re.match(r'create disk (\S+) ', action)
    if m:
        found = entry is not None and entry.find_mdisk(m.group(1)) is not None
        return found and (not declared.get('attach') or not running or _attached(dump, userid, m.group(1)))
    m = re.match(r'delete disk (\S+)$', action)
    if m:
        return entry is not None and entry.find_mdisk(m.group(1)) is None
    if action.startswith('update directory entry: '):
        want = declared.get('settings') or {}
        have = _settings(entry) or {}
        return all(have.get(k) == v for k, v in want.items())
    m = re.match(r'create NICDEF (\S+) ', action)
    if m:
        return _nicdef(entry, m.group(1)) is not None
    m = re.match(r'couple NICDEF (\S+) to (\S+)$', action)
    if m:
        nic = _nicdef(entry, m.group(1))
        return nic is not None and nic.lan_name == m.group(2)
    m = re.match(r'(uncouple|delete) NICDEF (\S+)$', action)
    if m:
        nic = _nicdef(entry, m.group(2))
        return nic is None if m.group(1) == 'delete' else (nic is not None and not nic.lan_name)
    m = re.match(r'define NIC (\S+) on the running guest$', action)
    if m:
        return _adapter(dump, userid, m.group(1)) is not None
    m = re.match(r'couple NIC (\S+) of the running guest to (\S+)$', action)
    if m:
        a = _adapter(dump, userid, m.group(1))
        return a is not None and a['coupled'] and a['lan_name'] == m.group(2)
    m = re.match(r'uncouple NIC (\S+) of the running guest from (\S+)$', action)
    if m:
        a = _adapter(dump, userid, m.group(1))
        return a is None or not a['coupled'] or a['lan_name'] != m.group(2)
    m = re.match(r'detach NIC (\S+) from the running guest$', action)
    if m:
        return _adapter(dump, userid, m.group(1)) is None
    if action == 'start':
        return running
    if action.startswith('stop'):
        return not running
    m = re.match(r'create vswitch (\S+) ', action)
    if m:
        return _switch(dump, m.group(1)) is not None
    m = re.match(r'delete vswitch (\S+)$', action)
    if m:
        return _switch(dump, m.group(1)) is None
    m = re.match(r'grant (\S+) on (\S+)', action)
    if m:
        return _granted(dump, m.group(2), m.group(1))
    m = re.match(r'revoke (\S+) from (\S+)$', action)
    if m:
        return not _granted(dump, m.group(2), m.group(1))
    m = re.match(r'set vswitch (\S+): ', action)
    if m:
        return _switch(dump, m.group(1)) is not None
    return None


def _undone(action, before, after, userid):
    """Whether the object ``action`` changed is back as it was in ``before``."""
    b, a = entry_of(before, userid), entry_of(after, userid)
    m = re.match(r'(create|delete) disk (\S+)', action)
    if m:
        vdev = m.group(2)
        had = b is not None and b.find_mdisk(vdev) is not None
        return (a is not None and a.find_mdisk(vdev) is not None) == had and \
            _attached(after, userid, vdev) == _attached(before, userid, vdev)
    if action.startswith('update directory entry: '):
        return _settings(a) == _settings(b)
    m = re.match(r'.*NICDEF (\S+)', action)
    if m:
        return _nic_state(after, userid, m.group(1)) == _nic_state(before, userid, m.group(1))
    m = re.match(r'.*NIC (\S+) (on|of|from) the running guest', action)
    if m:
        return _adapter(after, userid, m.group(1)) == _adapter(before, userid, m.group(1))
    m = re.match(r'create guest (\S+)', action)
    if m:
        return (m.group(1) in after['directory']) == (m.group(1) in before['directory'])
    return None


def _nic_state(dump, userid, vdev):
    entry = entry_of(dump, userid)
    nic = _nicdef(entry, vdev)
    return None if nic is None else (nic.lan_name, nic.vlan, nic.port_type, nic.macid)


def result_problems(result, before, after, userid, declared):
    """Problems with what a failed ``result`` says (see the module docstring);
    ``before`` and ``after`` are dumps from before and after the run,
    ``declared`` what the run asked for (``settings``: the SETTINGS values,
    ``attach``: whether new disks go to the running guest too)."""
    problems = []
    for action in result.get('actions') or []:
        holds = action_holds(action, after, userid, declared)
        if holds is None:
            problems.append('untrue: action %r is not one the checks know' % action)
        elif not holds:
            problems.append('untrue: %r is listed as done, but the state does not show it' % action)
    for line in result.get('rollback') or []:
        if line.startswith('could not'):
            continue
        m = re.match(r'undone: (.*)$', line)
        if m:
            parts = m.group(1).split('; ')
        elif re.match(r'disk (\S+) of (\S+): removed again$', line):
            parts = ['create disk %s ' % line.split()[1]]
        elif re.match(r'NIC (\S+) of (\S+): the directory change was undone$', line):
            parts = ['NICDEF %s' % line.split()[1]]
        elif re.match(r'guest (\S+): the new directory entry was deleted again$', line):
            parts = ['create guest %s' % line.split()[1].rstrip(':')]
        elif line.startswith('deleted vswitch '):
            name = line.split()[2]
            parts = []
            if _switch(after, name) is not None and _switch(before, name) is None:
                problems.append('untrue: %r, but the vswitch is there' % line)
        else:
            problems.append('untrue: rollback line %r is not one the checks know' % line)
            continue
        for part in parts:
            ok = _undone(part, before, after, userid)
            if ok is False:
                problems.append('untrue: rollback says %r, but the state differs from before the run' % line)
            elif ok is None:
                problems.append('untrue: rollback line %r is not one the checks know' % line)
    return problems


# -- figures of a long run ---------------------------------------------------------------------------

def write_figures(name, figures):
    """Write ``figures`` (a dict) to $ZVM_RELIABILITY_REPORT/NAME.json when
    that variable names a directory (``tools/bench reliability`` reads them)."""
    out = os.environ.get('ZVM_RELIABILITY_REPORT')
    if not out:
        return
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, name + '.json'), 'w') as fh:
        json.dump(figures, fh, indent=1, sort_keys=True)


def count(problems):
    """{kind: number} of a list of problem lines (the word before the colon)."""
    out = dict((k, 0) for k in PROBLEM_KINDS)
    for p in problems:
        kind = p.split(':', 1)[0]
        out[kind] = out.get(kind, 0) + 1
    return out
