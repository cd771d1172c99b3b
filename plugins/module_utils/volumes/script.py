# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The guest-side scripts that configure an FCP volume, in the manner of
IBM's cloud connector (its ``rhel8_attach_volume.j2`` and friends): the SDK
punches one into the guest's reader (class X) and the guest's
configuration service runs it (at once when it watches the reader, else at
the next boot).

``attach_script`` (bash):
  1. loads zfcp (and dm-multipath, enabling multipathd, when ``multipath``);
  2. brings every FCP device online (``cio_ignore -r``, then ``chzdev -e
     zfcp-host`` or, without chzdev, ``chccwdev -e``);
  3. adds the LUN on every path, FCP device x target WWPN (``chzdev -e -a
     zfcp-lun`` or the sysfs ``port_add``/``unit_add``), and writes each path
     into ``/etc/zfcp.conf`` once;
  4. waits (30 s at most) for a path's ``/dev/disk/by-path/ccw-0.0.<fcp>-zfcp-<wwpn>:<lun>``,
     reads the volume's WWID with ``scsi_id --page 0x83``;
  5. adds a udev rule naming the device after the mount point
     (``/dev/data01`` -> symlink ``data01``): the ``mpath-<WWID>`` device
     map with multipath, else the SCSI disk with that serial, in
     ``/etc/udev/rules.d/99-zvmcloud-volumes.rules`` (one line per volume,
     replaced when the volume is attached again), and reloads udev.
  Exit codes: 0 done, 1 multipathd is not active, 4 no path of the LUN
  appeared.

``detach_script``: flushes and removes the multipath map, removes the LUN
from every path (``chzdev -d zfcp-lun`` or ``unit_remove``) and from
``/etc/zfcp.conf``, takes the FCP devices no other volume uses offline
(``offline_fcps``), and removes the volume's udev rule.

Every value is checked (``volumes.values``) before it is written into the
script, and written as a single-quoted bash word: no value can inject a
command.  The scripts pass ``bash -n`` and shellcheck (tests).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.volumes import values

ATTACH_NAME = 'ATVOL.SH'
DETACH_NAME = 'DEVOL.SH'
RULES = '/etc/udev/rules.d/99-zvmcloud-volumes.rules'
WAIT_SECONDS = 30

_HEADER = """#!/bin/bash
# zvm.cloud: %(what)s FCP volume %(lun)s as /dev/%(name)s (generated; do not edit)
set -u
FCPS=(%(fcps)s)
WWPNS=(%(wwpns)s)
LUN=%(lun)s
NAME=%(name_q)s
MULTIPATH=%(multipath)d
OS_VERSION=%(os)s
RULES=%(rules)s

log() {
    echo "zvmcloud-volume: $*"
    logger -t zvmcloud-volume -- "$*" 2>/dev/null || true
}

has_chzdev=0
if command -v chzdev >/dev/null 2>&1; then
    has_chzdev=1
fi

# the first path of the LUN that has a device node, or nothing
disk_path() {
    local fcp wwpn path
    for fcp in "${FCPS[@]}"; do
        for wwpn in "${WWPNS[@]}"; do
            path="/dev/disk/by-path/ccw-0.0.$fcp-zfcp-$wwpn:$LUN"
            if [ -e "$path" ]; then
                echo "$path"
                return 0
            fi
        done
    done
    return 1
}

wwid_of() {
    local tool
    for tool in /lib/udev/scsi_id /usr/lib/udev/scsi_id; do
        if [ -x "$tool" ]; then
            "$tool" --page 0x83 --whitelisted --device "$1" 2>/dev/null
            return
        fi
    done
}

# the udev rules without this volume's line
rules_without_volume() {
    if [ -f "$RULES" ]; then
        grep -v -F "SYMLINK+=\\"$NAME\\"" "$RULES" || true
    fi
}

log "$0: ${FCPS[*]} ${WWPNS[*]} $LUN /dev/$NAME multipath=$MULTIPATH os=$OS_VERSION"
"""

