import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Foundation
import Testing

/// `docmerge bundle` as an operator runs it: --verified-only, --check, --base, and
/// `review show` listing what resolves nowhere.
@Suite struct BundleCommandTests {
    func database(_ dir: TemporaryDirectory) throws -> String {
        let db = dir.file("records.sqlite")
        let store = try RecordStore(path: db)
        var low = DocumentBuilder.clinical(id: "low", mrn: "MRN-B")
        low.confidence = 0.5
        _ = try store.merge(try low.prepared())
        _ = try store.merge(try DocumentBuilder.clinical(id: "good", mrn: "MRN-B").prepared())
        return db
    }

    @Test func verifiedOnlySaysHowManyItLeftOut() throws {
        let dir = TemporaryDirectory("docmerge-bundle")
        let db = try database(dir)
        let result = try DocmergeBinary.run(["bundle", "MRN-B", "--verified-only", "--db", db])
        #expect(result.status == 0)
        #expect(result.stderr.contains("Left out 5 unverified resources of 1 flagged document."))
        let bundle = try JSONParser.parse(Array(result.stdout.utf8))
        let codes = (bundle["entry"]?.arrayValue ?? []).flatMap { ($0["resource"]?["meta"]?["tag"]?.arrayValue ?? []).compactMap { $0["code"]?.stringValue } }
        #expect(!codes.contains("unverified") && codes.contains("generated"))
        let full = try DocmergeBinary.run(["bundle", "MRN-B", "--db", db])
        #expect(full.stdout.contains("\"code\":\"unverified\"") && full.stderr.isEmpty)
    }

    @Test func checkListsEveryUnresolvedReferenceAndExitsOne() throws {
        let dir = TemporaryDirectory("docmerge-check")
        let db = try database(dir)
        let clean = try DocmergeBinary.run(["bundle", "MRN-B", "--check", "--db", db])
        #expect(clean.status == 0 && clean.stdout.isEmpty && clean.stderr.contains("references of MRN-B's record resolve"))
        var dangling = DocumentBuilder(id: "meds", mrn: "MRN-B")
        dangling.entries = [DocumentBuilder.medication(text: "m", reason: "Condition/nowhere"),
                            DocumentBuilder.medication(text: "n", reason: "urn:uuid:5e3f0c1a-0000-4000-8000-000000000000")]
        _ = try RecordStore(path: db).merge(try dangling.prepared())
        let check = try DocmergeBinary.run(["bundle", "MRN-B", "--check", "--db", db])
        #expect(check.status == 1)
        let lines = check.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.first?.hasSuffix(" → Condition/nowhere  (document_meds)") == true)
        #expect(lines.last?.hasSuffix(" → urn:uuid:5e3f0c1a-0000-4000-8000-000000000000  (document_meds)") == true)
        #expect(lines.allSatisfy { $0.hasPrefix("MedicationStatement/") })
        let show = try DocmergeBinary.run(["review", "show", "meds", "--db", db])
        #expect(show.stdout.contains("Unresolved references (2") && show.stdout.contains("→ Condition/nowhere"))
        let json = try JSONParser.parse(Array(try DocmergeBinary.run(["review", "show", "meds", "--json", "--db", db]).stdout.utf8))
        #expect(json["unresolved_references"]?.arrayValue?.compactMap { $0["reference"]?.stringValue }.first == "Condition/nowhere")
        let mergedAs = (json["entries"]?.arrayValue ?? []).compactMap { $0["merged_as"]?.stringValue }
        #expect(mergedAs.count == 2 && mergedAs.allSatisfy { $0.hasPrefix("MedicationStatement/") } && Set(mergedAs).count == 2,
                "id-less entries are found under their content keys")
    }

    @Test func theOperatorChoosesTheRestfulBase() throws {
        let dir = TemporaryDirectory("docmerge-base")
        let db = try database(dir)
        let result = try DocmergeBinary.run(["bundle", "MRN-B", "--base", "https://fhir.example.org/r4/", "--db", db])
        let urls = (try JSONParser.parse(Array(result.stdout.utf8))["entry"]?.arrayValue ?? []).compactMap { $0["fullUrl"]?.stringValue }
        #expect(!urls.isEmpty && urls.allSatisfy { $0.hasPrefix("https://fhir.example.org/r4/") && !$0.contains("r4//") })
        #expect(urls.first == "https://fhir.example.org/r4/Patient/MRN-B")
        let environment = try DocmergeBinary.run(["bundle", "MRN-B", "--check", "--db", db], environment: ["DOCMERGE_FHIR_BASE": "http://h/fhir"])
        #expect(environment.status == 0)
        #expect(try DocmergeBinary.run(["bundle", "MRN-B", "--base", "urn:x", "--db", db]).status == 2)
        #expect(try DocmergeBinary.run(["bundle", "MRN-B", "--db", db]).stdout.contains("\"fullUrl\":\"\(RecordCodes.defaultBase)/Patient/MRN-B\""))
    }
}
