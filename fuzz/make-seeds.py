#!/usr/bin/env python3
"""Writes the seed corpora fuzz/corpus/<harness>/ from the example tenant repo, the test fixtures and a few
hand-made wire messages. Re-run after changing a harness's input layout; the output is committed.
Each harness reads its first byte as a selector (see Sources/cms-fuzz/Harness.swift), so seeds carry one."""
import hashlib, hmac, io, os, struct, zipfile

ROOT = os.path.join(os.path.dirname(__file__), "..")
OUT = os.path.join(ROOT, "fuzz", "corpus")

def put(harness, name, data):
    d = os.path.join(OUT, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

def read(path):
    with open(os.path.join(ROOT, path), "rb") as f:
        return f.read()

# yaml: selector '0'..'5' = tenant.yaml, devices/, groups/, schedules/, firmware/, mail.yaml
PLACE = {"tenant.yaml": b"0", "devices": b"1", "groups": b"2", "schedules": b"3", "firmware": b"4", "mail.yaml": b"5"}
for base in ["examples/tenant-repo", "Tests/CMSSchemaTests/Fixtures/bad-repo"]:
    for dirpath, _, files in os.walk(os.path.join(ROOT, base)):
        for f in sorted(files):
            if not f.endswith(".yaml"):
                continue
            rel = os.path.relpath(os.path.join(dirpath, f), os.path.join(ROOT, base))
            key = rel if rel in PLACE else rel.split(os.sep)[0]
            if key not in PLACE:
                continue
            tag = base.split("/")[-1] + "-" + "".join(c if c.isascii() else "_" for c in rel.replace(os.sep, "-"))
            put("yaml", tag, PLACE[key] + read(os.path.join(base, rel)))
put("yaml", "anchors", b"1kind: Device\nname: &n x\ncode: a1\nproduct: NXR-120\nnote: *n\nextra: {a: [1, 2], b: !!str 3}\n")
put("yaml", "multi-doc", b"2---\nkind: Group\nname: g\n---\n\n---\nkind: Group\nname: h\nmembers: [a, b]\n")

# xml: examples' XML configs and NETCONF messages
xml_files = ["examples/tenant-repo/configs/ochanomizu/nxr1.xml", "examples/tenant-repo/configs/kichijoji/nxr7_prev.xml",
             "examples/tenant-repo/configs/ebisu/baseline.xml", "Tests/CMSSchemaTests/Fixtures/clean-repo/configs/shinjuku/base.xml"]
for p in xml_files:
    put("xml", os.path.basename(os.path.dirname(p)) + "-" + os.path.basename(p), read(p))
BASE = 'xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"'
hello = (f'<?xml version="1.0" encoding="UTF-8"?><hello {BASE}><capabilities>'
         '<capability>urn:ietf:params:netconf:base:1.0</capability><capability>urn:ietf:params:netconf:base:1.1</capability>'
         '</capabilities><session-id>4</session-id></hello>').encode()
reply_ok = f'<rpc-reply {BASE} message-id="101"><ok/></rpc-reply>'.encode()
reply_data = (f'<rpc-reply {BASE} message-id="7" xmlns:n="urn:x"><data><n:system><n:host-name a="1">nxr&amp;1</n:host-name>'
              '<![CDATA[raw <text>]]></n:system></data></rpc-reply>').encode()
reply_error = (f'<rpc-reply {BASE} message-id="3"><rpc-error><error-type>protocol</error-type><error-tag>lock-denied</error-tag>'
               '<error-severity>error</error-severity><error-info><session-id>9</session-id></error-info>'
               '<error-message xml:lang="en">locked</error-message></rpc-error></rpc-reply>').encode()
notification = (b'<notification xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0"><eventTime>2026-01-01T00:00:00Z'
                b'</eventTime><netconf-config-change xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-notifications"/></notification>')
rpc = f'<rpc {BASE} message-id="5"><get-config><source><running/></source><filter type="subtree"><top/></filter></get-config></rpc>'.encode()
doctype = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e "x">]><r>&e;</r>'
for name, m in [("hello", hello), ("reply-ok", reply_ok), ("reply-data", reply_data), ("reply-error", reply_error),
                ("notification", notification), ("rpc", rpc), ("doctype", doctype)]:
    put("xml", name, m)

# framing: selector bit 0 = chunked, bits 1-7 = read size - 1
EOM = b"]]>]]>"
def chunked(m, size):
    out = b""
    for i in range(0, len(m), size):
        c = m[i:i + size]
        out += b"\n#%d\n" % len(c) + c
    return out + b"\n##\n"
