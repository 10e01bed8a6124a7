#!/usr/bin/env bash
# The offline-playground test drives Debian's Chromium (playwright-core never downloads a browser).
# Installs it when missing and this machine can (root with apt); otherwise says how.
set -euo pipefail
if [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium for the playground test (apt-get install chromium)…"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "Chromium not found at ${CHROMIUM_PATH:-/usr/bin/chromium}: install it (e.g. 'sudo apt-get install chromium')" >&2
  echo "or set CHROMIUM_PATH; the playground test needs it." >&2
fi
