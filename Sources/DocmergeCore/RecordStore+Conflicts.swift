import DocmergeModel
import DocmergeSQLite

/// A re-ingest held aside because a person had decided (people win): what it would
/// change, and how a person ends it — accept (applied as that person's correction) or
/// dismiss (with a reason). Either way it leaves `review list --conflicts` and
/// `open_conflicts`.
extension RecordStore {
    public struct OpenConflict: Sendable {
        public let id: Int64
        public let at: String
        public let contentHash: String
        public let extractedAt: String?
        /// What applying it would change, against what is in the record now.
        public let changes: [ConflictChange]
        public let extraction: [UInt8]
    }

    public struct ConflictResolution: Sendable, Equatable {
        public enum Kind: String, Sendable { case accepted, dismissed }
        public let documentID: String
        public let mrn: String
        public let kind: Kind
        /// Open conflicts closed (an accept applies the newest and supersedes the others).
        public let closed: Int
        public let inserted: Int
        public let updated: Int
        public let deleted: Int
        public let recordVersion: Int
        public let documentVersion: Int
    }

    /// The document's open conflicts, oldest first, each with its changes.
    public func openConflicts(documentID: String, decoder: ExtractionDecoder = .lenient) throws -> [OpenConflict] {
        let rows = try db.query("SELECT id, at, content_hash, extraction FROM conflicts WHERE document_id = ? AND resolved = 0 ORDER BY id",
                                [documentID]) { ($0.int64(0), $0.text(1), $0.text(2), $0.bytes(3)) }
        guard !rows.isEmpty, let doc = try existingDocument(documentID) else { return [] }
        return try rows.map { row in
            let held = try heldDocument(row.3, documentID: documentID, mrn: doc.mrn, decoder: decoder)
            return OpenConflict(id: row.0, at: row.1, contentHash: row.2, extractedAt: held.extraction.extractedAtText,
                                changes: try changes(of: held.plan, documentID: documentID), extraction: row.3)
        }
    }

    /// Applies the newest open conflict's extraction as `reviewer`'s correction: the record
    /// takes its resources (audited before and after), status `reviewed`; people win from
    /// then on.
    public func acceptConflict(documentID: String, reviewer: String, reason: String? = nil, expectVersion: Int? = nil,
                               decoder: ExtractionDecoder = .lenient) throws -> ConflictResolution {
        try db.writeTransaction {
            let doc = try requireDocument(documentID, expectVersion: expectVersion)
            guard let newest = try db.first("""
                SELECT c.id, c.extraction, c.content_hash FROM conflicts c LEFT JOIN extractions e
                    ON e.document_id = c.document_id AND e.content_hash = c.content_hash
                WHERE c.document_id = ? AND c.resolved = 0 ORDER BY coalesce(e.extracted_at, c.at) DESC, c.id DESC LIMIT 1
                """, [documentID], { (id: $0.int64(0), raw: $0.bytes(1), hash: $0.text(2)) }) else {
                throw DocmergeError(.conflict, "Document \(documentID) has no open re-ingest conflict to accept.")
            }
            let held = try heldDocument(newest.raw, documentID: documentID, mrn: doc.mrn, decoder: decoder)
            let at = timestamp()
            let plan = try linkAcrossDocuments(held.plan, patientRowID: doc.patientRowID)
            var changes = try writeContribution(plan, patientRowID: doc.patientRowID, documentID: documentID, tags: [],
                                                keepBodies: true, at: at)
            changes.absorb(try relinkWaitingReferences(to: plan, patientRowID: doc.patientRowID, at: at))
            let recordVersion = try bumpRecordVersion(doc.patientRowID, if: changes.count > 0, at: at)
            // Applied as a correction: the judged extraction (what `tune` replays) stays; the
            // held one stays in the conflicts table, marked accepted.
            try db.run("""
                UPDATE documents SET review_status = 'reviewed', review_action = 'correct', human_decision = 1, is_merged = 1,
                    reviewed_by = ?, reviewed_at = ?, version = version + 1, updated_at = ? WHERE id = ?
                """, reviewer, at, at, doc.rowID)
            try db.run("UPDATE conflicts SET resolved = 1, resolution = 'accepted', resolved_by = ?, resolved_at = ?, reason = ? WHERE id = ?",
                       reviewer, at, reason, newest.id)
            let superseded = try closeOpenConflicts(documentID, as: "superseded", by: reviewer, reason: "a newer extraction was accepted", at: at)
            try appendAudit(actor: reviewer, action: "conflict_accept", mrn: doc.mrn, documentID: documentID, detail: .object([
                JSONMember("previous_status", .string(doc.status.rawValue)),
                JSONMember("reason", reason.map(JSON.string) ?? .null),
                JSONMember("content_hash", .string(newest.hash)),
                JSONMember("conflicts_closed", .number(String(superseded + 1))),
                JSONMember("inserted", .number(String(changes.inserted))),
                JSONMember("updated", .number(String(changes.updated))),
                JSONMember("deleted", .number(String(changes.deleted))),
                JSONMember("record_version", .number(String(recordVersion))),
                JSONMember("document_version", .number(String(doc.version + 1))),
                JSONMember("resources", .array(changes.log)),
            ]))
            return ConflictResolution(documentID: documentID, mrn: doc.mrn, kind: .accepted, closed: superseded + 1,
                                      inserted: changes.inserted, updated: changes.updated, deleted: changes.deleted,
                                      recordVersion: recordVersion, documentVersion: doc.version + 1)
        }
    }

