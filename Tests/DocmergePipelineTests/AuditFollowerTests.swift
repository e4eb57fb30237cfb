#if canImport(Glibc)
import Glibc
#endif
import DocmergeCore
import DocmergeModel
import DocmergePipeline
import DocmergeTestSupport
import Foundation
import Testing

/// The audit follower on a real database and a real `audit.jsonl`, driven through its
/// failure and recovery paths: after any of them every committed row is in the log once,
/// in order, with no gap, byte for byte as the database holds it.
@Suite struct AuditFollowerTests {
    /// A database the test merges into, and the log the follower keeps beside it.
    struct Site {
        let dir = TemporaryDirectory("docmerge-audit-follower")
        let db: String
        let store: RecordStore
        var log: String { dir.file("audit.jsonl") }
        private var merged = 0

        init() throws {
            db = dir.file("db.sqlite")
            store = try RecordStore(path: db)
        }

        /// Commits `count` more documents (each adds audit rows).
        mutating func merge(_ count: Int) throws {
            for _ in 0..<count {
                merged += 1
                let document = try DocumentBuilder.clinical(id: "d\(merged)", mrn: "MRN-\(merged % 3)")
                    .prepared(thresholds: Thresholds(unknownPatient: .register))
                _ = try store.merge(document)
            }
        }

        var rows: [AuditRow] { get throws { try store.auditRows(after: 0, limit: 1_000_000) } }

        func follower() -> AuditFollower { AuditFollower(dbPath: db, logger: Logger(level: .quiet)) }

        func logBytes(_ path: String? = nil) throws -> [UInt8] {
            Array(try Data(contentsOf: URL(fileURLWithPath: path ?? log)))
        }

