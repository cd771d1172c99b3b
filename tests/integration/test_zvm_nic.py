# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zvm.cloud.zvm_nic and zvm_guest's ``nics`` against zvmsim, end to end
through ansible-playbook (every task paired with its check-mode
prediction): real changes and their converged reruns, in the directory and
on a running guest, and ten forks changing one vswitch and one guest at
the same time.  Bad input, planning, the NICDEF rewrite and the rollback
are tested in-process: tests/unit/plugins/modules/test_zvm_nic.py."""

import threading
import time

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils.smapi.client import SmapiClient


def nic_task(guest, vdev, **options):
    options = dict(options)
    return {'name': options.pop('task_name', 'nic'), 'zvm.cloud.zvm_nic': dict(guest=guest, vdev=vdev, **options),
            'register': 'out'}


def guest_task(name, **options):
    return {'name': 'guest', 'zvm.cloud.zvm_guest': dict(name=name, **options), 'register': 'out'}


def vswitch_task(name, **options):
    return {'name': 'vswitch', 'zvm.cloud.zvm_vswitch': dict(name=name, **options)}


def nicdefs(zvmsim, guest):
    """The guest's NICDEF and *NICID records."""
    return [r for r in zvmsim.dump()['directory'][guest] if r.startswith(('NICDEF', '*NICID'))]


def adapters(zvmsim, guest):
    """The running guest's NICs, as Virtual_Network_Adapter_Query_Extended shows them."""
    client = SmapiClient('127.0.0.1', 'MAINT', 'MAINT', port=zvmsim.port)
    reply = client.call('Virtual_Network_Adapter_Query_Extended', guest, image_device_number='*', ok=[(212, 8)])
    return dict((a['adapter_address'], a) for a in reply.get('adapter_array') or [])


def functions(run):
    return [c['function'] for c in run.writes]


@pytest.fixture(scope='module')
def switches(play):
    """TVSWN (VLAN unaware) and TVSWV (VLAN aware), granting the guests of these tests."""
    users = ['NICOFF1', 'NICON1', 'GNICS1']
    run = play([vswitch_task('TVSWN', grants=[{'userid': u} for u in users]),
                vswitch_task('TVSWV', vlan_id='1', port_type='ACCESS',
                             grants=[{'userid': u, 'vlan_ids': ['100']} for u in users])])
    assert run.rc == 0, run
    return 'TVSWN', 'TVSWV'


def test_directory_only_create_couple_uncouple_delete(play, zvmsim, switches):
    assert play([guest_task('NICOFF1', memory='512M')]).rc == 0
    run = play([nic_task('NICOFF1', '1000', vswitch='TVSWN')])
    assert run.rc == 0 and run.checked == 1, run
    assert run.result()['actions'] == ['create NICDEF 1000 (QDIO)', 'couple NICDEF 1000 to TVSWN']
    assert functions(run) == ['Virtual_Network_Adapter_Create_Extended_DM', 'Virtual_Network_Adapter_Connect_Vswitch_DM']
    assert nicdefs(zvmsim, 'NICOFF1') == ['NICDEF 1000 TYPE QDIO LAN SYSTEM TVSWN']
    assert run.result()['nic']['vswitch'] == 'TVSWN' and run.result()['running'] is None

    again = play([nic_task('NICOFF1', '1000', vswitch='TVSWN')])
    assert again.rc == 0 and again.result()['changed'] is False, again
    assert again.writes == [] and [c['function'] for c in again.reads] == ['Image_Query_DM']

    run = play([nic_task('NICOFF1', '1000')])
    assert run.rc == 0 and run.result()['actions'] == ['uncouple NICDEF 1000'], run
    assert functions(run) == ['Virtual_Network_Adapter_Disconnect_DM']
    assert nicdefs(zvmsim, 'NICOFF1') == ['NICDEF 1000 TYPE QDIO']

    run = play([nic_task('NICOFF1', '1000', state='absent')])
    assert run.rc == 0 and functions(run) == ['Virtual_Network_Adapter_Delete_DM'], run
    assert nicdefs(zvmsim, 'NICOFF1') == []


