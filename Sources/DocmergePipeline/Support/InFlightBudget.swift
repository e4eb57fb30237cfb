import Synchronization

/// Bounds the work in flight by documents and by bytes: ingest acquires before it hands
/// a file on, the file finisher releases once the file is done. A file larger than the
/// whole byte budget still goes through, alone. Once a file is read and costs more than
/// it was charged, classify tops its charge up (`topUp`), ahead of files not taken yet.
/// Files leave classification in arrival order, so the oldest one there cannot wait for
/// later ones to release: when no file handed on beyond classification holds any of the
/// budget (nothing more will be released), it overdraws (`allowOverdraft`, `handedOn`).
/// Waiting observes cancellation.
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

    private struct TopUp {
        let seq: Int
        let extra: Int64
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var documents = 0
        var bytes: Int64 = 0
        var waiters: [Waiter] = []
        var topUps: [TopUp] = []
        /// Files up to this arrival number may overdraw when they top up…
        var overdraftThrough = -1
        /// …once the files handed on beyond classification hold none of the budget.
        var downstream: Int64 = 0
        var nextID = 0
    }

    private let state = Mutex(State())

    public init(maxDocuments: Int, maxBytes: Int64) {
        self.maxDocuments = max(1, maxDocuments)
        self.maxBytes = max(1, maxBytes)
    }

    public var inUse: (documents: Int, bytes: Int64) { state.withLock { ($0.documents, $0.bytes) } }

    /// Top-ups and new files waiting now.
    public var waiting: (topUps: Int, files: Int) { state.withLock { ($0.topUps.count, $0.waiters.count) } }

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
        let granted: Granted = state.withLock { s in
            s.documents -= count
            s.bytes -= size
            s.downstream = max(0, s.downstream - size)
            return settle(&s)
        }
        granted.resume()
    }

    /// Adds `extra` bytes to the charge of the file numbered `seq`, already in flight:
    /// at once if they fit or the file may overdraw, else once enough is released. False
    /// if cancelled first (the file then goes on under its first charge).
    public func topUp(seq: Int, extra: Int64) async -> Bool {
        guard extra > 0 else { return true }
        if state.withLock({ s in
            guard s.topUps.isEmpty, mayTopUp(s, seq: seq, extra: extra) else { return false }
            s.bytes += extra
            return true
        }) { return true }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let granted: Granted? = state.withLock { s in
                    if Task.isCancelled { return nil }
                    s.topUps.append(TopUp(seq: seq, extra: extra, continuation: continuation))
                    return settle(&s)
                }
                if let granted { granted.resume() } else { continuation.resume(returning: false) }
            }
        } onCancel: {
            let waiter: TopUp? = state.withLock { s in
                guard let index = s.topUps.firstIndex(where: { $0.seq == seq }) else { return nil }
                return s.topUps.remove(at: index)
            }
            waiter?.continuation.resume(returning: false)
        }
    }

    /// A file's charge `bytes` left classification (the finisher releases it later).
    public func handedOn(bytes: Int64) {
        state.withLock { $0.downstream += bytes }
    }

    private func mayTopUp(_ s: State, seq: Int, extra: Int64) -> Bool {
        s.bytes + extra <= maxBytes || (seq <= s.overdraftThrough && s.downstream <= 0)
    }

    /// Files numbered up to `seq` may overdraw from now on (classify calls it with the
    /// oldest file it has not handed on).
    public func allowOverdraft(through seq: Int) {
        let granted: Granted = state.withLock { s in
            s.overdraftThrough = max(s.overdraftThrough, seq)
            return settle(&s)
        }
        granted.resume()
    }

    /// Waiters granted under the lock, resumed after it.
    private struct Granted {
        let topUps: [TopUp]
        let waiters: [Waiter]
        func resume() {
            for topUp in topUps { topUp.continuation.resume(returning: true) }
            for waiter in waiters { waiter.continuation.resume(returning: true) }
        }
    }

    private func settle(_ s: inout State) -> Granted {
        let topUps = grantTopUps(&s)
        return Granted(topUps: topUps, waiters: grantWaiters(&s))
    }

    /// Top-ups that fit or may overdraw, oldest first; removed from the queue and charged.
    private func grantTopUps(_ s: inout State) -> [TopUp] {
        var granted: [TopUp] = []
        s.topUps.sort { $0.seq < $1.seq }
        while let index = s.topUps.firstIndex(where: { mayTopUp(s, seq: $0.seq, extra: $0.extra) }) {
            let topUp = s.topUps.remove(at: index)
            s.bytes += topUp.extra
            granted.append(topUp)
        }
        return granted
    }

    /// New files that fit, in order, once no top-up is waiting (a file in flight first).
    private func grantWaiters(_ s: inout State) -> [Waiter] {
        var woken: [Waiter] = []
        while s.topUps.isEmpty, let first = s.waiters.first, fits(s, first.cost) {
            s.waiters.removeFirst()
            take(&s, first.cost)
            woken.append(first)
        }
        return woken
    }

    private func fits(_ s: State, _ cost: Int64) -> Bool {
        s.topUps.isEmpty && s.documents < maxDocuments && (s.bytes + cost <= maxBytes || s.documents == 0)
    }

    private func take(_ s: inout State, _ cost: Int64) {
        s.documents += 1
        s.bytes += cost
    }
}
