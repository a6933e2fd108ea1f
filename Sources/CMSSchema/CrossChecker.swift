import CMSModel

/// The checks that span documents: counts, uniqueness, references, overlaps.
struct CrossChecker {
    let limits: Limits
    let repositoryPaths: Set<String>
    let baselineCheck: BaselineCheck?
    var diagnostics: [Diagnostic] = []
    /// Device documents whose file name (`devices/<name>.yaml`) is not their code while `<name>` is not declared:
    /// a misspelt code. References to `<name>` are counted and reported once, at the code (one finding per cause).
    private var misspelt: [String: ParsedDocument] = [:]
    private var misspeltReferences: [String: Int] = [:]

    init(limits: Limits, repositoryPaths: Set<String>, baselineCheck: BaselineCheck? = nil) {
        self.limits = limits
        self.repositoryPaths = repositoryPaths
        self.baselineCheck = baselineCheck
    }

    private mutating func report(
        _ rule: Rule, _ document: ParsedDocument, _ path: String, _ message: String, hint: String? = nil
    ) {
        diagnostics.append(Diagnostic(rule, file: document.file, at: document.position(path), message, hint: hint))
    }

    private static func located(_ files: [ParsedFile]) -> [ParsedDocument] {
        files.sorted { $0.path < $1.path }.flatMap(\.documents)
    }

    /// Checks everything and returns the snapshot built from the documents (errors or not).
    mutating func run(_ files: [ParsedFile]) -> TenantSnapshot? {
        var tenants: [(Tenant, ParsedDocument)] = []
        var mails: [(Mail, ParsedDocument)] = []
        var devices: [(Device, ParsedDocument)] = []
        var groups: [(Group, ParsedDocument)] = []
        var schedules: [(Schedule, ParsedDocument)] = []
        var images: [(FirmwareImage, ParsedDocument)] = []
        for document in Self.located(files) {
            switch document.payload {
            case .tenant(let value): tenants.append((value, document))
            case .mail(let value): mails.append((value, document))
            case .device(let value): devices.append((value, document))
            case .group(let value): groups.append((value, document))
            case .schedule(let value): schedules.append((value, document))
            case .firmware(let value): images.append((value, document))
            }
        }

        if tenants.isEmpty {
            diagnostics.append(
                Diagnostic(.tenantMissing, file: ".", at: .start, "the repository has no Tenant document"))
        }
        for (_, document) in tenants.dropFirst() {
            report(
                .tenantDuplicate, document, "code", "a second Tenant document; a repository holds exactly one tenant",
                hint: "first one is in \(tenants[0].1.file)")
        }
        for (_, document) in mails.dropFirst() {
            diagnostics.append(
                Diagnostic(
                    .mailDuplicate, file: document.file, at: document.start,
                    "a second Mail document; at most one is allowed", hint: "first one is in \(mails[0].1.file)"))
        }

        if let (tenant, document) = tenants.first {
            checkSecretNamespace(tenant: tenant, document: document, mail: mails.first)
        }
        let imageIndex = checkImages(images)
        let deviceIndex = checkDevices(devices, images: imageIndex)
        for (device, document) in devices where document.file.hasPrefix("devices/") {
            let name = String(document.file.dropFirst("devices/".count).split(separator: "/").last ?? "")
            let stem = name.hasSuffix(".yaml") ? String(name.dropLast(5)) : name.hasSuffix(".yml") ? String(name.dropLast(4)) : name
            if stem != device.code, deviceIndex[stem] == nil, !stem.isEmpty { misspelt[stem] = document }
        }
        let groupIndex = checkGroups(groups, devices: deviceIndex, images: imageIndex, mail: mails.first?.0)
        checkSchedules(schedules, devices: deviceIndex, groups: groupIndex, images: imageIndex)
        checkGroupRollouts(groups, windows: tenants.first.map { Set($0.0.windows.map(\.name)) } ?? [])
        for (name, count) in misspeltReferences.sorted(by: { $0.key < $1.key }) {
            guard let document = misspelt[name], case .device(let device) = document.payload else { continue }
            report(
                .groupUnknownDevice, document, "code",
                "device code `\(device.code)` differs from its file name `\(name)`, and \(count) group member(s) refer to "
                    + "`\(name)`, which no document declares",
                hint: "correct the code to `\(name)` (or rename the file and the group members to `\(device.code)`)")
        }

        guard let tenant = tenants.first?.0 else { return nil }
        return TenantSnapshot(
            tenant: tenant,
            devices: devices.map(\.0).sorted { $0.code < $1.code },
            groups: groups.map(\.0).sorted { $0.name < $1.name },
            schedules: schedules.map(\.0).sorted { $0.name < $1.name },
            mail: mails.first?.0,
            firmware: images.map(\.0).sorted { $0.name < $1.name })
    }

