import Foundation

/// Why a config file is refused: one sentence naming the key and what it allows.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension Config {
    /// Reads and validates a config file; a missing key takes its default.
    public static func load(path: String) throws(ConfigError) -> Config {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError("Cannot read the config file \(path).")
        }
        return try parse(Array(data), source: path)
    }

    /// Validates every key against `ConfigSchema`.
    public static func parse(_ bytes: [UInt8], source: String) throws(ConfigError) -> Config {
        func refuse(_ problem: String) -> ConfigError { ConfigError("The config file \(source) is not valid: \(problem).") }
        let root: JSON
        do {
            root = try JSONParser.parse(bytes)
        } catch where error.isDuplicateMember {
            throw refuse("\(error.path.hasPrefix("$.") ? String(error.path.dropFirst(2)) : error.path) appears twice")
        } catch {
            throw refuse("it is not JSON (\(error.description))")
        }
        guard let sections = root.objectValue else {
            throw refuse("it must be a JSON object with the sections \(ConfigSchema.sections.joined(separator: ", "))")
        }
        var config = Config()
        let settings = ConfigSchema.settings
        for section in sections {
            if section.key == ConfigSchema.evidenceSection { continue }
            guard ConfigSchema.sections.contains(section.key) else {
                throw refuse(unknown(section.key, in: nil, among: ConfigSchema.sections))
            }
            guard let members = section.value.objectValue else { throw refuse("\(section.key) must be an object of settings") }
            let keys = settings.filter { $0.section == section.key }
            for member in members {
                guard let setting = keys.first(where: { $0.key == member.key }) else {
                    throw refuse(unknown(member.key, in: section.key, among: keys.map(\.key)))
                }
                guard let value = value(member.value, setting.kind) else {
                    throw refuse("\(setting.name) must be \(setting.kind.allowed), not \(shown(member.value))")
                }
                setting.write(&config, value)
            }
        }
        if config.pipeline.targetFlagRateLow > config.pipeline.targetFlagRateHigh {
            throw refuse("pipeline.target_flag_rate_low must not be above pipeline.target_flag_rate_high (\(config.pipeline.targetFlagRateLow) > \(config.pipeline.targetFlagRateHigh))")
        }
        return config
    }

    /// The value when it has the kind's type and lies in its range.
    static func value(_ json: JSON, _ kind: ConfigSchema.Kind) -> ConfigSchema.Value? {
        switch kind {
        case .choice(let values):
            guard let text = json.stringValue, values.contains(text) else { return nil }
            return .text(text)
        case .count, .nonNegativeInteger, .countUpTo:
            guard let n = json.numberValue, n == n.rounded(), abs(n) < 1e15 else { return nil }
            let i = Int(n)
            if case .countUpTo(let bound) = kind { return (1...bound).contains(i) ? .integer(i) : nil }
            return i >= (kind == .count ? 1 : 0) ? .integer(i) : nil
        case .fraction, .positiveNumber, .nonNegativeNumber:
            guard let n = json.numberValue, n.isFinite else { return nil }
            let ok = kind == .fraction ? (0...1).contains(n) : (kind == .positiveNumber ? n > 0 : n >= 0)
            return ok ? .number(n) : nil
        case .flag:
            return json.boolValue.map(ConfigSchema.Value.bool)
        case .argv:
            guard let items = json.arrayValue else { return nil }
            let words = items.compactMap(\.stringValue)
            return words.count == items.count && !words.contains("") ? .texts(words) : nil
        case .timeOfDay, .webhookURL, .baseURL:
            guard let text = json.stringValue else { return nil }
            let ok = switch kind {
            case .timeOfDay: text.isEmpty || Notify.minutes(text) != nil
            case .webhookURL: Notify.isAllowedWebhook(text)
            default: text.isEmpty || text.hasPrefix("https://") || text.hasPrefix("http://")
            }
            return ok ? .text(text) : nil
        }
    }

    static func unknown(_ key: String, in section: String?, among keys: [String]) -> String {
        let name = section.map { "\($0).\(key)" } ?? key
        let guess = keys.min { editDistance(key, $0) < editDistance(key, $1) }
        let hint = guess.flatMap { editDistance(key, $0) <= 3 ? " (did you mean \($0)?)" : nil } ?? ""
        let scope = section.map { "\($0) takes" } ?? "the sections are"
        return "\(name) is not a setting\(hint); \(scope) \(keys.joined(separator: ", "))"
    }

    static func shown(_ json: JSON) -> String {
        let text = json.text
        return text.count > 40 ? String(text.prefix(40)) + "…" : text
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8), b = Array(b.utf8)
        var row = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in 1...max(1, b.count) where !b.isEmpty {
                let kept = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = kept
            }
        }
        return a.isEmpty ? b.count : row[b.count]
    }
}
