import DocmergeCore
import DocmergeModel
import Foundation

struct AuditVerifyCommand: Command {
    static let name = "verify"
    static let summary = "check the audit hash chain"
    static let usage = """
        Usage: docmerge audit verify --db FILE [--expect-head HASH] [--audit-log FILE|none]

        Walks the hash-chained audit trail and checks it against what lives outside the table:
        audit.jsonl beside the database (its own chain, line by line: an edited, removed or
        repeated line is found; a row the database lacks means rows were deleted from it),
        the records (every document, resource and review decision must have the audit rows
        that produced it; an empty trail beside records fails), and with --expect-head a
        hash kept elsewhere from `docmerge audit head` (it must still be in the chain).
        --audit-log names another log, or none to check the database alone. A database no runner
        wrote (a backup kept in the live database's folder) may lag the log it shares; the rows
        they share must still agree.
        Exit 0 when intact; otherwise exit 1 naming the first problem. Never writes.
        """
    static let options: Set<String> = ["db", "expect-head", "audit-log"]

    static func run(_ args: Arguments) async throws -> Int32 {
        try args.noExtraPositionals(0)
        let db = try args.database()
        let logPath: String?
        switch args.value("audit-log") {
        case "none": logPath = nil
        case let path?:
            guard FileManager.default.fileExists(atPath: path) else { throw DocmergeError(.notFound, "No audit log at \(safe(path)).") }
            logPath = path
        case nil: logPath = AuditLogFile.path(forDatabase: db)
        }
        let store: RecordStore
        do { store = try RecordStore.openForReading(db) } catch let error as DocmergeError where error.kind == .notFound {
            // No tables at all (every commit lost, e.g. the WAL deleted): the log may know better.
            let logged = try logPath.map(AuditLogFile.lineCount) ?? 0
            guard FileManager.default.fileExists(atPath: db), logged > 0 || args.value("expect-head") != nil else { throw error }
            Output.err("Audit verification FAILED: the database holds no docmerge tables at all but " + (logged > 0
                ? "audit.jsonl holds \(logged) audit rows: its contents were lost or replaced."
                : "a head was expected: its contents were lost or replaced."))
            return 1
        }
        if let head = args.value("expect-head"), head.utf8.count != 64 || !head.utf8.allSatisfy({ $0 < 128 && isxdigit(Int32($0)) != 0 }) {
            throw DocmergeError(.usage, "--expect-head takes the 64-hex-digit hash printed by `docmerge audit head`.")
        }
        // The log beside a database belongs to the file a runner wrote (it left DB.lock beside
        // it); a backup kept in that folder shares the log, which may run ahead of it.
        let owned = args.value("audit-log") != nil || FileManager.default.fileExists(atPath: RealPath.resolve(db) + ".lock")
        let result = try store.verifyAudit(logPath: logPath, logOwned: owned, expectHead: args.value("expect-head"))
        if let problem = result.problem {
            Output.err("Audit verification FAILED: \(problem).")
            return 1
        }
        var text = "Audit trail intact: \(result.rows) rows, hash chain verified"
        if let logged = result.logRows {
            text += logged == result.rows ? "; audit.jsonl agrees (\(logged) rows)"
                : "; audit.jsonl agrees on its \(logged) rows (the runner appends the other \(result.rows - logged))"
        } else {
            text += "; no audit.jsonl checked (the database alone)"
        }
        if result.logAhead > 0 {
            text += " (audit.jsonl belongs to the database a runner writes in this folder and holds \(result.logAhead) newer rows)"
        }
        if let seq = result.expectedHeadSeq { text += "; the expected head is row \(seq)" }
        Output.out(text + ".")
        return 0
    }
}

struct AuditHeadCommand: Command {
    static let name = "head"
    static let summary = "latest audit hash and row count, to keep elsewhere"
    static let usage = """
        Usage: docmerge audit head --db FILE [--json]

        Prints the newest audit row's hash and the number of rows. Keep it somewhere the
        database's host cannot rewrite (a ticket, another machine, a daily mail); later,
        `docmerge audit verify --expect-head HASH` proves the trail still holds it, so rows
        deleted at the end, or a whole trail rebuilt, are found. Never writes.
        """
    static let flags: Set<String> = ["json"]

    static func run(_ args: Arguments) async throws -> Int32 {
        try args.noExtraPositionals(0)
        let head = try RecordStore.openForReading(try args.database()).auditHead()
        if args.flag("json") {
            Output.out(JSON.object([JSONMember("rows", .number(String(head.rows))), JSONMember("hash", .string(head.hash))]).text)
        } else {
            Output.out("\(head.hash) \(head.rows)")
        }
        return 0
    }
}

struct BackupCommand: Command {
    static let name = "backup"
    static let summary = "consistent online copy of the database"
    static let usage = """
        Usage: docmerge backup --db FILE --out FILE

        Copies the database with SQLite's online backup API: a consistent snapshot, safe while
        the runner runs. The copy is written under a temporary name beside OUT (.OUT.partial-PID),
        checked (SQLite quick_check and `audit verify` of the copy), and only then given the
        name OUT, so a backup killed halfway never leaves a file under OUT. Refuses to
        overwrite OUT. The copy has no access for others (mode 0640 or tighter).
        """
    static let options: Set<String> = ["db", "out"]

    static func run(_ args: Arguments) async throws -> Int32 {
        try args.noExtraPositionals(0)
        let out = try args.required("out")
        let store = try RecordStore.openForReading(try args.database())
        let rows = try BackupWriter(destination: out).write(from: store)
        Output.out("Backup written to \(safe(out)) (\(rows) audit rows verified).")
        return 0
    }
}
