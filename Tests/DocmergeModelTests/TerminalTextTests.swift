import DocmergeModel
import Testing

@Suite struct TerminalTextTests {
    static let cases: [(input: String, field: String, lines: String)] = [
        ("plain name.pdf", "plain name.pdf", "plain name.pdf"),
        ("José García ✓ 🩺", "José García ✓ 🩺", "José García ✓ 🩺"),
        ("a\u{1B}[2J\u{1B}[31mred", "a\\x1B[2J\\x1B[31mred", "a\\x1B[2J\\x1B[31mred"),
        ("line\nforged", "line\\nforged", "line\nforged"),
        ("over\rwrite", "over\\rwrite", "over\\rwrite"),
        ("bell\u{07}", "bell\\x07", "bell\\x07"),
        ("tab\there", "tab\\there", "tab\\there"),
        ("nul\u{0}", "nul\\x00", "nul\\x00"),
        ("del\u{7F}", "del\\x7F", "del\\x7F"),
        ("csi\u{9B}31m", "csi\\x9B31m", "csi\\x9B31m"),
        ("nel\u{85}", "nel\\x85", "nel\\x85"),
        ("evil\u{202E}fdp.exe", "evil\\u{202E}fdp.exe", "evil\\u{202E}fdp.exe"),
        ("\u{202A}\u{202B}\u{202C}\u{202D}", "\\u{202A}\\u{202B}\\u{202C}\\u{202D}", "\\u{202A}\\u{202B}\\u{202C}\\u{202D}"),
        ("\u{2066}x\u{2067}y\u{2068}z\u{2069}", "\\u{2066}x\\u{2067}y\\u{2068}z\\u{2069}", "\\u{2066}x\\u{2067}y\\u{2068}z\\u{2069}"),
        ("\u{200E}\u{200F}\u{061C}", "\\u{200E}\\u{200F}\\u{61C}", "\\u{200E}\\u{200F}\\u{61C}"),
        ("sep\u{2028}par\u{2029}", "sep\\u{2028}par\\u{2029}", "sep\\u{2028}par\\u{2029}"),
        ("osc\u{1B}]0;title\u{07}", "osc\\x1B]0;title\\x07", "osc\\x1B]0;title\\x07"),
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
        #expect(text.contains("\\u202e") && text.contains("\\u0085") && text.contains("\\u007f") && text.contains("é"))
        let plain = JSON.object([JSONMember("k", .string("plain é ✓"))]).bytes
        #expect(TerminalText.json(plain) == plain, "nothing to escape: the same bytes")
    }
}
