import CMSModel
import Foundation
import Testing

/// The catalogue against the SPEC and the original guide, and the ids against their golden file.
@Suite("Event catalogue")
struct EventCatalogueTests {
    /// SPEC §9's list, transcribed phrase by phrase → the id that implements it.
    static let specPhrases: [(String, String)] = [
        ("connection success", "device.connect.succeeded"),
        ("connection failure", "device.connect.failed"),
        ("disconnect", "device.disconnected"),
        ("device added", "device.added"),
        ("device deleted", "device.deleted"),
        ("interface change notified", "device.interfaces.changed"),
        ("control IP notified", "crp.address-notified"),
        ("serial registered", "device.serial.registered"),
        ("serial changed", "device.serial.changed"),
        ("product mismatch", "device.product-mismatch"),
        ("CRP from unregistered device", "crp.unregistered-device"),
        ("control IP duplicate", "crp.address-duplicate"),
        ("identification timeout", "device.identify.timed-out"),
        ("communication error", "device.communication-error"),
        ("device-code mismatch", "device.code-mismatch"),
        ("suspend", "device.suspended"),
        ("resume", "device.resumed"),
        ("reboot start", "device.reboot.started"),
        ("request wait timeout", "device.request.wait-timed-out"),
        ("request error", "device.request.failed"),
        ("config file registered", "config.file.registered"),
        ("config file deleted", "config.file.deleted"),
        ("config backup start", "config.backup.started"),
        ("config backup transfer done", "config.backup.succeeded"),
        ("config backup failed", "config.backup.failed"),
        ("config restore start", "config.restore.started"),
        ("config restore done", "config.restore.succeeded"),
        ("config restore failed", "config.restore.failed"),
        ("auto-config start", "auto-config.started"),
        ("auto-config start(save)", "auto-config.save.started"),
        ("auto-config not registered", "auto-config.not-registered"),
        ("auto-config selected", "auto-config.selected"),
        ("auto-config selected(save)", "auto-config.save.selected"),
        ("auto-config deselected", "auto-config.deselected"),
        ("auto-config deselected(save)", "auto-config.save.deselected"),
        ("auto-config failed", "auto-config.failed"),
        ("firmware update start (normal)", "firmware.update.started"),
        ("firmware update start (no-reboot)", "firmware.update.no-reboot.started"),
        ("firmware update start (background)", "firmware.update.background.started"),
        ("firmware transfer done", "firmware.transfer.succeeded"),
        ("firmware transfer failed", "firmware.transfer.failed"),
        ("firmware transfer skipped (same version)", "firmware.transfer.skipped-same-version"),
        ("syslog fetched", "syslog.fetch.succeeded"),
        ("syslog failed", "syslog.fetch.failed"),
        ("group added", "group.added"),
        ("group deleted", "group.deleted"),
        ("group joined", "group.member.joined"),
        ("group left", "group.member.left"),
        ("IPsec warning", "ipsec.warning"),
        ("login", "user.login"),
        ("logout", "user.logout"),
        ("logout requested", "user.logout-requested"),
        ("idle logout", "user.idle-logout"),
        ("IPsec delete start", "ipsec.delete.started"),
        ("IPsec delete done", "ipsec.delete.succeeded"),
        ("IPsec add start", "ipsec.add.started"),
        ("IPsec add done", "ipsec.add.succeeded"),
        ("IPsec change start", "ipsec.change.started"),
        ("IPsec change done", "ipsec.change.succeeded"),
        ("tenant backup start", "tenant.backup.started"),
        ("tenant backup done", "tenant.backup.succeeded"),
        ("tenant backup failed", "tenant.backup.failed"),
        ("tenant restore start", "tenant.restore.started"),
        ("tenant restore done", "tenant.restore.succeeded"),
        ("tenant restore failed", "tenant.restore.failed"),
        ("import start", "tenant.import.started"),
        ("import done", "tenant.import.succeeded"),
        ("import failed", "tenant.import.failed"),
        ("CMS start", "system.started"),
        ("CMS stop", "system.stopped"),
        ("firmware image registered", "firmware.image.registered"),
        ("firmware image deleted", "firmware.image.deleted"),
        ("NETCONF error GET-STATUS", "netconf.error.get-status"),
        ("NETCONF error GET-CONFIG", "netconf.error.get-config"),
        ("NETCONF error EDIT-CONFIG", "netconf.error.edit-config"),
        ("NETCONF error COPY-CONFIG", "netconf.error.copy-config"),
        ("mail sent", "mail.sent"),
        ("mail failed", "mail.failed"),
        ("schedule added", "schedule.added"),
        ("schedule deleted", "schedule.deleted"),
        ("schedule changed", "schedule.changed"),
        ("schedule changed because firmware deleted", "schedule.changed.firmware-deleted"),
        ("schedule fired", "schedule.fired"),
        ("schedule config restore: start-preparing", "schedule.config-restore.preparing"),
        ("schedule config restore: all started", "schedule.config-restore.all-started"),
        ("schedule firmware update: start-preparing", "schedule.firmware-update.preparing"),
        ("schedule firmware update: all started", "schedule.firmware-update.all-started"),
        ("schedule reboot: start-preparing", "schedule.reboot.preparing"),
        ("schedule reboot: all started", "schedule.reboot.all-started"),
        ("schedule syslog fetch: start-preparing", "schedule.syslog-fetch.preparing"),
        ("schedule syslog fetch: all started", "schedule.syslog-fetch.all-started"),
        ("schedule auto-config + reboot: start-preparing", "schedule.auto-config-reboot.preparing"),
        ("schedule auto-config + reboot: all started", "schedule.auto-config-reboot.all-started"),
        ("schedule-config selected", "schedule-config.selected"),
        ("schedule-config deselected", "schedule-config.deselected"),
        ("schedule-config not registered", "schedule-config.not-registered"),
        ("schedule firmware not registered", "schedule.firmware.not-registered"),
        ("schedule firmware version unknown", "schedule.firmware.version-unknown"),
        ("schedule aborted", "schedule.aborted"),
        ("disk error", "system.disk.failed"),
        ("disk recovered", "system.disk.recovered"),
    ]

