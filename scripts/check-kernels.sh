#!/usr/bin/env bash
# The release binary's product kernels keep their accumulators in vector registers
# (Tests/Kernels, read from objdump's disassembly): code that the compiler happens to spill
# computes the same bits at a fraction of the speed, which no test of outputs can see.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product sanet --static-swift-stdlib
SANET_BINARY="$(swift build -c release --static-swift-stdlib --show-bin-path)/sanet" \
    /usr/bin/python3 -m unittest discover -v -s Tests/Kernels
