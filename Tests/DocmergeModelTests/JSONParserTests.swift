import DocmergeModel
import DocmergeTestSupport
import Foundation
import Testing

@Suite struct JSONParserTests {
    @Test func keepsMemberOrderAndNumberText() throws {
        let text = #"{"z":1.50,"a":[true,false,null],"m":{"k":"v"},"e":-0.0e+10}"#
        let value = try JSONParser.parse(Array(text.utf8))
        #expect(value.text == text)
        #expect(value["z"] == .number("1.50"))
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONParser.parse(Array(#"["a\"b\\c\/d\n\t\u00e9\ud83d\ude00"]"#.utf8))
        #expect(value[0]?.stringValue == "a\"b\\c/d\n\té😀")
        // Re-serialized: only what JSON requires is escaped.
        #expect(value.text == "[\"a\\\"b\\\\c/d\\n\\té😀\"]")
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\":}", "01", "1.", "-", "tru", "\"\u{01}\"", "[\"\\ud800\"]", "{\"a\" 1}", "[1] x", "nan",
    ])
    func refusesMalformed(_ text: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(Array(text.utf8)) }
    }

    /// Issue 14, item 7: a name twice in one object is refused (small and large objects, trees and raw scans).
    @Test(arguments: [5, 40, 400])
    func refusesDuplicateMemberNames(_ count: Int) throws {
        let names = (0..<count).map { "\"k\($0)\":\($0)" } + ["\"k\(count / 2)\":0"]
        let object = "{" + names.joined(separator: ",") + "}"
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(Array(object.utf8)) }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.minify(Array("[{\"a\":\(object)}]".utf8)) }
        do { _ = try JSONParser.minify(Array("[{\"a\":\(object)}]".utf8)) } catch {
            #expect(error.isDuplicateMember && error.path == "$[0].a.k\(count / 2)")
        }
        let distinct = "{" + (0..<count).map { "\"k\($0)\":{\"k0\":1}" }.joined(separator: ",") + "}"
        _ = try JSONParser.parse(Array(distinct.utf8))
        _ = try JSONParser.minify(Array(distinct.utf8))
    }

    @Test func refusesInvalidUTF8() {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse([0x22, 0xC3, 0x28, 0x22]) }
    }

    @Test func enforcesTheNestingLimit() throws {
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(Array(deep.utf8), maxDepth: 64) }
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        _ = try JSONParser.parse(Array(ok.utf8), maxDepth: 64)
    }

    @Test func controlCharactersAreEscapedOnOutput() {
        #expect(JSON.string("a\u{01}b").text == "\"a\\u0001b\"")
    }

    /// Real data: every fixture parses, and re-serialized output means exactly what
    /// Foundation reads from the original.
    @Test func agreesWithFoundationOnTheRealFixtures() throws {
        let files = Fixtures.bundleFiles()
        guard !files.isEmpty else { return Fixtures.skipNotice("agreesWithFoundationOnTheRealFixtures") }
        for file in files {
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            let ours = try JSONParser.parse(Array(data))
            let original = try JSONSerialization.jsonObject(with: data) as? NSDictionary
            let reparsed = try JSONSerialization.jsonObject(with: Data(ours.bytes)) as? NSDictionary
            #expect(original != nil)
            #expect(original == reparsed, "\(file)")
        }
    }
}

@Suite struct RawJSONTests {
    @Test func minifiesAndRecordsMembersAndReferences() throws {
        let text = """
            { "resourceType" : "Claim", "id":"x",
              "patient": { "reference" : "Patient/p1" },
              "item": [ { "encounter": [ { "reference": "urn:uuid:e\\u0031" } ] } ],
              "total": { "value": 1.50 } }
            """
        let raw = try JSONParser.minify(Array(text.utf8))
        #expect(String(decoding: raw.bytes, as: UTF8.self)
            == #"{"resourceType":"Claim","id":"x","patient":{"reference":"Patient/p1"},"item":[{"encounter":[{"reference":"urn:uuid:e\u0031"}]}],"total":{"value":1.50}}"#)
        #expect(raw.members.map(\.key) == ["resourceType", "id", "patient", "item", "total"])
        #expect(raw.references.map(\.value) == ["Patient/p1", "urn:uuid:e1"])
        #expect(raw.string("resourceType") == "Claim")
        for reference in raw.references {
            #expect(String(decoding: raw.bytes[reference.range], as: UTF8.self).hasPrefix("\""))
        }
    }

    @Test(arguments: [
        [0x22, 0xC0, 0x80, 0x22],              // overlong
        [0x22, 0xED, 0xA0, 0x80, 0x22],        // surrogate
        [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
        [0x22, 0xE2, 0x82, 0x22],              // truncated
        [0x22, 0x80, 0x22],                    // lone continuation
    ] as [[UInt8]])
    func invalidUTF8IsRefused(_ bytes: [UInt8]) {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(bytes) }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.minify(bytes) }
    }

    @Test func validMultibyteTextPasses() throws {
        #expect(try JSONParser.parse(Array("\"María 😀 Kiến An\"".utf8)).stringValue == "María 😀 Kiến An")
    }

    /// Real data: every fixture resource minified means exactly what the tree means.
    @Test func rawAgreesWithTheTreeOnTheRealFixtures() throws {
        let files = Fixtures.bundleFiles()
        guard !files.isEmpty else { return Fixtures.skipNotice("rawAgreesWithTheTreeOnTheRealFixtures") }
        for file in files {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
            let tree = try JSONParser.parse(bytes)
            let rawRoot = try JSONParser.parse(bytes, rawResources: true)
            let treeEntries = tree["entry"]?.arrayValue ?? []
            let rawEntries = rawRoot["entry"]?.arrayValue ?? []
            #expect(treeEntries.count == rawEntries.count && !treeEntries.isEmpty)
            for (t, r) in zip(treeEntries, rawEntries) {
                guard case .raw(let raw) = r.objectValue?.first(where: { $0.key == "resource" })?.value else {
                    Issue.record("\(file): resource not raw")
                    continue
                }
                #expect(try JSONParser.parse(raw.bytes) == t["resource"], "\(file)")
                #expect(raw.references.count == FixtureSplitter.references(in: t["resource"] ?? .null).count)
            }
        }
    }
}

/// The streamed content hash is the hash of the serialized bytes (stored hashes stay comparable).
@Suite struct StreamedHashTests {
    @Test func streamingHashesTheSameBytes() throws {
        let small = DocumentBuilder.clinical(id: "doc-1", mrn: "MRN-1").bytes
        var big = DocumentBuilder(id: "doc-2", mrn: "MRN-1")
        for i in 0..<300 { big.entries.append(DocumentBuilder.condition(id: "c\(i)", code: "\(i)", display: String(repeating: "d", count: 500))) }
        for bytes in [small, big.bytes] {
            let root = try JSONParser.parse(bytes, rawResources: true)
            #expect(ContentHash.hex(streaming: root) == ContentHash.hex(root.bytes))
            var streamed: [UInt8] = []
            JSONWriter.stream(root) { streamed.append(contentsOf: $0) }
            #expect(streamed == root.bytes)
        }
    }
}
