#!/usr/bin/env bash
# The deployment files (deploy/, Dockerfile) parse and carry probes, resources, the weights'
# init container and a termination period longer than the drain: Tests/Deploy with PyYAML;
# HAProxy's configuration checks /readyz, retries only what was never sent, and passes
# `haproxy -c` without a warning.
set -euo pipefail
cd "$(dirname "$0")/.."
/usr/bin/python3 -m unittest discover -v -s Tests/Deploy
