#!/usr/bin/env bash
# Fuzzes every parser that reads bytes from outside (Tests/Fuzz): builds the libFuzzer targets
# with AddressSanitizer (LeakSanitizer included), replays every input in
# Tests/Fuzz/regressions/<target>/ (each once crashed a parser; none may crash now), then runs
# libFuzzer on each target for FUZZ_SECONDS (default 60) from a fresh copy of
# Tests/Fuzz/corpus/<target>/ in a temporary folder, so the repository stays clean.
#
#   FUZZ_SECONDS=600 scripts/fuzz.sh                      # a longer run
#   FUZZ_TARGETS="multipart onnx" scripts/fuzz.sh         # some targets only
#   FUZZ_JOBS=2 scripts/fuzz.sh                           # two targets at a time
#   FUZZ_KEEP=1 scripts/fuzz.sh                           # keep the logs and grown corpora
#
# A crash, leak, timeout or out-of-memory fails the script; the reproducer stays in the
# temporary folder, whose path it prints with the command that replays it. Copy a fixed one
# into Tests/Fuzz/regressions/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
scripts/install-dependencies.sh

seconds=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-1}
scratch=${FUZZ_SCRATCH:-$root/.build-fuzz}
# target, executable, longest input libFuzzer makes
all_targets=(
    "request-parser FuzzRequestParser 4096"
    "chunked-decoder FuzzChunkedDecoder 4096"
    "multipart FuzzMultipart 8192"
    "image-decoder FuzzImageDecoder 16384"
    "checkpoint FuzzCheckpoint 16384"
    "onnx FuzzONNX 8192"
)
selected=${FUZZ_TARGETS:-$(printf '%s\n' "${all_targets[@]}" | cut -d' ' -f1 | xargs)}

# `--sanitize` instruments the C decoders and links libFuzzer; swiftc honours only the last
# -sanitize= it is given, so the Swift code gets both in one flag. -enable-testing lets the
# targets reach HTTPServer's internal request parser and chunked decoder.
swift build --package-path Tests/Fuzz --scratch-path "$scratch" -c release \
    --sanitize fuzzer --sanitize address -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing
bin=$scratch/release

# Swift's own backtracer would race AddressSanitizer's report on a trap.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}

work=$(mktemp -d "${TMPDIR:-/tmp}/sanet-fuzz.XXXXXX")
flags=(-rss_limit_mb=2048 -timeout=30 -malloc_limit_mb=2048)

# Every regression input, once each, all targets first: a quick answer to "is anything known broken?".
failed=0
for entry in "${all_targets[@]}"; do
    read -r target executable _ <<<"$entry"
    [[ " $selected " == *" $target "* ]] || continue
    mapfile -t inputs < <(find "Tests/Fuzz/regressions/$target" -type f ! -name '.*' ! -name '*.md' | sort)
    ((${#inputs[@]})) || continue
    if "$bin/$executable" "${flags[@]}" "${inputs[@]}" >"$work/$target-regressions.log" 2>&1; then
        echo "fuzz $target: ${#inputs[@]} regression inputs replayed"
    else
        echo "fuzz $target: a regression input crashes again (log: $work/$target-regressions.log):" >&2
        grep -E "Running: |ERROR|Fatal error|SUMMARY" "$work/$target-regressions.log" | tail -n 20 >&2
        failed=1
    fi
done

fuzz() {
    local target=$1 executable=$2 max_len=$3
    mkdir -p "$work/$target/corpus" "$work/$target/crashes"
    cp "Tests/Fuzz/corpus/$target"/* "$work/$target/corpus/"
    if "$bin/$executable" "${flags[@]}" -max_total_time="$seconds" -max_len="$max_len" -print_final_stats=1 \
        -artifact_prefix="$work/$target/crashes/" "$work/$target/corpus" >"$work/$target/log" 2>&1; then
        local runs
        runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/$target/log" | grep -o '[0-9]*$' || echo "?")
        echo "fuzz $target: no crash in $runs executions ($seconds s), corpus $(ls "$work/$target/corpus" | wc -l) inputs"
    else
        echo "fuzz $target: FAILED (log: $work/$target/log)" >&2
        grep -E "ERROR|Fatal error|SUMMARY|Test unit written" "$work/$target/log" | tail -n 20 >&2
        for crash in "$work/$target/crashes"/*; do
            [[ -e $crash ]] && echo "  reproducer: $crash (replay: SWIFT_BACKTRACE=enable=no $bin/$executable $crash)" >&2
        done
        return 1
    fi
}

running=0
for entry in "${all_targets[@]}"; do
    read -r target executable max_len <<<"$entry"
    [[ " $selected " == *" $target "* ]] || continue
    fuzz "$target" "$executable" "$max_len" &
    running=$((running + 1))
    if ((running >= jobs)); then
        wait -n || failed=1
        running=$((running - 1))
    fi
done
while ((running > 0)); do
    wait -n || failed=1
    running=$((running - 1))
done

if ((failed)); then
    echo "fuzz: failed; logs and reproducers are in $work" >&2
    exit 1
fi
if [[ -n ${FUZZ_KEEP:-} ]]; then echo "fuzz: logs and grown corpora kept in $work"; else rm -rf "$work"; fi
