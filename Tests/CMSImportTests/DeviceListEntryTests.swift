import Testing
@testable import CMSImport

@Suite("Device-list line rules (guide §3.3.1.6)")
struct DeviceListEntryTests {
    func parse(_ line: String) -> Result<DeviceListEntry, LineProblem> {
        DeviceListEntry.parse(CSVReader.records(in: line)[0])
    }

    @Test("a full line gives code, name, product, note, config file and flag")
    func fullLine() throws {
        let entry = try parse("ochanomizu,御茶ノ水,NXR-120,メモ 1,nxr1.xml,0").get()
        #expect(entry.code == "ochanomizu")
        #expect(entry.name == "御茶ノ水")
        #expect(entry.product == "NXR-120")
        #expect(entry.note == "メモ 1")
        #expect(entry.config == .init(file: "nxr1.xml", flag: .importOnly))
    }

    @Test("fields 5 and 6 are optional, also as trailing empty fields")
    func optionalFields() throws {
        #expect(try parse("a1,A,NXR-120,").get().config == nil)
        #expect(try parse("a1,A,NXR-120,note,,").get().config == nil)
    }

    @Test("the guide's spelling NXR1200 means NXR-1200")
    func nxr1200() throws {
        #expect(try parse("big,Big,NXR1200,").get().product == "NXR-1200")
    }

    @Test(
        "flags 0–6 map to the YAML flags",
        arguments: [
            (0, false, false, false, false), (1, true, false, false, false), (2, false, false, true, false),
            (3, true, false, true, false), (4, false, false, false, true), (5, true, true, false, false),
            (6, true, true, true, false),
        ])
    func flags(number: Int, autoConfig: Bool, save: Bool, schedule: Bool, deletes: Bool) throws {
        let flag = try #require(try parse("a,A,NXR-120,,f.xml,\(number)").get().config?.flag)
        #expect(flag.rawValue == number)
        #expect(flag.setsAutoConfig == autoConfig)
        #expect(flag.setsAutoConfigSave == save)
        #expect(flag.setsSchedule == schedule)
        #expect(flag.deletes == deletes)
    }

    @Test(
        "each broken field gives its own reason",
        arguments: [
            ("a,A,NXR-120", "a line needs code,name,product,note"),
            ("a,A,NXR-120,n,f.xml,0,extra", "at most 6"),
            (",A,NXR-120,n", "device code is empty"),
            ("abcdefghijklmnopq,A,NXR-120,n", "longer than 16"),
            ("1abc,A,NXR-120,n", "must start with a lowercase letter"),
            ("Abc,A,NXR-120,n", "must start with a lowercase letter"),
            ("ab-c,A,NXR-120,n", "contains \"-\""),
            ("abc,,NXR-120,n", "device name is empty"),
            ("abc,\(String(repeating: "名", count: 33)),NXR-120,n", "device name is 33 characters"),
            ("abc,A,NXR-999,n", "product \"NXR-999\" is not one of"),
            ("abc,A,NXR-120,\(String(repeating: "x", count: 65))", "note is 65 characters"),
            ("abc,A,NXR-120,n,f.xml", "has no config flag"),
            ("abc,A,NXR-120,n,,1", "without a config file name"),
            ("abc,A,NXR-120,n,f.txt,0", "must end in .xml, .tgz or .config"),
            ("abc,A,NXR-120,n,bad-name.xml,0", "contains \"-\""),
            ("abc,A,NXR-120,n,\(String(repeating: "f", count: 33)).xml,0", "longer than 32"),
            ("abc,A,NXR-120,n,.xml,0", "nothing before the extension"),
            ("abc,A,NXR-120,n,f.xml,7", "not one of 0–6"),
            ("abc,A,NXR-120,n,f.xml,x", "not one of 0–6"),
            ("abc,\"A\tB\",NXR-120,n", "control character"),
        ])
    func reasons(line: String, reason: String) {
        guard case .failure(let problem) = parse(line) else {
            Issue.record("\(line) was accepted")
            return
        }
        #expect(problem.reason.contains(reason), "\(problem.reason)")
        #expect(problem.line == 1)
    }

    @Test("a config file name may have 32 characters before its extension")
    func longestConfigName() throws {
        let file = String(repeating: "f", count: 32) + ".config"
        #expect(try parse("abc,A,NXR-120,n,\(file),0").get().config?.file == file)
    }

    @Test("limits count characters, not bytes: 32 Japanese characters are a valid name")
    func characterCounting() throws {
        let name = String(repeating: "御", count: 32)
        #expect(try parse("abc,\(name),NXR-120,").get().name == name)
    }
}
