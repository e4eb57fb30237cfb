import DocmergeModel
import DocmergeSQLite

extension RecordStore {
    /// Removes exactly the document's resources; every other resource stays byte-identical.
    /// The record version moves forward once; the audit row says who, when, why, how many.
    /// Returns the number removed. A legacy record (nothing merged) can be rolled back too:
    /// it becomes `rejected`, and the audit says nothing was merged. Open re-ingest conflicts
    /// close as superseded.
    @discardableResult
    public func rollback(documentID: String, reviewer: String, reason: String?, expectVersion: Int? = nil) throws -> Int {
        try db.writeTransaction {
            let doc = try requireDocument(documentID, expectVersion: expectVersion)
            let count = try db.scalarInt("SELECT count(*) FROM resources WHERE document_id = ?", documentID) ?? 0
            let legacy = try isLegacy(doc) && doc.status != .rejected
            guard doc.isMerged || count > 0 || legacy else {
                throw DocmergeError(.conflict, "Document \(documentID) has nothing merged in the record (status \(doc.status.rawValue)), so there is nothing to roll back.")
            }
            let ids = try db.query("SELECT resource_type, fhir_id FROM resources WHERE document_id = ? ORDER BY id",
                                   [documentID]) { JSON.string($0.text(0) + "/" + $0.text(1)) }
            try db.run("DELETE FROM resources WHERE document_id = ?", documentID)
            let at = timestamp()
            var recordVersion = try db.scalarInt("SELECT version FROM patients WHERE id = ?", doc.patientRowID) ?? 0
            if count > 0 {
                try db.run("UPDATE patients SET version = version + 1, last_updated = ? WHERE id = ?", at, doc.patientRowID)
                recordVersion += 1
            }
            try db.run("""
                UPDATE documents SET review_status = 'rejected', review_action = 'rollback', auto_approved = 0, is_merged = 0, human_decision = 1,
                    reviewed_by = ?, reviewed_at = ?, version = version + 1, updated_at = ? WHERE id = ?
                """, reviewer, at, at, doc.rowID)
            let closed = try closeOpenConflicts(documentID, as: "superseded", by: reviewer, reason: "superseded by a rollback", at: at)
            var detail = [
                JSONMember("reason", reason.map(JSON.string) ?? .null),
                JSONMember("removed", .number(String(count))),
                JSONMember("previous_status", .string(doc.status.rawValue)),
                JSONMember("record_version", .number(String(recordVersion))),
                JSONMember("document_version", .number(String(doc.version + 1))),
                JSONMember("resources", .array(ids)),
                JSONMember("conflicts_closed", .number(String(closed))),
            ]
            if legacy { detail += Self.legacyNote }
            try appendAudit(actor: reviewer, action: "rollback", mrn: doc.mrn, documentID: documentID, detail: .object(detail))
            return count
        }
    }

    /// The document, or a not-found error; with `expectVersion`, a conflict error when
    /// the document moved since the caller read it.
    func requireDocument(_ documentID: String, expectVersion: Int?) throws -> ExistingDocument {
        guard let doc = try existingDocument(documentID) else {
            throw DocmergeError(.notFound, "No document \(documentID) in the database.")
        }
        if let expectVersion, expectVersion != doc.version {
            throw DocmergeError(.conflict, "Document \(documentID) is at version \(doc.version), not \(expectVersion): it changed since you looked; run `docmerge review show \(documentID)` again.")
        }
        return doc
    }
}

extension RecordStore.ExistingDocument {
    /// Removed from the record by a person: nothing of it is merged anywhere.
    var isRolledBack: Bool { status == .rejected && !isMerged }
}
