# Sourced by the check scripts: a virtual environment in .build-venv (git-ignored) with the
# PyPI packages the checks use; Debian's own Python refuses pip installs outside one.
#
#   use_venv PACKAGE...   installs what is missing and puts the environment first on PATH

use_venv() {
    local venv=.build-venv
    [[ -x $venv/bin/python ]] || /usr/bin/python3 -m venv "$venv"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check "$@"
    PATH="$PWD/$venv/bin:$PATH"
}
