import DocmergeCore
import DocmergeModel
import DocmergePipeline
import DocmergeTestSupport
import Foundation
import Synchronization

/// The router, the patient actors and the store on a real database, fed by the test.
final class PipelineRig: Sendable {
    let dir = TemporaryDirectory("docmerge-rig")
    let db: String
    let store: StoreStage
    let router: PatientRouter
    let actors: ActorLog
    let events: AsyncStream<RouterEvent>
    let input: AsyncStream<RouterEvent>.Continuation
    let storeQueue = WorkQueue<StoreItem>()
    let finished = WorkQueue<[FileAction]>()

    init(maxLive: Int) throws {
        db = dir.file("db.sqlite")
        _ = try RecordStore(path: db)
        let metrics = MetricsCollector(dbPath: db, overdueDays: 7)
        store = try StoreStage(dbPath: db, settings: Config().pipeline, logger: Logger(level: .quiet), metrics: metrics)
        let reader = StoreReader(dbPath: db)
        let actors = ActorLog()
        self.actors = actors
        router = PatientRouter(maxLive: maxLive) { mrn in
            let actor = PatientMerge(mrn: mrn, reader: reader, sampleRate: 0)
            actors.add(actor)
            return actor
        }
        (events, input) = AsyncStream.makeStream(of: RouterEvent.self)
    }

    /// Runs the router and the store until `input` is finished.
    func run() async {
        async let routed: Void = router.run(input: events, settlements: input, output: storeQueue)
        async let stored = store.run(input: storeQueue, output: finished, onCommit: {}, onFatal: { _ in })
        _ = await (routed, stored)
    }

    private let seqs = SeqCounter()

    func send(_ builder: DocumentBuilder) throws {
        let document = try builder.prepared()
        input.yield(.classified(.prepared(ticket(seqs.next(), name: document.extraction.documentID + ".json"), document,
                                          findings: MergeDecision.documentFindings(document))))
    }

    /// Waits until `count` more files are done.
    func waitDone(_ count: Int) async -> [FileAction] {
        var done: [FileAction] = []
        while done.count < count, let batches = await finished.next(max: 100) { done += batches.flatMap { $0 } }
        return done
    }
}

final class SeqCounter: Sendable {
    private let value = Mutex(0)
    func next() -> Int { value.withLock { v in defer { v += 1 }; return v } }
}

/// Every patient actor the router made, in order.
final class ActorLog: Sendable {
    private let list = Mutex<[PatientMerge]>([])
    func add(_ actor: PatientMerge) { list.withLock { $0.append(actor) } }
    var all: [PatientMerge] { list.withLock { $0 } }
}
