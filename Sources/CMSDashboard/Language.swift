/// The dashboard's two languages: Japanese (the original's users) and English.
public enum Language: String, Sendable, CaseIterable {
    case en, ja

    /// The language of a request: the `cms_lang` cookie (the switch) first, else the best of `Accept-Language`
    /// (by q-value, then order), else English.
    static func negotiate(cookie: String?, acceptLanguage: String?) -> Language {
        if let cookie, let chosen = Language(rawValue: cookie) { return chosen }
        guard let acceptLanguage else { return .en }
        var best: (language: Language, q: Double)?
        for item in acceptLanguage.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let tag = parts.first, !tag.isEmpty else { continue }
            var q = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                q = Double(parameter.dropFirst(2)) ?? 0
            }
            let primary = tag.split(separator: "-").first.map(String.init) ?? tag
            guard let language = Language(rawValue: primary), q > 0 else { continue }
            if best == nil || q > best!.q { best = (language, q) }
        }
        return best?.language ?? .en
    }

    var other: Language { self == .en ? .ja : .en }
}

import Foundation

/// The labels of the pages in both languages; the templates read them as `{{t.key}}`.
enum Labels {
    static func table(_ language: Language) -> [String: String] {
        var result: [String: String] = [:]
        for (key, pair) in entries { result[key] = language == .ja ? pair.ja : pair.en }
        return result
    }

    /// The label of a device state (the 7 of SPEC §2).
    static func state(_ raw: String, _ language: Language) -> String {
        let pair = entries["state.\(raw)"]
        return (language == .ja ? pair?.ja : pair?.en) ?? raw
    }

