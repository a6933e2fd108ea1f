#!/usr/bin/env bash
# Builds the libFuzzer harnesses (Sources/cms-fuzz) with the fuzzer and address sanitizers and runs each
# on its committed seed corpus (fuzz/corpus/<harness>) for FUZZ_SECONDS seconds.
#   scripts/fuzz.sh                  every harness, FUZZ_SECONDS (default 60) each  (`make fuzz`)
#   FUZZ_SECONDS=5 scripts/fuzz.sh   the short run CI does (`make test`)
#   scripts/fuzz.sh yaml crp         only those harnesses
# New inputs libFuzzer finds go to .build-fuzz/corpus/<harness> (not committed); a crash leaves
# .build-fuzz/crash-<harness>-* and fails the run. Builds in its own scratch path, .build-fuzz.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
SCRATCH=.build-fuzz
ALL=(yaml xml framing crp csv zip)
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=("${ALL[@]}")

start=$(date +%s)
$SWIFT build --product cms-fuzz --scratch-path "$SCRATCH" \
  --sanitize fuzzer --sanitize address -Xswiftc -DFUZZING
bin="$($SWIFT build --product cms-fuzz --scratch-path "$SCRATCH" --sanitize fuzzer --sanitize address \
  -Xswiftc -DFUZZING --show-bin-path)/cms-fuzz"
echo "fuzz: build took $(( $(date +%s) - start )) s"

# -timeout: one input taking longer than this is a hang finding; -rss_limit_mb: a memory blow-up is one too.
# detect_leaks=0: Swift's runtime keeps metadata caches that LeakSanitizer reports at exit.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
status=0
for h in "${harnesses[@]}"; do
  mkdir -p "$SCRATCH/corpus/$h" "$SCRATCH/artifacts"
  echo "fuzz: $h for ${FUZZ_SECONDS} s"
  log="$SCRATCH/fuzz-$h.log"
  if ! "$bin" "$h" "$SCRATCH/corpus/$h" "fuzz/corpus/$h" \
      -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -print_final_stats=1 -artifact_prefix="$SCRATCH/artifacts/$h-" >"$log" 2>&1; then
    echo "fuzz: $h FOUND A PROBLEM — see $log and $SCRATCH/artifacts/$h-*" >&2
    tail -40 "$log" >&2
    status=1
  fi
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" | sed "s/^/fuzz: $h /" || true
done
echo "fuzz: done in $(( $(date +%s) - start )) s"
exit $status
