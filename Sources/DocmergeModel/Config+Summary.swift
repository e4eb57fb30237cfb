extension Config {
    /// One log line: the thresholds and the unknown-patient policy in effect (the runner's
    /// first line, so an operator sees what documents are judged with).
    public var effectiveSummary: String {
        let t = thresholds
        return "judging with min_confidence \(QualityCheck.fmt(t.minConfidence)), few_resources_count \(t.fewResourcesCount), "
            + "few_resources_confidence \(QualityCheck.fmt(t.fewResourcesConfidence)), min_name_similarity \(QualityCheck.fmt(t.minNameSimilarity)); "
            + "unknown patients \(registry.unknownPatient.rawValue)"
    }
}
