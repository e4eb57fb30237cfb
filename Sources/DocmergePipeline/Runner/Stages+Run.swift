import DocmergeCore
import DocmergeModel
import Foundation

extension Stages {
    /// The stages, connected, plus the abort watch; returns the store's fatal problem.
    func runStages() async -> String? {
        let settings = options.config.pipeline
        let logger = options.logger
        let tickets = WorkQueue<FileTicket>()
        let (routed, routedIn) = AsyncStream.makeStream(of: RouterEvent.self)
        let storeQueue = WorkQueue<StoreItem>()
        let finished = WorkQueue<[FileAction]>()
        let workers = settings.decodeWorkers > 0 ? settings.decodeWorkers : max(1, ProcessInfo.processInfo.activeProcessorCount)
        let classifier = Classifier(inbox: inbox,
                                    decoder: ExtractionDecoder(maxBytes: settings.maxFileBytes, maxDepth: settings.maxDepth),
                                    thresholds: options.config.judgement)
        let classify = ClassifyStage(width: workers, classifier: classifier, budget: budget)
        let reader = StoreReader(dbPath: options.dbPath)
        let sampleRate = settings.sampleRate
        let router = PatientRouter(maxLive: settings.maxLivePatients) { mrn in
            PatientMerge(mrn: mrn, reader: reader, sampleRate: sampleRate)
        }
        let finisher = FileFinisher(inbox: inbox, logger: logger, faults: options.faults)
        let audit = self.audit
        let shutdown = self.shutdown
        return await withTaskGroup(of: RunnerChild.self) { group -> String? in
            group.addTask { await ingest.run(signals: ingestSignals, output: tickets, once: options.once); return .ingest }
            group.addTask { await classify.run(input: tickets, output: routedIn); return .classify }
            group.addTask { await router.run(input: routed, settlements: routedIn, output: storeQueue); return .router }
            group.addTask {
                let fatal = await store.run(input: storeQueue, output: finished, onCommit: { audit.poke() },
                                            onFatal: { message in logger.error(message); requestStop() })
                return .store(fatal: fatal)
            }
            group.addTask { await finisher.run(input: finished, ingest: ingest, budget: budget); return .finisher }
            group.addTask {
                for await _ in shutdown.aborts { return .abort }
                return .abort
            }
            var fatal: String?
            var stagesLeft = 5
            while stagesLeft > 0, let child = await group.next() {
                switch child {
                case .store(let problem): fatal = problem
                case .abort:
                    if !Task.isCancelled && stagesLeft > 0 {
                        logger.info("stopping now: cancelling in-flight work; unfinished files stay in the inbox")
                        group.cancelAll()
                    }
                default: break
                }
                if child.isStage { stagesLeft -= 1 }
            }
            group.cancelAll()
            let summary = await store.summary
            let written = await store.statementsRun, read = await reader.statementsRun
            let busyMs = await store.busyNanos / 1_000_000, checkpoints = await store.backgroundCheckpoints
            logger.debug("cost: \(written) statements written and \(read) read for \(summary.files) files; the store was busy committing for \(busyMs) ms; \(checkpoints.runs) background checkpoints (\(checkpoints.failed) failed)")
            return fatal
        }
    }

    /// Clock-driven housekeeping: settle re-checks, rescans, metrics dumps, progress, the
    /// shutdown deadline.
    func ticker() async {
        let settings = options.config.pipeline
        let clock = options.clock
        let second: UInt64 = 1_000_000_000
        let rescanEvery = UInt64(max(0.05, settings.rescanSeconds) * 1e9)
        let metricsEvery = UInt64(max(0.1, settings.metricsIntervalSeconds) * 1e9)
        var lastRescan = clock.uptimeNanos()
        var lastMetrics = lastRescan
        var lastProgress = lastRescan
        var lastFiles = 0
        while !Task.isCancelled {
            do { try await clock.sleep(nanoseconds: 50_000_000) } catch { return }
            let now = clock.uptimeNanos()
            shutdown.check(at: now)
            ingestSignals.send(.tick)
            if now - lastRescan >= rescanEvery {
                lastRescan = now
                ingestSignals.send(.rescan)
            }
            if now - lastMetrics >= metricsEvery {
                lastMetrics = now
                // Not awaited: a dump that reads a large database must not hold up the
                // ticks, rescans and the shutdown deadline.
                metrics.requestDump()
            }
            if options.progress, now - lastProgress >= 5 * second {
                lastProgress = now
                let s = await store.summary
                let inFlight = budget.inUse.documents
                // Only while there is work: an idle runner stays quiet.
                if s.files != lastFiles || inFlight > 0 {
                    lastFiles = s.files
                    options.logger.info("progress: \(s.files) files done (\(s.merged) merged, \(s.rejected) rejected, \(s.failed) failed), \(inFlight) in flight")
                }
            }
        }
    }
}
