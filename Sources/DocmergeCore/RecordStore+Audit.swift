import DocmergeModel
import DocmergeSQLite

extension RecordStore {
    static let genesisHash = String(repeating: "0", count: 64)

    /// Appends an audit row. Must run inside the write transaction of the change it
    /// records, so a change never commits without its row (nor a row without its change).
    @discardableResult
    func appendAudit(actor: String, action: String, mrn: String?, documentID: String?, detail: JSON, at time: String? = nil) throws -> AuditRow {
        precondition(db.isInTransaction, "audit rows are written inside the change's transaction")
        assert(AuditAction.known.contains(action), "audit action \(action) is not listed in AuditAction.known")
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
}
