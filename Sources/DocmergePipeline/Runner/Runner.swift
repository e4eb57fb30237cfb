import DocmergeCore
import DocmergeModel
import Foundation

/// `docmerge run`: creates every stream and queue, and runs the stages in one task group.
///
///     inbox ─► Ingest ─tickets─► Classify × N ─(arrival order restored)─► PatientRouter
///        ─per-patient stream─► PatientMerge(mrn) ─store queue─► Store (group commit) ─► FileFinisher
///                 ▲                                  │ replies        │ ├─► AuditFollower (audit.jsonl)
///                 └──────────────────────────────────┘                │ └─► MetricsCollector
///     FileFinisher ─► Ingest (file done) and the in-flight budget (documents, bytes)
///
/// Every edge is bounded by the in-flight budget: ingest takes a permit (one document,
/// its bytes) before a file enters, the finisher returns it once the file has moved.
public struct Runner: Sendable {
    public struct Options: Sendable {
        public var watch: String
        public var dbPath: String
        public var config: Config
        public var once: Bool
        public var logger: Logger
        public var progress: Bool
        public var clock: any PipelineClock
        public var faults: FaultInjection
        /// Signals to obey (default: SIGINT and SIGTERM of this process).
        public var signals: AsyncStream<Int32>?
        public init(watch: String, dbPath: String, config: Config, once: Bool, logger: Logger, progress: Bool = true,
                    clock: any PipelineClock = SystemClock(), faults: FaultInjection = .none, signals: AsyncStream<Int32>? = nil) {
            self.watch = watch
            self.dbPath = dbPath
            self.config = config
            self.once = once
            self.logger = logger
            self.progress = progress
            self.clock = clock
            self.faults = faults
            self.signals = signals
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public let exitCode: Int32
    }

    public let options: Options
    public init(options: Options) { self.options = options }

    public func run() async throws -> RunSummary {
        MemoryTuning.apply()
        let settings = options.config.pipeline
        let logger = options.logger
        let clock = options.clock
        let inbox: Inbox
        do { inbox = try Inbox(unprepared: options.watch) } catch {
            throw Failure(description: "\(error)", exitCode: 1)
        }
        let folder = URL(fileURLWithPath: options.dbPath).deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw Failure(description: "The folder of the database \(options.dbPath) does not exist; create it first or check --db.",
                          exitCode: 1)
        }
        // The watch directory's lock first: a runner refused there leaves no lock file
        // beside a database it never opened.
        let lock: RunnerLock
        do {
            lock = try RunnerLock(paths: [inbox.root + "/.docmerge.lock", RealPath.resolve(options.dbPath) + ".lock"],
                                  database: options.dbPath)
        } catch let error as RunnerLock.Held {
            throw Failure(description: error.description, exitCode: 4)
        } catch {
            throw Failure(description: "\(error)", exitCode: 1)
        }
        defer { lock.release() }
        do { try inbox.prepare() } catch {
            throw Failure(description: "\(error)", exitCode: 1)
        }
        let metrics = MetricsCollector(dbPath: options.dbPath, overdueDays: settings.overdueDays, clock: clock,
                                       problems: { logger.error($0) })
        let store: StoreStage
        do {
            store = try StoreStage(dbPath: options.dbPath, settings: settings, logger: logger, metrics: metrics,
                                   clock: clock, faults: options.faults)
        } catch let error as DocmergeError {
            throw Failure(description: error.message, exitCode: error.exitCode)
        } catch {
            throw Failure(description: "Cannot open the database \(options.dbPath): \(StoreFailure.describe(error)).", exitCode: 1)
        }
        // The first line once the database is open: what every document is judged with.
        logger.error(options.config.effectiveSummary)
        for note in store.migrationNotes { logger.error(note) }
        let stages = Stages(options: options, inbox: inbox, store: store, metrics: metrics)
        let signalWatcher = options.signals == nil ? SignalWatcher() : nil
        let signals = options.signals ?? signalWatcher?.signals ?? AsyncStream { $0.finish() }
        defer { withExtendedLifetime(signalWatcher) {} }
        if !options.once { logger.info("watching \(inbox.root) (database \(options.dbPath)); Ctrl-C or SIGTERM stops after in-flight work") }
        let fatal = await stages.run(signals: signals)
        if let problem = await metrics.dump(fresh: true) { logger.error(problem) }
        await stages.audit.catchUp()
        let summary = await store.summary
        if let fatal { throw Failure(description: fatal, exitCode: 1) }
        return summary
    }
}
