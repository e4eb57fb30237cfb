import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Foundation
import Testing

/// Each `registry.unknown_patient` policy through a real runner process.
@Suite(.serialized) struct UnknownPatientEndToEndTests {
    static func config(in dir: TemporaryDirectory, policy: UnknownPatientPolicy) throws -> String {
        let path = dir.file("policy.json")
        let settings: [String: Any] = ["settle_ms": 0, "rescan_seconds": 0.2, "retry_base_ms": 5, "retry_attempts": 3,
                                       "metrics_interval_seconds": 0.5, "park_seconds": 0.5]
        try JSONSerialization.data(withJSONObject: ["registry": ["unknown_patient": policy.rawValue], "pipeline": settings])
            .write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Runs the runner over one document for an MRN the registry does not know.
    static func run(_ policy: UnknownPatientPolicy, in dir: TemporaryDirectory) throws -> (inbox: String, db: String, stderr: String) {
        let (inbox, db) = try dir.site()
        let runner = try RunnerProcess(watch: inbox, db: db, config: try config(in: dir, policy: policy))
        let doc = PatientEntries.with(PatientEntries.rich, DocumentBuilder.clinical(id: "doc-new", mrn: "MRN-NEW"))
        try drop(doc.bytes, name: "new.json", into: inbox)
        let exit = runner.stopOnceDrained(inbox)
        #expect(exit.drained && exit.status == 0, "\(exit.stderr)")
        return (inbox, db, exit.stderr)
    }

    static func expectRegisteredFromTheEntry(_ db: String) throws {
        let result = try DocmergeBinary.run(["bundle", "MRN-NEW", "--db", db])
        #expect(result.status == 0, "\(result.stderr)")
        let patient = try #require(try JSONParser.parse(Array(result.stdout.utf8))["entry"]?[0]?["resource"])
        for member in PatientEntries.rich.objectValue ?? [] where !["id", "meta", "identifier"].contains(member.key) {
            #expect(patient[member.key]?.text == member.value.text, "\(member.key)")
        }
        let identifiers = patient["identifier"]?.arrayValue ?? []
        #expect(identifiers.contains { $0["value"]?.stringValue == "H-555" })
        #expect(identifiers.contains { $0["value"]?.stringValue == "MRN-NEW" })
        #expect(patient["meta"]?["versionId"]?.stringValue == "1" && patient["meta"]?["lastUpdated"] != nil)
    }

    @Test(.timeLimit(.minutes(2)))
    func registerAndFlag() throws {
        let dir = TemporaryDirectory("docmerge-unknown-flag")
        let (inbox, db, stderr) = try Self.run(.registerAndFlag, in: dir)
        #expect(files(in: inbox + "/processed") == ["new.json"])
        let show = try DocmergeBinary.run(["review", "show", "doc-new", "--db", db, "--json"])
        let detail = try JSONParser.parse(Array(show.stdout.utf8))
        #expect(detail["review_status"]?.stringValue == "flagged")
        #expect(detail["flag_reason"]?.stringValue == "a new patient MRN-NEW was registered from this document; check the MRN and the demographics")
        #expect(detail["is_merged"]?.boolValue == true)
        #expect(stderr.contains("unknown patients register_and_flag"), "the first line states the policy")
        try Self.expectRegisteredFromTheEntry(db)
    }

    @Test(.timeLimit(.minutes(2)))
    func register() throws {
        let dir = TemporaryDirectory("docmerge-unknown-register")
        let (inbox, db, _) = try Self.run(.register, in: dir)
        #expect(files(in: inbox + "/processed") == ["new.json"])
        let show = try DocmergeBinary.run(["review", "show", "doc-new", "--db", db, "--json"])
        let detail = try JSONParser.parse(Array(show.stdout.utf8))
        #expect(detail["review_status"]?.stringValue == "auto_approved")
        #expect(detail["flag_reason"] == .null)
        try Self.expectRegisteredFromTheEntry(db)
    }

    @Test(.timeLimit(.minutes(2)))
    func reject() throws {
        let dir = TemporaryDirectory("docmerge-unknown-reject")
        let (inbox, db, _) = try Self.run(.reject, in: dir)
        #expect(files(in: inbox + "/rejected") == ["new.error.json", "new.json"])
        let error = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: inbox + "/rejected/new.error.json"))))
        let message = try #require(error["error"]?.stringValue)
        #expect(message.hasPrefix("patient MRN-NEW is not in the registry"), "\(message)")
        #expect(!message.contains("Lima") && !message.contains("1970"), "no demographics in the error")
        for table in ["patients", "documents", "resources", "extractions"] {
            #expect(try sqlite3Tool(db, "SELECT count(*) FROM \(table);").output.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "\(table)")
        }
    }
}
