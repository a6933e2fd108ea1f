import Foundation

/// Checks a device list against the repository and decides, line by line, what an import does.
/// Pure: records, archive files and a ``RepoSnapshot`` in; an ``ImportPlan`` out. Nothing is written here.
public enum ImportPlanner {
    /// - Parameters:
    ///   - records: the CSV records, in file order.
    ///   - archiveFiles: config files that came in the ZIP, by name (empty for a plain CSV).
    ///   - snapshot: the repository as it is now.
    public static func plan(
        records: [CSVRecord], archiveFiles: [String: Data] = [:],
        snapshot: RepoSnapshot
    ) -> ImportPlan {
        var firstLineOfCode: [String: Int] = [:]
        var lines: [LineResult] = []
        // Spreadsheets export blank rows as lines of bare commas; they carry no device.
        for record in records where !record.fields.allSatisfy({ $0.trimmingASCIIWhitespace().isEmpty }) {
            let code = record.fields.first?.trimmingASCIIWhitespace() ?? ""
            if !code.isEmpty, let first = firstLineOfCode[code] {
                lines.append(
                    LineResult(
                        line: record.line, code: code, action: .error,
                        message: "duplicate device code; already on line \(first) of the list"))
                continue
            }
            if !code.isEmpty { firstLineOfCode[code] = record.line }
            switch DeviceListEntry.parse(record) {
            case .failure(let problem):
                lines.append(
                    LineResult(line: problem.line, code: problem.code, action: .error, message: problem.reason))
            case .success(let entry):
                lines.append(check(entry, archiveFiles: archiveFiles, snapshot: snapshot))
            }
        }
        return ImportPlan(lines: lines, yamlTexts: snapshot.yamlTexts)
    }

    static func check(_ entry: DeviceListEntry, archiveFiles: [String: Data], snapshot: RepoSnapshot) -> LineResult {
        func fail(_ message: String) -> LineResult {
            LineResult(line: entry.line, code: entry.code, action: .error, message: message)
        }
        let found = snapshot.devices[entry.code] ?? []
        if found.count > 1 {
            let places = found.map(\.path).joined(separator: ", ")
            return fail("the repository declares this device \(found.count) times (\(places)); keep one, then import")
        }
        let existing = found.first
        if let existing, let problem = existing.problem {
            return fail("its document in \(existing.path) cannot be updated: \(problem); fix it (cms-lint) first")
        }
        if let existing, let product = existing.product, product != entry.product {
            return fail(
                "product cannot change (\(product) in \(existing.path), \(entry.product) in the list); "
                    + "delete the device and add it again")
        }

        var configs = existing?.configs ?? []
        var edits: [RepoEdit] = []
        var notes: [String] = ["\(entry.name), \(entry.product)"]
        if let directive = entry.config {
            let file = directive.file
            let path = "configs/\(entry.code)/\(file)"
            let inRepo = snapshot.configFiles[entry.code]?[file]
            let index = configs.firstIndex { $0.file == file }
            if directive.flag.deletes {
                guard inRepo != nil || index != nil else {
                    return fail("config file \(file) (flag 4: delete) is not in \(path) nor in the device's configs")
                }
                if let index { configs.remove(at: index) }
                if inRepo != nil { edits.append(.deleteFile(path: path)) }
                notes.append("\(file) deleted")
            } else {
                if let fromArchive = archiveFiles[file] {
                    if let inRepo, inRepo == fromArchive {
                        notes.append("\(file) identical to \(path), kept")
                    } else {
                        edits.append(.writeFile(path: path, data: fromArchive))
                        notes.append(
                            inRepo == nil ? "\(file) imported from the ZIP" : "\(file) overwritten by the ZIP's copy")
                    }
                } else if inRepo != nil {
                    notes.append("\(file) already in \(path)")
                } else {
                    return fail(
                        "config file \(file) (flag \(directive.flag.rawValue)) is neither in the ZIP nor in \(path); "
                            + "add it to the ZIP or the repository")
                }
                var entryConfig = index.map { configs[$0] } ?? ConfigEntry(file: file)
                entryConfig.autoConfig = directive.flag.setsAutoConfig
                entryConfig.autoConfigSave = directive.flag.setsAutoConfigSave
                entryConfig.schedule = directive.flag.setsSchedule
                if let index { configs[index] = entryConfig } else { configs.append(entryConfig) }
                // At most one file per device carries each flag: the file named in the list takes it over.
                for i in configs.indices where configs[i].file != file {
                    if entryConfig.autoConfig && configs[i].autoConfig {
                        notes.append("auto-config moved from \(configs[i].file)")
                        configs[i].autoConfig = false
                        configs[i].autoConfigSave = false
                    }
                    if entryConfig.autoConfigSave && configs[i].autoConfigSave {
                        configs[i].autoConfigSave = false
                    }
                    if entryConfig.schedule && configs[i].schedule {
                        notes.append("schedule moved from \(configs[i].file)")
                        configs[i].schedule = false
                    }
                }
                notes.append("flags: \(directive.flag.summary)")
                if configs.count > DeviceListRules.maxConfigFilesPerDevice {
                    let names = configs.map(\.file).joined(separator: ", ")
                    return fail(
                        "the device would have \(configs.count) config files (\(names)); at most "
                            + "\(DeviceListRules.maxConfigFilesPerDevice) — delete one first (flag 4)")
                }
            }
        }

        let body = DeviceDocumentRenderer.render(
            code: entry.code, name: entry.name, product: entry.product,
            note: entry.note, preserved: existing?.preserved ?? [],
            configs: configs)
        if let existing {
            let segments = YAMLSegments.split(snapshot.yamlTexts[existing.path] ?? "")
            let original = segments.indices.contains(existing.segment) ? segments[existing.segment] : ""
            let text = YAMLSegments.header(of: original) + body
            if text != original {
                edits.append(.document(path: existing.path, segment: existing.segment, text: text))
            } else if edits.isEmpty {
                notes.append("unchanged")
            }
            var result = LineResult(
                line: entry.line, code: entry.code, action: .replace,
                message: notes.joined(separator: "; ") + " (\(existing.path))")
            result.edits = edits
            return result
        }
        let path = "devices/\(entry.code).yaml"
        if snapshot.yamlPaths.contains(path) {
            return fail("\(path) exists but does not declare device \(entry.code); move or rename that file first")
        }
        edits.append(.document(path: path, segment: nil, text: snapshot.deviceModeline + "\n" + body))
        var result = LineResult(
            line: entry.line, code: entry.code, action: .add,
            message: notes.joined(separator: "; "))
        result.edits = edits
        return result
    }
}
