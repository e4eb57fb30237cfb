import DocmergeModel
import DocmergeSQLite

extension RecordStore {
    /// Stamps every resource of the document again with `tags` (e.g. none, once a person
    /// verified a flagged document): each resource whose tags change gets a new version,
    /// and the record version moves once. Runs inside the caller's write transaction.
    func retag(documentID: String, patientRowID: Int64, tags: [RecordTag], at: String) throws
        -> (changes: ContributionChanges, recordVersion: Int) {
        guard let patient = try db.first("SELECT fhir_id, version FROM patients WHERE id = ?", [patientRowID], {
            (fhirID: $0.text(0), version: $0.int(1))
        }) else {
            throw DocmergeError(.failure, "The patient of document \(documentID) is missing from the registry.")
        }
        let patientReference = "Patient/" + patient.fhirID
        var resources: [PlannedResource] = []
        var unreadable = 0
        try db.forEach("SELECT resource_type, doc_key, fhir_id, body, full_url, unresolved FROM resources WHERE document_id = ? ORDER BY id",
                       [documentID]) { row in
            let unresolved = row.optionalText(5).flatMap { try? JSONParser.parse(Array($0.utf8)) }?.arrayValue?.compactMap(\.stringValue) ?? []
            guard let resource = MergePlanner.restored(row.bytes(3), resourceType: row.text(0), key: row.text(1), fhirID: row.text(2),
                                                       fullUrl: row.optionalText(4), unresolved: unresolved,
                                                       patientReference: patientReference) else {
                unreadable += 1
                return
            }
            resources.append(resource)
        }
        guard unreadable == 0 else {
            throw DocmergeError(.failure, "\(unreadable) stored resources of document \(documentID) are not valid JSON; nothing was changed.")
        }
        let plan = MergePlan(documentID: documentID, patientFHIRID: patient.fhirID, resources: resources)
        let changes = try writeContribution(plan, patientRowID: patientRowID, documentID: documentID, tags: tags, at: at)
        guard changes.count > 0 else { return (changes, patient.version) }
        try db.run("UPDATE patients SET version = version + 1, last_updated = ? WHERE id = ?", at, patientRowID)
        return (changes, patient.version + 1)
    }
}
