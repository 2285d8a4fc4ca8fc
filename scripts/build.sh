#!/usr/bin/env bash
# `npm run build`: compiles every workspace to JavaScript in its own dist/ (tsc project references,
# in dependency order), then copies beside it what the code reads at run time (Lua scripts, the
# console's pages, data files). Production runs `node` on dist/ with production dependencies only.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
configs=(packages/*/tsconfig.build.json apps/*/tsconfig.build.json)
npx tsc -b "${configs[@]}"
for config in "${configs[@]}"; do
  workspace=$(dirname "$config")
  (cd "$workspace/src" && find . -type f ! -name '*.ts' -exec cp --parents {} ../dist/ \;)
done
# The client's declarations, made to stand alone for a project that installs the packed client.
node --conditions=source --import tsx packages/client/scripts/declarations.ts
