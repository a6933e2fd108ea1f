#!/usr/bin/python3
"""ncclient doing what netconf-client-bench does: sequential get-config round trips and sessions opened/s.
Usage: ncclient_bench.py HOST PORT USER KEYFILE RPCS SESSIONS  (run with Debian's /usr/bin/python3)."""
import sys
import time

from ncclient import manager

host, port, user, keyfile, rpcs, sessions = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
FILTER = ("subtree", '<settings xmlns="urn:cms:test"/>')


def connect():
    # Host key checking off: the bench server is our own, on loopback, started seconds ago.
    return manager.connect(host=host, port=port, username=user, key_filename=keyfile, hostkey_verify=False,
                           allow_agent=False, look_for_keys=False, timeout=30)


m = connect()
for _ in range(20):
    m.get_config(source="running", filter=FILTER)
start = time.perf_counter()
for _ in range(rpcs):
    m.get_config(source="running", filter=FILTER)
print("ncclient rpc_round_trips_per_s %.1f" % (rpcs / (time.perf_counter() - start)))
m.close_session()

start = time.perf_counter()
for _ in range(sessions):
    s = connect()
    s.close_session()
print("ncclient sessions_opened_per_s %.1f" % (sessions / (time.perf_counter() - start)))