        /// The log holds exactly the database's rows: each seq once, 1...n in order, same bytes.
        func expectLogMatchesDatabase(_ when: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let bytes = try logBytes()
            #expect(bytes.last == 0x0A, "\(when): the log ends with a complete line", sourceLocation: sourceLocation)
            let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map(Array.init)
            let seqs = lines.map { (try? JSONParser.parse($0))?["seq"]?.numberValue.map(Int.init) ?? -1 }
            let rows = try self.rows
            try #require(!rows.isEmpty, sourceLocation: sourceLocation)
            #expect(seqs == Array(1...rows.count), "\(when): seqs \(seqs)", sourceLocation: sourceLocation)
            #expect(seqs == rows.map(\.seq), "\(when): the database's seqs", sourceLocation: sourceLocation)
            #expect(lines.map { String(decoding: $0, as: UTF8.self) } == rows.map(\.jsonLine), "\(when): the lines are the rows",
                    sourceLocation: sourceLocation)
        }
    }

    /// The append fails (the log's name is taken by a directory, which stops root too) for
    /// two catch-ups while more rows commit; once the file is back, the same follower
    /// re-reads the log's last line and appends exactly what is missing.
    @Test func aFailedAppendResumesAfterTheLogsLastLineWithNoRepeatAndNoGap() async throws {
        var site = try Site()
        try site.merge(2)
        let follower = site.follower()
        await follower.catchUp()
        try site.expectLogMatchesDatabase("first catch-up")
        let before = try site.logBytes()

        let kept = site.dir.file("audit.jsonl.kept")
        try #require(rename(site.log, kept) == 0)
        try FileManager.default.createDirectory(atPath: site.log, withIntermediateDirectories: false)
        try site.merge(2)
        await follower.catchUp()
        try site.merge(1)
        await follower.catchUp()
        // Both appends failed: nothing reached the kept file and nothing went into the directory.
        #expect(try site.logBytes(kept) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: site.log).isEmpty)
        #expect(try site.rows.count > before.filter { $0 == 0x0A }.count, "rows committed that the log lacks")

        try FileManager.default.removeItem(atPath: site.log)
        try #require(rename(kept, site.log) == 0)
        try site.merge(1)
        await follower.catchUp()
        try site.expectLogMatchesDatabase("after the failed appends")
        // And it goes on from there.
        try site.merge(1)
        await follower.catchUp()
        try site.expectLogMatchesDatabase("one more commit")
    }

    /// A follower killed mid-line leaves a torn last line; the next one (a restart) cuts
    /// it off and appends from the last complete line, the torn row included, once.
    @Test func aTornLastLineIsCutOffAndItsRowWrittenOnce() async throws {
        var site = try Site()
        try site.merge(2)
        await site.follower().catchUp()
        try site.expectLogMatchesDatabase("first follower")
        let written = try site.logBytes().filter { $0 == 0x0A }.count

        try site.merge(2)
        // What a kill in the middle of the next append leaves: one row whole, half of the next.
        let missing = try site.store.auditRows(after: written, limit: 2)
        try #require(missing.count == 2)
        var torn = Array(missing[0].jsonLine.utf8) + [0x0A]
        let second = Array(missing[1].jsonLine.utf8)
        torn += second[..<(second.count / 2)]
        let fd = open(site.log, O_WRONLY | O_APPEND)
        try #require(fd >= 0)
        #expect(torn.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == torn.count)
        close(fd)

        await site.follower().catchUp()
        try site.expectLogMatchesDatabase("after the restart")
    }

    /// A last line that is not an audit row (something else wrote to the log): the
    /// follower cannot know where the log stands, so it appends nothing, rather than
    /// every row again from seq 1; once the line is gone it goes on from the last row.
    @Test func aLastLineThatIsNoAuditRowStopsTheFollowerRatherThanRewritingTheLog() async throws {
        var site = try Site()
        try site.merge(2)
        await site.follower().catchUp()
        let good = try site.logBytes()
        try Data(good + Array("not an audit row\n".utf8)).write(to: URL(fileURLWithPath: site.log))
        let foreign = try site.logBytes()
        try site.merge(1)
        let follower = site.follower()
        await follower.catchUp()
        #expect(try site.logBytes() == foreign, "nothing appended after a line it cannot read")
        try Data(good).write(to: URL(fileURLWithPath: site.log))
        await follower.catchUp()
        try site.expectLogMatchesDatabase("once the foreign line is gone")
    }

    /// An append-only `audit.jsonl` (`chattr +a`, as an administrator may mark an audit
    /// log): it can be read and appended to, never opened for update nor truncated. A
    /// restarted follower still learns the last seq from it; behind a torn last line it
    /// cannot cut off, it appends nothing until it can.
    @Test(.enabled(if: AppendOnly.available, "needs chattr +a (root with CAP_LINUX_IMMUTABLE, a filesystem with the flag)"))
    func anAppendOnlyLogIsResumedNeverRewritten() async throws {
        var site = try Site()
        try site.merge(2)
        await site.follower().catchUp()
        try #require(AppendOnly.set(site.log, true))
        defer { AppendOnly.set(site.log, false) }
        try site.merge(2)
        await site.follower().catchUp()
        try site.expectLogMatchesDatabase("a restart on the append-only log")

        let written = try site.logBytes().filter { $0 == 0x0A }.count
        try site.merge(1)
        let next = try site.store.auditRows(after: written, limit: 1)
        let line = try #require(next.first.map { Array($0.jsonLine.utf8) })
        let fd = open(site.log, O_WRONLY | O_APPEND)
        try #require(fd >= 0)
        let half = Array(line[..<(line.count / 2)])
        #expect(half.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == half.count)
        close(fd)
        let torn = try site.logBytes()
        let follower = site.follower()
        await follower.catchUp()
        #expect(try site.logBytes() == torn, "nothing appended behind a torn line it cannot cut off")
        try #require(AppendOnly.set(site.log, false))
        await follower.catchUp()
        try site.expectLogMatchesDatabase("once the log can be cut again")
    }
}

/// Marks a file append-only (`chattr +a`): possible only with CAP_LINUX_IMMUTABLE.
enum AppendOnly {
    static let available: Bool = {
        let dir = TemporaryDirectory("docmerge-append-only-probe")
        let path = dir.file("probe")
        guard FileManager.default.createFile(atPath: path, contents: nil), set(path, true) else { return false }
        let update = open(path, O_RDWR | O_CLOEXEC)
        if update >= 0 { close(update) }
        return set(path, false) && update < 0
    }()

    @discardableResult
    static func set(_ path: String, _ on: Bool) -> Bool {
        let chattr = "/usr/bin/chattr"
        guard FileManager.default.isExecutableFile(atPath: chattr) else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chattr)
        process.arguments = [on ? "+a" : "-a", path]
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
