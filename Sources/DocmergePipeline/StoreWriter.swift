import DocmergeCore
import DocmergeModel
import DocmergeSQLite
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The single writer. Takes decoded documents in arrival order and merges them with
/// group commit: whatever has arrived while the previous transaction committed goes
/// into the next one, so a lone document is never held back and a burst shares one
/// fsync. Files move (in the FileFinisher) only after their transaction committed. Runs on its own queue,
/// so blocking SQLite calls never tie up the cooperative pool.
public actor StoreWriter {
    private let executor = QueueExecutor(queue: DispatchQueue(label: "docmerge.writer"))
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private var store: RecordStore
    private let dbPath: String
    /// Test hook for the power-cut drill: SIGKILL itself right after the Nth commit,
    /// before any file moves (DOCMERGE_FAULT_KILL_AFTER_COMMIT=N).
    private let killAfterCommit = ProcessInfo.processInfo.environment["DOCMERGE_FAULT_KILL_AFTER_COMMIT"].flatMap { Int($0) }
    private var commits = 0
    private let settings: Config.Pipeline
    private let logger: Logger
    private let metrics: MetricsCollector
    public private(set) var summary = RunSummary()
    /// What the migrations this open applied said they did (the runner logs them).
    public nonisolated let migrationNotes: [String]
    private var fatal: String?

    static func open(_ path: String, _ settings: Config.Pipeline) throws -> RecordStore {
        let store = try RecordStore(path: path, busyTimeoutMs: settings.busyTimeoutMs)
        if settings.maxDbPages > 0 { try store.db.setMaxPageCount(settings.maxDbPages) }
        // A burst can grow the log past the checkpoint size; give the disk back afterwards.
        try store.db.execute("PRAGMA journal_size_limit = 67108864")
        return store
    }

    public init(dbPath: String, settings: Config.Pipeline, logger: Logger, metrics: MetricsCollector) throws {
        self.store = try StoreWriter.open(dbPath, settings)
        self.migrationNotes = store.migrationNotes
        self.dbPath = dbPath
        self.settings = settings
        self.logger = logger
        self.metrics = metrics
    }

    /// Until the input finishes. After a fatal store error it stops merging, leaves the
    /// remaining files in the inbox, and keeps draining so the pipeline can stop.
    public func run(input: OrderedQueue<DecodedItem>, output: WorkQueue<[FileAction]>,
                    onCommit: @Sendable () -> Void, onFatal: @Sendable (String) -> Void) async -> String? {
        var idleSince = DispatchTime.now().uptimeNanoseconds
        while let batch = await input.next(max: max(1, settings.batchMax)) {
            let wasFatal = fatal != nil
            let started = DispatchTime.now().uptimeNanoseconds
            let actions = fatal == nil ? process(batch) : batch.map { FileAction.leave($0.ticket) }
            let finished = DispatchTime.now().uptimeNanoseconds
            logger.debug(String(format: "batch of %d: waited %.1f ms, processed in %.1f ms", batch.count,
                                Double(started - idleSince) / 1e6, Double(finished - started) / 1e6))
            await output.push(actions)
            onCommit()
            if !wasFatal, let fatal { onFatal(fatal) }
            idleSince = DispatchTime.now().uptimeNanoseconds
        }
        return fatal
    }

    /// Merges the batch's documents in one transaction and says what becomes of each file.
    private func process(_ batch: [DecodedItem]) -> [FileAction] {
        var done: [FileAction] = []
        var documents: [(FileTicket, PreparedDocument)] = []
        for item in batch {
            switch item {
            case .prepared(let ticket, let document): documents.append((ticket, document))
            case .vanished(let ticket):
                logger.debug("\(ticket.name): vanished before it was read; nothing to do")
                done.append(.leave(ticket))
            case .refused(let ticket, let reason, let path, let documentID):
                done.append(reject(ticket, reason: reason, path: path, documentID: documentID))
            }
        }
        guard !documents.isEmpty else { return done }
        let mergeStart = DispatchTime.now().uptimeNanoseconds
        let results = mergeWithRetry(documents.map(\.1))
        logger.debug(String(format: "  merge of %d documents: %.1f ms", documents.count, Double(DispatchTime.now().uptimeNanoseconds - mergeStart) / 1e6))
        if fatal != nil {
            // Nothing of this batch committed: the files stay in the inbox for the next start.
            return done + documents.map { FileAction.leave($0.0) }
        }
        commits += 1
        if let killAfterCommit, commits == killAfterCommit { kill(getpid(), SIGKILL) }
        let committedAt = DispatchTime.now().uptimeNanoseconds
        for ((ticket, document), result) in zip(documents, results) {
            let id = document.extraction.documentID
            switch result {
            case .success(.refused(let error)):
                done.append(reject(ticket, reason: error.message, path: error.path, documentID: id))
            case .success(let outcome):
                let landed = Double(committedAt - ticket.seenUptimeNanos) / 1e6
                describe(outcome, document: document, landedMs: landed)
                done.append(.processed(ticket))
            case .failure(let error):
                let reason = Self.describe(error)
                summary.failed += 1
                metrics.record(.failed)
                do {
                    try store.recordFailure(document, error: reason)
                    logger.error("\(id) \(document.extraction.mrn) flagged: merge failed: \(reason); the file stays in the inbox")
                } catch {
                    logger.error("\(id) \(document.extraction.mrn) merge failed: \(reason); the failure could not be recorded either (\(Self.describe(error))); the file stays in the inbox")
                }
                done.append(.park(ticket))
            }
        }
        return done
    }

    private func describe(_ outcome: MergeOutcome, document: PreparedDocument, landedMs: Double) {
        let x = document.extraction
        switch outcome {
        case .merged(let r):
            summary.merged += 1
            summary.statuses[r.status, default: 0] += 1
            for finding in r.findings { summary.reasons[finding.code, default: 0] += 1 }
            summary.mergeLatency.record(r.mergeMs)
            summary.landedToCommitted.record(landedMs)
            summary.availability.record(r.availabilityMs)
            metrics.record(.merged(status: r.status, mergeMs: r.mergeMs, landedToCommittedMs: landedMs, availabilityMs: r.availabilityMs))
            let reasons = r.findings.isEmpty ? "" : " (\(r.findings.map(\.code.label).joined(separator: ", ")))"
            logger.info("\(x.documentID) \(x.mrn) \(r.status.rawValue)\(reasons) +\(r.inserted) ~\(r.updated) -\(r.deleted) merge \(String(format: "%.2f", r.mergeMs)) ms")
        case .unchanged(_, let status):
            summary.unchanged += 1
            metrics.record(.unchanged)
            logger.info("\(x.documentID) \(x.mrn) unchanged (a replay of an extraction already seen; status \(status.rawValue))")
        case .stale:
            summary.stale += 1
            metrics.record(.stale)
            logger.info("\(x.documentID) \(x.mrn) not applied: an older extraction than the one in the record (audited)")
        case .conflict(_, let status):
            summary.conflicts += 1
            metrics.record(.conflict)
            logger.info("\(x.documentID) \(x.mrn) conflict: a person's decision (\(status.rawValue)) stands; the new extraction is listed by `review list --conflicts`")
        case .refused:
            break
        }
    }

    private func reject(_ ticket: FileTicket, reason: String, path: String, documentID: String?) -> FileAction {
        summary.rejected += 1
        metrics.record(.rejected)
        return .reject(ticket, reason: reason, path: path, documentID: documentID)
    }

    /// Group commit with bounded backoff on retryable errors. If the whole batch keeps
    /// failing, each document is tried once on its own, so one bad document cannot
    /// hold back the others. A corrupt database is fatal.
    private func mergeWithRetry(_ documents: [PreparedDocument]) -> [Result<MergeOutcome, any Error>] {
        var delay = Double(settings.retryBaseMs) / 1000
        var lastError: (any Error)?
        for attempt in 0..<max(1, settings.retryAttempts) {
            do {
                return try store.mergeBatch(documents, sampleRate: settings.sampleRate)
            } catch let error as SQLiteError where error.isCorrupt {
                fatal = "The database is corrupt (\(error.message)); stopping. Restore the latest backup (see Runbook.md)."
                return documents.map { _ in .failure(error) }
            } catch {
                lastError = error
                if let sqlite = error as? SQLiteError, sqlite.isReadOnly || sqlite.isIOError {
                    // The file may have become writable again (or been replaced): reopen.
                    if let reopened = try? StoreWriter.open(dbPath, settings) { store = reopened }
                }
                logger.debug("merge attempt \(attempt + 1) failed: \(Self.describe(error)); retrying in \(Int(delay * 1000)) ms")
                Thread.sleep(forTimeInterval: delay)
                delay = min(delay * 2, 2)
            }
        }
        guard documents.count > 1 else { return [.failure(lastError ?? DocmergeError(.failure, "merge failed"))] }
        return documents.map { document in Result { try store.merge(document, sampleRate: settings.sampleRate) } }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? SQLiteError {
            if error.isDiskFull { return "the disk or database is full (\(error.message))" }
            if error.isReadOnly { return "the database is read-only (\(error.message))" }
            if error.isBusy { return "the database is locked by another process (\(error.message))" }
            if error.isIOError { return "an I/O error (\(error.message))" }
            return error.message
        }
        return "\(error)"
    }
}
