import Foundation

/// One parsed request: method, decoded path, query, headers (names lowercased), body.
public struct HTTPRequest: Sendable {
    public enum Method: String, Sendable {
        case get = "GET"
        case post = "POST"
    }

    public let method: Method
    /// The percent-decoded path, checked: starts with `/`, no `.` or `..` segment, no NUL,
    /// no backslash, valid UTF-8.
    public let path: String
    public let query: FormData
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]
    /// The peer's address as text, and whether it is a loopback address.
    public let peer: String
    public let peerIsLoopback: Bool

    public init(method: Method, path: String, query: FormData, headers: [(name: String, value: String)], body: [UInt8],
                peer: String, peerIsLoopback: Bool) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.peer = peer
        self.peerIsLoopback = peerIsLoopback
    }

    /// True when a proxy forwarded the request (it names the client it came from): such a
    /// request is never treated as coming from this machine, whatever its socket's peer.
    public var isForwarded: Bool {
        headers.contains { ["x-forwarded-for", "forwarded", "x-real-ip"].contains($0.name) }
    }

    /// The client a trusted proxy names: the last address in X-Forwarded-For (the one the
    /// proxy itself appended), else the socket's peer.
    public func client(trustingProxy: Bool) -> String {
        guard trustingProxy, let list = header("x-forwarded-for"),
              let last = list.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty,
              last.utf8.count <= 64 else { return peer }
        return last
    }

    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first(where: { $0.name == lower })?.value
    }

    /// Cookies from every `Cookie` header; a malformed pair is ignored, not trusted.
    public var cookies: [String: String] {
        var out: [String: String] = [:]
        for header in headers where header.name == "cookie" {
            for pair in header.value.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                let name = parts[0].trimmingCharacters(in: .whitespaces)
                if out[name] == nil { out[name] = parts[1].trimmingCharacters(in: .whitespaces) }
            }
        }
        return out
    }

    /// The body as an `application/x-www-form-urlencoded` form.
    public func form(limits: HTTPLimits) throws(HTTPError) -> FormData {
        let type = (header("content-type") ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard type == "application/x-www-form-urlencoded" else {
            throw HTTPError(415, "Forms must be sent as application/x-www-form-urlencoded.")
        }
        return try FormData.parse(body[...], maxFields: limits.maxFormFields)
    }
}


