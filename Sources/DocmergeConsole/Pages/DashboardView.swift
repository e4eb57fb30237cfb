import DocmergeCore
import DocmergeModel
import Foundation

/// `/`: the flagged count first, overdue in red, age colours, the flag rate against its
/// band, the reasons of what is open now beside the lifetime ones, merge latency and
/// failures, the conflict and quality-sample queues, and the oldest documents one click
/// away. Refreshes itself.
struct DashboardView {
    let app: ConsoleApp
    let store: RecordStore
    let viewer: Viewer

    func render() throws -> String {
        let overdueDays = app.config.overdueDays
        let m = try app.metricsCache.report { try store.metrics(overdueDays: overdueDays) }
        var filter = RecordStore.ListFilter()
        filter.overdueDays = overdueDays
        let flagged = try store.reviewList(filter)
        let overdue = flagged.filter(\.overdue).count
        let oldestAge = flagged.first?.ageDays ?? 0
        let band = app.config.flagRateBand
        let rateState = m.classified == 0 ? "no documents yet" : (m.flagRate < band.low ? "below the band" : (m.flagRate > band.high ? "above the band" : "within the band"))
        let rateClass = m.classified == 0 || rateState == "within the band" ? "ok" : "amber"
        func pct(_ v: Double) -> String { String(format: "%.1f%%", v * 100) }
        func ms(_ v: Double) -> String { String(format: "%.0f ms", v) }

        var current: [String: Int] = [:]
        for item in flagged { for code in item.flagCodes { current[code, default: 0] += 1 } }
        let currentRows = current.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { code, count in
            "<tr><td><a href=\"\(HTML.link("/documents/flagged/", [("reason", code)]))\">\(HTML.h(FlagCode(rawValue: code)?.label ?? code))</a></td><td class=\"num\">\(count)</td></tr>"
        }.joined()
        let lifetimeRows = m.flagReasons.filter { $0.value > 0 }.sorted { ($1.value, $0.key.rawValue) < ($0.value, $1.key.rawValue) }.map { code, count in
            "<tr><td>\(HTML.h(code.label))</td><td class=\"num\">\(count)</td></tr>"
        }.joined()
        let patients = PatientNames(store: store)
        let oldest = flagged.prefix(10).map { item in
            """
            <tr class="\(HTML.ageClass(item.ageDays, overdueDays: overdueDays))"><td class="age nowrap">\(HTML.ageText(item.ageDays))\(item.overdue ? " <span class=\"pill overdue\">overdue</span>" : "")</td>
            <td>\(HTML.h(patients.name(item.mrn)))<div class="muted">MRN \(HTML.h(item.mrn))</div></td>
            <td><a href="\(HTML.documentPath(item.documentID))">\(HTML.h(item.documentName ?? item.documentID))</a></td><td>\(HTML.h(item.flagReason))</td></tr>
            """
        }.joined()
        let flaggedClass = overdue > 0 ? "warn" : (oldestAge >= 3 ? "amber" : "ok")
        let body = """
        <h1>Verification dashboard</h1>
        <p class="sub">Data is merged on arrival; these queues are for verification. Updated \(HTML.h(Timestamp.format(Date()))), refreshes every \(app.config.refreshSeconds) s.</p>
        <div class="cards">
        <div class="card big \(flaggedClass)"><a href="/documents/flagged/"><div class="n" id="flagged-count">\(flagged.count)</div><div class="l">flagged for verification — open the queue</div></a></div>
        <div class="card \(overdue > 0 ? "warn" : "ok")"><a href="/documents/flagged/?overdue=1"><div class="n" id="overdue-count">\(overdue)</div><div class="l">overdue (\(Int(overdueDays)) days or more)</div></a></div>
        <div class="card"><div class="n">\(flagged.isEmpty ? "—" : HTML.ageText(oldestAge))</div><div class="l">oldest waiting</div></div>
        <div class="card \(rateClass)"><div class="n" id="flag-rate">\(pct(m.flagRate))</div><div class="l">flag rate: \(rateState) (\(pct(band.low))–\(pct(band.high)))</div></div>
        <div class="card \(m.conflictsOpen > 0 ? "amber" : "")"><a href="/documents/conflicts/"><div class="n" id="conflict-count">\(m.conflictsOpen)</div><div class="l">re-ingest conflicts</div></a></div>
        <div class="card"><a href="/documents/sample/"><div class="n" id="sample-count">\(max(0, m.sampleSize - m.sampleReviewed))</div><div class="l">quality sample to check (of \(m.sampleSize))</div></a></div>
        </div>
        <h2>Oldest flagged documents</h2>
        <div class="legend"><span class="age-fresh">under 3 days</span><span class="age-aging">3 days or more</span><span class="age-overdue">overdue: \(Int(overdueDays)) days or more</span></div>
        <table class="list" id="oldest"><tr><th>age</th><th>patient</th><th>document</th><th>reason</th></tr>
        \(oldest.isEmpty ? "<tr><td colspan=\"4\">Nothing is waiting for verification.</td></tr>" : oldest)</table>
        \(flagged.count > 10 ? "<p><a href=\"/documents/flagged/\">All \(flagged.count) flagged documents</a></p>" : "")
        <div class="grid">
        <div class="panel"><h3>Reasons of the documents waiting now</h3><table>\(currentRows.isEmpty ? "<tr><td>none</td></tr>" : currentRows)</table></div>
        <div class="panel"><h3>Reasons since the start (every document ever flagged)</h3><table>\(lifetimeRows.isEmpty ? "<tr><td>none</td></tr>" : lifetimeRows)</table></div>
        <div class="panel"><h3>Merging</h3><table>
        <tr><td>documents</td><td class="num">\(m.documentsTotal)</td></tr>
        <tr><td>merge latency p50 / p95 / p99</td><td class="num">\(ms(m.mergeLatency.percentile(0.5))) / \(ms(m.mergeLatency.percentile(0.95))) / \(ms(m.mergeLatency.percentile(0.99)))</td></tr>
        <tr><td>merge failures</td><td class="num">\(m.mergeFailures)</td></tr>
        <tr><td>auto-approval rate</td><td class="num">\(pct(m.autoApprovalRate))</td></tr>
        <tr><td>false positives (flagged, then marked correct)</td><td class="num">\(pct(m.falsePositiveRate))</td></tr>
        <tr><td>rolled back</td><td class="num">\(m.rollbacks)</td></tr>
        </table></div>
        </div>
        """
        return Layout.page(title: "Dashboard", viewer: viewer, active: "dashboard", refreshSeconds: app.config.refreshSeconds, body: body)
    }
}

/// Registry names by MRN, looked up once per page.
final class PatientNames {
    private let store: RecordStore
    private var cache: [String: String?] = [:]

    init(store: RecordStore) { self.store = store }

    func name(_ mrn: String) -> String {
        if let known = cache[mrn] { return known ?? "name unknown" }
        let name = (try? store.patient(mrn: mrn))?.flatMap(\.name)
        cache[mrn] = name
        return name ?? "name unknown"
    }
}
