import DocmergeModel

/// One document as `review list` / `review show` present it.
public struct DocumentSummary: Sendable {
    public let documentID: String
    public let documentName: String?
    public let mrn: String
    public let status: ReviewStatus
    public let flagReason: String?
    public let flagCodes: [String]
    public let createdAt: String
    public let ageDays: Double
    public let overdue: Bool
    public let isMerged: Bool
    public let version: Int
    public let sampled: Bool
    /// Imported from the old approval workflow (nothing of it is merged).
    public var legacy = false

    public var json: JSON {
        .object([
            JSONMember("document_id", .string(documentID)),
            JSONMember("document_name", documentName.map(JSON.string) ?? .null),
            JSONMember("mrn", .string(mrn)),
            JSONMember("review_status", .string(status.rawValue)),
            JSONMember("flag_reason", flagReason.map(JSON.string) ?? .null),
            JSONMember("flag_codes", .array(flagCodes.map(JSON.string))),
            JSONMember("created_at", .string(createdAt)),
            JSONMember("age_days", .number(String(Int(ageDays.rounded(.down))))),
            JSONMember("overdue", .bool(overdue)),
            JSONMember("is_merged", .bool(isMerged)),
            JSONMember("version", .number(String(version))),
            JSONMember("sampled", .bool(sampled)),
            JSONMember("legacy", .bool(legacy)),
        ])
    }
}
