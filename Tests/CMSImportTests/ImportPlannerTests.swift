import Foundation
import Testing
import Yams
@testable import CMSImport

@Suite("Checking a device list against the repository")
struct ImportPlannerTests {
    static let allFiles: [String: String] = [
        "nxr1.xml": "<config/>", "nxr2.tgz": "tgz", "nxr3.config": "c3", "nxr4.config": "c4",
        "nxr6.config": "c6", "nxr7.config": "c7",
    ]

    @Test("the guide's seven lines in a ZIP: six adds with their flags, and flag 4 on a missing file is an error")
    func guideExample() throws {
        let result = plan(guideCSV, archive: Self.allFiles)
        #expect(result.lines.map(\.action) == [.add, .add, .add, .add, .error, .add, .add])
        #expect(result.lines[4].rendered.hasPrefix("line 5: error ebisu: config file nxr5.config (flag 4: delete)"))
        let yaml = try #require(result.written("devices/kichijoji.yaml"))
        #expect(yaml.hasPrefix("# yaml-language-server: $schema=../schemas/device.schema.json\n"))
        let node = try #require(try Yams.compose(yaml: yaml))
        #expect(node["kind"]?.string == "Device")
        #expect(node["name"]?.string == "吉祥寺")
        #expect(node["product"]?.string == "NXR-130")
        #expect(node["note"]?.string == "メモ 7")
        let config = try #require(node["configs"]?.sequence?.first)
        #expect(config["file"]?.string == "nxr7.config")
        #expect(config["autoConfig"]?.bool == true)
        #expect(config["autoConfigSave"]?.bool == true)
        #expect(config["schedule"]?.bool == true)
        #expect(result.written("configs/kichijoji/nxr7.config") == "c7")
        #expect(result.written("configs/ochanomizu/nxr1.xml") == "<config/>")
    }

    @Test(
        "each flag sets exactly its YAML flags on the file",
        arguments: [
            (0, false, false, false), (1, true, false, false), (2, false, false, true), (3, true, false, true),
            (5, true, true, false), (6, true, true, true),
        ])
    func flagsInYAML(flag: Int, autoConfig: Bool, save: Bool, schedule: Bool) throws {
        let result = plan("dev1,D,NXR-120,,a.xml,\(flag)", archive: ["a.xml": "<x/>"])
        let yaml = try #require(result.written("devices/dev1.yaml"))
        let config = try #require(try Yams.compose(yaml: yaml)?["configs"]?.sequence?.first)
        #expect(config["autoConfig"]?.bool == autoConfig)
        #expect(config["autoConfigSave"]?.bool == save)
        #expect(config["schedule"]?.bool == schedule)
    }

    static let existingEbisu = """
        # yaml-language-server: $schema=../schemas/device.schema.json
        apiVersion: cms/v1
        kind: Device
        code: ebisu
        name: 恵比寿 old
        product: NXR-120
        suspended: true
        hostKey: "SHA256:abcdef"
        ikeId:
          type: user-fqdn
          value: ops@ebisu.example.jp
        firmware: {image: nxr120-v5-26, mode: normal}
        futureField: [1, 2]
        configs:
          - file: nxr5.config
            note: from device
            autoConfig: true
            autoConfigSave: true
            schedule: false
            enforce: false
          - file: base.xml
            type: xml
            schedule: true
            enforce: true

        """

