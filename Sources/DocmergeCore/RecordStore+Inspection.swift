import DocmergeSQLite

/// Read-only facts about what is stored, for checkers and tests: counts and states, never
/// the connection itself.
extension RecordStore {
    /// Document rows.
    public func documentCount() throws -> Int {
        try db.scalarInt("SELECT count(*) FROM documents") ?? 0
    }

    /// Every document's stored state, in row order.
    public func documentStates() throws -> [DocumentState] {
        try db.query("SELECT document_id, review_status, flag_codes, flag_reason, is_merged, classified_as, version FROM documents ORDER BY id") {
            DocumentState(documentID: $0.text(0), status: ReviewStatus(rawValue: $0.text(1)),
                          flagCodes: $0.text(2).split(separator: ",").map(String.init), flagReason: $0.optionalText(3),
                          isMerged: $0.bool(4), classifiedAs: $0.optionalText(5).flatMap(ReviewStatus.init(rawValue:)),
                          version: $0.int(6))
        }
    }

    /// Resource rows, across every record.
    public func resourceCount() throws -> Int {
        try db.scalarInt("SELECT count(*) FROM resources") ?? 0
    }

    /// Resource rows in one patient's record.
    public func resourceCount(mrn: String) throws -> Int {
        try db.scalarInt("SELECT count(*) FROM resources r JOIN patients p ON p.id = r.patient_id WHERE p.mrn = ?", mrn) ?? 0
    }

    /// Resource rows per document (a document with none is absent).
    public func resourceCountsByDocument() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        try db.forEach("SELECT document_id, count(*) FROM resources GROUP BY document_id") { counts[$0.text(0)] = $0.int(1) }
        return counts
    }

    /// Resource ids (type and id) stored more than once: 0 in a sound database.
    public func duplicateResourceIDCount() throws -> Int {
        try db.scalarInt("SELECT count(*) FROM (SELECT resource_type, fhir_id FROM resources GROUP BY resource_type, fhir_id HAVING count(*) > 1)") ?? 0
    }

    /// Re-ingest conflicts recorded for a document, resolved or not.
    public func conflictCount(documentID: String) throws -> Int {
        try db.scalarInt("SELECT count(*) FROM conflicts WHERE document_id = ?", documentID) ?? 0
    }
}
