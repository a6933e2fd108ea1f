import Foundation
import NETCONF

enum Files {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let examples = root.appendingPathComponent("schemas/examples")
    static let module = root.appendingPathComponent("schemas/nxr.yang").path

    /// An example file's top-level elements (the files hold several roots, as yanglint wants them).
    static func exampleElements(_ name: String) throws -> [XMLElement] {
        let text = try String(contentsOf: examples.appendingPathComponent(name), encoding: .utf8)
        return try wrapped(text).elements
    }

    static func exampleRoot(_ name: String) throws -> XMLElement {
        try XML.parse(try String(contentsOf: examples.appendingPathComponent(name), encoding: .utf8))
    }

    static func wrapped(_ fragment: String) throws -> XMLElement {
        try XML.parse("<data xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">" + fragment + "</data>")
    }

    /// Writes top-level elements one after another to a temporary file and runs yanglint on it.
    static func yanglint(type: String, _ elements: [XMLElement], extra: [String] = []) throws
        -> (status: Int32, output: String)
    {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("nxr-\(UUID().uuidString).xml")
        try elements.map { XML.serialize($0, pretty: true) }.joined().write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/yanglint")
        process.arguments = ["-t", type] + extra + [module, file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
