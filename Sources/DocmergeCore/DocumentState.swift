/// One document row's state as stored: what a checker compares with what it expected.
public struct DocumentState: Sendable, Equatable {
    public let documentID: String
    /// The review status; nil for a value docmerge does not know.
    public let status: ReviewStatus?
    /// The stored flag codes, in their stored order (`merge_failed` included).
    public let flagCodes: [String]
    public let flagReason: String?
    public let isMerged: Bool
    /// The status the extraction itself was classified as, before any person's decision.
    public let classifiedAs: ReviewStatus?
    /// The document's version: one step per change, each with its audit row.
    public let version: Int
}
