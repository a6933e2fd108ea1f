import Testing

@testable import NETCONF

/// Mutated and random input must end in a typed error or a value — never a crash or a hang.
@Suite("Robustness against mutated input")
struct RobustnessTests {
    static let samples: [[UInt8]] = [
        Hello(capabilities: [Capability.base10, Capability.base11], sessionID: 9).serialize(),
        RPC.envelope(
            messageID: "1",
            operation: Operation.editConfig(
                target: .candidate,
                config: XMLElement(
                    "top", namespace: "urn:t",
                    attributes: [XMLAttribute(name: "operation", namespace: NETCONFNamespace.base, value: "replace")],
                    elements: [XMLElement("a", namespace: "urn:t", text: "x & y")]))),
        Reply.errors(messageID: "2", [RPCError.lockDenied(heldBy: 4), RPCError.missingAttribute("x", element: "y")]),
        Reply.notification(eventTime: "2026-01-01T00:00:00Z", XMLElement("event", namespace: "urn:e", text: "1")),
    ]

    @Test func mutatedMessagesNeverCrashTheParsers() {
        var generator = SeededRandom(seed: 99)
        let interesting: [UInt8] = Array("<>&;\"'=/:![]?#-\n ".utf8) + [0, 0xFF, 0xC3, 0x80]
        var outcomes = [0, 0]  // parsed, refused
        for _ in 0..<3000 {
            var message = Self.samples.randomElement(using: &generator)!
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let index = Int.random(in: 0..<message.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: message[index] = interesting.randomElement(using: &generator)!
                case 1: message.remove(at: index)
                default: message.insert(interesting.randomElement(using: &generator)!, at: index)
                }
            }
            let parsed = (try? XML.parse(message)) != nil
            outcomes[parsed ? 0 : 1] += 1
            _ = try? Hello.parse(message)
            _ = try? RPCReply.parse(message)
            _ = try? IncomingRPC.parse(message)
        }
        // Both outcomes occur, so the mutations really reach the parser's error paths.
        #expect(outcomes[0] > 0 && outcomes[1] > 0)
    }

    @Test(arguments: [FramingMode.endOfMessage, .chunked])
    func randomBytesNeverCrashTheDecoder(mode: FramingMode) {
        var generator = SeededRandom(seed: mode == .chunked ? 5 : 6)
        let alphabet: [UInt8] = Array("\n#0123456789]>ab".utf8)
        var failures = 0
        for _ in 0..<2000 {
            var decoder = FrameDecoder(mode: mode, maxMessageSize: 64)
            let length = Int.random(in: 1...80, using: &generator)
            let input = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            do {
                for message in try decoder.feed(input) { #expect(message.count <= 64) }
            } catch {
                failures += 1
            }
        }
        #expect(failures > 0)
    }
}
