#if canImport(Glibc)
import Glibc
#endif
import DocmergeModel
import Foundation

/// Who runs this process, as the operating system knows it: recorded in every audit row
/// beside the declared `--reviewer`, which anyone can type.
public struct OSIdentity: Sendable, Equatable {
    public let user: String
    public let host: String

    public init(user: String, host: String) {
        self.user = user
        self.host = host
    }

    /// The effective user (its login name, else `uid N`) and the host name.
    public static let current: OSIdentity = {
        let uid = geteuid()
        var user = "uid \(uid)"
        if let entry = getpwuid(uid), let name = entry.pointee.pw_name, let text = String(validatingCString: name), !text.isEmpty {
            user = text
        }
        var buffer = [CChar](repeating: 0, count: 256)
        let host = gethostname(&buffer, buffer.count - 1) == 0
            ? String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self) : "unknown"
        return OSIdentity(user: user, host: host.isEmpty ? "unknown" : host)
    }()
}
