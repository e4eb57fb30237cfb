import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Foundation
import Testing

/// Control characters and bidi overrides from input never reach the terminal raw: not from
/// document names, models, patient names, snippets, MRNs, reviewer names, reasons or file
/// names; `history` cannot be made to print a forged line; JSON stays the same JSON.
@Suite struct TerminalSafetyTests {
    static let nasty = "evil\u{1B}[2J\u{1B}]0;pwned\u{07}\r\n  #99 2026-01-01 rollback forged by admin\u{202E}fdp.exe\u{9B}31m"

    /// No scalar a terminal acts on, newlines apart; and no line that starts like a forged row.
    static func expectSafe(_ text: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let raw = text.unicodeScalars.filter { $0 != "\n" && TerminalText.needsEscape($0) }
        #expect(raw.isEmpty, "\(what) printed raw \(raw.map { String($0.value, radix: 16) })", sourceLocation: sourceLocation)
        #expect(!text.split(separator: "\n").contains { $0.hasPrefix("  #99") }, "\(what) printed a forged line", sourceLocation: sourceLocation)
    }

    @Test(.timeLimit(.minutes(2)))
    func everyTextOutputEscapesInput() throws {
        let dir = TemporaryDirectory("docmerge-terminal")
        let (inbox, db) = try dir.site()
        var doc = DocumentBuilder.clinical(id: "doc-x", mrn: "MRN-\u{202E}1")
        doc.documentName = Self.nasty + ".pdf"
        doc.model = "model\u{1B}[5m"
        doc.confidence = 0.5
        doc.patientName = "Jane \u{1B}[8mDoe"
        doc.addPatientEntry(name: "Doe\u{1B}[31m", given: ["Jane\u{202E}"], birthDate: "1950-03-02")
        doc.entries.append(.object([
            JSONMember("resource", .object([JSONMember("resourceType", .string("Condition")),
                                            JSONMember("code", .object([JSONMember("text", .string("asthma\u{1B}[1A" + Self.nasty))]))])),
            JSONMember("snippet", .string("snip\u{1B}[2K\npet" + Self.nasty)),
        ]))
        try drop(doc.bytes, name: "doc-x.json", into: inbox)
        // A refused file whose name and content carry escapes: the runner's log lines.
        try drop(Array(#"{"schema":"docmerge.extraction/\#u{1B}[2J9"}"#.utf8), name: "bad\u{1B}[31m\u{07}name.json", into: inbox)
        let run = try DocmergeBinary.run(["run", "--watch", inbox, "--db", db, "--once"])
        #expect(run.stderr.contains("rejected"), "\(run.stderr)")
        Self.expectSafe(run.stderr, "the runner's log")
        #expect(run.stderr.contains("bad\\u001B[31m\\u0007name.json") && run.stderr.contains("MRN-\\u202E1"))

        let mark = try DocmergeBinary.run(["review", "mark-correct", "doc-x", "--reviewer", Self.nasty, "--reason", Self.nasty, "--db", db])
        #expect(mark.status == 0, "\(mark.stderr)")
        Self.expectSafe(mark.stdout, "mark-correct")
        let commands: [[String]] = [
            ["review", "list", "--status", "reviewed"], ["review", "list", "--status", "reviewed", "--mrn", "MRN-\u{202E}1"],
            ["review", "show", "doc-x"], ["history", "MRN-\u{202E}1"], ["audit", "list"], ["audit", "list", "--actor", Self.nasty],
            ["review", "show", "doc-x", "--json"], ["history", "MRN-\u{202E}1", "--json"], ["audit", "list", "--json"],
            ["review", "list", "--status", "reviewed", "--json"], ["bundle", "MRN-\u{202E}1"],
        ]
        for command in commands {
            let result = try DocmergeBinary.run(command + ["--db", db])
            #expect(result.status == 0, "\(command): \(result.stderr)")
            Self.expectSafe(result.stdout, command.joined(separator: " "))
            #expect(result.stdout.contains("doc-x"), "\(command) shows the document")
            if command.contains("--json") || command[0] == "bundle" {
                #expect((try? JSONParser.parse(Array(result.stdout.utf8))) != nil, "\(command) is still JSON")
            }
        }
        let show = try DocmergeBinary.run(["review", "show", "doc-x", "--db", db]).stdout
        #expect(show.contains("evil\\u001B[2J\\u001B]0;pwned\\u0007\\r\\n  #99") && show.contains("model\\u001B[5m") && show.contains("snip\\u001B[2K\\npet"))
        let history = try DocmergeBinary.run(["history", "MRN-\u{202E}1", "--db", db]).stdout
        #expect(history.contains("by evil\\u001B[2J") && history.contains("why: evil\\u001B[2J"))
        // JSON keeps the exact values.
        let json = try JSONParser.parse(Array(try DocmergeBinary.run(["review", "show", "doc-x", "--json", "--db", db]).stdout.utf8))
        #expect(json["document_name"]?.stringValue == Self.nasty + ".pdf" && json["reviewed_by"]?.stringValue == Self.nasty)
        // Errors too.
        let missing = try DocmergeBinary.run(["history", "MRN-\u{1B}[2J\n#99", "--db", db])
        #expect(missing.status == 3)
        Self.expectSafe(missing.stderr, "an error")
    }
}
