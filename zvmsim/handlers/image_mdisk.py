# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Image_MDISK_*: who has a guest's minidisk linked (CP QUERY LINKS), from
the active minidisks of the logged-on guests (``dasd.active_disks``)."""

from ansible_collections.zvm.cloud.plugins.module_utils import directory, validation

from zvmsim.dasd import active_disks
from zvmsim.handlers import Fail, Result, handles
from zvmsim.params import text_param


@handles('Image_MDISK_Link_Query')
def image_mdisk_link_query(call):
    """CP QUERY LINKS: who else (logged on) has the target's minidisk
    ``vdev`` in the active configuration: system name (8 columns), user,
    the user's vdev, READ or WRITE.  Answers 0/0; 0/28 no links; 8/12 the
    target is not logged on; 8/8 the target has no such minidisk."""
    tx = call.tx
    owner = call.target
    wanted = text_param(call, 'vdev')
    try:
        vdev = validation.vdev(wanted)
    except ValueError:
        raise Fail(8, 8) from None
    mine = active_disks(tx, owner)
    if mine is None:
        raise Fail(8, 12)
    records = tx.entry(owner)
    if records is None or directory.parse(records).find_mdisk(vdev) is None:
        raise Fail(8, 8)
    system = str((call.config.get('system') or {}).get('name') or 'ZVMSIM')[:8].upper()
    links = []
    for other in sorted(tx.cp_all()):
        if other == owner:
            continue
        for d in sorted((active_disks(tx, other) or {}).values(), key=lambda x: x['vdev']):
            if d.get('owner') == owner and d.get('owner_vdev') == vdev:
                links.append({'system_name': system, 'user': other, 'vaddr': d['vdev'],
                              'access_mode': 'READ' if d.get('access') == 'RO' else 'WRITE'})
    if not links:
        return Result(0, 28, {'link_array': []})
    return {'link_array': links}
