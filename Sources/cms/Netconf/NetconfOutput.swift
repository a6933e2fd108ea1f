import ArgumentParser
import Foundation
import NETCONF
import NETCONFClient

/// How `cms netconf` subcommands run an operation and report its outcome.
enum NetconfOutput {
    /// Connects, runs `body`, prints its elements as pretty XML on stdout, closes. An rpc-error is
    /// printed field by field on stderr and exits 1; transport failures exit 2.
    static func run(
        _ connection: NetconfConnectionOptions,
        _ body: (NETCONFSession) async throws -> [XMLElement]
    ) async throws {
        let session = try await connection.connect()
        do {
            let elements = try await body(session)
            for element in elements {
                print(XML.serialize(element, pretty: true))
            }
            await session.close()
        } catch let error as RPCError {
            await session.close()
            printRPCError(error)
            throw ExitCode(1)
        } catch let error as NETCONFClientError {
            await session.close()
            printError("error: \(error)")
            throw ExitCode(2)
        } catch {
            await session.close()
            throw error
        }
    }

    static func printRPCError(_ error: RPCError) {
        var lines = [
            "rpc-error:", "  error-type: \(error.type)", "  error-tag: \(error.tag)",
            "  error-severity: \(error.severity)",
        ]
        if let appTag = error.appTag { lines.append("  error-app-tag: \(appTag)") }
        if let path = error.path {
            lines.append("  error-path: \(path.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        if let message = error.message {
            lines.append("  error-message: \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        for info in error.info {
            let text =
                info.elements.isEmpty
                ? info.text.trimmingCharacters(in: .whitespacesAndNewlines)
                : XML.serialize(info)
            lines.append("  error-info \(info.name): \(text)")
        }
        printError(lines.joined(separator: "\n"))
    }

    /// Reads an XML file given on the command line.
    static func readXML(_ path: String, what: String) throws -> XMLElement {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read \(what) file \(path)")
        }
        do {
            return try XML.parse(Array(data))
        } catch {
            throw ValidationError("\(what) file \(path): \(error)")
        }
    }

    /// A subtree filter from a file holding either a `<filter>` element or the subtree itself.
    static func filter(fromFile path: String?, xpath: String? = nil) throws -> Filter? {
        if let xpath { return .xpath(xpath, namespaces: [:]) }
        guard let path else { return nil }
        let root = try readXML(path, what: "filter")
        if root.name == "filter" {
            guard let filter = Filter(element: root) else {
                throw ValidationError("filter file \(path): a <filter> needs a subtree child or an xpath select")
            }
            return filter
        }
        return .subtree(root)
    }
}

/// Datastore names on the command line.
enum DatastoreName: String, ExpressibleByArgument, CaseIterable {
    case running, candidate, startup

    var datastore: Datastore {
        switch self {
        case .running: .running
        case .candidate: .candidate
        case .startup: .startup
        }
    }
}
