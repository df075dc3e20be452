#!/usr/bin/env bash
# Installs the system packages and builds the `sanet` command in release mode.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-dependencies.sh
swift build -c release --product sanet
echo "built $(swift build -c release --show-bin-path)/sanet"
