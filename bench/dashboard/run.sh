#!/usr/bin/env bash
# Page weight and server time of the dashboard with DEVICES (default 2,048) devices (issue 16, "Proof").
# One cmsd on a generated tenant repository (bench/converge/generate.py; no simulator runs, so the devices are
# awaiting their address — every row is still rendered); logs in with the tenant's token, then fetches each
# page RUNS times (default 5) with curl and prints, per page: bytes and the median / max time to the last byte.
# CONFIG=debug|release (default release); CMSD=/path/to/cmsd uses that binary as built. Loopback only; everything
# stops when the script ends.
set -euo pipefail
DEVICES=${DEVICES:-2048}
RUNS=${RUNS:-5}
CONFIG=${CONFIG:-release}
PY=/usr/bin/python3
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
if [ -z "${CMSD_BIN:=${CMSD:-}}" ]; then
    swift build -c "$CONFIG" --product cmsd >&2
    CMSD_BIN="$(swift build -c "$CONFIG" --show-bin-path)/cmsd"
fi
WORK=$(mktemp -d)
CMSD=""  # its pid, once started
cleanup() {
    set +e
    if [ -n "$CMSD" ]; then kill -TERM "$CMSD" 2>/dev/null; wait "$CMSD" 2>/dev/null; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
REPO="$WORK/repo"
"$PY" bench/converge/generate.py "$REPO" "$DEVICES" 1 >&2
git -C "$REPO" init -q -b main && git -C "$REPO" add -A && git -C "$REPO" -c user.name=bench -c user.email=b@example.com commit -qm bench
API=$(free_port)
CRP=$(free_port)
export CMS_BENCH_CRP_SECRET=bench-secret
cat > "$WORK/cmsd.yaml" <<YAML
dataFolder: $WORK/data
listen: {crp: "127.0.0.1:$CRP", api: "127.0.0.1:$API"}
tenants:
  - {code: bench, repo: {url: $REPO, branch: main}, username: admin}
YAML
"$CMSD_BIN" --config "$WORK/cmsd.yaml" --log-level error 2>"$WORK/cmsd.log" &
CMSD=$!
BASE="http://127.0.0.1:$API"
for _ in $(seq 1 600); do
    if [ -s "$WORK/data/tenants/bench/api.token" ] && curl -sf "$BASE/healthz" >/dev/null; then
        TOKEN=$(cat "$WORK/data/tenants/bench/api.token")
        total=$(curl -sf -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/tenants/bench/devices?pageSize=16" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["total"])' || echo 0)
        [ "$total" = "$DEVICES" ] && break
    fi
    sleep 0.5
done
JAR="$WORK/cookies"
curl -s -c "$JAR" -o /dev/null -d "token=$TOKEN" "$BASE/login"
echo "dashboard pages, $DEVICES devices, $CONFIG build, $RUNS runs each (bytes, median / max seconds to last byte):"
for page in / "/devices" "/devices?pageSize=all" "/devices.csv" "/devices/b00001" "/events" "/groups" "/operations" "/archive?device=b00001" "/backups"; do
    times=()
    for _ in $(seq 1 "$RUNS"); do
        out=$(curl -s -b "$JAR" -o /dev/null -w '%{size_download} %{time_total} %{http_code}' "$BASE$page")
        set -- $out
        size=$1; times+=("$2"); code=$3
    done
    stats=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.3f / %.3f", a[int((NR+1)/2)], a[NR]}')
    printf '%-24s %4s %9s bytes  %s s\n' "$page" "$code" "$size" "$stats"
done
