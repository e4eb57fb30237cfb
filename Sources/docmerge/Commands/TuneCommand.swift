import DocmergeCore
import DocmergeModel
import Foundation

struct TuneCommand: Command {
    static let name = "tune"
    static let summary = "what-if table over thresholds, with a recommendation"
    static let usage = """
        Usage: docmerge tune --db FILE [--json|--all] [--config FILE] [--apply FILE [--force]]

        Replays every document's stored extraction metadata against a grid of thresholds
        (confidence; the few-resources rule's count and confidence; name similarity). For each
        setting: the flag rate and, from reviewed outcomes, the false positives (flagged but
        marked correct) and misses (found wrong but not flagged). Recommends the setting inside
        the target flag-rate band (default 5–20%) with the fewest misses, and says why.
        The table lists the current setting once, the 10 best settings inside the band and the 5
        nearest outside it (marked OUT of band), and says how many it left out; --all lists every
        setting, --json gives them all.
        --apply FILE writes the recommended thresholds to a new config file, with an evidence
        section (counts, date, before and after); it refuses (exit 4) when fewer outcomes were
        reviewed than tune.min_reviewed_outcomes (default 30) unless --force is given. A running
        runner is never changed behind your back (restart it with --config FILE).
        """
    static let options: Set<String> = ["db", "config", "apply"]
    static let flags: Set<String> = ["json", "all", "force"]

    static func run(_ args: Arguments) async throws -> Int32 {
        try args.noExtraPositionals(0)
        let config = try ConfigLoader.load(args.value("config"))
        let db = try args.database()
        let store = try RecordStore.openForReading(db)
        let analysis = TuneAnalysis(cases: try store.tuneCases(),
                                    band: config.pipeline.targetFlagRateLow...config.pipeline.targetFlagRateHigh,
                                    current: config.thresholds, minReviewed: config.tune.minReviewedOutcomes)
        let rows = analysis.grid()
        let currentRow = analysis.evaluate(config.thresholds)
        let best = analysis.recommend(rows)
        let why = explanation(analysis, current: currentRow, best: best)
        if args.flag("json") {
            let top = rows.filter(\.inBand).sorted { ($0.misses, $0.falsePositives) < ($1.misses, $1.falsePositives) }.prefix(20)
            Output.json(JSON.object([
                JSONMember("documents", .number(String(analysis.cases.count))),
                JSONMember("reviewed", .number(String(analysis.reviewed))),
                JSONMember("known_wrong", .number(String(analysis.knownWrong))),
                JSONMember("enough_evidence", .bool(analysis.enoughEvidence)),
                JSONMember("min_reviewed_outcomes", .number(String(analysis.minReviewed))),
                JSONMember("current", rowJSON(currentRow)),
                JSONMember("recommended", best.map(rowJSON) ?? .null),
                JSONMember("explanation", .string(why)),
                JSONMember("candidates", .array(top.map(rowJSON))),
                JSONMember("settings", .array(rows.map(rowJSON))),
            ]))
        } else {
            let all = args.flag("all")
            let table = TuneTable(analysis: analysis, rows: rows, current: currentRow, best: best,
                                  inBandLimit: all ? nil : 10, outOfBandLimit: all ? nil : 5)
            for line in table.lines { Output.out(line) }
            Output.out(why)
        }
        if let path = args.value("apply") {
            try apply(config, best: best, current: currentRow, analysis: analysis, to: path, database: db, force: args.flag("force"))
        }
        return 0
    }

    static func rowJSON(_ r: TuneAnalysis.Row) -> JSON {
        .object([JSONMember("thresholds", r.thresholds.json), JSONMember("flag_rate", .number(String(r.flagRate))),
                 JSONMember("false_positives", .number(String(r.falsePositives))),
                 JSONMember("misses", .number(String(r.misses))), JSONMember("in_band", .bool(r.inBand))])
    }

    /// Writes the recommended thresholds to a new config file with the evidence they rest
    /// on; refuses (exit 4) on too few reviewed outcomes unless forced.
    static func apply(_ config: Config, best: TuneAnalysis.Row?, current: TuneAnalysis.Row, analysis: TuneAnalysis,
                      to path: String, database: String, force: Bool) throws {
        if analysis.reviewed < analysis.minReviewed && !force {
            throw DocmergeError(.conflict, "Only \(analysis.reviewed) reviewed outcome\(analysis.reviewed == 1 ? "" : "s"), fewer than tune.min_reviewed_outcomes (\(analysis.minReviewed)): too little evidence to apply a tuning, so \(safe(path)) was not written; review more flagged and sampled documents, or pass --force to write it anyway.")
        }
        guard let best else { throw DocmergeError(.conflict, "No setting keeps the flag rate inside the band; nothing written.") }
        if FileManager.default.fileExists(atPath: path) {
            throw DocmergeError(.conflict, "\(safe(path)) already exists; --apply writes a new config file.")
        }
        var updated = config
        updated.thresholds = best.thresholds
        updated.thresholds.unknownPatient = config.thresholds.unknownPatient
        let evidence = JSON.object([
            JSONMember("tuned_at", .string(Timestamp.format(Date()))),
            JSONMember("database", .string(database)),
            JSONMember("documents", .number(String(analysis.cases.count))),
            JSONMember("reviewed", .number(String(analysis.reviewed))),
            JSONMember("known_wrong", .number(String(analysis.knownWrong))),
            JSONMember("min_reviewed_outcomes", .number(String(analysis.minReviewed))),
            JSONMember("forced", .bool(force && analysis.reviewed < analysis.minReviewed)),
            JSONMember("target_flag_rate", .array([.number(String(analysis.band.lowerBound)), .number(String(analysis.band.upperBound))])),
            JSONMember("before", rowJSON(current)),
            JSONMember("after", rowJSON(best)),
        ])
        try Data((updated.prettyText(evidence: evidence) + "\n").utf8).write(to: URL(fileURLWithPath: path))
        Output.out("Wrote \(safe(path)) (its evidence section records what it rests on). Restart the runner with --config \(safe(path)) to use it.")
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
