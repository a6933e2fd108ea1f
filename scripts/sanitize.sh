#!/usr/bin/env bash
# Runs the core test tier (pure modules, no sockets or peer processes) under a sanitizer:
#   scripts/sanitize.sh thread     ThreadSanitizer  (`make test-tsan` runs thread, then address)
#   scripts/sanitize.sh address    AddressSanitizer
# Each sanitizer builds the world again in its own scratch path (.build-tsan, .build-asan): slow the
# first time, incremental after. A sanitizer report fails the run (halt_on_error).
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
sanitizer=${1:?usage: scripts/sanitize.sh thread|address}
case "$sanitizer" in
  thread) scratch=.build-tsan; export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1} ;;
  address) scratch=.build-asan; export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=0} ;;
  *) echo "unknown sanitizer $sanitizer" >&2; exit 2 ;;
esac

# The core tier: whole pure-module suites, and the pure suites of NETCONFTests and CRPTests (their
# interop and UDP suites start peers and sockets and stay in `make test`).
CORE='^(CMSSchemaTests|CMSPlanTests|CMSReconcileTests|NXRModelTests|CMSImportTests\.(CSVReader|DeviceListEntry|Encoding|ImportPlanner|ZipSafety)Tests'
CORE+='|NETCONFTests\.(FrameDecoder|Message|Robustness|SessionFraming|XMLAttributeCap|XML)Tests'
CORE+='|CRPTests\.(AnnounceSchedule|CRPCodec|CRPDoc|CRPFuzz|IPAddress|RateLimit|ReplayGuard)Tests)'

start=$(date +%s)
$SWIFT build --build-tests --scratch-path "$scratch" --sanitize "$sanitizer"
echo "sanitize $sanitizer: build took $(( $(date +%s) - start )) s"
$SWIFT test --skip-build --scratch-path "$scratch" --sanitize "$sanitizer" --no-parallel --filter "$CORE"
echo "sanitize $sanitizer: clean, $(( $(date +%s) - start )) s in all"