def test_active_create_couple_uncouple_delete(play, zvmsim, switches):
    assert play([guest_task('NICON1', memory='512M', state='started')]).rc == 0
    run = play([nic_task('NICON1', '1000', vswitch='TVSWN', active=True)])
    assert run.rc == 0, run
    res = run.result()
    assert res['actions'] == ['create NICDEF 1000 (QDIO)', 'couple NICDEF 1000 to TVSWN',
                              'define NIC 1000 on the running guest', 'couple NIC 1000 of the running guest to TVSWN']
    assert functions(run) == ['Virtual_Network_Adapter_Create_Extended_DM', 'Virtual_Network_Adapter_Connect_Vswitch_DM',
                              'Virtual_Network_Adapter_Create_Extended', 'Virtual_Network_Adapter_Connect_Vswitch']
    live = adapters(zvmsim, 'NICON1')['1000']
    assert (live['adapter_status'], live['lan_owner'], live['lan_name']) == ('01', 'SYSTEM', 'TVSWN')
    assert res['running'] is True and res['active_nic']['vswitch'] == 'TVSWN'

    again = play([nic_task('NICON1', '1000', vswitch='TVSWN', active=True)])
    assert again.rc == 0 and again.result()['changed'] is False, again
    assert again.writes == []
    assert [c['function'] for c in again.reads] == ['Image_Query_DM', 'Virtual_Network_Adapter_Query_Extended']

    run = play([nic_task('NICON1', '1000', active=True)])
    assert run.rc == 0, run
    assert functions(run) == ['Virtual_Network_Adapter_Disconnect_DM', 'Virtual_Network_Adapter_Disconnect']
    assert adapters(zvmsim, 'NICON1')['1000']['adapter_status'] == '00'

    run = play([nic_task('NICON1', '1000', state='absent', active=True)])
    assert run.rc == 0, run
    assert functions(run) == ['Virtual_Network_Adapter_Delete_DM', 'Virtual_Network_Adapter_Delete']
    assert '1000' not in adapters(zvmsim, 'NICON1') and nicdefs(zvmsim, 'NICON1') == []


def test_zvm_guest_nics(play, zvmsim, switches):
    spec = dict(memory='512M', state='started',
                nics=[{'vdev': '1000', 'vswitch': 'TVSWN'}, {'vdev': '2000', 'vswitch': 'TVSWV', 'vlan_id': 100,
                                                             'nic_id': 'g2000'}])
    run = play([guest_task('GNICS1', **spec)])
    assert run.rc == 0, run
    res = run.result()
    assert res['actions'] == ['create guest GNICS1', 'create NICDEF 1000 (QDIO)', 'couple NICDEF 1000 to TVSWN',
                              'create NICDEF 2000 (QDIO)', 'set NICDEF 2000: LAN SYSTEM TVSWV, VLAN 100, nic_id g2000',
                              'start']
    assert functions(run) == ['Image_Create_DM', 'Image_Activate']     # the NICs are in the new entry
    assert [n['vswitch'] for n in res['guest']['nics']] == ['TVSWN', 'TVSWV']
    live = adapters(zvmsim, 'GNICS1')
    assert (live['1000']['lan_name'], live['2000']['lan_name']) == ('TVSWN', 'TVSWV')

    again = play([guest_task('GNICS1', **spec)])
    assert again.rc == 0 and again.result()['changed'] is False, again
    assert again.writes == [] and len(again.reads) == 3

    moved = {**spec, 'nics': [{'vdev': '1000', 'vswitch': 'TVSWV'}, {'vdev': '3000'}], 'purge_nics': True}
    run = play([guest_task('GNICS1', **moved)])
    assert run.rc == 0, run
    assert run.result()['actions'] == [
        'couple NICDEF 1000 to TVSWV', 'uncouple NIC 1000 of the running guest from TVSWN',
        'couple NIC 1000 of the running guest to TVSWV', 'create NICDEF 3000 (QDIO)',
        'define NIC 3000 on the running guest', 'delete NICDEF 2000', 'detach NIC 2000 from the running guest']
    live = adapters(zvmsim, 'GNICS1')
    assert sorted(live) == ['1000', '3000'] and live['1000']['lan_name'] == 'TVSWV'
    assert nicdefs(zvmsim, 'GNICS1') == ['NICDEF 1000 TYPE QDIO LAN SYSTEM TVSWV', 'NICDEF 3000 TYPE QDIO']
    assert play([guest_task('GNICS1', **moved)]).writes == []

    run = play([guest_task('GNICS1', nics=[{'vdev': '3000', 'vswitch': 'NOSUCHVS'}])])
    assert run.rc != 0 and run.writes == []
    assert run.result()['msg'] == 'nics[1].vswitch: the virtual switch NOSUCHVS does not exist'
    run = play([guest_task('GNICS1', nics=[{'vdev': '1000'}, {'vdev': '1002'}])])
    assert run.rc != 0 and 'nics[2].vdev: NIC 1002 overlaps NIC 1000' in run.result()['msg']