    /// SPEC §9 "GitOps adds its own", plus the host-key events of SPEC §2 / issue 5.
    static let gitOpsPhrases: [(String, String)] = [
        ("revision fetched", "gitops.revision.fetched"),
        ("fetch failed", "gitops.fetch.failed"),
        ("lint failed", "gitops.lint.failed"),
        ("plan computed", "gitops.plan.computed"),
        ("drift detected", "gitops.drift.detected"),
        ("apply started", "gitops.apply.started"),
        ("apply succeeded", "gitops.apply.succeeded"),
        ("apply failed", "gitops.apply.failed"),
        ("apply interrupted by a cmsd crash (issue 18)", "gitops.apply.interrupted"),
        ("safe prune refused a mass deletion", "gitops.prune.refused"),
        ("devices over the server device limit (SPEC §2 limits)", "gitops.device-limit.exceeded"),
        ("kinds the linter accepts that cmsd does not carry out yet (issue 10)", "gitops.not-carried-out"),
        ("signed push webhook accepted: refresh or ignored (issue 17)", "gitops.webhook.received"),
        ("webhook delivery refused: unsigned, wrong signature, too large (issue 17)", "gitops.webhook.rejected"),
        ("a user asked to fetch the repository now, with the outcome (issue 16)", "gitops.refresh.requested"),
        ("host key pinned", "device.host-key.pinned"),
        ("host key mismatch", "device.host-key.mismatch"),
        ("firmware: device verified on the new version (issue 11)", "firmware.update.succeeded"),
        ("firmware: device not back on the version in time / version unknown (issue 11)", "firmware.update.failed"),
        ("firmware: image product mismatch, not updated (SPEC §5)", "firmware.update.not-updated"),
        ("rollout started (issue 11)", "firmware.rollout.started"),
        ("rollout batch done (issue 11)", "firmware.rollout.batch-done"),
        ("rollout stopped over the failure threshold (issue 11)", "firmware.rollout.stalled"),
        ("rollout resumed (issue 11)", "firmware.rollout.resumed"),
        ("rollout finished (issue 11)", "firmware.rollout.finished"),
        ("diagnostic command run through the API, with its user (SPEC §7, issue 13)", "device.exec.succeeded"),
        ("diagnostic command failed (SPEC §7, issue 13)", "device.exec.failed"),
    ]

