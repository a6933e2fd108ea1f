import Foundation
import Yams

/// Builds the settings of a fleet's devices: from a count and an address prefix, or from a tenant repository.
public enum FleetPlan {
    /// `count` devices named `<codePrefix><n>` on consecutive loopback addresses from `prefix`.
    public static func fromCount(
        count: Int, prefix: String, codePrefix: String = "sim", tenant: String, product: String,
        port: Int, stateRoot: URL, authorized: AuthorizedKeys, crpServer: String?, firmwareVersion: String = "21.7.3"
    ) throws(SimError) -> [SimulatedDevice.Settings] {
        guard count > 0 else { throw SimError(code: .badArgument, message: "--count must be at least 1") }
        guard DeviceIdentity.products[product] != nil else {
            throw SimError(
                code: .badArgument,
                message:
                    "unknown product \(product); use one of \(DeviceIdentity.products.keys.sorted().joined(separator: ", "))"
            )
        }
        var result: [SimulatedDevice.Settings] = []
        result.reserveCapacity(count)
        for index in 0..<count {
            guard let address = LoopbackAddress.adding(index + 1, to: prefix) else {
                throw SimError(
                    code: .notLoopback,
                    message: "\(prefix) + \(index + 1) leaves 127.0.0.0/8; use a lower prefix or count")
            }
            let code = "\(codePrefix)\(index + 1)"
            result.append(
                Self.settings(
                    code: code, tenant: tenant, product: product, address: address, port: port, stateRoot: stateRoot,
                    authorized: authorized, crpServer: crpServer, firmwareVersion: firmwareVersion))
        }
        return result
    }

    /// One device per `kind: Device` document of a tenant repository, on consecutive addresses from `prefix`.
    public static func fromRepo(
        _ repo: URL, prefix: String, port: Int, stateRoot: URL, authorized: AuthorizedKeys, crpServer: String?,
        firmwareVersion: String = "21.7.3"
    ) throws(SimError) -> [SimulatedDevice.Settings] {
        var tenant: String?
        var devices: [(code: String, product: String)] = []
        let files = Self.yamlFiles(in: repo)
        for file in files {
            let text: String
            do {
                text = try String(contentsOf: file, encoding: .utf8)
            } catch {
                throw SimError(code: .badRepo, message: "\(file.path): cannot read (\(error))")
            }
            let documents: [Any]
            do {
                documents = Array(try Yams.load_all(yaml: text))
            } catch {
                throw SimError(
                    code: .badRepo, message: "\(file.path): not YAML (\(error)); run cms-lint on the repository")
            }
            for case let document as [String: Any] in documents {
                switch document["kind"] as? String {
                case "Tenant":
                    tenant = document["code"] as? String
                case "Device":
                    guard let code = document["code"] as? String, let product = document["product"] as? String else {
                        throw SimError(code: .badRepo, message: "\(file.path): a Device needs code and product")
                    }
                    if document["suspended"] as? Bool != true { devices.append((code, product)) }
                default:
                    continue
                }
            }
        }
        guard let tenant else {
            throw SimError(code: .badRepo, message: "\(repo.path): no `kind: Tenant` document found")
        }
        var result: [SimulatedDevice.Settings] = []
        for (index, device) in devices.sorted(by: { $0.code < $1.code }).enumerated() {
            guard let address = LoopbackAddress.adding(index + 1, to: prefix) else {
                throw SimError(code: .notLoopback, message: "\(prefix) + \(index + 1) leaves 127.0.0.0/8")
            }
            result.append(
                Self.settings(
                    code: device.code, tenant: tenant, product: device.product, address: address, port: port,
                    stateRoot: stateRoot, authorized: authorized, crpServer: crpServer, firmwareVersion: firmwareVersion
                ))
        }
        return result
    }

    /// One device with exactly this code, address and state folder.
    public static func single(
        code: String, tenant: String, product: String, address: String, port: Int, stateDirectory: URL,
        authorized: AuthorizedKeys, crpServer: String?, firmwareVersion: String = "21.7.3"
    ) throws(SimError) -> SimulatedDevice.Settings {
        guard LoopbackAddress.isLoopback(address) else {
            throw SimError(code: .notLoopback, message: "\(address) is not a loopback address")
        }
        guard DeviceIdentity.products[product] != nil else {
            throw SimError(code: .badArgument, message: "unknown product \(product)")
        }
        var settings = Self.settings(
            code: code, tenant: tenant, product: product, address: address, port: port,
            stateRoot: stateDirectory, authorized: authorized, crpServer: crpServer, firmwareVersion: firmwareVersion)
        settings.stateDirectory = stateDirectory
        return settings
    }

    static func settings(
        code: String, tenant: String, product: String, address: String, port: Int, stateRoot: URL,
        authorized: AuthorizedKeys, crpServer: String?, firmwareVersion: String
    ) -> SimulatedDevice.Settings {
        let isSerial = code.count == 11 && code.allSatisfy(\.isNumber)
        let identity = DeviceIdentity(
            deviceCode: isSerial ? nil : code, tenant: tenant, product: product,
            serial: isSerial ? code : DeviceIdentity.serial(for: tenant + "/" + code),
            hostname: "nxr-" + code.replacingOccurrences(of: "_", with: "-"), firmwareVersion: firmwareVersion)
        return SimulatedDevice.Settings(
            identity: identity, address: address, port: port,
            stateDirectory: stateRoot.appendingPathComponent(code, isDirectory: true), authorized: authorized,
            crpServer: crpServer)
    }

    static func yamlFiles(in repo: URL) -> [URL] {
        guard
            let enumerator = FileManager.default.enumerator(
                at: repo, includingPropertiesForKeys: nil, options: [.skipsHiddenFiles])
        else { return [] }
        var files: [URL] = []
        for case let url as URL in enumerator {
            let relative = url.path.dropFirst(repo.path.count)
            if relative.hasPrefix("/configs/") { continue }
            if url.pathExtension == "yaml" || url.pathExtension == "yml" { files.append(url) }
        }
        return files.sorted { $0.path < $1.path }
    }
}
