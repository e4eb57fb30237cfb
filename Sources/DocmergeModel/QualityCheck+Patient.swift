/// Checks 5 and 6: every Patient entry of the document against the registry (a document
/// may hold several: a mis-filed page of another person is one of them). One finding per
/// check however many entries fire; when the document has more than one Patient entry its
/// text says which. An entry whose `birthDate` or `name` is there but not FHIR fires its
/// check whatever the registry holds: it cannot vouch for the document.
extension QualityCheck {
    public func conflicts(_ evidence: [PatientEvidence], _ registry: RegistryDemographics) -> [Finding] {
        var findings: [Finding] = []
        let total = evidence.count
        var dates: [String] = []
        let differing = evidence.filter { e in
            guard let found = e.birthDate, let known = registry.birthDate else { return false }
            return !Self.sameDate(found, known)
        }
        if !differing.isEmpty {
            dates.append(total == 1 ? "the date of birth in the document differs from the registry's"
                : "the date of birth in \(Self.entries(differing, of: total)) \(differing.count == 1 ? "differs" : "differ") from the registry's")
        }
        let unreadableDates = evidence.compactMap { e in e.birthDateProblem.map { "in \(Self.entry(e)), \($0)" } }
        if !unreadableDates.isEmpty {
            dates.append("the date of birth cannot be checked: " + unreadableDates.joined(separator: ", and "))
        }
        if !dates.isEmpty { findings.append(Finding(code: .birthDateMismatch, text: dates.joined(separator: ", and "))) }

        var names: [String] = []
        let low = Self.nameSimilarities(evidence, registry).filter { $0.score < thresholds.minNameSimilarity }
        if !low.isEmpty {
            let scores = low.map { String(format: "%.2f", $0.score) }.joined(separator: " and ")
            let numbers = "(similarity \(scores), below \(Self.fmt(thresholds.minNameSimilarity)))"
            names.append(total == 1 ? "the patient name in the document is unlike the registry's \(numbers)"
                : low.count == 1 ? "the patient name in \(Self.entries(low.map(\.evidence), of: total)) is unlike the registry's \(numbers)"
                : "the patient names in \(Self.entries(low.map(\.evidence), of: total)) are unlike the registry's \(numbers)")
        }
        let unreadableNames = evidence.compactMap { e in e.nameProblem.map { "in \(Self.entry(e)), \($0)" } }
        if !unreadableNames.isEmpty {
            names.append("the patient name cannot be checked: " + unreadableNames.joined(separator: ", and "))
        }
        if !names.isEmpty { findings.append(Finding(code: .nameMismatch, text: names.joined(separator: ", and "))) }
        return findings
    }

    /// Each readable name's similarity to the registry's, in document order (none when the
    /// registry has no name). Check 6 fires when any is below the threshold; `tune` replays it
    /// on the lowest.
    public static func nameSimilarities(_ evidence: [PatientEvidence], _ registry: RegistryDemographics)
        -> [(evidence: PatientEvidence, score: Double)] {
        guard let known = registry.name else { return [] }
        return evidence.compactMap { e in e.name.map { (e, NameMatcher.similarity($0, known)) } }
    }

    static func entry(_ e: PatientEvidence) -> String { "Patient entry \(e.place)" }

    /// "Patient entry $.entries[3] (one of 2 in the document)", "Patient entries $.entries[1]
    /// and $.entries[3] (of 3 in the document)".
    static func entries(_ list: [PatientEvidence], of total: Int) -> String {
        if list.count == 1, let only = list.first { return "\(entry(only)) (one of \(total) in the document)" }
        let places = list.map(\.place)
        let joined = places.dropLast().joined(separator: ", ") + " and " + (places.last ?? "")
        return "Patient entries \(joined) (of \(total) in the document)"
    }
}
