import DocmergeCore
import DocmergeModel
import Foundation

/// `POST /documents/<id>/<action>/`: one review action, done as the signed-in steward
/// (the reviewer in its audit row), against the version the form was drawn from. A
/// stale version changes nothing and shows the document as it is now.
struct DocumentActions {
    let app: ConsoleApp
    let store: RecordStore
    let viewer: Viewer

    static let staleMessage = "This document changed since you opened it: nothing was done. Here it is as it is now; check it and act again."

    func perform(path: String, form: FormData) throws -> HTTPResponse {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[1] == "documents", parts[4].isEmpty else {
            throw HTTPError(404, "There is no action at this address.")
        }
        let id = String(parts[2]), action = String(parts[3])
        guard ExtractionDecoder.isValidDocumentID(id) else { throw HTTPError(404, "There is no such document.") }
        guard let versionText = form["version"], let version = Int(versionText) else {
            throw HTTPError(400, "The form does not say which version of the document it was drawn from; reload the page.")
        }
        let view = VerifyView(app: app, store: store, viewer: viewer, documentID: id)
        let current = try store.documentDetail(id).summary
        if current.version != version { return try stale(view) }
        do {
            switch action {
            case "mark-correct":
                try app.writes.run { try store.markCorrect(documentID: id, reviewer: viewer.name, expectVersion: version) }
                app.log("console: \(viewer.name) marked \(id) as correct")
                return .redirect(HTML.link("/documents/flagged/", [("done", "mark-correct"), ("doc", id)]))
            case "correct":
                var draft = try CorrectionDraft(form: form)
                guard let entries = draft.validated(maxDepth: app.config.decoder.maxDepth) else {
                    return .html(try view.render(notice: .init(text: "Nothing was changed: an entry is refused (see below).", kind: "error"), draft: draft), status: 422)
                }
                let changes = try app.writes.run { try store.correct(documentID: id, entries: entries, reviewer: viewer.name, expectVersion: version) }
                app.log("console: \(viewer.name) corrected \(id) (\(changes.inserted) added, \(changes.updated) changed, \(changes.deleted) removed)")
                return .redirect(HTML.link(HTML.documentPath(id), [("done", "correct")]))
            case "remove":
                let reason = (form["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                guard !reason.isEmpty, reason.count <= 500 else {
                    return .html(try view.render(notice: .init(text: "Say why the document is removed (up to 500 characters); nothing was removed.", kind: "error")), status: 422)
                }
                guard form["confirm"] == "yes" else {
                    return .html(try view.render(notice: .init(text: "Tick the confirmation to remove the document's data; nothing was removed.", kind: "error")), status: 422)
                }
                let removed = try app.writes.run { try store.rollback(documentID: id, reviewer: viewer.name, reason: reason, expectVersion: version) }
                app.log("console: \(viewer.name) removed \(id) from the record (\(removed) resources)")
                return .redirect(HTML.link("/documents/flagged/", [("done", "remove"), ("doc", id)]))
            case "retry":
                let outcome = try app.writes.run {
                    try store.retry(documentID: id, decoder: app.config.decoder, actor: viewer.name,
                                    expectVersion: version, sampleRate: app.config.sampleRate)
                }
                if case .refused(let e) = outcome {
                    return .html(try view.render(notice: .init(text: "The merge was refused again: \(e.message).", kind: "error")), status: 409)
                }
                app.log("console: \(viewer.name) retried \(id)")
                return .redirect(HTML.link(HTML.documentPath(id), [("done", "retry")]))
            default:
                if let response = try extraAction(action, id: id, version: version, form: form, view: view) { return response }
                throw HTTPError(404, "There is no action '\(action)'.")
            }
        } catch let error as DocmergeError where error.kind == .conflict {
            if try store.documentDetail(id).summary.version != version { return try stale(view) }
            return .html(try view.render(notice: .init(text: "Not done: \(error.message)", kind: "error")), status: 409)
        }
    }

    func stale(_ view: VerifyView) throws -> HTTPResponse {
        .html(try view.render(notice: .init(text: Self.staleMessage, kind: "stale")), status: 409)
    }

    /// Actions the review workflow adds (conflict accept/dismiss, refile); nil when unknown.
    func extraAction(_ action: String, id: String, version: Int, form: FormData, view: VerifyView) throws -> HTTPResponse? {
        let reason = (form["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard reason.count <= 500 else {
            return .html(try view.render(notice: .init(text: "A reason has at most 500 characters; nothing was done.", kind: "error")), status: 422)
        }
        switch action {
        case "conflict-accept":
            let r = try app.writes.run {
                try store.acceptConflict(documentID: id, reviewer: viewer.name, reason: reason.isEmpty ? nil : reason,
                                         expectVersion: version, decoder: app.config.decoder)
            }
            app.log("console: \(viewer.name) accepted the re-ingest of \(id) (\(r.inserted) added, \(r.updated) changed, \(r.deleted) removed)")
        case "conflict-dismiss":
            guard !reason.isEmpty else {
                return .html(try view.render(notice: .init(text: "Say why the new extraction is dismissed; nothing was done.", kind: "error")), status: 422)
            }
            _ = try app.writes.run { try store.dismissConflict(documentID: id, reviewer: viewer.name, reason: reason, expectVersion: version) }
            app.log("console: \(viewer.name) dismissed the re-ingest of \(id)")
        case "refile":
            let mrn = (form["mrn"] ?? "").trimmingCharacters(in: .whitespaces)
            guard !mrn.isEmpty, !reason.isEmpty else {
                return .html(try view.render(notice: .init(text: "Give the right patient's MRN and say why; nothing was moved.", kind: "error")), status: 422)
            }
            let r = try app.writes.run {
                try store.refile(documentID: id, toMRN: mrn, reviewer: viewer.name, reason: reason, expectVersion: version,
                                 decoder: app.config.decoder)
            }
            app.log("console: \(viewer.name) refiled \(id) from \(r.fromMRN) to \(r.toMRN)")
            return .redirect(HTML.link(HTML.documentPath(id), [("done", "refile")]))
        default:
            return nil
        }
        return .redirect(HTML.link(HTML.documentPath(id), [("done", "conflict")]))
    }

    /// The notice after a redirect (`?done=…&doc=…`), for the page it lands on.
    static func doneNotice(_ done: String, doc: String?) -> String? {
        let id = doc.flatMap { ExtractionDecoder.isValidDocumentID($0) ? $0 : nil }
        switch done {
        case "mark-correct": return id.map { "Document \($0) was marked as correct and has left the queue." }
        case "remove": return id.map { "Document \($0) was removed from the record." }
        case "correct": return "The data was corrected; this is the document as it is now."
        case "retry": return "The merge was retried; this is the document as it is now."
        case "refile": return "The document was refiled; this is the document as it is now."
        case "conflict": return "The conflict was resolved; this is the document as it is now."
        default: return nil
        }
    }
}
