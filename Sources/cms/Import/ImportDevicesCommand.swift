import ArgumentParser
import CMSImport
import Foundation

extension CSVEncoding: ExpressibleByArgument {}

/// `cms import devices FILE.csv|FILE.zip` — the original CMS's device-list import (guide §3.3.1.6–8).
///
/// Prints the check result (`line N: add|replace|error CODE: reason`), then writes `devices/<code>.yaml` and
/// `configs/<code>/<file>` into the repository's working tree. Exit status: 0 imported (or a clean dry run),
/// 1 some lines are errors (nothing written without `--skip-errors`), 2 the input or repository is unusable.
struct ImportDevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "Import a device list (CSV, or ZIP with the CSV and config files) into the tenant repository.",
        discussion: """
            CSV lines: code,name,product,note[,config-file,flag]. Flags: 0 import, 1 +auto-config, \
            2 +schedule, 3 +auto-config+schedule, 4 delete the file, 5 +auto-config+save, \
            6 +auto-config+save+schedule. A ZIP (≤3 MB, no folders) holds the CSV and the config files. \
            Review the result, then commit the changes with git.
            """
    )

    @Argument(help: "The device list: a .csv file, or a .zip holding one .csv and the config files.")
    var file: String

    @Option(help: "Encoding of the CSV: utf-8, shift_jis or euc-jp.")
    var encoding: CSVEncoding = .utf8

    @Flag(help: "Only print the check result; change nothing.")
    var dryRun = false

    @Flag(help: "Import the good lines even when some lines are errors (errors are dropped).")
    var skipErrors = false

    @Option(help: "The tenant repository's working tree.")
    var repo: String = "."

    func run() throws {
        var options = DeviceImporter.Options()
        options.encoding = encoding
        options.dryRun = dryRun
        options.skipErrors = skipErrors
        let importer = DeviceImporter(repo: URL(fileURLWithPath: repo), options: options)
        let outcome: DeviceImporter.Outcome
        do {
            outcome = try importer.run(input: URL(fileURLWithPath: file))
        } catch {
            FileHandle.standardError.write(Data("error: \(error.description) [\(error.code)]\n".utf8))
            throw ExitCode(2)
        }
        var out = outcome.plan.lines.map(\.rendered)
        out.append(outcome.plan.summary)
        if !outcome.unusedArchiveFiles.isEmpty {
            out.append("not named by any line, ignored: \(outcome.unusedArchiveFiles.joined(separator: ", "))")
        }
        switch outcome.disposition {
        case .dryRun:
            out.append("dry run: \(outcome.changes.count) file change(s) would be made; nothing written")
        case .blockedByErrors:
            out.append(
                "nothing written: \(outcome.plan.errorCount) line(s) are errors; "
                    + "fix them, or pass --skip-errors to import the other lines")
        case .written:
            for change in outcome.changes {
                switch change {
                case .write(let path, _): out.append("wrote \(path)")
                case .delete(let path): out.append("deleted \(path)")
                }
            }
            out.append(outcome.changes.isEmpty ? "nothing to change" : "review with git diff, then commit")
        }
        print(out.joined(separator: "\n"))
        if outcome.plan.hasErrors && !(outcome.disposition == .written) { throw ExitCode(1) }
    }
}
