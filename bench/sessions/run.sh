#!/usr/bin/env bash
# Holds SESSIONS (default 10,000) concurrent NETCONF sessions from ONE process with our libssh2 client
# (NETCONFClient) against simulated NXRs, one session per device, and prints threads, resident memory
# per session (goal <= 64 KiB), sessions established per second (goal >= 1,000/s), and the time of one
# get-config on every session at once. One figure per line.
#
# The simulator side is several `nxr-sim fleet` processes of at most SHARD devices (default 2,500) on
# prefixes 127.41.0.0, 127.42.0.0, … (open files are capped at 20,000 per process: each device costs
# one listening socket plus one per session). Loopback only; everything stops when the script ends.
set -euo pipefail
SESSIONS=${SESSIONS:-10000}
SHARD=${SHARD:-2500}
WINDOW=${WINDOW:-128}
PORT=${PORT:-830}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
swift build -c release --product nxr-sim >&2
swift build -c release --product netconf-sessions-bench >&2
BIN=$(swift build -c release --show-bin-path)

WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
ssh-keygen -q -t ed25519 -N "" -C sessions-bench -f "$WORK/id"

# Start the shards.
SPECS=()
remaining=$SESSIONS
shard=0
while [ "$remaining" -gt 0 ]; do
    count=$(( remaining < SHARD ? remaining : SHARD ))
    prefix="127.$(( 41 + shard )).0.0"
    "$BIN/nxr-sim" fleet --count "$count" --prefix "$prefix" --port "$PORT" --state-dir "$WORK/state$shard" \
        --authorized-key "$WORK/id.pub" > "$WORK/shard$shard.log" 2>&1 &
    PIDS+=($!)
    SPECS+=("$prefix:$count")
    remaining=$(( remaining - count ))
    shard=$(( shard + 1 ))
done

# Wait until every shard says it listens (bounded: 5 minutes).
for i in "${!PIDS[@]}"; do
    for _ in $(seq 1 3000); do
        if grep -q "started in" "$WORK/shard$i.log"; then break; fi
        if ! kill -0 "${PIDS[$i]}" 2>/dev/null; then cat "$WORK/shard$i.log" >&2; exit 1; fi
        sleep 0.1
    done
    grep -q "started in" "$WORK/shard$i.log" || { echo "shard $i did not start" >&2; exit 1; }
    echo "shard $i (${SPECS[$i]}): $(sed -n 's/.*\(started in .*\)$/\1/p' "$WORK/shard$i.log")" >&2
done

echo "date $(date -u +%Y-%m-%dT%H:%MZ)"
echo "sessions_requested $SESSIONS"
echo "simulator_shards ${#PIDS[@]}"
echo "setup_window $WINDOW"
# CPU time (clock ticks) of all shards together, to tell which side limits setup.
shard_ticks() {
    local sum=0
    for pid in "${PIDS[@]}"; do sum=$(( sum + $(awk '{print $14 + $15}' "/proc/$pid/stat") )); done
    echo "$sum"
}
TICKS_BEFORE=$(shard_ticks)
status=0
( ulimit -n 20000; exec timeout 900 "$BIN/netconf-sessions-bench" "$PORT" bench "$WORK/id" "$WINDOW" "${SPECS[@]}" ) \
    || status=$?
TICKS=$(( $(shard_ticks) - TICKS_BEFORE ))
echo "simulator_cpu_ms_per_session $(awk -v t="$TICKS" -v hz="$(getconf CLK_TCK)" -v n="$SESSIONS" \
    'BEGIN { printf "%.2f", t * 1000 / hz / n }')"  # setup + one get-config + close, all shards
for i in "${!PIDS[@]}"; do
    echo "simulator_shard${i}_rss_kib $(awk '/^VmRSS/ {print $2}' "/proc/${PIDS[$i]}/status")"
done
exit "$status"
