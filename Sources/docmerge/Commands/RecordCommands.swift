import DocmergeCore
import DocmergeModel
import Foundation

struct PatientsImportCommand: Command {
    static let name = "import"
    static let summary = "add or update registry patients"
    static let usage = """
        Usage: docmerge patients import FILE --db FILE

        Adds registry patients, or updates them by MRN. FILE is NDJSON or a JSON array of FHIR
        Patient resources (the MRN is the identifier typed MR, else one whose system names an MRN,
        else the first; the original id is kept as an identifier), a FHIR Bundle of them, or CSV
        with the header mrn,given,family,birth_date (mrn required). A name ending in .csv is read
        as CSV, .json/.ndjson/.jsonl as JSON; otherwise the first character decides. Birth dates
        must be FHIR dates (YYYY, YYYY-MM or YYYY-MM-DD). One transaction; an audit row per
        change; progress on standard error every 10,000 patients.
        """

    static func run(_ args: Arguments) async throws -> Int32 {
        let file = try args.positional(0, "the FILE to import")
        try args.noExtraPositionals(1)
        let db = try args.database()
        guard let data = FileManager.default.contents(atPath: file) else {
            throw DocmergeError(.notFound, "Cannot read \(safe(file)).")
        }
        let records = try PatientImport.parse(Array(data), fileName: file)
        let store = try RecordStore.open(db, create: true, write: true)
        let total = records.count
        if total >= 10_000 { Output.err("patients import: \(total) patients read; importing") }
        let summary = try store.importPatients(records, every: 10_000) { done in
            if total >= 10_000 { Output.err("patients import: \(done) of \(total) patients done") }
        }
        Output.out("\(records.count) patients read: \(summary.added) added, \(summary.updated) updated, \(summary.unchanged) unchanged.")
        return 0
    }
}

struct LegacyImportCommand: Command {
    static let name = "import"
    static let summary = "records from the old approval workflow"
    static let usage = """
        Usage: docmerge legacy import FILE --db FILE

        Imports document records exported from the old approval workflow (JSON array or NDJSON,
        each with document_id, mrn, status and optionally reviewed_by). Status mapping: approved
        without a reviewer → auto_approved; approved with one → reviewed; pending, rejected,
        flagged unchanged. Any other status refuses the whole file (nothing imported).
        """

    static func run(_ args: Arguments) async throws -> Int32 {
        let file = try args.positional(0, "the FILE to import")
        try args.noExtraPositionals(1)
        guard let data = FileManager.default.contents(atPath: file) else {
            throw DocmergeError(.notFound, "Cannot read \(safe(file)).")
        }
        let records = try LegacyRecord.parse(Array(data))
        let store = try RecordStore.open(try args.database(), create: true, write: true)
        let summary = try store.importLegacy(records)
        Output.out("\(summary.imported) legacy records imported, \(summary.skipped) already present.")
        for (mapping, count) in summary.mappings.sorted(by: { $0.key < $1.key }) { Output.out("  \(safe(mapping)): \(count)") }
        return 0
    }
}
