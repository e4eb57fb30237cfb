import Foundation

/// The seven quality checks of DESIGN.md. Pure: everything it needs is passed in, so a
/// decision is reproducible from the stored extraction and thresholds.
public enum FlagCode: String, Sendable, CaseIterable, Codable {
    case lowConfidence = "low_confidence"
    case fallbackModel = "fallback_model"
    case noResources = "no_resources"
    case fewResources = "few_resources"
    case birthDateMismatch = "birth_date_mismatch"
    case nameMismatch = "name_mismatch"
    case newPatient = "new_patient"
    case mergeFailed = "merge_failed"

    public var label: String {
        switch self {
        case .lowConfidence: "low confidence"
        case .fallbackModel: "fallback model"
        case .noResources: "no resources"
        case .fewResources: "few resources"
        case .birthDateMismatch: "date of birth conflict"
        case .nameMismatch: "name conflict"
        case .newPatient: "new patient"
        case .mergeFailed: "merge failed"
        }
    }
}

public struct Finding: Sendable, Equatable {
    public let code: FlagCode
    public let text: String
    public init(code: FlagCode, text: String) {
        self.code = code
        self.text = text
    }
}

/// What the registry knows of the patient.
public struct RegistryDemographics: Sendable, Equatable {
    public var name: String?
    public var birthDate: String?
    public init(name: String?, birthDate: String?) {
        self.name = name
        self.birthDate = birthDate
    }
}

public struct QualityCheck: Sendable {
    public let thresholds: Thresholds
    public init(thresholds: Thresholds) { self.thresholds = thresholds }

    /// Every condition that fires, in the order of the table in DESIGN.md.
    public func evaluate(confidence: Double, fallbackUsed: Bool, model: String, resourceCount: Int,
                         documentPatients: [PatientEvidence], registry: RegistryDemographics?) -> [Finding] {
        var findings: [Finding] = []
        if confidence < thresholds.minConfidence {
            findings.append(Finding(code: .lowConfidence, text: "extraction confidence \(Self.fmt(confidence)) is below the \(Self.fmt(thresholds.minConfidence)) threshold"))
        }
        if fallbackUsed {
            findings.append(Finding(code: .fallbackModel, text: "the primary model failed and the fallback model \(model) produced this extraction"))
        }
        if resourceCount == 0 {
            findings.append(Finding(code: .noResources, text: "no resources were extracted"))
        } else if resourceCount < thresholds.fewResourcesCount && confidence < thresholds.fewResourcesConfidence {
            findings.append(Finding(code: .fewResources, text: "only \(resourceCount) resource\(resourceCount == 1 ? "" : "s") extracted (fewer than \(thresholds.fewResourcesCount)) with confidence \(Self.fmt(confidence)) below \(Self.fmt(thresholds.fewResourcesConfidence))"))
        }
        if let registry {
            findings += conflicts(documentPatients, registry)
        }
        return findings
    }

    /// Partial FHIR dates compare on their common precision (`1950` matches `1950-03-02`).
    static func sameDate(_ a: String, _ b: String) -> Bool {
        let n = min(a.count, b.count)
        return a.prefix(n) == b.prefix(n)
    }

    public static func fmt(_ value: Double) -> String {
        let rounded = (value * 10_000).rounded() / 10_000
        var text = String(rounded)
        if text.hasSuffix(".0") { text += "0" }
        if let dot = text.firstIndex(of: "."), text.distance(from: dot, to: text.endIndex) == 2 { text += "0" }
        return text
    }

    public static func reasonText(_ findings: [Finding]) -> String? {
        findings.isEmpty ? nil : findings.map(\.text).joined(separator: "; ")
    }
}
