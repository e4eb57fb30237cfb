import Synchronization

/// Bounds the work in flight by documents and by bytes: ingest acquires before it hands
/// a file on, the file finisher releases once the file is done. A file larger than the
/// whole byte budget still goes through, alone. Waiting observes cancellation.
///
/// A `Mutex` rather than an actor: a cancellation handler runs synchronously on any
/// thread and must resume the waiter at once, without starting a task.
public final class InFlightBudget: Sendable {
    public let maxDocuments: Int
    public let maxBytes: Int64

    private struct Waiter {
        let id: Int
        let cost: Int64
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var documents = 0
        var bytes: Int64 = 0
        var waiters: [Waiter] = []
        var nextID = 0
    }

    private let state = Mutex(State())

    public init(maxDocuments: Int, maxBytes: Int64) {
        self.maxDocuments = max(1, maxDocuments)
        self.maxBytes = max(1, maxBytes)
    }

    public var inUse: (documents: Int, bytes: Int64) { state.withLock { ($0.documents, $0.bytes) } }

    /// Waits for room for one document of `size` bytes; false if cancelled first.
    public func acquire(size: Int64) async -> Bool {
        let cost = max(0, size)
        let id: Int? = state.withLock { s in
            if s.waiters.isEmpty, fits(s, cost) { take(&s, cost); return nil }
            s.nextID += 1
            return s.nextID
        }
        guard let id else { return true }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let resumeNow: Bool? = state.withLock { s in
                    if Task.isCancelled { return false }
                    if s.waiters.isEmpty, fits(s, cost) { take(&s, cost); return true }
                    s.waiters.append(Waiter(id: id, cost: cost, continuation: continuation))
                    return nil
                }
                if let resumeNow { continuation.resume(returning: resumeNow) }
            }
        } onCancel: {
            let waiter: Waiter? = state.withLock { s in
                guard let index = s.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return s.waiters.remove(at: index)
            }
            waiter?.continuation.resume(returning: false)
        }
    }

    public func release(documents count: Int, bytes size: Int64) {
        let woken: [Waiter] = state.withLock { s in
            s.documents -= count
            s.bytes -= size
            var woken: [Waiter] = []
            while let first = s.waiters.first, fits(s, first.cost) {
                s.waiters.removeFirst()
                take(&s, first.cost)
                woken.append(first)
            }
            return woken
        }
        for waiter in woken { waiter.continuation.resume(returning: true) }
    }

    private func fits(_ s: State, _ cost: Int64) -> Bool {
        s.documents < maxDocuments && (s.bytes + cost <= maxBytes || s.documents == 0)
    }

    private func take(_ s: inout State, _ cost: Int64) {
        s.documents += 1
        s.bytes += cost
    }
}