    @Test("flag 4 deletes the file and its entry; replace keeps fields the CSV does not carry")
    func deleteAndKeep() throws {
        let repo = snapshot(
            yaml: ["devices/ebisu.yaml": Self.existingEbisu],
            configs: ["ebisu": ["nxr5.config": "c5", "base.xml": "<b/>"]])
        let result = plan("ebisu,恵比寿,NXR-120,メモ 5,nxr5.config,4", repo: repo)
        #expect(result.lines.map(\.action) == [.replace])
        #expect(result.changes.contains(.delete(path: "configs/ebisu/nxr5.config")))
        let yaml = try #require(result.written("devices/ebisu.yaml"))
        #expect(yaml.hasPrefix("# yaml-language-server: $schema=../schemas/device.schema.json\napiVersion: cms/v1\n"))
        let node = try #require(try Yams.compose(yaml: yaml))
        #expect(node["name"]?.string == "恵比寿")
        #expect(node["note"]?.string == "メモ 5")
        #expect(node["suspended"]?.bool == true)
        #expect(node["hostKey"]?.string == "SHA256:abcdef")
        #expect(node["ikeId"]?["type"]?.string == "user-fqdn")
        #expect(node["ikeId"]?["value"]?.string == "ops@ebisu.example.jp")
        #expect(node["firmware"]?["image"]?.string == "nxr120-v5-26")
        #expect(node["futureField"]?.sequence?.compactMap(\.int) == [1, 2])
        let configs = try #require(node["configs"]?.sequence)
        #expect(configs.count == 1)
        #expect(configs[0]["file"]?.string == "base.xml")
        #expect(configs[0]["type"]?.string == "xml")
        #expect(configs[0]["schedule"]?.bool == true)
        #expect(configs[0]["enforce"]?.bool == true)
    }

    @Test("a flag moves from another file of the device; auto-config-save goes with auto-config")
    func flagMoves() throws {
        let repo = snapshot(
            yaml: ["devices/ebisu.yaml": Self.existingEbisu],
            configs: ["ebisu": ["nxr5.config": "c5", "base.xml": "<b/>"]])
        let result = plan("ebisu,恵比寿,NXR-120,,new.config,3", archive: ["new.config": "n"], repo: repo)
        #expect(result.lines[0].action == .replace)
        #expect(result.lines[0].message.contains("auto-config moved from nxr5.config"))
        #expect(result.lines[0].message.contains("schedule moved from base.xml"))
        let written = try #require(result.written("devices/ebisu.yaml"))
        let node = try #require(try Yams.compose(yaml: written))
        let configs = try #require(node["configs"]?.sequence)
        #expect(configs.map { $0["file"]?.string } == ["nxr5.config", "base.xml", "new.config"])
        #expect(configs.map { $0["autoConfig"]?.bool } == [false, false, true])
        #expect(configs.map { $0["autoConfigSave"]?.bool } == [false, false, false])
        #expect(configs.map { $0["schedule"]?.bool } == [false, false, true])
        #expect(configs[0]["note"]?.string == "from device")
    }

    @Test("a fourth config file is refused")
    func atMostThreeFiles() {
        let repo = snapshot(
            yaml: ["devices/ebisu.yaml": Self.existingEbisu],
            configs: ["ebisu": ["nxr5.config": "c5", "base.xml": "<b/>", "c.xml": "<c/>"]])
        let ok = plan("ebisu,E,NXR-120,,c.xml,0", repo: repo)
        #expect(ok.lines[0].action == .replace)
        let repo3 = snapshot(
            yaml: [
                "devices/ebisu.yaml": Self.existingEbisu.replacingOccurrences(
                    of: "configs:\n", with: "configs:\n  - file: c.xml\n")
            ], configs: ["ebisu": ["d.xml": "<d/>"]])
        let refused = plan("ebisu,E,NXR-120,,d.xml,0", repo: repo3)
        #expect(refused.lines[0].action == .error)
        #expect(refused.lines[0].message.contains("would have 4 config files"))
        #expect(refused.changes.isEmpty)
    }

    @Test("a ZIP file identical to the repository's is not rewritten; a different one overwrites it")
    func identicalNotOverwritten() {
        let repo = snapshot(configs: ["dev1": ["a.xml": "<same/>"]])
        let same = plan("dev1,D,NXR-120,,a.xml,0", archive: ["a.xml": "<same/>"], repo: repo)
        #expect(same.lines[0].message.contains("identical"))
        #expect(!same.changes.contains { $0.path == "configs/dev1/a.xml" })
        let differs = plan("dev1,D,NXR-120,,a.xml,0", archive: ["a.xml": "<new/>"], repo: repo)
        #expect(differs.written("configs/dev1/a.xml") == "<new/>")
        #expect(differs.lines[0].message.contains("overwritten"))
    }

