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

    /// A 1,000-byte budget holding files 0 and 1 (`first`, `second` bytes), file 0 the oldest
    /// in classification, and file 1 waiting to top up by `extra`.
    func fileOneWaitingToTopUp(first: Int64, second: Int64, extra: Int64) async -> (InFlightBudget, Task<Bool, Never>) {
        let budget = InFlightBudget(maxDocuments: 10, maxBytes: 1000)
        #expect(await budget.acquire(size: first))
        #expect(await budget.acquire(size: second))
        budget.allowOverdraft(through: 0)
        let topUp = Task { await budget.topUp(seq: 1, extra: extra) }
        while budget.waiting.topUps == 0 { await Task.yield() }
        return (budget, topUp)
    }

    /// A file read and found to cost more than its first charge waits for room, ahead of
    /// files not taken yet.
    @Test(.timeLimit(.minutes(1))) func aTopUpWaitsForRoomAheadOfNewFiles() async {
        let (budget, topUp) = await fileOneWaitingToTopUp(first: 600, second: 300, extra: 400)
        let newFile = Task { await budget.acquire(size: 50) }   // would fit, but a top-up waits
        while budget.waiting.files == 0 { await Task.yield() }
        #expect(budget.inUse == (2, 900))
        budget.release(documents: 1, bytes: 600)
        let toppedUp = await topUp.value, taken = await newFile.value
        #expect(toppedUp && taken)
        #expect(budget.inUse == (2, 750))
    }

    /// Files leave classification in arrival order, so the oldest one there must not wait
    /// for later ones: with nothing handed on beyond classification (nothing more will be
    /// released) it overdraws; otherwise it waits for what is handed on to be released.
    @Test(.timeLimit(.minutes(1))) func theOldestFileInClassificationOverdrawsWhenNothingElseWillRelease() async {
        let (budget, later) = await fileOneWaitingToTopUp(first: 900, second: 100, extra: 500)
        #expect(await budget.topUp(seq: 0, extra: 4000), "the oldest tops up at once, over the budget")
        #expect(budget.waiting.topUps == 1 && budget.inUse.bytes == 5000)
        budget.handedOn(bytes: 4900)            // file 0 leaves classification: file 1 is the oldest
        budget.allowOverdraft(through: 1)
        #expect(budget.waiting.topUps == 1, "file 0 will release: file 1 waits for it, not over the budget")
        budget.release(documents: 1, bytes: 4900)
        #expect(await later.value)
        #expect(budget.inUse == (1, 600))
    }

    /// Shutdown cancels a top-up that waits: it answers false, leaves the queue, and new
    /// files are no longer held behind it.
    @Test(.timeLimit(.minutes(1))) func aWaitingTopUpObservesCancellation() async {
        let (budget, topUp) = await fileOneWaitingToTopUp(first: 900, second: 50, extra: 500)
        topUp.cancel()
        #expect(await topUp.value == false)
        #expect(budget.waiting.topUps == 0 && budget.inUse == (2, 950))
        #expect(await budget.acquire(size: 50), "a new file that fits is taken again")
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
