import DocmergeModel
import Foundation
import Testing

@Suite struct ConfigTests {
    static var shippedPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Configs/docmerge.json").path
    }

    /// The shipped config file says exactly what the built-in defaults are, every setting.
    @Test func shippedConfigEqualsTheDefaults() throws {
        #expect(try Config.load(path: Self.shippedPath) == Config())
        let text = try String(contentsOfFile: Self.shippedPath, encoding: .utf8)
        #expect(text == Config().prettyText() + "\n", "Configs/docmerge.json lists every setting as `config check` prints it")
    }

    @Test func missingKeysTakeDefaults() throws {
        let config = try Config.parse(Array(#"{"thresholds":{"min_confidence":0.9}}"#.utf8), source: "c.json")
        #expect(config.thresholds.minConfidence == 0.9)
        #expect(config.thresholds.fewResourcesCount == 3)
        #expect(config.pipeline == Config.Pipeline())
        #expect(config.registry.unknownPatient == .registerAndFlag)
        #expect(try Config.parse(Array("{}".utf8), source: "c.json") == Config())
    }

    @Test func everySettingIsReadAndPrinted() throws {
        let text = #"{"thresholds":{"min_confidence":0.7,"few_resources_count":2,"few_resources_confidence":0.9,"min_name_similarity":0.75},"registry":{"unknown_patient":"reject"},"pipeline":{"batch_max":8,"rescan_seconds":0.5,"target_flag_rate_low":0.1},"tune":{"min_reviewed_outcomes":5},"evidence":{"reviewed":40}}"#
        let config = try Config.parse(Array(text.utf8), source: "c.json")
        #expect(config.judgement == Thresholds(minConfidence: 0.7, fewResourcesCount: 2, fewResourcesConfidence: 0.9,
                                               minNameSimilarity: 0.75, unknownPatient: .reject))
        #expect(config.pipeline.batchMax == 8 && config.pipeline.rescanSeconds == 0.5 && config.tune.minReviewedOutcomes == 5)
        // What `config check` prints reads back as the same configuration.
        #expect(try Config.parse(Array(config.prettyText().utf8), source: "again") == config)
    }

    /// Each bad file, and the sentence that refuses it (naming the key and what it allows).
    static let bad: [(String, String)] = [
        (#"{"thresholds":{"min_confidance":0.9}}"#,
         "thresholds.min_confidance is not a setting (did you mean min_confidence?); thresholds takes min_confidence, few_resources_count, few_resources_confidence, min_name_similarity"),
        (#"{"threshold":{}}"#, "threshold is not a setting (did you mean thresholds?); the sections are thresholds, registry, pipeline, tune, notify"),
        (#"{"thresholds":{"min_confidence":1.5}}"#, "thresholds.min_confidence must be a number from 0 to 1, not 1.5"),
        (#"{"thresholds":{"min_confidence":-0.1}}"#, "thresholds.min_confidence must be a number from 0 to 1, not -0.1"),
        (#"{"thresholds":{"min_confidence":"0.8"}}"#, "thresholds.min_confidence must be a number from 0 to 1, not \"0.8\""),
        (#"{"thresholds":{"few_resources_count":0}}"#, "thresholds.few_resources_count must be a whole number of 1 or more, not 0"),
        // A depth the recursive parser could not reach without running off its stack.
        (#"{"pipeline":{"max_depth":1000000}}"#, "pipeline.max_depth must be a whole number from 1 to 1000, not 1000000"),
        (#"{"thresholds":{"few_resources_count":2.5}}"#, "thresholds.few_resources_count must be a whole number of 1 or more, not 2.5"),
        (#"{"registry":{"unknown_patient":"ignore"}}"#, "registry.unknown_patient must be one of register_and_flag, register, reject, not \"ignore\""),
        (#"{"pipeline":{"rescan_seconds":-1}}"#, "pipeline.rescan_seconds must be a number greater than 0, not -1"),
        (#"{"pipeline":{"settle_ms":-5}}"#, "pipeline.settle_ms must be a whole number of 0 or more, not -5"),
        (#"{"pipeline":{"park_seconds":-0.5}}"#, "pipeline.park_seconds must be a number of 0 or more, not -0.5"),
        (#"{"pipeline":{"batch_max":0}}"#, "pipeline.batch_max must be a whole number of 1 or more, not 0"),
        (#"{"pipeline":{"sample_rate":2}}"#, "pipeline.sample_rate must be a number from 0 to 1, not 2"),
        (#"{"pipeline":{"target_flag_rate_low":0.3,"target_flag_rate_high":0.2}}"#,
         "pipeline.target_flag_rate_low must not be above pipeline.target_flag_rate_high (0.3 > 0.2)"),
        (#"{"tune":{"min_reviewed_outcomes":0}}"#, "tune.min_reviewed_outcomes must be a whole number of 1 or more, not 0"),
        (#"{"thresholds":{"min_confidence":0.8,"min_confidence":0.9}}"#, "thresholds.min_confidence appears twice"),
        (#"{"thresholds":[]}"#, "thresholds must be an object of settings"),
        (#"[1]"#, "it must be a JSON object with the sections thresholds, registry, pipeline, tune, notify"),
    ]

    @Test(arguments: bad)
    func badFilesAreRefusedWithTheirSentence(_ text: String, _ problem: String) {
        #expect { try Config.parse(Array(text.utf8), source: "bad.json") } throws: { error in
            (error as? ConfigError)?.message == "The config file bad.json is not valid: \(problem)."
        }
    }

    @Test func notJSONIsRefusedInOneSentence() {
        #expect { try Config.parse(Array("{\"thresholds\": ".utf8), source: "bad.json") } throws: { error in
            let message = (error as? ConfigError)?.message ?? ""
            return message.hasPrefix("The config file bad.json is not valid: it is not JSON") && !message.contains("\n")
        }
    }
}
