# shellcheck shell=bash
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Shared by tools/test and tools/demo: source it, do not run it.
#   ensure_venv        .venv (Python 3.11) with tools/requirements-test.txt, on PATH
#   seed_ansible_test  offline pip bootstrap for ansible-test (air-gapped support)
#   stage_collection   copy of the checkout at .build/collections/ansible_collections/zvm/cloud
#   setup_system       Debian packages the tests use (fence-agents, openssl, shellcheck, openssh-server,
#                      and netplan.io, cloud-init, xorriso: the consumers of the first-boot files)
#   python_for X.Y     the newest CPython X.Y that pyenv has, else pythonX.Y on PATH
#   ensure_pyvenv      a virtual environment with given requirements, made once (tools/test matrix)

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
VENV=${ZVM_VENV:-$ROOT/.venv}
TEST_PYTHON=${ZVM_TEST_PYTHON:-python3.11}
BUILD=$ROOT/.build
# Each tool stages its own copy (ZVM_STAGE names it), so a demo or a
# benchmark does not pull the tree from under a running ansible-test.
COLLECTIONS=$BUILD/${ZVM_STAGE:-collections}
STAGED=$COLLECTIONS/ansible_collections/zvm/cloud

log() { printf '==> %s\n' "$*" >&2; }

# The virtual environment with the pinned test tooling; reinstalled only when
# the requirement files or the interpreter version change.
ensure_venv() {
    local want have
    want="$("$TEST_PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])') $(
        cat "$ROOT/tools/requirements-test.txt" "$ROOT/tools/constraints-test.txt" | sha256sum | cut -d' ' -f1)" || {
        log "$TEST_PYTHON not found: set ZVM_TEST_PYTHON to a Python 3.11 interpreter"
        return 1
    }
    have=$(cat "$VENV/.zvm-requirements" 2>/dev/null || true)
    if [ "$have" != "$want" ]; then
        if [ "${have%% *}" != "${want%% *}" ] || [ ! -x "$VENV/bin/python" ]; then
            log "creating $VENV with $TEST_PYTHON"
            rm -rf "$VENV"
            "$TEST_PYTHON" -m venv "$VENV" || return 1
        fi
        log "installing tools/requirements-test.txt into $VENV"
        mkdir -p "$BUILD"
        "$VENV/bin/python" -m pip install --disable-pip-version-check \
            -r "$ROOT/tools/requirements-test.txt" -c "$ROOT/tools/constraints-test.txt" \
            >"$BUILD/pip-install.log" 2>&1 || {
            tail -n 40 "$BUILD/pip-install.log" >&2
            log "pip install failed: the whole log is $BUILD/pip-install.log"
            return 1
        }
        printf '%s\n' "$want" >"$VENV/.zvm-requirements"
    fi
    export VIRTUAL_ENV=$VENV
    case ":$PATH:" in
        "$VENV/bin:"*) ;;
        *) export PATH="$VENV/bin:$PATH" ;;
    esac
}

# python_for 3.10: the path of the newest CPython 3.10.x that pyenv has,
# else of python3.10 on PATH; fails when there is none.
python_for() {
    local version
    if command -v pyenv >/dev/null; then
        version=$(pyenv versions --bare --skip-aliases 2>/dev/null | grep -E "^${1//./\\.}\\.[0-9]+$" |
            sort -t. -k3,3n | tail -n 1)
        if [ -n "$version" ] && [ -x "$(pyenv prefix "$version")/bin/python$1" ]; then
            printf '%s\n' "$(pyenv prefix "$version")/bin/python$1"
            return 0
        fi
    fi
    command -v "python$1"
}

# ensure_pyvenv DIR PYTHON REQUIREMENT...: a virtual environment at DIR made
# with PYTHON, holding the pip requirements given (ansible-core==2.16.*
# pytest==9.2.0).  Made once and reused while the interpreter's version and
# the requirements stay the same (DIR/.zvm-requirements holds their hash);
# the install log is DIR.pip.log.
ensure_pyvenv() {
    local dir=$1 python=$2 want have
    shift 2
    want="$("$python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])') $(
        printf '%s\n' "$@" | sha256sum | cut -d' ' -f1)" || return 1
    have=$(cat "$dir/.zvm-requirements" 2>/dev/null || true)
    if [ "$have" = "$want" ] && [ -x "$dir/bin/python" ]; then
        return 0
    fi
    log "creating $dir: $*"
    rm -rf "$dir"
    mkdir -p "$(dirname "$dir")"
    if ! "$python" -m venv "$dir" ||
        ! "$dir/bin/python" -m pip install --disable-pip-version-check "$@" >"$dir.pip.log" 2>&1; then
        tail -n 20 "$dir.pip.log" >&2 2>/dev/null
        log "creating $dir failed: the pip log is $dir.pip.log"
        return 1
    fi
    printf '%s\n' "$want" >"$dir/.zvm-requirements"
}

