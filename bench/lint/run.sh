#!/usr/bin/env bash
# Lints a generated 10,000-device / 128-group tenant with the release cms-lint.
# Prints one figure per line: best and median wall-clock seconds of RUNS runs, the best CPU seconds
# (user + sys, independent of other load on the machine), and the CPU pressure while measuring.
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
if ! "$BIN" "$DIR/repo" >/dev/null 2>&1; then
  echo "the generated tenant does not lint clean:" >&2
  "$BIN" "$DIR/repo" 2>&1 | head >&2
  exit 1
fi
walls=() cpus=()
for _ in $(seq "$RUNS"); do
  /usr/bin/time -o "$DIR/time" -f "%e %U %S" "$BIN" "$DIR/repo" >/dev/null 2>&1
  read -r wall user sys <"$DIR/time"
  walls+=("$wall")
  cpus+=("$(echo "$user + $sys" | bc -l)")
done
best=$(printf '%s\n' "${walls[@]}" | sort -n | head -1)
median=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
cpu=$(printf '%s\n' "${cpus[@]}" | sort -n | head -1)
k=$((DEVICES / 1000))
printf 'lint_%dk_devices_%d_groups_wall_best_seconds %.3f\n' "$k" "$NGROUPS" "$best"
printf 'lint_%dk_devices_%d_groups_wall_median_seconds %.3f\n' "$k" "$NGROUPS" "$median"
printf 'lint_%dk_devices_%d_groups_cpu_seconds %.3f\n' "$k" "$NGROUPS" "$cpu"
if [ -r /proc/pressure/cpu ]; then
  printf 'host_cpu_pressure_some_avg10_percent %s\n' "$(sed -n 's/^some avg10=\([0-9.]*\).*/\1/p' /proc/pressure/cpu)"
fi
