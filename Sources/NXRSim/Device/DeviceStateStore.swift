import Foundation
import NETCONF

/// A device's state folder: `running.xml`, `startup.xml`, `firmware-version`, and the host key seed.
struct DeviceStateStore {
    enum Datastore: String {
        case running, startup
    }

    let directory: URL

    func url(_ which: Datastore) -> URL {
        self.directory.appendingPathComponent("\(which.rawValue).xml")
    }

    func load(_ which: Datastore) throws(SimError) -> XMLElement? {
        let url = self.url(which)
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        do {
            let root = try XML.parse(Array(data))
            guard root.name == "data" else {
                throw SimError(
                    code: .badStateFile, message: "\(url.path): the root element must be <data>, not <\(root.name)>")
            }
            return root
        } catch let error as SimError {
            throw error
        } catch {
            throw SimError(
                code: .badStateFile, message: "\(url.path): \(error); delete the file to start from the factory config")
        }
    }

    func save(_ root: XMLElement, as which: Datastore) throws {
        let text = XML.serialize(root, pretty: true, declaration: true)
        try Data(text.utf8).write(to: self.url(which), options: .atomic)
    }

    func loadFirmwareVersion() throws(SimError) -> String? {
        let url = self.directory.appendingPathComponent("firmware-version")
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    func loadBootID() throws(SimError) -> Int {
        let url = self.directory.appendingPathComponent("boot-id")
        guard let data = FileManager.default.contents(atPath: url.path) else { return 0 }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let value = Int(text), value >= 0 else {
            throw SimError(code: .badStateFile, message: "\(url.path): not a boot counter ('\(text)'); delete it")
        }
        return value
    }

    func saveBootID(_ value: Int) throws {
        try Data("\(value)\n".utf8).write(to: self.directory.appendingPathComponent("boot-id"), options: .atomic)
    }

    func saveFirmwareVersion(_ version: String) throws {
        try Data((version + "\n").utf8).write(
            to: self.directory.appendingPathComponent("firmware-version"), options: .atomic)
    }
}
