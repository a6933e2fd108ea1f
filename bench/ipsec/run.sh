#!/usr/bin/env bash
# Times the IPsec compiler (CMSPlan) with the release ipsec-bench: a 1,000-spoke star with a backup
# center (4,000 IPsec policies) and a 64-member mesh (4,032). Prints one figure per line: the median
# wall-clock milliseconds of RUNS compilations, then the median CPU milliseconds of the same runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-7}
swift build -c release --product ipsec-bench >/dev/null 2>&1
"$(swift build -c release --show-bin-path 2>/dev/null)/ipsec-bench" "$RUNS"
