import DocmergeCore
import DocmergeModel
import Foundation

/// `/documents/flagged/` (and the conflict and quality-sample queues): oldest first, the
/// patient's name and MRN, the document, the reason, the age; filters; pages.
struct DocumentListView {
    enum Queue: String {
        case flagged, conflicts, sample

        var title: String {
            switch self {
            case .flagged: "Flagged for verification"
            case .conflicts: "Re-ingest conflicts"
            case .sample: "Quality sample"
            }
        }

        var explanation: String {
            switch self {
            case .flagged: "Oldest first. The data is already in the record; verify it, correct it or remove it."
            case .conflicts: "Documents re-extracted after a person decided on them. The person's decision was kept; accept the new extraction or dismiss it."
            case .sample: "Auto-approved documents picked at random to measure what the checks miss. Mark correct, or correct what is wrong."
            }
        }
    }

    let app: ConsoleApp
    let store: RecordStore
    let viewer: Viewer
    let queue: Queue
    let query: FormData

    func render(notice: String? = nil) throws -> String {
        var filter = RecordStore.ListFilter()
        filter.overdueDays = app.config.overdueDays
        filter.conflicts = queue == .conflicts
        filter.sample = queue == .sample
        let mrn = query["mrn"]?.trimmingCharacters(in: .whitespaces)
        let reason = query["reason"]?.trimmingCharacters(in: .whitespaces)
        filter.mrn = mrn?.isEmpty == false ? mrn : nil
        filter.reasonContains = reason?.isEmpty == false ? reason : nil
        filter.overdueOnly = query["overdue"] == "1"
        let items = try store.reviewList(filter)
        let size = app.config.pageSize
        let pages = max(1, (items.count + size - 1) / size)
        let page = min(max(1, Int(query["page"] ?? "1") ?? 1), pages)
        let shown = items.dropFirst((page - 1) * size).prefix(size)
        let patients = PatientNames(store: store)
        let overdueDays = app.config.overdueDays
        let rows = shown.map { item in
            """
            <tr class="\(HTML.ageClass(item.ageDays, overdueDays: overdueDays))">
            <td class="age nowrap">\(HTML.ageText(item.ageDays))\(item.overdue ? " <span class=\"pill overdue\">overdue</span>" : "")</td>
            <td>\(HTML.h(patients.name(item.mrn)))<div class="muted">MRN \(HTML.h(item.mrn))</div></td>
            <td><a href="\(HTML.documentPath(item.documentID))">\(HTML.h(item.documentName ?? item.documentID))</a><div class="muted">\(HTML.h(item.documentID))</div></td>
            <td>\(HTML.h(item.flagReason ?? (queue == .sample ? "auto-approved (sampled)" : "")))</td>
            <td class="nowrap">\(item.status.rawValue.replacingOccurrences(of: "_", with: "-"))</td>
            </tr>
            """
        }.joined(separator: "\n")
        let base = "/documents/\(queue.rawValue)/"
        func pageLink(_ n: Int) -> String {
            HTML.link(base, [("reason", filter.reasonContains), ("mrn", filter.mrn), ("overdue", filter.overdueOnly ? "1" : nil), ("page", String(n))])
        }
        let reasonOptions = ["<option value=\"\">any reason</option>"] + FlagCode.allCases.map { code in
            "<option value=\"\(code.rawValue)\"\(filter.reasonContains == code.rawValue ? " selected" : "")>\(HTML.h(code.label))</option>"
        }
        let customReason = filter.reasonContains.flatMap { r in FlagCode(rawValue: r) == nil ? r : nil }
        let filters = """
        <form method="get" action="\(base)" class="filters">
        <div class="field"><label for="reason">Reason</label><select id="reason" name="reason">\(reasonOptions.joined())\(customReason.map { "<option value=\"\(HTML.h($0))\" selected>\(HTML.h($0))</option>" } ?? "")</select></div>
        <div class="field"><label for="mrn">MRN</label><input type="search" id="mrn" name="mrn" value="\(HTML.h(filter.mrn))"></div>
        \(queue == .flagged ? "<div class=\"field\"><label class=\"plain\"><input type=\"checkbox\" name=\"overdue\" value=\"1\"\(filter.overdueOnly ? " checked" : "")> overdue only</label></div>" : "")
        <button type="submit" class="secondary">Filter</button> <a href="\(base)">Clear</a>
        </form>
        """
        let pager = pages > 1 ? """
            <div class="pager">\(page > 1 ? "<a href=\"\(pageLink(page - 1))\">← previous page</a>" : "")<span>page \(page) of \(pages)</span>\(page < pages ? "<a href=\"\(pageLink(page + 1))\">next page →</a>" : "")</div>
            """ : ""
        let overdue = items.filter(\.overdue).count
        let body = """
        \(notice.map { Layout.notice($0) } ?? "")
        <h1>\(queue.title) <span class="muted" id="queue-count">\(items.count) document\(items.count == 1 ? "" : "s")\(queue == .flagged ? ", \(overdue) overdue" : "")</span></h1>
        <p class="sub">\(queue.explanation)</p>
        \(filters)
        <table class="list" id="queue"><tr><th>age</th><th>patient</th><th>document</th><th>reason</th><th>status</th></tr>
        \(rows.isEmpty ? "<tr><td colspan=\"5\">No documents\(filter.mrn != nil || filter.reasonContains != nil || filter.overdueOnly ? " match these filters" : " here"). </td></tr>" : rows)
        </table>
        \(pager)
        """
        return Layout.page(title: queue.title, viewer: viewer, active: queue.rawValue, body: body)
    }
}
