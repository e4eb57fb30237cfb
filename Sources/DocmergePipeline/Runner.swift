import DocmergeCore
import DocmergeModel
import DocmergeNotify
import Foundation

/// `docmerge run`: wires the stages with their queues in one task group.
///
///     inbox ─► IngestStage ─► [tickets] ─► DecodeStage × N ─► [ordered] ─► StoreWriter
///                                                                          │ commit
///                                                       FileFinisher ◄─────┤ (moves files)
///                                                       AuditFollower ◄────┤ (audit.jsonl)
///                                                       MetricsCollector ◄─┘ (metrics.*)
///
/// Arrival order is kept end to end (the ordered queue undoes the decoders' parallelism)
/// and there is one writer, so each patient's documents apply one at a time in arrival
/// order while decoding runs in parallel.
public struct Runner: Sendable {
    public struct Options: Sendable {
        public var watch: String
        public var dbPath: String
        public var config: Config
        public var once: Bool
        public var logger: Logger
        public var progress: Bool
        public init(watch: String, dbPath: String, config: Config, once: Bool, logger: Logger, progress: Bool = true) {
            self.watch = watch
            self.dbPath = dbPath
            self.config = config
            self.once = once
            self.logger = logger
            self.progress = progress
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public let exitCode: Int32
    }

    public let options: Options
    public init(options: Options) { self.options = options }

    public func run() async throws -> RunSummary {
        let settings = options.config.pipeline
        let logger = options.logger
        let inbox: Inbox
        do { inbox = try Inbox(root: options.watch) } catch {
            throw Failure(description: "\(error)", exitCode: 1)
        }
        let lock: RunnerLock
        do { lock = try RunnerLock(paths: [options.dbPath + ".lock", inbox.root + "/.docmerge.lock"]) } catch {
            throw Failure(description: "\(error)", exitCode: 4)
        }
        defer { lock.release() }
        let metrics = MetricsCollector(dbPath: options.dbPath, overdueDays: settings.overdueDays)
        let writer: StoreWriter
        do {
            writer = try StoreWriter(dbPath: options.dbPath, settings: settings, logger: logger, metrics: metrics)
        } catch {
            throw Failure(description: "Cannot open the database \(options.dbPath): \(error).", exitCode: 1)
        }
        // The first line once the database is open: what every document is judged with.
        logger.error(options.config.effectiveSummary)
        for note in writer.migrationNotes { logger.error(note) }
        let audit = AuditFollower(dbPath: options.dbPath, logger: logger)
        let stop = StopFlag()
        let (ingestSignals, ingestControl) = AsyncStream.makeStream(of: IngestStage.Signal.self)
        let tickets = WorkQueue<FileTicket>()
        let decoded = OrderedQueue<DecodedItem>()
        let finished = WorkQueue<[FileAction]>()
        let finisher = FileFinisher(inbox: inbox, logger: logger)
        let permits = AsyncSemaphore(permits: max(1, settings.maxInFlight))
        let ingest = IngestStage(inbox: inbox, output: tickets, permits: permits, stop: stop, settleMs: settings.settleMs,
                                 parkSeconds: settings.parkSeconds, rescanSeconds: settings.rescanSeconds)
        let decode = DecodeStage(inbox: inbox,
                                 decoder: ExtractionDecoder(maxBytes: settings.maxFileBytes, maxDepth: settings.maxDepth),
                                 thresholds: options.config.judgement)
        let workers = settings.decodeWorkers > 0 ? settings.decodeWorkers : max(1, ProcessInfo.processInfo.activeProcessorCount)
        let watcher: InotifyWatcher? = options.once ? nil : try? InotifyWatcher(directory: inbox.root)
        if !options.once && watcher == nil { logger.error("inotify is unavailable; falling back to rescans every \(settings.rescanSeconds) s") }
        watcher?.start { name in ingestControl.yield(name.map(IngestStage.Signal.name) ?? .rescan) }
        let signalWatcher = SignalWatcher()
        let signalStream = signalWatcher.signals
        defer { withExtendedLifetime(signalWatcher) {} }
        let requestStop: @Sendable () -> Void = {
            stop.set()
            ingestControl.yield(.stop)
            watcher?.stop()
        }
        if !options.once { logger.info("watching \(inbox.root) (database \(options.dbPath)); Ctrl-C or SIGTERM stops after in-flight work") }

        let fatal = await withTaskGroup(of: String?.self) { group -> String? in
            group.addTask {
                for await number in signalStream {
                    logger.info("signal \(number): finishing in-flight documents, taking no new files")
                    requestStop()
                }
                return nil
            }
            group.addTask {
                var lastMetrics = Date()
                var lastProgress = Date()
                var lastFiles = 0
                var lastRescan = Date()
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: UInt64(min(settings.rescanSeconds, 1.0) * 1e9))
                    if Task.isCancelled { break }
                    if Date().timeIntervalSince(lastRescan) >= settings.rescanSeconds {
                        lastRescan = Date()
                        ingestControl.yield(.rescan)
                    }
                    if Date().timeIntervalSince(lastMetrics) >= settings.metricsIntervalSeconds {
                        lastMetrics = Date()
                        if let problem = await metrics.dump() { logger.error(problem) }
                    }
                    if options.progress, Date().timeIntervalSince(lastProgress) >= 5 {
                        lastProgress = Date()
                        let s = await writer.summary
                        let inFlight = await ingest.inFlightCount
                        // Only while there is work: an idle runner stays quiet.
                        if s.files != lastFiles || inFlight > 0 {
                            lastFiles = s.files
                            logger.info("progress: \(s.files) files done (\(s.merged) merged, \(s.rejected) rejected, \(s.failed) failed), \(inFlight) in flight")
                        }
                    }
                }
                return nil
            }
            group.addTask { await audit.run(); return nil }
            group.addTask { await metrics.run(); return nil }
            // Notifications follow the committed audit rows on their own thread; ends when cancelled.
            group.addTask { await Notifier.serve(dbPath: options.dbPath, config: options.config, log: { logger.error($0) }); return nil }

            let fatal = await withTaskGroup(of: String?.self) { stages -> String? in
                stages.addTask { await ingest.run(signals: ingestSignals, once: options.once); return nil }
                stages.addTask {
                    await withTaskGroup(of: Void.self) { pool in
                        for _ in 0..<workers { pool.addTask { await decode.work(input: tickets, output: decoded) } }
                    }
                    await decoded.finish()
                    return nil
                }
                stages.addTask {
                    let fatal = await writer.run(input: decoded, output: finished, onCommit: { audit.poke() },
                                                 onFatal: { message in logger.error(message); requestStop() })
                    await finished.finish()
                    return fatal
                }
                stages.addTask { await finisher.run(input: finished, ingest: ingest, permits: permits); return nil }
                var fatal: String?
                for await result in stages { if let result { fatal = result } }
                return fatal
            }
            watcher?.stop()
            audit.finish()
            metrics.finish()
            // The audit follower and metrics end once drained (their streams finished); the
            // timer and the signal watch run until cancelled, so wait for exactly two.
            _ = await group.next()
            _ = await group.next()
            group.cancelAll()
            return fatal
        }
        ingestControl.finish()
        if let problem = await metrics.dump() { logger.error(problem) }
        await audit.catchUp()
        let summary = await writer.summary
        if let fatal { throw Failure(description: fatal, exitCode: 1) }
        return summary
    }
}
