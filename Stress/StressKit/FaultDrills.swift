#if canImport(Glibc)
import Glibc
#endif
import DocmergeCore
import DocmergeModel
import Foundation

/// `docmerge-stress faults`: real faults, one at a time, against a real `docmerge run`,
/// each followed by a check that nothing was lost or duplicated.
public struct FaultDrills {
    public let workDir: String
    public let log: @Sendable (String) -> Void
    public let binary = ProcessTools.docmergeBinary()

    public init(workDir: String, log: @escaping @Sendable (String) -> Void) {
        self.workDir = workDir
        self.log = log
    }

    struct Drill {
        let name: String
        let run: () throws -> (passed: Bool, what: String)
    }

    public func run() throws -> Bool {
        let drills: [Drill] = [
            Drill(name: "disk full (database capped with max_db_pages)") { try diskFull() },
            Drill(name: "database made read-only mid-run (chattr +i)") { try readOnly() },
            Drill(name: "another process holds a write transaction for 4 s") { try lockHeld() },
            Drill(name: "an unreadable file (mode 000)") { try unreadable() },
            Drill(name: "files deleted while being read") { try deletedMidRead() },
            Drill(name: "a file still being written (no .part, written in two halves)") { try stillBeingWritten() },
            Drill(name: "power-cut style SIGKILL between commit and file move") { try killBetweenCommitAndMove() },
        ]
        var allPassed = true
        for drill in drills {
            do {
                let result = try drill.run()
                allPassed = allPassed && result.passed
                log("\(result.passed ? "PASS" : "FAIL")  \(drill.name)\n        \(result.what)")
            } catch {
                allPassed = false
                log("FAIL  \(drill.name)\n        the drill itself failed: \(error)")
            }
        }
        log(allPassed ? "All fault drills passed: nothing lost, nothing duplicated." : "SOME FAULT DRILLS FAILED.")
        return allPassed
    }

    // MARK: set-up

    struct Stage {
        let dir: String
        var inbox: String { dir + "/inbox" }
        var db: String { dir + "/docmerge.sqlite" }
        let workload: Workload
    }

