#!/usr/bin/env bash
# Makes sure Debian's chromium is at /usr/bin/chromium (the console's browser test drives it with
# playwright-core, which never downloads browsers): installs the package when missing and running as
# root, otherwise says what to install.
set -euo pipefail
# A Japanese font too, so the screenshots of the Japanese console are readable (the test reads the DOM).
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1 && command -v fc-list >/dev/null 2>&1 &&
  ! fc-list :lang=ja | grep -q .; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-ipafont-gothic >&2 || true
fi
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "sendcode: chromium not found; installing Debian's chromium package..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends chromium fonts-ipafont-gothic >&2
  [ -x /usr/bin/chromium ] && exit 0
fi
cat >&2 <<'MSG'
sendcode: /usr/bin/chromium is required by the console's browser test (test/browser) but was not found.
  Debian/Ubuntu:  sudo apt-get install chromium
MSG
exit 1
