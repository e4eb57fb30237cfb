import DocmergeCore
import DocmergePipeline
import Foundation

@main
struct DocmergeCommand {
    static let groups: [String: [CommandEntry]] = [
        "patients": [.of(PatientsImportCommand.self)],
        "review": [.of(ReviewListCommand.self), .of(ReviewShowCommand.self), .of(ReviewMarkCorrectCommand.self),
                   .of(ReviewCorrectCommand.self), .of(ReviewRollbackCommand.self), .of(ReviewRetryCommand.self),
                   .of(ReviewConflictCommand.self), .of(ReviewRefileCommand.self)],
        "audit": [.of(AuditVerifyCommand.self), .of(AuditHeadCommand.self), .of(AuditListCommand.self)],
        "legacy": [.of(LegacyImportCommand.self)],
        "config": [.of(ConfigCheckCommand.self)],
        "stewards": [.of(StewardsAddCommand.self), .of(StewardsRemoveCommand.self), .of(StewardsListCommand.self),
                     .of(StewardsPasswdCommand.self)],
        "notify": [.of(NotifyTestCommand.self)],
    ]
    static let commands: [CommandEntry] = [
        .of(RunCommand.self), .of(DemoCommand.self), .of(BundleCommand.self), .of(HistoryCommand.self),
        .of(MetricsCommand.self), .of(TuneCommand.self), .of(DashboardCommand.self), .of(BackupCommand.self),
        .of(ServeCommand.self),
    ]

    static let usage = """
        docmerge — merges AI-extracted FHIR data into patient records at once, flags the doubtful
        few for verification, and keeps a tamper-evident audit trail.

        Usage: docmerge COMMAND [options]     (every command takes --help)

          run --watch DIR --db FILE [--config FILE] [--once] [--quiet|--verbose]
                                      merge every file that lands in DIR
          demo                        sample inbox, embedded database, summary
          patients import FILE        add registry patients (FHIR Patient NDJSON/JSON, or CSV)
          bundle MRN                  the patient's FHIR Bundle on stdout
          history MRN [--json]        the patient's audit trail
          review list|show|mark-correct|correct|rollback|retry|conflict|refile
                                      verify flagged documents (the data is already merged)
          metrics [--format json|prometheus]
          tune [--json] [--apply FILE]  what-if table over thresholds
          dashboard --out FILE.html   self-contained HTML dashboard
          backup --out FILE           consistent online copy
          audit verify [--expect-head HASH]
                                      check the audit hash chain (and audit.jsonl, the records)
          audit head                  latest audit hash and row count, to keep elsewhere
          audit list [--since T] [--until T] [--action A] [--actor NAME] [--document DOC] [--json]
                                      audit rows across patients
          legacy import FILE          records from the old approval workflow
          config check [--config FILE]  the effective configuration as JSON
          serve [--listen 127.0.0.1:8470]
                                      the stewards' review console in a browser
          stewards add|remove|list|passwd NAME [--role steward|viewer]
                                      review-console accounts (password on stdin or asked)
          notify test [--config FILE]   send a sample notification through the configured channels

        --db FILE may also come from DOCMERGE_DB. Exit codes: 0 success, 1 failure, 2 usage error,
        3 not found, 4 conflict or action not allowed in the current state.
        """

    static func main() async {
        // A reader that goes away (`| head`) makes a write fail with EPIPE, which `Output`
        // handles, instead of a signal killing the process mid-work (a runner between a
        // commit and its file moves).
        signal(SIGPIPE, SIG_IGN)
        var args = Array(CommandLine.arguments.dropFirst())
        let code: Int32
        do {
            code = try await dispatch(&args)
        } catch let error as DocmergeError {
            Output.err(error.message)
            code = error.exitCode
        } catch let error as Runner.Failure {
            Output.err(error.description)
            code = error.exitCode
        } catch {
            if let refusal = WriteAccess.refusal(for: error, path: databaseArgument(args) ?? "the database") {
                Output.err(refusal.message)
                code = refusal.exitCode
            } else {
                Output.err("\(error)")
                code = 1
            }
        }
        exit(code)
    }

    /// `--db FILE` (or `--db=FILE`) among the arguments, else DOCMERGE_DB.
    static func databaseArgument(_ args: [String]) -> String? {
        for (i, arg) in args.enumerated() {
            if arg == "--db", i + 1 < args.count { return args[i + 1] }
            if arg.hasPrefix("--db=") { return String(arg.dropFirst(5)) }
        }
        return ProcessInfo.processInfo.environment["DOCMERGE_DB"]
    }

    static func dispatch(_ args: inout [String]) async throws -> Int32 {
        guard let first = args.first else {
            Output.err(usage)
            return 2
        }
        if first == "--help" || first == "-h" || first == "help" {
            Output.out(usage)
            return 0
        }
        args.removeFirst()
        if let group = groups[first] {
            guard let sub = args.first else {
                throw DocmergeError(.usage, "docmerge \(first) needs a subcommand: \(group.map(\.name).joined(separator: ", ")).")
            }
            if sub == "--help" || sub == "-h" {
                Output.out("Usage: docmerge \(first) SUBCOMMAND\n\n" + group.map { "  \($0.name.padding(toLength: 14, withPad: " ", startingAt: 0)) \($0.summary)" }.joined(separator: "\n"))
                return 0
            }
            guard let command = group.first(where: { $0.name == sub }) else {
                throw DocmergeError(.usage, "Unknown command 'docmerge \(first) \(sub)'; try docmerge \(first) --help.")
            }
            return try await command.main(Array(args.dropFirst()))
        }
        guard let command = commands.first(where: { $0.name == first }) else {
            throw DocmergeError(.usage, "Unknown command '\(first)'; try docmerge --help.")
        }
        return try await command.main(args)
    }
}
