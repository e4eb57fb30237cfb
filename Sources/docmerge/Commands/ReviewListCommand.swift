import DocmergeCore
import DocmergeModel
import Foundation

struct ReviewListCommand: Command {
    static let name = "list"
    static let summary = "flagged documents waiting for verification, oldest first"
    static let usage = """
        Usage: docmerge review list --db FILE [--json] [--mrn MRN] [--reason TEXT] [--overdue]
                                    [--conflicts | --sample | --status S]

        Flagged documents, oldest first, with their age; older than 7 days is overdue (red on a
        terminal). Their data is already in the record: reviewing verifies it. Records imported
        from the old approval workflow are marked (legacy); their age runs from their original date.
          --conflicts   documents re-ingested after a person's decision (the decision was kept);
                        end one with `review conflict accept|dismiss DOC`
          --sample      auto-approved documents picked for the quality sample
          --status S    documents in any one status: pending, auto_approved, flagged, reviewed, rejected
        """
    static let options: Set<String> = ["db", "mrn", "reason", "overdue-days", "status"]
    static let flags: Set<String> = ["json", "overdue", "conflicts", "sample"]

    static func run(_ args: Arguments) async throws -> Int32 {
        try args.noExtraPositionals(0)
        let store = try RecordStore.openForReading(try args.database())
        var filter = RecordStore.ListFilter()
        filter.mrn = args.value("mrn")
        filter.reasonContains = args.value("reason")
        filter.overdueOnly = args.flag("overdue")
        filter.conflicts = args.flag("conflicts")
        filter.sample = args.flag("sample")
        guard !(filter.conflicts && filter.sample) else { throw DocmergeError(.usage, "--conflicts and --sample are two different lists; give one.") }
        if let status = args.value("status") {
            guard let s = ReviewStatus(rawValue: status) else {
                throw DocmergeError(.usage, "--status is one of " + ReviewStatus.allCases.map(\.rawValue).joined(separator: ", ") + ".")
            }
            guard !filter.conflicts && !filter.sample else { throw DocmergeError(.usage, "--status does not combine with --conflicts or --sample.") }
            filter.status = s
        }
        if let days = args.value("overdue-days") {
            guard let d = Double(days) else { throw DocmergeError(.usage, "--overdue-days takes a number.") }
            filter.overdueDays = d
        }
        if args.flag("json") && !filter.conflicts {
            // Streamed: a list of 200,000 documents is never held whole (issue 14).
            var stream = JSONArrayOutput()
            try store.eachReviewItem(filter) { stream.append($0.json) }
            stream.finish()
            return 0
        }
        let items = try store.reviewList(filter)
        // For the conflict list: what each held extraction would change in the record.
        let changes = filter.conflicts ? try Dictionary(uniqueKeysWithValues: items.map {
            ($0.documentID, try store.openConflicts(documentID: $0.documentID).last?.changes ?? [])
        }) : [:]
        if args.flag("json") {
            Output.json(JSON.array(items.map { item in
                guard filter.conflicts, case .object(var members) = item.json else { return item.json }
                members.append(JSONMember("changes", .array((changes[item.documentID] ?? []).map(\.json))))
                return .object(members)
            }))
            return 0
        }
        let what = filter.conflicts ? "with a re-ingest conflict"
            : filter.sample ? "in the quality sample"
            : filter.status.map { "with status \($0.rawValue)" } ?? "flagged for verification"
        let overdue = items.filter(\.overdue).count
        let counted = filter.conflicts || filter.sample || (filter.status.map { $0 != .flagged } ?? false)
        Output.out("\(items.count) document\(items.count == 1 ? "" : "s") \(what)" + (counted ? "" : ", \(overdue) overdue"))
        for item in items {
            let age = "\(Int(item.ageDays))d"
            var line = "  \(safe(item.documentID))  \(safe(item.mrn))  \(age.padding(toLength: 4, withPad: " ", startingAt: 0))"
            if filter.status != nil { line += "  \(item.status.rawValue)" }
            if item.legacy { line += "  (legacy)" }
            if let name = item.documentName { line += "  \(safe(name))" }
            if let reason = item.flagReason { line += "\n      \(safe(reason))" }
            if let held = changes[item.documentID] {
                let count = { (kind: ConflictChange.Kind) in held.filter { $0.kind == kind }.count }
                line += "\n      held extraction: \(count(.added)) added, \(count(.removed)) removed, \(count(.changed)) changed (review show \(safe(item.documentID)))"
            }
            if item.overdue { Output.red(line + "  (OVERDUE)") } else { Output.out(line) }
        }
        return 0
    }
}
