import DocmergeModel
import DocmergeTestSupport
import Foundation
import Testing

/// Config files through the real binary: refused in one sentence with exit 2 by `run` and
/// by `config check`; `config check` prints the effective configuration.
@Suite struct ConfigCommandTests {
    static let bad: [(String, String)] = [
        (#"{"thresholds":{"min_confidance":0.9}}"#, "thresholds.min_confidance is not a setting"),
        (#"{"thresholds":{"min_confidence":1.5}}"#, "thresholds.min_confidence must be a number from 0 to 1"),
        (#"{"registry":{"unknown_patient":"maybe"}}"#, "registry.unknown_patient must be one of register_and_flag, register, reject"),
        (#"{"pipeline":{"retry_attempts":0}}"#, "pipeline.retry_attempts must be a whole number of 1 or more"),
        (#"{"pipeline":{"park_seconds":-3}}"#, "pipeline.park_seconds must be a number of 0 or more"),
        ("not json", "is not JSON"),
    ]

    @Test(arguments: bad)
    func aBadFileIsRefusedWithExit2(_ text: String, _ sentence: String) throws {
        let dir = TemporaryDirectory("docmerge-badconfig")
        let (inbox, db) = try dir.site()
        let path = dir.file("bad.json")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try drop(DocumentBuilder.clinical(id: "d", mrn: "M").bytes, name: "d.json", into: inbox)
        for args in [["config", "check", "--config", path], ["run", "--watch", inbox, "--db", db, "--once", "--config", path]] {
            let result = try DocmergeBinary.run(args)
            #expect(result.status == 2, "\(args[0]): \(result.stderr)")
            #expect(result.stderr.contains(sentence) && result.stderr.contains(path), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "one sentence")
            #expect(result.stdout.isEmpty)
        }
        #expect(waiting(in: inbox) == ["d.json"], "the runner did not start")
        #expect(!FileManager.default.fileExists(atPath: db))
        // The environment variable is read the same way.
        let viaEnv = try DocmergeBinary.run(["config", "check"], environment: ["DOCMERGE_CONFIG": path])
        #expect(viaEnv.status == 2)
    }

    @Test func checkPrintsTheEffectiveConfigurationWithDefaultsFilledIn() throws {
        let dir = TemporaryDirectory("docmerge-configcheck")
        let path = dir.file("partial.json")
        try Data(#"{"thresholds":{"min_confidence":0.85},"registry":{"unknown_patient":"reject"}}"#.utf8).write(to: URL(fileURLWithPath: path))
        let result = try DocmergeBinary.run(["config", "check", "--config", path])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONParser.parse(Array(result.stdout.utf8))
        #expect(json["thresholds"]?["min_confidence"]?.numberValue == 0.85)
        #expect(json["thresholds"]?["few_resources_count"]?.numberValue == 3)
        #expect(json["registry"]?["unknown_patient"]?.stringValue == "reject")
        #expect(json["pipeline"]?["batch_max"]?.numberValue == 256)
        #expect(json["tune"]?["min_reviewed_outcomes"]?.numberValue == 30)
        let defaults = try DocmergeBinary.run(["config", "check"], environment: ["DOCMERGE_CONFIG": ""])
        #expect(defaults.status == 0)
        #expect(try Config.parse(Array(defaults.stdout.utf8), source: "stdout") == Config())
    }

    @Test func theRunnersFirstLineStatesThresholdsAndPolicy() throws {
        let dir = TemporaryDirectory("docmerge-firstline")
        let (inbox, db) = try dir.site()
        let path = dir.file("c.json")
        try Data(#"{"thresholds":{"min_confidence":0.7,"few_resources_count":2},"registry":{"unknown_patient":"register"}}"#.utf8)
            .write(to: URL(fileURLWithPath: path))
        let result = try DocmergeBinary.run(["run", "--watch", inbox, "--db", db, "--once", "--config", path])
        #expect(result.status == 0, "\(result.stderr)")
        let first = result.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first == "judging with min_confidence 0.70, few_resources_count 2, few_resources_confidence 0.95, min_name_similarity 0.80; unknown patients register", "\(first)")
    }
}
