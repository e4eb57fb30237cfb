import DocmergeCore
import DocmergeModel
import Foundation

struct ReviewConflictCommand: Command {
    static let name = "conflict"
    static let summary = "end a re-ingest conflict: accept the held extraction or dismiss it"
    static let usage = """
        Usage: docmerge review conflict accept DOC [--reviewer NAME] [--reason TEXT] --db FILE [--expect-version N]
               docmerge review conflict dismiss DOC --reason TEXT [--reviewer NAME] --db FILE [--expect-version N]

        A re-ingest of a document a person had decided on is held aside (people win); `review show
        DOC` lists what it would change. accept applies the newest held extraction as your
        correction (audited before and after; status reviewed; people win from then on). dismiss
        keeps the record as it is and closes the conflict with your reason. Either way the
        document leaves `review list --conflicts` and `open_conflicts`.
        \(ReviewAction.reviewerHelp)
        """
    static let options = ReviewAction.options

    static func run(_ args: Arguments) async throws -> Int32 {
        let verb = try args.positional(0, "accept or dismiss")
        let id = try args.positional(1, "the document id")
        try args.noExtraPositionals(2)
        let reviewer = try ReviewAction.reviewer(args)
        let expect = try args.int("expect-version")
        switch verb {
        case "accept":
            let store = try ReviewAction.store(args)
            let r = try store.acceptConflict(documentID: id, reviewer: reviewer, reason: args.value("reason"), expectVersion: expect)
            Output.out("\(safe(id)): the held extraction was applied as \(safe(reviewer))'s correction: \(r.inserted) added, \(r.updated) changed, \(r.deleted) removed; status reviewed; \(r.closed) conflict\(r.closed == 1 ? "" : "s") closed.")
        case "dismiss":
            let reason = try args.required("reason")
            let store = try ReviewAction.store(args)
            let r = try store.dismissConflict(documentID: id, reviewer: reviewer, reason: reason, expectVersion: expect)
            Output.out("\(safe(id)): \(r.closed) held extraction\(r.closed == 1 ? "" : "s") dismissed by \(safe(reviewer)); the record is unchanged.")
        default:
            throw DocmergeError(.usage, "docmerge review conflict takes accept or dismiss, not '\(safe(verb))'.")
        }
        return 0
    }
}

struct ReviewRefileCommand: Command {
    static let name = "refile"
    static let summary = "move a document uploaded to the wrong patient"
    static let usage = """
        Usage: docmerge review refile DOC --to MRN --reason TEXT [--reviewer NAME] --db FILE [--expect-version N]

        In one transaction: removes the document's resources from the patient it was filed under
        (that record is then as if it never had them), merges them into MRN's record exactly as a
        fresh merge would (judged again against MRN's registry entry), keeps the document's
        history, and writes an audit row on both patients. MRN must be in the registry. A document
        whose data a person corrected is refused (exit 4: re-merging its extraction would undo
        the correction); roll it back, have it sent again for MRN, and correct it there.
        \(ReviewAction.reviewerHelp)
        """
    static let options = ReviewAction.options.union(["to"])

    static func run(_ args: Arguments) async throws -> Int32 {
        let id = try args.positional(0, "the document id")
        try args.noExtraPositionals(1)
        let to = try args.required("to")
        let reason = try args.required("reason")
        let reviewer = try ReviewAction.reviewer(args)
        let store = try ReviewAction.store(args)
        let r = try store.refile(documentID: id, toMRN: to, reviewer: reviewer, reason: reason, expectVersion: try args.int("expect-version"))
        Output.out("\(safe(id)) moved from \(safe(r.fromMRN)) to \(safe(r.toMRN)) by \(safe(reviewer)): \(r.removed) resource\(r.removed == 1 ? "" : "s") removed, \(r.inserted) merged; status \(r.status.rawValue)\(r.flagReason.map { " (\(safe($0)))" } ?? "").")
        return 0
    }
}
