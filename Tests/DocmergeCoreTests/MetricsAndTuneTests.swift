import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Foundation
import Testing

@Suite struct MetricsAndTuneTests {
    /// A crafted history: 10 documents; 4 flagged (2 low confidence, 1 fallback, 1 both);
    /// of the flagged, 2 marked correct, 1 rolled back; 1 auto-approved corrected.
    func crafted() throws -> TestStore {
        let t = try TestStore()
        for i in 0..<10 {
            var d = DocumentBuilder.clinical(id: "d\(i)", mrn: "MRN-\(i % 3)")
            if i == 0 || i == 1 { d.confidence = 0.5 }
            if i == 2 { d.fallbackUsed = true }
            if i == 3 { d.confidence = 0.6; d.fallbackUsed = true }
            _ = try t.mergedResult(d)
        }
        try t.store.markCorrect(documentID: "d0", reviewer: "a")
        try t.store.markCorrect(documentID: "d2", reviewer: "a")
        try t.store.rollback(documentID: "d1", reviewer: "a", reason: nil)
        _ = try t.store.correct(documentID: "d5", entries: [], reviewer: "b")
        return t
    }

    @Test func metricsMatchHandComputedValues() throws {
        let m = try crafted().store.metrics()
        #expect(m.documentsTotal == 10)
        #expect(m.statusCounts[.autoApproved] == 5 && m.statusCounts[.reviewed] == 3 && m.statusCounts[.rejected] == 1 && m.statusCounts[.flagged] == 1)
        #expect(m.flagRate == 0.4)
        #expect(m.autoApprovalRate == 0.6)
        #expect(m.rollbacks == 1 && m.rollbackRate == 0.1)
        #expect(m.flaggedReviewed == 3)
        #expect(abs(m.falsePositiveRate - 2.0 / 3.0) < 1e-9)
        #expect(m.flagReasons[.lowConfidence] == 3 && m.flagReasons[.fallbackModel] == 2)
        #expect(m.mergeFailures == 0 && m.mergeLatency.count == 10)
        let json = m.json
        for key in ["documents_total", "flag_rate", "auto_approval_rate", "merge_failures", "merge_failure_rate", "rollbacks",
                    "rollback_rate", "false_positive_rate", "merge_latency_ms", "time_to_availability_ms", "flag_reasons",
                    "overdue_flagged", "pending", "auto_approved", "flagged", "reviewed", "rejected"] {
            #expect(json[key] != nil, "\(key)")
        }
        #expect(json["merge_latency_ms"]?["p99"] != nil)
    }

    @Test func prometheusOutputParsesAndHistogramsAreCumulative() throws {
        let text = try crafted().store.metrics().prometheus
        let samples = try PrometheusText.parse(text)
        #expect(samples["docmerge_documents_total"] == 10)
        #expect(samples["docmerge_flag_rate"] == 0.4)
        #expect(samples["docmerge_documents{status=\"rejected\"}"] == 1)
        var previous = -1.0
        for bound in LatencyHistogram.prometheusBounds.map({ MetricsReportBound.text($0) }) + ["+Inf"] {
            let value = try #require(samples["docmerge_merge_latency_ms_bucket{le=\"\(bound)\"}"])
            #expect(value >= previous)
            previous = value
        }
        #expect(previous == samples["docmerge_merge_latency_ms_count"])
    }

    @Test func wilsonIntervalIsSane() {
        let w = MetricsReport.wilson(successes: 5, trials: 100)
        #expect(w.low < 0.05 && w.high > 0.05 && w.low > 0.01 && w.high < 0.12)
    }

    /// Every false negative has confidence in [0.80, 0.85): the tuner must find 0.85.
    @Test func tuneRecommendsTheThresholdThatCatchesTheKnownMisses() {
        var cases: [TuneAnalysis.Case] = []
        for i in 0..<400 {
            let confidence = 0.86 + Double(i % 14) / 100          // 0.86 … 0.99, fine
            cases.append(.init(confidence: confidence, fallbackUsed: false, resourceCount: 8, birthDateConflict: false,
                               nameSimilarity: 0.95, wrong: i % 10 == 0 ? false : nil))
        }
        for i in 0..<40 {   // 0.80 … 0.84: reviewed (the quality sample) and found wrong
            cases.append(.init(confidence: 0.80 + Double(i % 5) / 100, fallbackUsed: false, resourceCount: 8,
                               birthDateConflict: false, nameSimilarity: 0.95, wrong: true))
        }
        for i in 0..<30 {   // low confidence, flagged today, half marked correct
            cases.append(.init(confidence: 0.5, fallbackUsed: false, resourceCount: 8, birthDateConflict: false,
                               nameSimilarity: 0.95, wrong: i % 2 == 0 ? false : nil))
        }
        let analysis = TuneAnalysis(cases: cases, band: 0.05...0.20, current: Thresholds())
        let current = analysis.evaluate(Thresholds())
        #expect(current.misses == 40)
        let best = analysis.recommend(analysis.grid())
        #expect(best?.thresholds.minConfidence == 0.85)
        #expect(best?.misses == 0)
        #expect(analysis.enoughEvidence)
    }

    @Test func tuneSaysWhenThereIsTooLittleReviewedData() {
        let cases = (0..<50).map { i in
            TuneAnalysis.Case(confidence: i < 5 ? 0.5 : 0.95, fallbackUsed: false, resourceCount: 5, birthDateConflict: false,
                              nameSimilarity: nil, wrong: nil)
        }
        let analysis = TuneAnalysis(cases: cases, band: 0.05...0.20, current: Thresholds())
        #expect(!analysis.enoughEvidence)
        #expect(analysis.recommend(analysis.grid()) != nil)
    }
}

enum MetricsReportBound {
    static func text(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }
}

/// A small parser of the Prometheus text exposition format (what a scraper checks):
/// HELP/TYPE comments, then `name{labels} value` samples.
enum PrometheusText {
    struct ParseError: Error { let line: String }

    static func parse(_ text: String) throws -> [String: Double] {
        var samples: [String: Double] = [:]
        var typed = Set<String>()
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(String(parts[3])) else { throw ParseError(line: String(line)) }
                typed.insert(String(parts[2]))
                continue
            }
            if line.hasPrefix("#") { continue }
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                throw ParseError(line: String(line))
            }
            let name = String(line[..<space])
            let base = String(name.prefix { $0 != "{" })
            guard base.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }),
                  typed.contains(base) || typed.contains(where: { base.hasPrefix($0 + "_") }) else { throw ParseError(line: String(line)) }
            if name.contains("{") { guard name.hasSuffix("}") else { throw ParseError(line: String(line)) } }
            samples[name] = value
        }
        return samples
    }
}
