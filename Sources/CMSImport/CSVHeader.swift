/// A header row at the top of a device list (`code,name,product,note,…` or the Japanese column names a
/// spreadsheet export carries): recognised and left out, not reported as an error line (issue 17).
public enum CSVHeader {
    /// First-column titles of a header row (compared trimmed and lowercased).
    static let codeTitles: Set<String> = [
        "code", "device code", "device_code", "device-code", "devicecode", "機器コード", "デバイスコード", "コード",
    ]
    /// Third-column titles (the product).
    static let productTitles: Set<String> = ["product", "model", "機種", "製品", "型番", "機種名"]

    /// Whether `record` is a header row: its first field names the code column, or its product field names the
    /// product column, and its product field is not a product.
    public static func isHeader(_ record: CSVRecord) -> Bool {
        let fields = record.fields.map { $0.trimmingASCIIWhitespace().lowercased() }
        guard var first = fields.first else { return false }
        if first.hasPrefix("\u{FEFF}") { first.removeFirst() }
        let product = fields.count >= 3 ? fields[2] : ""
        if DeviceListRules.products.contains(where: { $0.lowercased() == product }) || product == "nxr1200" {
            return false
        }
        return codeTitles.contains(first) || productTitles.contains(product)
    }

    /// The records without a header row: only the first non-blank record may be one.
    public static func dropHeader(_ records: [CSVRecord]) -> (records: [CSVRecord], headerLine: Int?) {
        guard let index = records.firstIndex(where: { !$0.fields.allSatisfy { $0.trimmingASCIIWhitespace().isEmpty } }),
            isHeader(records[index])
        else { return (records, nil) }
        var rest = records
        let line = rest.remove(at: index).line
        return (rest, line)
    }
}
