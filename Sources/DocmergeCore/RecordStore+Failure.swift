import DocmergeModel
import DocmergeSQLite

extension RecordStore {
    /// Records a merge that failed after its retries: the document is `flagged` with
    /// the failure in `flag_reason` and `is_merged` false (a failed re-extraction leaves
    /// the earlier contribution's rows in place until a retry replaces them). Its own
    /// transaction, with its audit row. A failed replay of a merged extraction records
    /// nothing: the record is already right.
    public func recordFailure(_ document: PreparedDocument, error: String, actor: String = "pipeline") throws {
        let x = document.extraction
        try db.writeTransaction {
            let existing = try existingDocument(x.documentID)
            if let existing, existing.mrn != x.mrn || existing.humanDecision { return }
            // A replay of an extraction already merged changes nothing, failed or not.
            if existing != nil, try db.scalarInt("SELECT 1 FROM extractions WHERE document_id = ? AND content_hash = ?",
                                                 x.documentID, document.contentHash) != nil { return }
            // Under `reject` an unknown patient is not registered: the retry will refuse the file.
            if existing == nil, try unknownPatientRefusal(document) != nil { return }
            let patient = try registryPatient(for: document, actor: actor)
            let reason = "merge failed: \(error)"
            let at = timestamp()
            if let existing {
                try db.run("""
                    UPDATE documents SET review_status = 'flagged', auto_approved = 0, flag_reason = ?, flag_codes = 'merge_failed',
                        is_merged = 0, extraction = ?, content_hash = ?, extracted_at = ?, thresholds = ?,
                        version = version + 1, updated_at = ?, failed_merges = failed_merges + 1 WHERE id = ?
                    """, reason, TextBytes(document.raw), document.contentHash, x.extractedAtText,
                    document.thresholds.json.text, at, existing.rowID)
            } else {
                try db.run("""
                    INSERT INTO documents(document_id, patient_id, document_name, review_status, auto_approved, flag_reason,
                        flag_codes, is_merged, confidence, model, fallback_used, resource_count, thresholds, extraction,
                        content_hash, extracted_at, uploaded_at, version, created_at, updated_at, arrival, failed_merges)
                    VALUES (?, ?, ?, 'flagged', 0, ?, 'merge_failed', 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?,
                            (SELECT coalesce(max(id), 0) + 1 FROM documents), 1)
                    """, x.documentID, patient.rowID, x.documentName, reason, x.confidence, x.model, x.fallbackUsed,
                    x.resourceCount, document.thresholds.json.text, TextBytes(document.raw), document.contentHash,
                    x.extractedAtText, x.uploadedAt.map(Timestamp.format), at, at)
            }
            try appendAudit(actor: actor, action: "merge_failed", mrn: x.mrn, documentID: x.documentID,
                            detail: .object([JSONMember("error", .string(error))]))
        }
    }
}
