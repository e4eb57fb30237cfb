import DocmergeModel
import Foundation

/// Threshold tuning from evidence: replays every document's stored extraction metadata
/// against a grid of candidate thresholds and scores each setting against what
/// reviewers found.
public struct TuneAnalysis: Sendable {
    /// What the checks need of one document, plus what a person found.
    public struct Case: Sendable {
        public var confidence: Double
        public var fallbackUsed: Bool
        public var resourceCount: Int
        public var birthDateConflict: Bool
        /// nil when there is nothing to compare.
        public var nameSimilarity: Double?
        /// true: a person found it wrong (corrected or removed); false: marked correct;
        /// nil: not reviewed.
        public var wrong: Bool?
        /// Check 7 fired (the document registered its patient): flagged whatever the thresholds.
        public var newPatient: Bool
        /// A Patient entry's name is not FHIR: check 6 fires whatever the thresholds.
        public var nameUnreadable: Bool

        public init(confidence: Double, fallbackUsed: Bool, resourceCount: Int, birthDateConflict: Bool,
                    nameSimilarity: Double?, wrong: Bool?, newPatient: Bool = false, nameUnreadable: Bool = false) {
            self.newPatient = newPatient
            self.nameUnreadable = nameUnreadable
            self.confidence = confidence
            self.fallbackUsed = fallbackUsed
            self.resourceCount = resourceCount
            self.birthDateConflict = birthDateConflict
            self.nameSimilarity = nameSimilarity
            self.wrong = wrong
        }

        public func flagged(by t: Thresholds) -> Bool {
            newPatient || confidence < t.minConfidence || fallbackUsed || resourceCount == 0
                || (resourceCount < t.fewResourcesCount && confidence < t.fewResourcesConfidence)
                || birthDateConflict || nameUnreadable || (nameSimilarity.map { $0 < t.minNameSimilarity } ?? false)
        }
    }

    public struct Row: Sendable {
        public let thresholds: Thresholds
        public let flagRate: Double
        /// Reviewed documents found fine that this setting flags.
        public let falsePositives: Int
        /// Reviewed documents found wrong that this setting lets through.
        public let misses: Int
        public let inBand: Bool
    }

    public let cases: [Case]
    public let band: ClosedRange<Double>
    public let current: Thresholds

    /// Reviewed outcomes needed before the miss counts are trusted (`tune.min_reviewed_outcomes`).
    public let minReviewed: Int

    public init(cases: [Case], band: ClosedRange<Double>, current: Thresholds, minReviewed: Int = 30) {
        self.cases = cases
        self.band = band
        self.current = current
        self.minReviewed = minReviewed
    }

    public static let confidenceGrid = [0.70, 0.75, 0.80, 0.85, 0.90, 0.95]
    public static let fewCountGrid = [1, 2, 3, 4, 5]
    public static let fewConfidenceGrid = [0.85, 0.90, 0.95, 0.99]
    public static let nameGrid = [0.70, 0.75, 0.80, 0.85, 0.90]

    public var reviewed: Int { cases.filter { $0.wrong != nil }.count }
    public var knownWrong: Int { cases.filter { $0.wrong == true }.count }
    /// Below this, the recommendation rests on the flag rate alone.
    public var enoughEvidence: Bool { reviewed >= minReviewed && knownWrong >= 3 }

    public func evaluate(_ t: Thresholds) -> Row {
        var flagged = 0, fp = 0, misses = 0
        for c in cases {
            let f = c.flagged(by: t)
            if f { flagged += 1 }
            if c.wrong == false && f { fp += 1 }
            if c.wrong == true && !f { misses += 1 }
        }
        let rate = cases.isEmpty ? 0 : Double(flagged) / Double(cases.count)
        return Row(thresholds: t, flagRate: rate, falsePositives: fp, misses: misses, inBand: band.contains(rate))
    }

    public func grid() -> [Row] {
        var rows: [Row] = []
        for c in Self.confidenceGrid {
            for n in Self.fewCountGrid {
                for fc in Self.fewConfidenceGrid {
                    for s in Self.nameGrid {
                        rows.append(evaluate(Thresholds(minConfidence: c, fewResourcesCount: n, fewResourcesConfidence: fc, minNameSimilarity: s)))
                    }
                }
            }
        }
        return rows
    }

    /// In band, fewest misses, then fewest false positives, then lowest flag rate, then
    /// closest to the current setting. nil when no setting reaches the band.
    public func recommend(_ rows: [Row]) -> Row? {
        func distance(_ t: Thresholds) -> Double {
            abs(t.minConfidence - current.minConfidence) + abs(Double(t.fewResourcesCount - current.fewResourcesCount)) / 10
                + abs(t.fewResourcesConfidence - current.fewResourcesConfidence) + abs(t.minNameSimilarity - current.minNameSimilarity)
        }
        return rows.filter(\.inBand).min { a, b in
            (a.misses, a.falsePositives, a.flagRate, distance(a.thresholds)) < (b.misses, b.falsePositives, b.flagRate, distance(b.thresholds))
        }
    }
}

extension RecordStore {
    /// One tuning case per automatically classified document, from its stored extraction.
    public func tuneCases() throws -> [TuneAnalysis.Case] {
        try db.query("""
            SELECT d.confidence, d.fallback_used, d.resource_count, d.review_action, d.extraction, p.name, p.birth_date,
                   d.flag_codes
            FROM documents d JOIN patients p ON p.id = d.patient_id WHERE d.classified_as IS NOT NULL AND d.legacy = 0
            """) { r in
            let root = try? JSONParser.parse(r.bytes(4))
            // Every Patient entry, as checks 5 and 6 judged them.
            let evidence = PatientEvidence.all(entries: root?["entries"])
            let registry = RegistryDemographics(name: r.optionalText(5), birthDate: r.optionalText(6))
            // Check 5 does not depend on the thresholds; check 6 fires on the lowest similarity,
            // or whatever the threshold when a name cannot be read.
            let dobConflict = QualityCheck(thresholds: Thresholds()).conflicts(evidence, registry)
                .contains { $0.code == .birthDateMismatch }
            let similarity = QualityCheck.nameSimilarities(evidence, registry).map(\.score).min()
            let action = r.optionalText(3)
            let wrong: Bool? = action == nil ? nil : (action != "mark_correct")
            return TuneAnalysis.Case(confidence: r.double(0), fallbackUsed: r.bool(1), resourceCount: r.int(2),
                                     birthDateConflict: dobConflict, nameSimilarity: similarity, wrong: wrong,
                                     newPatient: r.text(7).split(separator: ",").contains { $0 == FlagCode.newPatient.rawValue },
                                     nameUnreadable: evidence.contains { $0.nameProblem != nil })
        }
    }
}
