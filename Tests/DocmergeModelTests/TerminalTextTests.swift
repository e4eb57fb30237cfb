import DocmergeModel
import Testing

@Suite struct TerminalTextTests {
    static let cases: [(input: String, field: String, lines: String)] = [
        ("plain name.pdf", "plain name.pdf", "plain name.pdf"),
        ("José García ✓ 🩺", "José García ✓ 🩺", "José García ✓ 🩺"),
        ("a\u{1B}[2J\u{1B}[31mred", "a\\u001B[2J\\u001B[31mred", "a\\u001B[2J\\u001B[31mred"),
        ("line\nforged", "line\\nforged", "line\nforged"),
        ("over\rwrite", "over\\rwrite", "over\\rwrite"),
        ("bell\u{07}", "bell\\u0007", "bell\\u0007"),
        ("tab\there", "tab\\there", "tab\\there"),
        ("nul\u{0}", "nul\\u0000", "nul\\u0000"),
        ("del\u{7F}", "del\\u007F", "del\\u007F"),
        ("csi\u{9B}31m", "csi\\u009B31m", "csi\\u009B31m"),
        ("nel\u{85}", "nel\\u0085", "nel\\u0085"),
        ("evil\u{202E}fdp.exe", "evil\\u202Efdp.exe", "evil\\u202Efdp.exe"),
        ("\u{202A}\u{202B}\u{202C}\u{202D}", "\\u202A\\u202B\\u202C\\u202D", "\\u202A\\u202B\\u202C\\u202D"),
        ("\u{2066}x\u{2067}y\u{2068}z\u{2069}", "\\u2066x\\u2067y\\u2068z\\u2069", "\\u2066x\\u2067y\\u2068z\\u2069"),
        ("\u{200E}\u{200F}\u{061C}", "\\u200E\\u200F\\u061C", "\\u200E\\u200F\\u061C"),
        ("sep\u{2028}par\u{2029}", "sep\\u2028par\\u2029", "sep\\u2028par\\u2029"),
        ("osc\u{1B}]0;title\u{07}", "osc\\u001B]0;title\\u0007", "osc\\u001B]0;title\\u0007"),
    ]

    @Test(arguments: cases)
    func escapes(_ c: (input: String, field: String, lines: String)) {
        #expect(TerminalText.escape(c.input) == c.field)
        #expect(TerminalText.lines(c.input) == c.lines)
        #expect(!TerminalText.escape(c.input).unicodeScalars.contains(where: TerminalText.needsEscape))
    }

    @Test func jsonStaysTheSameJSON() throws {
        let value = JSON.object([JSONMember("name", .string("a\u{202E}b\u{85}c\u{7F}d\u{1B}e\nf é"))])
        let safe = TerminalText.json(value.bytes)
        #expect(try JSONParser.parse(safe) == value, "parses back to the same value")
        let text = String(decoding: safe, as: UTF8.self)
        #expect(!text.unicodeScalars.contains(where: TerminalText.needsEscape))
        #expect(text.contains("\\u202E") && text.contains("\\u0085") && text.contains("\\u007F") && text.contains("é"))
        #expect(try JSONParser.parse(Array(TerminalText.lines(value.text).utf8)) == value, "JSON through the line net is the same JSON")
        #expect(Array(TerminalText.lines(value.text).utf8) == safe, "both nets spell the same")
        let plain = JSON.object([JSONMember("k", .string("plain é ✓"))]).bytes
        #expect(TerminalText.json(plain) == plain, "nothing to escape: the same bytes")
    }
}
