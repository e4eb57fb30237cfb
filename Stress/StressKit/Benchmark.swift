#if canImport(Glibc)
import Glibc
#endif
import DocmergeCore
import DocmergeModel
import Foundation
import Synchronization

/// `docmerge-stress bench`: end-to-end throughput, latency at a fixed offered load, merge
/// cost against the size of the patient's record, and peak memory. Writes bench.md and
/// bench.json with the machine noted. Run on a release build.
///
/// For profiling: BENCH_PHASES_ONLY=1 stops after the single-thread phase timings (parse,
/// decode, plan, hash, merge); BENCH_MICRO=1 adds per-primitive throughputs (hashes,
/// serializer, parser) on one document.
public struct Benchmark {
    public let outDir: String
    public let quick: Bool
    public let log: @Sendable (String) -> Void
    public let binary = ProcessTools.docmergeBinary()

    public init(outDir: String, quick: Bool, log: @escaping @Sendable (String) -> Void) {
        self.outDir = outDir
        self.quick = quick
        self.log = log
    }

    struct Results: Codable {
        var machine: [String: String] = [:]
        var throughput: [String: Double] = [:]
        var latency: [String: Double] = [:]
        var mergeCost: [String: Double] = [:]
        var memory: [String: Double] = [:]
        var phases: [String: Double] = [:]
    }

    public func run() async throws {
        try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
        var results = Results()
        results.machine = Self.machine()
        log("machine: \(results.machine["cpu"] ?? "?"), \(results.machine["cores"] ?? "?") cores; binary \(binary)")
        results.phases = try PhaseProfile.run(files: WorkloadGenerator(spec: cleanSpec(documents: 2000, patients: 200, seed: 5)).generate().files,
                                              dir: outDir + "/phases", log: log)
        if ProcessInfo.processInfo.environment["BENCH_PHASES_ONLY"] != nil { return }
        results.throughput = try throughput(documents: quick ? 3000 : 20_000)
        results.latency = try latency(rate: 500, documents: quick ? 1500 : 5000)
        results.mergeCost = try mergeCost(sizes: quick ? [10, 1000, 10_000] : [10, 1000, 10_000, 100_000])
        results.memory = try memory(documents: quick ? 10_000 : 100_000, patients: 20_000)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(results).write(to: URL(fileURLWithPath: outDir + "/bench.json"))
        let markdown = Self.markdown(results)
        try Data(markdown.utf8).write(to: URL(fileURLWithPath: outDir + "/bench.md"))
        log(markdown)
    }

    /// A workload of clean documents of ~13 resources (the benchmark's document shape).
    func cleanSpec(documents: Int, patients: Int, seed: UInt64, maxEntries: Int = 24) -> WorkloadSpec {
        .clean(documents: documents, patients: patients, seed: seed, maxEntries: maxEntries)
    }

