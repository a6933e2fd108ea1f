// ipsec-bench: times the IPsec compiler on a 1,000-spoke star (with a backup center) and a 64-member mesh.
// Prints one figure per line: the median wall-clock milliseconds of RUNS compilations (default 7), then the
// median CPU milliseconds of this process for the same runs (what a loaded machine cannot inflate).
import CMSModel
import CMSPlan
import Foundation

let runs = max(1, Int(CommandLine.arguments.dropFirst().first ?? "") ?? 7)
let compiler = IPsecCompiler(psk: try PSKDerivation(secret: Array("bench-secret-0123456789abcdef".utf8)))

func code(_ prefix: String, _ i: Int) -> String {
    let digits = String(i)
    return prefix + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}

func lan(_ i: Int) -> LANNetwork { .network(address: "10.\(i / 256).\(i % 256).0", prefixLength: 24) }

func address(_ i: Int) -> PeerAddress { PeerAddress(ipv4: "100.\(64 + i / 65536).\(i / 256 % 256).\(i % 256)") }

func starTenant(spokes: Int) -> (TenantSnapshot, [DeviceCode: PeerAddress]) {
    var members = [
        Member(device: "center", role: .center, wan: "ppp0", lan: .network(address: "172.16.0.0", prefixLength: 16)),
        Member(device: "backup", role: .backup, wan: "ppp0", lan: .network(address: "172.16.0.0", prefixLength: 16)),
    ]
    var addresses: [DeviceCode: PeerAddress] = ["center": address(1), "backup": address(2)]
    for i in 0..<spokes {
        let c = code("spoke", i)
        members.append(Member(device: c, wan: "ppp0", lan: lan(i), backupWan: "ppp0", backupLan: lan(i)))
        if i % 2 == 0 { addresses[c] = address(10 + i) }  // half the spokes have announced themselves
    }
    let devices = members.map { Device(code: $0.device, product: .nxr120) }.sorted { $0.code < $1.code }
    let group = Group(name: "star", type: .ipsecStar, ipsec: IPsecParameters(), members: members)
    return (
        TenantSnapshot(tenant: Tenant(code: "bench", timeZone: "UTC"), devices: devices, groups: [group]), addresses
    )
}

func meshTenant(members count: Int) -> (TenantSnapshot, [DeviceCode: PeerAddress]) {
    let members = (0..<count).map { Member(device: code("site", $0), wan: "ppp0", lan: lan($0)) }
    let addresses = Dictionary(uniqueKeysWithValues: members.indices.map { (members[$0].device, address($0)) })
    let devices = members.map { Device(code: $0.device, product: .nxr120) }
    let group = Group(name: "mesh", type: .ipsecMesh, ipsec: IPsecParameters(), members: members)
    return (
        TenantSnapshot(tenant: Tenant(code: "bench", timeZone: "UTC"), devices: devices, groups: [group]), addresses
    )
}

func cpuMilliseconds() -> Double { Double(clock()) * 1000 / Double(CLOCKS_PER_SEC) }

func medianMilliseconds(_ label: String, _ tenant: (TenantSnapshot, [DeviceCode: PeerAddress]), expect: Int)
    -> (wall: Double, cpu: Double)
{
    let clock = ContinuousClock()
    var times: [Double] = []
    var cpus: [Double] = []
    for _ in 0..<runs {
        var result: IPsecCompilation?
        let cpuStart = cpuMilliseconds()
        let elapsed = clock.measure { result = compiler.compile(snapshot: tenant.0, addresses: tenant.1) }
        let policies = result?.devices.values.reduce(0) { $0 + $1.ipsecPolicies.count } ?? 0
        if policies != expect {
            print("\(label): expected \(expect) IPsec policies, got \(policies)")
            exit(1)
        }
        cpus.append(cpuMilliseconds() - cpuStart)
        times.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
    }
    return (times.sorted()[times.count / 2], cpus.sorted()[cpus.count / 2])
}

let star = medianMilliseconds("star", starTenant(spokes: 1000), expect: 4 * 1000)
let mesh = medianMilliseconds("mesh", meshTenant(members: 64), expect: 64 * 63)
print("ipsec_compile_star_1000_ms " + String(format: "%.1f", star.wall))
print("ipsec_compile_mesh_64_ms " + String(format: "%.1f", mesh.wall))
print("ipsec_compile_star_1000_cpu_ms " + String(format: "%.1f", star.cpu))
print("ipsec_compile_mesh_64_cpu_ms " + String(format: "%.1f", mesh.cpu))
