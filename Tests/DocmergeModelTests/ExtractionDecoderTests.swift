import DocmergeModel
import DocmergeTestSupport
import Testing

@Suite struct ExtractionDecoderTests {
    let decoder = ExtractionDecoder()

    func refusal(_ mutate: (inout String) -> Void) -> ExtractionError? {
        var text = DocumentBuilder.clinical(id: "doc-1", mrn: "MRN-1").json.text
        mutate(&text)
        do {
            _ = try decoder.decode(Array(text.utf8))
            return nil
        } catch {
            return error
        }
    }

    @Test func acceptsTheSpecExample() throws {
        let (x, _) = try decoder.decode(DocumentBuilder.clinical(id: "doc-1", mrn: "MRN-1").bytes)
        #expect(x.documentID == "doc-1" && x.entries.count == 5 && x.confidence == 0.97)
    }

    @Test(arguments: [
        ("\"confidence\":0.97", "\"confidence\":1.3", "$.extraction.confidence"),
        ("\"confidence\":0.97", "\"confidence\":-0.1", "$.extraction.confidence"),
        ("\"confidence\":0.97", "\"confidence\":\"high\"", "$.extraction.confidence"),
        ("\"confidence\":0.97,", "", "$.extraction.confidence"),
        ("\"id\":\"doc-1\"", "\"id\":\"doc 1/x\"", "$.document.id"),
        ("\"id\":\"doc-1\"", "\"id\":\"\"", "$.document.id"),
        ("\"mrn\":\"MRN-1\"", "\"mrn\":12", "$.patient.mrn"),
        ("\"model\":\"claude-3-5-sonnet\"", "\"model\":\"\"", "$.extraction.model"),
        // White space of any kind only is no model name.
        ("\"model\":\"claude-3-5-sonnet\"", "\"model\":\" \"", "$.extraction.model"),
        ("\"model\":\"claude-3-5-sonnet\"", "\"model\":\"\\n\"", "$.extraction.model"),
        ("\"model\":\"claude-3-5-sonnet\"", "\"model\":\" \\t\\r\\n\"", "$.extraction.model"),
        ("\"model\":\"claude-3-5-sonnet\"", "\"model\":\"\\u00a0\\u2028\\u3000\"", "$.extraction.model"),
        ("\"fallback_used\":false", "\"fallback_used\":\"no\"", "$.extraction.fallback_used"),
        ("docmerge.extraction/v1", "docmerge.extraction/v2", "$.schema"),
        ("\"extracted_at\":\"2026-11-28T10:16:02Z\"", "\"extracted_at\":\"yesterday\"", "$.extraction.extracted_at"),
        ("\"resourceType\":\"Condition\",\"id\":\"c1\"", "\"id\":\"c1\"", "$.entries[1].resource.resourceType"),
        ("\"id\":\"c1\"", "\"id\":\"c0\"", "$.entries[1].resource.id"),
        ("\"entries\":[", "\"entries\":{\"x\":[", "$.entries"),
        // Issue 14, item 7: a member name twice in one object, anywhere, is refused with its path.
        ("\"mrn\":\"MRN-1\"", "\"mrn\":\"MRN-1\",\"mrn\":\"MRN-2\"", "$.patient.mrn"),
        ("\"mrn\":\"MRN-1\"", "\"mrn\":\"MRN-1\",\"\\u006drn\":\"MRN-2\"", "$.patient.mrn"),
        ("\"onsetDateTime\":\"2015\"", "\"onsetDateTime\":\"2015\",\"onsetDateTime\":\"2016\"", "$.entries[0].resource.onsetDateTime"),
        ("\"system\":\"http://snomed.info/sct\"", "\"system\":\"a\",\"system\":\"b\"", "$.entries[0].resource.code.coding[0].system"),
        ("\"schema\":", "\"entries\":[],\"schema\":", "$.entries"),
        // Item 6: a Patient address on a non-Patient entry would capture the patient's references.
        ("\"snippet\":\"Condition 1 of doc-1\"", "\"fullUrl\":\"Patient/unknown\",\"snippet\":\"x\"", "$.entries[1].fullUrl"),
        ("\"snippet\":\"Condition 1 of doc-1\"", "\"fullUrl\":\"https://h/fhir/Patient/7\",\"snippet\":\"x\"", "$.entries[1].fullUrl"),
        // Item 8: two entries with one address.
        ("\"confidence\":0.97}", "\"confidence\":0.97,\"fullUrl\":\"urn:uuid:1\"}", "$.entries[1].fullUrl"),
        ("\"snippet\":\"Condition 0 of doc-1\"", "\"fullUrl\":\"Condition/c1\",\"snippet\":\"x\"", "$.entries[1].resource.id"),
        // Item 9: birth_date is a FHIR date; an MRN does not begin or end with white space.
        ("\"birth_date\":\"1950-03-02\"", "\"birth_date\":\"1950-02-30\"", "$.patient.birth_date"),
        ("\"birth_date\":\"1950-03-02\"", "\"birth_date\":\"03/02/1950\"", "$.patient.birth_date"),
        ("\"birth_date\":\"1950-03-02\"", "\"birth_date\":\"1950-3-2\"", "$.patient.birth_date"),
        ("\"mrn\":\"MRN-1\"", "\"mrn\":\" MRN-1\"", "$.patient.mrn"),
        ("\"mrn\":\"MRN-1\"", "\"mrn\":\"MRN-1\\u00a0\"", "$.patient.mrn"),
        // Item 14: the decimal text decides, not the nearest double.
        ("\"confidence\":0.97,", "\"confidence\":1.0000000000000000001,", "$.extraction.confidence"),
        ("\"confidence\":0.97,", "\"confidence\":-1e-400,", "$.extraction.confidence"),
        ("\"confidence\":0.97}", "\"confidence\":1.00000000000000000001}", "$.entries[0].confidence"),
    ])
    func refuses(_ find: String, _ replace: String, _ path: String) {
        let error = refusal { $0 = $0.replacingOccurrences(of: find, with: replace) + (find == "\"entries\":[" ? "}" : "") }
        #expect(error?.path == path, "\(String(describing: error))")
    }

