import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Foundation
import Testing

@Suite struct DashboardTests {
    /// Flagged documents aged 6, 7 and 8 days (one with a hostile name), two auto-approved.
    func page() throws -> (DashboardPage, MetricsReport) {
        let clock = MutableClock(Date(timeIntervalSince1970: 1_780_000_000))
        let t = try TestStore(now: { clock.now })
        for (i, daysAgo) in [6.0, 7.0, 8.0].enumerated() {
            clock.now = Date(timeIntervalSince1970: 1_780_000_000 - daysAgo * 86_400 - 60)
            var d = DocumentBuilder.clinical(id: "aged-\(Int(daysAgo))", mrn: "MRN-\(i)")
            d.confidence = 0.5
            if i == 0 { d.documentName = "<script>alert(1)</script>.pdf" }
            _ = try t.mergedResult(d)
        }
        for i in 0..<2 { _ = try t.mergedResult(DocumentBuilder.clinical(id: "ok-\(i)", mrn: "MRN-9")) }
        clock.now = Date(timeIntervalSince1970: 1_780_000_000)
        let metrics = try t.store.metrics()
        return (DashboardPage(metrics: metrics, flagged: try t.store.reviewList(.init()), generatedAt: "now"), metrics)
    }

    @Test func countsMatchTheDatabase() throws {
        let (page, metrics) = try page()
        #expect(page.html.contains("id=\"flagged-count\">3<"))
        #expect(page.html.contains("id=\"overdue-count\">2<"))
        #expect(page.html.contains(">\(metrics.documentsTotal)<") && metrics.documentsTotal == 5)
        #expect(page.html.contains("low confidence</td><td>3<"))
        #expect(page.html.contains("40.0%"), "auto-approval rate 2 of 5")
    }

    @Test func textIsEscaped() throws {
        let html = try page().0.html
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;.pdf"))
        #expect(!html.contains("src=") && !html.contains("http"), "self-contained: nothing fetched from elsewhere")
    }

    @Test func ageColouring() throws {
        let html = try page().0.html
        func rowClass(_ id: String) -> String? {
            guard let range = html.range(of: "<td class=\"id\">\(id)</td>") else { return nil }
            let before = html[..<range.lowerBound]
            guard let tr = before.range(of: "<tr class=\"", options: .backwards) else { return nil }
            return String(before[tr.upperBound...].prefix { $0 != "\"" })
        }
        #expect(rowClass("aged-6") == "age-aging")
        #expect(rowClass("aged-7") == "age-overdue")
        #expect(rowClass("aged-8") == "age-overdue")
    }
}
