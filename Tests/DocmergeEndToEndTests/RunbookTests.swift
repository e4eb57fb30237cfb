import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Foundation
import Testing

/// Every `docmerge …` command in Runbook.md's `sh` blocks, run exactly as written against
/// a scratch installation (the demo's data), in order. A command that stops working, or a
/// typo in the runbook, fails here.
@Suite struct RunbookTests {
    @Test(.timeLimit(.minutes(2)))
    func everyRunbookCommandWorksAsWritten() throws {
        let runbook = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Runbook.md")
        let text = try String(contentsOf: runbook, encoding: .utf8)
        var commands: [String] = []
        var inShell = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") {
                inShell = !inShell && line == "```sh"
                continue
            }
            if inShell, line.hasPrefix("docmerge ") { commands.append(String(line)) }
        }
        #expect(commands.count >= 20, "the runbook's commands were found")

        // A scratch installation with the demo's documents and registry.
        let dir = TemporaryDirectory("docmerge-runbook")
        let demo = try DocmergeBinary.run(["demo", "--dir", dir.file("site"), "--quiet"])
        #expect(demo.status == 0, "\(demo.stderr)")
        let site = dir.file("site")
        try Data("mrn,given,family,birth_date\nMRN-009999,Ana,Lima,1970-01-02\n".utf8).write(to: URL(fileURLWithPath: site + "/registry.csv"))
        try Data(#"[{"resource":{"resourceType":"Condition","code":{"text":"corrected"}},"snippet":"fixed by steward"}]"#.utf8)
            .write(to: URL(fileURLWithPath: site + "/corrected.json"))
        try Data(#"[{"document_id":"legacy-1","mrn":"MRN-001234","status":"approved","reviewed_by":"dr.who"}]"#.utf8)
            .write(to: URL(fileURLWithPath: site + "/legacy.json"))
        // Enough clean documents waiting in the inbox (the runbook's first command merges
        // them) that some thresholds keep the flag rate in its band, as on a real site.
        for i in 0..<40 {
            try drop(DocumentBuilder.clinical(id: "site-\(i)", mrn: "MRN-00\(1000 + i % 7)").bytes, name: "site-\(i).json", into: site + "/inbox")
        }
        // Make the retry example meaningful: one failed merge to retry.
        let store = try RecordStore(path: site + "/docmerge.sqlite")
        #expect(try sqlite3Tool(site + "/docmerge.sqlite", "UPDATE documents SET flag_codes = 'merge_failed', is_merged = 0 WHERE document_id = 'demo-doc-0006';").status == 0)
        // And two re-ingest conflicts to end: a person decided, then a newer extraction arrived.
        for id in ["demo-doc-0003", "demo-doc-0009"] {
            try store.markCorrect(documentID: id, reviewer: "steward.bo")
            var newer = DocumentBuilder.clinical(id: id, mrn: "MRN-007777")
            newer.extractedAt = "2027-01-01T00:00:00Z"
            #expect(try store.merge(try newer.prepared()) == .conflict(documentID: id, status: .reviewed))
        }

        for command in commands {
            let expanded = command
                .replacingOccurrences(of: "$DB", with: site + "/docmerge.sqlite")
                .replacingOccurrences(of: "$INBOX", with: site + "/inbox")
                .replacingOccurrences(of: "$BACKUP", with: site + "/backup.sqlite")
                .replacingOccurrences(of: "$DIR", with: site)
            let args = try Self.split(String(expanded.dropFirst("docmerge ".count)))
            let result = try DocmergeBinary.run(args)
            #expect(result.status == 0, "`\(command)` exited \(result.status): \(result.stderr)")
        }
    }

    /// Shell-style words: spaces separate, double quotes group.
    static func split(_ line: String) throws -> [String] {
        var words: [String] = []
        var current = ""
        var quoted = false
        var any = false
        for ch in line {
            if ch == "\"" { quoted.toggle(); any = true; continue }
            if ch == " " && !quoted {
                if any { words.append(current) }
                current = ""
                any = false
                continue
            }
            current.append(ch)
            any = true
        }
        if any { words.append(current) }
        return words
    }
}
