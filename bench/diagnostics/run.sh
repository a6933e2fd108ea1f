#!/usr/bin/env bash
# cmsd's resident memory while `cms exec DEVICE tech-support --out FILE` streams a multi-MiB result (issue 13,
# "Proof"). One simulated NXR (nxr-sim, SSH) whose `show tech-support` is padded to SIZE_MIB MiB (fault
# techSupportBytes), one cmsd, the cms CLI. Prints one figure per line: the result size, cmsd's RSS before,
# its peak RSS during the exec (VmHWM, reset just before through /proc/PID/clear_refs), the peak increase and its
# ratio to the result, and the wall time. Loopback only; everything stops when the script ends.
# CONFIG=release|debug (default release), SIZE_MIB (default 8; ≤ 9: libxml2's 10,000,000-byte text node ceiling).
set -euo pipefail
CONFIG=${CONFIG:-release}
SIZE_MIB=${SIZE_MIB:-8}
PY=/usr/bin/python3
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
# SWIFT_BUILD_FLAGS: extra flags for `swift build` (e.g. --ignore-lock).
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    for product in nxr-sim cmsd cms; do
        swift build -c "$CONFIG" ${SWIFT_BUILD_FLAGS:-} --product "$product" >&2
    done
fi
BIN=$(swift build -c "$CONFIG" ${SWIFT_BUILD_FLAGS:-} --show-bin-path)

WORK=$(mktemp -d)
PIDS=()
cleanup() {
    set +e
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
    if [ "${KEEP:-0}" = 1 ]; then echo "work folder kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
free_port() {
    "$PY" -c 'import socket,sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[1]=="udp" else socket.SOCK_STREAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' "$1"
}

REPO=$WORK/tenant-repo
DATA=$WORK/data
"$PY" bench/converge/generate.py "$REPO" 1 1 --sim-shards "$WORK/shards" --shard 1
git -C "$REPO" init -q -b main
git -C "$REPO" add -A
git -C "$REPO" -c user.name=Bench -c user.email=bench@example.invalid commit -q -m "bench: one device"
"$BIN/cms" tenant pubkey --data "$DATA" --tenant bench --out "$WORK/bench.pub" >/dev/null 2>&1
(umask 077; head -c 24 /dev/urandom | base64 | tr -d '\n=' >"$WORK/crp-secret")
export CMS_BENCH_CRP_SECRET
CMS_BENCH_CRP_SECRET=$(cat "$WORK/crp-secret")
CRP=127.0.0.1:$(free_port udp)
API=127.0.0.1:$(free_port tcp)
CONTROL=127.0.0.1:$(free_port tcp)

"$BIN/nxr-sim" fleet --from-repo "$WORK/shards/0" --prefix 127.84.0.0 --port 830 --state-dir "$WORK/state" \
    --authorized-key "$WORK/bench.pub" --crp-server "$CRP" --crp-secret-file "$WORK/crp-secret" \
    --control "$CONTROL" >"$WORK/sim.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 600); do grep -q "control API on" "$WORK/sim.log" && break; sleep 0.1; done
"$BIN/cmsd" --tenant-repo "$REPO" --data "$DATA" --api "$API" --crp "$CRP" >"$WORK/cmsd.log" 2>&1 &
CMSD=$!
PIDS+=($CMSD)
TOKEN="$DATA/tenants/bench/api.token"
for _ in $(seq 1 600); do [ -s "$TOKEN" ] && break; sleep 0.1; done
OPTS=(--server "http://$API" --token-file "$TOKEN" --tenant bench)
connected=0
for _ in $(seq 1 600); do
    curl -s -X POST "http://$CONTROL/devices/b00001/announce" >/dev/null || true
    if grep -q "device.code=b00001 .*device connected" "$WORK/cmsd.log"; then connected=1; break; fi
    sleep 0.5
done
[ "$connected" = 1 ] || { echo "the device did not connect" >&2; tail -20 "$WORK/cmsd.log" >&2; exit 1; }
curl -sf -X PUT "http://$CONTROL/devices/b00001/faults" -d "{\"techSupportBytes\": $(( SIZE_MIB << 20 ))}" >/dev/null

# A small exec first, so the session and the code paths are warm and only the result's memory is measured.
"$BIN/cms" exec b00001 show version "${OPTS[@]}" >/dev/null
sleep 1
rss_kib() { sed -n "s/^$1:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$CMSD/status"; }
echo 5 >"/proc/$CMSD/clear_refs"
before=$(rss_kib VmRSS)
start=$(date +%s.%N)
"$BIN/cms" exec b00001 tech-support --out "$WORK/out.txt" "${OPTS[@]}" 2>/dev/null
end=$(date +%s.%N)
peak=$(rss_kib VmHWM)
after=$(rss_kib VmRSS)
bytes=$(stat -c %s "$WORK/out.txt")
tail -c 16 "$WORK/out.txt" | grep -q "===== end =====" || { echo "the result is incomplete" >&2; exit 1; }
echo "date $(date -u +%Y-%m-%dT%H:%MZ)"
echo "build $CONFIG"
echo "result_bytes $bytes"
echo "cmsd_rss_before_kib $before"
echo "cmsd_peak_rss_during_exec_kib $peak"
echo "cmsd_rss_after_kib $after"
echo "cmsd_peak_increase_kib $(( peak - before ))"
echo "peak_increase_per_result_byte $(echo "scale=2; ($peak - $before) * 1024 / $bytes" | bc)"
echo "exec_seconds $(echo "$end - $start" | bc)"
