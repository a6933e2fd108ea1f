import ConfigArchive
import Foundation
import NETCONF
import NETCONFClient
import NXRModel

/// Why a config could not be fetched from or restored to a device; the message says what to do. Never holds a
/// password (URLs are shown with their password removed).
public struct ConfigTransferError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable {
        case tooLarge = "too-large"
        case badReply = "bad-reply"
        case transferFailed = "transfer-failed"
        case refused = "refused"
    }

    public var code: Code
    public var description: String

    public init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }
}

/// The device's config-backup / config-restore vendor RPCs (schemas/nxr.yang), inline or through an `ssh://` URL
/// the device itself transfers to / from (SPEC §4).
public enum ConfigTransfer {
    /// The vendor format of an archive format.
    static func format(_ format: ArchiveFormat) -> ConfigFormat {
        switch format {
        case .xml: .xml
        case .showConfig: .showConfig
        case .tgz: .tgz
        }
    }

    /// Fetches the running config in `format` inline. A file over 16 MiB is refused before it is decoded.
    public static func backup(_ session: any DeviceSession, format: ArchiveFormat, timeout: Duration? = nil)
        async throws -> [UInt8]
    {
        let reply = try await session.rpc(
            NXRRPC.configBackup(.init(format: Self.format(format))).xml(), timeout: timeout)
        guard let content = reply.body.first(where: { $0.name == "content" })?.text else {
            throw ConfigTransferError(.badReply, "the device's config-backup reply has no <content>")
        }
        // base64: 4 characters per 3 bytes (plus whitespace the device may wrap with).
        let compact = content.filter { !$0.isWhitespace }
        guard compact.utf8.count <= (ArchiveFormat.maxSize + 2) / 3 * 4 else {
            throw ConfigTransferError(
                .tooLarge,
                "the device sent a \(format.rawValue) config of about \(compact.utf8.count / 4 * 3) bytes, over the "
                    + "limit of \(ArchiveFormat.maxSize) bytes (16 MiB); nothing was archived")
        }
        guard let data = Data(base64Encoded: compact) else {
            throw ConfigTransferError(.badReply, "the device's config-backup content is not base64")
        }
        guard data.count <= ArchiveFormat.maxSize else {
            throw ConfigTransferError(
                .tooLarge,
                "the device sent a \(format.rawValue) config of \(data.count) bytes, over the limit of "
                    + "\(ArchiveFormat.maxSize) bytes (16 MiB); nothing was archived")
        }
        return [UInt8](data)
    }

    /// Asks the device to upload its config in `format` to `url` (an `ssh://` URL) with `password`.
    public static func backup(
        _ session: any DeviceSession, format: ArchiveFormat, url: String, password: String?, timeout: Duration? = nil
    ) async throws {
        let reply = try await session.rpc(
            NXRRPC.configBackup(.init(format: Self.format(format), url: url, password: password)).xml(),
            timeout: timeout)
        try Self.checkTransfer(reply, url: url)
    }

    /// What the device answered to a config-restore.
    public struct RestoreAnswer: Sendable, Equatable {
        /// The device accepted the file and reboots into it.
        public var rebooting: Bool
    }

    /// Sends `content` (inline) or has the device download `url`; the device answers, then reboots into it.
    public static func restore(
        _ session: any DeviceSession, format: ArchiveFormat, content: [UInt8]?, url: String? = nil,
        password: String? = nil, save: Bool, timeout: Duration? = nil
    ) async throws -> RestoreAnswer {
        let source: NXRRPC.ConfigRestore.Source
        if let content {
            source = .content(content)
        } else if let url {
            source = .url(url)
        } else {
            throw ConfigTransferError(.refused, "a restore needs a file or a URL")
        }
        let reply = try await session.rpc(
            NXRRPC.configRestore(.init(format: Self.format(format), source: source, password: password, save: save))
                .xml(),
            timeout: timeout)
        if let url { try Self.checkTransfer(reply, url: url) }
        let rebooting = reply.body.first { $0.name == "rebooting" }?.text.trimmingCharacters(in: .whitespaces) == "true"
        return RestoreAnswer(rebooting: rebooting)
    }

    private static func checkTransfer(_ reply: RPCReply, url: String) throws {
        let transfer = reply.body.first { $0.name == "transfer" }?.text.trimmingCharacters(in: .whitespaces)
        guard transfer == "done" else {
            let message = reply.body.first { $0.name == "message" }?.text ?? "no reason given"
            throw ConfigTransferError(
                .transferFailed,
                "the device could not transfer with \(SSHTarget.redacted(url)): \(Self.redact(message, url: url))")
        }
    }

    /// A device's message with any password it may echo taken out.
    static func redact(_ message: String, url: String) -> String {
        guard let password = SSHTarget.password(in: url), !password.isEmpty else { return message }
        return message.replacingOccurrences(of: password, with: "***")
    }
}

/// An external `ssh://account@host:port/path` source or target (SPEC §4), checked before it reaches a device.
public struct SSHTarget: Sendable, Hashable, CustomStringConvertible {
    public var account: String
    public var host: String
    public var port: Int
    public var path: String

    /// Parses `ssh://account@host[:port]/path` (≤255 characters, no password in the URL: it is a secret reference).
    public init(_ text: String) throws(ConfigTransferError) {
        guard text.count <= 255, text.hasPrefix("ssh://"),
            !text.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F })
        else {
            throw ConfigTransferError(
                .refused, "'\(Self.redacted(text))' is not an ssh://account@host:port/path URL of at most 255 characters")
        }
        let rest = text.dropFirst("ssh://".count)
        guard let at = rest.lastIndex(of: "@"), let slash = rest[at...].firstIndex(of: "/") else {
            throw ConfigTransferError(.refused, "'\(Self.redacted(text))' needs an account and a path: ssh://account@host:port/path")
        }
        let account = String(rest[..<at])
        guard !account.isEmpty, !account.contains(":") else {
            throw ConfigTransferError(
                .refused, "put no password in the URL: give it as a secret reference ({env: CMS_<TENANT>_…} or {file: …})")
        }
        let hostPort = rest[rest.index(after: at)..<slash]
        var host = String(hostPort)
        var port = 22
        if let colon = hostPort.lastIndex(of: ":"), !hostPort.hasSuffix("]") {
            host = String(hostPort[..<colon])
            guard let value = Int(hostPort[hostPort.index(after: colon)...]), (1...65535).contains(value) else {
                throw ConfigTransferError(.refused, "'\(text)' has a bad port")
            }
            port = value
        }
        let path = String(rest[slash...])
        guard !host.isEmpty, path.count > 1 else {
            throw ConfigTransferError(.refused, "'\(text)' needs a host and a file path")
        }
        self.account = account
        self.host = host
        self.port = port
        self.path = path
    }

    public var description: String { "ssh://\(account)@\(host):\(port)\(path)" }

    /// A URL as it may be shown: a password written into it (`account:password@`) replaced by `***`.
    public static func redacted(_ url: String) -> String {
        guard let password = password(in: url) else { return url }
        return url.replacingOccurrences(of: ":" + password + "@", with: ":***@")
    }

    static func password(in url: String) -> String? {
        guard url.hasPrefix("ssh://") else { return nil }
        let rest = url.dropFirst(6)
        guard let at = rest.lastIndex(of: "@") else { return nil }
        let userInfo = rest[..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return nil }
        return String(userInfo[userInfo.index(after: colon)...])
    }
}
