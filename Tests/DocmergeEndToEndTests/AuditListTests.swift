import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Foundation
import Testing

/// `audit list` on a crafted database: six rows written by hand (a valid chain), and each
/// filter's answer worked out by hand.
@Suite struct AuditListTests {
    static let rows: [(at: String, actor: String, action: String, mrn: String, doc: String, detail: String)] = [
        ("2026-11-01T08:00:00.000Z", "pipeline", "merge", "MRN-1", "d1", #"{"status":"auto_approved","os_user":"docmerge","host":"h1"}"#),
        ("2026-11-01T09:00:00.000Z", "pipeline", "merge", "MRN-2", "d2", #"{"status":"flagged","os_user":"docmerge","host":"h1"}"#),
        ("2026-11-02T10:00:00.000Z", "ann", "mark_correct", "MRN-2", "d2", #"{"os_user":"ann.s","host":"ws1"}"#),
        ("2026-11-03T00:00:00.000Z", "bob", "rollback", "MRN-1", "d1", #"{"reason":"duplicate","removed":3,"os_user":"root","host":"ws2"}"#),
        ("2026-11-03T12:00:00.000Z", "ann", "correct", "MRN-3", "d3", #"{"updated":1,"os_user":"bob","host":"ws2"}"#),
        ("2026-11-04T00:00:00.000Z", "pipeline", "merge", "MRN-3", "d3", #"{"status":"auto_approved"}"#),
    ]

    static func crafted(_ dir: TemporaryDirectory) throws -> String {
        let path = dir.file("crafted.sqlite")
        let store = try RecordStore(path: path)
        // Written by hand with the `sqlite3` tool, in one transaction: the store never writes rows it was given.
        func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
        var prev = String(repeating: "0", count: 64)
        var sql = "BEGIN IMMEDIATE;\n"
        for (i, r) in rows.enumerated() {
            let hash = AuditRow.chainHash(prev: prev, seq: i + 1, at: r.at, actor: r.actor, action: r.action, mrn: r.mrn,
                                          documentID: r.doc, detail: r.detail)
            let values = [r.at, r.actor, r.action, r.mrn, r.doc, r.detail, prev, hash].map(literal).joined(separator: ", ")
            sql += "INSERT INTO audit(seq, at, actor, action, mrn, document_id, detail, prev_hash, hash) VALUES (\(i + 1), \(values));\n"
            prev = hash
        }
        sql += "INSERT INTO audit_head(id, seq, hash) VALUES (1, \(rows.count), \(literal(prev)));\nCOMMIT;"
        let written = try sqlite3Tool(path, sql)
        #expect(written.status == 0, "\(written.output)")
        #expect(try store.verifyAudit().problem == nil, "the crafted chain is valid")
        return path
    }

    static let cases: [(args: [String], seqs: [Int])] = [
        ([], [1, 2, 3, 4, 5, 6]),
        (["--since", "2026-11-02"], [3, 4, 5, 6]),
        (["--until", "2026-11-03"], [1, 2, 3]),                       // exclusive: row 4 is at 11-03T00:00
        (["--since", "2026-11-01T09:00:00Z", "--until", "2026-11-03T12:00:00Z"], [2, 3, 4]),
        (["--since", "2026-11-01T10:00:00+01:00", "--until", "2026-11-01T10:00:00.001+01:00"], [2]),
        (["--action", "merge"], [1, 2, 6]),
        (["--action", "mark_correct,rollback"], [3, 4]),
        (["--actor", "ann"], [3, 5]),
        (["--actor", "bob"], [4, 5]),                                  // declared on 4, the OS user on 5
        (["--actor", "ann.s"], [3]),
        (["--document", "d2"], [2, 3]),
        (["--mrn", "MRN-3"], [5, 6]),
        (["--actor", "ann", "--since", "2026-11-03"], [5]),
        (["--action", "merge", "--document", "d3"], [6]),
        (["--action", "refile_in"], []),
    ]

    @Test func filtersGiveTheHandComputedRows() throws {
        let dir = TemporaryDirectory("docmerge-audit-list")
        let db = try Self.crafted(dir)
        for c in Self.cases {
            let result = try DocmergeBinary.run(["audit", "list", "--db", db, "--json"] + c.args)
            #expect(result.status == 0, "\(c.args): \(result.stderr)")
            let seqs = try JSONParser.parse(Array(result.stdout.utf8)).arrayValue?.compactMap { $0["seq"]?.numberValue.map(Int.init) }
            #expect(seqs == c.seqs, "audit list \(c.args.joined(separator: " "))")
        }
        let text = try DocmergeBinary.run(["audit", "list", "--db", db, "--actor", "bob"])
        #expect(text.stdout.split(separator: "\n").map(String.init) == [
            "  #4 2026-11-03T00:00:00.000Z rollback d1 MRN-1 by bob (root@ws2) — removed 3; why: duplicate",
            "  #5 2026-11-03T12:00:00.000Z correct d3 MRN-3 by ann (bob@ws2) — updated 1",
            "2 audit rows",
        ])
        let none = try DocmergeBinary.run(["audit", "list", "--db", db, "--action", "refile_in", "--json"])
        #expect(none.stdout == "[]\n")
        let bad = try DocmergeBinary.run(["audit", "list", "--db", db, "--since", "yesterday"])
        #expect(bad.status == 2 && bad.stderr.contains("not a time"))
    }
}
