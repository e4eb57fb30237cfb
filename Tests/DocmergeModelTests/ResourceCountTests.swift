import DocmergeModel
import DocmergeTestSupport
import Testing

/// Checks 3 and 4 count what is merged: every entry but the Patient entry.
@Suite struct ResourceCountTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let label: String
        let patientEntry: Bool
        let resources: Int
        let confidence: Double
        let expected: [FlagCode]
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(label: "Patient-only file", patientEntry: true, resources: 0, confidence: 0.97, expected: [.noResources]),
        Case(label: "empty file", patientEntry: false, resources: 0, confidence: 0.97, expected: [.noResources]),
        Case(label: "Patient + 2 at 0.87", patientEntry: true, resources: 2, confidence: 0.87, expected: [.fewResources]),
        Case(label: "2 at 0.87", patientEntry: false, resources: 2, confidence: 0.87, expected: [.fewResources]),
        Case(label: "Patient + 3 at 0.80", patientEntry: true, resources: 3, confidence: 0.80, expected: []),
        Case(label: "3 at 0.80", patientEntry: false, resources: 3, confidence: 0.80, expected: []),
        Case(label: "Patient + 1 at 0.96", patientEntry: true, resources: 1, confidence: 0.96, expected: []),
    ]

    static func extraction(_ c: Case) throws -> Extraction {
        var b = DocumentBuilder(id: "doc-count", mrn: "MRN-1")
        b.confidence = c.confidence
        for i in 0..<c.resources { b.entries.append(DocumentBuilder.condition(id: "c\(i)", code: "\(i)", display: "Condition \(i)")) }
        if c.patientEntry { b.addPatientEntry(name: "Doe", given: ["Jane"], birthDate: "1950-03-02") }
        return try b.prepared().extraction
    }

    @Test(arguments: cases)
    func checksCountResourcesNotThePatientEntry(_ c: Case) throws {
        let x = try Self.extraction(c)
        #expect(x.resourceCount == c.resources)
        let registry = RegistryDemographics(name: "Jane Doe", birthDate: "1950-03-02")
        let findings = QualityCheck(thresholds: Thresholds()).evaluate(x, registry: registry)
        #expect(findings.map(\.code) == c.expected)
    }

    @Test func theReasonGivesTheCountOfResources() throws {
        let x = try Self.extraction(Case(label: "", patientEntry: true, resources: 2, confidence: 0.87, expected: []))
        let reason = QualityCheck.reasonText(QualityCheck(thresholds: Thresholds()).evaluate(x, registry: nil)) ?? ""
        #expect(reason.hasPrefix("only 2 resources extracted"), "\(reason)")
    }

    @Test func theStoredJSONCountsTheSameWay() throws {
        var b = DocumentBuilder.clinical(id: "d", mrn: "M", conditions: 2, medications: 1)
        b.addPatientEntry(name: "Doe", given: ["Jane"], birthDate: nil)
        #expect(QualityCheck.resourceCount(entries: b.json["entries"]) == 3)
        #expect(QualityCheck.resourceCount(entries: nil) == 0)
    }
}
