/// Classify × N: `width` workers take files from the ticket queue and classify them at
/// once; results are put back in arrival order before they go on, so parallelism never
/// reorders a patient's documents. What waits here is bounded by the in-flight budget.
public actor ClassifyStage {
    private let width: Int
    private let work: @Sendable (FileTicket) async -> Classified
    private var order = ReorderBuffer<Classified>()

    public init(width: Int, work: @escaping @Sendable (FileTicket) async -> Classified) {
        self.width = max(1, width)
        self.work = work
    }

    public init(width: Int, classifier: Classifier) {
        self.init(width: width) { classifier.classify($0) }
    }

    public func run(input: WorkQueue<FileTicket>, output: AsyncStream<RouterEvent>.Continuation) async {
        defer { output.finish() }
        let work = self.work
        await withDiscardingTaskGroup { group in
            for _ in 0..<width {
                group.addTask {
                    while let tickets = await input.next(max: 1) {
                        for ticket in tickets { await self.deliver(await work(ticket), to: output) }
                    }
                }
            }
        }
    }

    private func deliver(_ done: Classified, to output: AsyncStream<RouterEvent>.Continuation) {
        for item in order.insert(seq: done.ticket.seq, done) { output.yield(.classified(item)) }
    }
}
