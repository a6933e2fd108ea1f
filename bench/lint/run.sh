#!/usr/bin/env bash
# Lints a generated 10,000-device / 128-group tenant with the release cms-lint.
# Prints one figure per line: the best of 5 wall-clock runs, and the median.
set -euo pipefail
cd "$(dirname "$0")/../.."
DEVICES=${DEVICES:-10000}
NGROUPS=${NGROUPS:-128}
RUNS=${RUNS:-5}
swift build -c release --product cms-lint >/dev/null 2>&1
BIN=$(swift build -c release --show-bin-path 2>/dev/null)/cms-lint
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
/usr/bin/python3 bench/lint/generate.py "$DIR/repo" "$DEVICES" "$NGROUPS"
"$BIN" "$DIR/repo" >/dev/null 2>&1 || { echo "the generated tenant does not lint clean:" >&2; "$BIN" "$DIR/repo" | head >&2; exit 1; }
times=()
for _ in $(seq "$RUNS"); do
  start=$(date +%s.%N)
  "$BIN" "$DIR/repo" >/dev/null 2>&1
  end=$(date +%s.%N)
  times+=("$(echo "$end - $start" | bc -l)")
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
best=$(echo "$sorted" | head -1)
median=$(echo "$sorted" | sed -n "$(( (RUNS + 1) / 2 ))p")
printf 'lint_%dk_devices_%d_groups_best_seconds %.3f\n' $((DEVICES / 1000)) "$NGROUPS" "$best"
printf 'lint_%dk_devices_%d_groups_median_seconds %.3f\n' $((DEVICES / 1000)) "$NGROUPS" "$median"
