import DocmergeModel
import DocmergeSQLite

/// `audit verify`: the chain in the table, anchored outside it. A table can lose its
/// newest rows together with its head (or all of them, or a WAL's worth after a crash)
/// and still chain perfectly, so the walk is also checked against `audit.jsonl`, against
/// a head the operator exported (`audit head`), and against the records themselves:
/// every document, resource and review decision must have the audit rows that made it.
extension RecordStore {
    public struct AuditVerification: Sendable {
        public let rows: Int
        /// The first problem found, in one sentence; nil when the chain is intact.
        public let problem: String?
        public let brokenSeq: Int?
        /// Rows of `audit.jsonl` that matched the database (nil when no log was read).
        public var logRows: Int? = nil
        /// Lines of `audit.jsonl` past the database's last row (only when the log is not owned).
        public var logAhead = 0
        /// The row the expected head was found at.
        public var expectedHeadSeq: Int? = nil
    }

    public struct AuditHead: Sendable, Equatable {
        public let rows: Int
        public let hash: String
    }

    /// The latest row's hash and the number of rows, for an operator to keep elsewhere.
    public func auditHead() throws -> AuditHead {
        try db.readTransaction {
            let last = try db.first("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1") { ($0.int(0), $0.text(1)) }
            let count = try db.scalarInt("SELECT count(*) FROM audit") ?? 0
            return AuditHead(rows: count, hash: last?.1 ?? Self.genesisHash)
        }
    }

    /// - Parameters:
    ///   - logPath: `audit.jsonl` to compare with (nil: the database alone). A missing file is
    ///     not an error (commands other than `run` do not write it); one that is there must agree.
    ///   - logOwned: the log was written for this database file (false for a backup kept in the
    ///     live database's folder: the log may then run ahead of it, the shared rows must agree).
    ///   - expectHead: a hash from an earlier `audit head`: it must still be in the chain.
    public func verifyAudit(logPath: String? = nil, logOwned: Bool = true, expectHead: String? = nil) throws -> AuditVerification {
        try db.readTransaction {
            let log = logPath.flatMap { AuditLogReader(path: $0) }
            var walk = ChainWalk(log: log)
            try db.forEach("SELECT seq, at, actor, action, mrn, document_id, detail, prev_hash, hash FROM audit ORDER BY rowid") { r in
                guard walk.problem == nil else { return }
                try walk.visit(Self.auditRow(r))
            }
            func result(_ problem: String?, _ seq: Int?) -> AuditVerification {
                AuditVerification(rows: walk.count, problem: problem, brokenSeq: seq, logRows: log == nil ? nil : walk.logRows)
            }
            if let problem = walk.problem { return result(problem.0, problem.1) }
            let head = try db.first("SELECT seq, hash FROM audit_head WHERE id = 1") { ($0.int(0), $0.text(1)) }
            let lastSeq = walk.expectedSeq - 1
            if let head, head.0 != lastSeq || head.1 != walk.prev {
                return result("the audit trail ends at row \(lastSeq) but its head records row \(head.0): rows at the end were deleted or edited", lastSeq + 1)
            }
            if head == nil && walk.count > 0 { return result("the audit head record is missing", nil) }
            if log != nil, let problem = try walk.finishLog(owned: logOwned) { return result(problem.0, problem.1) }
            var verification = result(nil, nil)
            verification.logAhead = walk.logAhead
            if let expectHead {
                guard let seq = try db.scalarInt("SELECT seq FROM audit WHERE hash = ?", expectHead.lowercased()) else {
                    return result("the expected head \(expectHead) is not in the audit trail: rows up to it were deleted or the trail was rewritten", nil)
                }
                verification.expectedHeadSeq = seq
            }
            if let problem = try unauditedRecord(auditRows: walk.count) { return result(problem, nil) }
            return verification
        }
    }