    func prepare(_ name: String, _ spec: WorkloadSpec) throws -> (dir: String, workload: Workload) {
        let dir = outDir + "/" + name
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir + "/inbox", withIntermediateDirectories: true)
        let workload = WorkloadGenerator(spec: spec).generate()
        try workload.writeMetadata(to: dir)
        try ProcessTools.run(binary, ["patients", "import", dir + "/registry.csv", "--db", dir + "/docmerge.sqlite"])
        return (dir, workload)
    }

    func throughput(documents: Int) throws -> [String: Double] {
        let (dir, workload) = try prepare("throughput", cleanSpec(documents: documents, patients: 2000, seed: 7))
        for file in workload.files { try ProcessTools.drop(file, into: dir + "/inbox") }
        let resources = workload.expected.documents.values.reduce(0) { $0 + $1.resources }
        log("throughput: \(workload.files.count) documents, \(resources) resources, \(workload.totalBytes / workload.files.count) bytes each on average, dropped at once")
        let start = Date()
        let result = try ProcessTools.run(binary, ["run", "--watch", dir + "/inbox", "--db", dir + "/docmerge.sqlite", "--once", "--quiet"])
        let seconds = Date().timeIntervalSince(start)
        let processed = ((try? FileManager.default.contentsOfDirectory(atPath: dir + "/inbox/processed")) ?? []).count
        guard result.status == 0, processed == workload.files.count else {
            throw StressError("throughput run failed (\(processed) of \(workload.files.count) processed): \(result.stderr)")
        }
        log(String(format: "  %.2f s: %.0f documents/s, %.0f resources/s", seconds, Double(processed) / seconds, Double(resources) / seconds))
        return ["documents": Double(processed), "resources": Double(resources), "seconds": seconds,
                "documents_per_second": Double(processed) / seconds, "resources_per_second": Double(resources) / seconds,
                "mean_document_bytes": Double(workload.totalBytes / max(1, workload.files.count))]
    }

    func latency(rate: Double, documents: Int) throws -> [String: Double] {
        let (dir, workload) = try prepare("latency", cleanSpec(documents: documents, patients: 1000, seed: 8))
        let db = dir + "/docmerge.sqlite"
        let config = dir + "/config.json"
        try Data(#"{"pipeline":{}}"#.utf8).write(to: URL(fileURLWithPath: config))
        log("latency: \(workload.files.count) documents offered at \(Int(rate))/s")
        let metrics = try SteadyDrop.run(binary, workload, rate: rate, dir: dir, db: db, extraArguments: ["--config", config])
        let landed = metrics["live"]?["landed_to_committed_ms"]
        let merge = metrics["merge_latency_ms"]
        var out: [String: Double] = ["offered_per_second": rate, "documents": Double(workload.files.count)]
        for q in ["p50", "p95", "p99", "max"] {
            out["merge_ms_\(q)"] = merge?[q]?.numberValue ?? -1
            out["landed_to_committed_ms_\(q)"] = landed?[q]?.numberValue ?? -1
        }
        log(String(format: "  merge p50 %.2f ms, p99 %.2f ms; landed→committed p50 %.1f ms, p99 %.1f ms",
                   out["merge_ms_p50"] ?? -1, out["merge_ms_p99"] ?? -1, out["landed_to_committed_ms_p50"] ?? -1, out["landed_to_committed_ms_p99"] ?? -1))
        return out
    }

    /// Median cost of merging a 13-resource document into a record that already holds
    /// `size` resources, one document per transaction.
    func mergeCost(sizes: [Int]) throws -> [String: Double] {
        var out: [String: Double] = [:]
        let dir = outDir + "/merge-cost"
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let store = try RecordStore(path: dir + "/docmerge.sqlite")
        var random = SeededRandom(seed: 99)
        func document(_ id: String, mrn: String, entries: Int) throws -> PreparedDocument {
            let root = JSON.object([
                JSONMember("document", .object([JSONMember("id", .string(id))])),
                JSONMember("patient", .object([JSONMember("mrn", .string(mrn)), JSONMember("name", .string("Bench Patient"))])),
                JSONMember("extraction", .object([JSONMember("confidence", .number("0.97")), JSONMember("model", .string("m")),
                                                  JSONMember("fallback_used", .bool(false))])),
                JSONMember("entries", .array(ClinicalContent.entries(count: entries, random: &random))),
            ])
            return try PreparedDocument.prepare(root.bytes, decoder: ExtractionDecoder(), thresholds: Thresholds(), firstSeen: Date())
        }
        for size in sizes {
            let mrn = "MRN-SIZE-\(size)"
            var seeded = 0, n = 0
            while seeded < size {
                let count = min(100, size - seeded)
                var batch: [PreparedDocument] = []
                for _ in 0..<20 where seeded < size {
                    let c = min(count, size - seeded)
                    batch.append(try document("seed-\(size)-\(n)", mrn: mrn, entries: c))
                    seeded += c
                    n += 1
                }
                _ = try store.mergeBatch(batch)
            }
            let probes = try (0..<200).map { try document("probe-\(size)-\($0)", mrn: mrn, entries: 13) }
            var times: [Double] = []
            for probe in probes {
                let t0 = DispatchTime.now().uptimeNanoseconds
                _ = try store.merge(probe)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
            }
            times.sort()
            out["median_ms_at_\(size)"] = times[times.count / 2]
            out["p95_ms_at_\(size)"] = times[times.count * 95 / 100]
            log(String(format: "merge cost: record of %d resources: median %.3f ms, p95 %.3f ms per 13-resource document (own transaction)",
                       size, times[times.count / 2], times[times.count * 95 / 100]))
        }
        if let small = out["median_ms_at_\(sizes[0])"], let large = out["median_ms_at_\(sizes[sizes.count - 1])"] {
            out["ratio_largest_to_smallest"] = large / small
        }
        return out
    }

    /// Peak RSS of `docmerge run --once` over `documents` documents, and over a tenth of
    /// them: memory must not grow with the documents processed.
    func memory(documents: Int, patients: Int) throws -> [String: Double] {
        var out: [String: Double] = [:]
        for (label, count) in [("tenth", documents / 10), ("full", documents)] {
            let (dir, workload) = try prepare("memory-\(label)", cleanSpec(documents: count, patients: patients, seed: 11, maxEntries: 12))
            for file in workload.files { try ProcessTools.drop(file, into: dir + "/inbox") }
            let process = try ProcessTools.start(binary, ["run", "--watch", dir + "/inbox", "--db", dir + "/docmerge.sqlite", "--once", "--quiet"],
                                                 log: dir + "/runner.log")
            var peak = 0
            let start = Date()
            var marks = [0.25, 0.5, 0.75]
            var progression: [String] = []
            while process.isRunning {
                if let p = ProcessTools.peakRSS(pid: process.processIdentifier) { peak = max(peak, p) }
                if let mark = marks.first, Double(StressRun.done(in: dir + "/inbox")) >= mark * Double(count) {
                    marks.removeFirst()
                    let now = ProcessTools.residentRSS(pid: process.processIdentifier) ?? 0
                    out["rss_mib_\(label)_at_\(Int(mark * 100))pct"] = Double(now) / 1_048_576
                    progression.append("\(Int(mark * 100))%: \(now / 1_048_576) MiB")
                }
                usleep(20_000)
            }
            if !progression.isEmpty { log("  resident memory as the run progressed: " + progression.joined(separator: ", ")) }
            let seconds = Date().timeIntervalSince(start)
            out["peak_rss_mib_\(label)"] = Double(peak) / 1_048_576
            out["documents_\(label)"] = Double(count)
            log(String(format: "memory: %d documents over %d patients: peak RSS %.0f MiB (%.1f s)", count, patients, Double(peak) / 1_048_576, seconds))
            try? FileManager.default.removeItem(atPath: dir + "/inbox")
        }
        return out
    }

    static func machine() -> [String: String] {
        var info: [String: String] = ["cores": String(ProcessInfo.processInfo.activeProcessorCount),
                                      "memory_gib": String(ProcessInfo.processInfo.physicalMemory / 1_073_741_824),
                                      "os": ProcessInfo.processInfo.operatingSystemVersionString,
                                      "date": Timestamp.format(Date())]
        if let cpu = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
           let line = cpu.split(separator: "\n").first(where: { $0.hasPrefix("model name") }) {
            info["cpu"] = line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) }
        }
        return info
    }

    static func markdown(_ r: Results) -> String {
        func f(_ v: Double?, _ digits: Int = 1) -> String { v.map { String(format: "%.\(digits)f", $0) } ?? "—" }
        var md = "# docmerge benchmark\n\nMachine: \(r.machine["cpu"] ?? "?"), \(r.machine["cores"] ?? "?") cores, \(r.machine["memory_gib"] ?? "?") GiB; \(r.machine["date"] ?? "")\n\n"
        md += "| measure | result | target |\n| --- | --- | --- |\n"
        md += "| end-to-end throughput, \(f(r.throughput["documents"], 0)) documents dropped at once (~\(f(r.throughput["mean_document_bytes"], 0)) bytes each) | \(f(r.throughput["documents_per_second"], 0)) documents/s, \(f(r.throughput["resources_per_second"], 0)) resources/s | ≥ 3,000 documents/s |\n"
        md += "| merge latency at \(f(r.latency["offered_per_second"], 0)) documents/s offered | p50 \(f(r.latency["merge_ms_p50"], 2)) ms, p95 \(f(r.latency["merge_ms_p95"], 2)) ms, p99 \(f(r.latency["merge_ms_p99"], 2)) ms | |\n"
        md += "| file landed → committed at \(f(r.latency["offered_per_second"], 0)) documents/s | p50 \(f(r.latency["landed_to_committed_ms_p50"])) ms, p99 \(f(r.latency["landed_to_committed_ms_p99"])) ms | p99 < 100 ms |\n"
        let sizes = r.mergeCost.keys.filter { $0.hasPrefix("median_ms_at_") }.compactMap { Int($0.dropFirst(13)) }.sorted()
        md += "| merge cost by record size (median per 13-resource document, own transaction) | " + sizes.map { "\($0): \(f(r.mergeCost["median_ms_at_\($0)"], 3)) ms" }.joined(separator: ", ")
        md += "; ratio \(f(r.mergeCost["ratio_largest_to_smallest"], 2))× | largest within 1.5× of smallest |\n"
        md += "| peak RSS, \(f(r.memory["documents_full"], 0)) documents over 20,000 patients | \(f(r.memory["peak_rss_mib_full"], 0)) MiB (\(f(r.memory["peak_rss_mib_tenth"], 0)) MiB for a tenth of them) | bounded |\n"
        return md
    }
}
