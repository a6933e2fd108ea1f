/// One valid line of a device-list CSV: `code,name,product,note[,config-file-name,config-flag]`.
public struct DeviceListEntry: Equatable, Sendable {
    /// What the line asks for its config file (fields 5–6).
    public struct ConfigDirective: Equatable, Sendable {
        public var file: String
        public var flag: ConfigFlag
    }

    public var line: Int
    public var code: String
    public var name: String
    public var product: String
    public var note: String
    public var config: ConfigDirective?

    /// Parses and checks one CSV record. Returns the entry, or the code (when readable) and the reason.
    /// Surrounding spaces of every field are ignored, as a spreadsheet user would expect.
    public static func parse(_ record: CSVRecord) -> Result<DeviceListEntry, LineProblem> {
        let fields = record.fields.map { $0.trimmingASCIIWhitespace() }
        let code = fields.first ?? ""
        func fail(_ reason: String) -> Result<DeviceListEntry, LineProblem> {
            .failure(LineProblem(line: record.line, code: code, reason: reason))
        }
        if let malformed = record.malformed { return fail(malformed) }
        // Trailing empty fields are what spreadsheets write for absent optional columns.
        var used = fields
        while used.count > 4, used.last?.isEmpty == true { used.removeLast() }
        guard used.count >= 4 else {
            return fail("\(fields.count) field(s); a line needs code,name,product,note and optionally config-file,flag")
        }
        guard used.count <= 6 else {
            return fail(
                "\(used.count) fields; at most 6 (code,name,product,note,config-file,flag) — "
                    + "quote fields holding commas"
            )
        }
        if let problem = DeviceListRules.codeProblem(code) { return fail(problem) }
        let name = used[1]
        if let problem = DeviceListRules.nameProblem(name) { return fail(problem) }
        guard let product = DeviceListRules.product(used[2]) else {
            return fail("product \"\(used[2])\" is not one of \(DeviceListRules.products.joined(separator: ", "))")
        }
        let note = used[3]
        if let problem = DeviceListRules.noteProblem(note) { return fail(problem) }
        var directive: ConfigDirective?
        if used.count == 5 {
            return fail("config file \"\(used[4])\" has no config flag; add the 6th field (0–6)")
        }
        if used.count == 6 {
            let file = used[4]
            if file.isEmpty { return fail("config flag \"\(used[5])\" given without a config file name") }
            if let problem = DeviceListRules.configNameProblem(file) { return fail(problem) }
            guard let number = Int(used[5]), let flag = ConfigFlag(rawValue: number) else {
                return fail("config flag \"\(used[5])\" is not one of 0–6")
            }
            directive = ConfigDirective(file: file, flag: flag)
        }
        return .success(
            DeviceListEntry(
                line: record.line, code: code, name: name, product: product, note: note,
                config: directive))
    }
}

/// Why one CSV line cannot be imported.
public struct LineProblem: Error, Equatable, Sendable {
    public var line: Int
    public var code: String
    public var reason: String
}

extension String {
    func trimmingASCIIWhitespace() -> String {
        var scalars = Substring(self).unicodeScalars[...]
        while let f = scalars.first, f == " " || f == "\t" || f == "\r" || f == "\n" { scalars.removeFirst() }
        while let l = scalars.last, l == " " || l == "\t" || l == "\r" || l == "\n" { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
