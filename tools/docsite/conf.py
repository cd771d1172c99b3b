# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sphinx configuration of the zvm.cloud docs site (tools/docs builds it).

Scaffolded with ``antsibull-docs sphinx-init --use-current zvm.cloud`` and
changed in three ways:

* the guides are the repository's Markdown files, read by myst-parser as they
  are (tools/docs copies them into the source tree at their repository paths,
  so their relative links between each other work);
* a link in a guide to a repository file that is not part of the site (a
  directory, LICENSE, a role's README) points to that file in the repository
  (galaxy.yml's ``repository``); a link to a file that does not exist stays
  as it is, and Sphinx warns about it;
* offline, a reference that only the Ansible or Python docs inventory could
  resolve (``common_return_values``, ``ANSIBLE_CACHE_PLUGIN``...) is shown
  as its text instead of a warning, and listed in ``offline-references.txt``
  in the output's parent directory.  Online (every inventory loaded) an
  unresolved reference is a warning as usual, and so is one to this site's
  own labels, documents or ``ZVM_*`` variables in any case.
"""

import os
import posixpath
import re

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

with open(os.path.join(ROOT, 'galaxy.yml')) as galaxy_file:
    GALAXY = yaml.safe_load(galaxy_file)

project = 'zvm.cloud'
copyright = 'Contributors to the zvm.cloud project'  # pylint: disable=redefined-builtin
version = release = GALAXY['version']

title = 'zvm.cloud documentation'
html_short_title = 'zvm.cloud documentation'
html_title = 'zvm.cloud %s documentation' % GALAXY['version']

extensions = ['sphinx.ext.intersphinx', 'sphinx_antsibull_ext', 'myst_parser']

source_suffix = {'.rst': 'restructuredtext', '.md': 'markdown'}
root_doc = 'index'

pygments_style = 'ansible'
highlight_language = 'YAML+Jinja'

html_theme = 'sphinx_ansible_theme'
html_show_sphinx = False
display_version = False
html_use_smartypants = True
html_use_modindex = False
html_use_index = False
html_copy_source = False

# Only what the generated plugin pages refer to.  A site without internet
# access gets no inventory: see missing_reference below.
intersphinx_mapping = {
    'python3': ('https://docs.python.org/3/', None),
    'ansible_devel': ('https://docs.ansible.com/projects/ansible/devel/', None),
}
intersphinx_timeout = 10

default_role = 'any'
nitpicky = True

# Markdown guides: GitHub-style anchors (#supported-versions) for headings
# down to ####, and pipe tables.
myst_heading_anchors = 4
myst_enable_extensions = ['strikethrough']
suppress_warnings = ['myst.strikethrough']

LINK = re.compile(r'(\]\()([^)\s]+)(\))')
FENCE = re.compile(r'^\s*(```|~~~)')
OFFLINE_REFERENCES = []


def repository_link(target, document, srcdir):
    """The repository URL of a relative link target that is not in the site.

    ``document`` is the linking file's path relative to the repository and to
    the source directory ``srcdir``, which mirrors it; None when the target is
    a URL, an anchor, part of the site, or no file at all.
    """
    if target.startswith('#') or re.match(r'^[a-z][a-z0-9+.-]*:', target):
        return None
    path, _sep, anchor = target.partition('#')
    relative = posixpath.normpath(posixpath.join(posixpath.dirname(document), path))
    if relative.startswith('../') or os.path.isfile(os.path.join(srcdir, relative)):
        return None
    if not os.path.exists(os.path.join(ROOT, relative)):
        return None
    kind = 'tree' if os.path.isdir(os.path.join(ROOT, relative)) else 'blob'
    return '%s/%s/main/%s%s' % (GALAXY['repository'].rstrip('/'), kind, relative.rstrip('/'),
                                '#' + anchor if anchor else '')


def rewrite_links(app, docname, source):
    """source-read: point links to repository files outside the site at the repository."""
    path = app.env.doc2path(docname, False)
    if not str(path).endswith('.md'):
        return
    lines, fenced = [], False
    for line in source[0].split('\n'):
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            line = LINK.sub(lambda m: m.group(1) + (repository_link(m.group(2), str(path), str(app.srcdir)) or m.group(2)) + m.group(3),
                            line)
        lines.append(line)
    source[0] = '\n'.join(lines)


def ours(node):
    """Whether a reference's target belongs to this site (never tolerated unresolved)."""
    target = node.get('reftarget', '')
    return (target.startswith('ansible_collections.zvm.cloud') or target.startswith('ZVM_')
            or node.get('refdomain') == 'doc' or node.get('reftype') in ('doc', 'myst'))


def missing_reference(app, env, node, contnode):
    """missing-reference: offline, a reference into an unreachable inventory is its text."""
    loaded = getattr(env, 'intersphinx_named_inventory', {})
    if all(name in loaded for name in intersphinx_mapping) or ours(node):
        return None
    OFFLINE_REFERENCES.append('%s: %s:%s %s' % (node.get('refdoc', ''), node.get('refdomain', ''),
                                                node.get('reftype', ''), node.get('reftarget', '')))
    return contnode


def write_offline_references(app, exception):
    """build-finished: list the references left unresolved because the build was offline."""
    with open(os.path.join(os.path.dirname(str(app.outdir)), 'offline-references.txt'), 'w') as out:
        out.write(''.join('%s\n' % line for line in sorted(set(OFFLINE_REFERENCES))))


def setup(app):
    app.connect('source-read', rewrite_links)
    # after intersphinx (500), which resolves the reference when it has the inventory
    app.connect('missing-reference', missing_reference, priority=900)
    app.connect('build-finished', write_offline_references)
