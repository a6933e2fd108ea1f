#!/usr/bin/env bash
# `make demo`: what cms can do today, end to end on loopback.
#  1. lint the example tenant repository (examples/tenant-repo);
#  2. create the tenant's SSH key pair (as cmsd will);
#  3. start nxr-sim with the example tenant's devices, each on its own 127.77.0.x address;
#  4. talk NETCONF over SSH to two of them with `cms netconf` (hello, identity, an edit + commit);
#  5. show the simulator's view of the fleet.
# The reconciler (cmsd) that converges the fleet on its own is the next milestone; until then this
# is the tour. Everything stays on loopback and stops on exit or Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=.build/debug
DEMO=.demo
PREFIX=127.77.0.0
PORT=830
CONTROL=127.0.0.1:18830
REPO=examples/tenant-repo

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

rm -rf "$DEMO"; mkdir -p "$DEMO"
say "Building"
swift build --product cms-lint >/dev/null
swift build --product cms >/dev/null
swift build --product nxr-sim >/dev/null

say "1. cms-lint $REPO"
"$BIN/cms-lint" "$REPO"

say "2. The tenant's SSH key (install this public key on every NXR as 'SSH key (netconf)')"
"$BIN/cms" tenant pubkey --data "$DEMO/data" --tenant century --out "$DEMO/century.pub"
KEY="$DEMO/data/tenants/century/ssh/id_ed25519"

say "3. nxr-sim fleet --from-repo $REPO"
"$BIN/nxr-sim" fleet --from-repo "$REPO" --prefix "$PREFIX" --port "$PORT" \
    --state-dir "$DEMO/fleet" --authorized-key "$DEMO/century.pub" --control "$CONTROL" \
    >"$DEMO/nxr-sim.log" 2>&1 &
SIM=$!
cleanup() { kill "$SIM" 2>/dev/null || true; wait "$SIM" 2>/dev/null || true; }
trap cleanup EXIT INT TERM

for _ in $(seq 1 100); do
  if curl -fsS "http://$CONTROL/devices" >"$DEMO/devices.json" 2>/dev/null; then break; fi
  kill -0 "$SIM" 2>/dev/null || { cat "$DEMO/nxr-sim.log"; exit 1; }
  sleep 0.2
done
/usr/bin/python3 - "$DEMO/devices.json" <<'PY'
import json, sys
devices = json.load(open(sys.argv[1]))
if isinstance(devices, dict):
    devices = devices.get("devices", [])
print(f"{len(devices)} simulated devices are up:")
for d in devices:
    ident = d.get("identity", {})
    print(f"  {d.get('name', ''):<12} {ident.get('product', d.get('product', '')):<9} "
          f"{d.get('address', '')}:{d.get('port', '')}")
PY

FIRST=$(/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d=d if isinstance(d,list) else d["devices"]; print(d[0]["address"])' "$DEMO/devices.json")
NC=("$BIN/cms" netconf "$FIRST" --port "$PORT" --user century --key "$KEY")

say "4a. cms netconf $FIRST hello   (first contact: the host key is trusted once and printed)"
"${NC[@]}" --accept-new hello 2>"$DEMO/first-contact.txt" | head -8
cat "$DEMO/first-contact.txt"
PIN=$(grep -o -- '--pin SHA256:[A-Za-z0-9+/]*' "$DEMO/first-contact.txt" | head -1 | cut -d' ' -f2)
NC+=(--pin "$PIN")
echo "(from now on the key is pinned: --pin $PIN; a device presenting another key is refused before any RPC)"

say "4b. The device's identity (get, subtree filter on system state)"
cat >"$DEMO/filter.xml" <<'XML'
<system xmlns="urn:cms:nxr:1.0"><state/></system>
XML
"${NC[@]}" get --filter "$DEMO/filter.xml"

say "4c. Edit the hostname on the candidate and commit, then read it back"
cat >"$DEMO/edit.xml" <<'XML'
<config><system xmlns="urn:cms:nxr:1.0"><hostname>demo-edited</hostname></system></config>
XML
"${NC[@]}" edit-config "$DEMO/edit.xml" --commit
cat >"$DEMO/hostname.xml" <<'XML'
<system xmlns="urn:cms:nxr:1.0"><hostname/></system>
XML
"${NC[@]}" get-config --filter "$DEMO/hostname.xml"

say "5. The simulator's own view of that device (control API)"
curl -fsS "http://$CONTROL/devices/$(/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d=d if isinstance(d,list) else d["devices"]; print(d[0]["name"])' "$DEMO/devices.json")/running" \
  | grep -o '<hostname>[^<]*</hostname>' || true

cat <<EOF2

What to try next:
  - break a YAML file in $REPO and run: $BIN/cms-lint $REPO   (file:line:col, rule id, hint)
  - $BIN/cms-lint --format sarif $REPO
  - $BIN/cms import devices my-device-list.csv --encoding shift_jis --dry-run --repo $REPO
  - $BIN/nxr-sim fleet --help      (faults, control API: docs/nxr-sim.md)
The reconciler cmsd, which will converge these devices from git on its own, is the next milestone.
EOF2
