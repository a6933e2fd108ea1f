#!/usr/bin/env python3
"""Writes a tenant repository with N devices (one file each) and G groups into a folder.

Usage: generate.py DIR [DEVICES] [GROUPS]
Groups alternate between ipsec-mesh (with WAN/LAN per member), ipsec-star (center, backup,
spokes with backup interfaces), and plain groups; every device is in one group; a third of the
devices carry a config file flagged auto-config, so config-file existence is checked too.
"""
import os
import sys

root = sys.argv[1]
devices = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
groups = int(sys.argv[3]) if len(sys.argv) > 3 else 128
products = ["NXR-120", "NXR-125", "NXR-130", "NXR-155", "NXR-230", "NXR-350", "NXR-1200"]

os.makedirs(os.path.join(root, "devices"), exist_ok=True)
os.makedirs(os.path.join(root, "groups"), exist_ok=True)

def write(path, text):
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w", encoding="utf-8") as f:
        f.write(text)

write("tenant.yaml", """apiVersion: cms/v1
kind: Tenant
code: bench
name: Bench tenant
timeZone: Asia/Tokyo
ike: {encryption: aes128, dhGroup: 14, lifetime: 10800, dpd: {interval: 30, retries: 3}}
""")
write("mail.yaml", """apiVersion: cms/v1
kind: Mail
subject: "[CMS] up/down"
servers:
  - {name: primary, host: 127.0.0.1, port: 25, from: cms@example.jp}
addressBook: [{name: noc, address: noc@example.jp}]
monitorRecipients: [noc]
""")
firmware = []
for i, product in enumerate(products):
    firmware.append(f"""apiVersion: cms/v1
kind: Firmware
name: fw-{product.lower()}
product: {product}
version: 6.0.{i}
url: http://127.0.0.1:8080/{product}.bin
sha256: {('%064x' % (i + 1))}
""")
write("firmware.yaml", "---\n".join(firmware))

codes = []
for n in range(devices):
    code = f"nxr{n:05d}"
    codes.append(code)
    product = products[n % len(products)]
    text = f"""apiVersion: cms/v1
kind: Device
code: {code}
name: 拠点 {n}
product: {product}
note: generated
"""
    if n % 3 == 0:
        text += "configs:\n  - {file: boot.xml, autoConfig: true, schedule: true}\n"
        write(f"configs/{code}/boot.xml", "<config/>\n")
    write(f"devices/{code}.yaml", text)


for g in range(groups):
    members = codes[g::groups]
    kind = ["ipsec-mesh", "ipsec-star", "none"][g % 3]
    if g == 0:
        kind = "monitor"
    lines = [f"apiVersion: cms/v1\nkind: Group\nname: group-{g:03d}\ntype: {kind}\nmembers:\n"]
    for i, code in enumerate(members):
        if kind in ("none", "monitor"):
            lines.append(f"  - device: {code}\n")
        elif kind == "ipsec-mesh":
            lines.append(f"  - {{device: {code}, wan: ppp0, lan: 10.{g}.{i % 256}.0/24}}\n")
        else:
            role = "center" if i == 0 else "backup" if i == 1 else "spoke"
            extra = f", backupWan: ppp1, backupLan: 10.{g + 128}.{i % 256}.0/24" if role == "spoke" else ""
            lines.append(f"  - {{device: {code}, role: {role}, wan: ppp0, lan: 10.{g}.{i % 256}.0/24{extra}}}\n")
    write(f"groups/group-{g:03d}.yaml", "".join(lines))

schedules = []
for s in range(10):
    schedules.append(f"""apiVersion: cms/v1
kind: Schedule
name: syslog-{s}
command: fetch-syslog
target: {{group: group-{s:03d}}}
when: {{hour: {s}, minute: 0}}
""")
write("schedules.yaml", "---\n".join(schedules))
