#!/usr/bin/env bash
# What the container image runs, proved without a Docker engine: builds and stages the release
# binary with scripts/build-release.sh (the Dockerfile's build step), checks that every shared
# library it needs comes from deploy/runtime-packages.txt (the runtime image's packages) or
# their dependencies, then moves the staged folder elsewhere, starts it configured through the
# environment as the image is, and checks health, readiness, the page and a stylization.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/serve.sh

scripts/build-release.sh .build/stage

# The packages the runtime image installs, with everything they pull in.
mapfile -t runtime < deploy/runtime-packages.txt
allowed=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
    --no-replaces --no-enhances "${runtime[@]}" | grep -v '^ ' | sed 's/:.*//' | sort -u)
missing=0
for library in $(ldd .build/stage/sanet | awk '/=> \// { print $3 }'); do
    package=$(dpkg -S "$(readlink -f "$library")" 2>/dev/null | head -n 1 | cut -d: -f1) ||
        package=$(dpkg -S "$library" | head -n 1 | cut -d: -f1)
    if ! grep -qx "$package" <<<"$allowed"; then
        echo "$library comes from $package, which deploy/runtime-packages.txt does not install" >&2
        missing=1
    fi
done
((missing == 0)) || exit 1
echo "shared libraries: all from deploy/runtime-packages.txt and its dependencies"

# Anywhere on disk: the binary must find its resource bundle next to itself.
staged=$(mktemp -d)
cp -R .build/stage/. "$staged/"
start_service "$staged/sanet"
trap 'stop_service; rm -rf "$staged"' EXIT   # start_service set its own; this one also removes the copy
expect_body /healthz '"ok"'
expect_body /readyz '"ready"'
expect_body / '<form'
expect_body /openapi.yaml '^openapi: 3.1'
curl -fsS -o "$staged/out.png" -F content=@Tests/Reference/inputs/content_seaport_128x96.png \
    -F style=@Tests/Reference/inputs/style_wave_97x61.png -F content_size=256 "$SERVICE_URL/v1/stylize"
[[ $(head -c 8 "$staged/out.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]]
echo "staged release: healthy, ready, serves the page, the contract and a stylization"

# The init container's step: fetch-weights.sh fills a weights folder with Magenta's files from the
# release folder itself (no pip there), and the staged binary stylizes with them.
weights=$(mktemp -d)
"$staged/fetch-weights.sh" "$weights" >/dev/null 2>&1
"$staged/sanet" stylize --weights "$weights" --method magenta --content Tests/Reference/inputs/content_seaport_128x96.png \
    --style Tests/Reference/inputs/style_wave_97x61.png --output "$staged/magenta.png"
[[ $(head -c 8 "$staged/magenta.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]]
rm -rf "$weights"
echo "staged release: fetch-weights.sh provides Magenta's files without pip, and they stylize"
echo "peak RSS: $(awk '/VmHWM/ { print $2, $3 }' "/proc/$SERVICE_PID/status")"
