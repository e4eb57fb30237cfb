import DocmergeModel
import DocmergeSQLite

/// Reads the review console needs beyond `documentDetail`.
extension RecordStore {
    public struct MergedResource: Sendable {
        public let resourceType: String
        public let fhirID: String
        /// The resource as it is in the record (stamped: meta, rewritten references).
        public let body: [UInt8]
    }

    /// The document's resources as they are in the record now, in the order written.
    public func mergedResources(documentID: String) throws -> [MergedResource] {
        try db.query("SELECT resource_type, fhir_id, body FROM resources WHERE document_id = ? ORDER BY id", [documentID]) {
            MergedResource(resourceType: $0.text(0), fhirID: $0.text(1), body: $0.bytes(2))
        }
    }

    /// The last person's action on the document (`mark_correct`, `correct`, `rollback`…), if any.
    public func reviewAction(documentID: String) throws -> String? {
        try db.first("SELECT review_action FROM documents WHERE document_id = ?", [documentID]) { $0.optionalText(0) } ?? nil
    }
}