FORKS = 10


def test_ten_forks_change_one_vswitch_and_one_guest_at_once(play, zvmsim, tmp_path):
    """Every fork grants its own user on one vswitch and adds its own NIC
    (with a VLAN and a nic_id, so the NIC is rewritten under Image_Lock_DM)
    to one running guest, while another SMAPI user holds the guest's
    directory lock until 2 seconds after the first fork ran into it: the
    forks wait, then all succeed."""
    setup = play([vswitch_task('FRKVSW', vlan_id='1', port_type='TRUNK', grants=[{'userid': 'LINUXFRK'}]),
                  guest_task('LINUXFRK', memory='512M', state='started')])
    assert setup.rc == 0, setup
    inventory = tmp_path / 'forks.ini'
    inventory.write_text('[forks]\n' + ''.join('fork%02d ansible_connection=local idx=%d\n' % (i, i)
                                               for i in range(1, FORKS + 1)))
    tasks = [
        {'name': 'grant', 'zvm.cloud.zvm_vswitch': {
            'name': 'FRKVSW', 'grants': [{'userid': 'FRKU{{ idx }}', 'vlan_ids': ['{{ 100 + idx | int }}']}]}},
        nic_task('LINUXFRK', "{{ '%04X' % (8192 + 3 * (idx | int)) }}", vswitch='FRKVSW',
                 vlan_id='{{ 100 + idx | int }}', nic_id='fork-{{ idx }}', active=True),
    ]
    operator = SmapiClient('127.0.0.1', 'OPERATOR', 'OPERATOR', port=zvmsim.port)
    mark = zvmsim.mark()
    operator.call('Image_Lock_DM', 'LINUXFRK', device_address='')
    released = []

    def release():
        """Unlock 2 seconds after the first fork found the entry locked."""
        deadline = time.time() + 120
        while time.time() < deadline and not [c for c in zvmsim.calls(since=mark) if (c['rc'], c['rs']) == (400, 12)]:
            time.sleep(0.1)
        time.sleep(2)
        operator.call('Image_Unlock_DM', 'LINUXFRK', device_address='')
        released.append(time.time())
    holder = threading.Thread(target=release)
    started = time.time()
    holder.start()
    try:
        # Not paired with check mode: ten forks change the same switch and guest at once, so each
        # prediction is made before the others' changes land (the converged rerun below is paired).
        run = play(tasks, hosts='forks', inventory=str(inventory), extra_args=['-f', str(FORKS)], pair_check=False)
    finally:
        holder.join()
    elapsed = time.time() - started
    assert run.rc == 0, run
    assert len(run.results) == 2 * FORKS and all(r['status'] == 'ok' for r in run.results)

    granted = dict((g['userid'], g) for g in next(v for v in zvmsim.dump()['vswitches']
                                                  if v['name'] == 'FRKVSW')['grants'])
    for i in range(1, FORKS + 1):
        assert granted['FRKU%d' % i]['vlans'] == [str(100 + i)]
    records = nicdefs(zvmsim, 'LINUXFRK')
    live = adapters(zvmsim, 'LINUXFRK')
    for i in range(1, FORKS + 1):
        vdev = '%04X' % (0x2000 + 3 * i)
        assert 'NICDEF %s TYPE QDIO LAN SYSTEM FRKVSW VLAN %d' % (vdev, 100 + i) in records
        assert '*NICID %s FORK-%d' % (vdev, i) in records
        assert live[vdev]['lan_name'] == 'FRKVSW'
    assert not zvmsim.dump()['locks']

    locked = [c for c in run.calls if (c['rc'], c['rs']) == (400, 12)]
    waits = sum(r['result'].get('lock_waits', 0) for r in run.results)
    assert locked and waits == len(locked)      # every 400/12 was waited on and retried
    last_locked = max(c['time'] for c in locked)
    assert last_locked <= released[0] + 0.5
    first_locked = min(c['time'] for c in locked)
    print('\n%d forks: %d requests (%d writes) in %.1fs; %d lock waits (400/12) in %.1fs, all done %.1fs after '
          'the unlock' % (FORKS, len(run.calls), len(run.writes), elapsed, waits, released[0] - first_locked,
                          max(c['time'] for c in run.calls) - released[0]))

    again = play(tasks, hosts='forks', inventory=str(inventory), extra_args=['-f', str(FORKS)])
    assert again.rc == 0 and again.writes == [], again
    assert not any(r['result']['changed'] for r in again.results)
