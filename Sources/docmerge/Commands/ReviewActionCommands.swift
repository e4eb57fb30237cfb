import DocmergeCore
import DocmergeModel
import Foundation

/// The shared shape of the verification actions.
enum ReviewAction {
    static let options: Set<String> = ["db", "reviewer", "expect-version", "reason"]

    /// `--reviewer`, else the operating-system user. The audit row records the OS user and
    /// host beside it either way.
    static func reviewer(_ args: Arguments) throws -> String {
        guard let given = args.value("reviewer") else { return OSIdentity.current.user }
        let reviewer = given.trimmingCharacters(in: .whitespaces)
        guard !reviewer.isEmpty else { throw DocmergeError(.usage, "--reviewer needs a name.") }
        return reviewer
    }

    /// The database, opened for a review action (a user who cannot write it is told so).
    static func store(_ args: Arguments) throws -> RecordStore {
        try RecordStore.open(try args.database(), write: true)
    }

    static let reviewerHelp = "--reviewer NAME defaults to the operating-system user; every audit row also records that user and the host."
}

struct ReviewMarkCorrectCommand: Command {
    static let name = "mark-correct"
    static let summary = "verify: the merged data is right (no data change)"
    static let usage = """
        Usage: docmerge review mark-correct DOC [--reviewer NAME] [--reason TEXT] --db FILE [--expect-version N]

        Verifies a flagged or auto-approved document as correct: status → reviewed. The data was
        already merged and does not change (a legacy record has nothing merged; the audit says
        so). With --expect-version, refuses (exit 4) if the document changed since you looked.
        \(ReviewAction.reviewerHelp)
        """
    static let options = ReviewAction.options

    static func run(_ args: Arguments) async throws -> Int32 {
        let id = try args.positional(0, "the document id")
        try args.noExtraPositionals(1)
        let reviewer = try ReviewAction.reviewer(args)
        let store = try ReviewAction.store(args)
        try store.markCorrect(documentID: id, reviewer: reviewer, reason: args.value("reason"), expectVersion: try args.int("expect-version"))
        Output.out("\(safe(id)) verified as correct by \(safe(reviewer)); status reviewed.")
        return 0
    }
}

struct ReviewCorrectCommand: Command {
    static let name = "correct"
    static let summary = "replace the document's merged data with corrected entries"
    static let usage = """
        Usage: docmerge review correct DOC --entries FILE [--reviewer NAME] [--reason TEXT] --db FILE [--expect-version N]

        Replaces the document's contribution to the record with the entries in FILE (a JSON
        array of {resource, snippet?, confidence?} as in the ingest format, or an object with an
        "entries" array), validated like an ingest; status → reviewed. The audit keeps every
        changed resource before and after. A bad FILE changes nothing (exit 1). An open re-ingest
        conflict on the document is closed: the correction supersedes it (the output says so).
        \(ReviewAction.reviewerHelp)
        """
    static let options = ReviewAction.options.union(["entries"])

    static func run(_ args: Arguments) async throws -> Int32 {
        let id = try args.positional(0, "the document id")
        try args.noExtraPositionals(1)
        let reviewer = try ReviewAction.reviewer(args)
        let file = try args.required("entries")
        guard let data = FileManager.default.contents(atPath: file) else {
            throw DocmergeError(.failure, "Cannot read the entries file \(safe(file)).")
        }
        let root: JSON
        do { root = try JSONParser.parse(Array(data)) } catch {
            throw DocmergeError(.failure, "The entries file \(safe(file)) is not valid JSON: \(error.description).")
        }
        let list: JSON? = root.arrayValue != nil ? root : root["entries"]
        let entries: [Extraction.Entry]
        do { entries = try EntriesDecoder.decode(list, at: root.arrayValue != nil ? "$" : "$.entries") } catch {
            throw DocmergeError(.failure, "The entries file \(safe(file)) is refused: \(error.description).")
        }
        let store = try ReviewAction.store(args)
        let changes = try store.correct(documentID: id, entries: entries, reviewer: reviewer, reason: args.value("reason"),
                                        expectVersion: try args.int("expect-version"))
        Output.out("\(safe(id)) corrected by \(safe(reviewer)): \(changes.inserted) added, \(changes.updated) changed, \(changes.deleted) removed; status reviewed.")
        if changes.closedConflicts > 0 {
            Output.out("This document had an open re-ingest conflict (\(changes.closedConflicts) held extraction\(changes.closedConflicts == 1 ? "" : "s")); your correction supersedes it and it is closed.")
        }
        return 0
    }
}

struct ReviewRollbackCommand: Command {
    static let name = "rollback"
    static let summary = "remove exactly this document's data from the record"
    static let usage = """
        Usage: docmerge review rollback DOC [--reviewer NAME] [--reason TEXT] --db FILE [--expect-version N]

        Removes exactly the resources this document contributed; every other resource stays
        byte-identical. Status → rejected. Prints how many were removed. A legacy record (nothing
        merged) becomes rejected with nothing removed. Afterwards the document may arrive again
        for another patient.
        \(ReviewAction.reviewerHelp)
        """
    static let options = ReviewAction.options

    static func run(_ args: Arguments) async throws -> Int32 {
        let id = try args.positional(0, "the document id")
        try args.noExtraPositionals(1)
        let reviewer = try ReviewAction.reviewer(args)
        let store = try ReviewAction.store(args)
        let removed = try store.rollback(documentID: id, reviewer: reviewer, reason: args.value("reason"),
                                         expectVersion: try args.int("expect-version"))
        Output.out("\(safe(id)) rolled back by \(safe(reviewer)): \(removed) resource\(removed == 1 ? "" : "s") removed from the record; status rejected.")
        return 0
    }
}

struct ReviewRetryCommand: Command {
    static let name = "retry"
    static let summary = "re-attempt a merge that failed"
    static let usage = """
        Usage: docmerge review retry DOC --db FILE [--reviewer NAME] [--expect-version N] [--config FILE]

        Re-attempts the merge of a document whose merge failed (disk full, database locked…),
        from its stored extraction and the thresholds it was judged with.
        \(ReviewAction.reviewerHelp)
        """
    static let options: Set<String> = ["db", "expect-version", "config", "reviewer"]

    static func run(_ args: Arguments) async throws -> Int32 {
        let id = try args.positional(0, "the document id")
        try args.noExtraPositionals(1)
        let config = try ConfigLoader.load(args.value("config"))
        let store = try ReviewAction.store(args)
        let outcome = try store.retry(documentID: id,
                                      decoder: ExtractionDecoder(maxBytes: config.pipeline.maxFileBytes, maxDepth: config.pipeline.maxDepth),
                                      actor: try ReviewAction.reviewer(args),
                                      expectVersion: try args.int("expect-version"), sampleRate: config.pipeline.sampleRate)
        switch outcome {
        case .merged(let r):
            Output.out("\(safe(id)) merged: \(r.inserted) added, \(r.updated) changed, \(r.deleted) removed; status \(r.status.rawValue).")
        case .unchanged, .stale, .conflict:
            Output.out("\(safe(id)): nothing to do (\(outcome)).")
        case .refused(let e):
            throw DocmergeError(.conflict, "\(safe(id)) cannot be merged: \(e.message).")
        }
        return 0
    }
}
