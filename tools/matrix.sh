# shellcheck shell=bash
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# The supported-versions matrix (tools/test matrix); tools/test sources this
# after tools/lib.sh.
#
# Each cell runs the unit tests (tests/unit) and the end-to-end play
# (tests/matrix: a guest with a disk against zvmsim, then a converged rerun)
# with one ansible-core release line on one controller Python, the play's
# modules on the module Python.  Every release line that meta/runtime.yml's
# requires_ansible admits is in it once, each on a controller Python it
# supports (2.16/2.17: 3.10-3.12, 2.18/2.19: 3.11-3.13, 2.20/2.21: 3.12+);
# together the cells cover the controller Pythons 3.10-3.13 and the module
# Pythons 3.9-3.13 (tests/config.yml: modules need 3.9+).  The full cross
# product would be four times as long and find nothing these cells miss.
# Keep the table in README.md ("Supported versions") in step.
#
# The virtual environments are .build/matrix/<line>-py<controller>, made
# once (ensure_pyvenv) with ansible-core==<line>.*, the pytest and PyYAML
# pins of tools/requirements-test.txt and the collection's own run-time
# packages (requirements.txt: paramiko, jsonschema, pycdlib) at their pins
# there; the unit tests need nothing else.
# ZVM_MATRIX="2.16 2.21" runs only those lines' cells.

MATRIX_CELLS=(
    # ansible-core  controller Python  module Python
    "2.16 3.10 3.9"
    "2.17 3.12 3.12"
    "2.18 3.11 3.11"
    "2.19 3.13 3.13"
    "2.20 3.12 3.12"
    "2.21 3.13 3.9"
)

# The pins of the packages the matrix venvs need besides ansible-core.
matrix_pins() {
    grep -iE '^(pytest|pyyaml|paramiko|jsonschema|pycdlib)==' "$ROOT/tools/requirements-test.txt"
}

# matrix_cell LINE CONTROLLER MODULE [LOG]: one cell; its pytest output goes to LOG.
matrix_cell() {
    local line=$1 controller=$2 module=$3 out=${4:-/dev/stderr} python module_python venv pins
    python=$(python_for "$controller") || { log "no Python $controller for ansible-core $line"; return 1; }
    module_python=$(python_for "$module") || { log "no Python $module for the modules"; return 1; }
    venv=$BUILD/matrix/$line-py$controller
    mapfile -t pins < <(matrix_pins)
    ensure_pyvenv "$venv" "$python" "ansible-core==$line.*" "${pins[@]}" || return 1
    # the play's collections path is a link to this checkout (tests/integration/conftest.py)
    (cd "$ROOT" && env -u ANSIBLE_COLLECTIONS_PATH VIRTUAL_ENV="$venv" PATH="$venv/bin:$PATH" \
        ZVM_MATRIX_ANSIBLE_CORE="$line" ZVM_MATRIX_PYTHON="$controller" ZVM_MATRIX_MODULE_PYTHON="$module_python" \
        "$venv/bin/python" -m pytest -q -p no:cacheprovider tests/unit tests/matrix) >"$out" 2>&1
}

# A warning when PyPI has an ansible-core line newer than the matrix's newest
# (requires_ansible admits it, but no cell tests it).  Quiet when offline.
matrix_check_newest() {
    local newest listed python
    newest=${MATRIX_CELLS[-1]%% *}
    python=$(python_for "$(echo "${MATRIX_CELLS[-1]}" | awk '{print $2}')") || return 0
    listed=$(timeout 60 "$python" -m pip index versions ansible-core 2>/dev/null |
        sed -n 's/^Available versions: //p' | tr ',' '\n' | sed -n 's/^ *\([0-9]*\.[0-9]*\)\..*/\1/p' |
        sort -t. -k1,1n -k2,2n | tail -n 1)
    if [ -n "$listed" ] && [ "$(printf '%s\n%s\n' "$newest" "$listed" | sort -t. -k1,1n -k2,2n | tail -n 1)" != "$newest" ]; then
        log "WARNING: ansible-core $listed is released but the matrix ends at $newest: add a cell (tools/matrix.sh, README.md)"
    fi
}

stage_matrix() {
    local cell line controller module rc=0 start logs=$BUILD/matrix/logs
    mkdir -p "$logs"
    matrix_check_newest
    for cell in "${MATRIX_CELLS[@]}"; do
        read -r line controller module <<<"$cell"
        if [ -n "${ZVM_MATRIX:-}" ] && [[ " $ZVM_MATRIX " != *" $line "* ]]; then
            continue
        fi
        start=$SECONDS
        if matrix_cell "$line" "$controller" "$module" "$logs/$line.log"; then
            log "ansible-core $line, Python $controller, modules on Python $module: ok ($(tail -n 1 "$logs/$line.log"); $((SECONDS - start))s)"
        else
            rc=1
            tail -n 40 "$logs/$line.log" >&2 2>/dev/null
            log "ansible-core $line, Python $controller, modules on Python $module: FAILED ($((SECONDS - start))s; log: $logs/$line.log)"
        fi
    done
    return "$rc"
}
