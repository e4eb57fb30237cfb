import DocmergeCore
import DocmergeModel
import Foundation

struct ReviewShowCommand: Command {
    static let name = "show"
    static let summary = "one document: reason, extracted entries, snippets, history"
    static let usage = """
        Usage: docmerge review show DOC --db FILE [--json]

        The flag reason first, then every extracted entry: what it says (the code's display, the
        medication and dose, the value with its unit, the date) beside its snippet, its confidence
        and the id it was merged under; after a correction, what the record holds now; open
        re-ingest conflicts with what they would change; the model, confidence and fallback flag,
        the document's version (for --expect-version) and its history (before → after of every
        corrected resource).
        """
    static let flags: Set<String> = ["json"]

    static func run(_ args: Arguments) async throws -> Int32 {
        let id = try args.positional(0, "the document id")
        try args.noExtraPositionals(1)
        let store = try RecordStore.openForReading(try args.database())
        let detail = try store.documentDetail(id)
        let extraction = (try? JSONParser.parse(detail.extraction)) ?? .null
        let entries = ReviewShowCommand.entries(extraction, merged: detail.mergedIDs,
                                                keys: ResourceIdentity.entryKeys(extraction: detail.extraction))
        let open = try store.openConflicts(documentID: id)
        let unresolved = try store.unresolvedReferences(documentID: id)
        if args.flag("json") {
            var members = detail.summary.json.objectValue ?? []
            members += [
                JSONMember("confidence", .number(String(detail.confidence))),
                JSONMember("model", .string(detail.model)),
                JSONMember("fallback_used", .bool(detail.fallbackUsed)),
                JSONMember("reviewed_by", detail.reviewedBy.map(JSON.string) ?? .null),
                JSONMember("reviewed_at", detail.reviewedAt.map(JSON.string) ?? .null),
                JSONMember("thresholds", (try? JSONParser.parse(Array(detail.thresholds.utf8))) ?? .null),
                JSONMember("resource_count", .number(String(QualityCheck.resourceCount(entries: extraction["entries"])))),
                JSONMember("entries", .array(entries)),
                JSONMember("history", .array(detail.history.map(\.json))),
                JSONMember("conflicts", .array(detail.conflicts.map { (try? JSONParser.parse($0)) ?? .null })),
                JSONMember("open_conflicts", .array(open.map { c in
                    .object([JSONMember("at", .string(c.at)), JSONMember("content_hash", .string(c.contentHash)),
                             JSONMember("extracted_at", c.extractedAt.map(JSON.string) ?? .null),
                             JSONMember("changes", .array(c.changes.map(\.json)))])
                })),
                JSONMember("record", .array(detail.record.map { r in
                    .object([JSONMember("reference", .string(r.reference)),
                             JSONMember("value", .string(EntryDescription.describe((try? JSONParser.parse(r.body)) ?? .null)))])
                })),
                JSONMember("unresolved_references", .array(unresolved.map {
                    .object([JSONMember("resource", .string($0.resource)), JSONMember("reference", .string($0.reference))])
                })),
            ]
            Output.json(JSON.object(members))
            return 0
        }
        text(detail, entries: entries, open: open)
        if !unresolved.isEmpty {
            Output.out("Unresolved references (\(unresolved.count), kept as written; nothing in the record is their target):")
            for item in unresolved { Output.out("  \(safe(item.resource)) → \(safe(item.reference))") }
        }
        return 0
    }

