# Sourced by the check scripts: starts `sanet serve` on a free loopback port with the seeded
# reference weights, waits until it is ready, and stops it when the calling script exits.
#
#   start_service BINARY [extra serve flags...]   sets SERVICE_URL and SERVICE_LOG; SERVICE_WEIGHTS
#                                                 overrides the weights folder
#   use_every_method                              sets SERVICE_WEIGHTS to a temporary folder with the seeded
#                                                 SANet and AdaIN checkpoints and Magenta's files side by
#                                                 side (so every method is served), removed on exit
#   expect_body PATH PATTERN                      fails unless GET PATH answers 2xx with PATTERN
#   release_binary CHECK [BINARY]                 prints BINARY, else SANET_BINARY, else the release
#                                                 build's sanet (built first if it is missing)

release_binary() {
    local check=$1 binary=${2:-${SANET_BINARY:-}}
    if [[ -z $binary ]]; then
        binary=$(swift build -c release --show-bin-path)/sanet
        if [[ ! -x $binary ]]; then
            echo "$check: building the release sanet" >&2
            swift build -c release --product sanet >&2
        fi
    fi
    echo "$binary"
}

start_service() {
    local binary=$1
    shift
    local weights=${SERVICE_WEIGHTS:-Tests/Reference/generated/weights-zip}
    [[ -d $weights ]] || { echo "no seeded weights in $weights: run scripts/test.sh first" >&2; return 1; }
    local port
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    SERVICE_URL="http://127.0.0.1:$port"
    SERVICE_LOG=$(mktemp)
    # Configured through the environment, as a container is.
    SANET_WEIGHTS=$weights SANET_HOST=127.0.0.1 SANET_PORT=$port "$binary" serve "$@" 2>"$SERVICE_LOG" &
    SERVICE_PID=$!
    trap stop_service EXIT
    for _ in $(seq 1 300); do
        curl -fsS "$SERVICE_URL/readyz" >/dev/null 2>&1 && return 0
        kill -0 "$SERVICE_PID" 2>/dev/null || break
        sleep 0.2
    done
    echo "the service did not become ready; its log:" >&2
    cat "$SERVICE_LOG" >&2
    return 1
}

stop_service() {
    [[ -z ${EVERY_METHOD_WEIGHTS:-} ]] || rm -rf "$EVERY_METHOD_WEIGHTS"
    [[ -n ${SERVICE_PID:-} ]] || return 0
    kill -TERM "$SERVICE_PID" 2>/dev/null || true
    wait "$SERVICE_PID" 2>/dev/null || true
    SERVICE_PID=
}

use_every_method() {
    EVERY_METHOD_WEIGHTS=$(mktemp -d)
    ln -s "$PWD"/Tests/Reference/generated/weights-zip/* "$PWD"/Tests/Reference/generated/magenta-weights/*.onnx \
        "$EVERY_METHOD_WEIGHTS/"
    SERVICE_WEIGHTS=$EVERY_METHOD_WEIGHTS
}

# Reads the whole body before matching: `curl | grep -q` fails under pipefail whenever grep
# stops reading at its first match and curl cannot write the rest (exit 23).
expect_body() {
    local body
    body=$(curl -fsS "$SERVICE_URL$1")
    grep -q -- "$2" <<<"$body" || { echo "GET $1: the body lacks '$2'" >&2; return 1; }
}
