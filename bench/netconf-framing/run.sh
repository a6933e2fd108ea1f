#!/usr/bin/env bash
# NETCONF framing and XML throughput (pure module, no I/O): builds netconf-bench in release and runs it.
# Prints: xml_parse_1MB_ms, xml_serialize_1MB_ms, rpc_reply_parse_1MB_ms (per MB of a get-config reply),
# framing_{chunked,eom}_{decode,encode}_MBps (64 x 1 MB messages, decoded from 32 KiB reads).
set -euo pipefail
cd "$(dirname "$0")/../.."
log=$(mktemp)
if ! swift build -c release --product netconf-bench >"$log" 2>&1; then cat "$log" >&2; rm -f "$log"; exit 1; fi
rm -f "$log"
"$(swift build -c release --show-bin-path 2>/dev/null)/netconf-bench"
