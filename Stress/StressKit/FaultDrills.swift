import Foundation

/// Placeholder replaced below.
public struct FaultDrills {
    public let workDir: String
    public let log: @Sendable (String) -> Void
    public init(workDir: String, log: @escaping @Sendable (String) -> Void) {
        self.workDir = workDir
        self.log = log
    }
    public func run() throws -> Bool { false }
}
