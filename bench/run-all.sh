#!/usr/bin/env bash
# Runs every benchmark under bench/*/run.sh; each prints one figure per line.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release
for b in bench/*/run.sh; do
  echo "== ${b%/run.sh}"
  bash "$b"
done
