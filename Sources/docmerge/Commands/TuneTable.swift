import DocmergeCore
import DocmergeModel
import Foundation

/// `tune`'s text table: the current setting once, the best settings inside the target
/// band, the nearest outside it (marked), and how many were left out and how to see them.
struct TuneTable {
    let analysis: TuneAnalysis
    let rows: [TuneAnalysis.Row]
    let current: TuneAnalysis.Row
    let best: TuneAnalysis.Row?
    /// nil: every setting.
    let inBandLimit: Int?
    let outOfBandLimit: Int?

    static func same(_ a: Thresholds, _ b: Thresholds) -> Bool {
        a.minConfidence == b.minConfidence && a.fewResourcesCount == b.fewResourcesCount
            && a.fewResourcesConfidence == b.fewResourcesConfidence && a.minNameSimilarity == b.minNameSimilarity
    }

    /// Inside the band: fewest misses, then false positives, then flag rate.
    var inBand: [TuneAnalysis.Row] {
        rows.filter { $0.inBand && !Self.same($0.thresholds, current.thresholds) }
            .sorted { ($0.misses, $0.falsePositives, $0.flagRate) < ($1.misses, $1.falsePositives, $1.flagRate) }
    }

    /// Outside the band: nearest to it first, then fewest misses.
    var outOfBand: [TuneAnalysis.Row] {
        rows.filter { !$0.inBand && !Self.same($0.thresholds, current.thresholds) }
            .sorted { (distance($0), $0.misses, $0.falsePositives) < (distance($1), $1.misses, $1.falsePositives) }
    }

    func distance(_ r: TuneAnalysis.Row) -> Double {
        r.flagRate < analysis.band.lowerBound ? analysis.band.lowerBound - r.flagRate : max(0, r.flagRate - analysis.band.upperBound)
    }

    var bandText: String { "\(Self.percent(analysis.band.lowerBound))–\(Self.percent(analysis.band.upperBound))" }

    func tag(_ r: TuneAnalysis.Row, isCurrent: Bool = false) -> String {
        var tags: [String] = []
        if isCurrent { tags.append("current") }
        if let best, Self.same(r.thresholds, best.thresholds) { tags.append("recommended") }
        if !r.inBand { tags.append(r.flagRate < analysis.band.lowerBound ? "OUT of band (below)" : "OUT of band (above)") }
        return tags.joined(separator: ", ")
    }

    func line(_ r: TuneAnalysis.Row, _ tag: String) -> String {
        let t = r.thresholds
        return String(format: "%.2f  %5d  %8.2f  %.2f  %8.1f%%  %9d  %6d  %@", t.minConfidence, t.fewResourcesCount,
                      t.fewResourcesConfidence, t.minNameSimilarity, r.flagRate * 100, r.falsePositives, r.misses, tag)
    }

    var lines: [String] {
        let a = analysis
        var out = ["\(a.cases.count) documents, \(a.reviewed) reviewed, \(a.knownWrong) found wrong by a person; target flag rate \(bandText)."]
        out.append("conf  few<n  few-conf  name   flag-rate  false-pos  misses  ")
        out.append(line(current, tag(current, isCurrent: true)))
        let inside = inBand, outside = outOfBand
        let shownInside = inBandLimit.map { Array(inside.prefix($0)) } ?? inside
        let shownOutside = outOfBandLimit.map { Array(outside.prefix($0)) } ?? outside
        for r in shownInside + shownOutside { out.append(line(r, tag(r))) }
        let leftOut = (inside.count - shownInside.count) + (outside.count - shownOutside.count)
        if leftOut > 0 {
            out.append("\(leftOut) of the \(rows.count) settings on the grid are not shown (\(inside.count - shownInside.count) inside the band, \(outside.count - shownOutside.count) outside); `docmerge tune --all` lists every one, `--json` gives them all.")
        }
        return out
    }

    static func percent(_ x: Double) -> String {
        let p = x * 100
        return p == p.rounded() ? "\(Int(p))%" : String(format: "%.1f%%", p)
    }
}
