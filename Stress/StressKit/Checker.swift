import DocmergeCore
import DocmergeModel
import Foundation

/// Compares a finished run — database, folders, exported bundles, audit — with the
/// correct final state, guarantee by guarantee (DESIGN.md 1–10).
public struct Checker {
    public struct Finding: Sendable {
        public let guarantee: String
        public let violations: [String]
        public var passed: Bool { violations.isEmpty }
    }

    public struct Report: Sendable {
        public var findings: [Finding] = []
        public var passed: Bool { findings.allSatisfy(\.passed) }

        public var text: String {
            var lines: [String] = []
            for f in findings {
                lines.append("\(f.passed ? "PASS" : "FAIL")  \(f.guarantee)")
                for v in f.violations.prefix(10) { lines.append("        - \(v)") }
                if f.violations.count > 10 { lines.append("        … and \(f.violations.count - 10) more") }
            }
            lines.append(passed ? "All guarantees hold." : "VIOLATIONS FOUND.")
            return lines.joined(separator: "\n")
        }

        public func violations(of prefix: String) -> [String] {
            findings.filter { $0.guarantee.hasPrefix(prefix) }.flatMap(\.violations)
        }
    }

    /// What the drivers did besides dropping files.
    public struct Actions: Sendable {
        public var rolledBack: Set<String> = []
        public var markedCorrect: Set<String> = []
        /// Documents re-ingested (new content) after a person's decision.
        public var reingestedAfterDecision: Set<String> = []
        public var peakRSSBytes: Int?
        public var rssLimitBytes: Int?
        public init() {}
    }

    public let expected: ExpectedState
    public let inbox: String
    public let dbPath: String
    public let actions: Actions

    public init(expected: ExpectedState, inbox: String, dbPath: String, actions: Actions = Actions()) {
        self.expected = expected
        self.inbox = inbox
        self.dbPath = dbPath
        self.actions = actions
    }

