#!/usr/bin/env bash
# Firmware rollout at scale (issue 11, "Bench"): one release cmsd, DEVICES (default 2,048) simulated NXR-230s in
# one nxr-sim fleet process with a reboot delay of 0 s. After every device is connected, an image of SIZE bytes
# (default 4 MiB) goes into the image store (cms firmware add through the API), a commit makes it the desired
# version of every device (rollout: maxConcurrent 40, batchSize 100%), and the script prints, one figure per line:
# the seconds from the commit to every device verified on the new version (rollout finished), and cmsd's largest
# resident memory while the downloads streamed (sampled every 100 ms), with its resident memory before the commit.
# Loopback only; everything stops when the script ends. KEEP=1 keeps the work folder.
set -euo pipefail
DEVICES=${DEVICES:-2048}
SIZE=${SIZE:-4194304}
PORT=${PORT:-830}
TIMEOUT=${TIMEOUT:-1800}
PY=/usr/bin/python3
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
# CONFIG=debug measures debug builds; BIN=folder uses binaries built beforehand (nothing is built then).
CONFIG=${CONFIG:-release}
if [ -z "${BIN:-}" ]; then
    swift build -c "$CONFIG" --product nxr-sim >&2
    swift build -c "$CONFIG" --product cmsd >&2
    swift build -c "$CONFIG" --product cms >&2
    BIN=$(swift build -c "$CONFIG" --show-bin-path)
fi

WORK=$(mktemp -d)
PIDS=()
CMSD=""
cleanup() {
    set +e
    if [ -n "$CMSD" ]; then kill -TERM "$CMSD" 2>/dev/null; wait "$CMSD" 2>/dev/null; fi
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
    if [ "${KEEP:-0}" = 1 ]; then echo "work folder kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
free_port() {
    "$PY" -c 'import socket,sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[1]=="udp" else socket.SOCK_STREAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' "$1"
}
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

REPO=$WORK/repo
DATA=$WORK/data
mkdir -p "$REPO/devices" "$REPO/firmware" "$REPO/groups"
printf 'apiVersion: cms/v1\nkind: Tenant\ncode: bench\ntimeZone: UTC\nrollout: {maxConcurrent: 40, batchSize: 100%%, maxFailures: 0}\n' >"$REPO/tenant.yaml"
for i in $(seq 1 "$DEVICES"); do
    printf 'apiVersion: cms/v1\nkind: Device\ncode: fw%d\nproduct: NXR-230\n' "$i" >"$REPO/devices/fw$i.yaml"
done
git -C "$REPO" init -q -b main
git -C "$REPO" add -A
git -C "$REPO" -c user.name=Bench -c user.email=bench@example.invalid commit -q -m "bench: $DEVICES devices"
"$BIN/cms" tenant pubkey --data "$DATA" --tenant bench --out "$WORK/bench.pub" >/dev/null 2>&1
CRP=127.0.0.1:$(free_port udp)
API=127.0.0.1:$(free_port tcp)
CONTROL=127.0.0.1:$(free_port tcp)

"$BIN/nxr-sim" fleet --count "$DEVICES" --code-prefix fw --product NXR-230 --tenant bench --prefix 127.91.0.0 \
    --port "$PORT" --state-dir "$WORK/state" --authorized-key "$WORK/bench.pub" --crp-server "$CRP" \
    --control "$CONTROL" --reboot-delay 0 --keepalive 30 --firmware 5.0.0 >"$WORK/sim.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 3000); do grep -q "control API on" "$WORK/sim.log" && break; sleep 0.1; done
( ulimit -n 20000 2>/dev/null || true
  exec "$BIN/cmsd" --tenant-repo "$REPO" --data "$DATA" --api "$API" --crp "$CRP" ) >"$WORK/cmsd.log" 2>&1 &
CMSD=$!
for _ in $(seq 1 600); do [ -s "$DATA/tenants/bench/api.token" ] && break; sleep 0.1; done
TOKEN=$(cat "$DATA/tenants/bench/api.token")
curl_api() { curl -sf -H "Authorization: Bearer $TOKEN" "$@"; }
curl -sf -X POST "http://$CONTROL/devices/fw1/announce" >/dev/null || true
connected() {
    curl_api "http://$API/api/v1/tenants/bench/status" |
        "$PY" -c 'import json,sys; s=json.load(sys.stdin); print(s.get("counts",{}).get("connected",0))'
}
START=$(date +%s.%N)
until [ "$(connected)" -ge "$DEVICES" ]; do
    sleep 0.5
    if [ "$(echo "$(date +%s.%N) - $START > $TIMEOUT" | bc)" = 1 ]; then echo "not all connected" >&2; exit 1; fi
done

{ printf 'NXR-FIRMWARE product=NXR-230 version=6.0.1\n'; head -c "$SIZE" /dev/urandom; } >"$WORK/image.bin"
SHA=$(curl_api --data-binary "@$WORK/image.bin" "http://$API/api/v1/tenants/bench/firmware/images?product=NXR-230" |
    "$PY" -c 'import json,sys; print(json.load(sys.stdin)["sha256"])')
printf 'apiVersion: cms/v1\nkind: Firmware\nname: v6\nproduct: NXR-230\nversion: 6.0.1\nsha256: %s\n' "$SHA" >"$REPO/firmware/v6.yaml"
{ printf 'apiVersion: cms/v1\nkind: Group\nname: all\nfirmware: {image: v6}\nmembers:\n'
  for i in $(seq 1 "$DEVICES"); do printf '  - device: fw%d\n' "$i"; done; } >"$REPO/groups/all.yaml"
RSS_BEFORE=$(rss_kib "$CMSD")
git -C "$REPO" add -A
git -C "$REPO" -c user.name=Bench -c user.email=bench@example.invalid commit -q -m "firmware 6.0.1"
T0=$(date +%s.%N)
curl_api -X POST "http://$API/api/v1/tenants/bench/refresh" >/dev/null
MAX=$RSS_BEFORE
finished() {
    curl_api "http://$API/api/v1/tenants/bench/rollouts" | "$PY" -c '
import json,sys
l=json.load(sys.stdin)["rollouts"]
done=sum(r["counts"].get("done",0) for r in l)
print("yes" if l and all(r["phase"] in ("finished","stalled") for r in l) else "no", done)'
}
while true; do
    r=$(rss_kib "$CMSD"); [ "$r" -gt "$MAX" ] && MAX=$r
    read -r state done < <(finished)
    [ "$state" = yes ] && break
    if [ "$(echo "$(date +%s.%N) - $T0 > $TIMEOUT" | bc)" = 1 ]; then echo "timeout; $done done" >&2; exit 1; fi
    sleep 0.1
done
T1=$(date +%s.%N)
echo "binaries $BIN"
echo "devices $DEVICES"
echo "image_bytes $SIZE"
echo "devices_updated $done"
echo "commit_to_all_updated_s $(echo "$T1 - $T0" | bc)"
echo "cmsd_rss_before_kib $RSS_BEFORE"
echo "cmsd_rss_max_during_rollout_kib $MAX"
echo "load_average_1m_after $(cut -d' ' -f1 /proc/loadavg)"
