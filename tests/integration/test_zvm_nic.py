# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zvm.cloud.zvm_nic and zvm_guest's ``nics`` against zvmsim, through
ansible-playbook, including ten forks changing one vswitch and one guest at
the same time."""

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
    users = ['NICOFF1', 'NICON1', 'NICVLAN1', 'NICCHK1', 'NICRB1', 'GNICS1', 'NICBAD1']
    run = play([vswitch_task('TVSWN', grants=[{'userid': u} for u in users]),
                vswitch_task('TVSWV', vlan_id='1', port_type='ACCESS',
                             grants=[{'userid': u, 'vlan_ids': ['100']} for u in users])])
    assert run.rc == 0, run
    return 'TVSWN', 'TVSWV'


def test_directory_only_create_couple_uncouple_delete(play, zvmsim, switches):
    assert play([guest_task('NICOFF1', memory='512M')]).rc == 0
    run = play([nic_task('NICOFF1', '1000', vswitch='TVSWN')])
    assert run.rc == 0, run
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
    assert play([nic_task('NICOFF1', '1000')]).writes == []

    run = play([nic_task('NICOFF1', '1000', vswitch='TVSWN')])
    assert run.rc == 0 and functions(run) == ['Virtual_Network_Adapter_Connect_Vswitch_DM'], run

    run = play([nic_task('NICOFF1', '1000', state='absent')])
    assert run.rc == 0 and functions(run) == ['Virtual_Network_Adapter_Delete_DM'], run
    assert nicdefs(zvmsim, 'NICOFF1') == []
    again = play([nic_task('NICOFF1', '1000', state='absent')])
    assert again.rc == 0 and again.result()['changed'] is False and again.writes == []


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
    assert '1000' not in adapters(zvmsim, 'NICON1') and nicdefs(zvmsim, 'NICOFF1') == []
    assert play([nic_task('NICON1', '1000', state='absent', active=True)]).writes == []


def test_vlan_port_type_mac_and_nic_id(play, zvmsim, switches):
    assert play([guest_task('NICVLAN1', memory='512M')]).rc == 0
    spec = dict(vswitch='TVSWV', vlan_id=100, port_type='ACCESS', mac_address='02:00:00:AB:CD:EF',
                nic_id='9c1e4f3a-7d51')
    run = play([nic_task('NICVLAN1', '2000', **spec)])
    assert run.rc == 0, run
    assert functions(run) == ['Virtual_Network_Adapter_Create_Extended_DM', 'Image_Lock_DM', 'Image_Replace_DM',
                              'Image_Unlock_DM']
    records = nicdefs(zvmsim, 'NICVLAN1')
    assert ' '.join(records[:-1]).split() == [
        'NICDEF', '2000', 'TYPE', 'QDIO', 'LAN', 'SYSTEM', 'TVSWV', 'MACID', 'ABCDEF', 'VLAN', '100', 'NICDEF',
        '2000', 'PORTTYPE', 'ACCESS']
    assert records[-1] == '*NICID 2000 9C1E4F3A-7D51'
    nic = run.result()['nic']
    assert (nic['vlan_id'], nic['port_type'], nic['macid']) == (100, 'ACCESS', 'ABCDEF')
    assert nic['nic_id'] == '9C1E4F3A-7D51'
    assert play([nic_task('NICVLAN1', '2000', **spec)]).writes == []

    run = play([nic_task('NICVLAN1', '2000', **{**spec, 'vlan_id': 101, 'mac_address': 'ABCDE0'})])
    assert run.rc == 0, run
    assert run.result()['actions'] == ['set NICDEF 2000: VLAN 101, MACID ABCDE0']
    assert functions(run) == ['Image_Lock_DM', 'Image_Replace_DM', 'Image_Unlock_DM']
    assert 'VLAN 101' in ' '.join(nicdefs(zvmsim, 'NICVLAN1'))

    run = play([nic_task('NICVLAN1', '2000', state='absent')])
    assert run.rc == 0 and nicdefs(zvmsim, 'NICVLAN1') == [], run


def test_check_mode_and_diff_show_the_nicdef(play, zvmsim, switches):
    assert play([guest_task('NICCHK1', memory='512M', state='started')]).rc == 0
    before = zvmsim.dump()
    run = play([nic_task('NICCHK1', '1000', vswitch='TVSWV', vlan_id=100, nic_id='chk', active=True)],
               check=True, diff=True)
    assert run.rc == 0, run
    res = run.result()
    assert res['changed'] and run.writes == []
    assert zvmsim.dump()['directory'] == before['directory'] and '1000' not in adapters(zvmsim, 'NICCHK1')
    assert res['diff']['before'] == '# running guest: NIC 1000 none\n'
    assert res['diff']['after'] == ('NICDEF 1000 TYPE QDIO LAN SYSTEM TVSWV VLAN 100\n*NICID 1000 CHK\n'
                                    '# running guest: NIC 1000 QDIO coupled to TVSWV\n')
    assert res['actions'][-1] == 'couple NIC 1000 of the running guest to TVSWV'

    assert play([nic_task('NICCHK1', '1000', vswitch='TVSWV', active=True)]).rc == 0
    run = play([nic_task('NICCHK1', '1000', active=True)], check=True, diff=True)
    res = run.result()
    assert run.writes == [] and res['actions'] == ['uncouple NICDEF 1000',
                                                   'uncouple NIC 1000 of the running guest from TVSWV']
    assert res['diff']['before'].startswith('NICDEF 1000 TYPE QDIO LAN SYSTEM TVSWV\n')
    assert res['diff']['after'].startswith('NICDEF 1000 TYPE QDIO\n')


def test_failing_running_guest_change_rolls_the_directory_back(play, zvmsim, switches):
    assert play([guest_task('NICRB1', memory='512M', state='started')]).rc == 0
    before = zvmsim.dump()['directory']['NICRB1']
    zvmsim.fault(function='Virtual_Network_Adapter_Connect_Vswitch', rc=204, rs=28, times=1)
    try:
        run = play([nic_task('NICRB1', '1000', vswitch='TVSWN', vlan_id=None, nic_id='rb', active=True)])
    finally:
        zvmsim.clear_faults()
    assert run.rc != 0
    res = run.result()
    assert 'Virtual_Network_Adapter_Connect_Vswitch on NICRB1 failed: RC 204 RS 28' in res['msg'], res['msg']
    assert res['rollback'] == ['NIC 1000 of NICRB1: the directory change was undone']
    assert zvmsim.dump()['directory']['NICRB1'] == before
    assert '1000' not in adapters(zvmsim, 'NICRB1')     # the NIC defined on the running guest went too
    assert functions(run)[-4:] == ['Virtual_Network_Adapter_Delete', 'Image_Lock_DM', 'Image_Replace_DM',
                                   'Image_Unlock_DM']


@pytest.mark.parametrize('options,message', [
    (dict(vdev='12345', vswitch='TVSWN'), "vdev: '12345' is not a virtual device number"),
    (dict(vdev='XYZ', vswitch='TVSWN'), "vdev: 'XYZ' is not a virtual device number"),
    (dict(vdev='FFFE', vswitch='TVSWN'), 'vdev: FFFE leaves no room for the 3 devices of a NIC'),
    (dict(vdev='1000', mac_address='02:00:00:AB:CD'), "mac_address: '02:00:00:AB:CD' is not a MAC address"),
    (dict(vdev='1000', mac_address='01:00:00:AB:CD:EF'), 'is a multicast address'),
    (dict(vdev='1000', vswitch='TVSWV', vlan_id=4095), 'vlan_id: 4095 is not a VLAN ID'),
    (dict(vdev='1000', vswitch='TVSWV', vlan_id=0), 'vlan_id: 0 is not a VLAN ID'),
    (dict(vdev='1000', vlan_id=100), 'vlan_id: a NIC that is not coupled to a vswitch has no vlan_id'),
    (dict(vdev='1000', vswitch='NOSUCHVS'), 'vswitch: the virtual switch NOSUCHVS does not exist'),
    (dict(vdev='1000', vswitch='TVSWN', vlan_id=100), 'vlan_id: the vswitch TVSWN is VLAN UNAWARE'),
    (dict(vdev='1000', vswitch='BAD NAME'), "vswitch: 'BAD NAME' is not a valid virtual switch name"),
    (dict(vdev='1000', nic_id='has blanks'), "nic_id: 'has blanks' is not a valid nic_id"),
    (dict(vdev='0100'), 'vdev: a NIC at 0100 uses 0100-0102, which overlaps MDISK 0101'),
    (dict(vdev='1000', guest='NOSUCHG1'), 'guest: NOSUCHG1 has no directory entry'),
])
def test_bad_input_fails_clearly_and_changes_nothing(play, zvmsim, switches, options, message):
    if 'NICBAD1' not in zvmsim.dump()['directory']:
        assert play([guest_task('NICBAD1', memory='512M', state='started',
                                disks=[{'vdev': '0101', 'size': '10', 'disk_pool': 'ECKD:POOL1'}])]).rc == 0
    before = zvmsim.dump()
    options = dict(options)
    guest = options.pop('guest', 'NICBAD1')
    run = play([nic_task(guest, options.pop('vdev'), active=True, **options)])
    assert run.rc != 0
    msg = run.result()['msg']
    assert message in msg, msg
    assert '\n' not in msg and 'Traceback' not in msg
    assert run.writes == []
    after = zvmsim.dump()
    assert (after['directory'], after['adapters']) == (before['directory'], before['adapters'])


def test_running_guest_without_a_grant_is_refused_before_any_change(play, zvmsim, switches):
    assert play([guest_task('NICNOGR1', memory='512M', state='started')]).rc == 0
    run = play([nic_task('NICNOGR1', '1000', vswitch='TVSWN', active=True)])
    assert run.rc != 0 and run.writes == []
    assert 'NICNOGR1 is not authorized on the vswitch TVSWN' in run.result()['msg']
    # for the directory alone it is a warning: the NIC couples at logon once granted
    run = play([nic_task('NICNOGR1', '1000', vswitch='TVSWN')])
    assert run.rc == 0 and 'NICNOGR1 is not authorized on the vswitch TVSWN' in run.stdout, run


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
        run = play(tasks, hosts='forks', inventory=str(inventory), extra_args=['-f', str(FORKS)])
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
