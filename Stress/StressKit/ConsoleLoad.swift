#if canImport(Glibc)
import Glibc
#endif
import DocmergeModel
import Foundation
import Synchronization

/// The review console under load: `sessions` stewards (each signed in with its own
/// account) browse the dashboard, the queue, documents and the audit trail and act on
/// flagged documents for `seconds`, while a real `docmerge run` ingests a workload
/// dropped at `rate` files a second. Every answer is checked; page times are recorded.
public struct ConsoleLoad {
    public struct Options: Sendable {
        public var workDir: String
        public var binary = ProcessTools.docmergeBinary()
        public var sessions = 50
        public var seconds = 60.0
        public var rate = 20.0
        public var documents = 3000
        public init(workDir: String) { self.workDir = workDir }
    }

    public struct Outcome: Sendable {
        public var requests = 0
        public var actions = 0
        /// 409 answers: two stewards acted on one document; the second was refused (expected).
        public var stale = 0
        public var errors: [String] = []
        public var latencies = LatencyHistogram()
        public var ingested = 0
        public var seconds = 0.0

        public var text: String {
            String(format: "%d requests by the sessions in %.0f s (%.0f/s), %d actions, %d stale refusals (expected), %d errors; page time p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms; %d documents ingested meanwhile",
                   requests, seconds, Double(requests) / max(seconds, 0.001), actions, stale, errors.count,
                   latencies.percentile(0.5), latencies.percentile(0.95), latencies.percentile(0.99), latencies.max, ingested)
        }
    }

    public let options: Options
    let log: @Sendable (String) -> Void

    public init(options: Options, log: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.log = log
    }

    public func run() throws -> Outcome {
        let o = options
        let inbox = o.workDir + "/inbox", db = o.workDir + "/db.sqlite"
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        var spec = WorkloadSpec()
        spec.documents = o.documents
        spec.patients = max(20, o.documents / 10)
        spec.lowConfidence = 0.10
        let workload = WorkloadGenerator(spec: spec).generate()
        try workload.writeMetadata(to: o.workDir)
        _ = try ProcessTools.run(o.binary, ["patients", "import", o.workDir + "/registry.csv", "--db", db])
        // A first batch so the queue has documents to act on from the start.
        let first = min(workload.files.count, max(200, o.sessions * 4))
        for file in workload.files.prefix(first) { try ProcessTools.drop(file, into: inbox) }
        _ = try ProcessTools.run(o.binary, ["run", "--watch", inbox, "--db", db, "--once", "--quiet"])
        for i in 0..<o.sessions {
            let added = try Self.runWithInput(o.binary, ["stewards", "add", "load-\(i)", "--db", db, "--iterations", "1000"], input: "load-test-password\n")
            guard added == 0 else { throw ConsoleClient.Failure(description: "stewards add failed") }
        }
        let runner = try ProcessTools.start(o.binary, ["run", "--watch", inbox, "--db", db, "--quiet"], log: o.workDir + "/runner.log")
        let serveLog = o.workDir + "/serve.log"
        let serve = try ProcessTools.start(o.binary, ["serve", "--db", db, "--listen", "127.0.0.1:0", "--max-connections", String(max(64, o.sessions + 8))], log: serveLog)
        defer {
            kill(serve.processIdentifier, SIGTERM)
            kill(runner.processIdentifier, SIGTERM)
            serve.waitUntilExit()
            runner.waitUntilExit()
        }
        var port: UInt16?
        let started = Date()
        while port == nil && Date().timeIntervalSince(started) < 30 {
            let text = (try? String(contentsOfFile: serveLog, encoding: .utf8)) ?? ""
            if let r = text.range(of: "listening on http://127.0.0.1:") { port = UInt16(text[r.upperBound...].prefix(while: \.isNumber)) }
            usleep(50_000)
        }
        guard let port else { throw ConsoleClient.Failure(description: "docmerge serve did not start") }
        log("console load: \(o.sessions) sessions for \(Int(o.seconds)) s on port \(port), runner ingesting \(workload.files.count - first) more files at \(Int(o.rate))/s")

        let results = Mutex(Outcome())
        let deadline = Date().addingTimeInterval(o.seconds)
        let group = DispatchGroup()
        // The ingest: files dropped at the rate while the sessions run.
        group.enter()
        Thread {
            var next = first
            let t0 = Date()
            while Date() < deadline && next < workload.files.count {
                let due = first + Int(Date().timeIntervalSince(t0) * o.rate)
                while next < min(due, workload.files.count) {
                    try? ProcessTools.drop(workload.files[next], into: inbox)
                    next += 1
                }
                usleep(20_000)
            }
            results.withLock { $0.ingested = next }
            group.leave()
        }.start()
        for i in 0..<o.sessions {
            group.enter()
            Thread {
                let session = Self.session(index: i, port: port, deadline: deadline)
                results.withLock { r in
                    r.requests += session.requests
                    r.actions += session.actions
                    r.stale += session.stale
                    r.errors += session.errors
                    r.latencies.merge(session.latencies)
                }
                group.leave()
            }.start()
        }
        group.wait()
        var outcome = results.withLock { $0 }
        outcome.seconds = o.seconds
        return outcome
    }

