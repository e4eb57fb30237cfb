import DocmergeModel
import DocmergeSQLite

extension RecordStore {
    /// Points what the plan left unresolved at resources that other documents of the same
    /// patient already merged: by their original `Type/id` (the extractor's id), by their
    /// entry's `fullUrl`, or by docmerge's own `Type/id`. The first document merged wins
    /// when two could be meant. What still resolves nowhere stays as written (and listed).
    func linkAcrossDocuments(_ plan: MergePlan, patientRowID: Int64) throws -> MergePlan {
        guard plan.resources.contains(where: { !$0.unresolved.isEmpty }) else { return plan }
        var out = plan
        var known: [String: String?] = [:]
        for (index, resource) in plan.resources.enumerated() where !resource.unresolved.isEmpty {
            var map: [String: String] = [:]
            for reference in resource.unresolved {
                let target: String?
                if let cached = known[reference] {
                    target = cached
                } else {
                    target = try recordTarget(reference, patientRowID: patientRowID, documentID: plan.documentID)
                    known[reference] = target
                }
                if let target { map[reference] = target }
            }
            if !map.isEmpty {
                out.resources[index] = MergePlanner.relinked(resource, map: map, patientReference: plan.patientReference)
            }
        }
        return out
    }

    /// Once a document's contribution is written: resources of the patient's other
    /// documents with a reference that resolved nowhere and names one of this document's
    /// resources (by original `Type/id` or `fullUrl`) now point at it. Each is a change to
    /// that resource (new version) and to its document (new document version).
    func relinkWaitingReferences(to plan: MergePlan, patientRowID: Int64, at: String) throws -> ContributionChanges {
        var aliases: [String: String] = [:]
        for resource in plan.resources {
            if resource.key.hasPrefix("id:") { aliases[resource.resourceType + "/" + resource.key.dropFirst(3)] = resource.reference }
            if let url = resource.fullUrl { aliases[url] = resource.reference }
        }
        var changes = ContributionChanges()
        guard !aliases.isEmpty else { return changes }
        struct Waiting { let rowID: Int64; let documentID: String; let type: String; let key: String; let fhirID: String
                         let body: [UInt8]; let fullUrl: String?; let unresolved: [String]; let version: Int }
        let waiting = try db.query("""
            SELECT id, document_id, resource_type, doc_key, fhir_id, body, full_url, unresolved, version_id FROM resources
            WHERE patient_id = ? AND unresolved IS NOT NULL AND document_id <> ? ORDER BY id
            """, [patientRowID, plan.documentID]) { row in
            Waiting(rowID: row.int64(0), documentID: row.text(1), type: row.text(2), key: row.text(3), fhirID: row.text(4),
                    body: row.bytes(5), fullUrl: row.optionalText(6),
                    unresolved: (try? JSONParser.parse(row.bytes(7)))?.arrayValue?.compactMap(\.stringValue) ?? [], version: row.int(8))
        }
        var documents: Set<String> = []
        for item in waiting {
            var map: [String: String] = [:]
            for reference in item.unresolved {
                if let target = aliases[reference] ?? aliases[ReferenceText.unversioned(reference)] { map[reference] = target }
            }
            guard !map.isEmpty,
                  let restored = MergePlanner.restored(item.body, resourceType: item.type, key: item.key, fhirID: item.fhirID,
                                                       fullUrl: item.fullUrl, unresolved: item.unresolved,
                                                       patientReference: plan.patientReference) else { continue }
            let flagged = try db.scalarText("SELECT review_status FROM documents WHERE document_id = ?", item.documentID) == "flagged"
            let tags = RecordTag.merged(flagged: flagged)
            let relinked = MergePlanner.relinked(restored, map: map, patientReference: plan.patientReference)
            let unresolved = relinked.unresolved.isEmpty ? nil : JSON.array(relinked.unresolved.map(JSON.string)).text
            try db.run("UPDATE resources SET body = ?, content_hash = ?, version_id = ?, unresolved = ? WHERE id = ?",
                       TextBytes(relinked.stamped(versionID: item.version + 1, lastUpdated: at, tags: tags)),
                       relinked.contentHash(tags: tags), item.version + 1, unresolved, item.rowID)
            changes.updated += 1
            changes.log.append(.object([JSONMember("type", .string(item.type)), JSONMember("id", .string(item.fhirID)),
                                        JSONMember("change", .string("relinked")), JSONMember("version", .number(String(item.version + 1))),
                                        JSONMember("document", .string(item.documentID))]))
            documents.insert(item.documentID)
        }
        for documentID in documents.sorted() {
            try db.run("UPDATE documents SET version = version + 1, updated_at = ? WHERE document_id = ?", at, documentID)
        }
        return changes
    }

    private func recordTarget(_ reference: String, patientRowID: Int64, documentID: String) throws -> String? {
        let base = ReferenceText.unversioned(reference)
        if let relative = ReferenceText.relative(base) {
            if try db.first("SELECT 1 FROM resources WHERE patient_id = ? AND resource_type = ? AND fhir_id = ? LIMIT 1",
                            [patientRowID, relative.type, relative.id], { $0.int(0) }) != nil {
                return base
            }
            return try db.first("""
                SELECT fhir_id FROM resources WHERE patient_id = ? AND resource_type = ? AND doc_key = ? AND document_id <> ?
                ORDER BY id LIMIT 1
                """, [patientRowID, relative.type, "id:" + relative.id, documentID]) { relative.type + "/" + $0.text(0) }
        }
        return try db.first("""
            SELECT resource_type, fhir_id FROM resources WHERE patient_id = ? AND full_url = ? AND document_id <> ?
            ORDER BY id LIMIT 1
            """, [patientRowID, base, documentID]) { $0.text(0) + "/" + $0.text(1) }
    }

    /// References of the document's resources that resolve nowhere in the record now: not
    /// contained, not the registry patient, not a resource of the patient's record (at the
    /// version named, for a versioned reference). Each with the resource holding it.
    public func unresolvedReferences(documentID: String) throws -> [(resource: String, reference: String)] {
        guard let patient = try db.first("SELECT p.id, p.fhir_id FROM documents d JOIN patients p ON p.id = d.patient_id WHERE d.document_id = ?",
                                         [documentID], { (rowID: $0.int64(0), fhirID: $0.text(1)) }) else { return [] }
        var versions: [String: Int?] = [:]
        func resolves(_ reference: String) throws -> Bool {
            if reference.hasPrefix("#") { return true }
            guard let relative = ReferenceText.relative(reference) else { return false }
            if relative.type == "Patient" { return relative.id == patient.fhirID && relative.version == nil }
            let key = relative.type + "/" + relative.id
            let version: Int?
            if let known = versions[key] {
                version = known
            } else {
                version = try db.first("SELECT version_id FROM resources WHERE patient_id = ? AND resource_type = ? AND fhir_id = ?",
                                       [patient.rowID, relative.type, relative.id]) { $0.int(0) }
                versions[key] = .some(version)
            }
            guard let version else { return false }
            return relative.version.map { $0 == String(version) } ?? true
        }
        var out: [(String, String)] = []
        let rows = try db.query("SELECT resource_type, fhir_id, body FROM resources WHERE document_id = ? ORDER BY id", [documentID]) {
            ($0.text(0) + "/" + $0.text(1), $0.bytes(2))
        }
        for (resource, body) in rows {
            var seen = Set<String>()
            for reference in BundleReferenceCheck.references(in: (try? JSONParser.parse(body)) ?? .null)
            where seen.insert(reference).inserted {
                if try !resolves(reference) { out.append((resource, reference)) }
            }
        }
        return out
    }
}