    // MARK: Secrets

    /// Every `{env: …}` reference of the repository carries the tenant's `CMS_<TENANT>_` prefix (file references
    /// are confined per document, in ``Fields/secret(_:required:)``).
    private mutating func checkSecretNamespace(
        tenant: Tenant, document: ParsedDocument, mail: (Mail, ParsedDocument)?
    ) {
        let namespace = SecretNamespace(tenant: tenant.code)
        var references: [(SecretRef, ParsedDocument, String)] = []
        if let secret = tenant.crpSecret { references.append((secret, document, "crpSecret.env")) }
        if let (mail, mailDocument) = mail {
            for (index, server) in mail.servers.enumerated() {
                if let password = server.password {
                    references.append((password, mailDocument, "servers[\(index)].password.env"))
                }
            }
        }
        for (reference, document, path) in references {
            guard case .env = reference, let problem = namespace.problem(with: reference) else { continue }
            report(
                .secretNamespace, document, path, problem,
                hint: "rename the variable; cmsd reads only the tenant's own variables")
        }
    }

    // MARK: Firmware

    private mutating func checkImages(_ images: [(FirmwareImage, ParsedDocument)]) -> [String: FirmwareImage] {
        var index: [String: FirmwareImage] = [:]
        var perProduct: [Product: Int] = [:]
        for (image, document) in images {
            if index[image.name] != nil {
                report(.firmwareDuplicateName, document, "name", "firmware image `\(image.name)` is declared twice")
                continue
            }
            index[image.name] = image
            perProduct[image.product, default: 0] += 1
            if perProduct[image.product, default: 0] > limits.imagesPerProduct {
                report(
                    .limitImagesPerProduct, document, "product",
                    "more than \(limits.imagesPerProduct) firmware images of \(image.product.rawValue)",
                    hint: "remove an older image of this product")
            }
            if case .file(let path) = image.source, !repositoryPaths.contains(path) {
                report(.firmwareFileMissing, document, "file", "firmware file `\(path)` is not in the repository")
            }
        }
        return index
    }

    private mutating func checkTarget(
        _ target: FirmwareTarget, product: Product?, _ document: ParsedDocument, _ path: String,
        images: [String: FirmwareImage]
    ) -> FirmwareImage? {
        guard let image = images[target.image] else {
            let suggestion = Suggest.closest(to: target.image, in: Array(images.keys).sorted())
            report(
                .firmwareUnknownImage, document, path,
                "firmware image `\(target.image)` is not declared"
                    + (suggestion.map { "; did you mean `\($0)`?" } ?? ""),
                hint: "add a Firmware document named `\(target.image)`")
            return nil
        }
        if let product, image.product != product {
            report(
                .firmwareProductMismatch, document, path,
                "image `\(image.name)` is for \(image.product.rawValue), the device is \(product.rawValue)")
        }
        return image
    }

    // MARK: Devices

    private mutating func checkDevices(_ devices: [(Device, ParsedDocument)], images: [String: FirmwareImage])
        -> [String: Device]
    {
        var index: [String: Device] = [:]
        index.reserveCapacity(devices.count)
        var ikeIDs: [String: String] = [:]
        ikeIDs.reserveCapacity(devices.count)
        for (number, (device, document)) in devices.enumerated() {
            if number == limits.devicesPerTenant {
                report(
                    .limitDevices, document, "code",
                    "\(devices.count) devices; the tenant may have at most \(limits.devicesPerTenant)",
                    hint: "ask the server operator to raise the limit, or remove devices")
            }
            if let first = index[device.code] {
                report(
                    .deviceDuplicateCode, document, "code", "device code `\(device.code)` is declared twice",
                    hint: "first \(first.code) is elsewhere; a code is unique in the tenant")
                continue
            }
            index[device.code] = device
            let ike = device.effectiveIKEID
            if document.isValid("code") {
                if let owner = ikeIDs[ike.value] {
                    report(
                        .deviceDuplicateIKEID, document, device.ikeID == nil ? "code" : "ikeId.value",
                        "IKE ID `\(ike.value)` is also the ID of device `\(owner)`")
                } else {
                    ikeIDs[ike.value] = device.code
                }
            }
            for config in device.configs where document.isValid("code") {
                let path = config.repositoryPath(device: device.code)
                if !repositoryPaths.contains(path) {
                    report(
                        .configMissingFile, document, "config:\(config.file)", "config file `\(path)` does not exist",
                        hint:
                            "add the file, or fetch the device's running config into it with "
                            + "`cms config pull \(device.code) --format \(config.type.rawValue) --out \(path)`")
                } else if config.enforce, config.type == .xml, let baselineCheck, let finding = baselineCheck(path) {
                    diagnostics.append(
                        Diagnostic(
                            .configBaseline, file: path, at: SourcePosition(line: max(1, finding.line ?? 1), column: 1),
                            finding.message))
                }
            }
            if let target = device.firmware {
                _ = checkTarget(target, product: device.product, document, "firmware.image", images: images)
            }
        }
        return index
    }

