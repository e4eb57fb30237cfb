import DocmergeModel
import DocmergeSQLite

/// What writing a document's contribution changed.
struct ContributionChanges {
    var inserted = 0
    var updated = 0
    var deleted = 0
    /// One entry per changed resource: type, id, change, version (and before/after when asked).
    var log: [JSON] = []
    var count: Int { inserted + updated + deleted }

    mutating func absorb(_ other: ContributionChanges) {
        inserted += other.inserted
        updated += other.updated
        deleted += other.deleted
        log += other.log
    }
}

extension RecordStore {
    /// Replaces a document's contribution with `plan`: upserts its resources, deletes
    /// the ones the plan no longer has; a resource whose content is unchanged is not
    /// touched (same bytes, same version). Touches only this document's rows.
    /// `tags` are docmerge's own `meta.tag`s for every resource of the plan (`unverified`
    /// while the document is flagged); a tag change is a content change.
    func writeContribution(_ plan: MergePlan, patientRowID: Int64, documentID: String, tags: [RecordTag] = [],
                           keepBodies: Bool = false, at time: String? = nil) throws -> ContributionChanges {
        struct Current { let rowID: Int64; let hash: String; let version: Int; let fhirID: String; let type: String; let fullUrl: String? }
        var current: [String: Current] = [:]
        try db.forEach("SELECT id, resource_type, doc_key, content_hash, version_id, fhir_id, full_url FROM resources WHERE document_id = ?",
                       [documentID]) { row in
            current[row.text(1) + "\u{0}" + row.text(2)] = Current(rowID: row.int64(0), hash: row.text(3), version: row.int(4),
                                                                   fhirID: row.text(5), type: row.text(1), fullUrl: row.optionalText(6))
        }
        var changes = ContributionChanges()
        let at = time ?? timestamp()
        for resource in plan.resources {
            let key = resource.resourceType + "\u{0}" + resource.key
            let hash = resource.contentHash(tags: tags)
            let unresolved = resource.unresolved.isEmpty ? nil : JSON.array(resource.unresolved.map(JSON.string)).text
            if let existing = current.removeValue(forKey: key) {
                if existing.hash == hash {
                    if existing.fullUrl != resource.fullUrl {
                        try db.run("UPDATE resources SET full_url = ? WHERE id = ?", resource.fullUrl, existing.rowID)
                    }
                    continue
                }
                let before = keepBodies ? try body(rowID: existing.rowID) : nil
                let body = resource.stamped(versionID: existing.version + 1, lastUpdated: at, tags: tags)
                try db.run("UPDATE resources SET body = ?, content_hash = ?, version_id = ?, fhir_id = ?, full_url = ?, unresolved = ? WHERE id = ?",
                           TextBytes(body), hash, existing.version + 1, resource.fhirID, resource.fullUrl, unresolved, existing.rowID)
                changes.updated += 1
                changes.log.append(logEntry(resource.resourceType, resource.fhirID, "updated", existing.version + 1,
                                            before: before, after: keepBodies ? body : nil))
            } else {
                let body = resource.stamped(versionID: 1, lastUpdated: at, tags: tags)
                try db.run("INSERT INTO resources(patient_id, document_id, resource_type, doc_key, fhir_id, version_id, content_hash, body, full_url, unresolved) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?)",
                           patientRowID, documentID, resource.resourceType, resource.key, resource.fhirID,
                           hash, TextBytes(body), resource.fullUrl, unresolved)
                changes.inserted += 1
                changes.log.append(logEntry(resource.resourceType, resource.fhirID, "created", 1,
                                            before: nil, after: keepBodies ? body : nil))
            }
        }
        for gone in current.values.sorted(by: { $0.rowID < $1.rowID }) {
            let before = keepBodies ? try body(rowID: gone.rowID) : nil
            try db.run("DELETE FROM resources WHERE id = ?", gone.rowID)
            changes.deleted += 1
            changes.log.append(logEntry(gone.type, gone.fhirID, "deleted", gone.version, before: before, after: nil))
        }
        return changes
    }

    func body(rowID: Int64) throws -> [UInt8]? {
        try db.first("SELECT body FROM resources WHERE id = ?", [rowID]) { $0.bytes(0) }
    }

    private func logEntry(_ type: String, _ id: String, _ change: String, _ version: Int,
                          before: [UInt8]?, after: [UInt8]?) -> JSON {
        var members = [JSONMember("type", .string(type)), JSONMember("id", .string(id)),
                       JSONMember("change", .string(change)), JSONMember("version", .number(String(version)))]
        if let before { members.append(JSONMember("before", (try? JSONParser.parse(before)) ?? .null)) }
        if let after { members.append(JSONMember("after", (try? JSONParser.parse(after)) ?? .null)) }
        return .object(members)
    }
}
