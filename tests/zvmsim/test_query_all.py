# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Query_All_DM (zvmsim/handlers/dirmaint.py): every directory entry in one
reply, as records (FORMAT=NO) or keyword items (FORMAT=YES), the
``directory.query_all_authorized`` knob, and the captured requests."""

import pytest

from ansible_collections.zvm.cloud.plugins.module_utils import directory
from ansible_collections.zvm.cloud.plugins.module_utils.smapi import codec, layouts

from tests.zvmsim.conftest import capture_names, load_capture, send_capture, smapi_for
from zvmsim import config as simconfig
from zvmsim import requestlog
from zvmsim.seed import generate_guests

NO = {'query_keyword_parameter_list': 'FORMAT=NO'}
YES = {'query_keyword_parameter_list': 'FORMAT=YES'}


def rcrs(reply):
    return reply['return_code'], reply['reason_code']


def by_id(reply):
    return dict((e['directory_entry_id'], e) for e in reply['directory_entries_array'])


def names(sim, kind):
    with sim.store.transaction() as tx:
        return tx.names(kind)


def test_format_no_has_every_entry_equal_to_image_query_dm(sim, smapi):
    reply = smapi('Query_All_DM', 'MAINT', **NO)
    assert rcrs(reply) == (0, 0)
    entries = by_id(reply)
    users, profiles = names(sim, 'user'), names(sim, 'profile')
    assert users and profiles
    assert sorted(entries) == sorted(users + profiles)
    for name in users:
        entry = entries[name]
        assert entry['directory_entry_type'] == 0
        own = smapi('Image_Query_DM', name)['image_record_array']
        assert entry['directory_entry_records'] == [r.rstrip() for r in own], name
        parsed = directory.parse(entry['directory_entry_records'])
        assert (parsed.entry_type, parsed.userid) == ('USER', name)
        assert directory.parse(own).render() == parsed.render()
    for name in profiles:
        entry = entries[name]
        assert entry['directory_entry_type'] == 1
        own = smapi('Profile_Query_DM', name)['profile_record_array']
        assert entry['directory_entry_records'] == [r.rstrip() for r in own], name
        parsed = directory.parse(entry['directory_entry_records'])
        assert (parsed.entry_type, parsed.name) == ('PROFILE', name)


def test_profiles_come_first_then_users_in_ebcdic_order(make_sim):
    sim = make_sim({'guests': [{'userid': 'LNX1', 'records': ['USER LNX1 PW 1G 1G G']},
                               {'userid': 'A$B', 'records': ['USER A$B PW 1G 1G G']},
                               {'userid': 'ABC', 'records': ['USER ABC PW 1G 1G G']},
                               {'userid': 'IDENT', 'records': ['IDENTITY IDENT PW 1G 1G G']}]})
    entries = smapi_for(sim)('Query_All_DM', 'MAINT', **NO)['directory_entries_array']
    assert [(e['directory_entry_type'], e['directory_entry_id']) for e in entries] == [
        (1, 'IBMDFLT'), (1, 'LNXDFLT'), (0, 'A$B'), (0, 'ABC'), (6, 'IDENT'), (0, 'LNX1')]


def test_format_yes_is_image_definition_query_of_every_keyword(sim, smapi):
    reply = smapi('Query_All_DM', 'MAINT', **YES)
    assert rcrs(reply) == (0, 0)
    entries = by_id(reply)
    assert sorted(entries) == sorted(names(sim, 'user') + names(sim, 'profile'))
    for name in names(sim, 'user'):
        own = smapi('Image_Definition_Query_DM', name, definition_query_directory_keyword_parameter_list=['*'])
        assert entries[name]['directory_entry_data'] == own['directory_information_data'], name
        assert 'directory_entry_records' not in entries[name]
    linux01 = entries['LINUX01']['directory_entry_data']
    assert 'INCLUDE=IBMDFLT' in linux01 and 'LBYONLY' in linux01
    profile = entries['IBMDFLT']
    assert profile['directory_entry_type'] == 1
    assert 'CONSOLE=VDEV=0009 DEVTYPE=3215 CLASS=T' in profile['directory_entry_data']
    assert 'PASSWORD=' not in profile['directory_entry_data']      # as the capture: profiles have none


def test_a_change_shows_in_the_next_query_all(smapi):
    smapi('Image_Create_DM', 'NEWONE', image_record_array=['USER NEWONE PW 1G 2G G', 'IPL CMS'])
    entries = by_id(smapi('Query_All_DM', 'MAINT', **NO))
    assert entries['NEWONE']['directory_entry_records'] == ['USER NEWONE PW 1G 2G G', 'IPL CMS']
    smapi('Image_Delete_DM', 'NEWONE')
    assert 'NEWONE' not in by_id(smapi('Query_All_DM', 'MAINT', **NO))


def test_three_hundred_generated_guests_in_one_reply(sim, smapi):
    with sim.store.transaction(write=True) as tx:
        generate_guests(tx, 300)
    reply = smapi('Query_All_DM', 'MAINT', **NO)
    entries = by_id(reply)
    assert len([e for e in entries.values() if e['directory_entry_type'] == 0]) == len(names(sim, 'user')) >= 306
    assert directory.parse(entries['LNX0250']['directory_entry_records']).userid == 'LNX0250'


@pytest.mark.parametrize('setting,user,expected', [
    (False, 'MAINT', (100, 12)),
    (['OPERATOR'], 'MAINT', (100, 12)),
    (['maint'], 'MAINT', (0, 0)),
    (True, 'MAINT', (0, 0)),
])
def test_the_knob_refuses_query_all_as_dirmaint_does(make_sim, setting, user, expected):
    sim = make_sim({'directory': {'query_all_authorized': setting}})
    reply = smapi_for(sim)('Query_All_DM', 'MAINT', userid=user, password=user, **NO)
    assert rcrs(reply) == expected
    assert ('directory_entries_array' in reply) == (expected == (0, 0))


def test_the_knob_leaves_other_reads_alone(make_sim):
    smapi = smapi_for(make_sim({'directory': {'query_all_authorized': False}}))
    assert rcrs(smapi('Image_Query_DM', 'LINUX01')) == (0, 0)
    assert rcrs(smapi('Image_Name_Query_DM', 'MAINT')) == (0, 0)


def test_the_knob_must_be_a_boolean_or_a_list():
    config = simconfig.merge(simconfig.load(), {'directory': {'query_all_authorized': 'yes'}})
    with pytest.raises(simconfig.ConfigError, match='query_all_authorized'):
        simconfig.check(config)


def test_each_call_is_one_request_log_entry(make_sim):
    sim = make_sim({'directory': {'query_all_authorized': ['OPERATOR']},
                    'smapi': {'authorizations': [{'user': 'MAINT', 'function': 'ALL', 'target': 'ALL'},
                                                 {'user': 'OPERATOR', 'function': 'Query_All_DM', 'target': 'ALL'}]}})
    smapi = smapi_for(sim)
    before = requestlog.position(sim.state_dir)
    smapi('Query_All_DM', 'MAINT', userid='OPERATOR', password='OPERATOR', **NO)
    smapi('Query_All_DM', 'MAINT', userid='OPERATOR', password='OPERATOR', **YES)
    smapi('Query_All_DM', 'MAINT', **NO)
    logged = requestlog.entries(sim.state_dir, since=before)
    assert [(e['function'], e['target'], e['user'], e['rc'], e['rs'], e['write']) for e in logged] == [
        ('Query_All_DM', 'MAINT', 'OPERATOR', 0, 0, False),
        ('Query_All_DM', 'MAINT', 'OPERATOR', 0, 0, False),
        ('Query_All_DM', 'MAINT', 'MAINT', 100, 12, False)]


@pytest.mark.usefixtures('captures_dir')
@pytest.mark.parametrize('name', capture_names(['Query_All_DM']))
def test_captured_request_gets_a_reply_shaped_like_the_capture(sim, name):
    reply, raw, response = send_capture(sim, name)
    assert rcrs(reply) == (0, 0)
    layout = layouts.get('Query_All_DM')
    captured = codec.decode_response(layout, response)
    ours, theirs = reply['directory_entries_array'], captured['directory_entries_array']
    assert ours and theirs
    assert set(ours[0]) == set(theirs[0])          # records (format=no) or keyword items (format=yes)
    assert set(e['directory_entry_type'] for e in ours) <= set(e['directory_entry_type'] for e in theirs)
    key = 'directory_entry_records' if load_capture(name)[0]['client_arguments'][
        'query_keyword_parameter_list'].upper() == 'FORMAT=NO' else 'directory_entry_data'
    assert all(key in e for e in ours)
    assert len(raw) > 8 + 12
