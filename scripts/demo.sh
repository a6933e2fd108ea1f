#!/usr/bin/env bash
# `make demo`: cms end to end on loopback — git → cmsd → simulated NXRs, converged and verified.
#  1. build cms, cmsd, nxr-sim and cms-lint;
#  2. copy examples/tenant-repo to .demo/tenant-repo (you edit and commit there);
#  3. create the tenant's SSH key pair (`cms tenant pubkey`) and a random CRP secret;
#  4. start nxr-sim with the tenant's devices, each on its own 127.77.0.x address, announcing by CRP to cmsd;
#  5. make the copy a git repository with one commit, and lint it;
#  6. start cmsd on the repository; wait until every device that is not suspended is connected and the
#     tenant is Ready (its baseline configurations applied and verified);
#  7. print `cms status`, `cms devices`, the newest events, and what to try next.
# It then keeps running until Ctrl-C and stops cmsd and the simulator cleanly.
# DEMO_EXIT=1 exits after step 7 (CI, tests). DEMO_TIMEOUT (seconds, default 180) bounds the wait;
# DEMO_CONFIGURATION=release builds and runs release binaries; DEMO_API_PORT moves the API from 8610.
# Everything listens on and talks to loopback addresses only.
set -euo pipefail
cd "$(dirname "$0")/.."

DEMO=.demo
TENANT=century
PREFIX=127.77.0.0
PORT=830
API_PORT=${DEMO_API_PORT:-8610}
TIMEOUT=${DEMO_TIMEOUT:-180}
CONFIGURATION=${DEMO_CONFIGURATION:-debug}   # debug (shared with `make test`) or release
PY=/usr/bin/python3
SOURCE_REPO=examples/tenant-repo
REPO=$DEMO/tenant-repo
DATA=$DEMO/data

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
die() { printf '\033[1;31mdemo: %s\033[0m\n' "$*" >&2; exit 1; }

# A free loopback port (udp or tcp), chosen by the kernel.
free_port() {
    "$PY" -c 'import socket,sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[1]=="udp" else socket.SOCK_STREAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' "$1"
}

"$PY" -c 'import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1",int(sys.argv[1]))); s.listen()' "$API_PORT" 2>/dev/null \
    || die "127.0.0.1:$API_PORT is in use (another cmsd or demo?); stop it or run DEMO_API_PORT=8611 make demo"

say "1. Building cms, cmsd, nxr-sim, cms-lint ($CONFIGURATION)"
for product in cms cmsd nxr-sim cms-lint; do
    swift build -c "$CONFIGURATION" --product "$product" 2>&1 | tail -3 >&2
done
BIN=$(swift build -c "$CONFIGURATION" --show-bin-path)

