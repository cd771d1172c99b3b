# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulated system as the config's ``system`` section describes it:
its time zone and local time, CP level, CPU id, real storage and
processors, as the Image_* and System_* handlers report them."""

import re
import time

from ansible_collections.zvm.cloud.plugins.module_utils import units


def system_config(config):
    """The config's ``system`` section."""
    return config.get('system') or {}


def zone_offset(config):
    """Seconds east of UTC from ``system.time_zone_offset`` (e.g. '-05.00.00')."""
    text = str(system_config(config).get('time_zone_offset') or '+00.00.00').strip()
    sign = -1 if text.startswith('-') else 1
    parts = [int(p) for p in re.split(r'[.:]', text.lstrip('+-')) if p.isdigit()] + [0, 0, 0]
    return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2])


def zone_name(config):
    """The system's time zone abbreviation (``system.time_zone``)."""
    return str(system_config(config).get('time_zone') or 'UTC').upper()


def local_time(config, epoch):
    """The system's local wall-clock time for ``epoch`` (a struct_time)."""
    return time.gmtime(epoch + zone_offset(config))


def cp_level(config):
    """(version, release, modification) of ``system.level``, e.g. (7, 3, 0)."""
    parts = [int(p) for p in re.findall(r'\d+', str(system_config(config).get('level') or '7.3.0'))] + [0, 0, 0]
    return parts[0], parts[1], parts[2]


def system_cpuid(config):
    """The CPU id the system's processors show (``system.cpuid``)."""
    return str(system_config(config).get('cpuid') or 'FF00000000000000').upper()


def processor_count(config):
    """The number of processors (``system.processors``)."""
    return int(system_config(config).get('processors') or 1)


def storage_kb(value):
    """KB of a directory storage size ('4G', '512M'); 0 when absent or not valid."""
    try:
        return units.parse_memory(value) // 1024 if value else 0
    except ValueError:
        return 0
