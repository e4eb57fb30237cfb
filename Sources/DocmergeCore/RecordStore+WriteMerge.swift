import DocmergeModel
import DocmergeSQLite
import Foundation

extension RecordStore {
    /// The merge's rows: exactly the planned inserts, updates and deletes of this
    /// document's resources, the record version (checked), the document row, the audit row.
    func writeMerge(_ command: MergeCommand, _ write: MergeWrite, patientRow: Int64, documentRow: Int64?,
                    started: UInt64) throws -> MergeOutcome {
        let document = command.document
        let x = document.extraction
        let moved = VersionMoved(mrn: x.mrn, documentID: x.documentID)
        let clock = now()
        let at = Timestamp.format(clock)
        var log: [JSON] = []
        log.reserveCapacity(write.changeCount)
        for resource in write.inserts {
            try db.run("INSERT INTO resources(patient_id, document_id, resource_type, doc_key, fhir_id, version_id, content_hash, body) VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
                       patientRow, x.documentID, resource.resourceType, resource.key, resource.fhirID,
                       resource.contentHash, TextBytes(resource.stamped(versionID: 1, lastUpdated: at)))
            log.append(Self.logEntry(resource.resourceType, resource.fhirID, "created", 1))
        }
        for update in write.updates {
            let r = update.resource
            try db.run("UPDATE resources SET body = ?, content_hash = ?, version_id = ?, fhir_id = ? WHERE document_id = ? AND resource_type = ? AND doc_key = ? AND version_id = ?",
                       TextBytes(r.stamped(versionID: update.version, lastUpdated: at)), r.contentHash, update.version, r.fhirID,
                       x.documentID, r.resourceType, r.key, update.version - 1)
            guard db.changes == 1 else { throw moved }
            log.append(Self.logEntry(r.resourceType, r.fhirID, "updated", update.version))
        }
        for gone in write.deletes {
            try db.run("DELETE FROM resources WHERE document_id = ? AND resource_type = ? AND doc_key = ? AND version_id = ?",
                       x.documentID, gone.resourceType, gone.key, gone.version)
            guard db.changes == 1 else { throw moved }
            log.append(Self.logEntry(gone.resourceType, gone.fhirID, "deleted", gone.version))
        }
        if write.changeCount > 0 {
            try db.run("UPDATE patients SET version = version + 1, last_updated = ? WHERE id = ? AND version = ?",
                       at, patientRow, write.recordVersionAfter - 1)
            guard db.changes == 1 else { throw moved }
        }
        let status = write.status
        let auto = status == .autoApproved
        let availabilityMs = clock.timeIntervalSince(x.uploadedAt ?? document.firstSeen) * 1000
        let mergeMs = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
        let reason = QualityCheck.reasonText(write.findings)
        let codes = write.findings.map(\.code.rawValue).joined(separator: ",")
        if let documentRow {
            try db.run("""
                UPDATE documents SET document_name = ?, review_status = ?, auto_approved = ?, flag_reason = ?, flag_codes = ?,
                    is_merged = 1, reviewed_by = NULL, reviewed_at = ?, confidence = ?, model = ?, fallback_used = ?,
                    resource_count = ?, thresholds = ?, extraction = ?, content_hash = ?, extracted_at = ?, uploaded_at = ?,
                    version = version + 1, merge_ms = ?, availability_ms = ?, updated_at = ?, sampled = ?, classified_as = ?,
                    review_action = NULL
                WHERE id = ? AND version = ?
                """, x.documentName, status.rawValue, auto, reason, codes,
                auto ? at : nil, x.confidence, x.model, x.fallbackUsed, x.entries.count,
                document.thresholdsJSON, TextBytes(document.raw), document.contentHash, x.extractedAtText,
                x.uploadedAt.map(Timestamp.format), mergeMs, availabilityMs, at, write.sampled, status.rawValue,
                documentRow, write.documentVersionAfter - 1)
            guard db.changes == 1 else { throw moved }
        } else {
            try db.run("""
                INSERT INTO documents(document_id, patient_id, document_name, review_status, auto_approved, flag_reason,
                    flag_codes, is_merged, reviewed_at, confidence, model, fallback_used, resource_count, thresholds,
                    extraction, content_hash, extracted_at, uploaded_at, version, merge_ms, availability_ms, created_at,
                    updated_at, arrival, sampled, classified_as)
                VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?,
                        (SELECT coalesce(max(id), 0) + 1 FROM documents), ?, ?)
                """, x.documentID, patientRow, x.documentName, status.rawValue, auto, reason, codes,
                auto ? at : nil, x.confidence, x.model, x.fallbackUsed, x.entries.count,
                document.thresholdsJSON, TextBytes(document.raw), document.contentHash, x.extractedAtText,
                x.uploadedAt.map(Timestamp.format), mergeMs, availabilityMs, at, at, write.sampled, status.rawValue)
        }
        try appendAudit(actor: command.actor, action: write.auditAction, mrn: x.mrn, documentID: x.documentID, detail: .object([
            JSONMember("status", .string(status.rawValue)),
            JSONMember("flag_reason", reason.map(JSON.string) ?? .null),
            JSONMember("flag_codes", .array(write.findings.map { .string($0.code.rawValue) })),
            JSONMember("inserted", .number(String(write.inserts.count))),
            JSONMember("updated", .number(String(write.updates.count))),
            JSONMember("deleted", .number(String(write.deletes.count))),
            JSONMember("record_version", .number(String(write.recordVersionAfter))),
            JSONMember("document_version", .number(String(write.documentVersionAfter))),
            JSONMember("content_hash", .string(document.contentHash)),
            JSONMember("thresholds", .raw(RawJSON(trusted: Array(document.thresholdsJSON.utf8)))),
            JSONMember("resources", .array(log)),
        ]), at: at)
        return .merged(MergeResult(documentID: x.documentID, mrn: x.mrn, status: status, findings: write.findings,
                                   inserted: write.inserts.count, updated: write.updates.count, deleted: write.deletes.count,
                                   recordVersion: write.recordVersionAfter, documentVersion: write.documentVersionAfter,
                                   sampled: write.sampled, mergeMs: mergeMs, availabilityMs: availabilityMs))
    }

    static func logEntry(_ type: String, _ id: String, _ change: String, _ version: Int) -> JSON {
        .object([JSONMember("type", .string(type)), JSONMember("id", .string(id)),
                 JSONMember("change", .string(change)), JSONMember("version", .number(String(version)))])
    }
}
