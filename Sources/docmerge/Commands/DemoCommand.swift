#if canImport(Glibc)
import Glibc
#endif
import DocmergeCore
import DocmergeModel
import DocmergePipeline
import Foundation

struct DemoCommand: Command {
    static let name = "demo"
    static let summary = "sample inbox, embedded database, summary"
    static let usage = """
        Usage: docmerge demo [--dir DIR] [--quiet]

        Builds a sample inbox in a fresh folder (default ./docmerge-demo, or -2, -3 … if taken)
        from the samples shipped with docmerge — confident documents, a low-confidence scan, a
        fallback-model extraction, an empty cover page, a date-of-birth conflict, a different
        person's name, a name written differently that must not flag, a re-drop, a
        re-extraction, few resources and a corrupt upload — runs the pipeline once on a
        database in that folder, and prints what happened and what to try next.
        """
    static let options: Set<String> = ["dir"]
    static let flags: Set<String> = ["quiet"]

    static func run(_ args: Arguments) async throws -> Int32 {
        try args.noExtraPositionals(0)
        guard let samples = Bundle.module.url(forResource: "Samples", withExtension: nil) else {
            throw DocmergeError(.failure, "The demo samples are missing from this build of docmerge.")
        }
        let dir = try freshFolder(args.value("dir") ?? "docmerge-demo")
        let inbox = dir + "/inbox"
        let db = dir + "/docmerge.sqlite"
        try PrivateFiles.createFolder(inbox)
        let registry = try Data(contentsOf: samples.appendingPathComponent("registry.csv"))
        let store = try RecordStore.open(db, create: true)
        let imported = try store.importPatients(try PatientImport.parse(Array(registry), fileName: "registry.csv"))
        let names = try FileManager.default.contentsOfDirectory(atPath: samples.path).filter { $0.hasSuffix(".json") }.sorted()
        // Arrival order is file age: give each sample its own, a millisecond apart, in name order.
        let start = Date().addingTimeInterval(-5)
        for (i, name) in names.enumerated() {
            let target = inbox + "/" + name
            try FileManager.default.copyItem(atPath: samples.appendingPathComponent(name).path, toPath: target)
            try FileManager.default.setAttributes([.modificationDate: start.addingTimeInterval(Double(i) * 0.001)], ofItemAtPath: target)
        }
        Output.out("docmerge demo — \(names.count) sample extraction files in \(inbox), \(imported.added) registry patients\n")
        var config = Config()
        config.pipeline.settleMs = 0
        let summary = try await Runner(options: .init(watch: inbox, dbPath: db, config: config, once: true,
                                                      logger: Logger(level: args.flag("quiet") ? .quiet : .normal),
                                                      progress: false)).run()
        let report = try store.metrics()
        Output.out("")
        for line in summary.lines { Output.out(line) }
        // The lines above count merges (a re-extraction merges its document again); the
        // metrics count distinct documents.
        Output.out("  documents: \(report.documentsTotal) (" + [ReviewStatus.autoApproved, .flagged].map {
            "\($0.rawValue) \(report.statusCounts[$0] ?? 0)" }.joined(separator: ", ") + ")")
        Output.out(String(format: "  flag rate %.0f%%, auto-approval rate %.0f%% of documents (this sample is built to show every check)",
                          report.flagRate * 100, report.autoApprovalRate * 100))
        let flagged = try store.reviewList(RecordStore.ListFilter())
        Output.out("\nFlagged for verification (already merged — a steward verifies):")
        for item in flagged { Output.out("  \(safe(item.documentID))  \(safe(item.mrn))  \(safe(item.flagReason ?? ""))") }
        let me = invocation()
        let at = ShellWord.quote(absolute(db))
        Output.out("\nTry next (each line runs as printed, from any directory):")
        for line in [
            "bundle MRN-001234 --db \(at)",
            "history MRN-004321 --db \(at)",
            "review list --db \(at)",
            "review show demo-doc-0008 --db \(at)",
            "review rollback demo-doc-0008 --reason \"wrong patient\" --db \(at)",
            "audit list --action rollback --db \(at)",
            "metrics --db \(at)",
            "dashboard --db \(at) --out \(ShellWord.quote(absolute(dir) + "/dashboard.html"))",
            "audit verify --db \(at)",
        ] { Output.out("  \(me) \(line)") }
        return summary.failed > 0 ? 1 : 0
    }

    /// How to run this same binary again: `docmerge` when that is what PATH finds, else
    /// its absolute path (a `swift run` build, a binary not installed).
    static func invocation() -> String {
        let path = (Bundle.main.executableURL?.resolvingSymlinksInPath().path) ?? CommandLine.arguments[0]
        let onPath = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains { dir in
            URL(fileURLWithPath: String(dir) + "/docmerge").resolvingSymlinksInPath().path == path
        }
        return onPath ? "docmerge" : ShellWord.quote(path)
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// `base`, or `base-2`, `base-3` … whichever does not exist yet.
    static func freshFolder(_ base: String) throws -> String {
        var candidate = base
        var n = 2
        while FileManager.default.fileExists(atPath: candidate) {
            candidate = "\(base)-\(n)"
            n += 1
        }
        // The demo's folders hold (sample) patient data: no access for others, like the runner's.
        let parent = (candidate as NSString).deletingLastPathComponent
        if !parent.isEmpty { try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) }
        try PrivateFiles.createFolder(candidate)
        return candidate
    }
}

/// A word for a POSIX shell: as it is when it is plain, else in single quotes.
enum ShellWord {
    static func quote(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy {
            CharacterSet.alphanumerics.contains($0) && $0.isASCII || "/._-+:@%=,".unicodeScalars.contains($0)
        }
        return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
