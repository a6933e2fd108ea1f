#!/usr/bin/env bash
# cms plan of a 10,000-device tenant (issue 17, target ≤ 1 s): lint + baselines, then the per-device diff against
# running configs already read. Prints one figure per line (best of RUNS). DEVICES=2048 for the issue's other size.
set -euo pipefail
cd "$(dirname "$0")/../.."
DEVICES=${DEVICES:-10000}
RUNS=${RUNS:-3}
swift build -c release --product plan-bench >/dev/null 2>&1
"$(swift build -c release --show-bin-path 2>/dev/null)/plan-bench" "$DEVICES" "$RUNS"
