#if canImport(Glibc)
import Glibc
#endif
import DocmergeConcurrency
import DocmergeCore
import DocmergeModel
import Dispatch
import Foundation

/// Follows the committed audit rows (a transactional outbox) and appends them to
/// `audit.jsonl` beside the database. Rows are written in the merge's transaction;
/// this only copies what has committed, so the file never holds a line for an
/// uncommitted change, and after a crash it resumes from its last complete line.
public actor AuditFollower {
    private let executor = SerialQueueExecutor(label: "docmerge.audit")
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private let dbPath: String
    public let filePath: String
    private let logger: Logger
    private let pokes: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation
    private var store: RecordStore?
    private var lastSeq: Int?

    public init(dbPath: String, logger: Logger) {
        self.dbPath = dbPath
        // Beside the database's real file: every name that reaches it shares one log.
        self.filePath = AuditLogFile.path(forDatabase: dbPath)
        self.logger = logger
        (pokes, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// New rows may have committed (fire-and-forget).
    public nonisolated func poke() { continuation.yield() }
    public nonisolated func finish() { continuation.finish() }

    public func run() async {
        for await _ in pokes { catchUp() }
        catchUp()
    }

    /// Appends every committed row after the file's last one.
    public func catchUp() {
        do {
            if store == nil { store = try RecordStore(path: dbPath, readOnly: true) }
            guard let store else { return }
            if lastSeq == nil { lastSeq = try AuditFollower.recoverLastSeq(filePath) }
            var after = lastSeq ?? 0
            while true {
                let rows = try store.auditRows(after: after, limit: 5000)
                guard let last = rows.last else { break }
                var bytes: [UInt8] = []
                for row in rows { bytes.append(contentsOf: row.jsonLine.utf8); bytes.append(0x0A) }
                try AuditFollower.append(bytes, to: filePath)
                after = last.seq
                lastSeq = after
            }
        } catch {
            // What reached the file is unknown (a partial append): next time, start again
            // from the file's last complete line, so no row is ever written twice.
            lastSeq = nil
            logger.error("Could not bring audit.jsonl up to date: \(error); it will catch up later.")
        }
    }

    /// The seq of the last complete line; a torn last line (crash mid-write) is cut off.
    /// The log is only read here (an append-only log can be read, not opened for update)
    /// and written only to cut a torn line. A log that exists but cannot be read, cut or
    /// understood is an error, never "empty": starting again at seq 1 would write every
    /// row twice.
    static func recoverLastSeq(_ path: String) throws -> Int {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return 0 }
            throw InboxError("Cannot read \(path) to find its last line: \(String(cString: strerror(errno))).")
        }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw InboxError("\(path) is not a regular file.")
        }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        guard size > 0 else { return 0 }
        var window: UInt64 = 64 * 1024
        while true {
            let start = size > window ? size - window : 0
            try handle.seek(toOffset: start)
            let tail = Array(try handle.readToEnd() ?? Data())
            var end = tail.count
            if tail.last != 0x0A {
                guard let newline = tail.lastIndex(of: 0x0A) else {
                    if start == 0 { try cut(path, at: 0); return 0 }
                    window *= 4
                    continue
                }
                end = newline + 1
                try cut(path, at: start + UInt64(end))
            }
            let body = tail[..<(end - 1)]
            let lineStart = body.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
            if lineStart == 0 && start > 0 { window *= 4; continue }
            let line = Array(body[lineStart...])
            guard let seq = (try? JSONParser.parse(line))?["seq"]?.numberValue else {
                throw InboxError("The last line of \(path) is not an audit row; nothing is appended after it.")
            }
            return Int(seq)
        }
    }

    /// Cuts the log to `length` bytes (a torn last line off).
    private static func cut(_ path: String, at length: UInt64) throws {
        guard truncate(path, off_t(length)) == 0 else {
            throw InboxError("Cannot cut the torn last line off \(path): \(String(cString: strerror(errno))).")
        }
    }

    static func append(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, PrivateFiles.fileMode)
        guard fd >= 0 else { throw InboxError("Cannot open \(path): \(String(cString: strerror(errno))).") }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw InboxError("Cannot append to \(path): \(String(cString: strerror(errno))).")
            }
            offset += n
        }
        fsync(fd)
    }
}
