#!/usr/bin/env bash
# The API contract: openapi.yaml validates (openapi-spec-validator), and property-based runs
# of schemathesis against a live `sanet serve` pass every check: one over every operation, whose
# valid cases Tests/Contract/hooks.py completes with real images (Tests/Contract/schemathesis.toml
# counts 413 as a rejection), and one over POST /v1/stylize exactly as schemathesis generates it
# (Tests/Contract/schemathesis-unhooked.toml), which finds any value the contract allows and the
# service refuses.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/venv.sh
source scripts/lib/serve.sh
use_venv schemathesis==4.32.5 openapi-spec-validator==0.9.0
openapi-spec-validator openapi.yaml
# Every method loaded, so that each value of `method` is served: the seeded SANet and AdaIN
# checkpoints and Magenta's files side by side.
use_every_method
start_service "$(swift build --show-bin-path)/sanet" --cors-origins https://app.example.com
SCHEMATHESIS_HOOKS=Tests.Contract.hooks schemathesis --config-file Tests/Contract/schemathesis.toml run "$SERVICE_URL/openapi.yaml" \
    --checks all --max-examples "${CONTRACT_MAX_EXAMPLES:-25}" --seed 1 --workers 2 \
    --request-timeout 60 --max-time "${CONTRACT_MAX_SECONDS:-300}" --no-shrink
schemathesis --config-file Tests/Contract/schemathesis-unhooked.toml run "$SERVICE_URL/openapi.yaml" \
    --include-operation-id stylize \
    --checks all --max-examples "${CONTRACT_UNHOOKED_MAX_EXAMPLES:-50}" --seed 2 --workers 2 \
    --request-timeout 60 --max-time "${CONTRACT_UNHOOKED_MAX_SECONDS:-90}" --no-shrink
