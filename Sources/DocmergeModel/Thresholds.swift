/// The quality-check thresholds. A document keeps the values it was judged with,
/// so a decision can be reproduced and a retry judges the same way.
public struct Thresholds: Sendable, Equatable, Hashable {
    /// Check 1: confidence strictly below this flags.
    public var minConfidence: Double = 0.80
    /// Check 4: fewer resources than this …
    public var fewResourcesCount: Int = 3
    /// … with confidence strictly below this flags.
    public var fewResourcesConfidence: Double = 0.95
    /// Check 6: name similarity strictly below this flags.
    public var minNameSimilarity: Double = 0.80
    /// Check 7: what an MRN the registry does not know does (`registry.unknown_patient`
    /// in the config file; kept with each document like the numbers).
    public var unknownPatient: UnknownPatientPolicy = .registerAndFlag

    public init(minConfidence: Double = 0.80, fewResourcesCount: Int = 3, fewResourcesConfidence: Double = 0.95,
                minNameSimilarity: Double = 0.80, unknownPatient: UnknownPatientPolicy = .registerAndFlag) {
        self.minConfidence = minConfidence
        self.fewResourcesCount = fewResourcesCount
        self.fewResourcesConfidence = fewResourcesConfidence
        self.minNameSimilarity = minNameSimilarity
        self.unknownPatient = unknownPatient
    }

    /// Compact JSON stored with each document.
    public var json: JSON {
        .object([
            JSONMember("min_confidence", .number(Self.number(minConfidence))),
            JSONMember("few_resources_count", .number(String(fewResourcesCount))),
            JSONMember("few_resources_confidence", .number(Self.number(fewResourcesConfidence))),
            JSONMember("min_name_similarity", .number(Self.number(minNameSimilarity))),
            JSONMember("unknown_patient", .string(unknownPatient.rawValue)),
        ])
    }

    public init?(json: JSON) {
        guard let a = json["min_confidence"]?.numberValue, let b = json["few_resources_count"]?.numberValue,
              let c = json["few_resources_confidence"]?.numberValue, let d = json["min_name_similarity"]?.numberValue
        else { return nil }
        // Documents judged before check 7 existed were judged under today's `register`.
        let policy = json["unknown_patient"]?.stringValue.flatMap(UnknownPatientPolicy.init(rawValue:)) ?? .register
        self.init(minConfidence: a, fewResourcesCount: Int(b), fewResourcesConfidence: c, minNameSimilarity: d,
                  unknownPatient: policy)
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
