import DocmergePipeline
import Testing

/// Lets the test decide the order in which classify work completes.
actor Gate {
    private var waiting: [Int: CheckedContinuation<Void, Never>] = [:]
    private let arrivals: AsyncStream<Int>.Continuation
    init(arrivals: AsyncStream<Int>.Continuation) { self.arrivals = arrivals }

    func wait(_ seq: Int) async {
        await withCheckedContinuation { continuation in
            waiting[seq] = continuation
            arrivals.yield(seq)
        }
    }

    func open(_ seq: Int) { waiting.removeValue(forKey: seq)?.resume() }
}

@Suite struct ArrivalOrderTests {
    /// Classification finishes in a shuffled order; what leaves the stage is in arrival order.
    @Test(.timeLimit(.minutes(1)), arguments: [UInt64(1), 2, 3])
    func arrivalOrderSurvivesShuffledCompletion(seed: UInt64) async {
        let count = 40
        let (arrivals, arrived) = AsyncStream.makeStream(of: Int.self)
        let gate = Gate(arrivals: arrived)
        let stage = ClassifyStage(width: count) { ticket in
            await gate.wait(ticket.seq)
            return .vanished(ticket)
        }
        let input = WorkQueue<FileTicket>()
        for seq in 0..<count { await input.push(ticket(seq)) }
        await input.finish()
        let (output, results) = AsyncStream.makeStream(of: RouterEvent.self)
        async let run: Void = stage.run(input: input, output: results)
        // Every ticket is being classified at once before any completes.
        var started = 0
        for await _ in arrivals {
            started += 1
            if started == count { break }
        }
        var order = Array(0..<count)
        var state = seed
        for i in stride(from: count - 1, to: 0, by: -1) {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            order.swapAt(i, Int(state >> 33) % (i + 1))
        }
        for seq in order { await gate.open(seq) }
        var seen: [Int] = []
        for await event in output {
            if case .classified(let item) = event { seen.append(item.ticket.seq) }
        }
        await run
        #expect(order != Array(0..<count), "the completions really were shuffled")
        #expect(seen == Array(0..<count))
    }

    @Test func reorderBufferReleasesOnlyContiguousRuns() {
        var buffer = ReorderBuffer<String>()
        #expect(buffer.insert(seq: 2, "c").isEmpty)
        #expect(buffer.insert(seq: 1, "b").isEmpty)
        #expect(buffer.insert(seq: 0, "a") == ["a", "b", "c"])
        #expect(buffer.insert(seq: 3, "d") == ["d"])
        #expect(buffer.waiting == 0)
    }
}