    @Test("a CSV may flag a file already in the repository; a file in neither place is an error for that line")
    func fileInRepoOrNowhere() {
        let repo = snapshot(configs: ["dev1": ["a.xml": "<a/>"]])
        let result = plan("dev1,D,NXR-120,,a.xml,1\ndev2,D,NXR-120,,a.xml,1", repo: repo)
        #expect(result.lines[0].action == .add)
        #expect(result.lines[0].message.contains("already in configs/dev1/a.xml"))
        #expect(result.lines[1].action == .error)
        #expect(result.lines[1].message.contains("neither in the ZIP nor in configs/dev2/a.xml"))
    }

    @Test("blank rows a spreadsheet exports as bare commas are skipped; line numbers stay those of the file")
    func blankRows() {
        let result = plan("dev1,A,NXR-120,\n,,,,,\n , ,\ndev2,B,NXR-125,")
        #expect(result.lines.map(\.line) == [1, 4])
        #expect(result.lines.map(\.action) == [.add, .add])
    }

    @Test("a name with a comma, quoted in the CSV, is kept whole")
    func quotedComma() throws {
        let result = plan("dev1,\"御茶ノ水, 本社\",NXR-120,\"say \"\"hi\"\"\"")
        let written = try #require(result.written("devices/dev1.yaml"))
        let node = try #require(try Yams.compose(yaml: written))
        #expect(node["name"]?.string == "御茶ノ水, 本社")
        #expect(node["note"]?.string == "say \"hi\"")
    }

    @Test("a duplicate code inside the list is an error naming the first line")
    func duplicateCode() {
        let result = plan("dev1,A,NXR-120,\ndev2,B,NXR-120,\ndev1,C,NXR-120,")
        #expect(result.lines.map(\.action) == [.add, .add, .error])
        #expect(result.lines[2].rendered == "line 3: error dev1: duplicate device code; already on line 1 of the list")
    }

    @Test("the product of an existing device cannot change")
    func productImmutable() {
        let repo = snapshot(yaml: ["devices/ebisu.yaml": Self.existingEbisu])
        let result = plan("ebisu,E,NXR-130,", repo: repo)
        #expect(result.lines[0].action == .error)
        #expect(result.lines[0].message.contains("product cannot change (NXR-120"))
    }

    @Test("a device declared twice in the repository is not touched")
    func duplicateInRepo() {
        let doc = "apiVersion: cms/v1\nkind: Device\ncode: dev1\nname: A\nproduct: NXR-120\n"
        let result = plan("dev1,A,NXR-120,", repo: snapshot(yaml: ["a.yaml": doc, "b.yaml": doc]))
        #expect(result.lines[0].action == .error)
        #expect(result.lines[0].message.contains("2 times (a.yaml, b.yaml)"))
    }

    @Test("an unrelated devices/<code>.yaml is never clobbered")
    func unrelatedFile() {
        let other = "apiVersion: cms/v1\nkind: Group\nname: g\n"
        let result = plan("dev1,A,NXR-120,", repo: snapshot(yaml: ["devices/dev1.yaml": other]))
        #expect(result.lines[0].action == .error)
        #expect(result.lines[0].message.contains("does not declare device dev1"))
    }

    @Test("a device inside a multi-document file is replaced in place; the other documents stay byte for byte")
    func multiDocument() throws {
        let text = """
            # yaml-language-server: $schema=../schemas/device.schema.json
            apiVersion: cms/v1
            kind: Group
            name: g   # keep this comment
            ---
            # second
            apiVersion: cms/v1
            kind: Device
            code: dev1
            name: Old
            product: NXR-120
            ---
            apiVersion: cms/v1
            kind: Device
            code: dev2
            name: Two
            product: NXR-125

            """
        let result = plan("dev1,New,NXR-120,memo\ndev2,Two2,NXR-125,", repo: snapshot(yaml: ["site.yaml": text]))
        #expect(result.lines.map(\.action) == [.replace, .replace])
        let written = try #require(result.written("site.yaml"))
        let segments = YAMLSegments.split(written)
        #expect(segments.count == 3)
        #expect(segments[0] == YAMLSegments.split(text)[0])
        #expect(segments[1].hasPrefix("---\n# second\napiVersion: cms/v1\nkind: Device\ncode: dev1\nname: New\n"))
        #expect(segments[2].contains("name: Two2\n"))
        let docs = try Yams.load_all(yaml: written).map { $0 }
        #expect(docs.count == 3)
    }

