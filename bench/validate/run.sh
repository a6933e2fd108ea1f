#!/usr/bin/env bash
# What libyang validation costs nxr-sim per edit, per datastore and per apply (CPU µs, release build).
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product nxr-validate-bench >/dev/null
"$(swift build -c release --show-bin-path)/nxr-validate-bench" "${1:-2000}"