    static func text(_ detail: RecordStore.DocumentDetail, entries: [JSON], open: [RecordStore.OpenConflict]) {
        let s = detail.summary
        Output.out("\(safe(s.documentID))  \(safe(s.documentName ?? ""))  patient \(safe(s.mrn))\(s.legacy ? "  (legacy record from the old approval workflow)" : "")")
        Output.out("Flag reason: \(safe(s.flagReason ?? "none"))")
        Output.out("Status: \(s.status.rawValue)\(s.isMerged ? ", merged" : ", NOT merged")  version \(s.version)  age \(Int(s.ageDays)) days\(s.overdue ? " (overdue)" : "")")
        if let by = detail.reviewedBy { Output.out("Reviewed by \(safe(by)) at \(safe(detail.reviewedAt ?? "?"))") }
        Output.out("Extraction: confidence \(detail.confidence), model \(safe(detail.model))\(detail.fallbackUsed ? " (fallback model)" : "")")
        Output.out("Registry: \(safe(detail.registry.name ?? "name unknown")), born \(safe(detail.registry.birthDate ?? "unknown"))")
        // Every Patient entry is evidence (numbered as in the list of entries below).
        let patients = entries.enumerated().filter { $0.element["resourceType"]?.stringValue == "Patient" }
        for (i, entry) in patients {
            guard let patient = entry["resource"] else { continue }
            let evidence = PatientEvidence(patient: patient)
            let name = evidence.nameProblem.map { "name not readable (\($0))" } ?? evidence.name ?? "name not given"
            let born = evidence.birthDateProblem.map { "not readable (\($0))" } ?? evidence.birthDate ?? "not given"
            Output.out("In the document\(patients.count > 1 ? " (entry \(i + 1), $.entries[\(i)])" : ""): \(safe(name)), born \(safe(born))")
        }
        Output.out("Entries (\(entries.count)):")
        for (i, entry) in entries.enumerated() {
            let type = entry["resourceType"]?.stringValue ?? "?"
            var line = "  \(i + 1). \(safe(type))"
            if let merged = entry["merged_as"]?.stringValue { line += " → \(safe(merged))" }
            if type == "Patient" { line += " (demographics evidence; the registry patient is the subject)" }
            if let c = entry["confidence"], case .number(let n) = c { line += "  confidence \(safe(n))" }
            Output.out(line)
            if type != "Patient", let resource = entry["resource"] { Output.out("       value:   \(safe(EntryDescription.describe(resource)))") }
            if let snippet = entry["snippet"]?.stringValue { Output.out("       snippet: \"\(safe(snippet))\"") }
        }
        if detail.history.contains(where: { $0.action == "correct" || $0.action == "conflict_accept" }) {
            Output.out("In the record now (corrected by a person, \(detail.record.count) resource\(detail.record.count == 1 ? "" : "s")):")
            for r in detail.record {
                let value = EntryDescription.describe((try? JSONParser.parse(r.body)) ?? .null)
                Output.out("  \(safe(r.reference)): \(safe(value))")
            }
        }
        for conflict in open {
            Output.out("Open re-ingest conflict (held since \(conflict.at), extracted \(safe(conflict.extractedAt ?? "at an unknown time"))): \(conflict.changes.count) change\(conflict.changes.count == 1 ? "" : "s") against the record")
            for c in conflict.changes {
                Output.out("  \(c.kind.rawValue) \(safe(c.reference)): \(safe(c.before ?? "—")) → \(safe(c.after ?? "—"))")
            }
        }
        if !open.isEmpty {
            Output.out("  End it: docmerge review conflict accept \(safe(s.documentID)) | docmerge review conflict dismiss \(safe(s.documentID)) --reason TEXT")
        }
        Output.out("History:")
        for row in detail.history { Output.out(AuditText.line(row)) }
    }

    /// Each extracted entry with its resource, snippet, confidence and merged id (`keys`: each
    /// entry's key within the document, as the merge gave it).
    static func entries(_ extraction: JSON, merged: [String: String], keys: [String]) -> [JSON] {
        let items = extraction["entries"]?.arrayValue ?? []
        let resources = items.map { $0["resource"] ?? .null }
        return zip(zip(items, resources), keys).map { pair, key in
            let (entry, resource) = pair
            let type = resource["resourceType"]?.stringValue ?? ""
            var members = [JSONMember("resourceType", .string(type)), JSONMember("resource", resource),
                           JSONMember("snippet", entry["snippet"] ?? .null),
                           JSONMember("confidence", entry["confidence"] ?? .null)]
            if type == "Patient" {
                members.append(JSONMember("merged_as", .null))
                members.append(JSONMember("note", .string("demographics evidence; the registry patient is the subject")))
            } else {
                members.append(JSONMember("merged_as", merged[type + "\u{0}" + key].map(JSON.string) ?? .null))
            }
            return .object(members)
        }
    }
}