    func stage(_ name: String, documents: Int = 120, pipeline: String = "", settleMs: Int = 200) throws -> Stage {
        let dir = workDir + "/" + name
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir + "/inbox", withIntermediateDirectories: true)
        var spec = WorkloadSpec()
        spec.documents = documents
        spec.patients = 20
        spec.seed = name.utf8.reduce(UInt64(7)) { $0 &* 31 &+ UInt64($1) } % 10_000   // stable across runs
        spec.maxEntries = 10
        let workload = WorkloadGenerator(spec: spec).generate()
        try workload.writeMetadata(to: dir)
        try ProcessTools.run(binary, ["patients", "import", dir + "/registry.csv", "--db", dir + "/docmerge.sqlite"])
        let settings = #"{"pipeline":{"settle_ms":"# + String(settleMs) + #","rescan_seconds":0.3,"park_seconds":0.5,"retry_base_ms":10,"retry_attempts":2"# + pipeline + "}}"
        try Data(settings.utf8).write(to: URL(fileURLWithPath: dir + "/config.json"))
        return Stage(dir: dir, workload: workload)
    }

    func start(_ s: Stage, config: String? = nil, environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["run", "--watch", s.inbox, "--db", s.db, "--config", config ?? s.dir + "/config.json"]
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        FileManager.default.createFile(atPath: s.dir + "/runner.log", contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: s.dir + "/runner.log"))
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    func stop(_ p: Process) -> Int32 {
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        return p.terminationStatus
    }

    func finish(_ s: Stage) throws -> Int32 {
        try ProcessTools.run(binary, ["run", "--watch", s.inbox, "--db", s.db, "--once", "--quiet"]).status
    }

    func waitUntil(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }

    func check(_ s: Stage) throws -> Checker.Report {
        try Checker(expected: s.workload.expected, inbox: s.inbox, dbPath: s.db).run()
    }

    func summary(_ report: Checker.Report) -> String {
        report.passed ? "checker: every guarantee holds" : "checker: " + report.findings.filter { !$0.passed }.map { "\($0.guarantee): \($0.violations.first ?? "")" }.joined(separator: "; ")
    }

    func log(of s: Stage) -> String { (try? String(contentsOfFile: s.dir + "/runner.log", encoding: .utf8)) ?? "" }

    func dropAll(_ s: Stage, _ files: ArraySlice<GeneratedFile>) throws { for f in files { try ProcessTools.drop(f, into: s.inbox) } }

    // MARK: drills

    func diskFull() throws -> (Bool, String) {
        let s = try stage("disk-full")
        let pages = try RecordStore(path: s.db).pageCount()
        try Data(#"{"pipeline":{"settle_ms":0,"rescan_seconds":0.3,"park_seconds":0.5,"retry_base_ms":10,"retry_attempts":2,"max_db_pages":\#(pages + 60)}}"#.utf8)
            .write(to: URL(fileURLWithPath: s.dir + "/capped.json"))
        let runner = try start(s, config: s.dir + "/capped.json")
        try dropAll(s, s.workload.files[...])
        var last = -1
        _ = waitUntil(20) {
            let now = ProcessTools.waiting(in: s.inbox)
            defer { last = now }
            return now > 0 && now == last && runner.isRunning && (try? FileManager.default.contentsOfDirectory(atPath: s.inbox + "/processed"))?.isEmpty == false
        }
        let stuck = ProcessTools.waiting(in: s.inbox)
        let alive = runner.isRunning
        let said = log(of: s).contains("full")
        let exit = stop(runner)
        let rerun = try finish(s)
        let report = try check(s)
        return (stuck > 0 && alive && said && exit == 0 && rerun == 0 && report.passed,
                "the cap was reached with \(stuck) files waiting; the runner stayed up (\(alive)), logged why (\(said)), stopped cleanly; after the cap was lifted everything merged — \(summary(report))")
    }

    func readOnly() throws -> (Bool, String) {
        guard getuid() == 0 || FileManager.default.isWritableFile(atPath: "/usr/bin/chattr") else { return (true, "skipped: needs chattr") }
        let s = try stage("read-only")
        let runner = try start(s)
        let half = s.workload.files.count / 2
        try dropAll(s, s.workload.files[..<half])
        _ = waitUntil(30) { ProcessTools.waiting(in: s.inbox) == 0 }
        let lock = try ProcessTools.run("/usr/bin/chattr", ["+i", s.db, s.db + "-wal"])
        guard lock.status == 0 else { _ = stop(runner); return (true, "skipped: chattr +i is not allowed here (\(lock.stderr))") }
        try dropAll(s, s.workload.files[half...])
        _ = waitUntil(3) { false }
        let waitingWhileReadOnly = ProcessTools.waiting(in: s.inbox)
        let alive = runner.isRunning
        try ProcessTools.run("/usr/bin/chattr", ["-i", s.db, s.db + "-wal"])
        let drained = waitUntil(30) { ProcessTools.waiting(in: s.inbox) == 0 }
        let exit = stop(runner)
        let report = try check(s)
        return (waitingWhileReadOnly > 0 && alive && drained && exit == 0 && report.passed,
                "\(waitingWhileReadOnly) files waited while the database was read-only; the runner stayed up; once writable again it reopened the database and merged them by itself — \(summary(report))")
    }

    func lockHeld() throws -> (Bool, String) {
        let s = try stage("lock-held", pipeline: #","busy_timeout_ms":300"#)
        let runner = try start(s)
        let half = s.workload.files.count / 2
        try dropAll(s, s.workload.files[..<half])
        _ = waitUntil(30) { ProcessTools.waiting(in: s.inbox) == 0 }
        let holder = try RecordStore(path: s.db)
        let (waitingWhileLocked, alive) = try holder.holdingWriteLock {
            try dropAll(s, s.workload.files[half...])
            _ = waitUntil(4) { false }
            return (ProcessTools.waiting(in: s.inbox), runner.isRunning)
        }
        let drained = waitUntil(30) { ProcessTools.waiting(in: s.inbox) == 0 }
        let exit = stop(runner)
        let report = try check(s)
        return (waitingWhileLocked > 0 && alive && drained && exit == 0 && report.passed,
                "\(waitingWhileLocked) files waited while another process held the write lock (busy timeout 300 ms, 2 attempts, then parked); after it let go they merged by themselves — \(summary(report))")
    }

    func unreadable() throws -> (Bool, String) {
        let s = try stage("unreadable", documents: 20)
        try dropAll(s, s.workload.files[...])
        let victim = s.workload.files[0].name
        chmod(s.inbox + "/" + victim, 0)
        let status = try finish(s)
        let report = try check(s)
        let note = getuid() == 0 ? "running as root, the file is still readable and was merged normally; as another user it is refused to rejected/ with 'cannot read'" : "refused with its reason"
        return (status == 0 && report.passed, "\(note) — \(summary(report))")
    }

    func deletedMidRead() throws -> (Bool, String) {
        let s = try stage("deleted", documents: 300)
        let runner = try start(s)
        try dropAll(s, s.workload.files[...])
        var deleted = Set<String>()
        for (i, file) in s.workload.files.enumerated() where i % 3 == 1 {
            if unlink(s.inbox + "/" + file.name) == 0 { deleted.insert(file.name) }
        }
        let drained = waitUntil(30) { ProcessTools.waiting(in: s.inbox) == 0 }
        let alive = runner.isRunning
        let exit = stop(runner)
        let processed = Set((try? FileManager.default.contentsOfDirectory(atPath: s.inbox + "/processed")) ?? [])
        let rejected = Set((try? FileManager.default.contentsOfDirectory(atPath: s.inbox + "/rejected")) ?? [])
        let missing = s.workload.files.map(\.name).filter { !deleted.contains($0) && !processed.contains($0) && !rejected.contains($0) }
        let errors = log(of: s).lowercased().contains("error")
        return (drained && alive && exit == 0 && missing.isEmpty && !errors,
                "\(deleted.count) files deleted right after landing; every other file was processed or rejected (\(missing.count) missing); vanished files were not errors")
    }

    func stillBeingWritten() throws -> (Bool, String) {
        // A settle time well above the writer's pauses, so a loaded machine cannot turn a
        // 150 ms pause into a 200 ms one.
        let s = try stage("still-writing", documents: 10, settleMs: 1000)
        let runner = try start(s)
        var results: [String] = []
        var ok = true
        let valid = s.workload.files.filter { !s.workload.expected.refused.contains($0.name) }
        for (i, pause) in [50_000, 150_000].enumerated() {
            let file = valid[i]
            let path = s.inbox + "/" + file.name
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            let half = file.bytes.count / 2
            _ = file.bytes.withUnsafeBytes { write(fd, $0.baseAddress, half) }
            usleep(UInt32(pause))
            _ = file.bytes.withUnsafeBytes { write(fd, $0.baseAddress! + half, file.bytes.count - half) }
            close(fd)
            let done = waitUntil(10) { FileManager.default.fileExists(atPath: s.inbox + "/processed/" + file.name) || FileManager.default.fileExists(atPath: s.inbox + "/rejected/" + file.name) }
            let merged = FileManager.default.fileExists(atPath: s.inbox + "/processed/" + file.name)
            ok = ok && done && merged
            var outcome = merged ? "waited and merged" : (done ? "refused" : "not taken within 10 s")
            if !merged {
                let left = (try? FileManager.default.contentsOfDirectory(atPath: s.inbox)) ?? []
                outcome += " (inbox: \(left.sorted()); log: \(log(of: s).suffix(400)))"
            }
            results.append("a pause of \(pause / 1000) ms mid-write: \(outcome)")
        }
        _ = stop(runner)
        return (ok, results.joined(separator: "; ") + " (writers should still write NAME.part and rename it)")
    }

    func killBetweenCommitAndMove() throws -> (Bool, String) {
        let s = try stage("commit-then-kill")
        try dropAll(s, s.workload.files[...])
        let runner = try start(s, environment: ["DOCMERGE_FAULT_KILL_AFTER_COMMIT": "2"])
        runner.waitUntilExit()
        let killed = runner.terminationReason == .uncaughtSignal && runner.terminationStatus == SIGKILL
        let store = try RecordStore(path: s.db)
        let committed = try store.documentCount()
        let stillThere = ProcessTools.waiting(in: s.inbox)
        let rerun = try finish(s)
        let report = try check(s)
        return (killed && committed > 0 && rerun == 0 && report.passed,
                "killed by SIGKILL right after its 2nd commit with \(committed) documents committed and \(stillThere) files not yet moved; the restart recognised them as replays and just moved them — \(summary(report))")
    }
}
