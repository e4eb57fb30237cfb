import DocmergeModel
import DocmergeSQLite

/// Review is verification: the data is already merged. Each action is one
/// transaction with its audit row naming the reviewer.
extension RecordStore {
    /// `flagged` or `auto_approved` → `reviewed`; no data change. A legacy record (from
    /// the old approval workflow) has nothing merged: the audit says so.
    public func markCorrect(documentID: String, reviewer: String, reason: String? = nil, expectVersion: Int? = nil) throws {
        try db.writeTransaction {
            let doc = try requireDocument(documentID, expectVersion: expectVersion)
            guard doc.status == .flagged || doc.status == .autoApproved else {
                throw DocmergeError(.conflict, "Document \(documentID) is \(doc.status.rawValue); mark-correct applies only to flagged or auto-approved documents.")
            }
            let legacy = try isLegacy(doc)
            guard doc.isMerged || legacy else {
                throw DocmergeError(.conflict, "Document \(documentID) is not merged (its merge failed); run `docmerge review retry \(documentID)` first.")
            }
            let at = timestamp()
            try db.run("UPDATE documents SET review_status = 'reviewed', review_action = 'mark_correct', human_decision = 1, reviewed_by = ?, reviewed_at = ?, version = version + 1, updated_at = ? WHERE id = ?",
                       reviewer, at, at, doc.rowID)
            let untagged = legacy ? (changes: ContributionChanges(), recordVersion: 0)
                : try retag(documentID: documentID, patientRowID: doc.patientRowID, tags: [], at: at)
            var detail = [
                JSONMember("previous_status", .string(doc.status.rawValue)),
                JSONMember("document_version", .number(String(doc.version + 1))),
                JSONMember("data_changed", .bool(false)),
                JSONMember("reason", reason.map(JSON.string) ?? .null),
            ]
            if legacy { detail += Self.legacyNote } else {
                detail += [JSONMember("unverified_tags_removed", .number(String(untagged.changes.updated))),
                           JSONMember("record_version", .number(String(untagged.recordVersion))),
                           JSONMember("resources", .array(untagged.changes.log))]
            }
            try appendAudit(actor: reviewer, action: "mark_correct", mrn: doc.mrn, documentID: documentID, detail: .object(detail))
        }
    }

    /// What a correction did.
    public struct CorrectionResult: Sendable, Equatable {
        public let inserted: Int
        public let updated: Int
        public let deleted: Int
        public let recordVersion: Int
        public let documentVersion: Int
        /// Re-ingest conflicts that were open and that this correction closed (superseded).
        public let closedConflicts: Int
    }

    /// Replaces the document's contribution with corrected entries (ingest format) →
    /// `reviewed`. The audit keeps each changed resource before and after. Open re-ingest
    /// conflicts are closed as superseded by the correction (and counted in the result).
    public func correct(documentID: String, entries: [Extraction.Entry], reviewer: String, reason: String? = nil,
                        expectVersion: Int? = nil) throws -> CorrectionResult {
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
            let plan = try linkAcrossDocuments(MergePlanner.plan(extraction), patientRowID: doc.patientRowID)
            let at = timestamp()
            var changes = try writeContribution(plan, patientRowID: doc.patientRowID, documentID: documentID, tags: [],
                                                keepBodies: true, at: at)
            changes.absorb(try relinkWaitingReferences(to: plan, patientRowID: doc.patientRowID, at: at))
            let recordVersion = try bumpRecordVersion(doc.patientRowID, if: changes.count > 0, at: at)
            try db.run("""
                UPDATE documents SET review_status = 'reviewed', review_action = 'correct', human_decision = 1, is_merged = 1, reviewed_by = ?,
                    reviewed_at = ?, version = version + 1, updated_at = ? WHERE id = ?
                """, reviewer, at, at, doc.rowID)
            let closed = try closeOpenConflicts(documentID, as: "superseded", by: reviewer, reason: "superseded by a correction", at: at)
            try appendAudit(actor: reviewer, action: "correct", mrn: doc.mrn, documentID: documentID, detail: .object([
                JSONMember("previous_status", .string(doc.status.rawValue)),
                JSONMember("reason", reason.map(JSON.string) ?? .null),
                JSONMember("inserted", .number(String(changes.inserted))),
                JSONMember("updated", .number(String(changes.updated))),
                JSONMember("deleted", .number(String(changes.deleted))),
                JSONMember("record_version", .number(String(recordVersion))),
                JSONMember("document_version", .number(String(doc.version + 1))),
                JSONMember("conflicts_closed", .number(String(closed))),
                JSONMember("resources", .array(changes.log)),
            ]))
            return CorrectionResult(inserted: changes.inserted, updated: changes.updated, deleted: changes.deleted,
                                    recordVersion: recordVersion, documentVersion: doc.version + 1, closedConflicts: closed)
        }
    }

    /// Moves the record version forward once when `changed`; returns the version now.
    func bumpRecordVersion(_ patientRowID: Int64, if changed: Bool, at: String) throws -> Int {
        let version = try db.scalarInt("SELECT version FROM patients WHERE id = ?", patientRowID) ?? 0
        guard changed else { return version }
        try db.run("UPDATE patients SET version = version + 1, last_updated = ? WHERE id = ? AND version = ?", at, patientRowID, version)
        guard db.changes == 1 else { throw DocmergeError(.conflict, "The patient's record changed meanwhile; try again.") }
        return version + 1
    }

    func isLegacy(_ doc: ExistingDocument) throws -> Bool {
        try db.scalarInt("SELECT legacy FROM documents WHERE id = ?", doc.rowID) == 1
    }

    static let legacyNote: [JSONMember] =
        [JSONMember("legacy", .bool(true)), JSONMember("merged", .bool(false)),
         JSONMember("note", .string("legacy record from the old approval workflow: nothing of it was merged into the record"))]

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