    /// A confidence whose exponent no decimal comparison holds is refused showing its text.
    @Test(arguments: ["1e400", "0.0000001e9999999999999999999", "1e-99999999999"])
    func anExtremeExponentIsShownInTheRefusal(_ number: String) {
        let error = refusal { $0 = $0.replacingOccurrences(of: "\"confidence\":0.97,", with: "\"confidence\":\(number),") }
        #expect(error?.path == "$.extraction.confidence" && error?.message.contains(number) == true, "\(String(describing: error))")
    }

    /// A byte-order mark is named in the explanation (an editor adds it; the file is otherwise fine).
    @Test(arguments: [([0xEF, 0xBB, 0xBF] as [UInt8], "UTF-8 byte-order mark"), ([0xFF, 0xFE], "UTF-16"), ([0xFE, 0xFF], "UTF-16")])
    func aByteOrderMarkIsNamed(_ mark: [UInt8], _ named: String) {
        do {
            _ = try decoder.decode(mark + DocumentBuilder.clinical(id: "doc-1", mrn: "MRN-1").bytes)
            Issue.record("accepted")
        } catch {
            #expect(error.path == "$" && error.message.contains(named) && error.message.contains("save it as UTF-8"), "\(error)")
        }
    }

    @Test(arguments: ["1950", "1950-03", "2000-02-29", "0001-01-01"])
    func acceptsFHIRDates(_ date: String) throws {
        var b = DocumentBuilder.clinical(id: "doc-1", mrn: "MRN-1")
        b.patientBirthDate = date
        #expect(try decoder.decode(b.bytes).0.patientBirthDate == date)
    }

    @Test func aPatientEntryMayHaveAPatientAddress() throws {
        var b = DocumentBuilder.clinical(id: "doc-1", mrn: "MRN-1")
        b.addPatientEntry(name: "Doe", given: ["Jane"], birthDate: nil, id: "p1", fullUrl: "Patient/p1")
        #expect(try decoder.decode(b.bytes).0.entries.count == 6)
    }

