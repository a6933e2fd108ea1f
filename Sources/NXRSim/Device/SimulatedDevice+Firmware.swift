import Crypto
import Foundation
import NETCONF
import NIOCore

/// A simulated firmware image: a first line `NXR-FIRMWARE product=NXR-120 version=5.26.0`, then any bytes.
public struct FirmwareImageHeader: Sendable, Equatable {
    public var product: String
    public var version: String

    public init(product: String, version: String) {
        self.product = product
        self.version = version
    }

    /// The header line ending in a newline (tests and demos build images with it).
    public var line: String { "NXR-FIRMWARE product=\(self.product) version=\(self.version)\n" }

    /// Reads the header of an image; nil when the first line is not one.
    public static func parse(_ image: [UInt8]) -> FirmwareImageHeader? {
        let firstLine = image.prefix(while: { $0 != UInt8(ascii: "\n") }).prefix(200)
        let words = String(decoding: firstLine, as: UTF8.self).split(separator: " ")
        guard words.first == "NXR-FIRMWARE" else { return nil }
        var fields: [String: String] = [:]
        for word in words.dropFirst() {
            let pair = word.split(separator: "=", maxSplits: 1)
            if pair.count == 2 { fields[String(pair[0])] = String(pair[1]) }
        }
        guard let product = fields["product"], let version = fields["version"], !version.isEmpty else { return nil }
        return FirmwareImageHeader(product: product, version: version)
    }
}

extension SimulatedDevice {
    func firmwareUpdate(_ operation: XMLElement, session: UInt32, messageID: String?, attributes: [XMLAttribute]) {
        let ns = SimModel.namespace
        let fail = { (error: RPCError) in
            self.reply(session, Reply.errors(messageID: messageID, [error], attributes: attributes))
        }
        let leaves = { (pairs: [(String, String)]) in
            self.reply(
                session,
                Reply.body(
                    messageID: messageID, pairs.map { XMLElement($0.0, namespace: ns, text: $0.1) },
                    attributes: attributes))
        }
        guard let url = operation.child("url")?.text.trimmed, !url.isEmpty else {
            fail(ServerError.missingElement("url", in: "firmware-update"))
            return
        }
        guard let sha256 = operation.child("sha256")?.text.trimmed.lowercased(), sha256.count == 64,
            sha256.allSatisfy(\.isHexDigit)
        else {
            fail(ServerError.invalidValue("firmware-update sha256 must be 64 hex digits"))
            return
        }
        let mode = operation.child("mode")?.text.trimmed ?? "normal"
        guard ["normal", "background", "no-reboot"].contains(mode) else {
            fail(
                ServerError.invalidValue("firmware-update mode must be normal, background or no-reboot, not '\(mode)'"))
            return
        }
        let product = self.settings.identity.product
        if mode != "normal" && DeviceIdentity.products[product] != true {
            fail(ServerError.operationNotSupported("firmware-update mode \(mode) on \(product)"))
            return
        }
        var sftp: SFTPTransfer?
        if url.hasPrefix("ssh://") {
            do {
                sftp = try SFTPTransfer(url: url, password: operation.child("password")?.text ?? "")
            } catch {
                fail(ServerError.invalidValue("firmware-update url: \(error)"))
                return
            }
        } else if LoopbackHTTPDownload.parse(url) == nil {
            fail(
                ServerError.invalidValue(
                    "firmware-update url must be http:// or ssh:// to a loopback address, not \(url)"))
            return
        }
        self.log("firmware: update from \(sftp?.redacted ?? url) (mode \(mode))")
        if mode == "background" { leaves([]) }

        let download: EventLoopFuture<[UInt8]>
        if self.faults.firmwareTransferFailure {
            download = self.eventLoop.makeFailedFuture(
                LoopbackHTTPDownload.Failure(description: "transfer interrupted (injected fault)"))
        } else if let sftp {
            download = sftp.download(on: self.eventLoop).map { result in
                self.log("firmware: sftp host key \(result.hostKey) trusted (a simulated router trusts any host)")
                return result.bytes
            }
        } else {
            download = LoopbackHTTPDownload.get(url, on: self.eventLoop)
        }
        download.whenComplete { result in
            var outcome: Result<FirmwareImageHeader, RPCError>
            var transferError: String?
            switch result {
            case .failure(let error):
                transferError = "\(error)"
                outcome = .failure(ServerError.operationFailed("\(error)"))
            case .success(let image):
                let digest = SHA256.hash(data: image).map { String(format: "%02x", $0) }.joined()
                if digest != sha256 {
                    transferError = "sha256 mismatch: got \(digest)"
                    outcome = .failure(ServerError.operationFailed("sha256 mismatch"))
                } else if let header = FirmwareImageHeader.parse(image) {
                    if header.product != product {
                        var error = ServerError.invalidValue(
                            "the image is for \(header.product), this device is \(product)")
                        error.appTag = "wrong-product"
                        outcome = .failure(error)
                    } else {
                        outcome = .success(header)
                    }
                } else {
                    transferError = "not an NXR firmware image"
                    outcome = .failure(ServerError.operationFailed("not an NXR firmware image"))
                }
            }
            self.finishFirmwareUpdate(
                outcome, transferError: transferError, mode: mode, leaves: leaves, fail: fail)
        }
    }

    private func finishFirmwareUpdate(
        _ outcome: Result<FirmwareImageHeader, RPCError>, transferError: String?, mode: String,
        leaves: ([(String, String)]) -> Void, fail: (RPCError) -> Void
    ) {
        switch outcome {
        case .success(let header):
            self.log("firmware: transfer done, version \(header.version)")
            self.firmwareFlashes += 1
            do {
                try DeviceStateStore(directory: self.settings.stateDirectory).saveFirmwareVersion(header.version)
            } catch {
                self.logger.error(
                    "cannot save firmware version", metadata: ["device.code": "\(self.name)", "error": "\(error)"])
            }
            switch mode {
            case "background":
                self.notifyFirmwareTransfer(status: "done", version: header.version)
                self.pendingFirmware = header.version
                self.eventLoop.scheduleTask(in: .milliseconds(200)) { self.reboot(reason: "firmware update") }
            case "no-reboot":
                self.pendingFirmware = header.version
                leaves([("transfer", "done"), ("version", header.version), ("rebooting", "false")])
            default:
                self.pendingFirmware = header.version
                leaves([("transfer", "done"), ("version", header.version), ("rebooting", "true")])
                self.eventLoop.scheduleTask(in: .milliseconds(200)) { self.reboot(reason: "firmware update") }
            }
        case .failure(let error):
            self.log("firmware: transfer failed: \(transferError ?? error.message ?? "refused")")
            if mode == "background" {
                self.notifyFirmwareTransfer(status: "failed", version: nil)
            } else if let transferError {
                leaves([("transfer", "failed"), ("rebooting", "false"), ("message", transferError)])
            } else {
                fail(error)
            }
        }
    }

    func notifyFirmwareTransfer(status: String, version: String?) {
        let ns = SimModel.namespace
        var children: [XMLNode] = [.element(XMLElement("status", namespace: ns, text: status))]
        if let version { children.append(.element(XMLElement("version", namespace: ns, text: version))) }
        self.perform(
            self.engine.notifySubscribers(
                XMLElement("firmware-transfer", namespace: ns, children: children), now: self.clock.now()))
    }
}