    // MARK: Groups

    private mutating func checkGroups(
        _ groups: [(Group, ParsedDocument)], devices: [String: Device], images: [String: FirmwareImage], mail: Mail?
    ) -> [String: Group] {
        var index: [String: Group] = [:]
        var monitors = 0
        let deviceCodes = Array(devices.keys)
        for (number, (group, document)) in groups.enumerated() {
            if number == limits.groupsPerTenant {
                report(
                    .limitGroups, document, "name",
                    "\(groups.count) groups; the tenant may have at most \(limits.groupsPerTenant)")
            }
            if index[group.name] != nil {
                report(.groupDuplicateName, document, "name", "group name `\(group.name)` is used twice")
                continue
            }
            index[group.name] = group
            if group.type == .monitor {
                monitors += 1
                if monitors > limits.monitorGroupsPerTenant {
                    report(
                        .limitMonitorGroups, document, "type",
                        "more than \(limits.monitorGroupsPerTenant) monitor group(s) in the tenant")
                } else if mail == nil || mail?.monitorRecipients.isEmpty == true {
                    report(
                        .mailNoRecipients, document, "type",
                        "monitor group `\(group.name)` mails nobody: no Mail document or no monitorRecipients")
                }
            }
            var image: FirmwareImage?
            if let target = group.firmware {
                image = checkTarget(target, product: nil, document, "firmware.image", images: images)
                if let image, target.mode != .normal, !image.product.supportsBackgroundUpdate {
                    report(
                        .firmwareModeUnsupported, document, "firmware.mode",
                        "\(image.product.rawValue) cannot update firmware in \(target.mode.rawValue) mode")
                }
            }
            for member in group.members {
                guard let device = devices[member.device] else {
                    if misspelt[member.device] != nil {
                        misspeltReferences[member.device, default: 0] += 1  // reported once, at the misspelt code
                        continue
                    }
                    let suggestion =
                        deviceCodes.count < 5000 ? Suggest.closest(to: member.device, in: deviceCodes.sorted()) : nil
                    report(
                        .groupUnknownDevice, document, "member:\(member.device)",
                        "device `\(member.device)` is not declared"
                            + (suggestion.map { "; did you mean `\($0)`?" } ?? ""),
                        hint: "add a Device document with code: \(member.device), or remove the member")
                    continue
                }
                if let image, device.firmware == nil, image.product != device.product {
                    report(
                        .firmwareProductMismatch, document, "member:\(member.device)",
                        "group firmware `\(image.name)` is for \(image.product.rawValue); member `\(device.code)` is "
                            + device.product.rawValue,
                        hint: "give the device its own firmware, or use a group per product")
                }
            }
        }
        return index
    }

    // MARK: Group rollouts

    /// A group's `rollout:` names declared windows; a device takes its rollout policy from at most one group.
    private mutating func checkGroupRollouts(_ groups: [(Group, ParsedDocument)], windows: Set<String>) {
        var owner: [String: String] = [:]
        for (group, document) in groups {
            guard let rollout = group.rollout else { continue }
            for name in rollout.windows ?? [] where !windows.contains(name) {
                report(
                    .rolloutUnknownWindow, document, "rollout.windows[\(name)]",
                    "rollout window `\(name)` of group `\(group.name)` is not declared in tenant.yaml `windows:`",
                    hint: "declare it, e.g. `windows: [{name: \(name), weekly: [sat], start: \"02:00\", duration: 4h}]`")
            }
            for member in group.members {
                if let other = owner[member.device], other != group.name {
                    report(
                        .groupRolloutConflict, document, "member:\(member.device)",
                        "device `\(member.device)` is in groups `\(other)` and `\(group.name)`, both with `rollout:`",
                        hint: "a device takes its rollout policy from one group: keep `rollout:` on one of them")
                } else {
                    owner[member.device] = group.name
                }
            }
        }
    }

