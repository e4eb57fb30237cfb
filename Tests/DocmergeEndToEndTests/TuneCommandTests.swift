import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Foundation
import Testing

/// `tune` through the real binary: --apply needs enough reviewed outcomes, records its
/// evidence, and the table never hides what it leaves out.
@Suite struct TuneCommandTests {
    /// 20 documents (2 at low confidence, 6 at 0.90 that a stricter setting would flag), 3 of
    /// them marked correct by a reviewer.
    static func database(in dir: TemporaryDirectory) throws -> String {
        let db = dir.file("tune.sqlite")
        let store = try RecordStore(path: db)
        _ = try store.importPatients([PatientRecord(mrn: "MRN-T", name: "Jane Q. Doe", birthDate: "1950-03-02")])
        for i in 0..<20 {
            var b = DocumentBuilder.clinical(id: "t-\(i)", mrn: "MRN-T")
            if i < 2 { b.confidence = 0.5 } else if i < 8 { b.confidence = 0.9 }
            _ = try store.merge(try b.prepared())
        }
        for i in 0..<3 { try store.markCorrect(documentID: "t-\(i)", reviewer: "steward") }
        return db
    }

    @Test func applyRefusesOnThreeReviewedOutcomesAndForceWritesTheEvidence() throws {
        let dir = TemporaryDirectory("docmerge-tune")
        let db = try Self.database(in: dir)
        let out = dir.file("tuned.json")
        let refused = try DocmergeBinary.run(["tune", "--db", db, "--apply", out])
        #expect(refused.status == 4, "\(refused.stderr)")
        #expect(refused.stderr.contains("Only 3 reviewed outcomes, fewer than tune.min_reviewed_outcomes (30)"), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: out))

        let forced = try DocmergeBinary.run(["tune", "--db", db, "--apply", out, "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: out)))
        let written = try Config.parse(bytes, source: out)   // the runner accepts it as it is
        let evidence = try #require(try JSONParser.parse(bytes)["evidence"])
        #expect(evidence["reviewed"]?.numberValue == 3 && evidence["documents"]?.numberValue == 20)
        #expect(evidence["forced"]?.boolValue == true)
        #expect(evidence["tuned_at"]?.stringValue.flatMap(Timestamp.parse) != nil)
        #expect(evidence["after"]?["thresholds"]?["min_confidence"]?.numberValue == written.thresholds.minConfidence)
        #expect(try DocmergeBinary.run(["config", "check", "--config", out]).status == 0)

        // A lower minimum in the config is honoured without --force.
        let lenient = dir.file("lenient.json")
        try Data(#"{"tune":{"min_reviewed_outcomes":3}}"#.utf8).write(to: URL(fileURLWithPath: lenient))
        let applied = try DocmergeBinary.run(["tune", "--db", db, "--config", lenient, "--apply", dir.file("tuned-2.json")])
        #expect(applied.status == 0, "\(applied.stderr)")
        let evidence2 = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: dir.file("tuned-2.json")))))["evidence"]
        #expect(evidence2?["forced"]?.boolValue == false)
    }

    @Test func theTableListsTheCurrentSettingOnceMarksOutOfBandAndSaysWhatItLeftOut() throws {
        let dir = TemporaryDirectory("docmerge-tune-table")
        let db = try Self.database(in: dir)
        let result = try DocmergeBinary.run(["tune", "--db", db])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.contains("current") }.count == 1)
        #expect(lines.contains { $0.contains("OUT of band") })
        let rowCount = TuneAnalysis.confidenceGrid.count * TuneAnalysis.fewCountGrid.count * TuneAnalysis.fewConfidenceGrid.count
            * TuneAnalysis.nameGrid.count
        let shown = lines.filter { $0.hasPrefix("0.") }.count
        let note = try #require(lines.first { $0.contains("are not shown") })
        #expect(note.hasPrefix("\(rowCount - shown) of the \(rowCount) settings"), "\(note)")
        #expect(note.contains("docmerge tune --all"))

        let all = try DocmergeBinary.run(["tune", "--db", db, "--all"])
        let allLines = all.stdout.split(separator: "\n").map(String.init)
        #expect(!allLines.contains { $0.contains("are not shown") })
        #expect(allLines.filter { $0.hasPrefix("0.") }.count == rowCount, "the current setting is on the grid: listed once")
        #expect(allLines.filter { $0.contains("current") }.count == 1)
    }
}
