#!/usr/bin/env bash
# Runs the whole test suite serially and, when it fails, repeats the failing tests' lines at the end of the output:
# a CI log is often read from its tail, and with 800+ tests the failure is otherwise thousands of lines above it.
set -uo pipefail
SWIFT=${SWIFT:-swift}
log=$(mktemp -t cms-test-XXXXXX.log)
trap 'rm -f "$log"' EXIT
# --no-parallel: many suites start real peers (sshd, netconfd, nxr-sim, git, python) and some tests block while
# they wait for them; run side by side on 2 cores they starve the Swift concurrency pool and time out.
"$SWIFT" test --skip-build --no-parallel "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
    echo
    echo "==== the failures of this run (repeated from above) ===="
    # Swift Testing marks a failing test, its recorded issues and their details with ✘ and indented lines after them.
    grep -n -A6 -E '✘ Test .*(recorded an issue|failed)|✘ Suite .* failed|Fatal error|error: Exited with' "$log" | head -200
    echo "==== exit $status ===="
fi
exit "$status"