# ---------------------------------------------------------------------------------------------- processes
SIM=""
CMSD=""
stop_process() {  # pid name: SIGTERM, wait up to 10 s, then SIGKILL
    local pid=$1 name=$2
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
        echo "demo: $name did not stop within 10 s; killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    trap - EXIT INT TERM
    if [ -n "$CMSD$SIM" ]; then echo; echo "demo: stopping cmsd and the simulator…"; fi
    stop_process "$CMSD" cmsd
    stop_process "$SIM" nxr-sim
    CMSD=""; SIM=""
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

# ---------------------------------------------------------------------------------------------- 2. the repo
rm -rf "$DEMO"
mkdir -p "$DEMO"
chmod 700 "$DEMO"
say "2. The tenant repository: $REPO (a git repository of its own — edit and commit there)"
cp -R "$SOURCE_REPO" "$REPO"

# ---------------------------------------------------------------------------------------------- 3. keys
say "3. The tenant's SSH key (install this public key on every NXR as 'SSH key (netconf)')"
"$BIN/cms" tenant pubkey --data "$DATA" --tenant "$TENANT" --out "$DEMO/$TENANT.pub"
# The repo names the CRP secret by reference ({env: CMS_CENTURY_CRP_SECRET}); the value never enters git.
CRP_SECRET_FILE=$DEMO/crp-secret
(umask 077; head -c 24 /dev/urandom | base64 | tr -d '\n=' >"$CRP_SECRET_FILE")
export CMS_CENTURY_CRP_SECRET
CMS_CENTURY_CRP_SECRET=$(cat "$CRP_SECRET_FILE")
echo "CRP secret: random, in $CRP_SECRET_FILE (given to cmsd as \$CMS_CENTURY_CRP_SECRET)"

# ---------------------------------------------------------------------------------------------- 4. simulator
CRP_PORT=$(free_port udp)
CONTROL=127.0.0.1:$(free_port tcp)
say "4. nxr-sim fleet --from-repo $REPO (devices on $PREFIX+N:$PORT, CRP to 127.0.0.1:$CRP_PORT)"
"$BIN/nxr-sim" fleet --from-repo "$REPO" --prefix "$PREFIX" --port "$PORT" \
    --state-dir "$DEMO/fleet" --authorized-key "$DEMO/$TENANT.pub" \
    --crp-server "127.0.0.1:$CRP_PORT" --crp-secret-file "$CRP_SECRET_FILE" --keepalive 60 \
    --control "$CONTROL" >"$DEMO/nxr-sim.log" 2>&1 &
SIM=$!
for _ in $(seq 1 300); do
    curl -fsS "http://$CONTROL/devices" >"$DEMO/sim-devices.json" 2>/dev/null && break
    kill -0 "$SIM" 2>/dev/null || { cat "$DEMO/nxr-sim.log" >&2; die "nxr-sim stopped (log above)"; }
    sleep 0.2
done
[ -s "$DEMO/sim-devices.json" ] || { tail -20 "$DEMO/nxr-sim.log" >&2; die "nxr-sim did not come up within 60 s"; }
cat "$DEMO/nxr-sim.log"

# A device whose YAML declares `hostKey` is pinned before first contact. The example's key is a
# placeholder; point it at the simulated device's real key so the pin holds (a wrong one blocks the device).
"$PY" - "$REPO" "$DEMO/sim-devices.json" <<'PY'
import base64, hashlib, json, pathlib, re, sys
repo, devices = pathlib.Path(sys.argv[1]), json.load(open(sys.argv[2]))
keys = {}
for d in devices:
    blob = d["hostKey"].split()[1]
    digest = base64.b64encode(hashlib.sha256(base64.b64decode(blob)).digest()).decode().rstrip("=")
    keys[d["name"]] = "SHA256:" + digest
for path in sorted((repo / "devices").glob("*.yaml")):
    text = path.read_text(encoding="utf-8")
    code = re.search(r"^code:\s*(\S+)", text, re.M)
    if code and re.search(r"^hostKey:", text, re.M) and code.group(1) in keys:
        text = re.sub(r'^hostKey:.*$', f'hostKey: "{keys[code.group(1)]}"', text, flags=re.M)
        path.write_text(text, encoding="utf-8")
        print(f"{path.relative_to(repo)}: hostKey pinned in git to the simulated device's key {keys[code.group(1)]}")
PY

git -C "$REPO" init -q -b main
git -C "$REPO" add -A
git -C "$REPO" -c user.name="Demo Operator" -c user.email=operator@example.invalid \
    commit -q -m "The century tenant, as in examples/tenant-repo"
echo "$REPO: $(git -C "$REPO" log --oneline -1)"

say "5. git commit, then cms-lint $REPO"
"$BIN/cms-lint" "$REPO" || die "the example tenant does not lint (see above)"

# ---------------------------------------------------------------------------------------------- 6. cmsd
API=127.0.0.1:$API_PORT
say "6. cmsd --tenant-repo $REPO --data $DATA --api $API --crp 127.0.0.1:$CRP_PORT"
"$BIN/cmsd" --tenant-repo "$REPO" --data "$DATA" --api "$API" --crp "127.0.0.1:$CRP_PORT" \
    >"$DEMO/cmsd.log" 2>&1 &
CMSD=$!

export CMS_SERVER=http://$API
export CMS_TENANT=$TENANT
TOKEN_FILE=$DATA/tenants/$TENANT/api.token
for _ in $(seq 1 300); do
    [ -s "$TOKEN_FILE" ] && curl -fsS "$CMS_SERVER/healthz" >/dev/null 2>&1 && break
    kill -0 "$CMSD" 2>/dev/null || { tail -40 "$DEMO/cmsd.log" >&2; die "cmsd stopped (its log above)"; }
    sleep 0.2
done
[ -s "$TOKEN_FILE" ] || { tail -40 "$DEMO/cmsd.log" >&2; die "cmsd did not write $TOKEN_FILE within 60 s"; }
export CMS_TOKEN
CMS_TOKEN=$(tr -d '\n' <"$TOKEN_FILE")
echo "API token: $TOKEN_FILE (exported as CMS_TOKEN)"
# The devices announced themselves when the simulator started, before cmsd listened; like real NXRs they
# announce again on their keepalive (60 s here). Ask each to announce now rather than wait.
# First wait until cmsd has loaded the tenant: announcements for a tenant it does not know yet are discarded.
"$PY" - "$CONTROL" "$DEMO/sim-devices.json" "$CMS_SERVER" "$CMS_TOKEN" "$TENANT" <<'PY'
import json, sys, time, urllib.request
control, devices, server, token, tenant = sys.argv[1], json.load(open(sys.argv[2])), *sys.argv[3:6]
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    try:
        request = urllib.request.Request(f"{server}/api/v1/tenants/{tenant}/status",
                                         headers={"Authorization": "Bearer " + token})
        with urllib.request.urlopen(request, timeout=10) as r:
            if json.load(r).get("lastAppliedRevision"):
                break
    except Exception:
        pass
    time.sleep(0.2)
for d in devices:
    urllib.request.urlopen(urllib.request.Request(
        f"http://{control}/devices/{d['name']}/announce", data=b"", method="POST"), timeout=10).read()
print(f"{len(devices)} simulated devices announced themselves to cmsd (CRP)")
PY

# Wait: every device that is not suspended connected, every one Ready, the tenant Ready on the commit.
EXPECTED=$("$PY" - "$REPO" <<'PY'
import pathlib, sys, yaml
n = 0
for path in pathlib.Path(sys.argv[1], "devices").glob("*.y*ml"):
    for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
        if isinstance(doc, dict) and doc.get("kind") == "Device" and doc.get("suspended") is not True:
            n += 1
print(n)
PY
)
HEAD_REV=$(git -C "$REPO" rev-parse HEAD)
echo "Waiting (up to ${TIMEOUT} s) until the $EXPECTED devices that are not suspended are connected and converged…"
if ! "$PY" - "$CMS_SERVER" "$CMS_TOKEN" "$TENANT" "$EXPECTED" "$HEAD_REV" "$TIMEOUT" "$CMSD" <<'PY'
import json, os, sys, time, urllib.request
server, token, tenant, expected, head, timeout, pid = sys.argv[1:8]
expected, timeout, pid = int(expected), float(timeout), int(pid)
def get(path):
    req = urllib.request.Request(server + path, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)
start, last, status = time.monotonic(), "", None
while time.monotonic() - start < timeout:
    try:
        os.kill(pid, 0)
    except OSError:
        print("\ncmsd has stopped", file=sys.stderr); sys.exit(1)
    try:
        status = get(f"/api/v1/tenants/{tenant}/status")
    except Exception as e:  # not up yet, or a transient error: keep waiting
        line = f"  (status not available yet: {e})"
    else:
        c = status.get("counts", {})
        applied = status.get("lastAppliedRevision") or ""
        line = (f"  tenant {status['condition']['status']:<11} connected {c.get('connected', 0)}/{expected}  "
                f"ready {status.get('ready', 0)}  reconciling {status.get('reconciling', 0)}  "
                f"stalled {status.get('stalled', 0)}  applied {applied[:10] or '-'}")
        # Suspended devices are Stalled on purpose (reason Suspended); the rest must be Ready.
        only_suspended = (status["condition"]["status"] == "stalled" and status.get("reconciling", 0) == 0
                          and status.get("stalled", 0) <= c.get("suspended", 0))
        if (c.get("connected", 0) >= expected and status.get("ready", 0) >= expected
                and (status["condition"]["status"] == "ready" or only_suspended)
                and len(applied) >= 7 and head.startswith(applied)):
            note = (f" (the tenant reads Stalled only because of its {c.get('suspended', 0)} suspended device(s))"
                    if only_suspended else "")
            print(line + f"\nConverged in {time.monotonic() - start:.1f} s{note}.")
            sys.exit(0)
    if line != last:
        print(line, flush=True); last = line
    time.sleep(0.5)
print(f"\nNot converged after {timeout:.0f} s. Last status:\n" + json.dumps(status, indent=2), file=sys.stderr)
sys.exit(1)
PY
then
    echo "---- the last 40 lines of $DEMO/cmsd.log (without the API requests):" >&2
    grep -v '\[CMSServer\] GET' "$DEMO/cmsd.log" | tail -40 >&2
    echo "---- stalled devices (cms devices --sync stalled):" >&2
    "$BIN/cms" devices --sync stalled >&2 || true
    die "the fleet did not converge within ${TIMEOUT} s (DEMO_TIMEOUT=… to wait longer)"
fi

# ---------------------------------------------------------------------------------------------- 7. show
say "cms status"
"$BIN/cms" status
say "cms devices"
"$BIN/cms" devices
say "cms events --newest --limit 15"
"$BIN/cms" events --newest --limit 15

cat <<EOF

$(printf '\033[1m')What to try next$(printf '\033[0m') (in another terminal; first run these three lines there):
  export CMS_SERVER=$CMS_SERVER CMS_TENANT=$TENANT CMS_TOKEN=\$(cat $PWD/$TOKEN_FILE)
  export PATH="$BIN:\$PATH"
  cd $PWD/$REPO

  - Change what a device must run: edit configs/ebisu/baseline.xml (e.g. the description of ethernet0),
    or a device's YAML (suspended: true), then
        git commit -am "why you changed it" && cms refresh
    and watch it converge:   cms devices     cms events --newest --limit 20     cms status
  - What would change, with the NETCONF payload, before you commit:   cms plan --native
  - Everything about one device (identity, sync history):   cms device show ebisu
  - Reconcile now:   cms reconcile ebisu
  - Break a YAML and commit: cmsd keeps the last good revision (cms status shows the lint errors).
  - Change a device behind cmsd's back (drift); the next drift check puts it back (or at once:
    cms reconcile ebisu):
        curl -X POST -d '<system xmlns="urn:cms:nxr:1.0"><hostname>changed-by-hand</hostname></system>' \\
             http://$CONTROL/devices/ebisu/drift
  - The simulator's own view:   curl http://$CONTROL/devices/ebisu/running   (docs/nxr-sim.md)
  Logs: $DEMO/cmsd.log, $DEMO/nxr-sim.log. Data (SQLite event log, keys, token): $DATA
EOF

if [ "${DEMO_EXIT:-0}" = 1 ]; then
    exit 0
fi
echo
echo "cmsd and the simulator keep running; press Ctrl-C to stop them."
while kill -0 "$CMSD" 2>/dev/null && kill -0 "$SIM" 2>/dev/null; do
    sleep 1 &
    wait $! || true
done
kill -0 "$CMSD" 2>/dev/null || { tail -20 "$DEMO/cmsd.log" >&2; die "cmsd stopped on its own (log above)"; }
die "nxr-sim stopped on its own (see $DEMO/nxr-sim.log)"
