import DocmergeStressKit
import DocmergeTestSupport
import Foundation
import Testing

/// The stress harness's fault drills, run for real in the suite: disk full, a read-only
/// database (chattr; skipped where not allowed), a write lock held for seconds, an
/// unreadable file, files deleted mid-read, a slow non-atomic writer, and a SIGKILL
/// between commit and file move — each followed by the checker.
@Suite struct FaultDrillTests {
    @Test(.timeLimit(.minutes(4)))
    func everyFaultDrillLosesNothing() throws {
        let dir = TemporaryDirectory("docmerge-drills")
        let lines = LineLog()
        let passed = try FaultDrills(workDir: dir.path, log: { lines.append($0) }).run()
        #expect(passed, "\(lines.text)")
        #expect(lines.text.contains("PASS  disk full"))
        #expect(lines.text.contains("PASS  power-cut style SIGKILL between commit and file move"))
    }
}
