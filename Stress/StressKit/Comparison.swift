#if canImport(Glibc)
import Glibc
#endif
import DocmergeModel
import Foundation

/// `docmerge-stress compare`: two binaries side by side on the same generated workloads,
/// interleaved in one run (ABBA order per round), so a shared, noisy machine weighs on
/// both alike. Reports medians and ratios (candidate / baseline).
public struct Comparison {
    public let baseline: String
    public let candidate: String
    public let outDir: String
    public let rounds: Int
    public let log: @Sendable (String) -> Void

    public init(baseline: String, candidate: String, outDir: String, rounds: Int, log: @escaping @Sendable (String) -> Void) {
        self.baseline = baseline
        self.candidate = candidate
        self.outDir = outDir
        self.rounds = max(1, rounds)
        self.log = log
    }

    struct Case {
        let name: String
        let spec: WorkloadSpec
    }

    /// One `run --once` of a workload: seconds, and what the process wrote (from the
    /// kernel's I/O accounting of the shell that reaped it).
    struct Measure {
        var seconds: Double
        var writtenBytes: Double
        var writeCalls: Double
    }

    /// The compare's workloads: `WorkloadSpec.clean`, Zipf 1.1 unless told otherwise.
    public static func spec(documents: Int, patients: Int, seed: UInt64, exponent: Double = 1.1, hot: Double = 0) -> WorkloadSpec {
        var spec = WorkloadSpec.clean(documents: documents, patients: patients, seed: seed)
        spec.zipfExponent = exponent
        spec.hotShare = hot
        return spec
    }

    public func run() throws {
        try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
        let cases = [
            Case(name: "seed-like (2,000 documents, 200 patients, Zipf 1.1)", spec: Self.spec(documents: 2000, patients: 200, seed: 21)),
            Case(name: "uniform (2,000 documents, 200 patients)", spec: Self.spec(documents: 2000, patients: 200, seed: 22, exponent: 0)),
            Case(name: "hot patient (2,000 documents, half to one patient)", spec: Self.spec(documents: 2000, patients: 200, seed: 23, exponent: 0, hot: 0.5)),
        ]
        var lines = ["# Side by side: baseline vs candidate", "",
                     "Machine: \(Benchmark.machine()["cpu"] ?? "?"), \(ProcessInfo.processInfo.activeProcessorCount) cores; load average at start \(Self.loadAverage())",
                     "baseline: \(baseline)", "candidate: \(candidate)", "rounds: \(rounds), order ABBA per round", ""]
        var medians: [String: [String: Double]] = [:]
        for c in cases {
            let workload = WorkloadGenerator(spec: c.spec).generate()
            let resources = workload.expected.documents.values.reduce(0) { $0 + $1.resources }
            log("\(c.name): \(workload.files.count) files, \(resources) resources, \(workload.totalBytes / max(1, workload.files.count)) bytes each")
            var results: [String: [Measure]] = ["baseline": [], "candidate": []]
            for round in 0..<rounds {
                let order = round % 2 == 0 ? [("baseline", baseline), ("candidate", candidate)] : [("candidate", candidate), ("baseline", baseline)]
                for (label, binary) in order + order.reversed() {
                    let m = try once(binary, workload, dir: outDir + "/run")
                    results[label, default: []].append(m)
                    log(String(format: "  round %d %@: %.3f s, %.0f documents/s", round + 1, label, m.seconds, Double(workload.files.count) / m.seconds))
                }
            }
            var row: [String: Double] = [:]
            for label in ["baseline", "candidate"] {
                let ms = results[label] ?? []
                let seconds = Self.median(ms.map(\.seconds))
                row["\(label)_docs_per_s"] = Double(workload.files.count) / seconds
                row["\(label)_bytes_per_doc"] = Self.median(ms.map(\.writtenBytes)) / Double(workload.files.count)
                row["\(label)_writes_per_doc"] = Self.median(ms.map(\.writeCalls)) / Double(workload.files.count)
            }
            medians[c.name] = row
            lines.append(String(format: "| %@ | baseline %.0f docs/s | candidate %.0f docs/s | ratio %.2f× | bytes written/doc %.0f → %.0f | write calls/doc %.1f → %.1f |",
                                c.name, row["baseline_docs_per_s"] ?? 0, row["candidate_docs_per_s"] ?? 0,
                                (row["candidate_docs_per_s"] ?? 0) / max(1, row["baseline_docs_per_s"] ?? 1),
                                row["baseline_bytes_per_doc"] ?? 0, row["candidate_bytes_per_doc"] ?? 0,
                                row["baseline_writes_per_doc"] ?? 0, row["candidate_writes_per_doc"] ?? 0))
        }
        if let hot = medians[cases[2].name], let uniform = medians[cases[1].name] {
            for label in ["baseline", "candidate"] {
                lines.append(String(format: "%@: hot patient / uniform = %.2f", label,
                                    (hot["\(label)_docs_per_s"] ?? 0) / max(1, uniform["\(label)_docs_per_s"] ?? 1)))
            }
        }
        lines.append("")
        let spec = Self.spec(documents: 3000, patients: 1000, seed: 24)
        let workload = WorkloadGenerator(spec: spec).generate()
        for label in ["baseline", "candidate", "candidate", "baseline"].prefix(rounds > 1 ? 4 : 2) {
            let p = try latency(label == "baseline" ? baseline : candidate, workload, rate: 1000, dir: outDir + "/latency")
            log(String(format: "  latency %@: landed→committed p50 %.1f ms, p99 %.1f ms at 1,000 documents/s offered", label, p.p50, p.p99))
            lines.append(String(format: "latency at 1,000 documents/s offered (3,000 documents, 1,000 patients), %@: landed→committed p50 %.1f ms, p99 %.1f ms",
                                label, p.p50, p.p99))
        }
        lines.append("")
        lines.append("load average at end \(Self.loadAverage())")
        let text = lines.joined(separator: "\n") + "\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: outDir + "/compare.md"))
        log(text)
    }

