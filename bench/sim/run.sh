#!/usr/bin/env bash
# Starts COUNT simulated NXRs (default 10,000) in one nxr-sim process, each on its own loopback
# address, and prints start-up time and resident memory per device (goal: <= 32 KiB idle).
# Then restarts the same fleet (state folders exist: host keys and configs are loaded) and checks
# one device answers NETCONF over SSH. One figure per line.
set -euo pipefail
COUNT=${COUNT:-10000}
PREFIX=${PREFIX:-127.2.0.0}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
swift build -c release --product nxr-sim --scratch-path "$ROOT/.build-release" >&2
BIN="$ROOT/.build-release/release/nxr-sim"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
ssh-keygen -q -t ed25519 -N "" -C bench -f "$WORK/id"

# start COUNT STATE_DIR → sets PID, STARTUP (the process's own "started in" figure)
start() {
    local count=$1 state=$2
    "$BIN" fleet --count "$count" --prefix "$PREFIX" --port 830 --state-dir "$state" \
        --authorized-key "$WORK/id.pub" > "$WORK/out.log" 2>&1 &
    PID=$!
    for _ in $(seq 1 1200); do
        if grep -q "started in" "$WORK/out.log"; then break; fi
        if ! kill -0 "$PID" 2>/dev/null; then cat "$WORK/out.log" >&2; exit 1; fi
        sleep 0.1
    done
    STARTUP=$(sed -n 's/.*started in \(.*\)$/\1/p' "$WORK/out.log")
    sleep 2   # let the allocator settle: idle figure
}
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
stop() { kill "$PID"; wait "$PID" 2>/dev/null || true; }

start 1 "$WORK/one"
BASE=$(rss_kib "$PID")
stop

start "$COUNT" "$WORK/fleet"
FIRST_STARTUP=$STARTUP
RSS=$(rss_kib "$PID")
FDS=$(ls "/proc/$PID/fd" | wc -l)
stop

start "$COUNT" "$WORK/fleet"
RESTART_STARTUP=$STARTUP
LAST=$(awk -v p="$PREFIX" -v n="$COUNT" 'BEGIN { split(p, o, "."); v = o[2]*65536 + o[3]*256 + o[4] + n;
    printf "127.%d.%d.%d", int(v/65536)%256, int(v/256)%256, v%256 }')
HELLO=$(printf '' | timeout 20 ssh -F /dev/null -T -o BatchMode=yes -o StrictHostKeyChecking=no \
    -o UserKnownHostsFile=/dev/null -o Ciphers=aes128-ctr -o MACs=hmac-sha2-256 -i "$WORK/id" -p 830 \
    -s "bench@$LAST" netconf 2>/dev/null | grep -c "<session-id>" || true)
stop

echo "devices: $COUNT"
echo "first start-up (creating host keys and state folders): $FIRST_STARTUP"
echo "restart start-up (loading state): $RESTART_STARTUP"
echo "resident memory, 1 device: $BASE KiB"
echo "resident memory, $COUNT devices: $RSS KiB"
echo "resident memory per device (idle): $(( (RSS - BASE) / (COUNT > 1 ? COUNT - 1 : 1) )) KiB"
echo "open files, $COUNT devices: $FDS"
echo "last device ($LAST) answered the NETCONF hello after restart: $([ "$HELLO" -ge 1 ] && echo yes || echo no)"
