import DocmergeModel
import Foundation
import Testing

@Suite struct ConfigTests {
    /// The shipped config file says exactly what the built-in defaults are.
    @Test func shippedConfigEqualsTheDefaults() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Configs/docmerge.json").path
        #expect(try Config.load(path: path) == Config())
    }

    @Test func missingKeysTakeDefaults() throws {
        let config = try JSONDecoder().decode(Config.self, from: Data(#"{"thresholds":{"min_confidence":0.9}}"#.utf8))
        #expect(config.thresholds.minConfidence == 0.9)
        #expect(config.thresholds.fewResourcesCount == 3)
        #expect(config.pipeline == Config.Pipeline())
    }
}