    // MARK: Schedules

    private mutating func checkSchedules(
        _ schedules: [(Schedule, ParsedDocument)], devices: [String: Device], groups: [String: Group],
        images: [String: FirmwareImage]
    ) {
        var names: Set<String> = []
        var checked: [(Schedule, ParsedDocument, Set<String>?)] = []
        for (number, (schedule, document)) in schedules.enumerated() {
            if number == limits.schedulesPerTenant {
                report(
                    .limitSchedules, document, "name",
                    "\(schedules.count) schedules; the tenant may have at most \(limits.schedulesPerTenant)")
            }
            if !names.insert(schedule.name).inserted {
                report(.scheduleDuplicateName, document, "name", "schedule name `\(schedule.name)` is used twice")
            }
            // nil = all devices
            var targets: Set<String>?
            if case .group(let name) = schedule.target {
                if let group = groups[name] {
                    targets = Set(group.members.map(\.device))
                } else {
                    let suggestion = Suggest.closest(to: name, in: Array(groups.keys).sorted())
                    report(
                        .scheduleUnknownGroup, document, "target.group",
                        "group `\(name)` does not exist" + (suggestion.map { "; did you mean `\($0)`?" } ?? ""))
                    targets = []
                }
            }
            if let name = schedule.firmware, schedule.command.usesFirmware {
                if let image = images[name] {
                    if schedule.command == .firmwareUpdateNoReboot, !image.product.supportsBackgroundUpdate {
                        report(
                            .firmwareModeUnsupported, document, "firmware",
                            "\(image.product.rawValue) cannot update firmware without reboot")
                    }
                    // Devices of another product are skipped at fire time (SPEC §8); none left means a no-op.
                    let matches: Bool
                    if let targets {
                        matches = targets.contains { devices[$0]?.product == image.product }
                    } else {
                        matches = devices.values.contains { $0.product == image.product }
                    }
                    if !matches {
                        report(
                            .scheduleFirmwareNoTarget, document, "firmware",
                            "no target device is an \(image.product.rawValue); `\(image.name)` would update nothing",
                            hint: "target a group of \(image.product.rawValue) devices, or pick another image")
                    }
                } else {
                    let suggestion = Suggest.closest(to: name, in: Array(images.keys).sorted())
                    report(
                        .firmwareUnknownImage, document, "firmware",
                        "firmware image `\(name)` is not declared"
                            + (suggestion.map { "; did you mean `\($0)`?" } ?? ""))
                }
            }
            if schedule.command.usesScheduleConfig {
                let codes = targets.map { Array($0) } ?? Array(devices.keys)
                let lacking = codes.filter { code in
                    guard let device = devices[code] else { return false }
                    return !device.configs.contains { $0.schedule }
                }.sorted()
                if !lacking.isEmpty {
                    let shown = lacking.prefix(5).joined(separator: ", ") + (lacking.count > 5 ? ", …" : "")
                    report(
                        .scheduleNoScheduleConfig, document, "name",
                        "\(lacking.count) target device(s) have no config file flagged schedule (\(shown))",
                        hint: "set schedule: true on one config file of each device")
                }
            }
            for (other, otherDocument, otherTargets) in checked {
                guard ScheduleOverlap.timesIntersect(schedule.when, other.when) else { continue }
                if schedule.command == other.command, schedule.target == other.target, schedule.when == other.when,
                    schedule.backup?.to == other.backup?.to
                {
                    report(
                        .scheduleIdentical, document, "name",
                        "schedule `\(schedule.name)` has the same command, target and time as `\(other.name)`",
                        hint: "\(other.name) is in \(otherDocument.file); remove one")
                    continue
                }
                // A tenant backup acts on no device: it overlaps nothing (it runs in its turn, like any fire).
                if !schedule.command.isTenantWide, !other.command.isTenantWide,
                    ScheduleOverlap.devicesIntersect(targets, otherTargets, allCount: devices.count)
                {
                    report(
                        .scheduleOverlap, document, "when",
                        "schedule `\(schedule.name)` runs on the same devices at the same time as `\(other.name)`",
                        hint: "they run one after another in no fixed order; move one by a few minutes")
                }
            }
            checked.append((schedule, document, targets))
        }
    }
}
