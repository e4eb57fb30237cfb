import DocmergeModel
import DocmergeSQLite
import Foundation

extension RecordStore {
    /// Merges one document in its own transaction.
    public func merge(_ document: PreparedDocument, actor: String = "pipeline", sampleRate: Double = 0) throws -> MergeOutcome {
        try db.writeTransaction { try applyMerge(document, actor: actor, sampleRate: sampleRate) }
    }

    /// Group commit: several documents in one transaction, each inside its own
    /// savepoint, so one document's error rolls back only that document. If the
    /// commit itself fails, every result is that error (nothing was merged).
    public func mergeBatch(_ documents: [PreparedDocument], actor: String = "pipeline",
                           sampleRate: Double = 0) throws -> [Result<MergeOutcome, any Error>] {
        try db.writeTransaction {
            var results: [Result<MergeOutcome, any Error>] = []
            results.reserveCapacity(documents.count)
            for document in documents {
                try db.run("SAVEPOINT doc")
                do {
                    let outcome = try applyMerge(document, actor: actor, sampleRate: sampleRate)
                    try db.run("RELEASE doc")
                    results.append(.success(outcome))
                } catch let error as SQLiteError where error.isDiskFull || error.isIOError || error.isReadOnly || error.isCorrupt {
                    throw error
                } catch {
                    try db.run("ROLLBACK TO doc")
                    try db.run("RELEASE doc")
                    results.append(.failure(error))
                }
            }
            return results
        }
    }

    struct ExistingDocument {
        let rowID: Int64
        let patientRowID: Int64
        let mrn: String
        let status: ReviewStatus
        let isMerged: Bool
        let humanDecision: Bool
        let contentHash: String
        let extractedAt: String?
        let version: Int
        let thresholds: String
    }

    func existingDocument(_ documentID: String) throws -> ExistingDocument? {
        try db.first("""
            SELECT d.id, d.patient_id, p.mrn, d.review_status, d.is_merged, d.human_decision, d.content_hash,
                   d.extracted_at, d.version, d.thresholds
            FROM documents d JOIN patients p ON p.id = d.patient_id WHERE d.document_id = ?
            """, [documentID]) {
            ExistingDocument(rowID: $0.int64(0), patientRowID: $0.int64(1), mrn: $0.text(2),
                             status: ReviewStatus(rawValue: $0.text(3)) ?? .pending, isMerged: $0.bool(4),
                             humanDecision: $0.bool(5), contentHash: $0.text(6), extractedAt: $0.optionalText(7),
                             version: $0.int(8), thresholds: $0.text(9))
        }
    }

