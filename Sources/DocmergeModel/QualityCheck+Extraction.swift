/// Checks 3 and 4 count the resources that are merged: every entry but the Patient
/// entry, which is demographics evidence (ingest format, "How entries are used").
/// Every stage that judges, stores or replays a document counts through these, so the
/// classifier, the stored `resource_count`, `tune` and `review show` agree.
extension Extraction {
    /// The entries checks 3 and 4 count.
    public var resourceCount: Int { QualityCheck.resourceCount(types: entries.map(\.resourceType)) }
}

extension QualityCheck {
    /// How many of these entry types are resources (not the Patient entry).
    public static func resourceCount(types: [String]) -> Int {
        types.reduce(0) { $0 + ($1 == "Patient" ? 0 : 1) }
    }

    /// The same count over a stored extraction's `entries` array (a `review correct`
    /// entries list, a legacy record): entries whose resource is not a Patient.
    public static func resourceCount(entries: JSON?) -> Int {
        resourceCount(types: (entries?.arrayValue ?? []).map { $0["resource"]?["resourceType"]?.stringValue ?? "" })
    }

    /// Every condition that fires for this extraction against the registry's
    /// demographics: the pure decision, from the extraction alone. `registeredPatient`:
    /// this document registered its patient under `register_and_flag` (check 7; the
    /// condition belongs to the document, so every later extraction of it passes true).
    public func evaluate(_ x: Extraction, registry: RegistryDemographics?, registeredPatient: Bool = false) -> [Finding] {
        var findings = evaluate(confidence: x.confidence, fallbackUsed: x.fallbackUsed, model: x.model,
                                resourceCount: x.resourceCount,
                                documentPatients: x.patientEvidence, registry: registry)
        if registeredPatient { findings.append(Self.newPatient(mrn: x.mrn)) }
        return findings
    }

    /// Check 7's finding.
    public static func newPatient(mrn: String) -> Finding {
        Finding(code: .newPatient, text: "a new patient \(mrn) was registered from this document; check the MRN and the demographics")
    }
}