_ATTACH = """
modprobe zfcp 2>/dev/null || true
if [ "$MULTIPATH" = 1 ]; then
    modprobe dm-multipath 2>/dev/null || true
    if [ ! -e /etc/multipath.conf ]; then
        if command -v mpathconf >/dev/null 2>&1; then
            mpathconf --enable --user_friendly_names n >/dev/null 2>&1 || true
        else
            printf 'defaults {\\n    user_friendly_names no\\n}\\n' > /etc/multipath.conf
        fi
    fi
    systemctl enable --now multipathd.service >/dev/null 2>&1 || true
    if ! systemctl is-active --quiet multipathd.service; then
        log "multipathd is not active: nothing was changed"
        exit 1
    fi
fi

for fcp in "${FCPS[@]}"; do
    cio_ignore -r "$fcp" >/dev/null 2>&1 || true
    if [ "$has_chzdev" = 1 ]; then
        chzdev -e -a zfcp-host "$fcp" >/dev/null 2>&1 || log "chzdev -e zfcp-host $fcp failed"
    else
        chccwdev -e "$fcp" >/dev/null 2>&1 || log "chccwdev -e $fcp failed"
    fi
done
udevadm settle 2>/dev/null || true

for fcp in "${FCPS[@]}"; do
    for wwpn in "${WWPNS[@]}"; do
        if [ "$has_chzdev" = 1 ]; then
            chzdev -e -a zfcp-lun "0.0.$fcp:$wwpn:$LUN" >/dev/null 2>&1 || log "chzdev zfcp-lun 0.0.$fcp:$wwpn:$LUN failed"
        else
            port="/sys/bus/ccw/drivers/zfcp/0.0.$fcp/$wwpn"
            if [ ! -d "$port" ]; then
                echo "$wwpn" > "/sys/bus/ccw/drivers/zfcp/0.0.$fcp/port_add" 2>/dev/null || true
            fi
            if [ -d "$port" ] && [ ! -d "$port/$LUN" ]; then
                echo "$LUN" > "$port/unit_add" 2>/dev/null || log "unit_add 0.0.$fcp $wwpn $LUN failed"
            fi
        fi
        line="0.0.$fcp $wwpn $LUN"
        if ! grep -q -x -F "$line" /etc/zfcp.conf 2>/dev/null; then
            echo "$line" >> /etc/zfcp.conf
        fi
    done
done
udevadm settle 2>/dev/null || true

disk=""
for _second in $(seq %(wait)d); do
    if disk=$(disk_path); then
        break
    fi
    sleep 1
done
if [ -z "$disk" ]; then
    log "no path of LUN $LUN appeared within %(wait)d seconds"
    exit 4
fi
wwid=$(wwid_of "$disk")
if [ -z "$wwid" ]; then
    log "cannot read the WWID of $disk"
    exit 4
fi

if [ "$MULTIPATH" = 1 ]; then
    multipath "$disk" >/dev/null 2>&1 || multipath -r >/dev/null 2>&1 || true
    rule="KERNEL==\\"dm-*\\", ENV{DM_UUID}==\\"mpath-$wwid\\", SYMLINK+=\\"$NAME\\""
else
    rule="KERNEL==\\"sd*\\", ENV{DEVTYPE}==\\"disk\\", ENV{ID_SERIAL}==\\"$wwid\\", SYMLINK+=\\"$NAME\\""
fi
mkdir -p "$(dirname "$RULES")"
{ rules_without_volume; echo "$rule"; } > "$RULES.new" && mv -f "$RULES.new" "$RULES"
udevadm control --reload 2>/dev/null || true
udevadm trigger --action=add --subsystem-match=block 2>/dev/null || true
udevadm settle 2>/dev/null || true
log "LUN $LUN ($wwid) is /dev/$NAME"
exit 0
"""

