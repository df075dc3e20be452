#!/usr/bin/env bash
# Peak resident memory of real passes, from 512 to 4096 px, against what the service charges
# for them (Tests/Memory): the estimate that admission control trusts is a fit to measurements,
# so it is measured again on every machine this runs on. Needs the generated reference weights
# (scripts/test.sh makes them before its checks).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product sanet --static-swift-stdlib
SANET_BINARY="$(swift build -c release --static-swift-stdlib --show-bin-path)/sanet" \
    /usr/bin/python3 -m unittest discover -v -s Tests/Memory
