#!/usr/bin/env bash
# `npm run test:deploy`: builds the image with podman on a local Node 24 base (no registry needed:
# scripts/ensure-podman.sh), local Redis and Prometheus images for the test, then runs
# test/deploy/compose.test.ts (vitest.deploy.config.ts): compose.yaml brought up with two workers and
# the sandbox, a code sent and checked, a worker stopped with SIGTERM under load, the doctor in the
# image, torn down at the end. Prints the image's size and build time; the test prints the rest.
# Extra arguments go to vitest. Everything is cached: a second run rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
bash scripts/ensure-prometheus.sh
base=$(bash scripts/ensure-podman.sh)

export SENDCODE_IMAGE=localhost/sendcode:test
export REDIS_IMAGE=localhost/sendcode-redis:7
export PROMETHEUS_IMAGE=localhost/sendcode-prometheus:test
MINBASE=localhost/debian-minbase:bookworm

# Debian's redis-server, installed in the minbase image (the mirror is reachable; a registry is not).
if ! podman image exists "$REDIS_IMAGE"; then
  echo "sendcode: building $REDIS_IMAGE (Debian's redis-server)..." >&2
  mkdir -p .data/podman/empty
  podman build --quiet -t "$REDIS_IMAGE" -f - .data/podman/empty >/dev/null <<CONTAINERFILE
FROM $MINBASE
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null \
 && rm -rf /var/lib/apt/lists/* && mkdir -p /data && chown redis:redis /data
USER redis
WORKDIR /data
CMD ["redis-server"]
CONTAINERFILE
fi

# The host's prometheus (Debian's, which npm test installs too), laid out as the official image runs it.
if ! podman image exists "$PROMETHEUS_IMAGE"; then
  echo "sendcode: building $PROMETHEUS_IMAGE (this machine's prometheus)..." >&2
  ctx=.data/podman/prometheus
  rm -rf "$ctx" && mkdir -p "$ctx" && cp "$(command -v prometheus)" "$ctx/prometheus"
  podman build --quiet -t "$PROMETHEUS_IMAGE" -f - "$ctx" >/dev/null <<CONTAINERFILE
FROM $MINBASE
COPY prometheus /bin/prometheus
RUN mkdir -p /prometheus /etc/prometheus && chown 65534:65534 /prometheus
USER 65534
ENTRYPOINT ["/bin/prometheus"]
CONTAINERFILE
  rm -rf "$ctx"
fi

# Behind a TLS-intercepting proxy npm needs its CA: the machine's bundle goes in as a build secret.
secret=()
ca="${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}"
[ -f "$ca" ] && secret=(--secret "id=ca-certificates,src=$ca")

echo "sendcode: building $SENDCODE_IMAGE..." >&2
previous=$(podman image inspect "$SENDCODE_IMAGE" --format '{{.Id}}' 2>/dev/null || true)
started=$(date +%s.%N)
podman build --quiet --format docker ${secret[@]+"${secret[@]}"} --build-arg "BASE=$base" \
  -t "$SENDCODE_IMAGE" . >/dev/null
SENDCODE_BUILD_SECONDS=$(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $started }")
SENDCODE_IMAGE_BYTES=$(podman image inspect "$SENDCODE_IMAGE" --format '{{.Size}}')
export SENDCODE_BUILD_SECONDS SENDCODE_IMAGE_BYTES
# The image this build replaced, now untagged (its stages stay: they are the next build's cache).
current=$(podman image inspect "$SENDCODE_IMAGE" --format '{{.Id}}')
if [ -n "$previous" ] && [ "$previous" != "$current" ]; then podman rmi "$previous" >/dev/null 2>&1 || true; fi

npx vitest run --config vitest.deploy.config.ts "$@"
