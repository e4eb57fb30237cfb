import DocmergeModel

extension MetricsReport {
    static func num(_ v: Double) -> JSON {
        guard v.isFinite else { return .number("0") }
        let rounded = (v * 1000).rounded() / 1000
        return .number(rounded == rounded.rounded() && abs(rounded) < 1e15 ? String(Int(rounded)) : String(rounded))
    }

    static func percentiles(_ h: LatencyHistogram) -> JSON {
        .object([JSONMember("p50", num(h.percentile(0.50))), JSONMember("p95", num(h.percentile(0.95))),
                 JSONMember("p99", num(h.percentile(0.99))), JSONMember("max", num(h.max)),
                 JSONMember("count", .number(String(h.count)))])
    }

    public var json: JSON {
        let fn = falseNegativeEstimate
        var members: [JSONMember] = [
            JSONMember("documents_total", .number(String(documentsTotal))),
        ]
        for status in ReviewStatus.allCases {
            members.append(JSONMember(status.rawValue, .number(String(statusCounts[status] ?? 0))))
        }
        members += [
            JSONMember("status_counts", .object(ReviewStatus.allCases.map {
                JSONMember($0.rawValue, .number(String(statusCounts[$0] ?? 0))) })),
            JSONMember("flag_rate", Self.num(flagRate)),
            JSONMember("auto_approval_rate", Self.num(autoApprovalRate)),
            JSONMember("merge_failures", .number(String(mergeFailures))),
            JSONMember("merge_failure_rate", Self.num(mergeFailureRate)),
            JSONMember("rollbacks", .number(String(rollbacks))),
            JSONMember("rollback_rate", Self.num(rollbackRate)),
            JSONMember("false_positive_rate", Self.num(falsePositiveRate)),
            JSONMember("flagged_reviewed", .number(String(flaggedReviewed))),
            JSONMember("merge_latency_ms", Self.percentiles(mergeLatency)),
            JSONMember("time_to_availability_ms", Self.percentiles(timeToAvailability)),
            JSONMember("flag_reasons", .object(FlagCode.allCases.map {
                JSONMember($0.rawValue, .number(String(flagReasons[$0] ?? 0))) })),
            JSONMember("overdue_flagged", .number(String(overdueFlagged))),
            JSONMember("open_conflicts", .number(String(conflictsOpen))),
            JSONMember("legacy_documents", .number(String(legacyDocuments))),
            JSONMember("legacy_flagged_open", .number(String(legacyFlaggedOpen))),
            JSONMember("quality_sample", .object([
                JSONMember("size", .number(String(sampleSize))),
                JSONMember("reviewed", .number(String(sampleReviewed))),
                JSONMember("found_wrong", .number(String(sampleWrong))),
                JSONMember("false_negative_rate", Self.num(fn.rate)),
                JSONMember("false_negative_ci95", .array([Self.num(fn.low), Self.num(fn.high)])),
            ])),
        ]
        members += notificationMembers
        if let live {
            members.append(JSONMember("live", .object([
                JSONMember("merged", .number(String(live.merged))),
                JSONMember("flagged", .number(String(live.flagged))),
                JSONMember("unchanged", .number(String(live.unchanged))),
                JSONMember("stale", .number(String(live.stale))),
                JSONMember("conflicts", .number(String(live.conflicts))),
                JSONMember("rejected", .number(String(live.rejected))),
                JSONMember("failed", .number(String(live.failed))),
                JSONMember("merge_latency_ms", Self.percentiles(live.mergeLatency)),
                JSONMember("landed_to_committed_ms", Self.percentiles(live.landedToCommitted)),
            ])))
        }
        return .object(members)
    }

    /// Prometheus text exposition format (version 0.0.4).
    public var prometheus: String {
        var out = ""
        func metric(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            out += "# HELP docmerge_\(name) \(help)\n# TYPE docmerge_\(name) \(type)\n"
            for sample in samples { out += "docmerge_\(name)\(sample.labels) \(sample.value)\n" }
        }
        func value(_ v: Double) -> String { MetricsReport.num(v).text }
        func histogram(_ name: String, _ help: String, _ h: LatencyHistogram) {
            var samples = h.cumulative.map { (labels: "_bucket{le=\"\(value($0.bound))\"}", value: String($0.count)) }
            samples.append((labels: "_bucket{le=\"+Inf\"}", value: String(h.count)))
            samples.append((labels: "_sum", value: value(h.sum)))
            samples.append((labels: "_count", value: String(h.count)))
            metric(name, "histogram", help, samples)
        }
        metric("documents_total", "gauge", "Distinct documents in the database.", [("", String(documentsTotal))])
        metric("documents", "gauge", "Documents by review status.",
               ReviewStatus.allCases.map { ("{status=\"\($0.rawValue)\"}", String(statusCounts[$0] ?? 0)) })
        metric("flag_rate", "gauge", "Share of documents whose latest automatic classification was flagged.", [("", value(flagRate))])
        metric("auto_approval_rate", "gauge", "Share of documents auto-approved.", [("", value(autoApprovalRate))])
        metric("merge_failures", "gauge", "Documents whose merge failed after retries.", [("", String(mergeFailures))])
        metric("merge_failure_rate", "gauge", "Merge failures per document.", [("", value(mergeFailureRate))])
        metric("rollbacks", "gauge", "Documents removed from the record by a reviewer.", [("", String(rollbacks))])
        metric("rollback_rate", "gauge", "Rollbacks per document.", [("", value(rollbackRate))])
        metric("false_positive_rate", "gauge", "Flagged documents marked correct without changes per flagged document reviewed.", [("", value(falsePositiveRate))])
        metric("flag_reasons", "gauge", "Documents per flag condition.",
               FlagCode.allCases.map { ("{reason=\"\($0.rawValue)\"}", String(flagReasons[$0] ?? 0)) })
        metric("overdue_flagged", "gauge", "Flagged documents waiting longer than the overdue limit.", [("", String(overdueFlagged))])
        metric("open_conflicts", "gauge", "Re-ingests held aside after a person's decision, not yet accepted or dismissed.", [("", String(conflictsOpen))])
        metric("legacy_flagged_open", "gauge", "Flagged records from the old approval workflow not yet finished (not in flag_rate).", [("", String(legacyFlaggedOpen))])
        metric("false_negative_rate", "gauge", "Quality-sample documents found wrong per sample document reviewed.", [("", value(falseNegativeEstimate.rate))])
        for (name, help, count) in notificationSamples { metric(name, name == "notifications_pending" ? "gauge" : "counter", help, [("", String(count))]) }
        histogram("merge_latency_ms", "Time to merge one document, in milliseconds.", mergeLatency)
        histogram("time_to_availability_ms", "Upload (or first seen) to merged, in milliseconds.", timeToAvailability)
        if let live {
            histogram("landed_to_committed_ms", "File seen to transaction committed in this runner, in milliseconds.", live.landedToCommitted)
            metric("runner_documents", "counter", "Documents handled by this runner since it started.", [
                ("{outcome=\"merged\"}", String(live.merged)), ("{outcome=\"unchanged\"}", String(live.unchanged)),
                ("{outcome=\"stale\"}", String(live.stale)), ("{outcome=\"conflict\"}", String(live.conflicts)),
                ("{outcome=\"rejected\"}", String(live.rejected)), ("{outcome=\"failed\"}", String(live.failed)),
            ])
        }
        return out
    }
}
