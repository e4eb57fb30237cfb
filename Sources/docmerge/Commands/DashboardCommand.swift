import DocmergeCore
import DocmergeModel
import DocmergePipeline
import Foundation

struct DashboardCommand: Command {
    static let name = "dashboard"
    static let summary = "self-contained HTML dashboard"
    static let usage = """
        Usage: docmerge dashboard --db FILE --out FILE.html

        Writes one self-contained HTML file (no external assets or scripts): the flagged count,
        the overdue count, the flagged list coloured by age (red past 7 days), flag reasons by
        frequency, auto-approval and flag rates, merge latency percentiles.
        """
    static let options: Set<String> = ["db", "out", "overdue-days"]

    static func run(_ args: Arguments) async throws -> Int32 {
        try args.noExtraPositionals(0)
        let out = try args.required("out")
        let overdueDays = Double(args.value("overdue-days") ?? "7") ?? 7
        let store = try RecordStore.openForReading(try args.database())
        var filter = RecordStore.ListFilter()
        filter.overdueDays = overdueDays
        let page = DashboardPage(metrics: try store.metrics(overdueDays: overdueDays), flagged: try store.reviewList(filter),
                                 generatedAt: Timestamp.format(Date()), overdueDays: overdueDays)
        try Inbox.writeAtomically(Array(page.html.utf8), to: out)
        Output.out("Dashboard written to \(safe(out)): \(page.flagged.count) flagged.")
        return 0
    }
}
