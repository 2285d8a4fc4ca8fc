#!/usr/bin/env bash
# `npm start`: installs what is missing, then runs the whole system (see scripts/start.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
if [ -z "${REDIS_URL:-}" ]; then bash scripts/ensure-redis.sh; fi
exec node --conditions=source --import tsx scripts/start.ts
