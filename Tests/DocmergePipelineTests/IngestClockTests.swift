#if canImport(Glibc)
import Glibc
#endif
import DocmergePipeline
import DocmergeTestSupport
import Foundation
import Testing

@Suite struct IngestClockTests {
    func write(_ name: String, in dir: String, modified: Date) throws {
        let path = dir + "/" + name
        try Data("{}".utf8).write(to: URL(fileURLWithPath: path))
        var times = [timespec(tv_sec: Int(modified.timeIntervalSince1970), tv_nsec: 0),
                     timespec(tv_sec: Int(modified.timeIntervalSince1970), tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
    }

    func next(_ queue: WorkQueue<FileTicket>) async -> String? { await queue.next(max: 1)?.first?.name }

    /// A file modified "in the future" (clock skew, `cp -p`) waits at most the settle time
    /// and holds up no other file; the settle wait runs on the injected clock, not on sleeps.
    @Test(.timeLimit(.minutes(1))) func aFutureModificationTimeDelaysNoOtherFile() async throws {
        let dir = TemporaryDirectory("docmerge-future")
        let (root, _) = try dir.site()
        let clock = ManualClock()
        try write("future.json", in: root, modified: clock.now().addingTimeInterval(3600))
        try write("old.json", in: root, modified: clock.now().addingTimeInterval(-60))
        let inbox = try Inbox(root: root)
        let budget = InFlightBudget(maxDocuments: 100, maxBytes: 1 << 30)
        let ingest = IngestStage(inbox: inbox, budget: budget, stop: StopFlag(), clock: clock, settleMs: 200,
                                 rescanSeconds: 3600)
        let signals = IngestSignals()
        let output = WorkQueue<FileTicket>()
        async let run: Void = ingest.run(signals: signals, output: output, once: false)
        #expect(await next(output) == "old.json")
        // A file that lands meanwhile goes straight through, past the waiting one.
        try write("later.json", in: root, modified: clock.now().addingTimeInterval(-1))
        signals.send(.name("later.json"))
        #expect(await next(output) == "later.json")
        #expect(await ingest.unsettledCount == 1)
        // Not yet: the future file has not been watched unchanged for the settle time.
        clock.advance(seconds: 0.1)
        signals.send(.tick)
        signals.send(.name("later.json"))   // already in flight: ignored; marks the tick as handled
        clock.advance(seconds: 0.15)
        signals.send(.tick)
        #expect(await next(output) == "future.json")
        #expect(await ingest.unsettledCount == 0)
        signals.finish()
        await run
    }

    /// A file modified a moment ago is offered only once the (injected) clock has moved
    /// past the settle time.
    @Test(.timeLimit(.minutes(1))) func aYoungFileWaitsForTheSettleTimeOnTheInjectedClock() async throws {
        let dir = TemporaryDirectory("docmerge-young")
        let (root, _) = try dir.site()
        let clock = ManualClock()
        try write("young.json", in: root, modified: clock.now())
        let ingest = IngestStage(inbox: try Inbox(root: root), budget: InFlightBudget(maxDocuments: 10, maxBytes: 1 << 20),
                                 stop: StopFlag(), clock: clock, settleMs: 500, rescanSeconds: 3600)
        let signals = IngestSignals()
        let output = WorkQueue<FileTicket>()
        async let run: Void = ingest.run(signals: signals, output: output, once: true)
        signals.send(.tick)
        clock.advance(seconds: 1)
        signals.send(.tick)
        #expect(await next(output) == "young.json")
        #expect(await ingest.offered == 1)
        await run
    }
}
