import DocmergeModel
import DocmergeSQLite
import Foundation

/// Records exported from the old approval workflow (JSON array or NDJSON of objects).
public struct LegacyRecord: Sendable {
    public let documentID: String
    public let mrn: String
    public let legacyStatus: String
    public let reviewer: String?
    public let raw: JSON

    /// DESIGN.md "Legacy records": approved without a reviewer → auto_approved; with
    /// one → reviewed; pending, rejected, flagged unchanged; anything else refused.
    public var mappedStatus: ReviewStatus? {
        switch legacyStatus.lowercased() {
        case "approved": (reviewer?.isEmpty ?? true) ? .autoApproved : .reviewed
        case "pending": .pending
        case "rejected": .rejected
        case "flagged": .flagged
        default: nil
        }
    }

    public var mappingName: String {
        guard let status = mappedStatus else { return "refused" }
        return legacyStatus.lowercased() == status.rawValue ? status.rawValue : "\(legacyStatus.lowercased())→\(status.rawValue)"
    }

    static func string(_ object: JSON, _ keys: [String]) -> String? {
        for key in keys { if let v = object[key]?.stringValue, !v.isEmpty { return v } }
        for key in keys { if let v = object[key], case .number(let n) = v { return n } }
        return nil
    }

    /// A time from the old workflow, as stored here (RFC 3339, UTC): RFC 3339 itself,
    /// `YYYY-MM-DD HH:MM:SS` (taken as UTC) or a bare date. Anything else refuses the import.
    static func time(_ object: JSON, _ keys: [String], record: LegacyRecord) throws -> String? {
        guard let text = string(object, keys) else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for candidate in [trimmed, trimmed + "Z", trimmed + "T00:00:00Z"] {
            if let date = Timestamp.parse(candidate) { return Timestamp.format(date) }
        }
        throw DocmergeError(.failure, "Legacy record \(record.documentID) has a time that is not a date ('\(TerminalText.escape(String(text.prefix(40))))'); nothing was imported.")
    }

    public static func parse(_ bytes: [UInt8]) throws -> [LegacyRecord] {
        let first = bytes.first(where: { ![0x20, 0x0A, 0x0D, 0x09, 0xEF, 0xBB, 0xBF].contains($0) })
        let objects = first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
            ? try JSONInput.objects(bytes, what: "legacy record")
            : try CSVRecords.objects(String(decoding: bytes, as: UTF8.self))
        return try objects.enumerated().map { index, object in
            guard let id = string(object, ["document_id", "id", "parsed_data_id"]) else {
                throw DocmergeError(.failure, "Legacy record \(index + 1) has no document_id.")
            }
            guard let mrn = string(object, ["mrn", "patient_mrn", "patient_id"]) else {
                throw DocmergeError(.failure, "Legacy record \(index + 1) (\(id)) has no mrn.")
            }
            guard let status = string(object, ["review_status", "status"]) else {
                throw DocmergeError(.failure, "Legacy record \(index + 1) (\(id)) has no status.")
            }
            return LegacyRecord(documentID: id, mrn: mrn, legacyStatus: status,
                                reviewer: string(object, ["reviewed_by", "reviewer", "approved_by"]), raw: object)
        }
    }
}

extension RecordStore {
    public struct LegacySummary: Sendable {
        public var mappings: [String: Int] = [:]
        public var imported = 0
        public var skipped = 0
    }

    /// Imports legacy records in one transaction. Any unknown status refuses the whole
    /// import (nothing written) with the count and an example.
    public func importLegacy(_ records: [LegacyRecord], actor: String = "legacy-import") throws -> LegacySummary {
        let refused = records.filter { $0.mappedStatus == nil }
        if let first = refused.first {
            throw DocmergeError(.failure, "\(refused.count) of \(records.count) legacy records have an unknown status (first: '\(first.legacyStatus)' on document \(first.documentID)); nothing was imported.")
        }
        return try db.writeTransaction {
            var summary = LegacySummary()
            for record in records {
                guard let status = record.mappedStatus else { continue }
                if try existingDocument(record.documentID) != nil { summary.skipped += 1; continue }
                let patient = try self.patient(mrn: record.mrn)
                    ?? registerPatient(PatientRecord(mrn: record.mrn, name: nil, birthDate: nil), actor: actor, reason: "legacy import")
                let raw = record.raw
                let confidence = raw["confidence"]?.numberValue ?? raw["extraction_confidence"]?.numberValue ?? 0
                let model = raw["model"]?.stringValue ?? raw["model_used"]?.stringValue ?? "legacy"
                let fallback = raw["fallback_used"]?.boolValue ?? false
                let created = try LegacyRecord.time(raw, ["created_at", "uploaded_at", "flagged_at"], record: record) ?? timestamp()
                let reviewedAt = try LegacyRecord.time(raw, ["reviewed_at", "approved_at"], record: record)
                let reason = status == .flagged
                    ? LegacyRecord.string(raw, ["flag_reason", "reason", "flagged_reason", "review_reason"])
                        ?? "flagged in the old approval workflow (no reason recorded)"
                    : raw["flag_reason"]?.stringValue
                let at = timestamp()
                try db.run("""
                    INSERT INTO documents(document_id, patient_id, document_name, review_status, auto_approved, flag_reason,
                        flag_codes, is_merged, reviewed_by, reviewed_at, confidence, model, fallback_used, resource_count,
                        thresholds, extraction, content_hash, version, created_at, updated_at, human_decision, arrival, classified_as,
                        legacy)
                    VALUES (?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, 1, ?, ?, ?, (SELECT coalesce(max(id), 0) + 1 FROM documents), ?, 1)
                    """, record.documentID, patient.rowID, LegacyRecord.string(raw, ["document_name", "name", "filename"]),
                    status.rawValue, status == .autoApproved, reason,
                    status == .autoApproved || status == .reviewed, record.reviewer,
                    reviewedAt, confidence, model, fallback,
                    Thresholds().json.text, raw.text, SHA256.hex(raw.bytes), created, at,
                    status == .reviewed || status == .rejected,
                    status == .flagged ? "flagged" : (status == .autoApproved ? "auto_approved" : nil))
                try appendAudit(actor: actor, action: "legacy_import", mrn: record.mrn, documentID: record.documentID,
                                detail: .object([JSONMember("legacy_status", .string(record.legacyStatus)),
                                                 JSONMember("status", .string(status.rawValue)),
                                                 JSONMember("created_at", .string(created)),
                                                 JSONMember("flag_reason", reason.map(JSON.string) ?? .null)]))
                summary.mappings[record.mappingName, default: 0] += 1
                summary.imported += 1
            }
            return summary
        }
    }
}
