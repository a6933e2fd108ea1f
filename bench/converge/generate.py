#!/usr/bin/python3
"""Writes the tenant repository of bench/converge: N devices, each with an enforced baseline XML config.

    generate.py REPO N REVISION [--sim-shards DIR --shard SIZE]

REPO/tenant.yaml, REPO/devices/<code>.yaml (product NXR-120, configs: baseline.xml enforce: true) and
REPO/configs/<code>/baseline.xml: the device's hostname and the description of ethernet0, which carries
REVISION ("bench revision 2"), so that re-running with another REVISION changes every device's baseline
and nothing else. With --sim-shards, DIR/<k>/ gets tenant.yaml and the Device documents of shard k
(at most SIZE devices each, in code order) for `nxr-sim fleet --from-repo` — one simulator process per shard.
"""
import argparse
import pathlib

TENANT = """apiVersion: cms/v1
kind: Tenant
code: bench
name: converge benchmark
timeZone: UTC
drift: correct
crpSecret: {env: CMS_BENCH_CRP_SECRET}
rollout:
  maxConcurrent: 40
"""

DEVICE = """apiVersion: cms/v1
kind: Device
code: {code}
product: NXR-120
configs:
  - file: baseline.xml
    enforce: true
"""

BASELINE = """<?xml version="1.0" encoding="UTF-8"?>
<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
  <system xmlns="urn:cms:nxr:1.0">
    <hostname>{code}</hostname>
  </system>
  <interfaces xmlns="urn:cms:nxr:1.0">
    <interface>
      <name>ethernet0</name>
      <description>bench revision {revision}</description>
    </interface>
  </interfaces>
</config>
"""


def code(index: int) -> str:
    return f"b{index:05d}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("repo", type=pathlib.Path)
    parser.add_argument("count", type=int)
    parser.add_argument("revision")
    parser.add_argument("--sim-shards", type=pathlib.Path)
    parser.add_argument("--shard", type=int, default=2500)
    args = parser.parse_args()
    if not 1 <= args.count <= 99_999:
        parser.error("count must be 1-99999")

    codes = [code(i) for i in range(1, args.count + 1)]
    (args.repo / "devices").mkdir(parents=True, exist_ok=True)
    (args.repo / "tenant.yaml").write_text(TENANT)
    for c in codes:
        device = args.repo / "devices" / f"{c}.yaml"
        if not device.exists():
            device.write_text(DEVICE.format(code=c))
        folder = args.repo / "configs" / c
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "baseline.xml").write_text(BASELINE.format(code=c, revision=args.revision))

    if args.sim_shards:
        for k in range(0, len(codes), args.shard):
            shard = args.sim_shards / str(k // args.shard)
            (shard / "devices").mkdir(parents=True, exist_ok=True)
            (shard / "tenant.yaml").write_text(TENANT)
            for c in codes[k:k + args.shard]:
                (shard / "devices" / f"{c}.yaml").write_text(DEVICE.format(code=c))


if __name__ == "__main__":
    main()
