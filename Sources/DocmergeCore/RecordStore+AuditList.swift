import DocmergeModel
import DocmergeSQLite

/// Compliance across patients: which documents were auto-approved or reviewed, who
/// reviewed them, when, and what changed.
extension RecordStore {
    public struct AuditQuery: Sendable {
        /// Rows at or after this time (RFC 3339, or a date: its first instant, UTC).
        public var since: String?
        /// Rows before this time (exclusive; a date means its first instant, UTC).
        public var until: String?
        /// Any of these actions (none: every action).
        public var actions: [String] = []
        /// The declared actor, or the operating-system user recorded beside it.
        public var actor: String?
        public var documentID: String?
        public var mrn: String?
        public init() {}

        /// A bound as stored (`Timestamp.format`), or nil when it is not a time.
        public static func bound(_ text: String) -> String? {
            for candidate in [text, text + "T00:00:00Z"] {
                if let date = Timestamp.parse(candidate) { return Timestamp.format(date) }
            }
            return nil
        }
    }

    /// Matching rows, oldest first.
    public func auditList(_ q: AuditQuery) throws -> [AuditRow] {
        var rows: [AuditRow] = []
        try auditList(q) { rows.append($0) }
        return rows
    }

    /// Matching rows, oldest first, one at a time (memory stays flat over a long trail),
    /// read in one snapshot.
    public func auditList(_ q: AuditQuery, each body: (AuditRow) throws -> Void) throws {
        var sql = "SELECT seq, at, actor, action, mrn, document_id, detail, prev_hash, hash FROM audit WHERE 1 = 1"
        var values: [SQLBindable] = []
        for (text, op) in [(q.since, ">="), (q.until, "<")] {
            guard let text else { continue }
            guard let bound = AuditQuery.bound(text) else {
                throw DocmergeError(.usage, "'\(TerminalText.escape(text))' is not a time; give RFC 3339 (2026-11-28T10:15:00Z) or a date (2026-11-28).")
            }
            sql += " AND at \(op) ?"
            values.append(bound)
        }
        if !q.actions.isEmpty {
            sql += " AND action IN (" + q.actions.map { _ in "?" }.joined(separator: ", ") + ")"
            values += q.actions.map { $0 as SQLBindable }
        }
        if let actor = q.actor {
            sql += " AND (actor = ? OR json_extract(detail, '$.os_user') = ?)"
            values += [actor, actor]
        }
        if let document = q.documentID { sql += " AND document_id = ?"; values.append(document) }
        if let mrn = q.mrn { sql += " AND mrn = ?"; values.append(mrn) }
        try db.readTransaction {
            try db.forEach(sql + " ORDER BY seq", values) { try body(Self.auditRow($0)) }
        }
    }
}

extension AuditRow {
    /// The operating-system user and host the row records (rows written before they were
    /// recorded have none).
    public var osUser: String? { detailJSON["os_user"]?.stringValue }
    public var host: String? { detailJSON["host"]?.stringValue }

    public var detailJSON: JSON { (try? JSONParser.parse(Array(detail.utf8))) ?? .null }
}
