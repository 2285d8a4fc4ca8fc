#!/usr/bin/env bash
# `npm test`: installs what is missing, then runs every suite. Each run starts its own redis-server
# on an ephemeral port; extra arguments go to vitest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
bash scripts/ensure-redis.sh
bash scripts/ensure-prometheus.sh
bash scripts/ensure-chromium.sh
exec npx vitest run "$@"
