# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write the generated part of plugins/doc_fragments/nic.py.

A NIC's options are written once, in the fragment's DOCUMENTATION
(zvm.cloud.nic, zvm_nic's own options).  zvm_guest documents the same
options as the suboptions of its ``nics`` list (zvm.cloud.nic.guest, the
GUEST string), and ansible-test wants fragments as literal strings, so this
tool writes GUEST from DOCUMENTATION.  ``--check`` exits 1 when the file is
not up to date (tests/unit/plugins/test_doc_fragments.py checks too).
"""

import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FRAGMENT = os.path.join(ROOT, 'plugins', 'doc_fragments', 'nic.py')

GUEST_HEAD = '''options:
  nics:
    description:
      - The guest's QDIO NICs (NICDEF statements), each as M(zvm.cloud.zvm_nic) declares one; the same code
        does the work. Missing NICs are created, existing ones are made as declared.
      - A running guest's NICs are changed too (defined, coupled, uncoupled), as with
        M(zvm.cloud.zvm_nic) O(zvm.cloud.zvm_nic#module:active=true); for a guest that is off, the directory only.
      - NICs that exist but are not listed are removed only with O(zvm.cloud.zvm_guest#module:purge_nics=true).
    type: list
    elements: dict
    suboptions:
'''

_BLOCK = re.compile(r"(    %s = r''')\n(.*?)(''')", re.S)


def generate(text):
    documentation = _BLOCK.pattern % 'DOCUMENTATION'
    body = re.search(documentation, text, re.S).group(2)
    options = body.split('options:\n', 1)[1]
    guest = GUEST_HEAD + ''.join(('    ' + line) if line.strip() else line for line in options.splitlines(True))
    pattern = re.compile(_BLOCK.pattern % 'GUEST', re.S)
    return pattern.sub(lambda m: '%s\n%s%s' % (m.group(1), guest, m.group(3)), text, count=1)


def main(argv):
    with open(FRAGMENT) as fh:
        text = fh.read()
    new = generate(text)
    if '--check' in argv:
        if new != text:
            sys.stderr.write('%s is not up to date: run python3 tools/gen_doc_fragments.py\n' % FRAGMENT)
            return 1
        return 0
    if new != text:
        with open(FRAGMENT, 'w') as fh:
            fh.write(new)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
