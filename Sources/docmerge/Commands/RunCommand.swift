import DocmergeCore
import DocmergeModel
import DocmergePipeline
import Foundation

struct RunCommand: Command {
    static let name = "run"
    static let summary = "merge every file that lands in the watch directory"
    static let usage = """
        Usage: docmerge run --watch DIR --db FILE [--config FILE] [--once] [--quiet|--verbose]

        Merges each extraction file (docmerge.extraction/v1) that lands in DIR into the patient's
        record at once, flagged or not, and flags the doubtful ones for verification. Merged files
        move to DIR/processed/, refused ones to DIR/rejected/ with NAME.error.json beside them.
        audit.jsonl, metrics.prom and metrics.json are kept beside the database.

          --watch DIR     the inbox (its top level); processed/ and rejected/ are created inside
          --db FILE       the SQLite database (created if missing); or DOCMERGE_DB
          --config FILE   thresholds and pipeline settings (default: built-in, as Configs/docmerge.json)
          --once          process what is present, print a summary, exit (1 if any merge failed)
          --quiet         no per-document lines
          --verbose       more detail

        SIGINT/SIGTERM: stop taking files, finish in-flight work (at most pipeline.shutdown_deadline_seconds,
        default 30), exit 0; a second signal stops at once. Unfinished files stay in the inbox.
        A second runner on the same database (by any path: a symlink or hard link) or directory
        is refused (exit 4). Files and folders it creates have no access for others (at most
        0660/0770; the umask can take more away); documents it moves lose any access for
        others; at start it warns about existing files that are wider.
        """
    static let options: Set<String> = ["db", "watch", "config"]
    static let flags: Set<String> = ["once", "quiet", "verbose"]

    static func run(_ args: Arguments) async throws -> Int32 {
        try args.noExtraPositionals(0)
        let watch = try args.required("watch")
        let db = try args.database()
        let config = try ConfigLoader.load(args.value("config"))
        guard !(args.flag("quiet") && args.flag("verbose")) else { throw DocmergeError(.usage, "--quiet and --verbose contradict each other; give one.") }
        let level: Logger.Level = args.flag("quiet") ? .quiet : (args.flag("verbose") ? .verbose : .normal)
        let usable = try RecordStore.refuseForeign(db)
        for (path, mode) in usable ? PrivateFiles.tooWide(PrivateFiles.runnerPaths(database: db, watch: watch)) : [] {
            Output.err("Warning: \(path) has mode \(String(mode, radix: 8)), wider than 0660 for files and 0770 for folders: others may read patient data; run chmod o-rwx on it (Runbook: File modes).")
        }
        let runner = Runner(options: .init(watch: watch, dbPath: db, config: config, once: args.flag("once"),
                                           logger: Logger(level: level), progress: !args.flag("quiet"),
                                           faults: faults(config)))
        let summary = try await runner.run()
        if args.flag("once") {
            for line in summary.lines { Output.err(line) }
            return summary.failed > 0 ? 1 : 0
        }
        return 0
    }
}

/// Faults for the tests and drills, read only by builds with the seam compiled in.
private func faults(_ config: Config) -> FaultInjection {
    #if DOCMERGE_FAULTS
    let kill = ProcessInfo.processInfo.environment["DOCMERGE_FAULT_KILL_AFTER_COMMIT"].flatMap { Int($0) }
    return FaultInjection(killAfterCommit: kill, maxDbPages: config.pipeline.maxDbPages > 0 ? config.pipeline.maxDbPages : nil,
                          holdMovesUntil: ProcessInfo.processInfo.environment["DOCMERGE_FAULT_HOLD_MOVES_UNTIL"])
    #else
    return .none
    #endif
}
