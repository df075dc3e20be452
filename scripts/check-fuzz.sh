#!/usr/bin/env bash
# The fuzzers as CI runs them: every regression input replayed, then each of the six targets
# fuzzed for a minute (build included, about 9 minutes on two cores). scripts/fuzz.sh says how
# to run longer.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZ_SECONDS=${FUZZ_SECONDS:-60} exec scripts/fuzz.sh
