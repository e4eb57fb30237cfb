/// Classify × N: `width` workers take files from the ticket queue and classify them at
/// once; results are put back in arrival order before they go on, so parallelism never
/// reorders a patient's documents. What waits here is bounded by the in-flight budget.
public actor ClassifyStage {
    private let width: Int
    private let work: @Sendable (FileTicket) async -> Classified
    private var order = ReorderBuffer<Classified>()
    /// Told the oldest file not handed on yet, which may overdraw when it tops up.
    private let budget: InFlightBudget?

    public init(width: Int, budget: InFlightBudget? = nil, work: @escaping @Sendable (FileTicket) async -> Classified) {
        self.width = max(1, width)
        self.budget = budget
        self.work = work
    }

    /// Each file, once read, tops its charge up to what its structure costs
    /// (`DocumentMemory.charge(read:)`) before it is decoded.
    public init(width: Int, classifier: Classifier, budget: InFlightBudget) {
        self.init(width: width, budget: budget) { ticket in
            switch classifier.read(ticket) {
            case .done(let classified):
                return classified
            case .read(let bytes):
                var ticket = ticket
                let needed = DocumentMemory.charge(read: bytes)
                if needed > ticket.cost, await budget.topUp(seq: ticket.seq, extra: Int64(needed - ticket.cost)) {
                    ticket.cost = needed
                }
                return classifier.prepare(ticket, bytes)
            }
        }
    }

    public func run(input: WorkQueue<FileTicket>, output: AsyncStream<RouterEvent>.Continuation) async {
        defer { output.finish() }
        budget?.allowOverdraft(through: order.nextSeq)
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
        for item in order.insert(seq: done.ticket.seq, done) {
            budget?.handedOn(bytes: Int64(item.ticket.cost))
            output.yield(.classified(item))
        }
        budget?.allowOverdraft(through: order.nextSeq)
    }
}
