#!/usr/bin/env bash
# NETCONF client figures against a real OpenSSH sshd + yuma123 netconfd on loopback:
# RPC round trips/s over one session and sessions opened/s, our libssh2 client (netconf-client-bench)
# side by side with ncclient (Debian python3-ncclient) doing the same. One figure per line.
# Env: RPCS (default 2000), SESSIONS (default 100). Needs root (sshd) and scripts/setup.sh's packages.
set -euo pipefail
cd "$(dirname "$0")/../.."
RPCS=${RPCS:-2000}
SESSIONS=${SESSIONS:-100}

swift build -c release --product netconf-client-bench >/dev/null
BENCH="$(swift build -c release --show-bin-path)/netconf-client-bench"

DIR=$(mktemp -d /tmp/cms-netconf-bench.XXXXXX)
chmod 755 "$DIR"
SSHD_PID=""; NETCONFD_PID=""
cleanup() {
  [ -n "$SSHD_PID" ] && kill "$SSHD_PID" 2>/dev/null || true
  [ -n "$NETCONFD_PID" ] && kill -INT "$NETCONFD_PID" 2>/dev/null || true   # netconfd ignores SIGTERM
  wait 2>/dev/null || true
  rm -rf "$DIR"
}
trap cleanup EXIT

PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$DIR/yuma/data" /run/sshd
cp Tests/NETCONFClientTests/Fixtures/cms-test.yang "$DIR/"
ssh-keygen -q -t ed25519 -N '' -f "$DIR/host_ed25519"
ssh-keygen -q -t ed25519 -N '' -f "$DIR/client_ed25519"
cp "$DIR/client_ed25519.pub" "$DIR/authorized_keys"
PIN=$(ssh-keygen -l -E sha256 -f "$DIR/host_ed25519.pub" | awk '{print $2}')

(cd "$DIR" && exec env YUMA_RUNPATH="$DIR/yuma" YUMA_HOME="$DIR/yuma" /usr/sbin/netconfd --target=candidate --no-startup \
  --superuser=root --port="$PORT" --ncxserver-sockname="$DIR/ncx.sock" --module="$DIR/cms-test.yang" \
  --log="$DIR/netconfd.log" --log-level=warn >/dev/null 2>&1) &
NETCONFD_PID=$!
for _ in $(seq 100); do [ -S "$DIR/ncx.sock" ] && break; sleep 0.05; done

cat > "$DIR/sshd_config" <<CONF
ListenAddress 127.0.0.1
Port $PORT
HostKey $DIR/host_ed25519
PidFile $DIR/sshd.pid
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
PasswordAuthentication no
AuthorizedKeysFile $DIR/authorized_keys
MaxStartups 100:30:200
LogLevel ERROR
Subsystem netconf /usr/sbin/netconf-subsystem --ncxserver-sockname=$PORT@$DIR/ncx.sock
CONF
/usr/sbin/sshd -D -f "$DIR/sshd_config" -E "$DIR/sshd.log" &
SSHD_PID=$!
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && break; sleep 0.05; done

OURS=$("$BENCH" 127.0.0.1 "$PORT" root "$DIR/client_ed25519" "$PIN" "$RPCS" "$SESSIONS")
THEIRS=$(/usr/bin/python3 bench/netconf/ncclient_bench.py 127.0.0.1 "$PORT" root "$DIR/client_ed25519" "$RPCS" "$SESSIONS")
echo "$OURS" | sed 's/^cms /netconf.cms./; s/ \([0-9.]*\)$/: \1/'
echo "$THEIRS" | sed 's/^ncclient /netconf.ncclient./; s/ \([0-9.]*\)$/: \1/'
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
figure() { echo "$1" | awk -v k="$2" '$2 == k { print $3 }'; }
echo "netconf.ratio.rpc_round_trips_per_s (cms/ncclient): $(ratio "$(figure "$OURS" rpc_round_trips_per_s)" "$(figure "$THEIRS" rpc_round_trips_per_s)")"
echo "netconf.ratio.sessions_opened_per_s (cms/ncclient): $(ratio "$(figure "$OURS" sessions_opened_per_s)" "$(figure "$THEIRS" sessions_opened_per_s)")"
