import DocmergeCore
import Foundation
import Synchronization

/// Serializes the console's own writes across its worker threads.
final class WriteTurn: Sendable {
    private let turn = DispatchSemaphore(value: 1)

    func run<T>(_ body: () throws -> T) rethrows -> T {
        turn.wait()
        defer { turn.signal() }
        return try body()
    }
}

/// A `MetricsReport` kept for a few seconds.
final class MetricsCache: Sendable {
    private let entry = Mutex<(at: Date, report: MetricsReport)?>(nil)
    let seconds: Double

    init(seconds: Double) { self.seconds = seconds }

    func report(_ compute: () throws -> MetricsReport) throws -> MetricsReport {
        let now = Date()
        if let cached = entry.withLock({ $0 }), now.timeIntervalSince(cached.at) < seconds { return cached.report }
        let fresh = try compute()
        entry.withLock { $0 = (now, fresh) }
        return fresh
    }
}
