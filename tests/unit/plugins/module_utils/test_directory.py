# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The user directory entry model: round trips on every captured entry, NICDEF
merging, password masking, each change helper, diffs and results."""

import json
import os

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils import directory as d
from ansible_collections.zvm.cloud.plugins.module_utils.directory import DirectoryEntry, diff, diff_records, parse
from tests.conftest import captures_dir

CAPTURES = captures_dir()

# the captures are part of the project's shared material: a test that reads
# them fails (never skips) when they are missing, through the fixture
needs_captures = pytest.mark.usefixtures('captures_dir')

# The example entry of the project's z/VM facts.
FACTS = [
    'USER LINUX01 LBYONLY 4G 8G G',
    'INCLUDE IBMDFLT',
    'CPU 00 BASE',
    'CPU 01',
    'IPL 0100',
    'LOGONBY OPS1 OPS2',
    'MACHINE ESA 4',
    'COMMAND SET VCONFIG MODE LINUX',
    'COMMAND DEFINE CPU 01 TYPE IFL',
    'NICDEF 1000 TYPE QDIO LAN SYSTEM VSW1 MACID 0E4E8E',
    'MDISK 0100 3390 0001 1457 LX3002 MR',
    'MDISK 0101 FB-512 V-DISK 2097152 MWV',
    'DEDICATE 1FC0 1FC0',
    '* any comment line',
]

# The Image_Query_DM capture's entry, as the capture holds it (72-column records).
PONG = [r.ljust(72) for r in [
    'USER GT@PONG @SM8PI@  1G 1G ABCDEFG',
    'IPL CMS',
    "LOADDEV SCPDATA HEX '0123'",
    'LOADDEV PORTNAME 5005076300C20B8E',
    'LOADDEV LUN 5241000000000000',
    'LOADDEV BR_LBA 0123456789ABCDEF',
    'LOADDEV BOOTPROG 1',
    'MACHINE ESA 4',
    '*PW00= 7CE2D4F8D7C97C40',
    '  CONSOLE   0009 3215',
    '  SPOOL 00C 2540 READER *',
    '  SPOOL 00D 2540 PUNCH A',
    '  SPOOL 00E 1403 A',
    '  LINK MAINT 190 190 RR',
    '  LINK MAINT 19E 19E RR',
    'MDISK 0888 3390 1457 10 LX3002 W READ WRITE MULTIPLE',
    'MDISK 0777 3390 29129 1000 LX3000 W READ WRITE MULTIPLE',
]]


def load_capture(name):
    with open(os.path.join(CAPTURES, name)) as fh:
        return json.load(fh)['reference_decoding']


def all_dm_entries():
    """(id, records) of every entry in the Query_All_DM capture."""
    decoded = load_capture('Query_All_DM.1.json')
    return [(e['directory_entry_id'], [r['directory_entry_data'] for r in e['directory_entry_data_array']])
            for e in decoded['directory_entries_array']]


# -- round trips on the real captures ------------------------------------------------------

@needs_captures
def test_image_query_dm_capture_round_trip():
    records = load_capture('Image_Query_DM.1.json')['image_record_array']
    assert records == PONG
    entry = parse(records)
    assert entry.warnings == []
    assert entry.records() == [r.rstrip() for r in records]
    assert entry.records(pad=True) == records


@needs_captures
def test_every_query_all_dm_entry_round_trips():
    entries = all_dm_entries()
    assert len(entries) == 277
    failures, warnings, records_seen = [], [], 0
    for ident, records in entries:
        entry = parse(records)
        records_seen += len(records)
        warnings += ['%s: %s' % (ident, w) for w in entry.warnings]
        if entry.records() != [r.rstrip() for r in records]:
            failures.append(ident)
    assert failures == []
    assert warnings == []
    assert records_seen == 4519


@needs_captures
def test_every_query_all_dm_entry_survives_canonical_rendering():
    """Canonical records mean the same (same to_dict) and are a fixed point."""
    failures = []
    for ident, records in all_dm_entries():
        entry = parse(records)
        canonical = entry.records(canonical=True)
        again = parse(canonical)
        if again.to_dict() != entry.to_dict() or again.records() != canonical \
                or again.records(canonical=True) != canonical or again.warnings:
            failures.append(ident)
    assert failures == []


@needs_captures
def test_captured_statements_are_understood():
    counts = {}
    for _ident, records in all_dm_entries():
        for st in parse(records).statements:
            counts[type(st).__name__] = counts.get(type(st).__name__, 0) + 1
    assert counts['Mdisk'] == 512
    assert counts['Link'] == 823
    assert counts['Spool'] == 213
    assert counts['User'] == 129           # 58 USER + 71 IDENTITY
    assert counts['Machine'] == 91         # MACHINE and MACH
    assert counts['Nicdef'] == 8
    assert counts['Share'] == 16           # ABS/REL abbreviations included
    assert counts['MaxStorage'] == 4       # MAXSTORAGE and MAXSTOR


@needs_captures
def test_captured_entry_to_dict():
    entries = dict(all_dm_entries())
    lnxmaint = parse(entries['LNXMAINT']).to_dict()
    assert lnxmaint['userid'] == 'LNXMAINT'
    assert (lnxmaint['storage'], lnxmaint['max_storage'], lnxmaint['privileges']) == ('1024M', '4G', 'G')
    assert [c['address'] for c in lnxmaint['cpus']] == ['02', '01', '00']
    assert lnxmaint['nics'] == [{'vdev': 'F000', 'type': 'QDIO', 'devices': None, 'lan_owner': None,
                                 'lan_name': None, 'vswitch': None, 'vlan': None, 'port_type': None,
                                 'port_number': None, 'macid': None, 'chpid': None, 'promiscuous': None}]
    assert [(x['vdev'], x['start'], x['size'], x['volser']) for x in lnxmaint['disks']] == \
        [('0191', 6114, 100, 'VM2000'), ('0192', 6214, 100, 'VM2000'), ('0100', 1, 21846, 'VM2002')]
    # USER with * operands and separate STORAGE/MAXSTORAGE/CLASS statements.
    ping = parse(entries['GT$PING']).to_dict()
    assert (ping['storage'], ping['max_storage'], ping['privileges']) == ('1G', '2G', 'ABCDEFG')
    profile = parse(entries['LNXPROF']).to_dict()
    assert (profile['entry_type'], profile['name'], profile['userid']) == ('PROFILE', 'LNXPROF', None)
    assert (profile['storage'], profile['max_storage']) == ('1111M', '2222M')


@needs_captures
def test_no_password_in_any_masked_capture_entry():
    checked = 0
    for _ident, records in all_dm_entries():
        entry = parse(records)
        masked = entry.records(masked=True)
        for index, st in enumerate(entry.statements):
            if isinstance(st, d.User):
                raw, shown = st.raw.split(), masked[index].split()
                assert shown[:2] + shown[3:] == raw[:2] + raw[3:] and shown[2] == '********'
                checked += 1
            elif isinstance(st, d.Mdisk):
                passwords = [pw for pw in (st.read_password, st.write_password, st.multi_password) if pw]
                shown = masked[index].split()
                assert shown.count('********') == len(passwords)
                assert shown[:len(shown) - len(passwords)] == st.raw.split()[:len(shown) - len(passwords)] \
                    or st.extra
                checked += len(passwords)
        assert 'D75BF17CD55BC77C' not in ''.join(masked) and 'D3D5E7F1F2F3F440' not in ''.join(masked)
    assert checked == 58 + 71 + 1077     # USER, IDENTITY, and the MDISK passwords counted independently


# -- parsing ----------------------------------------------------------------------------

def test_parse_facts_example_to_dict():
    entry = parse(FACTS)
    assert entry.warnings == []
    assert entry.records() == FACTS
    assert entry.to_dict() == {
        'entry_type': 'USER', 'userid': 'LINUX01', 'name': 'LINUX01', 'profile': 'IBMDFLT', 'include': 'IBMDFLT',
        'storage': '4G', 'max_storage': '8G', 'privileges': 'G',
        'cpus': [{'address': '00', 'base': True, 'type': None, 'cpuid': None, 'dedicate': None, 'crypto': None},
                 {'address': '01', 'base': False, 'type': None, 'cpuid': None, 'dedicate': None, 'crypto': None}],
        'machine': {'mode': 'ESA', 'max_cpus': 4},
        'ipl': {'device': '0100', 'loadparm': None, 'parm': None},
        'logonby': ['OPS1', 'OPS2'],
        'disks': [
            {'vdev': '0100', 'devtype': '3390', 'type': 'perm', 'start': 1, 'size': 1457,
             'size_bytes': 1457 * 737280, 'volser': 'LX3002', 'rdev': None, 'mode': 'MR'},
            {'vdev': '0101', 'devtype': 'FB-512', 'type': 'vdisk', 'start': None, 'size': 2097152,
             'size_bytes': 1024 ** 3, 'volser': None, 'rdev': None, 'mode': 'MWV'}],
        'nics': [{'vdev': '1000', 'type': 'QDIO', 'devices': None, 'lan_owner': 'SYSTEM', 'lan_name': 'VSW1',
                  'vswitch': 'VSW1', 'vlan': None, 'port_type': None, 'port_number': None, 'macid': '0E4E8E',
                  'chpid': None, 'promiscuous': None}],
        'dedicates': [{'vdev': '1FC0', 'rdev': '1FC0', 'options': []}],
        'links': [], 'consoles': [], 'spools': [],
        'commands': ['SET VCONFIG MODE LINUX', 'DEFINE CPU 01 TYPE IFL'],
        'loaddev': {}, 'options': [], 'share': None, 'account': None,
    }


def test_parse_pong_details():
    info = parse(PONG).to_dict()
    assert info['ipl'] == {'device': 'CMS', 'loadparm': None, 'parm': None}
    assert info['loaddev'] == {'scpdata': "HEX '0123'", 'portname': '5005076300C20B8E',
                               'lun': '5241000000000000', 'br_lba': '0123456789ABCDEF', 'bootprog': '1'}
    assert info['links'] == [{'user': 'MAINT', 'vdev1': '0190', 'vdev2': '0190', 'mode': 'RR'},
                             {'user': 'MAINT', 'vdev1': '019E', 'vdev2': '019E', 'mode': 'RR'}]
    assert info['spools'][0] == {'vdev': '000C', 'devtype': '2540 READER', 'class': '*', 'options': []}
    assert info['consoles'] == [{'vdev': '0009', 'devtype': '3215', 'class': None, 'options': []}]
    assert 'password' not in json.dumps(info).lower()
    assert '@SM8PI@' not in json.dumps(info) and 'READ' not in json.dumps(info['disks'])


def test_parse_accepts_one_string_and_ignores_columns_past_72():
    text = 'USER A PW 1G 2G G\n' + 'IPL CMS'.ljust(72) + '00010000\n'
    entry = parse(text)
    assert entry.records() == ['USER A PW 1G 2G G', 'IPL CMS']
    assert entry.warnings == ["record 2: columns 73-80 ignored: '00010000'"]


def test_parse_rejects_non_text_records():
    with pytest.raises(ValueError) as err:
        parse(['USER A PW', 5])
    assert str(err.value) == 'directory record 2 is int, not text'


def test_misformed_known_statement_kept_verbatim_with_warning():
    entry = parse(['USER A PW 1G 2G G', ' MDISK 0100 3390', 'CPU 99', 'IPL 100 BOGUS', 'MDISK 0200 3390 X 10 V1 MR'])
    assert entry.records() == ['USER A PW 1G 2G G', ' MDISK 0100 3390', 'CPU 99', 'IPL 100 BOGUS',
                               'MDISK 0200 3390 X 10 V1 MR']
    assert entry.warnings == [
        'record 2: MDISK statement kept as written: too few operands',
        "record 3: CPU statement kept as written: CPU address '99' is not 00 to 3F",
        "record 4: IPL statement kept as written: unexpected operand 'BOGUS'",
        "record 5: MDISK statement kept as written: start 'X' is not a decimal number",
    ]
    assert entry.mdisks == [] and entry.cpus == [] and entry.ipl is None
    assert [type(s).__name__ for s in entry.statements] == ['User', 'Verbatim', 'Verbatim', 'Verbatim', 'Verbatim']


def test_unknown_statements_and_comments_kept_in_place():
    records = ['IDENTITY TCPIP    WIN32S   128M  256M ABG', ' INCLUDE TCPCMSU', '*PW= 19/02/21',
               ' BUILD ON VM1 USING SUBCONFIG TCPIP-1', '* BUILD ON @@member3name USING SUBCONFIG TCPIP-3',
               ' IUCV *VSWITCH MSGLIMIT 65535', '', 'POSIXINFO UID 7 GNAME security', '*DVHOPT LNK0 LOG1 RCM1']
    entry = parse(records)
    entry.set_storage('512M')
    assert entry.records() == ['IDENTITY TCPIP WIN32S 512M 256M ABG'] + records[1:]
    assert entry.entry_type == 'IDENTITY'


def test_mdisk_forms():
    entry = parse(['USER A PW 1G 2G G',
                   'MDISK 0191 3390 0101 10 SHR100 MR * 900 4K BLOCKS LABEL LOCAL',
                   'MDISK 122 3390 000 END M01S01 MR',
                   'MDISK 0200 3390 T-DISK 100 MR',
                   'MDISK 0300 3390 DEVNO 1A2B MW',
                   'MDISK 0400 FB-512 0 2097152 FBA001',
                   'MDISK 0500 3390 1 10 VOL1 MR RPW WPW'])
    disks = dict((m.vdev, m) for m in entry.mdisks)
    assert (disks['0191'].mode, disks['0191'].read_password, disks['0191'].extra) == \
        ('MR', None, '* 900 4K BLOCKS LABEL LOCAL')
    assert (disks['0122'].start, disks['0122'].size, disks['0122'].size_bytes()) == (0, 'END', None)
    assert (disks['0200'].disk_type, disks['0200'].size, disks['0200'].volser) == ('tdisk', 100, None)
    assert (disks['0300'].disk_type, disks['0300'].rdev, disks['0300'].mode) == ('devno', '1A2B', 'MW')
    assert (disks['0400'].mode, disks['0400'].size_bytes()) == (None, 1024 ** 3)
    assert (disks['0500'].read_password, disks['0500'].write_password, disks['0500'].multi_password) == \
        ('RPW', 'WPW', None)
    assert entry.records(canonical=True)[1:] == [
        'MDISK 0191 3390 101 10 SHR100 MR * 900 4K BLOCKS LABEL LOCAL',
        'MDISK 0122 3390 0 END M01S01 MR',
        'MDISK 0200 3390 T-DISK 100 MR',
        'MDISK 0300 3390 DEVNO 1A2B MW',
        'MDISK 0400 FB-512 0 2097152 FBA001',
        'MDISK 0500 3390 1 10 VOL1 MR RPW WPW',
    ]


def test_abbreviated_keywords_read_and_written_full_when_changed():
    entry = parse(['USER A PW 1G 2G G', '  MACH XA', 'MAXSTOR 2222M', 'SHARE REL 1500'])
    assert entry.machine.to_dict() == {'mode': 'XA', 'max_cpus': None}
    assert entry.max_storage == '2222M'
    assert entry.to_dict()['share'] == {'type': 'RELATIVE', 'value': '1500', 'more': None}
    assert entry.records() == ['USER A PW 1G 2G G', '  MACH XA', 'MAXSTOR 2222M', 'SHARE REL 1500']
    entry.set_machine(max_cpus=2)
    entry.set_max_storage('3G')
    # Both the USER operand and the MAXSTOR statement state the maximum: both change.
    assert entry.records() == ['USER A PW 1G 3G G', 'MACHINE XA 2', 'MAXSTORAGE 3G', 'SHARE REL 1500']
    assert entry.records(canonical=True)[-1] == 'SHARE RELATIVE 1500'


# -- NICDEF --------------------------------------------------------------------------------

SPLIT_NIC = [
    'USER LINUX02 LBYONLY 2G 4G G',
    'MACHINE ESA 2',
    '  NICDEF 1000 TYPE QDIO DEVICES 3',
    '  NICDEF 1000 LAN SYSTEM VSW1',
    '  CONSOLE 0009 3215 T',
    '  NICDEF 1000 VLAN 100 PORTTYPE ACCESS MACID 123ABC',
    'NICDEF 2000 TYPE HIPER DEV 6 LAN * HIPERLAN',
    'MDISK 0100 3390 1 100 VOL001 MR',
]


def test_split_nicdef_is_one_nic():
    entry = parse(SPLIT_NIC)
    assert entry.records() == SPLIT_NIC
    nics = entry.to_dict()['nics']
    assert nics == [
        {'vdev': '1000', 'type': 'QDIO', 'devices': 3, 'lan_owner': 'SYSTEM', 'lan_name': 'VSW1', 'vswitch': 'VSW1',
         'vlan': '100', 'port_type': 'ACCESS', 'port_number': None, 'macid': '123ABC', 'chpid': None,
         'promiscuous': None},
        {'vdev': '2000', 'type': 'HIPERSOCKETS', 'devices': 6, 'lan_owner': '*', 'lan_name': 'HIPERLAN',
         'vswitch': None, 'vlan': None, 'port_type': None, 'port_number': None, 'macid': None, 'chpid': None,
         'promiscuous': None},
    ]


def test_split_nicdef_rendered_canonically_when_changed():
    entry = parse(SPLIT_NIC)
    assert entry.update_nic('1000', vlan=200) is True
    records = entry.records()
    # One record would be 85 columns: the NIC continues on a second NICDEF record, in place of the first.
    assert records[:2] == SPLIT_NIC[:2]
    assert records[2:4] == ['NICDEF 1000 TYPE QDIO DEVICES 3 LAN SYSTEM VSW1 MACID 123ABC VLAN 200',
                            'NICDEF 1000 PORTTYPE ACCESS']
    assert records[4:] == ['  CONSOLE 0009 3215 T', 'NICDEF 2000 TYPE HIPER DEV 6 LAN * HIPERLAN',
                           'MDISK 0100 3390 1 100 VOL001 MR']
    assert parse(records).to_dict()['nics'][0]['vlan'] == '200'


def test_split_nicdef_canonical_merges_when_it_fits():
    entry = parse(['USER A PW 1G 2G G', 'NICDEF 0600 TYPE QDIO', 'NICDEF 600 LAN SYSTEM VSW9', 'NICDEF 0600 VLAN 7'])
    assert entry.records(canonical=True) == ['USER A PW 1G 2G G', 'NICDEF 0600 TYPE QDIO LAN SYSTEM VSW9 VLAN 7']
    entry.update_nic('600', promiscuous=True)
    assert entry.records() == ['USER A PW 1G 2G G', 'NICDEF 0600 TYPE QDIO LAN SYSTEM VSW9 VLAN 7 PROMISCUOUS']


def test_update_nic_without_change_keeps_records():
    entry = parse(SPLIT_NIC)
    assert entry.update_nic('1000', vswitch='vsw1', vlan='100', macid='02:00:00:12:3A:BC') is False
    assert entry.records() == SPLIT_NIC


def test_add_nic_placement_and_form():
    entry = parse(PONG)
    nic = entry.add_nic('0600', vswitch='vsw2', vlan=[100, '200-210'], port_type='trunk',
                        macid='02-00-00-0a-0b-0c', devices=3)
    assert nic.describe() == 'NICDEF 0600'
    records = entry.records()
    # After the last general or CONSOLE/SPOOL statement, before LINK.
    assert records[13] == 'NICDEF 0600 TYPE QDIO DEVICES 3 LAN SYSTEM VSW2 MACID 0A0B0C'
    assert records[14] == 'NICDEF 0600 VLAN 100 200-210 PORTTYPE TRUNK'
    assert records[12] == '  SPOOL 00E 1403 A' and records[15] == '  LINK MAINT 190 190 RR'


def test_add_nic_after_last_nicdef_and_errors():
    entry = parse(SPLIT_NIC)
    entry.add_nic('3000', nic_type='QDIO')
    assert entry.records()[7] == 'NICDEF 3000 TYPE QDIO'
    assert entry.records()[6] == 'NICDEF 2000 TYPE HIPER DEV 6 LAN * HIPERLAN'
    with pytest.raises(ValueError) as err:
        entry.add_nic('1000')
    assert str(err.value) == 'vdev: NICDEF 1000 already exists in LINUX02'
    with pytest.raises(ValueError) as err:
        entry.add_nic('4000', vlan=4095)
    assert str(err.value) == 'vlan: 4095 is not a VLAN ID: expected a whole number from 1 to 4094'
    with pytest.raises(ValueError) as err:
        entry.add_nic('4000', nic_type='ETHERNET')
    assert str(err.value) == 'nic_type: expected QDIO, HIPERSOCKETS, IEDN or INMN'
    with pytest.raises(ValueError) as err:
        entry.update_nic('4000', vlan=1)
    assert str(err.value) == 'vdev: there is no NICDEF 4000 in LINUX02'
    with pytest.raises(ValueError) as err:
        entry.update_nic('1000', speed=1)
    assert str(err.value).startswith('speed: not a NICDEF attribute (use one of vswitch, nic_type, type, ')


def test_remove_nic_removes_every_record_of_it():
    entry = parse(SPLIT_NIC)
    assert entry.remove_nic('1000') is True
    assert entry.remove_nic('1000') is False
    assert entry.records() == [SPLIT_NIC[0], SPLIT_NIC[1], SPLIT_NIC[4], SPLIT_NIC[6], SPLIT_NIC[7]]


# -- masking and the 72-column limit --------------------------------------------------------

def test_render_masked_hides_every_password():
    masked = parse(PONG).render_masked()
    assert masked.splitlines() == [
        'USER GT@PONG ********  1G 1G ABCDEFG',
        'IPL CMS',
        "LOADDEV SCPDATA HEX '0123'",
        'LOADDEV PORTNAME 5005076300C20B8E',
        'LOADDEV LUN 5241000000000000',
        'LOADDEV BR_LBA 0123456789ABCDEF',
        'LOADDEV BOOTPROG 1',
        'MACHINE ESA 4',
        '*PW00= ********',
        '  CONSOLE   0009 3215',
        '  SPOOL 00C 2540 READER *',
        '  SPOOL 00D 2540 PUNCH A',
        '  SPOOL 00E 1403 A',
        '  LINK MAINT 190 190 RR',
        '  LINK MAINT 19E 19E RR',
        'MDISK 0888 3390 1457 10 LX3002 W ******** ******** ********',
        'MDISK 0777 3390 29129 1000 LX3000 W ******** ******** ********',
    ]
    assert masked.endswith('\n')
    assert '@SM8PI@' not in masked and '7CE2D4F8D7C97C40' not in masked


def test_masking_changed_statements_and_appcpass():
    entry = parse(['USER A SECRET 1G 2G G', 'APPCPASS LU1 USERX PASSW0RD'])
    entry.set_storage('2G')
    entry.add_mdisk('0200', '3390', 10, start=1, volser='V1', mode='MR', read_password='RPASS', write_password='WP')
    assert entry.records(masked=True) == ['USER A ******** 2G 2G G', 'APPCPASS LU1 USERX ********',
                                          'MDISK 0200 3390 1 10 V1 MR ******** ********']
    assert entry.records() == ['USER A SECRET 2G 2G G', 'APPCPASS LU1 USERX PASSW0RD',
                               'MDISK 0200 3390 1 10 V1 MR RPASS WP']


def test_record_longer_than_72_columns_is_refused():
    entry = parse(FACTS)
    entry.set_ipl('0100', parm='X' * 60)
    with pytest.raises(ValueError) as err:
        entry.records()
    assert str(err.value) == ('IPL statement would be 74 columns long; a directory record holds at most 72: '
                              'IPL 0100 PARM ' + 'X' * 60)
    entry = parse(['USER LONGPASS PW 1024M 2048M ABCDEFGHIJKLMNOPQRSTUVWXYZ123456 64 ON'])
    assert len(entry.records()[0]) == 67
    entry.set_password('NEWPASS1')
    with pytest.raises(ValueError) as err:
        entry.records()
    assert str(err.value) == ('USER LONGPASS statement would be 73 columns long; a directory record holds at most 72: '
                              'USER LONGPASS ******** 1024M 2048M ABCDEFGHIJKLMNOPQRSTUVWXYZ123456 64 ON')
    assert len(entry.records(masked=True)[0]) == 73


def test_records_pad():
    assert parse(['USER A PW', 'IPL CMS']).records(pad=True) == ['USER A PW'.ljust(72), 'IPL CMS'.ljust(72)]


# -- change helpers -------------------------------------------------------------------------

def test_set_storage_and_max_storage():
    entry = parse(FACTS)
    assert entry.set_storage('4096M') is False        # same size, other unit
    assert entry.set_storage(2048) is True            # bare numbers are MB
    assert entry.set_max_storage('16G') is True
    assert entry.set_max_storage('16384M') is False
    assert entry.records()[0] == 'USER LINUX01 LBYONLY 2G 16G G'
    assert entry.records()[1:] == FACTS[1:]
    with pytest.raises(ValueError) as err:
        entry.set_storage('2Q')
    assert str(err.value).startswith("storage: '2Q' is not valid; expected a positive number with a unit")


def test_set_storage_with_storage_statements():
    records = ['USER GT$PING P$1@N$G@ * * * 64', 'STORAGE 1G', 'MAXSTORAGE 2G', 'CLASS ABCDEFG', 'CPU 00 BASE']
    entry = parse(records)
    assert entry.set_storage('3G') is True
    assert entry.set_max_storage('2048M') is False
    assert entry.set_privileges('g') is True
    assert entry.records() == ['USER GT$PING P$1@N$G@ * * * 64', 'STORAGE 3G', 'MAXSTORAGE 2G', 'CLASS G',
                               'CPU 00 BASE']


def test_set_storage_on_bare_user_statement():
    entry = parse(['USER $ALLOC$  NOLOG'])
    entry.set_storage('32M')
    with pytest.raises(ValueError) as err:
        entry.set_privileges('G')
    assert str(err.value) == \
        'privileges: the USER statement has no max storage operand to put it after; set that first'
    entry.set_max_storage('64M')
    entry.set_privileges('G')
    assert entry.records() == ['USER $ALLOC$ NOLOG 32M 64M G']
    with pytest.raises(ValueError) as err:
        parse(['* nothing']).set_storage('1G')
    assert str(err.value) == 'storage: this directory entry has no USER or IDENTITY statement'


def test_set_cpus_adds_and_removes():
    entry = parse(FACTS)
    assert entry.set_cpus(2) is False
    assert entry.set_cpus(4) is True
    assert entry.records()[2:6] == ['CPU 00 BASE', 'CPU 01', 'CPU 02', 'CPU 03']
    assert entry.set_cpus(1) is True
    assert entry.records() == FACTS[:3] + FACTS[4:]


def test_set_cpus_places_base_and_keeps_options():
    entry = parse(['USER LNXMAINT WIN32S 1024M 4G G 64', 'CPU 02', 'CPU 01 TYPE IFL', 'CPU 00', 'MACHINE ESA 4'])
    assert entry.set_cpus(2) is True
    assert entry.records() == ['USER LNXMAINT WIN32S 1024M 4G G 64', 'CPU 01 TYPE IFL', 'CPU 00 BASE',
                               'MACHINE ESA 4']
    bare = parse(PONG)
    bare.set_cpus(2)
    assert bare.records()[:4] == [PONG[0].rstrip(), 'CPU 00 BASE', 'CPU 01', 'IPL CMS']


def test_set_cpus_and_machine_maximum():
    entry = parse(FACTS)
    with pytest.raises(ValueError) as err:
        entry.set_cpus(6)
    assert str(err.value) == 'cpus: 6 is more than the 4 CPUs MACHINE allows; raise max_cpus too'
    assert entry.records() == FACTS
    assert entry.set_cpus(6, max_cpus=8) is True
    assert entry.machine.to_dict() == {'mode': 'ESA', 'max_cpus': 8}
    assert [c.address for c in entry.cpus] == ['00', '01', '02', '03', '04', '05']
    with pytest.raises(ValueError) as err:
        entry.set_cpus(0)
    assert str(err.value) == 'cpus: 0 is not a number of CPUs from 1 to 64'


def test_set_machine():
    entry = parse(['USER A PW 1G 2G G', 'IPL CMS', 'MDISK 0191 3390 1 10 V1 MR'])
    assert entry.set_machine() is False
    assert entry.set_machine(max_cpus=2) is True
    assert entry.records() == ['USER A PW 1G 2G G', 'IPL CMS', 'MACHINE ESA 2', 'MDISK 0191 3390 1 10 V1 MR']
    assert entry.set_machine(mode='z') is True
    assert entry.records()[2] == 'MACHINE Z 2'
    with pytest.raises(ValueError) as err:
        entry.set_machine(max_cpus=65)
    assert str(err.value) == 'max_cpus: 65 is not a number of CPUs from 1 to 64'


def test_set_ipl():
    entry = parse(FACTS)
    assert entry.set_ipl('100') is False
    assert entry.set_ipl('0200', parm='root=/dev/dasda1', loadparm='1') is True
    assert entry.records()[4] == 'IPL 0200 LOADPARM 1 PARM root=/dev/dasda1'
    assert entry.set_ipl('cms') is True
    assert entry.records()[4] == 'IPL CMS'
    assert entry.set_ipl(None) is True
    assert entry.ipl is None and len(entry.records()) == len(FACTS) - 1
    assert entry.set_ipl(None) is False
    with pytest.raises(ValueError) as err:
        entry.set_ipl('not a dev')
    assert str(err.value) == \
        "ipl: 'NOT A DEV' is neither a vdev (1 to 4 hex digits) nor a system name (1 to 8 characters)"


def test_set_ipl_new_goes_after_cpus():
    entry = parse(['USER A PW 1G 2G G', 'INCLUDE IBMDFLT', 'CPU 00 BASE', 'MACHINE ESA 2'])
    entry.set_ipl('0100')
    assert entry.records() == ['USER A PW 1G 2G G', 'INCLUDE IBMDFLT', 'CPU 00 BASE', 'IPL 0100', 'MACHINE ESA 2']


def test_set_logonby():
    entry = parse(FACTS)
    assert entry.set_logonby(['ops2', 'OPS1']) is False
    assert entry.set_logonby(['OPS3']) is True
    assert entry.records()[5] == 'LOGONBY OPS3'
    eight = ['OPERATR%d' % i for i in range(1, 9)]
    assert entry.set_logonby(eight) is True
    assert entry.records()[5:7] == ['LOGONBY OPERATR1 OPERATR2 OPERATR3 OPERATR4 OPERATR5 OPERATR6 OPERATR7',
                                    'LOGONBY OPERATR8']
    assert entry.logonby == eight
    assert entry.set_logonby(eight[::-1]) is False
    with pytest.raises(ValueError) as err:
        entry.set_logonby(eight + ['NINTH'])
    assert str(err.value) == 'logonby: 9 user IDs given; a directory entry allows at most 8'
    assert entry.set_logonby([]) is True
    assert entry.logonby == [] and 'LOGONBY' not in entry.render()


def test_logonby_statements_accumulate():
    entry = parse(['USER A PW 1G 2G G', 'LOGONBY U1 U2', 'IPL CMS', 'LOGONBY U3'])
    assert entry.logonby == ['U1', 'U2', 'U3']
    assert entry.set_logonby(['U3', 'U2', 'U1']) is False
    entry.set_logonby(['U1'])
    assert entry.records() == ['USER A PW 1G 2G G', 'LOGONBY U1', 'IPL CMS']


def test_add_and_remove_mdisk():
    entry = parse(FACTS)
    disk = entry.add_mdisk('201', '3390', '10G', start=1458, volser='lx3002')
    assert disk.describe() == 'MDISK 0201'
    assert entry.records()[12] == 'MDISK 0201 3390 1458 14564 LX3002 MR'
    entry.add_mdisk('0102', 'FB-512', '512M', disk_type='vdisk', mode='mwv')
    assert entry.records()[13] == 'MDISK 0102 FB-512 V-DISK 1048576 MWV'
    entry.add_mdisk('0103', '3390', 100, disk_type='tdisk')
    assert entry.records()[14] == 'MDISK 0103 3390 T-DISK 100 MR'
    assert entry.records()[15:] == ['DEDICATE 1FC0 1FC0', '* any comment line']
    assert entry.remove_mdisk('101') is True
    assert entry.remove_mdisk('101') is False
    assert [m.vdev for m in entry.mdisks] == ['0100', '0201', '0102', '0103']


def test_add_mdisk_errors():
    entry = parse(FACTS)
    cases = [
        (dict(vdev='100', devtype='3390', size=10, start=1, volser='V1'), 'vdev: MDISK 0100 already exists in LINUX01'),
        (dict(vdev='200', devtype='3390', size='3G', disk_type='vdisk'), 'devtype: a V-DISK must be FB-512, not 3390'),
        (dict(vdev='200', devtype='FB-512', size='3G', disk_type='vdisk'),
         'size: 3G is 6291456 blocks; a V-DISK holds at most 4194296 blocks (about 2G)'),
        (dict(vdev='200', devtype='3390', size=10, volser='V1'),
         'start: a minidisk on a volume needs a start cylinder or block (0 or more)'),
        (dict(vdev='200', devtype='3390', size=10, start=1, volser='V1', mode='XR'),
         "mode: 'XR' is not a link mode (R, RR, W, WR, M, MR or MW, optionally followed by V or E)"),
        (dict(vdev='200', devtype='3390', size=10, start=1, volser='V1', read_password='WAY TOO LONG'),
         'read_password: a password must be 1 to 8 characters'),
        (dict(vdev='200', devtype='3390', size=10, disk_type='scratch'),
         "disk_type: 'scratch' is not one of perm, tdisk, vdisk"),
    ]
    for kwargs, text in cases:
        with pytest.raises(ValueError) as err:
            entry.add_mdisk(**kwargs)
        assert str(err.value) == text
    assert entry.records() == FACTS


def test_add_mdisk_write_password_needs_read_password():
    entry = parse(['USER A PW 1G 2G G'])
    entry.add_mdisk('0200', '3390', 10, start=1, volser='V1', write_password='WP')
    with pytest.raises(ValueError) as err:
        entry.records()
    assert str(err.value) == 'MDISK 0200: a write or multi password needs the passwords before it'


def test_set_include_and_account():
    entry = parse(PONG)
    assert entry.set_include('linux') is True
    assert entry.set_account('acct1', 'dist') is True
    assert entry.records()[:4] == [PONG[0].rstrip(), 'INCLUDE LINUX', 'ACCOUNT ACCT1 DIST', 'IPL CMS']
    assert entry.set_include('LINUX') is False
    assert entry.set_account('ACCT1', 'DIST') is False
    assert entry.set_account('ACCT2') is True
    assert entry.records()[2] == 'ACCOUNT ACCT2'
    assert entry.set_include(None) is True and entry.set_account(None) is True
    assert entry.records() == [r.rstrip() for r in PONG]


def test_set_include_replaces_in_place():
    entry = parse(FACTS)
    entry.set_include('LNXPROF')
    assert entry.records()[:2] == ['USER LINUX01 LBYONLY 4G 8G G', 'INCLUDE LNXPROF']
    assert entry.records()[2:] == FACTS[2:]


def test_dedicate_helpers():
    entry = parse(FACTS)
    entry.add_dedicate('2000', '2000', options=['r/o'])
    assert entry.records()[-2:] == ['DEDICATE 2000 2000 R/O', '* any comment line']
    assert entry.remove_dedicate('1fc0') is True
    assert entry.remove_dedicate('1fc0') is False
    assert [x['vdev'] for x in entry.to_dict()['dedicates']] == ['2000']


def test_set_password():
    entry = parse(FACTS)
    assert entry.set_password('LBYONLY') is False
    assert entry.set_password('n3wPass') is True
    assert entry.records()[0] == 'USER LINUX01 n3wPass 4G 8G G'


def test_new_entry():
    entry = DirectoryEntry.new('linux09', 'LBYONLY', '2G', '4G')
    entry.set_include('IBMDFLT')
    entry.set_cpus(2, max_cpus=4)
    entry.set_ipl('0100')
    entry.add_nic('1000', vswitch='VSW1')
    entry.add_mdisk('0100', '3390', '10G', start=1, volser='LX3002')
    assert entry.records() == [
        'USER LINUX09 LBYONLY 2G 4G G',
        'INCLUDE IBMDFLT',
        'CPU 00 BASE',
        'CPU 01',
        'IPL 0100',
        'MACHINE ESA 4',
        'NICDEF 1000 TYPE QDIO LAN SYSTEM VSW1',
        'MDISK 0100 3390 1 14564 LX3002 MR',
    ]
    with pytest.raises(ValueError) as err:
        DirectoryEntry.new('X', 'PW', '4G', '2G')
    assert str(err.value) == 'max_storage: 2G is smaller than storage 4G'


def test_copy_is_independent():
    entry = parse(SPLIT_NIC)
    clone = entry.copy()
    clone.update_nic('1000', vlan=5)
    clone.set_storage('8G')
    assert entry.records() == SPLIT_NIC
    assert clone.records()[0] == 'USER LINUX02 LBYONLY 8G 4G G'


# -- diffs ------------------------------------------------------------------------------

def test_diff_lists_field_changes():
    before = parse(FACTS)
    after = before.copy()
    after.set_storage('2G')
    after.set_cpus(3)
    after.set_logonby(['OPS1'])
    after.update_nic('1000', vlan=100)
    after.remove_mdisk('0101')
    after.add_mdisk('0200', '3390', 10, start=2000, volser='LX3002', read_password='RPW')
    after.set_password('SECRET1')
    assert diff(before, after) == [
        {'statement': 'USER', 'field': 'storage', 'before': '4G', 'after': '2G'},
        {'statement': 'USER', 'field': 'password', 'before': '********', 'after': '********'},
        {'statement': 'LOGONBY', 'field': 'userids', 'before': ['OPS1', 'OPS2'], 'after': ['OPS1']},
        {'statement': 'CPU 02', 'field': None, 'before': None, 'after': 'CPU 02'},
        {'statement': 'MDISK 0101', 'field': None, 'before': 'MDISK 0101 FB-512 V-DISK 2097152 MWV', 'after': None},
        {'statement': 'MDISK 0200', 'field': None, 'before': None,
         'after': 'MDISK 0200 3390 2000 10 LX3002 MR ********'},
        {'statement': 'NICDEF 1000', 'field': 'vlan', 'before': None, 'after': '100'},
    ]
    assert diff(before, before.copy()) == []


def test_diff_of_other_statements_and_mdisk_passwords():
    before = ['USER A PW 1G 2G G', 'COMMAND SET RUN ON', 'IUCV ALLOW', 'MDISK 0191 3390 1 10 V1 MR RD WR MU']
    after = ['USER A PW 1G 2G G', 'COMMAND SET RUN OFF', 'IUCV ALLOW', 'MDISK 0191 3390 1 20 V1 MR RD XX MU']
    assert diff(before, after) == [
        {'statement': 'MDISK 0191', 'field': 'size', 'before': 10, 'after': 20},
        {'statement': 'MDISK 0191', 'field': 'write_password', 'before': '********', 'after': '********'},
        {'statement': 'COMMAND', 'field': None, 'before': 'COMMAND SET RUN ON', 'after': None},
        {'statement': 'COMMAND', 'field': None, 'before': None, 'after': 'COMMAND SET RUN OFF'},
    ]


def test_diff_records_for_ansible_diff_mode():
    before = parse(PONG)
    after = before.copy()
    after.set_storage('2G')
    result = diff_records(before, after)
    assert result['before_header'] == result['after_header'] == 'directory entry GT@PONG'
    assert result['before'].splitlines()[0] == 'USER GT@PONG ********  1G 1G ABCDEFG'
    assert result['after'].splitlines()[0] == 'USER GT@PONG ******** 2G 1G ABCDEFG'
    assert result['before'].splitlines()[1:] == result['after'].splitlines()[1:]
    assert result['after'].endswith('MDISK 0777 3390 29129 1000 LX3000 W ******** ******** ********\n')
    assert '@SM8PI@' not in result['before'] + result['after']
    created = diff_records(None, FACTS)
    assert created['before'] == '' and created['after'] == '\n'.join(FACTS).replace('LBYONLY', '********') + '\n'
    assert created['after_header'] == 'directory entry LINUX01'


def test_unified_diff():
    before = parse(FACTS)
    after = before.copy()
    after.set_storage('2G')
    assert d.unified_diff(before, after).splitlines()[:5] == [
        '--- before: directory entry LINUX01',
        '+++ after: directory entry LINUX01',
        '@@ -1,4 +1,4 @@',
        '-USER LINUX01 ******** 4G 8G G',
        '+USER LINUX01 ******** 2G 8G G',
    ]
    assert d.unified_diff(before, before) == ''