    /// The first record that no audit row accounts for, in one sentence; nil when none.
    func unauditedRecord(auditRows: Int) throws -> String? {
        if auditRows == 0 {
            let documents = try db.scalarInt("SELECT count(*) FROM documents") ?? 0
            let patients = try db.scalarInt("SELECT count(*) FROM patients") ?? 0
            let resources = try db.scalarInt("SELECT count(*) FROM resources") ?? 0
            if documents + patients + resources > 0 {
                return "the audit trail is empty but the database holds \(patients) patients, \(documents) documents and \(resources) resources: the trail was deleted"
            }
            return nil
        }
        if let id = try db.scalarText("""
            SELECT d.document_id FROM documents d
            WHERE NOT EXISTS (SELECT 1 FROM audit a WHERE a.document_id = d.document_id) ORDER BY d.id LIMIT 1
            """) {
            return "document \(id) has no audit row: the rows that recorded it were deleted"
        }
        if let id = try db.scalarText("""
            SELECT d.document_id FROM documents d
            WHERE d.human_decision = 1 AND NOT EXISTS (
                SELECT 1 FROM audit a WHERE a.document_id = d.document_id AND a.action NOT IN
                    ('merge', 're_merge', 'retry_merge', 'merge_failed', 'stale_extraction_ignored', 'reingest_conflict',
                     'patient_registered', 'patient_updated'))
            ORDER BY d.id LIMIT 1
            """) {
            return "the review decision on document \(id) has no audit row: the row that recorded it was deleted"
        }
        if let row = try unauditedResource() {
            return "resource \(row.type)/\(row.id) of document \(row.documentID) has no audit row that wrote it: the row that recorded it was deleted"
        }
        return nil
    }
}

extension RecordStore {
    /// The first resource (by row) that no audit row accounts for: a resource is written by
    /// its own document's rows, or relinked by the merge of another document of the record
    /// (that row names the resource's document in `document`). Document by document, so the
    /// cost is linear in the rows read and the memory is one document's (a search per
    /// resource re-read its document's whole merge row: quadratic in the row's entries).
    /// `(…) IN (SELECT …)` compares as `=` does, column by column; IS NOT TRUE keeps a
    /// resource that matches nothing (false) or only NULLs (null) unaccounted for. Only
    /// objects are read: rollback and refile_out rows list `Type/id` strings.
    func unauditedResource() throws -> (documentID: String, type: String, id: String)? {
        struct Key: Hashable { let document: String; let type: String; let id: String; let version: Int }
        var relinked = Set<Key>()
        try db.forEach("""
            SELECT json_extract(e.value, '$.document'), json_extract(e.value, '$.type'), json_extract(e.value, '$.id'),
                   json_extract(e.value, '$.version')
            FROM (SELECT detail FROM audit WHERE instr(detail, '"relinked"') > 0 AND json_valid(detail)) a,
                 json_each(a.detail, '$.resources') e
            WHERE CASE WHEN e.type = 'object' THEN json_extract(e.value, '$.change') = 'relinked' END
            """) { row in
            if let document = row.optionalText(0), let type = row.optionalText(1), let id = row.optionalText(2),
               let version = row.optionalText(3).flatMap({ Int($0) }) {
                relinked.insert(Key(document: document, type: type, id: id, version: version))
            }
        }
        var first: (row: Int64, documentID: String, type: String, id: String)?
        try db.forEach("SELECT DISTINCT document_id FROM resources ORDER BY document_id") { document in
            let documentID = document.text(0)
            try db.forEach("""
                WITH written AS MATERIALIZED (
                    SELECT json_extract(e.value, '$.type') AS type, json_extract(e.value, '$.id') AS id,
                           json_extract(e.value, '$.version') AS version
                    FROM audit a, json_each(a.detail, '$.resources') e
                    WHERE a.document_id = ?1 AND json_valid(a.detail)
                      AND CASE WHEN e.type = 'object' THEN json_extract(e.value, '$.change') <> 'deleted' END)
                SELECT r.id, r.resource_type, r.fhir_id, r.version_id FROM resources r
                WHERE r.document_id = ?1
                  AND ((r.resource_type, r.fhir_id, r.version_id) IN (SELECT type, id, version FROM written)) IS NOT TRUE
                """, [documentID]) { row in
                let key = Key(document: documentID, type: row.text(1), id: row.text(2), version: row.int(3))
                guard !relinked.contains(key), row.int64(0) < (first?.row ?? .max) else { return }
                first = (row.int64(0), documentID, key.type, key.id)
            }
        }
        return first.map { ($0.documentID, $0.type, $0.id) }
    }
}
