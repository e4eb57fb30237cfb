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
        ("\"fallback_used\":false", "\"fallback_used\":\"no\"", "$.extraction.fallback_used"),
        ("docmerge.extraction/v1", "docmerge.extraction/v2", "$.schema"),
        ("\"extracted_at\":\"2026-11-28T10:16:02Z\"", "\"extracted_at\":\"yesterday\"", "$.extraction.extracted_at"),
        ("\"resourceType\":\"Condition\",\"id\":\"c1\"", "\"id\":\"c1\"", "$.entries[1].resource.resourceType"),
        ("\"id\":\"c1\"", "\"id\":\"c0\"", "$.entries[1].resource.id"),
        ("\"entries\":[", "\"entries\":{\"x\":[", "$.entries"),
    ])
    func refuses(_ find: String, _ replace: String, _ path: String) {
        let error = refusal { $0 = $0.replacingOccurrences(of: find, with: replace) + (find == "\"entries\":[" ? "}" : "") }
        #expect(error?.path == path, "\(String(describing: error))")
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

    @Test func unknownFieldsAreKept() throws {
        var text = DocumentBuilder.clinical(id: "doc-1", mrn: "MRN-1").json.text
        text = text.replacingOccurrences(of: "\"schema\"", with: "\"x_vendor\":{\"a\":1},\"schema\"")
        let (_, root) = try decoder.decode(Array(text.utf8))
        #expect(root["x_vendor"]?["a"] == .number("1"))
    }
}