_DETACH = """OFFLINE_FCPS=(%(offline)s)

disk=""
if disk=$(disk_path); then
    wwid=$(wwid_of "$disk")
    if [ "$MULTIPATH" = 1 ] && [ -n "$wwid" ]; then
        map=$(multipath -l -v 1 "$wwid" 2>/dev/null || true)
        if [ -n "$map" ]; then
            blockdev --flushbufs "/dev/mapper/$map" >/dev/null 2>&1 || true
            multipath -f "$map" >/dev/null 2>&1 || log "multipath -f $map failed"
        fi
    else
        blockdev --flushbufs "$disk" >/dev/null 2>&1 || true
    fi
else
    log "no path of LUN $LUN has a device: removing the paths anyway"
fi

for fcp in "${FCPS[@]}"; do
    for wwpn in "${WWPNS[@]}"; do
        if [ "$has_chzdev" = 1 ]; then
            chzdev -d zfcp-lun "0.0.$fcp:$wwpn:$LUN" --force >/dev/null 2>&1 || true
        else
            port="/sys/bus/ccw/drivers/zfcp/0.0.$fcp/$wwpn"
            if [ -d "$port/$LUN" ]; then
                echo "$LUN" > "$port/unit_remove" 2>/dev/null || log "unit_remove 0.0.$fcp $wwpn $LUN failed"
            fi
        fi
        line="0.0.$fcp $wwpn $LUN"
        if [ -f /etc/zfcp.conf ]; then
            grep -v -x -F "$line" /etc/zfcp.conf > /etc/zfcp.conf.new || true
            cat /etc/zfcp.conf.new > /etc/zfcp.conf
            rm -f /etc/zfcp.conf.new
        fi
    done
done

for fcp in "${OFFLINE_FCPS[@]}"; do
    if [ "$has_chzdev" = 1 ]; then
        chzdev -d zfcp-host "$fcp" >/dev/null 2>&1 || log "chzdev -d zfcp-host $fcp failed"
    else
        chccwdev -d "$fcp" >/dev/null 2>&1 || log "chccwdev -d $fcp failed"
    fi
done

if [ -f "$RULES" ]; then
    rules_without_volume > "$RULES.new" && mv -f "$RULES.new" "$RULES"
    udevadm control --reload 2>/dev/null || true
fi
log "LUN $LUN is detached"
exit 0
"""


def _quote(text):
    return "'%s'" % text        # values are checked: no quote, blank or shell character can be in them


def _values(fcps, wwpns, lun, mount_point, multipath, os_version, what):
    fcps = values.listed(fcps, 'fcp_devices', values.fcp_device)
    wwpns = values.listed(wwpns, 'wwpns', values.wwpn)
    lun = values.lun(lun)
    mount_point = values.mount_point(mount_point)
    name = values.symlink_name(mount_point)
    return {
        'what': what, 'lun': '0x' + lun, 'name': name, 'name_q': _quote(name),
        'fcps': ' '.join(_quote(f.lower()) for f in fcps),
        'wwpns': ' '.join(_quote('0x' + w) for w in wwpns),
        'multipath': 1 if values.flag(multipath, 'multipath') else 0,
        'os': _quote(values.os_version(os_version) if os_version else 'linux'),
        'rules': _quote(RULES), 'wait': WAIT_SECONDS, 'fcp_list': fcps,
    }


def attach_script(fcps, wwpns, lun, mount_point, multipath=True, os_version=None):
    """The bash text that adds LUN ``lun`` through FCP devices ``fcps`` and
    target ports ``wwpns`` and names it after ``mount_point`` (bytes, ASCII)."""
    fields = _values(fcps, wwpns, lun, mount_point, multipath, os_version, 'attach')
    return ((_HEADER + _ATTACH) % fields).encode('ascii')


def detach_script(fcps, wwpns, lun, mount_point, multipath=True, os_version=None, offline_fcps=()):
    """The bash text that removes the volume again and takes ``offline_fcps``
    (the FCP devices no other volume of the guest uses) offline."""
    fields = _values(fcps, wwpns, lun, mount_point, multipath, os_version, 'detach')
    offline = [values.fcp_device(f, 'offline_fcps') for f in offline_fcps or ()]
    unknown = [f for f in offline if f not in fields['fcp_list']]
    if unknown:
        raise InputError('offline_fcps: %s is not one of the volume\'s FCP devices' % ', '.join(unknown))
    fields['offline'] = ' '.join(_quote(f.lower()) for f in offline)
    return ((_HEADER + _DETACH) % fields).encode('ascii')
