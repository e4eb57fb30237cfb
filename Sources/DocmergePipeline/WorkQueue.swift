/// A FIFO between stages. Consumers wait for items; `finish()` ends it once drained.
/// Unbounded by itself: the runner bounds what enters (see `AsyncSemaphore`).
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

/// Restores arrival order after parallel work: items are delivered with their
/// sequence number in any order and come out strictly in sequence.
public actor OrderedQueue<Item: Sendable> {
    private var pending: [Int: Item] = [:]
    private var ready: [Item] = []
    private var nextSeq = 0
    private var finished = false
    private var waiter: CheckedContinuation<Void, Never>?

    public init() {}

    public func deliver(seq: Int, _ item: Item) {
        pending[seq] = item
        while let next = pending.removeValue(forKey: nextSeq) {
            ready.append(next)
            nextSeq += 1
        }
        if !ready.isEmpty, let waiter { self.waiter = nil; waiter.resume() }
    }

    public func finish() {
        finished = true
        if let waiter { self.waiter = nil; waiter.resume() }
    }

    /// Single consumer: up to `max` in-order items; nil once finished and drained.
    public func next(max: Int) async -> [Item]? {
        while ready.isEmpty {
            if finished { return nil }
            await withCheckedContinuation { waiter = $0 }
        }
        let count = min(max, ready.count)
        let batch = Array(ready.prefix(count))
        ready.removeFirst(count)
        return batch
    }
}

/// Bounds the documents in flight: the ingest stage acquires a permit per file and
/// the writer releases it once the file is done.
public actor AsyncSemaphore {
    private var permits: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init(permits: Int) { self.permits = permits }

    public func acquire() async {
        if permits > 0 { permits -= 1; return }
        await withCheckedContinuation { waiters.append($0) }
    }

    public func release(_ count: Int = 1) {
        for _ in 0..<count {
            if waiters.isEmpty { permits += 1 } else { waiters.removeFirst().resume() }
        }
    }
}
