import CRP
import Testing

@Suite("CRP decoder robustness")
struct CRPFuzzTests {
    @Test(
        "every strict prefix of a valid message is refused, as sent and with its length patched",
        arguments: [false, true])
    func truncationAtEveryOffset(signed: Bool) throws {
        let secret: [UInt8]? = signed ? Examples.secret : nil
        let full = try CRPCodec.encode(Examples.signedIPv4, secret: secret)
        for cut in 0..<full.count {
            let prefix = Array(full.prefix(cut))
            #expect(throws: CRPError.self) { try CRPCodec.decode(prefix, secretFor: { _ in secret }) }
            if cut >= CRPWire.headerSize {
                var patched = prefix
                patched[8] = UInt8(cut >> 8)
                patched[9] = UInt8(cut & 0xFF)
                #expect(throws: CRPError.self, "prefix \(cut) with patched length was accepted") {
                    try CRPCodec.decode(patched, secretFor: { _ in secret })
                }
            }
        }
    }

    @Test("no single bit flip of a signed message is accepted")
    func everySingleBitFlipOfSignedMessageIsRefused() throws {
        let full = try CRPCodec.encode(Examples.signedIPv4, secret: Examples.secret)
        for index in full.indices {
            for bit in 0..<8 {
                var tampered = full
                tampered[index] ^= 1 << bit
                #expect(throws: CRPError.self, "flip of byte \(index) bit \(bit) was accepted") {
                    try CRPCodec.decode(tampered, secretFor: { _ in Examples.secret })
                }
            }
        }
    }

    @Test("random multi-bit tampering of signed messages never passes and never crashes")
    func randomTamperingOfSignedMessages() throws {
        var rng = SeededGenerator(seed: 0xC0FFEE)
        let originals = try [Examples.signedIPv4, Examples.unsignedIPv6Serial].map {
            try CRPCodec.encode($0, secret: Examples.secret)
        }
        var refused = 0
        for round in 0..<20_000 {
            var bytes = originals[round % 2]
            let flips = Int.random(in: 1...6, using: &rng)
            for _ in 0..<flips {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
            }
            if bytes == originals[round % 2] { continue }
            do {
                let decoded = try CRPCodec.decode(bytes, secretFor: { _ in Examples.secret })
                Issue.record("tampered signed message accepted: \(decoded)")
            } catch {
                refused += 1
            }
        }
        #expect(refused > 19_000)
    }

    @Test("random bytes and mutated unsigned messages never crash; accepted ones re-encode consistently")
    func randomInputs() throws {
        var rng = SeededGenerator(seed: 42)
        let valid = try CRPCodec.encode(Examples.signedIPv4, secret: nil)
        var accepted = 0
        for round in 0..<30_000 {
            var bytes: [UInt8]
            switch round % 3 {
            case 0:
                bytes = (0..<Int.random(in: 0...1300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            case 1:
                // A valid header followed by random TLV soup, with a matching length field.
                let body = (0..<Int.random(in: 0...200, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng)
                }
                bytes = Array(valid.prefix(8)) + [0, 0] + body
                bytes[8] = UInt8(bytes.count >> 8)
                bytes[9] = UInt8(bytes.count & 0xFF)
            default:
                bytes = valid
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    bytes[Int.random(in: 10..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
            }
            if let decoded = try? CRPCodec.decode(bytes, secretFor: { _ in nil }) {
                accepted += 1
                let again = try CRPCodec.encode(decoded.announcement, secret: nil)
                #expect(try CRPCodec.decode(again, secretFor: { _ in nil }).announcement == decoded.announcement)
            }
        }
        // Mutations of the valid message that hit only values (e.g. the sequence) still decode.
        #expect(accepted > 0)
    }
}
