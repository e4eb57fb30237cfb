import Synchronization

/// Collects log lines from any thread (for assertions on what a harness said).
public final class LineLog: Sendable {
    private let lines = Mutex<[String]>([])
    public init() {}
    public func append(_ line: String) { lines.withLock { $0.append(line) } }
    public var text: String { lines.withLock { $0.joined(separator: "\n") } }
}
