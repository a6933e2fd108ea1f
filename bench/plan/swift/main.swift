import CMSModel
import CMSPlan
import CMSReconcile
import Foundation
import NETCONF
import TenantSource

// plan-bench: the CPU cmsd spends on `cms plan` of a 10,000-device tenant (issue 17, target ≤ 1 s), in two phases:
//   load  — lint the tree and read every enforced baseline (what cmsd does with a fetched revision or a
//           `cms plan --local` tree; the git fetch itself is not measured),
//   plan  — per device: its managed parts, the read filter, and the diff against the device's running config
//           (already read: the NETCONF round trips run concurrently over the open sessions, not measured here).
// One device in 100 differs (MTU), so the plan has changes to render. Usage: plan-bench [DEVICES] [RUNS]

let arguments = CommandLine.arguments
let devices = arguments.count > 1 ? Int(arguments[1]) ?? 10_000 : 10_000
let runs = arguments.count > 2 ? Int(arguments[2]) ?? 3 : 3

func baseline(_ code: String, mtu: Int) -> String {
    """
    <?xml version="1.0" encoding="UTF-8"?>
    <config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
      <system xmlns="urn:cms:nxr:1.0">
        <hostname>\(code)</hostname>
      </system>
      <interfaces xmlns="urn:cms:nxr:1.0">
        <interface>
          <name>ethernet0</name>
          <description>LAN</description>
        </interface>
        <interface>
          <name>ppp0</name>
          <description>pppoe</description>
          <mtu>\(mtu)</mtu>
        </interface>
      </interfaces>
    </config>
    """
}

var tree: [String: Data] = [
    "tenant.yaml": Data("apiVersion: cms/v1\nkind: Tenant\ncode: bench\ntimeZone: Asia/Tokyo\n".utf8)
]
var running: [String: [XMLElement]] = [:]
for n in 0..<devices {
    let code = "nxr\(String(format: "%05d", n))"
    tree["devices/\(code).yaml"] = Data(
        """
        apiVersion: cms/v1
        kind: Device
        code: \(code)
        product: NXR-120
        configs:
          - file: baseline.xml
            type: xml
            enforce: true

        """.utf8)
    tree["configs/\(code)/baseline.xml"] = Data(baseline(code, mtu: 1454).utf8)
    // The device's running config as a <get-config> answer gives it: the <data> children.
    let observed = try XML.parse(baseline(code, mtu: n % 100 == 0 ? 1500 : 1454))
    running[code] = observed.elements
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

var loads: [Double] = []
var plans: [Double] = []
var cpus: [Double] = []
var changed = 0
for _ in 0..<runs {
    let cpuStart = cpuSeconds()
    let clock = ContinuousClock()
    let start = clock.now
    let revision = try await LocalRevision.load(tree, now: Timestamp(microsecondsSince1970: 0))
    guard let snapshot = revision.snapshot, revision.isApplicable else {
        print("the generated tenant does not lint clean: \(revision.diagnostics.prefix(3))")
        exit(1)
    }
    let loaded = clock.now
    changed = 0
    for device in snapshot.devices {
        let parts: [any ManagedPart] = try BaselinePart.parts(for: device, files: revision.files)
        _ = DevicePlanner.readFilter(parts)
        let changes = DevicePlanner.plan(device: device.code, parts: parts, observed: running[device.code] ?? [])
        if !changes.isEmpty { changed += 1 }
    }
    let planned = clock.now
    loads.append(seconds(loaded - start))
    plans.append(seconds(planned - loaded))
    cpus.append(cpuSeconds() - cpuStart)
}
func best(_ values: [Double]) -> String { String(format: "%.3f", values.min() ?? 0) }
print("plan_devices \(devices)")
print("plan_devices_changed \(changed)")
print("plan_load_seconds_best \(best(loads))   # lint + baselines")
print("plan_diff_seconds_best \(best(plans))   # parts + diff against the running configs")
print("plan_total_seconds_best \(best(zip(loads, plans).map { $0 + $1 }))   # target ≤ 1 s")
print("plan_cpu_seconds_best \(best(cpus))")
