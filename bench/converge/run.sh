#!/usr/bin/env bash
# One release cmsd against DEVICES (default 2,048) simulated NXRs, each with an enforced baseline XML
# config (issue 5, "Proof"). Prints one figure per line: time until every device is connected (sessions
# established per second, goal >= 1,000/s), until all are Ready on the first revision, then — after one
# commit that changes every device's baseline and a POST refresh — the time from the commit to every
# device converged and verified (goal <= 3 s for 2,048), and cmsd's resident memory per connected
# device (goal <= 64 KiB). Method: bench/converge/driver.py and docs/performance.md.
#
# The simulators are `nxr-sim fleet --from-repo` processes of at most SHARD devices (default 2,500) on
# 127.81.0.0, 127.82.0.0, … (open files are capped at 20,000 per process). They start first; cmsd starts
# on the generated repository, and once it has loaded the tenant every device announces itself by CRP at
# once (simulator control API), so the connect figure is cmsd's and not the simulators' start-up.
# Loopback only; everything stops when the script ends. KEEP=1 keeps the work folder.
set -euo pipefail
DEVICES=${DEVICES:-2048}
SHARD=${SHARD:-2500}
PORT=${PORT:-830}
TIMEOUT=${TIMEOUT:-600}
PY=/usr/bin/python3
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
swift build -c release --product nxr-sim >&2
swift build -c release --product cmsd >&2
BIN=$(swift build -c release --show-bin-path)

WORK=$(mktemp -d)
PIDS=()
CMSD=""
cleanup() {
    set +e
    if [ -n "$CMSD" ]; then kill -TERM "$CMSD" 2>/dev/null; wait "$CMSD" 2>/dev/null; fi
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
    if [ "${KEEP:-0}" = 1 ]; then echo "work folder kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
free_port() {
    "$PY" -c 'import socket,sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[1]=="udp" else socket.SOCK_STREAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' "$1"
}

# The tenant repository (one commit), the simulators' shard folders, the keys and the CRP secret.
REPO=$WORK/tenant-repo
DATA=$WORK/data
"$PY" bench/converge/generate.py "$REPO" "$DEVICES" 1 --sim-shards "$WORK/shards" --shard "$SHARD"
git -C "$REPO" init -q -b main
git -C "$REPO" add -A
git -C "$REPO" -c user.name=Bench -c user.email=bench@example.invalid commit -q -m "bench: $DEVICES devices, baseline revision 1"
swift build -c release --product cms >&2
"$BIN/cms" tenant pubkey --data "$DATA" --tenant bench --out "$WORK/bench.pub" >/dev/null 2>&1
(umask 077; head -c 24 /dev/urandom | base64 | tr -d '\n=' >"$WORK/crp-secret")
export CMS_BENCH_CRP_SECRET
CMS_BENCH_CRP_SECRET=$(cat "$WORK/crp-secret")
CRP=127.0.0.1:$(free_port udp)
API=127.0.0.1:$(free_port tcp)

CONTROLS=()
shard=0
for dir in "$WORK"/shards/*/; do
    control=127.0.0.1:$(free_port tcp)
    "$BIN/nxr-sim" fleet --from-repo "$dir" --prefix "127.$(( 81 + shard )).0.0" --port "$PORT" \
        --state-dir "$WORK/state$shard" --authorized-key "$WORK/bench.pub" --crp-server "$CRP" \
        --crp-secret-file "$WORK/crp-secret" --control "$control" >"$WORK/shard$shard.log" 2>&1 &
    PIDS+=($!)
    CONTROLS+=("$control")
    shard=$(( shard + 1 ))
done
for i in "${!PIDS[@]}"; do
    for _ in $(seq 1 3000); do
        grep -q "control API on" "$WORK/shard$i.log" && break
        kill -0 "${PIDS[$i]}" 2>/dev/null || { cat "$WORK/shard$i.log" >&2; exit 1; }
        sleep 0.1
    done
    grep -q "control API on" "$WORK/shard$i.log" || { echo "simulator shard $i did not start" >&2; exit 1; }
    echo "simulator shard $i: $(sed -n 's/.*\(started in .*\)$/\1/p' "$WORK/shard$i.log")" >&2
done

( ulimit -n 20000 2>/dev/null || true
  exec "$BIN/cmsd" --tenant-repo "$REPO" --data "$DATA" --api "$API" --crp "$CRP" ) >"$WORK/cmsd.log" 2>&1 &
CMSD=$!

echo "date $(date -u +%Y-%m-%dT%H:%MZ)"
echo "simulator_shards ${#PIDS[@]}"
echo "load_average_1m $(cut -d' ' -f1 /proc/loadavg)"
status=0
"$PY" bench/converge/driver.py --server "http://$API" --token-file "$DATA/tenants/bench/api.token" \
    --tenant bench --count "$DEVICES" --cmsd-pid "$CMSD" --sim-pids "$(IFS=,; echo "${PIDS[*]}")" \
    --controls "$(IFS=,; echo "${CONTROLS[*]}")" --repo "$REPO" --generator bench/converge/generate.py \
    --timeout "$TIMEOUT" || status=$?
if [ "$status" != 0 ]; then
    echo "---- cmsd log (last 30 lines):" >&2
    tail -30 "$WORK/cmsd.log" >&2
fi
echo "load_average_1m_after $(cut -d' ' -f1 /proc/loadavg)"
exit "$status"
