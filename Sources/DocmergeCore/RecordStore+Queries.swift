import DocmergeModel
import DocmergeSQLite
import Foundation

extension RecordStore {
    public struct ListFilter: Sendable {
        public var mrn: String?
        public var reasonContains: String?
        public var overdueOnly = false
        public var conflicts = false
        public var sample = false
        /// Any one status instead of the flagged queue.
        public var status: ReviewStatus?
        public var overdueDays = 7.0
        public init() {}
    }

    /// Flagged documents oldest first (or the conflict list, or the quality sample).
    public func reviewList(_ filter: ListFilter) throws -> [DocumentSummary] {
        var items: [DocumentSummary] = []
        try eachReviewItem(filter) { items.append($0) }
        return items
    }

    /// The review list one row at a time, in order (`review list --json` streams it: the
    /// list of 200,000 documents is never held whole).
    public func eachReviewItem(_ filter: ListFilter, _ body: (DocumentSummary) throws -> Void) throws {
        var sql = """
            SELECT d.document_id, d.document_name, p.mrn, d.review_status, d.flag_reason, d.flag_codes, d.created_at,
                   d.is_merged, d.version, d.sampled, d.legacy
            FROM documents d JOIN patients p ON p.id = d.patient_id
            """
        var values: [SQLBindable] = []
        if filter.conflicts {
            sql += " WHERE d.document_id IN (SELECT document_id FROM conflicts WHERE resolved = 0)"
        } else if filter.sample {
            sql += " WHERE d.sampled = 1 AND d.review_status = 'auto_approved'"
        } else {
            sql += " WHERE d.review_status = ?"
            values.append((filter.status ?? .flagged).rawValue)
        }
        if let mrn = filter.mrn { sql += " AND p.mrn = ?"; values.append(mrn) }
        if let reason = filter.reasonContains { sql += " AND instr(lower(coalesce(d.flag_reason, '') || ' ' || d.flag_codes), lower(?)) > 0"; values.append(reason) }
        sql += " ORDER BY d.created_at, d.id"
        let current = now()
        try db.forEach(sql, values) { r in
            let created = r.text(6)
            let age = max(0, current.timeIntervalSince(Timestamp.parse(created) ?? current) / 86_400)
            let status = ReviewStatus(rawValue: r.text(3)) ?? .pending
            let item = DocumentSummary(documentID: r.text(0), documentName: r.optionalText(1), mrn: r.text(2),
                                   status: status, flagReason: r.optionalText(4),
                                   flagCodes: r.text(5).split(separator: ",").map(String.init), createdAt: created,
                                   ageDays: age, overdue: status == .flagged && age >= filter.overdueDays, isMerged: r.bool(7),
                                   version: r.int(8), sampled: r.bool(9), legacy: r.bool(10))
            if !filter.overdueOnly || item.overdue { try body(item) }
        }
    }

    public struct DocumentDetail: Sendable {
        public let summary: DocumentSummary
        public let confidence: Double
        public let model: String
        public let fallbackUsed: Bool
        public let thresholds: String
        public let extraction: [UInt8]
        public let reviewedBy: String?
        public let reviewedAt: String?
        public let mergedIDs: [String: String]
        public let history: [AuditRow]
        public let conflicts: [[UInt8]]
        public let registry: RegistryDemographics
        /// What the record holds for this document now (after a correction, the corrected
        /// resources): `Type/id` and stored bytes, in write order.
        public let record: [(reference: String, body: [UInt8])]
    }

    public func documentDetail(_ documentID: String, overdueDays: Double = 7) throws -> DocumentDetail {
        guard let row = try db.first("""
            SELECT d.document_id, d.document_name, p.mrn, d.review_status, d.flag_reason, d.flag_codes, d.created_at,
                   d.is_merged, d.version, d.sampled, d.confidence, d.model, d.fallback_used, d.thresholds, d.extraction,
                   d.reviewed_by, d.reviewed_at, p.name, p.birth_date, d.legacy
            FROM documents d JOIN patients p ON p.id = d.patient_id WHERE d.document_id = ?
            """, [documentID], { r in
            (r.text(0), r.optionalText(1), r.text(2), r.text(3), r.optionalText(4), r.text(5), r.text(6), r.bool(7),
             r.int(8), r.bool(9), r.double(10), r.text(11), r.bool(12), r.text(13), r.bytes(14), r.optionalText(15),
             r.optionalText(16), r.optionalText(17), r.optionalText(18), r.bool(19))
        }) else {
            throw DocmergeError(.notFound, "No document \(documentID) in the database.")
        }
        let age = max(0, now().timeIntervalSince(Timestamp.parse(row.6) ?? now()) / 86_400)
        let summary = DocumentSummary(documentID: row.0, documentName: row.1, mrn: row.2,
                                      status: ReviewStatus(rawValue: row.3) ?? .pending, flagReason: row.4,
                                      flagCodes: row.5.split(separator: ",").map(String.init), createdAt: row.6,
                                      ageDays: age, overdue: row.3 == "flagged" && age >= overdueDays, isMerged: row.7,
                                      version: row.8, sampled: row.9, legacy: row.19)
        var merged: [String: String] = [:]
        try db.forEach("SELECT resource_type, doc_key, fhir_id FROM resources WHERE document_id = ?", [documentID]) {
            merged[$0.text(0) + "\u{0}" + $0.text(1)] = $0.text(0) + "/" + $0.text(2)
        }
        let conflicts = try db.query("SELECT extraction FROM conflicts WHERE document_id = ? ORDER BY id", [documentID]) { $0.bytes(0) }
        return DocumentDetail(summary: summary, confidence: row.10, model: row.11, fallbackUsed: row.12, thresholds: row.13,
                              extraction: row.14, reviewedBy: row.15, reviewedAt: row.16, mergedIDs: merged,
                              history: try auditRows(documentID: documentID), conflicts: conflicts,
                              registry: RegistryDemographics(name: row.17, birthDate: row.18),
                              record: try db.query("SELECT resource_type || '/' || fhir_id, body FROM resources WHERE document_id = ? ORDER BY id",
                                                   [documentID]) { ($0.text(0), $0.bytes(1)) })
    }

    /// Counts by review status.
    public func statusCounts() throws -> [ReviewStatus: Int] {
        var counts: [ReviewStatus: Int] = [:]
        try db.forEach("SELECT review_status, count(*) FROM documents GROUP BY review_status") {
            if let status = ReviewStatus(rawValue: $0.text(0)) { counts[status] = $0.int(1) }
        }
        return counts
    }
}