put("framing", "eom-hello-reply", b"\x00" + hello + EOM + reply_ok + EOM)
put("framing", "eom-split-delimiter", b"\x06" + reply_data + b"]]>]]" + EOM)
put("framing", "chunked-reply", b"\x01" + chunked(reply_ok, 7) + chunked(reply_error, 64))
put("framing", "chunked-big-read", b"\xff" + chunked(reply_data, 1000))
put("framing", "session-hello-then-chunked", b"\x10" + hello + EOM + chunked(reply_ok, 5))

# crp: datagrams as docs/crp.md lays them out (header, TLVs, optional HMAC-SHA256)
def crp(customer, product, addr, port, cpe=None, serial=None, keepalive=60, boot=1, seq=1, secret=None, extra=b""):
    flags = (1 if secret else 0) | (2 if serial else 0) | (4 if cpe else 0)
    tlv = lambda t, v: bytes([t, len(v)]) + v
    body = tlv(1, customer.encode())
    if cpe: body += tlv(2, cpe.encode())
    if serial: body += tlv(3, serial.encode())
    body += tlv(4, product.encode())
    fam = 4 if len(addr) == 4 else 6
    body += tlv(5, bytes([fam]) + struct.pack(">H", port) + addr)
    body += tlv(6, struct.pack(">I", keepalive)) + tlv(7, struct.pack(">I", boot)) + tlv(8, struct.pack(">Q", seq)) + extra
    total = 10 + len(body) + (32 if secret else 0)
    msg = b"CRPN" + bytes([1, 1, flags, 0]) + struct.pack(">H", total) + body
    if secret:
        msg += hmac.new(secret, msg, hashlib.sha256).digest()
    return msg
SECRET = b"fuzz-secret-0123456789"  # the harness's tenant secret
put("crp", "unsigned-v4", crp("tenant-a", "NXR-120", bytes([127, 0, 0, 1]), 830, cpe="dev1"))
put("crp", "signed-v4-serial", crp("tenant-a_1", "NXR-350", bytes([127, 0, 0, 2]), 22, cpe="dev_9", serial="99999999999",
                                   secret=SECRET, seq=2**40))
put("crp", "unsigned-v6", crp("t", "X", bytes(15) + b"\x01", 830, cpe="q"))
put("crp", "unknown-tlv", crp("t", "NXR-155", bytes([127, 0, 0, 1]), 830, cpe="x", extra=b"\x20\x03abc"))

# csv: selector '0' utf-8, '1' shift_jis, '2' euc-jp
guide = "".join(f"{c},{n},{p},メモ {i},{f},{flag}\n" for i, (c, n, p, f, flag) in enumerate([
    ("ochanomizu", "御茶ノ水", "NXR-120", "nxr1.xml", 0), ("suidobashi", "水道橋", "NXR-120", "nxr2.tgz", 1),
    ("iidabashi", "飯田橋", "NXR-120", "nxr3.config", 2), ("ichigaya", "市ヶ谷", "NXR-120", "nxr4.config", 3),
    ("ebisu", "恵比寿", "NXR-120", "nxr5.config", 4), ("shinjuku", "新宿", "NXR-155", "nxr6.config", 5),
    ("kichijoji", "吉祥寺", "NXR-130", "nxr7.config", 6)], start=1))
put("csv", "guide-utf8", b"0" + guide.encode())
put("csv", "guide-bom-crlf", b"0\xef\xbb\xbf" + guide.replace("\n", "\r\n").encode())
put("csv", "guide-sjis", b"1" + guide.encode("cp932"))
put("csv", "guide-eucjp", b"2" + guide.encode("euc_jp"))
put("csv", "quoted", b'0dev1,"a, ""quoted"" name",NXR-120,"multi\nline",,\n,,,,,\ndev1,dup,NXR-120,,,\n')

# zip: the guide's list with its config files
def zipped(entries, method=zipfile.ZIP_DEFLATED):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", method) as z:
        for name, data in entries:
            z.writestr(name, data)
    return b.getvalue()
files = [("devices.csv", guide.encode()), ("nxr1.xml", b"<config/>"), ("nxr2.tgz", b"tgz"), ("nxr3.config", b"c3"),
         ("nxr4.config", b"c4"), ("nxr6.config", b"c6"), ("nxr7.config", b"c7")]
put("zip", "guide-deflated", zipped(files))
put("zip", "guide-stored", zipped(files, zipfile.ZIP_STORED))
put("zip", "one-csv", zipped([("list.csv", b"dev1,D,NXR-120,,a.xml,1\n"), ("a.xml", b"<x/>")]))
