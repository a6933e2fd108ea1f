import CMSAPI
import CMSModel
import Foundation
import Hummingbird

extension Dashboard {
    /// The config archive of a device (issue 12, docs/config-archive.md), read through ``ConfigArchiveControl``: its
    /// archive commits, the difference of two (by default its last two), one archived file; *Pull now* archives the
    /// running config, recorded with the user. Restoring a config is a disruptive operation left to `cms config
    /// restore` and the API.
    func archivePage(_ request: Request, _ session: DashboardSession) async throws -> Response {
        let parameters = Self.parameters(request)
        func value(_ name: String) -> String? { parameters[name]?.first.flatMap { $0.isEmpty ? nil : $0 } }
        let format = value("format").flatMap { Self.archiveFormats.contains($0) ? $0 : nil } ?? "show-config"
        var values: [String: Any] = [
            "device": value("device") ?? "", "live": false,
            "formats": Self.archiveFormats.map { ["value": $0, "selected": $0 == format] as [String: Any] },
        ]
        guard let control = controlPlane as? any ConfigArchiveControl else {
            values["unavailable"] = true
            return await render("archive", request, session, active: "archive", values)
        }
        guard let device = value("device") else {
            return await render("archive", request, session, active: "archive", values)
        }
        do {
            let log = try await control.configLog(session.tenant, device: device, limit: 50)
            values["hasDevice"] = true
            values["empty"] = log.entries.isEmpty
            values["entries"] = log.entries.map { entry in
                [
                    "revision": entry.revision, "short": String(entry.revision.prefix(10)),
                    "time": Timestamp(microsecondsSince1970: entry.time * 1_000_000).iso8601, "author": entry.author,
                    "subject": entry.subject, "files": entry.files.joined(separator: ", "),
                    "link": Self.archiveLink(device, format, show: entry.revision),
                ] as [String: Any]
            }
            if log.entries.count >= 2 || value("from") != nil {
                let diff = try await control.configDiff(session.tenant, device: device, from: value("from"), to: value("to"))
                values["diff"] = [
                    "from": String(diff.from.prefix(10)), "to": String(diff.to.prefix(10)), "same": diff.text.isEmpty,
                    "lines": Self.diffLines(diff.text),
                ] as [String: Any]
            }
            if let revision = value("show") {
                let file = try await control.configShow(session.tenant, device: device, format: format, revision: revision)
                let bytes = Data(base64Encoded: file.contentBase64) ?? Data()
                let text = format == "tgz" ? nil : String(data: bytes, encoding: .utf8)
                values["file"] = [
                    "format": file.format, "revision": String((file.revision ?? revision).prefix(10)), "size": file.size,
                    "text": Self.nonEmpty(text), "binary": text == nil,
                ] as [String: Any]
            }
        } catch {
            // Only the archive's APIErrors reach here (typed throws): said on the page, e.g. an unknown device.
            values["problem"] = "\(error.code): \(error.message)"
        }
        return await render("archive", request, session, active: "archive", values)
    }

    static let archiveFormats = ["show-config", "xml", "tgz"]

    static func archiveLink(_ device: String, _ format: String, show revision: String? = nil) -> String {
        var items = URLComponents()
        items.queryItems = [URLQueryItem(name: "device", value: device), URLQueryItem(name: "format", value: format)]
            + (revision.map { [URLQueryItem(name: "show", value: $0)] } ?? [])
        return "/archive" + (items.percentEncodedQuery.map { "?" + $0 } ?? "")
    }

    /// A unified diff's lines with a class each (added, removed, hunk or file header), for colour.
    static func diffLines(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            let kind: String
            if line.hasPrefix("+++") || line.hasPrefix("---") || line.hasPrefix("diff ") || line.hasPrefix("index ") {
                kind = "file"
            } else if line.hasPrefix("+") {
                kind = "add"
            } else if line.hasPrefix("-") {
                kind = "del"
            } else if line.hasPrefix("@@") {
                kind = "hunk"
            } else {
                kind = "ctx"
            }
            return ["text": String(line), "kind": kind]
        }
    }

    /// *Pull now*: the device's running config archived now, recorded with the token's name (like `cms config pull`).
    func configPull(_ session: DashboardSession, _ form: [String: String]) async throws {
        guard let control = controlPlane as? any ConfigArchiveControl else { throw Self.unavailable("the config archive") }
        let format = form["format"].flatMap { Self.archiveFormats.contains($0) ? $0 : nil } ?? "show-config"
        _ = try await control.configPull(session.tenant, device: form["device"] ?? "", format: format, user: session.user.name)
    }

    static func unavailable(_ what: String) -> APIError {
        APIError(status: 501, code: "not-implemented", message: "this cmsd does not offer \(what)")
    }
}