    /// Guide §5.4's event names, transcribed in its order (101 rows).
    static let guideNames = [
        "接続成功", "接続失敗", "切断", "機器追加", "機器削除", "インターフェース設定変更通知", "制御用 IP アドレス通知",
        "機器シリアル番号登録", "機器シリアル番号変更", "製品不一致", "未登録機器からの制御用 IP アドレス通知",
        "制御用 IP アドレス重複", "機器識別処理タイムアウト", "通信エラー", "機器コード不一致", "機器運用休止", "機器運用再開",
        "機器再起動開始", "機器処理待ちタイムアウト", "機器要求エラー", "設定ファイル登録", "設定ファイル削除",
        "設定ファイルバックアップ開始", "設定ファイルバックアップ転送完了", "設定ファイルバックアップ転送失敗",
        "設定ファイルリストア開始", "設定ファイルリストア転送完了", "設定ファイルリストア転送失敗", "Auto-Config 開始",
        "Auto-Config（保存）開始", "Auto-Config 設定未登録", "Auto-Config 選択", "Auto-Config（保存）選択",
        "Auto-Config 選択解除", "Auto-Config（保存）選択解除", "Auto-Config 失敗", "ファームウェア更新開始",
        "ファームウェア更新（再起動なし）開始", "ファームウェア更新（バックグラウンド）開始", "ファームウェア転送完了",
        "ファームウェア転送失敗", "ファームウェア転送スキップ（同一ファームウェアバージョン）", "機器 SYSLOG 定期取得",
        "機器 SYSLOG 定期取得失敗", "グループ追加", "グループ削除", "グループ参加", "グループ離脱", "IPsec 警告", "ログイン",
        "ログアウト", "ログアウト要求通知", "無通信ログアウト", "IPsec 設定削除開始", "IPsec 設定削除完了", "IPsec 設定追加開始",
        "IPsec 設定追加完了", "IPsec 設定変更開始", "IPsec 設定変更完了", "テナントデータ退避開始", "テナントデータ退避完了",
        "テナントデータ退避失敗", "テナントデータ復帰開始", "テナントデータ復帰完了", "テナントデータ復帰失敗",
        "テナントデータインポート開始", "テナントデータインポート完了", "テナントデータインポート失敗", "CMS 起動", "CMS 停止",
        "ファームウェアイメージ登録", "ファームウェアイメージ削除", "NETCONF エラー GET-STATUS", "NETCONF エラー GET-CONFIG",
        "NETCONF エラー EDIT-CONFIG", "NETCONF エラー COPY-CONFIG", "メール送信失敗", "メール送信", "スケジュール追加",
        "スケジュール削除", "スケジュール変更", "ファームウェア削除によるスケジュール設定変更", "スケジュール動作起動",
        "スケジュールによる設定ファイルリストア、起動準備開始", "スケジュールによる設定ファイルリストア、起動準備完了",
        "Schedule-Config 選択", "Schedule-Config 選択解除", "Schedule-Config 設定未登録",
        "スケジュールによるファームウェア更新、起動準備開始", "スケジュールによるファームウェア更新、起動準備完了",
        "スケジュールによる機器再起動、起動準備開始", "スケジュールによる機器再起動、起動準備完了",
        "スケジュールによる機器 SYSLOG 定期取得、起動準備開始", "スケジュールによる機器 SYSLOG 定期取得、起動準備完了",
        "スケジュールによる Auto-Config 選択設定と機器再起動、起動準備開始",
        "スケジュールによる Auto-Config 選択設定と機器再起動、起動準備完了", "スケジュールによる更新ファームウェア未登録",
        "スケジュールによる更新ファームウェアバージョン取得失敗", "スケジュール動作を中止", "DISK エラー発生", "DISK エラー復旧",
    ]

    static let goldenURL = Support.packageRoot.appendingPathComponent("Tests/CMSStoreTests/Golden/event-ids.txt")
    static let docsURL = Support.packageRoot.appendingPathComponent("docs/events.md")

    @Test("every SPEC §9 event type exists in the catalogue")
    func specComplete() {
        for (phrase, id) in Self.specPhrases + Self.gitOpsPhrases {
            #expect(EventType(rawValue: id) != nil, "SPEC §9 '\(phrase)' has no event type '\(id)'")
        }
        #expect(Self.specPhrases.count >= 90)
    }

    @Test("every catalogue entry is accounted for by a SPEC phrase (no undocumented extras)")
    func noExtras() {
        let documented = Set((Self.specPhrases + Self.gitOpsPhrases).map(\.1))
        for type in EventType.allCases {
            #expect(documented.contains(type.rawValue), "\(type.rawValue) is not in the SPEC transcription")
        }
        #expect(documented.count == Self.specPhrases.count + Self.gitOpsPhrases.count, "a SPEC phrase maps twice")
    }

