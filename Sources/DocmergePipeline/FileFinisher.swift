import DocmergeModel
import DocmergeSQLite
import Dispatch
import Foundation

/// What becomes of a file once the writer is done with its document.
public enum FileAction: Sendable {
    /// Its document committed (merged, a replay, stale or a conflict): move to processed/.
    case processed(FileTicket)
    /// Refused: move to rejected/ with the explanation beside it.
    case reject(FileTicket, reason: String, path: String, documentID: String?)
    /// The merge failed: leave it in the inbox and retry it after the park time.
    case park(FileTicket)
    /// Leave it in the inbox untouched (gone, or the runner is stopping on a fatal error).
    case leave(FileTicket)

    var ticket: FileTicket {
        switch self {
        case .processed(let t), .reject(let t, _, _, _), .park(let t), .leave(let t): t
        }
    }
}

/// Moves files after their batch committed, on its own queue, so the writer goes on to
/// the next transaction meanwhile. Tells the ingest stage each file is done (only then
/// can a file of that name be offered again) and returns the in-flight permits.
public actor FileFinisher {
    private let executor = QueueExecutor(queue: DispatchQueue(label: "docmerge.files"))
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private let inbox: Inbox
    private let logger: Logger

    public init(inbox: Inbox, logger: Logger) {
        self.inbox = inbox
        self.logger = logger
    }

    public func run(input: WorkQueue<[FileAction]>, ingest: IngestStage, permits: AsyncSemaphore) async {
        while let batches = await input.next(max: 8) {
            var done: [(name: String, keep: FileIdentity?)] = []
            for actions in batches {
                for action in actions { done.append((action.ticket.name, finish(action))) }
            }
            await ingest.completed(done)
            await permits.release(done.count)
        }
    }

    /// Performs the action; returns the identity to park the file under, if any.
    private func finish(_ action: FileAction) -> FileIdentity? {
        switch action {
        case .processed(let ticket):
            do {
                if try inbox.move(ticket.name, expecting: ticket.identity, to: inbox.processed) == nil {
                    logger.debug("\(ticket.name) changed or vanished after it was read; it will be read again if present")
                }
            } catch {
                logger.error("\(error)")
            }
            return nil
        case .reject(let ticket, let reason, let path, let documentID):
            do {
                if let final = try inbox.reject(ticket, reason: reason, jsonPath: path, documentID: documentID, at: Date()) {
                    logger.info("\(ticket.name) rejected\(final == ticket.name ? "" : " as \(final)"): \(path): \(reason)")
                }
            } catch {
                logger.error("\(ticket.name) could not be moved to rejected/: \(error)")
            }
            return nil
        case .park(let ticket):
            return ticket.identity
        case .leave:
            return nil
        }
    }
}
