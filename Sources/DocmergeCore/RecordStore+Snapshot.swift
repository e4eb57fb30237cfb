import DocmergeModel
import DocmergeSQLite

extension RecordStore {
    /// The patient as the registry has it now (unregistered: no demographics, version 0).
    public func patientSnapshot(mrn: String) throws -> PatientSnapshot {
        guard let known = try patient(mrn: mrn) else { return PatientSnapshot(mrn: mrn, registry: nil, version: 0) }
        return PatientSnapshot(mrn: mrn, registry: known.demographics, registeredBy: known.flaggedBy, version: known.version)
    }

    /// The document as stored now, with its seen extractions and its resources; nil if new.
    public func documentSnapshot(documentID: String) throws -> DocumentSnapshot? {
        guard let row = try existingDocument(documentID) else { return nil }
        var seen = Set<String>()
        try db.forEach("SELECT content_hash FROM extractions WHERE document_id = ?", [documentID]) { seen.insert($0.text(0)) }
        var resources: [String: DocumentSnapshot.Resource] = [:]
        try db.forEach("SELECT resource_type, doc_key, fhir_id, content_hash, version_id FROM resources WHERE document_id = ?",
                       [documentID]) { r in
            let resource = DocumentSnapshot.Resource(resourceType: r.text(0), key: r.text(1), fhirID: r.text(2),
                                                     contentHash: r.text(3), version: r.int(4))
            resources[DocumentSnapshot.resourceKey(resource.resourceType, resource.key)] = resource
        }
        return DocumentSnapshot(documentID: documentID, mrn: row.mrn, status: row.status, isMerged: row.isMerged,
                                humanDecision: row.humanDecision, contentHash: row.contentHash,
                                extractedAt: row.extractedAt, version: row.version, seenHashes: seen, resources: resources)
    }

    /// Both, from one consistent read.
    public func snapshots(mrn: String, documentID: String) throws -> (PatientSnapshot, DocumentSnapshot?) {
        let read = { (try self.patientSnapshot(mrn: mrn), try self.documentSnapshot(documentID: documentID)) }
        return db.isInTransaction ? try read() : try db.readTransaction(read)
    }
}
