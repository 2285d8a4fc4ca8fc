#!/usr/bin/env bash
# Prints a .env for compose.yaml with fresh secrets: .env.example with SENDCODE_SECRET, a first API
# key (client "default", scopes verify and support) and a Grafana password filled in. With
# --sandbox, also every provider pointed at the sandbox (sandbox.env beside this script) with fresh
# sandbox credentials, for `docker compose --profile sandbox up`.
#   deploy/compose/new-env.sh --sandbox > .env
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
hex() { openssl rand -hex "$1"; }

sed -e "s|^SENDCODE_SECRET=.*|SENDCODE_SECRET=$(hex 32)|" \
  -e "s|^SENDCODE_API_KEYS=.*|SENDCODE_API_KEYS=[{\"name\":\"default\",\"key\":\"sk_$(hex 24)\",\"scopes\":[\"verify\",\"support\"]}]|" \
  -e "s|^GRAFANA_ADMIN_PASSWORD=.*|GRAFANA_ADMIN_PASSWORD=$(hex 12)|" \
  "$here/../../.env.example"

if [ "${1:-}" = "--sandbox" ]; then
  echo
  cat "$here/sandbox.env"
  echo "TWILIO_AUTH_TOKEN=$(hex 16)"
  echo "VONAGE_SIGNATURE_SECRET=$(hex 24)"
  # One line, its newlines written as \n (the workers read either).
  echo "VONAGE_PRIVATE_KEY=$(openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null | awk '{ printf "%s\\n", $0 }')"
fi
