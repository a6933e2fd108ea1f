// nxr-validate-bench: what validating against schemas/nxr.yang (libyang) costs the simulator, in CPU µs.
// Usage: nxr-validate-bench [ROUNDS]   (bench/validate/run.sh builds it in release and runs it)
// Prints one figure per line (name value unit): the validator alone per edit and per whole datastore, and one
// apply as cmsd does it (edit-config on candidate, confirmed commit, confirming commit) through the engine,
// with and without validation.
import Foundation
import NETCONF
import NXRSim

func cpuMicroseconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) * 1e6 + Double(ts.tv_nsec) / 1e3
}

let rounds = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 2000 : 2000
let ns = SimModel.namespace
let identity = DeviceIdentity(
    deviceCode: "tokyo1", tenant: "century", product: "NXR-120", serial: "01234567890", hostname: "nxr-tokyo1",
    firmwareVersion: "21.7.3")
let factory = SimModel.defaultConfig(identity: identity, address: "127.0.0.2", port: 830, crpServer: "127.0.0.1:10625")

/// A baseline-sized edit: hostname, two interfaces (addresses, MTU, description).
func edit(_ round: Int) -> String {
    """
    <system xmlns="\(ns)"><hostname>nxr-\(round)</hostname></system>\
    <interfaces xmlns="\(ns)"><interface><name>ethernet0</name><description>LAN \(round)</description>\
    <mtu>\(1400 + round % 100)</mtu><ipv4><address><ip>192.168.0.254</ip><prefix-length>24</prefix-length>\
    </address></ipv4></interface><interface><name>ethernet2</name><description>cms-lan2</description>\
    <ipv4><address><ip>10.1.0.1</ip><prefix-length>24</prefix-length></address></ipv4>\
    </interface></interfaces>
    """
}

let validator = YANGValidator.shared
if let why = validator.unavailable {
    FileHandle.standardError.write(Data("nxr-validate-bench: \(why)\n".utf8))
    exit(1)
}
let editElements = try XML.parse("<config xmlns=\"\(NETCONFNamespace.base)\">\(edit(1))</config>").elements
var start = cpuMicroseconds()
for _ in 0..<rounds { precondition(validator.validate(edit: editElements).isEmpty) }
print("validate-edit \(String(format: "%.1f", (cpuMicroseconds() - start) / Double(rounds))) us")
start = cpuMicroseconds()
for _ in 0..<rounds { precondition(validator.validate(datastore: factory).isEmpty) }
print("validate-datastore \(String(format: "%.1f", (cpuMicroseconds() - start) / Double(rounds))) us")

/// One apply through the engine: lock-free edit on candidate, confirmed commit, confirming commit.
func applies(_ validator: any ConfigValidator) throws -> Double {
    var engine = NETCONFServerEngine(
        configuration: .init(validator: validator, vendorNamespaces: [ns]), running: factory)
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let (session, _) = engine.open(now: now)
    _ = engine.receive(
        session, FrameEncoder.frame(Hello(capabilities: [Capability.base10]).serialize(), mode: .endOfMessage),
        now: now)
    func rpc(_ body: String) {
        let text = "<rpc message-id=\"1\" xmlns=\"\(NETCONFNamespace.base)\">\(body)</rpc>"
        for case .send(_, let bytes) in engine.receive(session, FrameEncoder.frame(Array(text.utf8), mode: .endOfMessage), now: now) {
            precondition(!String(decoding: bytes, as: UTF8.self).contains("rpc-error"), "refused: \(body)")
        }
    }
    let start = cpuMicroseconds()
    for round in 0..<rounds {
        rpc("<edit-config><target><candidate/></target><config>\(edit(round))</config></edit-config>")
        rpc("<commit><confirmed/><confirm-timeout>120</confirm-timeout></commit>")
        rpc("<commit/>")
    }
    return (cpuMicroseconds() - start) / Double(rounds)
}
let without = try applies(AcceptingValidator())
let with = try applies(validator)
print("apply-without-validation \(String(format: "%.1f", without)) us")
print("apply-with-validation \(String(format: "%.1f", with)) us")
print("validation-per-apply \(String(format: "%.1f", with - without)) us")
