import DocmergeConcurrency
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
    private let faults: FaultInjection

    public init(inbox: Inbox, logger: Logger, faults: FaultInjection = .none) {
        self.inbox = inbox
        self.logger = logger
        self.faults = faults
    }

    public func run(input: WorkQueue<[FileAction]>, ingest: IngestStage, budget: InFlightBudget) async {
        while let batches = await input.next(max: 8) {
            holdMovesForFaultDrill()
            var done: [(name: String, keep: FileIdentity?)] = []
            var bytes: Int64 = 0
            var large = false
            for actions in batches {
                for action in actions {
                    done.append((action.ticket.name, finish(action)))
                    bytes += Int64(action.ticket.cost)
                    large = large || action.ticket.cost >= MemoryTuning.trimAfter
                }
            }
            if large { MemoryTuning.trim() }
            await ingest.completed(done)
            budget.release(documents: done.count, bytes: bytes)
        }
    }

    /// Fault injection (the seam): hold every move until a path exists, so a test can
    /// change a file between its commit and its move.
    private func holdMovesForFaultDrill() {
        guard let holdUntil = faults.holdMovesUntil else { return }
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: holdUntil) && Date() < deadline { usleep(10_000) }
    }

    /// A merged file that is still the same file (same inode) but changed after it was
    /// read, e.g. truncated in place: what was read is merged, so it goes to processed/
    /// and the log says so, rather than being read again and refused as broken JSON.
    /// Another file under the name (a re-drop, a new inode) is left to be read.
    private func finishChangedInPlace(_ ticket: FileTicket) throws {
        guard let now = inbox.identity(of: ticket.name), now.device == ticket.identity.device,
              now.inode == ticket.identity.inode else {
            logger.debug("\(ticket.name) was replaced or vanished after it was read; it will be read again if present")
            return
        }
        let final = try inbox.move(ticket.name, expecting: now, to: inbox.processed)
        logger.info("\(ticket.name) merged as read; the file on disk changed after it was read (\(ticket.identity.size) bytes then, \(now.size) now) and was moved to processed/\(final.map { $0 == ticket.name ? "" : " as \($0)" } ?? "") as it is now")
    }

    /// Performs the action; returns the identity to park the file under, if any.
    private func finish(_ action: FileAction) -> FileIdentity? {
        switch action {
        case .processed(let ticket):
            do {
                if try inbox.move(ticket.name, expecting: ticket.identity, to: inbox.processed) == nil {
                    try finishChangedInPlace(ticket)
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
                // Parked, not retried at once: a failure that repeats must not become a loop.
                logger.error("\(ticket.name) could not be moved to rejected/ (tried again in a while): \(error)")
                return ticket.identity
            }
            return nil
        case .park(let ticket):
            return ticket.identity
        case .leave:
            return nil
        }
    }
}
