import DocmergeCore
import DocmergeModel

/// One patient's merge actor. It consumes its own stream one event at a time, so two
/// merges of the patient never interleave, whatever it awaits. It holds the patient's
/// state (registry demographics, record version, and the state of each document it has
/// in flight), makes the patient-level decision and the exact row changes for each
/// document (`MergeDecision`), and hands the command to the store without waiting for
/// the commit: the next document is planned on top of the one in flight.
///
/// Epochs keep replanning exact. Every submission carries the actor's epoch. When a
/// command fails (its version check, or its write), the store answers every later
/// command of the patient with `.replan` without writing it; the actor moves to a new
/// epoch, waits until no command of an older epoch is unanswered (so the database holds
/// everything of this patient that will ever commit from them), reloads, and submits the
/// unanswered documents again, in arrival order, ahead of any newer one.
public actor PatientMerge {
    public let mrn: String
    private let reader: StoreReader
    private let sampleRate: Double
    /// After this many plans of one document that the record moved under, the store
    /// plans it inside its transaction instead.
    private let maxReplans: Int

    private struct Pending {
        let ticket: FileTicket
        let document: PreparedDocument
        let findings: [Finding]
        var submissions = 0
        /// The epoch of the submission awaiting its answer; nil: to be submitted.
        var outstanding: Int?
        /// Last submitted for the store to plan.
        var unplanned = false
    }

    private var patient: PatientSnapshot?
    /// Planned-on state of the documents with commands in flight; `.some(nil)`: known new.
    private var documents: [String: DocumentSnapshot?] = [:]
    private var pending: [Pending] = []
    private var epoch = 0
    public private(set) var replans = 0

    public init(mrn: String, reader: StoreReader, sampleRate: Double, maxReplans: Int = 5) {
        self.mrn = mrn
        self.reader = reader
        self.sampleRate = sampleRate
        self.maxReplans = maxReplans
    }

    public func run(input: AsyncStream<PatientEvent>, reply: AsyncStream<PatientEvent>.Continuation,
                    output: WorkQueue<StoreItem>, router: AsyncStream<RouterEvent>.Continuation) async {
        var draining = false
        for await event in input {
            switch event {
            case .document(let ticket, let document, let findings):
                pending.append(Pending(ticket: ticket, document: document, findings: findings))
            case .settled(let seq, let answered, let ok):
                guard let index = pending.firstIndex(where: { $0.ticket.seq == seq && $0.outstanding == answered }) else { continue }
                let done = pending.remove(at: index)
                let id = done.document.extraction.documentID
                if !pending.contains(where: { $0.document.extraction.documentID == id }) { documents[id] = nil }
                if !ok {
                    newEpoch()
                } else if done.unplanned {
                    patient = nil
                    documents.removeAll()
                }
                router.yield(.settled(mrn: mrn))
            case .replan(let seq, let answered):
                guard let index = pending.firstIndex(where: { $0.ticket.seq == seq && $0.outstanding == answered }) else { continue }
                pending[index].outstanding = nil
                replans += 1
                if answered == epoch { newEpoch() }
            case .drain:
                draining = true
            }
            await pump(reply: reply, output: output)
            if draining && pending.isEmpty { break }
        }
    }

    /// What was planned on no longer holds: plan again from the record.
    private func newEpoch() {
        epoch += 1
        patient = nil
        documents.removeAll()
    }

    /// Submits the documents waiting to be (re)submitted, in arrival order, once no
    /// command of an older epoch is unanswered.
    private func pump(reply: AsyncStream<PatientEvent>.Continuation, output: WorkQueue<StoreItem>) async {
        guard !pending.contains(where: { ($0.outstanding ?? epoch) < epoch }) else { return }
        for index in pending.indices where pending[index].outstanding == nil {
            await submit(index, reply: reply, output: output)
        }
    }

    private func submit(_ index: Int, reply: AsyncStream<PatientEvent>.Continuation, output: WorkQueue<StoreItem>) async {
        pending[index].submissions += 1
        pending[index].outstanding = epoch
        let item = pending[index]
        let id = item.document.extraction.documentID
        var work = MergeWork.unplanned(item.document, actor: "pipeline")
        // Behind a document the store plans, the outcome is unknown here: plan there too.
        let behindUnplanned = pending[..<index].contains(where: \.unplanned)
        if item.submissions <= maxReplans && !behindUnplanned, let state = await state(for: id) {
            let decision = MergeDecision.plan(item.document, documentFindings: item.findings, patient: state.0,
                                              existing: state.1, sampleRate: sampleRate)
            patient = decision.patientAfter
            documents[id] = .some(decision.documentAfter)
            work = .planned(decision.command)
            pending[index].unplanned = false
        } else {
            pending[index].unplanned = true
            patient = nil
            documents.removeAll()
        }
        await output.push(.request(StoreRequest(ticket: item.ticket, document: item.document, work: work,
                                                epoch: epoch, reply: reply)))
    }

    /// The state to plan on: what this actor planned last, else the database.
    private func state(for documentID: String) async -> (PatientSnapshot, DocumentSnapshot?)? {
        do {
            if let patient {
                if let known = documents[documentID] { return (patient, known) }
                let loaded = try await reader.document(documentID)
                documents[documentID] = .some(loaded)
                return (patient, loaded)
            }
            let (loadedPatient, loaded) = try await reader.snapshots(mrn: mrn, documentID: documentID)
            patient = loadedPatient
            documents[documentID] = .some(loaded)
            return (loadedPatient, loaded)
        } catch {
            return nil   // the store plans it inside its transaction
        }
    }
}
