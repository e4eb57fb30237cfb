import DocmergeModel

/// A ticket after the classify stage.
public enum Classified: Sendable {
    /// Decoded, validated, planned; `findings` are the checks that need only the document.
    case prepared(FileTicket, PreparedDocument, findings: [Finding])
    case refused(FileTicket, reason: String, path: String, documentID: String?)
    /// The file disappeared before it could be read: not an error.
    case vanished(FileTicket)

    public var ticket: FileTicket {
        switch self {
        case .prepared(let t, _, _), .refused(let t, _, _, _), .vanished(let t): t
        }
    }
}
