#!/usr/bin/env bash
# The release binary's product kernels keep their accumulators in vector registers
# (Tests/Kernels, read from objdump's disassembly): code that the compiler happens to spill
# computes the same bits at a fraction of the speed, which no test of outputs can see.
#
#   scripts/check-kernels.sh [BINARY]     BINARY (or SANET_BINARY) defaults to the release build, built here if
#                                       it is missing (scripts/check-release.sh builds it first in CI)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/serve.sh
SANET_BINARY=$(release_binary check-kernels "${1:-}") /usr/bin/python3 -m unittest discover -v -s Tests/Kernels
