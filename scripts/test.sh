#!/usr/bin/env bash
# `npm test`: installs what is missing, then runs every suite. Each run starts its own redis-server
# on an ephemeral port; then the end-to-end suites, and the crash, horizontal and Redis-restart
# suites at a smaller size, run again on a local three-master Redis Cluster (vitest.cluster.config.ts;
# alone: `npm run test:cluster`). Extra arguments go to vitest for both runs; a JSON report path
# (--outputFile.json=F) gets F.cluster.json for the cluster run.
# With a file filter as argument (npm test -- test/e2e/x.test.ts), or SENDCODE_TEST_CLUSTER=0, only
# the first run happens.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh || exit 1
bash scripts/ensure-redis.sh || exit 1
bash scripts/ensure-prometheus.sh || exit 1
bash scripts/ensure-chromium.sh || exit 1

cluster_args=()
filtered=0
for arg in "$@"; do
  case "$arg" in
    --outputFile.json=*) cluster_args+=("${arg}.cluster.json") ;;
    -*) cluster_args+=("$arg") ;;
    *) filtered=1 ;;
  esac
done

npx vitest run "$@"
status=$?
if [ "$filtered" = 0 ] && [ "${SENDCODE_TEST_CLUSTER:-1}" != 0 ]; then
  npx vitest run --config vitest.cluster.config.ts ${cluster_args[@]+"${cluster_args[@]}"} || status=1
fi
exit "$status"
