import DocmergeCore
import DocmergeModel
import Foundation

struct ReviewListCommand: Command {
    static let name = "list"
    static let summary = "flagged documents waiting for verification, oldest first"
    static let usage = """
        Usage: docmerge review list --db FILE [--json] [--mrn MRN] [--reason TEXT] [--overdue]
                                    [--conflicts | --sample]

        Flagged documents, oldest first, with their age; older than 7 days is overdue (red on a
        terminal). Their data is already in the record: reviewing verifies it.
          --conflicts   documents re-ingested after a person's decision (the decision was kept)
          --sample      auto-approved documents picked for the quality sample
        """
    static let options: Set<String> = ["db", "mrn", "reason", "overdue-days"]
    static let flags: Set<String> = ["json", "overdue", "conflicts", "sample"]

    static func run(_ args: Arguments) async throws -> Int32 {
        try args.noExtraPositionals(0)
        let store = try RecordStore.open(try args.database())
        var filter = RecordStore.ListFilter()
        filter.mrn = args.value("mrn")
        filter.reasonContains = args.value("reason")
        filter.overdueOnly = args.flag("overdue")
        filter.conflicts = args.flag("conflicts")
        filter.sample = args.flag("sample")
        if let days = args.value("overdue-days") {
            guard let d = Double(days) else { throw DocmergeError(.usage, "--overdue-days takes a number.") }
            filter.overdueDays = d
        }
        let items = try store.reviewList(filter)
        if args.flag("json") {
            Output.out(JSON.array(items.map(\.json)).text)
            return 0
        }
        let what = filter.conflicts ? "with a re-ingest conflict" : (filter.sample ? "in the quality sample" : "flagged for verification")
        let overdue = items.filter(\.overdue).count
        Output.out("\(items.count) document\(items.count == 1 ? "" : "s") \(what)" + (filter.conflicts || filter.sample ? "" : ", \(overdue) overdue"))
        let colour = Output.isTerminal
        for item in items {
            let age = "\(Int(item.ageDays))d"
            var line = "  \(item.documentID)  \(item.mrn)  \(age.padding(toLength: 4, withPad: " ", startingAt: 0))"
            if let name = item.documentName { line += "  \(name)" }
            if let reason = item.flagReason { line += "\n      \(reason)" }
            if item.overdue { line = colour ? "\u{1B}[31m\(line)  (overdue)\u{1B}[0m" : line + "  (OVERDUE)" }
            Output.out(line)
        }
        return 0
    }
}

struct ReviewShowCommand: Command {
    static let name = "show"
    static let summary = "one document: reason, extracted entries, snippets, history"
    static let usage = """
        Usage: docmerge review show DOC --db FILE [--json]

        The flag reason first, then every extracted entry with its snippet, confidence and the id
        it was merged under, the model, confidence and fallback flag, the document's version (for
        --expect-version) and its history.
        """
    static let flags: Set<String> = ["json"]

    static func run(_ args: Arguments) async throws -> Int32 {
        let id = try args.positional(0, "the document id")
        try args.noExtraPositionals(1)
        let store = try RecordStore.open(try args.database())
        let detail = try store.documentDetail(id)
        let extraction = (try? JSONParser.parse(detail.extraction)) ?? .null
        let entries = ReviewShowCommand.entries(extraction, merged: detail.mergedIDs)
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
                JSONMember("history", .array(detail.history.map { (try? JSONParser.parse(Array($0.jsonLine.utf8))) ?? .null })),
                JSONMember("conflicts", .array(detail.conflicts.map { (try? JSONParser.parse($0)) ?? .null })),
            ]
            Output.out(JSON.object(members).text)
            return 0
        }
        let s = detail.summary
        Output.out("\(s.documentID)  \(s.documentName ?? "")  patient \(s.mrn)")
        Output.out("Flag reason: \(s.flagReason ?? "none")")
        Output.out("Status: \(s.status.rawValue)\(s.isMerged ? ", merged" : ", NOT merged")  version \(s.version)  age \(Int(s.ageDays)) days\(s.overdue ? " (overdue)" : "")")
        if let by = detail.reviewedBy { Output.out("Reviewed by \(by) at \(detail.reviewedAt ?? "?")") }
        Output.out("Extraction: confidence \(detail.confidence), model \(detail.model)\(detail.fallbackUsed ? " (fallback model)" : "")")
        Output.out("Registry: \(detail.registry.name ?? "name unknown"), born \(detail.registry.birthDate ?? "unknown")")
        if let patient = entries.first(where: { $0["resourceType"]?.stringValue == "Patient" })?["resource"] {
            let evidence = PatientEvidence(patient: patient)
            Output.out("In the document: \(evidence.name ?? "name not given"), born \(evidence.birthDate ?? "not given")")
        }
        let resources = QualityCheck.resourceCount(entries: extraction["entries"])
        let evidence = entries.count - resources
        Output.out(evidence == 0 ? "Entries (\(entries.count)):"
                   : "Entries (\(entries.count): \(resources) resource\(resources == 1 ? "" : "s") merged and counted by the checks, \(evidence) Patient entry as evidence):")
        for (i, entry) in entries.enumerated() {
            let type = entry["resourceType"]?.stringValue ?? "?"
            var line = "  \(i + 1). \(type)"
            if let merged = entry["merged_as"]?.stringValue { line += " → \(merged)" }
            if type == "Patient" { line += " (demographics evidence; the registry patient is the subject)" }
            if let c = entry["confidence"], case .number(let n) = c { line += "  confidence \(n)" }
            Output.out(line)
            if let snippet = entry["snippet"]?.stringValue { Output.out("       \"\(snippet)\"") }
        }
        if !detail.conflicts.isEmpty {
            Output.out("Re-ingest conflicts: \(detail.conflicts.count) newer extraction(s) were kept aside (see --json).")
        }
        Output.out("History:")
        for row in detail.history { Output.out(AuditText.line(row)) }
        return 0
    }

    /// Each extracted entry with its resource, snippet, confidence and merged id.
    static func entries(_ extraction: JSON, merged: [String: String]) -> [JSON] {
        let items = extraction["entries"]?.arrayValue ?? []
        let resources = items.map { $0["resource"] ?? .null }
        let keys = ResourceIdentity.keys(resources.map { ($0["resourceType"]?.stringValue ?? "", $0["id"]?.stringValue) })
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
