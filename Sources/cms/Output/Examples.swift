/// The EXAMPLES section of every `cms … --help` whose own discussion has none (one place to keep them current;
/// tested by `EveryHelpHasExamplesTests`: a command without an entry here or in its discussion fails it).
enum Examples {
    static let byCommand: [String: [String]] = [
        "": ["cms status", "cms devices -o wide", "cms plan --rev main --format markdown"],
        "status": ["cms status", "cms status -o json | jq .condition", "cms status --watch"],
        "device": ["cms device show nxr01"],
        "plan": [
            "cms plan", "cms plan --rev feature/mtu --format markdown > plan.md",
            "cms plan --rev 3f56549 -o json", "cms plan --native --rev main",
        ],
        "reconcile": ["cms reconcile", "cms reconcile nxr01 --wait"],
        "refresh": ["cms refresh", "cms refresh --wait --wait-timeout 5m"],
        "ipsec": ["cms ipsec status tokyo-mesh"],
        "ipsec status": ["cms ipsec status tokyo-mesh", "cms ipsec status tokyo-mesh --refresh -o json"],
        "config": ["cms config pull nxr01", "cms config log nxr01", "cms config diff nxr01"],
        "config pull": ["cms config pull nxr01", "cms config pull nxr01 --format tgz --out nxr01.tgz"],
        "config log": ["cms config log nxr01"],
        "config diff": ["cms config diff nxr01", "cms config diff nxr01 2 3"],
        "config show": ["cms config show nxr01", "cms config show nxr01 --rev 3 --format show-config"],
        "config restore": ["cms config restore nxr01 --archive 3", "cms config restore nxr01 saved.xml --yes"],
        "import": ["cms import devices fleet.csv --repo ~/tenant-repo --dry-run"],
        "import devices": [
            "cms import devices fleet.csv --repo ~/tenant-repo --dry-run",
            "cms import devices fleet.zip --repo ~/tenant-repo --encoding shift_jis",
        ],
        "netconf": [
            "cms netconf 192.0.2.1 --key ~/.ssh/id_ed25519 --accept-new hello",
            "cms netconf 192.0.2.1 --pin SHA256:… get-config --source running",
        ],
        "netconf hello": ["cms netconf 192.0.2.1 --pin SHA256:… hello"],
        "netconf get": ["cms netconf 192.0.2.1 --pin SHA256:… get"],
        "netconf get-config": ["cms netconf 192.0.2.1 --pin SHA256:… get-config --source running"],
        "netconf edit-config": ["cms netconf 192.0.2.1 --pin SHA256:… edit-config change.xml --commit"],
        "netconf commit": ["cms netconf 192.0.2.1 --pin SHA256:… commit"],
        "netconf rpc": ["cms netconf 192.0.2.1 --pin SHA256:… rpc request.xml"],
        "netconf lock": ["cms netconf 192.0.2.1 --pin SHA256:… lock --target candidate"],
        "netconf unlock": ["cms netconf 192.0.2.1 --pin SHA256:… unlock --target candidate"],
        "tenant": ["cms tenant pubkey", "cms tenant backup --to century.tar.gz"],
        "tenant pubkey": ["cms tenant pubkey >> ~nxr/.ssh/authorized_keys"],
        "tenant backup": ["cms tenant backup", "cms tenant backup --to ssh://backup@192.0.2.10:22/cms/ --include-events"],
        "tenant restore": ["cms tenant restore century-2026-12-01.tar.gz --check"],
        "firmware": ["cms firmware list", "cms firmware add nxr-g110-v21.7.1.bin --product NXR-G110"],
        "firmware add": ["cms firmware add nxr-g110-v21.7.1.bin --product NXR-G110 --version 21.7.1"],
        "firmware list": ["cms firmware list", "cms firmware list -o yaml"],
        "firmware remove": ["cms firmware remove 3f5e9c1a"],
        "firmware update": ["cms firmware update nxr01 nxr02 nxr-g110-v21.7.1.bin", "cms firmware update --group tokyo 3f5e9c1a --mode background"],
        "rollout": ["cms rollout status", "cms rollout status --watch"],
        "rollout status": ["cms rollout status", "cms rollout status --watch"],
        "rollout resume": ["cms rollout resume"],
        "mail": ["cms mail test", "cms mail queue"],
        "mail test": ["cms mail test", "cms mail test -o json"],
        "mail queue": ["cms mail queue"],
        "schedules": ["cms schedules", "cms schedules -o yaml"],
        "exec": ["cms exec nxr01 show ip route", "cms exec nxr01 ping 192.0.2.1 --count 3"],
        "syslog": ["cms syslog fetch nxr01", "cms syslog list nxr01", "cms syslog get nxr01 1"],
        "syslog fetch": ["cms syslog fetch nxr01", "cms syslog fetch --group tokyo"],
        "syslog list": ["cms syslog list nxr01"],
        "syslog get": ["cms syslog get nxr01", "cms syslog get nxr01 2 --out nxr01-2.log"],
    ]

    /// The command path a help request names: the longest run of leading words (after `help`) that is a command.
    static func path(of arguments: [String]) -> String {
        var words = arguments.prefix { !$0.hasPrefix("-") }
        if words.first == "help" { words.removeFirst() }
        var path = ""
        var candidate: [String] = []
        for word in words {
            candidate.append(word)
            let joined = candidate.joined(separator: " ")
            if byCommand[joined] != nil { path = joined }
        }
        return path
    }

    /// `help` with an EXAMPLES section appended when its discussion has none.
    static func decorate(_ help: String, arguments: [String]) -> String {
        // Only a help text (it has USAGE); `--version` and other clean exits pass unchanged.
        guard help.contains("USAGE:"), !help.contains("EXAMPLES:"), let lines = byCommand[path(of: arguments)] else { return help }
        let trimmed = help.hasSuffix("\n") ? String(help.dropLast()) : help
        return trimmed + "\n\nEXAMPLES:\n" + lines.map { "  " + $0 }.joined(separator: "\n") + "\n"
    }
}
