# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The directory model as the only writer of statements: statements as
written, placement, pool (AUTOG) disks, NIC ids, LOADDEV/SHARE/comments and
the devices an entry defines."""

import inspect

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils import directory
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import SDKObjectNotExistError

ENTRY = [
    'USER LINUX01 PW 1G 2G G',
    'CPU 00 BASE',
    'IUCV ALLOW',
    'MACHINE ESA 4',
    'CONSOLE 0009 3215 T',
    'SPOOL 000C 2540 READER *',
    'NICDEF 1000 TYPE QDIO LAN SYSTEM VSW1',
    'NICDEF 2000 TYPE QDIO DEVICES 4',
    '*NICID 2000 PORT-2000',
    'LINK MAINT 0190 0190 RR',
    'MDISK 0100 3390 1 100 VOL001 MR',
    'DEDICATE 0600 1FC0',
]


def entry(records=None):
    return directory.parse(records or ENTRY)


# -- statements as written ----------------------------------------------------------------

def test_statement_as_written_keeps_the_text():
    st = directory.statement_as_written('  MDISK 100 3390 1 10 VOL1 mr')
    assert isinstance(st, directory.Mdisk) and not st.changed
    assert st.lines() == ['  MDISK 100 3390 1 10 VOL1 mr'] and st.vdev == '0100'
    st.mode = 'MW'
    assert st.lines() == ['MDISK 0100 3390 1 10 VOL1 MW']
    verbatim = directory.statement_as_written('VMRELOCATE ON')
    assert isinstance(verbatim, directory.Verbatim) and verbatim.lines() == ['VMRELOCATE ON']
    assert isinstance(directory.statement_as_written('* note'), directory.Comment)


def test_tokens_as_written():
    assert directory.tokens_as_written(directory.statement_as_written(' LINK maint 190  190 RR')) == \
        ['LINK', 'maint', '190', '190', 'RR']
    assert directory.tokens_as_written(directory.Mdisk('0100', '3390', 10, 1, 'VOL1', 'MR')) == \
        ['MDISK', '0100', '3390', '1', '10', 'VOL1', 'MR']


# -- statement constructors (declared with ARGS/OPERANDS, done by Statement) ---------------

@pytest.mark.parametrize('name, signature', [
    ('User', "(userid, password=None, storage=None, max_storage=None, privileges=None, keyword='USER', extra='')"),
    ('Header', "(keyword, name, extra='')"),
    ('Machine', "(mode, max_cpus=None, extra='')"),
    ('Cpu', "(address, base=False, cpuid=None, dedicate=None, crypto=None, cpu_type=None, extra='')"),
    ('Loaddev', "(key, value='')"),
    ('Logonby', "(userids, extra='')"),
    ('Share', "(share_type, value=None, extra='')"),
    ('Mdisk', "(vdev, devtype, size=None, start=None, volser=None, mode=None, disk_type='perm', rdev=None, "
              "read_password=None, write_password=None, multi_password=None, extra='', pool=None)"),
    ('Nicdef', "(vdev, nic_type=None, devices=None, lan_owner=None, lan_name=None, chpid=None, macid=None, "
               "vlan=None, port_type=None, port_number=None, promiscuous=None, pquplinktx=None, extra='')"),
    ('Link', "(user, vdev1, vdev2, mode=None, extra='')"),
    ('Console', "(vdev, devtype, spool_class=None, extra='')"),
    ('Comment', "(text='')"),
])
def test_constructor_signatures(name, signature):
    assert str(inspect.signature(getattr(directory, name))) == signature


def test_constructor_arguments_become_attributes():
    cpu = directory.Cpu('01', cpu_type='IFL')
    assert (cpu.address, cpu.base, cpu.type, cpu.extra) == ('01', False, 'IFL', '')
    nic = directory.Nicdef('1000', 'QDIO', 4, extra='X')
    assert (nic.type, nic.devices, nic.vlan, nic.extra) == ('QDIO', 4, None, 'X')
    assert directory.Logonby(iter(['A'])).userids == ['A']
    assert directory.Link('MAINT', '0190', '0191', 'RR').lines() == ['LINK MAINT 0190 0191 RR']
    for args, kwargs in [((), {}), (('ESA', 4, '', 'more'), {}), (('ESA',), {'cpus': 4}), (('ESA',), {'mode': 'XA'})]:
        with pytest.raises(TypeError):
            directory.Machine(*args, **kwargs)


@pytest.mark.parametrize('record, message', [
    ('MACHINE', 'no mode'),
    ('LINK MAINT 0190', 'too few operands'),
    ('LINK MAINT 0190 XYZ12', "vdev 'XYZ12' is not 1 to 4 hexadecimal digits"),
    ('ACCOUNT', 'no account number'),
    ('DEDICATE 0600', 'too few operands'),
    ('USER', 'no user ID'),
])
def test_operand_checks(record, message):
    st, warning = directory.parse_statement(record)
    assert isinstance(st, directory.Verbatim) and warning.endswith(message)


# -- placing statements ------------------------------------------------------------------

def test_insert_index_for_kinds_in_order_and_others():
    e = entry()
    assert e.insert_index('CPU') == 2
    assert e.insert_index('LOGONBY') == 2            # after CPU, before IUCV (not in ORDER)
    assert e.insert_index('MDISK') == 11
    assert e.insert_index('IUCV') == 3               # after the last IUCV
    assert e.insert_index('VMRELOCATE') == 4         # before the first device statement
    assert directory.parse(['USER A PW 1G 1G G']).insert_index('VMRELOCATE') == 1
    assert e._insert_index('CPU') == e.insert_index('CPU')    # pylint: disable=protected-access


def test_put_statement_replaces_in_place_or_inserts():
    e = entry()
    st = e.put_statement(directory.statement_as_written('IUCV ANY'), lambda s: s.kind == 'IUCV')
    assert e.statements[2] is st and e.records()[2] == 'IUCV ANY' and len(e.statements) == len(ENTRY)
    e.put_statement(directory.statement_as_written('VMRELOCATE ON'), lambda s: s.kind == 'VMRELOCATE')
    assert e.records()[4] == 'VMRELOCATE ON'
    e = entry()
    e.put_statement(directory.statement_as_written('LINK MAINT 019E 0190 RR'),
                    lambda s: isinstance(s, directory.Link) and s.vdev2 == '0190')
    assert e.records()[9] == 'LINK MAINT 019E 0190 RR' and len(e.statements) == len(ENTRY)
    # comments are never replaced
    e.put_statement(directory.statement_as_written('IUCV ANY'), lambda s: True)
    assert e.records() == ['IUCV ANY', '*NICID 2000 PORT-2000']


def test_remove_statements():
    e = entry()
    assert e.remove_statements([e.statements[1], e.statements[3]]) == 1
    assert e.records() == [ENTRY[0], ENTRY[2]] + ENTRY[4:]
    assert e.remove_statements([]) is None


# -- pool disks ----------------------------------------------------------------------------

def test_add_autog_mdisk():
    e = entry()
    md = e.add_autog_mdisk('101', '3390', 1457, 'pool1')
    assert e.records()[11] == 'MDISK 0101 3390 AUTOG 1457 POOL1 MR'
    assert (md.disk_type, md.volser, md.start, md.size, md.pool) == ('autog', None, None, 1457, 'POOL1')
    assert md.to_dict() == {'vdev': '0101', 'devtype': '3390', 'type': 'perm', 'start': None, 'size': 1457,
                            'size_bytes': 1457 * 737280, 'volser': None, 'rdev': None, 'mode': 'MR',
                            'pool': 'POOL1'}
    assert 'pool' not in e.find_mdisk('0100').to_dict()
    assert e.find_mdisk('0101') is md
    assert e.add_autog_mdisk('0102', 'fb-512', 2048, 'FBAPOOL', 'mw').lines() == \
        ['MDISK 0102 FB-512 AUTOG 2048 FBAPOOL MW']
    again = directory.parse(e.records())
    assert again.find_mdisk('0101').to_dict() == md.to_dict() and again.records() == e.records()
    change = [c for c in directory.diff(entry(), e) if c['statement'] == 'MDISK 0101']
    assert change == [{'statement': 'MDISK 0101', 'field': None, 'before': None,
                       'after': 'MDISK 0101 3390 AUTOG 1457 POOL1 MR'}]


@pytest.mark.parametrize('args, message', [
    (('0100', '3390', 10, 'P'), 'vdev: MDISK 0100 already exists in LINUX01'),
    (('0101', '3390', 0, 'P'), 'count: 0 is not a number of cylinders or blocks'),
    (('0101', '3390', True, 'P'), 'count: True is not'),
    (('0101', '3390', 10, 'NO POOL'), 'pool:'),
    (('0101', '3390', 10, 'P', 'X'), "mode: 'X' is not a link mode"),
])
def test_add_autog_mdisk_errors(args, message):
    with pytest.raises(ValueError, match=message):
        entry().add_autog_mdisk(*args)


def test_autog_records_parse_as_mdisks():
    e = directory.parse(['USER A PW 1G 1G G', 'MDISK 0100 3390 AUTOG 10 POOL2 MR RPW',
                         'MDISK 0101 3390 AUTOG 10', 'MDISK 0102 3390 AUTOR 10 REG1 MR'])
    assert e.find_mdisk('0100').to_dict()['pool'] == 'POOL2' and e.find_mdisk('0100').read_password == 'RPW'
    assert e.records(masked=True)[1] == 'MDISK 0100 3390 AUTOG 10 POOL2 MR ********'
    assert e.warnings == ['record 3: MDISK statement kept as written: no group name',
                          'record 4: MDISK statement kept as written: AUTOR (DirMaint allocation from a region or '
                          'volume) is not modelled']
    assert [m.vdev for m in e.mdisks] == ['0100']        # AUTOR and AUTOV are kept as written


# -- NIC ids -------------------------------------------------------------------------------

def test_nic_id_set_and_read():
    e = entry()
    assert e.nic_id('2000') == 'PORT-2000' and e.nic_id('1000') is None
    assert e.set_nic_id('1000', 'abc') is True
    assert e.records()[7] == '*NICID 1000 ABC'
    assert e.set_nic_id('1000', 'ABC') is False          # case does not matter
    assert e.set_nic_id('2000', 'new') is True
    assert e.records()[8:10] == ['NICDEF 2000 TYPE QDIO DEVICES 4', '*NICID 2000 NEW']
    assert e.set_nic_id('2000', None) is True and e.nic_id('2000') is None
    assert e.set_nic_id('2000', None) is False
    with pytest.raises(SDKObjectNotExistError, match='there is no NICDEF 4000 to record a nic_id for'):
        e.set_nic_id('4000', 'x')


def test_nic_id_goes_after_every_record_of_a_split_nic_and_duplicates_collapse():
    e = directory.parse(['USER A PW 1G 1G G', 'NICDEF 1000 TYPE QDIO', 'MDISK 0100 3390 1 10 V1 MR',
                         'NICDEF 1000 LAN SYSTEM VSW1', '*NICID 1000 A', '*NICID 1000 B'])
    assert e.nic_id('1000') == 'B'
    assert e.set_nic_id('1000', 'b') is True             # two comments become one
    assert e.records()[3:] == ['NICDEF 1000 LAN SYSTEM VSW1', '*NICID 1000 B']


def test_remove_nic_takes_its_nic_id_along():
    e = entry()
    assert e.remove_nic('2000') is True
    assert not [r for r in e.records() if '2000' in r]
    assert e.remove_nic('2000') is False
    stray = directory.parse(['USER A PW 1G 1G G', '*NICID 3000 X'])
    assert stray.remove_nic('3000') is True and stray.records() == ['USER A PW 1G 1G G']


def test_nic_snapshot_restore_and_records():
    e = entry()
    e.update_nic('2000', vlan=100, port_type='ACCESS')
    records = e.nic_records('2000')
    assert records == ['NICDEF 2000 TYPE QDIO DEVICES 4 VLAN 100 PORTTYPE ACCESS', '*NICID 2000 PORT-2000']
    snap = e.nic_snapshot('2000')
    assert snap == {'type': 'QDIO', 'fields': {'devices': 4, 'vlan': ['100'], 'port_type': 'ACCESS'},
                    'nic_id': 'PORT-2000'}
    e.remove_nic('2000')
    assert e.nic_records('2000') == []
    e.restore_nic('2000', snap)
    assert e.nic_records('2000') == records
    assert e.nic_snapshot('4000') is None


def test_nic_records_of_a_split_nic():
    e = directory.parse(['USER A PW 1G 1G G', 'NICDEF 1000 TYPE QDIO', 'NICDEF 1000 LAN SYSTEM VSW1'])
    assert e.nic_records('1000') == ['NICDEF 1000 TYPE QDIO', 'NICDEF 1000 LAN SYSTEM VSW1']


# -- LOADDEV, SHARE, comments --------------------------------------------------------------

def test_add_loaddev():
    e = entry()
    e.set_ipl('0100')
    st = e.add_loaddev('portname', '5005076300C20B8E')
    assert isinstance(st, directory.Loaddev)
    e.add_loaddev('LUN', '5241000000000000')
    assert e.records()[2:5] == ['IPL 0100', 'LOADDEV PORTNAME 5005076300C20B8E', 'LOADDEV LUN 5241000000000000']
    e.add_loaddev('PORTNAME', '1')                       # the same key is replaced in place
    assert e.records()[3:5] == ['LOADDEV PORTNAME 1', 'LOADDEV LUN 5241000000000000']
    assert e.to_dict()['loaddev'] == {'portname': '1', 'lun': '5241000000000000'}
    e.add_loaddev('scpdata', "HEX 'ab'")
    assert e.records()[5] == "LOADDEV SCPDATA HEX 'ab'"
    with pytest.raises(ValueError, match='loaddev: must not contain blanks'):
        e.add_loaddev('PORT NAME', '1')
    with pytest.raises(ValueError, match="loaddev: '9X' is not a LOADDEV operand"):
        e.add_loaddev('9x', '1')
    with pytest.raises(ValueError, match='control characters'):
        e.add_loaddev('LUN', '1\n2')


def test_set_share():
    e = entry()
    assert e.set_share('relative 200') is True
    assert e.records()[4] == 'SHARE RELATIVE 200'
    assert e.set_share('REL 200') is False
    assert e.set_share('ABSOLUTE 10% limitsoft') is True
    assert e.records()[4] == 'SHARE ABSOLUTE 10% LIMITSOFT'
    assert [r for r in e.records() if r.startswith('SHARE')] == ['SHARE ABSOLUTE 10% LIMITSOFT']
    assert e.to_dict()['share'] == {'type': 'ABSOLUTE', 'value': '10%', 'more': 'LIMITSOFT'}
    assert e.set_share(None) is True and e.set_share('') is False
    assert not [r for r in e.records() if r.startswith('SHARE')]
    with pytest.raises(ValueError, match="share: 'HIGH 5' is not a SHARE setting: expected ABSOLUTE or RELATIVE"):
        e.set_share('HIGH 5')


def test_add_comment():
    e = entry()
    c = e.add_comment('made by zvm.cloud')
    assert isinstance(c, directory.Comment) and e.records()[-1] == '* made by zvm.cloud'
    e.add_comment('x' * 70)
    with pytest.raises(ValueError, match='comment: .* is 71 characters; a comment record holds at most 70'):
        e.add_comment('x' * 71)
    with pytest.raises(ValueError, match='control characters'):
        e.add_comment('a\nUSER X')
    with pytest.raises(ValueError, match='expected a string'):
        e.add_comment(5)


# -- devices -------------------------------------------------------------------------------

def test_device_ranges():
    assert entry().device_ranges() == [
        (0x0009, 1, 'console 0009'),
        (0x000C, 1, 'spool device 000C'),
        (0x1000, 3, 'NIC 1000-1002'),
        (0x2000, 4, 'NIC 2000-2003'),
        (0x0190, 1, 'link 0190 (to MAINT 0190)'),
        (0x0100, 1, 'disk 0100'),
        (0x0600, 1, 'dedicated device 0600'),
    ]
    split = directory.parse(['USER A PW 1G 1G G', 'NICDEF 1000 TYPE QDIO', 'NICDEF 1000 DEVICES 5',
                             'MDISK 0101 FB-512 V-DISK 100 MR', 'MDISK 0102 3390 AUTOG 10 P1 MR', 'DED 0700 0700'])
    assert split.device_ranges() == [(0x1000, 5, 'NIC 1000-1004'), (0x101, 1, 'disk 0101'), (0x102, 1, 'disk 0102')]


@pytest.mark.parametrize('vdev, count, conflict', [
    ('0100', 1, 'disk 0100'),
    ('00FF', 1, None),
    ('00FF', 2, 'disk 0100'),
    ('1002', 1, 'NIC 1000-1002'),
    ('1003', 1, None),
    ('0FFE', 3, 'NIC 1000-1002'),
    ('2003', 1, 'NIC 2000-2003'),
    ('600', 1, 'dedicated device 0600'),
    ('190', 1, 'link 0190 (to MAINT 0190)'),
    ('9', 1, 'console 0009'),
    ('000B', 2, 'spool device 000C'),
])
def test_device_conflict(vdev, count, conflict):
    assert entry().device_conflict(vdev, count) == conflict


def test_device_conflict_checks_the_vdev():
    with pytest.raises(ValueError, match='vdev'):
        entry().device_conflict('XYZ1')


def test_restore_statements_undoes_only_those_kinds():
    before = directory.parse(['USER LINUX01 PASSW0RD 1G 2G G', 'INCLUDE IBMDFLT', 'CPU 00 BASE',
                              'IPL 0100 PARM AUTOCR', 'LOGONBY MAINT', 'MDISK 0100 3390 1 100 LX0100 MR'])
    after = before.copy()
    after.set_storage('4G')
    after.set_cpus(2)
    after.set_ipl('0200')
    after.set_logonby(['OPERATOR'])
    after.add_mdisk('0101', '3390', 50, start=200, volser='LX0100')
    changes = directory.diff(before, after)
    kinds = set(c["statement"].split()[0] for c in changes if not c["statement"].startswith("MDISK"))
    assert after.restore_statements(before, kinds) is True
    assert [r.rstrip() for r in after.records()] == [r.rstrip() for r in before.records()] + [
        'MDISK 0101 3390 200 50 LX0100 MR']
    assert after.restore_statements(before, kinds) is False
