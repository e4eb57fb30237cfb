import DocmergeModel
import Foundation

/// Drops a workload's files at a steady rate into a running `docmerge run`, waits until the
/// inbox is empty, stops the runner with SIGTERM and returns its final `metrics.json` (whose
/// live histograms hold merge and landed→committed latencies).
enum SteadyDrop {
    static func run(_ binary: String, _ workload: Workload, rate: Double, dir: String, db: String,
                    extraArguments: [String] = []) throws -> JSON {
        let runner = try ProcessTools.start(binary, ["run", "--watch", dir + "/inbox", "--db", db] + extraArguments + ["--quiet"],
                                            log: dir + "/runner.log")
        usleep(300_000)
        let start = DispatchTime.now().uptimeNanoseconds
        for (i, file) in workload.files.enumerated() {
            let due = start + UInt64(Double(i) / rate * 1e9)
            let now = DispatchTime.now().uptimeNanoseconds
            if due > now { usleep(UInt32((due - now) / 1000)) }
            try ProcessTools.drop(file, into: dir + "/inbox")
        }
        while ProcessTools.waiting(in: dir + "/inbox") > 0 { usleep(10_000) }
        kill(runner.processIdentifier, SIGTERM)
        runner.waitUntilExit()
        return try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/metrics.json"))))
    }
}
