import DocmergeModel
import DocmergeTestSupport
import Testing

@Suite struct MergePlannerTests {
    @Test func idsArePureFunctionsOfDocumentAndKey() throws {
        let a = try DocumentBuilder.clinical(id: "doc-1", mrn: "MRN-1").prepared()
        let b = try DocumentBuilder.clinical(id: "doc-1", mrn: "MRN-1").prepared()
        let c = try DocumentBuilder.clinical(id: "doc-2", mrn: "MRN-1").prepared()
        #expect(a.plan.resources.map(\.fhirID) == b.plan.resources.map(\.fhirID))
        #expect(Set(a.plan.resources.map(\.fhirID)).isDisjoint(with: c.plan.resources.map(\.fhirID)))
        #expect(a.contentHash == b.contentHash)
    }

    @Test func rewritesReferencesToAssignedIdsAndThePatient() throws {
        var b = DocumentBuilder(id: "doc-9", mrn: "MRN-1")
        b.addPatientEntry(name: "Doe", given: ["Jane"], birthDate: "1950-03-02", id: "p1", fullUrl: "urn:uuid:pat")
        b.entries.append(.object([
            JSONMember("fullUrl", .string("urn:uuid:cond-1")),
            JSONMember("resource", .object([JSONMember("resourceType", .string("Condition")),
                                            JSONMember("subject", .object([JSONMember("reference", .string("urn:uuid:pat"))]))])),
        ]))
        b.entries.append(.object([JSONMember("resource", .object([
            JSONMember("resourceType", .string("Claim")),
            JSONMember("patient", .object([JSONMember("reference", .string("Patient/p1"))])),
            JSONMember("diagnosis", .array([.object([JSONMember("diagnosisReference", .object([JSONMember("reference", .string("urn:uuid:cond-1"))]))])])),
            JSONMember("provider", .object([JSONMember("reference", .string("Practitioner/elsewhere"))])),
            JSONMember("contained", .array([.object([JSONMember("resourceType", .string("Coverage")), JSONMember("id", .string("cov"))])])),
            JSONMember("insurance", .array([.object([JSONMember("coverage", .object([JSONMember("reference", .string("#cov"))]))])])),
        ]))]))
        let plan = try b.prepared().plan
        #expect(plan.resources.count == 2)
        let condition = try JSONParser.parse(plan.resources[0].stamped(versionID: 1, lastUpdated: "t"))
        let claim = try JSONParser.parse(plan.resources[1].stamped(versionID: 1, lastUpdated: "t"))
        #expect(condition["subject"]?["reference"]?.stringValue == "Patient/MRN-1")
        #expect(claim["patient"]?["reference"]?.stringValue == "Patient/MRN-1")
        #expect(claim["diagnosis"]?[0]?["diagnosisReference"]?["reference"]?.stringValue == "Condition/\(plan.resources[0].fhirID)")
        #expect(claim["provider"]?["reference"]?.stringValue == "Practitioner/elsewhere")
        #expect(claim["insurance"]?[0]?["coverage"]?["reference"]?.stringValue == "#cov")
        #expect(claim["meta"]?["source"]?.stringValue == "document_doc-9")
        #expect(claim["meta"]?["versionId"]?.stringValue == "1")
        #expect(claim["id"]?.stringValue == plan.resources[1].fhirID)
    }

    @Test func keysUseIdsOrContent() throws {
        var b = DocumentBuilder(id: "d", mrn: "m")
        b.entries = [DocumentBuilder.condition(id: nil, code: "1", display: "a"), DocumentBuilder.condition(id: "x", code: "2", display: "b"),
                     DocumentBuilder.condition(id: nil, code: "3", display: "c"), DocumentBuilder.condition(id: nil, code: "1", display: "a")]
        let keys = try b.prepared().plan.resources.map(\.key)
        #expect(keys[1] == "id:x")
        #expect(keys[0].hasPrefix("c:") && keys[2].hasPrefix("c:") && keys[0] != keys[2])
        #expect(keys[3] == keys[0] + ":1", "a repeat of identical content is told apart by its count")
    }

    @Test func existingMetaIsKeptAndStampedAtItsEnd() throws {
        var b = DocumentBuilder(id: "d", mrn: "m")
        b.entries = [.object([JSONMember("resource", .object([
            JSONMember("resourceType", .string("Observation")),
            JSONMember("meta", .object([JSONMember("profile", .array([.string("http://x")])), JSONMember("versionId", .string("9"))])),
            JSONMember("valueQuantity", .object([JSONMember("value", .number("1.50"))])),
        ]))])]
        let text = String(decoding: try b.prepared().plan.resources[0].stamped(versionID: 3, lastUpdated: "T"), as: UTF8.self)
        #expect(text.contains(#""meta":{"profile":["http://x"],"source":"document_d","versionId":"3","lastUpdated":"T"}"#))
        #expect(text.contains(#""value":1.50"#))
    }

    @Test func samplingIsDeterministicAndNearItsRate() {
        let ids = (0..<10_000).map { "doc-\($0)" }
        let picked = ids.filter { QualitySample.isSampled(documentID: $0, rate: 0.02) }
        #expect(picked == ids.filter { QualitySample.isSampled(documentID: $0, rate: 0.02) })
        #expect((150...250).contains(picked.count), "\(picked.count) of 10,000")
        #expect(!QualitySample.isSampled(documentID: "x", rate: 0))
    }

    @Test func timestampsRoundTrip() throws {
        let date = try #require(Timestamp.parse("2026-11-28T10:15:00.250+01:00"))
        #expect(Timestamp.format(date) == "2026-11-28T09:15:00.250Z")
        #expect(Timestamp.parse("2026-13-01T00:00:00Z") == nil)
        #expect(Timestamp.parse("2026-11-28") == nil)
    }

    @Test func histogramPercentilesWithinTwoPercent() {
        let h = LatencyHistogram((1...1000).map(Double.init))
        #expect(abs(h.percentile(0.5) - 500) / 500 < 0.025)
        #expect(abs(h.percentile(0.99) - 990) / 990 < 0.025)
        #expect(h.max == 1000 && h.count == 1000)
        let cumulative = h.cumulative.map(\.count)
        #expect(cumulative == cumulative.sorted())
    }
}