    func once(_ binary: String, _ workload: Workload, dir: String) throws -> Measure {
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir + "/inbox", withIntermediateDirectories: true)
        try workload.writeMetadata(to: dir)
        try ProcessTools.run(binary, ["patients", "import", dir + "/registry.csv", "--db", dir + "/docmerge.sqlite"])
        for file in workload.files { try ProcessTools.drop(file, into: dir + "/inbox") }
        let start = Date()
        // The shell reaps docmerge, so its /proc io then includes docmerge's writes.
        let result = try ProcessTools.run("/bin/sh", ["-c", "\"$0\" \"$@\" || exit 1; cat /proc/$$/io", binary,
                                                      "run", "--watch", dir + "/inbox", "--db", dir + "/docmerge.sqlite", "--once", "--quiet"])
        let seconds = Date().timeIntervalSince(start)
        let processed = ((try? FileManager.default.contentsOfDirectory(atPath: dir + "/inbox/processed")) ?? []).count
        guard result.status == 0, processed == workload.files.count else {
            throw StressError("run failed (\(processed) of \(workload.files.count) processed): \(result.stderr)")
        }
        var io: [String: Double] = [:]
        for line in result.stdout.split(separator: "\n") {
            let parts = line.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, let v = Double(parts[1]) { io[parts[0]] = v }
        }
        return Measure(seconds: seconds, writtenBytes: io["wchar"] ?? 0, writeCalls: io["syscw"] ?? 0)
    }

    /// Files dropped at a steady `rate` into a running runner; the runner's own
    /// landed→committed histogram (metrics.json) after SIGTERM.
    func latency(_ binary: String, _ workload: Workload, rate: Double, dir: String) throws -> (p50: Double, p99: Double) {
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir + "/inbox", withIntermediateDirectories: true)
        try workload.writeMetadata(to: dir)
        try ProcessTools.run(binary, ["patients", "import", dir + "/registry.csv", "--db", dir + "/docmerge.sqlite"])
        let metrics = try SteadyDrop.run(binary, workload, rate: rate, dir: dir, db: dir + "/docmerge.sqlite")
        let landed = metrics["live"]?["landed_to_committed_ms"]
        return (landed?["p50"]?.numberValue ?? -1, landed?["p99"]?.numberValue ?? -1)
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    static func loadAverage() -> String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").prefix(3).joined(separator: " ")
    }
}