    public func run() throws -> Report {
        let store = try RecordStore(path: dbPath, readOnly: true)
        let documents = try store.documentStates()
        let states = Dictionary(documents.map { ($0.documentID, $0) }, uniquingKeysWith: { first, _ in first })
        let auditRows = try store.auditRows(after: 0, limit: Int.max)
        var report = Report()
        let fm = FileManager.default
        let processed = Set((try? fm.contentsOfDirectory(atPath: inbox + "/processed")) ?? [])
        let rejected = Set((try? fm.contentsOfDirectory(atPath: inbox + "/rejected")) ?? [])
        let waiting = ((try? fm.contentsOfDirectory(atPath: inbox)) ?? []).filter { !$0.hasPrefix(".") && $0 != "processed" && $0 != "rejected" }

        // 1. Nothing lost.
        var lost: [String] = []
        for name in expected.files {
            let isRefused = expected.refused.contains(name)
            let folder = isRefused ? rejected : processed
            if !folder.contains(name) {
                lost.append("\(name) is not in \(isRefused ? "rejected" : "processed")/")
            } else if isRefused && !rejected.contains(Self.errorFileName(name)) {
                lost.append("\(name) was rejected without its error file")
            }
        }
        for name in waiting { lost.append("\(name) is still in the inbox") }
        let extra = processed.count + rejected.filter { !$0.hasSuffix(".error.json") }.count - expected.files.count
        if extra > 0 { lost.append("\(extra) more files in processed/ and rejected/ than were dropped (a file moved twice)") }
        report.findings.append(Finding(guarantee: "1 nothing lost: every file processed or rejected", violations: lost))

        // 2. Never duplicated: each document's latest extraction, once.
        let counts = try store.resourceCountsByDocument()
        var duplicated: [String] = []
        for (id, doc) in expected.documents {
            let want = actions.rolledBack.contains(id) ? 0 : doc.resources
            let have = counts[id] ?? 0
            if have != want { duplicated.append("\(id): \(have) resources, expected \(want)") }
        }
        for id in counts.keys where expected.documents[id] == nil { duplicated.append("\(id): merged but should not exist") }
        let dupIDs = try store.duplicateResourceIDCount()
        if dupIDs > 0 { duplicated.append("\(dupIDs) resource ids stored more than once") }
        let docRows = documents.count
        if docRows != expected.documents.count { duplicated.append("\(docRows) document rows, expected \(expected.documents.count)") }
        report.findings.append(Finding(guarantee: "2 never duplicated: each document's latest extraction, exactly once", violations: duplicated))

        // 3. Flagged still merges; and every document is classified as its final extraction must be.
        var classification: [String] = []
        for state in documents {
            let id = state.documentID
            guard let doc = expected.documents[id] else { continue }
            let codes = state.flagCodes.filter { $0 != "merge_failed" }
            if codes != doc.flags { classification.append("\(id): flags \(codes), expected \(doc.flags)") }
            let wantStatus: ReviewStatus = doc.flags.isEmpty ? .autoApproved : .flagged
            if state.classifiedAs != wantStatus {
                classification.append("\(id): classified \(state.classifiedAs?.rawValue ?? "nil"), expected \(wantStatus.rawValue)")
            }
            if !actions.rolledBack.contains(id) && !state.isMerged { classification.append("\(id): not merged") }
        }
        report.findings.append(Finding(guarantee: "3 flagged still merges (and each classification is right)", violations: classification))

        // 4. Surgical rollback.
        var rollback: [String] = []
        for id in actions.rolledBack {
            let status = states[id]?.status
            if status != .rejected { rollback.append("\(id): status \(Self.describe(status, of: states[id])) after rollback") }
            if (counts[id] ?? 0) != 0 { rollback.append("\(id): resources remain after rollback") }
            if auditRows.filter({ $0.documentID == id && $0.action == "rollback" }).count != 1 {
                rollback.append("\(id): no rollback audit row")
            }
        }
        report.findings.append(Finding(guarantee: "4 surgical rollback", violations: rollback))

        // 5. Complete audit.
        var audit: [String] = []
        let verification = try store.verifyAudit()
        if let problem = verification.problem { audit.append(problem) }
        let mergeActions: Set<String> = ["merge", "re_merge", "retry_merge"]
        let merged = Set(auditRows.filter { mergeActions.contains($0.action) }.compactMap(\.documentID)).count
        if merged != expected.documents.count { audit.append("\(merged) documents have a merge audit row, expected \(expected.documents.count)") }
        // Every change to a document moves its version by one and writes one row.
        let changeActions: Set<String> = ["merge", "re_merge", "retry_merge", "merge_failed", "mark_correct", "correct", "rollback", "legacy_import"]
        let changes = auditRows.filter { $0.documentID != nil && changeActions.contains($0.action) }.count
        let versions = documents.reduce(0) { $0 + $1.version }
        if changes != versions { audit.append("\(changes) audit rows for \(versions) document versions: a change without its row, or a row without its change") }
        let jsonl = (dbPath as NSString).deletingLastPathComponent + "/audit.jsonl"
        if let text = try? String(contentsOfFile: jsonl, encoding: .utf8) {
            let lines = text.split(separator: "\n")
            let rows = auditRows
            if lines.count != rows.count { audit.append("audit.jsonl has \(lines.count) lines for \(rows.count) committed audit rows") }
            for (line, row) in zip(lines, rows) where !line.contains("\"hash\":\"\(row.hash)\"") {
                audit.append("audit.jsonl line for row \(row.seq) does not match the database")
                break
            }
        }
        report.findings.append(Finding(guarantee: "5 complete audit: every change has its row; the chain is intact", violations: audit))

        // 6. People win.
        var people: [String] = []
        for id in actions.reingestedAfterDecision {
            let status = states[id]?.status
            if status != .reviewed && status != .rejected {
                people.append("\(id): a re-ingest overwrote the decision (status \(states[id] == nil ? "?" : Self.describe(status, of: states[id])))")
            }
            if try store.conflictCount(documentID: id) == 0 { people.append("\(id): re-ingest not recorded as a conflict") }
        }
        report.findings.append(Finding(guarantee: "6 people win: decisions survive re-ingests, conflicts recorded", violations: people))

        // 7. Failures visible, never fatal.
        var failures: [String] = []
        for state in documents where state.flagCodes.contains("merge_failed") && (state.status != .flagged || state.isMerged) {
            failures.append("\(state.documentID): a failed merge that is not flagged and unmerged")
        }
        report.findings.append(Finding(guarantee: "7 failures visible: failed merges flagged, is_merged false", violations: failures))

        // 8. Per-patient order: record versions move forward in audit order, one step per change.
        var order: [String] = []
        var lastVersion: [String: Int] = [:]
        let patients = try store.registryPatients()
        for row in auditRows {
            guard let mrn = row.mrn, let v = row.detailJSON["record_version"]?.numberValue.map(Int.init) else { continue }
            if let last = lastVersion[mrn], v < last { order.append("\(mrn): record version went back from \(last) to \(v)") }
            lastVersion[mrn] = v
        }
        for patient in patients {
            if let last = lastVersion[patient.mrn], last != patient.version { order.append("\(patient.mrn): version \(patient.version), audit says \(last)") }
        }
        report.findings.append(Finding(guarantee: "8 per-patient order: versions forward, stale extractions not applied", violations: order))

        // 9. Exported bundles: every resource once, every patient reference at the registry patient.
        var bundles: [String] = []
        for (mrn, fhirID) in patients.map({ ($0.mrn, $0.fhirID) }) {
            let bundle = try JSONParser.parse(try store.bundle(mrn: mrn))
            let entries = (bundle["entry"]?.arrayValue ?? []).filter { entry in   // docmerge's own Provenance/DocumentReference aside
                !(entry["resource"]?["meta"]?["tag"]?.arrayValue ?? []).contains { $0["code"]?.stringValue == "generated" }
            }
            let stored = try store.resourceCount(mrn: mrn)
            if entries.count != stored + 1 { bundles.append("\(mrn): bundle has \(entries.count) entries for \(stored) resources") }
            for entry in entries.dropFirst() {
                for reference in Self.references(entry["resource"] ?? .null) where reference.hasPrefix("Patient/") && reference != "Patient/\(fhirID)" {
                    bundles.append("\(mrn): a reference to \(reference)")
                }
            }
        }
        report.findings.append(Finding(guarantee: "9 shared safely: bundles consistent with the database", violations: bundles))

        // 10. Bounded memory.
        var memory: [String] = []
        if let peak = actions.peakRSSBytes, let limit = actions.rssLimitBytes, peak > limit {
            memory.append("peak RSS \(peak / 1_048_576) MiB over the \(limit / 1_048_576) MiB bound")
        }
        report.findings.append(Finding(guarantee: "10 bounded memory" + (actions.peakRSSBytes.map { " (peak RSS \($0 / 1_048_576) MiB)" } ?? " (not measured)"),
                                       violations: memory))
        return report
    }

    /// A stored review status in words: its name, or "missing" when there is no such document.
    static func describe(_ status: ReviewStatus?, of state: DocumentState?) -> String {
        guard state != nil else { return "missing" }
        return status?.rawValue ?? "unknown"
    }

    /// `NAME.json` → `NAME.error.json` (the ingest spec's naming).
    static func errorFileName(_ name: String) -> String {
        name.hasSuffix(".json") ? String(name.dropLast(5)) + ".error.json" : name + ".error.json"
    }

    static func references(_ value: JSON) -> [String] {
        var out: [String] = []
        func walk(_ v: JSON) {
            switch v {
            case .object(let members):
                for m in members { if m.key == "reference", let s = m.value.stringValue { out.append(s) } else { walk(m.value) } }
            case .array(let items): items.forEach(walk)
            default: break
            }
        }
        walk(value)
        return out
    }
}
