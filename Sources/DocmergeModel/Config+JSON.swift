extension Config {
    /// The effective configuration, every setting with its value (defaults filled in), in
    /// the shape of `Configs/docmerge.json`.
    public var json: JSON {
        let settings = ConfigSchema.settings
        return .object(ConfigSchema.sections.map { section in
            JSONMember(section, .object(settings.filter { $0.section == section }.map { setting in
                JSONMember(setting.key, Self.json(setting.read(self)))
            }))
        })
    }

    static func json(_ value: ConfigSchema.Value) -> JSON {
        switch value {
        case .number(let n): .number(Thresholds.number(n))
        case .integer(let i): .number(String(i))
        case .text(let t): .string(t)
        case .bool(let b): .bool(b)
        case .texts(let words): .array(words.map(JSON.string))
        }
    }
}

extension Config {
    /// `json`, one setting a line (as `Configs/docmerge.json` is written), with an optional
    /// `evidence` section on one line after the settings.
    public func prettyText(evidence: JSON? = nil) -> String {
        var sections: [String] = []
        for section in json.objectValue ?? [] {
            let lines = (section.value.objectValue ?? []).map { "    \(JSON.string($0.key).text): \($0.value.text)" }
            sections.append("  \(JSON.string(section.key).text): {\n" + lines.joined(separator: ",\n") + "\n  }")
        }
        if let evidence { sections.append("  \(JSON.string(ConfigSchema.evidenceSection).text): \(evidence.text)") }
        return "{\n" + sections.joined(separator: ",\n") + "\n}"
    }
}
