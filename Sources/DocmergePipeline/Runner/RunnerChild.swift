/// What each child of the runner's task group returns: which child it was, and for the
/// store, the fatal problem that stopped it, if any.
public enum RunnerChild: Sendable, Equatable {
    case signals
    case ticker
    case audit
    case metrics
    case notify
    case ingest
    case classify
    case router
    case store(fatal: String?)
    case finisher
    /// The shutdown deadline passed, or a second signal came: cancel the stages.
    case abort

    var isStage: Bool {
        switch self {
        case .ingest, .classify, .router, .store, .finisher: true
        default: false
        }
    }
}
