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
        else the first), a FHIR Bundle of them, or CSV with the header mrn,given,family,birth_date.
        One transaction; an audit row per change.
        """

    static func run(_ args: Arguments) async throws -> Int32 {
        let file = try args.positional(0, "the FILE to import")
        try args.noExtraPositionals(1)
        let db = try args.database()
        guard let data = FileManager.default.contents(atPath: file) else {
            throw DocmergeError(.notFound, "Cannot read \(file).")
        }
        let records = try PatientImport.parse(Array(data), fileName: file)
        let store = try RecordStore.open(db, create: true)
        let summary = try store.importPatients(records)
        Output.out("\(records.count) patients read: \(summary.added) added, \(summary.updated) updated, \(summary.unchanged) unchanged.")
        return 0
    }
}

struct BundleCommand: Command {
    static let name = "bundle"
    static let summary = "the patient's FHIR Bundle on stdout"
    static let usage = """
        Usage: docmerge bundle MRN --db FILE

        Prints the patient's record as a FHIR R4 Bundle of type collection: the registry Patient,
        then every merged resource (each with meta.source, meta.versionId, meta.lastUpdated).
        """

    static func run(_ args: Arguments) async throws -> Int32 {
        let mrn = try args.positional(0, "the MRN")
        try args.noExtraPositionals(1)
        let store = try RecordStore.openForReading(try args.database())
        Output.bytes(try store.bundle(mrn: mrn) + [0x0A])
        return 0
    }
}

struct HistoryCommand: Command {
    static let name = "history"
    static let summary = "the patient's audit trail"
    static let usage = """
        Usage: docmerge history MRN --db FILE [--json]

        Every change to the patient's record, oldest first: merges, re-merges, rollbacks,
        corrections, review decisions, each with who, when and what.
        """
    static let flags: Set<String> = ["json"]

    static func run(_ args: Arguments) async throws -> Int32 {
        let mrn = try args.positional(0, "the MRN")
        try args.noExtraPositionals(1)
        let store = try RecordStore.openForReading(try args.database())
        guard try store.patient(mrn: mrn) != nil else {
            throw DocmergeError(.notFound, "No patient with MRN \(mrn) in the registry.")
        }
        let rows = try store.auditRows(mrn: mrn)
        if args.flag("json") {
            Output.out(JSON.array(rows.map { (try? JSONParser.parse(Array($0.jsonLine.utf8))) ?? .null }).text)
            return 0
        }
        Output.out("History of \(mrn): \(rows.count) entries")
        for row in rows { Output.out(AuditText.line(row)) }
        return 0
    }
}

/// Audit rows in words.
enum AuditText {
    static func line(_ row: AuditRow) -> String {
        let detail = (try? JSONParser.parse(Array(row.detail.utf8))) ?? .null
        var parts: [String] = []
        if let status = detail["status"]?.stringValue { parts.append(status) }
        if let reason = detail["flag_reason"]?.stringValue { parts.append(reason) }
        for key in ["inserted", "updated", "deleted", "removed"] {
            if let n = detail[key]?.numberValue, n > 0 { parts.append("\(key) \(Int(n))") }
        }
        if let v = detail["record_version"]?.numberValue { parts.append("record v\(Int(v))") }
        if let why = detail["reason"]?.stringValue { parts.append("why: \(why)") }
        if let error = detail["error"]?.stringValue { parts.append(error) }
        let what = row.documentID.map { " \($0)" } ?? ""
        return "  #\(row.seq) \(row.at) \(row.action)\(what) by \(row.actor)" + (parts.isEmpty ? "" : " — " + parts.joined(separator: "; "))
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
            throw DocmergeError(.notFound, "Cannot read \(file).")
        }
        let records = try LegacyRecord.parse(Array(data))
        let store = try RecordStore.open(try args.database(), create: true)
        let summary = try store.importLegacy(records)
        Output.out("\(summary.imported) legacy records imported, \(summary.skipped) already present.")
        for (mapping, count) in summary.mappings.sorted(by: { $0.key < $1.key }) { Output.out("  \(mapping): \(count)") }
        return 0
    }
}