    /// The merge itself; runs inside a write transaction.
    /// `premise`: the versions a patient actor planned against (nil: decide on what is
    /// here). If the record moved since, nothing is written and `VersionMoved` is thrown.
    func applyMerge(_ document: PreparedDocument, actor: String, sampleRate: Double,
                    premise: MergeCommand? = nil) throws -> MergeOutcome {
        let started = DispatchTime.now()
        let x = document.extraction
        var existing = try existingDocument(x.documentID)
        if let premise {
            guard existing?.version == premise.expectedDocumentVersion else { throw VersionMoved(mrn: x.mrn, documentID: x.documentID) }
            if premise.expectedPatientVersion == nil, try patient(mrn: x.mrn) != nil {
                throw VersionMoved(mrn: x.mrn, documentID: x.documentID)
            }
        }
        // Rolled back from another patient's record: nothing of it is merged anywhere, so it
        // arrives for this patient as a new document would (its row and history move along).
        let movedFrom = existing.flatMap { $0.mrn != x.mrn && $0.isRolledBack ? $0 : nil }
        if let existing, existing.mrn != x.mrn, movedFrom == nil {
            return .refused(ExtractionError(path: "$.patient.mrn", message: "document \(x.documentID) is already merged for patient \(existing.mrn); this file names patient \(x.mrn)"))
        }
        if movedFrom != nil { existing = nil }
        if existing == nil, let refusal = try unknownPatientRefusal(document) { return .refused(refusal) }
        let seenBefore = try db.scalarInt("SELECT 1 FROM extractions WHERE document_id = ? AND content_hash = ?",
                                          x.documentID, document.contentHash) != nil
        if let existing, seenBefore {
            // A replay: never changes anything, whenever it arrives — unless it is the
            // current extraction whose merge failed, which a replay retries.
            let failedCurrent = existing.contentHash == document.contentHash && !existing.isMerged && !existing.humanDecision
            if !failedCurrent { return .unchanged(documentID: x.documentID, status: existing.status) }
        }
        if !seenBefore {
            try db.run("INSERT INTO extractions(document_id, content_hash, extracted_at, arrival) VALUES (?, ?, ?, (SELECT coalesce(max(id), 0) + 1 FROM extractions))",
                       x.documentID, document.contentHash, x.extractedAtText)
        }
        if let existing {
            if existing.contentHash != document.contentHash, let new = x.extractedAt,
               let current = existing.extractedAt.flatMap(Timestamp.parse), new < current {
                try appendAudit(actor: actor, action: "stale_extraction_ignored", mrn: x.mrn, documentID: x.documentID,
                                detail: .object([JSONMember("extracted_at", .string(x.extractedAtText ?? "")),
                                                 JSONMember("applied_extracted_at", .string(existing.extractedAt ?? "")),
                                                 JSONMember("content_hash", .string(document.contentHash))]))
                return .stale(documentID: x.documentID)
            }
            if existing.humanDecision {
                try db.run("INSERT OR IGNORE INTO conflicts(document_id, content_hash, extraction, at) VALUES (?, ?, ?, ?)",
                           x.documentID, document.contentHash, TextBytes(document.raw), timestamp())
                try appendAudit(actor: actor, action: "reingest_conflict", mrn: x.mrn, documentID: x.documentID,
                                detail: .object([JSONMember("kept_status", .string(existing.status.rawValue)),
                                                 JSONMember("content_hash", .string(document.contentHash)),
                                                 JSONMember("note", .string("a person decided on this document; the new extraction was recorded, not applied"))]))
                return .conflict(documentID: x.documentID, status: existing.status)
            }
        }
        let patient = try registryPatient(for: document, actor: actor)
        if let expected = premise?.expectedPatientVersion, patient.version != expected {
            throw VersionMoved(mrn: x.mrn, documentID: x.documentID)
        }
        let judged = { QualityCheck(thresholds: document.thresholds).evaluate(x, registry: patient.demographics,
                                                                             registeredPatient: patient.registered(by: x.documentID)) }
        // A planned merge was judged by the patient's actor on a registry row: if the row
        // here is exactly that one, the transaction does not judge it again (debug builds
        // check that both agree); if not (a command before it failed alone, or another
        // process registered the patient at the version the plan predicted), it is planned
        // again.
        let findings: [Finding]
        if let premise, case .merge(let planned) = premise.action {
            guard patient.demographics == planned.registry, patient.flaggedBy == planned.registeredBy else {
                throw VersionMoved(mrn: x.mrn, documentID: x.documentID)
            }
            findings = planned.findings
            assert(findings == judged(), "the planned findings of \(x.documentID) differ from the registry's")
        } else {
            findings = judged()
        }
        let clock = now()
        let at = Timestamp.format(clock)
        let plan = try linkAcrossDocuments(document.plan, patientRowID: patient.rowID)
        var changes = try writeContribution(plan, patientRowID: patient.rowID, documentID: x.documentID,
                                            tags: RecordTag.merged(flagged: !findings.isEmpty), at: at)
        changes.absorb(try relinkWaitingReferences(to: plan, patientRowID: patient.rowID, at: at))
        var recordVersion = patient.version
        if changes.count > 0 {
            try db.run("UPDATE patients SET version = version + 1, last_updated = ? WHERE id = ? AND version = ?",
                       at, patient.rowID, patient.version)
            guard db.changes == 1 else {
                throw DocmergeError(.conflict, "The record of \(x.mrn) changed while merging \(x.documentID).")
            }
            recordVersion += 1
        }
        let status: ReviewStatus = findings.isEmpty ? .autoApproved : .flagged
        let sampled = status == .autoApproved && QualitySample.isSampled(documentID: x.documentID, rate: sampleRate)
        let availabilityMs = clock.timeIntervalSince(x.uploadedAt ?? document.firstSeen) * 1000
        let mergeMs = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e6
        let reason = QualityCheck.reasonText(findings)
        let codes = findings.map(\.code.rawValue).joined(separator: ",")
        let documentVersion: Int
        if let movedFrom {
            try db.run("UPDATE documents SET patient_id = ?, human_decision = 0, review_action = NULL, reviewed_by = NULL WHERE id = ?",
                       patient.rowID, movedFrom.rowID)
        }
        if let existing = existing ?? movedFrom {
            try db.run("""
                UPDATE documents SET document_name = ?, review_status = ?, auto_approved = ?, flag_reason = ?, flag_codes = ?,
                    is_merged = 1, reviewed_by = NULL, reviewed_at = ?, confidence = ?, model = ?, fallback_used = ?,
                    resource_count = ?, thresholds = ?, extraction = ?, content_hash = ?, extracted_at = ?, uploaded_at = ?,
                    version = version + 1, merge_ms = ?, availability_ms = ?, updated_at = ?, sampled = ?, classified_as = ?,
                    review_action = NULL
                WHERE id = ?
                """, x.documentName, status.rawValue, status == .autoApproved, reason, codes,
                status == .autoApproved ? at : nil, x.confidence, x.model, x.fallbackUsed, x.resourceCount,
                document.thresholdsJSON, TextBytes(document.raw), document.contentHash, x.extractedAtText,
                x.uploadedAt.map(Timestamp.format), mergeMs, availabilityMs, at, sampled, status.rawValue, existing.rowID)
            documentVersion = existing.version + 1
        } else {
            try db.run("""
                INSERT INTO documents(document_id, patient_id, document_name, review_status, auto_approved, flag_reason,
                    flag_codes, is_merged, reviewed_at, confidence, model, fallback_used, resource_count, thresholds,
                    extraction, content_hash, extracted_at, uploaded_at, version, merge_ms, availability_ms, created_at,
                    updated_at, arrival, sampled, classified_as)
                VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?,
                        (SELECT coalesce(max(id), 0) + 1 FROM documents), ?, ?)
                """, x.documentID, patient.rowID, x.documentName, status.rawValue, status == .autoApproved, reason, codes,
                status == .autoApproved ? at : nil, x.confidence, x.model, x.fallbackUsed, x.resourceCount,
                document.thresholdsJSON, TextBytes(document.raw), document.contentHash, x.extractedAtText,
                x.uploadedAt.map(Timestamp.format), mergeMs, availabilityMs, at, at, sampled, status.rawValue)
            documentVersion = 1
        }
        let action = existing == nil ? "merge" : (existing?.contentHash == document.contentHash ? "retry_merge" : "re_merge")
        try appendAudit(actor: actor, action: action, mrn: x.mrn, documentID: x.documentID, detail: .object([
            JSONMember("status", .string(status.rawValue)),
            JSONMember("flag_reason", reason.map(JSON.string) ?? .null),
            JSONMember("flag_codes", .array(findings.map { .string($0.code.rawValue) })),
            JSONMember("inserted", .number(String(changes.inserted))),
            JSONMember("updated", .number(String(changes.updated))),
            JSONMember("deleted", .number(String(changes.deleted))),
            JSONMember("record_version", .number(String(recordVersion))),
            JSONMember("document_version", .number(String(documentVersion))),
            JSONMember("content_hash", .string(document.contentHash)),
            JSONMember("thresholds", .raw(RawJSON(trusted: Array(document.thresholdsJSON.utf8)))),
            JSONMember("resources", .array(changes.log)),
        ]), at: at)
        return .merged(MergeResult(documentID: x.documentID, mrn: x.mrn, status: status, findings: findings,
                                   inserted: changes.inserted, updated: changes.updated, deleted: changes.deleted,
                                   recordVersion: recordVersion, documentVersion: documentVersion, sampled: sampled,
                                   mergeMs: mergeMs, availabilityMs: availabilityMs))
    }
}