    static let entries: [String: (en: String, ja: String)] = [
        "title": ("CMS dashboard", "CMS ダッシュボード"),
        "overview": ("Overview", "概要"),
        "devices": ("Devices", "機器一覧"),
        "events": ("Events", "イベント"),
        "groups": ("Groups & IPsec", "グループと IPsec"),
        "login": ("Log in", "ログイン"),
        "logout": ("Log out", "ログアウト"),
        "token": ("API token", "API トークン"),
        "loginHint": ("Log in with a tenant's API token (or an all-tenant token).",
                      "テナントの API トークン (または全テナントのトークン) でログインしてください。"),
        "loginFailed": ("The token is not valid.", "トークンが正しくありません。"),
        "tenant": ("Tenant", "テナント"),
        "switchTenant": ("Switch", "切替"),
        "user": ("User", "ユーザ"),
        "readOnly": ("read-only", "参照のみ"),
        "condition": ("Condition", "状態"),
        "revisionInForce": ("Revision in force", "適用中のリビジョン"),
        "lastFailed": ("Last refused revision", "最後に拒否されたリビジョン"),
        "lintErrors": ("Lint errors", "検査エラー"),
        "lastFetch": ("Last fetch", "最終取得"),
        "fetchError": ("Fetch error", "取得エラー"),
        "deviceStates": ("Device states", "機器の状態"),
        "counters": ("Counters", "台数"),
        "sync": ("Sync", "同期"),
        "ready": ("Ready", "同期済み"),
        "reconciling": ("Reconciling", "同期中"),
        "stalled": ("Stalled", "停滞"),
        "reconcileAll": ("Reconcile all", "全台同期"),
        "reconcile": ("Reconcile", "同期"),
        "refresh": ("Fetch repository now", "リポジトリを今すぐ取得"),
        "code": ("Code", "機器コード"),
        "name": ("Name", "機器名"),
        "product": ("Product", "製品"),
        "state": ("State", "状態"),
        "firmware": ("Firmware", "ファームウェア"),
        "serial": ("Serial", "シリアル番号"),
        "hostname": ("Hostname", "ホスト名"),
        "address": ("Control address", "制御アドレス"),
        "note": ("Note", "備考"),
        "groupsCol": ("Groups", "グループ"),
        "search": ("Search", "検索"),
        "field": ("Field", "項目"),
        "value": ("Value", "値"),
        "exact": ("Exact", "完全一致"),
        "partial": ("Partial", "部分一致"),
        "pageSize": ("Per page", "表示件数"),
        "all": ("All", "すべて"),
        "page": ("Page", "ページ"),
        "previous": ("Previous", "前へ"),
        "next": ("Next", "次へ"),
        "csv": ("Download CSV", "CSV ダウンロード"),
        "total": ("Total", "合計"),
        "identity": ("Identity", "識別情報"),
        "interfaces": ("Interfaces", "インターフェース"),
        "addresses": ("Addresses", "アドレス"),
        "status": ("Status", "状態"),
        "syncStatus": ("Sync status", "同期状態"),
        "lastRuns": ("Last runs", "最近の実行"),
        "started": ("Started", "開始"),
        "finished": ("Finished", "終了"),
        "outcome": ("Outcome", "結果"),
        "message": ("Message", "メッセージ"),
        "managedParts": ("Managed parts", "管理対象"),
        "inSync": ("in sync", "同期済み"),
        "outOfSync": ("out of sync", "未同期"),
        "showDiff": ("Show differences", "差分を表示"),
        "noDiff": ("No differences with the revision in force.", "適用中のリビジョンとの差分はありません。"),
        "hostKey": ("Host key", "ホスト鍵"),
        "uptime": ("Uptime (s)", "稼働時間 (秒)"),
        "lastError": ("Last error", "最後のエラー"),
        "time": ("Time", "日時"),
        "type": ("Type", "種別"),
        "severity": ("Severity", "重要度"),
        "device": ("Device", "機器"),
        "group": ("Group", "グループ"),
        "revision": ("Revision", "リビジョン"),
        "from": ("From", "開始日時"),
        "to": ("To", "終了日時"),
        "order": ("Order", "並び順"),
        "newest": ("Newest first", "新しい順"),
        "oldest": ("Oldest first", "古い順"),
        "limit": ("Limit", "件数"),
        "liveEvents": ("Newest events (live)", "最新のイベント (自動更新)"),
        "live": ("live", "自動更新中"),
        "offline": ("offline", "切断"),
        "topology": ("Topology", "トポロジー"),
        "members": ("Members", "メンバー"),
        "role": ("Role", "役割"),
        "registration": ("Registration", "登録状態"),
        "peers": ("Peers", "対向"),
        "noGroups": ("No group has IPsec.", "IPsec のグループはありません。"),
        "groupState": ("Group state", "グループの状態"),
        "refreshIPsec": ("Read from the devices", "機器から取得"),
        "notFound": ("Not found", "見つかりません"),
        "operations": ("Operations", "運用"),
        "schedules": ("Schedules", "スケジュール"),
        "command": ("Command", "コマンド"),
        "target": ("Target", "対象"),
        "when": ("When", "日時"),
        "nextFire": ("Next", "次回"),
        "lastFire": ("Last", "前回"),
        "rollouts": ("Firmware rollouts", "ファームウェア更新"),
        "window": ("Maintenance window", "メンテナンス時間帯"),
        "mode": ("Mode", "モード"),
        "phase": ("Phase", "段階"),
        "batch": ("Batch", "バッチ"),
        "mail": ("Mail queue", "メール送信キュー"),
        "mailConfigured": ("Configured", "設定済み"),
        "monitored": ("Monitored devices", "監視対象機器"),
        "batched": ("Events waiting for the batch", "まとめ送信待ちイベント"),
        "subject": ("Subject", "件名"),
        "recipients": ("Recipients", "宛先数"),
        "attempts": ("Attempts", "試行回数"),
        "sent": ("Sent", "送信日時"),
        "archive": ("Config archive", "設定アーカイブ"),
        "archiveHint": ("A device's archived configs: its history, the difference of two versions, one file.",
                        "機器の設定ファイルの履歴、2 版の差分、ファイルの内容を表示します。"),
        "show": ("Show", "表示"),
        "format": ("Format", "形式"),
        "author": ("Author", "作成者"),
        "files": ("Files", "ファイル"),
        "pullNow": ("Pull the config now", "設定を今すぐ取得"),
        "noArchive": ("Nothing archived for this device yet.", "この機器の設定はまだアーカイブされていません。"),
        "sameFiles": ("The two versions hold the same files.", "2 つの版は同じ内容です。"),
        "difference": ("Difference", "差分"),
        "binaryFile": ("Binary file (download it with cms config show --out).",
                       "バイナリファイルです (cms config show --out で取得してください)。"),
        "bytes": ("bytes", "バイト"),
        "unavailable": ("This cmsd does not offer it.", "この cmsd では利用できません。"),
        "backups": ("Backups", "バックアップ"),
        "backupNow": ("Back up now", "今すぐバックアップ"),
        "backupName": ("File name (empty: tenant and time)", "ファイル名 (空欄: テナント名と日時)"),
        "includeEvents": ("Include the event log", "イベントログを含める"),
        "checkBackup": ("Check a backup", "バックアップを検査"),
        "backupSource": ("File name or ssh:// URL", "ファイル名または ssh:// URL"),
        "backupWritten": ("Backup written", "バックアップを作成しました"),
        "backupChecked": ("Backup checked: it can be restored to this tenant", "検査済み: このテナントに復元できます"),
        "location": ("Location", "場所"),
        "size": ("Size", "サイズ"),
        "seconds": ("Seconds", "秒"),
        "created": ("Created", "作成日時"),
        "parts": ("Parts", "内容"),
        "sealed": ("sealed", "暗号化"),
        "backupHistory": ("Recent backups and restores", "最近のバックアップと復元"),
        "restoreHint": ("Restoring a tenant replaces its state: use cms restore (docs/backup.md).",
                        "テナントの復元は状態を置き換えます: cms restore を使ってください (docs/backup.md)。"),
        "language": ("日本語", "English"),
        "state.awaiting-address": ("Awaiting address", "アドレス待ち"),
        "state.identifying": ("Identifying", "識別中"),
        "state.connected": ("Connected", "接続中"),
        "state.rebooting": ("Rebooting", "再起動中"),
        "state.disconnected": ("Disconnected (DOWN)", "切断 (DOWN)"),
        "state.communicating": ("Communicating", "通信中"),
        "state.suspended": ("Suspended", "停止中"),
        "spec.connected": ("Connected", "接続"),
        "spec.disconnected": ("Disconnected", "切断"),
        "spec.awaitingAddress": ("Awaiting address", "アドレス待ち"),
        "spec.suspended": ("Suspended", "停止"),
    ]
}
