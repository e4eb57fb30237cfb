import DocmergeModel
import DocmergeSQLite

/// A document uploaded to the wrong patient, moved by a person in one transaction: its
/// resources leave the old record (which is then as if it never had them: every other
/// resource byte-identical), the new record gets exactly what a fresh merge of the
/// document for that patient gives, and both patients' audits say who, why and what.
extension RecordStore {
    public struct RefileResult: Sendable, Equatable {
        public let documentID: String
        public let fromMRN: String
        public let toMRN: String
        public let removed: Int
        public let inserted: Int
        /// Judged again against the new patient's registry entry, as a fresh merge would be.
        public let status: ReviewStatus
        public let flagReason: String?
        public let fromRecordVersion: Int
        public let toRecordVersion: Int
        public let documentVersion: Int
    }

    public func refile(documentID: String, toMRN: String, reviewer: String, reason: String, expectVersion: Int? = nil,
                       decoder: ExtractionDecoder = .lenient) throws -> RefileResult {
        try db.writeTransaction {
            let doc = try requireDocument(documentID, expectVersion: expectVersion)
            guard doc.mrn != toMRN else {
                throw DocmergeError(.conflict, "Document \(documentID) is already filed under \(toMRN).")
            }
            guard doc.isMerged, doc.status != .pending, doc.status != .rejected else {
                throw DocmergeError(.conflict, "Document \(documentID) has nothing merged to move (status \(doc.status.rawValue)); a rolled-back document can simply arrive again for \(toMRN).")
            }
            guard try openConflictCount(documentID) == 0 else {
                throw DocmergeError(.conflict, "Document \(documentID) has an open re-ingest conflict; accept or dismiss it first (`docmerge review conflict accept|dismiss \(documentID)`).")
            }
            guard let target = try patient(mrn: toMRN) else {
                throw DocmergeError(.notFound, "No patient with MRN \(toMRN) in the registry; import the patient first.")
            }
            guard let stored = try db.first("SELECT extraction, thresholds FROM documents WHERE id = ?", [doc.rowID], {
                (raw: $0.bytes(0), thresholds: $0.text(1))
            }) else { throw DocmergeError(.notFound, "No document \(documentID) in the database.") }
            // What moves is the extractor's data: a contribution a person changed (a correction,
            // an accepted re-ingest, both recorded as `correct`) is not the stored extraction's,
            // and re-merging that extraction would silently undo the person's work. (Decided by
            // the document's state, not by comparing bytes: tags and relinked references make the
            // stored bytes differ from a fresh plan without any person's change.)
            guard try db.scalarText("SELECT review_action FROM documents WHERE id = ?", doc.rowID) != "correct" else {
                throw DocmergeError(.conflict, "Document \(documentID) holds a person's correction, not its extraction, so refile would undo it; roll it back (`docmerge review rollback \(documentID)`), have it sent again for \(toMRN), and correct it there.")
            }
            let held = try heldDocument(stored.raw, documentID: documentID, mrn: toMRN, decoder: decoder)
            let thresholds = (try? JSONParser.parse(Array(stored.thresholds.utf8))).flatMap(Thresholds.init(json:)) ?? Thresholds()

            // Out of the old record.
            let at = timestamp()
            let removedIDs = try db.query("SELECT resource_type, fhir_id FROM resources WHERE document_id = ? ORDER BY id",
                                          [documentID]) { JSON.string($0.text(0) + "/" + $0.text(1)) }
            try db.run("DELETE FROM resources WHERE document_id = ?", documentID)
            let fromVersion = try bumpRecordVersion(doc.patientRowID, if: !removedIDs.isEmpty, at: at)

            // Into the new one, as a fresh merge.
            let x = held.extraction
            let findings = QualityCheck(thresholds: thresholds).evaluate(x, registry: target.demographics)
            let plan = try linkAcrossDocuments(held.plan, patientRowID: target.rowID)
            var changes = try writeContribution(plan, patientRowID: target.rowID, documentID: documentID,
                                                tags: RecordTag.merged(flagged: !findings.isEmpty), at: at)
            changes.absorb(try relinkWaitingReferences(to: plan, patientRowID: target.rowID, at: at))
            let toVersion = try bumpRecordVersion(target.rowID, if: changes.count > 0, at: at)
            let status: ReviewStatus = findings.isEmpty ? .autoApproved : .flagged
            let flagReason = QualityCheck.reasonText(findings)
            try db.run("""
                UPDATE documents SET patient_id = ?, review_status = ?, auto_approved = ?, flag_reason = ?, flag_codes = ?,
                    is_merged = 1, human_decision = 1, review_action = 'refile', reviewed_by = ?, reviewed_at = ?,
                    version = version + 1, updated_at = ? WHERE id = ?
                """, target.rowID, status.rawValue, status == .autoApproved, flagReason,
                findings.map(\.code.rawValue).joined(separator: ","), reviewer, at, at, doc.rowID)
            let documentVersion = doc.version + 1
            try appendAudit(actor: reviewer, action: "refile_out", mrn: doc.mrn, documentID: documentID, detail: .object([
                JSONMember("to_mrn", .string(toMRN)),
                JSONMember("reason", .string(reason)),
                JSONMember("previous_status", .string(doc.status.rawValue)),
                JSONMember("removed", .number(String(removedIDs.count))),
                JSONMember("record_version", .number(String(fromVersion))),
                JSONMember("document_version", .number(String(documentVersion))),
                JSONMember("resources", .array(removedIDs)),
            ]), at: at)
            try appendAudit(actor: reviewer, action: "refile_in", mrn: toMRN, documentID: documentID, detail: .object([
                JSONMember("from_mrn", .string(doc.mrn)),
                JSONMember("reason", .string(reason)),
                JSONMember("status", .string(status.rawValue)),
                JSONMember("flag_reason", flagReason.map(JSON.string) ?? .null),
                JSONMember("flag_codes", .array(findings.map { .string($0.code.rawValue) })),
                JSONMember("inserted", .number(String(changes.inserted))),
                JSONMember("record_version", .number(String(toVersion))),
                JSONMember("document_version", .number(String(documentVersion))),
                JSONMember("resources", .array(changes.log)),
            ]), at: at)
            return RefileResult(documentID: documentID, fromMRN: doc.mrn, toMRN: toMRN, removed: removedIDs.count,
                                inserted: changes.inserted, status: status, flagReason: flagReason,
                                fromRecordVersion: fromVersion, toRecordVersion: toVersion, documentVersion: documentVersion)
        }
    }
}
