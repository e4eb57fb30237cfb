#if canImport(Glibc)
import Glibc
#endif
import DocmergeCore
import DocmergeModel
import Foundation

/// Where the time goes: each stage of the hot path timed alone, single-threaded, on
/// the same documents (read, decode + validate + plan, merge in group-commit batches).
public struct PhaseProfile {
    public static func run(files: [GeneratedFile], dir: String, log: @Sendable (String) -> Void) throws -> [String: Double] {
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let decoder = ExtractionDecoder()
        func ms(_ t0: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6 }
        var t0 = DispatchTime.now().uptimeNanoseconds
        var parsed = 0
        for file in files { if (try? JSONParser.parse(file.bytes)) != nil { parsed += 1 } }
        let parseMs = ms(t0)
        if ProcessInfo.processInfo.environment["BENCH_MICRO"] != nil {
            let sample = files[0].bytes
            let root = try JSONParser.parse(sample, rawResources: true)
            var t = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<2000 { _ = ContentHash.hex(sample) }
            log(String(format: "micro: ContentHash %.0f MB/s", Double(sample.count * 2000) / 1e6 / (ms(t) / 1000)))
            t = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<2000 { _ = SHA256.hash(sample) }
            log(String(format: "micro: SHA256 %.0f MB/s", Double(sample.count * 2000) / 1e6 / (ms(t) / 1000)))
            t = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<2000 { _ = root.bytes }
            log(String(format: "micro: root.bytes %.0f MB/s", Double(sample.count * 2000) / 1e6 / (ms(t) / 1000)))
            t = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<2000 { _ = try JSONParser.minify(sample) }
            log(String(format: "micro: minify %.0f MB/s (%d bytes)", Double(sample.count * 2000) / 1e6 / (ms(t) / 1000), sample.count))
            t = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<2000 { _ = try JSONParser.parse(sample, rawResources: true) }
            log(String(format: "micro: parse raw mode %.0f MB/s", Double(sample.count * 2000) / 1e6 / (ms(t) / 1000)))
        }
        t0 = DispatchTime.now().uptimeNanoseconds
        var decoded: [(Extraction, JSON)] = []
        for file in files { if let d = try? decoder.decode(file.bytes) { decoded.append(d) } }
        let decodeMs = ms(t0)
        t0 = DispatchTime.now().uptimeNanoseconds
        for d in decoded { _ = MergePlanner.plan(d.0) }
        let planMs = ms(t0)
        t0 = DispatchTime.now().uptimeNanoseconds
        for d in decoded { _ = SHA256.hex(d.1.bytes) }
        let hashMs = ms(t0)
        t0 = DispatchTime.now().uptimeNanoseconds
        var prepared: [PreparedDocument] = []
        for file in files {
            if let doc = try? PreparedDocument.prepare(file.bytes, decoder: decoder, thresholds: Thresholds(), firstSeen: Date()) {
                prepared.append(doc)
            }
        }
        let prepareMs = ms(t0)
        let store = try RecordStore(path: dir + "/phase.sqlite")
        t0 = DispatchTime.now().uptimeNanoseconds
        var index = 0
        while index < prepared.count {
            let batch = Array(prepared[index..<min(prepared.count, index + 256)])
            _ = try store.mergeBatch(batch)
            index += 256
        }
        let mergeMs = ms(t0)
        let bytes = Double(files.reduce(0) { $0 + $1.bytes.count })
        let n = Double(prepared.count)
        let result: [String: Double] = [
            "documents": n,
            "parse_ms_per_document": parseMs / n, "parse_mb_per_second": bytes / 1e6 / (parseMs / 1000),
            "prepare_ms_per_document": prepareMs / n,
            "decode_ms_per_document": decodeMs / n, "plan_ms_per_document": planMs / n, "hash_ms_per_document": hashMs / n,
            "merge_ms_per_document": mergeMs / n,
        ]
        log(String(format: "phases (one thread): tree parse %.3f ms/doc (%.0f MB/s); decode+validate %.3f, plan %.3f, document hash %.3f, all of prepare %.3f ms/doc; merge in batches of 256 %.3f ms/doc",
                   parseMs / n, bytes / 1e6 / (parseMs / 1000), decodeMs / n, planMs / n, hashMs / n, prepareMs / n, mergeMs / n))
        return result
    }
}
