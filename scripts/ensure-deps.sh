#!/usr/bin/env bash
# Installs npm dependencies when node_modules is missing or older than package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # `npm install`, not `npm ci`: npm 11 leaves Biome's optional per-platform packages out of the
  # lock file, and `npm ci` then refuses it as out of sync. `install` follows the lock all the same.
  echo "sendcode: installing npm dependencies..." >&2
  npm install --no-audit --no-fund --loglevel=error >&2
fi
