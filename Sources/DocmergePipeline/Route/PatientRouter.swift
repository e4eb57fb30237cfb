import DocmergeCore
import DocmergeModel

/// Sends each classified document to its patient's merge actor, in arrival order,
/// creating the actor (and its stream: the one place per-patient streams are made) on
/// demand. Live actors are bounded: past `maxLive`, idle ones (nothing in flight) are
/// drained, least recently used first; their state is in the database. Actors with
/// work in flight are never evicted, and the in-flight budget bounds how many there are.
/// Files that need no write (refused, vanished) pass straight on to the store's queue.
public actor PatientRouter {
    public struct Metrics: Sendable {
        public var created = 0
        public var evicted = 0
        public var live = 0
    }

    private struct Slot {
        let events: AsyncStream<PatientEvent>.Continuation
        var outstanding = 0
        var lastUse: UInt64 = 0
    }

    private let maxLive: Int
    private let makeActor: @Sendable (String) -> PatientMerge
    private var live: [String: Slot] = [:]
    private var useCounter: UInt64 = 0
    public private(set) var metrics = Metrics()

    public init(maxLive: Int, makeActor: @escaping @Sendable (String) -> PatientMerge) {
        self.maxLive = max(1, maxLive)
        self.makeActor = makeActor
    }

    /// `events`: classified files from the classify stage, settlements from the actors
    /// (`settlements` is that stream's continuation, handed to every actor).
    public func run(input: AsyncStream<RouterEvent>, settlements: AsyncStream<RouterEvent>.Continuation,
                    output: WorkQueue<StoreItem>) async {
        await withDiscardingTaskGroup { group in
            for await event in input {
                switch event {
                case .classified(.prepared(let ticket, let document, let findings)):
                    let mrn = document.extraction.mrn
                    var slot = live[mrn] ?? open(mrn, group: &group, settlements: settlements, output: output)
                    useCounter += 1
                    slot.outstanding += 1
                    slot.lastUse = useCounter
                    live[mrn] = slot
                    slot.events.yield(.document(ticket, document, findings: findings))
                    if live.count > maxLive { evictIdle() }
                case .classified(.refused(let ticket, let reason, let path, let documentID)):
                    await output.push(.passthrough(.reject(ticket, reason: reason, path: path, documentID: documentID)))
                case .classified(.vanished(let ticket)):
                    await output.push(.passthrough(.leave(ticket)))
                case .settled(let mrn):
                    live[mrn]?.outstanding -= 1
                    if live.count > maxLive { evictIdle() }
                }
            }
            for slot in live.values { slot.events.yield(.drain) }
            live.removeAll()
            metrics.live = 0
        }
        await output.finish()
    }

    private func open(_ mrn: String, group: inout DiscardingTaskGroup, settlements: AsyncStream<RouterEvent>.Continuation,
                      output: WorkQueue<StoreItem>) -> Slot {
        let (stream, continuation) = AsyncStream.makeStream(of: PatientEvent.self)
        let actor = makeActor(mrn)
        group.addTask { await actor.run(input: stream, reply: continuation, output: output, router: settlements) }
        metrics.created += 1
        metrics.live = live.count + 1
        return Slot(events: continuation)
    }

    private func evictIdle() {
        let idle = live.filter { $0.value.outstanding <= 0 }.sorted { $0.value.lastUse < $1.value.lastUse }
        for (mrn, slot) in idle.prefix(live.count - maxLive) {
            slot.events.yield(.drain)
            live[mrn] = nil
            metrics.evicted += 1
        }
        metrics.live = live.count
    }
}
