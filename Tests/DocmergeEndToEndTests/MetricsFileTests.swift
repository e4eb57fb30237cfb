import DocmergeModel
import DocmergeTestSupport
import Foundation
import Testing

/// The watching runner's metrics files follow changes made by other processes: its
/// database figures are re-read when another connection committed (`data_version`),
/// not on every dump.
@Suite struct MetricsFileTests {
    @Test(.timeLimit(.minutes(2)))
    func aReviewInAnotherProcessShowsInTheRunnersMetricsFile() throws {
        let dir = TemporaryDirectory("docmerge-metrics-file")
        let (inbox, db) = try dir.site()
        let runner = try RunnerProcess(watch: inbox, db: db, config: try testConfig(in: dir), extra: ["--quiet"])
        let metrics = dir.file("metrics.json")
        try drop(DocumentBuilder.clinical(id: "mf1", mrn: "MRN-MF").bytes, name: "mf1.json", into: inbox)
        #expect(eventually { Self.figure(metrics, "documents_total") == 1 })
        #expect(Self.figure(metrics, "rollbacks") == 0)

        let rollback = try DocmergeBinary.run(["review", "rollback", "mf1", "--reason", "wrong patient", "--db", db])
        #expect(rollback.status == 0, "\(rollback.stderr)")
        #expect(eventually(20) { Self.figure(metrics, "rollbacks") == 1 }, "well within the minute after which unchanged figures are re-read anyway: the runner re-read the figures after the review's commit")

        runner.terminate()
        #expect(runner.wait().status == 0)
        #expect(Self.figure(metrics, "rollbacks") == 1)
    }

    static func figure(_ path: String, _ name: String) -> Double? {
        guard let data = FileManager.default.contents(atPath: path), let json = try? JSONParser.parse(Array(data)) else { return nil }
        return json[name]?.numberValue
    }
}
