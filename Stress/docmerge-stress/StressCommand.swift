import DocmergeStressKit
import Foundation

/// docmerge-stress: the stress harness and benchmark (see README "Stress and benchmark").
@main
struct StressCommand {
    static let usage = """
        Usage: docmerge-stress COMMAND [options]

          run       generate a workload, drop it into a real `docmerge run`, check every guarantee
                    [--documents N] [--patients N] [--seed N] [--rate DOCS_PER_S] [--kill-every SECONDS]
                    [--no-reviews] [--rss-limit-mib N] [--dir DIR]
          generate  write a workload (inbox files, registry.csv, expected.json) into --dir DIR
                    [--documents N] [--patients N] [--seed N] [--clean: the compare's benchmark mix]
          faults    real faults one by one (disk full, read-only database, a lock held for seconds,
                    an unreadable file, a file deleted mid-read, a file still being written,
                    a kill between commit and file move) and what happened [--dir DIR]; the disk-full
                    and kill-after-commit drills need a debug docmerge (its fault hooks)
          compare   two binaries side by side, interleaved, on the same workloads (seed-like, uniform,
                    hot patient): throughput ratios, bytes and write calls per document
                    --baseline BINARY [--candidate BINARY] [--rounds N] [--out DIR]
          console   the review console under load: N signed-in sessions browse and act while the
                    runner ingests; no error allowed; page-time percentiles
                    [--sessions N] [--seconds S] [--rate FILES_PER_S] [--documents N] [--dir DIR]
          bench     the benchmark (build with -c release): throughput, latency at a fixed load,
                    merge cost against record size, peak memory; writes bench.md and bench.json
                    [--out DIR] [--quick]

        The docmerge binary is taken from beside this one (or DOCMERGE_BINARY).
        """

    static func main() async {
        var args = Array(CommandLine.arguments.dropFirst())
        guard let command = args.first, !["--help", "-h"].contains(command) else {
            say(usage)
            exit(args.isEmpty ? 2 : 0)
        }
        args.removeFirst()
        if args.contains("--help") { say(usage); exit(0) }
        let options = Options(args)
        do {
            switch command {
            case "run": exit(try runStress(options) ? 0 : 1)
            case "generate": try generate(options)
            case "compare":
                guard let baseline = options.value("baseline") else { say("compare needs --baseline BINARY"); exit(2) }
                try Comparison(baseline: baseline, candidate: options.value("candidate") ?? ProcessTools.docmergeBinary(),
                               outDir: options.value("out") ?? "compare-output", rounds: Int(options.value("rounds") ?? "3") ?? 3,
                               log: { say($0) }).run()
            case "faults": exit(try FaultDrills(workDir: options.dir("faults"), log: { say($0) }).run() ? 0 : 1)
            case "console": exit(try runConsole(options) ? 0 : 1)
            case "bench": try await Benchmark(outDir: options.value("out") ?? "bench-output", quick: options.flag("quick"),
                                              log: { say($0) }).run()
            default:
                FileHandle.standardError.write(Data("Unknown command '\(command)'; see --help.\n".utf8))
                exit(2)
            }
        } catch {
            FileHandle.standardError.write(Data("docmerge-stress: \(error)\n".utf8))
            exit(1)
        }
    }

    static func spec(_ o: Options) -> WorkloadSpec {
        var spec = WorkloadSpec()
        spec.documents = o.int("documents") ?? spec.documents
        spec.patients = o.int("patients") ?? spec.patients
        spec.seed = UInt64(o.int("seed") ?? Int(spec.seed))
        return spec
    }

    static func runStress(_ o: Options) throws -> Bool {
        var options = StressRun.Options(workDir: o.dir("stress"))
        options.spec = spec(o)
        options.rate = o.value("rate").flatMap(Double.init)
        options.killEvery = o.value("kill-every").flatMap(Double.init)
        options.reviews = !o.flag("no-reviews")
        options.rssLimitMiB = o.int("rss-limit-mib")
        say("stress run in \(options.workDir)")
        let outcome = try StressRun(options: options).run()
        say(String(format: "%.1f s, %d kills, peak RSS %@", outcome.seconds, outcome.kills,
                     outcome.peakRSS.map { "\($0 / 1_048_576) MiB" } ?? "not measured"))
        say(outcome.report.text)
        return outcome.report.passed
    }

    static func runConsole(_ o: Options) throws -> Bool {
        var options = ConsoleLoad.Options(workDir: o.dir("console"))
        options.sessions = o.int("sessions") ?? options.sessions
        options.seconds = o.value("seconds").flatMap(Double.init) ?? options.seconds
        options.rate = o.value("rate").flatMap(Double.init) ?? options.rate
        options.documents = o.int("documents") ?? options.documents
        say("console load in \(options.workDir)")
        let outcome = try ConsoleLoad(options: options, log: { say($0) }).run()
        say(outcome.text)
        for error in outcome.errors.prefix(20) { say("  " + error) }
        say(outcome.errors.isEmpty ? "PASS: no errors" : "FAIL: \(outcome.errors.count) errors")
        return outcome.errors.isEmpty
    }

    static func generate(_ o: Options) throws {
        let dir = o.dir("workload")
        var spec = spec(o)
        if o.flag("clean") {
            spec = Comparison.spec(documents: spec.documents, patients: spec.patients, seed: spec.seed)
        }
        let workload = WorkloadGenerator(spec: spec).generate()
        try workload.writeMetadata(to: dir)
        try FileManager.default.createDirectory(atPath: dir + "/inbox", withIntermediateDirectories: true)
        for file in workload.files { try ProcessTools.drop(file, into: dir + "/inbox") }
        say("\(workload.files.count) files (\(workload.totalBytes / 1024) KiB) in \(dir)/inbox; registry.csv and expected.json beside it")
    }
}

/// `--name value` options and `--flag`s.
struct Options {
    var values: [String: String] = [:]
    var flags: Set<String> = []

    init(_ args: [String]) {
        var i = 0
        while i < args.count {
            let name = String(args[i].drop(while: { $0 == "-" }))
            if i + 1 < args.count, !args[i + 1].hasPrefix("--") {
                values[name] = args[i + 1]
                i += 2
            } else {
                flags.insert(name)
                i += 1
            }
        }
    }

    func value(_ name: String) -> String? { values[name] }
    func int(_ name: String) -> Int? { values[name].flatMap { Int($0) } }
    func flag(_ name: String) -> Bool { flags.contains(name) }

    /// --dir, or a fresh folder under the system temporary directory.
    func dir(_ label: String) -> String {
        values["dir"] ?? FileManager.default.temporaryDirectory.appendingPathComponent("docmerge-\(label)-\(UUID().uuidString.prefix(8))").path
    }
}

/// One line on standard output, written at once (progress shows up even in a log file).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
