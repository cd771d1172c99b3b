# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``vmur`` on the access node (s390-tools' virtual unit record tool):

    vmur punch|pun [-r] [-u USER] [-N NAME[.TYPE]] [-C CLASS] [-t|-b ...] [-f] [FILE|-]
    vmur receive|re [-H] [-t] [-f] (-O | SPOOLID [FILE])     (SPOOLID before FILE)
    vmur list|li [SPOOLID]
    vmur purge|pur [-f] SPOOLID

``punch -r`` puts the file's bytes into the node's reader (with ``-u``
into USER's) and prints ``Reader file with spoolid NNNN created.``; the
name and type come from ``-N`` or from the file name (``network.doscript``
is NETWORK DOSCRIPT), at most 8 characters each; the class from ``-C``
(default A).  Without ``-r`` the file stays in the node's punch queue.
``receive`` writes a reader file to stdout (``-O``) or a file and purges
it unless ``-H``; ``-t`` is accepted (the files are already text).
Errors go to stderr with exit 1 (``vmur: Reader file N does not exist``).
"""

import argparse
import os

from zvmsim.node import spool

ACTIONS = {'punch': 'punch', 'pun': 'punch', 'receive': 'receive', 're': 'receive', 'list': 'list', 'li': 'list',
           'purge': 'purge', 'pur': 'purge'}


class _Usage(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise _Usage(message)


def _parser(action):
    p = _Parser(prog='vmur ' + action, add_help=False)
    p.add_argument('-d', '--device')
    p.add_argument('-f', '--force', action='store_true')
    p.add_argument('-q', '--quiet', action='store_true')
    p.add_argument('-t', '--text', action='store_true')
    p.add_argument('-b', '--blocked')
    if action == 'punch':
        p.add_argument('-r', '--rdr', action='store_true')
        p.add_argument('-u', '--user')
        p.add_argument('-N', '--name')
        p.add_argument('-C', '--class', dest='klass', default='A')
        p.add_argument('file', nargs='?', default='-')
    elif action == 'receive':
        p.add_argument('-H', '--hold', action='store_true')
        p.add_argument('-O', '--stdout', action='store_true')
        p.add_argument('-c', '--convert', action='store_true')
        p.add_argument('-C', '--class', dest='klass')
        p.add_argument('spoolid')
        p.add_argument('file', nargs='?')
    elif action == 'list':
        p.add_argument('spoolid', nargs='?')
    else:
        p.add_argument('spoolid')
    return p


def _spool_name(text):
    """(NAME, TYPE) of ``name.type``; None when a part has more than 8 characters."""
    name, _sep, ftype = os.path.basename(text).partition('.')
    name, ftype = name.upper(), ftype.upper()
    if not name or len(name) > 8 or len(ftype) > 8 or ' ' in name + ftype:
        return None
    return name, ftype


def punch(node, args, out, err, stdin):
    if not args.rdr and args.user:
        err('vmur: --user needs --rdr\n')
        return 1
    if args.name:
        names = _spool_name(args.name)
    elif args.file != '-':
        names = _spool_name(args.file)
    else:
        err('vmur: --name is required when reading from stdin\n')
        return 1
    if names is None:
        err("vmur: '%s' is not a valid spool file name (NAME.TYPE, 8 characters each): use --name\n"
            % (args.name or args.file))
        return 1
    if len(args.klass) != 1 or not args.klass.isalnum():
        err('vmur: Spool class %s is not valid\n' % args.klass)
        return 1
    if args.file == '-':
        data = stdin.read()
    else:
        try:
            with open(args.file, 'rb') as handle:
                data = handle.read()
        except OSError as exc:
            err('vmur: Could not open file %s: %s\n' % (args.file, exc.strerror))
            return 1
    dest = (args.user or node.userid).upper()
    with node.store().transaction(write=True) as tx:
        if tx.entry(dest) is None:
            err('vmur: Could not send the file to %s: HCPCSU053E %s not in CP directory\n' % (dest, dest))
            return 1
        number = spool.punch(tx, dest if args.rdr else node.userid, node.userid, names[0], names[1], args.klass,
                             data, tx.now)
        if not args.rdr:
            found = next(f for f in tx.spool_files(node.userid) if spool.spool_number(f['spoolid']) == number)
            spool.update(tx, found, queue='PUN')
    if args.rdr and not args.quiet:
        out('Reader file with spoolid %04d created.\n' % number)
    return 0


def receive(node, args, out, err):
    with node.store().transaction(write=True) as tx:
        found = spool.find(tx, node.userid, args.spoolid)
        if found is None:
            err('vmur: Reader file %s does not exist\n' % args.spoolid)
            return 1
        data = spool.content(tx, found)
        if not args.stdout:
            target = args.file or ('%s.%s' % (found.get('name') or 'FILE', found.get('type') or '')).lower()
            if os.path.exists(target) and not args.force:
                err('vmur: File %s already exists. Use -f to overwrite\n' % target)
                return 1
            with open(target, 'wb') as handle:
                handle.write(data)
        if not args.hold:
            spool.purge(tx, found)
    if args.stdout:
        out(data)
    return 0


def vmur(node, argv, out, err, stdin):
    if not argv:
        err('vmur: Missing command (punch, receive, list, purge)\n')
        return 1
    action = ACTIONS.get(argv[0].lower())
    if action is None:
        err('vmur: Unknown command %s\n' % argv[0])
        return 1
    try:
        args = _parser(action).parse_args(argv[1:])
    except _Usage as exc:
        err('vmur: %s\n' % exc)
        return 1
    if action == 'punch':
        return punch(node, args, out, err, stdin)
    if action == 'receive':
        return receive(node, args, out, err)
    with node.store().transaction(write=True) as tx:
        if action == 'list':
            if args.spoolid is None:
                out(spool.listing(node.config, tx, node.userid))
                return 0
            found = spool.find(tx, node.userid, args.spoolid)
            if found is not None:
                out(spool.HEADER + '\n' + spool.line(node.config, found) + '\n')
                return 0
        else:
            found = spool.find(tx, node.userid, args.spoolid)
            if found is not None:
                spool.purge(tx, found)
                return 0
    err('vmur: Reader file %s does not exist\n' % args.spoolid)
    return 1
