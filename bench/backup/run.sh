#!/usr/bin/env bash
# Tenant backup of a 2,048-device tenant (key pair, secrets, pinned state, config archive, 100,000 events): time and size of the
# backup with and without the event log, and of a restore's check + stage (release build).
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product backup-bench >/dev/null
"$(swift build -c release --show-bin-path)/backup-bench" "${1:-2048}" "${2:-100000}"
