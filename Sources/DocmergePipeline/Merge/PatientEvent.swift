import DocmergeCore
import DocmergeModel

/// What a patient's merge actor consumes, one at a time: its documents in arrival
/// order (from the router) and the store's answers to its commands.
public enum PatientEvent: Sendable {
    case document(FileTicket, PreparedDocument, findings: [Finding])
    /// The command for ticket `seq`, submitted in `epoch`, is done (committed, refused, or
    /// failed and flagged). `ok` false: the record may differ from the plan; reload it.
    case settled(seq: Int, epoch: Int, ok: Bool)
    /// The command for ticket `seq` of `epoch` was not written: it failed its version check,
    /// or was built on a command that failed. Plan it again from the record.
    case replan(seq: Int, epoch: Int)
    /// No more documents: finish once every command is settled.
    case drain
}

/// What the router consumes: classified files in arrival order, and notice that one
/// of a patient's documents settled (so it knows which actors are idle).
public enum RouterEvent: Sendable {
    case classified(Classified)
    case settled(mrn: String)
}

/// One document's request to the store.
public struct StoreRequest: Sendable {
    public let ticket: FileTicket
    public let document: PreparedDocument
    public let work: MergeWork
    public let epoch: Int
    public let reply: AsyncStream<PatientEvent>.Continuation
}

/// What enters the store stage.
public enum StoreItem: Sendable {
    case request(StoreRequest)
    /// A file that needs no write (refused, vanished): passes on in order.
    case passthrough(FileAction)

    public var seq: Int {
        switch self {
        case .request(let request): request.ticket.seq
        case .passthrough(let action): action.ticket.seq
        }
    }
}
