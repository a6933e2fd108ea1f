#!/usr/bin/python3
"""An independent NETCONF client (ncclient + paramiko) against one simulated NXR.

Usage: ncclient_check.py HOST PORT KEYFILE HOSTKEY_BASE64
Prints one "ok: ..." line per step; exits non-zero with a message on the first failure.
"""
import sys
import time

from ncclient import manager
from ncclient.xml_ import to_ele

NXR = "urn:cms:nxr:1.0"
host, port, key, expected_hostkey = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def connect():
    m = manager.connect(host=host, port=port, username="century", key_filename=key, hostkey_verify=False,
                        allow_agent=False, look_for_keys=False, timeout=20)
    served = m._session._transport.get_remote_server_key().get_base64()
    if served != expected_hostkey:
        fail("host key %s is not the device's %s" % (served, expected_hostkey))
    return m


def hostname(m, source="running"):
    reply = m.get_config(source=source, filter=("subtree", '<system xmlns="%s"><hostname/></system>' % NXR))
    found = reply.data_ele.find(".//{%s}hostname" % NXR)
    return None if found is None else found.text


m = connect()
cipher = m._session._transport.remote_cipher
print("ok: hello, session-id %s, cipher %s" % (m.session_id, cipher))
caps = list(m.server_capabilities)
for wanted in [":candidate", ":confirmed-commit:1.1", ":rollback-on-error", ":validate:1.1", ":writable-running"]:
    if not any(wanted in c for c in caps):
        fail("capability %s missing from %s" % (wanted, caps))
print("ok: capabilities")

original = hostname(m)
if not original:
    fail("get-config returned no hostname")
print("ok: get-config hostname %s" % original)

state = m.get(filter=("subtree", '<system xmlns="%s"><state><serial/></state></system>' % NXR))
serial = state.data_ele.find(".//{%s}serial" % NXR)
if serial is None or len(serial.text) != 11:
    fail("get did not return an 11-digit serial")
print("ok: get serial %s" % serial.text)

with m.locked("candidate"):
    m.edit_config(target="candidate", config='<config><system xmlns="%s"><hostname>edited-by-ncclient</hostname></system></config>' % NXR)
    if hostname(m) != original:
        fail("running changed before commit")
    m.commit()
if hostname(m) != "edited-by-ncclient":
    fail("commit did not change running")
print("ok: edit-config candidate + commit")

m.edit_config(target="candidate", config='<config><system xmlns="%s"><hostname>on-trial</hostname></system></config>' % NXR)
m.commit(confirmed=True, timeout="120")
if hostname(m) != "on-trial":
    fail("confirmed commit did not apply")
m.close_session()
time.sleep(0.5)
m = connect()
if hostname(m) != "edited-by-ncclient":
    fail("confirmed commit was not reverted when its session closed (hostname %s)" % hostname(m))
print("ok: confirmed-commit reverted on session close")

m.edit_config(target="candidate", config='<config><system xmlns="%s"><hostname>timed</hostname></system></config>' % NXR)
m.commit(confirmed=True, timeout="1")
time.sleep(2.5)
if hostname(m) != "edited-by-ncclient":
    fail("confirmed commit was not reverted after its timeout (hostname %s)" % hostname(m))
print("ok: confirmed-commit reverted on timeout")

reply = m.dispatch(to_ele('<ping xmlns="%s"><destination>127.0.0.1</destination><count>2</count></ping>' % NXR))
root = reply._root
transmitted = root.find(".//{%s}transmitted" % NXR)
if transmitted is None or transmitted.text != "2":
    fail("ping reply lacks transmitted=2: %s" % reply.xml)
print("ok: vendor rpc ping")

try:
    m.edit_config(target="running", config='<config><system xmlns="%s"><hostname>bad name!</hostname></system></config>' % NXR)
    fail("an invalid hostname was accepted")
except Exception as error:  # ncclient raises RPCError
    if "invalid-value" not in str(getattr(error, "tag", "")) + str(error):
        fail("unexpected error %r" % error)
print("ok: rpc-error invalid-value")
m.close_session()
print("done")
