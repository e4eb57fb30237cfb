import DocmergeCore
import DocmergeModel
import Foundation

struct TuneCommand: Command {
    static let name = "tune"
    static let summary = "what-if table over thresholds, with a recommendation"
    static let usage = """
        Usage: docmerge tune --db FILE [--json] [--config FILE] [--apply FILE]

        Replays every document's stored extraction metadata against a grid of thresholds
        (confidence; the few-resources rule's count and confidence; name similarity). For each
        setting: the flag rate and, from reviewed outcomes, the false positives (flagged but
        marked correct) and misses (found wrong but not flagged). Recommends the setting inside
        the target flag-rate band (default 5–20%) with the fewest misses, and says why.
        --apply FILE writes the recommended thresholds to a new config file; a running runner
        is never changed behind your back (restart it with --config FILE).
        """
    static let options: Set<String> = ["db", "config", "apply"]
    static let flags: Set<String> = ["json"]

    static func run(_ args: Arguments) async throws -> Int32 {
        try args.noExtraPositionals(0)
        let config = try ConfigLoader.load(args.value("config"))
        let store = try RecordStore.open(try args.database())
        let analysis = TuneAnalysis(cases: try store.tuneCases(),
                                    band: config.pipeline.targetFlagRateLow...config.pipeline.targetFlagRateHigh,
                                    current: config.thresholds)
        let rows = analysis.grid()
        let currentRow = analysis.evaluate(config.thresholds)
        let best = analysis.recommend(rows)
        let why = explanation(analysis, current: currentRow, best: best)
        if args.flag("json") {
            func rowJSON(_ r: TuneAnalysis.Row) -> JSON {
                .object([JSONMember("thresholds", r.thresholds.json), JSONMember("flag_rate", .number(String(r.flagRate))),
                         JSONMember("false_positives", .number(String(r.falsePositives))),
                         JSONMember("misses", .number(String(r.misses))), JSONMember("in_band", .bool(r.inBand))])
            }
            let top = rows.filter(\.inBand).sorted { ($0.misses, $0.falsePositives) < ($1.misses, $1.falsePositives) }.prefix(20)
            Output.json(JSON.object([
                JSONMember("documents", .number(String(analysis.cases.count))),
                JSONMember("reviewed", .number(String(analysis.reviewed))),
                JSONMember("known_wrong", .number(String(analysis.knownWrong))),
                JSONMember("enough_evidence", .bool(analysis.enoughEvidence)),
                JSONMember("current", rowJSON(currentRow)),
                JSONMember("recommended", best.map(rowJSON) ?? .null),
                JSONMember("explanation", .string(why)),
                JSONMember("candidates", .array(top.map(rowJSON))),
            ]))
        } else {
            Output.out("\(analysis.cases.count) documents, \(analysis.reviewed) reviewed, \(analysis.knownWrong) found wrong by a person.")
            Output.out("conf  few<n  few-conf  name   flag-rate  false-pos  misses")
            func line(_ r: TuneAnalysis.Row, _ tag: String) -> String {
                let t = r.thresholds
                return String(format: "%.2f  %5d  %8.2f  %.2f  %8.1f%%  %9d  %6d  %@", t.minConfidence, t.fewResourcesCount,
                              t.fewResourcesConfidence, t.minNameSimilarity, r.flagRate * 100, r.falsePositives, r.misses, tag)
            }
            Output.out(line(currentRow, "current"))
            let top = rows.filter(\.inBand).sorted { ($0.misses, $0.falsePositives) < ($1.misses, $1.falsePositives) }.prefix(10)
            for r in top { Output.out(line(r, r.thresholds == best?.thresholds ? "recommended" : "")) }
            Output.out(why)
        }
        if let path = args.value("apply") {
            guard let best else { throw DocmergeError(.conflict, "No setting keeps the flag rate inside the band; nothing written.") }
            if FileManager.default.fileExists(atPath: path) {
                throw DocmergeError(.conflict, "\(safe(path)) already exists; --apply writes a new config file.")
            }
            var updated = config
            updated.thresholds = best.thresholds
            try Data((updated.prettyText() + "\n").utf8).write(to: URL(fileURLWithPath: path))
            Output.out("Wrote \(safe(path)). Restart the runner with --config \(safe(path)) to use it.")
        }
        return 0
    }

    static func explanation(_ a: TuneAnalysis, current: TuneAnalysis.Row, best: TuneAnalysis.Row?) -> String {
        guard let best else {
            return "No setting on the grid keeps the flag rate inside \(Int(a.band.lowerBound * 100))–\(Int(a.band.upperBound * 100))%; keep the current thresholds and look at the extractions."
        }
        var text = String(format: "Recommended: min_confidence %.2f, few_resources_count %d, few_resources_confidence %.2f, min_name_similarity %.2f — flag rate %.1f%% (now %.1f%%), %d misses (now %d), %d false positives (now %d).",
                          best.thresholds.minConfidence, best.thresholds.fewResourcesCount, best.thresholds.fewResourcesConfidence,
                          best.thresholds.minNameSimilarity, best.flagRate * 100, current.flagRate * 100, best.misses, current.misses,
                          best.falsePositives, current.falsePositives)
        text += " It is the setting inside the target band with the fewest documents that reviewers found wrong but that it would let through."
        if !a.enoughEvidence {
            text += " Caution: only \(a.reviewed) reviewed documents (\(a.knownWrong) found wrong) — too little reviewed data to trust the miss counts; review more flagged and sampled documents first."
        }
        return text
    }
}