    /// One steward: sign in, then browse and act until the deadline.
    static func session(index: Int, port: UInt16, deadline: Date) -> Outcome {
        var out = Outcome()
        let client = ConsoleClient(port: port)
        var random = SystemRandomNumberGenerator()
        func timed(_ what: String, _ expected: Set<Int>, _ body: () throws -> ConsoleClient.Response) -> ConsoleClient.Response? {
            let t0 = Date()
            do {
                let r = try body()
                out.latencies.record(Date().timeIntervalSince(t0) * 1000)
                out.requests += 1
                if r.status == 409 { out.stale += 1 } else if !expected.contains(r.status) {
                    out.errors.append("session \(index): \(what) answered \(r.status)")
                }
                return r
            } catch {
                out.errors.append("session \(index): \(what) failed: \(error)")
                return nil
            }
        }
        guard timed("sign-in", [303], { try client.login("load-\(index)", "load-test-password") }) != nil else { return out }
        while Date() < deadline && out.errors.count < 5 {
            _ = timed("dashboard", [200]) { try client.get("/") }
            guard let queue = timed("queue", [200], { try client.get("/documents/flagged/?page=\(Int.random(in: 1...3, using: &random))") }) else { continue }
            let ids = queue.body.components(separatedBy: "href=\"/documents/").dropFirst().compactMap { part -> String? in
                let pieces = part.split(separator: "/", maxSplits: 2)
                return pieces.count >= 2 && pieces[1] == "verify" ? String(pieces[0]) : nil
            }
            guard let id = ids.randomElement(using: &random) else {
                _ = timed("audit", [200]) { try client.get("/audit/") }
                continue
            }
            guard let page = timed("document", [200], { try client.get("/documents/\(id)/verify/") }),
                  let csrf = ConsoleClient.field("csrf", in: page.body), let version = ConsoleClient.field("version", in: page.body) else { continue }
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<3 where page.body.contains(">Mark as correct</button>"):
                if timed("mark correct", [303], { try client.post("/documents/\(id)/mark-correct/", [("csrf", csrf), ("version", version)]) })?.status == 303 {
                    out.actions += 1
                }
            case 3 where page.body.contains(">Remove from record</button>"):
                if timed("remove", [303], { try client.post("/documents/\(id)/remove/", [("csrf", csrf), ("version", version), ("reason", "load test"), ("confirm", "yes")]) })?.status == 303 {
                    out.actions += 1
                }
            case 4:
                _ = timed("audit", [200]) { try client.get("/audit/?actor=load-\(index)") }
            default:
                _ = timed("metrics", [200]) { try client.get("/metrics") }
            }
        }
        return out
    }

    static func runWithInput(_ binary: String, _ args: [String], input: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = args
        let pipe = Pipe()
        process.standardInput = pipe
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        pipe.fileHandleForWriting.write(Data(input.utf8))
        try pipe.fileHandleForWriting.close()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
