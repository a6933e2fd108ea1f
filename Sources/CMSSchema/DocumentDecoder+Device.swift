import CMSModel
import Yams

extension DocumentDecoder {
    static let deviceKeys = [
        "code", "name", "product", "note", "suspended", "hostKey", "ikeId", "firmware", "configs",
    ]
    static let configKeys = ["file", "type", "note", "autoConfig", "autoConfigSave", "schedule", "enforce"]

    static func decodeDevice(_ root: Node, _ reader: DocumentReader) -> Device? {
        guard let f = Fields(root, path: "", allowed: header(deviceKeys), reader: reader) else { return nil }
        let code = f.string("code", required: true)
        if let code, !Formats.isDeviceCode(code) {
            reader.report(
                .deviceCodeFormat, at: f.position(of: "code"),
                "device code `\(code)` must be 1–16 of [a-z0-9_] starting with a lowercase letter, or an 11-digit serial",
                hint: "it must equal the NXR's `crp cpe-id`")
            f.markInvalid("code")
        }
        let name = f.string("name", maxLength: 32) ?? ""
        let product = f.enumeration("product", Product.self, required: true)
        let note = f.string("note", maxLength: 64) ?? ""
        let suspended = f.bool("suspended") ?? false
        let hostKey = f.string("hostKey")
        if let hostKey, !Formats.isHostKeyFingerprint(hostKey) {
            reader.report(
                .deviceHostKeyFormat, at: f.position(of: "hostKey"),
                "hostKey must be an OpenSSH SHA256 fingerprint (SHA256: + 43 base64 characters)",
                hint: "print it with `ssh-keygen -lf <host key>.pub`")
        }
        var ikeID: IKEID?
        if let i = f.mapping("ikeId", allowed: ["type", "value"]) {
            let type = i.enumeration("type", IKEID.Kind.self) ?? .fqdn
            if let value = i.string("value", required: true) {
                i.record("value")
                ikeID = IKEID(type: type, value: value)
                if let problem = Formats.ikeIDProblem(value, userFQDN: type == .userFQDN) {
                    reader.report(
                        .deviceIKEID, at: i.position(of: "value"), "IKE ID `\(value)` (\(type.rawValue)) \(problem)")
                }
            }
        } else if let code, f.has("code"), reader.invalid.isDisjoint(with: ["code"]) {
            // The default ID is derived from the code; check it too, so a code never yields an unusable ID.
            let fallback = IKEID.default(forDeviceCode: code)
            if let problem = Formats.ikeIDProblem(fallback.value, userFQDN: false) {
                reader.report(
                    .deviceIKEID, at: f.position(of: "code"), "default IKE ID `\(fallback.value)` \(problem)",
                    hint: "declare ikeId: {type: fqdn, value: …} explicitly")
            }
        }
        f.record("ikeId")
        let firmware = decodeFirmwareTarget(f, "firmware", product: product, reader: reader)
        var configs: [ConfigFileRef] = []
        if let list = f.sequence("configs") {
            if list.count > reader.limits.configFilesPerDevice {
                reader.report(
                    .limitConfigFiles, at: f.position(of: "configs"),
                    "\(list.count) config files; a device may have at most \(reader.limits.configFilesPerDevice)")
            }
            var seen: Set<String> = []
            var flagOwners: [String: String] = [:]
            for (index, node) in list.enumerated() {
                guard let c = Fields(node, path: "configs[\(index)]", allowed: configKeys, reader: reader),
                    let file = c.string("file", required: true)
                else { continue }
                let at = c.record("file")
                if reader.positions["config:\(file)"] == nil { reader.positions["config:\(file)"] = at }
                if !Formats.isConfigFileName(file) {
                    reader.report(
                        .configFileName, at: at,
                        "config file name `\(file)` must be at most 32 of [A-Za-z0-9_] plus .xml, .tgz or .config")
                    c.markInvalid("file")
                }
                if !seen.insert(file).inserted {
                    reader.report(.configDuplicateFile, at: at, "config file `\(file)` is listed twice")
                }
                let implied = ConfigFileRef.FileType.from(fileName: file)
                let declared = c.enumeration("type", ConfigFileRef.FileType.self)
                if let declared, let implied, declared != implied {
                    reader.report(
                        .configTypeMismatch, at: c.position(of: "type"),
                        "config file `\(file)` has type \(declared.rawValue) but its extension says \(implied.rawValue)"
                    )
                }
                let type = declared ?? implied ?? .xml
                let ref = ConfigFileRef(
                    file: file, type: type, note: c.string("note", maxLength: 64) ?? "",
                    autoConfig: c.bool("autoConfig") ?? false, autoConfigSave: c.bool("autoConfigSave") ?? false,
                    schedule: c.bool("schedule") ?? false, enforce: c.bool("enforce") ?? false)
                for (flag, isSet) in [
                    ("autoConfig", ref.autoConfig), ("autoConfigSave", ref.autoConfigSave), ("schedule", ref.schedule),
                ] where isSet {
                    if let owner = flagOwners[flag] {
                        reader.report(
                            .configFlagConflict, at: c.position(of: flag),
                            "`\(flag)` is already set on `\(owner)`; one file per device may carry each flag")
                    } else {
                        flagOwners[flag] = file
                    }
                }
                if ref.autoConfigSave && !ref.autoConfig {
                    reader.report(
                        .configAutoSaveWithoutAuto, at: c.position(of: "autoConfigSave"),
                        "`\(file)` has autoConfigSave without autoConfig", hint: "set autoConfig: true on the same file"
                    )
                }
                if ref.enforce && ref.type != .xml {
                    reader.report(
                        .configEnforceNotXML, at: c.position(of: "enforce"),
                        "`\(file)` is \(ref.type.rawValue); only xml config files can be enforced")
                }
                configs.append(ref)
            }
        }
        guard let code, let product else { return nil }
        f.record("code")
        f.record("product")
        return Device(
            code: code, name: name, product: product, note: note, suspended: suspended, hostKey: hostKey, ikeID: ikeID,
            firmware: firmware, configs: configs)
    }

    /// `firmware: {image, mode}` of a device or group; the mode is checked against the product when known.
    static func decodeFirmwareTarget(_ f: Fields, _ key: String, product: Product?, reader: DocumentReader)
        -> FirmwareTarget?
    {
        guard let t = f.mapping(key, allowed: ["image", "mode"]) else { return nil }
        guard let image = t.string("image", required: true, nonEmpty: true) else { return nil }
        t.record("image")
        let mode = t.enumeration("mode", FirmwareTarget.Mode.self) ?? .normal
        t.record("mode")
        if let product, mode != .normal, !product.supportsBackgroundUpdate {
            reader.report(
                .firmwareModeUnsupported, at: t.position(of: "mode"),
                "\(product.rawValue) cannot update firmware in \(mode.rawValue) mode",
                hint: "use mode: normal; background and no-reboot need NXR-125/155/230/350/1200")
            t.markInvalid("mode")
        }
        return FirmwareTarget(image: image, mode: mode)
    }
}
