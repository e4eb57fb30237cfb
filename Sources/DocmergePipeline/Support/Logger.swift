#if canImport(Glibc)
import Glibc
#endif
import DocmergeModel

/// Log lines on standard error, one `write` each (lines from several threads never
/// interleave). Passed in, not global. Never given patient names, birth dates or file
/// contents: document ids and MRNs only.
public struct Logger: Sendable {
    public enum Level: Int, Sendable, Comparable {
        case quiet = 0, normal = 1, verbose = 2
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    public let level: Level

    public init(level: Level) { self.level = level }

    /// Per-document and progress lines (hidden by --quiet). The line is only built when
    /// it is shown: formatting one per document is hot-path work.
    public func info(_ line: @autoclosure () -> String) { if level >= .normal { emit(line()) } }
    /// Detail (only with --verbose).
    public func debug(_ line: @autoclosure () -> String) { if level >= .verbose { emit(line()) } }
    /// Problems: always shown.
    public func error(_ line: String) { emit(line) }

    /// Every line is escaped whole (`TerminalText`): file names, reasons and ids from
    /// input can neither forge a line nor drive the terminal.
    private func emit(_ line: String) {
        var bytes = Array(TerminalText.escape(line).utf8)
        bytes.append(0x0A)
        bytes.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
    }
}
