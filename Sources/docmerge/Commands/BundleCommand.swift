import DocmergeCore
import DocmergeModel
import Foundation

struct BundleCommand: Command {
    static let name = "bundle"
    static let summary = "the patient's FHIR Bundle on stdout"
    static let usage = """
        Usage: docmerge bundle MRN --db FILE [--verified-only] [--check] [--base URL]

        Prints the patient's record as a FHIR R4 Bundle of type collection: the registry Patient,
        then every merged resource (each with meta.source, meta.versionId, meta.lastUpdated), then
        per merged document a DocumentReference and a Provenance (meta.tag code `generated`).
        Resources of a flagged document carry meta.tag code `unverified` until a person decides.
        Every fullUrl is BASE/Type/id, so references resolve by FHIR's bundle rules.
          --verified-only  leave out unverified resources (says how many on standard error)
          --check          print no Bundle: list every reference that resolves nowhere in it
                           (resource → reference  (source document)), exit 1 if there is one
          --base URL       the RESTful base of the fullUrls (else $DOCMERGE_FHIR_BASE, else
                           \(RecordCodes.defaultBase))
        """
    static let options: Set<String> = ["db", "base"]
    static let flags: Set<String> = ["verified-only", "check"]

    static func run(_ args: Arguments) async throws -> Int32 {
        let mrn = try args.positional(0, "the MRN")
        try args.noExtraPositionals(1)
        var options = BundleOptions()
        options.verifiedOnly = args.flag("verified-only")
        let environment = ProcessInfo.processInfo.environment["DOCMERGE_FHIR_BASE"].flatMap { $0.isEmpty ? nil : $0 }
        if let base = args.value("base") ?? environment {
            guard let valid = BundleOptions.validBase(base) else {
                throw DocmergeError(.usage, "--base (or DOCMERGE_FHIR_BASE) must be an http:// or https:// URL without a query, such as https://fhir.example.org/r4.")
            }
            options.base = valid
        }
        let store = try RecordStore.openForReading(try args.database())
        let exported = try store.export(mrn: mrn, options)
        if options.verifiedOnly {
            Output.err("Left out \(exported.leftOut) unverified resource\(exported.leftOut == 1 ? "" : "s") of \(exported.leftOutDocuments) flagged document\(exported.leftOutDocuments == 1 ? "" : "s").")
        }
        guard args.flag("check") else {
            Output.bytes(exported.bytes + [0x0A])
            return 0
        }
        let report = BundleReferenceCheck.check(try JSONParser.parse(exported.bytes))
        for item in report.unresolved {
            Output.out("\(safe(item.resource)) → \(safe(item.reference))" + (item.source.map { "  (\(safe($0)))" } ?? ""))
        }
        if report.unresolved.isEmpty {
            Output.err("All \(report.references) references of \(mrn)'s record resolve.")
            return 0
        }
        Output.err("\(report.unresolved.count) of \(report.references) references of \(mrn)'s record resolve nowhere (listed: resource → reference, and the resource's source document).")
        return 1
    }
}
