import DocmergeCore
import DocmergeModel
import Foundation

struct HistoryCommand: Command {
    static let name = "history"
    static let summary = "the patient's audit trail"
    static let usage = """
        Usage: docmerge history MRN --db FILE [--json]

        Every change to the patient's record, oldest first: merges, re-merges, rollbacks,
        corrections (each changed resource before → after), refiles, review decisions, each
        with who (declared, and the operating-system user@host), when and what.
        """
    static let flags: Set<String> = ["json"]

    static func run(_ args: Arguments) async throws -> Int32 {
        let mrn = try args.positional(0, "the MRN")
        try args.noExtraPositionals(1)
        let store = try RecordStore.openForReading(try args.database())
        guard try store.patient(mrn: mrn) != nil else {
            throw DocmergeError(.notFound, "No patient with MRN \(safe(mrn)) in the registry.")
        }
        let rows = try store.auditRows(mrn: mrn)
        if args.flag("json") {
            Output.json(JSON.array(rows.map(\.json)))
            return 0
        }
        Output.out("History of \(safe(mrn)): \(rows.count) entries")
        for row in rows { Output.out(AuditText.line(row)) }
        return 0
    }
}

struct AuditListCommand: Command {
    static let name = "list"
    static let summary = "audit rows across patients, filtered"
    static let usage = """
        Usage: docmerge audit list --db FILE [--since T] [--until T] [--action A[,A…]] [--actor NAME]
                                   [--document DOC] [--mrn MRN] [--json]

        Audit rows of every patient, oldest first, then how many: which documents were auto-approved (merge rows
        with status auto_approved) or reviewed (mark_correct, correct, rollback, refile_in/out,
        conflict_accept, conflict_dismiss), who (the declared actor and the operating-system
        user@host), when, and what changed.
          --since T     rows at or after T (RFC 3339, or a date: its first instant, UTC)
          --until T     rows before T (exclusive; a date: its first instant, UTC)
          --action A    one action, or several separated by commas
          --actor NAME  the declared actor or the operating-system user
        """
    static let options: Set<String> = ["db", "since", "until", "action", "actor", "document", "mrn"]
    static let flags: Set<String> = ["json"]

    static func run(_ args: Arguments) async throws -> Int32 {
        try args.noExtraPositionals(0)
        var query = RecordStore.AuditQuery()
        query.since = args.value("since")
        query.until = args.value("until")
        query.actions = (args.value("action") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if let unknown = query.actions.first(where: { !AuditAction.known.contains($0) }) {
            throw DocmergeError(.usage, "--action \(TerminalText.escape(unknown)) is not an audit action; the actions are " + AuditAction.known.sorted().joined(separator: ", ") + ".")
        }
        query.actor = args.value("actor")
        query.documentID = args.value("document")
        query.mrn = args.value("mrn")
        let store = try RecordStore.openForReading(try args.database())
        // Streamed: a trail of millions of rows is printed without holding it in memory.
        var out = Output.Buffered()
        let json = args.flag("json")
        var count = 0
        if json { out.append(Array("[".utf8)) }
        try store.auditList(query) { row in
            if json {
                if count > 0 { out.append([UInt8(ascii: ",")]) }
                out.append(TerminalText.json(Array(row.jsonLine.utf8)))
            } else {
                out.append(Array((TerminalText.lines(AuditText.line(row, withMRN: true)) + "\n").utf8))
            }
            count += 1
        }
        if json { out.append(Array("]\n".utf8)) } else { out.append(Array("\(count) audit row\(count == 1 ? "" : "s")\n".utf8)) }
        out.flush()
        return 0
    }
}

extension AuditRow {
    /// The row as `audit.jsonl` has it, as a JSON value.
    var json: JSON { (try? JSONParser.parse(Array(jsonLine.utf8))) ?? .null }
}

/// Audit rows in words, every input-derived field escaped (a reviewer name or a reason
/// cannot forge a line).
enum AuditText {
    static func line(_ row: AuditRow, withMRN: Bool = false) -> String {
        let detail = row.detailJSON
        var parts: [String] = []
        if let status = detail["status"]?.stringValue { parts.append(status) }
        if let reason = detail["flag_reason"]?.stringValue { parts.append(reason) }
        for key in ["inserted", "updated", "deleted", "removed", "conflicts_closed"] {
            if let n = detail[key]?.numberValue, n > 0 { parts.append("\(key.replacingOccurrences(of: "_", with: " ")) \(Int(n))") }
        }
        if let v = detail["record_version"]?.numberValue { parts.append("record v\(Int(v))") }
        if let to = detail["to_mrn"]?.stringValue { parts.append("moved to \(to)") }
        if let from = detail["from_mrn"]?.stringValue { parts.append("moved from \(from)") }
        if detail["legacy"]?.boolValue == true { parts.append("legacy record: nothing was merged") }
        if let why = detail["reason"]?.stringValue { parts.append("why: \(why)") }
        if let error = detail["error"]?.stringValue { parts.append(error) }
        let what = row.documentID.map { " \($0)" } ?? ""
        let patient = withMRN ? (row.mrn.map { " \($0)" } ?? "") : ""
        let who = row.osUser.map { " (\($0)@\(row.host ?? "?"))" } ?? ""
        var text = "  #\(row.seq) \(row.at) \(safe(row.action))\(safe(what))\(safe(patient)) by \(safe(row.actor))\(safe(who))"
            + (parts.isEmpty ? "" : " — " + parts.map(safe).joined(separator: "; "))
        for change in detail["resources"]?.arrayValue ?? [] where change["before"] != nil || change["after"] != nil {
            let reference = (change["type"]?.stringValue ?? "?") + "/" + (change["id"]?.stringValue ?? "?")
            let before = change["before"].flatMap { $0 == .null ? nil : EntryDescription.describe($0) }
            let after = change["after"].flatMap { $0 == .null ? nil : EntryDescription.describe($0) }
            text += "\n      \(safe(reference)) \(safe(change["change"]?.stringValue ?? "")): \(safe(before ?? "—")) → \(safe(after ?? "—"))"
        }
        return text
    }
}
