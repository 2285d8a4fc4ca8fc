#!/usr/bin/env bash
# Makes sure redis-server is on PATH: installs Debian's package when missing and running as root,
# otherwise says what to install.
set -euo pipefail
command -v redis-server >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "sendcode: redis-server not found; installing Debian's redis-server package..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends redis-server >&2
  command -v redis-server >/dev/null 2>&1 && exit 0
fi
cat >&2 <<'MSG'
sendcode: redis-server is required but was not found on PATH.
  Debian/Ubuntu:  sudo apt-get install redis-server
  macOS:          brew install redis
  Or point Sendcode at an existing Redis:  REDIS_URL=redis://host:6379 npm start
MSG
exit 1
