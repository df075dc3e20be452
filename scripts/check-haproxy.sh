#!/usr/bin/env bash
# Three `sanet serve` replicas with the seeded weights behind HAProxy, configured by
# deploy/haproxy/haproxy.cfg, all on loopback (Tests/LoadBalancer/test_haproxy.py): real
# traffic through HAProxy is spread over the replicas; a replica stopped with SIGTERM under
# load drains and not one request fails; one killed with SIGKILL loses only what it held; one
# whose queue is full leaves the rotation; each comes back and is used again.
#
#   scripts/check-haproxy.sh [BINARY]     BINARY (or SANET_BINARY) defaults to the release build,
#                                         built here if it is missing (scripts/check-release.sh
#                                         builds it first in CI); HAProxy from
#                                         scripts/install-dependencies.sh --test
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/serve.sh
if ! command -v haproxy >/dev/null; then
    echo "check-haproxy: no haproxy: run scripts/install-dependencies.sh --test" >&2
    exit 1
fi
weights=Tests/Reference/generated/weights-zip
[[ -d $weights ]] || { echo "check-haproxy: no seeded weights in $weights: run scripts/test.sh first" >&2; exit 1; }
binary=$(release_binary check-haproxy "${1:-}")
version=$(haproxy -v)
echo "check-haproxy: ${version%%$'\n'*}"
limit=${HAPROXY_MAX_SECONDS:-180}
status=0
SANET_LB_WEIGHTS=$weights \
    timeout --signal=INT --kill-after=10 "$limit" /usr/bin/python3 Tests/LoadBalancer/test_haproxy.py "$binary" || status=$?
if [[ $status == 124 ]]; then
    echo "check-haproxy: stopped after $limit s" >&2
fi
exit "$status"