    /// Closes every open conflict of the document without applying it: the person's
    /// decision stands. The record does not change; the document's version moves.
    public func dismissConflict(documentID: String, reviewer: String, reason: String, expectVersion: Int? = nil) throws -> ConflictResolution {
        try db.writeTransaction {
            let doc = try requireDocument(documentID, expectVersion: expectVersion)
            let at = timestamp()
            let closed = try closeOpenConflicts(documentID, as: "dismissed", by: reviewer, reason: reason, at: at)
            guard closed > 0 else { throw DocmergeError(.conflict, "Document \(documentID) has no open re-ingest conflict to dismiss.") }
            try db.run("UPDATE documents SET version = version + 1, updated_at = ? WHERE id = ?", at, doc.rowID)
            let recordVersion = try db.scalarInt("SELECT version FROM patients WHERE id = ?", doc.patientRowID) ?? 0
            try appendAudit(actor: reviewer, action: "conflict_dismiss", mrn: doc.mrn, documentID: documentID, detail: .object([
                JSONMember("status", .string(doc.status.rawValue)),
                JSONMember("reason", .string(reason)),
                JSONMember("conflicts_closed", .number(String(closed))),
                JSONMember("document_version", .number(String(doc.version + 1))),
            ]))
            return ConflictResolution(documentID: documentID, mrn: doc.mrn, kind: .dismissed, closed: closed, inserted: 0,
                                      updated: 0, deleted: 0, recordVersion: recordVersion, documentVersion: doc.version + 1)
        }
    }

    /// Marks the document's open conflicts resolved; returns how many. Inside a write.
    func closeOpenConflicts(_ documentID: String, as resolution: String, by reviewer: String, reason: String?, at: String) throws -> Int {
        try db.run("UPDATE conflicts SET resolved = 1, resolution = ?, resolved_by = ?, resolved_at = ?, reason = ? WHERE document_id = ? AND resolved = 0",
                   resolution, reviewer, at, reason, documentID)
        return db.changes
    }

    func openConflictCount(_ documentID: String) throws -> Int {
        try db.scalarInt("SELECT count(*) FROM conflicts WHERE document_id = ? AND resolved = 0", documentID) ?? 0
    }

    /// A held extraction, decoded and planned for the document's patient.
    func heldDocument(_ raw: [UInt8], documentID: String, mrn: String, decoder: ExtractionDecoder) throws -> (extraction: Extraction, plan: MergePlan) {
        var extraction: Extraction
        do { extraction = try decoder.decode(raw).0 } catch {
            throw DocmergeError(.failure, "The held extraction of \(documentID) no longer decodes: \(error.description).")
        }
        extraction.mrn = mrn
        return (extraction, MergePlanner.plan(extraction))
    }

    /// What writing `plan` would change in the document's contribution now.
    func changes(of plan: MergePlan, documentID: String) throws -> [ConflictChange] {
        var current: [String: (hash: String, reference: String, body: [UInt8])] = [:]
        var order: [String] = []
        try db.forEach("SELECT resource_type, doc_key, content_hash, fhir_id, body FROM resources WHERE document_id = ? ORDER BY id",
                       [documentID]) { row in
            let key = row.text(0) + "\u{0}" + row.text(1)
            current[key] = (row.text(2), row.text(0) + "/" + row.text(3), row.bytes(4))
            order.append(key)
        }
        var result: [ConflictChange] = []
        for resource in plan.resources {
            let key = resource.resourceType + "\u{0}" + resource.key
            let after = ConflictChange.describe(resource.prefix + resource.suffix)
            let reference = resource.resourceType + "/" + resource.fhirID
            if let existing = current.removeValue(forKey: key) {
                if existing.hash != resource.contentHash {
                    result.append(ConflictChange(kind: .changed, reference: reference, before: ConflictChange.describe(existing.body), after: after))
                }
            } else {
                result.append(ConflictChange(kind: .added, reference: reference, before: nil, after: after))
            }
        }
        for key in order { if let gone = current[key] {
            result.append(ConflictChange(kind: .removed, reference: gone.reference, before: ConflictChange.describe(gone.body), after: nil))
        } }
        return result
    }
}
