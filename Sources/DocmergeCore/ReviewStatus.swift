/// The five review states.
public enum ReviewStatus: String, Sendable, CaseIterable, Codable {
    case pending
    case autoApproved = "auto_approved"
    case flagged
    case reviewed
    case rejected
}
