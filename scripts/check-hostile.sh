#!/usr/bin/env bash
# Hostile clients (Tests/Hostile/test_hostile.py) against a live `sanet serve` with the seeded
# weights: decompression and chunk bombs, oversized fields, a progressive scan bomb, slow and
# stalled connections, large bodies, made-up methods, HTTP/1.0 chunked framing, abandoned and
# overlong stylizations. A prober process times GET /healthz throughout; memory is read from
# /proc. Attacks that need flags of their own start a service each; the rest share this one.
#
#   scripts/check-hostile.sh [BINARY]     BINARY (or SANET_BINARY) defaults to the release build,
#                                         the product that is deployed (the 50 ms /healthz bound
#                                         is meant for it), built here if it is missing
#                                         (scripts/check-release.sh builds it first in CI);
#                                         HOSTILE_TESTS=test_03,test_11 runs only those
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/serve.sh
binary=$(release_binary check-hostile "${1:-}")
limit=${HOSTILE_MAX_SECONDS:-240}
start_service "$binary"
status=0
SANET_HOSTILE_PORT=${SERVICE_URL##*:} SANET_HOSTILE_PID=$SERVICE_PID \
    timeout --signal=INT --kill-after=10 "$limit" /usr/bin/python3 Tests/Hostile/test_hostile.py "$binary" || status=$?
if [[ $status == 124 ]]; then
    echo "check-hostile: stopped after $limit s" >&2
fi
exit "$status"
