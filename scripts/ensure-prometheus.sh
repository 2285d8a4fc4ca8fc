#!/usr/bin/env bash
# Makes sure prometheus and promtool are on PATH (the monitoring tests run both): installs Debian's
# prometheus package when missing and running as root, otherwise says what to install. The package
# must not leave a Prometheus of its own running: the tests start theirs on an ephemeral port.
set -euo pipefail
command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "sendcode: prometheus/promtool not found; installing Debian's prometheus package..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends prometheus >&2
  # On a host with systemd (or sysvinit) the package starts a service on :9090; we only want the binaries.
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet prometheus 2>/dev/null; then
    systemctl stop prometheus >&2 || true
    systemctl disable prometheus >/dev/null 2>&1 || true
  elif [ -x /etc/init.d/prometheus ]; then
    /etc/init.d/prometheus stop >/dev/null 2>&1 || true
  fi
  command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 && exit 0
fi
cat >&2 <<'MSG'
sendcode: prometheus and promtool are required by the monitoring tests but were not found on PATH.
  Debian/Ubuntu:  sudo apt-get install prometheus   (then: sudo systemctl disable --now prometheus)
  macOS:          brew install prometheus
  Or download a release from https://prometheus.io/download/ and put both binaries on PATH.
MSG
exit 1
