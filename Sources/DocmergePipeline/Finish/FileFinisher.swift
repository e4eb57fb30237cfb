import DocmergeModel
import Foundation

/// Moves files after their batch committed, on its own queue, so the store goes on to
/// the next transaction meanwhile. Tells the ingest stage each file is done (only then
/// can a file of that name be offered again) and returns the in-flight permits.
public actor FileFinisher {
    private let executor = SerialQueueExecutor(label: "docmerge.files")
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private let inbox: Inbox
    private let logger: Logger

    public init(inbox: Inbox, logger: Logger) {
        self.inbox = inbox
        self.logger = logger
    }

    public func run(input: WorkQueue<[FileAction]>, ingest: IngestStage, budget: InFlightBudget) async {
        while let batches = await input.next(max: 8) {
            var done: [(name: String, keep: FileIdentity?)] = []
            var bytes: Int64 = 0
            for actions in batches {
                for action in actions {
                    done.append((action.ticket.name, finish(action)))
                    bytes += action.ticket.identity.size
                }
            }
            await ingest.completed(done)
            budget.release(documents: done.count, bytes: bytes)
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
