import CMSDaemon
import CMSModel
import Testing

/// The original's config-file and auto-config selection events (SPEC §4, §9), recorded once when a revision that
/// registers, deletes or (de)flags a device's config file is put in force, naming the commit and its author.
@Suite("Core: config-file and auto-config events", .tags(.core))
struct CoreConfigFileEventsTests {
    @Test func revisionsThatRegisterFlagAndDeleteConfigFilesRecordTheOriginalsEvents() async throws {
        let harness = try await CoreHarness(ipsec: false)
        let first = try await harness.start()
        #expect(await harness.settle { await harness.converged(at: first) })
        // The first revision registers every file of the repository, and selects the example's flagged ones.
        let registered = try await harness.events(.configFileRegistered)
        for code in ["nxr01", "nxr02", "nxr03"] {
            #expect(registered.contains { $0.device == code && $0.details["file"] == "baseline.xml" }, "\(code)")
        }
        #expect(registered.allSatisfy { $0.revision == first && $0.user?.hasPrefix("Alice") == true })
        let selectedAtFirst = try await harness.events(.autoConfigSelected)
        #expect(selectedAtFirst.allSatisfy { $0.revision == first && $0.device != "nxr01" })

        // nxr01 gets an auto-config file, flagged with save.
        harness.files.withLockedValue { files in
            files["devices/nxr01.yaml", default: ""] +=
                "  - file: auto.xml\n    type: xml\n    autoConfig: true\n    autoConfigSave: true\n"
            files["configs/nxr01/auto.xml"] = CoreHarness.baseline("nxr01", mtu: 1400)
        }
        let second = await harness.commit("nxr01 boots into auto.xml", author: "Bob")
        await harness.controller.refresh()
        #expect(await harness.settle { await harness.converged(at: second) })
        for type in [EventType.configFileRegistered, .autoConfigSelected, .autoConfigSaveSelected] {
            let found = try await harness.events(type).filter { $0.revision == second }
            #expect(found.count == 1, "\(type)")
            #expect(found.first?.device == "nxr01" && found.first?.details["file"] == "auto.xml", "\(type)")
            #expect(found.first?.user?.hasPrefix("Bob") == true, "\(type)")
            #expect(found.first?.message.contains("auto.xml") == true, "\(type): \(found.first?.message ?? "")")
        }

        // The save flag comes off, then the file goes: each a selection cleared / a file deleted, once.
        harness.files.withLockedValue { files in
            files["devices/nxr01.yaml"] = files["devices/nxr01.yaml"]?.replacingOccurrences(
                of: "    autoConfigSave: true\n", with: "")
        }
        let third = await harness.commit("auto.xml no longer stored as startup")
        await harness.controller.refresh()
        #expect(await harness.settle { await harness.converged(at: third) })
        #expect(try await harness.events(.autoConfigSaveDeselected).map(\.revision) == [third])
        #expect(try await harness.events(.autoConfigDeselected).isEmpty)
        #expect(
            try await harness.events(.autoConfigSelected).count == selectedAtFirst.count + 1,
            "the auto-config flag did not move")

        harness.files.withLockedValue { files in
            files["devices/nxr01.yaml"] = files["devices/nxr01.yaml"]?.replacingOccurrences(
                of: "  - file: auto.xml\n    type: xml\n    autoConfig: true\n", with: "")
            files["configs/nxr01/auto.xml"] = nil
        }
        let fourth = await harness.commit("nxr01 without auto-config")
        await harness.controller.refresh()
        #expect(await harness.settle { await harness.converged(at: fourth) })
        let deselected = try await harness.events(.autoConfigDeselected)
        #expect(deselected.map(\.revision) == [fourth] && deselected.first?.details["file"] == "auto.xml")
        let deleted = try await harness.events(.configFileDeleted)
        #expect(deleted.map(\.revision) == [fourth] && deleted.first?.details["file"] == "auto.xml")
        #expect(try await harness.events(.configFileRegistered).count == registered.count + 1, "nothing registered twice")
        await harness.stop()
    }
}
