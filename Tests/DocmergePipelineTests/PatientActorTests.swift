import DocmergeCore
import DocmergeModel
import DocmergePipeline
import DocmergeTestSupport
import Foundation
import Testing

@Suite struct PatientActorTests {
    /// Past the live limit an idle patient's actor is evicted; the patient's next document
    /// gets a new actor that reloads the record from the database and merges on top of it.
    @Test(.timeLimit(.minutes(1))) func anEvictedActorReloadsFromTheDatabase() async throws {
        let rig = try PipelineRig(maxLive: 1)
        async let running: Void = rig.run()
        try rig.send(DocumentBuilder.clinical(id: "a-1", mrn: "MRN-A"))
        #expect(await rig.waitDone(1).count == 1)
        try rig.send(DocumentBuilder.clinical(id: "b-1", mrn: "MRN-B"))
        #expect(await rig.waitDone(1).count == 1)
        // A is idle and over the limit: evicted once B's document has settled.
        var evicted = 0
        for _ in 0..<100_000 where evicted == 0 {
            evicted = await rig.router.metrics.evicted
            await Task.yield()
        }
        #expect(evicted >= 1)
        try rig.send(DocumentBuilder.clinical(id: "a-2", mrn: "MRN-A", conditions: 4))
        let done = await rig.waitDone(1)
        rig.input.finish()
        await running
        guard case .processed = try #require(done.first) else { Issue.record("a-2 not merged: \(done)"); return }
        #expect(await rig.router.metrics.created == 3, "A, B, then A again")
        let store = try RecordStore(path: rig.db)
        #expect(try store.patient(mrn: "MRN-A")?.version == 2)
        #expect(try store.documentSnapshot(documentID: "a-2")?.resources.count == 6)
        #expect(try store.verifyAudit().problem == nil)
    }

    /// Another process changes the patient between two documents: the actor's plan fails
    /// its version check, the actor reloads and plans again, and the document merges once.
    @Test(.timeLimit(.minutes(1))) func aStalePlanIsReplannedAndMergedOnce() async throws {
        let rig = try PipelineRig(maxLive: 100)
        async let running: Void = rig.run()
        try rig.send(DocumentBuilder.clinical(id: "a-1", mrn: "MRN-A"))
        #expect(await rig.waitDone(1).count == 1)
        // A review command elsewhere: the record version moves on.
        let other = try RecordStore(path: rig.db)
        _ = try other.rollback(documentID: "a-1", reviewer: "steward", reason: "test")
        let moved = try #require(try other.patient(mrn: "MRN-A")?.version)
        try rig.send(DocumentBuilder.clinical(id: "a-2", mrn: "MRN-A"))
        let done = await rig.waitDone(1)
        rig.input.finish()
        await running
        guard case .processed = try #require(done.first) else { Issue.record("a-2 not merged: \(done)"); return }
        let actor = try #require(rig.actors.all.first)
        #expect(rig.actors.all.count == 1)
        #expect(await actor.replans == 1)
        #expect(try other.patient(mrn: "MRN-A")?.version == moved + 1)
        #expect(try other.auditRows(documentID: "a-2").filter { $0.action == "merge" }.count == 1)
        #expect(try other.documentSnapshot(documentID: "a-2")?.resources.count == 5)
        #expect(try other.documentSnapshot(documentID: "a-1")?.resources.isEmpty == true, "the rollback stands")
    }

    /// The registry row changes elsewhere (an import) after the actor has the patient: the
    /// plan for the next document, judged on the old row, fails its version check, and the
    /// document is judged again on the new row (checks 5–7 run in the actor, not the store).
    @Test(.timeLimit(.minutes(1))) func aRegistryChangeElsewhereIsJudgedOnTheNewRow() async throws {
        func document(_ id: String) -> DocumentBuilder {
            var b = DocumentBuilder.clinical(id: id, mrn: "MRN-A")
            b.addPatientEntry(name: "Doe", given: ["Jane", "Q."], birthDate: "1950-03-02")
            return b
        }
        let rig = try PipelineRig(maxLive: 100)
        async let running: Void = rig.run()
        try rig.send(document("a-1"))
        #expect(await rig.waitDone(1).count == 1)
        let other = try RecordStore(path: rig.db)
        _ = try other.importPatients([PatientRecord(mrn: "MRN-A", name: "Jane Q. Doe", birthDate: "1961-07-09")])
        try rig.send(document("a-2"))
        let done = await rig.waitDone(1)
        rig.input.finish()
        await running
        guard case .processed = try #require(done.first) else { Issue.record("a-2 not merged: \(done)"); return }
        let actor = try #require(rig.actors.all.first)
        #expect(await actor.replans == 1)
        let states = Dictionary(uniqueKeysWithValues: try other.documentStates().map { ($0.documentID, $0) })
        #expect(states["a-2"]?.status == .flagged)
        #expect(states["a-2"]?.flagCodes == [FlagCode.birthDateMismatch.rawValue])
        #expect(states["a-1"]?.flagCodes == [FlagCode.newPatient.rawValue], "a-1 registered the patient")
    }

    /// Documents of one patient planned on top of each other while the first is in flight
    /// come out as if merged one at a time (same document re-extracted, then replayed).
    @Test(.timeLimit(.minutes(1))) func documentsPlannedOnTopOfEachOtherMergeInOrder() async throws {
        let rig = try PipelineRig(maxLive: 100)
        async let running: Void = rig.run()
        try rig.send(DocumentBuilder.clinical(id: "d", mrn: "MRN-A", conditions: 3))
        try rig.send(DocumentBuilder.clinical(id: "d", mrn: "MRN-A", conditions: 5))
        try rig.send(DocumentBuilder.clinical(id: "d", mrn: "MRN-A", conditions: 5))
        try rig.send(DocumentBuilder.clinical(id: "e", mrn: "MRN-A", conditions: 1))
        #expect(await rig.waitDone(4).count == 4)
        rig.input.finish()
        await running
        let store = try RecordStore(path: rig.db)
        #expect(try store.documentSnapshot(documentID: "d")?.resources.count == 7)
        #expect(try store.documentSnapshot(documentID: "e")?.resources.count == 3)
        let actions = try store.auditRows(mrn: "MRN-A").map(\.action).filter { $0 != "patient_registered" }
        #expect(actions == ["merge", "re_merge", "merge"], "the replay changed nothing")
        #expect(await store.summaryIsConsistent(rig.store))
    }
}

extension RecordStore {
    func summaryIsConsistent(_ stage: StoreStage) async -> Bool {
        let s = await stage.summary
        return s.merged == 3 && s.unchanged == 1 && s.failed == 0
    }
}
