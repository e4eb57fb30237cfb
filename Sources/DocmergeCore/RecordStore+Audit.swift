import DocmergeModel
import DocmergeSQLite

extension RecordStore {
    static let genesisHash = String(repeating: "0", count: 64)

    /// Appends an audit row. Must run inside the write transaction of the change it
    /// records, so a change never commits without its row (nor a row without its change).
    @discardableResult
    func appendAudit(actor: String, action: String, mrn: String?, documentID: String?, detail: JSON, at time: String? = nil) throws -> AuditRow {
        precondition(db.isInTransaction, "audit rows are written inside the change's transaction")
        let head = try db.first("SELECT seq, hash FROM audit_head WHERE id = 1") { ($0.int(0), $0.text(1)) }
        let seq = (head?.0 ?? 0) + 1
        let prev = head?.1 ?? Self.genesisHash
        let at = time ?? timestamp()
        // Who ran the command, as the operating system knows it, beside the declared actor.
        var stamped = detail
        if case .object(var members) = detail {
            members.append(JSONMember("os_user", .string(identity.user)))
            members.append(JSONMember("host", .string(identity.host)))
            stamped = .object(members)
        }
        let detailText = stamped.text
        let hash = AuditRow.chainHash(prev: prev, seq: seq, at: at, actor: actor, action: action,
                                      mrn: mrn, documentID: documentID, detail: detailText)
        try db.run("INSERT INTO audit(seq, at, actor, action, mrn, document_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   seq, at, actor, action, mrn, documentID, detailText, prev, hash)
        try db.run("INSERT INTO audit_head(id, seq, hash) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
                   seq, hash)
        return AuditRow(seq: seq, at: at, actor: actor, action: action, mrn: mrn, documentID: documentID,
                        detail: detailText, prevHash: prev, hash: hash)
    }

    /// Rows after `seq`, in order (the outbox that `audit.jsonl` follows).
    public func auditRows(after seq: Int, limit: Int = 10_000) throws -> [AuditRow] {
        try db.query("SELECT seq, at, actor, action, mrn, document_id, detail, prev_hash, hash FROM audit WHERE seq > ? ORDER BY seq LIMIT ?",
                     [seq, limit], Self.auditRow)
    }

    public func auditRows(mrn: String) throws -> [AuditRow] {
        try db.query("SELECT seq, at, actor, action, mrn, document_id, detail, prev_hash, hash FROM audit WHERE mrn = ? ORDER BY seq",
                     [mrn], Self.auditRow)
    }

    public func auditRows(documentID: String) throws -> [AuditRow] {
        try db.query("SELECT seq, at, actor, action, mrn, document_id, detail, prev_hash, hash FROM audit WHERE document_id = ? ORDER BY seq",
                     [documentID], Self.auditRow)
    }

    static func auditRow(_ r: Row) -> AuditRow {
        AuditRow(seq: r.int(0), at: r.text(1), actor: r.text(2), action: r.text(3), mrn: r.optionalText(4),
                 documentID: r.optionalText(5), detail: r.text(6), prevHash: r.text(7), hash: r.text(8))
    }

    public struct AuditVerification: Sendable {
        public let rows: Int
        /// The first problem found, in one sentence; nil when the chain is intact.
        public let problem: String?
        public let brokenSeq: Int?
    }

    /// Walks the chain in order. Finds an edited row (its hash no longer matches), a
    /// deleted or reordered row (a link that does not follow), and a truncated tail
    /// (the head no longer matches the last row).
    public func verifyAudit() throws -> AuditVerification {
        try db.readTransaction {
            var prev = Self.genesisHash
            var expectedSeq = 1
            var count = 0
            var problem: (String, Int)?
            try db.forEach("SELECT seq, at, actor, action, mrn, document_id, detail, prev_hash, hash FROM audit ORDER BY rowid") { r in
                guard problem == nil else { return }
                let row = Self.auditRow(r)
                count += 1
                if row.seq != expectedSeq {
                    problem = ("audit row \(row.seq) stands where row \(expectedSeq) should: rows were deleted or reordered", row.seq)
                    return
                }
                if row.prevHash != prev {
                    problem = ("audit row \(row.seq) does not link to the row before it: a row before it was deleted, edited or reordered", row.seq)
                    return
                }
                let recomputed = AuditRow.chainHash(prev: row.prevHash, seq: row.seq, at: row.at, actor: row.actor,
                                                    action: row.action, mrn: row.mrn, documentID: row.documentID,
                                                    detail: row.detail)
                if recomputed != row.hash {
                    problem = ("audit row \(row.seq) was edited: its content no longer matches its hash", row.seq)
                    return
                }
                prev = row.hash
                expectedSeq += 1
            }
            if let problem { return AuditVerification(rows: count, problem: problem.0, brokenSeq: problem.1) }
            let head = try db.first("SELECT seq, hash FROM audit_head WHERE id = 1") { ($0.int(0), $0.text(1)) }
            let lastSeq = expectedSeq - 1
            if let head, head.0 != lastSeq || head.1 != prev {
                return AuditVerification(rows: count, problem: "the audit trail ends at row \(lastSeq) but its head records row \(head.0): rows at the end were deleted or edited", brokenSeq: lastSeq + 1)
            }
            if head == nil && count > 0 {
                return AuditVerification(rows: count, problem: "the audit head record is missing", brokenSeq: nil)
            }
            return AuditVerification(rows: count, problem: nil, brokenSeq: nil)
        }
    }
}