    /// Item 14: `0.7999999999999999999999` reads as the double 0.8, but it is below 0.80.
    @Test(arguments: [("0.7999999999999999999999", true), ("0.80", false), ("0.80000000000000000001", false),
                      ("0.8000000000000000444089209850062616169452667236328125", false), ("1", false), ("1.000", false)])
    func confidenceIsComparedOnItsText(_ text: String, _ low: Bool) throws {
        let json = DocumentBuilder.clinical(id: "doc-1", mrn: "MRN-1").json.text
            .replacingOccurrences(of: "\"confidence\":0.97,", with: "\"confidence\":\(text),")
        let x = try decoder.decode(Array(json.utf8)).0
        let findings = QualityCheck(thresholds: Thresholds()).evaluate(
            confidence: x.confidence, fallbackUsed: false, model: "m", resourceCount: 5, documentPatients: [], registry: nil)
        #expect(findings.contains { $0.code == .lowConfidence } == low, "\(text) read as \(x.confidence)")
    }

    @Test func refusesOversizeAndDeepFiles() {
        let small = ExtractionDecoder(maxBytes: 100, maxDepth: 64)
        #expect(throws: ExtractionError.self) { try small.decode(DocumentBuilder.clinical(id: "d", mrn: "m").bytes) }
        var deep = DocumentBuilder(id: "d", mrn: "m")
        var nested = JSON.string("x")
        for _ in 0..<70 { nested = .array([nested]) }
        deep.entries = [.object([JSONMember("resource", .object([JSONMember("resourceType", .string("Basic")), JSONMember("x", nested)]))])]
        #expect(throws: ExtractionError.self) { try decoder.decode(deep.bytes) }
    }

    /// An entry's resource is one FHIR R4 resource that can be in a record: an unknown type
    /// would be merged and exported in the patient's Bundle, making it invalid FHIR.
    @Test(arguments: [
        ("FooBar", "'FooBar' is not a FHIR R4 resource type"),
        ("condition", "did you mean Condition?"),
        ("Ingredient", "'Ingredient' is not a FHIR R4 resource type"),   // R4B and R5 only
        ("Bundle", "a Bundle is a container, not a record entry"),
        ("Parameters", "cannot be a record entry"),
        ("DomainResource", "'DomainResource' is an abstract FHIR type"),
        ("Resource", "'Resource' is an abstract FHIR type"),
    ])
    func refusesAResourceTypeThatIsNoR4RecordEntry(_ type: String, _ says: String) {
        let error = refusal { $0 = $0.replacingOccurrences(of: "\"resourceType\":\"Condition\",\"id\":\"c1\"",
                                                           with: "\"resourceType\":\"\(type)\",\"id\":\"c1\"") }
        #expect(error?.path == "$.entries[1].resource.resourceType", "\(String(describing: error))")
        #expect(error?.message.contains(says) == true, "\(String(describing: error))")
    }

    @Test func acceptsEveryR4ResourceTypeButTheContainers() throws {
        #expect(FHIRResourceType.r4.count == 146)
        for type in ["Basic", "Binary", "Patient", "Provenance", "Media", "MedicinalProduct", "VisionPrescription"] {
            var b = DocumentBuilder(id: "doc-1", mrn: "MRN-1")
            b.entries = [.object([JSONMember("resource", .object([JSONMember("resourceType", .string(type))]))])]
            #expect(try decoder.decode(b.bytes).0.entries.map(\.resourceType) == [type])
        }
    }

    @Test func unknownFieldsAreKept() throws {
        var text = DocumentBuilder.clinical(id: "doc-1", mrn: "MRN-1").json.text
        text = text.replacingOccurrences(of: "\"schema\"", with: "\"x_vendor\":{\"a\":1},\"schema\"")
        let (_, root) = try decoder.decode(Array(text.utf8))
        #expect(root["x_vendor"]?["a"] == .number("1"))
    }
}
