#if canImport(Glibc)
import Glibc
#endif
import DocmergeModel
import Foundation
import Synchronization

/// A full stress run: generate, drop into a real `docmerge run`, optionally kill -9 it
/// every few seconds and restart it, run review actions at the same time, then check.
public struct StressRun {
    public struct Options: Sendable {
        public var spec = WorkloadSpec()
        public var workDir: String
        public var binary = ProcessTools.docmergeBinary()
        /// Documents per second; nil drops everything at once.
        public var rate: Double?
        /// Kill the runner with SIGKILL this often (seconds); nil never.
        public var killEvery: Double?
        /// Also kill it once this many files are done (each threshold once, while files wait).
        public var killAtProcessed: [Int] = []
        public var reviews = true
        public var rssLimitMiB: Int?
        public var log: @Sendable (String) -> Void = { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) }
        public init(workDir: String) { self.workDir = workDir }
    }

    public struct Outcome: Sendable {
        public let report: Checker.Report
        public let kills: Int
        public let seconds: Double
        public let peakRSS: Int?
    }

    public let options: Options
    public init(options: Options) { self.options = options }

    public func run() throws -> Outcome {
        let o = options
        let inbox = o.workDir + "/inbox", db = o.workDir + "/docmerge.sqlite"
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        let workload = WorkloadGenerator(spec: o.spec).generate()
        try workload.writeMetadata(to: o.workDir)
        let config = o.workDir + "/config.json"
        try Data(#"{"pipeline":{"settle_ms":0,"rescan_seconds":0.5,"park_seconds":1,"retry_base_ms":10}}"#.utf8)
            .write(to: URL(fileURLWithPath: config))
        let imported = try ProcessTools.run(o.binary, ["patients", "import", o.workDir + "/registry.csv", "--db", db])
        guard imported.status == 0 else { throw StressError("patients import failed: \(imported.stderr)") }
        o.log("generated \(workload.files.count) files (\(workload.totalBytes / 1024) KiB), \(workload.expected.documents.count) documents")

        let started = Date()
        let runnerArgs = ["run", "--watch", inbox, "--db", db, "--config", config, "--quiet"]
        var runner = try ProcessTools.start(o.binary, runnerArgs, log: o.workDir + "/runner.log")
        let dropped = Atomic<Int>(0)
        let dropper = Thread {
            for (i, file) in workload.files.enumerated() {
                try? ProcessTools.drop(file, into: inbox)
                dropped.store(i + 1, ordering: .releasing)
                if let rate = o.rate { usleep(UInt32(1_000_000 / rate)) }
            }
        }
        dropper.start()

        var actions = Checker.Actions()
        actions.rssLimitBytes = o.rssLimitMiB.map { $0 * 1_048_576 }
        var peak = 0
        var kills = 0
        var lastKill = Date()
        var killThresholds = o.killAtProcessed.sorted()
        // Review actions, on their own thread (a steward's commands racing the runner),
        // on documents already merged that no later file touches.
        let onlyOnce = Self.documentsWithOneFile(workload)
        let reviewQueue = o.reviews ? Array(onlyOnce.prefix(max(2, workload.expected.documents.count / 50))) : []
        let reviewed = Mutex<(rolledBack: Set<String>, markedCorrect: Set<String>)>(([], []))
        let reviewsDone = Atomic<Bool>(reviewQueue.isEmpty)
        let binary = o.binary, log = o.log
        let reviewer = Thread {
            defer { reviewsDone.store(true, ordering: .releasing) }
            for (index, (id, name)) in reviewQueue.enumerated() {
                while !FileManager.default.fileExists(atPath: inbox + "/processed/" + name) { usleep(10_000) }
                let rollback = index % 2 == 0
                let args = rollback ? ["review", "rollback", id, "--reviewer", "stress", "--reason", "stress run", "--db", db]
                                    : ["review", "mark-correct", id, "--reviewer", "stress", "--db", db]
                guard let result = try? ProcessTools.run(binary, args) else { continue }
                if result.status == 0 {
                    reviewed.withLock { if rollback { $0.rolledBack.insert(id) } else { $0.markedCorrect.insert(id) } }
                } else {
                    log("review of \(id) refused: \(result.stderr)")
                }
            }
        }
        reviewer.start()
        while dropped.load(ordering: .acquiring) < workload.files.count || ProcessTools.waiting(in: inbox) > 0
                || !reviewsDone.load(ordering: .acquiring) {
            if let p = ProcessTools.peakRSS(pid: runner.processIdentifier) { peak = max(peak, p) }
            let dueByCount = killThresholds.first.map { Self.done(in: inbox) >= $0 && ProcessTools.waiting(in: inbox) > 0 } ?? false
            if dueByCount { killThresholds.removeFirst() }
            if dueByCount || (o.killEvery.map { Date().timeIntervalSince(lastKill) >= $0 } ?? false) {
                kill(runner.processIdentifier, SIGKILL)
                runner.waitUntilExit()
                kills += 1
                o.log("kill -9 #\(kills) with \(ProcessTools.waiting(in: inbox)) files waiting")
                runner = try ProcessTools.start(o.binary, runnerArgs, log: o.workDir + "/runner.log")
                lastKill = Date()
            }
            usleep(10_000)
        }
        reviewed.withLock {
            actions.rolledBack = $0.rolledBack
            actions.markedCorrect = $0.markedCorrect
        }
        // People win: re-ingest some decided documents with new content.
        if o.reviews {
            for (n, id) in actions.markedCorrect.union(actions.rolledBack).sorted().prefix(5).enumerated() {
                guard let doc = workload.expected.documents[id] else { continue }
                let bytes = Self.reextraction(id: id, mrn: doc.mrn, n: n)
                try ProcessTools.drop(GeneratedFile(name: "zz-reingest-\(n).json", bytes: bytes), into: inbox)
                actions.reingestedAfterDecision.insert(id)
            }
            while ProcessTools.waiting(in: inbox) > 0 { usleep(20_000) }
        }
        if let p = ProcessTools.peakRSS(pid: runner.processIdentifier) { peak = max(peak, p) }
        kill(runner.processIdentifier, SIGTERM)
        runner.waitUntilExit()
        guard runner.terminationStatus == 0 else { throw StressError("the runner exited \(runner.terminationStatus) on SIGTERM; see \(o.workDir)/runner.log") }
        let seconds = Date().timeIntervalSince(started)
        actions.peakRSSBytes = peak > 0 ? peak : nil
        var expected = workload.expected
        for n in 0..<actions.reingestedAfterDecision.count { expected.files.append("zz-reingest-\(n).json") }
        let report = try Checker(expected: expected, inbox: inbox, dbPath: db, actions: actions).run()
        return Outcome(report: report, kills: kills, seconds: seconds, peakRSS: actions.peakRSSBytes)
    }

    /// Files finished so far: processed, or rejected (not counting explanations).
    static func done(in inbox: String) -> Int {
        let processed = (try? FileManager.default.contentsOfDirectory(atPath: inbox + "/processed"))?.count ?? 0
        let rejected = (try? FileManager.default.contentsOfDirectory(atPath: inbox + "/rejected"))?.filter { !$0.hasSuffix(".error.json") }.count ?? 0
        return processed + rejected
    }

    /// (document id, file name) of documents that only one file carries.
    static func documentsWithOneFile(_ workload: Workload) -> [(String, String)] {
        var byID: [String: [String]] = [:]
        for name in workload.expected.files where !workload.expected.refused.contains(name) {
            let id = String(name.dropFirst(8).dropLast(5))
            byID[id, default: []].append(name)
        }
        return byID.filter { $0.value.count == 1 && workload.expected.documents[$0.key] != nil }
            .map { ($0.key, $0.value[0]) }.sorted { $0.1 < $1.1 }
    }

    static func reextraction(id: String, mrn: String, n: Int) -> [UInt8] {
        Array("""
            {"schema":"docmerge.extraction/v1","document":{"id":"\(id)"},"patient":{"mrn":"\(mrn)"},
             "extraction":{"confidence":0.99,"model":"claude-3-5-sonnet","fallback_used":false,"extracted_at":"2030-01-0\(n + 1)T00:00:00Z"},
             "entries":[{"resource":{"resourceType":"Condition","code":{"text":"re-ingest \(n)"}}}]}
            """.utf8)
    }
}

public struct StressError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
