import DocmergeModel
import DocmergeTestSupport
import Testing

/// What a merged resource already had in `meta` is kept, copied as written.
@Suite struct IncomingMetaTests {
    @Test func sourceProfileSecurityAndTagAreKeptAsWritten() throws {
        var b = DocumentBuilder(id: "d", mrn: "m")
        let resource = #"{"resourceType":"Observation","meta":{"source":"http://lab.example/feed#42","profile":["http:\/\/hl7.org\/fhir\/us\/core"],"security":[{"system":"http://terminology.hl7.org/CodeSystem/v3-Confidentiality","code":"R"}],"tag":[{"system":"https://smarthealthit.org/tags","code":"synthea-5-2019"},{"system":"https://docmerge.invalid/fhir/CodeSystem/docmerge","code":"generated"}],"versionId":"7"},"status":"final"}"#
        b.entries = [.object([JSONMember("resource", .raw(try JSONParser.minify(Array(resource.utf8))))])]
        let planned = try b.prepared().plan.resources[0]
        let plain = String(decoding: planned.stamped(versionID: 1, lastUpdated: "T"), as: UTF8.self)
        #expect(plain.contains(#""profile":["http:\/\/hl7.org\/fhir\/us\/core"]"#), "kept members are not re-escaped")
        #expect(plain.contains(#""security":[{"system":"http://terminology.hl7.org/CodeSystem/v3-Confidentiality","code":"R"}]"#))
        #expect(plain.contains(#""extension":[{"url":"\#(RecordCodes.originalSourceExtension)","valueUri":"http://lab.example/feed#42"}]"#))
        #expect(plain.contains(#""source":"document_d","versionId":"1","lastUpdated":"T","tag":[{"system":"https://smarthealthit.org/tags","code":"synthea-5-2019"}]}"#),
                "an incoming tag of docmerge's own code system is dropped")
        let tagged = try JSONParser.parse(planned.stamped(versionID: 1, lastUpdated: "T", tags: [.unverified]))
        #expect(tagged["meta"]?["tag"]?.arrayValue?.map { $0["code"]?.stringValue } == ["synthea-5-2019", "unverified"])
        #expect(planned.contentHash(tags: [.unverified]) != planned.contentHash(tags: []))
    }

    @Test func restoringAStoredResourceReproducesItByteForByte() throws {
        var b = DocumentBuilder.clinical(id: "r", mrn: "m")
        b.entries[0] = .object([JSONMember("resource", .raw(try JSONParser.minify(Array(#"{"resourceType":"Condition","id":"c0","meta":{"source":"x","tag":[{"code":"a"}]},"note":[{"text":"caf\u00e9"}],"subject":{"reference":"Patient/p"}}"#.utf8))))])
        for planned in try b.prepared().plan.resources {
            let stored = planned.stamped(versionID: 4, lastUpdated: "T", tags: [.unverified])
            let restored = try #require(MergePlanner.restored(stored, resourceType: planned.resourceType, key: planned.key,
                                                              fhirID: planned.fhirID, fullUrl: nil, unresolved: [],
                                                              patientReference: "Patient/m"))
            #expect(restored.stamped(versionID: 4, lastUpdated: "T", tags: [.unverified]) == stored)
            #expect(restored.contentHash == planned.contentHash)
        }
    }

    @Test func strictResolutionFollowsTheBundleRules() throws {
        let bundle = try JSONParser.parse(Array(#"""
            {"resourceType":"Bundle","type":"collection","entry":[
             {"fullUrl":"https://x.org/fhir/Condition/c1","resource":{"resourceType":"Condition","id":"c1","meta":{"versionId":"2"}}},
             {"fullUrl":"https://x.org/fhir/Observation/o1","resource":{"resourceType":"Observation","id":"o1",
               "contained":[{"resourceType":"Device","id":"d"}],
               "a":{"reference":"Condition/c1"},"b":{"reference":"Condition/c1/_history/2"},"c":{"reference":"Condition/c1/_history/1"},
               "d":{"reference":"https://x.org/fhir/Condition/c1"},"e":{"reference":"#d"},"f":{"reference":"#nope"},"g":{"reference":"Condition/zz"}}},
             {"fullUrl":"urn:uuid:0f3e","resource":{"resourceType":"Observation","h":{"reference":"Condition/c1"},"i":{"reference":"urn:uuid:0f3e"}}}]}
            """#.utf8))
        let report = BundleReferenceCheck.check(bundle)
        #expect(report.references == 9)
        #expect(report.unresolved.map(\.reference) == ["Condition/c1/_history/1", "#nope", "Condition/zz", "Condition/c1"],
                "a wrong version, a missing contained resource, a missing target, a relative reference from a URN fullUrl")
    }
}
