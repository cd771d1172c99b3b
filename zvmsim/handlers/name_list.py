# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Name_List_*: SMAPI name lists (the server's NAMELIST file): named lists of user IDs
(or other names) that some functions take as a target, such as
System_Image_Performance_Query.

A list is an object of kind ``namelist`` named after the list (upper case):
a JSON list of upper-case names in the order they were added.  A list
exists while it has names: removing the last name destroys it (0/16).

``name_list_members(tx, name)`` gives the
names in a list, or None when there is no such list.

Not modelled: IBM's predefined function lists (IMAGE_OPERATIONS,
DIRECTORY_MANAGER_CONTROL...), which a real system also lists; configure
them under ``name_lists`` when a test needs them.
"""

from zvmsim.handlers import Fail, Result, handles


KIND = 'namelist'


def name_list_members(tx, name):
    """The names in list ``name``, or None when it does not exist."""
    return tx.obj(KIND, str(name).upper())


@handles('Name_List_Add')
def name_list_add(call):
    """Add a name to the target list: 0/0; 0/12 when the list was created by
    this call; 0/36 when the name is already in the list (nothing changes)."""
    name = call.param('name').upper()
    members = name_list_members(call.tx, call.target)
    if members is None:
        call.tx.put_obj(KIND, call.target, [name])
        return Result(0, 12)
    if name in members:
        return Result(0, 36)
    call.tx.put_obj(KIND, call.target, members + [name])
    return {}


@handles('Name_List_Remove')
def name_list_remove(call):
    """Remove a name from the target list: 0/0; 0/16 when it was the last
    one (the list is destroyed); 0/32 when it is not in the list; 200/24
    when the list does not exist."""
    name = call.param('name').upper()
    members = name_list_members(call.tx, call.target)
    if members is None:
        raise Fail(200, 24)
    if name not in members:
        return Result(0, 32)
    members = [m for m in members if m != name]
    if not members:
        call.tx.delete_obj(KIND, call.target)
        return Result(0, 16)
    call.tx.put_obj(KIND, call.target, members)
    return {}


@handles('Name_List_Query')
def name_list_query(call):
    """The names in the target list (200/24 when it does not exist); target
    ``*`` gives the names of all lists."""
    if call.target == '*':
        return {'name_array': sorted(call.tx.objs(KIND))}
    members = name_list_members(call.tx, call.target)
    if members is None:
        raise Fail(200, 24)
    return {'name_array': members}


@handles('Name_List_Destroy')
def name_list_destroy(call):
    """Delete the target list (200/24 when it does not exist)."""
    if name_list_members(call.tx, call.target) is None:
        raise Fail(200, 24)
    call.tx.delete_obj(KIND, call.target)
    return {}
