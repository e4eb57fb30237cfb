import Foundation

/// Where the pipeline's stages get time: the wall clock (file ages, timestamps), a
/// monotonic clock (latencies, park times) and sleeping. Injected, so tests control it.
public protocol PipelineClock: Sendable {
    func now() -> Date
    func uptimeNanos() -> UInt64
    /// Suspends for `nanoseconds`; throws `CancellationError` if the task is cancelled.
    func sleep(nanoseconds: UInt64) async throws
}

/// The real clocks.
public struct SystemClock: PipelineClock {
    public init() {}
    public func now() -> Date { Date() }
    public func uptimeNanos() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
    public func sleep(nanoseconds: UInt64) async throws { try await Task.sleep(nanoseconds: nanoseconds) }
}
