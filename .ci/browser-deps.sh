#!/usr/bin/env bash
# Installs what the browser end-to-end tests (test/browser.test.ts) need: Debian's chromium at
# /usr/bin/chromium, driven by playwright-core. Idempotent: does nothing when chromium is already there.
# playwright never downloads a browser here; the tests point it at this one.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "browser-deps: $(/usr/bin/chromium --version 2>/dev/null | head -1) already installed"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "browser-deps: no apt-get on this machine; the browser tests will print SKIPPED" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium >/dev/null
echo "browser-deps: installed $(/usr/bin/chromium --version 2>/dev/null | head -1)"
