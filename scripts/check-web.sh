#!/usr/bin/env bash
# The web page in a real browser: Debian's Chromium and chromedriver driven by Selenium
# (Tests/Web/test_page.py) against a `sanet serve` with the seeded weights and Magenta's real
# ones (its screenshots show Magenta).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/venv.sh
source scripts/lib/serve.sh
scripts/install-dependencies.sh --web
use_venv selenium==4.51.0
use_every_method
start_service "$(swift build --show-bin-path)/sanet"
SANET_URL=$SERVICE_URL python -m unittest discover -v -s Tests/Web
