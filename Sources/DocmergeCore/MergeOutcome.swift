import DocmergeModel

/// What a merge did with a document.
public enum MergeOutcome: Sendable, Equatable {
    /// Applied: a new document, a re-extraction or a retry.
    case merged(MergeResult)
    /// A replay of an extraction already seen: nothing changed, not even a version.
    case unchanged(documentID: String, status: ReviewStatus)
    /// An extraction older than the applied one arrived late: recorded, not applied.
    case stale(documentID: String)
    /// A person decided on this document; the re-ingest is recorded as a conflict.
    case conflict(documentID: String, status: ReviewStatus)
    /// Refused by a rule that needs the database (document id of another patient).
    case refused(ExtractionError)

    public var documentID: String? {
        switch self {
        case .merged(let r): r.documentID
        case .unchanged(let id, _), .stale(let id), .conflict(let id, _): id
        case .refused: nil
        }
    }
}

public struct MergeResult: Sendable, Equatable {
    public let documentID: String
    public let mrn: String
    public let status: ReviewStatus
    public let findings: [Finding]
    public let inserted: Int
    public let updated: Int
    public let deleted: Int
    public let recordVersion: Int
    public let documentVersion: Int
    public let sampled: Bool
    public let mergeMs: Double
    public let availabilityMs: Double

    public var changed: Int { inserted + updated + deleted }
}
