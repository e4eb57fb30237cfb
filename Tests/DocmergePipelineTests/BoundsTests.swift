import DocmergePipeline
import Testing

@Suite struct BoundsTests {
    /// A burst of 10,000 inotify names does not queue 10,000 names: what does not fit in
    /// the bounded buffer collapses into one "rescan needed".
    @Test func aBurstOfNamesCollapsesIntoARescan() async {
        let signals = IngestSignals(capacity: 64)
        for i in 0..<10_000 { signals.send(.name("file-\(i).json")) }
        signals.finish()
        var buffered = 0
        for await _ in signals.stream { buffered += 1 }
        #expect(buffered == 64)
        #expect(signals.takeRescanNeeded())
        #expect(!signals.takeRescanNeeded(), "once")
    }

    @Test func ticksNeverAskForARescan() async {
        let signals = IngestSignals(capacity: 4)
        for _ in 0..<100 { signals.send(.tick) }
        #expect(!signals.takeRescanNeeded())
    }

    /// In-flight work is bounded by bytes as well as by documents; a file larger than the
    /// whole budget still goes, alone.
    @Test(.timeLimit(.minutes(1))) func budgetBoundsDocumentsAndBytes() async {
        let budget = InFlightBudget(maxDocuments: 10, maxBytes: 1000)
        #expect(await budget.acquire(size: 600))
        #expect(budget.inUse.bytes == 600)
        let waiter = Task { await budget.acquire(size: 600) }   // does not fit beside the first
        budget.release(documents: 1, bytes: 600)
        #expect(await waiter.value)
        #expect(budget.inUse == (1, 600))
        budget.release(documents: 1, bytes: 600)
        #expect(await budget.acquire(size: 5000), "alone, a file over the budget goes")
        budget.release(documents: 1, bytes: 5000)
        #expect(budget.inUse == (0, 0))
    }

    @Test(.timeLimit(.minutes(1))) func aWaitForTheBudgetObservesCancellation() async {
        let budget = InFlightBudget(maxDocuments: 1, maxBytes: 1000)
        #expect(await budget.acquire(size: 10))
        let waiter = Task { await budget.acquire(size: 10) }
        waiter.cancel()
        #expect(await waiter.value == false)
        #expect(budget.inUse == (1, 10))
    }
}
