# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Prototype_*_DM: DirMaint prototypes (the models Image_Create_DM copies).

They are kept in the ``entries`` table, kind ``prototype``, as upper-case
72-column records.  Prototypes are DirMaint files with no locks; they use
the 416 return codes and have a name space of their own (a user and a
prototype may share a name).
"""

from ansible_collections.zvm.cloud.plugins.module_utils import directory as model

from zvmsim.dirmaint import ebcdic_sorted, load_entry, save_entry
from zvmsim.handlers import Fail, handles


def _prototype_entry(call, param):
    """The records must hold one USER (or IDENTITY) statement, first (416/0)."""
    entry = model.parse(call.param(param) or [])
    first = next((s for s in entry.statements if not isinstance(s, model.Comment)), None)
    users = [s for s in entry.statements if isinstance(s, model.User)]
    if not isinstance(first, model.User) or len(users) != 1:
        raise Fail(416, 0)
    return entry


@handles('Prototype_Create_DM')
def prototype_create_dm(call):
    """A new prototype: 416/8 it exists; 416/0 when the records do not start
    with one USER statement.  Prototypes have a namespace of their own."""
    if call.tx.entry(call.target, 'prototype') is not None:
        raise Fail(416, 8)
    entry = _prototype_entry(call, 'prototype_record_array')
    save_entry(call, call.target, entry, 'prototype', check_lock=False)
    return {}


@handles('Prototype_Delete_DM')
def prototype_delete_dm(call):
    """Delete a prototype (416/4 not found)."""
    load_entry(call, call.target, 'prototype', missing=(416, 4))
    call.tx.delete_entry(call.target, 'prototype')
    return {}


@handles('Prototype_Query_DM')
def prototype_query_dm(call):
    """The prototype's records (416/4 not found)."""
    records, _entry = load_entry(call, call.target, 'prototype', missing=(416, 4))
    return {'prototype_record_array': records}


@handles('Prototype_Replace_DM')
def prototype_replace_dm(call):
    """Replace a prototype's records: 416/4 not found, 416/0 malformed."""
    load_entry(call, call.target, 'prototype', missing=(416, 4))
    entry = _prototype_entry(call, 'prototype_record_array')
    save_entry(call, call.target, entry, 'prototype', check_lock=False)
    return {}


@handles('Prototype_Name_Query_DM')
def prototype_name_query_dm(call):
    """The names of all prototypes (EBCDIC order); 416/4 when there is none.
    The target is not used."""
    names = ebcdic_sorted(call.tx.names('prototype'))
    if not names:
        raise Fail(416, 4)
    return {'prototype_name_array': names}