    @Test(
        "only documents that may declare a listed device are parsed; anything unusual is parsed to be safe",
        arguments: [
            ("kind: Group\nname: g\n", false),
            ("kind: Device\ncode: other\n", false),
            ("kind: Device\ncode: dev1\n", true),
            ("kind: Device\ncode: \"dev1\"  # quoted\n", true),
            ("kind: Device\ncode: 'other'\n", false),
            ("{kind: Device, code: other}\n", true),
            ("kind: Device\ncode: \"d\\x65v1\"\n", true),
            ("kind: Device\nname: x\n", true),
        ])
    func prefilter(document: String, parsed: Bool) {
        #expect(RepoSnapshot.mayDeclareDevice(document, among: ["dev1"]) == parsed)
    }

    @Test("with the pre-filter the snapshot finds the same listed devices as a full parse")
    func prefilterFindsTheSameDevices() {
        let texts = [
            "devices/dev1.yaml": "apiVersion: cms/v1\nkind: Device\ncode: dev1\nproduct: NXR-120\n",
            "devices/dev2.yaml": "apiVersion: cms/v1\nkind: Device\ncode: 'dev2'\nproduct: NXR-120\n",
            "site.yaml":
                "kind: Group\nname: g\n---\n{apiVersion: cms/v1, kind: Device, code: dev3, product: NXR-125}\n",
            "other.yaml": "apiVersion: cms/v1\nkind: Device\ncode: dev9\nproduct: NXR-120\n",
        ]
        var full = RepoSnapshot()
        var filtered = RepoSnapshot()
        for (path, text) in texts.sorted(by: { $0.key < $1.key }) {
            full.addYAML(path: path, text: text)
            filtered.addYAML(path: path, text: text, onlyCodes: ["dev1", "dev2", "dev3"])
        }
        for code in ["dev1", "dev2", "dev3"] { #expect(filtered.devices[code] == full.devices[code]) }
        #expect(filtered.devices["dev3"]?.first?.segment == 1)
        #expect(filtered.devices["dev9"] == nil)
        #expect(full.devices["dev9"] != nil)
        #expect(filtered.yamlPaths == full.yamlPaths)
    }

    @Test("importing the same list twice changes nothing the second time")
    func idempotent() throws {
        let first = plan(guideCSV, archive: Self.allFiles)
        var yaml: [String: String] = [:]
        var configs: [String: [String: String]] = [:]
        for case .write(let path, let data) in first.changes {
            let parts = path.split(separator: "/").map(String.init)
            if parts[0] == "devices" { yaml[path] = String(decoding: data, as: UTF8.self) }
            if parts[0] == "configs" {
                configs[parts[1], default: [:]][parts[2]] = String(decoding: data, as: UTF8.self)
            }
        }
        let second = plan(guideCSV, archive: Self.allFiles, repo: snapshot(yaml: yaml, configs: configs))
        #expect(second.lines.filter { $0.action == .replace }.count == 6)
        #expect(second.changes.isEmpty)
    }

    @Test(
        "names and notes that YAML would misread are quoted and read back unchanged",
        arguments: [
            "yes", "Yes", "NULL", "y", "Off", "123", "1e3", "- dash", "a: b", "#hash", "x #y", "null", "'quoted'", "\"dq\"", "@at", "[x]", "~",
        ])
    func quoting(value: String) throws {
        let quoted = "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        let result = plan("dev1,\(quoted),NXR-120,\(quoted)")
        // Yams.load resolves tags, so an unquoted `yes` would come back as a Bool and fail here.
        let written = try #require(result.written("devices/dev1.yaml"))
        let loaded = try #require(try Yams.load(yaml: written) as? [String: Any])
        #expect(loaded["name"] as? String == value)
        #expect(loaded["note"] as? String == value)
    }
}