# Air-gapped support: ansible-test downloads get-pip.py into
# ~/.ansible/test/cache/get_pip_<version>.py unless that file exists; put our
# offline bootstrap (ensurepip + pip install) there instead.
seed_ansible_test() {
    "$VENV/bin/python" "$ROOT/tools/seed_ansible_test_cache.py" >/dev/null
}

# The files of the checkout that git would commit (tracked or untracked, not
# ignored), or everything but build output outside git.  A copy, not a link:
# linking the checkout into .build inside itself would make a loop.
collection_files() {
    local top
    top=$(git -C "$ROOT" rev-parse --show-toplevel 2>/dev/null || true)
    if [ -n "$top" ] && [ "$(cd "$top" && pwd -P)" = "$ROOT" ]; then
        git -C "$ROOT" ls-files -z --cached --others --exclude-standard |
            while IFS= read -r -d '' path; do
                if [ -e "$ROOT/$path" ] || [ -L "$ROOT/$path" ]; then printf '%s\0' "$path"; fi
            done
    else
        (cd "$ROOT" && find . \( -name .git -o -name .venv -o -name .build -o -name __pycache__ \
            -o -name .pytest_cache -o -path ./tests/output -o -name .ansible \) -prune \
            -o \( -type f -o -type l \) -print0)
    fi
}

stage_collection() {
    rm -rf "$STAGED"
    mkdir -p "$STAGED"
    collection_files | tar -C "$ROOT" --null --files-from=- -cf - | tar -C "$STAGED" -xf - || return 1
    # ansible-test looks for version control upwards from the collection and
    # would find the checkout's .git, which ignores .build: give the copy its own.
    git init -q "$STAGED"
    export ANSIBLE_COLLECTIONS_PATH=$COLLECTIONS
}

# Debian packages: fence-agents (interoperability tests), openssl (test
# certificates), shellcheck (ansible-test sanity's shellcheck test),
# openssh-server (the access node's real SSH server in the image tests),
# netplan.io, cloud-init and xorriso (the programs that read the first-boot
# files in their tests: netplan generate, cloud-init's ConfigDrive datasource
# run by /usr/bin/python3, the config drive's extraction), e2fsprogs (the
# simulated access node's mkfs.ext4, e2fsck in the file system tests).  Quick when
# installed.  Exports FENCE_AGENTS_BIN (the fence_* scripts),
# FENCE_AGENTS_PYTHONPATH (fencing.py) and FENCE_AGENTS_PYTHON.
installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

setup_system() {
    local missing=() pkg
    for pkg in fence-agents openssl shellcheck openssh-server netplan.io cloud-init xorriso e2fsprogs; do
        installed "$pkg" || missing+=("$pkg")
    done
    if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        log "installing Debian packages: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || {
            apt-get update -qq >/dev/null 2>&1
            apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1
        } || log "apt-get install ${missing[*]} failed"
    fi
    command -v openssl >/dev/null || log "openssl is not available"

    export FENCE_AGENTS_PYTHON=/usr/bin/python3
    if installed fence-agents; then
        export FENCE_AGENTS_BIN=/usr/sbin FENCE_AGENTS_PYTHONPATH=/usr/share/fence
        return 0
    fi
    # Not root, or apt failed: unpack the package into .build/ (without its
    # dependencies); the agents then run as
    # PYTHONPATH=$FENCE_AGENTS_PYTHONPATH $FENCE_AGENTS_PYTHON $FENCE_AGENTS_BIN/fence_zvmip
    local sysroot=$BUILD/fence-agents tmp
    if [ ! -e "$sysroot/usr/share/fence/fencing.py" ]; then
        log "unpacking fence-agents into $sysroot"
        tmp=$(mktemp -d)
        if (cd "$tmp" && apt-get download fence-agents >/dev/null 2>&1); then
            rm -rf "$sysroot"
            mkdir -p "$sysroot"
            dpkg-deb -x "$tmp"/fence-agents_*.deb "$sysroot"
        fi
        rm -rf "$tmp"
    fi
    if [ -e "$sysroot/usr/share/fence/fencing.py" ]; then
        export FENCE_AGENTS_BIN=$sysroot/usr/sbin FENCE_AGENTS_PYTHONPATH=$sysroot/usr/share/fence
    else
        log "fence-agents is not available: tests that need it cannot run"
    fi
}
