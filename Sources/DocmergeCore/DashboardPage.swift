import DocmergeModel
import Foundation

/// The self-contained HTML dashboard: no external assets, no scripts, all text escaped.
public struct DashboardPage: Sendable {
    public let metrics: MetricsReport
    public let flagged: [DocumentSummary]
    public let generatedAt: String
    public let overdueDays: Double

    public init(metrics: MetricsReport, flagged: [DocumentSummary], generatedAt: String, overdueDays: Double = 7) {
        self.metrics = metrics
        self.flagged = flagged
        self.generatedAt = generatedAt
        self.overdueDays = overdueDays
    }

    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// Age colour class: red once overdue (7 days by default), amber from 3 days, green below.
    public func ageClass(_ ageDays: Double) -> String {
        ageDays >= overdueDays ? "age-overdue" : (ageDays >= 3 ? "age-aging" : "age-fresh")
    }

    public var html: String {
        let e = Self.escape
        func pct(_ v: Double) -> String { String(format: "%.1f%%", v * 100) }
        func ms(_ v: Double) -> String { String(format: "%.1f ms", v) }
        let overdue = flagged.filter { $0.ageDays >= overdueDays }.count
        var rows = ""
        for item in flagged {
            rows += "<tr class=\"\(ageClass(item.ageDays))\"><td class=\"id\">\(e(item.documentID))</td><td>\(e(item.documentName ?? ""))</td>"
            rows += "<td class=\"id\">\(e(item.mrn))</td><td>\(e(item.flagReason ?? ""))</td><td>\(Int(item.ageDays))</td></tr>\n"
        }
        let reasons = metrics.flagReasons.sorted { ($1.value, $0.key.rawValue) < ($0.value, $1.key.rawValue) }
        var reasonRows = ""
        for (code, count) in reasons where count > 0 {
            reasonRows += "<tr><td>\(e(code.label))</td><td>\(count)</td></tr>\n"
        }
        let m = metrics
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>docmerge — verification dashboard</title>
        <style>
        body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2rem;color:#1d2430;background:#f6f7f9}
        h1{font-size:1.4rem;margin:0 0 .2rem} .sub{color:#5b6472;margin-bottom:1.5rem}
        .cards{display:flex;flex-wrap:wrap;gap:1rem;margin-bottom:1.5rem}
        .card{background:#fff;border-radius:8px;padding:1rem 1.2rem;box-shadow:0 1px 3px rgba(0,0,0,.12);min-width:10rem}
        .card .n{font-size:2rem;font-weight:700} .card .l{color:#5b6472;font-size:.85rem}
        .card.big{border-left:6px solid #c62828} .card.big .n{font-size:3rem;color:#c62828}
        table{border-collapse:collapse;background:#fff;box-shadow:0 1px 3px rgba(0,0,0,.12);margin-bottom:1.5rem;width:100%}
        th,td{padding:.45rem .7rem;border-bottom:1px solid #e4e7ec;text-align:left;vertical-align:top;font-size:.9rem}
        th{background:#eef0f4} td.id{white-space:nowrap}
        .legend span{display:inline-block;padding:.1rem .5rem;margin-right:.5rem;border-radius:4px;font-size:.8rem}
        tr.age-overdue td{background:#fde2e1;color:#8e1b1b} tr.age-aging td{background:#fff4d6} tr.age-fresh td{background:#fff}
        h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
        </style></head><body>
        <h1>docmerge — verification dashboard</h1>
        <div class="sub">Generated \(e(generatedAt)). Data is merged on arrival; this queue is for verification.</div>
        <div class="cards">
        <div class="card big"><div class="n" id="flagged-count">\(flagged.count)</div><div class="l">flagged for verification</div></div>
        <div class="card"><div class="n" id="overdue-count">\(overdue)</div><div class="l">overdue (over \(Int(overdueDays)) days)</div></div>
        <div class="card"><div class="n">\(m.documentsTotal)</div><div class="l">documents</div></div>
        <div class="card"><div class="n">\(pct(m.autoApprovalRate))</div><div class="l">auto-approval rate</div></div>
        <div class="card"><div class="n">\(pct(m.flagRate))</div><div class="l">flag rate</div></div>
        <div class="card"><div class="n">\(m.mergeFailures)</div><div class="l">merge failures</div></div>
        </div>
        <h2>Merge latency</h2>
        <table><tr><th>p50</th><th>p95</th><th>p99</th><th>max</th></tr>
        <tr><td>\(ms(m.mergeLatency.percentile(0.5)))</td><td>\(ms(m.mergeLatency.percentile(0.95)))</td><td>\(ms(m.mergeLatency.percentile(0.99)))</td><td>\(ms(m.mergeLatency.max))</td></tr></table>
        <h2>Flag reasons</h2>
        <table><tr><th>reason</th><th>documents</th></tr>
        \(reasonRows)</table>
        <h2>Flagged documents (oldest first)</h2>
        <div class="legend"><span class="age-fresh" style="background:#fff">under 3 days</span><span style="background:#fff4d6">3 days or more</span><span style="background:#fde2e1;color:#8e1b1b">overdue: \(Int(overdueDays)) days or more</span></div>
        <table id="flagged"><tr><th>document</th><th>name</th><th>MRN</th><th>reason</th><th>age (days)</th></tr>
        \(rows)</table>
        </body></html>

        """
    }
}
