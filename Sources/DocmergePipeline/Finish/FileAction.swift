/// What becomes of a file once the store is done with its document.
public enum FileAction: Sendable {
    /// Its document committed (merged, a replay, stale or a conflict): move to processed/.
    case processed(FileTicket)
    /// Refused: move to rejected/ with the explanation beside it.
    case reject(FileTicket, reason: String, path: String, documentID: String?)
    /// The merge failed: leave it in the inbox and retry it after the park time.
    case park(FileTicket)
    /// Leave it in the inbox untouched (gone, or the runner is stopping).
    case leave(FileTicket)

    public var ticket: FileTicket {
        switch self {
        case .processed(let t), .reject(let t, _, _, _), .park(let t), .leave(let t): t
        }
    }
}
