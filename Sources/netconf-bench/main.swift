// Throughput of the pure NETCONF module: framing decode/encode and XML parse/serialize.
// Prints one `name value` figure per line (see bench/netconf-framing/run.sh).
import NETCONF

func measure(_ repetitions: Int, _ body: () throws -> Void) rethrows -> Double {
    let clock = ContinuousClock()
    var best = Duration.seconds(1_000_000)
    for _ in 0..<repetitions {
        let elapsed = try clock.measure(body)
        best = min(best, elapsed)
    }
    let parts = best.components
    return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
}

struct BenchFailure: Error { var message: String }

func figure(_ name: String, _ value: Double) {
    print("\(name) \((value * 10).rounded() / 10)")
}

// A get-config reply of about 1 MB: interfaces with a few leaves each.
var interfaces: [XMLElement] = []
var index = 0
var document = ""
repeat {
    interfaces.append(
        XMLElement(
            "interface", namespace: "urn:nxr:interfaces",
            elements: [
                XMLElement("name", namespace: "urn:nxr:interfaces", text: "ethernet\(index)"),
                XMLElement("description", namespace: "urn:nxr:interfaces", text: "uplink <\(index)> & more"),
                XMLElement("mtu", namespace: "urn:nxr:interfaces", text: "1500"),
                XMLElement(
                    "ipv4", namespace: "urn:nxr:interfaces",
                    elements: [
                        XMLElement("address", namespace: "urn:nxr:interfaces", text: "10.\(index % 256).0.1/24")
                    ]),
            ]))
    index += 1
    if index % 500 == 0 {
        document = String(
            decoding: Reply.data(
                messageID: "1",
                [
                    XMLElement(
                        "interfaces", namespace: "urn:nxr:interfaces",
                        elements: interfaces)
                ]), as: UTF8.self)
    }
} while document.utf8.count < 1_000_000
let documentBytes = Array(document.utf8)
let megabytes = Double(documentBytes.count) / 1e6

let parse = try measure(10) { _ = try XML.parse(documentBytes) }
figure("xml_parse_1MB_ms", parse * 1000 / megabytes)
let tree = try XML.parse(documentBytes)
let serialize = measure(10) { _ = XML.serialize(tree) }
figure("xml_serialize_1MB_ms", serialize * 1000 / megabytes)
let reply = measure(10) { _ = try? RPCReply.parse(documentBytes) }
figure("rpc_reply_parse_1MB_ms", reply * 1000 / megabytes)

// 64 MiB of messages, each the 1 MB document, read in 32 KiB pieces as an SSH channel delivers them.
let messageCount = 64
for mode in [FramingMode.chunked, .endOfMessage] {
    var stream: [UInt8] = []
    var framedBytes = 0
    let encode = measure(3) {
        framedBytes = 0
        for _ in 0..<messageCount { framedBytes += FrameEncoder.frame(documentBytes, mode: mode).count }
    }
    for _ in 0..<messageCount { stream += FrameEncoder.frame(documentBytes, mode: mode) }
    var decoded = 0
    let decode = try measure(3) {
        var decoder = FrameDecoder(mode: mode)
        decoded = 0
        var start = 0
        while start < stream.count {
            let end = min(stream.count, start + 32 * 1024)
            decoded += try decoder.feed(stream[start..<end]).count
            start = end
        }
    }
    guard decoded == messageCount else { throw BenchFailure(message: "decoded \(decoded) of \(messageCount) messages") }
    let name = mode == .chunked ? "chunked" : "eom"
    figure("framing_\(name)_decode_MBps", Double(stream.count) / 1e6 / decode)
    figure("framing_\(name)_encode_MBps", Double(framedBytes) / 1e6 / encode)
}
