# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# pylint: disable=consider-using-f-string
"""Virtual_Network_VLAN_*: VLAN counters of a guest's coupled NICs
(``switches.nic_counters``: traffic that grows with the time a NIC has been
coupled)."""

import zlib

from zvmsim.handlers import Fail, handles
from zvmsim.params import int_in_range, kv_params, upcase
from zvmsim.switches import nic_counters


@handles('Virtual_Network_VLAN_Query_Stats')
def vlan_query_stats(call):
    """VLAN counters of a guest's coupled NICs: one "NIC vdev port" record
    each with one segment for the NIC's VLAN (0 when untagged).  PORT
    records (real OSA ports) are not modelled.  8/3002-3004, 8/3003 a bad
    VLAN ID, 212/48 when no NIC uses the VLAN asked for."""
    tx = call.tx
    p = kv_params(call, required=('userid',))
    wanted = int_in_range(p['vlan_id'], 0, 4094) if p.get('vlan_id') else None
    device = upcase(p.get('device')) or 'BOTH'
    out = []
    if device in ('NIC', 'BOTH'):
        for adapter in tx.adapters(upcase(p['userid'])):
            if not adapter.get('coupled'):
                continue
            vid = int(str(adapter.get('vlan') or '0').split()[0].split('-')[0])
            if wanted is not None and vid != wanted:
                continue
            values = nic_counters(tx, adapter, call.now)
            port = 0x800 + zlib.crc32(('%s %s' % (adapter['userid'], adapter['vdev'])).encode()) % 0x800
            out.append({'type': 'NIC', 'port_nic_id': adapter['vdev'], 'port_nic_num': str(port),
                        'pseg_array': [{'pseg_vlanid': str(vid), 'pseg_rx': str(values[0]),
                                        'pseg_rx_disc': str(values[1]), 'pseg_tx': str(values[3]),
                                        'pseg_tx_disc': str(values[4])}]})
    if wanted is not None and not out:
        raise Fail(212, 48)
    return {'port_nic_array': out}
