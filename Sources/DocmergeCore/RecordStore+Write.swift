import DocmergeModel
import DocmergeSQLite
import Foundation

/// A command's premise no longer holds: another process (or a failed command before it)
/// changed the patient or the document since it was planned. Plan again from the record.
public struct VersionMoved: Error, Sendable, CustomStringConvertible {
    public let mrn: String
    public let documentID: String
    public var description: String { "The record of \(mrn) changed while \(documentID) was planned; it is planned again." }
}

extension RecordStore {
    /// Writes a planned command; runs inside a write transaction. Checks the versions
    /// the plan was made against first, then writes only what the plan says, with the
    /// audit row in the same transaction.
    func write(_ command: MergeCommand) throws -> MergeOutcome {
        let started = DispatchTime.now().uptimeNanoseconds
        let x = command.document.extraction
        switch command.action {
        case .unchanged(let status): return .unchanged(documentID: x.documentID, status: status)
        case .refused(let error): return .refused(error)
        default: break
        }
        let moved = VersionMoved(mrn: x.mrn, documentID: x.documentID)
        let patientRow: Int64
        let known = try db.first("SELECT id, version FROM patients WHERE mrn = ?", [x.mrn]) { ($0.int64(0), $0.int(1)) }
        if let expected = command.expectedPatientVersion {
            guard let known, known.1 == expected else { throw moved }
            patientRow = known.0
        } else {
            guard known == nil, let registration = command.registration else { throw moved }
            patientRow = try registerPatient(registration, actor: command.actor, reason: "first document \(x.documentID)").rowID
        }
        let document = try db.first("SELECT id, version FROM documents WHERE document_id = ?", [x.documentID]) { ($0.int64(0), $0.int(1)) }
        guard document?.1 == command.expectedDocumentVersion else { throw moved }
        if command.recordsExtraction {
            try db.run("INSERT OR IGNORE INTO extractions(document_id, content_hash, extracted_at, arrival) VALUES (?, ?, ?, (SELECT coalesce(max(id), 0) + 1 FROM extractions))",
                       x.documentID, command.document.contentHash, x.extractedAtText)
        }
        switch command.action {
        case .stale(let applied):
            try appendAudit(actor: command.actor, action: "stale_extraction_ignored", mrn: x.mrn, documentID: x.documentID,
                            detail: .object([JSONMember("extracted_at", .string(x.extractedAtText ?? "")),
                                             JSONMember("applied_extracted_at", .string(applied ?? "")),
                                             JSONMember("content_hash", .string(command.document.contentHash))]))
            return .stale(documentID: x.documentID)
        case .conflict(let status):
            try db.run("INSERT OR IGNORE INTO conflicts(document_id, content_hash, extraction, at) VALUES (?, ?, ?, ?)",
                       x.documentID, command.document.contentHash, TextBytes(command.document.raw), timestamp())
            try appendAudit(actor: command.actor, action: "reingest_conflict", mrn: x.mrn, documentID: x.documentID,
                            detail: .object([JSONMember("kept_status", .string(status.rawValue)),
                                             JSONMember("content_hash", .string(command.document.contentHash)),
                                             JSONMember("note", .string("a person decided on this document; the new extraction was recorded, not applied"))]))
            return .conflict(documentID: x.documentID, status: status)
        case .merge(let write):
            return try writeMerge(command, write, patientRow: patientRow, documentRow: document?.0, started: started)
        case .unchanged, .refused:
            preconditionFailure("handled above")
        }
    }
}
