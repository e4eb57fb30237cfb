import DocmergeConcurrency
import DocmergeCore
import DocmergeModel
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The store: one actor on its own serial executor, the only writer. Group commit:
/// whatever the patient actors submitted while the previous transaction committed goes
/// into the next one, so a lone document is never held back and a burst shares one
/// fsync. The transaction writes what the actors planned, checking per patient the
/// versions each plan was made against; a command whose check fails is answered
/// `.replan` (and so is every later command of that patient built on it: its epoch is
/// poisoned until the actor plans again). Files move (in the FileFinisher) only after
/// their transaction committed.
public actor StoreStage {
    private let executor = SerialQueueExecutor(label: "docmerge.store")
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private var store: RecordStore
    private let dbPath: String
    private let settings: Config.Pipeline
    private let faults: FaultInjection
    let logger: Logger
    let metrics: MetricsCollector
    let clock: any PipelineClock
    public internal(set) var summary = RunSummary()
    /// What the migrations this open applied said they did (the runner logs them).
    public nonisolated let migrationNotes: [String]
    private var commits = 0
    /// Time spent in group commits (writing and syncing), for the verbose cost line.
    public private(set) var busyNanos: UInt64 = 0
    private var fatal: String?
    /// Per patient: the latest epoch a failure invalidated.
    private var poisoned: [String: Int] = [:]
    /// First submissions enter transactions in arrival order across patients too (as with
    /// one writer): a file's first request waits here until every earlier file's has come.
    /// A replanned request (its ticket already passed) goes straight on.
    private var arrivals = ReorderBuffer<StoreItem>()

    static func open(_ path: String, _ settings: Config.Pipeline, _ faults: FaultInjection) throws -> RecordStore {
        let store = try RecordStore(path: path, busyTimeoutMs: settings.busyTimeoutMs)
        if let pages = faults.maxDbPages, pages > 0 { try store.limitPages(pages) }
        try store.limitJournal(bytes: 64 * 1024 * 1024)
        try store.keepJournalsInMemory()
        // Copying the log into the database (and syncing that) happens on the checkpointer's
        // thread: landed→committed p99 at 1,000 documents/s fell from 105–142 ms to 20–90 ms
        // (Stress/results/pipeline-issue10.md). The commits checkpoint themselves only at the
        // backstop, or throughout if the checkpointer's connection could not be opened.
        store.checkpointInBackground()
        return store
    }

    public init(dbPath: String, settings: Config.Pipeline, logger: Logger, metrics: MetricsCollector,
                clock: any PipelineClock = SystemClock(), faults: FaultInjection = .none) throws {
        self.store = try StoreStage.open(dbPath, settings, faults)
        self.migrationNotes = store.migrationNotes
        if !store.checkpointsInBackground {
            logger.error("the checkpointer's connection could not be opened; commits copy the log into the database themselves (slower, nothing lost)")
        }
        self.dbPath = dbPath
        self.settings = settings
        self.faults = faults
        self.logger = logger
        self.metrics = metrics
        self.clock = clock
    }

    public var statementsRun: Int { store.statementsRun }
    public var backgroundCheckpoints: (runs: Int, failed: Int) { store.backgroundCheckpoints }

    /// Until the input finishes. After a fatal store error (or once cancelled) it stops
    /// writing, leaves the remaining files in the inbox, and keeps draining so the
    /// pipeline can stop. Every request is answered, so every patient actor can finish.
    public func run(input: WorkQueue<StoreItem>, output: WorkQueue<[FileAction]>,
                    onCommit: @Sendable () -> Void, onFatal: @Sendable (String) -> Void) async -> String? {
        var ended = false
        while !ended {
            var batch: [StoreItem] = []
            if let taken = await input.next(max: max(1, settings.batchMax)) {
                for item in taken {
                    if item.seq < arrivals.nextSeq { batch.append(item) } else { batch += arrivals.insert(seq: item.seq, item) }
                }
            } else {
                ended = true
                batch = arrivals.drain()
            }
            if batch.isEmpty { continue }
            let wasFatal = fatal != nil
            var actions: [FileAction] = []
            var requests: [StoreRequest] = []
            for item in batch {
                switch item {
                case .passthrough(let action):
                    if case .reject = action { countRejected() }
                    actions.append(action)
                case .request(let request):
                    if fatal != nil || Task.isCancelled {
                        actions.append(.leave(request.ticket))
                        request.reply.yield(.settled(seq: request.ticket.seq, epoch: request.epoch, ok: false))
                    } else if let failed = poisoned[request.work.mrn], request.epoch <= failed {
                        request.reply.yield(.replan(seq: request.ticket.seq, epoch: request.epoch))
                    } else {
                        poisoned[request.work.mrn] = nil
                        requests.append(request)
                    }
                }
            }
            // Arrival order across patients too, as far as the batch goes (each patient's
            // requests are already in order; sorting by ticket keeps that).
            requests.sort { $0.ticket.seq < $1.ticket.seq }
            if !requests.isEmpty {
                let started = clock.uptimeNanos()
                actions += await commit(requests)
                busyNanos += clock.uptimeNanos() &- started
            }
            await output.push(actions)
            onCommit()
            if !wasFatal, let fatal { onFatal(fatal) }
        }
        await output.finish()
        return fatal
    }

    /// One group commit and what becomes of each request.
    private func commit(_ requests: [StoreRequest]) async -> [FileAction] {
        await faults.beforeCommit?(commits + 1)
        // Cancelled (the shutdown deadline passed): write nothing more; the files stay.
        guard !Task.isCancelled, let results = await writeWithRetry(requests.map(\.work)) else {
            for request in requests { request.reply.yield(.settled(seq: request.ticket.seq, epoch: request.epoch, ok: false)) }
            return requests.map { .leave($0.ticket) }
        }
        commits += 1
        if let kill = faults.killAfterCommit, commits == kill { Glibc.kill(getpid(), SIGKILL) }
        let committedAt = clock.uptimeNanos()
        var actions: [FileAction] = []
        var recordingBlocked = false
        for (request, result) in zip(requests, results) {
            let seq = request.ticket.seq
            switch result {
            case .success(.refused(let error)):
                countRejected()
                actions.append(.reject(request.ticket, reason: error.message, path: error.path,
                                       documentID: request.document.extraction.documentID))
                request.reply.yield(.settled(seq: seq, epoch: request.epoch, ok: true))
            case .success(let outcome):
                describe(outcome, document: request.document, landedMs: Double(committedAt - request.ticket.seenUptimeNanos) / 1e6)
                actions.append(.processed(request.ticket))
                request.reply.yield(.settled(seq: seq, epoch: request.epoch, ok: true))
            case .failure(let error) where StoreFailure.kind(of: error) == .replan:
                poisoned[request.work.mrn] = max(poisoned[request.work.mrn] ?? request.epoch, request.epoch)
                request.reply.yield(.replan(seq: request.ticket.seq, epoch: request.epoch))
            case .failure(let error):
                poisoned[request.work.mrn] = max(poisoned[request.work.mrn] ?? request.epoch, request.epoch)
                recordingBlocked = recordFailure(request, error, skip: recordingBlocked)
                actions.append(.park(request.ticket))
                request.reply.yield(.settled(seq: seq, epoch: request.epoch, ok: false))
            }
        }
        return actions
    }

    /// Group commit with bounded backoff on retryable errors. nil: fatal, nothing written.
    /// If the batch still fails (full disk, I/O), each document is tried once on its own,
    /// so one large document cannot hold back the others; not when the database is busy,
    /// where that would cost every document the busy timeout again.
    private func writeWithRetry(_ work: [MergeWork]) async -> [Result<MergeOutcome, any Error>]? {
        var delay = UInt64(max(1, settings.retryBaseMs)) * 1_000_000
        var lastError: any Error = DocmergeError(.failure, "merge failed")
        for attempt in 0..<max(1, settings.retryAttempts) {
            do {
                return try store.write(work, sampleRate: settings.sampleRate)
            } catch {
                lastError = error
                if StoreFailure.kind(of: error) == .fatal {
                    fatal = "The database is corrupt (\(StoreFailure.describe(error))); stopping. Restore the latest backup (see Runbook.md)."
                    return nil
                }
                if StoreFailure.kind(of: error) != .retryable { break }
                if StoreFailure.wantsReopen(error), let reopened = try? StoreStage.open(dbPath, settings, faults) { store = reopened }
                logger.debug("merge attempt \(attempt + 1) failed: \(StoreFailure.describe(error)); retrying in \(delay / 1_000_000) ms")
                if attempt + 1 < settings.retryAttempts {
                    do { try await clock.sleep(nanoseconds: delay) } catch { return nil }
                }
                delay = min(delay * 2, 2_000_000_000)
            }
        }
        if work.count > 1 && !StoreFailure.isBusy(lastError) {
            return store.writeEachAlone(work, sampleRate: settings.sampleRate)
        }
        return work.map { _ in .failure(lastError) }
    }

    /// Flags a document whose merge failed. Returns true when recording is blocked (the
    /// database is busy), so the rest of the batch does not each wait the busy timeout.
    private func recordFailure(_ request: StoreRequest, _ error: any Error, skip: Bool) -> Bool {
        let document = request.document
        let id = document.extraction.documentID
        let mrn = document.extraction.mrn
        let reason = StoreFailure.describe(error)
        summary.failed += 1
        metrics.record(.failed)
        if skip {
            logger.error("\(id) \(mrn) merge failed: \(reason); the file stays in the inbox")
            return true
        }
        do {
            try store.recordFailure(document, error: reason)
            logger.error("\(id) \(mrn) flagged: merge failed: \(reason); the file stays in the inbox")
            return false
        } catch {
            logger.error("\(id) \(mrn) merge failed: \(reason); the failure could not be recorded either (\(StoreFailure.describe(error))); the file stays in the inbox")
            return StoreFailure.isBusy(error)
        }
    }
}
