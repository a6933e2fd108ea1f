import Crypto
import Foundation
import NIOCore
import NIOSSH
import _CryptoExtras

/// `aes128-ctr` with `hmac-sha2-256` (RFC 4344 + RFC 6668) as a NIO-SSH transport protection.
///
/// NIO-SSH only ships AES-GCM, which libssh2 1.10 (our client) and paramiko (ncclient) do not speak, so the
/// simulator adds this classic encrypt-and-MAC scheme beside the defaults. Each direction keeps its own 128-bit
/// big-endian counter; every `AES._CTR.encrypt` call starts at the current counter and the counter then advances by
/// the number of 16-byte blocks processed (SSH packets are always whole blocks). The MAC is
/// HMAC-SHA256(sequence number ‖ plaintext packet), sent in clear after the encrypted packet.
///
/// NIO-SSH creates a fresh instance per key exchange, but `updateKeys` resets everything anyway.
final class AES128CTRTransportProtection: NIOSSHTransportProtection, @unchecked Sendable {
    static let cipherName = "aes128-ctr"
    static let macName: String? = "hmac-sha2-256"
    static let cipherBlockSize = 16
    static let keySizes = ExpectedKeySizes(ivSize: 16, encryptionKeySize: 16, macKeySize: 32)

    private var outbound: Direction
    private var inbound: Direction

    var macBytes: Int { 32 }
    var lengthEncrypted: Bool { true }

    init(initialKeys: NIOSSHSessionKeys) throws {
        self.outbound = try Direction(
            key: initialKeys.outboundEncryptionKey, iv: initialKeys.initialOutboundIV, mac: initialKeys.outboundMACKey)
        self.inbound = try Direction(
            key: initialKeys.inboundEncryptionKey, iv: initialKeys.initialInboundIV, mac: initialKeys.inboundMACKey)
    }

    func updateKeys(_ newKeys: NIOSSHSessionKeys) throws {
        self.outbound = try Direction(
            key: newKeys.outboundEncryptionKey, iv: newKeys.initialOutboundIV, mac: newKeys.outboundMACKey)
        self.inbound = try Direction(
            key: newKeys.inboundEncryptionKey, iv: newKeys.initialInboundIV, mac: newKeys.inboundMACKey)
    }

    func decryptFirstBlock(_ source: inout ByteBuffer) throws {
        let start = source.readerIndex
        guard let block = source.getBytes(at: start, length: Self.cipherBlockSize) else {
            throw TransportProtectionError.badPacketLength
        }
        let plain = try self.inbound.crypt(block)
        source.setBytes(plain, at: start)
    }

    func decryptAndVerifyRemainingPacket(_ source: inout ByteBuffer, sequenceNumber: UInt32) throws -> ByteBuffer {
        // The buffer holds: length(4) ‖ rest of packet ‖ MAC(32); the first block is already plaintext.
        let start = source.readerIndex
        let total = source.readableBytes
        let packetBytes = total - self.macBytes
        guard packetBytes >= Self.cipherBlockSize, packetBytes % Self.cipherBlockSize == 0 else {
            throw TransportProtectionError.badPacketLength
        }
        let blockSize = Self.cipherBlockSize
        if packetBytes > blockSize {
            guard let cipher = source.getBytes(at: start + blockSize, length: packetBytes - blockSize) else {
                throw TransportProtectionError.badPacketLength
            }
            source.setBytes(try self.inbound.crypt(cipher), at: start + blockSize)
        }
        guard let packet = source.getBytes(at: start, length: packetBytes),
            let mac = source.getBytes(at: start + packetBytes, length: self.macBytes)
        else {
            throw TransportProtectionError.badPacketLength
        }
        var authenticated = HMAC<SHA256>(key: self.inbound.macKey)
        authenticated.update(data: Self.bigEndianBytes(sequenceNumber))
        authenticated.update(data: packet)
        let expected = Array(authenticated.finalize())
        guard zip(expected, mac).reduce(UInt8(0), { $0 | ($1.0 ^ $1.1) }) == 0, expected.count == mac.count else {
            throw TransportProtectionError.badMAC
        }
        let paddingLength = Int(packet[4])
        let payloadLength = packetBytes - 4 - 1 - paddingLength
        guard paddingLength >= 4, payloadLength >= 0 else {
            throw TransportProtectionError.badPadding
        }
        // Consume the whole packet including the MAC, return only the payload.
        source.moveReaderIndex(forwardBy: total)
        var payload = ByteBufferAllocator().buffer(capacity: payloadLength)
        payload.writeBytes(packet[5..<(5 + payloadLength)])
        return payload
    }

    func encryptPacket(_ destination: inout ByteBuffer, sequenceNumber: UInt32) throws {
        let start = destination.readerIndex
        let length = destination.readableBytes
        guard length % Self.cipherBlockSize == 0, let packet = destination.getBytes(at: start, length: length) else {
            throw TransportProtectionError.badPacketLength
        }
        var authenticated = HMAC<SHA256>(key: self.outbound.macKey)
        authenticated.update(data: Self.bigEndianBytes(sequenceNumber))
        authenticated.update(data: packet)
        let mac = Array(authenticated.finalize())
        destination.setBytes(try self.outbound.crypt(packet), at: start)
        destination.writeBytes(mac)
    }
}

/// Why a packet or key could not be used; NIO-SSH closes the connection on any of these.
enum TransportProtectionError: Error {
    case badPacketLength
    case badKeySize
    case badPadding
    case badMAC
}

extension AES128CTRTransportProtection {
    static func bigEndianBytes(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 255), UInt8(value >> 8 & 255), UInt8(value & 255)]
    }

    /// One direction's key material and running CTR counter.
    struct Direction {
        var key: SymmetricKey
        var macKey: SymmetricKey
        /// The 128-bit counter as big-endian halves.
        var high: UInt64
        var low: UInt64

        init(key: SymmetricKey, iv: [UInt8], mac: SymmetricKey) throws {
            guard key.bitCount == 128, iv.count == 16, mac.bitCount == 256 else {
                throw TransportProtectionError.badKeySize
            }
            self.key = key
            self.macKey = mac
            self.high = iv[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
            self.low = iv[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
        }

        var counterBytes: [UInt8] {
            var bytes = [UInt8](repeating: 0, count: 16)
            for index in 0..<8 {
                bytes[index] = UInt8(truncatingIfNeeded: self.high >> (56 - 8 * index))
                bytes[8 + index] = UInt8(truncatingIfNeeded: self.low >> (56 - 8 * index))
            }
            return bytes
        }

        /// Encrypts or decrypts whole blocks starting at the current counter, then advances it.
        mutating func crypt(_ bytes: [UInt8]) throws -> [UInt8] {
            let nonce = try AES._CTR.Nonce(nonceBytes: self.counterBytes)
            let out = try AES._CTR.encrypt(bytes, using: self.key, nonce: nonce)
            let blocks = UInt64(bytes.count / 16)
            let (sum, overflow) = self.low.addingReportingOverflow(blocks)
            self.low = sum
            if overflow { self.high &+= 1 }
            return Array(out)
        }
    }
}
