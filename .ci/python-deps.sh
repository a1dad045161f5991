#!/usr/bin/env bash
# Installs what the descent → PyTorch test (test/interchange.torch-save.test.ts, which runs scripts/torch-check.py)
# needs: a python3 that imports torch and numpy — Debian's python3-torch and python3-numpy. Idempotent: does
# nothing when python3 on the PATH or /usr/bin/python3 (the one apt installs into, which the test also tries)
# already imports both.
set -euo pipefail
for py in python3 /usr/bin/python3; do
  if command -v "$py" >/dev/null 2>&1 && version=$("$py" -c 'import numpy, torch; print(torch.__version__)' 2>/dev/null); then
    echo "python-deps: $py already has torch $version"
    exit 0
  fi
done
if ! command -v apt-get >/dev/null 2>&1; then
  echo "python-deps: no apt-get on this machine; the PyTorch test will be skipped (failing under CI=true)" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "python-deps: not root and no sudo; cannot install python3-torch, the PyTorch test will be skipped (failing under CI=true)" >&2
    exit 0
  fi
  SUDO="sudo -n"
fi
export DEBIAN_FRONTEND=noninteractive
# A failed install (no network to the Debian mirror, no permission) must not hide the other tests: say so
# here; the PyTorch test then counts as skipped (and fails under CI=true). Without recommends: those
# (libtorch-dev, build-essential, ninja-build, pybind11-dev) only serve to build C++ extensions.
if $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends python3-torch python3-numpy >/dev/null; then
  echo "python-deps: installed torch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)' 2>/dev/null)"
else
  echo "python-deps: apt-get could not install python3-torch; the PyTorch test will be skipped (failing under CI=true)" >&2
fi
