import DocmergeCore
import DocmergeModel
import DocmergeNotify
import Foundation

/// The wired pipeline: every stream and queue is made here, each with one consumer.
struct Stages: Sendable {
    let options: Runner.Options
    let inbox: Inbox
    let store: StoreStage
    let metrics: MetricsCollector
    let audit: AuditFollower
    let stop = StopFlag()
    let budget: InFlightBudget
    let ingestSignals: IngestSignals
    let ingest: IngestStage
    let shutdown: ShutdownController
    let watcher: InotifyWatcher?

    init(options: Runner.Options, inbox: Inbox, store: StoreStage, metrics: MetricsCollector) {
        let settings = options.config.pipeline
        self.options = options
        self.inbox = inbox
        self.store = store
        self.metrics = metrics
        audit = AuditFollower(dbPath: options.dbPath, logger: options.logger)
        budget = InFlightBudget(maxDocuments: settings.maxInFlight, maxBytes: Int64(settings.maxInFlightBytes))
        ingestSignals = IngestSignals(capacity: 1024)
        ingest = IngestStage(inbox: inbox, budget: budget, stop: stop, clock: options.clock, settleMs: settings.settleMs,
                             parkSeconds: settings.parkSeconds, rescanSeconds: settings.rescanSeconds,
                             maxFileBytes: settings.maxFileBytes, logger: options.logger)
        shutdown = ShutdownController(deadlineSeconds: settings.shutdownDeadlineSeconds)
        watcher = options.once ? nil : try? InotifyWatcher(directory: inbox.root)
    }

    func requestStop() {
        stop.set()
        ingestSignals.send(.stop)
        watcher?.stop()
    }

    /// Runs until the inbox is done (`--once`), a signal, or a fatal store error.
    func run(signals: AsyncStream<Int32>) async -> String? {
        let settings = options.config.pipeline
        let logger = options.logger
        if !options.once && watcher == nil { logger.error("inotify is unavailable; falling back to rescans every \(settings.rescanSeconds) s") }
        let ingestSignals = self.ingestSignals
        watcher?.start { name in ingestSignals.send(name.map(IngestSignals.Signal.name) ?? .rescan) }
        return await withTaskGroup(of: RunnerChild.self) { group -> String? in
            group.addTask {
                for await number in signals {
                    if shutdown.signalled(at: options.clock.uptimeNanos()) {
                        logger.info("signal \(number): finishing in-flight documents, taking no new files (at most \(Int(settings.shutdownDeadlineSeconds)) s; a second signal stops at once)")
                        requestStop()
                    } else {
                        logger.info("signal \(number) again: stopping now; unfinished files stay in the inbox")
                    }
                }
                return .signals
            }
            group.addTask { await ticker(); return .ticker }
            group.addTask { await audit.run(); return .audit }
            group.addTask { await metrics.run(); return .metrics }
            // Notifications follow the committed audit rows on their own thread; ends when cancelled.
            group.addTask { await Notifier.serve(dbPath: options.dbPath, config: options.config, log: { logger.error($0) }); return .notify }
            let fatal = await runStages()
            watcher?.stop()
            audit.finish()
            metrics.finish()
            ingestSignals.finish()
            shutdown.finish()
            // The audit follower and metrics end once drained; the ticker and the signal
            // watch run until cancelled.
            var ended = 0
            while ended < 2, let child = await group.next() { if child == .audit || child == .metrics { ended += 1 } }
            group.cancelAll()
            return fatal
        }
    }
}
