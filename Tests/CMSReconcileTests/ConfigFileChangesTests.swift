import CMSModel
import CMSReconcile
import Testing

@Suite("Config-file and auto-config events between two revisions")
struct ConfigFileChangesTests {
    /// A device with files given as `name` plus flags: `name+a` auto-config, `name+s` auto-config-save.
    static func device(_ code: String, _ files: [String]) -> Device {
        Device(
            code: code, product: Self.product,
            configs: files.map { spec in
                let name = String(spec.prefix { $0 != "+" })
                let flags = spec.drop { $0 != "+" }
                return ConfigFileRef(
                    file: name, type: ConfigFileRef.FileType.from(fileName: name) ?? .xml,
                    autoConfig: flags.contains("a"), autoConfigSave: flags.contains("s"))
            })
    }

    static let product = Product.nxr120

    static func render(_ changes: [ConfigFileChange]) -> [String] {
        changes.map { "\($0.type.rawValue) \($0.device) \($0.file)" }
    }

    @Test func theFirstRevisionRegistersEveryFileAndSelectsTheFlaggedOnes() {
        #expect(
            Self.render(ConfigFileChange.between(nil, [Self.device("n1", ["b.xml", "a.xml+as"])])) == [
                "config.file.registered n1 a.xml", "config.file.registered n1 b.xml", "auto-config.selected n1 a.xml",
                "auto-config.save.selected n1 a.xml",
            ])
    }

    @Test(arguments: [
        // (previous files of n1, next files of n1, expected)
        (["a.xml"], ["a.xml"], [String]()),
        (["a.xml+a"], ["a.xml+a"], []),
        (["a.xml"], ["a.xml", "b.config"], ["config.file.registered n1 b.config"]),
        (["a.xml", "b.config"], ["a.xml"], ["config.file.deleted n1 b.config"]),
        (["a.xml"], ["a.xml+a"], ["auto-config.selected n1 a.xml"]),
        (["a.xml+a"], ["a.xml"], ["auto-config.deselected n1 a.xml"]),
        (["a.xml+a", "b.xml"], ["a.xml", "b.xml+a"], ["auto-config.selected n1 b.xml"]),
        (["a.xml+a"], ["a.xml+as"], ["auto-config.save.selected n1 a.xml"]),
        (["a.xml+as"], ["a.xml+a"], ["auto-config.save.deselected n1 a.xml"]),
        (["a.xml+as"], ["a.xml"], ["auto-config.deselected n1 a.xml", "auto-config.save.deselected n1 a.xml"]),
        (["a.xml+as"], ["b.tgz+as"],
         ["config.file.deleted n1 a.xml", "config.file.registered n1 b.tgz", "auto-config.selected n1 b.tgz",
          "auto-config.save.selected n1 b.tgz"]),
    ] as [([String], [String], [String])])
    func flagsAndFilesBetweenTwoRevisions(previous: [String], next: [String], expected: [String]) {
        #expect(
            Self.render(ConfigFileChange.between([Self.device("n1", previous)], [Self.device("n1", next)])) == expected)
    }

    @Test func aDeviceThatLeavesTakesItsFilesAndSelectionsWithIt() {
        #expect(
            Self.render(
                ConfigFileChange.between(
                    [Self.device("n1", ["a.xml+a"]), Self.device("n2", ["c.xml"])], [Self.device("n2", ["c.xml"])]))
                == ["config.file.deleted n1 a.xml", "auto-config.deselected n1 a.xml"])
    }

    @Test func anUnchangedTenantChangesNothing() {
        let devices = [Self.device("n1", ["a.xml+as", "b.config"]), Self.device("n2", [])]
        #expect(ConfigFileChange.between(devices, devices).isEmpty)
    }
}
