import DocmergeSQLite

extension RecordStore {
    /// How hard each commit reaches the disk (SQLite's `synchronous`, in WAL mode).
    public enum Synchronous: Sendable {
        /// Every commit is on disk before it returns (the default: a committed merge survives a power cut).
        case full
        /// Commits reach the disk at checkpoints: a power cut may lose the last ones, never corrupt.
        case normal
        /// Never waits for the disk.
        case off

        var connectionLevel: Connection.Synchronous {
            switch self {
            case .full: .full
            case .normal: .normal
            case .off: .off
            }
        }
    }
}
