import DocmergeModel
import Testing

@Suite struct QualityCheckTests {
    let check = QualityCheck(thresholds: Thresholds())
    let registry = RegistryDemographics(name: "Jane Doe", birthDate: "1950-03-02")

    func codes(confidence: Double = 0.97, fallback: Bool = false, resources: Int = 5,
               evidence: PatientEvidence? = nil) -> [FlagCode] {
        check.evaluate(confidence: confidence, fallbackUsed: fallback, model: "m", resourceCount: resources,
                       documentPatients: evidence.map { [$0] } ?? [], registry: registry).map(\.code)
    }

    @Test func cleanDocumentIsNotFlagged() {
        #expect(codes(evidence: PatientEvidence(name: "DOE, JANE Q", birthDate: "1950-03-02")).isEmpty)
    }

    @Test(arguments: [(0.80, false), (0.7999, true), (0.81, false), (0.0, true)])
    func confidenceBoundary(_ confidence: Double, _ flagged: Bool) {
        #expect(codes(confidence: confidence).contains(.lowConfidence) == flagged)
    }

    @Test func fallbackFlags() { #expect(codes(fallback: true) == [.fallbackModel]) }

    @Test func noResourcesFlags() { #expect(codes(resources: 0) == [.noResources]) }

    @Test(arguments: [(2, 0.9499, true), (2, 0.95, false), (3, 0.90, false), (1, 0.94, true)])
    func fewResourcesBoundary(_ count: Int, _ confidence: Double, _ flagged: Bool) {
        #expect(codes(confidence: confidence, resources: count).contains(.fewResources) == flagged)
    }

    @Test func birthDateConflictFlags() {
        #expect(codes(evidence: PatientEvidence(name: nil, birthDate: "1951-03-02")) == [.birthDateMismatch])
        // A partial date agrees on its precision.
        #expect(codes(evidence: PatientEvidence(name: nil, birthDate: "1950")).isEmpty)
    }

    @Test func nameConflictFlagsWithTheNumbers() {
        let findings = check.evaluate(confidence: 0.97, fallbackUsed: false, model: "m", resourceCount: 5,
                                      documentPatients: [PatientEvidence(name: "Robert Smith", birthDate: nil)], registry: registry)
        #expect(findings.map(\.code) == [.nameMismatch])
        #expect(findings[0].text.contains("similarity 0."))
        #expect(findings[0].text.contains("below 0.80"))
    }

    @Test func allSixTogetherAreAllListed() {
        // Zero resources fires "no resources"; few-resources needs 1–2, so use two documents' worth of rules:
        let all = check.evaluate(confidence: 0.5, fallbackUsed: true, model: "gpt-x", resourceCount: 0,
                                 documentPatients: [PatientEvidence(name: "Robert Smith", birthDate: "1960-01-01")], registry: registry)
        #expect(all.map(\.code) == [.lowConfidence, .fallbackModel, .noResources, .birthDateMismatch, .nameMismatch])
        let few = check.evaluate(confidence: 0.5, fallbackUsed: true, model: "gpt-x", resourceCount: 2,
                                 documentPatients: [PatientEvidence(name: "Robert Smith", birthDate: "1960-01-01")], registry: registry)
        #expect(few.map(\.code) == [.lowConfidence, .fallbackModel, .fewResources, .birthDateMismatch, .nameMismatch])
        let reason = QualityCheck.reasonText(all) ?? ""
        #expect(reason.contains("0.50") && reason.contains("0.80") && reason.contains("gpt-x"))
    }

    /// Every Patient entry is evidence; each check gives one finding, saying which entries.
    @Test func severalPatientEntriesGiveOneFindingPerCheck() {
        let entries = [PatientEvidence(name: "Jane Doe", birthDate: "1950-03-02", entry: 0),
                       PatientEvidence(name: "Robert Smith", birthDate: "1961-07-09", entry: 2),
                       PatientEvidence(name: "Roberta Smythe", birthDate: "1962", entry: 5)]
        let findings = check.conflicts(entries, registry)
        #expect(findings.map(\.code) == [.birthDateMismatch, .nameMismatch])
        #expect(findings[0].text == "the date of birth in Patient entries $.entries[2] and $.entries[5] (of 3 in the document) differ from the registry's")
        #expect(findings[1].text.hasPrefix("the patient names in Patient entries $.entries[2] and $.entries[5] (of 3 in the document) are unlike the registry's (similarity 0."))
        #expect(check.conflicts(Array(entries.prefix(1)) + Array(entries.prefix(1)), registry).isEmpty)
    }

    @Test func aPatientEntryThatIsNotFHIRFiresItsCheckWhateverTheRegistryHolds() throws {
        let resource = try JSONParser.parse(Array(#"{"resourceType":"Patient","name":"John Smith","birthDate":19500101}"#.utf8))
        let evidence = PatientEvidence(patient: resource, entry: 0)
        #expect(evidence.name == nil && evidence.birthDate == nil)
        for known in [registry, RegistryDemographics(name: nil, birthDate: nil)] {
            let findings = check.conflicts([evidence], known)
            #expect(findings.map(\.text) == [
                "the date of birth cannot be checked: in Patient entry $.entries[0], birthDate is a number, not a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD)",
                "the patient name cannot be checked: in Patient entry $.entries[0], name is a string, not an array of HumanName objects"])
        }
    }

    @Test(arguments: [
        (#"{"name":[{"use":"official","prefix":["Dr"],"given":["Jane"],"family":"Doe","period":{"start":"2000"}}],"birthDate":"1950"}"#, true),
        (#"{"name":null,"birthDate":null}"#, true),   // null is absent
        (#"{}"#, true),
        (#"{"name":[]}"#, false),
        (#"{"name":[{}]}"#, false),
        (#"{"name":[{"family":["Doe"]}]}"#, false),
        (#"{"name":{"family":"Doe"}}"#, false),
        (#"{"birthDate":"1950-02-30"}"#, false),
        (#"{"birthDate":"1950-03-02T00:00:00Z"}"#, false),
        (#"{"birthDate":{"value":"1950"}}"#, false),
    ])
    func whatIsFHIR(_ text: String, _ readable: Bool) throws {
        let evidence = PatientEvidence(patient: try JSONParser.parse(Array(text.utf8)))
        #expect((evidence.nameProblem == nil && evidence.birthDateProblem == nil) == readable, "\(evidence)")
    }

    @Test func customThresholdsAreHonoured() {
        let strict = QualityCheck(thresholds: Thresholds(minConfidence: 0.9, fewResourcesCount: 5, fewResourcesConfidence: 0.99, minNameSimilarity: 0.95))
        let codes = strict.evaluate(confidence: 0.85, fallbackUsed: false, model: "m", resourceCount: 4, documentPatients: [], registry: nil).map(\.code)
        #expect(codes == [.lowConfidence, .fewResources])
    }
}
