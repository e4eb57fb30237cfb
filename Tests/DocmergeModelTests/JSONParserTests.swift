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
