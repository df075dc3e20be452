#!/usr/bin/env bash
# Peak resident memory of real passes, from 512 to 4096 px, against what the service charges
# for them (Tests/Memory): the estimate that admission control trusts is a fit to measurements,
# so it is measured again on every machine this runs on. Needs the generated reference weights
# (scripts/test.sh makes them before its checks).
#
#   scripts/check-memory.sh [BINARY]     BINARY (or SANET_BINARY) defaults to the release build, built here if
#                                       it is missing (scripts/check-release.sh builds it first in CI)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/serve.sh
SANET_BINARY=$(release_binary check-memory "${1:-}") /usr/bin/python3 -m unittest discover -v -s Tests/Memory
