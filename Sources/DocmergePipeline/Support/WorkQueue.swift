/// A FIFO between two stages whose consumer takes what has piled up in one go (the
/// store's group commit, the file finisher). One consumer. Unbounded by itself: the
/// runner bounds what enters (every item holds an `InFlightBudget` permit).
public actor WorkQueue<Item: Sendable> {
    /// Only what is waiting: taken items are removed at once, so nothing a consumer has
    /// taken stays referenced (the queue holds at most what the runner lets be in flight).
    private var items: [Item] = []
    private var finished = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init() {}

    public func push(_ item: Item) {
        items.append(item)
        if !waiters.isEmpty { waiters.removeFirst().resume() }
    }

    public func finish() {
        finished = true
        let all = waiters
        waiters.removeAll()
        for waiter in all { waiter.resume() }
    }

    /// Up to `max` items, waiting for at least one; nil once finished and drained.
    public func next(max: Int) async -> [Item]? {
        while items.isEmpty {
            if finished { return nil }
            await withCheckedContinuation { waiters.append($0) }
        }
        let batch = Array(items.prefix(max))
        items.removeFirst(batch.count)
        if !items.isEmpty, !waiters.isEmpty { waiters.removeFirst().resume() }
        return batch
    }
}
