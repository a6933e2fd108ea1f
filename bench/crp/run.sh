#!/usr/bin/env bash
# The CRP listener under a 100,000 datagrams/s flood (hostile mix from 1 and from 64 sources, 150 signed boot
# announcements of 50 devices spread over it), with one-by-one reads (recvmsg, the former listener) and with
# batched reads (recvmmsg of 64, the default). Release build. Prints, per variant: sent_per_second,
# drained_per_second, kernel_dropped, signed_routed (of sent), signed_p50_ms, signed_p99_ms; and the load average.
# CRP_BENCH_SECONDS (default 10, the issue's flood length), CRP_BENCH_RATE (default 100000).
set -euo pipefail
cd "$(dirname "$0")/../.."
log=$(mktemp)
if ! swift build -c release --product crp-bench >"$log" 2>&1; then cat "$log" >&2; rm -f "$log"; exit 1; fi
rm -f "$log"
"$(swift build -c release --show-bin-path 2>/dev/null)/crp-bench" "${CRP_BENCH_SECONDS:-10}" "${CRP_BENCH_RATE:-100000}"
