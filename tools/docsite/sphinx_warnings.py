# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which warnings of a sphinx-build warning file (``-w``) fail the docs build.

    python tools/docsite/sphinx_warnings.py WARNINGS_FILE

prints the warnings that count and exits 1 when there is any.  One warning
does not count: an intersphinx inventory that could not be fetched because
there is no network (the build runs offline in CI).  A warning's
continuation lines belong to it; such a warning counts when any of its
causes is something else (an HTTP error, a bad inventory), which an offline
build cannot tell from a moved URL.  tools/docs runs it.
"""

import re
import sys

START = re.compile(r'^(.*?: )?(WARNING|ERROR|CRITICAL|SEVERE): ')
UNREACHABLE = 'failed to reach any of the inventories'
OFFLINE = re.compile(r'ConnectionError|NameResolutionError|Failed to resolve|Max retries exceeded|timed out|Timeout'
                     r'|not readable due to FileNotFoundError')


def split(text):
    """The warnings in ``text``, each a list of its lines."""
    warnings = []
    for line in text.splitlines():
        if START.match(line) or not warnings:
            warnings.append([line])
        else:
            warnings[-1].append(line)
    return [w for w in warnings if any(line.strip() for line in w)]


def offline_only(warning):
    """Whether ``warning`` (its lines) only says an inventory was out of reach."""
    causes = [line for line in warning[1:] if line.strip()]
    return UNREACHABLE in warning[0] and bool(causes) and all(OFFLINE.search(line) for line in causes)


def real_warnings(text):
    """The warnings of ``text`` that fail the build, as text (empty when none)."""
    return '\n'.join('\n'.join(w) for w in split(text) if not offline_only(w))


def main(argv):
    with open(argv[1]) as stream:
        real = real_warnings(stream.read())
    if real:
        print(real)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
