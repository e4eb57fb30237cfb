#if canImport(Glibc)
import Glibc
#endif
import DocmergeCore
import DocmergeModel
import DocmergePipeline
import DocmergeTestSupport
import Foundation
import Testing

@Suite struct ShutdownTests {
    struct Site {
        let dir = TemporaryDirectory("docmerge-shutdown")
        let inbox: String
        let db: String
        init(files: Int) throws {
            (inbox, db) = try dir.site()
            for i in 0..<files {
                let bytes = DocumentBuilder.clinical(id: "s-\(i)", mrn: "MRN-\(i % 2)").bytes
                try Data(bytes).write(to: URL(fileURLWithPath: inbox + "/s-\(i).json"))
                var old = [timespec(tv_sec: time(nil) - 60, tv_nsec: 0), timespec(tv_sec: time(nil) - 60, tv_nsec: 0)]
                utimensat(AT_FDCWD, inbox + "/s-\(i).json", &old, 0)
            }
        }
        var waiting: [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: inbox)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        }
        var processed: Int { ((try? FileManager.default.contentsOfDirectory(atPath: inbox + "/processed")) ?? []).count }
    }

    /// The store is stuck (a fault that never returns until cancelled); SIGTERM stops
    /// intake, the deadline passes, the work is cancelled and the runner returns, with
    /// every file still in the inbox and nothing half-written.
    @Test(.timeLimit(.minutes(1)), arguments: [false, true])
    func sigtermReturnsWithinTheDeadline(secondSignal: Bool) async throws {
        let site = try Site(files: 3)
        var config = Config()
        config.pipeline.shutdownDeadlineSeconds = secondSignal ? 3600 : 0.2
        let (stuck, stuckNow) = AsyncStream.makeStream(of: Void.self)
        let (never, _) = AsyncStream.makeStream(of: Void.self)
        let faults = FaultInjection(beforeCommit: { _ in
            stuckNow.yield()
            for await _ in never {}   // until cancelled
        })
        let (signals, send) = AsyncStream.makeStream(of: Int32.self)
        let runner = Runner(options: .init(watch: site.inbox, dbPath: site.db, config: config, once: false,
                                           logger: Logger(level: .quiet), progress: false, faults: faults, signals: signals))
        async let summary = runner.run()
        for await _ in stuck { break }
        send.yield(SIGTERM)
        if secondSignal { send.yield(SIGTERM) }   // a second signal: at once, whatever the deadline
        let result = try await summary
        #expect(result.merged == 0)
        #expect(site.waiting == ["s-0.json", "s-1.json", "s-2.json"], "nothing lost: left in the inbox")
        #expect(site.processed == 0)
        #expect(try RecordStore(path: site.db).documentSnapshot(documentID: "s-0") == nil)
    }

    /// With nothing stuck, SIGTERM drains: what was taken is committed and moved.
    @Test(.timeLimit(.minutes(1))) func sigtermDrainsInFlightWork() async throws {
        let site = try Site(files: 6)
        let (committed, didCommit) = AsyncStream.makeStream(of: Void.self)
        let faults = FaultInjection(beforeCommit: { _ in didCommit.yield() })
        let (signals, send) = AsyncStream.makeStream(of: Int32.self)
        let runner = Runner(options: .init(watch: site.inbox, dbPath: site.db, config: Config(), once: false,
                                           logger: Logger(level: .quiet), progress: false, faults: faults, signals: signals))
        async let summary = runner.run()
        for await _ in committed { break }
        send.yield(SIGTERM)
        let result = try await summary
        #expect(result.merged + site.waiting.count == 6, "each file merged or still in the inbox")
        #expect(site.processed == result.merged)
        #expect(try RecordStore(path: site.db).verifyAudit().problem == nil)
    }
}
