import DocmergeModel
import DocmergeSQLite

/// Review is verification: the data is already merged. Each action is one
/// transaction with its audit row naming the reviewer.
extension RecordStore {
    /// `flagged` or `auto_approved` → `reviewed`; no data change.
    public func markCorrect(documentID: String, reviewer: String, expectVersion: Int? = nil) throws {
        try db.writeTransaction {
            let doc = try requireDocument(documentID, expectVersion: expectVersion)
            guard doc.status == .flagged || doc.status == .autoApproved else {
                throw DocmergeError(.conflict, "Document \(documentID) is \(doc.status.rawValue); mark-correct applies only to flagged or auto-approved documents.")
            }
            guard doc.isMerged else {
                throw DocmergeError(.conflict, "Document \(documentID) is not merged (its merge failed); run `docmerge review retry \(documentID)` first.")
            }
            let at = timestamp()
            try db.run("UPDATE documents SET review_status = 'reviewed', review_action = 'mark_correct', human_decision = 1, reviewed_by = ?, reviewed_at = ?, version = version + 1, updated_at = ? WHERE id = ?",
                       reviewer, at, at, doc.rowID)
            try appendAudit(actor: reviewer, action: "mark_correct", mrn: doc.mrn, documentID: documentID, detail: .object([
                JSONMember("previous_status", .string(doc.status.rawValue)),
                JSONMember("document_version", .number(String(doc.version + 1))),
                JSONMember("data_changed", .bool(false)),
            ]))
        }
    }

    /// Replaces the document's contribution with corrected entries (ingest format) →
    /// `reviewed`. The audit keeps each changed resource before and after.
    public func correct(documentID: String, entries: [Extraction.Entry], reviewer: String,
                        expectVersion: Int? = nil) throws -> (inserted: Int, updated: Int, deleted: Int) {
        // `resource_count` stays the judged extraction's: it is what `tune` replays the
        // automatic classification with (a correction is the reviewer's outcome, not an input).
        try db.writeTransaction {
            let doc = try requireDocument(documentID, expectVersion: expectVersion)
            guard [.flagged, .autoApproved, .reviewed].contains(doc.status) else {
                throw DocmergeError(.conflict, "Document \(documentID) is \(doc.status.rawValue); correct applies to flagged, auto-approved or reviewed documents.")
            }
            let extraction = Extraction(documentID: documentID, documentName: nil, uploadedAt: nil, mrn: doc.mrn,
                                        patientName: nil, patientBirthDate: nil, confidence: 1, model: "reviewer",
                                        fallbackUsed: false, extractedAt: nil, extractedAtText: nil, entries: entries)
            let plan = MergePlanner.plan(extraction)
            let changes = try writeContribution(plan, patientRowID: doc.patientRowID, documentID: documentID, keepBodies: true)
            let at = timestamp()
            var recordVersion = try db.scalarInt("SELECT version FROM patients WHERE id = ?", doc.patientRowID) ?? 0
            if changes.count > 0 {
                try db.run("UPDATE patients SET version = version + 1, last_updated = ? WHERE id = ?", at, doc.patientRowID)
                recordVersion += 1
            }
            try db.run("""
                UPDATE documents SET review_status = 'reviewed', review_action = 'correct', human_decision = 1, is_merged = 1, reviewed_by = ?,
                    reviewed_at = ?, version = version + 1, updated_at = ? WHERE id = ?
                """, reviewer, at, at, doc.rowID)
            try appendAudit(actor: reviewer, action: "correct", mrn: doc.mrn, documentID: documentID, detail: .object([
                JSONMember("previous_status", .string(doc.status.rawValue)),
                JSONMember("inserted", .number(String(changes.inserted))),
                JSONMember("updated", .number(String(changes.updated))),
                JSONMember("deleted", .number(String(changes.deleted))),
                JSONMember("record_version", .number(String(recordVersion))),
                JSONMember("document_version", .number(String(doc.version + 1))),
                JSONMember("resources", .array(changes.log)),
            ]))
            return (changes.inserted, changes.updated, changes.deleted)
        }
    }

    /// Re-attempts a merge that failed, from the stored extraction and the thresholds it
    /// was judged with.
    public func retry(documentID: String, decoder: ExtractionDecoder = ExtractionDecoder(), actor: String = "review",
                      expectVersion: Int? = nil, sampleRate: Double = 0) throws -> MergeOutcome {
        guard let stored = try db.first("SELECT extraction, thresholds, is_merged, review_status, flag_codes, version FROM documents WHERE document_id = ?", [documentID], {
            (raw: $0.bytes(0), thresholds: $0.text(1), merged: $0.bool(2), status: $0.text(3), codes: $0.text(4), version: $0.int(5))
        }) else {
            throw DocmergeError(.notFound, "No document \(documentID) in the database.")
        }
        if let expectVersion, expectVersion != stored.version {
            throw DocmergeError(.conflict, "Document \(documentID) is at version \(stored.version), not \(expectVersion): it changed since you looked.")
        }
        guard stored.codes.contains(FlagCode.mergeFailed.rawValue) else {
            throw DocmergeError(.conflict, "Document \(documentID) has no failed merge to retry (status \(stored.status)).")
        }
        let thresholds = (try? JSONParser.parse(Array(stored.thresholds.utf8))).flatMap(Thresholds.init(json:)) ?? Thresholds()
        let document: PreparedDocument
        do {
            document = try PreparedDocument.prepare(stored.raw, decoder: decoder, thresholds: thresholds, firstSeen: now())
        } catch {
            throw DocmergeError(.failure, "The stored extraction of \(documentID) no longer decodes: \(error.description).")
        }
        return try merge(document, actor: actor, sampleRate: sampleRate)
    }
}