    @Test("every event of guide §5.4 keeps its original name, and only original events have one")
    func guideComplete() {
        #expect(Self.guideNames.count == 101)
        let originals = Dictionary(grouping: EventType.allCases.filter { $0.originalName != nil }) { $0.originalName! }
        for name in Self.guideNames {
            #expect(originals[name]?.count == 1, "guide §5.4 '\(name)' has \(originals[name]?.count ?? 0) event types")
        }
        #expect(originals.count == Self.guideNames.count)
        for type in EventType.allCases where type.category == .gitops || type.rawValue.hasPrefix("device.host-key")
            || type.rawValue.hasPrefix("device.exec")
        {
            #expect(type.originalName == nil && type.originalMessage == nil, "\(type.rawValue) is new")
        }
        for type in EventType.allCases where type.originalName != nil {
            #expect(type.originalMessage?.isEmpty == false, "\(type.rawValue) lacks the original description")
        }
    }

    @Test("ids are unique, well-formed and match their category")
    func idsWellFormed() {
        let ids = EventType.allCases.map(\.rawValue)
        #expect(Set(ids).count == ids.count)
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789.-")
        for type in EventType.allCases {
            let id = type.rawValue
            #expect(id.allSatisfy { allowed.contains($0) } && id.contains(".") && !id.hasSuffix("."), "\(id)")
            #expect(!type.template.isEmpty)
            let prefix = String(id.prefix { $0 != "." })
            let expected: Set<String> =
                switch type.category {
                case .autoConfig: ["auto-config", "schedule-config"]
                default: [type.category.rawValue]
                }
            #expect(expected.contains(prefix), "\(id) is in category \(type.category.rawValue)")
        }
    }

    @Test("ids are stable: the catalogue equals the golden list (ids may be added, never renamed or removed)")
    func golden() throws {
        let text = try String(contentsOf: Self.goldenURL, encoding: .utf8)
        let golden = text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") && !$0.isEmpty }
        let current = EventType.allCases.map(\.rawValue)
        let missing = Set(golden).subtracting(current)
        let added = Set(current).subtracting(golden)
        #expect(missing.isEmpty, "released ids vanished from the catalogue: \(missing.sorted())")
        #expect(added.isEmpty, "new ids: append them to Tests/CMSStoreTests/Golden/event-ids.txt: \(added.sorted())")
        #expect(Set(golden).count == golden.count)
    }

    @Test("messages render the template with the event's fields and details")
    func messages() {
        let event = Event(
            time: .seconds(0), tenant: "acme", type: .deviceConnectSucceeded, device: "nxr01",
            details: ["address": "127.0.0.1:830"])
        #expect(event.message == "NETCONF session to nxr01 established (127.0.0.1:830)")
        #expect(event.severity == .info)
        let missing = Event(time: .seconds(0), tenant: "acme", type: .gitApplyFailed, device: "nxr01")
        #expect(missing.message == "Applying revision - to nxr01 failed: -")
        #expect(Event.render(template: "a {b", values: ["b": "x"]) == "a {b")
        #expect(Event(time: .seconds(0), tenant: "t", type: .mailSent, message: "custom").message == "custom")
        #expect(Event(time: .seconds(0), tenant: "t", type: .mailSent, severity: .error).severity == .error)
    }

    /// The catalogue table of docs/events.md, generated from the code.
    static func markdownTable() -> String {
        var lines = ["| id | severity | original (guide §5.4) | message |", "|---|---|---|---|"]
        for type in EventType.allCases {
            let template = type.template.replacingOccurrences(of: "|", with: "\\|")
            let original = type.originalName ?? "—"
            lines.append("| `\(type.rawValue)` | \(type.severity.rawValue) | \(original) | \(template) |")
        }
        return lines.joined(separator: "\n")
    }

    @Test("docs/events.md lists exactly the catalogue (set CMS_UPDATE_DOCS=1 to regenerate)")
    func docsInSync() throws {
        let begin = "<!-- catalogue:begin (generated by EventCatalogueTests; do not edit) -->"
        let end = "<!-- catalogue:end -->"
        let text = try String(contentsOf: Self.docsURL, encoding: .utf8)
        let start = try #require(text.range(of: begin), "docs/events.md lacks the begin marker")
        let stop = try #require(text.range(of: end), "docs/events.md lacks the end marker")
        let current = String(text[start.upperBound..<stop.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines)
        let generated = Self.markdownTable()
        if current != generated, ProcessInfo.processInfo.environment["CMS_UPDATE_DOCS"] == "1" {
            let updated = String(text[..<start.upperBound]) + "\n" + generated + "\n" + String(text[stop.lowerBound...])
            try updated.write(to: Self.docsURL, atomically: true, encoding: .utf8)
            return
        }
        #expect(current == generated, "docs/events.md is stale: run CMS_UPDATE_DOCS=1 swift test --filter docsInSync")
    }
}
