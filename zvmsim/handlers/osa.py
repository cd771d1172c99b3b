# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# pylint: disable=consider-using-f-string
"""Virtual_Network_OSA_*: the system's OSA devices (config ``network.osa``)
and the switches that hold them (``zvmsim/switches.py``)."""

from zvmsim.handlers import Result, handles
from zvmsim.switches import controllers, load_switch, osa_devices, rdevs, triplet


@handles('Virtual_Network_OSA_Query')
def osa_query(call):
    """The system's OSA devices (config ``network.osa``): "ATTACHED" + the
    controller user for devices of a connected switch (the captured,
    unblanked form), else FREE.  4/4 when the system has no OSA."""
    tx = call.tx
    devices = osa_devices(tx)
    if not devices:
        return Result(4, 4)
    ctl = controllers(tx)
    attached = {}
    for name, controller in ctl.items():
        for token in rdevs(load_switch(tx, name)):
            for dev in triplet(token):
                attached[dev] = controller
    out = []
    for dev in sorted(devices, key=lambda d: int(d, 16)):
        status = 'ATTACHED' + attached[dev] if dev in attached else 'FREE'
        out.append({'osa_address': dev, 'osa_status': status, 'osa_type': 'OSA', 'chpid_address': dev[:2],
                    'agent_status': 'NO'})
    return {'osa_info_array': out}
