#!/usr/bin/env bash
# The API contract: openapi.yaml validates (openapi-spec-validator), and a property-based run
# of schemathesis against a live `sanet serve` passes every check (Tests/Contract/hooks.py
# completes the valid cases with real images; Tests/Contract/schemathesis.toml counts 413 as a
# rejection).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/venv.sh
source scripts/lib/serve.sh
use_venv schemathesis==4.32.5 openapi-spec-validator==0.9.0
openapi-spec-validator openapi.yaml
# Every method loaded, so that each value of `method` is served: the seeded SANet and AdaIN
# checkpoints and Magenta's files side by side.
SERVICE_WEIGHTS=$(mktemp -d)
ln -s "$PWD"/Tests/Reference/generated/weights-zip/* "$PWD"/Tests/Reference/generated/magenta-weights/*.onnx "$SERVICE_WEIGHTS/"
start_service "$(swift build --show-bin-path)/sanet" --cors-origins https://app.example.com
trap 'stop_service; rm -rf "$SERVICE_WEIGHTS"' EXIT
SCHEMATHESIS_HOOKS=Tests.Contract.hooks schemathesis --config-file Tests/Contract/schemathesis.toml run "$SERVICE_URL/openapi.yaml" \
    --checks all --max-examples "${CONTRACT_MAX_EXAMPLES:-25}" --seed 1 --workers 2 \
    --request-timeout 60 --max-time "${CONTRACT_MAX_SECONDS:-300}" --no-shrink
